"""Benchmark samplingstats.lp against full-data lp regression solvers, in the same run.

Run from the repository root::

    python -m benchmarks.bench_lp                  # leverage, p = 1, 1.5, 3, threads, auto
    python -m benchmarks.bench_lp --quick          # every default case, tiny, 1 repeat (smoke test)
    python -m benchmarks.bench_lp auto             # "auto" vs full: p in {1, 1.5, 3} x n in {1e4, 1e5, 1e6}
    python -m benchmarks.bench_lp auto --n 1e4,1e5 # only those n (auto-large = auto --n 1e6)
    python -m benchmarks.bench_lp auto --full-cap 120  # stop a full solve at n = 1e6 after 120 s
    python -m benchmarks.bench_lp memory           # float32 leverage_scores peak memory, 1e6 x 40
    python -m benchmarks.bench_lp large            # n = 1e6, d = 50, p = 1.5 case vs full IRLS
    python -m benchmarks.bench_lp threads          # 1 vs 2 threads of the sketched paths
    python -m benchmarks.bench_lp --threads 2 ...  # pin every pool to 2 threads (default 1)

Every thread pool (BLAS and OpenMP through threadpoolctl, numba) is pinned with
``benchmarks._harness.pin_threads`` *after* every library of the run (ours and the peers) is
imported, and ``thread_report()`` is printed with each table.

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
3. Threads: every numba kernel of samplingstats.lp and the sketched Lewis weights at
   n = 2e5, d = 50, sketched leverage scores at n = 1e6, d = 50, with every pool pinned to 1 and
   to 2 threads (interleaved rounds); each kernel's ``parallel`` option is printed.
4. ``n_samples="auto"`` against the full solve it approximates, p in {1, 1.5, 3},
   n in {1e4, 1e5, 1e6}, d = 20 plus the intercept, interleaved in one process (medians of 5
   after a warm-up). At n = 1e6 the full solve's first call runs in a forked child and is
   stopped after ``--full-cap`` seconds (default 120; the HiGHS LP at p = 1 needs more than
   6 minutes there), which makes that row a lower bound.

The slow peers (cvxpy, QuantileRegressor, primal HiGHS) are timed once (no warm-up) to keep the
run short, and so is a full solve whose warm-up call took more than 20 s (said in the table);
everything else takes the median of at least 5 timed repeats after a warm-up. The primal LP and
QuantileRegressor use HiGHS's interior-point method: its default (dual simplex) scales
quadratically here (35 s at n = 2e4, so about 15 minutes at n = 1e5).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np

from benchmarks._harness import (
    Comparison,
    machine_info,
    pin_threads,
    quick_mode,
    render,
    thread_report,
)


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


def regression_case(p, n, d, n_seeds, *, slow_peers=True, repeats=5):
    import cvxpy as cp
    from sklearn.linear_model import QuantileRegressor

    from samplingstats.lp import LpRegressor
    from samplingstats.lp._solvers import solve_irls, solve_lp

    A, b = _data(n, d)
    A1 = _with_ones(A)
    m = 40 * (d + 1)
    comp = Comparison(
        f"lp regression, p = {p}: n = {n}, d = {d} (+ intercept), t(2) design, Laplace noise; "
        f"ours keeps ~{m} rows",
        repeats=repeats,
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
        repeats=5,
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


def _kernel_parallel_flags():
    """``{kernel name: numba "parallel" option}`` of every numba kernel samplingstats.lp uses."""
    from samplingstats._kernels import _scaleout, _scaleout_lewis, _sketch
    from samplingstats._kernels._jit import LazyKernel

    flags = {}
    for mod in (_sketch, _scaleout, _scaleout_lewis):
        for name, obj in vars(mod).items():
            if isinstance(obj, LazyKernel):
                flags[name] = bool(obj.options.get("parallel", False))
    return flags


def threads_case(n, d, n_big, rounds=7):
    """1 vs 2 threads (every pool pinned) for every numba kernel of samplingstats.lp, the
    sketched Lewis weights (``n x d``) and the sketched leverage scores (``n_big x d``), in
    interleaved rounds after a warm-up. Wall time and CPU time (all threads of the process) are
    recorded: on an idle machine CPU / wall near 1 on 2 threads means one busy thread (no
    scaling), near 2 both cores working; CPU time on 2 threads well above that on 1 means threads
    spinning or fighting (oversubscription). On a busy machine CPU / wall is mostly the share of
    a core the process got. Returns the markdown table."""
    import scipy.sparse as sp

    from samplingstats._kernels._scaleout import (
        osnap_dense_hashed_nogil,
        projected_sq_norms_nogil,
    )
    from samplingstats._kernels._scaleout_lewis import lewis_sketch_chunk
    from samplingstats._kernels._sketch import (
        osnap_csr_hashed,
        osnap_dense_hashed,
        projected_sq_norms,
    )
    from samplingstats.lp import leverage_scores, lewis_weights

    rng = np.random.default_rng(5)
    A = rng.standard_t(3, size=(n, d))
    A_big = rng.standard_t(3, size=(n_big, d))
    sc = np.ones(n)
    MT = rng.standard_normal((16, d))
    s = max(20 * d, 64)
    C = sp.csr_matrix(np.where(rng.random((n, d)) < 0.1, A, 0.0))
    ip, ix = C.indptr.astype(np.int64), C.indices.astype(np.int64)
    w0, nz = np.full(n, d / n), np.ones(n, dtype=np.bool_)
    # every numba kernel of samplingstats.lp (all compiled serial: see _kernels/_sketch.py)
    cases = {
        f"osnap_dense_hashed (CountSketch kernel), {n} x {d}": lambda: osnap_dense_hashed(
            A, sc, 1, s, 1, 4
        ),
        "osnap_csr_hashed (CountSketch, CSR, 10% dense)": lambda: osnap_csr_hashed(
            ip, ix, C.data, d, sc, 1, s, 1
        ),
        "projected_sq_norms (JL kernel)": lambda: projected_sq_norms(A, MT),
        "osnap_dense_hashed_nogil (dask chunk)": lambda: osnap_dense_hashed_nogil(
            A, sc, 1, s, 1, 1
        ),
        "projected_sq_norms_nogil (dask chunk)": lambda: projected_sq_norms_nogil(A, MT),
        "lewis_sketch_chunk (fused dask Lewis step)": lambda: lewis_sketch_chunk(
            A, w0, nz, MT, 16.0, 1.0, -0.5, 1e-300, True, 1, s, 1, False
        ),
        f"lewis_weights(p=1, method='sketch'), {n} x {d}": lambda: lewis_weights(
            A, p=1, method="sketch", rng=0
        ),
        f"leverage_scores(method='sketch'), {n_big} x {d}": lambda: leverage_scores(
            A_big, method="sketch", rng=0
        ),
    }
    # a multi-threaded BLAS call on n x d data (the caller's BLAS setting is used there): timed
    # after the others, 1 thread then 2, since OpenBLAS threads keep spinning after such a call
    # and slowed whatever was timed next in an interleaved round
    blas_cases = {
        f"leverage_scores(method='cholesky'), {n_big} x {d}": lambda: leverage_scores(
            A_big, method="cholesky"
        ),
    }
    wall = {(name, t): [] for name in [*cases, *blas_cases] for t in (1, 2)}
    cpu = {key: [] for key in wall}

    def timed(name, t, fn):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall[(name, t)].append(time.perf_counter() - t0)
        cpu[(name, t)].append(time.process_time() - c0)

    for t in (1, 2):
        pin_threads(t)
        for fn in cases.values():
            fn()  # warm-up (compilation, caches)
    for _ in range(rounds):
        for t in (1, 2):
            pin_threads(t)
            for name, fn in cases.items():
                timed(name, t, fn)
    for t in (1, 2):
        pin_threads(t)
        for name, fn in blas_cases.items():
            fn()
            for _ in range(rounds):
                timed(name, t, fn)
    cases = {**cases, **blas_cases}
    flags = _kernel_parallel_flags()
    lines = [
        f"### threads: every pool pinned to 1 or 2 threads (median of {rounds} interleaved "
        "rounds after a warm-up)\n",
        "| call | 1 thread | 2 threads | speed-up on 2 threads | CPU time 2 / 1 thread "
        "| CPU / wall on 2 threads |",
        "|---|---|---|---|---|---|",
    ]
    for name in cases:
        t1 = statistics.median(wall[(name, 1)])
        t2 = statistics.median(wall[(name, 2)])
        util = statistics.median(c / w for c, w in zip(cpu[(name, 2)], wall[(name, 2)]))
        c21 = statistics.median(cpu[(name, 2)]) / max(statistics.median(cpu[(name, 1)]), 1e-9)
        lines.append(
            f"| {name} | {t1 * 1e3:.1f} ms | {t2 * 1e3:.1f} ms | {t1 / t2:.2f}x | {c21:.2f} | "
            f"{util:.2f} |"
        )
    lines.append(
        "\nnumba `parallel` option of each kernel: "
        + ", ".join(f"{k}={v}" for k, v in sorted(flags.items()))
        + ". A serial kernel cannot use a second thread (its speed-up should read about 1.00x "
        "and its CPU / wall about 1); issue 15's rule (>= 1.5x on 2 threads for large inputs, "
        "or serial) holds by its second branch when every flag is False. The sketched paths run "
        "their small factorisations on one BLAS thread, so they too should read about 1.00x; "
        "the Cholesky row's n x d products use the caller's BLAS threads."
    )
    lines.append(f"\n{thread_report()}\n")
    return "\n".join(lines)


_SLOW = 20.0  # seconds: a full solve whose first call took longer is timed by that call alone
_FULL_CAP = 120.0  # seconds: at n >= 1e6 the full solve's first call runs in a child, stopped here
_CHILD_MIN_N = 1_000_000


def _first_call_in_child(fn, cap):
    """Run ``fn()`` (a fitted estimator) once in a forked child process: ``(seconds, coef with
    the intercept last)``, or ``(None, None)`` when it did not finish within ``cap`` seconds (the
    child is then stopped). The parent's data are shared copy-on-write; only the result is sent."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def run():
        t0 = time.perf_counter()
        est = fn()
        child.send((time.perf_counter() - t0, np.r_[est.coef_, est.intercept_]))

    proc = ctx.Process(target=run, daemon=True)
    proc.start()
    out = parent.recv() if parent.poll(cap) else (None, None)
    if out[0] is None:
        proc.terminate()
    proc.join()
    return out


