"""Reference SDP solvers through cvxpy + SCS (small n only: O(n^2) variables)."""

from __future__ import annotations

import numpy as np

__all__ = ["peng_wei_cvxpy", "la_sdp_cvxpy"]


def _solve(problem, eps, max_iters):
    import cvxpy as cp

    problem.solve(solver=cp.SCS, eps=eps, max_iters=max_iters)
    return problem.status


def peng_wei_cvxpy(A, n_clusters, *, eps=1e-5, max_iters=100000):
    """Solve max <A, Z> s.t. Z PSD, Z >= 0, Z 1 = 1, tr Z = K with SCS; return (Z, value, status)."""
    import cvxpy as cp

    n = A.shape[0]
    Z = cp.Variable((n, n), PSD=True)
    cons = [Z >= 0, cp.sum(Z, axis=1) == 1, cp.trace(Z) == n_clusters]
    prob = cp.Problem(cp.Maximize(cp.trace(A @ Z)), cons)
    status = _solve(prob, eps, max_iters)
    Zv = None if Z.value is None else np.asarray(Z.value)
    val = float("nan") if Zv is None else float(np.sum(A * Zv))
    return Zv, val, status


def la_sdp_cvxpy(Bs, *, eps=1e-5, max_iters=100000):
    """Solve max sum_k <B_k, Z_k> s.t. Z_k PSD, >= 0, tr Z_k = 1, sum_k Z_k 1 = 1 with SCS."""
    import cvxpy as cp

    n = Bs[0].shape[0]
    Zs = [cp.Variable((n, n), PSD=True) for _ in Bs]
    cons = [z >= 0 for z in Zs] + [cp.trace(z) == 1 for z in Zs]
    cons.append(sum(cp.sum(z, axis=1) for z in Zs) == 1)
    prob = cp.Problem(cp.Maximize(sum(cp.trace(B @ z) for B, z in zip(Bs, Zs))), cons)
    status = _solve(prob, eps, max_iters)
    vals = [None if z.value is None else np.asarray(z.value) for z in Zs]
    val = float("nan") if vals[0] is None else float(sum(np.sum(B * z) for B, z in zip(Bs, vals)))
    return vals, val, status
