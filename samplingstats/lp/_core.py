"""Numerical pieces shared by the in-memory executor (:mod:`._memory`) and the dask executor
(:mod:`._dask`) of samplingstats.lp: rank tolerances and checks, the Cholesky factor, sketch sizes,
iteration caps, the sampling scores' definitions and the draw of a row sample.

Imports only the bottom layer (:mod:`._common`, :mod:`._results`); both executors import it.
Public-within-package names (no leading underscore): neither executor reaches into the other's
private names.
"""

from __future__ import annotations

import math

import numpy as np

from .._backend import is_torch, one_blas_thread, to_numpy
from .._rng import as_generator
from ._common import rank_error
from ._results import RowSample

__all__ = [
    "CHOLESKY_MAX_COND",
    "EXACT_SENSITIVITY_MAX_ROWS",
    "SCORES",
    "SKETCH_MIN_ENTRIES",
    "check_scores_array",
    "chol_factor",
    "combine_scores",
    "default_max_iter",
    "draw_sample",
    "lewis_bound_of_weights",
    "rank_of_triangular",
    "rank_tol",
    "row_sq",
    "sampling_lewis_iter",
    "sampling_lewis_tol",
    "sketch_dims",
    "scaled_block",
    "block_gram",
    "inverse_cholesky_t",
    "block_leverage_from_factor",
    "one_blas_thread",
    "cholesky_cond",
    "sketch_projection",
    "AUTO_ROWS_PER_COLUMN",
    "auto_n_samples",
]

# Gram + Cholesky squares the condition number: used by "auto" only when cond(A) < this.
CHOLESKY_MAX_COND = 1e6


def rank_tol(n, d, dtype=np.float64):
    return max(n, d) * float(np.finfo(dtype).eps)


_EPS64 = float(np.finfo(np.float64).eps)


def rank_of_triangular(R, eps=_EPS64):
    """Numerical rank of ``A`` from its triangular factor ``R`` (same singular values)."""
    sv = np.linalg.svd(np.asarray(R), compute_uv=False)
    if sv.size == 0 or sv[0] == 0:
        return 0
    return int(np.count_nonzero(sv > sv[0] * R.shape[1] * eps * 10))


def min_sketch_size(n, d):
    """Smallest sketch kept: ``min(n, max(8 d, 64))`` rows.

    Smaller CountSketches do not keep the subspace embedding: measured on 2e4 x d Gaussian and
    t(2) matrices (d = 4, 10, 50; 5 seeds), the sketched scores summed to 2-16000 d with d or 2 d
    sketch rows, and to 0.97-1.57 d with 8 d rows.
    """
    return min(n, max(8 * d, 64))


def sketch_dims(n, d, sketch_size, sparsity, jl_dim):
    k = 1 if sparsity is None else int(sparsity)
    if sketch_size is not None and int(sketch_size) > n:
        from .._exceptions import InvalidParameterError

        raise InvalidParameterError(
            f"The 'sketch_size' parameter of leverage_scores must be at most the number of rows "
            f"n={n} (a sketch with as many rows as A is A itself: use method='qr'). Got "
            f"{sketch_size!r} instead."
        )
    if sketch_size is not None and int(sketch_size) < min_sketch_size(n, d):
        import warnings

        floor = min_sketch_size(n, d)
        warnings.warn(
            f"The 'sketch_size' parameter of leverage_scores ({int(sketch_size)}) is below the "
            f"smallest sketch that keeps the subspace embedding for d = {d} columns, "
            f"max(8 d, 64) = {floor}; using {floor} rows.",
            UserWarning,
            stacklevel=4,
        )
        sketch_size = floor
    if sketch_size is None:
        # CountSketch needs O(d^2) rows in the worst case, but on our test matrices 20d rows
        # (at least 64) keep the distortion of R within ~1.5 (see tests/lp and bench_lp); the QR
        # of a 20d x d sketch is negligible next to the two passes over A.
        s = max(20 * d, 64)
    else:
        s = int(sketch_size)
    s = max(min(s, n), d)
    r = 16 if jl_dim is None else int(jl_dim)
    if jl_dim is not None:
        from .._validation import check_size

        # the Gaussian d x r, R^{-1} G and (torch, CSR) the n x r product
        check_size(
            jl_dim,
            "jl_dim",
            bytes_per_item=8 * (2 * d + n),
            caller="leverage_scores",
            what=f"the {d} x jl_dim JL projection and the {n} x jl_dim product",
        )
    return s, k, r


def row_sq(Y):
    Y = np.asarray(Y, dtype=np.float64)
    return np.einsum("ij,ij->i", Y, Y)


