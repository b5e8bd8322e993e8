"""Peng--Wei SDP K-means: Burer--Monteiro and cvxpy solvers, rounding, sketch-and-lift."""

from __future__ import annotations

import contextlib
import dataclasses
import numbers
import warnings
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._exceptions import ConvergenceWarning
from .._progress import check_progress, get_logger, progress_bar
from .._results import Result
from .._rng import as_generator
from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    check_matrix,
    check_param,
)
from ._bm import Block, bm_solve
from ._certificate import partition_bound

__all__ = ["SDPResult", "sdp_kmeans"]

#: above this n the cvxpy reference solver is refused (O(n^2) variables, minutes at n = 200)
CVXPY_MAX_SAMPLES = 400

#: defaults shared by :func:`sdp_kmeans` and :class:`SDPKMeans` (one place: both signatures read
#: them, and a test checks that they agree)
DEFAULTS: dict[str, Any] = {
    "solver": "auto",
    "rank": None,
    "tol": None,
    "max_iter": None,
    "sketch": "auto",
    "sketch_size": None,
}

#: ``tol=None``: the tolerance of a full solve and of a solve on a sketch. On a sketch the SDP only
#: seeds Lloyd iterations on all points. Measured on hard mixtures (separation 4, n = 1e4 and 1e5,
#: d = 10 and 50, sketches of 300 to 3000 points): tol = 1e-6 cost 150 to 2700 Burer--Monteiro
#: iterations (a long crawl at a residual ~2e-4 and a relative gradient ~1.5e-3 until the
#: objective-stall rule fires), 1e-5 cost 80 to 360, 1e-4 cost 50 to 130; the final labels were
#: the same or a few points apart (Lloyd fixed points of equal objective), and the mean error over
#: random_state 0..4 was identical at all four shapes for 1e-5 and 1e-4
FULL_TOL, SKETCH_TOL = 1e-6, 1e-4
#: ``sketch="auto"``: smallest sketch (also 50 points per cluster). A uniform sketch of m points
#: holds about m p points of a cluster of proportion p; with 1000 points a 2 % cluster has 20.
#: Measured (n = 1e4, d = 2, clusters of 96/2/2 %, 8 sigma apart, 4 seeds): sketches of 150
#: points lost the small clusters in 4 of 4 fits (error 0.18-0.26), 600 in 1 of 4, 1000 in none,
#: as the full SDP (error <= 2e-4)
AUTO_MIN_SKETCH = 1000
#: ``sketch="auto"``: the sketch has at most n / AUTO_SHRINK points (so it sketches from
#: AUTO_SHRINK * AUTO_MIN_SKETCH = 8000 points), so the SDP on it costs a fraction of K-means
#: on all points (at 1e4 x 50 a sketch of 3000 points took 1.9x KMeans(n_init=10)'s time)
AUTO_SHRINK = 8

_LOG = get_logger("cluster")


@dataclasses.dataclass(repr=False)
class SDPResult(Result):
    """Result of :func:`sdp_kmeans`.

    Attributes
    ----------
    labels : ndarray of shape (n_samples,)
        Cluster labels in ``0 .. n_clusters - 1`` (rounded solution; with sketching, every point
        is assigned to the nearest sketch centroid).
    objective : float
        SDP objective :math:`\\langle \\tilde X\\tilde X^\\top, Z\\rangle` of the relaxed solution
        (on the sketch when sketching).
    factor : ndarray of shape (m, rank)
        Nonnegative factor :math:`U` with :math:`Z = UU^\\top` (``m`` = sketch size or n). For
        ``solver="cvxpy"`` the factor of the top ``rank`` eigenpairs of :math:`Z`.
    centers : ndarray of shape (n_clusters, n_features)
        Means of the clusters given by ``labels``.
    inertia : float
        K-means objective (within-cluster sum of squares) of ``labels`` on all points.
    residual : float
        Primal infeasibility :math:`\\|Z1 - 1\\|_2/\\sqrt m` of the relaxed solution.
    stationarity : float
        Relative projected-gradient norm at the last Burer--Monteiro iterate (``nan`` for cvxpy).
    n_iter : int
        Iterations run: the Lloyd iterations of the k-means++/Lloyd start plus the
        Burer--Monteiro iterations (SCS iterations are not reported: 0).
    converged : bool
        Whether the solver met its tolerances (for cvxpy: status ``optimal``).
    status : str
        ``"certified"`` (the start partition's dual certificate closed: it is an SDP solution and
        Burer--Monteiro did not run), ``"converged"``, ``"max_iter"`` or the cvxpy status.
    solver : str
        ``"bm"`` or ``"cvxpy"``.
    sample_indices : ndarray or None
        Indices of the sketch the SDP was solved on (``None`` without sketching).
    sketch_size : int or None
        Number of points of the sketch the SDP was solved on, ``None`` when the SDP was solved on
        all points (which path ran: ``sketch="auto"`` decides from n, d and K).
    tol : float
        Solver tolerance used (``tol=None`` resolves to 1e-6 for a full solve, 1e-4 on a sketch).
    upper_bound : float
        Certified upper bound on the SDP optimum (of the sketch's SDP when sketching): every
        feasible :math:`Z` is doubly stochastic, so :math:`Z \\preceq I` and (Ky Fan)
        :math:`\\langle A, Z\\rangle \\le \\sum_{j<K} \\sigma_j(\\tilde X)^2`. Loose (it
        ignores :math:`Z \\ge 0`) but free: :attr:`gap` bounds how far ``objective`` can be from
        the SDP optimum.
    dual_bound : float
        Certified upper bound on the SDP optimum (hence on the best K-means objective
        :math:`\\langle A, Z\\rangle`): the smallest of the partition certificates of the start and
        of the rounded solution (O(n p^2), see :func:`sdp_kmeans`), the Ky Fan bound and, with
        ``certify=True``, the dense bound from the solver's multiplier of :math:`Z1 = 1`.
        :attr:`duality_gap` is ``(dual_bound - objective) / dual_bound``: 0 (to rounding) when the
        returned partition is certified optimal. **With a sketch** ``objective``, ``upper_bound``,
        ``dual_bound`` and ``duality_gap`` are those of the SDP solved on the sketch: they certify
        how far the relaxed solution on the sketch is from that SDP's optimum (and so bound the
        best K-means objective of the sketch), not the labels of all points (for those, a fit
        without sketching reports the certificate; ``inertia`` is always on all points).

    See Also
    --------
    sdp_kmeans : the function that returns it.
    SDPKMeans : the estimator, which keeps it as ``result_``.
    """

    labels: NDArray[np.int64]
    objective: float
    factor: NDArray[np.float64]
    centers: NDArray[np.float64] | None = None
    inertia: float = float("nan")
    residual: float = float("nan")
    stationarity: float = float("nan")
    n_iter: int = 0
    converged: bool = True
    status: str = ""
    solver: str = "bm"
    sample_indices: NDArray[np.intp] | None = None
    sketch_size: int | None = None
    tol: float = float("nan")
    upper_bound: float = float("nan")
    dual_bound: float = float("nan")

    # to_frame(): one row per point (its label); the scalar diagnostics go to DataFrame.attrs
    _frame_fields: ClassVar[tuple[str, ...]] = ("labels",)

    @property
    def duality_gap(self) -> float:
        """Relative gap ``(dual_bound - objective) / dual_bound`` (``nan`` without a bound)."""
        db = float(self.dual_bound)
        return (db - float(self.objective)) / abs(db) if db == db and db != 0 else float("nan")

    @property
    def gap(self) -> float:
        """Relative gap ``(upper_bound - objective) / upper_bound``: the SDP optimum is within it."""
        ub = float(self.upper_bound)
        return (ub - float(self.objective)) / ub if ub > 0 else 0.0


