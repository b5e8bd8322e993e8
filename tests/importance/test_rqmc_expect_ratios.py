"""Closed-form log densities of the several-law path (``_rqmc_expect._group_logpdf``) against
scipy's ``logpdf``, and the grouped likelihood ratios against per-law scipy calls."""

import numpy as np
import pytest
from scipy import stats

from samplingstats.importance._inputs import InputLaws
from samplingstats.importance._rqmc_expect import (
    _group_logpdf,
    family_groups,
    input_groups,
    likelihood_ratios,
)

LAW_GROUPS = {
    "normal": [stats.norm(0.0, 1.5), stats.norm(0.3, 0.9), stats.norm(-2.0, 0.2)],
    "normal far apart": [stats.norm(0.0, 1e4), stats.norm(1e4, 1.0), stats.norm(-5.0, 1e-3)],
    "lognormal": [stats.lognorm(0.5), stats.lognorm(0.2, scale=3.0), stats.lognorm(1.1, scale=0.1)],
    "lognormal with loc": [stats.lognorm(0.5, loc=-1.0), stats.lognorm(0.3, loc=-1.0, scale=2.0)],
    "lognormal, different locs": [stats.lognorm(0.5, loc=-1.0), stats.lognorm(0.3, loc=1.0)],
    "uniform": [stats.uniform(-1.0, 2.0), stats.uniform(0.0, 0.5), stats.uniform(0.5, 1e-3)],
}


@pytest.mark.parametrize("name", sorted(LAW_GROUPS))
def test_group_logpdf_equals_scipy(name):
    laws = LAW_GROUPS[name]
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [law.rvs(size=200, random_state=rng) for law in laws]
        + [np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 0.5005, 1.0, 1e4]), rng.normal(0, 50, 50)]
    )
    groups = family_groups(laws)
    for rows, dist, shapes, loc, scale, _ in groups:
        out = _group_logpdf(dist, shapes, loc, scale, x)
        if name == "lognormal, different locs":
            assert out is None  # no common log(x - loc): scipy per law
            continue
        ref = np.vstack([laws[r].logpdf(x) for r in rows])
        assert out.shape == ref.shape
        assert np.array_equal(np.isfinite(out), np.isfinite(ref))  # the same supports
        ok = np.isfinite(ref)
        # absolute error of a log density: 1e-9 covers rounding of terms up to ~1e6
        np.testing.assert_allclose(out[ok], ref[ok], rtol=1e-12, atol=1e-9)


def test_other_families_are_none():
    rows, dist, shapes, loc, scale, _ = family_groups([stats.gamma(3.0), stats.gamma(4.0)])[0]
    assert _group_logpdf(dist, shapes, loc, scale, np.ones(3)) is None


def test_grouped_ratios_equal_per_law_scipy_with_mixed_families():
    # input 0: normal and lognormal laws inside a normal first law's support... (a lognormal is
    # on (0, inf), inside R); input 1: uniform laws inside a wider uniform; a gamma law alone
    sets = [
        InputLaws([stats.norm(0.0, 2.0), stats.uniform(-1.0, 2.0)]),
        InputLaws([stats.lognorm(0.4, scale=1.5), stats.uniform(-0.5, 1.0)]),
        InputLaws([stats.norm(0.5, 1.0), stats.uniform(0.0, 1.0)]),
        InputLaws([stats.gamma(5.0, scale=0.3), stats.uniform(-1.0, 0.5)]),
    ]
    X = sets[0].from_uniform(np.random.default_rng(2).uniform(size=(400, 2)))
    logp = np.column_stack([s.logpdf(X) for s in sets])
    with np.errstate(invalid="ignore"):
        ref = np.exp(np.where(np.isfinite(logp - logp[:, :1]), logp - logp[:, :1], -np.inf))
    w = likelihood_ratios(sets, X, input_groups(sets))
    assert w.shape == (400, 4)
    assert np.array_equal(w == 0, ref == 0)
    np.testing.assert_allclose(w, ref, rtol=1e-10, atol=0)


def test_family_groups_split_by_germ():
    # the same family with bounded and unbounded supports goes to two groups
    laws = [stats.beta(2.0, 3.0), stats.norm(), stats.beta(1.0, 1.0, loc=2.0), stats.norm(1.0)]
    groups = {(g[1].name, g[5]): g[0] for g in family_groups(laws)}
    assert groups == {("beta", "legendre"): [0, 2], ("norm", "hermite"): [1, 3]}
    laws = [stats.genpareto(-0.5), stats.genpareto(0.5)]  # shape-dependent support
    kinds = {g[5]: g[0] for g in family_groups(laws)}
    assert kinds == {"legendre": [0], "hermite": [1]}
