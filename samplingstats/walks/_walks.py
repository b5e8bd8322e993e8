"""Base random walks (SRW, weighted RW, MHRW, NBRW) and self-repellent random walks (SRRW)."""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from .._backend import resolve_backend
from .._results import Result
from .._rng import as_generator
from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    check_param,
    validate_params,
)
from ._graph import _check_target, as_walk_graph

__all__ = ["random_walk", "self_repellent_walk", "WalkResult", "SRRWResult"]

# Walkers per block in the many-walker kernels (round-robin inside a block, blocks in parallel).
_BLOCK = 32


class _DynamicChunks:
    """Hand out the kernels' walker blocks one at a time (numba's parallel chunk size 1).

    With static chunks a thread that the OS deschedules holds up the whole call; with chunks of
    one block the other threads take over its blocks. The previous setting is restored. With
    the JIT disabled (plain Python kernels) it silences numpy's uint64 wrap-around warnings.
    """

    def __enter__(self):
        from .._kernels._jit import jit_disabled

        self._old = None
        self._err = None
        if jit_disabled():
            # plain-Python kernels: the xoshiro arithmetic wraps around on numpy uint64 scalars
            self._err = np.errstate(over="ignore")
            self._err.__enter__()
        else:
            import numba

            self._old = numba.set_parallel_chunksize(1)
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            import numba

            numba.set_parallel_chunksize(self._old)
        if self._err is not None:
            self._err.__exit__(*exc)
        return False


@dataclasses.dataclass(repr=False)
class WalkResult(Result):
    """Result of :func:`random_walk`.

    Attributes
    ----------
    trace : ndarray or torch.Tensor of int64, shape (n_walkers, n_steps + 1)
        Visited node indices; column 0 holds the start nodes. The numpy trace is a Fortran-ordered
        array (the kernels write all walkers' step ``t`` together); use
        ``np.ascontiguousarray(trace)`` when row-contiguous walks are needed.
    chain : str
        The base chain ("srw", "mhrw" or "nbrw").
    stationary : ndarray, shape (n_nodes,)
        Stationary distribution of the chain over nodes.
    nodes : list or None
        networkx node labels in index order (``nodes[trace[w, t]]`` is a label), ``None`` for
        matrix input.
    """

    trace: object
    chain: str
    stationary: np.ndarray
    nodes: list | None = None

    @property
    def n_walkers(self) -> int:
        return int(self.trace.shape[0])

    @property
    def n_steps(self) -> int:
        return int(self.trace.shape[1]) - 1

    def visit_counts(self, burn_in=0):
        """Visits per walker and node after dropping the first ``burn_in`` steps.

        Returns
        -------
        ndarray of int64, shape (n_walkers, n_nodes)
        """
        from .._backend import to_numpy

        burn_in = _check_int(burn_in, "burn_in", 0, self.n_steps, "visit_counts")
        tr = to_numpy(self.trace)[:, burn_in + 1 :]
        n = self.stationary.shape[0]
        offs = (np.arange(tr.shape[0]) * n)[:, None]
        return np.bincount((tr + offs).ravel(), minlength=n * tr.shape[0]).reshape(-1, n)


@dataclasses.dataclass(repr=False)
class SRRWResult(Result):
    """Result of :func:`self_repellent_walk`.

    Attributes
    ----------
    empirical_measure : ndarray or torch.Tensor, shape (n_walkers, n_nodes)
        Each walker's empirical measure x_n (rows sum to 1).
    trace : ndarray or torch.Tensor of int64, shape (n_walkers, n_steps + 1), or None
        Visited nodes when ``record_trace=True``.
    mu : ndarray, shape (n_nodes,)
        Stationary distribution of the base chain (the target of x_n).
    alpha : float or ndarray
        The repellence strength (an array when time-varying).
    base : str
        The base chain.
    n_steps : int
        Steps per walker.
    nodes : list or None
        networkx node labels in index order.
    """

    empirical_measure: object
    trace: object
    mu: np.ndarray
    alpha: object
    base: str
    n_steps: int
    nodes: list | None = None

    @property
    def n_walkers(self) -> int:
        return int(self.empirical_measure.shape[0])

    def squared_error(self):
        """Per-walker squared distance ``||x_n - mu||^2`` (ndarray, shape (n_walkers,))."""
        from .._backend import to_numpy

        return ((to_numpy(self.empirical_measure) - self.mu) ** 2).sum(axis=1)


