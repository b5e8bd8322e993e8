"""RS2 in a real DistributedDataParallel loop: 2 gloo processes (CPU) train the digits MLP with
RS2Sampler and rs2_cosine_lr, checkpoint mid-round, and two *fresh* processes restart from the
checkpoint. The restarted job must yield exactly the index streams of the uninterrupted run on both
ranks, and end with bitwise identical parameters.

The DataLoader has a worker process (prefetch), so the sampler runs ahead of training: the
checkpoint records what was consumed (``state_dict(consumed=...)``), and the test also shows that
the naive state (what was yielded) would resume at the wrong place.

This file is also the worker script: ``python test_scaleout_ddp.py --worker PHASE RANK PORT DIR``.
"""

import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

RATIO, BATCH, ROUNDS, SEED, LR = 0.1, 16, 12, 3, 0.1  # n = 1257, k = 126, 63 per rank, 4 batches
BATCHES_PER_ROUND = 4
CKPT_ROUND, CKPT_BATCH = 5, 2  # checkpoint after 2 of the 4 batches of round 5
CKPT_STEP = CKPT_ROUND * BATCHES_PER_ROUND + CKPT_BATCH
WORLD = 2
JOB_TIMEOUT = 150.0


def _worker(phase, rank, port, workdir):
    from datetime import timedelta

    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    from torch.utils.data import DataLoader, TensorDataset

    from samplingstats.subsample import RS2Sampler, rs2_cosine_lr, rs2_total_steps

    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=WORLD,
        timeout=timedelta(seconds=60),
    )
    try:
        data = np.load(os.path.join(workdir, "digits.npz"))
        Xtr, ytr = torch.from_numpy(data["Xtr"]), torch.from_numpy(data["ytr"])
        Xte, yte = torch.from_numpy(data["Xte"]), torch.from_numpy(data["yte"])
        n = len(Xtr)
        train = TensorDataset(Xtr, ytr, torch.arange(n))
        sampler = RS2Sampler(train, RATIO, rng=SEED, even_shards=True)
        loader = DataLoader(
            train,
            batch_size=BATCH,
            sampler=sampler,
            num_workers=1,  # prefetches: the sampler runs ahead of training
            persistent_workers=True,
            multiprocessing_context="fork",
        )
        T = rs2_total_steps(n, RATIO, ROUNDS, BATCH, num_replicas=WORLD)
        torch.manual_seed(SEED)
        model = torch.nn.Sequential(
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
        )
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
        sched = rs2_cosine_lr(opt, total_steps=T)
        start_round, step, consumed = 0, 0, 0
        if phase == "resume":
            ckpt = torch.load(os.path.join(workdir, "checkpoint.pt"))
            model.load_state_dict(ckpt["model"])
            opt.load_state_dict(ckpt["optimizer"])
            sched.load_state_dict(ckpt["scheduler"])
            sampler.load_state_dict(ckpt["samplers"][rank])
            start_round, step = ckpt["samplers"][rank]["round"], ckpt["step"]
            consumed = ckpt["consumed"][rank]
        ddp = DDP(model)
        loss_fn = torch.nn.CrossEntropyLoss()
        out = {"stream": [], "rounds": [], "lrs": [], "world": sampler.num_replicas}
        for r in range(start_round, ROUNDS):
            sampler.set_epoch(r)
            done = consumed if r == start_round else 0
            for xb, yb, ib in loader:
                opt.zero_grad()
                loss_fn(ddp(xb), yb).backward()
                opt.step()
                sched.step()
                step, done = step + 1, done + len(ib)
                out["stream"].append(ib.tolist())
                out["rounds"].append(r)
                out["lrs"].append(sched.get_last_lr()[0])
                if phase == "first" and step == CKPT_STEP:
                    naive = sampler.state_dict()  # counts what the prefetcher took
                    gathered = [None] * WORLD
                    dist.all_gather_object(gathered, (sampler.state_dict(consumed=done), done))
                    if rank == 0:
                        torch.save(
                            {
                                "model": model.state_dict(),
                                "optimizer": opt.state_dict(),
                                "scheduler": sched.state_dict(),
                                "samplers": [g[0] for g in gathered],
                                "consumed": [g[1] for g in gathered],
                                "step": step,
                            },
                            os.path.join(workdir, "checkpoint.pt"),
                        )
                    out["naive_state"], out["ckpt_state"] = naive, gathered[rank][0]
                    dist.barrier()
        with torch.no_grad():
            out["accuracy"] = float((model(Xte).argmax(1) == yte).float().mean())
        out["last_step"], out["total_steps"] = step, T
        with open(os.path.join(workdir, f"{phase}_rank{rank}.json"), "w") as fh:
            json.dump(out, fh)
        params = {k: v.detach().numpy() for k, v in model.state_dict().items()}
        np.savez(os.path.join(workdir, f"{phase}_rank{rank}_params.npz"), **params)
        dist.barrier()
    finally:
        dist.destroy_process_group()


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(phase, workdir):
    port = _free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", phase]
    procs = [
        subprocess.Popen(
            [*cmd, str(r), str(port), str(workdir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for r in range(WORLD)
    ]
    deadline = time.monotonic() + JOB_TIMEOUT
    logs = []
    try:
        for p in procs:
            logs.append(p.communicate(timeout=max(1.0, deadline - time.monotonic()))[0])
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    codes = [p.returncode for p in procs]
    assert codes == [0] * WORLD, f"{phase} job failed {codes}:\n" + "\n".join(
        log[-3000:] for log in logs
    )


def _load(workdir, phase, rank):
    out = json.loads((workdir / f"{phase}_rank{rank}.json").read_text())
    out["params"] = dict(np.load(workdir / f"{phase}_rank{rank}_params.npz"))
    return out


@pytest.mark.slow
def test_ddp_two_process_resume_mid_round_is_exact(tmp_path):
    torch = pytest.importorskip("torch")
    if not torch.distributed.is_available() or not torch.distributed.is_gloo_available():
        pytest.skip("torch.distributed with gloo is not available")
    from samplingstats.subsample import RS2Sampler, RS2Schedule
    from samplingstats.subsample._training import digits_split

    Xtr, ytr, Xte, yte = digits_split()
    n = len(Xtr)
    np.savez(tmp_path / "digits.npz", Xtr=Xtr, ytr=ytr, Xte=Xte, yte=yte)
    _launch("first", tmp_path)
    _launch("resume", tmp_path)
    first = [_load(tmp_path, "first", r) for r in range(WORLD)]
    resumed = [_load(tmp_path, "resume", r) for r in range(WORLD)]

    # the restarted job continues exactly the uninterrupted one, on both ranks
    total = ROUNDS * BATCHES_PER_ROUND
    for r in range(WORLD):
        a, b = first[r], resumed[r]
        assert a["world"] == b["world"] == WORLD
        assert len(a["stream"]) == a["last_step"] == b["last_step"] == a["total_steps"] == total
        assert b["stream"] == a["stream"][CKPT_STEP:]
        assert b["rounds"] == a["rounds"][CKPT_STEP:]
        assert b["lrs"] == a["lrs"][CKPT_STEP:]
        assert a["lrs"][-1] == pytest.approx(0.0, abs=1e-12)  # cosine over iterations ends at 0
        for key in a["params"]:
            assert np.array_equal(a["params"][key], b["params"][key]), (r, key)
            assert np.array_equal(a["params"][key], first[0]["params"][key])  # DDP in sync
        assert a["accuracy"] == b["accuracy"]
    # 48 steps of batch 2 x 16 reach well above chance (0.1); a broken loop would not
    assert first[0]["accuracy"] > 0.8

    # the streams are RS2's rounds: each rank gets its shard, in order, shards partition a round
    glob = RS2Schedule(n, RATIO, rng=SEED)
    for t in range(ROUNDS):
        shards = []
        for j in range(WORLD):
            got = [
                i
                for s, batch in enumerate(first[j]["stream"])
                for i in batch
                if first[j]["rounds"][s] == t
            ]
            ref = RS2Schedule(n, RATIO, rng=SEED, num_replicas=WORLD, rank=j, even_shards=True)
            assert got == ref.indices(t).tolist()
            shards.append(got)
        assert not set(shards[0]) & set(shards[1])
        assert sorted(shards[0] + shards[1]) == sorted(glob.round_indices(t).tolist())

    # the checkpoint really is mid-round, and the prefetcher ran ahead of training, so the
    # naive state (indices yielded) would resume at the wrong place
    for j in range(WORLD):
        ckpt, naive = first[j]["ckpt_state"], first[j]["naive_state"]
        assert (ckpt["round"], ckpt["yielded"]) == (CKPT_ROUND, CKPT_BATCH * BATCH)
        assert naive["round"] > ckpt["round"] or naive["yielded"] > ckpt["yielded"]
        s = RS2Sampler(n, RATIO, rng=SEED, num_replicas=WORLD, rank=j, even_shards=True)
        s.load_state_dict(naive)
        s.set_epoch(naive["round"])
        wrong = list(s)
        right = [
            i for batch in resumed[j]["stream"][: BATCHES_PER_ROUND - CKPT_BATCH] for i in batch
        ]
        assert wrong != right


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        sys.stdout.flush()
        os._exit(0)  # outputs are written: skip the slow interpreter teardown of torch
