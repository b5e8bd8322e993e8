"""Bad input raises InvalidParameterError naming the argument and what was expected."""

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.cluster import (
    ILASDP,
    SDPKMeans,
    exact_recovery_threshold,
    make_heterogeneous_mixture,
    make_isotropic_mixture,
    misclustering_error,
    sdp_kmeans,
)


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    return rng.normal(size=(30, 3))


def test_n_clusters(X):
    with pytest.raises(InvalidParameterError, match="'n_clusters' parameter of sdp_kmeans must be"):
        sdp_kmeans(X, 0)
    with pytest.raises(InvalidParameterError, match="n_clusters=31 with n_samples=30"):
        sdp_kmeans(X, 31)
    with pytest.raises(InvalidParameterError, match="'n_clusters' parameter of SDPKMeans"):
        SDPKMeans(n_clusters=2.5).fit(X)
    with pytest.raises(InvalidParameterError, match="n_clusters=40 with n_samples=30"):
        ILASDP(n_clusters=40).fit(X)


def test_nan_inf_and_shape(X):
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(InvalidParameterError, match="'X' contains NaN or infinite"):
        sdp_kmeans(bad, 2)
    bad[3, 1] = np.inf
    with pytest.raises(InvalidParameterError, match="(?i)infinity|NaN"):
        SDPKMeans(2).fit(bad)
    with pytest.raises(InvalidParameterError, match="'X' must be a 2-D array"):
        sdp_kmeans(X[:, 0], 2)
    with pytest.raises(InvalidParameterError, match="Expected 2D array"):
        ILASDP(2).fit(X[:, 0])


def test_too_few_distinct_points():
    same = np.ones((10, 2))
    with pytest.raises(InvalidParameterError, match="at least 2 distinct points"):
        sdp_kmeans(same, 2)
    two = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    with pytest.raises(InvalidParameterError, match="fewer distinct points than n_clusters=3"):
        SDPKMeans(3).fit(two)


def test_solver_rank_tol_sketch(X):
    with pytest.raises(
        InvalidParameterError, match="'solver' parameter of sdp_kmeans must be a str"
    ):
        sdp_kmeans(X, 2, solver="scs")
    with pytest.raises(InvalidParameterError, match="'rank' parameter of sdp_kmeans"):
        sdp_kmeans(X, 2, rank=0)
    with pytest.raises(InvalidParameterError, match="'tol' parameter of SDPKMeans"):
        SDPKMeans(2, tol=-1.0).fit(X)
    with pytest.raises(InvalidParameterError, match="'sketch' parameter of sdp_kmeans"):
        sdp_kmeans(X, 2, sketch="random")
    with pytest.raises(InvalidParameterError, match="'sketch_size' parameter of sdp_kmeans needs"):
        sdp_kmeans(X, 2, sketch=None, sketch_size=10)
    with pytest.raises(InvalidParameterError, match="'max_iter' parameter of sdp_kmeans"):
        sdp_kmeans(X, 2, max_iter=0)
    big = np.random.default_rng(1).normal(size=(401, 2))
    with pytest.raises(InvalidParameterError, match="solver='cvxpy' is a reference solver"):
        sdp_kmeans(big, 2, solver="cvxpy")


def test_ilasdp_parameters(X):
    with pytest.raises(InvalidParameterError, match="'init' parameter of ILASDP"):
        ILASDP(2, init="random").fit(X)
    with pytest.raises(InvalidParameterError, match="'covariance_regularization' parameter"):
        ILASDP(2, covariance_regularization=1.5).fit(X)
    with pytest.raises(InvalidParameterError, match="'max_iter' parameter of ILASDP"):
        ILASDP(2, max_iter=0).fit(X)
    with pytest.raises(InvalidParameterError, match="'refine' parameter of ILASDP must be a bool"):
        ILASDP(2, refine="yes").fit(X)
    with pytest.raises(InvalidParameterError, match="'random_state' parameter"):
        ILASDP(2, random_state=-3).fit(X)


def test_predict_checks_features(X):
    model = SDPKMeans(2, random_state=0).fit(X)
    with pytest.raises(
        InvalidParameterError, match="X has 2 features, but SDPKMeans is expecting 3"
    ):
        model.predict(X[:, :2])


def test_misclustering_error_inputs():
    with pytest.raises(InvalidParameterError, match="inconsistent lengths"):
        misclustering_error([0, 1], [0, 1, 1])
    with pytest.raises(InvalidParameterError, match="'labels_pred' must be a 1-D array"):
        misclustering_error([0, 1], [[0, 1]])
    with pytest.raises(InvalidParameterError, match="'labels_true' must contain at least one"):
        misclustering_error([], [])


