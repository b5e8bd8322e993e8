"""The scale-out paths on a real dask.distributed LocalCluster (2 worker processes, 1 thread
each), started and stopped here: results equal those of the threaded scheduler (the same samples,
floats to 1e-12), and the work really runs in the worker processes."""

import logging
import sys

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
import dask  # noqa: E402

from samplingstats.lp import (  # noqa: E402
    leverage_scores,
    lewis_weights,
    lp_regression,
    sensitivity_sample,
)

pytestmark = pytest.mark.timeout(300)  # nothing may hang: cluster start, compute and close


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    c = distributed.Client(cluster, timeout=60)
    try:
        c.wait_for_workers(2, timeout=60)
        yield c
    finally:
        c.close(timeout=30)
        cluster.close(timeout=30)
        assert c.status == "closed"


def _samplingstats_loaded():
    return "samplingstats.lp._dask" in sys.modules


def _lp_workload(A, D, b):
    out = {
        "lev": leverage_scores(D).compute(),
        "lev_qr": leverage_scores(D, method="qr").compute(),
        "lev_sketch": leverage_scores(D, method="sketch", rng=1).compute(),
        "lewis_sketch": lewis_weights(D, p=1, method="sketch", rng=2).weights.compute(),
        "lewis3": lewis_weights(D, p=3, tol=1e-2).weights.compute(),
    }
    S = sensitivity_sample(D, p=1, n_samples=200, rng=3)
    out["sample_idx"], out["sample_scale"] = S.indices, S.scale
    reg = lp_regression(D, b, p=1, n_samples=300, rng=4)
    out["coef"], out["cost"] = reg.coef, np.array([reg.cost])
    return out


def test_lp_on_local_cluster_equals_threaded(client):
    rng = np.random.default_rng(0)
    A = rng.standard_t(3, size=(20_000, 5))
    b = A @ np.ones(5) + rng.laplace(size=len(A))
    D = da.from_array(A, chunks=(4_000, 5))
    with dask.config.set(scheduler="threads"):
        ref = _lp_workload(A, D, b)
    assert dask.base.get_scheduler() == client.get  # the client is the default scheduler here
    got = _lp_workload(A, D, b)
    # the same samples; floats to the last bits (the workers' BLAS runs on one thread, so
    # X @ L^-T may round differently from the driver's multi-threaded BLAS)
    np.testing.assert_array_equal(got["sample_idx"], ref["sample_idx"])
    for key in ref:
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-12, atol=1e-15, err_msg=key)
    assert all(client.run(_samplingstats_loaded).values())  # the chunks ran on the workers
    assert len(client.scheduler_info()["workers"]) == 2


def _testfunctions_loaded():
    return "samplingstats.importance._testfunctions" in sys.modules


def test_importance_workers_client_equals_serial(client):
    from samplingstats.importance import multiple_expectations, sobol_indices
    from samplingstats.importance._testfunctions import (
        cantilever_beam,
        cantilever_dists,
        ishigami,
        ishigami_dists,
    )

    laws = [cantilever_dists(), cantilever_dists(scale=1.5)]  # two expectations, one sample
    serial = multiple_expectations(cantilever_beam, laws, budget=3000, rng=123)
    dist = multiple_expectations(cantilever_beam, laws, budget=3000, rng=123, workers=client)
    np.testing.assert_array_equal(dist.estimate, serial.estimate)
    np.testing.assert_array_equal(dist.standard_error, serial.standard_error)
    assert dist.n_evaluations == serial.n_evaluations

    s_serial = sobol_indices(ishigami, ishigami_dists(), budget=6000, rng=7)
    s_dist = sobol_indices(ishigami, ishigami_dists(), budget=6000, rng=7, workers=client)
    np.testing.assert_array_equal(s_dist.first_order, s_serial.first_order)
    np.testing.assert_array_equal(s_dist.total_order, s_serial.total_order)
    assert s_dist.n_evaluations == s_serial.n_evaluations
    assert all(client.run(_testfunctions_loaded).values())  # the model ran on the workers


def test_importance_workers_message_names_the_client():
    from scipy import stats

    from samplingstats import InvalidParameterError
    from samplingstats.importance import multiple_expectations

    with pytest.raises(InvalidParameterError, match=r"a dask\.distributed\.Client or None"):
        multiple_expectations(np.square, [stats.norm()], budget=2000, workers="cluster")
