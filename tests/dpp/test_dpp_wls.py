"""weighted_least_squares, its stability variants, and WLSRegressor."""

import warnings

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from samplingstats import ConvergenceWarning
from samplingstats.dpp import (
    FiniteBasis,
    PolynomialBasis,
    WLSRegressor,
    sample_design,
    weighted_least_squares,
)


@pytest.mark.parametrize("kind", ["iid", "dpp", "volume", "repeated_dpp"])
def test_exact_recovery_in_span(kind):
    # Exact layer: a function in V_m is recovered exactly by any unisolvent design.
    rng = np.random.default_rng(1)
    basis = PolynomialBasis(2, 3, family="chebyshev")
    m = basis.size
    coef = rng.standard_normal(m)
    n = m if kind == "dpp" else 2 * m
    res = weighted_least_squares(
        lambda x: basis.evaluate(x) @ coef, basis, n_samples=n, kind=kind, rng=rng
    )
    np.testing.assert_allclose(res.coef, coef, atol=1e-8)
    assert res.n_evaluations == n and res.n_redraws == 0
    assert res.design.points.shape == (n, 2)
    x = basis.sample_reference(5, rng=rng)
    np.testing.assert_allclose(res.predict(x), basis.evaluate(x) @ coef, atol=1e-8)


def test_stability_variants():
    rng = np.random.default_rng(2)
    basis = PolynomialBasis(1, 9)
    f = lambda x: np.sin(3 * x[:, 0])  # noqa: E731
    # iid with n = m and a tiny delta is unstable: "condition" returns the zero function
    res = weighted_least_squares(
        f, basis, n_samples=10, kind="iid", stability="condition", delta=0.01, rng=rng
    )
    assert not res.stable and np.all(res.coef == 0) and res.gram_deviation > 0.01
    res = weighted_least_squares(
        f, basis, n_samples=10, kind="iid", stability="none", delta=0.01, rng=rng
    )
    assert not res.stable and np.any(res.coef != 0)
    # "resample" redraws until ||G - I|| <= delta and evaluates func once
    calls = []

    def counted(x):
        calls.append(len(x))
        return f(x)

    res = weighted_least_squares(
        counted, basis, n_samples=60, kind="repeated_dpp", stability="resample", rng=rng
    )
    assert res.stable and res.gram_deviation <= 0.5 and calls == [60] and res.n_evaluations == 60
    assert res.design.gram_deviation() == pytest.approx(res.gram_deviation)
    # the approximation error is close to the best approximation error (quasi-optimality)
    xg, wg = np.polynomial.legendre.leggauss(200)
    err = np.sqrt(wg / 2 @ (res.predict(xg[:, None]) - f(xg[:, None])) ** 2)
    Pg = basis.evaluate(xg[:, None])
    cstar = Pg.T @ (wg / 2 * f(xg[:, None]))
    best = np.sqrt(wg / 2 @ (Pg @ cstar - f(xg[:, None])) ** 2)
    assert err <= 3 * best  # ||G - I|| <= 1/2 gives E err^2 <= (1 + 4 m / n) best^2
    # resample with a hopeless target: warns, returns the last design, never hangs
    with pytest.warns(ConvergenceWarning, match="no stable design"):
        res = weighted_least_squares(
            f,
            basis,
            n_samples=10,
            kind="iid",
            stability="resample",
            delta=0.01,
            max_redraws=3,
            rng=rng,
        )
    assert not res.stable and res.n_redraws == 3


def test_resample_redraw_count_matches_stability_probability():
    # Number of redraws is geometric with mean 1/P(stable) - 1. For repeated DPP at n = 4m
    # (Legendre, m = 10) P(stable) ~ 0.60 (measured with 2000 draws): mean redraws ~ 0.67.
    # 300 runs: SE ~ sqrt((1 - p) / p^2 / 300) = 0.061; [0.35, 1.05] is > 5 SE wide each side.
    rng = np.random.default_rng(3)
    basis = PolynomialBasis(1, 9)
    red = [
        weighted_least_squares(
            lambda x: x[:, 0],
            basis,
            n_samples=40,
            kind="repeated_dpp",
            stability="resample",
            rng=rng,
        ).n_redraws
        for _ in range(300)
    ]
    assert 0.35 < np.mean(red) < 1.05


def test_finite_pool_wls_with_array_responses():
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (400, 2))
    feats = PolynomialBasis(2, 2).evaluate(X)
    fb = FiniteBasis(feats)
    y = 1 + X[:, 0] - 2 * X[:, 0] * X[:, 1]  # in the span
    res = weighted_least_squares(y, fb, n_samples=12, kind="volume", rng=rng)
    np.testing.assert_allclose(res.predict(np.arange(400)), y, atol=1e-8)
    np.testing.assert_allclose(fb.transform(feats[:3]) @ res.coef, y[:3], atol=1e-8)
    res2 = weighted_least_squares(lambda i: y[i], fb, n_samples=6, kind="dpp", rng=rng)
    np.testing.assert_allclose(res2.predict(np.arange(400)), y, atol=1e-8)


def test_regressor_fits_christoffel_design():
    rng = np.random.default_rng(5)
    basis = PolynomialBasis(2, 6)
    design = sample_design(basis, 4 * basis.size, kind="repeated_dpp", rng=rng)
    X = design.points
    y = np.exp(X[:, 0]) * np.cos(X[:, 1])
    model = WLSRegressor(basis).fit(X, y)
    Xt = basis.sample_reference(500, rng=rng)
    yt = np.exp(Xt[:, 0]) * np.cos(Xt[:, 1])
    assert model.score(Xt, yt) > 0.999
    # with the Christoffel weights the training Gram matrix is the design's
    assert model.gram_deviation_ == pytest.approx(design.gram_deviation())
    np.testing.assert_allclose(
        WLSRegressor(basis).fit(X, y, sample_weight=np.full(len(y), 3.0)).coef_, model.coef_
    )
    unweighted = WLSRegressor(basis, weighting="none").fit(X, y)
    assert not np.allclose(unweighted.coef_, model.coef_)
    with pytest.raises(ValueError, match="must have 2 columns"):
        WLSRegressor(basis).fit(X[:, :1], y)
    with pytest.raises(ValueError, match="'weighting' parameter of WLSRegressor"):
        WLSRegressor(basis, weighting="bad").fit(X, y)


@parametrize_with_checks([WLSRegressor()])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check(estimator)
