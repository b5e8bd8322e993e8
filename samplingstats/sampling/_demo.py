"""Demo section: the shared index samplers on a small built-in weight vector."""

from __future__ import annotations

import numpy as np

from .._table import format_table
from ._alias import AliasTable
from ._permutation import KeyedPermutation
from ._poisson import inclusion_probabilities, poisson_sample, weighted_sample_without_replacement

TITLE = "Shared index samplers: alias table, Poisson/PPS sampling, weighted WOR, keyed permutation"

#: A small built-in weight vector (one zero, one dominant unit).
WEIGHTS = np.array([5.0, 3.0, 1.0, 1.0, 0.0, 10.0, 2.0, 0.5])


def run(rng) -> str:
    """Run the demo and return its text tables."""
    rng = np.random.default_rng(rng)
    w = WEIGHTS
    n = w.size
    out = []

    # 1. Alias table: exact p, the table's implied p, and frequencies of 10^6 draws.
    table = AliasTable(w)
    n_draws = 1_000_000
    freq = np.bincount(table.sample(n_draws, rng=rng), minlength=n) / n_draws
    # 2. Successive sampling without replacement: first-draw frequencies (should be p).
    reps = 8_000
    first = np.zeros(n)
    for _ in range(reps):
        first[weighted_sample_without_replacement(w, 3, rng=rng)[0]] += 1
    first /= reps
    # 3. PPS inclusion probabilities for k = 3 and Poisson-sampling frequencies.
    pi = inclusion_probabilities(w, 3)
    incl = np.zeros(n)
    sizes = np.empty(reps)
    for r in range(reps):
        s = poisson_sample(pi, rng=rng)
        incl[s] += 1
        sizes[r] = s.size
    incl /= reps
    rows = [
        [
            i,
            w[i],
            table.probabilities[i],
            table.implied_probabilities()[i],
            freq[i],
            first[i],
            pi[i],
            incl[i],
        ]
        for i in range(n)
    ]
    out.append(
        format_table(
            [
                "i",
                "w",
                "p = w/sum",
                "alias p",
                "alias freq",
                "WOR 1st freq",
                "pi (k=3)",
                "Poisson freq",
            ],
            rows,
            title=f"Alias table ({n_draws:.0e} draws), successive WOR and PPS Poisson sampling "
            f"({reps} reps each)",
        )
    )
    out.append(
        f"Poisson sample size: mean {sizes.mean():.3f} (theory {pi.sum():.3f}), "
        f"variance {sizes.var(ddof=1):.3f} (theory {(pi * (1 - pi)).sum():.3f})\n"
    )

    # 4. Keyed permutation: O(1)-memory passes and shards of a permutation of [0, 10^7).
    big = KeyedPermutation(10**7, rng=2024)
    rows = []
    for pass_index in range(3):
        head = big.take_range(0, 5, pass_index=pass_index)
        rows.append([pass_index, " ".join(str(v) for v in head.tolist())])
    out.append(
        format_table(
            ["pass", "first 5 elements of the pass (n = 10^7, nothing materialised)"],
            rows,
            title="KeyedPermutation(10**7, rng=2024).take_range(0, 5, pass_index=p)",
        )
    )
    small = KeyedPermutation(12, rng=7)
    shards = [small.take_range(r, 12, 3) for r in range(3)]
    rows = [[r, " ".join(str(v) for v in s.tolist())] for r, s in enumerate(shards)]
    covered = sorted(np.concatenate(shards).tolist()) == list(range(12))
    out.append(
        format_table(
            ["rank", "take_range(rank, 12, 3)"],
            rows,
            title=f"Sharding one pass of n = 12 over 3 workers (disjoint cover: {covered})",
        )
    )
    return "\n".join(out)
