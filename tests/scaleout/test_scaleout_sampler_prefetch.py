"""RS2Sampler.state_dict(consumed=...) when a prefetcher has drawn the whole round (regression).

A DataLoader with workers draws indices ahead of training. With short rounds (a few batches per
rank) the prefetcher reaches the end of the round while training is still in it, and the sampler
moves on to the next round; ``consumed`` must still refer to the round being trained on.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from samplingstats.subsample import RS2Sampler  # noqa: E402

N, RATIO, SEED = 1257, 0.1, 3  # k = 126


@pytest.mark.parametrize(
    ("world", "rank", "kwargs"),
    [(1, 0, {}), (2, 1, {"even_shards": True}), (3, 2, {"labels": np.arange(N) % 5})],
)
@pytest.mark.parametrize("consumed", [0, 1, 32, 40])
def test_consumed_refers_to_the_round_being_trained(world, rank, kwargs, consumed):
    def make():
        return RS2Sampler(N, RATIO, rng=SEED, num_replicas=world, rank=rank, **kwargs)

    ref = make()
    rounds = [list(ref) for _ in range(4)]  # the uninterrupted stream of rounds 0..3

    s = make()
    for t in range(2):
        s.set_epoch(t)
        list(s)
    s.set_epoch(2)
    drawn = list(s)  # the prefetcher drained round 2; the sampler now points at round 3
    assert drawn == rounds[2] and s.round == 3
    consumed = min(consumed, len(drawn) - 1)
    state = s.state_dict(consumed=consumed)
    assert (state["round"], state["yielded"]) == (2, consumed)

    fresh = make()
    fresh.load_state_dict(state)
    fresh.set_epoch(state["round"])
    assert list(fresh) == rounds[2][consumed:]
    assert list(fresh) == rounds[3]  # and on to the next round


def test_consumed_whole_round_moves_to_next_and_set_epoch_forgets_the_iteration():
    s = RS2Sampler(N, RATIO, rng=SEED, num_replicas=2, rank=0)
    first = list(s)
    state = s.state_dict(consumed=len(first))
    assert (state["round"], state["yielded"]) == (1, 0)
    s.set_epoch(5)  # an explicit round: consumed now counts in round 5, not in round 0
    assert (s.state_dict(consumed=3)["round"], s.state_dict(consumed=3)["yielded"]) == (5, 3)


def test_partial_iteration_then_consumed():
    s = RS2Sampler(N, RATIO, rng=SEED)
    it = iter(s)
    head = [next(it) for _ in range(50)]  # prefetched 50, trained on 20
    state = s.state_dict(consumed=20)
    assert (state["round"], state["yielded"]) == (0, 20)
    fresh = RS2Sampler(N, RATIO, rng=SEED)
    fresh.load_state_dict(state)
    rest = list(fresh)
    assert rest[:30] == head[20:] and len(rest) == len(s) - 20
