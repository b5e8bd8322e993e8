"""RS2Sampler (torch): DataLoader use, rounds, resume (validation case 4, also in a fresh process),
a change of the number of ranks, refusal of other configurations, bad input."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch.utils.data import DataLoader, Sampler, TensorDataset  # noqa: E402

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.subsample import RS2Sampler, RS2Schedule  # noqa: E402


def _take(sampler, rounds):
    return [list(iter(sampler)) for _ in range(rounds)]


def test_sampler_is_a_torch_sampler_and_matches_the_schedule():
    s = RS2Sampler(1000, 0.05, rng=4)
    assert isinstance(s, Sampler)
    assert len(s) == 50 and s.round_size == 50
    sched = RS2Schedule(1000, 0.05, rng=4)
    rounds = _take(s, 25)  # auto-advancing rounds without set_epoch
    for t, r in enumerate(rounds):
        assert r == sched.indices(t).tolist()
        assert all(type(i) is int for i in r[:3])
    assert sorted(sum(rounds[:20], [])) == list(range(1000))  # one pass = 20 rounds


def test_set_epoch_selects_the_round_like_distributed_sampler():
    s = RS2Sampler(200, 0.1, rng=1)
    sched = RS2Schedule(200, 0.1, rng=1)
    s.set_epoch(7)
    assert list(s) == sched.indices(7).tolist()
    s.set_epoch(7)  # asked again: same round again
    assert list(s) == sched.indices(7).tolist()
    assert s.round == 8  # finished round 7
    s.set_epoch(3)
    assert list(s) == sched.indices(3).tolist()


def test_dataloader_loop_with_dataset_and_labels():
    X = torch.arange(300.0)
    y = torch.arange(300) % 3
    ds = TensorDataset(X, y)
    s = RS2Sampler(ds, 0.1, labels=y, rng=2)
    loader = DataLoader(ds, batch_size=8, sampler=s)
    assert len(loader) == 4
    for epoch in range(3):
        s.set_epoch(epoch)
        ys = torch.cat([b[1] for b in loader])
        assert torch.bincount(ys, minlength=3).tolist() == [10, 10, 10]


def test_shuffle_false_sorts_each_round():
    a = RS2Sampler(500, 0.1, rng=3)
    b = RS2Sampler(500, 0.1, rng=3, shuffle=False)
    for _ in range(3):
        ra, rb = list(a), list(b)
        assert rb == sorted(ra)


def _interrupt(sampler, rounds_done, consumed):
    for _ in range(rounds_done):
        list(sampler)
    it = iter(sampler)
    head = [next(it) for _ in range(consumed)]
    return head, sampler.state_dict()


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"replacement": True},
        {"labels": np.arange(700) % 5},
        {"shuffle": False},
        {"num_replicas": 3, "rank": 2},
        {"num_replicas": 4, "rank": 1, "even_shards": True},
    ],
)
def test_resume_mid_round_is_bitwise_identical(kw):
    full = RS2Sampler(700, 0.3, rng=12, **kw)
    reference = _take(full, 6)
    flat_ref = sum(reference, [])
    a = RS2Sampler(700, 0.3, rng=12, **kw)
    head, state = _interrupt(a, 2, 17)
    assert state["round"] == 2 and state["yielded"] == 17
    b = RS2Sampler(700, 0.3, rng=12, **kw)
    b.load_state_dict(json.loads(json.dumps(state)))
    b.set_epoch(2)  # the usual loop calls set_epoch(round) after loading: keeps the position
    rest = sum(_take(b, 4), [])
    done = sum(reference[:2], []) + head
    assert done + rest == flat_ref[: len(done) + len(rest)]


def test_state_dict_consumed_override_and_round_end():
    a = RS2Sampler(400, 0.1, rng=5)
    it = iter(a)
    got = [next(it) for _ in range(30)]  # a prefetching loader ran ahead
    state = a.state_dict(consumed=16)
    b = RS2Sampler(400, 0.1, rng=5)
    b.load_state_dict(state)
    assert list(b) == RS2Schedule(400, 0.1, rng=5).indices(0)[16:].tolist()
    assert got[:16] == RS2Schedule(400, 0.1, rng=5).indices(0)[:16].tolist()
    # a fully consumed round is saved as the start of the next one
    end = a.state_dict(consumed=40)
    assert (end["round"], end["yielded"]) == (1, 0)
    with pytest.raises(InvalidParameterError, match=r"'consumed'.*\[0, 40\]"):
        a.state_dict(consumed=41)


def test_resume_on_a_different_number_of_ranks():
    n, ratio, seed = 1000, 0.1, 6  # k = 100
    glob = RS2Schedule(n, ratio, rng=seed).round_indices(3)
    olds = [RS2Sampler(n, ratio, rng=seed, num_replicas=4, rank=j) for j in range(4)]
    states = []
    for s in olds:
        s.set_epoch(3)
        it = iter(s)
        for _ in range(10):  # lockstep: every rank consumed 10 -> global position 40
            next(it)
        states.append(s.state_dict())
    assert states[0]["position"] == 40
    news = [RS2Sampler(n, ratio, rng=seed, num_replicas=3, rank=j) for j in range(3)]
    rest = []
    for j, s in enumerate(news):
        s.load_state_dict(states[0])
        part = list(s)
        assert part == glob[40 + j :: 3].tolist()
        rest += part
    assert sorted(rest) == sorted(glob[40:].tolist())
    for s in news:  # then the next round is the normal 3-rank round
        assert (
            list(s)
            == RS2Schedule(n, ratio, rng=seed, num_replicas=3, rank=s.rank).indices(4).tolist()
        )
    # mid-round change with shuffle=False is refused
    sorted_sampler = RS2Sampler(n, ratio, rng=seed, num_replicas=4, rank=0, shuffle=False)
    it = iter(sorted_sampler)
    next(it)
    st = sorted_sampler.state_dict()
    with pytest.raises(InvalidParameterError, match="mid-round change of the number of ranks"):
        RS2Sampler(n, ratio, rng=seed, num_replicas=2, rank=0, shuffle=False).load_state_dict(st)


@pytest.mark.slow
def test_resume_in_a_fresh_process(tmp_path):
    # Validation case 4: interrupt mid-round, save, rebuild in a fresh interpreter, load: the
    # remaining stream is bitwise identical to the uninterrupted run.
    labels = (np.arange(2000) * 7919) % 10
    kw = dict(rng=77, labels=labels.tolist(), num_replicas=2, rank=1)
    reference = sum(_take(RS2Sampler(2000, 0.07, **kw), 8), [])
    a = RS2Sampler(2000, 0.07, **kw)
    head, state = _interrupt(a, 3, 29)
    (tmp_path / "state.json").write_text(json.dumps(state))
    (tmp_path / "labels.json").write_text(json.dumps(kw["labels"]))
    script = textwrap.dedent(
        """
        import json, sys
        from samplingstats.subsample import RS2Sampler
        d = sys.argv[1]
        labels = json.load(open(d + "/labels.json"))
        s = RS2Sampler(2000, 0.07, rng=77, labels=labels, num_replicas=2, rank=1)
        s.load_state_dict(json.load(open(d + "/state.json")))
        out = []
        for _ in range(5):
            out += list(s)
        json.dump(out, open(d + "/rest.json", "w"))
        """
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.getcwd() + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env, timeout=120)
    rest = json.loads((tmp_path / "rest.json").read_text())
    done = len(sum(_take(RS2Sampler(2000, 0.07, **kw), 3), [])) + len(head)
    assert reference[:done] == sum(_take(RS2Sampler(2000, 0.07, **kw), 3), []) + head
    assert rest == reference[done : done + len(rest)]
    assert len(rest) == len(reference) - done


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"rng": 1}, "seed"),
        ({"ratio": 0.2}, "ratio"),
        ({"replacement": True}, "replacement"),
        ({"shuffle": False}, "shuffle"),
        ({"labels": np.arange(100) % 2}, "stratified"),
    ],
)
def test_sampler_refuses_other_configuration(kwargs, field):
    base = {"data_source": 100, "ratio": 0.1, "rng": 0}
    state = RS2Sampler(**base).state_dict()
    with pytest.raises(InvalidParameterError, match=f"different configuration.*{field}"):
        RS2Sampler(**{**base, **kwargs}).load_state_dict(state)


def test_sampler_bad_input():
    with pytest.raises(InvalidParameterError, match="'data_source' parameter of RS2Sampler"):
        RS2Sampler("abc", 0.1)
    with pytest.raises(InvalidParameterError, match="'data_source'.*non-empty"):
        RS2Sampler([], 0.1)
    with pytest.raises(InvalidParameterError, match=r"'ratio' parameter of RS2Sampler.*\(0, 1\]"):
        RS2Sampler(10, 0)
    with pytest.raises(InvalidParameterError, match=r"'rank' parameter of RS2Sampler"):
        RS2Sampler(10, 0.5, rng=0, num_replicas=2, rank=5)
    with pytest.raises(InvalidParameterError, match="'shuffle'"):
        RS2Sampler(10, 0.5, shuffle=1)
    with pytest.raises(InvalidParameterError, match="'labels'.*length n_items = 10"):
        RS2Sampler(10, 0.5, labels=torch.zeros(11))
    s = RS2Sampler(10, 0.5)
    with pytest.raises(InvalidParameterError, match="'epoch' parameter of RS2Sampler.set_epoch"):
        s.set_epoch(-1)
    st = s.state_dict()
    st["yielded"] = 99
    with pytest.raises(InvalidParameterError, match="exceeds this rank's shard"):
        RS2Sampler(10, 0.5).load_state_dict(st)


def test_resume_anywhere_property():
    # Hypothesis (derandomised): for any configuration and interruption point, the resumed
    # stream continues the uninterrupted one exactly.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(
        n=st.integers(5, 300),
        ratio=st.floats(0.05, 1.0),
        replacement=st.booleans(),
        W=st.integers(1, 4),
        rank_frac=st.floats(0, 0.999),
        rounds_done=st.integers(0, 12),
        consumed_frac=st.floats(0, 1),
        seed=st.integers(0, 2**64 - 1),
    )
    def check(n, ratio, replacement, W, rank_frac, rounds_done, consumed_frac, seed):
        k = round(ratio * n)
        if k < W or k < 1:
            return
        rank = int(rank_frac * W)
        kw = dict(replacement=replacement, rng=seed, num_replicas=W, rank=rank)
        ref = sum(_take(RS2Sampler(n, ratio, **kw), rounds_done + 4), [])
        a = RS2Sampler(n, ratio, **kw)
        consumed = int(consumed_frac * len(a))
        head, state = _interrupt(a, rounds_done, consumed)
        b = RS2Sampler(n, ratio, **kw)
        b.load_state_dict(state)
        rest = sum(_take(b, 3), [])
        done = rounds_done * len(a) + consumed
        assert ref[done - consumed : done] == head
        assert rest == ref[done : done + len(rest)]

    check()
