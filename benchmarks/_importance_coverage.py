"""Coverage and standard-error calibration study of multiple_expectations on Gaussian moments.

    python -m benchmarks._importance_coverage          # 200 runs at N = 20,000 (~15-30 s)
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks._importance_coverage

E[X^{2j}], j = 1..10, X ~ N(0, 1) (validation case 1 of the method note), R independent seeded
runs. Per moment: coverage of the 95% intervals (with its exact binomial 95% CI: the runs are
independent), the misses below and above, relative RMSE, root-mean-square reported SE / RMSE
(1 in expectation: the final sample is i.i.d. given the frozen adaptation, so E[SE^2] = Var), mean
reported SE / empirical SD (below 1 when the SE is skewed across runs), and the weighted (1 / I^2) MSE against crude Monte Carlo's exact variance at the same budget.
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


def main():
    quick = quick_mode()
    text = moments_study(2000 if quick else 20_000, 10 if quick else 200)
    print(machine_info() + "\n\n" + text, flush=True)
    return text


if __name__ == "__main__":
    main()
