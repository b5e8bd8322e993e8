"""poisson_sample, inclusion_probabilities and weighted_sample_without_replacement."""

import itertools

import numpy as np
import pytest
from _sampling_stats import ALPHA, binomial_bounds, chisquare_pvalue

from samplingstats._kernels._alias import exp_keys_topk, poisson_draw
from samplingstats.sampling import (
    inclusion_probabilities,
    poisson_sample,
    weighted_sample_without_replacement,
)


# ---------------------------------------------------------------------------------------------
# poisson_sample
# ---------------------------------------------------------------------------------------------
def test_poisson_inclusion_frequencies_and_size_moments():
    rng = np.random.default_rng(314)
    pi = np.r_[0.0, 1.0, rng.uniform(0.01, 0.99, size=18)]
    reps = 20_000
    counts = np.zeros(pi.size, dtype=np.int64)
    sizes = np.empty(reps)
    for r in range(reps):
        s = poisson_sample(pi, rng=rng)
        assert np.all(np.diff(s) > 0)  # sorted, distinct
        counts[s] += 1
        sizes[r] = s.size
    # Exact: pi = 0 never, pi = 1 always.
    assert counts[0] == 0 and counts[1] == reps
    # Binomial bounds per index, Bonferroni over 18 indices: total false-failure prob <= ALPHA.
    for i in range(2, pi.size):
        lo, hi = binomial_bounds(reps, pi[i], ALPHA / 18)
        assert lo <= counts[i] <= hi, (i, counts[i], pi[i] * reps)
    # Sample size: mean sum(pi), variance sum(pi (1 - pi)); z-tests at |z| < 5 (p ~ 5.7e-7 each).
    mu = pi.sum()
    var = (pi * (1 - pi)).sum()
    assert abs(sizes.mean() - mu) < 5 * np.sqrt(var / reps)
    kappa4 = (pi * (1 - pi) * (1 - 6 * pi * (1 - pi))).sum()
    var_s2 = (kappa4 + 3 * var**2 - var**2) / reps + 2 * var**2 / (reps * (reps - 1))
    assert abs(sizes.var(ddof=1) - var) < 5 * np.sqrt(var_s2)


def test_poisson_extremes_and_kernel():
    assert poisson_sample(np.zeros(5), rng=0).tolist() == []
    assert poisson_sample(np.ones(5), rng=0).tolist() == [0, 1, 2, 3, 4]
    s = poisson_sample([0.5] * 10, rng=1)
    assert s.dtype == np.int64
    a = poisson_draw(np.full(100, 0.3), np.random.default_rng(4))
    b = poisson_sample(np.full(100, 0.3), rng=np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)


def test_poisson_with_pps_is_unbiased_horvitz_thompson():
    # HT estimator of sum(y) under PPS Poisson sampling: z-test of the mean over 5000 reps
    # against its exact variance sum(y^2 (1 - pi) / pi); |z| < 5 (p ~ 5.7e-7).
    rng = np.random.default_rng(2718)
    w = rng.gamma(0.7, size=300)
    y = 3 * w + rng.normal(size=300)
    pi = inclusion_probabilities(w, 30)
    reps = 5000
    est = np.empty(reps)
    for r in range(reps):
        s = poisson_sample(pi, rng=rng)
        est[r] = (y[s] / pi[s]).sum()
    var = (y**2 * (1 - pi) / pi).sum()
    assert abs(est.mean() - y.sum()) < 5 * np.sqrt(var / reps)


# ---------------------------------------------------------------------------------------------
# inclusion_probabilities
# ---------------------------------------------------------------------------------------------
def test_inclusion_probabilities_hand_example():
    np.testing.assert_allclose(
        inclusion_probabilities([10.0, 1.0, 1.0, 2.0], 2), [1.0, 0.25, 0.25, 0.5], rtol=1e-15
    )
    # Two rounds of capping: 100 and 50 are capped, then 10 at c = 1 / 5.
    pi = inclusion_probabilities([100.0, 50.0, 10.0, 2.0, 2.0, 1.0], 3)
    np.testing.assert_allclose(pi, [1.0, 1.0, 2 / 3, 2 / 15, 2 / 15, 1 / 15], rtol=1e-14)
    np.testing.assert_allclose(inclusion_probabilities([1.0, 1.0, 1.0, 1.0], 4), np.ones(4))
    np.testing.assert_allclose(inclusion_probabilities([0.0, 1.0, 3.0], 2), [0.0, 1.0, 1.0])


