"""
RS2 training loop on digits: sampler, per-iteration schedule, checkpoint and resume
===================================================================================

Trains a small MLP on scikit-learn's digits three ways with the same number of iterations:

- **RS2 without replacement** at r = 5%: a fresh 5% subset each round
  (:class:`~samplingstats.subsample.RS2Sampler` in a ``DataLoader``), the learning rate following a
  cosine over *iterations* (:func:`~samplingstats.subsample.rs2_cosine_lr` with ``T`` from
  :func:`~samplingstats.subsample.rs2_total_steps`);
- a **static** random 5% subset (:func:`~samplingstats.subsample.static_subset`), kept all along;
- the **full** data (random reshuffling), same iteration budget.

Halfway through the RS2 run the sampler, model, optimizer and scheduler are checkpointed, rebuilt
from scratch and restored: the resumed run ends exactly where the uninterrupted one does. The figure
shows test accuracy against iterations.
"""

import copy
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

from samplingstats.subsample import (
    RS2Sampler,
    StaticSubsetDataset,
    rs2_cosine_lr,
    rs2_total_steps,
)


def digits_split():
    """Digits scaled to [0, 1], a stratified 70/30 split (float32 features, int64 labels)."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    return Xtr, ytr.astype(np.int64), Xte, yte.astype(np.int64)


torch.set_num_threads(1)
Xtr, ytr, Xte, yte = (torch.from_numpy(a) for a in digits_split())
train = TensorDataset(Xtr, ytr)
n, RATIO, BATCH, ROUNDS, LR = len(train), 0.05, 16, 100, 0.1
EVAL_EVERY = 20


def make_model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))


def accuracy(model):
    with torch.no_grad():
        return float((model(Xte).argmax(1) == yte).float().mean())


def make_run(sampler, total_steps, seed=0):
    model = make_model(seed)
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
    sched = rs2_cosine_lr(opt, total_steps=total_steps)  # stepped every iteration
    loader = DataLoader(train, batch_size=BATCH, sampler=sampler)
    return {"model": model, "opt": opt, "sched": sched, "loader": loader, "sampler": sampler}


def train_rounds(run, first_round, last_round, curve, step):
    loss_fn = torch.nn.CrossEntropyLoss()
    for r in range(first_round, last_round):
        run["sampler"].set_epoch(r)  # one DataLoader pass = one RS2 round
        for xb, yb in run["loader"]:
            run["opt"].zero_grad()
            loss_fn(run["model"](xb), yb).backward()
            run["opt"].step()
            run["sched"].step()
            step += 1
            if step % EVAL_EVERY == 0:
                curve.append((step, accuracy(run["model"])))
    return step


# --- RS2, with a checkpoint / rebuild / resume at round 50 ---------------------------------
T = rs2_total_steps(n, RATIO, ROUNDS, BATCH)
rs2 = make_run(RS2Sampler(train, RATIO, rng=0), T)
curve_rs2 = []
step = train_rounds(rs2, 0, ROUNDS // 2, curve_rs2, 0)
checkpoint = copy.deepcopy(
    {
        "model": rs2["model"].state_dict(),
        "opt": rs2["opt"].state_dict(),
        "sched": rs2["sched"].state_dict(),
        "sampler": rs2["sampler"].state_dict(),
        "step": step,
    }
)
resumed = make_run(RS2Sampler(train, RATIO, rng=0), T)  # fresh objects, as after a restart
resumed["model"].load_state_dict(checkpoint["model"])
resumed["opt"].load_state_dict(checkpoint["opt"])
resumed["sched"].load_state_dict(checkpoint["sched"])
resumed["sampler"].load_state_dict(checkpoint["sampler"])
curve_resumed = list(curve_rs2)
train_rounds(resumed, checkpoint["sampler"]["round"], ROUNDS, curve_resumed, step)
train_rounds(rs2, ROUNDS // 2, ROUNDS, curve_rs2, step)
assert curve_resumed == curve_rs2, "resume must reproduce the uninterrupted run"

# --- static 5% subset and full data, same number of iterations ------------------------------
static_train = StaticSubsetDataset(train, RATIO, rng=0)  # = round 0 of RS2 with rng=0
curves = {"RS2 (r = 5%, without replacement)": curve_rs2}
for name, ds in (("static random 5% subset", static_train), ("full data", train)):
    sampler = RS2Sampler(ds, 1.0, rng=0)  # ratio 1: every round is a reshuffled epoch
    per_epoch = -(-len(ds) // BATCH)
    run = make_run(sampler, T)
    curve, s, epoch = [], 0, 0
    loss_fn = torch.nn.CrossEntropyLoss()
    while s < T:
        sampler.set_epoch(epoch)
        for xb, yb in run["loader"]:
            run["opt"].zero_grad()
            loss_fn(run["model"](xb), yb).backward()
            run["opt"].step()
            run["sched"].step()
            s += 1
            if s % EVAL_EVERY == 0:
                curve.append((s, accuracy(run["model"])))
            if s == T:
                break
        epoch += 1
    curves[name] = curve

fig, ax = plt.subplots(figsize=(6.4, 4.0))
for name, curve in curves.items():
    steps, acc = np.array(curve).T
    ax.plot(steps, acc, label=f"{name}: {acc[-1]:.3f}")
ax.set_xlabel("iterations (batch of 16)")
ax.set_ylabel("test accuracy")
ax.set_ylim(0.5, 1.0)
ax.set_title(f"digits, MLP, {T} iterations, cosine schedule over iterations")
ax.legend(loc="lower right")
fig.tight_layout()
for name, curve in curves.items():
    print(f"{name:38s} final accuracy {curve[-1][1]:.4f}")

out = os.environ.get("SAMPLINGSTATS_EXAMPLE_OUT")
if out:
    fig.savefig(
        out if out.endswith(".png") else os.path.join(out, "subsample_accuracy.png"), dpi=110
    )
else:
    plt.show()
