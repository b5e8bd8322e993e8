"""Numba kernels for :mod:`samplingstats.dpp`: orthonormal polynomial evaluation, optimal (Christoffel)
draws, and exact projection-DPP samplers (chain rule).

Conventions
-----------
- A one-dimensional orthonormal family (w.r.t. a probability measure) is given by its three-term
  recurrence ``x p_k = s_{k+1} p_{k+1} + a_k p_k + s_k p_{k-1}`` with ``p_0 = 1``: ``alpha[k] = a_k``
  and ``sqb[k] = s_k`` (``sqb[0]`` is unused).
- Draws from ``p_k^2 dmu`` are by rejection from a proposal with an envelope constant ``env[k]``:
  ``prop_kind == 0``: arcsine ``cos(pi U)``; ``prop_kind == 1``: ``2 Beta(pb, pa) - 1``, density ratio
  ``cst (1-y)^ea (1+y)^eb``; ``prop_kind == 2``: ``N(0, hs[k]^2)``, ratio
  ``hs[k] exp(-y^2 (1 - 1/hs[k]^2) / 2)``.
- Multi-indices ``idx`` are ``(m, d)`` int64; basis function ``j`` is ``prod_i p_{idx[j, i]}(x_i)``.
- Gram-Schmidt keeps an orthonormal basis ``Q[:t]`` (rows) of the span of the accepted feature
  vectors; a candidate with feature vector ``v`` is accepted with probability
  ``||(I - Q^T Q) v||^2 / ||v||^2`` (rejection from the optimal density); the residual is computed with
  one re-orthogonalisation on acceptance.

Kernels do not validate; the public wrappers in :mod:`samplingstats.dpp` do.
"""

from __future__ import annotations

import math

import numpy as np

from ._alias import alias_draw_one
from ._jit import njit

# Reassociation lets LLVM vectorise the dot-product reductions; no nnan/ninf flags, so NaN and inf
# keep their IEEE semantics.
_FM = {"reassoc", "contract", "nsz", "arcp"}

__all__ = [
    "eval_1d",
    "basis_eval",
    "draw_1d",
    "christoffel_draw",
    "dpp_continuous",
    "dpp_finite_rejection",
    "dpp_finite_spectral",
    "dpp_finite_stream_thin",
    "dpp_finite_reduced",
    "finite_leverage_bound",
    "jacobi_envelopes",
    "hermite_envelopes",
]


@njit(fastmath=_FM)
def eval_1d(x, alpha, sqb, deg, out):
    """Fill ``out[0..deg]`` with the orthonormal polynomials ``p_0(x) .. p_deg(x)``."""
    out[0] = 1.0
    if deg >= 1:
        out[1] = (x - alpha[0]) / sqb[1]
    for k in range(1, deg):
        out[k + 1] = ((x - alpha[k]) * out[k] - sqb[k] * out[k - 1]) / sqb[k + 1]


@njit(fastmath=_FM)
def basis_eval(X, alpha, sqb, maxdeg, idx):
    """``(n, m)`` matrix of the tensor-product basis functions at the rows of ``X``."""
    n, d = X.shape
    m = idx.shape[0]
    out = np.empty((n, m), dtype=np.float64)
    P = np.empty((d, maxdeg + 1), dtype=np.float64)
    for r in range(n):
        for i in range(d):
            eval_1d(X[r, i], alpha, sqb, maxdeg, P[i])
        for j in range(m):
            v = 1.0
            for i in range(d):
                v *= P[i, idx[j, i]]
            out[r, j] = v
    return out


@njit(fastmath=_FM)
def _powe(x, e):
    if e == 0.0:
        return 1.0
    if e == 0.5:
        return math.sqrt(x)
    return x**e


