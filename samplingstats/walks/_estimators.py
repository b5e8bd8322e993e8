"""Graph averages from (self-repellent) random walks and the SRRW asymptotic covariance."""

from __future__ import annotations

import dataclasses
import math
import numbers
import warnings
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._progress import check_progress
from .._results import ConfidenceInterval, Result, _check_level
from .._rng import as_generator
from .._validation import Interval, InvalidParameterError, StrOptions, validate_params
from ._compat import renamed_parameters
from ._graph import GraphLike, RNGLike, _check_target, as_walk_graph
from ._walks import _check_alpha, _check_chain, _check_srrw_sizes, _run_srrw, _starts

__all__ = ["graph_average", "srrw_asymptotic_covariance", "GraphEstimateResult"]

# Dense eigendecomposition limit for the exact V(alpha).
_MAX_DENSE_NODES = 5000
# graph_average warns when n_steps < _BIAS_FACTOR * alpha * n_nodes and no window estimate
# corrects the O(alpha / n) bias (step_exponent != 1, interval="asymptotic").
_BIAS_FACTOR = 20.0
# two-sided p-value of the paired t-test between the last two quarters below which the result is
# flagged (|z| above 3.29 with 16 walkers)
_RELIABLE_P = 0.005
# The SRRW's start-up transient lasts about this many times 1 / min_i mu_i steps (measured: les
# Miserables SRW 1640 / BA(2000, 3) SRW 3994 / MHRW N; the bias t * (E x_t - mu) is flat in t after
# 1-2.5 / min mu on every graph and alpha in {2, 5, 10} we ran): the automatic burn-in is at least
# that, and shorter walks (n_steps < 2 * _TRANSIENT / min mu) are flagged.
_TRANSIENT = 3.0
# ... and at least this many relaxation times 1 / (1 - lambda_2) of the base chain (les Miserables,
# weighted, MHRW: t_rel = 162, t * bias wanders until 2000-4000 steps).
_TRANSIENT_REL = 20.0
# ... times 4: on BA(2000, 3) t * bias still drifts until about 2-4 x the above (400 walkers, degree):
# MHRW alpha = 2: 1723, 1415, 1183, 1380, 1428, 1449; alpha = 5: 2248, 1771, 1535, 1571, 1589, 1588
# at t = 3000 ... 96016; SRW alpha = 10: -1438, -1304, -1168, -1132, -1116 at t = 5991 ... 95864.
_TRANSIENT_FACTOR = 4.0
# Runs shorter than 2 T max(1, alpha / _ALPHA_SCALE) are flagged: on the Holme-Kim graph
# PLC(1000, 2, 0.7) with an MHRW base, alpha = 10 still carried a bias of -1.0 / -1.3 standard
# errors at 2 T / 4 T (coverage 0.84) and none at 16 T (0.98), while alpha <= 5 was clean at 2 T
# (benchmarks/walks_srrw_coverage.py, docs/benchmarks/walks.md): the transient grows with alpha.
_ALPHA_SCALE = 4.0


def _min_steps(transient, alpha):
    """The shortest run whose interval is trusted: ``2 T max(1, alpha / 4)``."""
    return 2.0 * transient * max(1.0, float(alpha) / _ALPHA_SCALE)


