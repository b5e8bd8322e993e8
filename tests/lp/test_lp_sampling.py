"""Row sampling: exact scaling, unbiasedness (z-tests with exact variances), schemes, sizes."""

import numpy as np
import pytest
import scipy.sparse as sp

from samplingstats import InvalidParameterError
from samplingstats.lp import (
    embedding_distortion,
    lewis_weights,
    lp_regression,
    sample_size,
    sensitivity_sample,
)
from samplingstats.lp._sampling import SCHEMES
from samplingstats.sampling import inclusion_probabilities


def test_bernoulli_scaling_and_probabilities_exact():
    rng = np.random.default_rng(30)
    A = rng.standard_t(2, size=(2000, 4))
    S = sensitivity_sample(A, p=1.5, n_samples=150, rng=rng)
    w = lewis_weights(A, p=1.5).weights
    q = inclusion_probabilities(w, 150)
    # the scores are Lewis weights to residual 1e-2 (contraction 1/4: error <= 1.4e-2)
    np.testing.assert_allclose(S.probabilities, q[S.indices], rtol=3e-2)
    np.testing.assert_allclose(S.scale, S.probabilities ** (-1 / 1.5), rtol=1e-12)
    assert np.all(np.diff(S.indices) > 0) and S.mode == "bernoulli" and S.n_rows == 2000
    np.testing.assert_allclose(S.apply(A), A[S.indices] * S.scale[:, None])


@pytest.mark.parametrize("mode", ["bernoulli", "iid"])
def test_unbiased_lp_norm_z_test(mode):
    # E ||S A x||_p^p = ||A x||_p^p. With fixed scores sigma the variance is exact:
    #   Bernoulli: sum_i (1 - q_i)/q_i |a_i x|^{2p};  iid: (1/m) (sum_i |a_i x|^{2p}/pi_i - T^2).
    # The mean of R = 300 replicates is ~normal; |z| < 4.5 fails w.p. ~7e-6 if the seed changed.
    rng = np.random.default_rng(31)
    n, p, m, R = 3000, 1.5, 100, 300
    A = rng.standard_t(3, size=(n, 3))
    sigma = rng.uniform(0.5, 2.0, size=n)
    x = np.array([1.0, -2.0, 0.5])
    v = np.abs(A @ x) ** p
    T = v.sum()
    if mode == "bernoulli":
        q = inclusion_probabilities(sigma, m)
        var = np.sum((1 - q) / q * v**2)
    else:
        pi = sigma / sigma.sum()
        var = (np.sum(v**2 / pi) - T**2) / m
    est = np.empty(R)
    counts = np.empty(R)
    for r in range(R):
        S = sensitivity_sample(A, p=p, n_samples=m, scores=sigma, mode=mode, rng=rng)
        est[r] = np.sum(np.abs(S.apply(A) @ x) ** p)
        counts[r] = len(S)
    z = (est.mean() - T) / np.sqrt(var / R)
    assert abs(z) < 4.5
    # the sample variance matches the exact one (chi-square: ratio within 0.7..1.4 at R=300)
    assert 0.7 < est.var(ddof=1) / var < 1.4
    if mode == "iid":
        assert np.all(counts == m)
    else:
        # sample size: mean m, variance sum q(1-q); |z| < 4.5
        zc = (counts.mean() - m) / np.sqrt(np.sum(q * (1 - q)) / R)
        assert abs(zc) < 4.5


def test_iid_scale_formula_and_repeats():
    rng = np.random.default_rng(32)
    A = rng.standard_normal((50, 2))
    sigma = np.r_[100.0, np.ones(49)]
    S = sensitivity_sample(A, p=2, n_samples=40, scores=sigma, mode="iid", rng=rng)
    assert len(S) == 40
    pi = sigma / sigma.sum()
    np.testing.assert_allclose(S.probabilities, pi[S.indices])
    np.testing.assert_allclose(S.scale, (40 * pi[S.indices]) ** -0.5)
    # row 0 has pi = 100/149: drawn ~26.8 times of 40 (binomial sd 3.0; 14..39 is > 4 sd)
    assert 14 <= np.sum(S.indices == 0) <= 39


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_gives_a_good_embedding(scheme):
    # n = 600 > 500: the sensitivity-based schemes use the Lewis bound (exact: next test)
    rng = np.random.default_rng(33)
    A = rng.standard_t(3, size=(600, 3))
    p = 1.0 if scheme != "mixed" else 3.0
    S = sensitivity_sample(A, p=p, n_samples=300, scores=scheme, rng=rng)
    dist = embedding_distortion(A, S, p=p, rng=rng, n_refine=1)
    assert 0.5 < dist.low < 1.1 and 0.9 < dist.high < 1.6 and dist.low <= dist.high


