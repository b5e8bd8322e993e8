"""Public :func:`lp_regression`: sample rows by lp scores of [A b], then solve the small problem.

The executor (in memory or dask) is chosen here; the solvers are in :mod:`._solvers` (HiGHS LP
at p = 1, IRLS with a line search for ``1 < p < inf``, cvxpy as a fallback). ``n_samples=None``
solves the full problem with the same solvers.
"""

from __future__ import annotations

import math
import numbers
from typing import Literal

import numpy as np

from .._backend import is_torch, like, to_numpy
from .._rng import as_generator
from .._validation import (
    Interval,
    StrOptions,
    check_consistent_length,
    refuse_complex,
    validate_params,
)
from ._common import (
    P_CONSTRAINT,
    MatrixLike,
    RngLike,
    SampleMode,
    ScoresName,
    SolverName,
    StageLog,
    VectorLike,
    as_lp_matrix,
    as_lp_vector,
    augmented_scores,
    check_n_samples,
    is_dask_array,
)
from ._core import SCORES, auto_n_samples, check_scores_array, check_scores_for_p, draw_sample
from ._memory import augment, sampling_scores
from ._results import LpRegressionResult
from ._solvers import (
    check_sample_not_empty,
    check_solver_for_p,
    lp_cost,
    solve_lp,
    solve_sample,
)

__all__ = ["lp_regression", "LpRegressionResult", "lp_cost", "solve_lp"]


@validate_params(
    {
        "A": ["array-like"],
        "b": ["array-like"],
        "p": [P_CONSTRAINT],
        "n_samples": [
            Interval(numbers.Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
            None,
        ],
        "scores": [StrOptions(set(SCORES)), "array-like"],
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
    A: MatrixLike,
    b: VectorLike,
    *,
    p: float,
    n_samples: float | Literal["auto"] | None = None,
    scores: ScoresName | VectorLike = "lewis",
    solver: SolverName = "auto",
    rng: RngLike = None,
    mode: SampleMode = "bernoulli",
    tol: float = 1e-10,
    max_iter: int = 200,
    progress: bool = False,
) -> LpRegressionResult:
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
        Exponent, ``1 <= p <= 100`` (the supported range: see :func:`lewis_weights`).
    n_samples : int, float, "auto" or None, default None
        With ``mode="bernoulli"`` (the default) the *expected* number of kept rows (each row is
        kept independently, so the sample size varies around it); with ``mode="iid"`` the exact
        number of draws; ``<= n``. About ``25 d``-``40 d`` rows give a cost within a few percent
        of optimal for ``p <= 3``. ``None`` solves the full problem. ``"auto"`` samples ``40 d``
        rows where that is faster than the full solve (``p < 2`` and ``n >= 400 d``) and solves
        the full problem otherwise: for ``p >= 2`` the full IRLS needs only a few least-squares
        steps and beats the Lewis scores (see the lp benchmark page). With a dask array "auto"
        always samples (``min(40 d, n)`` rows).
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

    See Also
    --------
    LpRegressor : The scikit-learn estimator around it.
    sensitivity_sample : The row sample it solves on.

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
    check_scores_for_p(scores, p, "lp_regression")
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
            small_scores=sampling_scores,
        )
    if is_dask_array(b):
        b = b.compute()  # an in-memory A: b is n floats
    p = float(p)
    refuse_complex(A, "A", caller="lp_regression")
    refuse_complex(b, "b", caller="lp_regression")
    torch_in = is_torch(A) or is_torch(b)
    ref = A if is_torch(A) else None
    if torch_in:
        from .._backend import check_same_backend

        check_same_backend(A=A, b=b)
        A = to_numpy(A, dtype=np.float64)
        b = to_numpy(b, dtype=np.float64)
    kind, M = as_lp_matrix(A, "A", caller="lp_regression")
    bv = as_lp_vector(b, "b", "lp_regression")
    check_consistent_length(A=M, b=bv)
    n, d = M.shape
    check_solver_for_p(solver, p)
    if isinstance(n_samples, str):  # "auto"
        n_samples = auto_n_samples(n, d, p)
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
                    augment(kind, M, bv),
                    M,
                    gen,
                )
            else:
                sigma = check_scores_array(scores, n, "lp_regression")
            stages.done("scores")
            sample = draw_sample(
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
