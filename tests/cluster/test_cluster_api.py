"""Public API conventions: shared defaults, score/transform, verbose/progress/logging, results."""

import inspect
import logging

import numpy as np
import pytest

from samplingstats import InvalidParameterError, Result
from samplingstats.cluster import (
    ILASDP,
    SDPKMeans,
    SDPResult,
    make_heterogeneous_mixture,
    make_isotropic_mixture,
    sdp_kmeans,
)


def test_sdp_kmeans_and_sdpkmeans_share_their_defaults():
    fn = inspect.signature(sdp_kmeans).parameters
    est = inspect.signature(SDPKMeans).parameters
    shared = set(fn) & set(est) - {"X", "n_clusters"}
    assert shared >= {"solver", "rank", "tol", "max_iter", "sketch", "sketch_size"}
    for name in shared:
        assert fn[name].default == est[name].default, name
    assert fn["solver"].default == "auto"


def test_score_is_minus_kmeans_objective_and_transform_gives_distances():
    X, _ = make_isotropic_mixture(150, 4, 3, separation=6.0, rng=3)
    km = SDPKMeans(n_clusters=3, random_state=0).fit(X)
    D = km.transform(X)
    brute = np.linalg.norm(X[:, None, :] - km.cluster_centers_[None], axis=2)
    np.testing.assert_allclose(D, brute, rtol=1e-9, atol=1e-9)
    assert km.score(X) == pytest.approx(-np.sum(brute.min(axis=1) ** 2), rel=1e-12)
    # separated clusters: every point is nearest its own mean, so score = -inertia_
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-12)
    np.testing.assert_allclose(km.fit_transform(X), D)
    # a worse set of means scores lower
    shifted = km.cluster_centers_ + 1.0
    assert -np.sum(np.min(np.linalg.norm(X[:, None] - shifted[None], axis=2) ** 2, axis=1)) < (
        km.score(X)
    )


def test_model_selection_works_without_scoring():
    from sklearn.model_selection import GridSearchCV, cross_val_score

    X, _ = make_isotropic_mixture(240, 4, 3, separation=7.0, rng=5)
    scores = cross_val_score(SDPKMeans(n_clusters=3, random_state=0), X, cv=3)
    assert scores.shape == (3,) and np.all(scores < 0) and np.all(np.isfinite(scores))
    # K-means' score always improves with more clusters; the search runs and picks the largest
    grid = GridSearchCV(SDPKMeans(random_state=0), {"n_clusters": [1, 3]}, cv=3).fit(X)
    assert grid.best_params_ == {"n_clusters": 3}


def test_logging_and_progress(caplog):
    X, _ = make_isotropic_mixture(120, 4, 3, separation=6.0, rng=1)
    with caplog.at_level(logging.INFO, logger="samplingstats.cluster"):
        sdp_kmeans(X, 3, rng=0, progress=True)
    text = caplog.text
    assert "sdp_kmeans" in text and "objective" in text and "certificate" in text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="samplingstats.cluster"):
        SDPKMeans(3, random_state=0, verbose=1).fit(X)
        Xh, _, _ = make_heterogeneous_mixture(150, 4, scale=6.0, rng=0)
        ILASDP(3, random_state=0, verbose=1, max_iter=3).fit(Xh)
    assert "SDPKMeans" in caplog.text
    assert "ILASDP: iteration 1" in caplog.text and "log-likelihood" in caplog.text
    with pytest.raises(InvalidParameterError, match="'progress' parameter of sdp_kmeans"):
        sdp_kmeans(X, 3, progress="yes")
    with pytest.raises(InvalidParameterError, match="'verbose' parameter of SDPKMeans"):
        SDPKMeans(3, verbose=-1).fit(X)
    with pytest.raises(InvalidParameterError, match="'verbose' parameter of ILASDP"):
        ILASDP(3, verbose="loud").fit(X)


def test_result_is_a_library_result_with_a_frame():
    pytest.importorskip("pandas")
    X, _ = make_isotropic_mixture(90, 4, 3, separation=6.0, rng=2)
    res = sdp_kmeans(X, 3, rng=0)
    assert isinstance(res, Result) and isinstance(res, SDPResult)
    assert isinstance(res.n_iter, int) and isinstance(res.converged, bool)
    df = res.to_frame()
    assert list(df.columns) == ["labels"] and len(df) == 90
    assert df.attrs["converged"] is True and df.attrs["n_iter"] == res.n_iter
    assert set(res.to_dict()) >= {"labels", "objective", "n_iter", "converged", "dual_bound"}