def chol_factor(G):
    """Lower Cholesky factor of G, or None if G is not numerically positive definite."""
    try:
        L = np.linalg.cholesky(G)
    except np.linalg.LinAlgError:
        return None
    dg = np.diag(L)
    if not np.all(np.isfinite(dg)) or dg.min() <= 0:
        return None
    return L


def default_max_iter(p, n, tol, method):
    if method == "sketch":
        return 6
    if p >= 4:
        return int(40 * p + 100)
    c = abs(p / 2 - 1)
    if c == 0:
        return 2
    start = 1.0 + math.log(max(n, 2))
    return int(math.ceil((math.log(tol) - math.log(start)) / math.log(c))) + 20


def choose_leverage(method, rcond, *, svd, sketch, cholesky, qr):
    """The one choice between the leverage computations, shared by both executors: ``svd()``
    when ``rcond`` is given, ``sketch()`` for ``method="sketch"``, ``cholesky(strict)`` for
    "auto" / "cholesky" (``strict`` for "cholesky"; it returns None when "auto" meets an
    ill-conditioned Gram matrix), ``qr()`` otherwise and as the fallback."""
    if rcond is not None:
        return svd()
    if method == "sketch":
        return sketch()
    if method in ("auto", "cholesky"):
        tau = cholesky(method == "cholesky")
        if tau is not None:
            return tau
    return qr()


# ----------------------------------------------------------------------------------------------
# the Lewis iteration's stopping rules, shared by both executors
# ----------------------------------------------------------------------------------------------
# an iteration stops when its residual has not reached a new minimum in this many iterations
STALL_ITERATIONS = 50


class StallMonitor:
    """Early stop of a diverging or stalled fixed-point iteration: ``stop(res)`` is True when the
    residual is NaN, or when it has been below 1 and has then not reached a new minimum in
    :data:`STALL_ITERATIONS` iterations (a contraction improves on it every few iterations).

    Residuals of 1 and above are not counted: at large ``p`` the map ``T(w)`` under- or
    overflows on some rows during the first iterations (residual exactly 1, or inf) while the
    iteration is making progress (at ``p = 100`` for about 70 iterations); ``max_iter`` bounds
    that phase."""

    def __init__(self) -> None:
        self.best, self.since, self.stalled = math.inf, 0, False

    def stop(self, res: float) -> bool:
        if res < self.best:
            self.best, self.since = res, 0
        elif self.best < 1:
            self.since += 1
        self.stalled = res != res or self.since >= STALL_ITERATIONS
        return self.stalled


def warn_lewis(n_iter, p, res, tol, monitor, stacklevel) -> None:
    """The ConvergenceWarning of a Lewis iteration that stopped above ``tol``."""
    import warnings

    from .._exceptions import ConvergenceWarning

    if monitor is not None and monitor.stalled:
        why = (
            f"stopped early at {n_iter} iterations at p={p}: the fixed-point residual has not "
            f"decreased for {monitor.since} iterations (best {monitor.best:.3g}, now {res:.3g} "
            f"> tol={tol:g}); the iteration is not converging"
        )
    else:
        why = (
            f"did not converge in {n_iter} iterations at p={p}: fixed-point residual "
            f"{res:.3g} > tol={tol:g}. Increase max_iter or tol"
        )
    warnings.warn(f"lewis_weights {why}.", ConvergenceWarning, stacklevel=stacklevel + 1)


# which sampling scores (the scores= word of sensitivity_sample / lp_regression / LpRegressor)
SCORES = (
    "lewis",
    "sensitivity",
    "augmented",
    "root_leverage",
    "mixed",
    "leverage",
    "uniform",
)

# exact sensitivities (one convex program per row) are used by the "sensitivity", "augmented"
# and "mixed" scores up to this many rows; above it, the Lewis-weight bound replaces them.
EXACT_SENSITIVITY_MAX_ROWS = 500

# above this many entries, sampling scores use sketched leverage scores
SKETCH_MIN_ENTRIES = 4_000_000


# Sampling needs Lewis weights only to a constant factor [CP15]: the scores of the sampling paths
# are within a factor exp(SAMPLING_LOG_ERROR) = 1.105 of the exact weights (exact leverage, p < 4).
SAMPLING_LOG_ERROR = 0.1