def test_generators():
    with pytest.raises(InvalidParameterError, match="'n_samples' parameter of exact_recovery"):
        exact_recovery_threshold(1, 2, 2)
    with pytest.raises(InvalidParameterError, match="'n_features' parameter of make_heterogeneous"):
        make_heterogeneous_mixture(30, 2)


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda v: make_isotropic_mixture(30, 4, 3, separation=v), "separation"),
        (lambda v: make_isotropic_mixture(30, 4, 3, separation=5.0, sigma=v), "sigma"),
        (lambda v: make_heterogeneous_mixture(30, 4, scale=v), "scale"),
        (lambda v: exact_recovery_threshold(100, 4, 3, sigma=v), "sigma"),
    ],
    ids=["isotropic-separation", "isotropic-sigma", "heterogeneous-scale", "threshold-sigma"],
)
@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan, float("inf")], ids=str)
def test_generators_refuse_non_finite_scalars(call, name, value):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of ") as info:
        call(value)
    assert isinstance(info.value, (ValueError, TypeError))


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: make_isotropic_mixture(10**18, 5, 3, separation=4.0), "n_samples"),
        (lambda: make_isotropic_mixture(100, 10**12, 3, separation=4.0), "n_features"),
        (lambda: make_heterogeneous_mixture(100, 10**7), "n_features"),
        (lambda: make_heterogeneous_mixture(10**15, 10), "n_samples"),
    ],
    ids=["isotropic-n", "isotropic-d", "heterogeneous-d", "heterogeneous-n"],
)
def test_generators_refuse_huge_sizes_before_allocating(call, name):
    # issue 17: the size asked and the memory it would need, not numpy's MemoryError
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of make_.*would need"):
        call()


def test_huge_and_tiny_data_scales():
    # issue 17: sdp_kmeans(X * 1e200, 3) ended in "Eigenvalues did not converge"; the data are
    # now rescaled by a power of two (exact), so the labels are those of X itself
    X, y = make_isotropic_mixture(200, 5, 3, separation=8.0, rng=3)
    ref = sdp_kmeans(X, 3, rng=0)
    for s in (1e200, 1e-200, 2.0**500):
        res = sdp_kmeans(X * s, 3, rng=0)
        assert np.array_equal(res.labels, ref.labels)
        assert np.allclose(res.centers / s, ref.centers, rtol=1e-12, atol=1e-12)
        assert np.array_equal(SDPKMeans(3, random_state=0).fit(X * s).labels_, ref.labels)
    # in the data's units: exact for a power of two, inf where the value exceeds float64
    res = sdp_kmeans(X * 2.0**500, 3, rng=0)
    assert res.objective == pytest.approx(ref.objective * 2.0**1000, rel=1e-12)
    assert res.inertia == pytest.approx(ref.inertia * 2.0**1000, rel=1e-12)
    assert sdp_kmeans(X * 1e200, 3, rng=0).inertia == np.inf
    # ILASDP's covariances cannot be represented in such units: refused, naming X
    for s in (1e200, 1e-200):
        with pytest.raises(InvalidParameterError, match="Argument 'X' of ILASDP.*Rescale X"):
            ILASDP(3, random_state=0).fit(X * s)


def test_estimator_input_errors_name_the_estimator_and_x(X):
    # issue 17: scikit-learn's generic texts did not name the estimator nor the argument
    for est in (SDPKMeans(2, random_state=0), ILASDP(2, random_state=0)):
        name = type(est).__name__
        with pytest.raises(InvalidParameterError, match=rf"Argument 'X' of {name}\.fit: .*2D"):
            est.fit(X[:, 0])
        with pytest.raises(
            InvalidParameterError, match=rf"Argument 'X' of {name}\.fit: .*[Cc]omplex"
        ):
            est.fit(X.astype(complex))
        est.fit(X)
        with pytest.raises(InvalidParameterError, match=rf"Argument 'X' of {name}\.predict: "):
            est.predict(X[:, :2])


def test_rank_sketch_size_and_shuffle_refused(X):
    with pytest.raises(
        InvalidParameterError, match="'rank' parameter of sdp_kmeans must be at most"
    ):
        sdp_kmeans(X, 2, rank=10**18, rng=0)
    with pytest.raises(
        InvalidParameterError, match="'sketch_size' parameter of sdp_kmeans must be"
    ):
        sdp_kmeans(X, 2, sketch="uniform", sketch_size=31, rng=0)
    with pytest.raises(InvalidParameterError, match="'shuffle' parameter of make_isotropic"):
        make_isotropic_mixture(10, 2, 2, separation=3.0, shuffle="no")
    with pytest.raises(InvalidParameterError, match="'shuffle' parameter of make_heterogeneous"):
        make_heterogeneous_mixture(10, 3, shuffle="no")
