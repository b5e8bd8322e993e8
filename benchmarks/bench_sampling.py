"""Benchmark of the shared index samplers against numpy and torch.

(a) 10^7 iid draws over 10^5 categories: ``AliasTable.sample`` (and its build time separately)
    vs ``numpy.random.Generator.choice(p=...)`` and ``torch.multinomial(replacement=True)`` (CPU).
(b) One round of k = N/100 = 10^5 permutation indices at N = 10^7: ``KeyedPermutation.take_range``
    vs ``Generator.permutation(N)`` and ``torch.randperm(N)``.
(c) Weighted sampling without replacement of k = 10^3 out of 10^6:
    ``weighted_sample_without_replacement`` vs ``Generator.choice(replace=False, p=...)``.

Every library (numpy, numba and our kernels, torch) is imported first, then ``pin_threads`` pins
BLAS, OpenMP, numba and torch to the same number of threads (default 1) for both sides;
``thread_report()`` is printed with the tables. Every row is the median of >= 5 timed calls after
one warm-up call.

Run from the repository root::

    python -m benchmarks.bench_sampling              # full sizes
    python -m benchmarks.bench_sampling --quick      # small sizes (or SAMPLINGSTATS_BENCH_QUICK=1)
    python -m benchmarks.bench_sampling --threads 2  # every thread pool pinned to 2
"""

from __future__ import annotations

import argparse

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
from samplingstats.sampling import AliasTable, KeyedPermutation, weighted_sample_without_replacement


def _tv_distance(draws, p):
    """Total-variation distance between the empirical distribution of ``draws`` and ``p``."""
    counts = np.bincount(np.asarray(draws), minlength=p.size) / np.asarray(draws).size
    return 0.5 * float(np.abs(counts - p).sum())


def bench_alias(n_cat, n_draws, repeats):
    rng = np.random.default_rng(0)
    w = rng.gamma(0.5, size=n_cat)
    p = w / w.sum()
    table = AliasTable(w)
    comp = Comparison(
        f"iid weighted draws: {n_draws:.0e} draws over {n_cat:.0e} categories", repeats=repeats
    )
    g = np.random.default_rng(1)
    _add(
        comp,
        "samplingstats AliasTable.sample",
        lambda: table.sample(n_draws, rng=g),
        ours=True,
        tv_distance=_tv_distance(table.sample(n_draws, rng=g), p),
    )
    _add(
        comp,
        "samplingstats AliasTable build + sample",
        lambda: AliasTable(w).sample(n_draws, rng=g),
    )
    _add(
        comp,
        "numpy Generator.choice(p=...)",
        lambda: g.choice(n_cat, size=n_draws, p=p),
        tv_distance=_tv_distance(g.choice(n_cat, size=n_draws, p=p), p),
    )
    build = Comparison(f"alias table build over {n_cat:.0e} categories", repeats=repeats)
    _add(build, "samplingstats AliasTable(weights)", lambda: AliasTable(w), ours=True)
    try:
        import torch

        pt = torch.as_tensor(p)
        tg = torch.Generator().manual_seed(0)
        _add(
            comp,
            "torch.multinomial(replacement=True)",
            lambda: torch.multinomial(pt, n_draws, replacement=True, generator=tg),
            tv_distance=_tv_distance(
                torch.multinomial(pt, n_draws, replacement=True, generator=tg).numpy(), p
            ),
        )
        tt = AliasTable(torch.as_tensor(w))
        _add(
            comp,
            "samplingstats AliasTable.sample (torch CPU)",
            lambda: tt.sample(n_draws, rng=g),
            tv_distance=_tv_distance(tt.sample(n_draws, rng=g).numpy(), p),
        )
    except ImportError:  # pragma: no cover
        pass
    return [comp, build]


