"""Public :func:`lewis_weights`: chooses the executor (in memory or dask) and validates.

The iteration itself (Cohen-Peng fixed point for p < 4, damped for p >= 4) is
:func:`._memory.lewis_core` and its dask counterpart :func:`._dask.dask_lewis_core`.
"""

from __future__ import annotations

import numbers
import time

import numpy as np

from .._backend import import_torch
from .._progress import get_logger, progress_bar
from .._rng import as_generator
from .._validation import Interval, StrOptions, validate_params
from . import _memory
from ._common import (
    P_CONSTRAINT,
    LeverageMethod,
    MatrixLike,
    RngLike,
    as_lp_matrix,
    is_dask_array,
    iteration_monitor,
    rank_error,
)
from ._core import default_max_iter
from ._results import LewisWeightsResult

__all__ = ["lewis_weights", "LewisWeightsResult"]


@validate_params(
    {
        "A": ["array-like"],
        "p": [P_CONSTRAINT],
        "method": [StrOptions({"auto", "qr", "cholesky", "sketch"})],
        "tol": [Interval(numbers.Real, 0, 1, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "rng": ["rng"],
        "progress": ["boolean"],
    },
    caller="lewis_weights",
)
def lewis_weights(
    A: MatrixLike,
    *,
    p: float,
    method: LeverageMethod = "auto",
    tol: float = 1e-8,
    max_iter: int | None = None,
    rng: RngLike = None,
    progress: bool = False,
) -> LewisWeightsResult:
    """lp Lewis weights of the rows of ``A``.

    The unique ``w > 0`` with ``w_i = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2}``, i.e.
    ``w_i = tau_i(W^{1/2-1/p} A)`` (leverage scores of a reweighted ``A``); ``sum(w) = d``. At
    ``p = 2`` they are the leverage scores. They bound the lp sensitivities,
    ``s_i <= d^{max(0, p/2-1)} w_i``, and sampling rows with probability proportional to them
    gives a ``(1 +- eps)`` lp subspace embedding with ``O~(d^{max(1, p/2)} / eps^2)`` rows [CP15]_.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix, torch.Tensor or dask.array.Array, shape (n, d)
        Full column rank matrix. Zero rows get weight 0. A torch tensor stays on its device; a
        dask array chunked by rows gives ``weights`` as a persisted dask vector. A float32 numpy
        array gives float32 weights, computed in float64 over row blocks of about 8 MiB (no
        float64 copy of ``A``), as :func:`leverage_scores` does.
    p : float
        Exponent, ``1 <= p <= 100`` (the supported range).
    method : {"auto", "qr", "cholesky", "sketch"}, default "auto"
        How each leverage evaluation is done (see :func:`leverage_scores`). ``"sketch"`` gives a
        constant-factor approximation (enough for sampling) in a fixed small number of iterations
        (6 by default), two passes over ``A`` each; no warning is raised when its noisy residual
        stays above ``tol``.
    tol : float, default 1e-8
        Stop when the relative fixed-point residual ``max_i |T(w)_i / w_i - 1|`` is at most this.
        For torch tensors it is floored at ``50 eps`` of their dtype (``6e-6`` for float32).
    max_iter : int, optional
        Iteration cap. Default: enough for the contraction factor ``|p/2 - 1|`` to reach ``tol``
        for ``p < 4``; ``40 p + 100`` for ``p >= 4`` (at most 4100, at ``p = 100``). An
        iteration whose residual is NaN, or has been below 1 and then reaches no new minimum
        in 50 iterations, stops early with a ConvergenceWarning.
    rng : None, int or numpy.random.Generator, optional
        Randomness of ``method="sketch"``.
    progress : bool, default False
        Show a progress bar over the iterations (tqdm, when installed) with the current
        residual. Start, iterations (DEBUG) and end (INFO) are logged on the
        ``samplingstats.lp`` logger either way.

    Returns
    -------
    LewisWeightsResult
        ``weights``, ``n_iter``, ``converged``, ``residual`` (always reported) and ``p``.

    Warns
    -----
    ConvergenceWarning
        When an exact method stops at ``max_iter`` with ``residual > tol``.

    See Also
    --------
    leverage_scores : The p = 2 case.
    lp_sensitivities : The sensitivities the weights bound.
    sensitivity_sample : Sample rows by Lewis weights.

    Notes
    -----
    For ``p < 4`` the map ``w -> T(w)`` is a contraction with factor ``|p/2 - 1|`` (in the
    max-log-ratio metric) [CP15]_, so the plain iteration from ``w = d/n`` converges linearly.
    For ``p >= 4`` the plain iteration can oscillate; the damped geometric step
    ``w <- w^{1-2/p} T(w)^{2/p}`` is used instead. It converges in about ``13 p`` iterations in
    our tests but has no published guarantee, so always check ``residual``.

    ``p`` is limited to ``[1, 100]`` in samplingstats.lp: the damped iteration needs about
    ``12.5 p`` leverage evaluations (measured: 1520 at ``p = 128``, 12 469 at ``p = 1000``),
    the lp costs ``|r|^p`` overflow float64 and the sample-size rates ``d^{p/2}`` lose meaning
    far below ``p = 1000``.

    References
    ----------
    .. [CP15] M. B. Cohen, R. Peng. Lp row sampling by Lewis weights. STOC 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import lewis_weights
    >>> A = np.random.default_rng(0).standard_normal((500, 4))
    >>> res = lewis_weights(A, p=1)
    >>> res.converged, round(float(res.weights.sum()), 6)
    (True, 4.0)
    >>> res.residual <= 1e-8
    True
    """
    if is_dask_array(A):
        from ._dask import dask_lewis_weights

        return dask_lewis_weights(
            A, p=p, method=method, tol=tol, max_iter=max_iter, rng=rng, progress=progress
        )
    kind, A = as_lp_matrix(A, "A", caller="lewis_weights", keep_float32=True)
    n, d = A.shape
    p = float(p)
    if n < d:
        raise rank_error("lewis_weights", "A", n, d)
    gen = as_generator(rng) if method == "sketch" else rng
    if kind == "torch":
        # a float32 fixed point cannot be resolved below ~eps: floor the tolerance at 50 eps
        tol = max(tol, 50 * float(import_torch().finfo(A.dtype).eps))
    if max_iter is None:
        max_iter = default_max_iter(p, n, tol, method)
    log = get_logger("lp")
    log.info(
        "lewis_weights: n=%d, d=%d, p=%g, method=%r, at most %d iterations",
        n,
        d,
        p,
        method,
        max_iter,
    )
    t0 = time.perf_counter()
    with progress_bar(progress, total=max_iter, desc="lewis_weights", unit="iter") as bar:
        on_iter = iteration_monitor(bar, "lewis_weights")
        w, n_iter, converged, res = _memory.lewis_core(
            kind, A, p, method, gen, tol, max_iter, {}, on_iter=on_iter
        )
    log.info(
        "lewis_weights: %d iterations, residual %.3g, converged=%s, %.2f s",
        n_iter,
        res,
        converged,
        time.perf_counter() - t0,
    )
    if kind == "dense" and A.dtype == np.float32:
        w = w.astype(np.float32)  # computed in float64 (row blocks), returned like the input
    return LewisWeightsResult(weights=w, n_iter=n_iter, converged=converged, residual=res, p=p)
