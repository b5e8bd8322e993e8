"""Demo section: self-repellent random walks on the karate club graph (bundled with networkx)."""

from __future__ import annotations

import numpy as np

from .._table import format_table

TITLE = "Self-repellent random walks: variance vs alpha and a reweighted node average (karate club)"


def run(rng) -> str:
    """Run the demo and return its text tables (needs networkx: the karate club graph)."""
    from .._optional import import_optional

    nx = import_optional("networkx", purpose="the walks demo (karate club graph)")

    from ._estimators import graph_average, srrw_asymptotic_covariance
    from ._graph import WalkGraph
    from ._walks import self_repellent_walk

    rng = np.random.default_rng(rng)
    G = nx.karate_club_graph()
    g = WalkGraph(G, weight=None)
    n, walkers = 20_000, 32
    rows: list[list] = []
    base_err = base_tr = 1.0
    for alpha in (0.0, 1.0, 5.0, 10.0):
        r = self_repellent_walk(g, n_steps=n, alpha=alpha, chain="mhrw", n_walkers=walkers, rng=rng)
        err = float(n * r.squared_error().mean())
        trv = float(np.trace(srrw_asymptotic_covariance(g, alpha=alpha, chain="mhrw")))
        if alpha == 0.0:
            base_err, base_tr = err, trv
        rows.append([alpha, err, trv, err / trv, err / base_err, trv / base_tr])
    t1 = format_table(
        ["alpha", "n E|x_n-mu|^2", "tr V(alpha)", "ratio", "vs alpha=0", "theory vs alpha=0"],
        rows,
        title=f"SRRW, MHRW base, {walkers} walkers x {n} steps",
    )
    clust = np.array([c for _, c in sorted(nx.clustering(G).items())])
    rows = []
    for alpha in (0.0, 2.0):
        est = graph_average(g, clust, n_steps=n, alpha=alpha, chain="srw", n_walkers=16, rng=rng)
        lo, hi = est.confidence_interval(0.95)
        rows.append([alpha, est.estimate, est.standard_error, f"[{lo:.4f}, {hi:.4f}]"])
    t2 = format_table(
        ["alpha", "estimate", "std. error", "95% CI"],
        rows,
        title=(
            "Average clustering coefficient from SRW-based walks reweighted to the uniform node "
            f"average (truth {clust.mean():.4f}), 16 walkers x {n} steps"
        ),
    )
    return t1 + "\n\n" + t2
