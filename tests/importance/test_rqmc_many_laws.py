"""RQMC with chaos control variates under several input laws (``multiple_expectations``).

Points are drawn in the first law's space; law ``l`` enters through ``w_l = p_l / p_1`` and the
surrogate's expectation under law ``l`` is exact (``LawMoments``, Gauss quadrature in law ``l``'s
germ). Layers: the univariate moments against independent quadrature and closed forms; exact
estimates on integrands inside the chaos span; unbiasedness and coverage over seeded runs; the
``method="auto"`` dispatch; bad input.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import ndtri

from samplingstats import InvalidParameterError
from samplingstats.importance import multiple_expectations
from samplingstats.importance._chaos import _tables
from samplingstats.importance._inputs import InputLaws
from samplingstats.importance._rqmc import _draw, _engine
from samplingstats.importance._rqmc_expect import (
    QUAD_NODES,
    LawMoments,
    germ_table,
    germ_values,
    law_nodes,
    likelihood_ratios,
    pilot_is_smooth,
    pilot_laws_ok,
)


# ------------------------------------------------------------------------ univariate moments
def test_germ_table_is_the_chaos_basis():
    rng = np.random.default_rng(0)
    U = rng.uniform(size=(200, 2))
    T = _tables(U, ["hermite", "legendre"], 14)
    np.testing.assert_allclose(germ_table(ndtri(U[:, 0]), "hermite", 14), T[0], rtol=1e-12)
    np.testing.assert_allclose(
        germ_table(2 * U[:, 1] - 1, "legendre", 14), T[1], rtol=1e-12, atol=1e-12
    )


def _reference_moments(law1, law, p):
    """``E_law[P_k(germ_1(X))]`` by adaptive quadrature in ``x`` with numpy's own polynomials
    (independent of the code under test)."""
    lo1, hi1 = law1.support()
    bounded = np.isfinite(lo1) and np.isfinite(hi1)
    lo, hi = law.support()
    if not np.isfinite(lo):
        lo = law.ppf(1e-16)
    if not np.isfinite(hi):
        hi = law.isf(1e-16)
    out = []
    for k in range(p + 1):
        e = np.zeros(k + 1)
        if bounded:
            e[k] = math.sqrt(2 * k + 1)

            def h(x, e=e):
                return np.polynomial.legendre.legval(2 * law1.cdf(x) - 1, e)
        else:
            e[k] = 1 / math.sqrt(math.factorial(k))

            def h(x, e=e):
                return np.polynomial.hermite_e.hermeval(ndtri(law1.cdf(x)), e)

        val, _ = integrate.quad(
            lambda x, h=h: law.pdf(x) * h(x), lo, hi, limit=400, epsabs=1e-13, epsrel=1e-12
        )
        out.append(val)
    return np.array(out)


@pytest.mark.parametrize(
    "law1, law",
    [
        (stats.norm(0.0, 1.2), stats.norm(0.3, 0.9)),  # affine: exact
        (stats.lognorm(0.3, scale=2.0), stats.lognorm(0.2, scale=2.3)),  # affine in log x
        (stats.uniform(-1.0, 3.0), stats.uniform(0.0, 1.0)),  # affine
        (stats.norm(0.0, 1.5), stats.uniform(-1.0, 2.0)),  # bounded inside unbounded: affine
        (stats.norm(0.0, 2.0), stats.lognorm(0.25)),  # not affine, smooth
    ],
)
def test_law_moments_match_independent_quadrature(law1, law):
    p = 10
    mom = LawMoments([InputLaws([law1]), InputLaws([law])])
    m, m_check = mom.table(p)
    ref = _reference_moments(law1, law, p)
    tol = 1e-9 * np.maximum(1.0, np.abs(ref))
    assert np.all(np.abs(m[1, 0] - ref) < tol), (m[1, 0] - ref, ref)
    # the quadrature-error estimate (second node set) sees no error either
    assert np.all(np.abs(m[1, 0] - m_check[1, 0]) < tol)
    # the first law itself: orthonormality, E[P_k] = 1{k = 0}
    np.testing.assert_allclose(m[0, 0], np.eye(p + 1)[0], atol=1e-12)


def test_grouped_scipy_calls_equal_per_law_calls():
    # likelihood ratios and quadrature nodes are computed per family in one vectorised call
    from samplingstats.importance._testfunctions import cantilever_dists

    sets = [InputLaws(cantilever_dists(s, h)) for s, h in [(1.2, 0.0), (0.9, 0.05), (1.1, -0.1)]]
    sets.append(InputLaws([stats.gamma(25, scale=20)] + sets[1].laws[1:]))  # a family alone
    X = sets[0].from_uniform(np.random.default_rng(1).uniform(size=(500, 6)))
    logp = np.column_stack([s.logpdf(X) for s in sets])
    np.testing.assert_allclose(
        likelihood_ratios(sets, X), np.exp(logp - logp[:, :1]), rtol=1e-12, atol=1e-300
    )
    mom = LawMoments(sets)
    for i in range(6):
        for l, s in enumerate(sets):
            x, w = law_nodes(s.laws[i], QUAD_NODES[0])
            g = germ_values(x, sets[0].laws[i], mom.kinds[i])
            ok = np.isfinite(g)  # nodes beyond the first law's germ range are dropped
            assert w[~ok].sum() < 1e-50  # only extreme Gauss-Hermite nodes (|z| > 15)
            np.testing.assert_allclose(mom._G[0][l, i][ok], g[ok], rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(mom._W[0][l, i], np.where(ok, w, 0.0), rtol=1e-12)


def test_law_moments_flag_a_divergent_integral():
    # E[P_6(X)] under Student-t(5) does not exist: the two node sets disagree wildly
    mom = LawMoments([InputLaws([stats.norm()]), InputLaws([stats.t(5)])])
    m, m_check = mom.table(6)
    assert abs(m[1, 0, 6] - m_check[1, 0, 6]) > 1.0
    assert np.all(np.abs(m[1, 0, :3] - m_check[1, 0, :3]) < 1e-3)  # E[X^2] = 5/3 exists


def test_surrogate_expectation_closed_form():
    # Gaussian laws: germ_1 = (x - mu_1) / s_1 is N(a, b^2) under law l, so
    # E[He_1] = a, E[He_2 / sqrt 2] = (a^2 + b^2 - 1) / sqrt 2, products over inputs
    mu1, s1 = np.array([0.0, 1.0]), np.array([1.3, 1.2])
    mu, s = np.array([0.4, 0.8]), np.array([1.0, 0.9])
    sets = [
        InputLaws([stats.norm(m_, s_) for m_, s_ in zip(a, b)]) for a, b in ((mu1, s1), (mu, s))
    ]
    mom = LawMoments(sets)
    index = np.array([[0, 0], [1, 0], [0, 2], [1, 2], [2, 1]])
    coef = np.array([0.7, -1.1, 0.4, 0.25, -0.3])
    a, b = (mu - mu1) / s1, s / s1
    e1 = a
    e2 = (a**2 + b**2 - 1) / np.sqrt(2)
    exact = coef @ [1.0, e1[0], e2[1], e1[0] * e2[1], e2[0] * e1[1]]
    M, M2 = mom.expect(np.array([0, 1]), index)
    assert M[0] @ coef == pytest.approx(coef[0], abs=1e-12)
    assert M[1] @ coef == pytest.approx(exact, rel=1e-12)
    assert M2[1] @ coef == pytest.approx(exact, rel=1e-12)


# ------------------------------------------------------------------------ estimates
MUS = np.array([[0.0, 0.0], [0.3, -0.2], [-0.4, 0.5], [0.2, 0.1]])
SDS = np.array([[1.3, 1.3], [1.0, 0.9], [1.1, 1.2], [0.8, 1.0]])
GAUSS_LAWS = [[stats.norm(m_, s_) for m_, s_ in zip(m, s)] for m, s in zip(MUS, SDS)]


def test_polynomial_integrand_is_exact_under_every_law():
    # x0^2 + x0 x1 + 3 lies in the chaos span: the control variate removes everything
    truth = MUS[:, 0] ** 2 + SDS[:, 0] ** 2 + MUS[:, 0] * MUS[:, 1] + 3.0
    res = multiple_expectations(
        lambda x: x[:, 0] ** 2 + x[:, 0] * x[:, 1] + 3.0,
        GAUSS_LAWS,
        budget=4096,
        rng=1,
        method="rqmc",
    )
    assert res.method == "rqmc" and res.dof == 7 and res.n_evaluations == 4096
    np.testing.assert_allclose(res.estimate, truth, rtol=1e-8)


def test_one_law_in_a_list_equals_the_one_law_path():
    f = lambda x: np.exp(0.5 * x[:, 0]) * np.cos(x[:, 1])  # noqa: E731
    laws = GAUSS_LAWS[1]
    a = multiple_expectations(f, laws, budget=2048, rng=3, method="rqmc")
    b = multiple_expectations(f, [laws], budget=2048, rng=3, method="rqmc")
    np.testing.assert_allclose(b.estimate, a.estimate, rtol=1e-12)
    np.testing.assert_allclose(b.standard_error, a.standard_error, rtol=1e-6)


def test_unbiased_and_intervals_cover_over_seeded_runs():
    # E[exp(a.x)] = exp(a.mu + |a s|^2 / 2) under N(mu, diag s^2): not in the chaos span.
    # K independent runs at 1,024 points. Unbiasedness per law: the errors' mean over runs
    # divided by its standard error is Student-t(K - 1); |t| > 4.5 has probability 3e-5 per
    # law (4 laws: 1.3e-4). Coverage: one law per run (independent intervals), hits ~ Bin(K, p)
    # with p ~ 0.95; the bound is the 1e-3 quantile at p = 0.90. Calibration: per run the mean
    # of z^2 over the laws (z ~ t_7: E[z^2] = 1.4, sd <= 2.8), averaged over runs: a mean
    # of 60 such values below 0.3 or above 4 has probability < 1e-3; SEs 3x too large give
    # about 0.15, 3x too small about 12.
    a = np.array([0.6, 0.3])
    truth = np.exp(MUS @ a + 0.5 * (SDS**2) @ a**2)
    K = 60
    errs, z2, hits = [], [], 0
    for k in range(K):
        res = multiple_expectations(
            lambda x: np.exp(x @ a), GAUSS_LAWS, budget=1024, rng=100 + k, method="rqmc"
        )
        e = res.estimate - truth
        errs.append(e)
        z2.append(np.mean((e / res.standard_error) ** 2))
        ci = res.confidence_interval(0.95)
        j = k % len(truth)
        hits += int(ci.low[j] < truth[j] < ci.high[j])
    errs = np.array(errs)
    t = errs.mean(axis=0) / (errs.std(axis=0, ddof=1) / np.sqrt(K))
    assert np.all(np.abs(t) < 4.5), t
    assert hits >= stats.binom.ppf(1e-3, K, 0.90), hits
    assert 0.3 < np.mean(z2) < 4.0, np.mean(z2)


def test_one_surrogate_per_column_and_constant_columns():
    # func returns (n, L): column l is law l's integrand
    mus, sds = MUS[:3], SDS[:3]

    def f(x):
        return np.column_stack([x[:, 0] ** 2, np.full(len(x), 2.0), x[:, 0] * x[:, 1]])

    truth = np.array([mus[0, 0] ** 2 + sds[0, 0] ** 2, 2.0, mus[2, 0] * mus[2, 1]])
    with pytest.warns(UserWarning, match=r"expectation\(s\) \[1\]"):
        res = multiple_expectations(f, GAUSS_LAWS[:3], budget=4096, rng=2, method="rqmc")
    np.testing.assert_allclose(res.estimate, truth, rtol=1e-8, atol=1e-10)
    assert res.estimate[1] == 2.0
    np.testing.assert_array_equal(res.reliable, [True, False, True])


def test_zero_likelihood_ratios_outside_a_narrower_support():
    # laws inside the first law's support: w_l = 0 where p_l = 0; E[x0^2 + x1] closed form
    lo_hi = [((0.0, 2.0), (0.0, 2.0)), ((0.5, 1.5), (0.0, 2.0)), ((0.0, 1.0), (1.0, 2.0))]
    laws = [[stats.uniform(a, b - a) for a, b in law] for law in lo_hi]
    truth = np.array([(b**3 - a**3) / (3 * (b - a)) + (c + e) / 2 for (a, b), (c, e) in lo_hi])
    res = multiple_expectations(
        lambda x: x[:, 0] ** 2 + x[:, 1], laws, budget=4096, rng=5, method="rqmc"
    )
    assert np.all(np.isfinite(res.standard_error))
    ci = res.confidence_interval(0.9999)  # t_7 quantile 7.9: false failure 1e-4 per law
    assert np.all((ci.low < truth) & (truth < ci.high)), (res.estimate - truth, ci)


# ------------------------------------------------------------------------ dispatch
def test_auto_picks_rqmc_on_a_smooth_integrand_under_several_laws():
    a = np.array([0.3, 0.2])

    def f(x):
        return x[:, 0] ** 2 + np.exp(x @ a)

    truth = MUS[:, 0] ** 2 + SDS[:, 0] ** 2 + np.exp(MUS @ a + 0.5 * (SDS**2) @ a**2)
    res = multiple_expectations(f, GAUSS_LAWS, budget=5000, rng=7)
    assert res.method == "rqmc" and res.n_adaptive == 0
    assert res.n_evaluations == 5000  # 8 replicates of 625
    ci = res.confidence_interval(0.9999)  # t_7: false failure < 4 x 1e-4
    assert np.all((ci.low < truth) & (truth < ci.high))
    ais = multiple_expectations(f, GAUSS_LAWS, budget=5000, rng=7, method="aiscv")
    assert ais.method == "aiscv"
    assert np.all(res.standard_error < ais.standard_error / 10)


def test_auto_keeps_aiscv_on_an_indicator_under_several_laws():
    mus = np.array([1.0, 0.8, 0.5, 0.2])
    laws = [[stats.norm(m, 1.0)] * 3 for m in mus]
    p = stats.norm.sf((2.5 - 3 * mus) / np.sqrt(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning on this path
        res = multiple_expectations(
            lambda x: (x.sum(axis=1) > 2.5).astype(float), laws, budget=8000, rng=9
        )
    assert res.method == "aiscv" and res.n_evaluations == 8000
    assert np.all(np.abs(res.estimate - p) < 4.5 * res.standard_error)  # 4 x 7e-6


def test_auto_sends_a_law_where_the_surrogate_is_poor_to_aiscv():
    # smooth for the first law (the kink at x0 = 3 is a small part of the variance under
    # N(0, 2^2)), but law 2 concentrates on the kink: its weighted out-of-fold error is large
    laws = [
        InputLaws([stats.norm(0.0, 2.0), stats.norm(0.0, 2.0)]),
        InputLaws([stats.norm(3.0, 0.3), stats.norm(0.0, 1.0)]),
    ]

    def f(x):
        return x[:, 0] ** 2 + x[:, 1] ** 2 + 0.3 * np.abs(x[:, 0] - 3.0)

    U = _draw(_engine(2, np.random.default_rng(0)), 1024)
    Y = f(laws[0].from_uniform(U))[:, None]
    assert pilot_is_smooth(U, Y, laws[0])[1]
    worst, ok = pilot_laws_ok(U, Y, laws)
    assert not ok and worst > 0.02
    assert pilot_laws_ok(U, Y, laws[:1])[1]
    res = multiple_expectations(f, [law.laws for law in laws], budget=16_384, rng=0)
    assert res.method == "aiscv" and res.n_evaluations == 16_384


# ------------------------------------------------------------------------ bad input
def test_bad_input_with_several_laws():
    with pytest.raises(InvalidParameterError, match="'dists' parameter") as info:
        multiple_expectations(
            lambda x: x[:, 0], [[stats.uniform()], [stats.norm()]], budget=4096, method="rqmc"
        )
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidParameterError, match="'func' parameter"):
        multiple_expectations(
            lambda x: np.ones((len(x), 2)), GAUSS_LAWS[:3], budget=4096, method="rqmc"
        )
    with pytest.raises(InvalidParameterError, match="'budget' parameter"):
        multiple_expectations(lambda x: x[:, 0], GAUSS_LAWS, budget=20, method="rqmc")
    res = multiple_expectations(lambda x: x[:, 0], GAUSS_LAWS, budget=4001, method="rqmc")
    assert res.n_evaluations == 4000  # 8 replicates of 500


@pytest.mark.parametrize("shared", [True, False])
def test_lognormal_input_shared_or_per_law_integrand(shared):
    # as the AISCV test of one law per expectation: E[X0^2 X1], X0 ~ N(mu, sd), X1 ~ LN(0.25),
    # first law N(-0.5, 0.9) narrower than some others (ratios unbounded, variance finite)
    mus = np.linspace(-0.5, 0.5, 6)
    sds = np.linspace(0.9, 1.1, 6)
    laws = [[stats.norm(m, s), stats.lognorm(0.25)] for m, s in zip(mus, sds)]
    scale = np.ones(6) if shared else np.arange(1, 7)

    def f(x):
        y = x[:, 0] ** 2 * x[:, 1]
        return y if shared else np.column_stack([y] * 6) * scale

    res = multiple_expectations(f, laws, budget=4096, rng=6, method="rqmc")
    truth = (mus**2 + sds**2) * np.exp(0.25**2 / 2) * scale
    ci = res.confidence_interval(0.9999)  # t_7: false failure < 6 x 1e-4
    assert np.all((ci.low < truth) & (truth < ci.high)), (res.estimate - truth, ci)
    assert np.all(res.standard_error < 1e-3 * truth)