def _interleaved(fns, repeats, warm=(), budget=1.0, warm_time=0.0):
    """Medians of timed calls of each function after one warm-up call each (except those named
    in ``warm``, already called once, the slowest in ``warm_time`` seconds), the calls
    interleaved (round r times every function once; the order alternates between rounds) so that both sides see the same machine load: at least
    ``repeats`` rounds, more (up to 51, odd) while a round takes under ``budget / repeats``
    seconds, so that fast calls get about ``budget`` seconds each side. ``fns``: {name: fn};
    returns ({name: median seconds}, {name: last result})."""
    last, one = {}, warm_time
    for name, fn in fns.items():
        if name not in warm:  # warm-up
            t0 = time.perf_counter()
            last[name] = fn()
            one = max(one, time.perf_counter() - t0)
    if one * repeats < budget:
        repeats = min(51, max(repeats, int(budget / max(one, 1e-6)) | 1))
    times = {name: [] for name in fns}
    names = list(fns)
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            t0 = time.perf_counter()
            last[name] = fns[name]()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}, last


def decision_cost(n=1_000_000, d=21, p=3.0, number=100_000):
    """Seconds per call of the "auto" decision (``auto_n_samples``), the only work "auto" adds to
    the full solve at p >= 2 (it is pure arithmetic on n, d and p)."""
    import timeit

    from samplingstats.lp._core import auto_n_samples

    return min(timeit.repeat(lambda: auto_n_samples(n, d, p), number=number, repeat=5)) / number