def bench_permutation(n, k, repeats):
    perm = KeyedPermutation(n, rng=12345)
    state = {"pass": 0}

    def one_round():
        state["pass"] += 1
        return perm.take_range(0, k, pass_index=state["pass"])

    comp = Comparison(
        f"one round of k = {k:.0e} permutation indices at N = {n:.0e}", repeats=repeats
    )
    _add(
        comp,
        "samplingstats KeyedPermutation.take_range",
        one_round,
        ours=True,
        memory=f"{k * 8 / 1e6:.2g} MB",
    )
    g = np.random.default_rng(2)
    _add(
        comp,
        "numpy Generator.permutation(N)",
        lambda: g.permutation(n)[:k],
        memory=f"{n * 8 / 1e6:.3g} MB",
    )
    try:
        import torch

        tg = torch.Generator().manual_seed(0)
        _add(
            comp,
            "torch.randperm(N)",
            lambda: torch.randperm(n, generator=tg)[:k],
            memory=f"{n * 8 / 1e6:.3g} MB",
        )
        pos = torch.arange(k)
        _add(
            comp,
            "samplingstats KeyedPermutation.take (torch CPU)",
            lambda: perm.take(pos, pass_index=1),
            memory=f"{k * 8 / 1e6:.2g} MB",
        )
    except ImportError:  # pragma: no cover
        pass
    return [comp]


def bench_wor(n, k, repeats):
    rng = np.random.default_rng(3)
    w = rng.gamma(0.5, size=n)
    p = w / w.sum()
    comp = Comparison(
        f"weighted sampling without replacement: k = {k:.0e} of n = {n:.0e}", repeats=repeats
    )
    g = np.random.default_rng(4)
    _add(
        comp,
        "samplingstats weighted_sample_without_replacement",
        lambda: weighted_sample_without_replacement(w, k, rng=g),
        ours=True,
    )
    _add(
        comp,
        "numpy Generator.choice(replace=False, p=...)",
        lambda: g.choice(n, size=k, replace=False, p=p),
    )
    return [comp]


def bench_weighted_sampler(n, repeats):
    """One epoch of the torch samplers: ``WeightedSampler`` vs ``WeightedRandomSampler``."""
    import torch
    from torch.utils.data import WeightedRandomSampler

    from samplingstats.subsample import WeightedSampler

    w = np.random.default_rng(5).gamma(0.5, size=n)
    wt = torch.as_tensor(w)
    tg = torch.Generator().manual_seed(0)
    ours = WeightedSampler(w, n, rng=0)
    theirs = WeightedRandomSampler(wt, n, generator=tg)
    comp = Comparison(
        f"torch sampler, with replacement: one epoch of N = {n:.0e} draws over N categories",
        repeats=repeats,
    )
    _add(
        comp,
        "samplingstats WeightedSampler, list(iter()) (one epoch)",
        lambda: list(ours),
        ours=True,
    )
    _add(comp, "torch WeightedRandomSampler, list(iter()) (one epoch)", lambda: list(theirs))
    _add(
        comp, "samplingstats WeightedSampler.indices() (int64 array, no Python ints)", ours.indices
    )
    k = n // 10
    ours_wor = WeightedSampler(w, k, replacement=False, rng=0)
    theirs_wor = WeightedRandomSampler(wt, k, replacement=False, generator=tg)
    wor = Comparison(
        f"torch sampler, without replacement: one epoch of k = {k:.0e} of N = {n:.0e}",
        repeats=repeats,
    )
    _add(
        wor,
        "samplingstats WeightedSampler(replacement=False), list(iter())",
        lambda: list(ours_wor),
        ours=True,
    )
    _add(
        wor,
        "torch WeightedRandomSampler(replacement=False), list(iter())",
        lambda: list(theirs_wor),
    )
    return [comp, wor]


def _parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_sampling", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    p.add_argument("--threads", type=int, default=1, help="threads for every pool (default 1)")
    p.add_argument(
        "--cases",
        default="all",
        choices=["all", "core", "weighted"],
        help="'core': alias, permutation, without replacement; 'weighted': the torch samplers",
    )
    return p.parse_args(argv)


