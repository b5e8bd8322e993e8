"""Inner estimate of the distortion of an lp row sample: min and max of ||SAx||_p / ||Ax||_p."""

from __future__ import annotations

import dataclasses
import numbers
import time
from typing import ClassVar

import numpy as np

from .._exceptions import InvalidParameterError
from .._progress import get_logger, progress_bar
from .._results import Result
from .._rng import as_generator
from .._validation import Interval, check_size, validate_params
from ._common import P_CONSTRAINT, MatrixLike, RngLike, as_lp_matrix
from ._results import RowSample

__all__ = ["embedding_distortion", "DistortionResult"]


@dataclasses.dataclass(repr=False)
class DistortionResult(Result):
    """Result of :func:`embedding_distortion`.

    Attributes
    ----------
    low, high : float
        Smallest and largest ``||S A x||_p / ||A x||_p`` found (an inner estimate of the true
        range: the true ``low`` is at most, the true ``high`` at least, these values).
    n_directions : int
        Number of directions evaluated (refinement steps included).
    x_low, x_high : ndarray, shape (d,)
        The directions attaining ``low`` and ``high``.

    ``to_frame()`` gives one row (``low``, ``high``, ``n_directions``).

    See Also
    --------
    embedding_distortion : Returns it.
    """

    _frame_fields: ClassVar[tuple[str, ...]] = ()

    low: float
    high: float
    n_directions: int
    x_low: np.ndarray | None = dataclasses.field(default=None, repr=False)
    x_high: np.ndarray | None = dataclasses.field(default=None, repr=False)


def _pnorms(M, X, p):
    Y = np.abs(np.asarray(M @ X))
    if Y.ndim == 1:
        Y = Y[:, None]
    return (Y**p).sum(axis=0) ** (1.0 / p)


def _grad_pnorm(M, x, p):
    """Gradient of ``||M x||_p`` (a subgradient at kinks)."""
    y = np.asarray(M @ x).ravel()
    nrm = (np.abs(y) ** p).sum() ** (1.0 / p)
    if nrm == 0:
        return None
    g = np.sign(y) * (np.abs(y) / nrm) ** (p - 1)
    return np.asarray(M.T @ g).ravel()


def _min_norm_on_plane(M, c, p):
    """``argmin ||M x||_p`` subject to ``c^T x = 1`` (lp regression on the plane's null space)."""
    from ._solvers import solve_lp

    d = c.shape[0]
    x0 = c / (c @ c)
    if d == 1:
        return x0
    # orthonormal basis of the null space of c^T
    Q = np.linalg.qr(np.column_stack([c, np.eye(d)[:, : d - 1]]))[0]
    N = Q[:, 1:d]
    MN = np.asarray(M @ N)
    target = -np.asarray(M @ x0).ravel()
    try:
        z = solve_lp(MN, target, p, "auto", tol=1e-9, max_iter=100)[0]
    except RuntimeError:
        return None
    return x0 + N @ z


