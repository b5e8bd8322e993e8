"""WeightedSampler (drop-in for torch's WeightedRandomSampler) and StaticSubsetDataset (issue 18).

The law tests compare counts with the exact probabilities by Pearson's chi-square test at level
ALPHA = 1e-4 each: a correct sampler fails one of them, were the fixed seeds changed, with
probability at most 1e-4 per assertion (3 assertions: < 3e-4 in all).
"""

import itertools

import numpy as np
import pytest
from scipy import stats

torch = pytest.importorskip("torch")

from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler  # noqa: E402

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.subsample import (  # noqa: E402
    StaticSubsetDataset,
    WeightedSampler,
    static_subset,
)

ALPHA = 1e-4


def _chisquare_p(counts, probs):
    counts = np.asarray(counts, dtype=float)
    expected = counts.sum() * np.asarray(probs, dtype=float)
    keep = expected > 0
    assert counts[~keep].sum() == 0, "a zero-probability cell was drawn"
    return stats.chisquare(counts[keep], expected[keep]).pvalue


def test_with_replacement_has_the_law_of_the_weights():
    w = np.array([0.0, 1.0, 2.0, 3.0, 0.5, 7.0, 0.25, 4.0])
    p = w / w.sum()
    s = WeightedSampler(w, 20_000, rng=0)
    counts = np.zeros(w.size)
    for _ in range(10):  # 10 epochs: 2e5 draws, the stream advances between epochs
        counts += np.bincount(list(s), minlength=w.size)
    assert _chisquare_p(counts, p) > ALPHA
    # torch's sampler on the same weights samples the same law (reference for the drop-in claim)
    g = torch.Generator().manual_seed(0)
    ref = np.bincount(list(WeightedRandomSampler(w, 200_000, generator=g)), minlength=w.size)
    assert _chisquare_p(ref, p) > ALPHA


def test_without_replacement_is_successive_sampling():
    # ordered pairs (i, j) of a 2-draw without replacement: P = p_i p_j / (1 - p_i), exactly
    w = np.array([1.0, 2.0, 0.0, 4.0, 3.0])
    p = w / w.sum()
    cells = [(i, j) for i, j in itertools.permutations(range(w.size), 2)]
    exact = np.array([p[i] * p[j] / (1 - p[i]) for i, j in cells])
    s = WeightedSampler(w, 2, replacement=False, rng=1)
    index = {c: m for m, c in enumerate(cells)}
    counts = np.zeros(len(cells))
    for _ in range(40_000):
        counts[index[tuple(s)]] += 1
    assert _chisquare_p(counts, exact) > ALPHA
    # each epoch is distinct indices
    big = WeightedSampler(np.arange(1.0, 101.0), 60, replacement=False, rng=2)
    assert len(set(big)) == 60


def test_drop_in_for_weighted_random_sampler():
    w = torch.tensor([0.1, 0.0, 0.5, 0.4], dtype=torch.float64)
    ds = TensorDataset(torch.arange(4))
    ours = WeightedSampler(w, 12, True, rng=3)  # the positional order of WeightedRandomSampler
    loader = DataLoader(ds, batch_size=5, sampler=ours)
    assert len(ours) == 12 and len(loader) == 3
    got = torch.cat([b for (b,) in loader]).tolist()
    assert len(got) == 12 and 1 not in got
    a, b = WeightedSampler(w, 50, rng=4), WeightedSampler(w, 50, rng=4)
    assert list(a) == list(b) and list(a) != list(WeightedSampler(w, 50, rng=4))  # epochs differ
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    assert list(WeightedSampler(w, 20, rng=g1)) == list(WeightedSampler(w, 20, rng=g2))
    np.testing.assert_array_equal(
        WeightedSampler(w, 9, rng=6).indices(), list(WeightedSampler(w, 9, rng=6))
    )


def test_weighted_sampler_bad_input():
    with pytest.raises(InvalidParameterError, match="'n_samples' parameter of WeightedSampler"):
        WeightedSampler([1.0, 2.0], 0)
    with pytest.raises(InvalidParameterError, match=r"\[1, 1\] \(the number of positive weights\)"):
        WeightedSampler([1.0, 0.0], 2, replacement=False)
    with pytest.raises(InvalidParameterError, match="'replacement'"):
        WeightedSampler([1.0, 2.0], 2, replacement="yes")
    with pytest.raises((InvalidParameterError, TypeError), match="weights"):
        WeightedSampler([1.0, -2.0], 2)
    with pytest.raises(InvalidParameterError, match="weights"):
        WeightedSampler([np.nan, 1.0], 2)


def test_static_subset_dataset():
    ds = TensorDataset(torch.arange(200), torch.arange(200) % 4)
    sub = StaticSubsetDataset(ds, 0.1, rng=7)
    assert sub.indices == static_subset(200, 0.1, rng=7).tolist() and len(sub) == 20
    assert [int(sub[i][0]) for i in range(len(sub))] == sub.indices
    scores = np.arange(200.0)
    top = StaticSubsetDataset(ds, 0.05, scores=scores, keep="highest")
    assert top.indices == list(range(190, 200))
    per_class = StaticSubsetDataset(ds, 0.2, labels=np.arange(200) % 4, rng=0)
    assert np.bincount(np.array(per_class.indices) % 4).tolist() == [10, 10, 10, 10]
    with pytest.raises(InvalidParameterError, match="'dataset' parameter of StaticSubsetDataset"):
        StaticSubsetDataset(iter(range(5)), 0.5)


def test_vectorised_fallback_equals_the_kernel(monkeypatch):
    # NUMBA_DISABLE_JIT path: same uniforms, same table -> the same draws, bit for bit
    import samplingstats._kernels._jit as jit

    w = np.random.default_rng(0).gamma(0.5, size=1000)
    a = WeightedSampler(w, 70_000, rng=9).indices()  # crosses a 2**16 chunk boundary
    monkeypatch.setattr(jit, "jit_disabled", lambda: True)
    b = WeightedSampler(w, 70_000, rng=9).indices()
    np.testing.assert_array_equal(a, b)