def test_exact_sensitivity_scheme_small_n():
    from samplingstats.lp import lp_sensitivities

    rng = np.random.default_rng(38)
    A = rng.standard_t(2, size=(60, 2))
    s = lp_sensitivities(A, p=1)
    S = sensitivity_sample(A, p=1, n_samples=20, scores="sensitivity", rng=rng)
    q = inclusion_probabilities(s, 20)
    np.testing.assert_allclose(S.probabilities, q[S.indices], rtol=1e-6)


def test_planted_coordinate_uniform_fails_scores_pass():
    # Last column nonzero on only 10 of 20 000 rows: these rows have leverage / Lewis weight /
    # sensitivity 1, so score-based sampling keeps them (q = 1) and the distortion along e_d
    # stays bounded; uniform sampling with m = 400 keeps each with prob 0.02, so it misses all
    # 10 w.p. 0.98^10 = 0.82 per seed (distortion low = 0). Over 8 seeds uniform must miss in
    # at least 3 (P(fewer) = 1.3e-4), and the score-based schemes must never fail.
    rng0 = np.random.default_rng(34)
    n, d = 20000, 5
    A = rng0.standard_normal((n, d))
    A[:, -1] = 0.0
    planted = rng0.choice(n, size=10, replace=False)
    A[planted, -1] = rng0.uniform(1, 2, size=10)
    misses = 0
    for seed in range(8):
        rng = np.random.default_rng(100 + seed)
        U = sensitivity_sample(A, p=1, n_samples=400, scores="uniform", rng=rng)
        dist_u = embedding_distortion(A, U, p=1, rng=rng, n_refine=0)
        if not np.isin(planted, U.indices).any():
            misses += 1
            assert dist_u.low == 0.0
    assert misses >= 3
    for scheme in ["lewis", "sensitivity", "augmented", "leverage"]:
        S = sensitivity_sample(A, p=1, n_samples=400, scores=scheme, rng=np.random.default_rng(7))
        assert np.isin(planted, S.indices).all()
        keep = np.isin(S.indices, planted)
        np.testing.assert_allclose(S.probabilities[keep], 1.0)
        dist = embedding_distortion(A, S, p=1, rng=np.random.default_rng(8), n_refine=1)
        assert 0.6 < dist.low and dist.high < 1.5
        e_d = np.eye(d)[-1]
        ratio = np.abs(S.apply(A) @ e_d).sum() / np.abs(A @ e_d).sum()
        assert ratio == pytest.approx(1.0)


def test_distortion_refinement_improves_and_is_inner():
    rng = np.random.default_rng(35)
    A = rng.standard_t(2, size=(3000, 4))
    S = sensitivity_sample(A, p=1, n_samples=60, rng=rng)
    d0 = embedding_distortion(A, S, p=1, rng=1, n_refine=0)
    d3 = embedding_distortion(A, S, p=1, rng=1, n_refine=3)
    assert d3.low <= d0.low and d3.high >= d0.high
    assert d3.n_directions > d0.n_directions
    # inner estimate: the reported directions attain the reported ratios
    for x, val in [(d3.x_low, d3.low), (d3.x_high, d3.high)]:
        r = np.abs(S.apply(A) @ x).sum() / np.abs(A @ x).sum()
        assert r == pytest.approx(val, rel=1e-9)


def test_sparse_and_torch_inputs():
    rng = np.random.default_rng(36)
    A = rng.standard_normal((500, 3))
    S1 = sensitivity_sample(sp.csr_matrix(A), p=1, n_samples=50, rng=4)
    S2 = sensitivity_sample(A, p=1, n_samples=50, rng=4)
    np.testing.assert_array_equal(S1.indices, S2.indices)
    assert sp.issparse(S1.apply(sp.csr_matrix(A)))
    torch = pytest.importorskip("torch")
    St = sensitivity_sample(torch.as_tensor(A), p=1, n_samples=50, rng=4)
    rows = St.apply(torch.as_tensor(A))
    assert isinstance(rows, torch.Tensor) and rows.shape == (len(St), 3)


