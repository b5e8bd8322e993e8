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
from scipy.linalg import lapack as _lapack
from scipy.special import ndtri

from .._backend import one_blas_thread
from .._kernels._chaos import design_kernel as _design_kernel
from .._kernels._chaos import pair_lower as _pair_lower
from .._kernels._jit import jit_disabled

__all__ = ["germs", "crossfit_chaos", "multi_indices"]

_CHUNK = 8192
#: ``cv_pairs="family"``: a candidate family whose best neighbour-pair error is within this
#: factor of the best family's is scored on all pairs too
FAMILY_MARGIN = 4.0
#: the union designs of the training rows are kept (for ``keep_design`` and for predicting at
#: the training rows themselves) while they take at most this many bytes together
KEEP_DESIGN_BYTES = 256 * 2**20


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


def _tables_t(U, kinds, p):
    """:func:`_tables` laid out ``(d, p + 1, n)`` (the same values, built in that layout)."""
    n, d = U.shape
    T = np.empty((d, p + 1, n))
    for i, kind in enumerate(kinds):
        u = U[:, i]
        t = T[i]
        t[0] = 1.0
        if kind == "hermite":
            z = ndtri(np.clip(u, 1e-300, 1.0 - 2.0**-53))
            if p >= 1:
                t[1] = z
            for k in range(1, p):
                t[k + 1] = (z * t[k] - math.sqrt(k) * t[k - 1]) / math.sqrt(k + 1)
        else:
            s = 2.0 * u - 1.0
            if p >= 1:
                t[1] = math.sqrt(3.0) * s
            for k in range(1, p):
                a = math.sqrt((2 * k + 1) * (2 * k + 3)) / (k + 1)
                b = k / (k + 1) * math.sqrt((2 * k + 3) / (2 * k - 1))
                t[k + 1] = a * s * t[k] - b * t[k - 1]
    return T


def _design_numpy(T, union, PhiT):
    PhiT.fill(1.0)
    for i in range(union.shape[1]):
        col = union[:, i]
        rows = np.flatnonzero(col)  # only the factors that are not the constant 1
        if rows.size == col.size:
            PhiT *= T[i][col]
        elif rows.size:
            PhiT[rows] *= T[i][col[rows]]


def _design_t(U, kinds, union, pmax, buf=None):
    """Transposed design matrix ``(P, n)``: row ``k`` is ``psi_{alpha_k}`` at the points.

    ``buf``: an array of at least ``P * n`` floats to build it in (reused across chunks: fresh
    large arrays cost page faults)."""
    T = _tables_t(U, kinds, pmax)  # (d, p + 1, n)
    shape = (union.shape[0], U.shape[0])
    if buf is not None and buf.size >= shape[0] * shape[1]:
        PhiT = buf.reshape(-1)[: shape[0] * shape[1]].reshape(shape)
    else:
        PhiT = np.empty(shape)
    if jit_disabled() or shape[0] * shape[1] == 0:
        _design_numpy(T, union, PhiT)
        return PhiT
    # the non-constant factors of each row, in input order
    nz = union > 0
    nnz = nz.sum(axis=1)
    width = max(int(nnz.max()), 1)
    order = np.argsort(~nz, axis=1, kind="stable")[:, :width]
    deg = np.take_along_axis(union, order, axis=1)
    _design_kernel(T, order.astype(np.int64), deg.astype(np.int64), nnz.astype(np.int64), PhiT)
    return PhiT


def _pair_matrix(Gt, Gr, Gs, out):
    """``out = Gt - Gr - Gs`` for :func:`_chol_inplace`, which reads only the lower triangle:
    with numba only that triangle is written (one pass); the upper one is left as it was."""
    if jit_disabled():
        np.subtract(Gt, Gr, out=out)
        out -= Gs
    else:
        _pair_lower(Gt, Gr, Gs, out)
    return out


def _chol(A, ridge):
    scale = np.maximum(np.diag(A), 1e-300)
    A = A + np.diag(ridge * scale + 1e-300)
    try:
        return np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        w = np.linalg.eigvalsh(A)
        return np.linalg.cholesky(A + np.eye(A.shape[0]) * (abs(w.min()) + 1e-12 * abs(w.max())))


def _chol_inplace(A, ridge):
    """:func:`_chol` without copies: ``A`` (C-contiguous, symmetric; only its lower triangle
    is read) is overwritten by the lower Cholesky factor of ``A + diag(ridge * diag(A) +
    1e-300)``. Returns ``False`` (and ``A`` holds
    garbage) where that matrix is not positive definite: :func:`_chol`'s shifted fallback is
    then up to the caller."""
    n = A.shape[0]
    dg = A.reshape(-1)[:: n + 1]
    dg += ridge * np.maximum(dg, 1e-300) + 1e-300
    # A.T is the Fortran-ordered view of the same (symmetric) matrix: its upper factor U in
    # place is the lower factor L = U.T of A in C order
    _, info = _lapack.dpotrf(A.T, lower=0, overwrite_a=1, clean=1)
    return info == 0