def _check_int(value, name, low, high, caller):
    check_param(
        value, [Interval(numbers.Integral, low, high, closed="both")], name=name, caller=caller
    )
    return int(value)


def _starts(g, chain, start, n_walkers, rng, caller):
    """Start nodes (int64, shape (n_walkers,)): drawn from mu when ``start`` is None."""
    if start is None:
        from ..sampling import AliasTable

        return np.ascontiguousarray(AliasTable(chain.mu).sample(n_walkers, rng=rng), np.int64)
    if np.ndim(start) == 0:
        return np.full(n_walkers, g.node_index(_scalar(start), caller=caller), dtype=np.int64)
    starts = list(start)
    if len(starts) != n_walkers:
        raise InvalidParameterError(
            f"The 'start' parameter of {caller} must be a node, or one node per walker "
            f"({n_walkers}). Got {len(starts)} start nodes instead."
        )
    return np.array([g.node_index(_scalar(s), caller=caller) for s in starts], dtype=np.int64)


def _scalar(v):
    if isinstance(v, np.generic):
        return v.item()
    if hasattr(v, "item") and getattr(v, "ndim", 1) == 0:  # 0-d array or tensor
        return v.item()
    return v


@validate_params(
    {
        "n_steps": [Interval(numbers.Integral, 0, None, closed="left")],
        "chain": [StrOptions({"srw", "mhrw", "nbrw"})],
        "n_walkers": [Interval(numbers.Integral, 1, None, closed="left")],
        "rng": ["rng"],
        "backend": [StrOptions({"auto", "numpy", "torch"})],
    },
    caller="random_walk",
)
def random_walk(
    graph,
    n_steps,
    *,
    chain="srw",
    n_walkers=1,
    start=None,
    target=None,
    rng=None,
    backend="auto",
    device=None,
):
    """Simulate random walks on a graph: simple, weighted, Metropolis–Hastings or non-backtracking.

    Parameters
    ----------
    graph : scipy.sparse matrix, dense array, networkx.Graph or WalkGraph
        Connected undirected graph: a symmetric non-negative adjacency matrix (entries are edge
        weights) or a networkx graph (edge attribute ``"weight"`` used when present).
    n_steps : int
        Steps per walker (``n_steps >= 0``).
    chain : {"srw", "mhrw", "nbrw"}, default "srw"
        ``"srw"``: simple random walk, ``P_ij = A_ij / sum_k A_ik`` (the weighted random walk on a
        weighted graph), stationary ``mu_i`` proportional to the (weighted) degree.
        ``"mhrw"``: Metropolis–Hastings walk with the SRW as proposal and stationary ``target``
        (uniform by default); the rejected mass is a self-loop.
        ``"nbrw"``: non-backtracking walk (never returns to the previous node unless it is the only
        neighbour); uses the graph structure only, weights are ignored. Not reversible.
    n_walkers : int, default 1
        Independent walkers. On the numpy backend they run in blocks of 32 (round-robin inside a
        block so memory latencies overlap, blocks in parallel over numba threads).
    start : node, sequence of nodes or None, default None
        Start node(s): networkx labels for networkx input, indices otherwise. ``None`` draws each
        walker's start from the chain's stationary distribution (the walk is stationary from
        step 0).
    target : array of shape (n_nodes,), "uniform" or None
        Stationary distribution of the MHRW (positive weights, normalised). Only for
        ``chain="mhrw"``.
    rng : None, int or numpy.random.Generator
        Seed or generator (SPEC 7). Each walker gets its own xoshiro256+ stream seeded from it, so
        the result does not depend on the number of numba threads.
    backend : {"auto", "numpy", "torch"}, default "auto"
        ``"numpy"``: numba kernels on the CPU. ``"torch"``: vectorised steps over walkers on
        ``device`` (suited to very many walkers on a GPU); the trace is then a tensor. ``"auto"``
        picks torch when ``device`` is given.
    device : str or torch.device, optional
        Torch device for ``backend="torch"`` (default CPU). On a CUDA device with numba-cuda the
        fused GPU kernel runs and the trace is identical to ``backend="numpy"``'s for the same
        ``rng``; the vectorised torch steps (CPU tensors, or CUDA without numba-cuda) are
        reproducible per device but draw from other streams.

    Returns
    -------
    WalkResult
        ``trace`` of shape (n_walkers, n_steps + 1) with the visited node indices.

    Raises
    ------
    InvalidParameterError
        Disconnected, directed or negative-weight graphs, isolated nodes, a start node out of
        range, a non-positive target, or invalid parameters.

    Examples
    --------
    >>> import networkx as nx
    >>> from samplingstats.walks import random_walk
    >>> G = nx.karate_club_graph()
    >>> res = random_walk(G, 1000, chain="mhrw", n_walkers=4, rng=0)
    >>> res.trace.shape
    (4, 1001)
    >>> bool(all(G.has_edge(a, b) or a == b for a, b in zip(res.trace[0, :-1], res.trace[0, 1:])))
    True
    """
    g = as_walk_graph(graph)
    tgt = _check_target(target, g, "random_walk")
    if tgt is not None and chain != "mhrw":
        raise InvalidParameterError(
            "The 'target' parameter of random_walk is only used with chain='mhrw' (the "
            f"stationary distribution of {chain!r} is fixed by the graph). Got chain={chain!r}."
        )
    bk = resolve_backend(backend, device=device, caller="random_walk")
    gen = as_generator(rng)
    ch = g.chain(chain, tgt)
    starts = _starts(g, ch, start, n_walkers, gen, "random_walk")
    if bk == "torch":
        from ._torch_walk import torch_random_walk

        trace = torch_random_walk(g, ch, starts, int(n_steps), gen, device)
    else:
        from .._kernels._walk import seed_states, walk_kernel

        states = seed_states(gen, n_walkers)
        steps_major = np.empty((int(n_steps) + 1, n_walkers), dtype=np.int64)
        with _DynamicChunks():
            walk_kernel(
                g.indptr,
                g.indices,
                ch.table,
                ch.kind,
                starts,
                int(n_steps),
                states,
                _BLOCK,
                steps_major,
            )
        trace = steps_major.T  # (n_walkers, n_steps + 1) view, Fortran-ordered
    return WalkResult(trace=trace, chain=chain, stationary=ch.mu, nodes=g.nodes)


