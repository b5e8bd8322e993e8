"""Validation case 3 with a real process group: two CPU processes (gloo) started by
torch.multiprocessing.spawn build RS2Sampler with num_replicas / rank taken from torch.distributed;
their shards must be disjoint, their union must be the global round, and each must equal the
single-process W = 2 shard."""

import json
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402

from samplingstats.subsample import RS2Sampler, RS2Schedule  # noqa: E402

N, RATIO, SEED, ROUNDS = 1001, 0.07, 31, 16  # k = 70, a pass boundary inside round 14


def _worker(rank, world, init_file, out_dir, labels):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        result = {}
        for name, lab in (("plain", None), ("stratified", labels)):
            s = RS2Sampler(N, RATIO, rng=SEED, labels=lab)  # defaults from torch.distributed
            got = {"num_replicas": s.num_replicas, "rank": s.rank, "rounds": []}
            for epoch in range(ROUNDS):
                s.set_epoch(epoch)
                got["rounds"].append(list(s))
            # the ranks agree on the configuration: gather their states (less the rank)
            states = [None] * world
            mine = {k: v for k, v in s.state_dict().items() if k != "rank"}
            dist.all_gather_object(states, mine)
            got["states_agree"] = all(st == states[0] for st in states)
            result[name] = got
        # rng=None under a process group of two: refused (each rank would draw its own key)
        try:
            RS2Sampler(N, RATIO)
            result["none_refused"] = False
        except Exception as exc:  # noqa: BLE001 - the type and message are checked below
            result["none_refused"] = [type(exc).__name__, str(exc)]
        with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as fh:
            json.dump(result, fh)
    finally:
        dist.destroy_process_group()


@pytest.mark.slow
def test_two_process_gloo_run_matches_single_process(tmp_path):
    if not dist.is_available():
        pytest.skip("torch.distributed is not available")
    labels = (np.arange(N) % 4).tolist()
    world = 2
    mp.spawn(
        _worker,
        args=(world, str(tmp_path / "init"), str(tmp_path), labels),
        nprocs=world,
        join=True,
    )
    results = [json.loads((tmp_path / f"rank{j}.json").read_text()) for j in range(world)]
    for r in results:
        kind, msg = r["none_refused"]
        assert kind == "InvalidParameterError" and "same int on every rank" in msg, msg
    for name, lab in (("plain", None), ("stratified", labels)):
        _check(name, lab, [r[name] for r in results], world)


def _check(name, labels, outs, world):
    glob_sched = RS2Schedule(N, RATIO, rng=SEED, labels=labels)
    for j, out in enumerate(outs):
        assert (out["num_replicas"], out["rank"]) == (world, j)
        assert out["states_agree"]
    for t in range(ROUNDS):
        shards = [np.asarray(out["rounds"][t]) for out in outs]
        assert np.intersect1d(shards[0], shards[1]).size == 0
        glob = glob_sched.round_indices(t)
        assert np.array_equal(np.sort(np.concatenate(shards)), np.sort(glob))
        for j in range(world):
            single = RS2Schedule(N, RATIO, rng=SEED, labels=labels, num_replicas=world, rank=j)
            assert np.array_equal(shards[j], single.indices(t))
