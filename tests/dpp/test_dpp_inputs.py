"""Bad input: every public entry raises InvalidParameterError naming the argument."""

import numpy as np
import pytest

from samplingstats._exceptions import InvalidParameterError
from samplingstats.dpp import (
    FiniteBasis,
    PolynomialBasis,
    ProjectionDPP,
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
        InvalidParameterError, match=r"'x' parameter must be an array of shape \(n, 2\)"
    ):
        b.evaluate(np.zeros((3, 3)))
    with pytest.raises(InvalidParameterError, match="'x' parameter contains NaN or infinite"):
        b.evaluate(np.array([[0.0, np.nan]]))
    with pytest.raises(InvalidParameterError, match="'x' parameter contains NaN or infinite"):
        b.christoffel(np.array([[0.0, np.inf]]))
    with pytest.raises(InvalidParameterError, match="'n_samples' parameter of sample_optimal"):
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
