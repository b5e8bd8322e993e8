"""n_samples="auto" (issue 15): sample only where sampling beats the full solve."""

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.lp import LpRegressor, lp_regression
from samplingstats.lp._core import auto_n_samples


def _data(n, d=4, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_t(2, size=(n, d))
    return A, A @ np.ones(d) + rng.laplace(size=n)


def test_auto_rule():
    assert auto_n_samples(100_000, 21, 1.0) == 840
    assert auto_n_samples(100_000, 21, 1.5) == 840
    assert auto_n_samples(100_000, 21, 2.0) is None  # least squares / IRLS: full is faster
    assert auto_n_samples(100_000, 21, 3.0) is None
    assert auto_n_samples(8_000, 21, 1.0) is None  # n < 10 * 40 d: too few rows to gain


def test_auto_samples_for_small_p_and_solves_full_for_large_p():
    A, b = _data(20_000)
    res = lp_regression(A, b, p=1, n_samples="auto", rng=0)
    assert res.sample is not None and 100 < len(res.sample) < 260  # expected 160 rows
    full = lp_regression(A, b, p=1)
    assert res.cost / full.cost < 1.1
    res3 = lp_regression(A, b, p=3, n_samples="auto", rng=0)
    assert res3.sample is None
    np.testing.assert_array_equal(res3.coef, lp_regression(A, b, p=3).coef)


def test_estimator_auto():
    A, b = _data(20_000)
    est = LpRegressor(p=1.5, n_samples="auto", random_state=0).fit(A, b)
    assert est.sample_indices_ is not None  # 40 * 5 columns (intercept included) = 200 rows
    est3 = LpRegressor(p=3, n_samples="auto", random_state=0).fit(A, b)
    assert est3.sample_indices_ is None
    with pytest.raises(InvalidParameterError, match="n_samples"):
        LpRegressor(n_samples="fast").fit(A, b)


def test_auto_with_dask_always_samples():
    da = pytest.importorskip("dask.array")
    A, b = _data(8_000)
    res = lp_regression(da.from_array(A, chunks=(2000, 4)), b, p=3, n_samples="auto", rng=0)
    assert res.sample is not None


def test_auto_at_large_p_is_the_full_solve_and_computes_no_scores(monkeypatch):
    """At p >= 2 "auto" must cost what the full solve costs: the decision is arithmetic on
    (n, d, p) and nothing of the sampling path runs (a score computation would raise here)."""
    from samplingstats.lp import _regression

    A, b = _data(20_000)
    full = LpRegressor(p=3).fit(A, b)

    def no_scores(*args, **kwargs):
        raise AssertionError("auto computed sampling scores at p >= 2")

    monkeypatch.setattr(_regression, "sampling_scores", no_scores)
    for p in (2.0, 3.0):
        est = LpRegressor(p=p, n_samples="auto", random_state=0).fit(A, b)
        assert est.sample_indices_ is None
    np.testing.assert_array_equal(est.coef_, full.coef_)
    assert est.intercept_ == full.intercept_


@pytest.mark.parametrize("p", [1.0, 1.5, 1.8])
def test_sampling_lewis_weights_are_within_the_stated_factor_in_fewer_steps(p):
    """The sampling paths stop the exact-leverage Lewis iteration by the contraction bound
    (|p/2 - 1| per step [CP15]): the returned weights are within exp(0.1) of the exact ones,
    with fewer leverage evaluations than the former fixed 6."""
    from samplingstats.lp import lewis_weights
    from samplingstats.lp._core import SAMPLING_LOG_ERROR, sampling_lewis_iter, sampling_lewis_tol
    from samplingstats.lp._memory import lewis_core

    rng = np.random.default_rng(7)
    A = rng.standard_t(2, size=(20_000, 8))  # heavy tails: very uneven weights
    exact = lewis_weights(A, p=p).weights
    w, n_eval, _, _ = lewis_core(
        "dense",
        A,
        p,
        "auto",
        None,
        sampling_lewis_tol(p),
        sampling_lewis_iter(p),
        {},
        warn=False,
        last_step=True,
    )
    assert np.max(np.abs(np.log(w / exact))) <= SAMPLING_LOG_ERROR
    assert n_eval < 6


def test_last_step_returns_the_next_iterate():
    """``last_step`` returns the image of the last map: k evaluations with it give the weights
    that k + 1 evaluations give without it (exact leverage is deterministic)."""
    from samplingstats.lp._memory import lewis_core

    A, _ = _data(3000)
    for p in (1.0, 3.0, 6.0):
        w3 = lewis_core("dense", A, p, "auto", None, 1e-30, 3, {}, warn=False, last_step=True)
        w4 = lewis_core("dense", A, p, "auto", None, 1e-30, 4, {}, warn=False)
        assert w3[1] == 3 and w4[1] == 4
        np.testing.assert_allclose(w3[0], w4[0], rtol=1e-12)
