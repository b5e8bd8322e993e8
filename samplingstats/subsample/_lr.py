"""Iteration counts and learning-rate schedules over iterations (not epochs) for RS2."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._exceptions import InvalidParameterError
from .._optional import import_optional
from ._schedule import _check_n, _check_ratio, _is_int, rs2_round_size

__all__ = ["rs2_total_steps", "cosine_lr", "rs2_cosine_lr"]


def _check_pos_int(v, name, caller, low=1):
    if not _is_int(v) or v < low:
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be an int in the range [{low}, inf). "
            f"Got {v!r} instead."
        )
    return int(v)


def rs2_total_steps(
    n_items: int,
    ratio: float,
    n_rounds: int,
    batch_size: int,
    *,
    num_replicas: int = 1,
    drop_last: bool = False,
) -> int:
    """Total optimizer steps ``T = X * I`` of ``X = n_rounds`` RS2 rounds on one rank.

    A round has ``k = round(ratio * n_items)`` examples; a rank gets at most ``s = ceil(k / W)`` of them
    (rank 0; all ranks with ``even_shards=True`` or when ``W`` divides ``k``), so a round has
    ``I = ceil(s / b)`` iterations (``floor(s / b)`` with ``drop_last``).

    Parameters
    ----------
    n_items : int
        Dataset size.
    ratio : float
        Selection ratio in ``(0, 1]``.
    n_rounds : int
        Number of rounds ``X >= 1``.
    batch_size : int
        Per-rank batch size ``b >= 1``.
    num_replicas : int, default 1
        Number of ranks ``W``.
    drop_last : bool, default False
        Whether the DataLoader drops the last incomplete batch of a round.

    Returns
    -------
    int

    See Also
    --------
    rs2_cosine_lr : A schedule over these steps.
    rs2_round_size : The round size k.

    Examples
    --------
    >>> from samplingstats.subsample import rs2_total_steps
    >>> rs2_total_steps(50_000, 0.1, 200, 128)          # k = 5000, I = 40
    8000
    >>> rs2_total_steps(50_000, 0.1, 200, 128, num_replicas=4, drop_last=True)
    1800
    """
    caller = "rs2_total_steps"
    n = _check_n(n_items, caller)
    ratio = _check_ratio(ratio, caller)
    rounds = _check_pos_int(n_rounds, "n_rounds", caller)
    b = _check_pos_int(batch_size, "batch_size", caller)
    w = _check_pos_int(num_replicas, "num_replicas", caller)
    if not isinstance(drop_last, (bool, np.bool_)):
        raise InvalidParameterError(
            f"The 'drop_last' parameter of {caller} must be a bool. Got {drop_last!r} instead."
        )
    k = rs2_round_size(n, ratio)
    s = -(-k // w)
    per_round = s // b if drop_last else -(-s // b)
    if per_round == 0:
        raise InvalidParameterError(
            f"The 'batch_size' parameter of {caller} ({b}) exceeds the {s} examples a rank gets "
            "per round: with drop_last=True no step would ever be taken. Use a smaller "
            "batch_size or drop_last=False."
        )
    return rounds * per_round


def _check_schedule(total_steps, eta_0, eta_min, warmup_steps, caller):
    T = _check_pos_int(total_steps, "total_steps", caller)
    for name, v in (("eta_0", eta_0), ("eta_min", eta_min)):
        if v is None:
            continue
        if (
            not isinstance(v, numbers.Real)
            or isinstance(v, (bool, np.bool_))
            or not math.isfinite(v)
            or v < 0
        ):
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be a float in the range [0, inf). "
                f"Got {v!r} instead."
            )
    w = _check_pos_int(warmup_steps, "warmup_steps", caller, low=0)
    if w >= T:
        raise InvalidParameterError(
            f"The 'warmup_steps' parameter of {caller} must be smaller than total_steps = {T}. "
            f"Got {warmup_steps!r} instead."
        )
    return T, w


def cosine_lr(
    step: ArrayLike,
    *,
    total_steps: int,
    eta_0: float,
    eta_min: float = 0.0,
    warmup_steps: int = 0,
) -> float | NDArray[np.float64]:
    """Cosine learning rate at iteration ``step`` (a plain function, no framework).

    ``eta_i = eta_min + (eta_0 - eta_min) (1 + cos(pi i / T)) / 2`` for ``0 <= i <= T`` and
    ``eta_min`` after; with ``warmup_steps = w > 0`` the first ``w`` steps ramp linearly to
    ``eta_0`` (``eta_0 (i + 1) / w``) and the cosine runs over the remaining ``T - w`` steps.
    Step it every iteration with ``T`` from :func:`rs2_total_steps`: an epoch-based schedule
    silently breaks when rounds are small.

    Parameters
    ----------
    step : int or array-like of ints
        Iteration(s) ``i >= 0``.
    total_steps : int
        ``T``, the total number of iterations.
    eta_0 : float
        Peak learning rate.
    eta_min : float, default 0.0
        Final learning rate.
    warmup_steps : int, default 0
        Linear warm-up iterations, ``< total_steps``.

    Returns
    -------
    float or numpy.ndarray

    See Also
    --------
    rs2_cosine_lr : The same as a torch LambdaLR.
    rs2_total_steps : Total iterations T.

    Examples
    --------
    >>> from samplingstats.subsample import cosine_lr
    >>> cosine_lr(0, total_steps=100, eta_0=0.1)
    0.1
    >>> round(cosine_lr(50, total_steps=100, eta_0=0.1), 12)
    0.05
    >>> cosine_lr([100, 150], total_steps=100, eta_0=0.1, eta_min=0.001).tolist()
    [0.001, 0.001]
    """
    T, w = _check_schedule(total_steps, eta_0, eta_min, warmup_steps, "cosine_lr")
    arr = np.asarray(step)
    if arr.dtype.kind not in "iu" or (arr < 0).any():
        raise InvalidParameterError(
            "The 'step' parameter of cosine_lr must be an int >= 0 or an array of them. "
            f"Got {step!r} instead."
        )
    eta_0, eta_min = float(eta_0), float(eta_min)
    step_f = arr.astype(np.float64)
    warm = eta_0 * (step_f + 1.0) / w if w > 0 else np.full_like(step_f, eta_0)
    frac = np.clip((step_f - w) / (T - w), 0.0, 1.0)
    cos = eta_min + (eta_0 - eta_min) * 0.5 * (1.0 + np.cos(np.pi * frac))
    out = np.where(step_f < w, warm, cos)
    if out.ndim == 0:
        return float(out)
    return out


class _CosineFactor:
    """Picklable LambdaLR multiplier (its ``__dict__`` goes into the scheduler's state_dict)."""

    def __init__(self, total_steps, warmup_steps, base_lr, eta_min):
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps
        self.base_lr = base_lr
        self.eta_min = eta_min

    def __call__(self, step):
        if self.base_lr == 0.0:
            return 1.0
        T, w = self.total_steps, self.warmup_steps
        if step < w:
            return (step + 1.0) / w
        frac = min(max((step - w) / (T - w), 0.0), 1.0)
        lo = self.eta_min / self.base_lr
        return lo + (1.0 - lo) * 0.5 * (1.0 + math.cos(math.pi * frac))


def rs2_cosine_lr(
    optimizer: Any,
    total_steps: int,
    *,
    eta_min: float = 0.0,
    warmup_steps: int = 0,
    last_epoch: int = -1,
) -> Any:
    """Cosine learning-rate schedule over RS2 iterations (a ``torch.optim.lr_scheduler.LambdaLR``).

    Call ``scheduler.step()`` after every optimizer step (every iteration, not every round). The
    rate of each parameter group goes from its initial ``lr`` (``eta_0``) to ``eta_min`` over
    ``total_steps`` iterations, as :func:`cosine_lr`; it stays at ``eta_min`` afterwards.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
    total_steps : int
        ``T`` from :func:`rs2_total_steps`.
    eta_min : float, default 0.0
        Final learning rate (absolute, the same for every group).
    warmup_steps : int, default 0
        Linear warm-up iterations.
    last_epoch : int, default -1
        As in torch schedulers (the index of the last step when resuming).

    Returns
    -------
    torch.optim.lr_scheduler.LambdaLR
        Its ``state_dict`` carries the schedule (``total_steps``, ``eta_min``, base rates);
        ``load_state_dict`` restores the step and sets the groups' rates for it at once.

    See Also
    --------
    cosine_lr : The same rate as a plain function.
    rs2_total_steps : Total iterations T.

    Examples
    --------
    >>> import torch
    >>> from samplingstats.subsample import rs2_cosine_lr
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> sched = rs2_cosine_lr(opt, total_steps=4)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(round(opt.param_groups[0]["lr"], 6))
    ...     opt.step(); sched.step()
    >>> lrs
    [0.1, 0.085355, 0.05, 0.014645, 0.0]
    """
    torch = import_optional("torch", purpose="rs2_cosine_lr")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise InvalidParameterError(
            "The 'optimizer' parameter of rs2_cosine_lr must be a torch.optim.Optimizer. "
            f"Got {type(optimizer).__name__} instead."
        )
    T, w = _check_schedule(total_steps, None, eta_min, warmup_steps, "rs2_cosine_lr")
    if not _is_int(last_epoch) or last_epoch < -1:
        raise InvalidParameterError(
            "The 'last_epoch' parameter of rs2_cosine_lr must be -1 (a new schedule) or the int "
            f"index of the last step taken (>= 0, when resuming). Got {last_epoch!r} instead."
        )
    if last_epoch >= 0 and any("initial_lr" not in g for g in optimizer.param_groups):
        raise InvalidParameterError(
            f"The 'last_epoch' parameter of rs2_cosine_lr is {last_epoch} (resuming), but the "
            "optimizer's parameter groups have no 'initial_lr': load the optimizer state saved "
            "with the schedule first, or load the scheduler's state_dict into a new schedule "
            "(last_epoch=-1)."
        )
    key = "initial_lr" if last_epoch >= 0 else "lr"
    lambdas = [
        _CosineFactor(T, w, float(group.get(key, group["lr"])), float(eta_min))
        for group in optimizer.param_groups
    ]
    return _scheduler_class(torch)(optimizer, lambdas, last_epoch=last_epoch)


_SCHEDULER_CLASS = None


def _scheduler_class(torch):
    """LambdaLR whose ``load_state_dict`` also sets the groups' rates of the restored step."""
    global _SCHEDULER_CLASS
    if _SCHEDULER_CLASS is None:

        class RS2CosineLR(torch.optim.lr_scheduler.LambdaLR):
            def load_state_dict(self, state_dict):
                super().load_state_dict(state_dict)
                lrs = [
                    base * lam(self.last_epoch) for base, lam in zip(self.base_lrs, self.lr_lambdas)
                ]
                for group, lr in zip(self.optimizer.param_groups, lrs):
                    group["lr"] = lr
                self._last_lr = lrs

        _SCHEDULER_CLASS = RS2CosineLR
    return _SCHEDULER_CLASS