def parallel_kernel_report() -> str:
    """Which numba kernels behind samplingstats.sampling / subsample run with parallel=True.

    Issue 15 asks every parallel kernel to be >= 1.5x faster on 2 threads than on 1, or serial.
    """
    import importlib

    from samplingstats._kernels._jit import LazyKernel

    par, ser = [], []
    for mod in ("_alias", "_permutation", "_subsample"):
        m = importlib.import_module(f"samplingstats._kernels.{mod}")
        for name, obj in sorted(vars(m).items()):
            if isinstance(obj, LazyKernel):
                (par if obj.options.get("parallel") else ser).append(f"{mod}.{name}")
    if not par:
        return (
            f"Parallel kernels: none; all {len(ser)} kernels of sampling/subsample are serial "
            f"(numba parallel=False): {', '.join(ser)}."
        )
    return f"Parallel kernels: {', '.join(par)}; serial: {', '.join(ser)}."


def main(argv=None):
    args = _parse(argv)
    quick = args.quick or quick_mode()
    # every library of the comparison is imported before the thread pools are pinned
    import numba  # noqa: F401
    import scipy.linalg  # noqa: F401  (scipy's OpenBLAS, loaded by input validation otherwise)

    from samplingstats._kernels import _alias, _permutation  # noqa: F401

    try:
        import torch  # noqa: F401
        import torch.utils.data  # noqa: F401

        import samplingstats.subsample._torch_sampler  # noqa: F401
    except ImportError:  # pragma: no cover
        pass
    _limits = pin_threads(args.threads)  # noqa: F841  (keep the limit alive)
    repeats = 5
    print(f"# samplingstats.sampling benchmarks\n\nMachine: {machine_info()}\n")
    print(f"Threads: {thread_report()}\n", flush=True)
    print(f"{parallel_kernel_report()}\n", flush=True)
    weighted = []
    if args.cases in ("all", "weighted"):
        import torch.utils.data  # noqa: F401

        for n in [10**4, 10**5] if quick else [10**6, 10**7]:
            weighted += [_cpu_ratios(c) for c in bench_weighted_sampler(n, repeats)]
            print(render(weighted[-2:]), flush=True)
        for c in weighted:
            name = next(r.name for r in c.rows if r.name.startswith("torch"))
            print(
                f"- {c.title}: WeightedRandomSampler / WeightedSampler = {c.ratio(name):.2f}x "
                f"per epoch (wall clock), {_cpu_ratio(c, name):.2f}x (CPU time)"
            )
        print(f"\nThreads after timing: {thread_report()}\n")
    if args.cases == "weighted":
        return
    if quick:
        comps = bench_alias(10**3, 10**5, repeats) + bench_permutation(10**5, 10**3, repeats)
        comps += bench_wor(10**4, 10**2, repeats)
    else:
        comps = bench_alias(10**5, 10**7, repeats) + bench_permutation(10**7, 10**5, repeats)
        comps += bench_wor(10**6, 10**3, repeats)
    print(render([_cpu_ratios(c) for c in comps]))
    print(f"Threads after timing: {thread_report()}\n")
    alias, _, perm, _ = comps[0], comps[1], comps[2], comps[3]
    r_choice = alias.ratio("numpy Generator.choice(p=...)")
    r_perm = 1.0 / perm.ratio("numpy Generator.permutation(N)")
    c_choice = _cpu_ratio(alias, "numpy Generator.choice(p=...)")
    c_perm = 1.0 / _cpu_ratio(perm, "numpy Generator.permutation(N)")
    print("## Targets\n")
    if quick:
        print("(quick mode: sizes are far below the targets' 10^7 draws / N = 10^7; not evaluated)")
        return
    print(
        f"- alias draws vs `rng.choice(p=...)`: {r_choice:.2f}x faster, {c_choice:.2f}x in CPU "
        "time (target >= 2x): "
        f"{'met' if min(r_choice, c_choice) >= 2 else 'NOT met'}"
    )
    print(
        f"- permutation round / `rng.permutation(N)` cost: {r_perm:.4f}x, {c_perm:.4f}x in CPU "
        "time (target <= 0.02x): "
        f"{'met' if max(r_perm, c_perm) <= 0.02 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
