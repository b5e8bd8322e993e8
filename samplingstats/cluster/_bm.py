"""Nonnegative Burer--Monteiro solver with an augmented Lagrangian for clustering SDPs.

One solver serves the Peng--Wei SDP (one block, :math:`\\|U\\|_F^2 = K`) and the likelihood
adjusted SDP (one block per cluster, :math:`\\|U_k\\|_F^2 = 1`, shared row-sum constraint).

Each block's affinity is never formed; it is held implicitly as

.. math:: B = \\tfrac12 YY^\\top - \\tfrac14(a1^\\top + 1a^\\top) - c\\,J,

so :math:`BU = \\tfrac12 Y(Y^\\top U) - \\tfrac14(a s^\\top + 1 a^\\top U) - c\\,1 s^\\top` with
:math:`s = U^\\top 1` costs :math:`O(n d r)`. The Peng--Wei affinity :math:`\\tilde X\\tilde X^\\top`
is :math:`Y = \\sqrt2\\,\\tilde X`, :math:`a = 0`, :math:`c = 0`.

The problem solved is

.. math:: \\min_{U_k \\ge 0,\\ \\|U_k\\|_F^2 = t_k} -\\sum_k \\langle B_k, U_kU_k^\\top\\rangle
          \\quad\\text{s.t.}\\quad \\sum_k U_kU_k^\\top 1 = 1

by an augmented Lagrangian: projected gradient steps on
:math:`L_\\beta = -\\sum_k\\langle B_k, U_kU_k^\\top\\rangle + y^\\top r + \\tfrac\\beta2\\|r\\|^2`,
:math:`r = \\sum_k U_kU_k^\\top 1 - 1`, with Barzilai--Borwein step sizes safeguarded by a
non-monotone Armijo test; the dual step :math:`y \\leftarrow y + \\beta r` is taken once the
primal change is small.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["Block", "BMState", "bm_solve"]


@dataclasses.dataclass
class Block:
    """Implicit affinity block ``B = Y Y^T / 2 - (a 1^T + 1 a^T) / 4 - c J``."""

    Y: np.ndarray
    a: np.ndarray | None
    c: float
    rank: int
    trace: float


@dataclasses.dataclass
class BMState:
    U: np.ndarray  # (n, sum of ranks)
    y: np.ndarray  # (n,) multiplier of the row-sum constraint
    objective: float  # sum_k <B_k, U_k U_k^T> (scaled units, see bm_solve)
    residual: float  # ||sum_k U_k U_k^T 1 - 1||_2 / sqrt(n)
    stationarity: float  # relative projected-gradient step at the last iterate
    n_iter: int
    n_dual: int
    converged: bool
    stalled: bool = False  # converged by the objective-stall rule (see bm_solve)


# The solver runs on numpy arrays or on torch tensors (CPU or CUDA): the few operations that
# differ between the two are dispatched here; everything else is shared operator syntax.
def _is_np(A):
    return isinstance(A, np.ndarray)


def _sq(A):
    """Squared Frobenius norm (vdot avoids the reduction overhead of np.sum on small arrays)."""
    if _is_np(A):
        a = A.ravel()
        return float(np.dot(a, a))
    return float((A * A).sum())


def _dot(A, B):
    if _is_np(A):
        return float(np.dot(A.ravel(), B.ravel()))
    return float((A * B).sum())


def _relu(V):
    return np.maximum(V, 0.0) if _is_np(V) else V.clamp_min(0.0)


def _empty_like(U):
    return np.empty_like(U) if _is_np(U) else U.new_empty(U.shape)


_ONES: dict[int, np.ndarray] = {}


def _ones(U, n):
    if not _is_np(U):
        return U.new_ones((n,))
    v = _ONES.get(n)
    if v is None:
        _ONES.clear()
        v = _ONES[n] = np.ones(n)
    return v


def _full(U, n, value):
    return np.full(n, value) if _is_np(U) else U.new_full((n,), value)


def _as_float64(U):
    if _is_np(U):
        return np.array(U, dtype=np.float64, order="C")
    return U.detach().to(dtype=U.new_zeros(()).double().dtype).clone().contiguous()


def _offsets(blocks):
    off = [0]
    for b in blocks:
        off.append(off[-1] + b.rank)
    return off


def _project(V, blocks, off):
    out = _relu(V)
    for k, b in enumerate(blocks):
        sl = out[:, off[k] : off[k + 1]]
        nrm = np.sqrt(_sq(sl))
        if not nrm > 0:  # the whole block was clipped away: the step was far too long
            return None
        sl *= np.sqrt(b.trace) / nrm
    return out


def _evaluate(U, blocks, off, y, beta):
    """Return (lagrangian, gradient, objective, residual vector)."""
    n = U.shape[0]
    # column sums of every block (a matrix-vector product: np.sum over axis 0 of a narrow array
    # is an order of magnitude slower)
    S = _ones(U, n) @ U
    res = _full(U, n, -1.0)
    obj = 0.0
    BU = _empty_like(U)
    for k, b in enumerate(blocks):
        Uk = U[:, off[k] : off[k + 1]]
        s = S[off[k] : off[k + 1]]
        res += Uk @ s
        W = b.Y.T @ Uk
        G = 0.5 * (b.Y @ W)
        obj += 0.5 * _sq(W)
        if b.c != 0.0:
            G -= b.c * s[None, :]
            obj -= b.c * float(s @ s)
        if b.a is not None:
            aU = b.a @ Uk
            G -= 0.25 * (b.a[:, None] * s[None, :] + aU[None, :])
            obj -= 0.5 * float(aU @ s)
        BU[:, off[k] : off[k + 1]] = G
    gscale = 2.0 * np.sqrt(_sq(BU))
    yh = y + beta * res
    # grad = -2 BU + yh S^T + 1 (yh^T U), in place (one temporary instead of three)
    grad = BU
    grad *= -2.0
    grad += (yh @ U)[None, :]
    for j in range(S.shape[0]):
        grad[:, j] += float(S[j]) * yh
    lag = -obj + float(y @ res) + 0.5 * beta * float(res @ res)
    return lag, grad, obj, res, gscale


class _FastPW:
    """Evaluation of the Peng--Wei block (one numpy block, ``a = None``, ``c = 0``) in two GEMMs.

    With ``Yaug = [Y, yh, 1]`` (a preallocated Fortran-ordered buffer whose ``yh`` column is
    refreshed per call), ``Yaug^T U`` gives ``[Y^T U; yh^T U; 1^T U]`` at once and the gradient
    ``-Y(Y^T U) + yh S^T + 1 (yh^T U)`` is ``Yaug @ [-Y^T U; S^T; (U^T yh)^T]``: one pass over the
    data for each product instead of five (the generic path's outer products and column loops
    cost more than its two matrix products on skinny factors).
    """

    def __init__(self, block, n):
        d = block.Y.shape[1]
        self.d = d
        self.Yaug = np.empty((n, d + 2), order="F")
        self.Yaug[:, :d] = block.Y
        self.Yaug[:, d + 1] = 1.0
        self.gram = block.Y.T @ block.Y

    def __call__(self, U, y, beta):
        n = U.shape[0]
        d = self.d
        S = _ones(U, n) @ U
        res = U @ S
        res -= 1.0
        yh = self.Yaug[:, d]
        np.multiply(res, beta, out=yh)
        yh += y
        P = self.Yaug.T @ U  # (d + 2, r): [Y^T U; yh^T U; S]
        obj = 0.5 * _sq(P[:d])
        W = P[:d]
        # ||2 B U||_F = ||Y W||_F, from the d x d Gram matrix (no pass over the data)
        gscale = float(np.sqrt(max(_dot(W, self.gram @ W), 0.0)))
        C = np.empty_like(P)
        C[:d] = -P[:d]
        C[d] = S
        C[d + 1] = P[d]
        grad = self.Yaug @ C
        lag = -obj + float(y @ res) + 0.5 * beta * float(res @ res)
        return lag, grad, obj, res, gscale


def bm_solve(
    blocks,
    U0,
    *,
    beta=1.0,
    y0=None,
    tol=1e-6,
    feas_tol=None,
    max_iter=5000,
    memory=5,
    stall=0.9,
    beta_growth=100.0,
    inner_factor=1.0,
    inner_max=200,
    stall_window=None,
    callback=None,
):
    """Solve the clustering SDP in factored form from ``U0`` (see the module docstring).

    The caller scales the blocks so that the objective is O(n); ``beta`` is then O(1).

    Parameters
    ----------
    blocks : list of Block
    U0 : ndarray (n, sum of ranks), nonnegative start (projected here)
    beta : float
        Penalty parameter of the augmented Lagrangian.
    tol : float
        Relative primal change below which the dual step is taken and, together with the
        feasibility tolerance, convergence is declared.
    feas_tol : float, optional
        Tolerance on ``||r||_2 / sqrt(n)``; defaults to ``10 * tol``.
    max_iter : int
        Maximum number of projected-gradient iterations (each costs one pass over the data).
    memory : int
        Window of the non-monotone Armijo test.
    inner_factor, inner_max : float, int
        Inexact augmented Lagrangian: the multiplier step is taken once the relative gradient
        mapping is below ``inner_factor`` times the feasibility residual (and above the
        stationarity tolerance), or after ``inner_max`` iterations.
    stall_window : int, optional
        Objective-stall rule: also declare convergence once the iterate is feasible
        (``||r|| / sqrt(n) < feas_tol``) and the objective changed by less than ``10 tol``
        (relative) over the last ``stall_window`` iterations. The projected gradient can crawl
        along a nearly flat direction for thousands of iterations at a relative gradient mapping
        just above ``sqrt(tol)`` while the objective moves by 1e-8 per iteration.
    callback : callable, optional
        ``callback(n_iter, residual, stationarity, objective)`` after every iteration (progress
        bars and logging).
    """
    feas_tol = 10.0 * tol if feas_tol is None else feas_tol
    stat_tol = np.sqrt(tol)
    off = _offsets(blocks)
    n = U0.shape[0]
    U = _project(_as_float64(U0), blocks, off)
    if U is None:
        raise ValueError("the starting factor must have a positive entry in every block")
    y = _full(U, n, 0.0) if y0 is None else _as_float64(y0)
    if len(blocks) == 1 and _is_np(U) and blocks[0].a is None and blocks[0].c == 0.0:
        _evaluate_pw = _FastPW(blocks[0], n)

        def evaluate(U, blocks, off, y, beta):
            return _evaluate_pw(U, y, beta)

    else:
        evaluate = _evaluate
    lag, G, obj, res, gs = evaluate(U, blocks, off, y, beta)
    unorm = np.sqrt(sum(b.trace for b in blocks))
    max_move2 = (0.3 * unorm) ** 2
    # initial step: 1 / (rough Lipschitz constant) from a power-like estimate
    eta = 1.0 / max(np.sqrt(_sq(G)) / unorm, 1e-12)
    hist = [lag]
    n_dual = 0
    rel = np.inf
    converged = False
    it = 0
    use_bb1 = True
    inner = 0
    last_resn = np.inf
    beta_max = beta_growth * beta
    objs = []
    stalled = False
    while it < max_iter:
        it += 1
        inner += 1
        # projected gradient step with non-monotone backtracking
        ref = max(hist[-memory:])
        stepped = False
        for _ in range(60):
            V = _project(U - eta * G, blocks, off)
            if V is None:
                eta *= 0.5
                continue
            D = V - U
            dd = _sq(D)
            if dd > max_move2:  # trust region: long projected steps jump to spurious vertices
                eta *= 0.5
                continue
            lag_v, G_v, obj_v, res_v, gs_v = evaluate(V, blocks, off, y, beta)
            if lag_v <= ref - 1e-4 * dd / eta or dd == 0.0:
                stepped = True
                break
            eta *= 0.5
        if not stepped:  # no acceptable step: numerically stalled, report not converged
            break
        Yg = G_v - G
        sy = _dot(D, Yg)
        U, G, lag, obj, res, gs = V, G_v, lag_v, obj_v, res_v, gs_v
        hist.append(lag)
        # relative gradient mapping: ||U - P(U - eta G)|| / (eta ||grad of objective||)
        rel = np.sqrt(dd) / (eta * max(gs, 1e-300))
        # Barzilai--Borwein step (alternating long and short)
        if sy > 1e-300 and dd > 0:
            yy = _sq(Yg)
            eta = dd / sy if use_bb1 else sy / yy
            use_bb1 = not use_bb1
        else:
            eta *= 2.0
        eta = min(max(eta, 1e-12), 1e12)
        resn = float(np.sqrt(float(res @ res) / n))
        if callback is not None:
            callback(it, resn, float(rel), float(obj))
        if stall_window is not None:
            objs.append(float(obj))
            if len(objs) > stall_window and resn < feas_tol:
                old = objs[-1 - stall_window]
                if abs(float(obj) - old) <= 10.0 * tol * max(abs(float(obj)), 1e-300):
                    converged = stalled = True
                    break
        inner_tol = max(stat_tol, min(1e-1, inner_factor * resn))
        if rel < inner_tol or inner >= inner_max:
            if resn < feas_tol and rel < stat_tol:
                converged = True
                break
            y = y + beta * res
            n_dual += 1
            inner = 0
            # raise the penalty when feasibility stalls (standard ALM safeguard)
            if resn > stall * last_resn and beta < beta_max:
                beta = min(2.0 * beta, beta_max)
            last_resn = resn
            lag, G, obj, res, gs = evaluate(U, blocks, off, y, beta)
            hist = [lag]
    return BMState(
        U=U,
        y=y,
        objective=float(obj),
        residual=float(np.sqrt(float(res @ res) / n)),
        stationarity=float(rel),
        n_iter=it,
        n_dual=n_dual,
        converged=converged,
        stalled=stalled,
    )
