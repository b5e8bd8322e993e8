"""Base random walks (SRW, weighted RW, MHRW, NBRW) and self-repellent random walks (SRRW)."""

from __future__ import annotations

import dataclasses
import numbers
import time
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._backend import resolve_backend
from .._progress import check_progress, get_logger, progress_bar
from .._results import Result
from .._rng import as_generator
from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    check_param,
    validate_params,
)
from ._compat import deprecated_attribute, renamed_parameters
from ._graph import _check_target, as_walk_graph

if TYPE_CHECKING:
    from ._estimators import GraphEstimateResult
    from ._graph import GraphLike, RNGLike

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
    trace : ndarray or torch.Tensor of int64, shape (n_walkers, n_steps + 1), or None
        Visited node indices; column 0 holds the start nodes. The numpy trace is a Fortran-ordered
        array (the kernels write all walkers' step ``t`` together); use
        ``np.ascontiguousarray(trace)`` when row-contiguous walks are needed. ``None`` with
        ``record_trace=False`` (the streaming mode).
    chain : str
        The base chain ("srw", "mhrw" or "nbrw").
    target : ndarray, shape (n_nodes,)
        The node law the walk targets: the chain's stationary distribution.
    n_steps, n_walkers : int
        Steps per walker and walkers.
    nodes : list or None
        networkx node labels in index order (``nodes[trace[w, t]]`` is a label), ``None`` for
        matrix input.
    node_counts : ndarray of int64, shape (n_nodes,), or None
        Streaming mode: visits of each node over steps ``1 .. n_steps``, all walkers together.
    value_sums : ndarray, shape (n_walkers, n_batches) or (n_walkers, n_batches, k), or None
        When ``values`` was given: per walker and batch of steps, the sum of the values (of
        each of the ``k`` columns) over the batch's steps (what :meth:`average` needs).
    batch_lengths : ndarray of int64, shape (n_batches,), or None
        Steps in each batch (equal, the last one takes the remainder).

    See Also
    --------
    random_walk : Returns this result.
    WalkResult.average : Node average with a batch-means interval.
    """

    trace: Any
    chain: str
    target: NDArray[np.float64]
    n_steps: int
    n_walkers: int
    nodes: list[Any] | None = None
    node_counts: NDArray[np.int64] | None = None
    value_sums: NDArray[np.float64] | None = None
    batch_lengths: NDArray[np.int64] | None = None

    stationary = deprecated_attribute("stationary", "target")

    def visit_counts(self, burn_in: int = 0) -> NDArray[np.int64]:
        """Visits per walker and node after dropping the first ``burn_in`` steps.

        Needs the trace (``record_trace=True``); the streaming mode keeps the pooled
        ``node_counts`` instead.

        Parameters
        ----------
        burn_in : int, default 0
            Steps dropped at the start of each walk (``0 <= burn_in <= n_steps``).

        Returns
        -------
        ndarray of int64, shape (n_walkers, n_nodes)
        """
        from .._backend import to_numpy

        if self.trace is None:
            raise InvalidParameterError(
                "visit_counts needs the trace; this walk ran with record_trace=False (use "
                "node_counts, the visits of all walkers together)."
            )
        burn_in = _check_int(burn_in, "burn_in", 0, self.n_steps, "visit_counts")
        tr = to_numpy(self.trace)[:, burn_in + 1 :]
        n = self.target.shape[0]
        offs = (np.arange(tr.shape[0]) * n)[:, None]
        return np.bincount((tr + offs).ravel(), minlength=n * tr.shape[0]).reshape(-1, n)

    def average(
        self, values: ArrayLike | None = None, *, n_batches: int = 20
    ) -> GraphEstimateResult:
        """Estimate ``theta = sum_i target_i f(i)`` with a batch-means confidence interval.

        The estimate is the mean of ``f`` over every walker's steps ``1 .. n_steps``. Each
        walker's steps are cut into ``n_batches`` batches (the last one takes the remainder);
        the standard error treats the ``n_walkers * n_batches`` batch means as independent
        (batch means; batches must be long against the chain's mixing time) and the interval is
        a Student t with ``n_walkers * n_batches - 1`` degrees of freedom.

        Parameters
        ----------
        values : array of shape (n_nodes,) or (n_nodes, k), optional
            ``f(i)`` per node. ``None`` uses the sums kept by ``random_walk(values=...)`` (the
            only choice in the streaming mode).
        n_batches : int, default 20
            Batches per walker when ``values`` is given here (with the trace).

        Returns
        -------
        GraphEstimateResult
            ``interval="batch_means"``; ``per_walker`` holds each walker's mean.

        Examples
        --------
        A :class:`WalkGraph` built once serves both calls; its ``degree`` is f here.

        >>> import networkx as nx
        >>> from samplingstats.walks import WalkGraph, random_walk
        >>> g = WalkGraph(nx.karate_club_graph())
        >>> deg = g.degree.astype(float)
        >>> kept = random_walk(g, n_steps=20000, chain="mhrw", n_walkers=4, rng=0)
        >>> streamed = random_walk(g, n_steps=20000, chain="mhrw", n_walkers=4, rng=0,
        ...                        values=deg, record_trace=False)
        >>> a, b = kept.average(deg), streamed.average()
        >>> bool(abs(a.estimate - b.estimate) < 1e-12)
        True
        >>> low, high = b.confidence_interval(0.999)
        >>> bool(low < deg.mean() < high)
        True
        """

        if values is None:
            if self.value_sums is None:
                raise InvalidParameterError(
                    "WalkResult.average needs 'values' (one value per node): this walk ran "
                    "without values=."
                )
            sums, lengths = self.value_sums, self.batch_lengths
            ndim = sums.ndim - 1
            sums = sums.reshape(sums.shape[0], sums.shape[1], -1)
        else:
            if self.trace is None:
                raise InvalidParameterError(
                    "WalkResult.average: this walk ran with record_trace=False and kept only the "
                    "sums of the values given to random_walk; call average() without 'values'."
                )
            from .._backend import to_numpy
            from ._estimators import _check_values

            f = _check_values(values, self.target.shape[0])
            ndim = f.ndim
            n_batches = _check_int(n_batches, "n_batches", 2, None, "WalkResult.average")
            lengths = _batch_lengths(self.n_steps, n_batches, "WalkResult.average")
            f2 = f.reshape(f.shape[0], -1)
            tr = to_numpy(self.trace)
            sums = _trace_sums(tr, f2, lengths)
        return _batch_means_result(sums, lengths, ndim, self.n_steps)


def _batch_lengths(n_steps, n_batches, caller):
    if n_steps < n_batches:
        raise InvalidParameterError(
            f"The 'n_batches' parameter of {caller} must be at most n_steps={n_steps} (each "
            f"batch needs a step). Got {n_batches} instead."
        )
    L = n_steps // n_batches
    lengths = np.full(n_batches, L, dtype=np.int64)
    lengths[-1] = n_steps - L * (n_batches - 1)
    return lengths


def _trace_sums(trace, f2, lengths):
    """Per walker and batch sums of ``f2`` (n_nodes, k) over steps ``1 .. n`` of ``trace``,
    accumulated step by step in the streaming kernel's order (bit for bit the same sums)."""
    from .._kernels._walk import trace_sums

    steps_major = trace.T if trace.flags.f_contiguous else np.ascontiguousarray(trace.T)
    return trace_sums(steps_major, f2, int(lengths[0]), lengths.shape[0])


def _batch_means_result(sums, lengths, ndim, n_steps):
    from ._estimators import GraphEstimateResult

    W, B, _ = sums.shape
    n_tot = float(n_steps) * W
    estimate = sums.sum(axis=(0, 1)) / n_tot
    means = sums / lengths[None, :, None]
    K = W * B  # >= 2: n_batches >= 2
    dev = (means - estimate) * lengths[None, :, None]
    se = np.sqrt((dev**2).sum(axis=(0, 1)) / n_tot**2 * K / (K - 1))
    per_walker = sums.sum(axis=1) / float(n_steps)
    if ndim == 1:
        estimate, se, per_walker = float(estimate[0]), float(se[0]), per_walker[:, 0]
    return GraphEstimateResult(
        estimate=estimate,
        standard_error=se,
        per_walker=per_walker,
        n_walkers=W,
        n_steps=int(n_steps),
        alpha=0.0,
        interval="batch_means",
        n_batches=B,
    )


@dataclasses.dataclass(repr=False)
class SRRWResult(Result):
    """Result of :func:`self_repellent_walk`.

    Attributes
    ----------
    empirical_measure : ndarray or torch.Tensor, shape (n_walkers, n_nodes)
        Each walker's empirical measure x_n (rows sum to 1).
    trace : ndarray or torch.Tensor of int64, shape (n_walkers, n_steps + 1), or None
        Visited nodes when ``record_trace=True``.
    target : ndarray, shape (n_nodes,)
        Stationary distribution ``mu`` of the base chain (the node law x_n converges to).
    alpha : float or ndarray
        The repellence strength (an array when time-varying).
    chain : str
        The base chain.
    n_steps : int
        Steps per walker.
    nodes : list or None
        networkx node labels in index order.

    See Also
    --------
    self_repellent_walk : Returns this result.
    srrw_asymptotic_covariance : The covariance of ``sqrt(n) (x_n - target)``.
    """

    empirical_measure: Any
    trace: Any
    target: NDArray[np.float64]
    alpha: float | NDArray[np.float64]
    chain: str
    n_steps: int
    nodes: list[Any] | None = None

    @property
    def n_walkers(self) -> int:
        """Number of walkers (rows of ``empirical_measure``)."""
        return int(self.empirical_measure.shape[0])

    mu = deprecated_attribute("mu", "target")
    base = deprecated_attribute("base", "chain")

    def squared_error(self) -> NDArray[np.float64]:
        """Per-walker squared distance ``||x_n - target||^2``.

        Returns
        -------
        ndarray, shape (n_walkers,)
            ``sum_i (x_n(i) - target_i)^2`` for each walker.
        """
        from .._backend import to_numpy

        return ((to_numpy(self.empirical_measure) - self.target) ** 2).sum(axis=1)


def _check_int(value, name, low, high, caller):
    check_param(
        value, [Interval(numbers.Integral, low, high, closed="both")], name=name, caller=caller
    )
    return int(value)


def _memory_limit() -> int:
    """Physical memory in bytes (what no single allocation of a walk may exceed)."""
    import os

    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return 2**46


def _check_alloc(nbytes, what, caller, names, hint=""):
    """Refuse, before allocating, an array larger than the machine's memory (huge sizes would
    otherwise end in numpy's "Unable to allocate 6.94 EiB")."""
    limit = _memory_limit()
    if nbytes > limit:
        plural = "' and '" in names
        noun, verb = ("parameters", "ask") if plural else ("parameter", "asks")
        raise InvalidParameterError(
            f"The '{names}' {noun} of {caller} {verb} for {what} of {nbytes / 2**30:.3g} GiB, "
            f"more than this machine's {limit / 2**30:.3g} GiB of memory{hint}."
        )


# Visit counts are kept exactly in float64 (the SRRW measures, the streamed batch sums of
# counts): at most 2**53 walker-steps per call. Larger requests would also run for years.
_MAX_WORK = 2**53


def _check_work(n_walkers, n_steps, caller):
    """Refuse ``n_walkers * n_steps`` above 2**53 walker-steps before running (a numba loop cannot
    be interrupted)."""
    if int(n_walkers) * int(n_steps) > _MAX_WORK:
        raise InvalidParameterError(
            f"The 'n_steps' and 'n_walkers' parameters of {caller} ask for "
            f"{int(n_walkers) * int(n_steps):.3g} walker-steps, more than 2**53 (the visit counts "
            "are exact in float64 only below that; at 1e9 steps/s it would take "
            f"{int(n_walkers) * int(n_steps) / 1e9 / 3.15e7:.3g} years)."
        )


def _check_srrw_sizes(g, n_walkers, n_steps, record, caller):
    """Refuse SRRW sizes whose arrays (measures, optional trace) exceed the machine's memory, or
    whose work exceeds 2**53 walker-steps."""
    if record:
        _check_alloc((n_steps + 1) * n_walkers * 8, "the trace (n_walkers x (n_steps + 1) "
                     "int64)", caller, "n_steps' and 'n_walkers")  # fmt: skip
    _check_alloc(n_walkers * g.n_nodes * 8, "the empirical measures (n_walkers x n_nodes "
                 "float64)", caller, "n_walkers")  # fmt: skip
    _check_work(n_walkers, n_steps, caller)


def _starts(g, chain, start, n_walkers, rng, caller):
    """Start nodes (int64, shape (n_walkers,)): drawn from mu when ``start`` is None."""
    if start is None:
        from ..sampling import AliasTable

        return np.ascontiguousarray(AliasTable(chain.mu).sample(n_walkers, rng=rng), np.int64)
    if np.ndim(start) == 0:
        return np.full(n_walkers, g._node_index(_scalar(start), caller=caller), dtype=np.int64)
    starts = list(start)
    if len(starts) != n_walkers:
        raise InvalidParameterError(
            f"The 'start' parameter of {caller} must be a node, or one node per walker "
            f"({n_walkers}). Got {len(starts)} start nodes instead."
        )
    return np.array([g._node_index(_scalar(s), caller=caller) for s in starts], dtype=np.int64)


def _scalar(v):
    if isinstance(v, np.generic):
        return v.item()
    if hasattr(v, "item") and getattr(v, "ndim", 1) == 0:  # 0-d array or tensor
        return v.item()
    return v


@renamed_parameters({}, n_positional=1, positional="n_steps")
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
    graph: GraphLike,
    *,
    n_steps: int,
    chain: Literal["srw", "mhrw", "nbrw"] = "srw",
    n_walkers: int = 1,
    start: Any = None,
    target: ArrayLike | Literal["uniform"] | None = None,
    values: ArrayLike | None = None,
    record_trace: bool = True,
    n_batches: int = 20,
    rng: RNGLike = None,
    backend: Literal["auto", "numpy", "torch"] = "auto",
    device: Any = None,
    progress: bool = False,
) -> WalkResult:
    """Simulate random walks on a graph: simple, weighted, Metropolis–Hastings or non-backtracking.

    Parameters
    ----------
    graph : scipy.sparse matrix, dense array, networkx.Graph, PyG edge_index or Data, or WalkGraph
        Connected undirected graph: a symmetric non-negative adjacency matrix (entries are edge
        weights), a networkx graph (edge attribute ``"weight"`` used when present), a PyTorch
        Geometric ``edge_index`` (torch integer tensor of shape (2, n_edges), both directions of
        every edge) or ``torch_geometric.data.Data`` (see :class:`WalkGraph`).
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
    values : array of shape (n_nodes,) or (n_nodes, k), optional
        ``f(i)`` per node: the kernel adds ``f`` over each walker's steps, per batch of steps,
        for :meth:`WalkResult.average` (the estimate of ``sum_i target_i f(i)``).
    record_trace : bool, default True
        Keep the trace. ``False`` is the streaming mode: no trace, only the pooled
        ``node_counts`` and the ``values`` sums, memory ``O(n_walkers * n_batches * k +
        n_nodes * n_walkers / 32)`` (numba) or ``O(n_walkers * n_batches * k + n_nodes)``
        (torch, fused CUDA) whatever ``n_steps``; the estimates equal those computed from the
        trace of the same walks (bit for bit).
    n_batches : int, default 20
        Batches per walker for the batch-means standard error (with ``values``).
    rng : None, int or numpy.random.Generator
        Seed or generator (SPEC 7). Each walker gets its own xoshiro256+ stream seeded from it, so
        the result does not depend on the number of numba threads.
    backend : {"auto", "numpy", "torch"}, default "auto"
        ``"numpy"``: numba kernels on the CPU. ``"torch"``: vectorised steps over walkers on
        ``device`` (suited to very many walkers on a GPU); the trace is then a tensor (the
        streaming ``node_counts`` and ``value_sums`` are numpy arrays). ``"auto"`` picks torch
        when ``device`` is given.
    device : str or torch.device, optional
        Torch device for ``backend="torch"`` (default CPU). On a CUDA device with numba-cuda the
        fused GPU kernel runs and the trace is identical to ``backend="numpy"``'s for the same
        ``rng``; the vectorised torch steps (CPU tensors, or CUDA without numba-cuda) are
        reproducible per device but draw from other streams.
    progress : bool, default False
        Show a progress bar (tqdm, when installed); the numba kernel then runs in chunks of about
        1% of the steps (the same walks bit for bit). Start and end are logged at INFO level.

    Returns
    -------
    WalkResult
        ``trace`` of shape (n_walkers, n_steps + 1) with the visited node indices (``None`` in
        the streaming mode), ``node_counts`` and ``value_sums`` when asked for.

    Raises
    ------
    InvalidParameterError
        Disconnected, directed or negative-weight graphs, isolated nodes, a start node out of
        range, a non-positive target, or invalid parameters.

    See Also
    --------
    self_repellent_walk : The self-repellent walk on a reversible base chain.
    graph_average : Node averages with confidence intervals from independent walkers.
    WalkGraph : A validated graph reusable across calls.

    Examples
    --------
    >>> import networkx as nx
    >>> from samplingstats.walks import random_walk
    >>> G = nx.karate_club_graph()
    >>> res = random_walk(G, n_steps=1000, chain="mhrw", n_walkers=4, rng=0)
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
    caller = "random_walk"
    bk = resolve_backend(backend, device=device, caller=caller)
    progress = check_progress(progress, caller=caller)
    check_param(record_trace, ["boolean"], name="record_trace", caller=caller)
    n_steps, n_walkers = int(n_steps), int(n_walkers)
    f2 = lengths = None
    if values is not None:
        from ._estimators import _check_values

        f = _check_values(values, g.n_nodes)
        f_ndim = f.ndim
        f2 = np.ascontiguousarray(f.reshape(g.n_nodes, -1))
        n_batches = _check_int(n_batches, "n_batches", 2, None, caller)
        lengths = _batch_lengths(n_steps, n_batches, caller)
    if record_trace:
        _check_alloc((n_steps + 1) * n_walkers * 8, "the trace (n_steps + 1) x n_walkers int64",
                     caller, "n_steps' and 'n_walkers", " (record_trace=False streams)")  # fmt: skip
    k = 0 if f2 is None else f2.shape[1]
    n_b = 1 if lengths is None else lengths.shape[0]
    _check_alloc(n_walkers * (8 * n_b * k + 64) + 8 * g.n_nodes * -(-n_walkers // _BLOCK),
                 "the per-walker state", caller, "n_walkers")  # fmt: skip
    _check_work(n_walkers, n_steps, caller)
    gen = as_generator(rng)
    ch = g.chain(chain, tgt)
    starts = _starts(g, ch, start, n_walkers, gen, caller)
    log = get_logger("walks")
    log.info(
        "%s: %d walkers x %d steps on %d nodes (chain=%s, backend=%s, trace=%s)",
        caller,
        n_walkers,
        n_steps,
        g.n_nodes,
        chain,
        bk,
        record_trace,
    )
    t_start = time.perf_counter()
    node_counts = value_sums = None
    if bk == "torch":
        from .._backend import to_numpy
        from ._torch_walk import torch_random_walk

        trace, cnt, sums = torch_random_walk(
            g, ch, starts, n_steps, gen, device, bool(record_trace), f2,
            int(lengths[0]) if lengths is not None else 1,
            lengths.shape[0] if lengths is not None else 1, not record_trace,
        )  # fmt: skip
        if cnt is not None:
            node_counts = np.asarray(to_numpy(cnt), dtype=np.int64)
        if sums is not None:
            acc = np.asarray(to_numpy(sums), dtype=np.float64)
            value_sums = acc if f_ndim == 2 else acc[:, :, 0]
    else:
        from .._kernels._jit import get_num_threads
        from .._kernels._walk import (
            _NO_ACC,
            _NO_COUNTS,
            _NO_VALS,
            PARALLEL_MIN_STEPS,
            aligned_empty,
            seed_states,
            walk_state,
            walk_steps,
            walk_steps_serial,
        )

        states = seed_states(gen, n_walkers)
        shape = (n_steps + 1, n_walkers) if record_trace else (1, 1)
        steps_major = aligned_empty(shape, np.int64)  # blocks own whole cache lines
        pos, prev = walk_state(starts, steps_major, record_trace)
        stream = not record_trace or f2 is not None
        if stream:
            vals = f2 if f2 is not None else np.zeros((g.n_nodes, 0))
            n_b = lengths.shape[0] if (f2 is not None and lengths is not None) else 1
            acc = np.zeros((n_walkers, n_b, vals.shape[1]))
            counts = np.zeros((-(-n_walkers // _BLOCK), g.n_nodes), dtype=np.int64)
            batch_len = int(lengths[0]) if (f2 is not None and lengths is not None) else 1
        else:
            vals, acc, counts, batch_len = _NO_VALS, _NO_ACC, _NO_COUNTS, 1
        chunk = max(1, -(-n_steps // 100)) if progress else max(n_steps, 1)
        with (
            progress_bar(progress, total=n_walkers * n_steps, desc=caller, unit="step") as bar,
            _DynamicChunks(),
        ):
            t0 = 1
            while t0 <= n_steps:
                t1 = min(n_steps, t0 + chunk - 1)
                # blocks in parallel only where it pays: two blocks or more and enough steps to
                # cover waking the threads (the walks are the same either way)
                par = (
                    n_walkers > _BLOCK
                    and n_walkers * (t1 - t0 + 1) >= PARALLEL_MIN_STEPS
                    and get_num_threads() > 1
                )
                (walk_steps if par else walk_steps_serial)(
                    g.indptr,
                    g.indices,
                    ch.table,
                    ch.kind,
                    pos,
                    prev,
                    t0,
                    t1,
                    states,
                    _BLOCK,
                    steps_major,
                    bool(record_trace),
                    vals,
                    acc,
                    batch_len,
                    counts,
                    stream,
                )
                bar.update(n_walkers * (t1 - t0 + 1))
                t0 = t1 + 1
        trace = steps_major.T if record_trace else None  # (n_walkers, n_steps + 1) view
        if not record_trace:
            node_counts = counts.sum(axis=0)
        if f2 is not None:
            value_sums = acc if f_ndim == 2 else acc[:, :, 0]
    elapsed = time.perf_counter() - t_start
    log.info(
        "%s: done in %.2f s (%.3g steps/s)",
        caller,
        elapsed,
        n_walkers * n_steps / max(elapsed, 1e-12),
    )
    return WalkResult(
        trace=trace,
        chain=chain,
        target=ch.mu,
        n_steps=n_steps,
        n_walkers=n_walkers,
        nodes=g.nodes,
        node_counts=node_counts,
        value_sums=value_sums,
        batch_lengths=lengths,
    )


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

    if np.iscomplexobj(to_numpy(alpha)):
        raise TypeError(f"The 'alpha' parameter of {caller} must be real; got complex values.")
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


def _check_chain(chain, g, caller):
    if chain == "nbrw":
        raise InvalidParameterError(
            f"The 'chain' parameter of {caller} must be a reversible chain, 'srw' or 'mhrw'; the "
            "non-backtracking walk is not reversible, so the SRRW theory does not apply to it. "
            "Got 'nbrw' instead."
        )
    check_param(chain, [StrOptions({"srw", "mhrw"})], name="chain", caller=caller)


def _run_srrw(
    g,
    ch,
    alphas,
    step_exponent,
    starts,
    n_steps,
    gen,
    record,
    backend,
    device,
    *,
    progress=False,
    caller="self_repellent_walk",
    chunk=None,
    checkpoints=(),
    on_checkpoint=None,
):
    """Run the SRRW kernel; return (x (W, N), trace or None).

    ``progress=True`` runs the numba kernel in chunks of about 1% of the steps (bit for bit the
    same walks) and shows a bar; ``chunk`` forces a chunk length (tests).
    """
    n_walkers = starts.shape[0]
    log = get_logger("walks")
    log.info(
        "%s: %d walkers x %d steps on %d nodes (alpha=%g, chain=%s, backend=%s)",
        caller,
        n_walkers,
        n_steps,
        g.n_nodes,
        float(alphas.max()),
        ch.name,
        backend,
    )
    t_start = time.perf_counter()
    if backend == "torch":
        from ._torch_walk import torch_srrw

        out = torch_srrw(g, ch, alphas, step_exponent, starts, n_steps, gen, record, device)
        log.info("%s: done in %.2f s", caller, time.perf_counter() - t_start)
        return out
    from .._kernels._jit import get_num_threads
    from .._kernels._walk import seed_states, srrw_kernel

    states = seed_states(gen, n_walkers)
    y = np.tile(ch.mu, (n_walkers, 1))
    scale = np.ones(n_walkers)
    trace = np.empty((n_walkers, n_steps + 1) if record else (1, 1), dtype=np.int64)
    if chunk is None and progress:
        chunk = max(1, -(-n_steps // 100))
    # groups of walkers one after the other keep the live per-walker state (32 bytes per node
    # and walker) to what the threads work on at once
    group = max(1, get_num_threads()) * _BLOCK
    with (
        progress_bar(progress, total=n_walkers * n_steps, desc=caller, unit="step") as bar,
        _DynamicChunks(),
    ):
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
            group=group,
            chunk=chunk,
            on_chunk=bar.update if (progress or chunk is not None) else None,
            checkpoints=checkpoints,
            on_checkpoint=on_checkpoint,
        )
    elapsed = time.perf_counter() - t_start
    log.info(
        "%s: done in %.2f s (%.3g steps/s)",
        caller,
        elapsed,
        n_walkers * n_steps / max(elapsed, 1e-12),
    )
    x = y * scale[:, None]
    x /= x.sum(axis=1, keepdims=True)  # remove the rounding drift of the running scale
    return x, (trace if record else None)


@renamed_parameters({"base": "chain"}, n_positional=1, positional="n_steps")
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
    graph: GraphLike,
    *,
    n_steps: int,
    alpha: float | ArrayLike,
    chain: Literal["srw", "mhrw"] = "srw",
    target: ArrayLike | Literal["uniform"] | None = None,
    step_exponent: float = 1.0,
    n_walkers: int = 1,
    record_trace: bool = False,
    start: Any = None,
    rng: RNGLike = None,
    backend: Literal["auto", "numpy", "torch"] = "auto",
    device: Any = None,
    progress: bool = False,
) -> SRRWResult:
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
    graph : scipy.sparse matrix, dense array, networkx.Graph, PyG edge_index or Data, or WalkGraph
        Connected undirected graph (see :func:`random_walk`).
    n_steps : int
        Steps per walker.
    alpha : float or array of shape (n_steps,)
        Repellence strength ``>= 0``, or a schedule with the alpha used at each step (every change
        of value recomputes all cached weights in O(n_nodes): prefer piecewise-constant schedules).
    chain : {"srw", "mhrw"}, default "srw"
        Reversible base chain: the simple (weighted) random walk, or the MHRW with stationary
        ``target``. The non-backtracking walk is not reversible and is refused.
    target : array of shape (n_nodes,), "uniform" or None
        Stationary distribution of the MHRW base (uniform by default); ``chain="mhrw"`` only.
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
    progress : bool, default False
        Show a progress bar (tqdm, when installed) over the walker steps. The numba kernel then
        runs in chunks of about 1% of the steps, with the same walks bit for bit. Start and end
        (with the speed) are logged at INFO level on the ``samplingstats.walks`` logger.

    Returns
    -------
    SRRWResult
        ``empirical_measure`` (n_walkers, n_nodes), ``trace`` or None, ``target``.

    See Also
    --------
    random_walk : The base chains (SRW, MHRW, NBRW).
    graph_average : Bias-corrected node averages from SRRW walkers.
    srrw_asymptotic_covariance : Its exact asymptotic covariance ``V(alpha)``.

    Notes
    -----
    Memory: ``n_walkers * n_nodes * 8`` bytes for the measures plus, while the kernel runs,
    ``32 * n_nodes`` bytes per walker in flight (numba threads x 32 walkers); the trace only with
    ``record_trace=True``. The estimators need only the measures (this is the streaming mode:
    nothing grows with ``n_steps``).

    Examples
    --------
    >>> import networkx as nx
    >>> import numpy as np
    >>> from samplingstats.walks import self_repellent_walk
    >>> G = nx.karate_club_graph()
    >>> r0 = self_repellent_walk(G, n_steps=20000, alpha=0.0, n_walkers=8, rng=1)
    >>> r5 = self_repellent_walk(G, n_steps=20000, alpha=5.0, n_walkers=8, rng=1)
    >>> r0.empirical_measure.shape
    (8, 34)
    >>> bool(r5.squared_error().mean() < r0.squared_error().mean())
    True
    """
    g = as_walk_graph(graph)
    caller = "self_repellent_walk"
    _check_chain(chain, g, caller)
    alphas = _check_alpha(alpha, int(n_steps), caller)
    tgt = _check_target(target, g, caller)
    if tgt is not None and chain != "mhrw":
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} is only used with chain='mhrw'. Got chain={chain!r}."
        )
    bk = resolve_backend(backend, device=device, caller=caller)
    _check_srrw_sizes(g, int(n_walkers), int(n_steps), bool(record_trace), caller)
    gen = as_generator(rng)
    ch = g.chain(chain, tgt)
    starts = _starts(g, ch, start, n_walkers, gen, caller)
    progress = check_progress(progress, caller=caller)
    x, trace = _run_srrw(
        g,
        ch,
        alphas,
        step_exponent,
        starts,
        int(n_steps),
        gen,
        record_trace,
        bk,
        device,
        progress=progress,
        caller=caller,
    )
    alpha_out = float(alphas[0]) if np.ndim(alpha) == 0 else alphas
    return SRRWResult(
        empirical_measure=x,
        trace=trace,
        target=ch.mu,
        alpha=alpha_out,
        chain=chain,
        n_steps=int(n_steps),
        nodes=g.nodes,
    )
