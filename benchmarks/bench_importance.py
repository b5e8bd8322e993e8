"""Benchmark samplingstats.importance against scipy.stats.sobol_indices, SALib and OpenTURNS.

    python -m benchmarks.bench_importance            # full sizes (about 30 minutes on 1 core)
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks.bench_importance
    SAMPLINGSTATS_BENCH_K=10,12,14 python -m benchmarks.bench_importance   # budgets (d + 2) 2^k
    SAMPLINGSTATS_BENCH_REPS=30 SAMPLINGSTATS_BENCH_CHAOS_REPS=5 SAMPLINGSTATS_BENCH_CHAOS_K=10
        # repetitions; OpenTURNS' chaos (slow: 10-30 s a fit) with fewer runs, at these k only
    SAMPLINGSTATS_BENCH_CASES="G (,threshold"   # only the cases whose names contain these

Everything runs in the same process at equal model-evaluation budgets, every thread pool pinned
to one thread after all imports (``pin_threads(1)``, ``thread_report()`` printed with the tables):

1. First-order and total Sobol' indices at budgets (d + 2) 2^k (k = 10, 12 by default), 30
   seeded repetitions: the default ``sobol_indices`` (RQMC with cross-fitted polynomial-chaos
   control variates), our plain RQMC pick-freeze (``method="rqmc"``), scipy.stats.sobol_indices
   (scrambled Sobol', Saltelli 2010 / Jansen, n = 2^k base points) and SALib (sample.sobol
   scrambled + analyze.sobol, N = 2^k) on Ishigami, Sobol' G (a = 0, 1, 4.5, 9, 99, 99, 99, 99),
   borehole (uniform inputs), the cantilever beam (lognormal/normal inputs), a lognormal-input
   model and a threshold-indicator model. References: closed forms; borehole by tensor Gauss-Legendre
   quadrature (to 1e-10, see its constants); beam by 12^6-node Gauss-Hermite quadrature.
   RMSE over repetitions and indices (as the issue's table), worst absolute error, coverage of
   our 95% intervals and median time per run.
2. The beam's mean deflection under 100 input laws (load means shifted by up to +-10%, all
   standard deviations scaled by 0.8-1.2): one AISCV run of N points vs N / 100 crude points per
   law, over 100 independent runs (the 100 intervals of one run are correlated): summed MSE,
   coverage with a run-level standard error, the per-run coverage distribution and the SE
   calibration (mean reported SE / empirical SD per law). Reference by 6^6-node Gauss-Hermite
   quadrature per law (equal to 8^6 nodes to 4e-10 relative).
3. Estimator overhead: wall time of a run minus the time spent inside the model.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import numpy as np
from scipy import stats

from benchmarks._harness import machine_info, pin_threads, quick_mode, thread_report
from samplingstats._table import format_table
from samplingstats.importance import _testfunctions as tf
from samplingstats.importance import multiple_expectations, sobol_indices
from samplingstats.importance._inputs import InputLaws


# ---------------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------------
def _gh_tensor(n, d):
    x, w = np.polynomial.hermite_e.hermegauss(n)
    w = w / w.sum()
    grids = np.meshgrid(*([x] * d), indexing="ij")
    U = np.stack([g.ravel() for g in grids], axis=1)
    W = w
    for _ in range(d - 1):
        W = np.multiply.outer(W, w)
    return U, W.reshape((n,) * d), w


def beam_reference(n=16):
    """First-order indices of the beam by tensor Gauss-Hermite quadrature in u-space."""
    laws = InputLaws(tf.cantilever_dists())
    U, W, w = _gh_tensor(n, 6)
    Y = tf.cantilever_beam(laws.to_x(U)).reshape((n,) * 6)
    m = (W * Y).sum()
    V = (W * Y * Y).sum() - m * m
    S, ST = [], []
    for i in range(6):
        axes = tuple(j for j in range(6) if j != i)
        cond = (W * Y).sum(axis=axes) / w
        S.append(((w * cond**2).sum() - m * m) / V)
        # E[Var(Y | X_~i)] = E[Y^2] - E[E[Y | X_~i]^2]
        cond_rest = (W * Y).sum(axis=i, keepdims=True) / (W.sum(axis=i, keepdims=True))
        ST.append(((W * Y * Y).sum() - (W.sum(axis=i, keepdims=True) * cond_rest**2).sum()) / V)
    return np.array(S), np.array(ST)


# ---------------------------------------------------------------------------------------------
# peer comparison: test models
# ---------------------------------------------------------------------------------------------
# the public-case models and their references live once, in the importance module's test functions
from samplingstats.importance._testfunctions import (  # noqa: E402
    BOREHOLE_FIRST,
    BOREHOLE_TOTAL,
    borehole,
    borehole_dists,
    sobol_g,
    sobol_g_indices,
)

LN_SIG = np.array([0.6, 0.4, 0.8])


def lognormal_model(x):
    """``X1 X2 + X3`` with lognormal inputs (heavy right tail, an interaction)."""
    return x[:, 0] * x[:, 1] + x[:, 2]


def lognormal_indices():
    m = np.exp(LN_SIG**2 / 2)
    v = (np.exp(LN_SIG**2) - 1) * np.exp(LN_SIG**2)
    V1, V2, V12, V3 = m[1] ** 2 * v[0], m[0] ** 2 * v[1], v[0] * v[1], v[2]
    V = V1 + V2 + V12 + V3
    return np.array([V1, V2, V3]) / V, np.array([V1 + V12, V2 + V12, V3]) / V


TH_P, TH_Q = 0.3, 0.6


def threshold_model(x):
    """``1{U1 < p} 1{U2 < q}`` with a third, inert uniform input (a discontinuous indicator)."""
    return ((x[:, 0] < TH_P) & (x[:, 1] < TH_Q)).astype(float)


def threshold_indices():
    p, q = TH_P, TH_Q
    V = p * q * (1 - p * q)
    V1, V2, V12 = q * q * p * (1 - p), p * p * q * (1 - q), p * (1 - p) * q * (1 - q)
    return np.array([V1, V2, 0.0]) / V, np.array([V1 + V12, V2 + V12, 0.0]) / V


# ---------------------------------------------------------------------------------------------
# peers (same budget: n base points, n (d + 2) model runs)
# ---------------------------------------------------------------------------------------------
def _to_x(P, dists):
    P = np.clip(P, 1e-12, 1 - 1e-12)
    return np.column_stack([d.ppf(P[:, i]) for i, d in enumerate(dists)])


def scipy_sobol(func, dists, n, rng):
    res = stats.sobol_indices(func=lambda x: func(x.T), n=n, dists=dists, rng=rng)
    return np.asarray(res.first_order), np.asarray(res.total_order), None


def salib_sobol(func, dists, n, rng):
    from SALib.analyze import sobol as sa
    from SALib.sample import sobol as ss

    d = len(dists)
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0, 1]] * d}
    seed = int(rng.integers(2**31))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        P = ss.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
        Y = func(_to_x(P, dists))
        Si = sa.analyze(problem, Y, calc_second_order=False, num_resamples=100, seed=seed)
    return np.asarray(Si["S1"]), np.asarray(Si["ST"]), None


def _ot_seed(rng):
    import openturns as ot

    ot.RandomGenerator.SetSeed(int(rng.integers(2**31)))
    return ot


def ot_pickfreeze(func, dists, n, rng):
    """OpenTURNS Saltelli, Martinez and Jansen on one SobolIndicesExperiment (Monte Carlo
    design of n (d + 2) points, OpenTURNS' default), inputs mapped through our laws' ppf."""
    ot = _ot_seed(rng)
    d = len(dists)
    unif = ot.JointDistribution([ot.Uniform(0.0, 1.0)] * d)
    X = ot.SobolIndicesExperiment(unif, n, False).generate()
    Y = ot.Sample(np.asarray(func(_to_x(np.asarray(X), dists)))[:, None])
    out = {}
    for label, algo in (
        ("OpenTURNS Saltelli", ot.SaltelliSensitivityAlgorithm),
        ("OpenTURNS Martinez", ot.MartinezSensitivityAlgorithm),
        ("OpenTURNS Jansen", ot.JansenSensitivityAlgorithm),
    ):
        a = algo(X, Y, n)
        out[label] = (
            np.asarray(a.getFirstOrderIndices()),
            np.asarray(a.getTotalOrderIndices()),
            None,
        )
    return out


def ot_chaos(func, dists, n, rng):
    """OpenTURNS' polynomial chaos (FunctionalChaosAlgorithm with its default adaptive sparse
    least squares, total degree <= 10, q = 0.5) on n (d + 2) i.i.d. points, and its
    FunctionalChaosSobolIndices. The chaos is built in each input's germ: standard normal for
    an unbounded law (x = F^-1(Phi(z))), uniform(0, 1) for a bounded one (x = F^-1(u))."""
    ot = _ot_seed(rng)
    d = len(dists)
    bounded = [np.isfinite(dd.support()[0]) and np.isfinite(dd.support()[1]) for dd in dists]
    germ = ot.JointDistribution(
        [ot.Uniform(0.0, 1.0) if b else ot.Normal(0.0, 1.0) for b in bounded]
    )
    N = n * (d + 2)
    Z = np.asarray(germ.getSample(N))
    P = np.where(bounded, Z, stats.norm.cdf(Z))
    Y = np.asarray(func(_to_x(P, dists)))
    algo = ot.FunctionalChaosAlgorithm(ot.Sample(Z), ot.Sample(Y[:, None]), germ)
    algo.run()
    si = ot.FunctionalChaosSobolIndices(algo.getResult())
    S = np.array([si.getSobolIndex(i) for i in range(d)])
    ST = np.array([si.getSobolTotalIndex(i) for i in range(d)])
    return S, ST, None


_DESIGNS: list = []
_QUICK = False


def _ours(method):
    def run(func, dists, n, rng):
        d = len(dists)
        r = sobol_indices(func, dists, budget=n * (d + 2), method=method, rng=rng)
        c1, cT = r.confidence_interval(0.95), r.confidence_interval(0.95, order="total")
        _DESIGNS.append(r.design)
        return r.first_order, r.total_order, (c1, cT)

    return run


OT_CHAOS = "OpenTURNS functional chaos (FunctionalChaosSobolIndices)"
METHODS = [
    ("**samplingstats default**", _ours("auto")),
    ("scipy.stats.sobol_indices", scipy_sobol),
    ("SALib sample.sobol + analyze.sobol", salib_sobol),
    ("OpenTURNS (one design)", ot_pickfreeze),
    (OT_CHAOS, ot_chaos),
]


def _selected(label):
    """SAMPLINGSTATS_BENCH_METHODS: comma-separated substrings of the method labels to run."""
    only = os.environ.get("SAMPLINGSTATS_BENCH_METHODS", "")
    return not only or any(w in label for w in only.split(","))


def _jsonl_row(row):
    """Append one run to SAMPLINGSTATS_BENCH_JSONL (when set): a partial run still yields a table."""
    path = os.environ.get("SAMPLINGSTATS_BENCH_JSONL", "")
    if path:
        import json

        with open(path, "a") as fh:
            fh.write(json.dumps(row) + "\n")


def peer_case(name, func, dists, S_ref, ST_ref, k, R, seed, chaos_reps=5, chaos_ks=(10,)):
    n = 2**k
    res = {}
    for label, fn in METHODS:
        if not _selected(label):
            continue
        reps = R
        if label == OT_CHAOS:
            if k not in chaos_ks or (_QUICK and not name.startswith("Ishigami")):
                continue  # quick mode: OpenTURNS' chaos (seconds a fit) on Ishigami only
            reps = min(R, chaos_reps)
        acc = {}
        # SAMPLINGSTATS_BENCH_FIRST_REP: extend an earlier recording with new seeds
        first_rep = int(os.environ.get("SAMPLINGSTATS_BENCH_FIRST_REP", "0"))
        for r in range(first_rep, first_rep + reps):
            rng = np.random.default_rng([seed, k, r])
            t0 = time.perf_counter()
            got = fn(func, dists, n, rng)
            dt = time.perf_counter() - t0
            if not isinstance(got, dict):
                got = {label: got}
            for lab, (S, ST, ci) in got.items():
                a = acc.setdefault(lab, {"e1": [], "eT": [], "hits": [], "times": []})
                a["times"].append(dt)
                a["e1"].append(S - S_ref)
                if ST_ref is not None:
                    a["eT"].append(ST - ST_ref)
                row = {
                    "case": name,
                    "k": k,
                    "d": len(dists),
                    "method": lab,
                    "rep": r,
                    "time": dt,
                    "e1": list(map(float, S - S_ref)),
                    "eT": list(map(float, ST - ST_ref)),
                    "hits": None,
                    "design": _DESIGNS[-1] if lab.startswith("**") and _DESIGNS else None,
                }
                if ci is not None:
                    (l1, h1), (lT, hT) = ci
                    h = list((l1 <= S_ref) & (S_ref <= h1))
                    if ST_ref is not None:
                        h += list((lT <= ST_ref) & (ST_ref <= hT))
                    a["hits"].append(np.mean(h))
                    row["hits"] = [bool(x) for x in h]
                _jsonl_row(row)
        if label.startswith("**") and _DESIGNS:
            kinds = sorted(set(_DESIGNS))
            acc[label]["design"] = ", ".join(
                f"{x} {_DESIGNS.count(x)}/{len(_DESIGNS)}" for x in kinds
            )
            _DESIGNS.clear()
        for lab, a in acc.items():
            e1 = np.array(a["e1"])
            eT = np.array(a["eT"]) if a["eT"] else None
            res[lab] = {
                "rmse1": float(np.sqrt(np.mean(e1**2))),
                "rmseT": float(np.sqrt(np.mean(eT**2))) if eT is not None else None,
                "worst": float(max(np.abs(e1).max(), np.abs(eT).max() if eT is not None else 0)),
                "cover": float(np.mean(a["hits"])) if a["hits"] else None,
                "time": float(np.median(a["times"])),
                "reps": len(e1),
                "design": a.get("design", "-"),
            }
    return res


_BASE = ("scipy.stats.sobol_indices", "SALib sample.sobol + analyze.sobol")


def peer_table(results, ks, R):
    heads = [
        "case",
        "model runs",
        "method",
        "runs",
        "RMSE first",
        "RMSE total",
        "worst |error|",
        "95% CI coverage",
        "time/run",
    ]
    rows = []
    for (name, k, d), res in results.items():
        best1 = min(res[lab]["rmse1"] for lab in _BASE)
        bestT = min(res[lab]["rmseT"] for lab in _BASE)
        for label, v in res.items():
            rows.append(
                [
                    name,
                    (d + 2) * 2**k,
                    label,
                    v["reps"],
                    f"{v['rmse1']:.2g} ({v['rmse1'] / best1:.2g}x)",
                    f"{v['rmseT']:.2g} ({v['rmseT'] / bestT:.2g}x)",
                    f"{v['worst']:.2g}",
                    "-" if v["cover"] is None else f"{v['cover']:.3f}",
                    f"{v['time']:.2f} s",
                ]
            )
    title = (
        f"Sobol' indices at equal model runs, {R} repetitions (OpenTURNS chaos: fewer, see "
        "'runs'); in parentheses the RMSE over the best of scipy and SALib (< 1: better)"
    )
    return format_table(heads, rows, title=title)


def summary_table(results):
    """Default's RMSE over the best of scipy/SALib and over the best of every peer."""
    heads = [
        "case",
        "model runs",
        "design chosen",
        "first / best(scipy, SALib)",
        "total / best(scipy, SALib)",
        "first / best peer",
        "total / best peer",
        "coverage",
    ]
    rows = []
    for (name, k, d), res in results.items():
        ours = res["**samplingstats default**"]
        peers = [lab for lab in res if not lab.startswith("**")]
        b1 = min(res[lab]["rmse1"] for lab in _BASE)
        bT = min(res[lab]["rmseT"] for lab in _BASE)
        p1 = min(res[lab]["rmse1"] for lab in peers)
        pT = min(res[lab]["rmseT"] for lab in peers)
        rows.append(
            [
                name,
                (d + 2) * 2**k,
                ours.get("design", "-"),
                f"{ours['rmse1'] / b1:.2g}",
                f"{ours['rmseT'] / bT:.2g}",
                f"{ours['rmse1'] / p1:.2g}",
                f"{ours['rmseT'] / pT:.2g}",
                f"{ours['cover']:.3f}",
            ]
        )
    return format_table(heads, rows, title="default sobol_indices: RMSE ratios (< 1: we win)")


