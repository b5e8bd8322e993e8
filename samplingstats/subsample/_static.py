"""Static-subset baselines: one fixed subset for the whole training run.

RS2 is compared against data pruning, which picks one subset before training: uniformly at random,
or by a score (EL2N / GraNd from an early model's outputs, keep the hardest), or by a geometric
coreset on features (herding, k-center greedy). These helpers make those baselines one call each.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._backend import is_torch, like, to_numpy
from .._exceptions import InvalidParameterError
from .._kernels._subsample import herding, kcenter_greedy
from .._rng import as_generator
from .._validation import check_matrix, check_vector
from ._schedule import (
    RS2Schedule,
    _check_n,
    _check_ratio,
    _label_codes,
    _resolve_rng,
    largest_remainder_quotas,
    rs2_round_size,
)

__all__ = [
    "static_subset",
    "el2n_scores",
    "grand_scores",
    "herding_subset",
    "kcenter_greedy_subset",
]

_KEEP = ("random", "highest", "lowest")


def _plain(labels, seed):
    """Keyword arguments of a single-rank schedule keyed by the int ``seed``."""
    return dict(
        replacement=False, labels=labels, rng=seed, num_replicas=1, rank=0, even_shards=False
    )


def _groups(labels, n, k, caller):
    """Per-class (members, quota) pairs, or a single group when ``labels`` is None."""
    if labels is None:
        return [(np.arange(n, dtype=np.int64), k)]
    _, codes = _label_codes(labels, n, caller)
    counts = np.bincount(codes).astype(np.int64)
    quotas = largest_remainder_quotas(counts, k)
    members = np.argsort(codes, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(counts)])
    return [(members[ptr[c] : ptr[c + 1]], int(quotas[c])) for c in range(counts.shape[0])]


def static_subset(
    n_items: int,
    ratio: float,
    *,
    scores: ArrayLike | None = None,
    keep: Literal["random", "highest", "lowest"] = "random",
    labels: ArrayLike | None = None,
    rng: Any = None,
) -> NDArray[np.int64]:
    """A fixed subset of ``k = round(ratio * n_items)`` examples (the static-pruning baseline).

    Parameters
    ----------
    n_items : int
        Dataset size.
    ratio : float
        Fraction kept, in ``(0, 1]``.
    scores : array-like of length n_items, optional
        Per-example scores (e.g. :func:`el2n_scores`); required unless ``keep="random"``.
    keep : {"random", "highest", "lowest"}, default "random"
        ``"random"``: a uniform subset, the same as round 0 of :class:`RS2Schedule` with this
        ``rng`` (an int; and ``labels``), so "RS2 vs static" compares one fresh subset per round with
        the first one kept forever. ``"highest"`` / ``"lowest"``: the ``k`` examples with the
        largest / smallest scores (ties to the lower index).
    labels : array-like of length n_items, optional
        Keep each class's largest-remainder quota (class-balanced pruning).
    rng : None, int, numpy.random.Generator or torch.Generator, default None
        Key of the random subset (SPEC 7; an int gives the same subset as ``RS2Schedule`` with
        that int). Unused with ``keep="highest"`` / ``"lowest"``.

    Returns
    -------
    numpy.ndarray of int64
        Sorted indices, length ``k``.

    See Also
    --------
    RS2Schedule : Repeated random subsets (round 0 is this subset).
    el2n_scores : Scores for keep='highest'.
    StaticSubsetDataset : The subset as a torch Dataset.

    Examples
    --------
    >>> from samplingstats.subsample import static_subset
    >>> static_subset(10, 0.3, scores=[5, 1, 9, 3, 7, 0, 2, 8, 4, 6], keep="highest").tolist()
    [2, 4, 7]
    >>> static_subset(10, 0.3, rng=1).tolist()
    [1, 3, 5]
    """
    caller = "static_subset"
    n = _check_n(n_items, caller)
    ratio = _check_ratio(ratio, caller)
    seed, _ = _resolve_rng(rng, caller)
    if not isinstance(keep, str) or keep not in _KEEP:
        raise InvalidParameterError(
            f"The 'keep' parameter of {caller} must be a str among {{'highest', 'lowest', "
            f"'random'}}. Got {keep!r} instead."
        )
    if keep == "random":
        if scores is not None:
            raise InvalidParameterError(
                f"{caller}: scores are ignored with keep='random'; pass keep='highest' or "
                "keep='lowest' to prune by score."
            )
        sched = RS2Schedule._create(n, ratio, **_plain(labels, seed), caller=caller)
        return np.sort(sched.round_indices(0))
    if scores is None:
        raise InvalidParameterError(
            f"{caller}: keep={keep!r} needs per-example scores (e.g. el2n_scores(...))."
        )
    s = check_vector(to_numpy(scores), "scores", length=n)
    k = rs2_round_size(n, ratio)
    out = []
    for members, q in _groups(labels, n, k, caller):
        key = -s[members] if keep == "highest" else s[members]
        order = np.argsort(key, kind="stable")[:q]
        out.append(members[order])
    return np.sort(np.concatenate(out)).astype(np.int64)


def _real_array(x, name, caller):
    """``x`` as float64, refusing complex, strings and objects with a message naming ``name``."""
    from .._validation import refuse_complex

    if hasattr(x, "is_complex") and callable(x.is_complex) and x.is_complex():
        raise InvalidParameterError(
            f"Argument {name!r} of {caller} must be a real array; got a complex tensor."
        )
    refuse_complex(x, name)
    try:
        return to_numpy(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"Argument {name!r} of {caller} must be a real numeric array; it could not be "
            f"converted to float64 ({exc})."
        ) from None


def _probs_and_onehot(outputs, targets, from_logits, caller):
    if not isinstance(from_logits, (bool, np.bool_)):
        raise InvalidParameterError(
            f"The 'from_logits' parameter of {caller} must be a bool. Got {from_logits!r} instead."
        )
    out = _real_array(outputs, "outputs", caller)
    if out.ndim not in (2, 3):
        raise InvalidParameterError(
            f"Argument 'outputs' of {caller} must be (n, n_classes) or (n_models, n, n_classes), "
            f"got an array of shape {out.shape}."
        )
    if not np.isfinite(out).all():
        raise InvalidParameterError(f"Argument 'outputs' of {caller} contains NaN or inf.")
    n, c = out.shape[-2], out.shape[-1]
    y = to_numpy(targets)
    if y.ndim != 1 or y.shape[0] != n or y.dtype.kind not in "iu":
        raise InvalidParameterError(
            f"Argument 'targets' of {caller} must be a 1-D int array of length n = {n}, got "
            f"shape {y.shape} and dtype {y.dtype}."
        )
    if y.size and (y.min() < 0 or y.max() >= c):
        raise InvalidParameterError(
            f"Argument 'targets' of {caller} must hold class indices in [0, {c}); got values in "
            f"[{y.min()}, {y.max()}]."
        )
    if from_logits:
        z = out - out.max(axis=-1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=-1, keepdims=True)
    else:
        if (out < 0).any() or (out > 1).any():
            raise InvalidParameterError(
                f"Argument 'outputs' of {caller} must hold probabilities in [0, 1] when "
                "from_logits=False."
            )
        p = out
    onehot = np.zeros((n, c))
    onehot[np.arange(n), y] = 1.0
    return p, onehot


def el2n_scores(
    outputs: ArrayLike, targets: ArrayLike, *, from_logits: bool = True
) -> NDArray[np.float64]:
    """EL2N scores: the L2 norm of the error ``softmax(f(x)) - onehot(y)`` (Paul et al. 2021).

    High scores mark hard or mislabelled examples; pruning keeps the highest
    (``static_subset(..., scores=s, keep="highest")``). Scores of an ensemble (a 3-D ``outputs``)
    are averaged over models, as in the paper.

    Parameters
    ----------
    outputs : array-like or torch.Tensor, shape (n, n_classes) or (n_models, n, n_classes)
        Logits (or probabilities with ``from_logits=False``) of a model trained briefly.
    targets : array-like of int, shape (n,)
    from_logits : bool, default True

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n,)
        Torch in, torch out (same device).

    See Also
    --------
    grand_scores : Gradient-norm scores.
    static_subset : Keep the highest or lowest scores.

    Examples
    --------
    >>> from samplingstats.subsample import el2n_scores
    >>> el2n_scores(np.array([[0.9, 0.1], [0.5, 0.5]]), np.array([0, 0]), from_logits=False)
    array([0.14142136, 0.70710678])
    """
    p, onehot = _probs_and_onehot(outputs, targets, from_logits, "el2n_scores")
    s = np.linalg.norm(p - onehot, axis=-1)
    if s.ndim == 2:
        s = s.mean(axis=0)
    return like(s, outputs) if is_torch(outputs) else s


def grand_scores(
    outputs: ArrayLike,
    targets: ArrayLike,
    *,
    features: ArrayLike | None = None,
    from_logits: bool = True,
) -> NDArray[np.float64]:
    """GraNd scores: the norm of the loss gradient, exact for the last (linear) layer.

    For cross-entropy, the gradient with respect to the last layer's weights ``W`` and bias of an
    example with penultimate features ``h`` is ``(p - y) h^T`` and ``p - y``, whose norm is
    ``||p - y|| sqrt(||h||^2 + 1)``. Without ``features`` the gradient is taken with respect to
    the logits (``||p - y||``, the same ranking as EL2N). Ensembles (3-D ``outputs``) are averaged.

    Parameters
    ----------
    outputs : array-like or torch.Tensor, shape (n, n_classes) or (n_models, n, n_classes)
    targets : array-like of int, shape (n,)
    features : array-like, shape (n, d) or (n_models, n, d), optional
        Penultimate-layer features (the input of the last linear layer).
    from_logits : bool, default True

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n,)

    See Also
    --------
    el2n_scores : Error-norm scores.
    static_subset : Keep the highest or lowest scores.

    Examples
    --------
    >>> from samplingstats.subsample import grand_scores
    >>> logits = np.array([[2.0, 0.0], [0.0, 0.0]])
    >>> h = np.array([[1.0, 0.0], [0.0, 0.0]])
    >>> np.round(grand_scores(logits, np.array([0, 1]), features=h), 4)
    array([0.2384, 0.7071])
    """
    p, onehot = _probs_and_onehot(outputs, targets, from_logits, "grand_scores")
    err = np.linalg.norm(p - onehot, axis=-1)
    if features is not None:
        h = to_numpy(features, dtype=np.float64)
        if h.ndim != p.ndim or h.shape[:-1] != p.shape[:-1]:
            raise InvalidParameterError(
                "Argument 'features' of grand_scores must have one row per example and model "
                f"({p.shape[:-1]} + (d,)), got shape {h.shape}."
            )
        if not np.isfinite(h).all():
            raise InvalidParameterError("Argument 'features' of grand_scores contains NaN or inf.")
        err = err * np.sqrt((h * h).sum(axis=-1) + 1.0)
    if err.ndim == 2:
        err = err.mean(axis=0)
    return like(err, outputs) if is_torch(outputs) else err


def _feature_groups(features, ratio, labels, caller):
    X = check_matrix(to_numpy(features), "features")
    ratio = _check_ratio(ratio, caller)
    n = X.shape[0]
    k = rs2_round_size(n, ratio)
    return X, _groups(labels, n, k, caller)


def herding_subset(
    features: ArrayLike, ratio: float, *, labels: ArrayLike | None = None
) -> NDArray[np.int64]:
    """Herding coreset: greedily match the mean feature vector (Welling 2009; Chen et al. 2010).

    Step ``t`` adds the example that brings the mean of the ``t`` selected feature vectors closest
    to the mean of all of them. Per class with ``labels`` (each class its quota). O(k n d).

    Parameters
    ----------
    features : array-like, shape (n, d)
        E.g. penultimate-layer embeddings of a briefly trained model.
    ratio : float
        Fraction kept, in ``(0, 1]``.
    labels : array-like of length n, optional

    Returns
    -------
    numpy.ndarray of int64
        ``k`` indices in selection order (class by class with ``labels``).

    See Also
    --------
    kcenter_greedy_subset : Another geometric coreset.
    static_subset : Random or score-based subsets.

    Examples
    --------
    >>> from samplingstats.subsample import herding_subset
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    >>> herding_subset(X, 0.4).tolist()    # mean 3.2: first 3, then the point making the mean 3.2
    [3, 2]
    """
    X, groups = _feature_groups(features, ratio, labels, "herding_subset")
    out = []
    for members, q in groups:
        sub = np.ascontiguousarray(X[members])
        out.append(members[herding(sub, np.int64(q))])
    return np.concatenate(out).astype(np.int64)


def kcenter_greedy_subset(
    features: ArrayLike, ratio: float, *, labels: ArrayLike | None = None, rng: Any = None
) -> NDArray[np.int64]:
    """k-center greedy coreset (farthest-point traversal; Sener & Savarese 2018).

    Starts from a random example (drawn from ``rng``) and repeatedly adds the example farthest from the
    selected ones, a 2-approximation of the minimax-cover problem. Per class with ``labels``.
    O(k n d).

    Parameters
    ----------
    features : array-like, shape (n, d)
    ratio : float
        Fraction kept, in ``(0, 1]``.
    labels : array-like of length n, optional
    rng : None, int, numpy.random.Generator or torch.Generator, default None
        Chooses the first centre (of each class) (SPEC 7).

    Returns
    -------
    numpy.ndarray of int64
        ``k`` indices in selection order (class by class with ``labels``).

    See Also
    --------
    herding_subset : Another geometric coreset.
    static_subset : Random or score-based subsets.

    Examples
    --------
    >>> from samplingstats.subsample import kcenter_greedy_subset
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    >>> sorted(kcenter_greedy_subset(X, 0.6, rng=0).tolist())
    [0, 3, 4]
    """
    gen = as_generator(rng)
    X, groups = _feature_groups(features, ratio, labels, "kcenter_greedy_subset")
    out = []
    for members, q in groups:
        sub = np.ascontiguousarray(X[members])
        first = np.int64(gen.integers(members.shape[0]))
        out.append(members[kcenter_greedy(sub, np.int64(q), first)])
    return np.concatenate(out).astype(np.int64)
