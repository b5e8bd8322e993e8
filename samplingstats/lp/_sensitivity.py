"""Public :func:`lp_sensitivities`: exact lp sensitivities (one compiled cvxpy problem) and
their cheap upper bounds (computed by :mod:`._memory`)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .._backend import is_torch, like
from .._exceptions import InvalidParameterError
from .._validation import StrOptions, validate_params
from . import _memory
from ._common import P_CONSTRAINT, MatrixLike, as_lp_matrix, rank_error

__all__ = ["lp_sensitivities"]


def _check_cvxpy_solver(solver: str) -> str:
    """The cvxpy name of ``solver`` (case-insensitive) if it is installed, else a clear error
    listing the installed solvers."""
    import cvxpy as cp

    installed = sorted(cp.installed_solvers())
    name = solver.upper()
    if name not in installed:
        raise InvalidParameterError(
            "The 'solver' parameter of lp_sensitivities must be one of the installed cvxpy "
            f"solvers {installed} (or None). Got {solver!r} instead."
        )
    return name


@validate_params(
    {
        "A": ["array-like"],
        "p": [P_CONSTRAINT],
        "method": [StrOptions({"exact", "lewis_bound", "root_leverage"})],
        "solver": [str, None],
    },
    caller="lp_sensitivities",
)
def lp_sensitivities(
    A: MatrixLike,
    *,
    p: float,
    method: Literal["exact", "lewis_bound", "root_leverage"] = "exact",
    solver: str | None = None,
) -> Any:
    """lp sensitivities ``s_i = sup_{Ax != 0} |a_i^T x|^p / ||Ax||_p^p`` or upper bounds on them.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix or torch.Tensor, shape (n, d)
        Full column rank matrix.
    p : float
        Exponent, ``1 <= p <= 100`` (the supported range: see :func:`lewis_weights`).
    method : {"exact", "lewis_bound", "root_leverage"}, default "exact"
        Which quantity is computed (the sensitivities or a bound on them; ``method`` is the
        library's word for the algorithm that computes a quantity). ``"exact"``: ``s_i = 1 / min{||Ax||_p^p : a_i^T x = 1}``, one convex program per row
        (an LP at ``p = 1``), compiled once by cvxpy with ``a_i`` as a Parameter. Practical for
        ``n`` up to a few thousand. ``"lewis_bound"``: ``min(1, d^{max(0, p/2-1)} w_i)`` with the
        lp Lewis weights ``w`` (valid for every ``p``). ``"root_leverage"``: ``tau_i^{p/2}``, a
        valid bound for ``p <= 2`` only (often loose: on polynomial bases its total is many
        times the total sensitivity).
    solver : str, optional
        The numerical optimiser inside ``method="exact"``: the name of a cvxpy solver (default
        HiGHS at ``p = 1``, Clarabel otherwise). Ignored by the bounds.

    Returns
    -------
    ndarray or torch.Tensor, shape (n,)
        Values in ``[0, 1]``. The total sensitivity ``sum(s)`` is at most ``d`` for ``p <= 2``
        and at most ``d^{p/2}`` for ``p > 2``.

    See Also
    --------
    lewis_weights : The weights behind ``method='lewis_bound'``.
    sensitivity_sample : Sample rows by sensitivities.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import lp_sensitivities
    >>> A = np.random.default_rng(0).standard_normal((40, 3))
    >>> s = lp_sensitivities(A, p=1)
    >>> bound = lp_sensitivities(A, p=1, method="lewis_bound")
    >>> bool(np.all(s <= bound + 1e-6)), bool(s.sum() <= 3)
    (True, True)
    """
    kind, M = as_lp_matrix(A, "A", caller="lp_sensitivities")
    n, d = M.shape
    p = float(p)
    if n < d:
        raise rank_error("lp_sensitivities", "A", n, d)
    if method == "root_leverage":
        if p > 2:
            raise InvalidParameterError(
                "The 'method' parameter of lp_sensitivities: 'root_leverage' bounds the "
                f"sensitivities only for p <= 2. Got p={p!r}; use method='lewis_bound'."
            )
        tau = _memory.leverage(kind, M, "auto", None, caller="lp_sensitivities")
        return tau ** (p / 2)
    if method == "lewis_bound":
        return _memory.lewis_bound(kind, M, p)
    # exact
    if solver is not None:
        solver = _check_cvxpy_solver(solver)
    dense = M
    if kind == "torch":
        dense = M.detach().cpu().double().numpy()
    elif kind == "sparse":
        dense = M.toarray()
    # rank check (cvxpy would return unbounded / zero objective values otherwise)
    if int(np.linalg.matrix_rank(dense)) < d:
        raise rank_error("lp_sensitivities", "A", int(np.linalg.matrix_rank(dense)), d)
    s = _memory.exact_sensitivities(np.ascontiguousarray(dense, dtype=np.float64), p, solver)
    return like(s, A, dtype=M.dtype) if is_torch(A) else s