# ---------------------------------------------------------------------------------------------
# 100 input laws
# ---------------------------------------------------------------------------------------------
def many_laws_case(N, R, L, seed):
    """Summed MSE vs separate crude sampling, and the coverage of the per-law 95% intervals.

    Two estimators on the same seeds: the default (``method="auto"``: RQMC replicates in the
    first law's space with a cross-fitted chaos control variate whose expectation under every
    law is exact, when the pilot finds the integrand smooth) and ``method="aiscv"`` (the
    adaptive importance sampler; run ``r`` uses the generator state after the crude sample, as
    in the recordings before session 7). Intervals are each result's ``confidence_interval``
    (Student-t with ``R - 1`` dof for the RQMC path, normal for AISCV).

    The ``L`` intervals of one run come from the same sample and are strongly correlated (a run
    tends to cover all laws or miss a cluster of them), so coverage is estimated over ``R``
    independent runs with a run-level (cluster) standard error, and the per-run coverage
    distribution is reported. Standard-error calibration: per law, the mean reported SE over
    the runs divided by the empirical SD of the estimates (1 when calibrated). Time: median
    wall time per run, and the estimator's own part (wall time minus the time inside the model).
    """
    import copy

    # SAMPLINGSTATS_BENCH_LAWS_RUNS: fewer (or more) independent runs than the caller's R
    R = int(os.environ.get("SAMPLINGSTATS_BENCH_LAWS_RUNS", R))
    g = np.random.default_rng(seed)
    # the widest law first: the other laws enter through likelihood ratios w.r.t. it
    scales = np.concatenate([[1.2], g.uniform(0.8, 1.2, L - 1)])
    shifts = np.concatenate([[0.0], g.uniform(-0.1, 0.1, L - 1)])
    laws = [tf.cantilever_dists(s, h) for s, h in zip(scales, shifts)]
    U, W, _ = _gh_tensor(6, 6)
    W = W.ravel()
    ref = np.array([W @ tf.cantilever_beam(InputLaws(law).to_x(U)) for law in laws])
    methods = {"auto": '**samplingstats default (`method="auto"`)**', "aiscv": "AISCV"}
    err = {m: [] for m in methods}
    se = {m: [] for m in methods}
    half = {m: [] for m in methods}
    t_run = {m: [] for m in methods}
    t_own = {m: [] for m in methods}
    picked = []
    e_sep, t_sep = [], []
    for r in range(R):
        rng = np.random.default_rng([seed, r])
        t0 = time.perf_counter()
        n = N // L
        sep = np.array(
            [
                tf.cantilever_beam(InputLaws(law).to_x(rng.standard_normal((n, 6)))).mean()
                for law in laws
            ]
        )
        t_sep.append(time.perf_counter() - t0)
        e_sep.append(sep - ref)
        state = copy.deepcopy(rng)  # the same seed for both estimators
        for m in methods:
            timed = _Timed(tf.cantilever_beam)
            t0 = time.perf_counter()
            res = multiple_expectations(timed, laws, budget=N, rng=copy.deepcopy(state), method=m)
            t_run[m].append(time.perf_counter() - t0)
            t_own[m].append(t_run[m][-1] - timed.elapsed)
            err[m].append(res.estimate - ref)
            se[m].append(res.standard_error)
            ci = res.confidence_interval(0.95)
            half[m].append((ci.high - ci.low) / 2)
            if m == "auto":
                picked.append(res.method)
    m_sep = float(np.mean(np.square(e_sep), axis=0).sum())
    rows, cov_rows = [], []
    for m, label in methods.items():
        e, s_, h = np.array(err[m]), np.array(se[m]), np.array(half[m])
        mse = float(np.mean(np.square(e), axis=0).sum())
        per_run = (np.abs(e) < h).mean(axis=1)  # coverage of the L laws, per run
        cov = float(per_run.mean())
        cov_se = float(per_run.std(ddof=1) / np.sqrt(R)) if R > 1 else float("nan")
        rows.append(
            [
                label,
                N,
                f"{mse:.3g}",
                f"{m_sep / mse:.3g}x",
                f"{cov:.3f}",
                f"{np.median(t_run[m]):.2f} s",
                f"{np.median(t_own[m]):.2f} s",
            ]
        )
        if m == "auto":
            m_def = mse
        ratio = s_.mean(axis=0) / e.std(axis=0, ddof=1)
        z2 = (e / s_) ** 2
        pct = np.percentile(per_run, [0, 10, 25, 50])
        name = "default" if m == "auto" else "AISCV"
        cov_rows += [
            [
                f"{name}: coverage of the 95% intervals (all laws, all runs)",
                f"{cov:.3f} +- {1.96 * cov_se:.3f} (95% CI, run-level clusters)",
            ],
            [
                f"{name}: per-run coverage of the L laws: min / 10% / 25% / median",
                " / ".join(f"{v:.2f}" for v in pct),
            ],
            [f"{name}: runs whose intervals cover all L laws", f"{np.mean(per_run == 1):.2f}"],
            [
                f"{name}: mean reported SE / empirical SD of the estimates, per law: "
                "median [5%, 95%]",
                f"{np.median(ratio):.3f} [{np.percentile(ratio, 5):.3f}, "
                f"{np.percentile(ratio, 95):.3f}]",
            ],
            [
                f"{name}: rms reported SE / RMSE, per law: median [5%, 95%]",
                "{:.3f} [{:.3f}, {:.3f}]".format(
                    *np.percentile(np.sqrt((s_**2).mean(axis=0) / (e**2).mean(axis=0)), [50, 5, 95])
                ),
            ],
            [
                f"{name}: mean z^2 = ((estimate - reference) / SE)^2 (1 when calibrated)",
                f"{z2.mean():.3f} +- {1.96 * z2.mean(axis=1).std(ddof=1) / np.sqrt(R):.3f}",
            ],
        ]
    cov_rows.append(
        [
            "default: runs on the RQMC path (pilot found the integrand smooth)",
            f"{picked.count('rqmc')} / {R}",
        ]
    )
    rows.append(
        [
            f"crude Monte Carlo, {N // L} points per law",
            N,
            f"{m_sep:.3g}",
            "1x",
            "-",
            f"{np.median(t_sep):.2f} s",
            "-",
        ]
    )
    title = f"cantilever beam mean deflection under {L} input laws, N = {N} points, {R} repetitions"
    heads = [
        "method",
        "model runs",
        "summed MSE",
        "crude MSE / MSE",
        "95% CI coverage",
        "time/run",
        "estimator's own time/run",
    ]
    text = format_table(heads, rows, title=title)
    cov_text = format_table(
        ["statistic", "value"],
        cov_rows,
        title=f"{L} input laws: interval coverage and SE calibration over {R} independent runs",
    )
    return text, cov_text, m_sep / m_def