@njit(fastmath=_FM)
def draw_1d(k, alpha, sqb, env, prop_kind, pa, pb, ea, eb, cst, hs, buf, rng):
    """One exact draw from ``p_k(y)^2 dmu(y)`` by rejection (see the module docstring)."""
    while True:
        if prop_kind == 0:
            y = math.cos(math.pi * rng.random())
            r = cst * _powe(1.0 - y, ea) * _powe(1.0 + y, eb)
        elif prop_kind == 1:
            y = 2.0 * rng.beta(pb, pa) - 1.0
            r = cst * _powe(1.0 - y, ea) * _powe(1.0 + y, eb)
        else:
            h = hs[k]
            y = h * rng.standard_normal()
            r = h * math.exp(-0.5 * y * y * (1.0 - 1.0 / (h * h)))
        eval_1d(y, alpha, sqb, k, buf)
        v = buf[k]
        if rng.random() * env[k] < v * v * r:
            return y


@njit(fastmath=_FM)
def christoffel_draw(n, idx, alpha, sqb, env, prop_kind, pa, pb, ea, eb, cst, hs, rng):
    """``n`` iid draws from the optimal density ``k_m / m dmu`` (uniform mixture of ``phi_j^2 dmu``)."""
    m, d = idx.shape
    out = np.empty((n, d), dtype=np.float64)
    buf = np.empty(sqb.shape[0] + 1, dtype=np.float64)
    for r in range(n):
        j = rng.integers(0, m)
        for i in range(d):
            out[r, i] = draw_1d(
                idx[j, i], alpha, sqb, env, prop_kind, pa, pb, ea, eb, cst, hs, buf, rng
            )
    return out


@njit(fastmath=_FM)
def _orthonormalise(Q, t, v, out):
    """Residual of ``v`` against the rows ``Q[:t]`` (two Gram-Schmidt passes), normalised into
    ``out``; returns the residual norm."""
    m = v.shape[0]
    for j in range(m):
        out[j] = v[j]
    for _ in range(2):
        for a in range(t):
            s = 0.0
            for j in range(m):
                s += Q[a, j] * out[j]
            for j in range(m):
                out[j] -= s * Q[a, j]
    nrm = 0.0
    for j in range(m):
        nrm += out[j] * out[j]
    nrm = math.sqrt(nrm)
    for j in range(m):
        out[j] /= nrm
    return nrm


@njit(fastmath=_FM)
def _accept(Q, t, v, k, u, c):
    """Chain-rule acceptance test ``u k < ||(I - Q[:t]^T Q[:t]) v||^2 = k - sum_a (Q_a . v)^2``.

    The partial sums of ``(Q_a . v)^2`` only grow, so the test stops as soon as they pass
    ``(1 - u) k`` (an exact early rejection). A residual below ``1e-12 k`` (a repeated or
    numerically dependent candidate) is rejected. On acceptance ``c[:t]`` holds ``Q[:t] v``.
    """
    m = v.shape[0]
    thr = (1.0 - u) * k
    if thr <= 1e-12 * k:
        return False
    s = 0.0
    for a in range(t):
        ca = 0.0
        for j in range(m):
            ca += Q[a, j] * v[j]
        c[a] = ca
        s += ca * ca
        if s >= thr:
            return False
    return k - s > 1e-12 * k


@njit(fastmath=_FM)
def _append_residual(Q, t, v, c):
    """Set ``Q[t]`` to the normalised residual of ``v`` against ``Q[:t]``, given ``c = Q[:t] v``.

    Classical Gram-Schmidt from the coefficients of the acceptance test, with a second
    (re-orthogonalisation) pass when the first one cancelled more than half of the norm
    ("twice is enough", Daniel-Gragg-Kaufman-Stewart criterion).
    """
    m = v.shape[0]
    out = Q[t]
    v2 = 0.0
    for j in range(m):
        out[j] = v[j]
        v2 += v[j] * v[j]
    for a in range(t):
        ca = c[a]
        for j in range(m):
            out[j] -= ca * Q[a, j]
    r2 = 0.0
    for j in range(m):
        r2 += out[j] * out[j]
    if r2 < 0.5 * v2:
        for a in range(t):
            ca = 0.0
            for j in range(m):
                ca += Q[a, j] * out[j]
            for j in range(m):
                out[j] -= ca * Q[a, j]
        r2 = 0.0
        for j in range(m):
            r2 += out[j] * out[j]
    nrm = math.sqrt(r2)
    for j in range(m):
        out[j] /= nrm


