"""Fresh-seed coverage of multiple_expectations (one law) with and without the widened
sampling law of the RQMC path (session 8, helper tails; copied from notes/session-8/kink).

Usage: PYTHONPATH=. python notes/session-8/tails/cov_runs.py CASE BUDGET NRUNS w<s> OUT.jsonl
[METHOD [SEEDSET]] (default auto, 0)
``w<s>`` sets ``_rqmc_expect.TAIL_WIDEN`` to s (w1: the committed path). Seeds
``[8, 9, case index, budget, r, seedset]`` (never used before).
One JSON row per run: errors, standard errors, hits of the 95% intervals, method, labels.
"""

import json
import sys
import time
import warnings

import numpy as np
from scipy import stats

from benchmarks._harness import pin_threads
from benchmarks.bench_importance import _gh_tensor
from samplingstats.importance import _rqmc_expect as rx
from samplingstats.importance import _testfunctions as tf
from samplingstats.importance import multiple_expectations
from samplingstats.importance._inputs import InputLaws

_ctl = pin_threads(1)


def kink():
    law = stats.norm(0, 2)
    ref = 4 + 0.3 * (2 * 2 * stats.norm.pdf(1.5) + 3 * (2 * stats.norm.cdf(1.5) - 1))
    return (lambda x: x[:, 0] ** 2 + 0.3 * np.abs(x[:, 0] - 3)), [law], np.array([ref])


def exp1():
    # exp(a x), x ~ N(0, 1.5^2), a = 0.8, and exp(-0.5 x): E = exp(a^2 s^2 / 2)
    s = 1.5
    a = np.array([0.8, -0.5])
    return (lambda x: np.exp(x[:, :1] * a)), [stats.norm(0, s)], np.exp(a**2 * s**2 / 2)


def exp3():
    # exp(a . x), x ~ N(mu, s^2) in 3 dims
    mu, s, a = np.array([0.2, -0.1, 0.0]), np.array([1.0, 0.7, 1.2]), np.array([0.6, 0.4, -0.3])
    ref = np.exp(mu @ a + 0.5 * (s**2) @ a**2)
    return (lambda x: np.exp(x @ a)), [stats.norm(m, t) for m, t in zip(mu, s)], np.array([ref])


def beam():
    U, W, _ = _gh_tensor(8, 6)
    y = tf.cantilever_beam(InputLaws(tf.cantilever_dists()).to_x(U))
    W = W.ravel()

    def f(x):
        d = tf.cantilever_beam(x)
        return np.column_stack([d, d**2])

    return f, tf.cantilever_dists(), np.array([W @ y, W @ y**2])


def kink2d():
    # |x0 - 0.3| + x1^2, x ~ N(0, 1.3^2 I)
    s, c = 1.3, 0.3
    t = c / s
    ref = -c * (1 - 2 * stats.norm.cdf(t)) + 2 * s * stats.norm.pdf(t) + s**2
    return (lambda x: np.abs(x[:, 0] - c) + x[:, 1] ** 2), [stats.norm(0, s)] * 2, np.array([ref])


def ind3():
    # 1{x0 + x1 + x2 > 4}, x ~ N(0, I)
    ref = stats.norm.sf(4 / np.sqrt(3))
    return (lambda x: (x.sum(axis=1) > 4).astype(float)), [stats.norm()] * 3, np.array([ref])


def moments():
    # x^2 .. x^20 under N(0, 1) (the test's moments), relative errors
    k = np.arange(2, 21, 2)
    ref = np.array([float(np.prod(np.arange(1, j, 2))) for j in k])
    return (lambda x: x[:, :1] ** k / ref), [stats.norm()], np.ones(len(k))


def cubic():
    # cos(x) + 0.2 x^3 under N(0.5, 1): a smooth case with a cubic trend
    m = 0.5
    ref = np.exp(-0.5) * np.cos(m) + 0.2 * (m**3 + 3 * m)
    return (lambda x: np.cos(x[:, 0]) + 0.2 * x[:, 0] ** 3), [stats.norm(m, 1.0)], np.array([ref])


CASES = {
    "kink": kink,
    "exp1": exp1,
    "exp3": exp3,
    "beam": beam,
    "kink2d": kink2d,
    "ind3": ind3,
    "cubic": cubic,
    "moments": moments,
}

if __name__ == "__main__":
    case, budget, nruns, mode, out = (
        sys.argv[1],
        int(sys.argv[2]),
        int(sys.argv[3]),
        sys.argv[4],
        sys.argv[5],
    )
    method = sys.argv[6] if len(sys.argv) > 6 else "auto"
    seedset = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    # mode: "w<s>" sets _rqmc_expect.TAIL_WIDEN = s (e.g. w1.25); "w1" the committed path
    rx.TAIL_WIDEN = float(mode[1:])
    f, laws, ref = CASES[case]()
    ci = list(CASES).index(case)
    warnings.simplefilter("ignore")
    with open(out, "w") as fh:
        for r in range(nruns):
            t0 = time.process_time()
            res = multiple_expectations(
                f,
                laws,
                budget=budget,
                rng=np.random.default_rng([8, 9, ci, budget, r, seedset]),
                method=method,
            )
            t = time.process_time() - t0
            lo, hi = res.confidence_interval(0.95)
            row = {
                "case": case if method == "auto" else f"{case} ({method})",
                "budget": budget,
                "mode": mode,
                "r": r,
                "method": res.method,
                "err": (res.estimate - ref).tolist(),
                "se": res.standard_error.tolist(),
                "hit": ((lo <= ref) & (ref <= hi)).tolist(),
                "cpu": t,
            }
            fh.write(json.dumps(row) + "\n")
            fh.flush()
