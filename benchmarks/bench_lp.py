"""Benchmark samplingstats.lp against full-data lp regression solvers, in the same run.

Run from the repository root::

    python -m benchmarks.bench_lp            # n = 1e5, d = 20 (several minutes: cvxpy is slow)
    python -m benchmarks.bench_lp large      # only the n = 1e6, d = 50, p = 1.5 case vs full IRLS
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks.bench_lp   # small sizes

Cases
-----
1. Heavy-tailed lp regression (t(2) entries, b = A x* + 2 Laplace), p in {1, 1.5, 3}:
   ``LpRegressor(p, n_samples=40 d)`` (Lewis-weight sampling of [A 1 b], then the small solve)
   versus the full problem solved by cvxpy + Clarabel, scipy HiGHS (p = 1: our dual LP and the
   textbook primal LP), scikit-learn ``QuantileRegressor`` (p = 1) and our full IRLS (p > 1).
   Quality: full-data cost ``||Ax - b||_p^p`` divided by the best full solve (OPT), median and
   worst over 10 sampling seeds.
2. Leverage scores at n = 2e5, d = 50: CountSketch + JL sketch versus Gram + Cholesky and QR,
   timed in interleaved rounds (median of 11).

The slow peers (cvxpy, QuantileRegressor, primal HiGHS) are timed once (no warm-up) to keep the
run short; everything else takes the median of 5 timed repeats after a warm-up. The primal LP and
QuantileRegressor use HiGHS's interior-point method: its default (dual simplex) scales
quadratically here (35 s at n = 2e4, so about 15 minutes at n = 1e5).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np

from benchmarks._harness import Comparison, machine_info, quick_mode, render


def _data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_t(2, size=(n, d))
    b = A @ rng.standard_normal(d) + 2.0 * rng.laplace(size=n)
    return A, b


def _cost(A, b, x, p):
    return float(np.sum(np.abs(A @ x - b) ** p))


def _with_ones(A):
    return np.hstack([A, np.ones((A.shape[0], 1))])


def _add_once(comp, name, fn, **extra):
    """Time a slow peer once, without warm-up."""
    saved = comp.repeats, comp.warmup
    comp.repeats, comp.warmup = 1, 0
    try:
        comp.add(name, fn, **extra)
    finally:
        comp.repeats, comp.warmup = saved


def regression_case(p, n, d, n_seeds, *, slow_peers=True):
    import cvxpy as cp
    from sklearn.linear_model import QuantileRegressor

    from samplingstats.lp import LpRegressor
    from samplingstats.lp._solvers import solve_irls, solve_lp

    A, b = _data(n, d)
    A1 = _with_ones(A)
    m = 40 * (d + 1)
    comp = Comparison(
        f"lp regression, p = {p}: n = {n}, d = {d} (+ intercept), t(2) design, Laplace noise; "
        f"ours keeps ~{m} rows"
    )
    results = {}

    def full_cvxpy():
        x = cp.Variable(d + 1)
        r = A1 @ x - b
        prob = cp.Problem(cp.Minimize(cp.norm1(r) if p == 1 else cp.pnorm(r, p)))
        prob.solve(solver="CLARABEL")
        results["cvxpy"] = np.asarray(x.value)

    def full_ours():
        results["full"] = solve_lp(A1, b, p, "auto")[0]

    def full_irls():
        results["irls"] = solve_irls(A1, b, p)[0]

    est_seed = iter(range(10_000))

    def sampled():
        LpRegressor(p=p, n_samples=m, random_state=next(est_seed)).fit(A, b)

    # reference solves first (their costs define OPT)
    t0 = time.perf_counter()
    full_ours()
    t_full = time.perf_counter() - t0
    costs = {"full": _cost(A1, b, results["full"], p)}
    if slow_peers:
        t0 = time.perf_counter()
        full_cvxpy()
        t_cvx = time.perf_counter() - t0
        costs["cvxpy"] = _cost(A1, b, results["cvxpy"], p)
    opt = min(costs.values())

    # quality of the sampled solve over seeds
    ratios = []
    for s in range(n_seeds):
        est = LpRegressor(p=p, n_samples=m, random_state=1000 + s).fit(A, b)
        ratios.append(_cost(A1, b, np.r_[est.coef_, est.intercept_], p) / opt)
    comp.add(
        "samplingstats LpRegressor(n_samples=40(d+1)), Lewis",
        sampled,
        ours=True,
        cost_ratio_median=statistics.median(ratios),
        cost_ratio_worst=max(ratios),
        rows_used=f"~{m}",
    )
    if slow_peers:
        comp.rows.append(
            _timed_row(
                "cvxpy + Clarabel, full data (timed once)",
                t_cvx,
                cost_ratio_median=costs["cvxpy"] / opt,
                cost_ratio_worst=costs["cvxpy"] / opt,
                rows_used=n,
            )
        )
    if p == 1:
        comp.rows.append(
            _timed_row(
                "scipy HiGHS, full data, dual LP (= lp_regression n_samples=None; timed once)",
                t_full,
                cost_ratio_median=costs["full"] / opt,
                cost_ratio_worst=costs["full"] / opt,
                rows_used=n,
            )
        )
        if slow_peers:
            from scipy import sparse
            from scipy.optimize import linprog

            def primal():
                eye = sparse.eye(n, format="csr")
                A_eq = sparse.hstack([sparse.csr_matrix(A1), eye, -eye], format="csr")
                c = np.r_[np.zeros(d + 1), np.ones(2 * n)]
                bounds = [(None, None)] * (d + 1) + [(0, None)] * (2 * n)
                res = linprog(c, A_eq=A_eq, b_eq=b, bounds=bounds, method="highs-ipm")
                results["primal"] = res.x[: d + 1]

            _add_once(comp, "scipy linprog HiGHS-IPM, full data, primal LP (timed once)", primal)
            c = _cost(A1, b, results["primal"], p) / opt
            comp.rows[-1].extra.update(cost_ratio_median=c, cost_ratio_worst=c, rows_used=n)

            def quantile():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    q = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs-ipm").fit(A, b)
                results["quantile"] = np.r_[q.coef_, q.intercept_]

            _add_once(
                comp, "sklearn QuantileRegressor(alpha=0, highs-ipm), full (timed once)", quantile
            )
            c = _cost(A1, b, results["quantile"], p) / opt
            comp.rows[-1].extra.update(cost_ratio_median=c, cost_ratio_worst=c, rows_used=n)
    else:
        comp.add("samplingstats full IRLS (lp_regression n_samples=None)", full_irls)
        c = _cost(A1, b, results["irls"], p) / opt
        comp.rows[-1].extra.update(cost_ratio_median=c, cost_ratio_worst=c, rows_used=n)
    return comp


def _timed_row(name, seconds, **extra):
    from benchmarks._harness import Timing, _Row

    return _Row(name, Timing([seconds]), False, extra)  # the harness has no public row API


def leverage_case(n, d, rounds=11):
    """Interleaved timing: each round times every method once, so that all of them see the same
    machine load (the shared runner's load swings would otherwise dominate the ratios)."""
    from benchmarks._harness import Timing, _Row
    from samplingstats.lp import leverage_scores

    rng = np.random.default_rng(1)
    A = rng.standard_t(3, size=(n, d))
    exact = leverage_scores(A, method="qr")
    approx = leverage_scores(A, method="sketch", rng=2)
    ratio = approx / exact
    methods = [
        ("samplingstats sketch (CountSketch s=20d + JL r=16)", "sketch", True),
        ("Gram + Cholesky (leverage_scores method='cholesky')", "cholesky", False),
        ("numpy thin QR (leverage_scores method='qr')", "qr", False),
    ]
    times = {m: [] for _, m, _ in methods}
    for _, m, _ in methods:  # warm-up (numba compilation, caches)
        leverage_scores(A, method=m, rng=0)
    for r in range(rounds):
        for _, m, _ in methods:
            t0 = time.perf_counter()
            leverage_scores(A, method=m, rng=r)
            times[m].append(time.perf_counter() - t0)
    comp = Comparison(f"leverage scores: n = {n}, d = {d} (interleaved rounds)", repeats=rounds)
    for name, m, ours in methods:
        t = Timing(times[m])
        extra = {"best": f"{t.best * 1e3:.1f} ms"}
        if m == "sketch":
            extra.update(
                ratio_to_exact_p01=float(np.quantile(ratio, 0.01)),
                ratio_to_exact_p50=float(np.quantile(ratio, 0.5)),
                ratio_to_exact_p99=float(np.quantile(ratio, 0.99)),
            )
        comp.rows.append(_Row(name, t, ours, extra))
    return comp


def large_case(n, d, p=1.5, n_seeds=3):
    """The note's large case: sampled solve vs our full IRLS (cvxpy is out of reach here)."""
    from samplingstats.lp import LpRegressor
    from samplingstats.lp._solvers import solve_irls

    A, b = _data(n, d, seed=3)
    A1 = _with_ones(A)
    m = 40 * (d + 1)
    x_full = solve_irls(A1, b, p)[0]
    opt = _cost(A1, b, x_full, p)
    ratios = []
    for s in range(n_seeds):
        est = LpRegressor(p=p, n_samples=m, random_state=2000 + s).fit(A, b)
        ratios.append(_cost(A1, b, np.r_[est.coef_, est.intercept_], p) / opt)
    comp = Comparison(
        f"lp regression, p = {p}: n = {n}, d = {d} (+ intercept); ours keeps ~{m} rows",
        repeats=3,
    )
    seeds = iter(range(10_000))
    comp.add(
        "samplingstats LpRegressor(n_samples=40(d+1)), Lewis (sketched)",
        lambda: LpRegressor(p=p, n_samples=m, random_state=next(seeds)).fit(A, b),
        ours=True,
        cost_ratio_median=statistics.median(ratios),
        cost_ratio_worst=max(ratios),
    )
    comp.add(
        "samplingstats full IRLS (lp_regression n_samples=None)",
        lambda: solve_irls(A1, b, p),
        cost_ratio_median=1.0,
        cost_ratio_worst=1.0,
    )
    return comp


def main(argv=None):
    quick = quick_mode()
    n, d = (4000, 5) if quick else (100_000, 20)
    n_seeds = 3 if quick else 10
    comps = []
    t0 = time.perf_counter()
    only = set(argv or [])
    if not only or "leverage" in only:
        comps.append(leverage_case(*((20_000, 10) if quick else (200_000, 50))))
        print(render(comps[-1:]), flush=True)
    for p in (1.0, 1.5, 3.0):
        if only and f"p{p:g}" not in only and "regression" not in only:
            continue
        comps.append(regression_case(p, n, d, n_seeds))
        print(render(comps[-1:]), flush=True)
    if "large" in only:
        comps.append(large_case(*((50_000, 10) if quick else (1_000_000, 50))))
        print(render(comps[-1:]), flush=True)
    print(f"\nMachine: {machine_info()}")
    print(f"Total wall time: {time.perf_counter() - t0:.0f} s")
    return comps


if __name__ == "__main__":
    main(sys.argv[1:])