@njit(fastmath=_FM)
def dpp_continuous(R, idx, alpha, sqb, maxdeg, env, prop_kind, pa, pb, ea, eb, cst, hs, rng):
    """``R`` independent projection-DPP draws for the tensor polynomial basis ``idx``.

    Chain rule with rejection from the optimal density. Returns ``(points (R, m, d), n_proposals (R,))``.
    """
    m, d = idx.shape
    pts = np.empty((R, m, d), dtype=np.float64)
    nprop = np.zeros(R, dtype=np.int64)
    Q = np.empty((m, m), dtype=np.float64)
    c = np.empty(m, dtype=np.float64)
    phi = np.empty(m, dtype=np.float64)
    P = np.empty((d, maxdeg + 1), dtype=np.float64)
    x = np.empty(d, dtype=np.float64)
    buf = np.empty(maxdeg + 1, dtype=np.float64)
    for r in range(R):
        t = 0
        cnt = 0
        while t < m:
            j = rng.integers(0, m)
            for i in range(d):
                x[i] = draw_1d(
                    idx[j, i], alpha, sqb, env, prop_kind, pa, pb, ea, eb, cst, hs, buf, rng
                )
                eval_1d(x[i], alpha, sqb, maxdeg, P[i])
            cnt += 1
            k = 0.0
            for jj in range(m):
                v = 1.0
                for i in range(d):
                    v *= P[i, idx[jj, i]]
                phi[jj] = v
                k += v * v
            if _accept(Q, t, phi, k, rng.random(), c):
                _append_residual(Q, t, phi, c)
                for i in range(d):
                    pts[r, t, i] = x[i]
                t += 1
        nprop[r] = cnt
    return pts, nprop


@njit(fastmath=_FM)
def dpp_finite_rejection(R, V, lev, prob, alias, rng):
    """``R`` projection-DPP draws for the orthonormal columns ``V`` (N, m): rejection chain rule.

    Proposals ``i`` are drawn from the alias table ``(prob, alias)`` of the leverage scores ``lev``;
    ``i`` is accepted with probability ``||(I - Q^T Q) V_i||^2 / lev_i``.
    Returns ``(indices (R, m), n_proposals (R,))``.
    """
    m = V.shape[1]
    out = np.empty((R, m), dtype=np.int64)
    nprop = np.zeros(R, dtype=np.int64)
    Q = np.empty((m, m), dtype=np.float64)
    c = np.empty(m, dtype=np.float64)
    for r in range(R):
        t = 0
        cnt = 0
        while t < m:
            i = alias_draw_one(prob, alias, rng)
            cnt += 1
            li = lev[i]
            if _accept(Q, t, V[i], li, rng.random(), c):
                _append_residual(Q, t, V[i], c)
                out[r, t] = i
                t += 1
        nprop[r] = cnt
    return out, nprop


@njit(fastmath=_FM)
def dpp_finite_spectral(R, V, lev, rng):
    """``R`` projection-DPP draws for the orthonormal columns ``V`` (N, m): the spectral chain rule.

    At step ``t`` the index ``i`` is drawn with probability ``||(I - Q^T Q) V_i||^2 / (m - t)`` by a
    linear scan; all N residual norms are then updated, O(N m) per step, O(N m^2) per draw.
    """
    N, m = V.shape
    out = np.empty((R, m), dtype=np.int64)
    Q = np.empty((m, m), dtype=np.float64)
    norms = np.empty(N, dtype=np.float64)
    for r in range(R):
        for n in range(N):
            norms[n] = lev[n]
        for t in range(m):
            total = 0.0
            for n in range(N):
                if norms[n] > 0.0:
                    total += norms[n]
            u = rng.random() * total
            i = -1
            acc = 0.0
            for n in range(N):
                if norms[n] > 0.0:
                    acc += norms[n]
                    i = n
                    if acc > u:
                        break
            _orthonormalise(Q, t, V[i], Q[t])
            out[r, t] = i
            q = Q[t]
            for n in range(N):
                c = 0.0
                for j in range(m):
                    c += V[n, j] * q[j]
                norms[n] -= c * c
            norms[i] = 0.0
    return out, np.full(R, m, dtype=np.int64)


