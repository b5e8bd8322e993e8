"""Validation case 5: membership and pair co-occurrence of RS2 rounds over seeds match uniform
k-subsets, for a plain round, a round straddling two passes, a with-replacement round and a
stratified round. Each assertion states its false-failure probability."""

import numpy as np
import pytest
from scipy import stats

from samplingstats.subsample import RS2Schedule


def _membership_counts(n, ratio, t, seeds, **kw):
    counts = np.zeros(n, dtype=np.int64)
    pairs = np.zeros((n, n), dtype=np.int64)
    k = None
    for s in seeds:
        r = RS2Schedule(n, ratio, rng=int(s), **kw).round_indices(t)
        k = r.size
        counts[r] += 1
        ind = np.zeros(n, dtype=np.int64)
        ind[r] = 1
        pairs += np.outer(ind, ind)
    return counts, pairs, k


def _membership_chi2(counts, S, n, k):
    # A uniform k-subset has Var(c_i) = S p (1 - p), Cov(c_i, c_j) = -S p (1 - p) / (n - 1), so
    # sum (c_i - S p)^2 / (S p (1 - p) n / (n - 1)) is chi-square with n - 1 dof (S large).
    p = k / n
    stat = ((counts - S * p) ** 2).sum() / (S * p * (1 - p) * n / (n - 1))
    return stats.chi2.sf(stat, n - 1)


def _pair_max_z(pairs, S, n, k):
    pi2 = k * (k - 1) / (n * (n - 1))
    iu = np.triu_indices(n, 1)
    c = pairs[iu]
    z = (c - S * pi2) / np.sqrt(S * pi2 * (1 - pi2))
    return np.abs(z).max(), c.mean() / S, pi2


@pytest.mark.parametrize(
    "ratio, t, kw",
    [
        (0.25, 1, {}),  # round 1: positions 5..9 of pass 0
        (0.3, 3, {}),  # k = 6, round 3 = positions 18..23: straddles passes 0 and 1 (head)
        (0.3, 4, {}),  # round 4 reads pass 1 right after its corrected head
        (0.25, 3, {"replacement": True}),
    ],
)
def test_membership_and_pair_cooccurrence_are_uniform(ratio, t, kw):
    n, S = 20, 6000
    seeds = np.arange(1000, 1000 + S)
    counts, pairs, k = _membership_counts(n, ratio, t, seeds, **kw)
    assert counts.sum() == S * k
    # chi-square membership test: false failure 1e-4 by construction of the threshold
    assert _membership_chi2(counts, S, n, k) > 1e-4
    # every pair co-occurs with probability k (k - 1) / (n (n - 1)); 190 pairs, |z| < 5 each:
    # false failure < 190 * 5.7e-7 ~ 1.1e-4 (Bonferroni)
    zmax, mean_rate, pi2 = _pair_max_z(pairs, S, n, k)
    assert zmax < 5
    assert mean_rate == pytest.approx(pi2, rel=1e-12)  # exact: each round has k distinct


def test_stratified_membership_is_uniform_within_each_class():
    n, S = 30, 4000
    labels = np.repeat([0, 1, 2], [15, 9, 6])  # k = 10: quotas 5, 3, 2
    counts = np.zeros(n, dtype=np.int64)
    for s in range(S):
        r = RS2Schedule(n, 1 / 3, labels=labels, rng=s).round_indices(2)
        counts[r] += 1
    for c, q, nc in ((0, 5, 15), (1, 3, 9), (2, 2, 6)):
        # per class the quota is a uniform q-subset of its nc members: chi-square with nc - 1
        # dof; three tests at 1e-4 each, false failure < 3e-4
        assert _membership_chi2(counts[labels == c], S, nc, q) > 1e-4


def test_shards_of_different_seeds_are_uniform_for_each_rank():
    # rank 1 of 3: its share of round 2 is a uniform subset of the data over seeds
    n, S = 24, 6000
    counts = np.zeros(n, dtype=np.int64)
    size = None
    for s in range(S):
        r = RS2Schedule(n, 0.5, rng=s, num_replicas=3, rank=1).indices(2)
        size = r.size
        counts[r] += 1
    assert _membership_chi2(counts, S, n, size) > 1e-4  # false failure 1e-4
