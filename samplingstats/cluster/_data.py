"""Gaussian-mixture generators of the validation cases (method note ``cluster.md``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._rng import as_generator
from .._validation import check_int, check_param, check_scalar, check_size

__all__ = ["exact_recovery_threshold", "make_isotropic_mixture", "make_heterogeneous_mixture"]


def exact_recovery_threshold(
    n_samples: int, n_features: int, n_clusters: int, *, sigma: float = 1.0
) -> float:
    r"""Chen--Yang separation cutoff :math:`\bar\Delta` for exact recovery by Peng--Wei SDP.

    :math:`\bar\Delta^2 = 4\sigma^2\left(1 + \sqrt{1 + Kd/(n\log n)}\right)\log n`. Above
    :math:`(1+\alpha)\bar\Delta` (minimal centre distance) the SDP recovers the clusters exactly
    with high probability; below :math:`(1-\alpha)\bar\Delta` it cannot.

    Parameters
    ----------
    n_samples, n_features, n_clusters : int
        :math:`n`, :math:`d`, :math:`K`.
    sigma : float, default 1.0
        Common noise standard deviation.

    Returns
    -------
    float
        :math:`\bar\Delta` (a distance, not its square).

    See Also
    --------
    make_isotropic_mixture : mixtures at a chosen separation (e.g. 1.2 x this cutoff).
    sdp_kmeans : the SDP whose exact recovery the cutoff describes.

    Examples
    --------
    >>> from samplingstats.cluster import exact_recovery_threshold
    >>> round(exact_recovery_threshold(500, 10, 3), 3)
    7.06
    """
    n = check_int(n_samples, "n_samples", low=2, caller="exact_recovery_threshold")
    d = check_int(n_features, "n_features", low=1, caller="exact_recovery_threshold")
    k = check_int(n_clusters, "n_clusters", low=1, caller="exact_recovery_threshold")
    s = check_scalar(
        sigma, "sigma", low=0, high=math.inf, closed="neither", caller="exact_recovery_threshold"
    )
    logn = math.log(n)
    return math.sqrt(4 * s * s * (1 + math.sqrt(1 + k * d / (n * logn))) * logn)


def _sizes(n, k):
    base = np.full(k, n // k, dtype=np.int64)
    base[: n % k] += 1
    return base


def make_isotropic_mixture(
    n_samples: int,
    n_features: int,
    n_clusters: int,
    *,
    separation: float,
    sigma: float = 1.0,
    shuffle: bool = True,
    rng: Any = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    r"""Balanced isotropic Gaussian mixture with centres at pairwise distance ``separation``.

    Centre :math:`k` is :math:`(\Delta/\sqrt 2) e_k` (needs ``n_features >= n_clusters``), so every
    pair of centres is exactly :math:`\Delta` apart; noise is :math:`N(0, \sigma^2 I_d)`.

    Parameters
    ----------
    n_samples, n_features, n_clusters : int
        Sizes; clusters differ in size by at most one point.
    separation : float
        Distance :math:`\Delta` between any two centres (e.g. ``1.2 *
        exact_recovery_threshold(n, d, K)``).
    sigma : float, default 1.0
        Noise standard deviation.
    shuffle : bool, default True
        Shuffle the rows (otherwise sorted by cluster).
    rng : seed-like, optional
        Random generator (SPEC 7).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)

    See Also
    --------
    exact_recovery_threshold : the separation above which the SDP recovers the clusters.
    make_heterogeneous_mixture : clusters with unequal covariances.

    Examples
    --------
    >>> from samplingstats.cluster import make_isotropic_mixture
    >>> X, y = make_isotropic_mixture(30, 4, 3, separation=5.0, rng=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((30, 4), [0, 1, 2])
    """
    caller = "make_isotropic_mixture"
    k = check_int(n_clusters, "n_clusters", low=1, caller=caller)
    d = check_int(n_features, "n_features", low=k, caller=caller)
    n = check_int(n_samples, "n_samples", low=k, caller=caller)
    check_param(shuffle, ["boolean"], name="shuffle", caller=caller)
    # refused before allocating: X (float64), its noise draw, the labels and the permutation;
    # the message names the larger of the two sizes
    if d > n:
        check_size(
            d, "n_features", low=k, bytes_per_item=8.0 * (2 * n + 3), caller=caller, what="the data"
        )
    else:
        check_size(
            n, "n_samples", low=k, bytes_per_item=8.0 * (2 * d + 3), caller=caller, what="the data"
        )
    # finite values only: inf or NaN would return inf/NaN data
    delta = check_scalar(
        separation, "separation", low=0, high=math.inf, closed="left", caller=caller
    )
    s = check_scalar(sigma, "sigma", low=0, high=math.inf, closed="left", caller=caller)
    gen = as_generator(rng)
    labels = np.repeat(np.arange(k), _sizes(n, k))
    centres = np.zeros((k, d))
    centres[np.arange(k), np.arange(k)] = delta / math.sqrt(2)
    X = centres[labels] + s * gen.standard_normal((n, d))
    if shuffle:
        perm = gen.permutation(n)
        X, labels = X[perm], labels[perm]
    return X, labels


def make_heterogeneous_mixture(
    n_samples: int,
    n_features: int,
    *,
    scale: float = 3.0,
    shuffle: bool = True,
    rng: Any = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    r"""The note's heterogeneous three-cluster mixture (validation cases V1--V3).

    :math:`K = 3`, :math:`\mu_k = 3 e_k`, :math:`\Sigma_1 = I`, :math:`\Sigma_2 = 3I`,
    :math:`\Sigma_3 = Q\,\mathrm{diag}(\mathrm{linspace}(0.3, 3, d))\,Q^\top` with :math:`Q` a
    Haar-random orthogonal matrix; balanced clusters.

    Parameters
    ----------
    n_samples, n_features : int
        :math:`n` (at least 3) and :math:`d` (at least 3).
    scale : float, default 3.0
        Length of the centres :math:`\mu_k = \text{scale}\cdot e_k`.
    shuffle : bool, default True
        Shuffle the rows.
    rng : seed-like, optional
        Random generator (SPEC 7).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
    covariances : ndarray of shape (3, n_features, n_features)

    See Also
    --------
    make_isotropic_mixture : clusters with equal isotropic covariances.
    ILASDP : the estimator these cases validate.

    Examples
    --------
    >>> from samplingstats.cluster import make_heterogeneous_mixture
    >>> X, y, covs = make_heterogeneous_mixture(90, 5, rng=0)
    >>> X.shape, covs.shape
    ((90, 5), (3, 5, 5))
    """
    caller = "make_heterogeneous_mixture"
    check_param(shuffle, ["boolean"], name="shuffle", caller=caller)
    # refused before allocating: the three d x d covariances (and Q), then X
    d = check_size(
        n_features,
        "n_features",
        low=3,
        bytes_per_item=8.0 * 6 * float(n_features),
        caller=caller,
        what="the covariances",
    )
    n = check_size(
        n_samples,
        "n_samples",
        low=3,
        bytes_per_item=8.0 * (2 * d + 3),
        caller=caller,
        what="the data",
    )
    sc = check_scalar(scale, "scale", low=0, high=math.inf, closed="left", caller=caller)
    gen = as_generator(rng)
    q, r = np.linalg.qr(gen.standard_normal((d, d)))
    q = q * np.sign(np.diag(r))
    covs = np.stack([np.eye(d), 3.0 * np.eye(d), (q * np.linspace(0.3, 3.0, d)) @ q.T])
    labels = np.repeat(np.arange(3), _sizes(n, 3))
    X = np.empty((n, d))
    for k in range(3):
        idx = labels == k
        chol = np.linalg.cholesky(covs[k])
        X[idx] = sc * np.eye(d)[k] + gen.standard_normal((int(idx.sum()), d)) @ chol.T
    if shuffle:
        perm = gen.permutation(n)
        X, labels = X[perm], labels[perm]
    return X, labels, covs