def one_law_case(N, R, seed=11):
    """E[D] and E[D^2] of the beam under its own law: the default (method="auto", which picks
    RQMC with chaos control variates here), AISCV and crude Monte Carlo at N points."""
    U, W, _ = _gh_tensor(8, 6)
    y = tf.cantilever_beam(InputLaws(tf.cantilever_dists()).to_x(U))
    W = W.ravel()
    ref = np.array([W @ y, W @ y**2])

    def f(x):
        d = tf.cantilever_beam(x)
        return np.column_stack([d, d**2])

    runs = {"default (auto)": [], "aiscv": [], "crude": []}
    hits, times, chosen = [], {k: [] for k in runs}, []
    for r in range(R):
        rng = np.random.default_rng([seed, r])
        for label, method in (("default (auto)", "auto"), ("aiscv", "aiscv")):
            t0 = time.perf_counter()
            res = multiple_expectations(f, tf.cantilever_dists(), budget=N, rng=rng, method=method)
            times[label].append(time.perf_counter() - t0)
            runs[label].append(res.estimate - ref)
            if method == "auto":
                chosen.append(res.method)
                lo, hi = res.confidence_interval(0.95)
                hits.append(np.mean((lo <= ref) & (ref <= hi)))
        t0 = time.perf_counter()
        crude = f(InputLaws(tf.cantilever_dists()).to_x(rng.standard_normal((N, 6)))).mean(axis=0)
        times["crude"].append(time.perf_counter() - t0)
        runs["crude"].append(crude - ref)
    mse = {k: np.mean(np.square(v), axis=0) for k, v in runs.items()}
    rows = [
        [
            label,
            N,
            f"{np.sqrt(mse[label][0]):.2g}",
            f"{np.sqrt(mse[label][1]):.2g}",
            f"{mse['crude'].sum() / mse[label].sum():.3g}x",
            (f"{np.mean(hits):.3f}" if label.startswith("default") else "-"),
            f"{np.median(times[label]):.2f} s",
        ]
        for label in runs
    ]
    picked = ", ".join(f"{m} {chosen.count(m)}/{R}" for m in sorted(set(chosen)))
    title = (
        f"beam E[D] and E[D^2] under one input law, N = {N} points, {R} repetitions "
        f"(default chose: {picked})"
    )
    heads = [
        "method",
        "points",
        "RMSE E[D]",
        "RMSE E[D^2]",
        "summed MSE gain vs crude",
        "95% CI coverage",
        "time/run",
    ]
    return format_table(heads, rows, title=title)