@validate_params(
    {
        "A": ["array-like"],
        "S": [RowSample],
        "p": [P_CONSTRAINT],
        "rng": ["rng"],
        "n_directions": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_refine": [Interval(numbers.Integral, 0, None, closed="left")],
        "progress": ["boolean"],
    },
    caller="embedding_distortion",
)
def embedding_distortion(
    A: MatrixLike,
    S: RowSample,
    *,
    p: float,
    rng: RngLike = None,
    n_directions: int = 256,
    n_refine: int = 3,
    progress: bool = False,
) -> DistortionResult:
    """Estimate the range of ``||S A x||_p / ||A x||_p`` over ``x`` (the embedding distortion).

    Directions: ``n_directions`` random ones (half Gaussian, half Gaussian in the whitened
    coordinates ``R^{-1} g`` with ``A = QR``), the coordinate axes, and the "spike" directions
    ``(A^T A)^{-1} a_i`` of the 32 rows of largest leverage. The best directions are then refined
    by ``n_refine`` convex-concave (Dinkelbach) steps: for the low end,
    ``x <- argmin ||SAx||_p s.t. grad||Ax||_p(x)^T x' = 1``, which never increases the ratio
    (and symmetrically for the high end). The result is an inner estimate of the true range.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix or torch.Tensor, shape (n, d)
        The sampled matrix.
    S : RowSample
        A sample of its rows (from :func:`sensitivity_sample`).
    p : float
        Exponent, ``1 <= p <= 100`` (the supported range: see :func:`lewis_weights`).
    rng : None, int or numpy.random.Generator, optional
        Randomness of the random directions.
    n_directions : int, default 256
        Random directions.
    n_refine : int, default 3
        Dinkelbach refinement steps at each end.
    progress : bool, default False
        Show a progress bar (the directions, then each refinement step; tqdm when installed).
        The range found after each stage is logged (INFO) on the ``samplingstats.lp`` logger.

    Returns
    -------
    DistortionResult
        ``low``, ``high``, ``n_directions``, and the extreme directions ``x_low``, ``x_high``.

    See Also
    --------
    sensitivity_sample : Draws the sample ``S``.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import embedding_distortion, sensitivity_sample
    >>> A = np.random.default_rng(0).standard_t(3, size=(5000, 4))
    >>> S = sensitivity_sample(A, p=1, n_samples=400, rng=1)
    >>> dist = embedding_distortion(A, S, p=1, rng=2)
    >>> print(f"{dist.low:.2f} {dist.high:.2f}")
    1.01 1.15
    """
    kind, M = as_lp_matrix(A, "A", caller="embedding_distortion")
    if kind == "torch":
        M = M.detach().cpu().double().numpy()
        kind = "dense"
    p = float(p)
    n, d = M.shape
    check_size(
        n_directions,
        "n_directions",
        bytes_per_item=8 * (n + d),
        caller="embedding_distortion",
        what=f"the {n} x n_directions matrix of projections",
    )
    if S.n_rows != n:
        raise InvalidParameterError(
            f"Argument 'S' of embedding_distortion samples {S.n_rows} rows but 'A' has {n}."
        )
    gen = as_generator(rng)
    t0 = time.perf_counter()
    B = S.apply(M)
    Md = M.toarray() if kind == "sparse" else M
    R: np.ndarray = np.linalg.qr(Md, mode="r")  # type: ignore[assignment]
    if np.abs(np.diag(R)).min() <= 1e-12 * np.abs(np.diag(R)).max():
        raise InvalidParameterError(
            "Argument 'A' of embedding_distortion is rank deficient; the distortion over its "
            "column space is not defined by directions in R^d."
        )
    half = n_directions // 2
    G1 = gen.standard_normal((d, half))
    G2 = np.linalg.solve(R, gen.standard_normal((d, n_directions - half)))
    # spike directions of the highest-leverage rows: x = (A^T A)^{-1} a_i = R^{-1} R^{-T} a_i
    Qrows = np.linalg.solve(R.T, Md.T).T  # rows of Q
    tau = np.einsum("ij,ij->i", Qrows, Qrows)
    top = np.argsort(-tau)[: min(32, n)]
    spikes = np.linalg.solve(R, Qrows[top].T)
    X = np.hstack([G1, G2, np.eye(d), spikes])
    num = _pnorms(B, X, p)
    den = _pnorms(M, X, p)
    ratio = num / den
    n_dir = X.shape[1]
    i_lo, i_hi = int(np.argmin(ratio)), int(np.argmax(ratio))
    x_lo, x_hi = X[:, i_lo], X[:, i_hi]
    lo, hi = float(ratio[i_lo]), float(ratio[i_hi])
    log = get_logger("lp")
    log.info(
        "embedding_distortion: %d directions, range [%.4g, %.4g] (%.2f s)",
        n_dir,
        lo,
        hi,
        time.perf_counter() - t0,
    )
    with progress_bar(progress, total=n_refine, desc="embedding_distortion", unit="step") as bar:
        lo, hi, x_lo, x_hi, n_dir = _refine(M, B, p, lo, hi, x_lo, x_hi, n_dir, n_refine, bar)
    log.info("embedding_distortion: refined range [%.4g, %.4g]", lo, hi)
    return DistortionResult(low=lo, high=hi, n_directions=n_dir, x_low=x_lo, x_high=x_hi)


def _refine(M, B, p, lo, hi, x_lo, x_hi, n_dir, n_refine, bar):
    """Dinkelbach steps at both ends of the range (see :func:`embedding_distortion`)."""
    for _ in range(n_refine):
        improved = False
        if lo > 0:
            g = _grad_pnorm(M, x_lo, p)
            x = _min_norm_on_plane(B, g, p) if g is not None else None
            if x is not None:
                n_dir += 1
                r = float(_pnorms(B, x, p)[0] / _pnorms(M, x, p)[0])
                if r < lo - 1e-12:
                    lo, x_lo, improved = r, x, True
        g = _grad_pnorm(B, x_hi, p)
        x = _min_norm_on_plane(M, g, p) if g is not None else None
        if x is not None:
            n_dir += 1
            r = float(_pnorms(B, x, p)[0] / _pnorms(M, x, p)[0])
            if r > hi + 1e-12:
                hi, x_hi, improved = r, x, True
        bar.update(1)
        bar.set_postfix_str(f"range [{lo:.4g}, {hi:.4g}]")
        if not improved:
            break
    return lo, hi, x_lo, x_hi, n_dir
