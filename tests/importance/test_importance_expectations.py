"""Tests of samplingstats.importance.multiple_expectations (seeded, statistical)."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import factorial2

from samplingstats import InvalidParameterError
from samplingstats.importance import ExpectationsResult, multiple_expectations, plot_history
from samplingstats.importance._testfunctions import cantilever_beam, cantilever_dists

JS = np.arange(1, 11)
MOMENTS = factorial2(2 * JS - 1).astype(float)  # E[X^{2j}], X ~ N(0, 1)
CRUDE_VAR = factorial2(4 * JS - 1).astype(float) - MOMENTS**2  # Var(X^{2j})


def moments(x):
    return x ** (2 * JS)


def square(x):  # module level: picklable for the process pool
    return x[:, 0] ** 2 + x[:, 1]


# ------------------------------------------------------------------------ validation case 1
def test_gaussian_moments_accuracy_and_variance_reduction():
    rng = np.random.default_rng(20240601)
    res = multiple_expectations(moments, [stats.norm()], budget=20_000, rng=rng)
    assert isinstance(res, ExpectationsResult)
    assert res.estimate.shape == (10,) and res.n_evaluations == 20_000
    z = (res.estimate - MOMENTS) / res.standard_error
    # |z| < 4.5 for each of 10 CLT statistics: false-failure probability < 10 * 7e-6
    assert np.all(np.abs(z) < 4.5), z
    # relative standard errors are well below the 0.025 relative-RMSE target
    rel_se = res.standard_error / MOMENTS
    assert np.all(rel_se < 0.025), rel_se
    # weighted (1 / I^2) variance vs crude Monte Carlo with the same budget (exact formula)
    ours = np.sum(rel_se**2)
    crude = np.sum(CRUDE_VAR / MOMENTS**2) / 20_000
    assert crude / ours >= 1e4, crude / ours


@pytest.mark.slow
def test_gaussian_moments_relative_rmse_over_repetitions():
    rng = np.random.default_rng(7)
    errs = np.array(
        [
            multiple_expectations(moments, [stats.norm()], budget=20_000, rng=rng).estimate
            / MOMENTS
            - 1
            for _ in range(12)
        ]
    )
    rmse = np.sqrt((errs**2).mean(axis=0))
    # measured relative RMSE ~0.009-0.019 (12 runs); 0.025 is the note's target; with 12 runs the
    # RMSE estimate has a relative sd of ~20%, so 0.025 sits > 2.5 sd above the largest value
    assert np.all(rmse <= 0.025), rmse
    # unbiasedness: the mean error of each moment is within 4.5 of its standard error
    se_mean = errs.std(axis=0, ddof=1) / np.sqrt(len(errs))
    assert np.all(np.abs(errs.mean(axis=0)) < 4.5 * se_mean + 1e-12)


# ------------------------------------------------------------------------ validation case 4
@pytest.mark.slow
def test_confidence_interval_coverage_over_repetitions():
    # E[X^2] = 1, E[X^4] = 3, E[exp(X)] = e^{1/2} under N(0, 1), 200 seeded repetitions
    truth = np.array([1.0, 3.0, np.exp(0.5)])
    rng = np.random.default_rng(11)

    def f(x):
        return np.column_stack([x[:, 0] ** 2, x[:, 0] ** 4, np.exp(x[:, 0])])

    hits = np.zeros(3)
    R = 200
    for _ in range(R):
        res = multiple_expectations(f, [stats.norm()], budget=1000, rng=rng)
        ci = res.confidence_interval(0.95)
        hits += (ci.low < truth) & (truth < ci.high)
    cover = hits / R
    # Binomial(200, 0.95): P(count < 176) + P(count > 199) < 1e-4 per expectation, i.e.
    # coverage in [0.88, 0.995]; the note's target band is [0.90, 0.98]
    assert np.all((cover >= 0.88) & (cover <= 0.995)), cover


@pytest.mark.slow
def test_standard_errors_calibrated_per_law_over_repetitions():
    # One integrand x^2 + 1 under four input laws N(mu_j, sd_j) (closed form mu^2 + sd^2 + 1)
    # with standard errors of different sizes. If every reported SE is the true standard
    # deviation of its estimate, sum_r z_rj^2 over R independent runs is ~ chi2(R) for each law j
    # (the laws' estimates within a run are correlated, so each law is tested on its own).
    # Bonferroni over 4 laws and both tails: false-failure probability 1e-4. The band admits SEs
    # off by a factor 0.80-1.31 only. Measured on this seed: T / R = 0.96-1.06 as reported;
    # SEs x sqrt(2) give 0.48-0.53, SEs / sqrt(2) (e.g. divided by sqrt(budget) instead of
    # sqrt(N_final)) give 1.9-2.1, and one SE pooled over the laws gives 0.43 and 2.2: all fail.
    mus = np.array([0.0, -0.8, 0.5, 1.5])
    sds = np.array([1.3, 1.0, 0.7, 0.9])  # the widest law first
    laws = [[stats.norm(m, s)] for m, s in zip(mus, sds)]
    truth = mus**2 + sds**2 + 1.0
    rng = np.random.default_rng(2026)
    R = 150
    z = np.array(
        [
            (res.estimate - truth) / res.standard_error
            for res in (
                multiple_expectations(lambda x: x[:, 0] ** 2 + 1.0, laws, budget=1000, rng=rng)
                for _ in range(R)
            )
        ]
    )
    T = (z**2).sum(axis=0)
    lo, hi = stats.chi2.ppf([1e-4 / 8, 1 - 1e-4 / 8], R)
    assert np.all((T > lo) & (T < hi)), (T / R, lo / R, hi / R)


# ------------------------------------------------------------------------ signed, several laws
def test_signed_integrand_is_centred_and_split():
    rng = np.random.default_rng(3)
    # E[X] = 0.5 and E[sin(X)] = 0 for X ~ N(0.5, 1)... written as X ~ N(0.5, 1) input
    res = multiple_expectations(
        lambda x: np.column_stack([x[:, 0], np.sin(x[:, 0] - 0.5), x[:, 0] ** 2]),
        [stats.norm(0.5, 1.0)],
        budget=6000,
        weights="absolute",
        rng=rng,
        method="aiscv",
    )
    np.testing.assert_array_equal(res.signed, [True, True, False])
    truth = np.array([0.5, 0.0, 1.25])
    z = (res.estimate - truth) / res.standard_error
    assert np.all(np.abs(z) < 4.5), z  # false-failure probability < 3 * 7e-6


@pytest.mark.parametrize("shared", [True, False])
def test_one_input_law_per_expectation(shared):
    rng = np.random.default_rng(5 if shared else 6)
    mus = np.linspace(-0.5, 0.5, 6)
    sds = np.linspace(0.9, 1.1, 6)
    laws = [[stats.norm(m, s), stats.lognorm(0.25)] for m, s in zip(mus, sds)]
    if shared:

        def f(x):
            return x[:, 0] ** 2 * x[:, 1]

    else:

        def f(x):
            return np.column_stack([x[:, 0] ** 2 * x[:, 1]] * 6) * np.arange(1, 7)

    res = multiple_expectations(f, laws, budget=12_000, rng=rng, method="aiscv")
    truth = (mus**2 + sds**2) * np.exp(0.25**2 / 2)
    if not shared:
        truth = truth * np.arange(1, 7)
    z = (res.estimate - truth) / res.standard_error
    assert res.estimate.shape == (6,)
    assert np.all(np.abs(z) < 4.5), z  # false-failure probability < 6 * 7e-6


@pytest.mark.parametrize("family", ["gaussian", "gaussian_mixture", "student"])
def test_families_unbiased(family):
    rng = np.random.default_rng(17)
    truth = np.array([1.0, 3.0, 15.0])
    res = multiple_expectations(
        lambda x: x ** np.array([2, 4, 6]),
        [stats.norm()],
        budget=6000,
        family=family,
        rng=rng,
        method="aiscv",
    )
    z = (res.estimate - truth) / res.standard_error
    assert np.all(np.abs(z) < 4.5), z
    assert res.final_alpha[0] == pytest.approx(0.05)  # defensive weight kept
    assert res.final_alpha.sum() == pytest.approx(1.0)


def test_history_and_plot():
    import matplotlib

    matplotlib.use("Agg")
    rng = np.random.default_rng(2)
    res = multiple_expectations(moments, [stats.norm()], budget=10_000, rng=rng)
    h = res.history
    T = res.n_iter + 1
    assert h["estimates"].shape == (T, 10) and h["variances"].shape == (T, 10)
    assert h["alpha"].shape == (T, 11)
    np.testing.assert_allclose(h["alpha"].sum(axis=1), 1.0)
    assert h["n_evaluations"][-1] == res.n_adaptive <= 5000
    # the adapted per-point variance of the top moment is far below the exact crude variance
    # (the pilot's own sample variance underestimates it badly for X^20)
    assert h["variances"][-1, -1] < 1e-4 * CRUDE_VAR[-1]
    fig = plot_history(res)
    assert len(fig.axes) == 3
    with pytest.raises(InvalidParameterError, match="'result' parameter of plot_history"):
        plot_history(object())


def test_reproducible_and_map_like_workers():
    a = multiple_expectations(square, [stats.norm()] * 2, budget=2000, rng=123)
    b = multiple_expectations(
        square, [stats.norm()] * 2, budget=2000, rng=123, workers=lambda f, chunks: map(f, chunks)
    )
    np.testing.assert_array_equal(a.estimate, b.estimate)


@pytest.mark.slow
def test_process_pool_workers():
    a = multiple_expectations(square, [stats.norm()] * 2, budget=2000, rng=123)
    b = multiple_expectations(square, [stats.norm()] * 2, budget=2000, rng=123, workers=2)
    np.testing.assert_array_equal(a.estimate, b.estimate)


def test_progress_bar_runs(capsys):
    pytest.importorskip("tqdm")
    res = multiple_expectations(square, [stats.norm()] * 2, budget=1000, rng=0, progress=True)
    assert res.n_evaluations == 1000


# ------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"budget": 100}, "'budget' parameter of multiple_expectations is too small"),
        ({"budget": 0}, "'budget' parameter of multiple_expectations must be an int"),
        ({"weights": [1.0, -1.0]}, "'weights' must be non-negative"),
        ({"weights": [1.0, 1.0, 1.0]}, "'weights' must have length 2"),
        ({"weights": "bogus"}, "'weights' parameter of multiple_expectations"),
        ({"family": "cauchy"}, "'family' parameter of multiple_expectations"),
        ({"defensive": 1.0}, "'defensive' parameter of multiple_expectations"),
        ({"adapt_fraction": 1.5}, "'adapt_fraction' parameter"),
        ({"block_fraction": 0.6}, "'block_fraction' parameter of multiple_expectations must not"),
        ({"workers": 0}, "'workers' parameter of multiple_expectations"),
        ({"rng": -1}, "'rng' parameter"),
        ({"progress": "yes"}, "'progress' parameter"),
    ],
)
def test_bad_parameters(kwargs, match):
    base = {"budget": 2000}
    base.update(kwargs)
    with pytest.raises(InvalidParameterError, match=match):
        multiple_expectations(
            lambda x: np.column_stack([x[:, 0], x[:, 0] ** 2]), [stats.norm()], **base
        )


@pytest.mark.parametrize(
    ("dists", "match"),
    [
        ([stats.norm], "entry 0 is .* not a frozen continuous univariate law"),
        ([stats.poisson(2)], "not a frozen continuous univariate law"),
        ([], "'dists' parameter of multiple_expectations must be"),
        ("norm", "'dists' parameter of multiple_expectations must be"),
        ([[stats.norm()], [stats.norm(), stats.norm()]], "same number of inputs"),
        ([[stats.norm()], [3.0]], "entry 1 is not a sequence of frozen"),
    ],
)
def test_bad_dists(dists, match):
    with pytest.raises(InvalidParameterError, match=match):
        multiple_expectations(lambda x: x[:, 0] ** 2, dists, budget=2000)


def test_bad_func_outputs():
    with pytest.raises(InvalidParameterError, match="must return an array of shape"):
        multiple_expectations(lambda x: np.ones((3, 1)), [stats.norm()], budget=2000)
    with pytest.raises(InvalidParameterError, match="returned NaN or infinite values"):
        multiple_expectations(
            lambda x: np.where(x[:, 0] > 0, np.inf, 1.0), [stats.norm()], budget=2000
        )
    with pytest.raises(InvalidParameterError, match="'func' parameter of multiple_expectations"):
        multiple_expectations("not callable", [stats.norm()], budget=2000)
    laws = [[stats.norm()], [stats.norm(1.0)]]
    with pytest.raises(InvalidParameterError, match="must return 1 or 2 columns"):
        multiple_expectations(lambda x: np.ones((x.shape[0], 3)), laws, budget=2000)


def test_torch_integrand_outputs_are_accepted():
    torch = pytest.importorskip("torch")

    def f(x):  # a torch-vectorised model (CPU tensors in the tests; CUDA works the same way)
        t = torch.as_tensor(x)
        return torch.stack([t[:, 0] ** 2, torch.exp(t[:, 0])], dim=1)

    rng = np.random.default_rng(21)
    res = multiple_expectations(f, [stats.norm()], budget=4000, rng=rng)
    truth = np.array([1.0, np.exp(0.5)])
    assert np.all(np.abs(res.estimate - truth) < 4.5 * res.standard_error)


def test_rqmc_final_stage_unbiased_with_t_intervals():
    rng = np.random.default_rng(41)
    truth = np.array([1.0, 3.0, 15.0])
    res = multiple_expectations(
        lambda x: x ** np.array([2, 4, 6]),
        [stats.norm()],
        budget=6001,
        rng=rng,
        qmc=True,
        n_replicates=10,
        method="aiscv",
    )
    assert res.dof == 9 and res.summands.shape == (10, 3)
    assert res.n_evaluations <= 6001 and (res.n_evaluations - res.n_adaptive) % 10 == 0
    ci = res.confidence_interval(0.999)  # t_9 quantile 4.78: false failure < 3e-3 in all
    assert np.all((ci.low < truth) & (truth < ci.high))
    from scipy.stats import t

    width = (ci.high - ci.low) / (2 * res.standard_error)
    np.testing.assert_allclose(width, t.ppf(0.9995, 9))
    with pytest.raises(InvalidParameterError, match="'n_replicates' parameter"):
        multiple_expectations(lambda x: x**2, [stats.norm()], budget=2000, qmc=True, n_replicates=1)


def test_rqmc_sobol_linear():
    rng = np.random.default_rng(43)
    from samplingstats.importance import sobol_indices

    a = np.array([1.0, 2.0, 0.5])
    res = sobol_indices(lambda x: x @ a, [stats.norm()] * 3, budget=5 * 4000, rng=rng, qmc=True)
    S = a**2 / np.sum(a**2)
    assert res.dof == 7
    ci = res.confidence_interval(0.999)  # t_7 quantile 5.4 per index
    assert np.all((ci.low < S) & (S < ci.high))


# ------------------------------------------------------------------------ issue 17
def test_integrand_that_never_left_zero_is_flagged_not_a_zero_width_interval():
    # P(X > 3.5) = 2.3e-4: the adaptive sample of 2,000 points never sees the event
    with pytest.warns(UserWarning, match=r"expectation\(s\) \[0\] took a single value"):
        res = multiple_expectations(
            lambda x: (x[:, 0] > 3.5).astype(float), [stats.norm()], budget=2000, rng=0
        )
    assert res.estimate[0] == 0 and not res.reliable[0]
    ci = res.confidence_interval(0.95)
    assert ci.low[0] == -np.inf and ci.high[0] == np.inf
    # an informative sample is not flagged
    ok = multiple_expectations(lambda x: x**2, [stats.norm()], budget=2000, rng=0)
    assert ok.reliable.all() and np.all(np.isfinite(ok.standard_error))


def test_complex_integrand_is_refused():
    with pytest.raises(TypeError, match="'func' parameter of multiple_expectations must return"):
        multiple_expectations(lambda x: x[:, 0] + 1j, [stats.norm()], budget=2000, rng=0)


# ------------------------------------------------------------------------ method="auto" / "rqmc"
def _beam_and_square(x):
    y = cantilever_beam(x)
    return np.column_stack([y, y**2])


def _beam_reference():
    # E[D], E[D^2] by 8^6-node tensor Gauss-Hermite quadrature in standard-normal space
    from samplingstats.importance._inputs import InputLaws

    z, w = np.polynomial.hermite_e.hermegauss(8)
    w = w / w.sum()
    grid = np.stack(np.meshgrid(*([z] * 6), indexing="ij"), axis=-1).reshape(-1, 6)
    W = np.prod(np.stack(np.meshgrid(*([w] * 6), indexing="ij"), axis=-1).reshape(-1, 6), axis=1)
    y = cantilever_beam(InputLaws(cantilever_dists()).to_x(grid))
    return np.array([W @ y, W @ y**2])


def test_auto_uses_rqmc_with_surrogates_on_a_smooth_integrand():
    truth = _beam_reference()
    res = multiple_expectations(_beam_and_square, cantilever_dists(), budget=20_000, rng=4)
    assert res.method == "rqmc" and res.n_adaptive == 0 and res.dof == 7
    assert res.n_evaluations == 20_000
    # Student-t(7) intervals at 0.9999 (quantile 7.9): false failure < 2e-4 for both
    ci = res.confidence_interval(0.9999)
    assert np.all((ci.low < truth) & (truth < ci.high)), (res.estimate - truth, ci)
    # far more accurate than AISCV at the same budget (measured over 10 seeds: RMSE 5e-7 vs
    # 4e-4 for E[D]); the reported errors show it in one run
    ais = multiple_expectations(
        _beam_and_square, cantilever_dists(), budget=20_000, rng=4, method="aiscv"
    )
    assert ais.method == "aiscv"
    assert np.all(res.standard_error < ais.standard_error / 30)
    assert res.covariance().shape == (2, 2)


def test_auto_keeps_aiscv_on_indicators_without_losing_the_pilot():
    # P(X1 + X2 + X3 > 2) under N(0, I): an indicator, no polynomial explains it
    p = stats.norm.sf(2 / np.sqrt(3))
    res = multiple_expectations(
        lambda x: (x.sum(axis=1) > 2).astype(float), [stats.norm()] * 3, budget=8000, rng=9
    )
    assert res.method == "aiscv" and res.n_evaluations == 8000
    assert abs(res.estimate[0] - p) < 4.5 * res.standard_error[0]  # false failure < 7e-6


def test_rqmc_method_guards():
    with pytest.raises(InvalidParameterError, match="'method' parameter"):
        multiple_expectations(lambda x: x, [stats.norm()], budget=4000, method="qmc")
    with pytest.raises(InvalidParameterError, match="'budget' parameter"):
        multiple_expectations(lambda x: x, [stats.norm()], budget=20, method="rqmc")


@pytest.mark.slow
def test_rqmc_interval_coverage():
    # E[exp(X1 + X2 / 2)] = exp(5 / 8) under N(0, I), 40 independent seeded runs at 2,000
    # points: at the nominal 0.95, P(Bin(40, 0.95) <= 31) = 1.3e-4
    truth = np.exp(5 / 8)
    hits = 0
    for seed in range(40):
        res = multiple_expectations(
            lambda x: np.exp(x[:, 0] + x[:, 1] / 2),
            [stats.norm()] * 2,
            budget=2000,
            rng=seed,
            method="rqmc",
        )
        ci = res.confidence_interval(0.95)
        hits += int(ci.low[0] < truth < ci.high[0])
    assert hits >= 32, hits