_CONTROLLER: list[Any] = []


@contextlib.contextmanager
def _blas_threads(work):
    """One BLAS/OpenMP thread for small problems: on skinny products threads cost more than they
    save (100x slower than one thread on a loaded machine). ``work`` ~ flops of one product."""
    if work > 5e7:
        yield
        return
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a scikit-learn dependency
        yield
        return
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    with _CONTROLLER[0].limit(limits=1):
        yield


def _distinct_at_least(X, k):
    """True if X has at least k distinct rows: O(n d k), no sort (np.unique(axis=0) sorts rows)."""
    fresh = np.ones(X.shape[0], dtype=bool)
    i = 0
    for found in range(1, k + 1):
        fresh &= np.any(X != X[i], axis=1)
        if found == k:
            return True
        rest = np.flatnonzero(fresh)
        if rest.size == 0:
            return False
        i = int(rest[0])
    return True


def check_cluster_input(X, n_clusters, caller, name="X"):
    """Validate the data matrix and n_clusters for a clustering call; return float64 X."""
    X = check_matrix(X, name)
    n = X.shape[0]
    check_param(
        n_clusters,
        [Interval(numbers.Integral, 1, None, closed="left")],
        name="n_clusters",
        caller=caller,
    )
    if n_clusters > n:
        raise InvalidParameterError(
            f"The 'n_clusters' parameter of {caller} must be at most the number of samples; got "
            f"n_clusters={n_clusters} with n_samples={n}."
        )
    if n < 2 or not _distinct_at_least(X, 2):
        raise InvalidParameterError(
            f"Argument {name!r} must contain at least 2 distinct points to cluster (n_samples={n})."
        )
    if not _distinct_at_least(X, n_clusters):
        raise InvalidParameterError(
            f"Argument {name!r} has fewer distinct points than n_clusters={n_clusters}."
        )
    return X


def _nearest(X, centres):
    d2 = (
        np.einsum("ij,ij->i", X, X)[:, None]
        - 2.0 * X @ centres.T
        + np.einsum("ij,ij->i", centres, centres)[None, :]
    )
    return np.argmin(d2, axis=1)


def _lloyd(E, k, gen, n_init=3, max_iter=100):
    """k-means++ seeding (scikit-learn) and Lloyd iterations on a small embedding; best of n_init."""
    from sklearn.cluster import kmeans_plusplus

    best, best_inertia = None, np.inf
    for _ in range(n_init):
        centres, _ = kmeans_plusplus(E, k, random_state=int(gen.integers(2**31 - 1)))
        labels = _nearest(E, centres)
        for _ in range(max_iter):
            counts = np.bincount(labels, minlength=k)
            sums = np.zeros_like(centres)
            np.add.at(sums, labels, E)
            nz = counts > 0
            centres[nz] = sums[nz] / counts[nz, None]
            new = _nearest(E, centres)
            if np.array_equal(new, labels):
                break
            labels = new
        inertia = float(np.sum((E - centres[labels]) ** 2))
        if inertia < best_inertia:
            best, best_inertia = labels, inertia
    return best


def round_factor(U, k, gen, init_labels=None):
    """k-means++ and Lloyd on the rows of U projected on its top-k singular directions.

    With ``init_labels`` (the warm start's partition), Lloyd starts from that partition's
    centroids in the embedding (one run: Burer--Monteiro started from it, so its centroids are
    the natural seeds); kept only if its inertia is no worse than one k-means++ run's.
    """
    n = U.shape[0]
    _, V = np.linalg.eigh(U.T @ U)
    top = V[:, ::-1][:, : min(k, U.shape[1])]
    emb = U @ top
    emb *= np.sqrt(n)  # rows of the ideal factor are 1/sqrt(n_k): rescale to O(1)
    if init_labels is None:
        return _relabel(_lloyd(emb, k, gen), k)
    seeded = _lloyd_from(emb, init_labels, k)
    other = _lloyd(emb, k, gen, n_init=1)
    best = min((seeded, other), key=lambda lab: _embedding_inertia(emb, lab, k))
    return _relabel(best, k)


def _embedding_inertia(E, labels, k):
    return _inertia(E, labels, cluster_means(E, labels, k))


def _lloyd_from(E, labels, k, max_iter=100):
    """Lloyd iterations on E from the centroids of a partition."""
    centres = cluster_means(E, labels, k)
    labels = _nearest(E, centres)
    for _ in range(max_iter):
        centres = cluster_means(E, labels, k)
        new = _nearest(E, centres)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


def _relabel(labels, k):
    """Relabel so that labels appear in order of first occurrence (deterministic, canonical)."""
    labels = np.asarray(labels, dtype=np.int64)
    size = max(k, int(labels.max()) + 1)
    first = np.full(size, labels.shape[0], dtype=np.int64)
    np.minimum.at(first, labels, np.arange(labels.shape[0]))
    present = np.flatnonzero(first < labels.shape[0])
    order = present[np.argsort(first[present], kind="stable")]
    mapping = np.full(size, -1, dtype=np.int64)
    mapping[order] = np.arange(order.size)
    return mapping[labels]


