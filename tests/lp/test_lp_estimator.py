"""LpRegressor: the scikit-learn estimator contract and agreement with lp_regression."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from samplingstats import InvalidParameterError
from samplingstats.lp import LpRegressor, lp_regression


@parametrize_with_checks([LpRegressor(), LpRegressor(p=1.5), LpRegressor(p=1, n_samples=40)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_estimator_matches_function_and_intercept():
    rng = np.random.default_rng(20)
    X = rng.standard_normal((400, 3))
    y = X @ [1.0, -1.0, 2.0] + 5 + rng.laplace(size=400)
    est = LpRegressor(p=1.5).fit(X, y)
    res = lp_regression(np.hstack([X, np.ones((400, 1))]), y, p=1.5)
    np.testing.assert_allclose(np.r_[est.coef_, est.intercept_], res.coef, rtol=1e-8)
    assert est.cost_ == pytest.approx(res.cost)
    assert est.sample_indices_ is None
    sampled = LpRegressor(p=1, n_samples=100, random_state=3).fit(X, y)
    assert 50 < len(sampled.sample_indices_) < 150


def test_estimator_bad_params():
    X, y = np.ones((10, 2)), np.ones(10)
    with pytest.raises(InvalidParameterError, match="'p' parameter of LpRegressor must be"):
        LpRegressor(p=0.5).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'scores' parameter of LpRegressor"):
        LpRegressor(scores="bogus").fit(X, y)