def _check_alpha(alpha, n_steps, caller):
    """alpha: a float >= 0, or a schedule (one value >= 0 per step). Returns float64 array."""
    if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool):
        check_param(
            alpha, [Interval(numbers.Real, 0, None, closed="left")], name="alpha", caller=caller
        )
        return np.array([float(alpha)])
    if isinstance(alpha, (bool, str, bytes)) or alpha is None or not hasattr(alpha, "__len__"):
        raise InvalidParameterError(
            f"The 'alpha' parameter of {caller} must be a float in the range [0, inf) or an array "
            f"of n_steps such floats (a schedule). Got {alpha!r} instead."
        )
    from .._backend import to_numpy

    a = np.asarray(to_numpy(alpha), dtype=np.float64)
    if a.ndim != 1 or a.shape[0] != max(n_steps, 1):
        raise InvalidParameterError(
            f"The 'alpha' parameter of {caller} must be a float or an array of length n_steps="
            f"{n_steps} (one alpha per step). Got an array of shape {a.shape} instead."
        )
    if not np.all(np.isfinite(a)) or a.min() < 0:
        k = int(np.flatnonzero(~(np.isfinite(a) & (a >= 0)))[0])
        raise InvalidParameterError(
            f"The 'alpha' parameter of {caller} must be non-negative and finite; entry {k} is "
            f"{float(a[k])!r}."
        )
    return np.ascontiguousarray(a)