@njit(fastmath=_FM)
def dpp_finite_stream_thin(Q, c, t, rows, ub, idx, out, rng):
    """Continue one rejection-chain-rule draw on a block of proposals drawn proportionally to ``ub``.

    ``Q[:t]`` and ``out[:t]`` hold the draw so far. ``rows[s] = V[idx[s]]`` for iid proposals
    ``idx[s]`` drawn with probability proportional to an upper bound ``ub[s] >= l = ||rows[s]||^2``.
    Proposal ``s`` is first kept with probability ``l / ub[s]`` (thinning: the kept ones are iid with
    probability ``l_i / m``, the proposals of the rejection chain rule), then accepted with
    probability ``||(I - Q^T Q) rows[s]||^2 / l``, as in :func:`dpp_finite_rejection`; only kept
    proposals are counted. Stops when ``t == m`` or the block is used up. Returns
    ``(t, kept proposals used, ok)``; ``ok`` is False (the draw must be abandoned) when some
    ``l > ub[s]``: the bound failed.
    """
    m = Q.shape[0]
    used = 0
    for s in range(rows.shape[0]):
        if t >= m:
            break
        v = rows[s]
        lev = 0.0
        for j in range(m):
            lev += v[j] * v[j]
        if lev > ub[s]:
            return t, used, False
        if rng.random() * ub[s] >= lev:
            continue
        used += 1
        if _accept(Q, t, v, lev, rng.random(), c):
            _append_residual(Q, t, v, c)
            out[t] = idx[s]
            t += 1
    return t, used, True


@njit(fastmath=_FM)
def dpp_finite_reduced(Qr, c, tp, Y, ub, idx, out, t, t_stop, rng):
    """Continue one projection-DPP draw on a block of proposals, in reduced coordinates.

    The chain rule so far has ``t`` points (``out[:t]``). ``Y[s] = V[idx[s]] B`` are the coordinates
    of the proposals in an orthonormal basis ``B`` (``m x k``) of the orthogonal complement of the
    span of the first ``t - tp`` accepted rows (``B = I`` at the start of a draw), and ``Qr[:tp]``
    (rows of length ``k``) is an orthonormal basis of the residuals of the ``tp`` rows accepted since,
    in the same coordinates. So ``res = ||Y[s]||^2 - ||Qr[:tp] Y[s]||^2`` is the squared residual
    ``||(I - Q^T Q) V_i||^2`` of the chain rule. Proposal ``i = idx[s]`` was drawn with probability
    proportional to ``ub[s] >= l_i >= ||Y[s]||^2`` and is accepted with probability
    ``res / ub[s]``: an accepted index has probability ``res_i / (m - t)``, the chain rule's. The
    test stops early as soon as the partial sums of ``(Qr_a . Y[s])^2`` exclude acceptance (exact);
    a residual below ``1e-12 ub[s]`` (a repeated or numerically dependent candidate) is rejected.
    Stops when ``t == t_stop`` or the block is used up. Returns ``(t, tp, proposals used, ok)``;
    ``ok`` is False (abandon the draw) when some ``||Y[s]||^2 > ub[s]``: the bound failed.
    """
    k = Y.shape[1]
    used = 0
    for s in range(Y.shape[0]):
        if t >= t_stop:
            break
        y = Y[s]
        used += 1
        y2 = 0.0
        for j in range(k):
            y2 += y[j] * y[j]
        u = ub[s]
        if y2 > u:
            return t, tp, used, False
        thr = y2 - rng.random() * u  # accept iff ||Qr y||^2 < thr
        if thr <= 1e-12 * u:
            continue
        acc = 0.0
        ok = True
        for a in range(tp):
            ca = 0.0
            for j in range(k):
                ca += Qr[a, j] * y[j]
            c[a] = ca
            acc += ca * ca
            if acc >= thr:
                ok = False
                break
        if not ok or y2 - acc <= 1e-12 * u:
            continue
        _append_residual(Qr, tp, y, c)
        out[t] = idx[s]
        t += 1
        tp += 1
    return t, tp, used, True