def auto_case(
    ns,
    d=20,
    ps=(1.0, 1.5, 3.0),
    repeats=5,
    full_cap=_FULL_CAP,
    child_min_n=_CHILD_MIN_N,
    budget=1.0,
):
    """``LpRegressor(n_samples="auto")`` against the full solve it approximates
    (``n_samples=None``), interleaved in one process: a warm-up call of each, then ``repeats``
    rounds. A full solve whose first call takes more than ``_SLOW`` seconds is timed by that call
    alone; at ``n >= child_min_n`` (1e6) that first call runs in a forked child and is stopped after
    ``full_cap`` seconds (the HiGHS LP at p = 1 took more than 12 minutes there), which makes
    the row a lower bound."""
    from samplingstats.lp import LpRegressor

    lines = [
        f"### n_samples='auto' vs the full solve: d = {d} + intercept, t(2) design, "
        f"Laplace noise (medians of >= {repeats} interleaved rounds after a warm-up; up to 51 "
        "for calls under 0.2 s)\n",
        "| p | n | auto path | auto | full | full / auto | cost ratio auto / full | same coef |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in ns:
        A, b = _data(n, d, seed=7)
        A1 = _with_ones(A)
        for p in ps:
            seeds = iter(range(10_000))

            def full(p=p, A=A, b=b):
                return LpRegressor(p=p).fit(A, b)

            def auto(p=p, A=A, b=b, seeds=seeds):
                return LpRegressor(p=p, n_samples="auto", random_state=next(seeds)).fit(A, b)

            if n >= child_min_n:
                first, x_full = _first_call_in_child(full, full_cap)
                warm = ()
            else:
                t0 = time.perf_counter()
                f = full()
                first, x_full, warm = (
                    time.perf_counter() - t0,
                    np.r_[f.coef_, f.intercept_],
                    ("full",),
                )
            if first is None or first > _SLOW:
                # the full side is that one call (or stopped); "auto" keeps warm-up and median
                med, last = _interleaved({"auto": auto}, repeats, budget=budget)
                t_full = first
            else:
                med, last = _interleaved(
                    {"auto": auto, "full": full}, repeats, warm, budget, first if warm else 0.0
                )
                t_full = med["full"]
            t_auto, est = med["auto"], last["auto"]
            x_auto = np.r_[est.coef_, est.intercept_]
            if first is None:
                t_full_s, ratio = f"> {full_cap:.0f} s (stopped)", f"> {full_cap / t_auto:.0f}x"
                cost = same = "–"
            else:
                one = " (1 run)" if first > _SLOW else ""
                t_full_s, ratio = f"{t_full:.3f} s{one}", f"{t_full / t_auto:.2f}x"
                cost = f"{_cost(A1, b, x_auto, p) / _cost(A1, b, x_full, p):.4f}"
                same = "yes" if np.array_equal(x_auto, x_full) else "no"
            path = "full" if est.sample_indices_ is None else f"{len(est.sample_indices_)} rows"
            lines.append(
                f"| {p:g} | {n:.0e} | {path} | {t_auto:.3f} s | {t_full_s} | {ratio} | "
                f"{cost} | {same} |"
            )
            print(lines[-1], flush=True)  # progress: the table is printed at the end
        del A, b, A1
    lines.append(
        f"\nThe decision itself (`auto_n_samples`, pure arithmetic on n, d, p) costs "
        f'{decision_cost() * 1e9:.0f} ns per call; where "auto" solves the full problem it makes '
        'the same call with the same arguments ("same coef": bit-identical coefficients).'
    )
    lines.append(f"\n{thread_report()}\n")
    return "\n".join(lines)


_MEMORY_ONE = """
import resource, sys, time, tracemalloc
import numpy as np
from samplingstats.lp import leverage_scores
method, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
A = np.random.default_rng(0).standard_normal((n, d), dtype=np.float32)
leverage_scores(A[:5000], method=method, rng=0)  # compile / warm-up
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
tracemalloc.start()
tau = leverage_scores(A, method=method, rng=0)
peak_tm = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
mib = 2**20
print(f"| {method} | {tau.dtype} | {A.nbytes / mib:.1f} MiB | {peak_tm / mib:.1f} MiB | "
      f"{max(rss, 0) / mib:.1f} MiB | {float(tau.sum(dtype=np.float64)):.4f} |")
"""


def memory_case(n, d):
    """Peak memory of ``leverage_scores`` on an ``n x d`` float32 array, one fresh process per
    method (RSS peaks are per process): tracemalloc's peak during the call and the RSS peak above
    the one after the input was built and a warm-up call ran (issue 17)."""
    import subprocess

    lines = [
        f"### leverage_scores memory on a {n} x {d} float32 array ({n * d * 4 / 2**20:.1f} MiB)\n",
        "| method | output | input | tracemalloc peak | RSS peak above baseline | sum |",
        "|---|---|---|---|---|---|",
    ]
    for method in ("auto", "cholesky", "sketch", "qr"):
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_ONE, method, str(n), str(d)],
            capture_output=True,
            text=True,
            check=True,
        )
        lines.append(out.stdout.strip())
    return "\n".join(lines)


