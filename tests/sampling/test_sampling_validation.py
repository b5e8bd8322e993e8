"""Every bad input raises InvalidParameterError with a message naming the argument."""

import numpy as np
import pytest

from samplingstats import InvalidParameterError  # noqa: F401  (public re-export)
from samplingstats._exceptions import InvalidParameterError as IPE
from samplingstats.sampling import (
    AliasTable,
    KeyedPermutation,
    inclusion_probabilities,
    poisson_sample,
    weighted_sample_without_replacement,
)

WEIGHT_TAKERS = [
    lambda w: AliasTable(w),
    lambda w: inclusion_probabilities(w, 1),
    lambda w: weighted_sample_without_replacement(w, 1, rng=0),
]


@pytest.mark.parametrize("f", WEIGHT_TAKERS)
@pytest.mark.parametrize(
    "bad,match",
    [
        ([1.0, -2.0], r"Argument 'weights' must be non-negative; entry 1 is -2.0"),
        ([1.0, np.nan], r"Argument 'weights' contains NaN or infinite values \(1 of 2"),
        ([1.0, np.inf], r"Argument 'weights' contains NaN or infinite values"),
        ([0.0, 0.0], r"Argument 'weights' must have a positive sum; all weights are zero"),
        ([[1.0, 2.0]], r"Argument 'weights' must be a 1-D array, got an array of shape \(1, 2\)"),
        ([], r"Argument 'weights' must have at least 1 entry"),
        (["a", "b"], r"Argument 'weights' must be a numeric array"),
        (3.0, r"Argument 'weights' must be a 1-D array"),
    ],
)
def test_bad_weights(f, bad, match):
    with pytest.raises(IPE, match=match):
        f(bad)


def test_bad_weights_are_value_and_type_errors():
    with pytest.raises(ValueError):
        AliasTable([-1.0])
    with pytest.raises(TypeError):
        AliasTable([-1.0])


def test_alias_bad_size_and_rng():
    t = AliasTable([1.0, 2.0])
    for size in (-1, 2.5, (2, -1), "3", (2.0,), True):
        with pytest.raises(
            IPE, match=r"The 'n_samples' parameter of AliasTable.sample must be None"
        ):
            t.sample(size, rng=0)
    with pytest.raises(IPE, match=r"The 'rng' parameter"):
        t.sample(3, rng=1.5)


@pytest.mark.parametrize(
    "bad,match",
    [
        ([0.5, 1.5], r"Argument 'pi' must contain probabilities in \[0, 1\]; entry 1 is 1.5"),
        ([-0.1, 0.5], r"Argument 'pi' must contain probabilities in \[0, 1\]; entry 0 is -0.1"),
        ([0.5, np.nan], r"Argument 'pi' contains NaN or infinite values"),
        ([[0.5]], r"Argument 'pi' must be a 1-D array"),
    ],
)
def test_poisson_bad_pi(bad, match):
    with pytest.raises(IPE, match=match):
        poisson_sample(bad, rng=0)


@pytest.mark.parametrize("k", [0, -1, 3, 2.5 + 1, np.nan, np.inf, "2", None, True])
def test_inclusion_probabilities_bad_k(k):
    with pytest.raises(
        IPE,
        match=r"The 'n_samples' parameter of inclusion_probabilities must be a float in the range "
        r"\(0, 2\] \(the number of positive weights\)",
    ):
        inclusion_probabilities([1.0, 0.0, 3.0], k)


@pytest.mark.parametrize("k", [0, -1, 3, 1.5, "2", None, True])
def test_wor_bad_k(k):
    with pytest.raises(
        IPE,
        match=r"The 'n_samples' parameter of weighted_sample_without_replacement must be an int in "
        r"the range \[1, 2\] \(the number of positive weights\)",
    ):
        weighted_sample_without_replacement([1.0, 0.0, 3.0], k, rng=0)