@pytest.mark.parametrize("seed", range(12))
def test_inclusion_probabilities_properties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    w = rng.pareto(0.8, size=n) * (rng.random(n) < 0.8)
    if not w.sum() > 0:
        w[0] = 1.0
    n_pos = int((w > 0).sum())
    for k in {1, max(1, n_pos // 3), n_pos, float(rng.uniform(0.01, n_pos))}:
        pi = inclusion_probabilities(w, k)
        assert pi.shape == w.shape and pi.dtype == np.float64
        assert abs(pi.sum() - k) <= 1e-12 * max(1.0, k)
        assert np.all((pi >= 0) & (pi <= 1))
        assert np.all(pi[w == 0] == 0)
        free = (pi < 1) & (w > 0)
        capped = pi == 1
        if free.any():
            c = pi[free] / w[free]
            np.testing.assert_allclose(c, c[0], rtol=1e-12)  # proportional below the cap
            # Capped units would have exceeded 1: c * w_i >= 1 (to rounding).
            assert np.all(c[0] * w[capped] >= 1 - 1e-12)


def test_inclusion_probabilities_huge_and_tiny_weights():
    w = np.array([1e300, 1e300, 1e-300, 1.0])
    pi = inclusion_probabilities(w, 3)
    np.testing.assert_allclose(pi[:2], 1.0)
    assert pi[2] > 0 and abs(pi.sum() - 3) < 1e-12


# ---------------------------------------------------------------------------------------------
# weighted_sample_without_replacement
# ---------------------------------------------------------------------------------------------
def exact_ordered_probabilities(w, k):
    """P(first k successive draws = tuple) for every ordered k-tuple of distinct indices."""
    w = np.asarray(w, dtype=float)
    total = w.sum()
    out = {}
    for tup in itertools.permutations(range(len(w)), k):
        p, rem = 1.0, total
        for i in tup:
            p *= w[i] / rem
            rem -= w[i]
        out[tup] = p
    return out


@pytest.mark.parametrize(
    "w,k,reps",
    [([1.0, 2.0, 3.0, 4.0, 5.0], 2, 60_000), ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 60_000)],
)
def test_wor_matches_brute_force_successive_sampling(w, k, reps):
    exact = exact_ordered_probabilities(w, k)
    assert abs(sum(exact.values()) - 1) < 1e-12
    keys = list(exact)
    index = {t: j for j, t in enumerate(keys)}
    rng = np.random.default_rng(4242)
    warr = np.asarray(w)
    counts = np.zeros(len(keys))
    for _ in range(reps):
        s = weighted_sample_without_replacement(warr, k, rng=rng)
        counts[index[tuple(s.tolist())]] += 1
    p = np.array([exact[t] for t in keys])
    # Ordered tuples: chi-square; false-failure prob <= ALPHA.
    assert chisquare_pvalue(counts, p * reps) > ALPHA
    # First draw is proportional to w: chi-square on the first element.
    first = np.zeros(len(w))
    for t, c in zip(keys, counts):
        first[t[0]] += c
    assert chisquare_pvalue(first, warr / warr.sum() * reps) > ALPHA
    # Inclusion probabilities (exact by enumeration) vs frequencies, Bonferroni binomial bounds.
    incl_exact = np.zeros(len(w))
    incl_count = np.zeros(len(w))
    for t, c, pt in zip(keys, counts, p):
        for i in t:
            incl_exact[i] += pt
            incl_count[i] += c
    for i in range(len(w)):
        lo, hi = binomial_bounds(reps, incl_exact[i], ALPHA / len(w))
        assert lo <= incl_count[i] <= hi


def test_wor_structure_large_and_dynamic():
    rng = np.random.default_rng(77)
    w = 10.0 ** rng.uniform(-150, 150, size=5000)
    w[rng.random(5000) < 0.3] = 0.0
    n_pos = int((w > 0).sum())
    s = weighted_sample_without_replacement(w, 500, rng=rng)
    assert s.dtype == np.int64 and s.shape == (500,)
    assert np.unique(s).size == 500 and np.all(w[s] > 0)
    full = weighted_sample_without_replacement(w, n_pos, rng=rng)
    np.testing.assert_array_equal(np.sort(full), np.flatnonzero(w > 0))
    # Kernel and wrapper share the stream.
    a = exp_keys_topk(w, 10, np.random.default_rng(3))
    b = weighted_sample_without_replacement(w, 10, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


def test_wor_first_draw_dominates_with_extreme_weights():
    # One weight 1e200 times the others: it is drawn first unless an Exp(1) draw is < 1e-197.
    w = np.ones(50)
    w[17] = 1e200
    for seed in range(20):
        assert weighted_sample_without_replacement(w, 3, rng=seed)[0] == 17


def test_wor_jump_path_against_numpy_choice():
    # n = 200, k = 10: most items are passed over by exponential jumps. Each rep contributes one
    # item to the "first draw" counts and one to the "10th draw" counts (multinomial cells):
    # first draw vs the exact w / sum(w), and both positions vs numpy's successive sampling
    # (Generator.choice(replace=False, p=...)) by two-sample chi-square. ALPHA each.
    from _sampling_stats import two_sample_chisquare_pvalue

    rng = np.random.default_rng(5150)
    n, k, reps = 200, 10, 20_000
    w = rng.gamma(0.6, size=n)
    w[::17] = 0.0
    p = w / w.sum()
    ours = np.array([weighted_sample_without_replacement(w, k, rng=rng) for _ in range(reps)])
    theirs = np.array([rng.choice(n, size=k, replace=False, p=p) for _ in range(reps)])
    assert np.all(w[ours] > 0)
    first = np.bincount(ours[:, 0], minlength=n)
    assert chisquare_pvalue(first, p * reps) > ALPHA
    for col in (0, k - 1):
        a = np.bincount(ours[:, col], minlength=n)
        b = np.bincount(theirs[:, col], minlength=n)
        assert two_sample_chisquare_pvalue(a, b) > ALPHA
