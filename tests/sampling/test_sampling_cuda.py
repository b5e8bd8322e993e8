"""CUDA paths (skipped without a GPU): same values / distributions as on the CPU."""

import numpy as np
import pytest
from _sampling_stats import ALPHA, chisquare_pvalue

from samplingstats.sampling import (
    AliasTable,
    KeyedPermutation,
    inclusion_probabilities,
    poisson_sample,
    weighted_sample_without_replacement,
)

torch = pytest.importorskip("torch")
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def test_keyed_permutation_cuda_bit_identical():
    rng = np.random.default_rng(1)
    for n in (1, 3, 1000, 10**7, 2**40 + 1):
        perm = KeyedPermutation(n, rng=77)
        pos = rng.integers(0, n, size=100_000, dtype=np.int64)
        out = perm.take(torch.as_tensor(pos, device="cuda"), 2)
        assert out.device.type == "cuda"
        np.testing.assert_array_equal(out.cpu().numpy(), perm.take(pos, 2))
        back = perm.index(out, 2)
        np.testing.assert_array_equal(back.cpu().numpy(), pos)
    perm = KeyedPermutation(10**6, rng=3)
    np.testing.assert_array_equal(
        perm.take_range(5, 10**6, 7, 1, device="cuda").cpu().numpy(),
        perm.take_range(5, 10**6, 7, 1),
    )


def test_samplers_cuda_distribution():
    rng = np.random.default_rng(2)
    w = np.r_[0.0, rng.gamma(0.5, size=99)]
    wt = torch.as_tensor(w, device="cuda")
    table = AliasTable(wt)
    d = table.sample(10**6, rng=rng)
    assert d.device.type == "cuda" and d.dtype == torch.int64
    counts = np.bincount(d.cpu().numpy(), minlength=w.size)
    assert counts[0] == 0
    assert chisquare_pvalue(counts, w / w.sum() * d.numel()) > ALPHA
    pi = inclusion_probabilities(wt, 10)
    assert pi.device.type == "cuda"
    s = poisson_sample(pi, rng=rng)
    assert s.device.type == "cuda" and bool((s[1:] > s[:-1]).all())
    o = weighted_sample_without_replacement(wt, 10, rng=rng)
    assert o.device.type == "cuda" and torch.unique(o).numel() == 10 and bool((wt[o] > 0).all())
