"""Benchmark samplingstats.importance against crude pick-freeze, scipy.stats.sobol_indices and SALib.

    python -m benchmarks.bench_importance            # full sizes (a few minutes)
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks.bench_importance

Everything runs in the same process at equal model-evaluation budgets:

1. First-order Sobol' indices at N pick-freeze points (N (d + 2) model runs) on the cantilever
   beam (d = 6, reference by 12^6-node Gauss-Hermite quadrature, equal to 16^6 nodes to 1e-12),
   the exp-linear model and Ishigami (closed forms). Rows: ours (AISCV), crude pick-freeze with the note's estimator
   ``(E[phi(X) phi(X^(i))] - E[phi]^2) / V`` on the centred output, crude pick-freeze with the
   Saltelli (2010) estimator, scipy.stats.sobol_indices (RQMC Saltelli 2010, n = 2^k <= N) and
   SALib (scrambled Sobol' sequence + analyze.sobol, n = 2^k <= N). Summed MSE over the indices
   from R seeded repetitions, ratio to ours, and the empirical coverage of the 95% intervals.
2. The beam's mean deflection under 100 input laws (load means shifted by up to +-10%, all
   standard deviations scaled by 0.8-1.2): one AISCV run of N points vs N / 100 crude points per
   law, over 100 independent runs (the 100 intervals of one run are correlated): summed MSE,
   coverage with a run-level standard error, the per-run coverage distribution and the SE
   calibration (mean reported SE / empirical SD per law). Reference by 6^6-node Gauss-Hermite
   quadrature per law (equal to 8^6 nodes to 4e-10 relative).
3. Adaptation overhead: wall time of a run minus the time spent inside the model.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from scipy import stats

from benchmarks._harness import machine_info, quick_mode
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
    S = []
    for i in range(6):
        axes = tuple(j for j in range(6) if j != i)
        cond = (W * Y).sum(axis=axes) / w
        S.append(((w * cond**2).sum() - m * m) / V)
    return np.array(S)


# ---------------------------------------------------------------------------------------------
# peers
# ---------------------------------------------------------------------------------------------
def _to_x(P, dists):
    P = np.clip(P, 1e-12, 1 - 1e-12)
    return np.column_stack([d.ppf(P[:, i]) for i, d in enumerate(dists)])


def scipy_sobol(func, dists, n, rng):
    res = stats.sobol_indices(func=lambda x: func(x.T), n=n, dists=dists, rng=rng)
    return np.asarray(res.first_order), None


def salib_sobol(func, dists, n, rng):
    from SALib.analyze import sobol as sa
    from SALib.sample import sobol as ss

    d = len(dists)
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0, 1]] * d}
    seed = int(rng.integers(2**31))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        P = ss.sample(problem, n, calc_second_order=False, seed=seed)
        Y = func(_to_x(P, dists))
        Si = sa.analyze(problem, Y, calc_second_order=False, num_resamples=50, seed=seed)
    return np.asarray(Si["S1"]), np.asarray(Si["S1_conf"])


def _ours(func, dists, budget, rng):
    r = sobol_indices(func, dists, budget=budget, rng=rng, order="first")
    ci = r.confidence_interval(0.95)
    return r.first_order, (ci.low, ci.high)


def _ours_qmc(func, dists, budget, rng):
    r = sobol_indices(func, dists, budget=budget, rng=rng, order="first", qmc=True)
    ci = r.confidence_interval(0.95)
    return r.first_order, (ci.low, ci.high)


def _crude(method):
    def run(func, dists, budget, rng):
        r = sobol_indices(func, dists, budget=budget, method=method, rng=rng)
        ci = r.confidence_interval(0.95)
        return r.first_order, (ci.low, ci.high)

    return run


def sobol_case(name, func, dists, S_ref, N, R, seed):
    d = len(dists)
    budget = N * (d + 2)
    n2 = 2 ** int(np.floor(np.log2(N)))
    rows = [
        ("**samplingstats sobol_indices (AISCV, order='first')**", _ours, budget, True),
        ("samplingstats, RQMC final stage (qmc=True)", _ours_qmc, budget, True),
        ("crude pick-freeze (note's estimator)", _crude("pick_freeze"), budget, True),
        ("crude pick-freeze (Saltelli 2010)", _crude("saltelli"), budget, True),
        ("scipy.stats.sobol_indices (RQMC)", None, n2 * (d + 2), False),
        ("SALib sample.sobol + analyze.sobol", None, n2 * (d + 2), True),
    ]
    out = {}
    for label, fn, runs, _has_ci in rows:
        errs, hits, times = [], [], []
        for r in range(R):
            rng = np.random.default_rng([seed, r])
            t0 = time.perf_counter()
            if fn is not None:
                S, ci = fn(func, dists, budget, rng)
            elif label.startswith("scipy"):
                S, ci = scipy_sobol(func, dists, n2, rng)
            else:
                S, conf = salib_sobol(func, dists, n2, rng)
                ci = (S - conf, S + conf)
            times.append(time.perf_counter() - t0)
            errs.append(S - S_ref)
            if ci is not None:
                hits.append(np.mean((ci[0] < S_ref) & (S_ref < ci[1])))
        mse = float(np.mean(np.square(errs), axis=0).sum())
        out[label] = (mse, runs, float(np.median(times)), np.mean(hits) if hits else None)
    ours_mse = out[rows[0][0]][0]
    table = []
    for label, (mse, runs, t, cov) in out.items():
        table.append(
            [
                label,
                runs,
                f"{mse:.3g}",
                f"{mse / ours_mse:.3g}x",
                "-" if cov is None else f"{cov:.3f}",
                f"{t:.2f} s",
            ]
        )
    title = f"{name}: first-order Sobol' indices, N = {N} points, {R} repetitions"
    heads = ["method", "model runs", "summed MSE", "MSE / ours", "95% CI coverage", "time/run"]
    return format_table(heads, table, title=title), out


# ---------------------------------------------------------------------------------------------
# 100 input laws
# ---------------------------------------------------------------------------------------------
def many_laws_case(N, R, L, seed):
    """Summed MSE vs separate crude sampling, and the coverage of the per-law 95% intervals.

    The ``L`` intervals of one run come from the same sample and are strongly correlated (a run
    tends to cover all laws or miss a cluster of them), so coverage is estimated over ``R``
    independent runs with a run-level (cluster) standard error, and the per-run coverage
    distribution is reported. Standard-error calibration: per law, the mean reported SE over
    the runs divided by the empirical SD of the estimates (1 when calibrated).
    """
    g = np.random.default_rng(seed)
    # the widest law first: the other laws enter through likelihood ratios w.r.t. it
    scales = np.concatenate([[1.2], g.uniform(0.8, 1.2, L - 1)])
    shifts = np.concatenate([[0.0], g.uniform(-0.1, 0.1, L - 1)])
    laws = [tf.cantilever_dists(s, h) for s, h in zip(scales, shifts)]
    U, W, _ = _gh_tensor(6, 6)
    W = W.ravel()
    ref = np.array([W @ tf.cantilever_beam(InputLaws(law).to_x(U)) for law in laws])
    e_sep, e_ours, se_ours, t_ours, t_sep = [], [], [], [], []
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
        t0 = time.perf_counter()
        res = multiple_expectations(tf.cantilever_beam, laws, budget=N, rng=rng)
        t_ours.append(time.perf_counter() - t0)
        e_sep.append(sep - ref)
        e_ours.append(res.estimate - ref)
        se_ours.append(res.standard_error)
    e_ours, se_ours = np.array(e_ours), np.array(se_ours)
    m_sep = float(np.mean(np.square(e_sep), axis=0).sum())
    m_ours = float(np.mean(np.square(e_ours), axis=0).sum())
    q = stats.norm.ppf(0.975)
    per_run = (np.abs(e_ours) < q * se_ours).mean(axis=1)  # coverage of the L laws, per run
    cov = float(per_run.mean())
    cov_se = float(per_run.std(ddof=1) / np.sqrt(R)) if R > 1 else float("nan")
    rows = [
        [
            "**samplingstats multiple_expectations (one sample)**",
            N,
            f"{m_ours:.3g}",
            "1.0x",
            f"{cov:.3f}",
            f"{np.median(t_ours):.2f} s",
        ],
        [
            f"crude Monte Carlo, {N // L} points per law",
            N,
            f"{m_sep:.3g}",
            f"{m_sep / m_ours:.3g}x",
            "-",
            f"{np.median(t_sep):.2f} s",
        ],
    ]
    title = f"cantilever beam mean deflection under {L} input laws, N = {N} points, {R} repetitions"
    heads = ["method", "model runs", "summed MSE", "MSE / ours", "95% CI coverage", "time/run"]
    text = format_table(heads, rows, title=title)
    ratio = se_ours.mean(axis=0) / e_ours.std(axis=0, ddof=1)
    z2 = (e_ours / se_ours) ** 2
    pct = np.percentile(per_run, [0, 10, 25, 50])
    cov_rows = [
        [
            "coverage of the 95% intervals (all laws, all runs)",
            f"{cov:.3f} +- {1.96 * cov_se:.3f} (95% CI, run-level clusters)",
        ],
        [
            "per-run coverage of the L laws: min / 10% / 25% / median",
            " / ".join(f"{v:.2f}" for v in pct),
        ],
        ["runs whose intervals cover all L laws", f"{np.mean(per_run == 1):.2f}"],
        [
            "mean reported SE / empirical SD of the estimates, per law: median [5%, 95%]",
            f"{np.median(ratio):.3f} [{np.percentile(ratio, 5):.3f}, "
            f"{np.percentile(ratio, 95):.3f}]",
        ],
        [
            "rms reported SE / RMSE, per law: median [5%, 95%]",
            "{:.3f} [{:.3f}, {:.3f}]".format(
                *np.percentile(
                    np.sqrt((se_ours**2).mean(axis=0) / (e_ours**2).mean(axis=0)), [50, 5, 95]
                )
            ),
        ],
        [
            "mean z^2 = ((estimate - reference) / SE)^2 (1 when calibrated)",
            f"{z2.mean():.3f} +- {1.96 * z2.mean(axis=1).std(ddof=1) / np.sqrt(R):.3f}",
        ],
    ]
    cov_text = format_table(
        ["statistic", "value"],
        cov_rows,
        title=f"{L} input laws: interval coverage and SE calibration over {R} independent runs",
    )
    return text, cov_text, m_sep / m_ours


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
    js = np.arange(1, 11)
    coef = 0.3 * np.random.default_rng(12).standard_normal((12, 10))
    cases = [
        (
            "Gaussian moments (J = 10, d = 1)",
            lambda f, rng: multiple_expectations(f, [stats.norm()], budget=N, rng=rng),
            lambda x: x ** (2 * js),
        ),
        (
            "exp-linear family (J = 10, d = 12)",
            lambda f, rng: multiple_expectations(f, [stats.norm()] * 12, budget=N, rng=rng),
            lambda x: np.exp(x @ coef),
        ),
        (
            "beam under 10 laws (J = 10, d = 6)",
            lambda f, rng: multiple_expectations(
                f, [tf.cantilever_dists(1.2 - 0.04 * j) for j in range(10)], budget=N, rng=rng
            ),
            tf.cantilever_beam,
        ),
        (
            "beam Sobol' (J = 20, 2d = 12, 2-Gaussian mixtures)",
            lambda f, rng: sobol_indices(f, tf.cantilever_dists(), budget=N * 8, rng=rng),
            tf.cantilever_beam,
        ),
    ]
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
                N,
                f"{np.median(over):.2f} s",
                f"{np.max(over):.2f} s",
                f"{np.median(cpu):.2f} s",
            ]
        )
    heads = ["case", "points", "median wall overhead", "max wall overhead", "median CPU overhead"]
    return format_table(
        heads, rows, title="adaptation overhead per run (run time minus time inside the model)"
    )


def _md(text):
    """Turn format_table's title line into a markdown heading followed by a blank line."""
    title, _, table = text.partition("\n")
    return f"### {title}\n\n{table}"