def _import_everything():
    """Import ours and every peer before the thread pools are pinned."""
    import cvxpy  # noqa: F401
    import numba  # noqa: F401
    import scipy.linalg  # noqa: F401
    import scipy.optimize  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    import samplingstats.lp  # noqa: F401
    from samplingstats._kernels._sketch import projected_sq_norms

    projected_sq_norms(np.ones((4, 2)), np.ones((1, 2)))  # compile (numba) before pinning


def main(argv=None):
    argv = list(argv or [])
    quick = quick_mode() or "--quick" in argv
    n_threads = 1
    if "--threads" in argv:
        n_threads = int(argv[argv.index("--threads") + 1])
        del argv[argv.index("--threads") : argv.index("--threads") + 2]
    auto_ns = (10_000, 100_000, 1_000_000)
    if "--n" in argv:  # e.g. --n 1e4,1e5 (the "auto" table's n values)
        auto_ns = tuple(int(float(v)) for v in argv[argv.index("--n") + 1].split(","))
        del argv[argv.index("--n") : argv.index("--n") + 2]
    full_cap = _FULL_CAP
    if "--full-cap" in argv:  # seconds before a full solve at n >= 1e6 is stopped
        full_cap = float(argv[argv.index("--full-cap") + 1])
        del argv[argv.index("--full-cap") : argv.index("--full-cap") + 2]
    if "auto-large" in argv:  # the old name of the n = 1e6 rows
        argv[argv.index("auto-large")] = "auto"
        auto_ns = (1_000_000,)
    only = {a for a in argv if not a.startswith("--")}
    _import_everything()
    pin_threads(n_threads)  # after every import: BLAS, OpenMP, numba
    # --quick is a smoke test: tiny sizes, one timed repeat, every table printed
    n, d = (2000, 5) if quick else (100_000, 20)
    n_seeds = 1 if quick else 10
    comps = []
    t0 = time.perf_counter()

    def show(comp):
        comps.append(comp)
        print(render([comp]), flush=True)
        print(thread_report() + "\n", flush=True)

    if not only or "leverage" in only:
        show(leverage_case(*((5_000, 5, 1) if quick else (200_000, 50))))
    for p in (1.0, 1.5, 3.0):
        if only and f"p{p:g}" not in only and "regression" not in only:
            continue
        show(
            regression_case(
                p, n, d, n_seeds, slow_peers=not quick or p != 1.0, repeats=1 if quick else 5
            )
        )
    if "large" in only:
        show(large_case(*((50_000, 10) if quick else (1_000_000, 50))))
    if not only or "threads" in only:
        print(
            threads_case(*((5_000, 5, 10_000, 1) if quick else (200_000, 50, 1_000_000))),
            flush=True,
        )
        pin_threads(n_threads)
    if not only or "auto" in only:
        if quick:  # the child-process path of the n = 1e6 rows runs too
            print(auto_case((3_000,), d=5, repeats=1, budget=0.0, full_cap=60.0, child_min_n=3_000))
        else:
            print(auto_case(auto_ns, d=20, full_cap=full_cap))
    if "memory" in only:
        print(memory_case(*((100_000, 10) if quick else (1_000_000, 40))), flush=True)
    print(f"\nMachine: {machine_info()}")
    print(thread_report())
    print(f"Total wall time: {time.perf_counter() - t0:.0f} s")
    return comps


if __name__ == "__main__":
    main(sys.argv[1:])