def _solve_lower(L, b):
    """``L^{-1} b`` for a C-contiguous lower-triangular ``L``."""
    x, info = _lapack.dtrtrs(L.T, b, lower=0, trans=1)
    return x


def _solve_upper(L, Z):
    """``L^{-T} Z`` for a C-contiguous lower-triangular ``L`` (``Z`` may be overwritten)."""
    x, info = _lapack.dtrtrs(L.T, Z, lower=0, trans=0, overwrite_b=1)
    return x


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
    keep_design=False,
    cv_pairs="all",
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
    keep_design : bool
        Also return, under ``design``, the chosen basis' design ``(P_r, m_r)`` at the
        training rows (``None`` where the union designs would take more than
        :data:`KEEP_DESIGN_BYTES`).
    cv_pairs : {"all", "neighbours", "family"}
        Replicate pairs ``(r, s)`` whose fits (without both) score the candidates: ``"all"``
        (each replicate's choice is scored on its ``R - 1`` partners), ``"neighbours"``
        (``(r, r + 1 mod R)``: two partners each, about ``R / 2`` times fewer pair factors)
        or ``"family"`` (the neighbour pairs choose each replicate's families of candidates:
        the best and any within :data:`FAMILY_MARGIN` of it; then all pairs choose among
        those, factorising only their members' families). The choice for ``r`` ignores
        replicate ``r``'s data in every case.

    Returns
    -------
    list (one dict per replicate) with ``pred`` (surrogate values at ``pred_U[r]``; ``None`` with
    ``predict=False``, and then no ``pred_without`` either), ``coef``,
    ``pred_without`` / ``coef_without`` (``R - 1`` rows: refitted also without replicate ``j``,
    for ``j != r`` in order; with ``jackknife=True``),
    ``index`` (multi-indices used), ``label`` and ``rel_error`` (the chosen basis'
    cross-validation mean squared error over the other replicates / output variance).

    Cost: the per-replicate Gram matrices of the union of the candidate bases; one Cholesky
    factor per replicate pair and candidate family, shared by the family's nested candidates
    (one forward and one multi-right-hand-side back solve) and, restricted to the chosen basis,
    by the jackknife refit of replicate ``r`` without ``j`` (the ridge scales the diagonal, so
    the factor of a leading block is the leading block of the factor); one factor per final fit.
    """
    R = len(train_U)
    d = train_U[0].shape[1]
    n_rows = np.array([u.shape[0] for u in train_U])
    n_inner = int(n_rows.sum() - 2 * n_rows.max())
    limit = int(min(max_terms, max(1, n_inner / min_rows_per_term)))
    union, cands, pmax, orders = candidate_sets(d, limit, max_degree)
    P = union.shape[0]
    cols = [orders[fam][:k] for _, fam, k in cands]
    # the union design of each replicate's training rows is kept (rather than built in one
    # reused buffer) where a caller wants the chosen basis' design or predicts at the
    # training rows themselves
    same_rows = [
        predict and (pred_U[r] is train_U[r] or np.array_equal(pred_U[r], train_U[r]))
        for r in range(R)
    ]
    keep = (keep_design or any(same_rows)) and P * int(n_rows.sum()) * 8 <= KEEP_DESIGN_BYTES
    designs = [None] * R
    with one_blas_thread():
        G = np.zeros((R, P, P))
        bvec = np.zeros((R, P))
        yy = np.zeros(R)
        buf = None if keep else np.empty(P * min(_CHUNK, int(n_rows.max())))
        for r in range(R):
            U, y = train_U[r], train_y[r]
            if keep:
                designs[r] = _design_t(U, kinds, union, pmax) if U.shape[0] else np.ones((P, 0))
            for s in range(0, U.shape[0], _CHUNK):
                if keep:
                    PhiT = designs[r][:, s : s + _CHUNK]
                else:
                    PhiT = _design_t(U[s : s + _CHUNK], kinds, union, pmax, buf)
                if s == 0:
                    np.matmul(PhiT, PhiT.T, out=G[r])
                    np.matmul(PhiT, y[s : s + _CHUNK], out=bvec[r])
                else:
                    G[r] += PhiT @ PhiT.T
                    bvec[r] += PhiT @ y[s : s + _CHUNK]
            yy[r] = y @ y
        Gt, bt = G.sum(axis=0), bvec.sum(axis=0)
        total_var = max(float(np.var(np.concatenate(train_y))), 1e-300)

        # per family (a nested ordering of the union): the Gram matrices in that order, views
        # where the order is a prefix of the union's
        fams = list(orders)
        Gfam, bfam, Gtfam, btfam, fam_cands = {}, {}, {}, {}, {}
        for f, o in orders.items():
            if np.array_equal(o, np.arange(o.size)):
                Gfam[f] = G[:, : o.size, : o.size]
                Gtfam[f] = Gt[: o.size, : o.size]
            else:
                Gfam[f] = G[:, o[:, None], o]
                Gtfam[f] = Gt[np.ix_(o, o)]
            bfam[f], btfam[f] = bvec[:, o], bt[o]
            fam_cands[f] = [c for c, (_, g, _) in enumerate(cands) if g == f]
        hfam = {f: btfam[f] - bfam[f] for f in fams}
        work = {f: np.empty((o.size, o.size)) for f, o in orders.items()}
        sizes = np.array([k for _, _, k in cands])

        def pair_fit(r, s, f):
            """Every candidate of family f fitted without replicates r and s: columns of
            ``B`` (zero beyond each candidate's size), and whether the factor is exact (not
            shifted by :func:`_chol`'s fallback)."""
            A = _pair_matrix(Gtfam[f], Gfam[f][r], Gfam[f][s], work[f])
            bi = hfam[f][r] - bfam[f][s]
            exact = _chol_inplace(A, ridge)
            if exact:
                L = A
            else:
                L = np.ascontiguousarray(_chol(Gtfam[f] - Gfam[f][r] - Gfam[f][s], ridge))
            # nested candidates share the factor: a prefix's forward solve is the prefix of
            # the full one, and the back solve of z masked beyond size k is zero beyond k and
            # the prefix's solution above it (one multi-RHS back solve for all candidates)
            z = _solve_lower(L, bi)
            cs = fam_cands[f]
            Z = np.zeros((z.size, len(cs)), order="F")
            for j, c in enumerate(cs):
                Z[: sizes[c], j] = z[: sizes[c]]
            return _solve_upper(L, Z), exact

        def sse(B, f, s):
            """Squared errors on replicate s of the columns of ``B`` (coefficients in family
            f's order, zero beyond each candidate's size)."""
            Gs, bs = Gfam[f][s], bfam[f][s]
            out = np.empty(B.shape[1])
            for j, c in enumerate(fam_cands[f]):
                k = sizes[c]
                beta = B[:k, j]
                out[j] = yy[s] - 2 * beta @ bs[:k] + beta @ (Gs[:k, :k] @ beta)
            return out

        everyone = [(r, s) for r in range(R) for s in range(r + 1, R)]
        neighbours = sorted({(min(r, (r + 1) % R), max(r, (r + 1) % R)) for r in range(R) if R > 1})
        if cv_pairs not in ("all", "neighbours", "family"):
            raise ValueError(f"cv_pairs must be 'all', 'neighbours' or 'family', got {cv_pairs!r}")
        errs = np.zeros((R, len(cands)))
        tested = np.zeros(R, dtype=np.int64)  # rows each replicate's choice was scored on
        pair_B = {}

        def score(pairs, fams_of):
            for r, s in pairs:
                for f in fams_of(r, s):
                    B, exact = pair_fit(r, s, f)
                    cs = fam_cands[f]
                    errs[r, cs] += sse(B, f, s)  # without r and s, tested on s: r's choice
                    errs[s, cs] += sse(B, f, r)
                    if jackknife:
                        pair_B[(r, s, f)] = (B, exact)
                tested[r] += n_rows[s]
                tested[s] += n_rows[r]

        score(everyone if cv_pairs == "all" else neighbours, lambda r, s: fams)
        if cv_pairs == "family":
            # the neighbour pairs choose each replicate's family; every pair then scores the
            # candidates of its members' families only (the choice within the family is the
            # one all pairs would make)
            e1 = np.maximum(errs, 0.0) / np.maximum(tested, 1)[:, None]
            if exclude_constant and len(cands) > 1:
                e1[:, 0] = np.inf
            # a family stays when its best candidate is within FAMILY_MARGIN of the best
            fam_of = []
            for e in e1:
                top = {f: min(e[c] for c in fam_cands[f]) for f in fams}
                fam_of.append([f for f in fams if top[f] <= FAMILY_MARGIN * min(top.values())])
            score(
                [p for p in everyone if p not in set(neighbours)],
                lambda r, s: [f for f in fams if f in fam_of[r] or f in fam_of[s]],
            )
            for r in range(R):
                errs[r, [c for c, cand in enumerate(cands) if cand[1] not in fam_of[r]]] = np.inf
        errs = np.maximum(errs, 0.0) / tested[:, None]
        if exclude_constant and len(cands) > 1:
            errs[:, 0] = np.inf
        best = [int(np.argmin(e)) for e in errs]

        def refit_direct(r, j):
            """Replicate r's chosen basis fitted without r and j, factorised afresh."""
            _, fam, k = cands[best[r]]
            a, b = min(r, j), max(r, j)
            Gj = Gtfam[fam][:k, :k] - Gfam[fam][a][:k, :k] - Gfam[fam][b][:k, :k]
            bj = (btfam[fam] - bfam[fam][a] - bfam[fam][b])[:k]
            return _chol_solve(_chol(Gj, ridge), bj)

        # the jackknife refits: replicate r's chosen basis fitted without r and j. The pair's
        # factor restricted to the chosen basis is the factor of the refit's matrix (the ridge
        # scales the diagonal), so a scored pair's candidate solution is the refit; otherwise
        # one factor per family chosen by either member, of the larger size
        refit = {}
        if jackknife:
            for a, b in everyone:
                missing = {}
                for r, j in ((a, b), (b, a)):
                    _, fam, k = cands[best[r]]
                    if (a, b, fam) in pair_B:
                        B, exact = pair_B[(a, b, fam)]
                        jc = fam_cands[fam].index(best[r])
                        refit[(r, j)] = B[:k, jc] if exact else refit_direct(r, j)
                    else:
                        missing.setdefault(fam, []).append(r)
                for fam, members in missing.items():
                    K = max(cands[best[r]][2] for r in members)
                    A = Gtfam[fam][:K, :K] - Gfam[fam][a][:K, :K]
                    A -= Gfam[fam][b][:K, :K]
                    if not _chol_inplace(A, ridge):
                        for r in members:
                            refit[(r, a + b - r)] = refit_direct(r, a + b - r)
                        continue
                    z = _solve_lower(A, (btfam[fam] - bfam[fam][a] - bfam[fam][b])[:K])
                    Z = np.zeros((K, len(members)), order="F")
                    for c, r in enumerate(members):
                        Z[: cands[best[r]][2], c] = z[: cands[best[r]][2]]
                    Bx = _solve_upper(A, Z)
                    for c, r in enumerate(members):
                        refit[(r, a + b - r)] = Bx[: cands[best[r]][2], c]
        out = []
        for r in range(R):
            e = errs[r]
            label, fam, k = cands[best[r]]
            idx = cols[best[r]]
            # row 0: fitted on every other replicate; row 1 + j: also without replicate j
            # (the refits of the replicate jackknife, see rqmc_sobol)
            A = Gtfam[fam][:k, :k] - Gfam[fam][r][:k, :k]
            bi = hfam[fam][r][:k]
            if _chol_inplace(A, ridge):
                betas = [_solve_upper(A, _solve_lower(A, bi))]
            else:
                betas = [_chol_solve(_chol(Gtfam[fam][:k, :k] - Gfam[fam][r][:k, :k], ridge), bi)]
            if jackknife:
                betas += [refit[(r, j)] for j in range(R) if j != r]
            B = np.array(betas)
            sub = union[idx]
            psub = int(sub.max()) if sub.size else 0
            design = None
            if designs[r] is not None:
                # rows idx of the union design are the chosen basis' design (a view for a
                # prefix of the union's order)
                prefix = np.array_equal(idx, np.arange(k))
                design = designs[r][:k] if prefix else designs[r][idx]
            pred = None
            if predict:
                U = pred_U[r]
                pred = np.empty((B.shape[0], U.shape[0]))
                if design is not None and same_rows[r]:
                    for s0 in range(0, U.shape[0], _CHUNK):
                        pred[:, s0 : s0 + _CHUNK] = B @ design[:, s0 : s0 + _CHUNK]
                else:
                    for s0 in range(0, U.shape[0], _CHUNK):
                        pred[:, s0 : s0 + _CHUNK] = B @ _design_t(
                            U[s0 : s0 + _CHUNK], kinds, sub, psub
                        )
            fit = {
                "pred": None if pred is None else pred[0],
                "coef": B[0],
                "pred_without": None if pred is None else pred[1:],
                "coef_without": B[1:],
                "index": sub,
                "label": label,
                "rel_error": float(e[best[r]] / total_var),
            }
            if keep_design:
                fit["design"] = design
            out.append(fit)
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
