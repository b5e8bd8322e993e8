"""Random walks on graphs: base chains, self-repellent random walks (SRRW), estimators, SA-SRRW.

- :func:`random_walk` -- simple / weighted, Metropolis–Hastings and non-backtracking walks
  (numba kernels for one or many walkers, torch for many walkers on a GPU);
- :func:`self_repellent_walk` -- the SRRW of Doshi, Hu & Eun (ICML 2023) on any reversible base;
- :func:`graph_average` -- node averages (stationary or reweighted targets) with confidence
  intervals from independent walkers;
- :func:`srrw_asymptotic_covariance` -- the exact asymptotic covariance V(alpha) (small graphs);
- :func:`sa_srrw` -- stochastic approximation driven by an SRRW (Hu, Doshi & Eun, ICLR 2024);
- :class:`WalkGraph` -- a validated graph reusable across calls.
"""

from ._estimators import (
    GraphEstimateResult,
    graph_average,
    srrw_asymptotic_covariance,
)
from ._graph import WalkGraph
from ._sa import SASRRWResult, sa_srrw
from ._walks import SRRWResult, WalkResult, random_walk, self_repellent_walk

__all__ = [
    "random_walk",
    "self_repellent_walk",
    "graph_average",
    "srrw_asymptotic_covariance",
    "sa_srrw",
    "WalkGraph",
    "WalkResult",
    "SRRWResult",
    "GraphEstimateResult",
    "SASRRWResult",
]
