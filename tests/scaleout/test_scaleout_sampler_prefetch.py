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


# ----------------------------------------------------------------------------------------------
# RS2Loader: exact checkpoints under a DataLoader with prefetching workers (issue 18)
# ----------------------------------------------------------------------------------------------
def _loader(num_workers, **kw):
    from torch.utils.data import DataLoader, TensorDataset

    from samplingstats.subsample import RS2Loader

    ds = TensorDataset(torch.arange(N))
    sampler = RS2Sampler(N, 0.4, rng=SEED, **kw)  # k = 503: 63 batches of 8 per round
    extra = {"prefetch_factor": 4, "persistent_workers": False} if num_workers else {}
    dl = DataLoader(ds, batch_size=8, sampler=sampler, num_workers=num_workers, **extra)
    return RS2Loader(dl)


def _stream(loader, rounds):
    out = []
    for r in range(rounds):
        loader.set_epoch(r)
        out += [x for (batch,) in loader for x in batch.tolist()]
    return out


@pytest.mark.parametrize("consumed_batches", [1, 5, 62, 63])
def test_rs2loader_resumes_exactly_with_two_workers(consumed_batches):
    ref = _stream(_loader(0), 3)  # the uninterrupted index stream of rounds 0..2
    a = _loader(2)
    a.set_epoch(0)
    it = iter(a)
    seen = [x for _ in range(consumed_batches) for x in next(it)[0].tolist()]
    state = a.state_dict()
    plain = a.sampler.state_dict()  # what the sampler alone would record under prefetching
    del it
    assert seen == ref[: len(seen)]
    if consumed_batches < 63:
        assert (state["round"], state["yielded"]) == (0, 8 * consumed_batches)
        # the hazard RS2Loader removes: the workers have drawn ahead of training
        assert plain["round"] > 0 or plain["yielded"] > state["yielded"]
    else:
        assert (state["round"], state["yielded"]) == (1, 0)
    b = _loader(2)
    b.load_state_dict(state)
    rest = []
    for r in range(state["round"], 3):
        b.set_epoch(r)  # keeps the pending mid-round position of round state["round"]
        rest += [x for (batch,) in b for x in batch.tolist()]
    assert seen + rest == ref


def test_rs2loader_state_between_rounds_and_with_a_resumed_start():
    a = _loader(0)
    a.set_epoch(0)
    list(a)
    assert (a.state_dict()["round"], a.state_dict()["yielded"]) == (1, 0)
    # a resumed mid-round iteration counts from the start of the round, not from the resume
    b = _loader(0)
    b.load_state_dict({**a.state_dict(), "round": 1, "yielded": 16})
    b.set_epoch(1)
    it = iter(b)
    next(it)
    st = b.state_dict()
    assert (st["round"], st["yielded"]) == (1, 24)


def test_rs2loader_refuses_a_loader_without_rs2sampler():
    from torch.utils.data import DataLoader, TensorDataset

    from samplingstats import InvalidParameterError
    from samplingstats.subsample import RS2Loader

    with pytest.raises(InvalidParameterError, match="RS2Sampler"):
        RS2Loader(DataLoader(TensorDataset(torch.arange(10)), batch_size=2))
    dl = DataLoader(
        TensorDataset(torch.arange(10)),
        batch_size=None,
        sampler=RS2Sampler(10, 0.5, rng=0),
    )
    with pytest.raises(InvalidParameterError, match="fixed batch_size"):
        RS2Loader(dl)


# ---------------------------------------------------------------------------------------------
# torchdata's StatefulDataLoader: its own checkpoint is exact with an RS2Sampler (the sampler is
# Stateful, so the loader snapshots sampler.state_dict() when it dispatches each batch's indices
# and returns the snapshot of the last batch handed out -- no fast-forward, no over-count).
@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize("stop_after", [1, 5, 8, 9, 13])
def test_stateful_dataloader_resumes_exactly(num_workers, stop_after):
    sdl = pytest.importorskip("torchdata.stateful_dataloader")
    ds = torch.utils.data.TensorDataset(torch.arange(300))
    bs = 8  # k = 60: 8 batches per round (the last of 4)

    def make():
        kw = {"num_workers": num_workers}
        if num_workers:
            kw.update(multiprocessing_context="fork", prefetch_factor=2)
        sampler = RS2Sampler(ds, 0.2, rng=4)
        return sdl.StatefulDataLoader(ds, batch_size=bs, sampler=sampler, **kw)

    ref = make()
    stream = [b[0].tolist() for _ in range(3) for b in ref]  # 3 rounds, 24 batches

    loader = make()
    got, state = [], None
    for _ in range(3):
        for b in loader:
            got.append(b[0].tolist())
            if len(got) == stop_after:
                state = loader.state_dict()
                break
        if state is not None:
            break
    assert got == stream[:stop_after]

    again = make()
    again.load_state_dict(state)
    rest = []
    while len(got) + len(rest) < len(stream):
        rest.extend(b[0].tolist() for b in again)
    assert got + rest == stream  # nothing replayed, nothing skipped
