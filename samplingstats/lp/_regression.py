"""lp regression: sample rows by lp scores of [A b], then solve the small problem.

Solvers: HiGHS LP at p = 1 (the dual LP ``max b^T y : A^T y = 0, |y| <= 1``, whose equality
multipliers are the coefficients), IRLS with a line search for ``1 < p < inf``, cvxpy (Clarabel)
as a fallback. ``n_samples=None`` solves the full problem with the same solvers.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
import warnings

import numpy as np

from .._backend import is_torch, like, to_numpy
from .._exceptions import ConvergenceWarning, InvalidParameterError
from .._progress import get_logger, progress_bar
from .._results import Result
from .._rng import as_generator
from .._validation import (
    Interval,
    StrOptions,
    check_consistent_length,
    check_vector,
    validate_params,
)
from ._common import P_CONSTRAINT, as_lp_matrix, augmented_scores, check_n_samples
from ._dask import is_dask_array
from ._sampling import SCHEMES, RowSample, _check_scores_array, _draw, sampling_scores

__all__ = ["lp_regression", "LpRegressionResult", "lp_cost"]


@dataclasses.dataclass(repr=False)
class LpRegressionResult(Result):
    """Result of :func:`lp_regression`.

    Attributes
    ----------
    coef : ndarray (or torch.Tensor for tensor input), shape (d,)
        The solution of the (sampled) problem.
    cost : float
        Its cost on the full data, ``||A coef - b||_p^p``.
    sample : RowSample or None
        The row sample (``None`` when the full problem was solved).
    n_iter : int
        Solver iterations (IRLS steps; simplex iterations for HiGHS; cvxpy's count).
    converged : bool
        Whether the solver reported an optimal solution / met its tolerance.
    solver : str
        The solver used (``"highs"``, ``"irls"`` or ``"cvxpy"``).
    status : str
        The solver's status message.
    """

    coef: object
    cost: float
    sample: RowSample | None
    n_iter: int
    converged: bool
    solver: str = ""
    status: str = ""


class StageLog:
    """Progress bar over the stages of a call, with one INFO log line per stage (and its time).

    Shared by the in-memory and dask paths of :func:`lp_regression`."""

    def __init__(self, caller, progress, total):
        self.caller, self.log = caller, get_logger("lp")
        self._cm = progress_bar(progress, total=total, desc=caller, unit="stage")
        self.t0 = self.t = time.perf_counter()

    def start(self, n, d, p, n_samples, scores):
        self.log.info(
            "%s: n=%d, d=%d, p=%g, n_samples=%s, scores=%s", self.caller, n, d, p, n_samples, scores
        )

    def __enter__(self):
        self.bar = self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)

    def done(self, what):
        now = time.perf_counter()
        self.bar.update(1)
        self.bar.set_postfix_str(what)
        self.log.info("%s: %s done in %.3f s", self.caller, what, now - self.t)
        self.t = now


def lp_cost(A, b, x, p):
    """``||A x - b||_p^p``."""
    r = np.asarray(A @ x).ravel() - b
    return float(np.sum(np.abs(r) ** p)) if p != 1 else float(np.abs(r).sum())


# ----------------------------------------------------------------------------------------------
# solvers (dense numpy or CSR A, numpy b); return (x, n_iter, converged, status)
# ----------------------------------------------------------------------------------------------
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


def _solve_irls(A, b, p, *, tol=1e-10, max_iter=200, x0=None):
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
        x, it, ok, status = _solve_irls(A, b, p, tol=tol, max_iter=max_iter)
    else:
        x, it, ok, status = _solve_cvxpy(A, b, p)
    if x is None:
        raise RuntimeError(f"lp_regression: the solver did not return a solution ({status}).")
    return x, it, ok, status, solver


# ----------------------------------------------------------------------------------------------
# public function
# ----------------------------------------------------------------------------------------------
def _augment(kind, A, b):
    import scipy.sparse as sp

    if kind == "sparse":
        return sp.hstack([A, sp.csr_matrix(b[:, None])], format="csr")
    return np.hstack([A, b[:, None]])


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


@validate_params(
    {
        "A": ["array-like"],
        "b": ["array-like"],
        "p": [P_CONSTRAINT],
        "n_samples": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "scores": [StrOptions(set(SCHEMES)), "array-like"],
        "solver": [StrOptions({"auto", "highs", "irls", "cvxpy"})],
        "rng": ["rng"],
        "mode": [StrOptions({"bernoulli", "iid"})],
        "tol": [Interval(numbers.Real, 0, 1, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "progress": ["boolean"],
    },
    caller="lp_regression",
)
def lp_regression(
    A,
    b,
    *,
    p,
    n_samples=None,
    scores="lewis",
    solver="auto",
    rng=None,
    mode="bernoulli",
    tol=1e-10,
    max_iter=200,
    progress=False,
):
    """lp regression ``min_x ||A x - b||_p``, optionally on a sensitivity sample of the rows.

    With ``n_samples`` set, rows are sampled by lp scores of the augmented matrix ``[A b]``
    (so that the sample is an lp subspace embedding of every residual ``A x - b``), rescaled by
    ``q^(-1/p)``, and the small problem is solved; ``n_samples=None`` solves the full problem
    with the same solvers (the reference).

    Parameters
    ----------
    A : array_like, scipy.sparse matrix, torch.Tensor or dask.array.Array, shape (n, d)
        Design matrix. With a dask array (chunked by rows) ``n_samples`` is required: the scores
        are computed chunk by chunk and only the sampled rows are brought into memory.
    b : array_like, torch.Tensor or dask.array.Array, shape (n,)
        Targets.
    p : float
        Exponent, ``1 <= p < inf``.
    n_samples : int or float, optional
        With ``mode="bernoulli"`` (the default) the *expected* number of kept rows (each row is
        kept independently, so the sample size varies around it); with ``mode="iid"`` the exact
        number of draws; ``<= n``. About ``25 d``-``40 d`` rows give a cost within a few percent
        of optimal for ``p <= 3``. ``None`` solves the full problem.
    scores : str or array_like, default "lewis"
        Sampling scheme (see :func:`sensitivity_sample`), computed on ``[A b]``; an array gives
        the scores directly.
    solver : {"auto", "highs", "irls", "cvxpy"}, default "auto"
        ``"highs"``: the L1 regression LP (``p = 1`` only) in its dual form
        ``max b^T y : A^T y = 0, |y| <= 1`` (``n`` bounded variables, ``d`` equality
        constraints whose multipliers are the coefficients), solved by HiGHS through
        :func:`scipy.optimize.linprog` (dual simplex below 20 000 rows, interior point above). ``"irls"``: iteratively reweighted least squares with an
        exact line search (``p > 1``; at ``p = 1`` it smooths ``|r|`` with a decreasing floor).
        ``"cvxpy"``: ``pnorm`` with Clarabel. ``"auto"``: HiGHS at ``p = 1``, IRLS otherwise;
        a HiGHS failure falls back to cvxpy.
    rng : None, int or numpy.random.Generator, optional
        Randomness of the sample.
    mode : {"bernoulli", "iid"}, default "bernoulli"
        Sampling mode (see :func:`sensitivity_sample`).
    tol, max_iter : float, int
        IRLS stopping rule: relative cost decrease below ``tol``, or ``max_iter`` steps.
    progress : bool, default False
        Show a progress bar over the stages (scores, sample, solve, cost; tqdm when installed).
        The stages and their times are logged (INFO) on the ``samplingstats.lp`` logger.

    Returns
    -------
    LpRegressionResult
        ``coef``, ``cost`` (full-data ``||A coef - b||_p^p``), ``sample``, ``n_iter``,
        ``converged``, ``solver``, ``status``.

    Warns
    -----
    ConvergenceWarning
        When the solver stops without meeting its tolerance (``converged=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import lp_regression
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_t(2, size=(20000, 5))
    >>> b = A @ np.ones(5) + rng.laplace(size=20000)
    >>> full = lp_regression(A, b, p=1)
    >>> fast = lp_regression(A, b, p=1, n_samples=200, rng=1)
    >>> len(fast.sample) < 300, bool(fast.cost / full.cost < 1.1)
    (True, True)
    """
    if is_dask_array(A):
        from ._dask import dask_lp_regression

        return dask_lp_regression(
            A,
            b,
            p=p,
            n_samples=n_samples,
            scores=scores,
            solver=solver,
            rng=rng,
            mode=mode,
            tol=tol,
            max_iter=max_iter,
            progress=progress,
        )
    if is_dask_array(b):
        b = b.compute()  # an in-memory A: b is n floats
    p = float(p)
    torch_in = is_torch(A) or is_torch(b)
    ref = A if is_torch(A) else None
    if torch_in:
        from .._backend import check_same_backend

        check_same_backend(A=A, b=b)
        A = to_numpy(A, dtype=np.float64)
        b = to_numpy(b, dtype=np.float64)
    kind, M = as_lp_matrix(A, "A")
    bv = check_vector(b, "b")
    check_consistent_length(A=M, b=bv)
    n, d = M.shape
    check_solver_for_p(solver, p)
    sample = None
    stages = StageLog("lp_regression", progress, 2 if n_samples is None else 4)
    stages.start(n, d, p, n_samples, scores if isinstance(scores, str) else "array")
    with stages:
        if n_samples is not None:
            check_n_samples(n_samples, n, mode, "lp_regression")
            gen = as_generator(rng)
            if isinstance(scores, str):
                sigma = augmented_scores(
                    lambda X: sampling_scores(kind, X, p, scores, gen),
                    _augment(kind, M, bv),
                    M,
                    gen,
                )
            else:
                sigma = _check_scores_array(scores, n)
            stages.done("scores")
            sample = _draw(
                np.ascontiguousarray(sigma, dtype=np.float64), n_samples, p, mode, gen, n
            )
            check_sample_not_empty(sample, n_samples)
            As, bs = sample.apply(M), sample.apply(bv)
            stages.done(f"sample ({len(sample)} rows)")
        else:
            As, bs = M, bv
        fit = solve_sample(As, bs, p, solver, tol, max_iter)
        stages.done(f"solve ({fit['solver']}, {fit['n_iter']} iterations)")
        cost = lp_cost(M, bv, fit["coef"], p)
        stages.done("cost")
    if not math.isfinite(cost):  # pragma: no cover - defensive
        raise RuntimeError(f"lp_regression: non-finite cost ({fit['status']}).")
    if ref is not None:
        fit["coef"] = like(fit["coef"], ref, dtype=ref.dtype)
    return LpRegressionResult(cost=cost, sample=sample, **fit)