@dataclasses.dataclass(repr=False)
class GraphEstimateResult(Result):
    """Result of :func:`graph_average`.

    Attributes
    ----------
    estimate : float or ndarray
        Mean of the per-walker estimates (shape (k,) for ``values`` of shape (n_nodes, k)).
    standard_error : float or ndarray
        Standard error of ``estimate``: between-walker (``interval="walkers"``) or from the exact
        asymptotic covariance (``interval="asymptotic"``).
    per_walker : ndarray, shape (n_walkers,) or (n_walkers, k)
        Each walker's self-normalised estimate.
    n_walkers, n_steps : int
        Walkers and steps per walker.
    alpha : float or ndarray
        SRRW strength used.
    interval : str
        How ``standard_error`` was obtained: ``"walkers"`` (spread of the per-walker
        estimates), ``"asymptotic"`` (exact ``V(alpha)``) or ``"batch_means"``
        (:meth:`WalkResult.average`).
    n_batches : int or None
        Batches per walker (``interval="batch_means"``).
    burn_in : int
        Steps dropped at the start of each walk (the estimate uses the visits after them).
    reliable : bool
        False when the walk's own diagnostic says the start-up transient is not over (the last
        two quarters of the walks disagree): the interval is then not to be trusted.

    See Also
    --------
    graph_average : Returns this result.
    WalkResult.average : Batch-means estimate from one run (also returns this result).
    """

    estimate: Any
    standard_error: Any
    per_walker: NDArray[np.float64]
    n_walkers: int
    n_steps: int
    alpha: Any
    interval: str = "walkers"
    n_batches: int | None = None
    burn_in: int = 0
    reliable: bool = True

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Two-sided interval: Student t with n_walkers - 1 degrees of freedom over the per-walker
        estimates (``interval="walkers"``), with ``n_walkers * n_batches - 1`` for batch means,
        normal for ``interval="asymptotic"``.

        Parameters
        ----------
        confidence_level : float, default 0.95
            Coverage probability of the interval, in (0, 1).

        Returns
        -------
        ConfidenceInterval
            ``(low, high)``.
        """
        level = _check_level(confidence_level)
        if self.interval in ("walkers", "batch_means"):
            from scipy.stats import t

            dof = self.n_walkers - 1
            if self.interval == "batch_means" and self.n_batches is not None:
                dof = self.n_walkers * self.n_batches - 1
            q = float(t.ppf(0.5 + level / 2, dof))
        else:
            from scipy.special import ndtri

            q = float(ndtri(0.5 + level / 2))
        est = np.asarray(self.estimate, dtype=float)
        se = np.asarray(self.standard_error, dtype=float)
        low, high = est - q * se, est + q * se
        if low.ndim == 0:
            return ConfidenceInterval(float(low), float(high))
        return ConfidenceInterval(low, high)


def _check_values(values, n):
    from .._backend import to_numpy

    if np.iscomplexobj(to_numpy(values)):
        raise TypeError(
            "Argument 'values' must be real (one real value per node); got complex values."
        )
    try:
        f = np.asarray(to_numpy(values), dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"Argument 'values' must be a numeric array of shape ({n},) or ({n}, k). Got "
            f"{type(values).__name__} instead."
        ) from None
    if f.ndim not in (1, 2) or f.shape[0] != n:
        raise InvalidParameterError(
            f"Argument 'values' must have shape ({n},) or ({n}, k) (one value per node). Got "
            f"shape {f.shape} instead."
        )
    if not np.all(np.isfinite(f)):
        raise InvalidParameterError("Argument 'values' contains NaN or infinite entries.")
    return f


def _dense_covariance(P, mu, alpha):
    """V(alpha) from a dense reversible P and its stationary mu."""
    sq = np.sqrt(mu)
    S = sq[:, None] * P / sq[None, :]
    S = 0.5 * (S + S.T)
    lam, v = np.linalg.eigh(S)
    top = int(np.argmax(lam))
    keep = np.ones(lam.shape[0], dtype=bool)
    keep[top] = False
    lam = np.clip(lam[keep], -1.0, 1.0)
    u = sq[:, None] * v[:, keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (1 + lam) / ((1 - lam) * (2 * alpha * (1 + lam) + 1))
    c = np.where(lam >= 1.0, 0.0, c)
    V = (u * c) @ u.T
    return 0.5 * (V + V.T)


@renamed_parameters({"base": "chain"})
@validate_params(
    {"alpha": [Interval(numbers.Real, 0, None, closed="left")]},
    caller="srrw_asymptotic_covariance",
)
def srrw_asymptotic_covariance(
    graph: GraphLike,
    *,
    alpha: float,
    chain: Literal["srw", "mhrw"] = "srw",
    target: ArrayLike | Literal["uniform"] | None = None,
) -> NDArray[np.float64]:
    """Exact asymptotic covariance ``V(alpha)`` of the SRRW empirical measure.

    ``sqrt(n) (x_n - mu) -> N(0, V(alpha))`` with (Doshi, Hu & Eun 2023, Theorem 3.3)

    ``V(alpha) = sum_{i: lambda_i != 1} 1/(2 alpha (1 + lambda_i) + 1) * (1 + lambda_i)/(1 -
    lambda_i) * u_i u_i^T``,

    where ``lambda_i, v_i`` are the eigenpairs of ``S = D_mu^{1/2} P D_mu^{-1/2}`` and
    ``u_i = D_mu^{1/2} v_i``. Each mode shrinks by ``1 / (2 alpha (1 + lambda_i) + 1)``;
    ``alpha = 0`` gives the base chain's covariance. Uses a dense eigendecomposition
    (graphs up to 5000 nodes). Valid for the default step sizes ``gamma_n = 1/(n + 1)``.

    Parameters
    ----------
    graph : scipy.sparse matrix, dense array, networkx.Graph, PyG edge_index or Data, or WalkGraph
        Connected undirected graph.
    alpha : float
        Repellence strength ``>= 0``.
    chain : {"srw", "mhrw"}, default "srw"
        Reversible base chain.
    target : array of shape (n_nodes,), "uniform" or None
        MHRW stationary distribution (``chain="mhrw"`` only).

    Returns
    -------
    ndarray, shape (n_nodes, n_nodes)
        Symmetric positive semi-definite, ``V @ 1 = 0``.

    See Also
    --------
    self_repellent_walk : The walk whose measure this covariance describes.
    graph_average : Uses ``V(alpha)`` for ``interval="asymptotic"``.

    Examples
    --------
    >>> import networkx as nx
    >>> import numpy as np
    >>> from samplingstats.walks import srrw_asymptotic_covariance
    >>> G = nx.karate_club_graph()
    >>> V0 = srrw_asymptotic_covariance(G, alpha=0.0)
    >>> V5 = srrw_asymptotic_covariance(G, alpha=5.0)
    >>> bool(np.trace(V5) < np.trace(V0) / 5)
    True
    >>> bool(np.allclose(V5.sum(axis=1), 0.0))
    True
    """
    caller = "srrw_asymptotic_covariance"
    g = as_walk_graph(graph)
    _check_chain(chain, g, caller)
    tgt = _check_target(target, g, caller)
    if tgt is not None and chain != "mhrw":
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} is only used with chain='mhrw'. Got chain={chain!r}."
        )
    if g.n_nodes > _MAX_DENSE_NODES:
        raise InvalidParameterError(
            f"Argument 'graph' has {g.n_nodes} nodes; {caller} uses a dense eigendecomposition "
            f"and is limited to {_MAX_DENSE_NODES} nodes."
        )
    P = g.transition_matrix(chain, tgt).toarray()
    mu = g.chain(chain, tgt).mu
    return _dense_covariance(P, mu, float(alpha))


def _transient(g, chain, mh_target):
    """Length of the SRRW's start-up transient: ``4 max(3 / min_i mu_i, 20 t_rel)`` steps
    (measured, see the constants)."""
    mu = g.chain(chain, mh_target).mu
    trel = g._relaxation_time(chain, mh_target)
    t = _TRANSIENT / float(mu.min())
    if np.isfinite(trel):
        t = max(t, _TRANSIENT_REL * trel)
    return int(math.ceil(_TRANSIENT_FACTOR * t))


def _quarter_check(per_half, q2):
    """|z| of the paired difference between the estimates over ``(n/4, n/2]`` and ``(n/2, n]``.

    After the start-up transient both quarters estimate the same value (the window estimates
    carry no O(1/n) term, see :func:`graph_average`); a large ``|z|`` (largest over the value
    columns) says the transient still runs in the second quarter (flagged when a paired t-test
    with ``n_walkers - 1`` degrees of freedom gives ``p < 0.005``).
    """
    W = per_half.shape[0]
    d = q2 - per_half
    sd = d.std(axis=0, ddof=1) / np.sqrt(W)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, np.abs(d.mean(axis=0)) / sd, 0.0)
    return float(z.max())


@renamed_parameters({"base": "chain"})
@validate_params(
    {
        "n_steps": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_walkers": [Interval(numbers.Integral, 1, None, closed="left")],
        "step_exponent": [Interval(numbers.Real, 0.5, 1, closed="right")],
        "interval": [StrOptions({"walkers", "asymptotic"})],
        "rng": ["rng"],
    },
    caller="graph_average",
)
def graph_average(
    graph: GraphLike,
    values: ArrayLike,
    *,
    n_steps: int,
    alpha: float | ArrayLike = 0.0,
    chain: Literal["srw", "mhrw"] = "srw",
    target: Literal["uniform", "stationary"] | ArrayLike = "uniform",
    n_walkers: int = 16,
    step_exponent: float = 1.0,
    interval: Literal["walkers", "asymptotic"] = "walkers",
    burn_in: Literal["auto"] | int = "auto",
    start: Any = None,
    rng: RNGLike = None,
    progress: bool = False,
) -> GraphEstimateResult:
    """Estimate a node average ``theta = sum_i pi_i f(i)`` with (self-repellent) random walks.

    Each of ``n_walkers`` independent SRRWs (``alpha = 0``: the plain base chain) runs
    ``n_steps`` steps and returns the self-normalised estimate

    ``theta_w = sum_i x_n(i) r_i f(i) / sum_i x_n(i) r_i``,   ``r_i = pi_i / mu_i``,

    where ``x_n`` is its empirical measure and ``mu`` the base chain's stationary distribution
    (``r = 1`` when the walk already targets ``pi``). The estimate is the mean over walkers and
    the confidence interval a t-interval over the per-walker estimates, not batch means on one
    trace (the SRRW is a non-linear chain).

    **Bias correction (alpha > 0).** The SRRW's ``x_n`` carries an ``O(alpha / n)`` bias: after a
    start-up transient ``E x_t = mu + c / t`` (measured: ``t * bias`` flat in ``t``), a term that
    does not shrink with more walkers. By default (``burn_in="auto"``) each walker's estimate uses
    the visits after a burn-in ``m``, ``((n + 1) x_n - (m + 1) x_m) / (n - m)``: a Richardson-type
    combination of the measures at ``m`` and ``n`` in which the ``c / n`` term cancels. ``m =
    max(T, n / 8)`` with ``T = 4 max(3 / min_i mu_i, 20 t_rel)`` the measured length of the
    transient (``t_rel`` the base chain's relaxation time) with a margin. The result says when its interval is
    not to be trusted: ``reliable=False`` and a ``UserWarning`` when ``n_steps < 2 T max(1, alpha /
    4)`` (measured: the transient grows with alpha), or when the
    estimates over the quarters ``(n/4, n/2]`` and ``(n/2, n]`` differ (paired t-test over the
    walkers, ``p < 0.005``). With ``step_exponent != 1`` or ``interval="asymptotic"`` no window is
    used and a ``UserWarning`` is raised when ``n_steps < 20 * alpha * n_nodes``.

    Parameters
    ----------
    graph : scipy.sparse matrix, dense array, networkx.Graph, PyG edge_index or Data, or WalkGraph
        Connected undirected graph.
    values : array of shape (n_nodes,) or (n_nodes, k)
        ``f(i)`` per node (networkx node order for networkx input); k functions at once.
    n_steps : int
        Steps per walker.
    alpha : float or array of shape (n_steps,), default 0.0
        SRRW strength (0: the base chain), or a schedule.
    chain : {"srw", "mhrw"}, default "srw"
        Base chain. With ``"mhrw"`` the walk targets ``target`` directly (no reweighting).
    target : {"uniform", "stationary"} or array of shape (n_nodes,), default "uniform"
        Averaging distribution ``pi``: the uniform node average, the base chain's stationary
        distribution, or positive node weights (normalised).
    n_walkers : int, default 16
        Independent walkers (``>= 2`` for ``interval="walkers"``).
    step_exponent : float in (0.5, 1], default 1.0
        SRRW step sizes ``gamma_n = (n + 1)^-step_exponent``.
    interval : {"walkers", "asymptotic"}, default "walkers"
        Standard error from the spread of the per-walker estimates, or the delta method with the
        exact ``V(alpha)`` (small graphs, constant alpha, ``step_exponent = 1``):
        ``g^T V(alpha) g / (n_steps n_walkers)`` with ``g = r (f - theta) / sum_i mu_i r_i``.
    burn_in : "auto" or int, default "auto"
        Steps whose visits the estimate drops (see above). ``"auto"``: ``max(T, n_steps / 8)``
        for ``alpha > 0`` (with ``step_exponent = 1`` and ``interval="walkers"``), 0 otherwise;
        ``0``: the raw ``x_n`` estimate (biased for ``alpha > 0``).
    start : node, sequence of nodes or None
        Start nodes; ``None`` draws them from ``mu``.
    rng : None, int or numpy.random.Generator
        Seed or generator.
    progress : bool, default False
        Show a progress bar (tqdm, when installed) over the walker steps; the same walks bit for
        bit. Start and end are logged at INFO level on the ``samplingstats.walks`` logger.

    Returns
    -------
    GraphEstimateResult
        ``estimate``, ``standard_error``, ``per_walker``, ``burn_in``, ``reliable`` and
        ``confidence_interval()``.

    See Also
    --------
    self_repellent_walk : The walks behind the estimate.
    random_walk : Base-chain walks with streaming sums (``WalkResult.average``).
    srrw_asymptotic_covariance : The exact ``V(alpha)`` of the SRRW measure.

    Examples
    --------
    >>> import networkx as nx
    >>> import numpy as np
    >>> from samplingstats.walks import graph_average
    >>> G = nx.karate_club_graph()
    >>> deg = np.array([d for _, d in G.degree()], dtype=float)
    >>> res = graph_average(G, deg, n_steps=20000, alpha=2.0, n_walkers=8, rng=0)
    >>> true = deg.mean()
    >>> low, high = res.confidence_interval(0.999)
    >>> bool(low < true < high)
    True
    """
    caller = "graph_average"
    g = as_walk_graph(graph)
    _check_chain(chain, g, caller)
    f = _check_values(values, g.n_nodes)
    alphas = _check_alpha(alpha, int(n_steps), caller)
    if isinstance(target, str) and target not in ("uniform", "stationary"):
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} must be 'uniform', 'stationary' or an array of "
            f"{g.n_nodes} positive node weights. Got {target!r} instead."
        )
    if isinstance(target, str) and target == "stationary":
        pi = None
        mh_target = None
    else:
        pi = _check_target(target, g, caller)  # None means uniform
        if pi is None:
            pi = np.full(g.n_nodes, 1.0 / g.n_nodes)
        mh_target = pi if chain == "mhrw" else None
    if interval == "walkers" and n_walkers < 2:
        raise InvalidParameterError(
            f"The 'n_walkers' parameter of {caller} must be at least 2 with interval='walkers' "
            "(the standard error is the spread between walkers); use interval='asymptotic' for "
            "one walker."
        )
    if interval == "asymptotic" and (alphas.shape[0] > 1 or step_exponent != 1.0):
        raise InvalidParameterError(
            f"interval='asymptotic' in {caller} needs a constant alpha and step_exponent=1 (the "
            "exact V(alpha) is the covariance of that case)."
        )
    a_max = float(alphas.max())
    n_steps = int(n_steps)
    windows = step_exponent == 1.0 and interval == "walkers"
    if isinstance(burn_in, str):
        if burn_in != "auto":
            raise InvalidParameterError(
                f"The 'burn_in' parameter of {caller} must be 'auto' or an int in the range "
                f"[0, n_steps). Got {burn_in!r} instead."
            )
        grid = _auto_grid(g, chain, mh_target, n_steps, a_max, windows)
    else:
        if isinstance(burn_in, bool) or not isinstance(burn_in, numbers.Integral):
            raise InvalidParameterError(
                f"The 'burn_in' parameter of {caller} must be 'auto' or an int in the range "
                f"[0, n_steps). Got {burn_in!r} instead."
            )
        if not 0 <= int(burn_in) < n_steps:
            raise InvalidParameterError(
                f"The 'burn_in' parameter of {caller} must be in the range [0, n_steps={n_steps})."
                f" Got {burn_in!r} instead."
            )
        if int(burn_in) > 0 and not windows:
            raise InvalidParameterError(
                f"burn_in > 0 in {caller} needs step_exponent=1 and interval='walkers' (the "
                "window estimate uses the visit counts, x_n = visits / (n + 1))."
            )
        grid = [int(burn_in)] if int(burn_in) > 0 else []
    if a_max > 0 and not windows and n_steps < _BIAS_FACTOR * a_max * g.n_nodes:
        warnings.warn(
            f"{caller}: SRRW estimates carry an O(alpha / n) bias that is not corrected with "
            f"step_exponent != 1 or interval='asymptotic'; with alpha={a_max:g} and n_steps="
            f"{n_steps} per walker on {g.n_nodes} nodes the interval may under-cover.",
            UserWarning,
            stacklevel=2,
        )
    _check_srrw_sizes(g, int(n_walkers), n_steps, False, caller)
    gen = as_generator(rng)
    ch = g.chain(chain, mh_target)
    r = np.ones(g.n_nodes) if pi is None else pi / ch.mu
    starts = _starts(g, ch, start, n_walkers, gen, caller)
    progress = check_progress(progress, caller=caller)
    plan = _Plan(g, ch, chain, mh_target, f, r, alphas, burn_in, windows, interval)
    plan.add(n_steps, grid)
    x = plan.run(starts, n_steps, step_exponent, gen, progress, caller)
    # the warning points at the caller: result <- graph_average <- validate_params <- aliases
    return plan.result(n_steps, x, alpha, caller, stacklevel=5)


class _Plan:
    """The checkpoints one SRRW run needs and the estimates computed from them.

    A run of ``n`` steps gives, for every run length ``n' <= n`` whose checkpoints it kept, the
    result ``graph_average(n_steps=n')`` would give with the same ``rng``: each walker's stream
    does not depend on ``n_steps``, so the shorter walk is the prefix of the longer one (used by
    benchmarks/walks_srrw_coverage.py to read several run lengths off one run).
    """

    def __init__(self, g, ch, chain, mh_target, f, r, alphas, burn_in, windows, interval):
        self.g, self.ch, self.chain, self.mh_target = g, ch, chain, mh_target
        self.f, self.r, self.alphas = f, r, alphas
        self.burn_in, self.windows, self.interval = burn_in, windows, interval
        self.f2 = f.reshape(g.n_nodes, -1)
        self.rf = r[:, None] * self.f2
        self.grids = {}
        self.checkpoints = set()

    def add(self, n_steps, grid):
        self.grids[n_steps] = grid
        if grid and self.burn_in == "auto" and n_steps >= 4:
            self.checkpoints |= {grid[0], n_steps // 4, n_steps // 2}
        else:
            self.checkpoints |= set(grid)

    def run(self, starts, n_steps, step_exponent, gen, progress, caller):
        ch, rf, r = self.ch, self.rf, self.r
        n_walkers = starts.shape[0]
        extra = {n for n in self.grids if n < n_steps}
        cps = sorted(self.checkpoints | extra)
        # per checkpoint t: visit-count sums  sum_i c_t(i) r_i f(i)  and  sum_i c_t(i) r_i
        self.at = at = {
            t: (np.empty((n_walkers, self.f2.shape[1])), np.empty(n_walkers)) for t in cps
        }
        self.x_at = {t: np.empty((n_walkers, self.g.n_nodes)) for t in extra}

        def keep(t, g0, xg):
            counts = (t + 1.0) * xg - ch.mu  # visits over steps 1 .. t
            at[t][0][g0 : g0 + xg.shape[0]] = counts @ rf
            at[t][1][g0 : g0 + xg.shape[0]] = counts @ r
            if t in self.x_at:
                self.x_at[t][g0 : g0 + xg.shape[0]] = xg

        x, _ = _run_srrw(
            self.g, ch, self.alphas, step_exponent, starts, n_steps, gen, False, "numpy", None,
            progress=progress, caller=caller, checkpoints=cps, on_checkpoint=keep,
        )  # fmt: skip
        return x

    def result(self, n_steps, x, alpha, caller, stacklevel=2):
        """The :class:`GraphEstimateResult` of a run of ``n_steps`` (``x``: the measures at
        ``n_steps``; ``None`` reads them from the checkpoint)."""
        g, ch, rf, r, at = self.g, self.ch, self.rf, self.r, self.at
        chain, mh_target, f, alphas = self.chain, self.mh_target, self.f, self.alphas
        grid, burn_in, interval = self.grids[n_steps], self.burn_in, self.interval
        if x is None:
            x = self.x_at[n_steps]
        n_walkers = x.shape[0]
        a_max = float(alphas.max())
        reliable, z = True, 0.0
        if grid:
            counts_n = (n_steps + 1.0) * x - ch.mu
            num_n, den_n = counts_n @ rf, counts_n @ r
            m_sel = grid[0]
            per_walker = (num_n - at[m_sel][0]) / (den_n - at[m_sel][1])[:, None]
            if burn_in == "auto":
                T = _transient(g, chain, mh_target)
                reliable = m_sel >= T and n_steps >= _min_steps(T, a_max)
                if n_steps >= 4 and n_steps // 4 >= 1:
                    a4, a2 = at[n_steps // 4], at[n_steps // 2]
                    q2 = (a2[0] - a4[0]) / (a2[1] - a4[1])[:, None]
                    half = (num_n - a2[0]) / (den_n - a2[1])[:, None]
                    z = _quarter_check(half, q2)
                    from scipy.stats import t as student

                    z_max = float(student.ppf(1 - _RELIABLE_P / 2, n_walkers - 1))
                    reliable = reliable and z <= z_max
        else:
            m_sel = 0
            per_walker = (x @ rf) / (x @ r)[:, None]
        estimate = per_walker.mean(axis=0)
        if interval == "walkers":
            se = per_walker.std(axis=0, ddof=1) / np.sqrt(n_walkers)
        else:
            if g.n_nodes > _MAX_DENSE_NODES:
                raise InvalidParameterError(
                    f"interval='asymptotic' in {caller} uses a dense eigendecomposition and is "
                    f"limited to {_MAX_DENSE_NODES} nodes; the graph has {g.n_nodes}."
                )
            V = _dense_covariance(g.transition_matrix(chain, mh_target).toarray(), ch.mu, a_max)
            gv = r[:, None] * (self.f2 - estimate) / float(ch.mu @ r)
            var = np.einsum("ik,ij,jk->k", gv, V, gv)
            se = np.sqrt(np.maximum(var, 0.0) / (n_steps * n_walkers))
        if not reliable:
            warnings.warn(
                f"{caller}: the SRRW's start-up transient (about "
                f"{_transient(g, chain, mh_target)} steps here: 4 max(3 / min(mu), 20 t_rel)) is "
                f"not over well within n_steps={n_steps} (alpha={a_max:g}): the estimates of the "
                f"last two quarters of the walks differ by {z:.1f} standard errors, or n_steps < "
                "2 max(1, alpha / 4) x the transient. The interval is not to be trusted (result.reliable is "
                "False); run longer walks.",
                UserWarning,
                stacklevel=stacklevel,
            )
        if f.ndim == 1:
            estimate, se, per_walker = float(estimate[0]), float(se[0]), per_walker[:, 0]
        alpha_out = float(alphas[0]) if np.ndim(alpha) == 0 else alphas
        return GraphEstimateResult(
            estimate=estimate,
            standard_error=se,
            per_walker=per_walker,
            n_walkers=int(n_walkers),
            n_steps=n_steps,
            alpha=alpha_out,
            interval=interval,
            burn_in=int(m_sel),
            reliable=reliable,
        )


def _auto_grid(g, chain, mh_target, n_steps, a_max, windows):
    """``[m]`` with the automatic burn-in ``m = max(T, n / 8)`` (at most ``n / 2``), or ``[]``."""
    grid = []
    if a_max > 0 and windows:
        floor = _transient(g, chain, mh_target)
        grid = [max(floor, n_steps // 8, 1)]
        if grid[0] > n_steps // 2:
            grid = [max(n_steps // 2, 1)]
    return grid


def _graph_average_lengths(g, values, lengths, *, alpha, chain, n_walkers, rng):
    """``[graph_average(g, values, n_steps=n, alpha=alpha, chain=chain, n_walkers=n_walkers,
    rng=rng) for n in lengths]`` (uniform target, defaults otherwise) from ONE run of
    ``max(lengths)`` steps: the walks of a shorter run are the prefixes of the longer one's.
    For studies over run lengths (benchmarks/walks_srrw_coverage.py); the equality with separate
    calls is tested in tests/walks/test_walks_bias.py."""
    caller = "graph_average"
    f = _check_values(values, g.n_nodes)
    n_max = int(max(lengths))
    alphas = _check_alpha(float(alpha), n_max, caller)
    pi = np.full(g.n_nodes, 1.0 / g.n_nodes)
    mh_target = pi if chain == "mhrw" else None
    gen = as_generator(rng)
    ch = g.chain(chain, mh_target)
    r = pi / ch.mu
    starts = _starts(g, ch, None, n_walkers, gen, caller)
    plan = _Plan(g, ch, chain, mh_target, f, r, alphas, "auto", True, "walkers")
    for n in lengths:
        plan.add(int(n), _auto_grid(g, chain, mh_target, int(n), float(alpha), True))
    x = plan.run(starts, n_max, 1.0, gen, False, caller)
    return [plan.result(int(n), x if int(n) == n_max else None, float(alpha), caller)
            for n in lengths]  # fmt: skip
