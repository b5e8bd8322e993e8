"""A small, fast RS2 experiment on scikit-learn's digits (used by the tests, demo, example, bench).

A two-layer MLP trained by SGD with momentum and a cosine schedule over a fixed number of
iterations; the examples of each step come from RS2 (with or without replacement), from a static
random subset, or from the full data (random reshuffling). Everything runs on CPU in well under a
second per run. Torch is imported inside the functions.
"""

from __future__ import annotations

import numpy as np

from .._optional import import_optional
from ._schedule import RS2Schedule
from ._static import static_subset

__all__ = ["digits_split", "train_digits", "METHODS"]

METHODS = ("rs2", "rs2_replace", "static", "full")


def digits_split(test_size=0.3, split_seed=0):
    """``(X_train, y_train, X_test, y_test)``: digits scaled to [0, 1], stratified split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    Xtr, Xte, ytr, yte = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=split_seed
    )
    return Xtr, ytr.astype(np.int64), Xte, yte.astype(np.int64)


def _batches(method, n, ratio, batch_size, seed):
    """Endless stream of index batches for ``method``."""
    if method in ("rs2", "rs2_replace", "full"):
        sched = RS2Schedule(
            n, 1.0 if method == "full" else ratio, replacement=method == "rs2_replace", rng=seed
        )
        for idx in sched:
            for s in range(0, idx.shape[0], batch_size):
                yield idx[s : s + batch_size]
    elif method == "static":
        subset = static_subset(n, ratio, rng=seed)
        order = RS2Schedule(subset.shape[0], 1.0, rng=seed + 1)
        for perm in order:
            idx = subset[perm]
            for s in range(0, idx.shape[0], batch_size):
                yield idx[s : s + batch_size]
    else:  # pragma: no cover - guarded by train_digits
        raise ValueError(method)


def train_digits(
    method,
    *,
    ratio=0.05,
    total_steps=600,
    batch_size=16,
    lr=0.1,
    seed=0,
    hidden=64,
    eval_every=None,
    data=None,
):
    """Train the MLP for ``total_steps`` iterations; return ``(test_accuracy, curve)``.

    ``curve`` is a list of ``(step, accuracy)`` every ``eval_every`` steps (empty if None).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    torch = import_optional("torch", purpose="train_digits")
    Xtr, ytr, Xte, yte = digits_split() if data is None else data
    Xtr_t, ytr_t = torch.from_numpy(Xtr), torch.from_numpy(ytr)
    Xte_t, yte_t = torch.from_numpy(Xte), torch.from_numpy(yte)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = torch.nn.Sequential(
                torch.nn.Linear(Xtr.shape[1], hidden),
                torch.nn.ReLU(),
                torch.nn.Linear(hidden, 10),
            )
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
        from ._lr import rs2_cosine_lr

        sched = rs2_cosine_lr(opt, total_steps=total_steps)
        loss_fn = torch.nn.CrossEntropyLoss()

        def accuracy():
            with torch.no_grad():
                return float((model(Xte_t).argmax(1) == yte_t).float().mean())

        curve = []
        stream = _batches(method, Xtr.shape[0], ratio, batch_size, seed)
        for step in range(total_steps):
            idx = torch.from_numpy(next(stream))
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xtr_t[idx]), ytr_t[idx])
            loss.backward()
            opt.step()
            sched.step()
            if eval_every and (step + 1) % eval_every == 0:
                curve.append((step + 1, accuracy()))
        return accuracy(), curve
    finally:
        torch.set_num_threads(threads)
