"""KeyedPermutation: bijection, consistency of take / take_range / permutation, uniformity."""

import numpy as np
import pytest
from _sampling_stats import ALPHA, binomial_bounds
from scipy import stats

from samplingstats._kernels import _permutation as kp
from samplingstats.sampling import KeyedPermutation

SIZES = [1, 2, 3, 4, 5, 7, 15, 16, 17, 63, 64, 65, 100, 255, 256, 257, 1000, 4095, 4097, 65537]


@pytest.mark.parametrize("n", SIZES)
def test_bijection(n):
    for seed in (0, 1, 2**63 + 5, 2**64 - 1):
        perm = KeyedPermutation(n, rng=seed)
        for pass_index in (0, 1, 7):
            p = perm.permutation(pass_index)
            assert p.dtype == np.int64 and p.shape == (n,)
            np.testing.assert_array_equal(np.sort(p), np.arange(n))


def test_take_take_range_getitem_consistency():
    perm = KeyedPermutation(1009, rng=123)
    for pass_index in (0, 3):
        p = perm.permutation(pass_index)
        rng = np.random.default_rng(0)
        pos = rng.integers(0, 1009, size=(7, 11))
        np.testing.assert_array_equal(perm.take(pos, pass_index), p[pos])
        np.testing.assert_array_equal(perm.take(pos.astype(np.uint16), pass_index), p[pos])
        for start, stop, step in [(0, 1009, 1), (5, 1009, 8), (3, 500, 7), (10, 10, 1), (9, 3, 1)]:
            np.testing.assert_array_equal(
                perm.take_range(start, stop, step, pass_index), p[start:stop:step]
            )
        np.testing.assert_array_equal(perm.take([], pass_index), np.array([], dtype=np.int64))
    p = perm.permutation()
    assert perm[0] == p[0] and perm[-1] == p[-1] and perm[500] == p[500]
    np.testing.assert_array_equal(perm[10:200:3], p[10:200:3])
    np.testing.assert_array_equal(perm[:], p)
    assert list(perm) == p.tolist()
    assert len(perm) == 1009
    with pytest.raises(IndexError):
        perm[1009]
    # Sharding: the shards of an epoch partition [0, n).
    shards = [perm.take_range(r, 1009, 4, pass_index=2) for r in range(4)]
    np.testing.assert_array_equal(np.sort(np.concatenate(shards)), np.arange(1009))


def test_seed_and_pass_change_the_permutation():
    perms = []
    for seed in (0, 1, 2, 12345):
        for pass_index in (0, 1, 2):
            perms.append(KeyedPermutation(1000, rng=seed).permutation(pass_index))
    for i in range(len(perms)):
        for j in range(i):
            # Two independent uniform permutations of 1000 agree on ~1 position.
            assert (perms[i] == perms[j]).sum() < 20
    assert KeyedPermutation(1000, rng=5) == KeyedPermutation(1000, rng=5)
    assert KeyedPermutation(1000, rng=5) != KeyedPermutation(1000, rng=6)
    np.testing.assert_array_equal(
        KeyedPermutation(1000, rng=5).permutation(4), KeyedPermutation(1000, rng=5).permutation(4)
    )


def test_seed_from_generator_is_recorded():
    perm = KeyedPermutation(100, rng=np.random.default_rng(3))
    again = KeyedPermutation(100, rng=perm.seed)
    np.testing.assert_array_equal(perm.permutation(), again.permutation())
    assert 0 <= perm.seed < 2**64
    assert KeyedPermutation(100, rng=np.random.default_rng(3)).seed == perm.seed


def _seed_matrix(n, n_seeds, pass_index=0):
    return np.stack([KeyedPermutation(n, rng=s).permutation(pass_index) for s in range(n_seeds)])


@pytest.mark.parametrize("n,n_seeds", [(2, 20_000), (3, 20_000), (10, 20_000), (50, 10_000)])
def test_position_element_table_is_uniform(n, n_seeds):
    # C[e, j] = #seeds with perm[j] = e. For uniform random permutations the Pearson statistic
    # T = sum (C - S/n)^2 / (S/n) satisfies T (n - 1) / n ~ chi2((n - 1)^2) (the covariance of a
    # random permutation matrix is n/(n-1) times the projection on zero row/column sums).
    # False-failure probability <= ALPHA.
    P = _seed_matrix(n, n_seeds)
    C = np.zeros((n, n))
    for j in range(n):
        C[:, j] = np.bincount(P[:, j], minlength=n)
    E = n_seeds / n
    T = ((C - E) ** 2 / E).sum()
    if n == 2:
        lo, hi = binomial_bounds(n_seeds, 0.5, ALPHA)
        assert lo <= C[0, 0] <= hi
        return
    assert stats.chi2.sf(T * (n - 1) / n, (n - 1) ** 2) > ALPHA
    # Position of element 0 alone: multinomial(S, 1/n) -> Pearson chi2(n - 1).
    pos0 = np.argmax(P == 0, axis=1)
    cnt = np.bincount(pos0, minlength=n)
    assert stats.chi2.sf(((cnt - E) ** 2 / E).sum(), n - 1) > ALPHA


