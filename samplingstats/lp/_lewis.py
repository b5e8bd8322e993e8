"""lp Lewis weights by the Cohen-Peng fixed point (p < 4) and a damped iteration (p >= 4)."""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
import warnings

import numpy as np

from .._backend import import_torch
from .._exceptions import ConvergenceWarning
from .._progress import get_logger, progress_bar
from .._results import Result
from .._rng import as_generator
from .._validation import Interval, StrOptions, validate_params
from ._common import P_CONSTRAINT, as_lp_matrix, iteration_monitor, rank_error
from ._dask import is_dask_array
from ._leverage import _lev_sketch_numpy, _leverage

__all__ = ["lewis_weights", "LewisWeightsResult"]


@dataclasses.dataclass(repr=False)
class LewisWeightsResult(Result):
    """Result of :func:`lewis_weights`.

    Attributes
    ----------
    weights : ndarray or torch.Tensor, shape (n,)
        The lp Lewis weights (``sum = d`` at the fixed point; zero for zero rows of ``A``).
    n_iter : int
        Number of leverage-score evaluations.
    converged : bool
        Whether ``residual <= tol``.
    residual : float
        Relative fixed-point residual of the returned weights,
        ``max_i |T(w)_i / w_i - 1|`` over the nonzero rows, where
        ``T(w)_i = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2}``.
    p : float
        The exponent.

    ``to_frame()`` gives one row per row of ``A`` (column ``weights``).
    """

    weights: object
    n_iter: int
    converged: bool
    residual: float
    p: float = dataclasses.field(default=float("nan"))

    def _frame_columns(self):
        """One row per row of ``A`` (``weights``; a dask vector is computed, a tensor copied to
        the host); ``n_iter``, ``converged``, ``residual``, ``p`` go into ``attrs``."""
        w = self.weights
        if is_dask_array(w):
            w = w.compute()
        if hasattr(w, "detach") and hasattr(w, "cpu"):
            w = w.detach().cpu().numpy()
        scalars = {
            "n_iter": self.n_iter,
            "converged": self.converged,
            "residual": self.residual,
            "p": self.p,
        }
        return {"weights": np.asarray(w)}, scalars


def _row_nonzero(kind, A):
    if kind == "torch":
        return (A != 0).any(dim=1)
    if kind == "sparse":
        return np.diff(A.indptr) > 0
    return (A != 0).any(axis=1)


def _scaled_leverage(kind, A, scale, method, rng, opts):
    """Leverage scores of ``diag(scale) A``."""
    if method == "sketch" and kind != "torch":
        return _lev_sketch_numpy(
            A,
            rng,
            "lewis_weights",
            "A",
            opts.get("sketch_size"),
            opts.get("sparsity"),
            opts.get("jl_dim"),
            sparse=kind == "sparse",
            scale=scale,
        )
    if kind == "sparse":
        import scipy.sparse as sp

        As = sp.csr_matrix(A.multiply(scale[:, None]))
    else:
        As = A * scale[:, None]
    return _leverage(kind, As, method, rng, caller="lewis_weights", name="A", **opts)


def _default_max_iter(p, n, tol, method):
    if method == "sketch":
        return 6
    if p >= 4:
        return int(40 * p + 100)
    c = abs(p / 2 - 1)
    if c == 0:
        return 2
    start = 1.0 + math.log(max(n, 2))
    return int(math.ceil((math.log(tol) - math.log(start)) / math.log(c))) + 20