def _check_base(base, g, caller):
    if base == "nbrw":
        raise InvalidParameterError(
            f"The 'base' parameter of {caller} must be a reversible chain, 'srw' or 'mhrw'; the "
            "non-backtracking walk is not reversible, so the SRRW theory does not apply to it. "
            "Got 'nbrw' instead."
        )
    check_param(base, [StrOptions({"srw", "mhrw"})], name="base", caller=caller)


def _run_srrw(g, ch, alphas, step_exponent, starts, n_steps, gen, record, backend, device):
    """Run the SRRW kernel; return (x (W, N), trace or None)."""
    n_walkers = starts.shape[0]
    if backend == "torch":
        from ._torch_walk import torch_srrw

        return torch_srrw(g, ch, alphas, step_exponent, starts, n_steps, gen, record, device)
    from .._kernels._walk import seed_states, srrw_kernel

    states = seed_states(gen, n_walkers)
    y = np.tile(ch.mu, (n_walkers, 1))
    scale = np.ones(n_walkers)
    trace = np.empty((n_walkers, n_steps + 1) if record else (1, 1), dtype=np.int64)
    with _DynamicChunks():
        srrw_kernel(
            g.indptr,
            g.indices,
            ch.prob,
            ch.selfp,
            ch.mu,
            alphas,
            float(step_exponent),
            starts,
            n_steps,
            states,
            _BLOCK,
            y,
            scale,
            trace,
            bool(record),
            int(g.degree.max()),
        )
    x = y * scale[:, None]
    x /= x.sum(axis=1, keepdims=True)  # remove the rounding drift of the running scale
    return x, (trace if record else None)


