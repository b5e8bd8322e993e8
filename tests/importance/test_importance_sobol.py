"""Tests of samplingstats.importance.sobol_indices (closed-form indices, seeded)."""

import numpy as np
import pytest
from scipy import stats

from samplingstats import InvalidParameterError
from samplingstats.importance import SobolResult, sobol_indices
from samplingstats.importance._testfunctions import (
    ISHIGAMI_FIRST,
    ISHIGAMI_TOTAL,
    exp_linear,
    exp_linear_indices,
    ishigami,
    ishigami_dists,
)

A_LIN = np.array([1.0, 2.0, 0.5, 0.0])


def linear(x):
    return 3.0 + x @ A_LIN


# ------------------------------------------------------------------------ validation case 2
def test_exp_linear_within_se_and_variance_gain():
    first, total = exp_linear_indices()
    rng = np.random.default_rng(2025)
    budget = 2**13 * 5  # 2^13 pick-freeze points, d + 2 = 5 runs each
    ours = sobol_indices(exp_linear, [stats.norm()] * 3, budget=budget, rng=rng)
    crude = sobol_indices(
        exp_linear, [stats.norm()] * 3, budget=budget, method="pick_freeze", rng=rng
    )
    assert isinstance(ours, SobolResult) and ours.n_evaluations == budget
    assert not ours.centred  # positive log-linear output: uncentred products
    # |z| < 4 for 6 statistics: false-failure probability < 6 * 6.3e-5
    assert np.all(np.abs(ours.first_order - first) < 4 * ours.first_order_standard_error)
    assert np.all(np.abs(ours.total_order - total) < 4 * ours.total_order_standard_error)
    assert np.all(np.abs(crude.first_order - first) < 4 * crude.first_order_standard_error)
    # variance gain at equal model runs from the delta-method variances (each estimated from
    # >= 4000 points, relative error of the ratio ~10%); measured ~90x over repetitions, target 50x
    gain = np.sum(crude.first_order_standard_error**2) / np.sum(ours.first_order_standard_error**2)
    assert gain >= 50, gain


@pytest.mark.slow
def test_exp_linear_mse_gain_over_repetitions():
    first, _ = exp_linear_indices()
    rng = np.random.default_rng(99)
    budget = 2**13 * 5
    e_ours, e_crude, z = [], [], []
    for _ in range(8):
        r = sobol_indices(exp_linear, [stats.norm()] * 3, budget=budget, rng=rng)
        c = sobol_indices(
            exp_linear, [stats.norm()] * 3, budget=budget, method="pick_freeze", rng=rng
        )
        e_ours.append(r.first_order - first)
        e_crude.append(c.first_order - first)
        z.append((r.first_order - first) / r.first_order_standard_error)
    mse_ours = np.mean(np.square(e_ours), axis=0).sum()
    mse_crude = np.mean(np.square(e_crude), axis=0).sum()
    # measured ratio ~90 with 8 x 3 errors each; 25 leaves a > 3x margin for the noise of two
    # 24-term chi-square averages (false failure well under 1e-3)
    assert mse_crude / mse_ours >= 25, mse_crude / mse_ours
    # the standard errors are calibrated: sum of z^2 over 24 statistics ~ chi2(24),
    # P(chi2_24 > 60) < 1e-4
    assert np.sum(np.square(z)) < 60


# ------------------------------------------------------------------------ validation case 3
def test_ishigami_unbiased_and_not_worse_than_crude():
    rng = np.random.default_rng(31)
    budget = 2**13 * 5
    ours = sobol_indices(ishigami, ishigami_dists(), budget=budget, rng=rng)
    crude = sobol_indices(ishigami, ishigami_dists(), budget=budget, method="pick_freeze", rng=rng)
    assert ours.centred  # signed output: centred products
    assert np.all(np.abs(ours.first_order - ISHIGAMI_FIRST) < 4 * ours.first_order_standard_error)
    assert np.all(np.abs(ours.total_order - ISHIGAMI_TOTAL) < 4 * ours.total_order_standard_error)
    # robustness guard of the note: variance no worse than 2x crude pick-freeze (measured:
    # 1.6x better)
    assert np.sum(ours.first_order_standard_error**2) <= 2 * np.sum(
        crude.first_order_standard_error**2
    )


