"""Bad input to samplingstats.cluster: each row raises the expected class naming the argument."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from _bad_input import HUGE, INF, NAN, check_row, params, row

from samplingstats.cluster import (
    ILASDP,
    SDPKMeans,
    exact_recovery_threshold,
    make_heterogeneous_mixture,
    make_isotropic_mixture,
    misclustering_error,
    sdp_kmeans,
)

X, Y = make_isotropic_mixture(30, 2, 2, separation=6.0, rng=0)
X_nan = X.copy()
X_nan[0, 0] = NAN
X_c = X.astype(complex)
X_c[0, 0] += 1j


@functools.cache
def _ila():
    return ILASDP(2, random_state=0).fit(X)


@functools.cache
def _sdp():
    return SDPKMeans(2, random_state=0).fit(X)


def _estimator_rows(qual, make):
    """Input rows shared by the two estimators' fit (X of the wrong kind)."""
    return [
        row(f"{qual}.fit", "X-nan", lambda: make().fit(X_nan), name="X"),
        row(f"{qual}.fit", "X-inf", lambda: make().fit(X * np.inf), name="X"),
        row(f"{qual}.fit", "X-1d", lambda: make().fit(X[:, 0]), name="X"),
        row(f"{qual}.fit", "X-3d", lambda: make().fit(X[None]), name="X"),
        row(f"{qual}.fit", "X-empty", lambda: make().fit(np.zeros((0, 2))), name="X"),
        row(f"{qual}.fit", "X-complex", lambda: make().fit(X_c), TypeError, "X"),
        row(f"{qual}.fit", "X-str", lambda: make().fit([["a", "b"]] * 5), TypeError, "X"),
        row(f"{qual}.fit", "X-none", lambda: make().fit(None), TypeError, "X"),
        row(
            f"{qual}.fit",
            "fewer-points-than-clusters",
            lambda: make().fit(X[:1]),
            name="n_clusters",
        ),
    ]


