"""Torch counterparts: same distributions as the numba kernels; KeyedPermutation bit-identical."""

import numpy as np
import pytest
from _sampling_stats import ALPHA, binomial_bounds, chisquare_pvalue, two_sample_chisquare_pvalue

from samplingstats.sampling import (
    AliasTable,
    KeyedPermutation,
    inclusion_probabilities,
    poisson_sample,
    weighted_sample_without_replacement,
)

torch = pytest.importorskip("torch")


def test_alias_torch_agrees_with_numba_in_distribution():
    rng = np.random.default_rng(606)
    w = np.r_[0.0, rng.gamma(0.5, size=199)]
    t_np = AliasTable(w)
    t_th = AliasTable(torch.as_tensor(w))
    assert t_th.backend == "torch" and t_th.device == torch.device("cpu")
    assert isinstance(t_th.probabilities, torch.Tensor)
    np.testing.assert_allclose(t_th.probabilities.numpy(), t_np.probabilities, rtol=0, atol=0)
    a = t_np.sample(400_000, rng=rng)
    b = t_th.sample(400_000, rng=rng)
    assert isinstance(b, torch.Tensor) and b.dtype == torch.int64 and b.shape == (400_000,)
    ca = np.bincount(a, minlength=w.size)
    cb = np.bincount(b.numpy(), minlength=w.size)
    assert ca[0] == 0 and cb[0] == 0
    # Two-sample homogeneity, and each against the exact p; false-failure prob <= ALPHA each.
    assert two_sample_chisquare_pvalue(ca, cb) > ALPHA
    assert chisquare_pvalue(cb, w / w.sum() * 400_000) > ALPHA
    assert t_th.sample((3, 4), rng=0).shape == (3, 4)
    assert t_th.sample(rng=0).shape == ()
    # Reproducible per seed.
    assert torch.equal(t_th.sample(100, rng=5), t_th.sample(100, rng=5))


def test_keyed_permutation_torch_bit_identical():
    rng = np.random.default_rng(2025)
    for n in (1, 2, 3, 5, 16, 17, 257, 1000, 10**6 + 3, 2**40 - 5, 2**40, 2**40 + 1):
        for _ in range(2):
            perm = KeyedPermutation(n, rng=int(rng.integers(0, 2**64, dtype=np.uint64)))
            pos = rng.integers(0, n, size=3000, dtype=np.int64)
            for pass_index in (0, 5):
                a = perm.take(pos, pass_index)
                b = perm.take(torch.as_tensor(pos), pass_index)
                assert isinstance(b, torch.Tensor) and b.dtype == torch.int64
                np.testing.assert_array_equal(a, b.numpy())
        if n <= 10**6 + 3:
            np.testing.assert_array_equal(
                perm.permutation(device="cpu").numpy(), perm.permutation()
            )
    perm = KeyedPermutation(5000, rng=9)
    np.testing.assert_array_equal(
        perm.take_range(7, 5000, 13, 2, device="cpu").numpy(), perm.take_range(7, 5000, 13, 2)
    )
    pos = torch.arange(12, dtype=torch.int32).reshape(3, 4)
    out = perm.take(pos)
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out.numpy(), perm.take(pos.numpy()))
    assert perm.take(torch.zeros(0, dtype=torch.int64)).shape == (0,)


def test_poisson_torch_frequencies():
    pi = np.array([0.0, 1.0, 0.1, 0.5, 0.9, 0.33])
    reps = 20_000
    counts = np.zeros(pi.size)
    g = np.random.default_rng(1)
    pit = torch.as_tensor(pi)
    for _ in range(reps):
        s = poisson_sample(pit, rng=g)
        assert s.dtype == torch.int64
        counts[s.numpy()] += 1
    assert counts[0] == 0 and counts[1] == reps
    for i in range(2, pi.size):
        lo, hi = binomial_bounds(reps, pi[i], ALPHA / 4)
        assert lo <= counts[i] <= hi


def test_wor_torch_matches_exact_successive_sampling():
    import itertools

    w = np.array([1.0, 0.0, 2.0, 3.0, 4.0])
    k = 2
    total = w.sum()
    exact = {}
    for t in itertools.permutations(range(5), k):
        p, rem = 1.0, total
        for i in t:
            p *= w[i] / rem
            rem -= w[i]
        exact[t] = p
    keys = list(exact)
    index = {t: j for j, t in enumerate(keys)}
    reps = 20_000
    counts = np.zeros(len(keys))
    g = np.random.default_rng(3)
    wt = torch.as_tensor(w)
    for _ in range(reps):
        s = weighted_sample_without_replacement(wt, k, rng=g)
        counts[index[tuple(s.tolist())]] += 1
    p = np.array([exact[t] for t in keys])
    assert counts[p == 0].sum() == 0
    assert chisquare_pvalue(counts, p * reps) > ALPHA


def test_inclusion_probabilities_torch():
    w = torch.tensor([10.0, 1.0, 1.0, 2.0], dtype=torch.float32)
    pi = inclusion_probabilities(w, 2)
    assert isinstance(pi, torch.Tensor) and pi.dtype == torch.float64
    np.testing.assert_allclose(pi.numpy(), [1.0, 0.25, 0.25, 0.5])


def test_keyed_permutation_index_torch_bit_identical():
    for n in (3, 1000, 2**40 + 1):
        perm = KeyedPermutation(n, rng=5)
        e = np.random.default_rng(0).integers(0, n, size=1000, dtype=np.int64)
        np.testing.assert_array_equal(perm.index(torch.as_tensor(e), 3).numpy(), perm.index(e, 3))


def test_torch_generator_drives_the_torch_paths():
    # a torch.Generator on the tensor's device is used as is: same seed, same draws; its stream
    # advances between calls
    from samplingstats.sampling import (
        AliasTable,
        KeyedPermutation,
        poisson_sample,
        weighted_sample_without_replacement,
    )

    w = torch.tensor([1.0, 2.0, 3.0, 0.0, 4.0], dtype=torch.float64)
    t = AliasTable(w)
    a = t.sample(50, rng=torch.Generator().manual_seed(1))
    b = t.sample(50, rng=torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and not (a == 3).any()
    g = torch.Generator().manual_seed(1)
    assert not torch.equal(t.sample(50, rng=g), t.sample(50, rng=g))
    pi = torch.full((100,), 0.3, dtype=torch.float64)
    s1 = poisson_sample(pi, rng=torch.Generator().manual_seed(2))
    s2 = poisson_sample(pi, rng=torch.Generator().manual_seed(2))
    assert torch.equal(s1, s2)
    k1 = weighted_sample_without_replacement(w, 3, rng=torch.Generator().manual_seed(4))
    k2 = weighted_sample_without_replacement(w, 3, rng=torch.Generator().manual_seed(4))
    assert torch.equal(k1, k2) and 3 not in k1.tolist()
    # numpy tables and the permutation take one draw of it
    p1 = KeyedPermutation(50, rng=torch.Generator().manual_seed(5))
    p2 = KeyedPermutation(50, rng=torch.Generator().manual_seed(5))
    assert p1 == p2
    n1 = AliasTable([1.0, 2.0]).sample(20, rng=torch.Generator().manual_seed(6))
    n2 = AliasTable([1.0, 2.0]).sample(20, rng=torch.Generator().manual_seed(6))
    np.testing.assert_array_equal(n1, n2)