def sampling_lewis_tol(p):
    """Residual at which the exact-leverage sampling iteration stops (it then returns the image
    of its last map, ``last_step=True``).

    For ``p < 4`` the map ``T`` contracts the max-log-ratio distance by ``c = |p/2 - 1|``
    [CP15], so the returned ``T(w)`` is within ``c / (1 - c) * dist(w, T(w))`` of the fixed
    point, and ``dist(w, T(w)) <= -log(1 - res)`` for the residual ``res = max|T(w)/w - 1|``:
    stopping at ``res <= 1 - exp(-SAMPLING_LOG_ERROR (1 - c) / c)`` keeps the returned weights
    within ``exp(SAMPLING_LOG_ERROR)`` of the exact ones (0.095 at ``p`` = 1 and 3, 0.26 at
    ``p = 1.5``). For ``p >= 4`` (damped, no bound) ``1e-2``."""
    c = abs(p / 2 - 1)
    if p >= 4:
        return 1e-2
    if c == 0:
        return 0.5  # one exact leverage evaluation is the answer
    return float(-math.expm1(-SAMPLING_LOG_ERROR * (1 - c) / c))


def sampling_lewis_iter(p, *, sketch=False):
    """Leverage evaluations of the sampling paths' Lewis weights (the last map's image is
    returned, so ``k`` evaluations apply ``k`` steps).

    Exact leverage: a cap (6 for ``p < 4``, ``3 p`` above), the stop being
    :func:`sampling_lewis_tol`. Sketched leverage (each evaluation carries a fresh
    constant-factor sketch error, so residuals cannot certify anything): the fewest steps with
    ``|p/2 - 1|^k <= 1/8`` (3 at ``p`` = 1 and 3, 2 at ``p = 1.5``, 1 at ``p = 2``), at most 5,
    and 5 for ``p >= 4``."""
    if p >= 4:
        return 5 if sketch else int(3 * p)
    if not sketch:
        return 6
    c = abs(p / 2 - 1)
    if c == 0:
        return 1
    return int(min(5, max(1, math.ceil(math.log(1 / 8) / math.log(c) - 1e-9))))


def check_scores_for_p(scores, p, caller):
    """Refuse sampling ``scores`` whose guarantee does not hold at this ``p`` (the rule of
    ``lp_sensitivities(method="root_leverage")``: root leverage bounds the sensitivities for
    ``p <= 2`` only)."""
    if isinstance(scores, str) and scores == "root_leverage" and float(p) > 2:
        from .._exceptions import InvalidParameterError

        raise InvalidParameterError(
            f"The 'scores' parameter of {caller}: 'root_leverage' bounds the lp sensitivities "
            f"only for p <= 2. Got p={float(p)!r}; use scores='lewis'."
        )


def combine_scores(scores, p, lewis, leverage, sensitivities):
    """Sampling ``scores`` (a name of :data:`SCORES`) from callables computing the three ingredients on demand.

    Shared by the in-memory and dask paths so every kind of scores is defined once.
    """
    if scores == "lewis":
        return lewis()
    if scores == "leverage":
        return leverage()
    if scores == "root_leverage":
        return leverage() ** (p / 2)
    if scores == "sensitivity":
        return sensitivities()
    if scores == "augmented":
        return sensitivities() + leverage()
    if scores == "mixed":
        s, tau = sensitivities(), leverage()
        return 0.5 * s / s.sum() + 0.5 * tau / tau.sum()
    raise AssertionError(scores)  # pragma: no cover


def lewis_bound_of_weights(w, d, p):
    """``min(1, d^{max(0, p/2-1)} w_i)`` for (approximate) Lewis weights ``w`` (numpy or torch):
    the Lewis bound on the lp sensitivities, inflated by ``1e-6`` relative to stay an upper bound
    despite the weights' own ~1e-8 error."""
    c = float(d) ** max(0.0, p / 2 - 1)
    b = c * w * (1 + 1e-6)
    return b.clamp(max=1.0) if is_torch(b) else np.minimum(b, 1.0)


def draw_sample(scores, n_samples, p, mode, rng, n):
    from ..sampling import AliasTable, inclusion_probabilities, poisson_sample

    gen = as_generator(rng)
    if mode == "bernoulli":
        n_pos = int(np.count_nonzero(scores > 0))
        q = inclusion_probabilities(scores, min(float(n_samples), n_pos))
        idx = poisson_sample(q, rng=gen)
        qi = q[idx]
        return RowSample(
            indices=idx, scale=qi ** (-1.0 / p), probabilities=qi, p=p, mode=mode, n_rows=n
        )
    table = AliasTable(scores)
    pi = table.probabilities
    idx = np.sort(np.asarray(table.sample(int(n_samples), rng=gen), dtype=np.int64))
    pii = pi[idx]
    return RowSample(
        indices=idx,
        scale=(n_samples * pii) ** (-1.0 / p),
        probabilities=pii,
        p=p,
        mode=mode,
        n_rows=n,
    )


