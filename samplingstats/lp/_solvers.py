"""Solvers of (sampled) lp regression problems, shared by both executors.

HiGHS LP at p = 1 (the dual LP ``max b^T y : A^T y = 0, |y| <= 1``, whose equality multipliers
are the coefficients), IRLS with a line search for ``1 < p < inf``, cvxpy (Clarabel) as a
fallback. Dense numpy or CSR ``A``, numpy ``b``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._exceptions import ConvergenceWarning, InvalidParameterError

__all__ = [
    "check_sample_not_empty",
    "check_solver_for_p",
    "lp_cost",
    "solve_irls",
    "solve_lp",
    "solve_sample",
]


def lp_cost(A, b, x, p):
    """``||A x - b||_p^p``."""
    r = np.asarray(A @ x).ravel() - b
    return float(np.sum(np.abs(r) ** p)) if p != 1 else float(np.abs(r).sum())


_IPM_MIN_ROWS = 20_000


def _solve_highs(A, b):
    import scipy.sparse as sp
    from scipy.optimize import linprog

    n, d = A.shape
    AT = sp.csr_matrix(A.T) if sp.issparse(A) else np.ascontiguousarray(A.T)
    # dual simplex for small (sampled) problems, interior point (with crossover) for large ones
    method = "highs" if n < _IPM_MIN_ROWS else "highs-ipm"
    res = linprog(-b, A_eq=AT, b_eq=np.zeros(d), bounds=(-1.0, 1.0), method=method)
    if res.status != 0 or res.eqlin is None:
        return None, int(getattr(res, "nit", 0) or 0), False, f"HiGHS: {res.message}"
    x = np.asarray(res.eqlin.marginals, dtype=np.float64)
    # the sign convention of the multipliers: keep the one attaining the dual optimum
    c_pos, c_neg = lp_cost(A, b, x, 1.0), lp_cost(A, b, -x, 1.0)
    if c_neg < c_pos:
        x = -x
    return x, int(res.nit), True, f"HiGHS ({method}): optimal (dual LP)"


def _wls(A, b, w):
    """Weighted least squares ``argmin sum w_i (a_i^T x - b_i)^2`` via normal equations."""
    import scipy.linalg as sla
    import scipy.sparse as sp

    if sp.issparse(A):
        Aw = sp.diags(w) @ A
        G = np.asarray((A.T @ Aw).toarray())
        rhs = np.asarray(Aw.T @ b).ravel()
    else:
        Aw = A * w[:, None]
        G = A.T @ Aw
        rhs = Aw.T @ b
    try:
        c = sla.cho_factor(G, check_finite=False)
        x = sla.cho_solve(c, rhs, check_finite=False)
        if np.all(np.isfinite(x)):
            return x
    except (np.linalg.LinAlgError, ValueError):
        pass
    sw = np.sqrt(w)
    M = (sp.diags(sw) @ A).toarray() if sp.issparse(A) else A * sw[:, None]
    return np.linalg.lstsq(M, sw * b, rcond=None)[0]


def _line_search(r, dr, p, tmax):
    """Minimise the convex ``phi(t) = sum |r + t dr|^p`` on ``[0, tmax]``."""
    from scipy.optimize import minimize_scalar

    def phi(t):
        return float(np.sum(np.abs(r + t * dr) ** p))

    res = minimize_scalar(phi, bounds=(0.0, tmax), method="bounded", options={"xatol": 1e-4})
    t = float(res.x)
    if phi(t) > phi(0.0):
        return 0.0
    return t


def solve_irls(A, b, p, *, tol=1e-10, max_iter=200, x0=None):
    """IRLS for ``min ||Ax - b||_p^p``: weights ``max(|r|, delta)^(p-2)`` and an exact line search
    along the reweighted least-squares step (the Newton step for p > 2 is 1/(p-1) of it)."""
    n, d = A.shape
    x = _wls(A, b, np.ones(n)) if x0 is None else np.asarray(x0, dtype=np.float64)
    r = np.asarray(A @ x).ravel() - b
    f = float(np.sum(np.abs(r) ** p))
    if p == 2:
        return x, 1, True, "IRLS: least squares"
    scale = max(float(np.abs(r).max()), 1e-300)
    delta = scale * (1e-2 if p < 2 else 1e-12)
    delta_min = scale * 1e-12
    tmax = 2.0 if p <= 2 else max(2.0, 2.0 / (p - 1))
    converged = False
    it = 0
    while it < max_iter:
        it += 1
        ar = np.maximum(np.abs(r), delta)
        w = ar ** (p - 2)
        w /= w.max()
        xw = _wls(A, b, w)
        dx = xw - x
        dr = np.asarray(A @ dx).ravel()
        t = _line_search(r, dr, p, tmax)
        x = x + t * dx
        r = r + t * dr
        f_new = float(np.sum(np.abs(r) ** p))
        small = f - f_new <= tol * max(f, 1e-300)
        f = f_new
        if p < 2 and delta > delta_min:
            delta = max(delta_min, delta * 0.1)
            continue
        if small:
            converged = True
            break
    status = "IRLS: converged" if converged else f"IRLS: stopped after {it} iterations"
    return x, it, converged, status


def _solve_cvxpy(A, b, p):
    import cvxpy as cp

    n, d = A.shape
    x = cp.Variable(d)
    r = A @ x - b
    obj = cp.norm1(r) if p == 1 else cp.pnorm(r, p)
    prob = cp.Problem(cp.Minimize(obj))
    try:
        prob.solve(solver="CLARABEL")
    except cp.SolverError as exc:
        return None, 0, False, f"cvxpy/Clarabel failed: {exc}"
    n_iter = int(getattr(prob.solver_stats, "num_iters", 0) or 0)
    if prob.status not in ("optimal", "optimal_inaccurate") or x.value is None:
        return None, n_iter, False, f"cvxpy/Clarabel: {prob.status}"
    return (
        np.asarray(x.value, dtype=np.float64),
        n_iter,
        prob.status == "optimal",
        (f"cvxpy/Clarabel: {prob.status}"),
    )


def solve_lp(A, b, p, solver="auto", *, tol=1e-10, max_iter=200):
    """Solve ``min ||Ax - b||_p`` on the given rows; returns ``(x, n_iter, converged, status,
    solver_name)``. Raises RuntimeError when no solution is available."""
    if solver == "auto":
        solver = "highs" if p == 1 else "irls"
    if solver == "highs":
        x, it, ok, status = _solve_highs(A, b)
        if x is None:  # fall back to cvxpy before giving up
            x, it, ok, status2 = _solve_cvxpy(A, b, p)
            status = f"{status}; fallback {status2}"
            solver = "cvxpy"
    elif solver == "irls":
        x, it, ok, status = solve_irls(A, b, p, tol=tol, max_iter=max_iter)
    else:
        x, it, ok, status = _solve_cvxpy(A, b, p)
    if x is None:
        raise RuntimeError(f"lp_regression: the solver did not return a solution ({status}).")
    return x, it, ok, status, solver


def check_solver_for_p(solver, p):
    """'highs' is a linear program: p = 1 only (shared by the in-memory and dask paths)."""
    if solver == "highs" and p != 1:
        raise InvalidParameterError(
            f"The 'solver' parameter of lp_regression: 'highs' solves p = 1 only. Got p={p!r}; "
            "use solver='irls' or 'cvxpy'."
        )


def check_sample_not_empty(sample, n_samples):
    if len(sample) == 0:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of lp_regression is too small: the Bernoulli sample "
            f"with expected size {n_samples!r} kept no rows. Use n_samples >= d."
        )


def solve_sample(As, bs, p, solver, tol, max_iter):
    """Solve the (sampled) problem, warn when the solver did not converge; the result's fields
    ``(coef, n_iter, converged, solver, status)``."""
    x, n_iter, ok, status, used = solve_lp(As, bs, p, solver, tol=tol, max_iter=max_iter)
    if not ok:
        warnings.warn(
            f"lp_regression: the {used} solver did not converge ({status}).",
            ConvergenceWarning,
            stacklevel=4,
        )
    return {"coef": x, "n_iter": n_iter, "converged": bool(ok), "solver": used, "status": status}
