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