def test_sample_size_rates():
    assert sample_size(20, p=1, epsilon=0.5) == int(np.ceil(20 * np.log(200) / 0.25))
    assert sample_size(20, p=4, epsilon=0.5) == int(np.ceil(400 * np.log(200) / 0.25))
    s1 = sample_size(10, p=1, scores="sensitivity", total_sensitivity=4.0, epsilon=0.5)
    assert s1 == int(np.ceil(16 * np.log(100) / 0.25))
    assert sample_size(10, p=1.5, scores="augmented", total_sensitivity=3.0, epsilon=0.5) == int(
        np.ceil(13 * np.log(100) / 0.25)
    )
    with pytest.raises(InvalidParameterError, match="'augmented' has a bound for p in"):
        sample_size(10, p=3, scores="augmented")
    with pytest.raises(InvalidParameterError, match="'epsilon' parameter of sample_size"):
        sample_size(10, p=1, epsilon=1.5)


def test_sampling_bad_input():
    A = np.random.default_rng(37).standard_normal((100, 3))
    with pytest.raises(
        InvalidParameterError, match=r"'p' parameter of sensitivity_sample .*\[1, 100\]"
    ):
        sensitivity_sample(A, p=0.5, n_samples=10)
    with pytest.raises(InvalidParameterError, match=r"'p' parameter of sensitivity_sample"):
        sensitivity_sample(A, p=float("inf"), n_samples=10)
    with pytest.raises(InvalidParameterError, match="'n_samples' parameter .* range \\(0, inf\\)"):
        sensitivity_sample(A, p=1, n_samples=0)
    with pytest.raises(InvalidParameterError, match="at most the number of rows n=100"):
        sensitivity_sample(A, p=1, n_samples=101)
    with pytest.raises(InvalidParameterError, match="mode='iid'.* must be an int"):
        sensitivity_sample(A, p=1, n_samples=10.5, mode="iid")
    with pytest.raises(InvalidParameterError, match="'scores' must have length 100"):
        sensitivity_sample(A, p=1, n_samples=10, scores=np.ones(99))
    with pytest.raises(InvalidParameterError, match="'scores' must be non-negative"):
        sensitivity_sample(A, p=1, n_samples=10, scores=-np.ones(100))
    with pytest.raises(InvalidParameterError, match="'scores' parameter of sensitivity_sample"):
        sensitivity_sample(A, p=1, n_samples=10, scores="bogus")
    bad = A.copy()
    bad[3, 1] = np.nan
    with pytest.raises(InvalidParameterError, match="'A' contains NaN or infinite"):
        sensitivity_sample(bad, p=1, n_samples=10)
    S = sensitivity_sample(A, p=1, n_samples=10, rng=0)
    with pytest.raises(InvalidParameterError, match="samples 100 rows but 'A' has 50"):
        embedding_distortion(A[:50], S, p=1)
    with pytest.raises(InvalidParameterError, match="must have 100 rows"):
        S.apply(A[:50])


@pytest.mark.parametrize(
    "call",
    [
        lambda A: sensitivity_sample(A, p=3, n_samples=50, scores="root_leverage", rng=0),
        lambda A: lp_regression(A, A[:, 0], p=3, n_samples=50, scores="root_leverage", rng=0),
    ],
)
def test_root_leverage_scores_refused_above_p_2(call):
    # issue 17: lp_sensitivities refused root leverage for p > 2 but the samplers accepted it
    A = np.random.default_rng(0).standard_normal((300, 3))
    with pytest.raises(InvalidParameterError, match="'scores' parameter.*p <= 2"):
        call(A)


def test_sample_size_leverage_rate_is_for_p_2_only():
    assert sample_size(20, p=2, scores="leverage") > 0
    with pytest.raises(InvalidParameterError, match="'scores' parameter of sample_size"):
        sample_size(20, p=3, scores="leverage")
