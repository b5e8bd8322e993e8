"""Coverage and standard-error calibration study of multiple_expectations on Gaussian moments.

    python -m benchmarks._importance_coverage          # 200 runs at N = 20,000 (~15-30 s)
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks._importance_coverage

E[X^{2j}], j = 1..10, X ~ N(0, 1) (validation case 1 of the method note), R independent seeded
runs. Per moment: coverage of the 95% intervals (with its exact binomial 95% CI: the runs are
independent), the misses below and above, relative RMSE, root-mean-square reported SE / RMSE
(1 in expectation: the final sample is i.i.d. given the frozen adaptation, so E[SE^2] = Var), mean
reported SE / empirical SD (below 1 when the SE is skewed across runs), and the weighted (1 / I^2) MSE against crude Monte Carlo's exact variance at the same budget.

Second study, the replicate-jackknife intervals of ``sobol_indices`` (session 5):

    python -m benchmarks._importance_coverage sobol CASE K RUNS OUT.jsonl [FIRST_RUN]

CASE in lognormal, ishigami, borehole, threshold, G, beam (the benchmark's models), budget
``(d + 2) 2^K``, seeds ``[4, K, r]``. Each run's leave-one-out values ``theta`` are recomputed
from the same fits and appended to OUT.jsonl with the estimates and reported SEs;
``python -m benchmarks._importance_coverage table OUT.jsonl ...`` prints the pooled coverage
of the t intervals for the jackknife variance alone, for the mean squared error form
(variance + squared jackknife bias estimate), centred on the estimate or on ``estimate - b``,
and (rows recorded since session 6 with the per-replicate values ``E_full`` / ``E_without``)
for the jackknife variance less its replicate-pair interaction over-count;
``sobol_indices`` reports the centred MSE form when some input has unbounded support (Hermite
germs), the last form otherwise.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.special import factorial2

from benchmarks._harness import machine_info, quick_mode
from samplingstats._table import format_table
from samplingstats.importance import multiple_expectations

JS = np.arange(1, 11)
MOMENTS = factorial2(2 * JS - 1).astype(float)
CRUDE_VAR = factorial2(4 * JS - 1).astype(float) - MOMENTS**2


def moments_study(N, R, seed=77):
    E, S = [], []
    for r in range(R):
        res = multiple_expectations(
            lambda x: x ** (2 * JS), [stats.norm()], budget=N, rng=np.random.default_rng([seed, r])
        )
        E.append(res.estimate)
        S.append(res.standard_error)
    E, S = np.array(E), np.array(S)
    z = (E - MOMENTS) / S
    hit = np.abs(z) < stats.norm.ppf(0.975)
    rel = (E - MOMENTS) / MOMENTS
    rows = []
    for j in range(10):
        ci = stats.binomtest(int(hit[:, j].sum()), R).proportion_ci(0.95)
        rows.append(
            [
                f"E[X^{2 * JS[j]}]",
                f"{hit[:, j].mean():.3f} [{ci.low:.3f}, {ci.high:.3f}]",
                f"{np.mean(z[:, j] < -1.96):.3f} / {np.mean(z[:, j] > 1.96):.3f}",
                f"{np.sqrt(np.mean(rel[:, j] ** 2)):.4f}",
                f"{np.sqrt(np.mean(S[:, j] ** 2)) / (MOMENTS[j] * np.sqrt(np.mean(rel[:, j] ** 2))):.3f}",
                f"{S[:, j].mean() / E[:, j].std(ddof=1):.3f}",
                f"{np.corrcoef(E[:, j], S[:, j])[0, 1]:+.2f}",
            ]
        )
    gain = (CRUDE_VAR / MOMENTS**2).sum() / N / np.mean(rel**2, axis=0).sum()
    heads = [
        "moment",
        "coverage [binomial 95% CI]",
        "miss low / high",
        "relative RMSE",
        "rms SE / RMSE",
        "mean SE / SD",
        "corr(estimate, SE)",
    ]
    title = (
        f"Gaussian moments, N = {N} points, {R} independent runs: weighted (1/I^2) MSE "
        f"{gain:.3g}x below crude Monte Carlo"
    )
    return format_table(heads, rows, title=title)


def _sobol_case(case):
    from benchmarks import bench_importance as b
    from samplingstats.importance import _testfunctions as tf

    if case == "lognormal":
        dists = [stats.lognorm(s) for s in b.LN_SIG]
        return b.lognormal_model, dists, *b.lognormal_indices()
    if case == "ishigami":
        return tf.ishigami, tf.ishigami_dists(), tf.ISHIGAMI_FIRST, tf.ISHIGAMI_TOTAL
    if case == "borehole":
        return b.borehole, b.borehole_dists(), b.BOREHOLE_FIRST, b.BOREHOLE_TOTAL
    if case == "threshold":
        return b.threshold_model, [stats.uniform()] * 3, *b.threshold_indices()
    if case == "G":
        return b.sobol_g, [stats.uniform(0, 1)] * 8, *b.sobol_g_indices()
    if case == "beam":
        return tf.cantilever_beam, tf.cantilever_dists(), *b.beam_reference(12)
    raise SystemExit(f"unknown case {case!r}")


def sobol_jackknife_study(case, k, runs, out, first_run=0):
    import json
    import time

    import samplingstats.importance._rqmc as rq
    from benchmarks._harness import pin_threads
    from samplingstats.importance import sobol_indices

    pin_threads(1)
    captured = {}
    original = rq._projection_result

    def recording(Y, Ufull, laws, fits, c, R, n_r, per, first, rel):
        res = original(Y, Ufull, laws, fits, c, R, n_r, per, first, rel)
        d, kinds = laws.d, rq.germs(laws.laws)
        st = [
            rq._projection_stats(
                Y[r], Ufull[r], kinds, fits[r]["coef"], fits[r]["index"], fits[r]["coef_without"]
            )
            for r in range(R)
        ]
        # the default adjusts the residual first-order term across replicates (session 7,
        # ``_rqmc._residual_cv``): recompute the per-replicate values the same way
        parts = [] if rq.RESIDUAL_CV and R > 2 else None
        parts_w = [] if parts is not None else None
        E = np.array(
            [rq._projection_estimate(st[r], fits[r]["index"], c, parts=parts) for r in range(R)]
        )
        Ew = np.array(
            [
                [
                    rq._projection_estimate(st[r], fits[r]["index"], c, k, parts=parts_w)
                    for k in range(R - 1)
                ]
                for r in range(R)
            ]
        )
        if parts is not None:
            rq._residual_cv(E, np.array(parts), (Ew, np.array(parts_w).reshape(R, R - 1, -1)))
        theta = np.empty((R, 2 * d))
        for j in range(R):
            Ej = [Ew[r, j if j < r else j - 1] for r in range(R) if r != j]
            Sj, STj, _, _ = rq.index_jacobian(np.mean(Ej, axis=0), d)
            theta[j] = np.r_[Sj, STj]
        captured["theta"] = theta.tolist()
        # per-replicate expectation vectors, full surrogate (R, m) and refitted without each
        # other replicate j (R, R - 1, m; row k of r is "without j", j = k if k < r else k + 1):
        # the interaction study of session 6 (importance2) is computed from these
        captured["E_full"] = E.tolist()
        captured["E_without"] = Ew.tolist()
        captured["degree"] = [int(f["index"].sum(axis=1).max()) for f in fits]
        return res

    rq._projection_result = recording
    func, dists, S, ST = _sobol_case(case)
    d = len(dists)
    with open(out, "a") as fh:
        for r in range(first_run, first_run + runs):
            captured.clear()
            t0 = time.process_time()
            res = sobol_indices(
                func, dists, budget=(d + 2) * 2**k, rng=np.random.default_rng([4, k, r])
            )
            row = {
                "case": case,
                "k": k,
                "run": r,
                "truth": np.r_[S, ST].tolist(),
                "estimate": np.r_[res.first_order, res.total_order].tolist(),
                "se": np.r_[
                    res.first_order_standard_error, res.total_order_standard_error
                ].tolist(),
                "dof": res.dof,
                "design": res.design,
                "cpu_s": time.process_time() - t0,
                **captured,
            }
            fh.write(json.dumps(row) + "\n")
            fh.flush()


def _interaction_corrected(sel, var):
    """The reported variance for bounded inputs (session 6): the jackknife variance less its
    over-count of the replicate-pair interaction, from the recorded per-replicate values."""
    from samplingstats.importance._rqmc import (
        index_jacobian,
        interaction_corrected_variance,
        jackknife_interaction,
    )

    out = np.empty_like(var)
    for i, r in enumerate(sel):
        E, Ew = np.array(r["E_full"]), np.array(r["E_without"])
        d = (E.shape[1] - 2) // 2
        jac = index_jacobian(E.mean(axis=0), d)[3]
        out[i] = interaction_corrected_variance(var[i], jackknife_interaction(E, Ew, jac), len(E))
    return out


def sobol_jackknife_table(paths):
    import json

    rows_out = []
    rng = np.random.default_rng(0)
    for path in paths:
        rows = [json.loads(line) for line in open(path)]
        for case in sorted({r["case"] + f" k={r['k']}" for r in rows}):
            sel = [r for r in rows if r["case"] + f" k={r['k']}" == case and "theta" in r]
            if not sel:
                continue
            tru = np.array([r["truth"] for r in sel])
            est = np.array([r["estimate"] for r in sel])
            th = np.array([r["theta"] for r in sel])
            R = th.shape[1]
            q = stats.t.ppf(0.975, R - 1)
            var = (R - 1) / R * ((th - th.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
            bias = (R - 1) * (th.mean(axis=1) - est)
            cells = [case, str(len(sel))]
            forms = [(est, var), (est, var + bias**2), (est - bias, var + bias**2)]
            if all("E_full" in r for r in sel):
                forms.append((est, _interaction_corrected(sel, var)))
            for c, v in forms:
                hit = np.abs(c - tru) <= q * np.maximum(np.sqrt(v), 1e-9)
                # run-level bootstrap: the 2d intervals of one run are correlated, so the
                # runs (not the intervals) are resampled
                per_run = hit.mean(axis=1)
                boot = per_run[rng.integers(0, len(per_run), (4000, len(per_run)))].mean(axis=1)
                lo, hi = np.percentile(boot, [2.5, 97.5])
                cells.append(f"{hit.mean():.3f} [{lo:.3f}, {hi:.3f}]")
            rows_out.append(cells + ["-"] * (6 - len(cells)))
    heads = [
        "case",
        "runs",
        "jackknife variance alone",
        "mean squared error form (session 5, unbounded inputs)",
        "MSE form centred at estimate - b (reported: unbounded inputs, session 6)",
        "jackknife variance less the pair interaction (reported: bounded inputs, session 6)",
    ]
    title = (
        "sobol_indices replicate-jackknife t intervals, pooled first + total coverage "
        "[run-level bootstrap 95% CI]"
    )
    return format_table(heads, rows_out, title=title)


def main():
    import sys

    if len(sys.argv) > 1 and sys.argv[1] == "sobol":
        a = sys.argv[2:]
        sobol_jackknife_study(a[0], int(a[1]), int(a[2]), a[3], int(a[4]) if len(a) > 4 else 0)
        return ""
    if len(sys.argv) > 1 and sys.argv[1] == "table":
        text = sobol_jackknife_table(sys.argv[2:])
        print(text, flush=True)
        return text
    quick = quick_mode()
    text = moments_study(2000 if quick else 20_000, 10 if quick else 200)
    print(machine_info() + "\n\n" + text, flush=True)
    return text


if __name__ == "__main__":
    main()