def check_scores_array(scores, n, caller="sensitivity_sample"):
    from .._validation import check_weights, refuse_complex

    refuse_complex(scores, "scores", caller=caller)
    if is_torch(scores):
        scores = to_numpy(scores)
    return check_weights(scores, "scores", length=n)


# ----------------------------------------------------------------------------------------------
# Gram + Cholesky over row blocks: the dask executor runs these per chunk, the in-memory executor
# on the whole (dense) matrix as its one block -- the same operations, the same bits.
# ----------------------------------------------------------------------------------------------
def scaled_block(X, sc=None):
    """``diag(sc) X`` of a dense row block as float64 C-contiguous (``sc=None``: ``X``)."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    if sc is not None:
        X = X * np.asarray(sc, dtype=np.float64)[:, None]
    return X


def block_gram(X, sc=None):
    """The block's part ``Y^T Y`` of the Gram matrix of ``Y = diag(sc) X``."""
    Y = scaled_block(X, sc)
    return Y.T @ Y


def inverse_cholesky_t(L):
    """``L^{-T}`` (``d x d``) of a lower Cholesky factor: ``tau_i = ||L^{-1} a_i||^2`` is then one
    matmul per block (no triangular solve with ``n`` right-hand sides)."""
    import scipy.linalg as sla

    d = L.shape[0]
    return sla.solve_triangular(L, np.eye(d), lower=True, check_finite=False).T


def block_leverage_from_factor(X, sc, Linv_t):
    """Leverage scores ``||Linv_t^T diag(sc) x_i||^2`` of the rows of a dense block."""
    return row_sq(scaled_block(X, sc) @ Linv_t)


# ----------------------------------------------------------------------------------------------
# small dense factorisations (d x d, s x d): on one BLAS thread
# ----------------------------------------------------------------------------------------------


def cholesky_cond(G):
    """``(L, cond(L))`` of a Gram matrix (``(None, inf)`` when not positive definite), on one
    BLAS thread."""
    with one_blas_thread():
        L = chol_factor(G)
        return L, (np.inf if L is None else np.linalg.cond(L))


def sketch_projection(SA, rng, r, caller, name):
    """``(R^{-1} G)^T`` (``r x d``, C-contiguous) from the sketch ``SA = Pi A`` (``s x d``):
    ``R`` from ``QR(SA)`` (rank checked), ``G`` a ``d x r`` standard normal drawn from ``rng``.
    The sketched leverage scores are then ``||a_i^T R^{-1} G||^2 / r``. Shared by both executors
    (in memory, the dask leverage and the fused dask Lewis loop); on one BLAS thread."""
    import scipy.linalg as sla

    s, d = SA.shape
    with one_blas_thread():
        R = np.linalg.qr(SA, mode="r")
        diag = np.abs(np.diag(R))
        if diag.max() == 0 or diag.min() <= rank_tol(s, d) * 10 * diag.max():
            rank = rank_of_triangular(R)
            if rank < d:
                raise rank_error(caller, name, rank, d)
        G = rng.standard_normal((d, r))
        M = sla.solve_triangular(R, G, lower=False)
    return np.ascontiguousarray(M.T)


# ----------------------------------------------------------------------------------------------
# n_samples="auto": sample only where sampling is faster than the full solve
# ----------------------------------------------------------------------------------------------
AUTO_ROWS_PER_COLUMN = 40


def auto_n_samples(n, d, p):
    """The expected sample size of ``n_samples="auto"`` for an ``n x d`` problem, or ``None`` for
    the full solve.

    ``40 d`` rows (cost within ~2% of optimal in the benchmarks) when sampling is the faster path:
    ``p < 2`` and ``n >= 10 * 40 d``. For ``p >= 2`` the full IRLS converges in a handful of
    weighted least-squares steps (one at ``p = 2``), each costing about one of the (up to six)
    Lewis iterations the sampling scores need (measured in ``benchmarks/bench_lp.py``: the sampled
    path took 1.3-2.3x the full IRLS at ``p`` = 2.5 and 3, and 0.2-0.5x at ``p`` = 1.5 and 1.8; at
    ``p = 1`` the full LP is 7-40x slower). Where the scores are sketched (``n (d + 1) >= 4e6``)
    sampling at ``p`` = 2.5-3 can be up to ~2x faster than the full IRLS, but 40 d rows then give
    a cost 1-5 % above optimal in median on Gaussian data (up to 13 % at ``p = 3.5``; 20 draws,
    notes/session-6/lp_cost.txt), beyond the ~2 % "auto" stands for: the full solve is kept.
    """
    m = AUTO_ROWS_PER_COLUMN * d
    if p >= 2 or n < 10 * m:
        return None
    return m
