"""Bad input to samplingstats.walks: each row raises the expected class naming the argument."""

from __future__ import annotations

import functools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from _bad_input import HUGE, NAN, check_row, params, row

from samplingstats.walks import (
    WalkGraph,
    graph_average,
    random_walk,
    sa_srrw,
    self_repellent_walk,
    srrw_asymptotic_covariance,
)

G = nx.cycle_graph(8)
nx.add_path(G, [0, 4])  # not bipartite-regular: a non-trivial SRW target
ADJ = nx.to_numpy_array(G)
V = np.arange(8, dtype=float)


def _adj(**changes):
    a = ADJ.copy()
    for (i, j), v in changes.items():
        a[i, j] = a[j, i] = v
    return a


def _with_weight(value):
    h = nx.cycle_graph(5)
    nx.set_edge_attributes(h, value, "weight")
    return h


ADJ_C = ADJ.astype(complex)
ADJ_C[0, 1] = ADJ_C[1, 0] = 1 + 1j
DISCONNECTED = np.zeros((4, 4))
DISCONNECTED[0, 1] = DISCONNECTED[1, 0] = DISCONNECTED[2, 3] = DISCONNECTED[3, 2] = 1.0
ISOLATED = ADJ.copy()
ISOLATED[7, :] = ISOLATED[:, 7] = 0.0


def grad(theta, node):
    return theta - node


@functools.cache
def _walk():
    return random_walk(ADJ, n_steps=50, n_walkers=2, rng=0)


@functools.cache
def _avg():
    return graph_average(ADJ, V, n_steps=200, n_walkers=4, rng=0)


def _graph_rows(qual, call):
    """Degenerate and malformed graphs, for every entry point taking ``graph``."""
    return [
        row(qual, "graph-asymmetric", lambda: call(np.triu(ADJ)), name="graph"),
        row(qual, "graph-negative", lambda: call(-ADJ), name="graph"),
        row(qual, "graph-nan", lambda: call(np.where(ADJ > 0, NAN, 0.0)), name="graph"),
        row(qual, "graph-complex", lambda: call(ADJ_C), TypeError, "graph"),
        row(qual, "graph-disconnected", lambda: call(DISCONNECTED), name="graph"),
        row(qual, "graph-isolated-node", lambda: call(ISOLATED), name="graph"),
        row(qual, "graph-empty-nx", lambda: call(nx.Graph()), name="graph"),
        row(qual, "graph-empty-array", lambda: call(np.zeros((0, 0))), name="graph"),
        row(qual, "graph-not-square", lambda: call(ADJ[:, :5]), name="graph"),
        row(qual, "graph-str", lambda: call("cycle"), TypeError, "graph"),
        row(qual, "graph-directed", lambda: call(nx.DiGraph(nx.cycle_graph(5))), name="graph"),
        row(qual, "graph-str-weight", lambda: call(_with_weight("heavy")), name="weight"),
    ]


