"""Bad input: every public entry raises InvalidParameterError naming the argument."""

import math

import numpy as np
import pytest

from samplingstats._exceptions import InvalidParameterError
from samplingstats.dpp import (
    FiniteBasis,
    PolynomialBasis,
    ProjectionDPP,
    WLSRegressor,
    multi_indices,
    sample_design,
    weighted_least_squares,
)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            dict(dim=0, degree=2),
            r"'dim' parameter of PolynomialBasis must be an int in the range \[1",
        ),
        (
            dict(dim=2, degree=-1),
            r"'degree' parameter of PolynomialBasis must be an int in the range \[0",
        ),
        (dict(dim=2, degree=None), r"'degree' parameter of PolynomialBasis"),
        (dict(dim=2, degree=1.5), r"'degree' parameter"),
        (dict(dim=2, degree=2, family="laguerre"), r"'family' parameter of PolynomialBasis"),
        (dict(dim=2, degree=2, index_set="cube"), r"'index_set' parameter of PolynomialBasis"),
        (dict(dim=2, degree=2, family="jacobi"), r"'jacobi_params' parameter.*\(-1, inf\)"),
        (dict(dim=2, degree=2, family="jacobi", jacobi_params=(-1.0, 0.0)), r"'jacobi_params'"),
        (dict(dim=2, degree=2, jacobi_params=(0.0, 0.0)), r"'jacobi_params' parameter.*None"),
        (dict(dim=2, degree=2, index_set=np.array([[0, 0], [0, 0]])), r"repeated multi-indices"),
        (dict(dim=2, degree=2, index_set=np.array([[0, -1]])), r"non-negative"),
        (dict(dim=2, degree=2, index_set=np.array([[0, 0, 0]])), r"shape \(m, 2\)"),
        (dict(dim=2, degree=1, index_set=np.array([[0, 3]])), r"above degree=1"),
        (dict(dim=30, degree=30, index_set="tensor"), r"at most 200000"),
    ],
)
def test_basis_constructor_errors(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        PolynomialBasis(**kwargs)


def test_point_errors():
    b = PolynomialBasis(2, 2)
    with pytest.raises(
        InvalidParameterError,
        match=r"'x' parameter of PolynomialBasis.evaluate must be an array of shape \(n, 2\)",
    ):
        b.evaluate(np.zeros((3, 3)))
    with pytest.raises(InvalidParameterError, match="'x' parameter of .* contains NaN or infinite"):
        b.evaluate(np.array([[0.0, np.nan]]))
    with pytest.raises(InvalidParameterError, match="'x' parameter of .* contains NaN or infinite"):
        b.christoffel(np.array([[0.0, np.inf]]))
    with pytest.raises(
        InvalidParameterError, match="'n_samples' parameter of PolynomialBasis.sample_optimal"
    ):
        b.sample_optimal(-1)
    with pytest.raises(InvalidParameterError, match="'rng' parameter"):
        b.sample_optimal(2, rng="seed")
    with pytest.raises(InvalidParameterError, match="'index_set' parameter of multi_indices"):
        multi_indices(2, 2, "cube")


def test_finite_basis_errors():
    rng = np.random.default_rng(0)
    F = rng.standard_normal((20, 3))
    with pytest.raises(
        InvalidParameterError, match="full column rank m=3; its numerical rank is 2"
    ):
        FiniteBasis(np.column_stack([F[:, :2], F[:, 0] + F[:, 1]]))
    with pytest.raises(InvalidParameterError, match="at least as many rows"):
        FiniteBasis(F.T)
    with pytest.raises(InvalidParameterError, match="'features'"):
        FiniteBasis(np.where(F > 1, np.nan, F))
    fb = FiniteBasis(F)
    with pytest.raises(
        InvalidParameterError,
        match=r"'indices' parameter of FiniteBasis.evaluate must hold indices in \[0, 20\)",
    ):
        fb.evaluate(np.array([0, 20]))
    with pytest.raises(InvalidParameterError, match="1-D int array"):
        fb.evaluate(np.array([0.5]))


def test_sampler_errors():
    b = PolynomialBasis(1, 4)
    with pytest.raises(InvalidParameterError, match="'basis' parameter of ProjectionDPP must be"):
        ProjectionDPP(np.eye(3))
    with pytest.raises(InvalidParameterError, match="'spectral' only for a FiniteBasis"):
        ProjectionDPP(b, method="spectral")
    with pytest.raises(InvalidParameterError, match="'method' parameter of ProjectionDPP"):
        ProjectionDPP(b, method="fast")
    with pytest.raises(
        InvalidParameterError, match="'n_samples' parameter of ProjectionDPP.sample"
    ):
        ProjectionDPP(b).sample(n_samples=0)
    with pytest.raises(InvalidParameterError, match="'backend' parameter of ProjectionDPP.sample"):
        ProjectionDPP(b).sample(backend="jax")
    with pytest.raises(InvalidParameterError, match="'kind' parameter of sample_design"):
        sample_design(b, 5, kind="poisson")
    with pytest.raises(InvalidParameterError, match="must equal the basis size m=5 for kind='dpp'"):
        sample_design(b, 6, kind="dpp")
    with pytest.raises(
        InvalidParameterError, match="at least the basis size m=5 for kind='volume'"
    ):
        sample_design(b, 4, kind="volume")
    with pytest.raises(InvalidParameterError, match="multiple of the basis size m=5"):
        sample_design(b, 12, kind="repeated_dpp")
    with pytest.raises(
        InvalidParameterError, match=r"'n_samples' parameter of sample_design must be an int"
    ):
        sample_design(b, 0, kind="iid")


def test_wls_errors():
    b = PolynomialBasis(1, 4)
    f = lambda x: x[:, 0]  # noqa: E731
    with pytest.raises(
        InvalidParameterError,
        match="'n_samples' parameter of weighted_least_squares must be at least the basis size m=5",
    ):
        weighted_least_squares(f, b, n_samples=3, kind="iid")
    with pytest.raises(
        InvalidParameterError,
        match=r"'delta' parameter of weighted_least_squares must be a float in the range \(0, 1\)",
    ):
        weighted_least_squares(f, b, n_samples=10, delta=1.5)
    with pytest.raises(InvalidParameterError, match="'stability' parameter"):
        weighted_least_squares(f, b, n_samples=10, stability="retry")
    with pytest.raises(InvalidParameterError, match=r"must return an array of shape \(10,\)"):
        weighted_least_squares(lambda x: np.zeros(3), b, n_samples=10, rng=0)
    with pytest.raises(InvalidParameterError, match="returned NaN or infinite"):
        weighted_least_squares(lambda x: np.full(len(x), np.nan), b, n_samples=10, rng=0)
    with pytest.raises(
        InvalidParameterError, match="'func' parameter of weighted_least_squares must be a callable"
    ):
        weighted_least_squares(np.zeros(10), b, n_samples=10)
    fb = FiniteBasis(np.random.default_rng(0).standard_normal((30, 3)))
    with pytest.raises(InvalidParameterError, match=r"as an array must have shape \(30,\)"):
        weighted_least_squares(np.zeros(29), fb, n_samples=6)


# --- issue 17: table of bad inputs -> (exception type, argument named in the message) ---------------
_RNG = np.random.default_rng(17)
_F = _RNG.standard_normal((30, 3))
_FB = FiniteBasis(_F)
_LEG = PolynomialBasis(1, 200)
_HER = PolynomialBasis(1, 60, family="hermite")
_Y_NAN = np.where(np.arange(30) == 7, np.nan, 1.0)  # a pool whose row 7 has no response


def _ident(x):
    return x[:, 0]


BAD_INPUTS = [
    # points outside the domain of a bounded family
    ("legendre evaluate far out", lambda: _LEG.evaluate([1000.0]), InvalidParameterError, "'x'"),
    ("legendre weights far out", lambda: _LEG.weights([1000.0]), InvalidParameterError, "'x'"),
    (
        "legendre christoffel just out",
        lambda: _LEG.christoffel([1.001]),
        InvalidParameterError,
        "'x'",
    ),
    (
        "chebyshev evaluate out",
        lambda: PolynomialBasis(2, 3, family="chebyshev").evaluate([[0.0, -1.5]]),
        InvalidParameterError,
        "'x'",
    ),
    # Hermite: values that overflow float64 are refused (weights stay finite: see below)
    ("hermite evaluate overflow", lambda: _HER.evaluate([1e6]), InvalidParameterError, "'x'"),
    ("hermite christoffel overflow", lambda: _HER.christoffel([1e6]), InvalidParameterError, "'x'"),
    # complex input
    ("complex points", lambda: _LEG.evaluate(np.array([0.5 + 1j])), TypeError, "'x'"),
    ("complex features", lambda: FiniteBasis(_F + 1j), TypeError, "'features'"),
    (
        "complex transform",
        lambda: _FB.transform(_F[:2] + 1j),
        TypeError,
        "'features'",
    ),
    (
        "complex responses",
        lambda: weighted_least_squares(np.zeros(30) + 1j, _FB, n_samples=6),
        TypeError,
        "'func'",
    ),
    (
        "complex func values",
        lambda: weighted_least_squares(
            lambda x: x[:, 0] + 1j, PolynomialBasis(1, 2), n_samples=6, rng=0
        ),
        TypeError,
        "'func'",
    ),
    # FiniteBasis sample sizes
    ("finite optimal str", lambda: _FB.sample_optimal("3"), InvalidParameterError, "'n_samples'"),
    ("finite optimal bool", lambda: _FB.sample_optimal(True), InvalidParameterError, "'n_samples'"),
    ("finite optimal float", lambda: _FB.sample_optimal(2.5), InvalidParameterError, "'n_samples'"),
    ("finite optimal neg", lambda: _FB.sample_optimal(-1), InvalidParameterError, "'n_samples'"),
    (
        "finite optimal nan",
        lambda: _FB.sample_optimal(float("nan")),
        InvalidParameterError,
        "'n_samples'",
    ),
    ("finite optimal None", lambda: _FB.sample_optimal(None), InvalidParameterError, "'n_samples'"),
    (
        "finite reference str",
        lambda: _FB.sample_reference("3"),
        InvalidParameterError,
        "'n_samples'",
    ),
    (
        "finite reference bool",
        lambda: _FB.sample_reference(True),
        InvalidParameterError,
        "'n_samples'",
    ),
    (
        "finite reference float",
        lambda: _FB.sample_reference(2.5),
        InvalidParameterError,
        "'n_samples'",
    ),
    (
        "finite reference neg",
        lambda: _FB.sample_reference(-2),
        InvalidParameterError,
        "'n_samples'",
    ),
    (
        "finite reference None",
        lambda: _FB.sample_reference(None),
        InvalidParameterError,
        "'n_samples'",
    ),
    # a pool with a NaN response is refused up front, whether or not that row would be drawn
    (
        "wls pool with a NaN row",
        lambda: weighted_least_squares(_Y_NAN, _FB, n_samples=6, rng=0),
        InvalidParameterError,
        "'func'",
    ),
    # FiniteBasis features
    ("features None", lambda: FiniteBasis(None), InvalidParameterError, "'features'"),
    ("features str", lambda: FiniteBasis("abc"), InvalidParameterError, "'features'"),
    ("features 1-D", lambda: FiniteBasis(np.ones(5)), InvalidParameterError, "'features'"),
    (
        "features inf",
        lambda: FiniteBasis(np.where(_F > 1, np.inf, _F)),
        InvalidParameterError,
        "'features'",
    ),
    # WLSRegressor names its own arguments
    (
        "regressor X out of the pool",
        lambda: WLSRegressor(_FB).fit(np.array([[0], [31]]), np.ones(2)),
        InvalidParameterError,
        "'X'",
    ),
    (
        "regressor sample_weight negative",
        lambda: WLSRegressor().fit(np.zeros((5, 1)), np.ones(5), sample_weight=-np.ones(5)),
        InvalidParameterError,
        "'sample_weight'",
    ),
    (
        "regressor X and y lengths",
        lambda: WLSRegressor().fit(np.zeros((5, 1)), np.ones(4)),
        InvalidParameterError,
        "'X' and 'y' parameters of WLSRegressor.fit",
    ),
    # issue 17: estimator input errors name the estimator's method and the argument
    (
        "regressor complex X",
        lambda: WLSRegressor().fit(np.zeros((5, 1)) + 1j, np.ones(5)),
        TypeError,
        "'X' parameter of WLSRegressor.fit",
    ),
    (
        "regressor complex y",
        lambda: WLSRegressor().fit(np.zeros((5, 1)), np.ones(5) + 1j),
        TypeError,
        "'y' parameter of WLSRegressor.fit",
    ),
    (
        "regressor predict complex X",
        lambda: WLSRegressor(degree=1).fit(np.zeros((5, 1)), np.ones(5)).predict([[0.5j]]),
        TypeError,
        "'X' parameter of WLSRegressor.predict",
    ),
    (
        "regressor X None",
        lambda: WLSRegressor().fit(None, np.ones(5)),
        InvalidParameterError,
        "'X' parameter of WLSRegressor.fit",
    ),
    (
        "regressor string y",
        lambda: WLSRegressor().fit(np.zeros((5, 1)), ["a"] * 5),
        InvalidParameterError,
        "'y' parameter of WLSRegressor.fit",
    ),
    (
        "regressor 1-D X",
        lambda: WLSRegressor().fit(np.zeros(5), np.ones(5)),
        InvalidParameterError,
        "'X' parameter of WLSRegressor.fit",
    ),
    (
        "regressor empty X",
        lambda: WLSRegressor().fit(np.zeros((0, 1)), np.ones(0)),
        InvalidParameterError,
        "'X' parameter of WLSRegressor.fit",
    ),
    ("ragged points", lambda: _LEG.evaluate([[0.1], [0.1, 0.2]]), InvalidParameterError, "'x'"),
    ("string points", lambda: _LEG.evaluate(["a"]), InvalidParameterError, "'x'"),
    # issue 17: huge sizes are refused before allocating, with the memory they would need
    *[
        (f"huge {label}", call, InvalidParameterError, "'n_samples'")
        for label, call in [
            ("poly reference", lambda: _LEG.sample_reference(10**18, rng=0)),
            ("poly optimal", lambda: _LEG.sample_optimal(10**18, rng=0)),
            ("finite reference", lambda: _FB.sample_reference(10**18, rng=0)),
            ("finite optimal", lambda: _FB.sample_optimal(10**18, rng=0)),
            ("dpp draws", lambda: ProjectionDPP(_FB).sample(10**18, rng=0)),
            ("dpp proposals", lambda: ProjectionDPP(_LEG).sample_with_proposals(10**18)),
            ("design", lambda: sample_design(_LEG, 10**18, kind="iid", rng=0)),
            (
                "wls",
                lambda: weighted_least_squares(np.cos, _LEG, n_samples=10**18, kind="iid"),
            ),
        ]
    ],
]


@pytest.mark.parametrize(
    "call, exc, argument", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_table(call, exc, argument):
    with pytest.raises(exc) as info:
        call()
    assert argument in str(info.value)


def test_hermite_weights_are_finite_far_out():
    # m / k_m with log scaling where k_m overflows: finite, non-negative, decreasing in |x|
    w = _HER.weights([0.0, 10.0, 30.0, 1e3, 1e6, 1e300, -1e300])
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert np.all(np.diff(w[:5]) <= 0) and w[4] == 0.0
    # the log-scaled path agrees with the direct one where both are finite
    x = np.array([[5.0], [20.0], [-35.0]])
    np.testing.assert_allclose(np.exp(_HER._log_christoffel(x)), _HER.christoffel(x), rtol=1e-12)
    # ... and with the two leading terms of p_60(x) = (x^60 - C(60, 2) x^58 + ...) / sqrt(60!) far
    # out: log k_m = 2 (60 log x - log(60!) / 2 - 1770 / x^2) + O(x^-4)
    lk = _HER._log_christoffel(np.array([[1e6]]))[0]
    lead = 2 * (60 * math.log(1e6) - 0.5 * math.lgamma(61) - 1770 / 1e12)
    assert lk == pytest.approx(lead, abs=1e-10)


def test_in_domain_points_still_work():
    # the domain check keeps the closed interval (and 1e-12 of rounding slack)
    assert np.all(np.isfinite(_LEG.evaluate([-1.0, 1.0, 1.0 + 1e-13])))
    # WLSRegressor extrapolates outside [-1, 1] (scikit-learn data), but refuses overflow
    WLSRegressor(degree=2).fit(np.linspace(-3, 3, 20)[:, None], np.ones(20))


def test_finite_basis_huge_entries_are_rescaled_not_overflowed():
    # entries whose squares overflow float64: the column span is scale invariant, so the basis
    # rescales the columns instead of returning inf / NaN leverage scores
    fb_big = FiniteBasis(_F * 1e200)
    np.testing.assert_allclose(fb_big.leverage, _FB.leverage, rtol=1e-12)
    np.testing.assert_allclose(fb_big.transform(_F[:3] * 1e200), _FB.evaluate(np.arange(3)))


def test_huge_sizes_say_the_memory_they_would_need():
    with pytest.raises(
        InvalidParameterError,
        match=r"asks for 1000000000000000000 items, which would need .*iB .*each.*limit",
    ):
        ProjectionDPP(_LEG).sample(10**18, rng=0)
    # the largest size that fits still works (nothing is refused below the limit)
    assert _FB.sample_optimal(0, rng=0).shape == (0,)
