"""Session-7 non-smooth several-law cases (notes/session-7/mlaws.md, "Other cases"), re-run.

Rewrite of /tmp/ss7/mlaws_cmp.py + mlaws_cmp3.py (same case definitions, same seeds 0..K-1,
budget 8192). For each case and method (auto, aiscv, rqmc forced): summed MSE over the laws,
coverage of the 95% intervals (all laws, all runs), and how often auto picked rqmc.

Usage: PYTHONPATH=. python notes/session-8/kink/mlaws_cases.py K [before] > rows.txt
(``before``: the tail-safe surrogate choice off, ``_rqmc_expect.TAIL_SAFE_DEGREE = 99``).
"""

import sys
import time
import warnings

import numpy as np
from scipy import stats

from benchmarks._harness import pin_threads
from samplingstats.importance import _rqmc_expect as rx
from samplingstats.importance import multiple_expectations

_ctl = pin_threads(1)


def eabs(m, s, c):
    """E|X - c| for X ~ N(m, s^2)."""
    t = (c - m) / s
    return (m - c) * (1 - 2 * stats.norm.cdf(t)) + 2 * s * stats.norm.pdf(t)


def case_far():
    mus = np.linspace(-2, 2, 20)
    laws = [[stats.norm(0, 1.5), stats.norm(0, 1.5)]] + [
        [stats.norm(m, 1.0), stats.norm(-m / 2, 1.0)] for m in mus
    ]
    mu = np.array([[0, 0]] + [[m, -m / 2] for m in mus])
    sd = np.array([[1.5, 1.5]] + [[1, 1]] * 20)
    a = np.array([0.7, 0.3])
    truth = np.exp(mu @ a + 0.5 * (sd**2) @ a**2)
    return "exp-linear 21 laws", lambda x: np.exp(0.7 * x[:, 0] + 0.3 * x[:, 1]), laws, truth


def case_ind():
    mus = np.linspace(0, 1, 10)[::-1]
    laws = [[stats.norm(m, 1.0)] * 3 for m in mus]
    truth = np.array([stats.norm.sf((4 - 3 * m) / np.sqrt(3)) for m in mus])
    return (
        "indicator 1{sum x > 4}, 10 laws",
        lambda x: (x.sum(axis=1) > 4).astype(float),
        laws,
        truth,
    )


def case_ln():
    ss = np.linspace(0.5, 0.8, 10)[::-1]
    laws = [[stats.lognorm(s), stats.lognorm(s)] for s in ss]
    truth = np.exp(ss**2 / 2) * np.exp(2 * ss**2)
    return "lognormal x y^2, 10 laws", lambda x: x[:, 0] * x[:, 1] ** 2, laws, truth


def case_kink():
    mus = np.linspace(-0.5, 0.5, 10)
    laws = [[stats.norm(0, 1.3)] * 2] + [[stats.norm(m, 1.0)] * 2 for m in mus]
    ms = np.concatenate([[0], mus])
    sds = np.concatenate([[1.3], np.ones(10)])
    truth = eabs(ms, sds, 0.3) + ms**2 + sds**2
    return (
        "2-D kink |x0 - 0.3| + x1^2, 11 laws",
        lambda x: np.abs(x[:, 0] - 0.3) + x[:, 1] ** 2,
        laws,
        truth,
    )


def case_kink1():
    laws = [[stats.norm(0, 2.0)], [stats.norm(3, 0.5)]]
    truth = np.array([4 + 0.3 * eabs(0, 2, 3), 9.25 + 0.3 * eabs(3, 0.5, 3)])
    return (
        "1-D kink x^2 + 0.3|x - 3|, 2 laws",
        lambda x: x[:, 0] ** 2 + 0.3 * np.abs(x[:, 0] - 3),
        laws,
        truth,
    )


CASES = [case_far, case_ind, case_ln, case_kink, case_kink1]

if __name__ == "__main__":
    K = int(sys.argv[1])
    if "before" in sys.argv[2:]:
        rx.TAIL_SAFE_DEGREE = 99
    warnings.simplefilter("ignore")
    print("| case | method | summed MSE | coverage | auto picked rqmc | median time/run |")
    print("|---|---|---|---|---|---|")
    for case in CASES:
        name, f, laws, truth = case()
        for meth in ["auto", "aiscv", "rqmc"]:
            errs, cov, ms, ts = [], [], [], []
            for s in range(K):
                t0 = time.perf_counter()
                res = multiple_expectations(f, laws, budget=8192, rng=s, method=meth)
                ts.append(time.perf_counter() - t0)
                e = res.estimate - truth
                lo, hi = res.confidence_interval(0.95)
                errs.append(e)
                cov.append(np.mean((lo <= truth) & (truth <= hi)))
                ms.append(res.method)
            errs = np.array(errs)
            picked = f"{ms.count('rqmc')}/{K}" if meth == "auto" else "-"
            print(
                f"| {name} | {meth} | {np.mean(errs**2, axis=0).sum():.3g} | {np.mean(cov):.3f} | "
                f"{picked} | {np.median(ts):.2f} s |",
                flush=True,
            )
