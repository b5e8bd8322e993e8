"""RS2 benchmarks: index generation per round per rank vs numpy / torch peers, and time-to-accuracy
on scikit-learn's digits.

Run from the repository root::

    python -m benchmarks.bench_subsample            # N = 10^7 (a few minutes on 2 cores)
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks.bench_subsample

Targets (docs/benchmarks/subsample.md): at N = 10^7, r = 1%, W = 8 ranks, one round's indices on
one rank cost <= 0.02x numpy ``permutation(N)`` and are >= 20x faster than torch
``RandomSampler(num_samples=k)``; stratified <= 1.2x unstratified; on digits RS2 at r = 5% beats a
static random 5% subset by >= 5 points at equal iterations, and reaches full-data accuracy (within
1 point) with <= 1/4 of the iterations of 50 full epochs.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from benchmarks._harness import Comparison, machine_info, quick_mode, render


class _Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def index_generation(N, ratio=0.01, W=8, rank=3, n_classes=10, repeats=7):
    import torch
    from torch.utils.data import DistributedSampler, RandomSampler

    from samplingstats.subsample import RS2Schedule

    k = round(ratio * N)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, n_classes, size=N)
    plain = RS2Schedule(N, ratio, rng=1, num_replicas=W, rank=rank)
    strat = RS2Schedule(N, ratio, labels=labels, rng=1, num_replicas=W, rank=rank)
    labels_many = rng.integers(0, 1000, size=N)
    strat_many = RS2Schedule(N, ratio, labels=labels_many, rng=1, num_replicas=W, rank=rank)
    del labels_many
    wr = RS2Schedule(N, ratio, replacement=True, rng=1, num_replicas=W, rank=rank)
    rounds_a, rounds_b, rounds_c = itertools.count(), itertools.count(), itertools.count()
    rounds_d = itertools.count()
    # a ratio whose k does not divide N: a round straddling a pass boundary computes a head (O(k))
    r_odd = 0.0137
    k_odd = round(r_odd * N)
    t_boundary = N // k_odd

    def boundary_round():
        s = RS2Schedule(N, r_odd, rng=2, num_replicas=W, rank=rank)  # fresh: head not cached
        return s.indices(t_boundary)

    ds = _Sized(N)
    torch.manual_seed(0)
    comp = Comparison(
        f"one round on one rank: N = {N:.0e}, r = {ratio:g} (k = {k}), W = {W} ranks",
        repeats=repeats,
    )
    comp.add(
        "RS2Schedule.indices (without replacement)",
        lambda: plain.indices(next(rounds_a)),
        ours=True,
        per_rank=plain.shard_size,
    )
    comp.add(
        f"RS2Schedule.indices, stratified ({n_classes} classes)",
        lambda: strat.indices(next(rounds_b)),
        per_rank=strat.shard_size,
    )
    comp.add(
        "RS2Schedule.indices, stratified (1000 classes)",
        lambda: strat_many.indices(next(rounds_d)),
        per_rank=strat_many.shard_size,
    )
    comp.add(
        "RS2Schedule.indices, with replacement",
        lambda: wr.indices(next(rounds_c)),
        per_rank=wr.shard_size,
    )
    comp.add(
        f"RS2 round at a pass boundary (r = {r_odd}, fresh object, head O(k))",
        boundary_round,
        per_rank=round(k_odd / W),
    )
    comp.add("numpy Generator.permutation(N)", lambda: rng.permutation(N), per_rank=N)
    comp.add(
        "torch RandomSampler(num_samples=k), list(iter())",
        lambda: list(iter(RandomSampler(ds, num_samples=k))),
        per_rank=k,
    )
    comp.add(
        "torch DistributedSampler(W), one epoch on a rank, list(iter())",
        lambda: list(iter(DistributedSampler(ds, num_replicas=W, rank=rank, seed=0))),
        per_rank=N // W,
    )
    return comp, {
        "permutation": comp.ratio("numpy Generator.permutation(N)"),
        "random_sampler": comp.ratio("torch RandomSampler(num_samples=k), list(iter())"),
        "stratified": comp.ratio(f"RS2Schedule.indices, stratified ({n_classes} classes)"),
        "stratified_many": comp.ratio("RS2Schedule.indices, stratified (1000 classes)"),
    }


def _train(method, ratio, steps, seeds, data):
    from samplingstats.subsample._training import train_digits

    accs, times = [], []
    for s in seeds:
        t0 = time.perf_counter()
        acc, _ = train_digits(method, ratio=ratio, total_steps=steps, seed=s, data=data)
        times.append(time.perf_counter() - t0)
        accs.append(acc)
    return float(np.mean(accs)), float(np.std(accs)), float(np.mean(times))


def time_to_accuracy(quick):
    from samplingstats.subsample._training import digits_split

    data = digits_split()
    n, b = data[0].shape[0], 16
    seeds = (0, 1) if quick else (0, 1, 2)
    epochs = 10 if quick else 50
    full_steps = epochs * -(-n // b)
    equal = 600
    rows = []
    ref = _train("full", 1.0, full_steps, seeds, data)
    rows.append((f"full data, {epochs} epochs (reference)", full_steps, 1.0, *ref))
    for method, ratio, steps, label in [
        ("full", 1.0, equal, "full data, same iterations as RS2"),
        ("rs2", 0.05, equal, "**RS2 without replacement, r = 5%**"),
        ("rs2_replace", 0.05, equal, "RS2 with replacement, r = 5%"),
        ("static", 0.05, equal, "static random 5% subset"),
        ("rs2", 0.05, full_steps // 4, "**RS2 without replacement, r = 5%, 1/4 compute**"),
        ("static", 0.05, full_steps // 4, "static random 5% subset, 1/4 compute"),
        ("rs2", 0.10, full_steps // 8, "RS2 without replacement, r = 10%, 1/8 compute"),
    ]:
        rows.append((label, steps, steps / full_steps, *_train(method, ratio, steps, seeds, data)))
    lines = [
        f"### time-to-accuracy on digits (MLP 64-64-10, SGD + cosine over iterations, batch {b}, "
        f"{n} train / {data[2].shape[0]} test, mean of {len(seeds)} seeds)\n",
        "| training | iterations | compute vs reference | test accuracy | sd | time per run |",
        "|---|---|---|---|---|---|",
    ]
    for label, steps, frac, mean, sd, t in rows:
        lines.append(f"| {label} | {steps} | {frac:.3f}x | {mean:.4f} | {sd:.4f} | {t:.2f} s |")
    acc = {r[0]: r[3] for r in rows}
    summary = {
        "rs2_minus_static": acc["**RS2 without replacement, r = 5%**"]
        - acc["static random 5% subset"],
        "rs2_minus_full_equal": acc["**RS2 without replacement, r = 5%**"]
        - acc["full data, same iterations as RS2"],
        "quarter_minus_reference": acc["**RS2 without replacement, r = 5%, 1/4 compute**"]
        - acc[f"full data, {epochs} epochs (reference)"],
    }
    return "\n".join(lines), summary


def main():
    quick = quick_mode()
    N = 10**5 if quick else 10**7
    print(f"machine: {machine_info()}\n")
    comp, ratios = index_generation(N, repeats=3 if quick else 7)
    print(render([comp]))
    table, summary = time_to_accuracy(quick)
    print(table)
    print("\n### done-when checks\n")
    checks = [
        ("one round per rank <= 0.02x numpy permutation(N)", 1 / ratios["permutation"], "<= 0.02"),
        (
            ">= 20x faster than torch RandomSampler(num_samples=k)",
            ratios["random_sampler"],
            ">= 20",
        ),
        ("stratified (10 classes) / unstratified", ratios["stratified"], "<= 1.2"),
        ("stratified (1000 classes) / unstratified", ratios["stratified_many"], "(info)"),
        (
            "RS2 - static at r = 5%, equal iterations (points)",
            100 * summary["rs2_minus_static"],
            ">= 5",
        ),
        (
            "RS2 - full data, equal iterations (points)",
            100 * summary["rs2_minus_full_equal"],
            ">= -1",
        ),
        (
            "RS2 at 1/4 compute - full 50 epochs (points)",
            100 * summary["quarter_minus_reference"],
            ">= -1",
        ),
    ]
    print("| criterion | measured | target |")
    print("|---|---|---|")
    for name, value, target in checks:
        print(f"| {name} | {value:.4g} | {target} |")


if __name__ == "__main__":
    main()
