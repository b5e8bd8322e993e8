"""Benchmark of the shared index samplers against numpy and torch.

(a) 10^7 iid draws over 10^5 categories: ``AliasTable.sample`` (and its build time separately)
    vs ``numpy.random.Generator.choice(p=...)`` and ``torch.multinomial(replacement=True)`` (CPU).
(b) One round of k = N/100 = 10^5 permutation indices at N = 10^7: ``KeyedPermutation.take_range``
    vs ``Generator.permutation(N)`` and ``torch.randperm(N)``.
(c) Weighted sampling without replacement of k = 10^3 out of 10^6:
    ``weighted_sample_without_replacement`` vs ``Generator.choice(replace=False, p=...)``.

Torch runs with ``torch.set_num_threads(1)`` (our kernels and numpy are single-threaded too).

Run from the repository root: ``python -m benchmarks.bench_sampling`` (set
``SAMPLINGSTATS_BENCH_QUICK=1`` for small sizes).
"""

from __future__ import annotations

import numpy as np

from benchmarks._harness import Comparison, machine_info, quick_mode, render
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
    comp.add(
        "samplingstats AliasTable.sample",
        lambda: table.sample(n_draws, rng=g),
        ours=True,
        tv_distance=_tv_distance(table.sample(n_draws, rng=g), p),
    )
    comp.add(
        "samplingstats AliasTable build + sample", lambda: AliasTable(w).sample(n_draws, rng=g)
    )
    comp.add(
        "numpy Generator.choice(p=...)",
        lambda: g.choice(n_cat, size=n_draws, p=p),
        tv_distance=_tv_distance(g.choice(n_cat, size=n_draws, p=p), p),
    )
    build = Comparison(f"alias table build over {n_cat:.0e} categories", repeats=repeats)
    build.add("samplingstats AliasTable(weights)", lambda: AliasTable(w), ours=True)
    try:
        import torch

        pt = torch.as_tensor(p)
        tg = torch.Generator().manual_seed(0)
        comp.add(
            "torch.multinomial(replacement=True)",
            lambda: torch.multinomial(pt, n_draws, replacement=True, generator=tg),
            tv_distance=_tv_distance(
                torch.multinomial(pt, n_draws, replacement=True, generator=tg).numpy(), p
            ),
        )
        tt = AliasTable(torch.as_tensor(w))
        comp.add(
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
    comp.add(
        "samplingstats KeyedPermutation.take_range",
        one_round,
        ours=True,
        memory=f"{k * 8 / 1e6:.2g} MB",
    )
    g = np.random.default_rng(2)
    comp.add(
        "numpy Generator.permutation(N)",
        lambda: g.permutation(n)[:k],
        memory=f"{n * 8 / 1e6:.3g} MB",
    )
    try:
        import torch

        tg = torch.Generator().manual_seed(0)
        comp.add(
            "torch.randperm(N)",
            lambda: torch.randperm(n, generator=tg)[:k],
            memory=f"{n * 8 / 1e6:.3g} MB",
        )
        pos = torch.arange(k)
        comp.add(
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
    comp.add(
        "samplingstats weighted_sample_without_replacement",
        lambda: weighted_sample_without_replacement(w, k, rng=g),
        ours=True,
    )
    comp.add(
        "numpy Generator.choice(replace=False, p=...)",
        lambda: g.choice(n, size=k, replace=False, p=p),
    )
    return [comp]


def main():
    try:  # single-threaded comparison: numba kernels and numpy run on one thread
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass
    quick = quick_mode()
    repeats = 3 if quick else 5
    if quick:
        comps = bench_alias(10**3, 10**5, repeats) + bench_permutation(10**5, 10**3, repeats)
        comps += bench_wor(10**4, 10**2, repeats)
    else:
        comps = bench_alias(10**5, 10**7, repeats) + bench_permutation(10**7, 10**5, repeats)
        comps += bench_wor(10**6, 10**3, repeats)
    print(f"# samplingstats.sampling benchmarks\n\nMachine: {machine_info()}\n")
    print(render(comps))
    alias, _, perm, _ = comps[0], comps[1], comps[2], comps[3]
    r_choice = alias.ratio("numpy Generator.choice(p=...)")
    r_perm = 1.0 / perm.ratio("numpy Generator.permutation(N)")
    print("## Targets\n")
    if quick:
        print("(quick mode: sizes are far below the targets' 10^7 draws / N = 10^7; not evaluated)")
        return
    print(
        f"- alias draws vs `rng.choice(p=...)`: {r_choice:.2f}x faster (target >= 2x): "
        f"{'met' if r_choice >= 2 else 'NOT met'}"
    )
    print(
        f"- permutation round / `rng.permutation(N)` cost: {r_perm:.4f}x (target <= 0.02x): "
        f"{'met' if r_perm <= 0.02 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