@njit(fastmath=_FM, nogil=True)
def finite_leverage_bound(F, Wt, a, c):
    """``u_i = c ||F_i||^2 + sum_k a[k] (Wt[k] . F_i)^2`` for every row of ``F`` (one pass over ``F``).

    ``F`` is ``(N, m)`` C-contiguous, ``Wt`` is ``(s, m)``: the row norm and up to 4 projections of a
    row are accumulated in one loop over its entries (one load of ``F_i[j]`` for all of them; further
    projections two at a time while the row is in cache), in place of ``einsum`` plus a skinny
    ``F @ W`` (two passes, the second a poorly blocked GEMM). Serial (memory bound; releases the
    GIL). Negative values (rounding) are clipped to 0.
    """
    N, m = F.shape
    s = Wt.shape[0]
    u = np.empty(N, dtype=np.float64)
    for i in range(N):
        nrm = 0.0
        z0 = 0.0
        z1 = 0.0
        z2 = 0.0
        z3 = 0.0
        if s >= 4:
            for j in range(m):
                f = F[i, j]
                nrm += f * f
                z0 += Wt[0, j] * f
                z1 += Wt[1, j] * f
                z2 += Wt[2, j] * f
                z3 += Wt[3, j] * f
        elif s == 3:
            for j in range(m):
                f = F[i, j]
                nrm += f * f
                z0 += Wt[0, j] * f
                z1 += Wt[1, j] * f
                z2 += Wt[2, j] * f
        elif s == 2:
            for j in range(m):
                f = F[i, j]
                nrm += f * f
                z0 += Wt[0, j] * f
                z1 += Wt[1, j] * f
        elif s == 1:
            for j in range(m):
                f = F[i, j]
                nrm += f * f
                z0 += Wt[0, j] * f
        else:
            for j in range(m):
                f = F[i, j]
                nrm += f * f
        acc = c * nrm
        if s >= 1:
            acc += a[0] * z0 * z0
        if s >= 2:
            acc += a[1] * z1 * z1
        if s >= 3:
            acc += a[2] * z2 * z2
        if s >= 4:
            acc += a[3] * z3 * z3
        k = 4
        while k + 1 < s:
            z0 = 0.0
            z1 = 0.0
            for j in range(m):
                f = F[i, j]
                z0 += Wt[k, j] * f
                z1 += Wt[k + 1, j] * f
            acc += a[k] * z0 * z0 + a[k + 1] * z1 * z1
            k += 2
        if k < s:
            z0 = 0.0
            for j in range(m):
                z0 += Wt[k, j] * F[i, j]
            acc += a[k] * z0 * z0
        u[i] = acc if acc > 0.0 else 0.0
    return u


