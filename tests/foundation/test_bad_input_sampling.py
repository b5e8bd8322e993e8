"""Bad input to samplingstats.sampling: each row raises the expected class naming the argument."""

from __future__ import annotations

import pytest
from _bad_input import HUGE, INF, NAN, check_row, params, row

from samplingstats.sampling import (
    AliasTable,
    KeyedPermutation,
    inclusion_probabilities,
    poisson_sample,
    weighted_sample_without_replacement,
)

W = [1.0, 2.0, 3.0, 4.0]


def _alias():
    return AliasTable(W)


def _perm():
    return KeyedPermutation(10, rng=0)


ROWS = [
    # AliasTable(weights)
    row("sampling.AliasTable.__init__", "nan", lambda: AliasTable([1.0, NAN]), name="weights"),
    row("sampling.AliasTable.__init__", "inf", lambda: AliasTable([1.0, INF]), name="weights"),
    row("sampling.AliasTable.__init__", "empty", lambda: AliasTable([]), name="weights"),
    row("sampling.AliasTable.__init__", "2d", lambda: AliasTable([[1.0, 2.0]]), name="weights"),
    row(
        "sampling.AliasTable.__init__", "negative", lambda: AliasTable([1.0, -1.0]), name="weights"
    ),
    row("sampling.AliasTable.__init__", "all-zero", lambda: AliasTable([0.0, 0.0]), name="weights"),
    row(
        "sampling.AliasTable.__init__",
        "complex",
        lambda: AliasTable([1 + 1j, 2]),
        TypeError,
        "weights",
    ),
    row(
        "sampling.AliasTable.__init__", "str", lambda: AliasTable(["a", "b"]), TypeError, "weights"
    ),
    row(
        "sampling.AliasTable.__init__",
        "object",
        lambda: AliasTable([object()]),
        TypeError,
        "weights",
    ),
    row("sampling.AliasTable.__init__", "none", lambda: AliasTable(None), TypeError, "weights"),
    # AliasTable.sample(n_samples, rng)
    row("sampling.AliasTable.sample", "negative", lambda: _alias().sample(-1), name="n_samples"),
    row("sampling.AliasTable.sample", "float", lambda: _alias().sample(2.5), name="n_samples"),
    row("sampling.AliasTable.sample", "bool", lambda: _alias().sample(True), name="n_samples"),
    row("sampling.AliasTable.sample", "str", lambda: _alias().sample("3"), name="n_samples"),
    row("sampling.AliasTable.sample", "huge", lambda: _alias().sample(HUGE), name="n_samples"),
    row("sampling.AliasTable.sample", "rng-float", lambda: _alias().sample(3, rng=0.5), name="rng"),
    row(
        "sampling.AliasTable.sample", "rng-negative", lambda: _alias().sample(3, rng=-1), name="rng"
    ),
    # KeyedPermutation(n_items, rng)
    row(
        "sampling.KeyedPermutation.__init__",
        "zero",
        lambda: KeyedPermutation(0, rng=0),
        name="n_items",
    ),
    row(
        "sampling.KeyedPermutation.__init__",
        "negative",
        lambda: KeyedPermutation(-3, rng=0),
        name="n_items",
    ),
    row(
        "sampling.KeyedPermutation.__init__",
        "float",
        lambda: KeyedPermutation(10.5, rng=0),
        name="n_items",
    ),
    row(
        "sampling.KeyedPermutation.__init__",
        "bool",
        lambda: KeyedPermutation(True, rng=0),
        name="n_items",
    ),
    row(
        "sampling.KeyedPermutation.__init__",
        "str",
        lambda: KeyedPermutation("10", rng=0),
        name="n_items",
    ),
    row(
        "sampling.KeyedPermutation.__init__",
        "too-big",
        lambda: KeyedPermutation(2**70, rng=0),
        name="n_items",
    ),
    row(
        "sampling.KeyedPermutation.__init__",
        "rng-str",
        lambda: KeyedPermutation(10, rng="x"),
        name="rng",
    ),
    # methods
    row(
        "sampling.KeyedPermutation.key", "pass-negative", lambda: _perm().key(-1), name="pass_index"
    ),
    row("sampling.KeyedPermutation.key", "pass-float", lambda: _perm().key(1.5), name="pass_index"),
    row(
        "sampling.KeyedPermutation.take",
        "out-of-range",
        lambda: _perm().take([10]),
        name="positions",
    ),
    row("sampling.KeyedPermutation.take", "negative", lambda: _perm().take([-1]), name="positions"),
    row("sampling.KeyedPermutation.take", "float", lambda: _perm().take([1.5]), name="positions"),
    row(
        "sampling.KeyedPermutation.take",
        "complex",
        lambda: _perm().take([1j]),
        TypeError,
        "positions",
    ),
    row(
        "sampling.KeyedPermutation.take", "str", lambda: _perm().take(["a"]), TypeError, "positions"
    ),
    row(
        "sampling.KeyedPermutation.take",
        "pass-bool",
        lambda: _perm().take([1], True),
        name="pass_index",
    ),
    row(
        "sampling.KeyedPermutation.index",
        "out-of-range",
        lambda: _perm().index([10]),
        name="elements",
    ),
    row("sampling.KeyedPermutation.index", "float", lambda: _perm().index([0.5]), name="elements"),
    row(
        "sampling.KeyedPermutation.index",
        "pass-negative",
        lambda: _perm().index([1], -2),
        name="pass_index",
    ),
    row(
        "sampling.KeyedPermutation.take_range",
        "stop-past-end",
        lambda: _perm().take_range(0, 11),
        name="stop",
    ),
    row(
        "sampling.KeyedPermutation.take_range",
        "start-negative",
        lambda: _perm().take_range(-1, 5),
        name="start",
    ),
    row(
        "sampling.KeyedPermutation.take_range",
        "step-zero",
        lambda: _perm().take_range(0, 5, 0),
        name="step",
    ),
    row(
        "sampling.KeyedPermutation.take_range",
        "start-float",
        lambda: _perm().take_range(0.5, 5),
        name="start",
    ),
    row(
        "sampling.KeyedPermutation.permutation",
        "pass-negative",
        lambda: _perm().permutation(-1),
        name="pass_index",
    ),
    row(
        "sampling.KeyedPermutation.permutation",
        "pass-str",
        lambda: _perm().permutation("0"),
        name="pass_index",
    ),
    # inclusion_probabilities(weights, n_samples)
    row(
        "sampling.inclusion_probabilities",
        "nan",
        lambda: inclusion_probabilities([1.0, NAN, 2.0], 1),
        name="weights",
    ),
    row(
        "sampling.inclusion_probabilities",
        "empty",
        lambda: inclusion_probabilities([], 1),
        name="weights",
    ),
    row(
        "sampling.inclusion_probabilities",
        "2d",
        lambda: inclusion_probabilities([[1.0, 2.0]], 1),
        name="weights",
    ),
    row(
        "sampling.inclusion_probabilities",
        "complex",
        lambda: inclusion_probabilities([1j, 2, 3], 1),
        TypeError,
        "weights",
    ),
    row(
        "sampling.inclusion_probabilities",
        "k-too-big",
        lambda: inclusion_probabilities(W, 5),
        name="n_samples",
    ),
    row(
        "sampling.inclusion_probabilities",
        "k-negative",
        lambda: inclusion_probabilities(W, -1),
        name="n_samples",
    ),
    row(
        "sampling.inclusion_probabilities",
        "k-zero",
        lambda: inclusion_probabilities(W, 0),
        name="n_samples",
    ),
    row(
        "sampling.inclusion_probabilities",
        "k-bool",
        lambda: inclusion_probabilities(W, True),
        name="n_samples",
    ),
    row(
        "sampling.inclusion_probabilities",
        "k-nan",
        lambda: inclusion_probabilities(W, NAN),
        name="n_samples",
    ),
    # poisson_sample(pi)
    row(
        "sampling.poisson_sample", "above-one", lambda: poisson_sample([0.5, 1.5], rng=0), name="pi"
    ),
    row(
        "sampling.poisson_sample", "negative", lambda: poisson_sample([0.5, -0.1], rng=0), name="pi"
    ),
    row("sampling.poisson_sample", "nan", lambda: poisson_sample([0.5, NAN], rng=0), name="pi"),
    row("sampling.poisson_sample", "empty", lambda: poisson_sample([], rng=0), name="pi"),
    row("sampling.poisson_sample", "2d", lambda: poisson_sample([[0.5]], rng=0), name="pi"),
    row(
        "sampling.poisson_sample", "complex", lambda: poisson_sample([0.5j], rng=0), TypeError, "pi"
    ),
    row("sampling.poisson_sample", "str", lambda: poisson_sample("0.5", rng=0), TypeError, "pi"),
    row("sampling.poisson_sample", "rng-float", lambda: poisson_sample([0.5], rng=1.5), name="rng"),
    # weighted_sample_without_replacement(weights, n_samples)
    row(
        "sampling.weighted_sample_without_replacement",
        "nan",
        lambda: weighted_sample_without_replacement([1, NAN], 1, rng=0),
        name="weights",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "negative-w",
        lambda: weighted_sample_without_replacement([1, -1], 1, rng=0),
        name="weights",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "complex",
        lambda: weighted_sample_without_replacement([1j, 1], 1, rng=0),
        TypeError,
        "weights",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "empty",
        lambda: weighted_sample_without_replacement([], 1, rng=0),
        name="weights",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "k-too-big",
        lambda: weighted_sample_without_replacement(W, 5, rng=0),
        name="n_samples",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "k-negative",
        lambda: weighted_sample_without_replacement(W, -1, rng=0),
        name="n_samples",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "k-float",
        lambda: weighted_sample_without_replacement(W, 2.0, rng=0),
        name="n_samples",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "k-huge",
        lambda: weighted_sample_without_replacement(W, HUGE, rng=0),
        name="n_samples",
    ),
    row(
        "sampling.weighted_sample_without_replacement",
        "more-than-positive",
        lambda: weighted_sample_without_replacement([1, 0, 0, 0], 2, rng=0),
        name="n_samples",
    ),
]

KNOWN: dict[str, str] = {}


@pytest.mark.parametrize("call,exc,name", params(ROWS, KNOWN))
def test_bad_input(call, exc, name):
    check_row(call, exc, name)
