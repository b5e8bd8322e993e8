"""Graph input (scipy.sparse, dense arrays, networkx), validation and base transition chains."""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import InvalidParameterError

__all__ = ["WalkGraph", "as_walk_graph", "Chain", "GraphLike", "RNGLike"]

#: What the walks accept as a graph: a scipy.sparse adjacency matrix, a dense square array, a
#: networkx graph, a PyTorch Geometric edge_index or Data, or a WalkGraph.
GraphLike = Any
#: SPEC 7 randomness: None, an int seed, a numpy Generator (or a torch Generator).
RNGLike = Any


@dataclasses.dataclass(frozen=True, eq=False)
class Chain:
    """A base Markov chain on a :class:`WalkGraph` in kernel form.

    ``kind`` is the kernel's step rule (0 uniform neighbour, 1 inverse CDF over the row's slots,
    2 non-backtracking, 3 uniform proposal accepted with probability ``accept[s]``); ``prob[s]`` the
    transition probability of CSR slot ``s`` and ``selfp[i]`` the self-loop (rejection) mass of
    node ``i``; ``cdf`` the row-wise cumulative of ``prob``; ``table`` what the numba kernel reads
    per slot (``cdf`` for kinds 0-2; for kind 3 the pairs ``(neighbour index, accept)`` side by
    side, so one cache line serves both); ``accept`` the acceptance ``prob[s] * deg_i <= 1``
    (kind 3 only); ``mu`` the stationary distribution over nodes.
    """

    name: str
    kind: int
    prob: np.ndarray
    selfp: np.ndarray
    cdf: np.ndarray
    mu: np.ndarray
    reversible: bool
    table: np.ndarray | None = None
    accept: np.ndarray | None = None


def _row_cumsum(indptr, prob):
    """Row-wise cumulative sums of per-slot values (exact per row, no global cumsum)."""
    from .._kernels._walk import row_cumsum

    return row_cumsum(indptr, np.ascontiguousarray(prob, dtype=np.float64))