@njit
def jacobi_envelopes(x, r, alpha, sqb, maxdeg):
    """``max_g p_k(x_g)^2 r_g`` over the grid ``x`` for every ``k <= maxdeg`` (no ``(G, K)`` table).

    The recurrence runs over the whole grid one degree at a time (a vectorisable inner loop):
    ``O(G K)`` flops, ``O(G)`` memory.
    """
    G = x.shape[0]
    out = np.zeros(maxdeg + 1, dtype=np.float64)
    prev = np.zeros(G, dtype=np.float64)
    cur = np.ones(G, dtype=np.float64)
    v = 0.0
    for g in range(G):
        v = max(v, r[g])
    out[0] = v
    for k in range(maxdeg):
        a = alpha[k]
        sk = sqb[k] if k >= 1 else 0.0
        s1 = sqb[k + 1]
        v = 0.0
        for g in range(G):
            nxt = ((x[g] - a) * cur[g] - sk * prev[g]) / s1
            prev[g] = cur[g]
            cur[g] = nxt
            v = max(v, nxt * nxt * r[g])
        out[k + 1] = v
    return out


_LN2 = math.log(2.0)
_BIG = 2.0**332  # about 1e100: rescale by an exact power of two past it
_TINY = 2.0**-332


@njit
def hermite_envelopes(x, alpha, sqb, maxdeg, npts, inv2s2):
    """Per degree ``d`` and proposal scale ``c``: ``max_g 2 log|p_d(x_g)| - x_g^2 (1 - 1/s_c^2) / 2``.

    ``x`` is a grid of ``x >= 0``; degree ``d`` looks at its first ``npts[d]`` points, and
    ``inv2s2[d, c] = 1 / (2 s_c^2)`` describes the proposal ``N(0, s_c^2)``. The recurrence runs
    over the whole grid one degree at a time (vectorisable), rescaled by ``2^-332`` per point past
    ``2^332`` (``|p_d| = |cur| 2^(332 n)``, exact). The maxima take a logarithm only where a cheap
    upper bound of ``log|cur|`` (binary exponent and a table of the mantissa's top 8 bits) leaves the
    point a chance to beat the best value so far; the result is that of the full grid.
    Returns ``best[d, c]``.
    """
    G = x.shape[0]
    nc = inv2s2.shape[1]
    best = np.full((maxdeg + 1, nc), -np.inf)
    prev = np.zeros(G, dtype=np.float64)
    cur = np.ones(G, dtype=np.float64)
    nsc = np.zeros(G, dtype=np.float64)
    x2 = x * x
    w = np.empty(nc, dtype=np.float64)
    bits = cur.view(np.int64)
    logtab = np.log(1.0 + (np.arange(256) + 1.0) / 256.0)
    for k in range(maxdeg):
        a = alpha[k]
        sk = sqb[k] if k >= 1 else 0.0
        s1 = sqb[k + 1]
        for g in range(G):
            nxt = ((x[g] - a) * cur[g] - sk * prev[g]) / s1
            prev[g] = cur[g]
            cur[g] = nxt
        # one step grows |cur| by at most (x + 2 sqrt(k + 1)) / sqrt(k + 1) < 2^8 on this grid, so
        # checking every 4th degree keeps far below overflow (2^(332 + 32))
        if k % 4 == 3 or k == maxdeg - 1:
            for g in range(G):
                if abs(cur[g]) > _BIG or abs(prev[g]) > _BIG:
                    cur[g] *= _TINY
                    prev[g] *= _TINY
                    nsc[g] += 1.0
        d = k + 1
        for j in range(nc):
            w[j] = 0.5 - inv2s2[d, j]
        for g in range(npts[d]):
            # |cur| = 1.m 2^(be - 1023): log(1.m) <= table[top 8 bits of m] (within 0.004)
            b = bits[g]
            be = (b >> 52) & 0x7FF
            if be == 0:  # zero or subnormal: far below any maximum
                continue
            shift = 332.0 * nsc[g] * _LN2
            up = 2.0 * ((be - 1023) * _LN2 + logtab[(b >> 44) & 0xFF] + shift)
            useful = False
            for j in range(nc):
                if up - x2[g] * w[j] > best[d, j]:
                    useful = True
                    break
            if not useful:
                continue
            two_logp = 2.0 * (math.log(abs(cur[g])) + shift)
            for j in range(nc):
                v = two_logp - x2[g] * w[j]
                if v > best[d, j]:
                    best[d, j] = v
    return best