def main():
    quick = quick_mode()
    N = 2000 if quick else 20_000
    R = 2 if quick else 20
    out = ["# samplingstats.importance benchmark", "", machine_info(), ""]
    S_beam = beam_reference(8 if quick else 12)
    S_exp, _ = tf.exp_linear_indices()
    ratios = {}
    for name, func, dists, S in [
        ("cantilever beam (d = 6)", tf.cantilever_beam, tf.cantilever_dists(), S_beam),
        ("exp-linear (d = 3)", tf.exp_linear, [stats.norm()] * 3, S_exp),
        ("Ishigami (d = 3)", tf.ishigami, tf.ishigami_dists(), tf.ISHIGAMI_FIRST),
    ]:
        text, res = sobol_case(name, func, dists, S, N, R, seed=len(name))
        text = _md(text)
        out += [text, ""]
        ratios[name] = res
        print(text, flush=True)
    # the 100 intervals of one run are correlated: coverage needs many independent runs
    text, cov_text, r_laws = many_laws_case(N, 4 if quick else 100, 100, seed=5)
    for t in (text, cov_text):
        t = _md(t)
        out += [t, ""]
        print(t, flush=True)
    text = _md(overhead_case(N, 2 if quick else 5))
    out += [text, ""]
    print(text, flush=True)
    return "\n".join(out)


if __name__ == "__main__":
    main()