class WalkGraph:
    """A validated, connected, undirected graph in CSR form, reusable across walk calls.

    Every function of :mod:`samplingstats.walks` accepts a scipy.sparse adjacency matrix, a dense
    square array, a networkx graph or a ``WalkGraph``. Build a ``WalkGraph`` once to skip the
    validation (symmetry, signs, connectivity) and the chain set-up on repeated calls.

    Parameters
    ----------
    graph : scipy.sparse matrix or array, dense array-like, networkx.Graph, PyG edge_index or Data, or WalkGraph
        Symmetric non-negative adjacency matrix (entries are edge weights), an undirected
        networkx graph, a PyTorch Geometric ``edge_index`` (a torch *integer* tensor of shape
        (2, n_edges) listing both directions of every edge; a float tensor is read as a dense
        adjacency matrix) or a ``torch_geometric.data.Data`` (its ``edge_index``, ``num_nodes``
        and, when present, ``edge_weight``). See also :meth:`from_edge_index`. Self-loops are
        allowed; isolated nodes and disconnected graphs are not.
    weight : str or None, default "weight"
        Edge attribute used as weight for networkx graphs (missing attributes count as 1);
        ``None`` ignores weights. For matrices, ``weight=None`` uses the sparsity pattern only;
        for a PyG ``Data``, ``weight=None`` ignores its ``edge_weight``.

    Attributes
    ----------
    indptr, indices : ndarray of int64
        CSR structure (neighbours of node ``i`` are ``indices[indptr[i]:indptr[i + 1]]``).
    weights : ndarray of float64 or None
        Edge weights per CSR slot, ``None`` when all edges have the same weight.
    n_nodes, n_edges : int
        Number of nodes and of undirected edges (a self-loop counts once).
    degree : ndarray of int64
        Number of neighbours of each node.
    nodes : list or None
        networkx node labels in index order (``None`` for matrix input).

    See Also
    --------
    random_walk : Walks on a graph.
    WalkGraph.from_edge_index : Build one from a PyTorch Geometric ``edge_index``.

    Examples
    --------
    >>> import networkx as nx
    >>> from samplingstats.walks import WalkGraph
    >>> g = WalkGraph(nx.karate_club_graph(), weight=None)
    >>> g.n_nodes, g.n_edges, int(g.degree.max())
    (34, 78, 17)
    """

    def __init__(self, graph: GraphLike, *, weight: str | None = "weight") -> None:
        if isinstance(graph, WalkGraph):
            self.__dict__.update(graph.__dict__)
            self._chains: dict[Any, Any] = {}
            return
        A, nodes = _to_csr(graph, weight)
        self._set(A, nodes)

    @classmethod
    def from_edge_index(
        cls,
        edge_index: Any,
        *,
        n_nodes: int | None = None,
        edge_weight: Any = None,
    ) -> WalkGraph:
        """Build a graph from a PyTorch Geometric ``edge_index``.

        Parameters
        ----------
        edge_index : torch.Tensor or ndarray of int, shape (2, n_edges)
            Source and target node of every directed edge; an undirected graph lists both
            directions (as ``torch_geometric.utils.to_undirected`` makes them). A repeated edge
            adds its weight (multiplicity).
        n_nodes : int, optional
            Number of nodes (PyG's ``num_nodes``); default ``edge_index.max() + 1``.
        edge_weight : torch.Tensor or ndarray of shape (n_edges,), optional
            Non-negative edge weights (default 1).

        Returns
        -------
        WalkGraph

        Examples
        --------
        >>> import numpy as np
        >>> from samplingstats.walks import WalkGraph
        >>> ei = np.array([[0, 1, 1, 2], [1, 0, 2, 1]])  # the path 0 - 1 - 2
        >>> g = WalkGraph.from_edge_index(ei)
        >>> g.n_nodes, g.n_edges, g.degree.tolist()
        (3, 2, [1, 2, 1])
        """
        A = _edge_index_csr(edge_index, n_nodes, edge_weight, "edge_index")
        A, nodes = _check_csr(A, None, "weight", from_edge_index=True)
        self = cls.__new__(cls)
        self._set(A, nodes)
        return self

    # -- construction ------------------------------------------------------------------------
    def _set(self, A, nodes):
        n = A.shape[0]
        self.n_nodes = int(n)
        self.indptr = np.ascontiguousarray(A.indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(A.indices, dtype=np.int64)
        data = np.ascontiguousarray(A.data, dtype=np.float64)
        self.degree = np.diff(self.indptr)
        if data.size and np.all(data == data[0]):
            self.weights = None
        else:
            self.weights = data
        loops = int(np.count_nonzero(self.indices == np.repeat(np.arange(n), self.degree)))
        self.n_edges = int((self.indices.shape[0] - loops) // 2 + loops)
        self.nodes = nodes
        self._label_index = None
        self._chains: dict[Any, Any] = {}

    @property
    def strength(self) -> NDArray[np.float64]:
        """Weighted degree (row sums of the adjacency); the degree when unweighted."""
        if self.weights is None:
            return self.degree.astype(np.float64)
        return np.add.reduceat(self.weights, self.indptr[:-1]) if self.n_nodes else np.zeros(0)

    def __repr__(self) -> str:
        kind = "weighted" if self.weights is not None else "unweighted"
        return f"WalkGraph({self.n_nodes} nodes, {self.n_edges} edges, {kind})"

    def node_index(self, label: Any) -> int:
        """Index of a node: a networkx label (when built from networkx) or an int index.

        Parameters
        ----------
        label : hashable or int
            A networkx node label, or an index in ``[0, n_nodes)`` for matrix input.

        Returns
        -------
        int
            The node's row in the CSR arrays.

        Examples
        --------
        >>> import networkx as nx
        >>> from samplingstats.walks import WalkGraph
        >>> g = WalkGraph(nx.relabel_nodes(nx.path_graph(3), {0: "a", 1: "b", 2: "c"}))
        >>> g.node_index("b")
        1
        """
        return self._node_index(label, name="label", caller="WalkGraph.node_index")

    def _node_index(self, label, *, name="start", caller=None):
        where = f" of {caller}" if caller else ""
        if self.nodes is not None:
            if self._label_index is None:
                self._label_index = {v: i for i, v in enumerate(self.nodes)}
            try:
                return self._label_index[label]
            except (KeyError, TypeError):
                raise InvalidParameterError(
                    f"The {name!r} parameter{where} must be a node of the graph. "
                    f"Got {label!r} instead."
                ) from None
        if (
            not isinstance(label, numbers.Integral)
            or isinstance(label, bool)
            or not 0 <= int(label) < self.n_nodes
        ):
            raise InvalidParameterError(
                f"The {name!r} parameter{where} must be a node index in the range "
                f"[0, {self.n_nodes - 1}]. Got {label!r} instead."
            )
        return int(label)

    # -- chains ------------------------------------------------------------------------------
    def chain(
        self, name: Literal["srw", "mhrw", "nbrw"], target: ArrayLike | str | None = None
    ) -> Chain:
        """Return the :class:`Chain` for ``name`` in {"srw", "mhrw", "nbrw"} (cached).

        Parameters
        ----------
        name : {"srw", "mhrw", "nbrw"}
            The base chain.
        target : array of shape (n_nodes,), "uniform" or None
            MHRW only: a positive vector over nodes (normalised here); ``None`` / ``"uniform"``
            for the uniform distribution.

        Returns
        -------
        Chain
            The chain's kernel tables and stationary distribution ``mu``.

        Examples
        --------
        >>> import networkx as nx
        >>> from samplingstats.walks import WalkGraph
        >>> ch = WalkGraph(nx.path_graph(3)).chain("srw")
        >>> ch.mu.tolist()
        [0.25, 0.5, 0.25]
        """
        if not isinstance(name, str) or name not in ("srw", "mhrw", "nbrw"):
            raise InvalidParameterError(
                "The 'name' parameter of WalkGraph.chain must be a str among {'mhrw', 'nbrw', "
                f"'srw'}}. Got {name!r} instead."
            )
        tgt: np.ndarray | None
        if target is None:
            tgt = None
        elif isinstance(target, np.ndarray) and target.dtype == np.float64:
            # the wrappers pass validated, normalised targets: check without renormalising
            if (
                target.shape != (self.n_nodes,)
                or not np.all(np.isfinite(target))
                or not target.min() > 0
            ):
                _check_target(target, self, "WalkGraph.chain")  # raises, naming 'target'
            tgt = target
        else:
            tgt = _check_target(target, self, "WalkGraph.chain")
        target = tgt
        key = (name, None if tgt is None else tgt.tobytes())
        ch = self._chains.get(key)
        if ch is None:
            ch = self._build_chain(name, target)
            self._chains[key] = ch
        return ch

    def _proposal(self):
        """Per-slot probabilities of the (weighted) simple random walk."""
        strength = self.strength
        if self.weights is None:
            return np.repeat(1.0 / self.degree, self.degree), strength
        rows = np.repeat(np.arange(self.n_nodes), self.degree)
        return self.weights / strength[rows], strength

    def _build_chain(self, name, target):
        n = self.n_nodes
        indptr, indices = self.indptr, self.indices
        rows = np.repeat(np.arange(n), self.degree)
        last = indptr[1:] - 1
        if name == "srw":
            q, strength = self._proposal()
            kind = 0 if self.weights is None else 1
        elif name == "nbrw":  # structure only: weights are ignored
            q = np.repeat(1.0 / self.degree, self.degree)
            strength = self.degree.astype(np.float64)
            kind = 2
        if name in ("srw", "nbrw"):
            cdf = _row_cumsum(indptr, q)
            cdf[last] = 1.0
            mu = strength / strength.sum()
            return Chain(name, kind, q, np.zeros(n), cdf, mu, name == "srw", cdf)
        if name == "mhrw":
            q, _ = self._proposal()
            pi = np.full(n, 1.0 / n) if target is None else target / target.sum()
            # q_ji for each slot (i -> j): the reverse slot's proposal probability
            qt = _reverse_slot_values(self, q)
            prob = np.minimum(q, pi[indices] * qt / pi[rows])
            cdf = _row_cumsum(indptr, prob)
            selfp = np.maximum(1.0 - cdf[last], 0.0)
            small = selfp < 1e-13
            cdf[last[small]] = 1.0
            selfp[small] = 0.0
            # O(1) step when every slot's probability is at most 1/deg (always on unweighted
            # graphs): propose a uniform slot, accept with prob * deg (rejection = self-loop).
            accept = prob * self.degree[rows]
            if accept.size and accept.max() <= 1.0 + 1e-12:
                accept = np.minimum(accept, 1.0)
                packed = np.empty(2 * accept.shape[0])
                packed[0::2] = indices  # exact in float64 (node indices < 2**53)
                packed[1::2] = accept
                return Chain(name, 3, prob, selfp, cdf, pi, True, packed, accept)
            return Chain(name, 1, prob, selfp, cdf, pi, True, cdf)
        raise ValueError(name)  # pragma: no cover - the wrappers validate names

    def transition_matrix(
        self, chain: Literal["srw", "mhrw"] = "srw", target: ArrayLike | str | None = None
    ) -> Any:
        """The base chain's transition matrix as a scipy.sparse CSR matrix (self-loops included).

        Parameters
        ----------
        chain : {"srw", "mhrw"}, default "srw"
            The reversible base chain.
        target : array of shape (n_nodes,), "uniform" or None
            MHRW stationary distribution (uniform by default).

        Returns
        -------
        scipy.sparse.csr_matrix, shape (n_nodes, n_nodes)
            Row-stochastic ``P``.

        Examples
        --------
        >>> import networkx as nx
        >>> from samplingstats.walks import WalkGraph
        >>> P = WalkGraph(nx.path_graph(3)).transition_matrix("mhrw")
        >>> P.toarray().round(3).tolist()
        [[0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.5]]
        """
        import scipy.sparse as sp

        if chain not in ("srw", "mhrw"):
            raise InvalidParameterError(
                "The 'chain' parameter of transition_matrix must be a str among "
                f"{{'mhrw', 'srw'}}. Got {chain!r} instead."
            )
        ch = self.chain(chain, _check_target(target, self, "transition_matrix"))
        P = sp.csr_matrix((ch.prob, self.indices, self.indptr), shape=(self.n_nodes,) * 2)
        return (P + sp.diags(ch.selfp)).tocsr()

    def _relaxation_time(self, chain, target=None):
        """``1 / (1 - lambda_2)`` of a reversible base chain (cached), ``lambda_2`` the second
        largest eigenvalue of ``D_mu^{1/2} P D_mu^{-1/2}``; dense below 2000 nodes, else ARPACK.
        ``nan`` when ARPACK does not converge."""
        key = ("trel", chain, None if target is None else target.tobytes())
        if key in self._chains:
            return self._chains[key]
        import scipy.sparse as sp

        mu = self.chain(chain, target).mu
        P = self.transition_matrix(chain, target)
        sq = np.sqrt(mu)
        S = sp.diags(sq) @ P @ sp.diags(1.0 / sq)
        S = 0.5 * (S + S.T)
        if self.n_nodes <= 2000:
            lam2 = float(np.linalg.eigvalsh(S.toarray())[-2])
        else:
            from scipy.sparse.linalg import ArpackNoConvergence, eigsh

            try:
                lam2 = float(
                    np.sort(eigsh(S, k=2, which="LA", tol=1e-4, return_eigenvectors=False))[0]
                )
            except ArpackNoConvergence:
                lam2 = float("nan")
        trel = 1.0 / max(1.0 - min(lam2, 1.0), 1e-12) if np.isfinite(lam2) else float("nan")
        self._chains[key] = trel
        return trel


def _reverse_slot_values(g, vals):
    """For each slot (i -> j) return vals at the slot (j -> i) (the graph is symmetric)."""
    import scipy.sparse as sp

    n = g.n_nodes
    M = sp.csr_matrix((vals, g.indices, g.indptr), shape=(n, n))
    T = M.T.tocsr()
    T.sort_indices()
    # the slots of g are sorted by column within each row (see _to_csr), so T aligns slot-wise
    return np.ascontiguousarray(T.data, dtype=np.float64)


def _is_networkx(obj) -> bool:
    return type(obj).__module__.split(".")[0] == "networkx"


def _is_torch_tensor(obj) -> bool:
    return type(obj).__module__.split(".")[0] == "torch" and hasattr(obj, "dtype")


def _is_pyg_data(obj) -> bool:
    return type(obj).__module__.split(".")[0] == "torch_geometric" and hasattr(obj, "edge_index")


def _is_edge_index(obj) -> bool:
    """A torch integer tensor of shape (2, E): a PyTorch Geometric ``edge_index``."""
    if not _is_torch_tensor(obj) or getattr(obj, "ndim", 0) != 2 or obj.shape[0] != 2:
        return False
    return not (
        obj.dtype.is_floating_point or obj.dtype.is_complex or str(obj.dtype) == "torch.bool"
    )


def _edge_index_csr(edge_index, n_nodes, edge_weight, caller_name="graph"):
    """CSR adjacency of a PyG ``edge_index`` (2, E) with optional (E,) ``edge_weight``."""
    import scipy.sparse as sp

    from .._backend import to_numpy

    ei = np.asarray(to_numpy(edge_index))
    if ei.ndim != 2 or ei.shape[0] != 2 or not np.issubdtype(ei.dtype, np.integer):
        raise InvalidParameterError(
            f"Argument {caller_name!r} must be an integer edge_index of shape (2, n_edges). Got "
            f"dtype {ei.dtype} and shape {ei.shape} instead."
        )
    ei = ei.astype(np.int64, copy=False)
    if ei.size and ei.min() < 0:
        raise InvalidParameterError(
            f"Argument {caller_name!r} (an edge_index) must hold node indices >= 0; got "
            f"{int(ei.min())}."
        )
    top = int(ei.max()) + 1 if ei.size else 0
    if n_nodes is None:
        n_nodes = top
    else:
        if isinstance(n_nodes, bool) or not isinstance(n_nodes, (numbers.Integral, np.integer)):
            raise InvalidParameterError(
                f"The 'n_nodes' parameter must be an int (the number of nodes). Got {n_nodes!r} "
                "instead."
            )
        n_nodes = int(n_nodes)
        if n_nodes < top:
            raise InvalidParameterError(
                f"The 'n_nodes' parameter is {n_nodes} but the edge_index refers to node {top - 1}."
            )
    if edge_weight is None:
        w = np.ones(ei.shape[1])
    else:
        wt = to_numpy(edge_weight)
        if np.iscomplexobj(wt):
            raise TypeError(
                "The 'edge_weight' of the edge_index graph must be real; got a complex array."
            )
        try:
            w = np.asarray(wt, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"The 'edge_weight' of the edge_index graph must be numeric. Got "
                f"{type(edge_weight).__name__} instead."
            ) from None
        if w.shape[0] != ei.shape[1]:
            raise InvalidParameterError(
                f"The 'edge_weight' of the edge_index graph must have one weight per edge "
                f"({ei.shape[1]}). Got {w.shape[0]} instead."
            )
    A = sp.csr_matrix((w, (ei[0], ei[1])), shape=(n_nodes, n_nodes), dtype=np.float64)
    return A


def _to_csr(graph, weight):
    import scipy.sparse as sp

    nodes = None
    from_edge_index = False
    if _is_pyg_data(graph):
        ew = getattr(graph, "edge_weight", None) if weight is not None else None
        A = _edge_index_csr(graph.edge_index, getattr(graph, "num_nodes", None), ew)
        from_edge_index = True
    elif _is_edge_index(graph):
        A = _edge_index_csr(graph, None, None)
        from_edge_index = True
    elif _is_networkx(graph):
        from .._optional import import_optional

        nx = import_optional("networkx", purpose="samplingstats.walks with a networkx graph")

        if graph.is_directed():
            raise InvalidParameterError(
                "Argument 'graph' must be an undirected graph; got a directed networkx graph "
                f"({type(graph).__name__}). Convert it with graph.to_undirected()."
            )
        if graph.is_multigraph():
            raise InvalidParameterError(
                "Argument 'graph' must be a simple graph; got a networkx multigraph "
                f"({type(graph).__name__}). Convert it with networkx.Graph(graph)."
            )
        if graph.number_of_nodes() < 2:
            raise InvalidParameterError(
                f"Argument 'graph' must have at least 2 nodes, got {graph.number_of_nodes()} (an "
                "empty or one-node networkx graph)."
            )
        nodes = list(graph.nodes())
        if weight is not None and not isinstance(weight, str):
            raise InvalidParameterError(
                f"The 'weight' parameter must be a str or None. Got {weight!r} instead."
            )
        if weight is not None:
            for u, v, wt in graph.edges(data=weight):
                if wt is None:
                    continue
                if isinstance(wt, complex) or np.iscomplexobj(wt):
                    raise TypeError(
                        f"The 'weight' parameter names the edge attribute {weight!r}, which must "
                        f"be a real number; edge ({u!r}, {v!r}) has the complex value {wt!r}."
                    )
                if isinstance(wt, (str, bytes, bool)) or not isinstance(wt, numbers.Real):
                    raise InvalidParameterError(
                        f"The 'weight' parameter names the edge attribute {weight!r}, which must "
                        f"be a number; edge ({u!r}, {v!r}) has {wt!r} "
                        f"({type(wt).__name__}). Pass weight=None to ignore the attribute."
                    )
        A = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr")
        A = sp.csr_matrix(A, dtype=np.float64)
    elif sp.issparse(graph):
        if np.issubdtype(graph.dtype, np.complexfloating):
            raise TypeError(
                "Argument 'graph' must be a real adjacency matrix; got a complex sparse matrix "
                f"(dtype {graph.dtype}). Pass its real part or its absolute values explicitly."
            )
        A = sp.csr_matrix(graph, dtype=np.float64, copy=True)  # never modify the input
    else:
        if isinstance(graph, (str, bytes)) or graph is None:
            raise InvalidParameterError(
                "Argument 'graph' must be a scipy.sparse adjacency matrix, a dense square array, "
                f"a networkx graph or a WalkGraph. Got {type(graph).__name__} instead."
            )
        if _is_torch_tensor(graph):
            from .._backend import to_numpy

            graph = to_numpy(graph)
        if np.iscomplexobj(graph):
            raise TypeError(
                "Argument 'graph' must be a real adjacency matrix; got complex entries. Pass its "
                "real part or its absolute values explicitly."
            )
        try:
            arr = np.asarray(graph, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                "Argument 'graph' must be a scipy.sparse adjacency matrix, a dense square array, "
                f"a networkx graph or a WalkGraph. Got {type(graph).__name__} instead."
            ) from None
        if arr.ndim != 2:
            raise InvalidParameterError(
                f"Argument 'graph' must be a 2-D square adjacency matrix, got an array of shape "
                f"{arr.shape}."
            )
        A = sp.csr_matrix(arr)
    return _check_csr(A, nodes, weight, is_nx=_is_networkx(graph), from_edge_index=from_edge_index)


def _check_csr(A, nodes, weight, *, is_nx=False, from_edge_index=False):
    """Validate a CSR adjacency (square, >= 2 nodes, finite, non-negative, symmetric, no
    isolated node, connected); returns the cleaned matrix and ``nodes``."""
    if A.shape[0] != A.shape[1]:
        raise InvalidParameterError(
            f"Argument 'graph' must be a square adjacency matrix, got shape {A.shape}."
        )
    if A.shape[0] < 2:
        raise InvalidParameterError(
            f"Argument 'graph' must have at least 2 nodes, got {A.shape[0]}."
        )
    A.sum_duplicates()
    if not np.all(np.isfinite(A.data)):
        raise InvalidParameterError("Argument 'graph' contains NaN or infinite edge weights.")
    if A.data.size and A.data.min() < 0:
        k = int(np.argmin(A.data))
        i = int(np.searchsorted(A.indptr, k, side="right") - 1)
        raise InvalidParameterError(
            f"Argument 'graph' must have non-negative edge weights; entry ({i}, {A.indices[k]}) "
            f"is {float(A.data[k])!r}."
        )
    A.eliminate_zeros()
    if weight is None and not is_nx:
        A.data[:] = 1.0
    A.sort_indices()
    D = A - A.T
    D.eliminate_zeros()
    if D.nnz:
        scale = float(np.abs(A.data).max()) if A.data.size else 1.0
        Dc = D.tocoo()
        bad = np.abs(Dc.data) > 1e-12 * scale
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            i, j = int(Dc.row[k]), int(Dc.col[k])
            hint = (
                " An edge_index must list both directions of every edge (torch_geometric.utils."
                "to_undirected)."
                if from_edge_index
                else ""
            )
            raise InvalidParameterError(
                "Argument 'graph' must be a symmetric adjacency matrix (an undirected graph); "
                f"entry ({i}, {j}) is {A[i, j]!r} but entry ({j}, {i}) is {A[j, i]!r}.{hint}"
            )
        A = ((A + A.T) * 0.5).tocsr()
        A.sort_indices()
    deg = np.diff(A.indptr)
    isolated = np.flatnonzero(deg == 0)
    if isolated.size:
        first = isolated[0] if nodes is None else nodes[int(isolated[0])]
        raise InvalidParameterError(
            f"Argument 'graph' has {isolated.size} isolated node(s) (first: {first!r}); a random "
            "walk cannot leave or reach them. Remove them or add edges."
        )
    from scipy.sparse.csgraph import connected_components

    n_comp, labels = connected_components(A, directed=False)
    if n_comp > 1:
        sizes = np.bincount(labels)
        raise InvalidParameterError(
            f"Argument 'graph' must be connected; it has {n_comp} connected components (the "
            f"largest has {int(sizes.max())} of {A.shape[0]} nodes). Random walks need an "
            "irreducible chain: restrict the graph to one component."
        )
    return A, nodes


def as_walk_graph(graph, *, weight="weight"):
    """Return ``graph`` as a :class:`WalkGraph` (no copy when it already is one)."""
    if isinstance(graph, WalkGraph):
        return graph
    return WalkGraph(graph, weight=weight)


def _check_target(target, g, caller):
    """Normalise an MHRW/estimation target: None/"uniform" -> None, else a positive vector."""
    if target is None or (isinstance(target, str) and target == "uniform"):
        return None
    if isinstance(target, str):
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} must be 'uniform', None or an array of "
            f"{g.n_nodes} positive node weights. Got {target!r} instead."
        )
    from .._backend import to_numpy

    if np.iscomplexobj(to_numpy(target)):
        raise TypeError(f"The 'target' parameter of {caller} must be real; got complex values.")
    try:
        t = np.asarray(to_numpy(target), dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} must be 'uniform', None or an array of "
            f"{g.n_nodes} positive node weights. Got {type(target).__name__} instead."
        ) from None
    if t.shape != (g.n_nodes,):
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} must have shape ({g.n_nodes},) (one weight per "
            f"node). Got shape {t.shape} instead."
        )
    if not np.all(np.isfinite(t)) or t.min() <= 0:
        k = int(np.flatnonzero(~(np.isfinite(t) & (t > 0)))[0])
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} must be finite and positive on every node "
            f"(the chain must stay irreducible); entry {k} is {float(t[k])!r}."
        )
    return np.ascontiguousarray(t / t.sum())