# ---------------------------------------------------------------------------------------------
# adaptation overhead
# ---------------------------------------------------------------------------------------------
class _Timed:
    def __init__(self, func):
        self.func, self.elapsed, self.cpu = func, 0.0, 0.0

    def __call__(self, x):
        t0, c0 = time.perf_counter(), time.process_time()
        y = self.func(x)
        self.elapsed += time.perf_counter() - t0
        self.cpu += time.process_time() - c0
        return y


def overhead_case(N, R):
    # Sobol' budgets (d + 2) 2^10 and 2^14 at full size, 2^8 and 2^10 in quick mode
    small, big = (10 * 2**10, 10 * 2**14) if N >= 20_000 else (10 * 2**8, 10 * 2**10)
    js = np.arange(1, 11)
    coef = 0.3 * np.random.default_rng(12).standard_normal((12, 10))
    cases = [
        (
            f"AISCV: Gaussian moments (J = 10, d = 1), {N} points",
            lambda f, rng: multiple_expectations(
                f, [stats.norm()], budget=N, rng=rng, method="aiscv"
            ),
            lambda x: x ** (2 * js),
        ),
        (
            f"AISCV: exp-linear family (J = 10, d = 12), {N} points",
            lambda f, rng: multiple_expectations(
                f, [stats.norm()] * 12, budget=N, rng=rng, method="aiscv"
            ),
            lambda x: np.exp(x @ coef),
        ),
        (
            f"AISCV: beam under 10 laws (J = 10, d = 6), {N} points",
            lambda f, rng: multiple_expectations(
                f,
                [tf.cantilever_dists(1.2 - 0.04 * j) for j in range(10)],
                budget=N,
                rng=rng,
                method="aiscv",
            ),
            tf.cantilever_beam,
        ),
        (
            f"borehole Sobol', default, {small} evaluations",
            lambda f, rng: sobol_indices(f, borehole_dists(), budget=small, rng=rng),
            borehole,
        ),
        (
            f"borehole Sobol', default, {big} evaluations",
            lambda f, rng: sobol_indices(f, borehole_dists(), budget=big, rng=rng),
            borehole,
        ),
        (
            f"Sobol' G, default, {big} evaluations",
            lambda f, rng: sobol_indices(f, [stats.uniform()] * 8, budget=big, rng=rng),
            sobol_g,
        ),
        (
            f"beam E[D], E[D^2], default (RQMC + chaos), {N} points",
            lambda f, rng: multiple_expectations(f, tf.cantilever_dists(), budget=N, rng=rng),
            lambda x: np.column_stack([tf.cantilever_beam(x), tf.cantilever_beam(x) ** 2]),
        ),
    ]
    if N >= 20_000:  # not in quick mode
        cases.insert(
            5,
            (
                f"borehole Sobol', default, {4 * big} evaluations",
                lambda f, rng: sobol_indices(f, borehole_dists(), budget=4 * big, rng=rng),
                borehole,
            ),
        )
    rows = []
    for name, run, func in cases:
        over, cpu = [], []
        for r in range(R):
            timed = _Timed(func)
            t0, c0 = time.perf_counter(), time.process_time()
            run(timed, np.random.default_rng(r))
            over.append(time.perf_counter() - t0 - timed.elapsed)
            cpu.append(time.process_time() - c0 - timed.cpu)
        rows.append(
            [
                name,
                f"{np.median(over):.2f} s",
                f"{np.max(over):.2f} s",
                f"{np.median(cpu):.2f} s",
            ]
        )
    heads = ["case", "median wall overhead", "max wall overhead", "median CPU overhead"]
    return format_table(
        heads, rows, title="estimator overhead per run (run time minus time inside the model)"
    )


