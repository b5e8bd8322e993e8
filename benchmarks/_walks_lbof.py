"""Peer timings for bench_walks, run inside benchmarks/.venv-lbof (numpy<2, pandas<2).

Usage: python _walks_lbof.py EDGES.npy N_NODES. It builds the networkx and networkit graphs, prints
one JSON line with the versions, then serves timing requests from stdin, one per line,
``CHAIN BACKEND STEPS`` -> one JSON line ``{"seconds": ...}``, until ``quit``. The benchmark
alternates these requests with its own timings, so ours and the peers see the same machine load.

littleballoffur's samplers walk until a number of distinct nodes is reached and return the induced
subgraph; to time steps, the sampler's own step method (``_do_a_step``) is driven for a fixed
number of steps after its own set-up (backend, start node), so its per-step cost is measured
without the graph checks and subgraph extraction of ``sample()``.
"""

import json
import sys
import time


def main():
    from importlib.metadata import version

    import networkit as nk
    import networkx as nx
    import numpy as np
    from littleballoffur import (
        MetropolisHastingsRandomWalkSampler,
        NonBackTrackingRandomWalkSampler,
        RandomWalkSampler,
    )

    path, n_nodes = sys.argv[1], int(sys.argv[2])
    edges = np.load(path)
    G = nx.Graph()
    G.add_nodes_from(range(n_nodes))
    G.add_edges_from(map(tuple, edges.tolist()))
    K = nk.Graph(n_nodes)
    for u, v in edges.tolist():
        K.addEdge(u, v)
    graphs = {"networkx": G, "networkit": K}
    samplers = {
        "srw": RandomWalkSampler,
        "mhrw": MetropolisHastingsRandomWalkSampler,
        "nbrw": NonBackTrackingRandomWalkSampler,
    }
    versions = {
        "littleballoffur": version("littleballoffur"),
        "networkit": nk.__version__,
        "networkx": nx.__version__,
        "numpy": np.__version__,
    }
    print(json.dumps({"versions": versions}), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        chain, backend, steps = parts[0], parts[1], int(parts[2])
        graph = graphs[backend]
        s = samplers[chain](number_of_nodes=10, seed=42)
        s._deploy_backend(graph)
        s._create_initial_node_set(graph, 0)
        step = s._do_a_step
        t0 = time.perf_counter()
        for _ in range(steps):
            step(graph)
        print(json.dumps({"seconds": time.perf_counter() - t0}), flush=True)


if __name__ == "__main__":
    main()