@validate_params(
    {
        "n_steps": [Interval(numbers.Integral, 0, None, closed="left")],
        "step_exponent": [Interval(numbers.Real, 0.5, 1, closed="right")],
        "n_walkers": [Interval(numbers.Integral, 1, None, closed="left")],
        "record_trace": ["boolean"],
        "rng": ["rng"],
        "backend": [StrOptions({"auto", "numpy", "torch"})],
    },
    caller="self_repellent_walk",
)
def self_repellent_walk(
    graph,
    n_steps,
    *,
    alpha,
    base="srw",
    target=None,
    step_exponent=1.0,
    n_walkers=1,
    record_trace=False,
    start=None,
    rng=None,
    backend="auto",
    device=None,
):
    """Self-repellent random walk (SRRW, Doshi, Hu & Eun 2023) on a reversible base chain.

    At node ``i`` with empirical measure ``x`` the walker moves to ``j`` with probability
    ``K_ij[x] = P_ij (x_j / mu_j)^-alpha / sum_k P_ik (x_k / mu_k)^-alpha`` (``k`` over the
    neighbours of ``i`` and ``i`` itself), so it avoids nodes it has over-visited relative to the
    base chain's stationary ``mu``. ``x`` follows ``x_{n+1} = x_n + gamma_{n+1} (delta_{X_{n+1}} -
    x_n)`` from ``x_0 = mu`` with ``gamma_n = (n + 1)^-step_exponent``. ``x_n`` converges to ``mu``
    for every ``alpha >= 0`` and its asymptotic covariance ``V(alpha)`` shrinks like ``1/alpha``
    (see :func:`srrw_asymptotic_covariance`); ``alpha = 0`` is the base chain.

    Each step costs one pass over the current node's neighbours and a single ``pow`` (the
    weights ``(y_j / mu_j)^-alpha`` of the raw visit masses ``y`` are cached and only the visited
    node's changes). Weights are clamped to [1e-280, 1e280] and the masses are renormalised when
    ``alpha * log(mass)`` grows past 100, so large ``alpha`` or long runs never underflow to a
    zero row.

    Parameters
    ----------
    graph : scipy.sparse matrix, dense array, networkx.Graph or WalkGraph
        Connected undirected graph (see :func:`random_walk`).
    n_steps : int
        Steps per walker.
    alpha : float or array of shape (n_steps,)
        Repellence strength ``>= 0``, or a schedule with the alpha used at each step (every change
        of value recomputes all cached weights in O(n_nodes): prefer piecewise-constant schedules).
    base : {"srw", "mhrw"}, default "srw"
        Reversible base chain: the simple (weighted) random walk, or the MHRW with stationary
        ``target``. The non-backtracking walk is not reversible and is refused.
    target : array of shape (n_nodes,), "uniform" or None
        Stationary distribution of the MHRW base (uniform by default); ``base="mhrw"`` only.
    step_exponent : float in (0.5, 1], default 1.0
        ``a`` in ``gamma_n = (n + 1)^-a``; 1 gives the plain visit frequencies.
    n_walkers : int, default 1
        Independent walkers, each with its own empirical measure.
    record_trace : bool, default False
        Also return the visited nodes, shape (n_walkers, n_steps + 1).
    start : node, sequence of nodes or None
        Start node(s); ``None`` draws them from ``mu``.
    rng : None, int or numpy.random.Generator
        Seed or generator (per-walker streams, independent of the thread count).
    backend : {"auto", "numpy", "torch"}, default "auto"
        ``"torch"`` returns tensors on ``device``. On a CUDA device with numba-cuda a fused kernel
        runs (one block of 32 threads per walker, the numba kernel's arithmetic: measures equal
        the CPU kernel's up to the last bits of ``exp``/``log``); otherwise all walkers step at
        once with tensor operations (log-weights, Gumbel-max choice over the neighbour slots
        padded to the largest current degree), reproducible per device.
    device : str or torch.device, optional
        Torch device (default CPU).

    Returns
    -------
    SRRWResult
        ``empirical_measure`` (n_walkers, n_nodes), ``trace`` or None, ``mu``.

    Examples
    --------
    >>> import networkx as nx
    >>> import numpy as np
    >>> from samplingstats.walks import self_repellent_walk
    >>> G = nx.karate_club_graph()
    >>> r0 = self_repellent_walk(G, 20000, alpha=0.0, n_walkers=8, rng=1)
    >>> r5 = self_repellent_walk(G, 20000, alpha=5.0, n_walkers=8, rng=1)
    >>> r0.empirical_measure.shape
    (8, 34)
    >>> bool(r5.squared_error().mean() < r0.squared_error().mean())
    True
    """
    g = as_walk_graph(graph)
    caller = "self_repellent_walk"
    _check_base(base, g, caller)
    alphas = _check_alpha(alpha, int(n_steps), caller)
    tgt = _check_target(target, g, caller)
    if tgt is not None and base != "mhrw":
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} is only used with base='mhrw'. Got base={base!r}."
        )
    bk = resolve_backend(backend, device=device, caller=caller)
    gen = as_generator(rng)
    ch = g.chain(base, tgt)
    starts = _starts(g, ch, start, n_walkers, gen, caller)
    x, trace = _run_srrw(
        g, ch, alphas, step_exponent, starts, int(n_steps), gen, record_trace, bk, device
    )
    alpha_out = float(alphas[0]) if np.ndim(alpha) == 0 else alphas
    return SRRWResult(
        empirical_measure=x,
        trace=trace,
        mu=ch.mu,
        alpha=alpha_out,
        base=base,
        n_steps=int(n_steps),
        nodes=g.nodes,
    )
