"""
RS2 in a DistributedDataParallel training loop: checkpoint mid-round, restart, same run
=======================================================================================

Two CPU processes (``gloo`` backend) train a small MLP on scikit-learn's digits with
:class:`torch.nn.parallel.DistributedDataParallel`. Each round every rank trains on its shard of a
fresh RS2 subset (:class:`~samplingstats.subsample.RS2Sampler` takes ``num_replicas`` and ``rank``
from ``torch.distributed``), and the learning rate follows a cosine over *iterations*
(:func:`~samplingstats.subsample.rs2_cosine_lr` with ``T`` from
:func:`~samplingstats.subsample.rs2_total_steps`).

The first job writes a checkpoint in the middle of a round (model, optimizer, scheduler, and every
rank's sampler state gathered with ``all_gather_object``) and runs on to the end: that is the
uninterrupted reference. A second job, two fresh processes, restarts from the checkpoint. Both
ranks of the restarted job yield exactly the index streams of the reference, and the final model
parameters are bitwise identical (one thread per process; gloo's sum of two ranks is exact to
reorder).

The processes are started like ``torchrun`` would (the script re-runs itself as the worker),
rendezvous on a free TCP port, and every wait has a timeout, so nothing can hang.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

RATIO, BATCH, ROUNDS, SEED, LR = 0.1, 16, 30, 0, 0.1  # k = 126 examples per round, 63 per rank
CKPT_STEP = 4 * 11 + 2  # mid-round: 2 of the 4 batches of round 11 done
WORLD = 2


# ----------------------------------------------------------------------------------------------
# The worker: one DDP rank. Run as ``python plot_scaleout_ddp_rs2.py --worker PHASE RANK PORT DIR``.
# ----------------------------------------------------------------------------------------------
def worker(phase, rank, port, workdir):
    from datetime import timedelta

    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    from torch.utils.data import DataLoader, TensorDataset

    from samplingstats.subsample import RS2Sampler, rs2_cosine_lr, rs2_total_steps

    torch.set_num_threads(1)  # bitwise reproducible CPU arithmetic
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
        train = TensorDataset(Xtr, ytr, torch.arange(n))  # the index rides along, to record it

        sampler = RS2Sampler(train, RATIO, rng=SEED, even_shards=True)  # W, rank from dist
        loader = DataLoader(train, batch_size=BATCH, sampler=sampler)
        T = rs2_total_steps(n, RATIO, ROUNDS, BATCH, num_replicas=WORLD)
        torch.manual_seed(SEED)
        model = torch.nn.Sequential(
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
        )
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
        sched = rs2_cosine_lr(opt, total_steps=T)  # stepped every iteration

        start_round, step, consumed = 0, 0, 0
        if phase == "resume":
            ckpt = torch.load(os.path.join(workdir, "checkpoint.pt"))
            model.load_state_dict(ckpt["model"])
            opt.load_state_dict(ckpt["optimizer"])
            sched.load_state_dict(ckpt["scheduler"])
            sampler.load_state_dict(ckpt["samplers"][rank])
            start_round, step = ckpt["samplers"][rank]["round"], ckpt["step"]
            consumed = ckpt["consumed"][rank]  # of round start_round, on this rank
        ddp = DDP(model)
        loss_fn = torch.nn.CrossEntropyLoss()
        stream, curve = [], []

        for r in range(start_round, ROUNDS):
            sampler.set_epoch(r)  # keeps the pending mid-round resume of round r
            done = consumed if r == start_round else 0
            for xb, yb, ib in loader:
                opt.zero_grad()
                loss_fn(ddp(xb), yb).backward()  # DDP averages the gradients over the ranks
                opt.step()
                sched.step()
                step, done = step + 1, done + len(ib)
                stream.append(ib.tolist())
                if phase == "first" and step == CKPT_STEP:
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
                    dist.barrier()
            with torch.no_grad():
                curve.append((step, float((model(Xte).argmax(1) == yte).float().mean())))

        out = {"stream": stream, "curve": curve, "last_step": step, "lr": sched.get_last_lr()}
        with open(os.path.join(workdir, f"{phase}_rank{rank}.json"), "w") as fh:
            json.dump(out, fh)
        params = {k: v.detach().numpy() for k, v in model.state_dict().items()}
        np.savez(os.path.join(workdir, f"{phase}_rank{rank}_params.npz"), **params)
        dist.barrier()  # no rank tears down its connections while another still uses them
    finally:
        dist.destroy_process_group()


# ----------------------------------------------------------------------------------------------
# The launcher (what torchrun does, in a few lines, with timeouts).
# ----------------------------------------------------------------------------------------------
def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(phase, workdir, timeout=240.0):  # generous: a loaded 2-core CI box
    port = free_port()
    # NUMBA_DISABLE_JIT: RS2's index kernels have a bitwise-identical numpy path; for a job this
    # short it saves each process loading the compiled kernels (a real job keeps numba).
    env = {**os.environ, "OMP_NUM_THREADS": "1", "NUMBA_DISABLE_JIT": "1"}
    # this very script (sys.argv[0]: also set when sphinx-gallery runs it, where __file__ is not)
    cmd = [sys.executable, os.path.abspath(sys.argv[0]), "--worker", phase]
    procs = [subprocess.Popen([*cmd, str(r), str(port), workdir], env=env) for r in range(WORLD)]
    deadline = time.monotonic() + timeout
    try:
        for p in procs:
            p.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    codes = [p.returncode for p in procs]
    if any(codes):
        raise RuntimeError(f"{phase} job failed, exit codes {codes}")


def load(phase, workdir, rank):
    with open(os.path.join(workdir, f"{phase}_rank{rank}.json")) as fh:
        out = json.load(fh)
    out["params"] = dict(np.load(os.path.join(workdir, f"{phase}_rank{rank}_params.npz")))
    return out


def main():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)  # digits scaled to [0, 1], a stratified 70/30 split
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    ytr, yte = ytr.astype(np.int64), yte.astype(np.int64)

    with tempfile.TemporaryDirectory() as workdir:
        np.savez(os.path.join(workdir, "digits.npz"), Xtr=Xtr, ytr=ytr, Xte=Xte, yte=yte)
        t0 = time.perf_counter()
        launch("first", workdir)  # checkpoints at CKPT_STEP and runs on to the end
        t1 = time.perf_counter()
        launch("resume", workdir)  # two fresh processes restart from the checkpoint
        t2 = time.perf_counter()
        first = [load("first", workdir, r) for r in range(WORLD)]
        resumed = [load("resume", workdir, r) for r in range(WORLD)]

    for r in range(WORLD):
        a, b = first[r], resumed[r]
        assert a["stream"][CKPT_STEP:] == b["stream"], f"rank {r}: index stream differs"
        assert a["last_step"] == b["last_step"]
        assert all(np.array_equal(a["params"][k], b["params"][k]) for k in a["params"])
    ranks = [set(i for batch in f["stream"] for i in batch) for f in first]
    print(f"first job {t1 - t0:.1f} s, restarted job {t2 - t1:.1f} s (process start included)")
    print(f"checkpoint at step {CKPT_STEP} (round {CKPT_STEP // 4}, mid-round)")
    print(
        f"resumed index streams identical on both ranks ({len(resumed[0]['stream'])} batches "
        "each); final parameters bitwise identical"
    )
    print(f"distinct examples seen: rank 0 {len(ranks[0])}, rank 1 {len(ranks[1])}")
    print(f"final test accuracy {first[0]['curve'][-1][1]:.4f} (both jobs)")

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    s, acc = np.array(first[0]["curve"]).T
    ax.plot(s, acc, "o-", ms=3, label="uninterrupted (first job)")
    s, acc = np.array(resumed[0]["curve"]).T
    ax.plot(s, acc, "x", ms=7, label="restarted from the checkpoint")
    ax.axvline(CKPT_STEP, color="grey", ls=":", label="checkpoint (mid-round)")
    ax.set_xlabel("iteration (per rank; batch 16 on each of 2 ranks)")
    ax.set_ylabel("test accuracy")
    ax.set_title("RS2 + DDP (2 gloo processes), r = 10%, cosine over iterations")
    ax.legend(loc="lower right")
    fig.tight_layout()
    out = os.environ.get("SAMPLINGSTATS_EXAMPLE_OUT")
    if out:
        fig.savefig(os.path.join(out, "plot_scaleout_ddp_rs2.png"), dpi=120)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        sys.stdout.flush()
        os._exit(0)  # outputs are written: skip the ~2 s interpreter teardown of torch
    else:
        main()
