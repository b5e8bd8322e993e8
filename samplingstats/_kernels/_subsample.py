"""Numba kernels for RS2 round generation and the static-subset baselines.

- :func:`rs2_round`: one rank's indices of one RS2 round, for one or several streams (classes). Each
  item is ``(stream c, offset o)``; its stream position is ``base[c] + o``, which lies in pass
  ``p = pos // sizes[c]`` at position ``pos % sizes[c]`` of the keyed Feistel permutation of that
  pass (the shared kernel :func:`~samplingstats._kernels._permutation.feistel_take`). The
  pass-boundary corrections (the "heads" that keep a straddling round free of repeats) are
  applied afterwards by the Python caller; they touch only a few rounds per pass.
- :func:`kcenter_greedy`: farthest-point traversal on a feature matrix.
- :func:`herding`: kernel-herding order (greedy matching of the feature mean).
"""

from __future__ import annotations

import numpy as np

from ._jit import njit
from ._permutation import feistel_take, pass_key

__all__ = ["rs2_round", "kcenter_greedy", "herding"]


@njit
def rs2_round(base, sizes, seeds, members, member_ptr, identity, grp_ptr, grp_off, grp_out, out):
    """Fill ``out[grp_out[j]]`` with the element of item ``j`` (items grouped by stream).

    ``base``, ``sizes``, ``seeds``: int64 per stream; ``members``/``member_ptr``: CSR list of each
    stream's global indices (ignored when ``identity``); ``grp_ptr``: CSR pointers of the items of
    each stream in ``grp_off`` (offsets) and ``grp_out`` (output slots).
    """
    n_streams = sizes.shape[0]
    longest = 0
    for c in range(n_streams):
        if grp_ptr[c + 1] - grp_ptr[c] > longest:
            longest = grp_ptr[c + 1] - grp_ptr[c]
    pos_buf = np.empty(longest, dtype=np.int64)
    which_buf = np.empty(longest, dtype=np.int64)
    for c in range(n_streams):
        lo = grp_ptr[c]
        hi = grp_ptr[c + 1]
        if hi <= lo:
            continue
        n = sizes[c]
        b = base[c]
        pmin = (b + grp_off[lo]) // n
        pmax = pmin
        for j in range(lo, hi):
            p = (b + grp_off[j]) // n
            if p < pmin:
                pmin = p
            if p > pmax:
                pmax = p
        for p in range(pmin, pmax + 1):
            cnt = 0
            for j in range(lo, hi):
                g = b + grp_off[j]
                if g // n == p:
                    pos_buf[cnt] = g - p * n
                    which_buf[cnt] = j
                    cnt += 1
            if cnt == 0:
                continue
            vals = feistel_take(pos_buf[:cnt], n, pass_key(seeds[c], p))
            if identity:
                for t in range(cnt):
                    out[grp_out[which_buf[t]]] = vals[t]
            else:
                m0 = member_ptr[c]
                for t in range(cnt):
                    out[grp_out[which_buf[t]]] = members[m0 + vals[t]]


@njit
def kcenter_greedy(X, k, first):
    """Farthest-point traversal: ``k`` row indices of ``X``, starting at row ``first``."""
    n, d = X.shape
    out = np.empty(k, dtype=np.int64)
    dist = np.full(n, np.inf)
    cur = first
    for t in range(k):
        out[t] = cur
        dist[cur] = -1.0
        best = -1.0
        nxt = 0
        for i in range(n):
            if dist[i] < 0.0:
                continue
            s = 0.0
            for j in range(d):
                diff = X[i, j] - X[cur, j]
                s += diff * diff
            if s < dist[i]:
                dist[i] = s
            if dist[i] > best:
                best = dist[i]
                nxt = i
        cur = nxt
    return out


@njit
def herding(X, k):
    """Herding order: at step ``t`` add the row that brings the running mean closest to the mean.

    Minimises ``||mu - (S + x_i) / t||^2`` over unselected rows ``i``, i.e.
    ``||x_i||^2 - 2 x_i . (t mu - S)`` (ties to the lowest index).
    """
    n, d = X.shape
    mu = np.zeros(d)
    for i in range(n):
        for j in range(d):
            mu[j] += X[i, j]
    for j in range(d):
        mu[j] /= n
    sq = np.zeros(n)
    for i in range(n):
        s = 0.0
        for j in range(d):
            s += X[i, j] * X[i, j]
        sq[i] = s
    used = np.zeros(n, dtype=np.bool_)
    S = np.zeros(d)
    target = np.empty(d)
    out = np.empty(k, dtype=np.int64)
    for t in range(1, k + 1):
        for j in range(d):
            target[j] = t * mu[j] - S[j]
        best = np.inf
        arg = -1
        for i in range(n):
            if used[i]:
                continue
            s = 0.0
            for j in range(d):
                s += X[i, j] * target[j]
            v = sq[i] - 2.0 * s
            if v < best:
                best = v
                arg = i
        out[t - 1] = arg
        used[arg] = True
        for j in range(d):
            S[j] += X[arg, j]
    return out