def test_first_window_membership_and_pairs():
    # Membership of the first k positions over seeds: counts O_e, with q = k/n,
    # T = sum (O - Sq)^2 / (Sq) ~ (1 - q) n/(n-1) chi2(n - 1). Pair co-occurrence: each pair is in
    # the window with probability k(k-1)/(n(n-1)); Bonferroni binomial bounds over all pairs.
    n, k, S = 60, 12, 6000
    M = np.zeros((S, n), dtype=bool)
    for s in range(S):
        M[s, KeyedPermutation(n, rng=1000 + s).take_range(0, k, pass_index=s % 3)] = True
    O = M.sum(0)
    q = k / n
    T = ((O - S * q) ** 2 / (S * q)).sum()
    assert stats.chi2.sf(T / ((1 - q) * n / (n - 1)), n - 1) > ALPHA
    pairs = M.T.astype(np.int64) @ M.astype(np.int64)
    iu = np.triu_indices(n, 1)
    q2 = k * (k - 1) / (n * (n - 1))
    lo, hi = binomial_bounds(S, q2, ALPHA / iu[0].size)
    assert np.all((pairs[iu] >= lo) & (pairs[iu] <= hi))
    assert abs(pairs[iu].mean() - S * q2) < 1e-9  # exact: k(k-1)/2 pairs per window


def test_large_n_window_is_spread():
    # n = 10^7, window of 10^5: in distinct, and its histogram over 100 bins is uniform
    # (hypergeometric-like; Pearson statistic <= chi2(99) bound at ALPHA is conservative since
    # sampling without replacement only shrinks the variance).
    n = 10**7
    x = KeyedPermutation(n, rng=99).take_range(0, 10**5)
    assert np.unique(x).size == x.size and x.min() >= 0 and x.max() < n
    cnt = np.bincount(x * 100 // n, minlength=100)
    E = x.size / 100
    assert stats.chi2.sf(((cnt - E) ** 2 / E).sum(), 99) > ALPHA


def test_huge_n_take():
    n = 2**40 + 3
    perm = KeyedPermutation(n, rng=2024)
    pos = np.array([0, 1, 2, n // 2, n - 2, n - 1], dtype=np.int64)
    x = perm.take(pos)
    assert np.all((x >= 0) & (x < n)) and np.unique(x).size == pos.size
    np.testing.assert_array_equal(perm.take_range(n - 2, n), x[-2:])
    assert KeyedPermutation(2**62, rng=1)[2**62 - 1] < 2**62


def test_kernel_helpers_match_python_reference():
    rng = np.random.default_rng(8)
    vals = rng.integers(-(2**63), 2**63 - 1, size=200, dtype=np.int64).tolist() + [
        0,
        1,
        -1,
        2**63 - 1,
        -(2**63),
    ]
    for v in vals:
        assert int(kp.mix64(np.int64(v))) == kp.mix64_py(v)
    for seed in (0, 1, 2**62, -(2**63), 2**63 - 1):
        for p in (0, 1, 99):
            assert int(kp.pass_key(np.int64(seed), np.int64(p))) == kp.pass_key_py(seed, p)
    for n in (1, 2, 3, 4, 5, 16, 17, 2**40, 2**40 + 1, 2**62):
        h = kp.half_bits_py(n)
        assert h == kp.half_bits_for(np.int64(n))
        assert 4**h >= n and (h == 1 or 4 ** (h - 1) < n)
    # Independent reference: the splitmix64 finaliser in numpy uint64 arithmetic.
    x = np.array(vals, dtype=np.int64).view(np.uint64)
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    assert x.view(np.int64).tolist() == [kp.mix64_py(v) for v in vals]


def test_numpy_vectorised_path_is_bit_identical():
    # feistel_take_xp (used when JIT is disabled, and by torch) against the numba kernel.
    rng = np.random.default_rng(11)
    for n in (1, 2, 3, 5, 17, 1000, 10**6 + 3, 2**40 - 5, 2**40 + 1):
        perm = KeyedPermutation(n, rng=int(rng.integers(2**63)))
        pos = rng.integers(0, n, size=2000, dtype=np.int64)
        key = perm.key(3)
        np.testing.assert_array_equal(
            kp.feistel_take_xp(pos.copy(), n, key), kp.feistel_take(pos, np.int64(n), key)
        )


@pytest.mark.parametrize("n", [1, 2, 3, 17, 1000, 2**40 + 1])
def test_index_inverts_take(n):
    perm = KeyedPermutation(n, rng=31337)
    rng = np.random.default_rng(n % 1000)
    pos = rng.integers(0, n, size=500, dtype=np.int64)
    for pass_index in (0, 4):
        elems = perm.take(pos, pass_index)
        np.testing.assert_array_equal(perm.index(elems, pass_index), pos)
        np.testing.assert_array_equal(
            kp.feistel_take_xp(elems.copy(), n, perm.key(pass_index), inverse=True), pos
        )
    if n <= 1000:
        p = perm.permutation(1)
        np.testing.assert_array_equal(perm.index(p, 1), np.arange(n))
        np.testing.assert_array_equal(perm.index(np.arange(n), 1), np.argsort(p))
