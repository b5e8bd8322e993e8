"""AliasTable and the alias kernels: exact tables, chi-square goodness of fit, shapes."""

import numpy as np
import pytest
from _sampling_stats import ALPHA, chisquare_pvalue

from samplingstats._kernels._alias import alias_build, alias_draw, alias_draw_one
from samplingstats.sampling import AliasTable


def _implied(prob, alias):
    n = prob.shape[0]
    out = prob.copy()
    np.add.at(out, alias, 1.0 - prob)
    return out / n


def _weight_vectors():
    rng = np.random.default_rng(20261126)
    return {
        "small": np.array([1.0, 2.0, 3.0, 4.0]),
        "zeros": np.array([0.0, 1.0, 0.0, 3.0, 2.0, 0.0, 0.5]),
        "uniform": np.ones(17),
        "single": np.array([0.0, 0.0, 7.0]),
        "random1000": rng.random(1000),
        "dynamic": 10.0 ** rng.uniform(-12, 12, size=200),
        "huge": np.array([1e300, 3e300, 1e-300, 0.0, 1e300]),
        "skewed": np.r_[1e6, np.ones(999)],
    }


@pytest.mark.parametrize("name", list(_weight_vectors()))
def test_alias_table_is_exact(name):
    # Deterministic: the table's implied probabilities equal w / sum(w) to rounding error.
    w = _weight_vectors()[name]
    table = AliasTable(w)
    p = w / w.max()
    p = p / p.sum()
    implied = _implied(table.prob, table.alias)
    np.testing.assert_allclose(implied, p, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(table.implied_probabilities(), implied, rtol=0, atol=0)
    np.testing.assert_allclose(table.probabilities, p, rtol=1e-15, atol=0)
    assert table.prob.dtype == np.float64 and table.alias.dtype == np.int64
    assert np.all((table.prob >= 0) & (table.prob <= 1))
    assert np.all((table.alias >= 0) & (table.alias < len(w)))
    # A zero-weight column never keeps itself, and is never an alias target.
    zero = np.flatnonzero(w == 0)
    assert np.all(table.prob[zero] == 0)
    assert not np.isin(table.alias[table.prob < 1], zero).any()


def test_alias_build_unnormalised_kernel_matches_normalised():
    rng = np.random.default_rng(1)
    w = rng.random(300) * 50
    prob1, alias1 = alias_build(w)
    prob2, alias2 = alias_build(w / w.sum())
    np.testing.assert_allclose(_implied(prob1, alias1), w / w.sum(), rtol=1e-12)
    np.testing.assert_allclose(_implied(prob2, alias2), w / w.sum(), rtol=1e-12)


@pytest.mark.parametrize("name", ["small", "zeros", "random1000", "dynamic", "skewed"])
def test_alias_draws_chisquare(name):
    # Pearson goodness of fit of 10^6 draws against the exact p; false-failure prob <= ALPHA.
    w = _weight_vectors()[name]
    rng = np.random.default_rng(12345)
    table = AliasTable(w)
    draws = table.sample(1_000_000, rng=rng)
    counts = np.bincount(draws, minlength=len(w))
    p = w / w.sum()
    assert counts[w == 0].sum() == 0  # exact: zero weights are never drawn
    assert chisquare_pvalue(counts, p * draws.size) > ALPHA


def test_alias_sample_shapes_and_reproducibility():
    table = AliasTable([1.0, 2.0, 3.0])
    assert table.sample(rng=0).shape == ()
    assert table.sample(5, rng=0).shape == (5,)
    assert table.sample((2, 3, 4), rng=0).shape == (2, 3, 4)
    assert table.sample(0, rng=0).shape == (0,)
    assert table.sample((3, 0), rng=0).shape == (3, 0)
    a = table.sample(100, rng=np.random.default_rng(7))
    b = table.sample(100, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    # A Generator's stream advances: two consecutive calls differ.
    g = np.random.default_rng(7)
    assert not np.array_equal(table.sample(100, rng=g), table.sample(100, rng=g))
    assert a.dtype == np.int64
    assert len(table) == 3 and "AliasTable(n_items=3" in repr(table)


def test_alias_single_category_and_degenerate():
    table = AliasTable([0.0, 0.0, 7.0])
    np.testing.assert_array_equal(table.sample(50, rng=3), np.full(50, 2))
    assert AliasTable([2.5]).sample(4, rng=0).tolist() == [0, 0, 0, 0]


def test_alias_draw_one_kernel_matches_distribution():
    # The scalar kernel used inside other modules' numba code: 2 * 10^5 draws, chi-square.
    rng = np.random.default_rng(99)
    w = np.array([5.0, 1.0, 0.0, 2.0, 2.0])
    table = AliasTable(w)
    draws = np.array([alias_draw_one(table.prob, table.alias, rng) for _ in range(20_000)])
    counts = np.bincount(draws, minlength=5)
    assert counts[2] == 0
    assert chisquare_pvalue(counts, w / w.sum() * draws.size) > ALPHA
    # alias_draw is alias_draw_one in a loop on the same stream.
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    bulk = alias_draw(table.prob, table.alias, 50, g1)
    ones = [alias_draw_one(table.prob, table.alias, g2) for _ in range(50)]
    np.testing.assert_array_equal(bulk, ones)


def test_alias_accepts_lists_ints_and_bools():
    np.testing.assert_allclose(AliasTable([1, 3]).probabilities, [0.25, 0.75])
    np.testing.assert_allclose(
        AliasTable(np.array([True, False, True])).probabilities, [0.5, 0, 0.5]
    )
