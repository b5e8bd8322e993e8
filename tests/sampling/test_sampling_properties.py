"""Property-based invariants (hypothesis, derandomised: the same examples on every run)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from samplingstats.sampling import AliasTable, KeyedPermutation, inclusion_probabilities

SETTINGS = settings(derandomize=True, max_examples=60, deadline=None)


@SETTINGS
@given(
    n=st.integers(1, 5000),
    seed=st.integers(0, 2**64 - 1),
    pass_index=st.integers(0, 2**40),
)
def test_permutation_is_a_bijection_and_index_inverts(n, seed, pass_index):
    perm = KeyedPermutation(n, rng=seed)
    p = perm.permutation(pass_index)
    assert np.array_equal(np.sort(p), np.arange(n))
    assert np.array_equal(perm.index(p, pass_index), np.arange(n))


@SETTINGS
@given(
    n=st.integers(1, 2**62),
    seed=st.integers(0, 2**64 - 1),
    data=st.data(),
)
def test_take_is_in_range_and_consistent(n, seed, data):
    perm = KeyedPermutation(n, rng=seed)
    pos = np.array(
        data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=20)), dtype=np.int64
    )
    x = perm.take(pos)
    assert np.all((x >= 0) & (x < n))
    assert np.array_equal(perm.index(x), pos)
    # Distinct positions map to distinct elements.
    assert np.unique(x).size == np.unique(pos).size


weights = st.lists(
    st.one_of(st.just(0.0), st.floats(1e-150, 1e150, allow_nan=False, allow_infinity=False)),
    min_size=1,
    max_size=40,
).filter(lambda w: any(v > 0 for v in w))


@SETTINGS
@given(w=weights)
def test_alias_table_exact_for_any_weights(w):
    w = np.array(w)
    t = AliasTable(w)
    p = w / w.max()
    p = p / p.sum()
    np.testing.assert_allclose(t.implied_probabilities(), p, rtol=1e-12, atol=1e-15)


@SETTINGS
@given(w=weights, frac=st.floats(0.01, 1.0))
def test_inclusion_probabilities_invariants(w, frac):
    w = np.array(w)
    n_pos = int((w > 0).sum())
    k = frac * n_pos
    pi = inclusion_probabilities(w, k)
    assert abs(pi.sum() - k) <= 1e-12 * max(k, 1.0)
    assert np.all((pi >= 0) & (pi <= 1)) and np.all(pi[w == 0] == 0)
    free = (pi < 1) & (w > 0)
    if free.sum() > 1:
        c = pi[free] / w[free]
        np.testing.assert_allclose(c, c[0], rtol=1e-10)