def _lewis_core(kind, A, p, method, rng, tol, max_iter, opts, *, warn=True, on_iter=None):
    """Run the iteration on a validated matrix; returns ``(w, n_iter, converged, residual)``.

    ``on_iter(n_iter, residual)`` is called after every leverage evaluation (progress, logs)."""
    n, d = A.shape
    nz = _row_nonzero(kind, A)
    n_nz = int(nz.sum())
    if n_nz < d:
        raise rank_error("lewis_weights", "A", n_nz, d)
    full = n_nz == n
    if not full:
        idx = np.flatnonzero(np.asarray(nz.cpu()) if kind == "torch" else nz)
        if kind == "torch":
            torch = import_torch()
            A = A[torch.as_tensor(idx, device=A.device)]
        else:
            A = A[idx]
    m = A.shape[0]
    if kind == "torch":
        torch = import_torch()
        w = torch.full((m,), d / m, dtype=A.dtype, device=A.device)
    else:
        w = np.full(m, d / m)
    if p == 2:
        w = _scaled_leverage(kind, A, w**0, method, rng, opts)
        n_iter, res = 1, 0.0
        converged = True
        if on_iter is not None:
            on_iter(n_iter, res)
    else:
        e = 0.5 - 1.0 / p
        res = math.inf
        converged = False
        n_iter = 0
        tiny = 1e-300 if kind != "torch" else float(torch.finfo(A.dtype).tiny)
        for _ in range(max_iter):
            tau = _scaled_leverage(kind, A, w**e, method, rng, opts)
            n_iter += 1
            tau = tau.clamp_min(tiny) if kind == "torch" else np.maximum(tau, tiny)
            # Cohen-Peng map T(w) = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2} = (tau / w^{1-2/p})^{p/2}
            t = (tau / w ** (1 - 2 / p)) ** (p / 2)
            res = float(abs(t / w - 1).max())
            if on_iter is not None:
                on_iter(n_iter, res)
            if res <= tol:
                converged = True
                break
            if n_iter == max_iter:
                break  # keep w: the residual reported is the residual of the returned weights
            # p < 4: plain contraction; p >= 4: damped geometric step w^{1-2/p} T(w)^{2/p} = tau
            w = t if p < 4 else tau
        if not converged and warn and method != "sketch":
            warnings.warn(
                f"lewis_weights did not converge in {n_iter} iterations at p={p}: fixed-point "
                f"residual {res:.3g} > tol={tol:g}. Increase max_iter or tol.",
                ConvergenceWarning,
                stacklevel=3,
            )
    if not full:
        if kind == "torch":
            out = torch.zeros(n, dtype=w.dtype, device=w.device)
            out[torch.as_tensor(idx, device=w.device)] = w
        else:
            out = np.zeros(n)
            out[idx] = w
        w = out
    return w, n_iter, converged, res


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
def lewis_weights(A, *, p, method="auto", tol=1e-8, max_iter=None, rng=None, progress=False):
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
        dask array chunked by rows gives ``weights`` as a persisted dask vector.
    p : float
        Exponent, ``1 <= p < inf``.
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
        for ``p < 4``; ``40 p + 100`` for ``p >= 4``.
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

    Notes
    -----
    For ``p < 4`` the map ``w -> T(w)`` is a contraction with factor ``|p/2 - 1|`` (in the
    max-log-ratio metric) [CP15]_, so the plain iteration from ``w = d/n`` converges linearly.
    For ``p >= 4`` the plain iteration can oscillate; the damped geometric step
    ``w <- w^{1-2/p} T(w)^{2/p}`` is used instead. It converges in about ``13 p`` iterations in
    our tests but has no published guarantee, so always check ``residual``.

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
    kind, A = as_lp_matrix(A, "A")
    n, d = A.shape
    p = float(p)
    if n < d:
        raise rank_error("lewis_weights", "A", n, d)
    gen = as_generator(rng) if method == "sketch" else rng
    if kind == "torch":
        # a float32 fixed point cannot be resolved below ~eps: floor the tolerance at 50 eps
        tol = max(tol, 50 * float(import_torch().finfo(A.dtype).eps))
    if max_iter is None:
        max_iter = _default_max_iter(p, n, tol, method)
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
        w, n_iter, converged, res = _lewis_core(
            kind, A, p, method, gen, tol, max_iter, {}, on_iter=on_iter
        )
    log.info(
        "lewis_weights: %d iterations, residual %.3g, converged=%s, %.2f s",
        n_iter,
        res,
        converged,
        time.perf_counter() - t0,
    )
    return LewisWeightsResult(weights=w, n_iter=n_iter, converged=converged, residual=res, p=p)
