"""Public :func:`leverage_scores`: chooses the executor (in memory or dask) and validates."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._validation import Interval, StrOptions, validate_params
from . import _memory
from ._common import (
    LeverageMethod,
    MatrixLike,
    RngLike,
    as_lp_matrix,
    is_dask_array,
    rank_error,
)

__all__ = ["leverage_scores"]


@validate_params(
    {
        "A": ["array-like"],
        "method": [StrOptions({"auto", "qr", "cholesky", "sketch"})],
        "rng": ["rng"],
        "rcond": [Interval(numbers.Real, 0, 1, closed="neither"), None],
        "sketch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "sparsity": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "jl_dim": [Interval(numbers.Integral, 1, None, closed="left"), None],
    },
    caller="leverage_scores",
)
def leverage_scores(
    A: MatrixLike,
    *,
    method: LeverageMethod = "auto",
    rng: RngLike = None,
    rcond: float | None = None,
    sketch_size: int | None = None,
    sparsity: int | None = None,
    jl_dim: int | None = None,
) -> Any:
    """Statistical leverage scores ``tau_i = a_i^T (A^T A)^{-1} a_i`` of the rows of ``A``.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix, torch.Tensor or dask.array.Array, shape (n, d)
        Full column rank matrix (``n >= d``). Sparse input is used as CSR; a torch tensor stays
        on its device and the scores come back as a tensor there. A dask array chunked by rows
        gives a lazy dask vector, with bounded memory (see the "Scaling out" guide).
    method : {"auto", "qr", "cholesky", "sketch"}, default "auto"
        ``"qr"``: thin QR, ``tau_i = ||Q_i||^2`` (most accurate). ``"cholesky"``: Gram matrix and
        its Cholesky factor ``L``, ``tau_i = ||L^{-1} a_i||^2`` (about twice as fast, but it squares
        the condition number). ``"auto"``: Cholesky when ``cond(A) < 1e6``, QR otherwise.
        ``"sketch"``: approximate scores [DMMW12]_: a CountSketch / OSNAP embedding ``Pi_1 A`` (one pass
        over ``A``), ``R`` from ``QR(Pi_1 A)``, a Gaussian ``Pi_2`` with ``jl_dim`` columns and
        ``tau_i ~ ||a_i^T R^{-1} Pi_2||^2 / jl_dim`` (a second pass). The estimates are within a
        constant factor of the exact scores with high probability, which is what sampling needs.
    rng : None, int or numpy.random.Generator, optional
        Randomness of the sketch (ignored by the exact methods).
    rcond : float in (0, 1), optional
        If given, rank-deficient ``A`` is accepted: the scores are those of the column space
        (``||U_k row||^2`` over singular values above ``rcond * sigma_max``), summing to the rank.
        Without it a rank-deficient ``A`` raises :class:`~samplingstats.InvalidParameterError`.
    sketch_size, sparsity, jl_dim : int, optional
        Sketch rows (default ``max(20 d, 64)``; values below ``max(8 d, 64)``, which do not keep
        the subspace embedding, are raised to it with a ``UserWarning``), nonzeros per column of
        the OSNAP matrix
        (default 1, i.e. CountSketch) and the JL dimension (default 16) for ``method="sketch"``.

    Returns
    -------
    ndarray or torch.Tensor, shape (n,)
        The leverage scores, each in ``[0, 1]``, summing to ``d`` (exact methods). float32
        input gives float32 scores, computed in float64 over row blocks: the memory used above
        the input is the output plus a few 8 MiB blocks and ``O(d^2)`` (no float64 copy of
        ``A``; "qr" then takes ``R`` from a blocked QR and ``tau_i = ||a_i^T R^{-1}||^2``).

    See Also
    --------
    lewis_weights : Lp Lewis weights (leverage scores of a reweighted A).
    sensitivity_sample : Sample rows by these or other scores.

    References
    ----------
    .. [DMMW12] P. Drineas, M. Magdon-Ismail, M. W. Mahoney, D. P. Woodruff. Fast approximation
       of matrix coherence and statistical leverage. JMLR 13, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import leverage_scores
    >>> A = np.random.default_rng(0).standard_normal((1000, 5))
    >>> tau = leverage_scores(A)
    >>> round(float(tau.sum()), 6)
    5.0
    >>> approx = leverage_scores(A, method="sketch", rng=1)
    >>> bool(np.median(approx / tau) > 0.5)
    True
    """
    if is_dask_array(A):
        from ._dask import dask_leverage_scores

        return dask_leverage_scores(
            A,
            method=method,
            rng=rng,
            rcond=rcond,
            sketch_size=sketch_size,
            sparsity=sparsity,
            jl_dim=jl_dim,
        )
    in_dtype = getattr(A, "dtype", None)
    kind, A = as_lp_matrix(A, "A", caller="leverage_scores", keep_float32=True)
    n, d = A.shape
    if n < d and rcond is None:
        raise rank_error("leverage_scores", "A", n, d)
    tau = _memory.leverage(
        kind,
        A,
        method,
        rng,
        rcond=rcond,
        sketch_size=sketch_size,
        sparsity=sparsity,
        jl_dim=jl_dim,
    )
    if kind != "torch" and in_dtype == np.float32 and tau.dtype != np.float32:
        tau = tau.astype(np.float32)  # float32 in, float32 out (sparse and rcond paths)
    return tau
