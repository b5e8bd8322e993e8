"""Tail-safe surrogate choice of the expectations RQMC path (``multiple_expectations``).

A kink under a Gaussian law, ``x^2 + 0.3 |x - 3|`` with ``x ~ N(0, 2^2)``: the cross-validated
Hermite chaos (degree up to 12) extrapolates the kink into tails that no replicate samples, every
replicate then misses the same tail mass and the replicate jackknife does not see it (95%
intervals covered 0.80 / 0.78 at 8,192 / 32,768 points over 200 runs, session 8). The path also
fits a chaos of degree <= ``TAIL_SAFE_DEGREE`` and keeps the one with the smaller jackknife
variance: on the kink the quadratic (RMSE 6.9e-5 against 4.3e-3, coverage 0.960 [0.923, 0.980]);
on smooth integrands the full one (estimates and standard errors unchanged).
"""

import numpy as np
import pytest
from scipy import stats

import samplingstats.importance._rqmc_expect as rx
from samplingstats.importance import multiple_expectations


def _kink(x):
    return x[:, 0] ** 2 + 0.3 * np.abs(x[:, 0] - 3)


LAW = stats.norm(0, 2)


def _eabs(m, s, c):
    """E|X - c| for X ~ N(m, s^2)."""
    t = (c - m) / s
    return (m - c) * (1 - 2 * stats.norm.cdf(t)) + 2 * s * stats.norm.pdf(t)


REF = 4 + 0.3 * _eabs(0.0, 2.0, 3.0)


def test_jackknife_variance_helper():
    theta = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0]])
    assert np.allclose(rx._jk_var(theta), [2 / 3 * 8, 0.0])


@pytest.mark.slow
def test_kink_intervals_cover():
    # 300 runs of the default at 8,192 points: coverage 0.960 [0.923, 0.980] over 200 fresh-seed
    # runs (notes/session-8/kink). Bound: at least 264 hits of 300 (0.88). If the true coverage
    # were 0.93, P(Bin(300, 0.93) < 264) = 6e-4 (the false-failure probability); without the
    # tail-safe choice (coverage 0.80, measured) the test passes with probability 1.7e-4
    hits, rqmc = 0, 0
    for r in range(300):
        res = multiple_expectations(_kink, [LAW], budget=8192, rng=np.random.default_rng([14, r]))
        lo, hi = res.confidence_interval(0.95)
        hits += int(lo[0] <= REF <= hi[0])
        rqmc += res.method == "rqmc"
    assert rqmc >= 290  # the pilot calls the kink smooth (200 of 200 runs, session 8)
    assert hits >= 264, hits


def test_kink_estimates_accurate_with_the_tail_safe_surrogate(monkeypatch):
    # 20 runs: RMSE 6.9e-5 over 200 runs, largest error 2.8e-4; the bound 1e-3 fails only if
    # one run errs by more than 4.5e-3 (16x the largest seen). Without the choice (switched off
    # below) the RMSE is 4.3e-3 (200 runs). On the plain sampling law: the widened one
    # (TAIL_WIDEN, test_rqmc_expect_tails.py) also lets the full chaos see the tails
    monkeypatch.setattr(rx, "TAIL_WIDEN", 1.0)

    def rmse():
        err = [
            multiple_expectations(_kink, [LAW], budget=8192, method="rqmc", rng=r).estimate[0] - REF
            for r in range(20)
        ]
        return np.sqrt(np.mean(np.square(err)))

    assert rmse() < 1e-3
    monkeypatch.setattr(rx, "TAIL_SAFE_DEGREE", 99)
    assert rmse() > 1e-3  # the full chaos on these seeds: 5e-3


@pytest.mark.parametrize(
    "func, dists",
    [
        (lambda x: np.exp(0.8 * x[:, 0]), [stats.norm(0, 1.5)]),
        (
            lambda x: np.exp(x @ np.array([0.6, 0.4, -0.3])),
            [stats.norm(0.2, 1.0), stats.norm(-0.1, 0.7), stats.norm(0.0, 1.2)],
        ),
        (lambda x: np.cos(x[:, 0]) + 0.2 * x[:, 1] ** 3, [stats.norm(), stats.lognorm(0.3)]),
    ],
)
def test_smooth_integrands_keep_the_full_surrogate(monkeypatch, func, dists):
    # the alternative is fitted but loses: identical estimates and standard errors
    res = multiple_expectations(func, dists, budget=8192, method="rqmc", rng=3)
    monkeypatch.setattr(rx, "TAIL_SAFE_DEGREE", 99)
    ref = multiple_expectations(func, dists, budget=8192, method="rqmc", rng=3)
    assert np.array_equal(res.estimate, ref.estimate)
    assert np.array_equal(res.standard_error, ref.standard_error)


def test_bounded_inputs_fit_no_alternative(monkeypatch):
    calls = []
    original = rx.crossfit_chaos

    def spy(*args, **kwargs):
        calls.append(kwargs.get("max_degree"))
        return original(*args, **kwargs)

    monkeypatch.setattr(rx, "crossfit_chaos", spy)
    multiple_expectations(
        lambda x: np.abs(x[:, 0] - 0.3), [stats.uniform()], budget=4096, method="rqmc", rng=0
    )
    assert calls == [30]


def test_several_laws_kink_takes_the_tail_safe_surrogate(monkeypatch):
    # the kink under N(0, 2^2) and N(3, 0.5^2) (session-7 case), 10 runs: summed MSE over the two
    # laws 1.0e-8 with the choice (largest error 1.4e-4); the bound 1e-6 fails only if one run
    # errs by more than 3.2e-3 (23x the largest seen). Without it: 7.1e-6 (errors up to 6.6e-3)
    laws = [[stats.norm(0, 2.0)], [stats.norm(3, 0.5)]]
    truth = np.array([4 + 0.3 * _eabs(0, 2, 3), 9.25 + 0.3 * _eabs(3, 0.5, 3)])

    def mse():
        err = [
            multiple_expectations(_kink, laws, budget=8192, method="rqmc", rng=r).estimate - truth
            for r in range(10)
        ]
        return np.mean(np.square(err), axis=0).sum()

    assert mse() < 1e-6
    monkeypatch.setattr(rx, "TAIL_SAFE_DEGREE", 99)
    assert mse() > 1e-6