ROWS = [
    # sdp_kmeans(X, n_clusters, solver, rank, rng, tol, max_iter, sketch, sketch_size, certify)
    row("cluster.sdp_kmeans", "X-nan", lambda: sdp_kmeans(X_nan, 2, rng=0), name="X"),
    row("cluster.sdp_kmeans", "X-complex", lambda: sdp_kmeans(X_c, 2, rng=0), TypeError, "X"),
    row("cluster.sdp_kmeans", "X-1d", lambda: sdp_kmeans(X[:, 0], 2, rng=0), name="X"),
    row("cluster.sdp_kmeans", "X-empty", lambda: sdp_kmeans(np.zeros((0, 2)), 2, rng=0), name="X"),
    row(
        "cluster.sdp_kmeans",
        "X-str",
        lambda: sdp_kmeans([["a", "b"]] * 4, 2, rng=0),
        TypeError,
        "X",
    ),
    row("cluster.sdp_kmeans", "k-zero", lambda: sdp_kmeans(X, 0, rng=0), name="n_clusters"),
    row("cluster.sdp_kmeans", "k-float", lambda: sdp_kmeans(X, 2.5, rng=0), name="n_clusters"),
    row("cluster.sdp_kmeans", "k-bool", lambda: sdp_kmeans(X, True, rng=0), name="n_clusters"),
    row("cluster.sdp_kmeans", "k-above-n", lambda: sdp_kmeans(X, 31, rng=0), name="n_clusters"),
    row(
        "cluster.sdp_kmeans",
        "solver",
        lambda: sdp_kmeans(X, 2, solver="nope", rng=0),
        name="solver",
    ),
    row("cluster.sdp_kmeans", "rank-zero", lambda: sdp_kmeans(X, 2, rank=0, rng=0), name="rank"),
    row("cluster.sdp_kmeans", "rank-huge", lambda: sdp_kmeans(X, 2, rank=HUGE, rng=0), name="rank"),
    row(
        "cluster.sdp_kmeans", "tol-negative", lambda: sdp_kmeans(X, 2, tol=-1.0, rng=0), name="tol"
    ),
    row("cluster.sdp_kmeans", "tol-nan", lambda: sdp_kmeans(X, 2, tol=NAN, rng=0), name="tol"),
    row(
        "cluster.sdp_kmeans",
        "max-iter-zero",
        lambda: sdp_kmeans(X, 2, max_iter=0, rng=0),
        name="max_iter",
    ),
    row(
        "cluster.sdp_kmeans",
        "sketch",
        lambda: sdp_kmeans(X, 2, sketch="nope", rng=0),
        name="sketch",
    ),
    row(
        "cluster.sdp_kmeans",
        "sketch-size-zero",
        lambda: sdp_kmeans(X, 2, sketch="uniform", sketch_size=0, rng=0),
        name="sketch_size",
    ),
    row(
        "cluster.sdp_kmeans",
        "sketch-size-huge",
        lambda: sdp_kmeans(X, 2, sketch="uniform", sketch_size=HUGE, rng=0),
        name="sketch_size",
    ),
    row(
        "cluster.sdp_kmeans",
        "certify-str",
        lambda: sdp_kmeans(X, 2, certify="yes", rng=0),
        name="certify",
    ),
    row("cluster.sdp_kmeans", "rng", lambda: sdp_kmeans(X, 2, rng=0.5), name="rng"),
    # SDPKMeans
    row("cluster.SDPKMeans.__init__", "k-zero", lambda: SDPKMeans(0).fit(X), name="n_clusters"),
    row(
        "cluster.SDPKMeans.__init__",
        "solver",
        lambda: SDPKMeans(2, solver="nope").fit(X),
        name="solver",
    ),
    row(
        "cluster.SDPKMeans.__init__",
        "tol-negative",
        lambda: SDPKMeans(2, tol=-1.0).fit(X),
        name="tol",
    ),
    row(
        "cluster.SDPKMeans.__init__",
        "sketch-size-negative",
        lambda: SDPKMeans(2, sketch="uniform", sketch_size=-1).fit(X),
        name="sketch_size",
    ),
    *_estimator_rows("cluster.SDPKMeans", lambda: SDPKMeans(2, random_state=0)),
    row("cluster.SDPKMeans.predict", "wrong-columns", lambda: _sdp().predict(X[:, :1]), name="X"),
    row("cluster.SDPKMeans.predict", "nan", lambda: _sdp().predict(X_nan), name="X"),
    row("cluster.SDPKMeans.predict", "complex", lambda: _sdp().predict(X_c), TypeError, "X"),
    row(
        "cluster.SDPKMeans.transform", "wrong-columns", lambda: _sdp().transform(X[:, :1]), name="X"
    ),
    row(
        "cluster.SDPKMeans.transform", "str", lambda: _sdp().transform([["a", "b"]]), TypeError, "X"
    ),
    row("cluster.SDPKMeans.score", "nan", lambda: _sdp().score(X_nan), name="X"),
    # ILASDP
    row("cluster.ILASDP.__init__", "k-zero", lambda: ILASDP(0).fit(X), name="n_clusters"),
    row("cluster.ILASDP.__init__", "init", lambda: ILASDP(2, init="nope").fit(X), name="init"),
    row(
        "cluster.ILASDP.__init__",
        "regularization",
        lambda: ILASDP(2, covariance_regularization="nope").fit(X),
        name="covariance_regularization",
    ),
    row(
        "cluster.ILASDP.__init__",
        "max-iter-zero",
        lambda: ILASDP(2, max_iter=0).fit(X),
        name="max_iter",
    ),
    row(
        "cluster.ILASDP.__init__",
        "refine-str",
        lambda: ILASDP(2, refine="yes").fit(X),
        name="refine",
    ),
    *_estimator_rows("cluster.ILASDP", lambda: ILASDP(2, random_state=0)),
    row("cluster.ILASDP.predict", "wrong-columns", lambda: _ila().predict(X[:, :1]), name="X"),
    row("cluster.ILASDP.predict", "complex", lambda: _ila().predict(X_c), TypeError, "X"),
    row("cluster.ILASDP.predict_proba", "nan", lambda: _ila().predict_proba(X_nan), name="X"),
    row(
        "cluster.ILASDP.score_samples",
        "wrong-columns",
        lambda: _ila().score_samples(X[:, :1]),
        name="X",
    ),
    row("cluster.ILASDP.score", "nan", lambda: _ila().score(X_nan), name="X"),
    # data generators and helpers
    row(
        "cluster.make_isotropic_mixture",
        "n-zero",
        lambda: make_isotropic_mixture(0, 2, 2, separation=3.0),
        name="n_samples",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "n-float",
        lambda: make_isotropic_mixture(10.5, 2, 2, separation=3.0),
        name="n_samples",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "n-huge",
        lambda: make_isotropic_mixture(HUGE, 2, 2, separation=3.0),
        name="n_samples",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "d-huge",
        lambda: make_isotropic_mixture(10, HUGE, 2, separation=3.0),
        name="n_features",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "k-above-n",
        lambda: make_isotropic_mixture(3, 5, 5, separation=3.0),
        name="n_samples",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "separation-inf",
        lambda: make_isotropic_mixture(10, 2, 2, separation=INF),
        name="separation",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "separation-negative",
        lambda: make_isotropic_mixture(10, 2, 2, separation=-1.0),
        name="separation",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "sigma-nan",
        lambda: make_isotropic_mixture(10, 2, 2, separation=3.0, sigma=NAN),
        name="sigma",
    ),
    row(
        "cluster.make_isotropic_mixture",
        "shuffle-str",
        lambda: make_isotropic_mixture(10, 2, 2, separation=3.0, shuffle="no"),
        name="shuffle",
    ),
    row(
        "cluster.make_heterogeneous_mixture",
        "n-negative",
        lambda: make_heterogeneous_mixture(-5, 3),
        name="n_samples",
    ),
    row(
        "cluster.make_heterogeneous_mixture",
        "n-huge",
        lambda: make_heterogeneous_mixture(HUGE, 3),
        name="n_samples",
    ),
    row(
        "cluster.make_heterogeneous_mixture",
        "d-zero",
        lambda: make_heterogeneous_mixture(10, 0),
        name="n_features",
    ),
    row(
        "cluster.make_heterogeneous_mixture",
        "scale-inf",
        lambda: make_heterogeneous_mixture(10, 3, scale=INF),
        name="scale",
    ),
    row(
        "cluster.make_heterogeneous_mixture",
        "scale-negative",
        lambda: make_heterogeneous_mixture(10, 3, scale=-1.0),
        name="scale",
    ),
    row(
        "cluster.exact_recovery_threshold",
        "n-zero",
        lambda: exact_recovery_threshold(0, 2, 2),
        name="n_samples",
    ),
    row(
        "cluster.exact_recovery_threshold",
        "d-float",
        lambda: exact_recovery_threshold(10, 2.5, 2),
        name="n_features",
    ),
    row(
        "cluster.exact_recovery_threshold",
        "k-one",
        lambda: exact_recovery_threshold(10, 2, 0),
        name="n_clusters",
    ),
    row(
        "cluster.exact_recovery_threshold",
        "sigma-inf",
        lambda: exact_recovery_threshold(10, 2, 2, sigma=INF),
        name="sigma",
    ),
    row(
        "cluster.misclustering_error",
        "length-mismatch",
        lambda: misclustering_error([0, 1, 1], [0, 1]),
        name="labels_pred",
    ),
    row(
        "cluster.misclustering_error",
        "empty",
        lambda: misclustering_error([], []),
        name="labels_true",
    ),
    row(
        "cluster.misclustering_error",
        "2d",
        lambda: misclustering_error([[0, 1]], [[0, 1]]),
        name="labels_true",
    ),
    row(
        "cluster.misclustering_error",
        "nan",
        lambda: misclustering_error([0, 1], [0, NAN]),
        name="labels_pred",
    ),
]

KNOWN: dict[str, str] = {}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("call,exc,name", params(ROWS, KNOWN))
def test_bad_input(call, exc, name):
    check_row(call, exc, name)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_extreme_data_scale_is_handled_or_refused(scale):
    """Issue 17: sdp_kmeans(X * 1e200, 3) ended in LinAlgError; the clustering is scale-free."""
    from samplingstats import InvalidParameterError

    X3, y3 = make_isotropic_mixture(60, 3, 3, separation=8.0, rng=0)
    reference = sdp_kmeans(X3, 3, rng=0).labels
    try:
        res = sdp_kmeans(X3 * scale, 3, rng=0)
    except InvalidParameterError as e:
        assert "'X'" in str(e)
        return
    assert misclustering_error(reference, res.labels) == 0.0