def cluster_means(X, labels, k):
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sums = np.stack([X[labels == a].sum(axis=0) for a in range(k)])
    with np.errstate(invalid="ignore", divide="ignore"):
        centres = sums / counts[:, None]
    empty = counts == 0
    if empty.any():  # a cluster the rounding left empty: put its centre on the farthest point
        d2 = np.min(((X[:, None, :] - centres[~empty][None]) ** 2).sum(-1), axis=1)
        far = np.argsort(d2)[::-1]
        centres[empty] = X[far[: int(empty.sum())]]
    return centres


def _inertia(X, labels, centres):
    return float(np.sum((X - centres[labels]) ** 2))


#: k-means++/Lloyd restarts of the start partition that the certificate checks
N_START = 3


def _start_partition(X, k, gen):
    """Best of N_START k-means++/Lloyd runs (scikit-learn's KMeans): (labels 0 .. k-1, n_iter)."""
    from sklearn.cluster import KMeans

    seed = int(gen.integers(2**31 - 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate points: fewer distinct clusters than k
        km = KMeans(n_clusters=k, n_init=N_START, random_state=seed).fit(X)
    return _relabel(np.asarray(km.labels_, dtype=np.int64), k), int(km.n_iter_)


def _refine(X, centres, k, gen):
    """Lloyd iterations (scikit-learn's) on all of X to their fixed point, from the given centres
    or (``centres="k-means++"``) from one k-means++ seeding: (labels, n_iter, inertia)."""
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate points: fewer distinct clusters than k
        km = KMeans(
            n_clusters=k,
            init=centres,
            n_init=1,
            tol=0.0,  # to the fixed point (labels unchanged), not scikit-learn's centre-shift stop
            random_state=int(gen.integers(2**31 - 1)),
        ).fit(X)
    labels = _relabel(np.asarray(km.labels_, dtype=np.int64), k)
    return labels, int(km.n_iter_), float(km.inertia_)


def _lift_all(X, Xs, labels_s, k, gen):
    """The lift of sketch-and-lift: Lloyd iterations on all points from the sketch centroids, to
    their fixed point (the first one is the nearest-centroid assignment of sketch-and-lift; one
    assignment step alone misses the fixed point by a few points at n = 1e5): (labels, n_iter)."""
    labels, n_iter, _ = _refine(X, cluster_means(Xs, labels_s, k), k, gen)
    return labels, n_iter


def _lift(labels, k, rank):
    """Factor of the partition matrix: U[i, a] = 1/sqrt(n_a) for i in cluster a (rank columns)."""
    n = labels.shape[0]
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    U = np.zeros((n, max(rank, k)))
    U[np.arange(n), labels] = 1.0 / np.sqrt(counts[labels])
    return U[:, :rank] if rank >= k else U


#: weight of the uniform noise added to the lifted start partition (relative to its entries)
WARM_NOISE = 3.0
#: inexact augmented Lagrangian of the Peng--Wei solve (see bm_solve): multiplier steps after
#: inner solves to 0.3 x the feasibility residual, at most 400 iterations each. Chosen by
#: measurement on hard mixtures (separation 4; n = 600 to 3000, d = 10 and 50): with the warm
#: start, 1970 iterations over six problems (largest 606) against 3326 (largest 1443) for the
#: uninformed start with the previous 1 x / 200 rule
INNER_FACTOR, INNER_MAX = 0.3, 400
#: objective-stall window of the Peng--Wei solve (bm_solve's stall_window): on a hard sketch of
#: 600 points the iterate was feasible after 2000 iterations, then crawled 8000 more at a
#: stationarity of 1.3e-3 -> 1.0e-3 while the objective rose by 2e-4 (relative)
STALL_WINDOW = 200


def _warm_start(Xc, labels, k, rank, scale, gen):
    """Factor and multiplier lifted from a partition (the KKT point of the partition matrix).

    ``U = lift(labels) + WARM_NOISE * uniform / sqrt(n)`` (every column positive, so no column
    of the factor starts at the saddle U_j = 0; the noise also lets Burer--Monteiro leave a
    partition that merged two clusters) and ``y_i = (2 x_i . mean_a - |mean_a|^2) / scale`` for
    ``i`` in cluster ``a``: the multiplier of ``Z1 = 1`` that makes the partition matrix
    stationary (trace multiplier 0), in the units of the scaled affinity.
    """
    n = Xc.shape[0]
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    means = np.zeros((k, Xc.shape[1]))
    np.add.at(means, labels, Xc)
    means /= np.maximum(counts, 1.0)[:, None]
    own = means[labels]
    y0 = (2.0 * np.einsum("ij,ij->i", Xc, own) - np.einsum("ij,ij->i", own, own)) / scale
    U0 = _lift(labels, k, rank) + (WARM_NOISE / np.sqrt(n)) * gen.random((n, rank))
    return U0, y0


def _solve_bm(Xc, k, rank, tol, max_iter, gen, callback=None, labels0=None):
    n = Xc.shape[0]
    scale = float(np.sum(Xc * Xc)) / n
    if scale <= 0:
        scale = 1.0
    block = Block(Y=np.sqrt(2.0 / scale) * Xc, a=None, c=0.0, rank=rank, trace=float(k))
    if labels0 is None:
        U0, y0 = gen.random((n, rank)), None
    else:
        # warm start from the k-means++/Lloyd partition lifted to the factor, with its KKT
        # multiplier: about half the iterations of an uninformed start on hard mixtures
        U0, y0 = _warm_start(Xc, labels0, k, rank, scale, gen)
    with _blas_threads(n * Xc.shape[1] * rank):
        st = bm_solve(
            [block],
            U0,
            y0=y0,
            tol=tol,
            max_iter=max_iter,
            inner_factor=INNER_FACTOR,
            inner_max=INNER_MAX,
            stall_window=STALL_WINDOW,
            callback=callback,
        )
    U = st.U
    W = Xc.T @ U
    objective = float(np.sum(W * W))
    st.y = st.y * scale  # multiplier of Z1 = 1 in the units of A = Xc Xc^T
    return U, objective, st


#: largest sketch / sample size for which ``certify=True`` forms the n x n dual matrix
CERTIFY_MAX_SAMPLES = 1000


def dual_bound(Xc, y, U, k, n_steps=100):
    """Certified upper bound on the Peng--Wei optimum from the multiplier ``y`` of Z1 = 1.

    For every feasible Z and every symmetric N >= 0,
    <A, Z> = y^T 1 + <M, Z> <= y^T 1 + <M + N, Z> <= y^T 1 + sum of the top K eigenvalues of
    M + N, with M = A - (y 1^T + 1 y^T)/2 (Z >= 0 for the first step; 0 <= Z <= I, tr Z = K and
    Ky Fan for the second). N starts at max(-M, 0) on the pairs the solution separates and is
    improved by projected subgradient steps; the smallest bound seen is returned. O(n^2) memory.
    """
    from scipy.linalg import eigh

    n = Xc.shape[0]
    M = Xc @ Xc.T
    M -= 0.5 * (y[:, None] + y[None, :])
    Z = U @ U.T
    N = np.where(Z < 1e-3 * Z.max(), np.maximum(-M, 0.0), 0.0)
    base = float(np.sum(y))
    step0 = 0.5 * float(np.sum(Xc * Xc)) / n
    best = np.inf
    for t in range(n_steps + 1):
        w, V = eigh(M + N, subset_by_index=[n - k, n - 1])
        best = min(best, base + float(np.sum(w)))
        if t == n_steps:
            break
        P = V @ V.T
        N = np.maximum(N - step0 / np.sqrt(t + 1.0) * P / np.abs(P).max(), 0.0)
    return best


def _solve_cvxpy(Xc, k, rank, tol, max_iter):
    from ._cvx import peng_wei_cvxpy

    A = Xc @ Xc.T
    Z, value, status = peng_wei_cvxpy(A, k, eps=max(tol, 1e-9) * 10, max_iters=max_iter)
    if Z is None:
        raise RuntimeError(f"cvxpy/SCS returned no solution (status {status!r}).")
    Z = 0.5 * (Z + Z.T)
    w, V = np.linalg.eigh(Z)
    w, V = w[::-1][:rank], V[:, ::-1][:, :rank]
    U = V * np.sqrt(np.maximum(w, 0.0))
    U *= np.sign(U.sum(axis=0) + 1e-300)  # sign convention: nonnegative column sums
    residual = float(np.linalg.norm(Z.sum(axis=1) - 1.0) / np.sqrt(Z.shape[0]))
    return U, value, status, residual


def _sketch_indices(X, k, sketch, size, gen):
    n = X.shape[0]
    if sketch == "uniform":
        return np.sort(gen.choice(n, size=size, replace=False))
    # weighted sketch-and-lift: inclusion probability inversely proportional to the pilot
    # cluster size, so small clusters are not lost in the sketch
    from ..sampling import inclusion_probabilities, poisson_sample

    pilot_size = min(n, max(10 * k, size // 4))
    pilot = gen.choice(n, size=pilot_size, replace=False)
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, n_init=1, random_state=int(gen.integers(2**31 - 1))).fit(X[pilot])
    lab = _nearest(X, km.cluster_centers_)
    sizes = np.bincount(lab, minlength=k).astype(np.float64)
    weights = 1.0 / np.maximum(sizes[lab], 1.0)
    pi = inclusion_probabilities(weights, size)
    idx = np.asarray(poisson_sample(pi, rng=gen), dtype=np.int64)
    if idx.size < max(k, 2):  # vanishingly unlikely; fall back to uniform
        idx = np.sort(gen.choice(n, size=size, replace=False))
    return idx


def default_sketch_size(n, k, d):
    """Sketch size: enough points per cluster for the SDP, capped for speed."""
    return int(min(n, max(50 * k, min(5000, 20 * k * d))))


def auto_sketch_size(n, k, d):
    """Sketch size chosen by ``sketch="auto"``, or ``None`` for a full solve.

    ``m = min(max(1000, 50K, 20Kd), max(5000, 50K), n // 8)``: at least 1000 points (20 of a
    cluster holding 2 % of the data), 50 per cluster and 20 per cluster and dimension (centroids
    of the sketch within about ``0.2 sigma`` of the cluster means, close enough for the Lloyd
    iterations on all points that follow), capped so that the SDP on the sketch stays a
    fraction of the cost of K-means on all points. The full SDP is solved when the cap
    ``n // 8`` leaves fewer than ``max(1000, 50K)`` points (below 8000 points for K <= 20).
    """
    floor = max(AUTO_MIN_SKETCH, 50 * k)
    m = min(max(floor, 20 * k * d), max(5000, 50 * k), n // AUTO_SHRINK)
    return int(m) if m >= floor else None


#: data whose largest centred entry is outside this range is scaled by a power of two first
#: (squared distances overflow float64 near 1e154 and underflow near 1e-154)
SAFE_SCALE = (1e-100, 1e100)


def data_scale(X):
    """Power of two ``f`` such that ``f * (X - mean)`` has entries of order 1 when the data's
    scale is outside :data:`SAFE_SCALE` (1.0 otherwise): exact, so labels are unchanged."""
    if not X.size:
        return 1.0
    # max |x - mean| per column is at the column's max or min: no n x d temporary
    mu = X.mean(axis=0)
    span = float(max(np.max(X.max(axis=0) - mu), np.max(mu - X.min(axis=0))))
    if span == 0.0 or SAFE_SCALE[0] <= span <= SAFE_SCALE[1]:
        return 1.0
    return float(2.0 ** (-np.round(np.log2(span))))


def run_sdp_kmeans(X, k, **kwargs):
    """Shared implementation of sdp_kmeans and SDPKMeans.fit (inputs already validated)."""
    # BLAS threads are limited (for small problems) around the skinny products only (the solver,
    # the certificate); the k-means++/Lloyd start runs with the threads the caller set
    f = data_scale(X)
    if f == 1.0:
        return _run_sdp_kmeans(X, k, **kwargs)
    # X * 1e200 (or 1e-200): solve on the exactly rescaled data, report in the data's units
    # (a K-means objective beyond float64's range is reported as inf)
    res = _run_sdp_kmeans(X * f, k, **kwargs)
    with np.errstate(over="ignore", under="ignore"):
        for name in ("objective", "inertia", "upper_bound", "dual_bound"):
            setattr(res, name, float(np.float64(getattr(res, name)) / f / f))
        res.centers = res.centers / f
    return res


def _bm_monitor(bar, caller):
    """Callback of bm_solve: advances the bar; logs the state every 100 iterations (DEBUG)."""

    def callback(it, residual, stationarity, objective):
        bar.update(1)
        if it % 100 == 0:
            bar.set_postfix_str(f"residual {residual:.1e}, stationarity {stationarity:.1e}")
            _LOG.debug(
                "%s: Burer-Monteiro iteration %d, residual %.2e, stationarity %.2e",
                caller,
                it,
                residual,
                stationarity,
            )

    return callback


def _run_sdp_kmeans(
    X,
    k,
    *,
    solver,
    rank,
    tol,
    max_iter,
    sketch,
    sketch_size,
    gen,
    caller,
    certify=False,
    progress=False,
):
    n, d = X.shape
    if sketch == "auto":
        if sketch_size is not None:
            sketch = "uniform"  # an explicit size asks for a sketch of that size
        else:
            sketch_size = auto_sketch_size(n, k, d)
            sketch = None if sketch_size is None else "uniform"
    if tol is None:
        tol = FULL_TOL if sketch is None else SKETCH_TOL
    if sketch is not None:
        if sketch_size is not None and sketch_size > n:
            raise InvalidParameterError(
                f"The 'sketch_size' parameter of {caller} must be at most n_samples={n}; got "
                f"{sketch_size}."
            )
        m = default_sketch_size(n, k, d) if sketch_size is None else int(sketch_size)
        m = max(min(m, n), k)
        idx = _sketch_indices(X, k, sketch, m, gen)
        Xs = X[idx]
        if not _distinct_at_least(Xs, k):
            raise InvalidParameterError(
                f"The sketch of {Xs.shape[0]} points has fewer than n_clusters={k} distinct "
                "points; increase sketch_size."
            )
    else:
        idx, Xs = None, X
    m = Xs.shape[0]
    rank = 2 * k if rank is None else int(rank)
    if rank > max(m, 2 * k):
        raise InvalidParameterError(
            f"The 'rank' parameter of {caller} must be at most max(n_samples, 2 * n_clusters) = "
            f"{max(m, 2 * k)} (a factor of Z = U U^T has at most n useful columns); got {rank}."
        )
    if solver == "auto":
        solver = "bm"
    dbound = float("nan")
    if certify and (solver != "bm" or m > CERTIFY_MAX_SAMPLES):
        raise InvalidParameterError(
            f"certify=True needs solver='bm' and at most {CERTIFY_MAX_SAMPLES} points (it forms "
            f"the n x n dual matrix); got solver={solver!r} with {m} points."
        )
    if k == 1:
        labels_s = np.zeros(m, dtype=np.int64)
        U = np.full((m, 1), 1.0 / np.sqrt(m))
        Xc = Xs - Xs.mean(axis=0)
        objective = float(np.sum(Xc.sum(axis=0) ** 2) / m)
        residual, stat, n_iter, converged, status = 0.0, 0.0, 0, True, "converged"
    else:
        Xc = Xs - Xs.mean(axis=0)
        if solver == "cvxpy":
            if m > CVXPY_MAX_SAMPLES:
                raise InvalidParameterError(
                    f"solver='cvxpy' is a reference solver for small problems (at most "
                    f"{CVXPY_MAX_SAMPLES} points, O(n^2) variables); got {m} points. Use "
                    "solver='bm' or sketch='uniform'."
                )
            U, objective, status, residual = _solve_cvxpy(
                Xc, k, rank, tol, 100_000 if max_iter is None else max_iter
            )
            stat, n_iter = float("nan"), 0
            converged = status == "optimal"
            if not converged:
                warnings.warn(
                    f"cvxpy/SCS stopped with status {status!r}; the SDP solution is inaccurate.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
            labels_s = round_factor(U, k, gen)
        else:
            # 1) a k-means++/Lloyd partition and its dual certificate: when the certificate
            #    closes, the partition matrix Z_G is an SDP solution and no iteration is needed
            labels0, n_lloyd = _start_partition(Xs, k, gen)
            with _blas_threads(m * (Xc.shape[1] + k * k) ** 2):
                bound0, value0 = partition_bound(Xc, labels0, k, target=tol)
            pbound = bound0 if np.isfinite(bound0) else np.inf
            if bound0 - value0 <= tol * abs(bound0):
                U = _lift(labels0, k, rank)
                objective = value0
                residual = float(np.linalg.norm(U @ U.sum(axis=0) - 1.0) / np.sqrt(m))
                stat, n_iter, converged, status = 0.0, n_lloyd, True, "certified"
                labels_s = labels0
                _LOG.info(
                    "%s: the k-means++/Lloyd start is certified optimal for the SDP (gap %.1e)",
                    caller,
                    (bound0 - value0) / abs(bound0),
                )
            else:
                # 2) Burer-Monteiro from an uninformed start (a start lifted from a partition
                #    can inherit its merged pair of clusters)
                cap = 20_000 if max_iter is None else max_iter
                with progress_bar(progress, total=cap, desc=caller, unit="it") as bar:
                    U, objective, st = _solve_bm(
                        Xc,
                        k,
                        rank,
                        tol,
                        cap,
                        gen,
                        callback=_bm_monitor(bar, caller),
                        labels0=labels0,
                    )
                if certify:  # never looser than the free Ky Fan bound
                    dbound = min(dual_bound(Xc, st.y, U, k), _fan_bound(Xc, k))
                residual, stat, n_iter, converged = (
                    st.residual,
                    st.stationarity,
                    n_lloyd + st.n_iter,
                    st.converged,
                )
                status = "converged" if converged else "max_iter"
                if not converged:
                    warnings.warn(
                        f"Burer-Monteiro stopped after {st.n_iter} iterations without meeting "
                        f"tol={tol} (residual {residual:.2e}, stationarity {stat:.2e}); increase "
                        "max_iter.",
                        ConvergenceWarning,
                        stacklevel=3,
                    )
                labels_s = round_factor(U, k, gen, init_labels=labels0)
                # the same partition as the start (the usual case): its bound is already known
                if np.bincount(labels_s, minlength=k).min() > 0 and not np.array_equal(
                    labels_s, labels0
                ):
                    with _blas_threads(m * (Xc.shape[1] + k * k) ** 2):
                        pbound = min(pbound, partition_bound(Xc, labels_s, k)[0])
            dbound = min(dbound, pbound) if dbound == dbound else pbound
    if idx is None:
        labels = labels_s
        centres = cluster_means(X, labels, k)
    else:
        labels, n_refine = _lift_all(X, Xs, labels_s, k, gen)
        n_iter += n_refine
        centres = cluster_means(X, labels, k)
    res = SDPResult(
        labels=labels.astype(np.int64),
        objective=float(objective),
        factor=U,
        centers=centres,
        inertia=_inertia(X, labels, centres),
        residual=float(residual),
        stationarity=float(stat),
        n_iter=int(n_iter),
        converged=bool(converged),
        status=str(status),
        solver=solver,
        sample_indices=idx,
        sketch_size=None if idx is None else int(m),
        tol=float(tol),
        upper_bound=_fan_bound(Xc, k),
        dual_bound=_min_bound(dbound, _fan_bound(Xc, k)) if k > 1 else float(objective),
    )
    _LOG.info(
        "%s: %s solver, %d points%s, %d iterations, converged=%s, objective %.6g, "
        "residual %.2e, certificate: dual bound %.6g (gap %.2e), Ky Fan bound %.6g (gap %.2e)",
        caller,
        res.solver,
        m,
        "" if idx is None else f" (sketch of {n})",
        res.n_iter,
        res.converged,
        res.objective,
        res.residual,
        res.dual_bound,
        res.duality_gap,
        res.upper_bound,
        res.gap,
    )
    return res


def _min_bound(a, b):
    """Smaller of two upper bounds, ignoring a NaN or infinite one."""
    vals = [float(v) for v in (a, b) if np.isfinite(v)]
    return min(vals) if vals else float("nan")


def _fan_bound(Xc, k):
    """Sum of the top k - 1 eigenvalues of Xc^T Xc (numpy or torch)."""
    if k <= 1:
        return 0.0
    if isinstance(Xc, np.ndarray):
        w = np.linalg.eigvalsh(Xc.T @ Xc)[::-1]
        return float(np.sum(np.maximum(w[: k - 1], 0.0)))
    import torch

    w = torch.linalg.eigvalsh(Xc.T @ Xc).flip(0)
    return float(w[: k - 1].clamp_min(0).sum())


_SOLVERS = StrOptions({"auto", "bm", "cvxpy"})
_SKETCHES = StrOptions({"auto", "uniform", "weighted"})


def validate_sdp_params(caller, *, solver, rank, tol, max_iter, sketch, sketch_size):
    check_param(solver, [_SOLVERS], name="solver", caller=caller)
    check_param(
        rank, [Interval(numbers.Integral, 1, None, closed="left"), None], name="rank", caller=caller
    )
    check_param(
        tol, [Interval(numbers.Real, 0, None, closed="neither"), None], name="tol", caller=caller
    )
    check_param(
        max_iter,
        [Interval(numbers.Integral, 1, None, closed="left"), None],
        name="max_iter",
        caller=caller,
    )
    check_param(sketch, [_SKETCHES, None], name="sketch", caller=caller)
    check_param(
        sketch_size,
        [Interval(numbers.Integral, 2, None, closed="left"), None],
        name="sketch_size",
        caller=caller,
    )
    if sketch_size is not None and sketch is None:
        raise InvalidParameterError(
            f"The 'sketch_size' parameter of {caller} needs sketch='auto', 'uniform' or "
            "'weighted'; got sketch=None."
        )


def sdp_kmeans(
    X: ArrayLike | Any,
    n_clusters: int,
    *,
    solver: Literal["auto", "bm", "cvxpy"] = DEFAULTS["solver"],
    rank: int | None = DEFAULTS["rank"],
    rng: Any = None,
    tol: float | None = DEFAULTS["tol"],
    max_iter: int | None = DEFAULTS["max_iter"],
    sketch: Literal["auto", "uniform", "weighted"] | None = DEFAULTS["sketch"],
    sketch_size: int | None = DEFAULTS["sketch_size"],
    certify: bool = False,
    progress: bool | Any = False,
) -> SDPResult:
    r"""K-means clustering by the Peng--Wei semidefinite relaxation.

    Solves :math:`\max \langle A, Z\rangle` over :math:`Z \succeq 0`, :math:`Z \ge 0`,
    :math:`Z1 = 1`, :math:`\operatorname{tr} Z = K` with :math:`A = \tilde X\tilde X^\top`
    (column-centred data), then rounds :math:`Z` to a partition by k-means++ on its leading
    eigenvectors. The default solver first computes a k-means++/Lloyd partition (3 restarts) and
    its **dual certificate** (a bound :math:`y^\top 1 + \sum_{j\le K}\lambda_j(A - \tfrac12(y1^\top
    + 1y^\top) + N)` on the SDP optimum with :math:`y` and a nonnegative :math:`N` built from the
    partition, :math:`O(n(d + K^2)^2)`): when the bound meets the partition's value within
    ``tol``, the partition matrix is an SDP solution and is returned (``status="certified"``;
    the usual case above the exact-recovery cutoff). Otherwise it runs a nonnegative
    Burer--Monteiro factorisation :math:`Z = UU^\top`, :math:`U \in \mathbb R_+^{n\times r}`, by
    an augmented Lagrangian with Barzilai--Borwein steps; it never forms :math:`A` (each
    iteration costs :math:`O(ndr)`), and the result reports the certificate of its rounded
    partition (``dual_bound``, ``duality_gap``).

    Below the cutoff the start is not certified and Burer--Monteiro starts from it, lifted to
    the factor (plus uniform noise) with the multiplier that makes it a KKT point.

    Data whose spread is beyond :math:`10^{\pm 100}` (squared distances over- or underflow
    float64) are solved after an exact power-of-two rescaling; the labels are those of the
    data, and ``objective``, ``inertia`` and the bounds are reported in the data's units
    (``inf`` where they exceed float64).

    Parameters
    ----------
    X : array-like or torch.Tensor of shape (n_samples, n_features)
        Data. A torch tensor (CPU or CUDA) runs the Burer--Monteiro products on its device and
        returns tensors there (rounding runs on the CPU); results are reproducible per device.
    n_clusters : int
        Number of clusters :math:`K`, ``1 <= K <= n_samples``.
    solver : {"auto", "bm", "cvxpy"}, default "auto"
        ``"bm"``: Burer--Monteiro (scales to :math:`10^4`--:math:`10^5` points).
        ``"cvxpy"``: the full SDP with SCS, a reference for small problems (at most 400 points;
        minutes at 200). ``"auto"`` currently means ``"bm"``. The defaults are those of
        :class:`SDPKMeans`.
    rank : int, optional
        Factor rank :math:`r` (default :math:`2K`). Raising it closes the gap to the SDP optimum
        in noisy regimes, at proportional cost.
    rng : seed-like, optional
        Random generator for the start, the rounding and the sketch (SPEC 7).
    tol : float, optional
        Tolerance: feasibility :math:`\|Z1 - 1\|_2/\sqrt n \le 10\,\mathrm{tol}` and either
        a relative projected-gradient norm :math:`\le \sqrt{\mathrm{tol}}` or an objective that
        changed by less than :math:`10\,\mathrm{tol}` (relative) over the last 200 iterations
        (BM); SCS ``eps = 10 tol``. Default (``None``): 1e-6 when the SDP is solved on all
        points, 1e-4 on a sketch (there the SDP only seeds Lloyd iterations on all points; 1e-6
        cost up to 10x the iterations for the same labels in our measurements).
    max_iter : int, optional
        Iteration cap (default 20000 for BM, 100000 for SCS).
    sketch : {"auto", None, "uniform", "weighted"}, default "auto"
        Sketch-and-lift (Zhuang, Chen & Yang, "Sketch-and-lift: scalable subsampled semidefinite
        program for K-means clustering", AISTATS 2022): solve the SDP on a subsample, then
        assign every point to the nearest sketch centroid and run Lloyd iterations on all
        points from there to their fixed point (:math:`O(nKd)` each; one assignment alone
        stops a few points short of it). ``"uniform"`` samples uniformly; ``"weighted"``
        samples points inversely to pilot cluster sizes (for unbalanced clusters); ``None``
        solves the SDP on all points. ``"auto"`` (the new default; it was ``None``, see
        CHANGELOG) sketches uniformly with
        :math:`m = \min(\max(1000, 50K, 20Kd),\ \max(5000, 50K),\ \lfloor n/8\rfloor)`
        points (at least 1000, 50 per cluster and 20 per cluster and dimension, and at most an
        eighth of the data, so that the SDP on the sketch costs a fraction of K-means on all
        points) when that leaves at least :math:`\max(1000, 50K)` points (from 8000 points for
        :math:`K \le 20`), and solves the full SDP otherwise. A uniform sketch of :math:`m`
        points holds about :math:`m\,n_k/n` points of a cluster of size :math:`n_k` (20 of a
        cluster of 2 % at :math:`m = 1000`): for smaller clusters use ``None``.
        ``result.sketch_size`` says which path ran. Torch tensors: ``"auto"`` solves on all
        points (the device runs the full factorisation).
    sketch_size : int, optional
        Expected sketch size (default: the ``"auto"`` size above with ``sketch="auto"``,
        ``min(n, max(50K, min(5000, 20Kd)))`` with ``"uniform"`` / ``"weighted"``). Given with
        ``sketch="auto"``, a uniform sketch of that size is drawn whatever n.
    certify : bool, default False
        Also compute a certified upper bound on the SDP optimum (``dual_bound``,
        ``duality_gap``) from the Burer--Monteiro multiplier :math:`y` of :math:`Z1 = 1`:
        :math:`y^\top 1 + \sum_{j\le K}\lambda_j(A - \tfrac12(y1^\top + 1y^\top) + N)` for a
        nonnegative :math:`N` improved by 100 projected subgradient steps (never above
        ``upper_bound``). Its tightness follows the accuracy of :math:`y` (lower ``tol`` for a
        sharper certificate): on our draws 1e-7 to 1e-3 relative in the exact-recovery regime,
        about 1e-2 below it, loose near the cutoff at n ~ 1000. The gap can be slightly negative
        (by the primal infeasibility). Forms :math:`n\times n` matrices: ``solver="bm"`` and
        at most 1000 points (or a sketch of at most 1000).
    progress : bool, default False
        Show a progress bar over the solver iterations (tqdm, when installed). The run is logged
        to the ``samplingstats.cluster`` logger: iterations, objective and certificate at INFO.

    Returns
    -------
    SDPResult
        ``labels``, ``objective``, ``factor`` and diagnostics (``residual``, ``stationarity``,
        ``n_iter``, ``converged``, ``inertia``, ``centers``, ``sketch_size``, ``tol``). With a
        sketch, ``objective`` and the certificate (``dual_bound``, ``duality_gap``) are those of
        the SDP on the sketch: they certify the relaxed solution on the sketch against that
        SDP's optimum, not the labels of all points.

    Warns
    -----
    ConvergenceWarning
        When the solver stops before meeting its tolerances (``converged=False``).

    See Also
    --------
    SDPKMeans : the scikit-learn estimator.

    Examples
    --------
    >>> from samplingstats.cluster import make_isotropic_mixture, sdp_kmeans, misclustering_error
    >>> X, y = make_isotropic_mixture(300, 5, 3, separation=8.0, rng=0)
    >>> res = sdp_kmeans(X, 3, rng=0)
    >>> misclustering_error(y, res.labels)
    0.0
    >>> res.converged, res.status, res.factor.shape
    (True, 'certified', (300, 6))
    >>> bool(abs(res.duality_gap) < 1e-9)
    True
    >>> cert = sdp_kmeans(X, 3, rng=0, certify=True)
    >>> bool(cert.duality_gap < 1e-4)
    True

    From 8000 points the default ``sketch="auto"`` solves the SDP on a uniform sketch (here
    ``min(max(1000, 50K, 20Kd), 5000, n // 8)`` = 1000 points) and runs Lloyd on all points:

    >>> X, y = make_isotropic_mixture(8000, 3, 3, separation=8.0, rng=0)
    >>> res = sdp_kmeans(X, 3, rng=0)
    >>> res.sketch_size, res.tol, misclustering_error(y, res.labels)
    (1000, 0.0001, 0.0)
    >>> sdp_kmeans(X[:7999], 3, rng=0).sketch_size is None  # n // 8 < 1000: the full SDP
    True
    """
    caller = "sdp_kmeans"
    validate_sdp_params(
        caller,
        solver=solver,
        rank=rank,
        tol=tol,
        max_iter=max_iter,
        sketch=sketch,
        sketch_size=sketch_size,
    )
    check_param(certify, ["boolean"], name="certify", caller=caller)
    progress = check_progress(progress, caller=caller)
    from .._backend import is_torch

    if is_torch(X):
        if certify:
            raise InvalidParameterError(
                "certify=True needs a numpy array (it forms n x n matrices on the CPU)."
            )
        return _sdp_kmeans_torch(
            X,
            n_clusters,
            solver=solver,
            rank=rank,
            tol=None if tol is None else float(tol),
            max_iter=max_iter,
            sketch=sketch,
            sketch_size=sketch_size,
            gen=as_generator(rng),
            caller=caller,
            progress=progress,
        )
    X = check_cluster_input(X, n_clusters, caller)
    gen = as_generator(rng)
    return run_sdp_kmeans(
        X,
        int(n_clusters),
        solver=solver,
        rank=rank,
        tol=None if tol is None else float(tol),
        max_iter=max_iter,
        sketch=sketch,
        sketch_size=sketch_size,
        gen=gen,
        caller=caller,
        certify=bool(certify),
        progress=progress,
    )


def _sdp_kmeans_torch(
    X, k, *, solver, rank, tol, max_iter, sketch, sketch_size, gen, caller, progress=False
):
    """Torch path: the Burer--Monteiro products run on X's device; rounding runs on the CPU.

    Returns an SDPResult whose ``labels``, ``factor``, ``centers`` and ``sample_indices`` are
    tensors on X's device. Reproducible per device (the start is drawn by a torch generator
    seeded from ``rng``), not bit-identical to the numpy path.
    """
    import torch

    from .._rng import torch_generator

    if solver == "cvxpy":
        raise InvalidParameterError(
            "solver='cvxpy' needs a numpy array; got a torch tensor (use solver='bm')."
        )
    if X.ndim != 2:
        raise InvalidParameterError(
            f"Argument 'X' must be a 2-D array, got a tensor of shape {tuple(X.shape)}."
        )
    X = X.detach().to(torch.float64)
    if not bool(torch.isfinite(X).all()):
        raise InvalidParameterError("Argument 'X' contains NaN or infinite values.")
    n, d = X.shape
    # parameter and distinctness checks on a CPU prefix (cheap), exact on n
    check_cluster_input(X[: min(n, 10_000)].cpu().numpy(), min(k, min(n, 10_000)), caller)
    if k > n:
        raise InvalidParameterError(
            f"The 'n_clusters' parameter of {caller} must be at most the number of samples; got "
            f"n_clusters={k} with n_samples={n}."
        )
    device = X.device
    idx = None
    Xs = X
    if sketch == "auto":  # tensors (GPU): the full factorisation unless a size is given
        sketch = None if sketch_size is None else "uniform"
    if tol is None:
        tol = FULL_TOL if sketch is None else SKETCH_TOL
    if sketch is not None:
        m = default_sketch_size(n, k, d) if sketch_size is None else int(sketch_size)
        m = max(min(m, n), k)
        if sketch == "uniform":
            idx_np = np.sort(gen.choice(n, size=m, replace=False))
        else:
            idx_np = _sketch_indices(X.cpu().numpy(), k, sketch, m, gen)
        idx = torch.as_tensor(idx_np, device=device)
        Xs = X[idx]
    m = Xs.shape[0]
    rank = 2 * k if rank is None else int(rank)
    Xc = Xs - Xs.mean(dim=0)
    scale = float((Xc * Xc).sum()) / m or 1.0
    block = Block(Y=(2.0 / scale) ** 0.5 * Xc, a=None, c=0.0, rank=rank, trace=float(k))
    U0 = torch.rand(
        (m, rank), generator=torch_generator(gen, device), device=device, dtype=torch.float64
    )
    if k == 1:
        st = None
        U = torch.full((m, 1), m**-0.5, device=device, dtype=torch.float64)
        labels_s = np.zeros(m, dtype=np.int64)
    else:
        cap = 20_000 if max_iter is None else max_iter
        with progress_bar(progress, total=cap, desc=caller, unit="it") as bar:
            st = bm_solve([block], U0, tol=tol, max_iter=cap, callback=_bm_monitor(bar, caller))
        _LOG.info(
            "%s (torch, %s): %d Burer-Monteiro iterations, converged=%s, residual %.2e",
            caller,
            X.device,
            st.n_iter,
            st.converged,
            st.residual,
        )
        U = st.U
        labels_s = round_factor(U.cpu().numpy(), k, gen)
    W = Xc.T @ U
    objective = float((W * W).sum())
    lab_s = torch.as_tensor(labels_s, device=device)

    def means(Z, lab):
        sums = torch.zeros((k, d), dtype=Z.dtype, device=device).index_add_(0, lab, Z)
        cnt = torch.bincount(lab, minlength=k).clamp_min(1).to(Z.dtype)
        return sums / cnt[:, None]

    if idx is None:
        labels = lab_s
    else:
        cs = means(Xs, lab_s)
        labels = torch.cdist(X, cs).argmin(dim=1)
    centres = means(X, labels)
    inertia = float(((X - centres[labels]) ** 2).sum())
    converged = True if st is None else st.converged
    if not converged:
        warnings.warn(
            f"Burer-Monteiro stopped after {st.n_iter} iterations without meeting tol={tol}; "
            "increase max_iter.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return SDPResult(
        labels=labels,
        objective=objective,
        factor=U,
        centers=centres,
        inertia=inertia,
        residual=0.0 if st is None else st.residual,
        stationarity=0.0 if st is None else st.stationarity,
        n_iter=0 if st is None else st.n_iter,
        converged=bool(converged),
        status="converged" if converged else "max_iter",
        solver="bm",
        sample_indices=idx,
        sketch_size=None if idx is None else int(m),
        tol=float(tol),
        upper_bound=_fan_bound(Xc, k),
    )
