"""Demo section: RS2 rounds (structure and cost) and a 1-second digits comparison."""

from __future__ import annotations

import time

import numpy as np

from .._backend import torch_available
from .._table import format_table

TITLE = "RS2 repeated random subsets (subsample)"


def run(rng) -> str:
    from . import RS2Schedule

    seed = int(rng.integers(2**31))
    n, ratio, W = 100_000, 0.03, 4
    glob = RS2Schedule(n, ratio, rng=seed)
    ranks = [RS2Schedule(n, ratio, rng=seed, num_replicas=W, rank=j) for j in range(W)]
    k = glob.round_size
    rounds_per_pass = -(-n // k)
    stream = [glob.round_indices(t) for t in range(2 * rounds_per_pass)]
    distinct = all(np.unique(r).size == k for r in stream)
    counts = np.bincount(np.concatenate(stream), minlength=n)
    t0 = time.perf_counter()
    for t in range(50):
        ranks[1].indices(t)
    per_round = (time.perf_counter() - t0) / 50
    t0 = time.perf_counter()
    np.random.default_rng(seed).permutation(n)
    perm_time = time.perf_counter() - t0
    union_ok = all(
        np.array_equal(np.sort(np.concatenate([s.indices(t) for s in ranks])), np.sort(stream[t]))
        for t in (0, rounds_per_pass - 1)
    )
    rows = [
        ["round size k (n = 1e5, r = 3%)", k],
        [
            f"rounds straddling a pass boundary hold k distinct ({2 * rounds_per_pass} rounds)",
            distinct,
        ],
        ["use counts after 2 passes (min, max)", f"{counts.min()}, {counts.max()}"],
        [f"{W} rank shards: disjoint, union = the round", union_ok],
        ["one round on one rank", f"{per_round * 1e6:.0f} us"],
        ["numpy permutation(n), for scale", f"{perm_time * 1e6:.0f} us"],
    ]
    text = format_table(["RS2 schedule", "value"], rows)
    if not torch_available():
        return text + (
            '\n(torch not installed: digits comparison skipped; pip install "samplingstats[torch]")'
        )
    from ._training import digits_split, train_digits

    data = digits_split()
    acc_rows = []
    for method, label in (
        ("rs2", "RS2 without replacement, r = 5%"),
        ("static", "static random 5% subset"),
        ("full", "full data"),
    ):
        t0 = time.perf_counter()
        acc, _ = train_digits(method, ratio=0.05, total_steps=300, seed=seed % 1000, data=data)
        acc_rows.append([label, 300, f"{acc:.3f}", f"{time.perf_counter() - t0:.2f} s"])
    return (
        text
        + "\n\n"
        + format_table(
            ["digits MLP (same iterations)", "iterations", "test accuracy", "time"], acc_rows
        )
    )
