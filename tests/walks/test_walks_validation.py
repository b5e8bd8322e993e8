"""Bad input: every public entry raises InvalidParameterError naming the argument and the issue."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from samplingstats import InvalidParameterError
from samplingstats.walks import (
    WalkGraph,
    graph_average,
    random_walk,
    sa_srrw,
    self_repellent_walk,
    srrw_asymptotic_covariance,
)

KARATE = nx.karate_club_graph()


def test_disconnected_graph_names_component_count():
    G = nx.disjoint_union_all([nx.path_graph(3), nx.path_graph(4), nx.cycle_graph(5)])
    with pytest.raises(InvalidParameterError, match="3 connected components"):
        random_walk(G, n_steps=10)
    with pytest.raises(InvalidParameterError, match="largest has 5 of 12 nodes"):
        self_repellent_walk(nx.to_scipy_sparse_array(G), n_steps=10, alpha=1.0)


def test_directed_and_asymmetric_inputs():
    with pytest.raises(InvalidParameterError, match="undirected graph; got a directed"):
        random_walk(nx.DiGraph([(0, 1), (1, 0)]), n_steps=5)
    A = sp.csr_matrix(np.array([[0, 1.0, 0], [1, 0, 1], [0, 0, 0]]))
    with pytest.raises(InvalidParameterError, match=r"symmetric adjacency.*entry \(1, 2\)"):
        random_walk(A, n_steps=5)
    with pytest.raises(InvalidParameterError, match="multigraph"):
        random_walk(nx.MultiGraph([(0, 1), (0, 1)]), n_steps=5)


def test_negative_nan_weights_isolated_nodes_shapes():
    A = np.array([[0, -1.0], [-1.0, 0]])
    with pytest.raises(InvalidParameterError, match=r"non-negative edge weights; entry \(0, 1\)"):
        random_walk(A, n_steps=5)
    with pytest.raises(InvalidParameterError, match="NaN or infinite"):
        random_walk(np.array([[0, np.nan], [np.nan, 0]]), n_steps=5)
    G = nx.path_graph(3)
    G.add_node(7)
    with pytest.raises(InvalidParameterError, match="1 isolated node\\(s\\) \\(first: 7\\)"):
        random_walk(G, n_steps=5)
    with pytest.raises(InvalidParameterError, match="square adjacency matrix, got shape"):
        random_walk(sp.csr_matrix(np.ones((2, 3))), n_steps=5)
    with pytest.raises(InvalidParameterError, match="at least 2 nodes"):
        random_walk(np.zeros((1, 1)), n_steps=5)
    with pytest.raises(InvalidParameterError, match="2-D square adjacency"):
        random_walk(np.ones(3), n_steps=5)
    with pytest.raises(InvalidParameterError, match="networkx graph or a WalkGraph"):
        random_walk("karate", n_steps=5)


def test_parameter_messages():
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'alpha' parameter of self_repellent_walk must be a float in the range "
        r"\[0, inf\)\. Got -1\.0 instead\.",
    ):
        self_repellent_walk(KARATE, n_steps=10, alpha=-1.0)
    with pytest.raises(InvalidParameterError, match=r"'step_exponent' parameter .* \(0\.5, 1\]"):
        self_repellent_walk(KARATE, n_steps=10, alpha=1.0, step_exponent=0.5)
    with pytest.raises(InvalidParameterError, match=r"'step_exponent'"):
        self_repellent_walk(KARATE, n_steps=10, alpha=1.0, step_exponent=1.2)
    with pytest.raises(InvalidParameterError, match="'chain' parameter of random_walk"):
        random_walk(KARATE, n_steps=10, chain="lazy")
    with pytest.raises(InvalidParameterError, match="'n_steps' parameter of random_walk"):
        random_walk(KARATE, n_steps=-1)
    with pytest.raises(InvalidParameterError, match="'n_walkers' parameter"):
        random_walk(KARATE, n_steps=10, n_walkers=0)
    with pytest.raises(InvalidParameterError, match="'backend' parameter"):
        random_walk(KARATE, n_steps=10, backend="cuda")
    with pytest.raises(InvalidParameterError, match="not reversible"):
        self_repellent_walk(KARATE, n_steps=10, alpha=1.0, chain="nbrw")
    with pytest.raises(InvalidParameterError, match="array of length n_steps=10"):
        self_repellent_walk(KARATE, n_steps=10, alpha=np.ones(3))
    with pytest.raises(InvalidParameterError, match="entry 2 is -1.0"):
        self_repellent_walk(KARATE, n_steps=3, alpha=np.array([1.0, 1.0, -1.0]))


def test_start_and_target_errors():
    with pytest.raises(InvalidParameterError, match="must be a node of the graph. Got 99"):
        random_walk(KARATE, n_steps=5, start=99)
    A = nx.to_scipy_sparse_array(KARATE)
    with pytest.raises(InvalidParameterError, match=r"node index in the range \[0, 33\]"):
        random_walk(A, n_steps=5, start=34)
    with pytest.raises(InvalidParameterError, match="one node per walker \\(3\\)"):
        random_walk(A, n_steps=5, start=[0, 1], n_walkers=3)
    with pytest.raises(InvalidParameterError, match="positive on every node.*entry 0 is 0.0"):
        random_walk(A, n_steps=5, chain="mhrw", target=np.r_[0.0, np.ones(33)])
    with pytest.raises(InvalidParameterError, match=r"must have shape \(34,\)"):
        random_walk(A, n_steps=5, chain="mhrw", target=np.ones(3))
    with pytest.raises(InvalidParameterError, match="only used with chain='mhrw'"):
        random_walk(A, n_steps=5, chain="srw", target=np.ones(34))
    with pytest.raises(InvalidParameterError, match="only used with chain='mhrw'"):
        self_repellent_walk(A, n_steps=5, alpha=1.0, target=np.ones(34))


def test_estimator_errors():
    with pytest.raises(InvalidParameterError, match=r"'values' must have shape \(34,\)"):
        graph_average(KARATE, np.ones(5), n_steps=10)
    with pytest.raises(InvalidParameterError, match="'values' contains NaN"):
        graph_average(KARATE, np.full(34, np.nan), n_steps=10)
    with pytest.raises(InvalidParameterError, match="at least 2 with interval='walkers'"):
        graph_average(KARATE, np.ones(34), n_steps=10, n_walkers=1)
    with pytest.raises(InvalidParameterError, match="'target' parameter of graph_average"):
        graph_average(KARATE, np.ones(34), n_steps=10, target="degree")
    with pytest.raises(InvalidParameterError, match="constant alpha and step_exponent=1"):
        graph_average(KARATE, np.ones(34), n_steps=10, interval="asymptotic", step_exponent=0.8)
    with pytest.raises(InvalidParameterError, match="'confidence_level'"):
        graph_average(KARATE, np.ones(34), n_steps=10, n_walkers=2, rng=0).confidence_interval(1.5)
    big = WalkGraph(nx.cycle_graph(5001))
    with pytest.raises(InvalidParameterError, match="limited to 5000 nodes"):
        srrw_asymptotic_covariance(big, alpha=1.0)
    with pytest.raises(InvalidParameterError, match="'alpha' parameter of srrw_asymptotic"):
        srrw_asymptotic_covariance(KARATE, alpha=-2.0)


def test_sa_srrw_errors():
    def grad(th, i):
        return th

    with pytest.raises(InvalidParameterError, match="'grad' parameter of sa_srrw"):
        sa_srrw(None, KARATE, np.zeros(1), n_steps=10, alpha=1.0)
    with pytest.raises(InvalidParameterError, match="'beta_exponent' parameter"):
        sa_srrw(grad, KARATE, np.zeros(1), n_steps=10, alpha=1.0, beta_exponent=0.3)
    with pytest.raises(InvalidParameterError, match="shape \\(2,\\) like theta0"):
        sa_srrw(lambda th, i: np.zeros(3), KARATE, np.zeros(2), n_steps=10, alpha=1.0)
    with pytest.raises(InvalidParameterError, match="finite non-empty 1-D array"):
        sa_srrw(grad, KARATE, np.zeros((2, 2)), n_steps=10, alpha=1.0)
    with pytest.raises(InvalidParameterError, match="non-finite iterates"):
        sa_srrw(
            lambda th, i: np.array([np.inf]),
            KARATE,
            np.zeros(1),
            n_steps=10,
            alpha=1.0,
            record_every=5,
        )


def test_explicit_zeros_are_not_edges_and_input_is_not_modified():
    A = sp.csr_matrix(np.array([[0, 2.0, 3.0], [2.0, 0, 1.0], [3.0, 1.0, 0]]))
    A.data[A.data == 3.0] = 0.0  # explicit stored zeros
    before = A.data.copy()
    for weight in ("weight", None):
        g = WalkGraph(A, weight=weight)
        assert g.n_edges == 2 and g.degree.tolist() == [1, 2, 1]
    assert WalkGraph(A).weights is not None and WalkGraph(A, weight=None).weights is None
    np.testing.assert_array_equal(A.data, before)
