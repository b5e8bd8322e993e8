"""Progress bars, logging and result frames of the lp functions (issue 13)."""

import logging

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.lp import (
    LpRegressor,
    embedding_distortion,
    lewis_weights,
    lp_regression,
    sensitivity_sample,
)


def _data(n=2000, d=4, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_t(3, size=(n, d))
    b = A @ np.ones(d) + rng.laplace(size=n)
    return A, b


def test_lewis_weights_logs_iterations_and_accepts_progress(caplog):
    A, _ = _data()
    with caplog.at_level(logging.DEBUG, logger="samplingstats.lp"):
        res = lewis_weights(A, p=1, progress=True)
    msgs = [r.getMessage() for r in caplog.records if r.name == "samplingstats.lp"]
    assert any(m.startswith("lewis_weights: n=2000") for m in msgs)
    iters = [m for m in msgs if "fixed-point residual" in m]
    assert len(iters) == res.n_iter  # one DEBUG line per iteration
    assert any("converged=True" in m for m in msgs)
    # the bar does not change the result
    np.testing.assert_array_equal(lewis_weights(A, p=1).weights, res.weights)


def test_lp_regression_logs_stages(caplog):
    A, b = _data()
    with caplog.at_level(logging.INFO, logger="samplingstats.lp"):
        res = lp_regression(A, b, p=1.5, n_samples=200, rng=0, progress=True)
    msgs = [r.getMessage() for r in caplog.records if r.name == "samplingstats.lp"]
    for stage in ("scores done", "sample (", "solve (irls", "cost done"):
        assert any(stage in m for m in msgs), stage
    same = lp_regression(A, b, p=1.5, n_samples=200, rng=0)
    np.testing.assert_array_equal(same.coef, res.coef)


def test_embedding_distortion_progress(caplog):
    A, _ = _data()
    S = sensitivity_sample(A, p=1, n_samples=300, rng=1)
    with caplog.at_level(logging.INFO, logger="samplingstats.lp"):
        d1 = embedding_distortion(A, S, p=1, rng=2, progress=True)
    d2 = embedding_distortion(A, S, p=1, rng=2)
    assert (d1.low, d1.high) == (d2.low, d2.high)
    assert any("refined range" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("bad", [1.5, "yes", None])
def test_progress_must_be_a_bool(bad):
    A, b = _data(200)
    with pytest.raises(InvalidParameterError, match="'progress' parameter of lewis_weights"):
        lewis_weights(A, p=1, progress=bad)
    with pytest.raises(InvalidParameterError, match="'progress' parameter of lp_regression"):
        lp_regression(A, b, p=1, progress=bad)


def test_estimator_verbose(caplog):
    A, b = _data()
    with caplog.at_level(logging.INFO, logger="samplingstats.lp"):
        est = LpRegressor(p=1, n_samples=200, random_state=0, verbose=1).fit(A, b)
    quiet = LpRegressor(p=1, n_samples=200, random_state=0).fit(A, b)
    np.testing.assert_array_equal(est.coef_, quiet.coef_)
    assert any("lp_regression" in r.getMessage() for r in caplog.records)
    with pytest.raises(InvalidParameterError, match="verbose"):
        LpRegressor(verbose=-1).fit(A, b)


def test_result_frames():
    pd = pytest.importorskip("pandas")
    A, b = _data()
    S = sensitivity_sample(A, p=1, n_samples=100, rng=0)
    df = S.to_frame()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["indices", "scale", "probabilities"]
    assert len(df) == len(S) and df.attrs["mode"] == "bernoulli" and df.attrs["n_rows"] == 2000
    lw = lewis_weights(A, p=1)
    df = lw.to_frame()
    assert list(df.columns) == ["weights"] and len(df) == 2000
    assert df.attrs["converged"] is True and df.attrs["p"] == 1.0
    dist = embedding_distortion(A, S, p=1, rng=0).to_frame()
    assert len(dist) == 1 and {"low", "high", "n_directions"} <= set(dist.columns)
    res = lp_regression(A, b, p=1)
    assert res.to_frame()["coef"].shape == (4,)


def test_lewis_frame_from_dask():
    pytest.importorskip("pandas")
    da = pytest.importorskip("dask.array")
    A, _ = _data(1000)
    res = lewis_weights(da.from_array(A, chunks=(250, 4)), p=1)
    np.testing.assert_allclose(res.to_frame()["weights"].to_numpy(), res.weights.compute())
