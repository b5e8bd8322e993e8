"""
NRMSE of self-repellent random walks vs steps
=============================================

The self-repellent random walk (SRRW) of Doshi, Hu & Eun (2023) pushes the walker away from nodes it
has over-visited; its empirical measure ``x_n`` still converges to the base chain's stationary
distribution ``mu`` but with asymptotic covariance ``V(alpha)`` shrinking like ``1/alpha``.

This example runs 32 walkers on the Les Misérables co-appearance graph (bundled with networkx),
with a Metropolis–Hastings base chain (uniform target), for alpha in {0, 1, 5, 10}, and plots

``NRMSE(n) = sqrt(mean over walkers ||x_n - mu||^2) / ||mu||``

against the step count, with the CLT prediction ``sqrt(tr V(alpha) / n) / ||mu||`` dashed.
"""

import os

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from samplingstats.walks import WalkGraph, self_repellent_walk, srrw_asymptotic_covariance

graph = WalkGraph(nx.les_miserables_graph(), weight=None)
n_steps, n_walkers = 100_000, 32
checkpoints = np.unique(np.geomspace(100, n_steps, 25).astype(int))
alphas = [0.0, 1.0, 5.0, 10.0]
rng = np.random.default_rng(2023)

fig, ax = plt.subplots(figsize=(6, 4))
for alpha, color in zip(alphas, ["C0", "C1", "C2", "C3"]):
    res = self_repellent_walk(
        graph,
        n_steps=n_steps,
        alpha=alpha,
        chain="mhrw",
        n_walkers=n_walkers,
        record_trace=True,
        rng=rng,
    )
    mu = res.target
    nrmse = []
    for n in checkpoints:
        # with step sizes 1/(n+1), x_n = (mu + visit counts of steps 1..n) / (n + 1)
        counts = np.stack([np.bincount(t[1 : n + 1], minlength=mu.size) for t in res.trace])
        x = (counts + mu) / (n + 1)
        nrmse.append(np.sqrt(((x - mu) ** 2).sum(axis=1).mean()) / np.linalg.norm(mu))
    trv = np.trace(srrw_asymptotic_covariance(graph, alpha=alpha, chain="mhrw"))
    ax.loglog(checkpoints, nrmse, color=color, label=f"alpha = {alpha:g}")
    ax.loglog(
        checkpoints, np.sqrt(trv / checkpoints) / np.linalg.norm(mu), color=color, ls="--", lw=0.8
    )
ax.set_xlabel("steps n")
ax.set_ylabel("NRMSE of x_n")
ax.set_title("SRRW on Les Misérables (MHRW base, 32 walkers)\ndashed: sqrt(tr V(alpha)/n)")
ax.legend()
fig.tight_layout()

out = os.environ.get("SAMPLINGSTATS_EXAMPLE_OUT")
if out:
    fig.savefig(out if out.endswith(".png") else os.path.join(out, "walks_nrmse.png"), dpi=110)
else:
    plt.show()
