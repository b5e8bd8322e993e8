"""PyTorch Geometric input (issue 18): ``edge_index`` tensors and ``torch_geometric.data.Data``.

The edge_index tests need only torch (CPU); the Data tests skip when torch_geometric is missing.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nx = pytest.importorskip("networkx")

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.walks import (  # noqa: E402
    WalkGraph,
    graph_average,
    random_walk,
    self_repellent_walk,
)


def _edge_index(G):
    """Both directions of every edge of G (nodes 0..n-1), as PyG stores undirected graphs."""
    e = np.array(list(G.edges()), dtype=np.int64).T
    return torch.as_tensor(np.c_[e, e[::-1]])


def test_edge_index_gives_the_networkx_graph():
    G = nx.karate_club_graph()  # nodes 0..33 in order; its "weight" attributes are ignored
    ei = _edge_index(G)
    g, ref = WalkGraph(ei), WalkGraph(G, weight=None)
    assert (g.n_nodes, g.n_edges) == (34, 78)
    np.testing.assert_array_equal(g.indptr, ref.indptr)
    np.testing.assert_array_equal(g.indices, ref.indices)
    assert g.weights is None and g.nodes is None
    # the same walks as from the networkx graph (same CSR, same rng)
    a = random_walk(ei, n_steps=300, n_walkers=3, rng=0)
    b = random_walk(ref, n_steps=300, n_walkers=3, rng=0)
    np.testing.assert_array_equal(a.trace, b.trace)
    r = self_repellent_walk(ei, n_steps=300, alpha=2.0, rng=1)
    assert r.empirical_measure.shape == (1, 34)


def test_edge_index_with_weights_and_n_nodes():
    G = nx.les_miserables_graph()
    G = nx.convert_node_labels_to_integers(G)
    e = np.array([(u, v) for u, v in G.edges()], dtype=np.int64).T
    w = np.array([G[u][v]["weight"] for u, v in G.edges()], dtype=float)
    ei = torch.as_tensor(np.c_[e, e[::-1]])
    ew = torch.as_tensor(np.r_[w, w])
    g = WalkGraph.from_edge_index(ei, n_nodes=G.number_of_nodes(), edge_weight=ew)
    ref = WalkGraph(G)
    np.testing.assert_array_equal(g.indices, ref.indices)
    np.testing.assert_allclose(g.weights, ref.weights)
    np.testing.assert_allclose(g.chain("srw").mu, ref.chain("srw").mu)
    # n_nodes larger than the largest index: an isolated node, refused by name
    with pytest.raises(InvalidParameterError, match="isolated"):
        WalkGraph.from_edge_index(ei, n_nodes=G.number_of_nodes() + 1)
    with pytest.raises(InvalidParameterError, match="'n_nodes'"):
        WalkGraph.from_edge_index(ei, n_nodes=3)
    with pytest.raises(InvalidParameterError, match="one weight per edge"):
        WalkGraph.from_edge_index(ei, edge_weight=ew[:5])
    with pytest.raises(TypeError, match="edge_weight"):
        WalkGraph.from_edge_index(ei, edge_weight=ew * 1j)


def test_edge_index_bad_input():
    with pytest.raises(InvalidParameterError, match="both directions"):
        WalkGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]))  # one direction only
    with pytest.raises(InvalidParameterError, match=">= 0"):
        WalkGraph(torch.tensor([[0, -1], [-1, 0]]))
    with pytest.raises(InvalidParameterError, match="edge_index"):
        WalkGraph.from_edge_index(np.zeros((3, 4), dtype=np.int64))
    with pytest.raises(InvalidParameterError, match="connected"):
        WalkGraph(torch.tensor([[0, 1, 2, 3], [1, 0, 3, 2]]))
    # a float tensor is a dense adjacency matrix, not an edge_index
    g = WalkGraph(torch.tensor([[0.0, 1.0], [1.0, 0.0]]))
    assert g.n_nodes == 2


def test_graph_average_on_edge_index():
    G = nx.barabasi_albert_graph(200, 3, seed=1)
    deg = np.array([d for _, d in G.degree()], dtype=float)
    r = graph_average(_edge_index(G), deg, n_steps=4000, n_walkers=8, rng=0)
    # same call on the networkx graph: the same walks, the same estimate
    s = graph_average(G, deg, n_steps=4000, n_walkers=8, rng=0)
    assert r.estimate == s.estimate


def test_pyg_data():
    pyg = pytest.importorskip("torch_geometric")
    from torch_geometric.data import Data
    from torch_geometric.utils import to_undirected

    G = nx.barabasi_albert_graph(100, 2, seed=3)
    e = torch.as_tensor(np.array(list(G.edges()), dtype=np.int64).T)
    ei = to_undirected(e)
    data = Data(edge_index=ei, num_nodes=100)
    g = WalkGraph(data)
    ref = WalkGraph(G)
    assert g.n_nodes == 100 and g.n_edges == G.number_of_edges()
    np.testing.assert_array_equal(g.indices, ref.indices)
    w = torch.rand(ei.shape[1], generator=torch.Generator().manual_seed(0))
    # a symmetric weight per undirected edge: the weight of (u, v) and (v, u) alike
    key = torch.minimum(ei[0], ei[1]) * 100 + torch.maximum(ei[0], ei[1])
    w = w[torch.unique(key, return_inverse=True)[1]]
    dw = Data(edge_index=ei, edge_weight=w, num_nodes=100)
    gw = WalkGraph(dw)
    assert gw.weights is not None
    assert WalkGraph(dw, weight=None).weights is None  # weight=None ignores edge_weight
    res = random_walk(data, n_steps=50, n_walkers=2, rng=0)
    assert res.trace.shape == (2, 51)
    assert pyg.__version__
    # a directed Data is refused with the hint
    with pytest.raises(InvalidParameterError, match="to_undirected"):
        WalkGraph(Data(edge_index=e, num_nodes=100))