def _md(text):
    """Turn format_table's title line into a markdown heading followed by a blank line."""
    title, _, table = text.partition("\n")
    return f"### {title}\n\n{table}"


def tables_from_jsonl(paths):
    """Tables of the Sobol' comparison from the rows of SAMPLINGSTATS_BENCH_JSONL runs.

    ``paths``: one file or several, read in order. A run is identified by (k, case, method,
    seed ``rep``); when a run appears more than once (a re-run after a code change), the row
    read last replaces the earlier ones. Each cell reports how many runs it holds; the RMSE
    ratios compare all runs of each method in the cell (the seeds are shared, ``rep`` 0, 1,
    ...; a method with more runs has the extra seeds too). Coverage with its exact binomial
    95% interval over the pooled intervals (first and total order; the intervals of one run
    are correlated).
    """
    import json

    if isinstance(paths, str):
        paths = [paths]
    rows = [json.loads(line) for path in paths for line in open(path) if line.strip()]
    cells: dict = {}
    for r in rows:
        cells.setdefault((r["k"], r["case"], r["d"]), {}).setdefault(r["method"], {})[r["rep"]] = r
    ours = "**samplingstats default**"
    order = [ours, *_BASE] + [
        "OpenTURNS Saltelli",
        "OpenTURNS Martinez",
        "OpenTURNS Jansen",
        OT_CHAOS,
    ]

    def rmse(rs, key):
        return float(np.sqrt(np.mean([np.square(r[key]) for r in rs])))

    heads = [
        "case",
        "model runs",
        "method",
        "runs",
        "RMSE first",
        "RMSE total",
        "worst |error|",
        "95% CI coverage [binomial 95% CI]",
        "time/run",
    ]
    sheads = [
        "case",
        "model runs",
        "runs (ours / scipy, SALib / OT chaos)",
        "design chosen",
        "first / best(scipy, SALib)",
        "total / best(scipy, SALib)",
        "first / OT chaos",
        "total / OT chaos",
        "coverage [binomial 95% CI]",
    ]
    detail, summary = [], []
    for (k, case, d), meth in sorted(cells.items(), key=lambda t: (t[0][0], t[0][1])):
        base = [m for m in _BASE if m in meth]
        b1 = min((rmse(list(meth[m].values()), "e1") for m in base), default=np.nan)
        bT = min((rmse(list(meth[m].values()), "eT") for m in base), default=np.nan)
        covs = {}
        for m in order:
            if m not in meth:
                continue
            rs = list(meth[m].values())
            r1, rT = rmse(rs, "e1"), rmse(rs, "eT")
            worst = max(max(np.abs(r["e1"]).max(), np.abs(r["eT"]).max()) for r in rs)
            cov = "-"
            if rs[0]["hits"] is not None:
                h = np.concatenate([r["hits"] for r in rs])
                x, nn = int(h.sum()), h.size
                ci = stats.binomtest(x, nn).proportion_ci()
                cov = f"{x / nn:.3f} [{ci.low:.3f}, {ci.high:.3f}]"
                covs[m] = cov
            detail.append(
                [
                    case,
                    (d + 2) * 2**k,
                    m,
                    len(rs),
                    f"{r1:.2g} ({r1 / b1:.2g}x)",
                    f"{rT:.2g} ({rT / bT:.2g}x)",
                    f"{worst:.2g}",
                    cov,
                    f"{np.median([r['time'] for r in rs]):.2f} s",
                ]
            )
        if ours in meth:
            rs = list(meth[ours].values())
            r1, rT = rmse(rs, "e1"), rmse(rs, "eT")
            des = [r["design"] for r in rs]
            dtxt = ", ".join(f"{x} {des.count(x)}/{len(des)}" for x in sorted(set(des), key=str))
            if OT_CHAOS in meth:
                cr = list(meth[OT_CHAOS].values())
                c1 = f"{r1 / rmse(cr, 'e1'):.2g}"
                cT = f"{rT / rmse(cr, 'eT'):.2g}"
                nc = len(cr)
            else:
                c1 = cT = "-"
                nc = 0
            nb = "/".join(str(len(meth[m])) for m in base) or "0"
            summary.append(
                [
                    case,
                    (d + 2) * 2**k,
                    f"{len(rs)} / {nb} / {nc}",
                    dtxt,
                    f"{r1 / b1:.2g}",
                    f"{rT / bT:.2g}",
                    c1,
                    cT,
                    covs.get(ours, "-"),
                ]
            )
    s_text = format_table(sheads, summary, title="default sobol_indices: RMSE ratios (< 1: we win)")
    d_text = format_table(
        heads,
        detail,
        title="Sobol' indices at equal model runs; in parentheses the RMSE over the best of "
        "scipy and SALib (< 1: better)",
    )
    return _md(s_text) + "\n\n" + _md(d_text)


