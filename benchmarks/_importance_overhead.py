"""Own time of the default ``sobol_indices`` against the budget, next to scipy's (issue 14).

The issue's target: the estimator's own time (outside the model) below 1 s per 10^5 model
evaluations. For each benchmark case and budget ``(d + 2) 2^k`` this runs the default
``sobol_indices`` and ``scipy.stats.sobol_indices`` on the same budget in the same process,
every thread pool pinned to one thread after all imports, one warm-up then ``runs`` timed runs
each (interleaved: ours, scipy, ours, ...), and reports the median CPU time outside the model
(process time minus the process time spent inside the model function) per run and per 10^5
evaluations. The model functions are the benchmark's numpy ones (microseconds per thousand
points), so the figures are the estimators' own cost.

Usage (repository root)::

    export NUMBA_CACHE_DIR=$PWD/.numba_cache
    .venv/bin/python -m benchmarks._importance_overhead                 # k = 10, 12, 14, 16
    .venv/bin/python -m benchmarks._importance_overhead --k 10,12 --runs 5 --cases ishigami,G
    .venv/bin/python -m benchmarks._importance_overhead --cases "" --expectations 20000

A second table does the same for the default ``multiple_expectations`` on the cantilever beam
(``E[D]`` and ``E[D^2]`` under one law; ``E[D]`` under the benchmark's 100 laws).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from scipy import stats

from benchmarks._harness import machine_info, pin_threads, thread_report
from benchmarks._importance_coverage import _sobol_case
from samplingstats._table import format_table
from samplingstats.importance import _testfunctions as tf
from samplingstats.importance import multiple_expectations, sobol_indices

CASES = ("ishigami", "G", "borehole", "beam", "lognormal", "threshold")


class _Timed:
    """The model, with the process time spent inside it."""

    def __init__(self, func):
        self.func, self.cpu = func, 0.0

    def __call__(self, x):
        c0 = time.process_time()
        y = self.func(x)
        self.cpu += time.process_time() - c0
        return y


def _ours(func, dists, budget, seed):
    timed = _Timed(func)
    c0 = time.process_time()
    res = sobol_indices(timed, dists, budget=budget, rng=seed)
    return time.process_time() - c0 - timed.cpu, res.n_evaluations, res.design


def _scipy(func, dists, budget, seed):
    d = len(dists)
    n = 1 << int(np.log2(budget // (d + 2)))
    timed = _Timed(lambda x: func(x.T))
    c0 = time.process_time()
    stats.sobol_indices(func=timed, n=n, dists=dists, rng=seed)
    return time.process_time() - c0 - timed.cpu, n * (d + 2), "-"


def sweep(cases, ks, runs):
    rows = []
    for case in cases:
        func, dists, _, _ = _sobol_case(case)
        d = len(dists)
        for k in ks:
            budget = (d + 2) * 2**k
            _ours(func, dists, budget, 0)  # warm-up (numba, caches)
            _scipy(func, dists, budget, 0)
            own, peer, designs = [], [], set()
            for r in range(runs):
                t, n_ours, design = _ours(func, dists, budget, [5, k, r])
                own.append(t)
                designs.add(design)
                t, n_peer, _ = _scipy(func, dists, budget, [5, k, r])
                peer.append(t)
            mo, mp = float(np.median(own)), float(np.median(peer))
            rows.append(
                [
                    case,
                    str(k),
                    str(n_ours),
                    f"{mo:.3f} s",
                    f"{mo / n_ours * 1e5:.2f} s",
                    "yes" if mo / n_ours * 1e5 < 1.0 else "no",
                    f"{mp:.3f} s",
                    f"{mp / n_peer * 1e5:.3f} s",
                    ", ".join(sorted(designs)),
                ]
            )
            print(" | ".join(rows[-1]), flush=True)
    heads = [
        "case",
        "k",
        "evaluations",
        "ours: CPU outside the model (median)",
        "ours per 10^5 evaluations",
        "< 1 s per 10^5",
        "scipy.stats.sobol_indices (median)",
        "scipy per 10^5",
        "our design",
    ]
    title = f"own time of sobol_indices (default) and scipy, median of {runs} runs after a warm-up"
    return format_table(heads, rows, title=title)


def _beam_laws(L, seed=3):
    """The benchmark's 100-law family: the widest law first (scale 1.2), then random scales in
    [0.8, 1.2] and shifts in [-0.1, 0.1] (``bench_importance.many_laws_case``)."""
    g = np.random.default_rng(seed)
    scales = np.concatenate([[1.2], g.uniform(0.8, 1.2, L - 1)])
    shifts = np.concatenate([[0.0], g.uniform(-0.1, 0.1, L - 1)])
    return [tf.cantilever_dists(s, h) for s, h in zip(scales, shifts)]


def expectations_sweep(budgets, runs):
    """Own CPU time of the default ``multiple_expectations`` (no peer computes these)."""

    def beam2(x):
        y = tf.cantilever_beam(x)
        return np.column_stack([y, y * y])

    cases = [
        ("beam E[D], E[D^2], one law", beam2, tf.cantilever_dists()),
        ("beam E[D] under 100 laws", tf.cantilever_beam, _beam_laws(100)),
    ]
    rows = []
    for name, func, dists in cases:
        for budget in budgets:

            def run(seed, func=func, dists=dists, budget=budget):
                timed = _Timed(func)
                c0 = time.process_time()
                res = multiple_expectations(timed, dists, budget=budget, rng=seed)
                return time.process_time() - c0 - timed.cpu, res.method

            run(0)
            own, methods = [], set()
            for r in range(runs):
                t, m = run([6, budget, r])
                own.append(t)
                methods.add(m)
            mo = float(np.median(own))
            rows.append(
                [
                    name,
                    str(budget),
                    f"{mo:.3f} s",
                    f"{mo / budget * 1e5:.2f} s",
                    "yes" if mo / budget * 1e5 < 1.0 else "no",
                    ", ".join(sorted(methods)),
                ]
            )
            print(" | ".join(rows[-1]), flush=True)
    heads = [
        "case",
        "evaluations",
        "CPU outside the model (median)",
        "per 10^5 evaluations",
        "< 1 s per 10^5",
        "method chosen",
    ]
    title = f"own time of multiple_expectations (default), median of {runs} runs after a warm-up"
    return format_table(heads, rows, title=title)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", default="10,12,14,16")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument(
        "--expectations",
        default="8192,20000,32768,131072",
        help="budgets of the multiple_expectations part ('' to skip it)",
    )
    a = ap.parse_args(argv)
    pin_threads(1)
    print(machine_info())
    print(thread_report())
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    text = sweep(a.cases.split(","), [int(v) for v in a.k.split(",")], a.runs) if a.cases else ""
    if a.expectations:
        budgets = [int(v) for v in a.expectations.split(",")]
        text += "\n\n" + expectations_sweep(budgets, a.runs)
    print()
    print(text)
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
