import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats._rng import as_generator, random_seed, spawn, torch_generator


def test_as_generator_accepts_the_spec7_types():
    g = np.random.default_rng(3)
    assert as_generator(g) is g
    assert isinstance(as_generator(None), np.random.Generator)
    a = as_generator(7).random(3)
    b = as_generator(np.int64(7)).random(3)
    c = as_generator(np.random.SeedSequence(7)).random(3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert isinstance(as_generator(np.random.PCG64(1)), np.random.Generator)
    assert isinstance(as_generator(np.random.RandomState(0)), np.random.Generator)
    assert isinstance(as_generator([1, 2, 3]), np.random.Generator)


def test_randomstate_conversion_is_reproducible():
    x = as_generator(np.random.RandomState(5)).random()
    y = as_generator(np.random.RandomState(5)).random()
    assert x == y


@pytest.mark.parametrize("bad", [1.5, True, "seed", -1, object(), [1.5, 2.0]])
def test_as_generator_rejects_other_types(bad):
    with pytest.raises(InvalidParameterError, match=r"The 'rng' parameter must be None, an int"):
        as_generator(bad)


def test_as_generator_names_the_argument():
    with pytest.raises(InvalidParameterError, match=r"The 'random_state' parameter"):
        as_generator(0.5, name="random_state")


def test_spawn_children_are_independent_and_reproducible():
    kids = spawn(11, 3)
    again = spawn(11, 3)
    draws = [k.standard_normal(2000) for k in kids]
    for k, d in zip(again, draws):
        np.testing.assert_array_equal(k.standard_normal(2000), d)
    # independent streams: sample correlations ~ N(0, 1/2000); |r| < 0.12 is > 5 sigma
    # (false-failure probability < 1e-6 per pair)
    for i in range(3):
        for j in range(i + 1, 3):
            assert abs(np.corrcoef(draws[i], draws[j])[0, 1]) < 0.12
    assert spawn(0, 0) == []


@pytest.mark.parametrize("bad", [-1, 1.0, True])
def test_spawn_rejects_bad_n(bad):
    with pytest.raises(InvalidParameterError, match=r"The 'n' parameter of spawn must be an int"):
        spawn(0, bad)


def test_random_seed_range_and_determinism():
    s = random_seed(3)
    assert 0 <= s < 2**63 and s == random_seed(3)
    assert random_seed(3) != random_seed(4)


def test_torch_generator_is_seeded_from_rng():
    torch = pytest.importorskip("torch")
    g1 = torch_generator(5)
    g2 = torch_generator(np.random.default_rng(5))
    t1 = torch.rand(4, generator=g1)
    t2 = torch.rand(4, generator=g2)
    assert torch.equal(t1, t2)
    assert not torch.equal(torch.rand(4, generator=torch_generator(6)), t1)
    assert g1.device.type == "cpu"
