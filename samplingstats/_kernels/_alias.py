"""Numba kernels for weighted index sampling: alias tables, Poisson sampling, exponential keys.

All kernels take float64 / int64 C-contiguous arrays and a ``numpy.random.Generator`` (whose stream
advances). They do not validate their inputs; the public wrappers in :mod:`samplingstats.sampling` do.

- :func:`alias_build` -- Vose's alias method, O(n), robust to rounding (leftover columns get 1).
- :func:`alias_draw_one` / :func:`alias_draw` -- O(1) per draw: one uniform column, one uniform coin.
- :func:`alias_pack` / :func:`alias_draw_uniforms` -- the same law from a packed ``(n, 2)`` table
  (column probability and alias side by side: one cache line per draw) and one uniform per draw
  (column ``floor(u n)``, coin ``frac(u n)``), the uniforms drawn in bulk by numpy: the fast path
  of :class:`samplingstats.subsample.WeightedSampler` for large tables.
- :func:`poisson_draw` -- independent Bernoulli(pi_i) inclusion, indices in increasing order.
- :func:`exp_keys_topk` -- successive (PPS without replacement) sampling by exponential keys
  (Efraimidis & Spirakis 2006): the k smallest ``E_i / w_i`` in increasing order, with a size-k heap
  and exponential jumps (A-ExpJ) so that only O(k log(n/k)) keys are drawn.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = [
    "alias_build",
    "alias_draw_one",
    "alias_draw",
    "alias_pack",
    "alias_draw_uniforms",
    "poisson_draw",
    "exp_keys_topk",
]


@njit
def alias_build(p):
    """Vose's alias table for weights ``p`` (non-negative, positive sum; need not be normalised).

    Returns ``(prob, alias)``: column ``j`` keeps ``j`` with probability ``prob[j]`` and otherwise
    yields ``alias[j]``, so ``P(i) = (prob[i] + sum_{j: alias[j] = i} (1 - prob[j])) / n``.
    """
    n = p.shape[0]
    total = 0.0
    for i in range(n):
        total += p[i]
    scaled = np.empty(n, dtype=np.float64)
    for i in range(n):
        scaled[i] = p[i] * n / total
    prob = np.ones(n, dtype=np.float64)
    alias = np.arange(n).astype(np.int64)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    ns = 0
    nl = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[ns] = i
            ns += 1
        else:
            large[nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        g = large[nl - 1]
        prob[s] = scaled[s]
        alias[s] = g
        # Reassign the donated mass; (scaled[g] + scaled[s]) - 1 is more accurate than
        # scaled[g] - (1 - scaled[s]) when scaled[g] is close to 1.
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    # Leftovers (only rounding error keeps them away from 1): keep themselves with probability 1.
    for t in range(nl):
        prob[large[t]] = 1.0
    for t in range(ns):
        prob[small[t]] = 1.0
    return prob, alias


@njit
def alias_draw_one(prob, alias, rng):
    """One draw from the alias table ``(prob, alias)``."""
    n = prob.shape[0]
    j = np.int64(rng.random() * n)
    if j >= n:  # guard against rng.random() * n rounding up to n
        j = n - 1
    if rng.random() < prob[j]:
        return j
    return alias[j]


@njit
def alias_draw(prob, alias, size, rng):
    """``size`` iid draws from the alias table ``(prob, alias)`` as an int64 array."""
    out = np.empty(size, dtype=np.int64)
    for t in range(size):
        out[t] = alias_draw_one(prob, alias, rng)
    return out


@njit
def alias_pack(prob, alias):
    """``(n, 2)`` float64 table: ``[j, 0] = prob[j]``, ``[j, 1] = alias[j]`` (exact below 2**53)."""
    n = prob.shape[0]
    packed = np.empty((n, 2), dtype=np.float64)
    for j in range(n):
        packed[j, 0] = prob[j]
        packed[j, 1] = np.float64(alias[j])
    return packed


@njit
def alias_draw_uniforms(packed, u, out):
    """Fill ``out`` with draws from the packed table, one uniform ``u[t]`` in [0, 1) per draw.

    Column ``j = floor(u n)`` and coin ``u n - j`` (uniform on [0, 1) given ``j``, with
    ``53 - log2(n)`` bits: the coin's resolution is 2**-29 at n = 10**7, far below Monte Carlo
    error). Returns ``out``.
    """
    n = packed.shape[0]
    for t in range(u.shape[0]):
        x = u[t] * n
        j = np.int64(x)
        if j >= n:  # guard against u * n rounding up to n
            j = n - 1
        if x - j < packed[j, 0]:
            out[t] = j
        else:
            out[t] = np.int64(packed[j, 1])
    return out


@njit
def poisson_draw(pi, rng):
    """Indices ``i`` (increasing) included independently with probability ``pi[i]``."""
    n = pi.shape[0]
    buf = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if rng.random() < pi[i]:
            buf[m] = i
            m += 1
    return buf[:m].copy()


@njit
def _sift_down(keys, idx, start, size):
    # Max-heap on keys[0:size]; move keys[start] down to its place.
    pos = start
    while True:
        left = 2 * pos + 1
        if left >= size:
            break
        child = left
        right = left + 1
        if right < size and keys[right] > keys[left]:
            child = right
        if keys[child] > keys[pos]:
            tk = keys[pos]
            keys[pos] = keys[child]
            keys[child] = tk
            ti = idx[pos]
            idx[pos] = idx[child]
            idx[child] = ti
            pos = child
        else:
            break


@njit
def exp_keys_topk(w, k, rng):
    """Successive sampling without replacement of ``k`` indices with probabilities ``∝ w``.

    Each positive weight has the key ``E_i / w_i`` (``E_i ~ Exp(1)``); the ``k`` smallest keys, in
    increasing order, are distributed as ``k`` successive draws without replacement (Efraimidis &
    Spirakis 2006). Keys are kept in a size-``k`` max-heap and, once it is full, the items that
    enter it are found by *exponential jumps* (their algorithm A-ExpJ): with threshold ``T`` (the
    largest key kept), item ``i`` enters with probability ``1 - exp(-w_i T)`` independently, so the
    next entering item is where ``T * cumsum(w)`` first exceeds an ``Exp(1)`` draw, and its key is
    ``Exp(1)`` truncated to ``[0, w_i T)`` over ``w_i``. That costs O(k log(n/k)) random draws and
    one addition per skipped item. Weights are rescaled by a power of two so that the largest is in
    [0.5, 1) (keys cannot overflow for weights within 300 orders of magnitude of the largest). Zero
    weights are never drawn; the caller guarantees ``1 <= k <= #{w_i > 0}``. O(n + k log k log(n/k))
    time, O(k) memory.
    """
    n = w.shape[0]
    wmax = 0.0
    for i in range(n):
        if w[i] > wmax:
            wmax = w[i]
    scale = 1.0
    while wmax * scale >= 1.0:
        scale *= 0.5
    while wmax * scale < 0.5:
        scale *= 2.0
    keys = np.empty(k, dtype=np.float64)
    idx = np.empty(k, dtype=np.int64)
    m = 0
    i = 0
    # Fill the heap with the first k positive weights.
    while i < n and m < k:
        wi = w[i] * scale
        if wi > 0.0:
            keys[m] = rng.standard_exponential() / wi
            idx[m] = i
            m += 1
        i += 1
    for s in range(k // 2 - 1, -1, -1):
        _sift_down(keys, idx, s, m)
    # Exponential jumps over the rest.
    while i < n:
        t = keys[0]
        limit = rng.standard_exponential() / t
        acc = 0.0
        while i < n:
            wi = w[i] * scale
            if acc + wi >= limit and wi > 0.0:
                break
            acc += wi
            i += 1
        if i >= n:
            break
        wi = w[i] * scale
        # E ~ Exp(1) conditioned on E < wi * t, by inversion: -log(1 - U (1 - exp(-wi t))).
        r = -np.expm1(-wi * t)
        e = -np.log1p(-rng.random() * r)
        key = e / wi
        if key >= t:  # rounding at the boundary; keep the heap strictly improving
            key = np.nextafter(t, 0.0)
        keys[0] = key
        idx[0] = i
        _sift_down(keys, idx, 0, k)
        i += 1
    order = np.argsort(keys[:m], kind="mergesort")
    return idx[:m][order].copy()
