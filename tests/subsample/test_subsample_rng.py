"""``rng=`` on the RS2 schedule, sampler and static baselines (issue 13): ints keep their streams,
None draws a key once and resumes from the saved one, ranks must share an int, torch is optional."""

import subprocess
import sys

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.sampling import KeyedPermutation
from samplingstats.subsample import RS2Schedule, kcenter_greedy_subset, static_subset


def test_int_rng_is_the_key():
    # an int is the Feistel key itself: round 0 is the first k positions of KeyedPermutation(rng)
    s = RS2Schedule(1000, 0.1, rng=5)
    assert s.seed == 5
    perm = KeyedPermutation(1000, rng=5)
    np.testing.assert_array_equal(s.round_indices(0), perm.take_range(0, 100))
    np.testing.assert_array_equal(static_subset(1000, 0.1, rng=5), np.sort(s.round_indices(0)))


def test_none_draws_a_fresh_key_and_a_generator_one_draw():
    a, b = RS2Schedule(1000, 0.1), RS2Schedule(1000, 0.1)
    assert a.seed != b.seed  # 2**-63 chance of a collision
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    assert RS2Schedule(1000, 0.1, rng=g1).seed == RS2Schedule(1000, 0.1, rng=g2).seed
    assert not np.array_equal(static_subset(1000, 0.1), static_subset(1000, 0.1))


def test_drawn_key_is_adopted_on_resume_but_an_int_key_is_checked():
    a = RS2Schedule(500, 0.1, labels=np.arange(500) % 3)
    it = iter(a)
    [next(it) for _ in range(4)]
    state = a.state_dict()
    want = [a.indices(t) for t in range(4, 8)]
    b = RS2Schedule(500, 0.1, labels=np.arange(500) % 3)  # another fresh key
    b.load_state_dict(state)
    assert b.seed == a.seed and b.round == 4
    for t, w in zip(range(4, 8), want):
        np.testing.assert_array_equal(b.indices(t), w)
    with pytest.raises(InvalidParameterError, match="different configuration.*seed"):
        RS2Schedule(500, 0.1, labels=np.arange(500) % 3, rng=a.seed + 1).load_state_dict(state)


def test_ranks_need_an_int():
    for bad in (None, np.random.default_rng(0)):
        with pytest.raises(InvalidParameterError, match="same int on every rank"):
            RS2Schedule(100, 0.1, rng=bad, num_replicas=2, rank=0)
    RS2Schedule(100, 0.1, rng=7, num_replicas=2, rank=1)


def test_kcenter_rng_int_matches_the_old_seed_stream():
    X = np.random.default_rng(0).normal(size=(50, 2))
    first = int(np.random.default_rng(4).integers(50))
    got = kcenter_greedy_subset(X, 0.2, rng=4)
    assert got[0] == first
    np.testing.assert_array_equal(got, kcenter_greedy_subset(X, 0.2, rng=np.random.default_rng(4)))


def test_sampler_rng_rules():
    pytest.importorskip("torch")
    import torch

    from samplingstats.subsample import RS2Sampler

    with pytest.raises(InvalidParameterError, match="must be an int in distributed training"):
        RS2Sampler(100, 0.1, num_replicas=2, rank=0)
    with pytest.raises(InvalidParameterError, match=r"rng=int\(g.integers\(2\*\*63\)\)"):
        RS2Sampler(100, 0.1, rng=np.random.default_rng(1), num_replicas=2, rank=0)
    # one process: None draws once; the state carries the key and a fresh sampler resumes it
    a = RS2Sampler(200, 0.1)
    it = iter(a)
    head = [next(it) for _ in range(7)]
    state = a.state_dict()
    rest_a = list(it)
    b = RS2Sampler(200, 0.1)
    b.load_state_dict(state)
    assert list(b) == rest_a and len(head) + len(rest_a) == 20
    # a torch.Generator is accepted (one draw of it)
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    assert RS2Sampler(200, 0.1, rng=g1).schedule.seed == RS2Sampler(200, 0.1, rng=g2).schedule.seed


def test_subsample_imports_without_torch_and_the_sampler_says_which_extra():
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"  # makes `import torch` fail as if it were missing
        "import samplingstats.subsample as s\n"
        "assert s.RS2Schedule(10, 0.5, rng=0).round_size == 5\n"
        "from samplingstats import MissingOptionalDependency\n"
        "try:\n"
        "    s.RS2Sampler\n"
        "except MissingOptionalDependency as exc:\n"
        "    print('MISSING', exc)\n"
        "try:\n"
        "    s.rs2_cosine_lr(None, total_steps=3)\n"
        "except MissingOptionalDependency as exc:\n"
        "    print('MISSING', exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert out.count("MISSING") == 2, out
    assert (
        "RS2Sampler needs the optional package 'torch': pip install \"samplingstats[torch]\"" in out
    )
    assert "rs2_cosine_lr needs the optional package 'torch'" in out
