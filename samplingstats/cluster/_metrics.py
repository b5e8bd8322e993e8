"""Mis-clustering error with Hungarian label matching."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._validation import InvalidParameterError, check_consistent_length

__all__ = ["misclustering_error"]


def _as_labels(y, name):
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise InvalidParameterError(
            f"Argument {name!r} must be a 1-D array of labels, got an array of shape {arr.shape}."
        )
    if arr.size == 0:
        raise InvalidParameterError(f"Argument {name!r} must contain at least one label.")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise InvalidParameterError(f"Argument {name!r} contains NaN or infinite values.")
    if arr.dtype == object:
        raise InvalidParameterError(f"Argument {name!r} must hold hashable scalar labels.")
    return arr


def misclustering_error(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    r"""Fraction of points mislabelled under the best matching of cluster labels.

    :math:`\min_\pi \frac1n \#\{i : \pi(\hat y_i) \ne y_i\}` over one-to-one maps :math:`\pi` of
    predicted to true labels, found by the Hungarian algorithm
    (:func:`scipy.optimize.linear_sum_assignment`) on the contingency table. The two labelings
    may use different label sets and different numbers of clusters (unmatched clusters count as
    errors).

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n_samples,)
        Two labelings of the same points (any hashable scalar labels).

    Returns
    -------
    float
        Error in ``[0, 1)``; 0 means the partitions coincide.

    See Also
    --------
    SDPKMeans : SDP K-means, whose labels this scores.
    make_isotropic_mixture : mixtures with known labels.

    Examples
    --------
    >>> from samplingstats.cluster import misclustering_error
    >>> misclustering_error([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])
    0.0
    >>> round(misclustering_error([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1]), 4)
    0.1667
    """
    from scipy.optimize import linear_sum_assignment

    yt = _as_labels(labels_true, "labels_true")
    yp = _as_labels(labels_pred, "labels_pred")
    check_consistent_length(labels_true=yt, labels_pred=yp)
    ut, it = np.unique(yt, return_inverse=True)
    up, ip = np.unique(yp, return_inverse=True)
    table = np.zeros((ut.size, up.size), dtype=np.int64)
    np.add.at(table, (it.ravel(), ip.ravel()), 1)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(1.0 - table[rows, cols].sum() / yt.size)
