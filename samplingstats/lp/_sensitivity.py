"""Exact lp sensitivities (one compiled cvxpy problem) and their cheap upper bounds."""

from __future__ import annotations

import numpy as np

from .._backend import is_torch, like
from .._exceptions import InvalidParameterError
from .._validation import StrOptions, validate_params
from ._common import P_CONSTRAINT, as_lp_matrix, rank_error
from ._leverage import _leverage
from ._lewis import _default_max_iter, _lewis_core

__all__ = ["lp_sensitivities"]


def _exact_sensitivities(A, p, solver=None):
    """``s_i = 1 / min{||Ax||_p^p : a_i^T x = 1}`` for dense numpy ``A`` (zero rows get 0)."""
    import cvxpy as cp

    n, d = A.shape
    x = cp.Variable(d)
    a = cp.Parameter(d)
    obj = cp.norm1(A @ x) if p == 1 else cp.pnorm(A @ x, p)
    prob = cp.Problem(cp.Minimize(obj), [a @ x == 1])
    solver = solver or ("HIGHS" if p == 1 else "CLARABEL")
    out = np.zeros(n)
    nz = np.flatnonzero(np.any(A != 0, axis=1))
    for i in nz:
        a.value = A[i]
        try:
            val = prob.solve(solver=solver)
        except cp.SolverError as exc:  # pragma: no cover - solver crash
            raise RuntimeError(f"lp_sensitivities: {solver} failed on row {i}: {exc}") from exc
        if prob.status not in ("optimal", "optimal_inaccurate") or val is None or val <= 0:
            raise RuntimeError(
                f"lp_sensitivities: {solver} returned status {prob.status!r} on row {i}; "
                "the exact sensitivity is not available (try method='lewis_bound')."
            )
        out[i] = min(1.0, 1.0 / float(val) ** p)
    return out


def _approx_lewis(kind, A, p, rng=None, *, tol=1e-3, method="auto", max_iter=None):
    """Lewis weights to a relative fixed-point residual ``tol`` (no warning)."""
    n, d = A.shape
    if max_iter is None:
        max_iter = _default_max_iter(p, n, tol, method)
    w, *_ = _lewis_core(kind, A, p, method, rng, tol, max_iter, {}, warn=False)
    return w


def lewis_bound(kind, A, p, w=None):
    """``min(1, d^{max(0, p/2-1)} w_i)`` with (approximate) Lewis weights ``w``."""
    d = A.shape[1]
    if w is None:
        w = _approx_lewis(kind, A, p, tol=1e-8)
    c = float(d) ** max(0.0, p / 2 - 1)
    # the computed weights carry a relative error ~1e-8: inflate slightly to stay an upper bound
    b = c * w * (1 + 1e-6)
    return b.clamp(max=1.0) if kind == "torch" else np.minimum(b, 1.0)


@validate_params(
    {
        "A": ["array-like"],
        "p": [P_CONSTRAINT],
        "method": [StrOptions({"exact", "lewis_bound", "root_leverage"})],
        "solver": [str, None],
    },
    caller="lp_sensitivities",
)
def lp_sensitivities(A, *, p, method="exact", solver=None):
    """lp sensitivities ``s_i = sup_{Ax != 0} |a_i^T x|^p / ||Ax||_p^p`` or upper bounds on them.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix or torch.Tensor, shape (n, d)
        Full column rank matrix.
    p : float
        Exponent, ``1 <= p < inf``.
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
    kind, M = as_lp_matrix(A, "A")
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
        tau = _leverage(kind, M, "auto", None, caller="lp_sensitivities")
        return tau ** (p / 2)
    if method == "lewis_bound":
        return lewis_bound(kind, M, p)
    # exact
    dense = M
    if kind == "torch":
        dense = M.detach().cpu().double().numpy()
    elif kind == "sparse":
        dense = M.toarray()
    # rank check (cvxpy would return unbounded / zero objective values otherwise)
    if int(np.linalg.matrix_rank(dense)) < d:
        raise rank_error("lp_sensitivities", "A", int(np.linalg.matrix_rank(dense)), d)
    s = _exact_sensitivities(np.ascontiguousarray(dense, dtype=np.float64), p, solver)
    return like(s, A, dtype=M.dtype) if is_torch(A) else s