def main():
    global _QUICK
    quick = quick_mode() or "--quick" in sys.argv[1:]
    _QUICK = quick
    N = 2000 if quick else 20_000
    R = 1 if quick else int(os.environ.get("SAMPLINGSTATS_BENCH_REPS", "30"))
    chaos_reps = int(os.environ.get("SAMPLINGSTATS_BENCH_CHAOS_REPS", "1" if quick else "5"))
    ks = (
        [8]
        if quick
        else [int(k) for k in os.environ.get("SAMPLINGSTATS_BENCH_K", "10,12").split(",")]
    )
    import SALib.analyze.sobol  # noqa: F401  (every library imported before pinning)

    try:
        import openturns  # noqa: F401
    except ImportError:  # OpenTURNS is optional: its rows are left out
        METHODS[:] = [m for m in METHODS if not m[0].startswith("OpenTURNS")]
    chaos_ks = tuple(
        int(k) for k in os.environ.get("SAMPLINGSTATS_BENCH_CHAOS_K", str(min(ks))).split(",")
    )

    pin_threads(1)
    out = ["# samplingstats.importance benchmark", "", machine_info(), "", thread_report(), ""]
    print("\n".join(out), flush=True)
    S_beam, ST_beam = beam_reference(8 if quick else 12)
    cases = [
        (
            "Ishigami (d = 3)",
            tf.ishigami,
            tf.ishigami_dists(),
            tf.ISHIGAMI_FIRST,
            tf.ISHIGAMI_TOTAL,
        ),
        ("Sobol' G (d = 8)", sobol_g, [stats.uniform(0, 1)] * 8, *sobol_g_indices()),
        (
            "borehole (d = 8)",
            borehole,
            borehole_dists(),
            BOREHOLE_FIRST,
            BOREHOLE_TOTAL,
        ),
        ("cantilever beam (d = 6)", tf.cantilever_beam, tf.cantilever_dists(), S_beam, ST_beam),
        (
            "lognormal X1 X2 + X3 (d = 3)",
            lognormal_model,
            [stats.lognorm(s) for s in LN_SIG],
            *lognormal_indices(),
        ),
        (
            "threshold 1{U1<.3}1{U2<.6} (d = 3)",
            threshold_model,
            [stats.uniform()] * 3,
            *threshold_indices(),
        ),
    ]
    # seed of a case: its place in the full list, whatever SAMPLINGSTATS_BENCH_CASES selects
    # (before session 6 the place in the selection; G's k = 16 runs 10-29 of session 6 used 0)
    seeds = {c[0]: ci for ci, c in enumerate(cases)}
    only = os.environ.get("SAMPLINGSTATS_BENCH_CASES", "")
    if only:  # comma-separated substrings of case names, e.g. "G (,threshold"
        cases = [c for c in cases if any(w in c[0] for w in only.split(","))]
    results = {}
    if os.environ.get("SAMPLINGSTATS_BENCH_SKIP_PEERS", "0") not in ("", "0"):
        ks = []
    for k in ks:
        for name, func, dists, S, ST in cases:
            results[(name, k, len(dists))] = peer_case(
                name,
                func,
                dists,
                S,
                ST,
                k,
                R,
                seed=seeds[name],
                chaos_reps=chaos_reps,
                chaos_ks=chaos_ks,
            )
            print(f"done {name} k={k}", flush=True)
    complete = all(
        "**samplingstats default**" in res and all(b in res for b in _BASE)
        for res in results.values()
    )
    if results and complete:  # a run of some methods only: build the tables with --from-jsonl
        text = _md(peer_table(results, ks, R))
        summary = _md(summary_table(results))
        out += [summary, "", text, "", thread_report(), ""]
        print(summary, flush=True)
        print(text, flush=True)
    print(thread_report(), flush=True)
    if os.environ.get("SAMPLINGSTATS_BENCH_ONLY_PEERS", "0") not in ("", "0"):
        return "\n".join(out)
    # SAMPLINGSTATS_BENCH_PARTS: any of laws, onelaw, overhead (default: all three)
    parts = os.environ.get("SAMPLINGSTATS_BENCH_PARTS", "laws,onelaw,overhead").split(",")
    if "laws" in parts:
        # the 100 intervals of one run are correlated: coverage needs many independent runs
        text, cov_text, r_laws = many_laws_case(
            N, 2 if quick else 100, 10 if quick else 100, seed=5
        )
        for t in (text, cov_text):
            t = _md(t)
            out += [t, ""]
            print(t, flush=True)
    if "onelaw" in parts:
        text = _md(one_law_case(N, 2 if quick else 20))
        out += [text, ""]
        print(text, flush=True)
    if "overhead" in parts:
        text = _md(overhead_case(N, 1 if quick else 5))
        out += [text, ""]
        print(text, flush=True)
    print(thread_report(), flush=True)
    return "\n".join(out)


if __name__ == "__main__":
    if "--from-jsonl" in sys.argv[1:]:
        # --from-jsonl FILE [FILE ...]: later files' rows replace earlier ones for the same run
        print(tables_from_jsonl(sys.argv[sys.argv.index("--from-jsonl") + 1 :]))
    else:
        main()
