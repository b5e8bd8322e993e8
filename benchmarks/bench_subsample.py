"""RS2 benchmarks: one round's indices vs numpy / torch peers (like for like), and time-to-accuracy
on scikit-learn's digits.

Run from the repository root::

    python -m benchmarks.bench_subsample              # N = 10^7 (a few minutes on 2 cores)
    python -m benchmarks.bench_subsample --quick      # N = 10^5 (or SAMPLINGSTATS_BENCH_QUICK=1)
    python -m benchmarks.bench_subsample --threads 2  # every thread pool pinned to 2 (default 1)

Every library (numpy, numba and our kernels, torch) is imported first, then ``pin_threads`` pins
BLAS, OpenMP, numba and torch to the same number of threads for both sides; ``thread_report()`` is
printed with the tables. Every row is the median of >= 5 timed calls after one warm-up call.

Like for like. Table 1 times one whole round (k = r N indices) in one process, every row ending in
an int64 array: ``RS2Schedule.round_indices`` vs ``Generator.choice(N, k, replace=False)``,
``Generator.permutation(N)[:k]``, ``torch.randperm(N)[:k]`` and torch's ``RandomSampler(num_samples=k)``
drained into an array. Table 2 is the same at the sampler level (Python ints, as a DataLoader
consumes them): ``list(RS2Sampler)`` vs ``list(RandomSampler(num_samples=k))``. Table 3 is one rank's
share of a round with W = 8 ranks: ``RS2Schedule.indices`` vs each peer drawing the round with a
shared seed and keeping its slice (the communication-free way to shard a peer).

What RS2 adds over ``choice``, which draws one k-subset about as fast: consecutive rounds do not
overlap (each pass over the data uses every example once: random reshuffling, where independent
``choice`` rounds cover only 1 - (1 - r)^X of the data after X rounds), stratified rounds, O(k / W)
memory per rank with no O(N) buffer, random access to any round, and an exact resume from
``(seed, round, position)``.

Targets (docs/benchmarks/subsample.md): at N = 10^7, r = 1%, one round costs <= 0.02x numpy
``permutation(N)``; stratified <= 1.2x unstratified; on digits RS2 at r = 5% beats a static random 5%
subset by >= 5 points at equal iterations, and reaches full-data accuracy (within 1 point) with
<= 1/4 of the iterations of 50 full epochs.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from benchmarks._harness import (
    Comparison,
    machine_info,
    pin_threads,
    quick_mode,
    render,
    thread_report,
)
from benchmarks._harness import add_with_cpu as _add
from benchmarks._harness import cpu_ratio as _cpu_ratio
from benchmarks._harness import cpu_ratios as _cpu_ratios

REPEATS = 7


def _both(comp, name):
    """(wall-clock ratio, CPU-time ratio) of the row ``name`` against ours."""
    return comp.ratio(name), _cpu_ratio(comp, name)


class _Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def index_generation(N, ratio=0.01, W=8, rank=3, n_classes=10, repeats=REPEATS):
    """Three tables: a whole round (arrays), the samplers (Python ints), one rank's share."""
    import torch
    from torch.utils.data import RandomSampler

    from samplingstats.subsample import RS2Sampler, RS2Schedule

    k = round(ratio * N)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, n_classes, size=N)
    labels_many = rng.integers(0, 1000, size=N)
    one = RS2Schedule(N, ratio, rng=1)
    strat = RS2Schedule(N, ratio, labels=labels, rng=1)
    strat_many = RS2Schedule(N, ratio, labels=labels_many, rng=1)
    del labels_many
    wr = RS2Schedule(N, ratio, replacement=True, rng=1)
    # a ratio whose k does not divide N: a round straddling a pass boundary computes a head (O(k))
    r_odd = 0.0137
    t_boundary = N // round(r_odd * N)

    def boundary_round():
        return RS2Schedule(N, r_odd, rng=2).round_indices(t_boundary)  # fresh: head not cached

    counters = [itertools.count() for _ in range(6)]
    ds = _Sized(N)
    tg = torch.Generator().manual_seed(0)
    g = np.random.default_rng(3)

    def random_sampler_array():
        it = iter(RandomSampler(ds, num_samples=k, generator=tg))
        return np.fromiter(it, dtype=np.int64, count=k)

    whole = Comparison(
        f"1. one whole round as an int64 array: N = {N:.0e}, r = {ratio:g} (k = {k}), one process",
        repeats=repeats,
    )
    _add(
        whole,
        "RS2Schedule.round_indices (without replacement)",
        lambda: one.round_indices(next(counters[0])),
        ours=True,
        memory="O(k)",
    )
    _add(
        whole,
        f"RS2Schedule.round_indices, stratified ({n_classes} classes)",
        lambda: strat.round_indices(next(counters[1])),
        memory="O(k) + 8N B labels",
    )
    _add(
        whole,
        "RS2Schedule.round_indices, stratified (1000 classes)",
        lambda: strat_many.round_indices(next(counters[2])),
        memory="O(k) + 8N B labels",
    )
    _add(
        whole,
        "RS2Schedule.round_indices, with replacement",
        lambda: wr.round_indices(next(counters[3])),
        memory="O(k)",
    )
    _add(
        whole,
        f"RS2 round at a pass boundary (r = {r_odd}, fresh object, head O(k))",
        boundary_round,
        memory="O(k)",
    )
    _add(
        whole,
        "numpy Generator.choice(N, k, replace=False)",
        lambda: g.choice(N, k, replace=False),
        memory="O(k)",
    )
    _add(whole, "numpy Generator.permutation(N)[:k]", lambda: g.permutation(N)[:k], memory="O(N)")
    _add(
        whole,
        "torch.randperm(N)[:k] (as a tensor)",
        lambda: torch.randperm(N, generator=tg)[:k],
        memory="O(N)",
    )
    _add(
        whole,
        "torch RandomSampler(num_samples=k) drained into an array",
        random_sampler_array,
        memory="O(N)",
    )

    sampler = RS2Sampler(N, ratio, rng=1)
    samplers = Comparison(
        f"2. samplers as a DataLoader reads them (Python ints), k = {k} per round",
        repeats=repeats,
    )
    _add(samplers, "list(RS2Sampler) (one round)", lambda: list(sampler), ours=True)
    _add(
        samplers,
        "list(RandomSampler(num_samples=k))",
        lambda: list(RandomSampler(ds, num_samples=k, generator=tg)),
    )

    plain = RS2Schedule(N, ratio, rng=1, num_replicas=W, rank=rank)
    share = Comparison(
        f"3. one rank's share of a round: rank {rank} of W = {W} ({plain.shard_size} indices)",
        repeats=repeats,
    )
    _add(
        share,
        "RS2Schedule.indices (rank's slots only)",
        lambda: plain.indices(next(counters[4])),
        ours=True,
        memory="O(k / W)",
    )

    def choice_share():
        t = next(counters[5])
        return np.random.default_rng([1, t]).choice(N, k, replace=False)[rank::W]

    _add(
        share,
        "numpy choice(N, k, replace=False) with a shared per-round seed, [rank::W]",
        choice_share,
        memory="O(k)",
    )
    _add(
        share,
        "torch.randperm(N)[:k][rank::W] (shared seed)",
        lambda: torch.randperm(N, generator=tg)[:k][rank::W],
        memory="O(N)",
    )
    for c in (whole, samplers, share):
        _cpu_ratios(c)
    return [whole, samplers, share], {
        "permutation": _both(whole, "numpy Generator.permutation(N)[:k]"),
        "choice": _both(whole, "numpy Generator.choice(N, k, replace=False)"),
        "randperm": _both(whole, "torch.randperm(N)[:k] (as a tensor)"),
        "random_sampler": _both(whole, "torch RandomSampler(num_samples=k) drained into an array"),
        "sampler_lists": _both(samplers, "list(RandomSampler(num_samples=k))"),
        "share_choice": _both(
            share, "numpy choice(N, k, replace=False) with a shared per-round seed, [rank::W]"
        ),
        "stratified": _both(whole, f"RS2Schedule.round_indices, stratified ({n_classes} classes)"),
        "stratified_many": _both(whole, "RS2Schedule.round_indices, stratified (1000 classes)"),
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
    seeds = (0,) if quick else (0, 1, 2)  # quick: a smoke test of every row, not a measurement
    epochs = 4 if quick else 50
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


def _parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_subsample", description=__doc__)
    p.add_argument("--quick", action="store_true", help="N = 10^5 and short trainings (seconds)")
    p.add_argument("--threads", type=int, default=1, help="threads for every pool (default 1)")
    p.add_argument(
        "--skip-training", action="store_true", help="index generation only (no digits runs)"
    )
    return p.parse_args(argv)


def main(argv=None):
    args = _parse(argv)
    quick = args.quick or quick_mode()
    # every library of the comparison is imported before the thread pools are pinned
    import numba  # noqa: F401
    import scipy.linalg  # noqa: F401  (scipy's OpenBLAS: loaded by the label checks otherwise)
    import sklearn.datasets  # noqa: F401  (the digits runs)
    import torch  # noqa: F401
    import torch.utils.data  # noqa: F401

    import samplingstats.subsample._torch_sampler  # noqa: F401
    from samplingstats._kernels import _subsample  # noqa: F401

    _limits = pin_threads(args.threads)  # noqa: F841  (keep the limit alive)
    N = 10**5 if quick else 10**7
    print(f"machine: {machine_info()}\n")
    print(f"threads: {thread_report()}\n")
    comps, ratios = index_generation(N, repeats=5 if quick else REPEATS)
    print(render(comps))
    print(f"threads after timing: {thread_report()}\n")
    inv = tuple(1 / x for x in ratios["permutation"])
    checks = [
        ("one round <= 0.02x numpy permutation(N)[:k]", inv, "<= 0.02"),
        ("numpy choice(N, k, replace=False) / RS2 round", ratios["choice"], "(info)"),
        ("torch.randperm(N)[:k] / RS2 round", ratios["randperm"], "(info)"),
        ("RandomSampler drained to an array / RS2 round", ratios["random_sampler"], "(info)"),
        ("list(RandomSampler) / list(RS2Sampler)", ratios["sampler_lists"], "(info)"),
        ("one rank: choice + slice / RS2 share", ratios["share_choice"], "(info)"),
        ("stratified (10 classes) / unstratified", ratios["stratified"], "<= 1.2"),
        ("stratified (1000 classes) / unstratified", ratios["stratified_many"], "(info)"),
    ]
    if not args.skip_training:
        table, summary = time_to_accuracy(quick)
        print(table)
        checks += [
            (
                "RS2 - static at r = 5%, equal iterations (points)",
                (100 * summary["rs2_minus_static"],) * 2,
                ">= 5",
            ),
            (
                "RS2 - full data, equal iterations (points)",
                (100 * summary["rs2_minus_full_equal"],) * 2,
                ">= -1",
            ),
            (
                "RS2 at 1/4 compute - full 50 epochs (points)",
                (100 * summary["quarter_minus_reference"],) * 2,
                ">= -1",
            ),
        ]
    print("\n### done-when checks\n")
    if quick:
        print("(quick mode: N = 10^5 and short trainings; the targets are stated for N = 10^7)\n")
    print("| criterion | measured (wall clock) | measured (CPU time) | target |")
    print("|---|---|---|---|")
    for name, (wall, cpu), target in checks:
        print(f"| {name} | {wall:.4g} | {cpu:.4g} | {target} |")


if __name__ == "__main__":
    main()
