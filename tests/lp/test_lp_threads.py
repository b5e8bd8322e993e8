"""Thread counts do not change the lp results (issue 15): the sketch kernels are serial and the
small factorisations run on one BLAS thread whatever the caller's BLAS setting."""

import numpy as np
import pytest

from samplingstats.lp import leverage_scores, lewis_weights


def _kernels():
    from samplingstats._kernels import _sketch

    return [_sketch.osnap_dense_hashed, _sketch.osnap_csr_hashed, _sketch.projected_sq_norms]


def test_sketch_kernels_are_serial():
    for kern in _kernels():
        assert not kern.options.get("parallel", False), kern


def test_every_lp_numba_kernel_is_serial():
    """Issue 15: a numba kernel is >= 1.5x faster on 2 threads or runs serial. Every kernel the
    lp paths use (in memory and dask) is serial (``bench_lp threads`` prints the same flags)."""
    from samplingstats._kernels import _scaleout, _scaleout_lewis, _sketch
    from samplingstats._kernels._jit import LazyKernel

    flags = {
        name: bool(obj.options.get("parallel", False))
        for mod in (_sketch, _scaleout, _scaleout_lewis)
        for name, obj in vars(mod).items()
        if isinstance(obj, LazyKernel)
    }
    assert {
        "osnap_dense_hashed",
        "osnap_csr_hashed",
        "projected_sq_norms",
        "osnap_dense_hashed_nogil",
        "projected_sq_norms_nogil",
        "lewis_sketch_chunk",
    } <= set(flags)
    assert not any(flags.values()), flags


def test_results_do_not_depend_on_thread_counts():
    numba = pytest.importorskip("numba")
    threadpoolctl = pytest.importorskip("threadpoolctl")
    A = np.random.default_rng(0).standard_t(3, size=(20_000, 12))
    out = []
    prev = numba.get_num_threads()
    try:
        for nt in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(nt)
            with threadpoolctl.threadpool_limits(nt, user_api="blas"):
                out.append(
                    (
                        leverage_scores(A, method="sketch", rng=3),
                        lewis_weights(A, p=1, method="sketch", rng=4).weights,
                    )
                )
    finally:
        numba.set_num_threads(prev)
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


def test_one_blas_thread_restores_the_limit():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from samplingstats.lp._core import one_blas_thread

    def blas_threads():
        return sorted(
            p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"
        )

    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        with one_blas_thread():
            assert set(blas_threads()) == {1}
        assert blas_threads() == before
