"""Typed usage of the public API, as a user writes it (issue 18).

``mypy samplingstats tests/typing`` type-checks this file against the package's hints, so a hint
that stops matching the API fails ``make lint``; ``test_usage.py`` runs it, so it stays executable.
Sizes are tiny: the point is the types, not the numbers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats

import samplingstats
from samplingstats import ConfidenceInterval, InvalidParameterError, Result
from samplingstats.cluster import SDPKMeans, SDPResult, make_isotropic_mixture, sdp_kmeans
from samplingstats.dpp import PolynomialBasis, WLSResult, weighted_least_squares
from samplingstats.importance import ExpectationsResult, multiple_expectations
from samplingstats.lp import (
    LewisWeightsResult,
    RowSample,
    leverage_scores,
    lewis_weights,
    sensitivity_sample,
)
from samplingstats.sampling import AliasTable, KeyedPermutation, inclusion_probabilities
from samplingstats.subsample import RS2Schedule, rs2_round_size, static_subset
from samplingstats.walks import GraphEstimateResult, WalkResult, graph_average, random_walk


def sampling_part(rng: np.random.Generator) -> int:
    weights: NDArray[np.float64] = np.array([1.0, 2.0, 3.0, 4.0])
    table = AliasTable(weights)
    draws = table.sample(10, rng=rng)
    pi = inclusion_probabilities(weights, 2)
    perm = KeyedPermutation(10, rng=0)
    order = perm.permutation()
    return int(np.asarray(draws).size + np.asarray(pi).size + np.asarray(order).size)


def lp_part(rng: np.random.Generator) -> float:
    A = rng.standard_normal((60, 3))
    scores = leverage_scores(A)
    lw: LewisWeightsResult = lewis_weights(A, p=1)
    converged: bool = lw.converged
    sample: RowSample = sensitivity_sample(A, p=2, n_samples=20, scores="leverage", rng=rng)
    SA = sample.apply(A)
    return float(np.sum(scores)) + float(converged) + float(np.asarray(SA).shape[0])


def dpp_part() -> float:
    basis = PolynomialBasis(1, 3)
    fit: WLSResult = weighted_least_squares(np.cos, basis, n_samples=8, rng=0)
    stable: bool = fit.stable
    values = fit.predict(np.linspace(-1, 1, 5)[:, None])
    return float(np.max(np.abs(values))) + float(stable)


def importance_part() -> ConfidenceInterval:
    def model(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.exp(0.2 * x[:, 0])

    res: ExpectationsResult = multiple_expectations(model, [stats.norm()], budget=300, rng=0)
    n_evaluations: int = res.n_evaluations
    assert n_evaluations <= 300
    return res.confidence_interval(confidence_level=0.9)


def walks_part() -> GraphEstimateResult:
    A = np.ones((6, 6)) - np.eye(6)
    walk: WalkResult = random_walk(A, n_steps=20, n_walkers=2, rng=0)
    counts = walk.visit_counts()
    assert int(np.sum(counts)) > 0
    return graph_average(A, np.arange(6.0), n_steps=100, n_walkers=4, rng=0)


def cluster_part() -> int:
    X, y = make_isotropic_mixture(30, 2, 2, separation=6.0, rng=0)
    res: SDPResult = sdp_kmeans(X, 2, rng=0)
    model = SDPKMeans(2, random_state=0).fit(X)
    return int(np.asarray(res.labels).size + np.asarray(model.predict(X)).size)


def subsample_part() -> int:
    schedule = RS2Schedule(100, 0.1, rng=0)
    first = schedule.indices(0)
    state: dict = schedule.state_dict()
    again = RS2Schedule(100, 0.1, rng=0)
    again.load_state_dict(state)
    subset = static_subset(50, 0.2, rng=0)
    return int(np.asarray(first).size + np.asarray(subset).size + rs2_round_size(100, 0.1))


def errors_part() -> str:
    try:
        lewis_weights(np.ones((4, 2)), p=0.5)
    except InvalidParameterError as e:
        return str(e)
    raise AssertionError("p=0.5 must be refused")


def main() -> dict[str, object]:
    rng = np.random.default_rng(0)
    ci = importance_part()
    low, high = ci
    avg = walks_part()
    assert isinstance(avg, Result)
    return {
        "version": samplingstats.__version__,
        "sampling": sampling_part(rng),
        "lp": lp_part(rng),
        "dpp": dpp_part(),
        "importance": (low, high),
        "walks": avg.to_dict()["estimate"],
        "cluster": cluster_part(),
        "subsample": subsample_part(),
        "errors": errors_part(),
    }


if __name__ == "__main__":
    print(main())