ROWS = [
    # random_walk(graph, n_steps, chain, n_walkers, start, target, values, record_trace, n_batches)
    *_graph_rows("walks.random_walk", lambda g: random_walk(g, n_steps=10, rng=0)),
    row(
        "walks.random_walk",
        "steps-negative",
        lambda: random_walk(ADJ, n_steps=-1, rng=0),
        name="n_steps",
    ),
    row(
        "walks.random_walk",
        "steps-float",
        lambda: random_walk(ADJ, n_steps=10.5, rng=0),
        name="n_steps",
    ),
    row(
        "walks.random_walk",
        "steps-huge",
        lambda: random_walk(ADJ, n_steps=HUGE, rng=0),
        name="n_steps",
    ),
    row(
        "walks.random_walk",
        "walkers-zero",
        lambda: random_walk(ADJ, n_steps=10, n_walkers=0, rng=0),
        name="n_walkers",
    ),
    row(
        "walks.random_walk",
        "walkers-huge",
        lambda: random_walk(ADJ, n_steps=10, n_walkers=HUGE, rng=0),
        name="n_walkers",
    ),
    row(
        "walks.random_walk",
        "walkers-bool",
        lambda: random_walk(ADJ, n_steps=10, n_walkers=True, rng=0),
        name="n_walkers",
    ),
    row(
        "walks.random_walk",
        "chain",
        lambda: random_walk(ADJ, n_steps=10, chain="foo", rng=0),
        name="chain",
    ),
    row(
        "walks.random_walk",
        "start-out-of-range",
        lambda: random_walk(ADJ, n_steps=10, start=99, rng=0),
        name="start",
    ),
    row(
        "walks.random_walk",
        "start-float",
        lambda: random_walk(ADJ, n_steps=10, start=1.5, rng=0),
        name="start",
    ),
    row(
        "walks.random_walk",
        "target-negative",
        lambda: random_walk(ADJ, n_steps=10, chain="mhrw", target=-np.ones(8), rng=0),
        name="target",
    ),
    row(
        "walks.random_walk",
        "target-length",
        lambda: random_walk(ADJ, n_steps=10, chain="mhrw", target=np.ones(3), rng=0),
        name="target",
    ),
    row(
        "walks.random_walk",
        "target-nan",
        lambda: random_walk(ADJ, n_steps=10, chain="mhrw", target=np.r_[np.ones(7), NAN], rng=0),
        name="target",
    ),
    row(
        "walks.random_walk",
        "target-str",
        lambda: random_walk(ADJ, n_steps=10, chain="mhrw", target="nope", rng=0),
        name="target",
    ),
    row(
        "walks.random_walk",
        "values-length",
        lambda: random_walk(ADJ, n_steps=10, values=np.ones(3), rng=0),
        name="values",
    ),
    row(
        "walks.random_walk",
        "values-complex",
        lambda: random_walk(ADJ, n_steps=10, values=V + 1j, rng=0),
        TypeError,
        "values",
    ),
    row(
        "walks.random_walk",
        "batches-zero",
        lambda: random_walk(ADJ, n_steps=10, values=V, n_batches=0, rng=0),
        name="n_batches",
    ),
    row(
        "walks.random_walk",
        "backend",
        lambda: random_walk(ADJ, n_steps=10, backend="nope", rng=0),
        name="backend",
    ),
    row("walks.random_walk", "rng", lambda: random_walk(ADJ, n_steps=10, rng=-1), name="rng"),
    # self_repellent_walk(graph, n_steps, alpha, ...)
    *_graph_rows(
        "walks.self_repellent_walk", lambda g: self_repellent_walk(g, n_steps=10, alpha=1.0, rng=0)
    ),
    row(
        "walks.self_repellent_walk",
        "alpha-negative",
        lambda: self_repellent_walk(ADJ, n_steps=10, alpha=-1.0, rng=0),
        name="alpha",
    ),
    row(
        "walks.self_repellent_walk",
        "alpha-nan",
        lambda: self_repellent_walk(ADJ, n_steps=10, alpha=NAN, rng=0),
        name="alpha",
    ),
    row(
        "walks.self_repellent_walk",
        "alpha-str",
        lambda: self_repellent_walk(ADJ, n_steps=10, alpha="1", rng=0),
        name="alpha",
    ),
    row(
        "walks.self_repellent_walk",
        "steps-huge",
        lambda: self_repellent_walk(ADJ, n_steps=HUGE, alpha=1.0, record_trace=True, rng=0),
        name="n_steps",
    ),
    row(
        "walks.self_repellent_walk",
        "walkers-huge",
        lambda: self_repellent_walk(ADJ, n_steps=10, alpha=1.0, n_walkers=HUGE, rng=0),
        name="n_walkers",
    ),
    row(
        "walks.self_repellent_walk",
        "step-exponent",
        lambda: self_repellent_walk(ADJ, n_steps=10, alpha=1.0, step_exponent=2.0, rng=0),
        name="step_exponent",
    ),
    row(
        "walks.self_repellent_walk",
        "chain",
        lambda: self_repellent_walk(ADJ, n_steps=10, alpha=1.0, chain="foo", rng=0),
        name="chain",
    ),
    # graph_average(graph, values, n_steps, alpha, ..., interval, burn_in)
    *_graph_rows("walks.graph_average", lambda g: graph_average(g, np.ones(8), n_steps=10, rng=0)),
    row(
        "walks.graph_average",
        "values-length",
        lambda: graph_average(ADJ, np.ones(3), n_steps=10, rng=0),
        name="values",
    ),
    row(
        "walks.graph_average",
        "values-nan",
        lambda: graph_average(ADJ, np.r_[V[:-1], NAN], n_steps=10, rng=0),
        name="values",
    ),
    row(
        "walks.graph_average",
        "values-complex",
        lambda: graph_average(ADJ, V + 1j, n_steps=10, rng=0),
        TypeError,
        "values",
    ),
    row(
        "walks.graph_average",
        "values-str",
        lambda: graph_average(ADJ, ["a"] * 8, n_steps=10, rng=0),
        TypeError,
        "values",
    ),
    row(
        "walks.graph_average",
        "walkers-one",
        lambda: graph_average(ADJ, V, n_steps=10, n_walkers=1, rng=0),
        name="n_walkers",
    ),
    row(
        "walks.graph_average",
        "interval",
        lambda: graph_average(ADJ, V, n_steps=10, interval="nope", rng=0),
        name="interval",
    ),
    row(
        "walks.graph_average",
        "burn-in-negative",
        lambda: graph_average(ADJ, V, n_steps=10, burn_in=-1, rng=0),
        name="burn_in",
    ),
    row(
        "walks.graph_average",
        "burn-in-past-end",
        lambda: graph_average(ADJ, V, n_steps=10, burn_in=10, rng=0),
        name="burn_in",
    ),
    row(
        "walks.graph_average",
        "burn-in-str",
        lambda: graph_average(ADJ, V, n_steps=10, burn_in="later", rng=0),
        name="burn_in",
    ),
    row(
        "walks.graph_average",
        "target",
        lambda: graph_average(ADJ, V, n_steps=10, target="nope", rng=0),
        name="target",
    ),
    # srrw_asymptotic_covariance(graph, alpha, chain, target)
    *_graph_rows(
        "walks.srrw_asymptotic_covariance", lambda g: srrw_asymptotic_covariance(g, alpha=1.0)
    ),
    row(
        "walks.srrw_asymptotic_covariance",
        "alpha-negative",
        lambda: srrw_asymptotic_covariance(ADJ, alpha=-1.0),
        name="alpha",
    ),
    row(
        "walks.srrw_asymptotic_covariance",
        "alpha-str",
        lambda: srrw_asymptotic_covariance(ADJ, alpha="1"),
        name="alpha",
    ),
    row(
        "walks.srrw_asymptotic_covariance",
        "chain",
        lambda: srrw_asymptotic_covariance(ADJ, alpha=1.0, chain="foo"),
        name="chain",
    ),
    # sa_srrw(grad, graph, theta0, n_steps, alpha, ...)
    row(
        "walks.sa_srrw",
        "grad-not-callable",
        lambda: sa_srrw(3.0, ADJ, np.zeros(1), n_steps=10, alpha=1.0, rng=0),
        TypeError,
        "grad",
    ),
    row(
        "walks.sa_srrw",
        "grad-non-numeric",
        lambda: sa_srrw(lambda t, n: "x", ADJ, np.zeros(1), n_steps=10, alpha=1.0, rng=0),
        TypeError,
        "grad",
    ),
    row(
        "walks.sa_srrw",
        "grad-nan",
        lambda: sa_srrw(lambda t, n: t * NAN, ADJ, np.zeros(1), n_steps=10, alpha=1.0, rng=0),
        name="grad",
    ),
    row(
        "walks.sa_srrw",
        "theta0-empty",
        lambda: sa_srrw(grad, ADJ, np.zeros(0), n_steps=10, alpha=1.0, rng=0),
        name="theta0",
    ),
    row(
        "walks.sa_srrw",
        "theta0-nan",
        lambda: sa_srrw(grad, ADJ, np.array([NAN]), n_steps=10, alpha=1.0, rng=0),
        name="theta0",
    ),
    row(
        "walks.sa_srrw",
        "theta0-complex",
        lambda: sa_srrw(grad, ADJ, np.array([1j]), n_steps=10, alpha=1.0, rng=0),
        TypeError,
        "theta0",
    ),
    row(
        "walks.sa_srrw",
        "theta0-2d",
        lambda: sa_srrw(grad, ADJ, np.zeros((2, 2)), n_steps=10, alpha=1.0, rng=0),
        name="theta0",
    ),
    row(
        "walks.sa_srrw",
        "gamma-exponent",
        lambda: sa_srrw(grad, ADJ, np.zeros(1), n_steps=10, alpha=1.0, gamma_exponent=2.0, rng=0),
        name="gamma_exponent",
    ),
    row(
        "walks.sa_srrw",
        "beta-exponent",
        lambda: sa_srrw(grad, ADJ, np.zeros(1), n_steps=10, alpha=1.0, beta_exponent=-1.0, rng=0),
        name="beta_exponent",
    ),
    row(
        "walks.sa_srrw",
        "record-every-zero",
        lambda: sa_srrw(grad, ADJ, np.zeros(1), n_steps=10, alpha=1.0, record_every=0, rng=0),
        name="record_every",
    ),
    row(
        "walks.sa_srrw",
        "steps-huge",
        lambda: sa_srrw(grad, ADJ, np.zeros(1), n_steps=HUGE, alpha=1.0, record_every=1, rng=0),
        name="n_steps",
    ),
    row(
        "walks.sa_srrw",
        "graph-disconnected",
        lambda: sa_srrw(grad, DISCONNECTED, np.zeros(1), n_steps=10, alpha=1.0, rng=0),
        name="graph",
    ),
    # WalkGraph
    *_graph_rows("walks.WalkGraph.__init__", lambda g: WalkGraph(g)),
    row(
        "walks.WalkGraph.__init__",
        "weight-int",
        lambda: WalkGraph(G, weight=3),
        TypeError,
        "weight",
    ),
    row(
        "walks.WalkGraph.__init__",
        "sparse-nan",
        lambda: WalkGraph(sp.csr_matrix(np.where(ADJ > 0, NAN, 0.0))),
        name="graph",
    ),
    row("walks.WalkGraph.chain", "name", lambda: WalkGraph(ADJ).chain("foo"), name="name"),
    row(
        "walks.WalkGraph.chain",
        "target-length",
        lambda: WalkGraph(ADJ).chain("mhrw", np.ones(3)),
        name="target",
    ),
    row(
        "walks.WalkGraph.chain",
        "target-zero",
        lambda: WalkGraph(ADJ).chain("mhrw", np.zeros(8)),
        name="target",
    ),
    row(
        "walks.WalkGraph.node_index",
        "missing",
        lambda: WalkGraph(G).node_index("nope"),
        name="label",
    ),
    row(
        "walks.WalkGraph.node_index",
        "out-of-range",
        lambda: WalkGraph(ADJ).node_index(99),
        name="label",
    ),
    row(
        "walks.WalkGraph.transition_matrix",
        "chain",
        lambda: WalkGraph(ADJ).transition_matrix("nbrw"),
        name="chain",
    ),
    row(
        "walks.WalkGraph.transition_matrix",
        "target-negative",
        lambda: WalkGraph(ADJ).transition_matrix("mhrw", -np.ones(8)),
        name="target",
    ),
    row(
        "walks.WalkGraph.from_edge_index",
        "float",
        lambda: WalkGraph.from_edge_index(np.array([[0.5, 1.0], [1.0, 0.5]])),
        name="edge_index",
    ),
    row(
        "walks.WalkGraph.from_edge_index",
        "wrong-shape",
        lambda: WalkGraph.from_edge_index(np.zeros((3, 4), dtype=np.int64)),
        name="edge_index",
    ),
    row(
        "walks.WalkGraph.from_edge_index",
        "negative",
        lambda: WalkGraph.from_edge_index(np.array([[0, -1], [-1, 0]])),
        name="edge_index",
    ),
    row(
        "walks.WalkGraph.from_edge_index",
        "n-nodes-small",
        lambda: WalkGraph.from_edge_index(np.array([[0, 1], [1, 0]]), n_nodes=1),
        name="n_nodes",
    ),
    row(
        "walks.WalkGraph.from_edge_index",
        "weight-length",
        lambda: WalkGraph.from_edge_index(np.array([[0, 1], [1, 0]]), edge_weight=np.ones(5)),
        name="edge_weight",
    ),
    # results
    row(
        "walks.WalkResult.average",
        "values-length",
        lambda: _walk().average(np.ones(3)),
        name="values",
    ),
    row(
        "walks.WalkResult.average",
        "values-complex",
        lambda: _walk().average(V + 1j),
        TypeError,
        "values",
    ),
    row(
        "walks.WalkResult.average",
        "batches-zero",
        lambda: _walk().average(V, n_batches=0),
        name="n_batches",
    ),
    row(
        "walks.WalkResult.visit_counts",
        "burn-in-negative",
        lambda: _walk().visit_counts(-1),
        name="burn_in",
    ),
    row(
        "walks.WalkResult.visit_counts",
        "burn-in-past-end",
        lambda: _walk().visit_counts(10**6),
        name="burn_in",
    ),
    row(
        "walks.GraphEstimateResult.confidence_interval",
        "level-one",
        lambda: _avg().confidence_interval(1.0),
        name="confidence_level",
    ),
    row(
        "walks.GraphEstimateResult.confidence_interval",
        "level-nan",
        lambda: _avg().confidence_interval(NAN),
        name="confidence_level",
    ),
]

KNOWN: dict[str, str] = {}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("call,exc,name", params(ROWS, KNOWN))
def test_bad_input(call, exc, name):
    check_row(call, exc, name)


HANG_SCRIPT = """
import numpy as np
from samplingstats import InvalidParameterError
from samplingstats.walks import graph_average
A = np.ones((8, 8)) - np.eye(8)
try:
    graph_average(A, np.arange(8.0), n_steps=10**18, rng=0)
except InvalidParameterError as e:
    assert "'n_steps'" in str(e), e
    print("refused")
"""


@pytest.mark.timeout(120)
def test_graph_average_huge_n_steps_is_refused_in_time():
    """n_steps=10**18 hung in a numba loop (issue 17); run in a subprocess that can be killed
    (a compiled loop ignores signals, so an in-process row would hang the suite if it regressed)."""
    import os
    import subprocess
    import sys

    try:
        out = subprocess.run(
            [sys.executable, "-c", HANG_SCRIPT],
            capture_output=True,
            text=True,
            timeout=40,
            env=dict(os.environ),
        )
    except subprocess.TimeoutExpired:
        pytest.fail("graph_average(n_steps=10**18) still running after 40 s")
    assert out.returncode == 0 and "refused" in out.stdout, out.stderr[-2000:]