# ------------------------------------------------------------------------ linear model
@pytest.mark.parametrize("method", ["aiscv", "pick_freeze", "saltelli"])
def test_linear_model_closed_form(method):
    rng = np.random.default_rng(8)
    S = A_LIN**2 / np.sum(A_LIN**2)
    res = sobol_indices(linear, [stats.norm()] * 4, budget=6 * 6000, method=method, rng=rng)
    assert res.n_points == 6000 and res.method == method
    se1 = np.maximum(res.first_order_standard_error, 1e-12)
    se2 = np.maximum(res.total_order_standard_error, 1e-12)
    # 8 statistics at |z| < 4.5; the zero index of x4 is estimated exactly (products vanish)
    assert np.all(np.abs(res.first_order - S) < 4.5 * se1 + 1e-9)
    assert np.all(np.abs(res.total_order - S) < 4.5 * se2 + 1e-9)
    assert res.variance == pytest.approx(np.sum(A_LIN**2), rel=0.1)
    ci = res.confidence_interval(0.99, order="total")
    assert np.all(ci.low <= ci.high)


@pytest.mark.slow
def test_sobol_ci_coverage_linear():
    # coverage of the 95% delta-method intervals of S_1..S_3 over 40 repetitions
    S = A_LIN[:3] ** 2 / np.sum(A_LIN**2)
    rng = np.random.default_rng(4)
    hits = 0
    R = 40
    for _ in range(R):
        res = sobol_indices(linear, [stats.norm()] * 4, budget=6 * 3000, rng=rng)
        ci = res.confidence_interval(0.95)
        hits += np.sum((ci.low[:3] < S) & (S < ci.high[:3]))
    cover = hits / (3 * R)
    # 120 (dependent within a run) Bernoulli(0.95) trials; treating the 3 per run as fully
    # dependent (40 trials), P(cover < 0.80) < 1e-3
    assert cover >= 0.80, cover


# ------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"budget": 500}, "'budget' parameter of sobol_indices is too small.*model evaluations"),
        ({"method": "jansen"}, "'method' parameter of sobol_indices"),
        ({"centre": "yes"}, "'centre' parameter of sobol_indices must be 'auto' or a bool"),
        ({"family": "cauchy"}, "'family' parameter of sobol_indices"),
    ],
)
def test_sobol_bad_parameters(kwargs, match):
    base = {"budget": 5000}
    base.update(kwargs)
    with pytest.raises(InvalidParameterError, match=match):
        sobol_indices(linear, [stats.norm()] * 4, **base)


def test_sobol_bad_dists_and_func():
    with pytest.raises(InvalidParameterError, match="'dists' parameter of sobol_indices"):
        sobol_indices(linear, [[stats.norm()] * 4] * 2, budget=5000)
    with pytest.raises(InvalidParameterError, match="must return 1 columns"):
        sobol_indices(
            lambda x: np.column_stack([x[:, 0], x[:, 1]]), [stats.norm()] * 2, budget=5000
        )
    res = sobol_indices(linear, [stats.norm()] * 4, budget=5000, rng=0)
    with pytest.raises(InvalidParameterError, match="'order' parameter"):
        res.confidence_interval(order="second")


def test_order_is_validated_and_frames_have_one_row_per_input():
    f = lambda x: x[:, 0] + 0.5 * x[:, 1]  # noqa: E731
    with pytest.raises(InvalidParameterError, match="'order'"):
        sobol_indices(f, [stats.norm()] * 2, budget=8000, order="foo", rng=0)
    res = sobol_indices(f, [stats.norm()] * 2, budget=8000, method="pick_freeze", rng=0)
    pytest.importorskip("pandas")
    df = res.to_frame()
    assert df.shape[0] == 2
    np.testing.assert_array_equal(df["first_order"], res.first_order)
    np.testing.assert_array_equal(df["total_order_standard_error"], res.total_order_standard_error)
    assert np.all(df["first_order_ci_low"] < df["first_order_ci_high"])
