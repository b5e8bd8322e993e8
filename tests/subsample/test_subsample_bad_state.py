"""Issue 17: corrupted or foreign RS2 states, huge rounds and sizes, bad options are refused."""

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.sampling import AliasTable, KeyedPermutation
from samplingstats.subsample import RS2Schedule, el2n_scores


def test_round_bounds_match_what_is_accepted():
    s = RS2Schedule(100, 0.1, rng=0)
    top = s.max_round
    assert s.indices(top).shape == (10,)  # the bound in the message is accepted ...
    with pytest.raises(InvalidParameterError, match=rf"'round'.*\[0, {top}\]"):
        s.indices(top + 1)  # ... and the next one refused with the same numbers
    with pytest.raises(InvalidParameterError, match="'round'"):
        s.indices(2**62)
    big = RS2Schedule(2**62, 1e-18, rng=0)  # k = 5: far rounds are fine
    assert big.indices(1).shape == (5,)
    repl = RS2Schedule(2**62, 1e-18, rng=0, replacement=True)
    assert repl.max_round == 0
    with pytest.raises(InvalidParameterError, match=r"\[0, 0\]"):
        repl.indices(1)


def test_schedule_state_round_out_of_range_refused():
    s = RS2Schedule(100, 0.1, rng=0)
    st = s.state_dict()
    for bad in (10**30, -1, 2.0, True, None):
        st["round"] = bad
        with pytest.raises(InvalidParameterError, match="round"):
            RS2Schedule(100, 0.1, rng=0).load_state_dict(st)


def test_el2n_from_logits_must_be_bool():
    with pytest.raises(InvalidParameterError, match="'from_logits'"):
        el2n_scores(np.zeros((3, 2)), [0, 1, 0], from_logits="yes")


def test_huge_sizes_refused_before_allocating():
    with pytest.raises(InvalidParameterError, match="'n_samples'.*EiB"):
        AliasTable([1.0, 2.0, 3.0]).sample(10**18)
    with pytest.raises(InvalidParameterError, match="'n_items'.*EiB"):
        KeyedPermutation(10**18, rng=0).permutation()
    with pytest.raises(InvalidParameterError, match="'stop'.*EiB"):
        KeyedPermutation(10**18, rng=0).take_range(0, 10**18)


def test_complex_weights_refused_with_type_error():
    from samplingstats.sampling import inclusion_probabilities, weighted_sample_without_replacement

    w = np.array([1 + 1j, 2.0, 3.0])
    for f in (
        lambda: AliasTable(w),
        lambda: inclusion_probabilities(w, 2),
        lambda: weighted_sample_without_replacement(w, 2, rng=0),
    ):
        with pytest.raises(TypeError, match="'weights'"):
            f()


class TestTorch:
    torch = pytest.importorskip("torch")

    def test_sampler_state_without_position_refused(self):
        from samplingstats.subsample import RS2Sampler

        s = RS2Sampler(100, 0.1, rng=0)
        it = iter(s)
        next(it)
        for field in ("yielded", "offset", "num_replicas"):
            st = s.state_dict()
            del st[field]
            with pytest.raises(InvalidParameterError, match=field):
                RS2Sampler(100, 0.1, rng=0).load_state_dict(st)
        # an RS2Schedule state (round only) would restart the round: refused
        with pytest.raises(InvalidParameterError, match="yielded"):
            RS2Sampler(100, 0.1, rng=0).load_state_dict(RS2Schedule(100, 0.1, rng=0).state_dict())
        st = s.state_dict()
        st["num_replicas"] = 0
        with pytest.raises(
            InvalidParameterError, match=r"num_replicas must be an int in the range \[1"
        ):
            RS2Sampler(100, 0.1, rng=0).load_state_dict(st)
        st = s.state_dict()
        st["round"] = 10**30
        with pytest.raises(InvalidParameterError, match="round"):
            RS2Sampler(100, 0.1, rng=0).load_state_dict(st)
        with pytest.raises(InvalidParameterError, match="'epoch'"):
            s.set_epoch(10**30)

    def test_weighted_sampler_huge(self):
        from samplingstats.subsample import WeightedSampler

        with pytest.raises(InvalidParameterError, match="'n_samples'.*EiB"):
            WeightedSampler([1.0, 2.0], 10**18)

    def test_cosine_lr_last_epoch(self):
        from samplingstats.subsample import rs2_cosine_lr

        opt = self.torch.optim.SGD([self.torch.nn.Parameter(self.torch.zeros(1))], lr=0.1)
        with pytest.raises(InvalidParameterError, match="'last_epoch'"):
            rs2_cosine_lr(opt, 4, last_epoch=-5)
        with pytest.raises(InvalidParameterError, match="'last_epoch'.*initial_lr"):
            rs2_cosine_lr(opt, 4, last_epoch=3)


def test_scores_refuse_complex_and_strings():
    from samplingstats.subsample import grand_scores

    logits, y = np.zeros((6, 3)), np.array([0, 1, 2, 0, 1, 2])
    with pytest.raises(TypeError, match="'outputs'"):
        el2n_scores(logits + 1j, y)
    with pytest.raises(InvalidParameterError, match="'outputs'"):
        grand_scores([["a"]], [0])
    with pytest.raises(InvalidParameterError, match="'outputs'.*NaN"):
        el2n_scores(np.where(np.eye(6, 3) > 0, np.nan, logits), y)


def test_state_must_be_a_dict():
    with pytest.raises(InvalidParameterError, match="'state' parameter of RS2Schedule"):
        RS2Schedule(100, 0.1, rng=0).load_state_dict([1, 2])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seed", "abc"),
        ("seed", -1),
        ("seed", 2**70),
        ("ratio", "0.1"),
        ("n", -5),
        ("label_hash", None),
        ("format", None),
        ("round", 1.5),
        ("even_shards", 1),
    ],
)
def test_corrupted_schedule_state_refused_whole(field, value):
    base = RS2Schedule(100, 0.1)  # rng=None: a drawn key, adopted from a valid state
    base.round = 3
    state = base.state_dict()
    state[field] = value
    fresh = RS2Schedule(100, 0.1)
    before = (fresh.seed, fresh.round)
    with pytest.raises(InvalidParameterError, match=field if field != "format" else "not an RS2"):
        fresh.load_state_dict(state)
    assert (fresh.seed, fresh.round) == before  # nothing adopted