@pytest.mark.parametrize("n", [0, -3, 2.0, "5", None, True, 2**62 + 1])
def test_permutation_bad_n(n):
    with pytest.raises(
        IPE,
        match=r"The 'n_items' parameter of KeyedPermutation must be an int in the range \[1, 2\*\*62\]",
    ):
        KeyedPermutation(n, rng=0)


@pytest.mark.parametrize("seed", [1.5, "7", -1, 2**64, [1.5, 2], True])
def test_permutation_bad_rng(seed):
    with pytest.raises(IPE, match=r"The 'rng' parameter of KeyedPermutation must be"):
        KeyedPermutation(10, rng=seed)


def test_permutation_bad_positions_and_ranges():
    perm = KeyedPermutation(10, rng=1)
    msg = r"The 'positions' parameter of KeyedPermutation.take must contain positions in \[0, n_items\)"
    with pytest.raises(IPE, match=msg + r" = \[0, 10\). Got 10 instead"):
        perm.take(np.array([0, 10]))
    with pytest.raises(IPE, match=msg + r" = \[0, 10\). Got -1 instead"):
        perm.take([-1, 3])
    with pytest.raises(IPE, match=r"'positions' .* must be an array of integers. Got an array "):
        perm.take(np.array([0.5, 1.0]))
    with pytest.raises(IPE, match=r"must be an array of integers"):
        perm.take(np.array([True, False]))
    with pytest.raises(
        IPE,
        match=r"The 'elements' parameter of KeyedPermutation.index must contain elements in "
        r"\[0, n_items\) = \[0, 10\). Got 10 instead",
    ):
        perm.index([10])
    with pytest.raises(IPE, match=r"The 'elements' parameter of KeyedPermutation.index must be an"):
        perm.index([1.5])
    with pytest.raises(IPE, match=r"The 'pass_index' parameter of KeyedPermutation.take must"):
        perm.take([1], pass_index=-1)
    with pytest.raises(IPE, match=r"The 'pass_index' parameter of KeyedPermutation.take must"):
        perm.take([1], pass_index=1.0)
    with pytest.raises(IPE, match=r"The 'start' parameter of KeyedPermutation.take_range must"):
        perm.take_range(-1, 5)
    with pytest.raises(
        IPE,
        match=r"The 'stop' parameter of KeyedPermutation.take_range must be "
        r"an int in the range \[0, n_items\] = \[0, 10\]. Got 11 instead",
    ):
        perm.take_range(0, 11)
    with pytest.raises(IPE, match=r"The 'step' parameter of KeyedPermutation.take_range must"):
        perm.take_range(0, 5, 0)
    with pytest.raises(IPE, match=r"The 'pass_index' parameter of KeyedPermutation.permutation"):
        perm.permutation(pass_index="a")
    with pytest.raises(IPE, match=r"KeyedPermutation indices must be ints or slices"):
        perm[1.0]
    with pytest.raises(IPE, match=r"positive step only"):
        perm[::-1]


def test_torch_validation():
    torch = pytest.importorskip("torch")
    perm = KeyedPermutation(10, rng=1)
    with pytest.raises(
        IPE,
        match=r"The 'positions' parameter of KeyedPermutation.take must be an "
        r"integer tensor. Got dtype torch.float32",
    ):
        perm.take(torch.tensor([1.0]))
    with pytest.raises(IPE, match=r"must contain positions in \[0, n_items\) = \[0, 10\). Got 12"):
        perm.take(torch.tensor([1, 12]))
    with pytest.raises(IPE, match=r"Argument 'weights' must be non-negative"):
        AliasTable(torch.tensor([1.0, -1.0]))
    with pytest.raises(IPE, match=r"Argument 'pi' must contain probabilities in \[0, 1\]"):
        poisson_sample(torch.tensor([2.0]))
    with pytest.raises(IPE, match=r"The 'weights' parameter of AliasTable must be a real tensor"):
        AliasTable(torch.tensor([1.0 + 1j]))
