"""Polynomial chaos surrogates, cross-fitted over independent replicates, with exact Sobol' parts.

The inputs are the uniforms ``u`` that generated them (``x_i = F_i^{-1}(u_i)``). Each input gets an
orthonormal polynomial family in its own "germ": Legendre polynomials in ``2 u - 1`` for a law with
bounded support (for a uniform law these are polynomials in ``x``), probabilists' Hermite
polynomials in ``z = Phi^{-1}(u)`` otherwise (polynomials in ``x`` for a normal law). Products of
these over multi-indices are orthonormal under the input law, so a surrogate
``g = sum_alpha c_alpha psi_alpha`` has mean ``c_0``, variance ``sum_{alpha != 0} c_alpha^2`` and
first-order / total partial variances given by sums of ``c_alpha^2`` over the multi-indices that
involve only input ``i`` / involve input ``i`` (Sudret 2008).

:func:`crossfit_chaos` fits one surrogate per replicate ``r`` on the other replicates only (least
squares from per-replicate Gram matrices) and chooses each one's basis among nested candidates
(the constant, total-degree and hyperbolic sets) by cross-validation over the *other* replicates
only, so the surrogate used on replicate ``r`` is a function of data independent of replicate ``r``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy.special import ndtri

__all__ = ["germs", "crossfit_chaos", "multi_indices"]

_CHUNK = 8192


def germs(laws):
    """Per input: ``"legendre"`` (bounded support) or ``"hermite"``."""
    out = []
    for law in laws:
        lo, hi = law.support()
        out.append("legendre" if np.isfinite(lo) and np.isfinite(hi) else "hermite")
    return out


def _tables(U, kinds, p):
    """Univariate orthonormal polynomial values, shape ``(d, n, p + 1)``."""
    n, d = U.shape
    T = np.empty((d, n, p + 1))
    for i, kind in enumerate(kinds):
        u = U[:, i]
        t = T[i]
        t[:, 0] = 1.0
        if kind == "hermite":
            z = ndtri(np.clip(u, 1e-300, 1.0 - 2.0**-53))
            if p >= 1:
                t[:, 1] = z
            for k in range(1, p):
                t[:, k + 1] = (z * t[:, k] - math.sqrt(k) * t[:, k - 1]) / math.sqrt(k + 1)
        else:
            s = 2.0 * u - 1.0
            # monic-free recurrence on the orthonormal polynomials sqrt(2k + 1) P_k
            if p >= 1:
                t[:, 1] = math.sqrt(3.0) * s
            for k in range(1, p):
                a = math.sqrt((2 * k + 1) * (2 * k + 3)) / (k + 1)
                b = k / (k + 1) * math.sqrt((2 * k + 3) / (2 * k - 1))
                t[:, k + 1] = a * s * t[:, k] - b * t[:, k - 1]
    return T


@functools.lru_cache(maxsize=64)
def _total_degree(d, p):
    """All multi-indices of ``d`` inputs with total degree <= p, sorted by total degree."""
    if d == 1:
        return np.arange(p + 1, dtype=np.int64)[:, None]
    parts = []
    for first in range(p + 1):
        rest = _total_degree(d - 1, p - first)
        parts.append(np.column_stack([np.full(rest.shape[0], first, dtype=np.int64), rest]))
    out = np.vstack(parts)
    order = np.lexsort(tuple(out[:, ::-1].T) + (out.sum(axis=1),))
    return out[order]


def multi_indices(d, p, q=1.0):
    """Multi-indices with total degree <= p and q-quasi-norm <= p, sorted by total degree."""
    a = _total_degree(d, p)
    if q < 1.0:
        keep = np.sum(a.astype(float) ** q, axis=1) ** (1.0 / q) <= p + 1e-9
        a = a[keep]
    return a


def _count(d, p):
    return math.comb(d + p, p)


@functools.lru_cache(maxsize=32)
def candidate_sets(d, max_terms, max_degree=30):
    """Nested candidate bases: ``(union, [(label, family, size), ...], max degree, orders)``.

    A candidate is the first ``size`` columns of ``orders[family]`` (column indices of the
    union of all candidate multi-index sets).

    Candidates: the constant; total degree 1, 2, ... ; and hyperbolic (q = 0.5) sets of higher
    degree, each with at most ``max_terms`` terms and of degree at most ``max_degree``.
    """
    cands = [("constant", 0, 1.0)]
    p = 1
    while _count(d, p) <= max_terms and p <= max_degree:
        cands.append(("total", p, 1.0))
        p += 1
    top_total = p - 1
    if d > 1:
        for ph in range(max(top_total + 1, 2), min(top_total + 11, max_degree + 1)):
            size = len(multi_indices(d, ph, 0.5)) if _count(d, ph) < 20000 else max_terms + 1
            if size > max_terms:
                break
            cands.append(("hyperbolic", ph, 0.5))
    pmax = max(c[1] for c in cands)
    # union of all candidate index sets
    sets = {}
    for label, p, q in cands:
        if label == "constant":
            continue
        sets[(label, p)] = multi_indices(d, p, q)
    allrows = [np.zeros((1, d), dtype=np.int64)] + list(sets.values())
    union = np.unique(np.vstack(allrows), axis=0)
    order = np.lexsort(tuple(union[:, ::-1].T) + (union.sum(axis=1),))
    union = union[order]
    lookup = {tuple(r): k for k, r in enumerate(union)}
    # two nested families, each a prefix of its own ordering of the union: total degree (the
    # union's own order) and hyperbolic (sorted by the q = 0.5 quasi-norm)
    orders = {"total": np.arange(max(_count(d, c[1]) for c in cands if c[0] != "hyperbolic"))}
    hyp = [c for c in cands if c[0] == "hyperbolic"]
    if hyp:
        top = sets[("hyperbolic", hyp[-1][1])]
        qn = np.sum(np.sqrt(top.astype(float)), axis=1)
        top = top[np.lexsort((top.sum(axis=1), qn))]
        orders["hyperbolic"] = np.array([lookup[tuple(r)] for r in top])
    out = [("constant", "total", 1)]
    for label, p, _ in cands[1:]:
        out.append((f"{label}{p}", label, len(sets[(label, p)])))
    return union, out, pmax, orders


def _design_t(U, kinds, union, pmax, buf=None):
    """Transposed design matrix ``(P, n)``: row ``k`` is ``psi_{alpha_k}`` at the points.

    ``buf``: an array of at least ``P * n`` floats to build it in (reused across chunks: fresh
    large arrays cost page faults)."""
    T = np.ascontiguousarray(_tables(U, kinds, pmax).transpose(0, 2, 1))  # (d, p + 1, n)
    shape = (union.shape[0], U.shape[0])
    if buf is not None and buf.size >= shape[0] * shape[1]:
        PhiT = buf.reshape(-1)[: shape[0] * shape[1]].reshape(shape)
        PhiT.fill(1.0)
    else:
        PhiT = np.ones(shape)
    for i in range(union.shape[1]):
        col = union[:, i]
        rows = np.flatnonzero(col)  # only the factors that are not the constant 1
        if rows.size == col.size:
            PhiT *= T[i][col]
        elif rows.size:
            PhiT[rows] *= T[i][col[rows]]
    return PhiT


def _chol(A, ridge):
    scale = np.maximum(np.diag(A), 1e-300)
    A = A + np.diag(ridge * scale + 1e-300)
    try:
        return np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        w = np.linalg.eigvalsh(A)
        return np.linalg.cholesky(A + np.eye(A.shape[0]) * (abs(w.min()) + 1e-12 * abs(w.max())))


def _chol_solve(L, b):
    from scipy.linalg import solve_triangular

    z = solve_triangular(L, b, lower=True, check_finite=False)
    return solve_triangular(L.T, z, lower=False, check_finite=False)


def crossfit_chaos(
    train_U,
    train_y,
    pred_U,
    kinds,
    *,
    max_terms=300,
    min_rows_per_term=4.0,
    ridge=1e-10,
    exclude_constant=False,
    jackknife=True,
    predict=True,
    max_degree=30,
):
    """Cross-fitted chaos surrogates, one per replicate.

    Parameters
    ----------
    train_U, train_y : lists of arrays ``(m_r, d)`` and ``(m_r,)``
        Uniform germs and outputs of the training rows of each replicate.
    pred_U : list of arrays ``(n_r, d)``
        Points of each replicate where its surrogate is evaluated.
    kinds : list of str
        Germ per input (:func:`germs`).

    Returns
    -------
    list (one dict per replicate) with ``pred`` (surrogate values at ``pred_U[r]``; ``None`` with
    ``predict=False``, and then no ``pred_without`` either), ``coef``,
    ``pred_without`` / ``coef_without`` (``R - 1`` rows: refitted also without replicate ``j``,
    for ``j != r`` in order; with ``jackknife=True``),
    ``index`` (multi-indices used), ``label`` and ``rel_error`` (the chosen basis'
    cross-validation mean squared error over the other replicates / output variance).
    """
    from threadpoolctl import threadpool_limits

    R = len(train_U)
    d = train_U[0].shape[1]
    n_rows = np.array([u.shape[0] for u in train_U])
    n_inner = int(n_rows.sum() - 2 * n_rows.max())
    limit = int(min(max_terms, max(1, n_inner / min_rows_per_term)))
    union, cands, pmax, orders = candidate_sets(d, limit, max_degree)
    P = union.shape[0]
    cols = [orders[fam][:k] for _, fam, k in cands]
    with threadpool_limits(1):
        G = np.zeros((R, P, P))
        bvec = np.zeros((R, P))
        yy = np.zeros(R)
        buf = np.empty(P * min(_CHUNK, int(n_rows.max())))
        for r in range(R):
            U, y = train_U[r], train_y[r]
            for s in range(0, U.shape[0], _CHUNK):
                PhiT = _design_t(U[s : s + _CHUNK], kinds, union, pmax, buf)
                G[r] += PhiT @ PhiT.T
                bvec[r] += PhiT @ y[s : s + _CHUNK]
            yy[r] = y @ y
        Gt, bt = G.sum(axis=0), bvec.sum(axis=0)
        total_var = max(float(np.var(np.concatenate(train_y))), 1e-300)

        Gfam = {f: [G[s][np.ix_(o, o)] for s in range(R)] for f, o in orders.items()}
        bfam = {f: [bvec[s][o] for s in range(R)] for f, o in orders.items()}

        def fit(r, s):
            """Coefficients of every candidate fitted without replicates r and s."""
            betas = []
            for fam, o in orders.items():
                n_o = o.size
                Gi = sum(Gfam[fam][t] for t in range(R) if t not in (r, s))
                bi = sum(bfam[fam][t] for t in range(R) if t not in (r, s))
                L = _chol(Gi, ridge)
                for c, (_, f, k) in enumerate(cands):
                    if f == fam and k <= n_o:
                        betas.append((c, _chol_solve(L[:k, :k], bi[:k])))
            return dict(betas)

        def sse(betas, s):
            out = np.empty(len(cands))
            for c, (_, fam, k) in enumerate(cands):
                beta = betas[c]
                Gs, bs = Gfam[fam][s][:k, :k], bfam[fam][s][:k]
                out[c] = yy[s] - 2 * beta @ bs + beta @ Gs @ beta
            return out

        errs = np.zeros((R, len(cands)))
        for r in range(R):
            for s in range(r + 1, R):
                betas = fit(r, s)
                errs[r] += sse(betas, s)  # model without r and s, tested on s: for r's choice
                errs[s] += sse(betas, r)
        out = []
        for r in range(R):
            e = np.maximum(errs[r], 0.0) / (n_rows.sum() - n_rows[r])
            if exclude_constant and len(cands) > 1:
                e[0] = np.inf
            best = int(np.argmin(e))
            label = cands[best][0]
            idx = cols[best]
            ii = np.ix_(idx, idx)
            # row 0: fitted on every other replicate; row 1 + j: also without replicate j
            # (the refits of the replicate jackknife, see rqmc_sobol)
            betas = [_chol_solve(_chol((Gt - G[r])[ii], ridge), (bt - bvec[r])[idx])]
            if jackknife:
                for j in range(R):
                    if j != r:
                        Gj = (Gt - G[r] - G[j])[ii]
                        betas.append(_chol_solve(_chol(Gj, ridge), (bt - bvec[r] - bvec[j])[idx]))
            B = np.array(betas)
            sub = union[idx]
            psub = int(sub.max()) if sub.size else 0
            pred = None
            if predict:
                U = pred_U[r]
                pred = np.empty((B.shape[0], U.shape[0]))
                for s0 in range(0, U.shape[0], _CHUNK):
                    pred[:, s0 : s0 + _CHUNK] = B @ _design_t(U[s0 : s0 + _CHUNK], kinds, sub, psub)
            out.append(
                {
                    "pred": None if pred is None else pred[0],
                    "coef": B[0],
                    "pred_without": None if pred is None else pred[1:],
                    "coef_without": B[1:],
                    "index": sub,
                    "label": label,
                    "rel_error": float(e[best] / total_var),
                }
            )
    return out


def chaos_sobol_parts(coef, index):
    """Mean, variance, first-order and total partial variances of an orthonormal chaos."""
    index = np.asarray(index)
    d = index.shape[1]
    nz = index.sum(axis=1) > 0
    c2 = coef**2
    mean = float(coef[~nz].sum()) if (~nz).any() else 0.0
    var = float(c2[nz].sum())
    active = index > 0
    n_active = active.sum(axis=1)
    first = np.array([c2[(n_active == 1) & active[:, i]].sum() for i in range(d)])
    total = np.array([c2[active[:, i]].sum() for i in range(d)])
    return mean, var, first, total
