"""Poisson (independent Bernoulli) sampling, inclusion probabilities proportional to size, and
successive weighted sampling without replacement."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._kernels._alias import exp_keys_topk, poisson_draw
from .._rng import _is_torch_generator, as_generator, torch_generator
from ._common import as_probabilities, as_weights, check_n_samples_int

__all__ = ["poisson_sample", "inclusion_probabilities", "weighted_sample_without_replacement"]


def poisson_sample(pi: Any, *, rng: Any = None) -> Any:
    """Poisson sampling: include each index ``i`` independently with probability ``pi[i]``.

    The sample size is random with mean ``sum(pi)`` and variance ``sum(pi * (1 - pi))``; the
    Horvitz-Thompson estimator ``sum_{i in S} y_i / pi_i`` is unbiased for ``sum_i y_i``. Pair it
    with :func:`inclusion_probabilities` for an expected size ``n_samples`` with ``pi ∝ weights``.
    O(n_items).

    Parameters
    ----------
    pi : array-like or torch.Tensor, shape (n_items,)
        Inclusion probabilities in [0, 1].
    rng : None, int, numpy.random.Generator or torch.Generator
        Randomness (SPEC 7); a ``torch.Generator`` on ``pi``'s device drives the torch path as is.

    Returns
    -------
    numpy.ndarray or torch.Tensor of int64
        The included indices in increasing order (a tensor on ``pi``'s device for tensor input).

    See Also
    --------
    inclusion_probabilities : Inclusion probabilities of a given expected size.
    weighted_sample_without_replacement : A fixed-size weighted sample.

    Examples
    --------
    >>> from samplingstats.sampling import poisson_sample
    >>> poisson_sample([1.0, 0.0, 1.0, 0.0], rng=0)
    array([0, 2])
    >>> s = poisson_sample(np.full(1000, 0.1), rng=1)
    >>> 50 < s.size < 150, bool(np.all(np.diff(s) > 0))
    (True, True)
    """
    p, ref = as_probabilities(pi, "pi", "poisson_sample")
    if ref is None:
        return poisson_draw(p, as_generator(rng))
    from ._torch import poisson_sample_torch

    return poisson_sample_torch(ref.detach(), _torch_gen(rng, ref.device))


def _torch_gen(rng, device):
    """A ``torch.Generator`` on ``device``: the caller's (as is) or one derived from ``rng``."""
    return torch_generator(rng if _is_torch_generator(rng) else as_generator(rng), device)


def _inclusion_numpy(w: np.ndarray, k: float) -> np.ndarray:
    n = w.shape[0]
    order = np.argsort(-w, kind="stable")
    ws = w[order]
    wmax = ws[0]
    with np.errstate(over="ignore"):
        total = ws.sum()
    if not np.isfinite(total) or wmax < 1e-200:
        # Rescale by a power of two (exact) so that the sums neither overflow nor lose the range.
        ws = np.ldexp(ws, -int(np.frexp(wmax)[1]))
    # tail[m] = sum(ws[m:]) accumulated from the smallest weights up (accurate for any range).
    tail = np.cumsum(ws[::-1])[::-1]
    n_cap_max = int(np.ceil(k))  # at most ceil(k) - 1 units can be capped at 1
    pi_sorted = np.zeros(n)
    for m in range(n_cap_max):
        c = (k - m) / tail[m]
        if c * ws[m] <= 1.0:
            pi_sorted[:m] = 1.0
            pi_sorted[m:] = np.minimum(c * ws[m:], 1.0)
            break
    else:  # pragma: no cover - unreachable when k <= number of positive weights
        raise AssertionError("inclusion_probabilities: capping did not terminate")
    out = np.empty(n)
    out[order] = pi_sorted
    return out


def inclusion_probabilities(weights: Any, n_samples: float) -> Any:
    """First-order inclusion probabilities ``pi_i = min(1, c * w_i)`` with ``sum(pi) == n_samples``.

    The probability-proportional-to-size (PPS) design: units whose share would exceed one are
    included with certainty and ``c`` is re-solved on the rest (iterative capping, computed in
    O(n log n) by sorting). Zero weights get ``pi = 0``.

    Parameters
    ----------
    weights : array-like or torch.Tensor, shape (n_items,)
        Non-negative finite size measures with a positive sum.
    n_samples : int or float
        Expected sample size, ``0 < n_samples <= number of positive weights`` (a float is allowed
        for Poisson sampling with a non-integer expected size).

    Returns
    -------
    numpy.ndarray or torch.Tensor of float64, shape (n_items,)
        Inclusion probabilities in [0, 1] summing to ``n_samples`` (up to rounding, ~1e-12
        relative).

    See Also
    --------
    poisson_sample : Draw with these probabilities.
    weighted_sample_without_replacement : A fixed-size weighted sample.

    Examples
    --------
    >>> from samplingstats.sampling import inclusion_probabilities
    >>> inclusion_probabilities([10.0, 1.0, 1.0, 2.0], 2)
    array([1.  , 0.25, 0.25, 0.5 ])
    >>> float(inclusion_probabilities([1.0, 2.0, 3.0], 1.5).sum())
    1.5
    """
    w, ref = as_weights(weights, "weights", "inclusion_probabilities")
    n_pos = int(np.count_nonzero(w > 0))
    k = n_samples
    if (
        not isinstance(k, numbers.Real)
        or isinstance(k, (bool, np.bool_))
        or not np.isfinite(k)
        or not 0 < k <= n_pos
    ):
        raise InvalidParameterError(
            f"The 'n_samples' parameter of inclusion_probabilities must be a float in the range "
            f"(0, {n_pos}] (the number of positive weights). Got {k!r} instead."
        )
    pi = _inclusion_numpy(w, float(k))
    if ref is None:
        return pi
    from ._torch import as_tensor_like

    return as_tensor_like(pi, ref)


def weighted_sample_without_replacement(weights: Any, n_samples: int, *, rng: Any = None) -> Any:
    """Draw ``n_samples`` distinct indices by successive sampling proportional to ``weights``.

    The first index is drawn with probability ``w_i / sum(w)``, the next proportionally to the
    remaining weights, and so on (sampling without replacement as in ``Generator.choice(...,
    replace=False, p=...)``). Implemented with exponential keys (Efraimidis & Spirakis 2006): the
    ``k`` smallest ``E_i / w_i`` with ``E_i ~ Exp(1)``, in increasing order, so the returned order is
    the draw order. O(n log k) time, O(k) extra memory. Note the inclusion probabilities are *not*
    proportional to ``w``; for that use :func:`inclusion_probabilities` + :func:`poisson_sample`.

    Parameters
    ----------
    weights : array-like or torch.Tensor, shape (n_items,)
        Non-negative finite weights with a positive sum; zero weights are never drawn.
    n_samples : int
        Sample size, ``1 <= n_samples <=`` number of positive weights.
    rng : None, int, numpy.random.Generator or torch.Generator
        Randomness (SPEC 7); a ``torch.Generator`` on the weights' device drives the torch path
        as is.

    Returns
    -------
    numpy.ndarray or torch.Tensor of int64, shape (n_samples,)
        Indices in draw order (a tensor on the weights' device for tensor input).

    See Also
    --------
    AliasTable : Weighted draws with replacement.
    inclusion_probabilities : Inclusion probabilities of a fixed-size design.

    Examples
    --------
    >>> from samplingstats.sampling import weighted_sample_without_replacement
    >>> s = weighted_sample_without_replacement([1.0, 0.0, 5.0, 2.0], 3, rng=0)
    >>> sorted(s.tolist())
    [0, 2, 3]
    """
    caller = "weighted_sample_without_replacement"
    w, ref = as_weights(weights, "weights", caller)
    k = check_n_samples_int(n_samples, int(np.count_nonzero(w > 0)), caller)
    if ref is None:
        return exp_keys_topk(w, k, as_generator(rng))
    from ._torch import wor_sample_torch

    return wor_sample_torch(ref.detach(), k, _torch_gen(rng, ref.device))
