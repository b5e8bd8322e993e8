"""RS2 for PyTorch Lightning: a callback that owns the train sampler (imported lazily).

Needs the extra ``lightning`` (``lightning>=2.1``; the older import name ``pytorch_lightning`` is
used when ``lightning`` is not installed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._exceptions import InvalidParameterError
from .._optional import MissingOptionalDependency, import_optional
from ._schedule import _is_int
from ._torch_sampler import RS2Sampler, _SubsetRS2Sampler


def _lightning_module():
    """``lightning.pytorch`` (or the older ``pytorch_lightning``), or None when neither is installed."""
    for name in ("lightning.pytorch", "pytorch_lightning"):
        try:
            return import_optional(name, purpose="RS2Callback", extra="lightning")
        except MissingOptionalDependency:
            continue
    return None


_PL = _lightning_module()


def _require() -> None:
    """Raise :class:`MissingOptionalDependency` when Lightning is not installed."""
    if _PL is None:
        raise MissingOptionalDependency(
            "RS2Callback needs the optional package 'lightning': pip install \"samplingstats[lightning]\"",
            name="lightning",
            extra="lightning",
        )


if TYPE_CHECKING:
    from lightning.pytorch import Callback as _Callback
else:
    # without Lightning the module still imports (for doctest collection); using the class raises
    _Callback = object if _PL is None else _PL.Callback


__all__ = ["RS2Callback"]

_FORMAT = "samplingstats.subsample.RS2Callback/1"


def _update_dataloader(dataloader, sampler):
    """A copy of ``dataloader`` drawing from ``sampler`` (Lightning's own re-instantiation)."""
    try:
        from lightning.pytorch.utilities.data import _update_dataloader as update
    except ImportError:  # pragma: no cover - pytorch_lightning only
        from pytorch_lightning.utilities.data import _update_dataloader as update
    try:
        return update(dataloader, sampler)
    except Exception as exc:
        raise InvalidParameterError(
            "RS2Callback could not rebuild the train DataLoader "
            f"({type(dataloader).__name__}) with an RS2Sampler: {exc}. Build the loader with "
            "sampler=RS2Sampler(...) yourself; the callback then keeps its state."
        ) from exc


def _find_sampler(dl):
    for s in (getattr(dl, "sampler", None), getattr(dl, "batch_sampler", None)):
        if isinstance(s, RS2Sampler):
            return s
        inner = getattr(s, "sampler", None)
        if isinstance(inner, RS2Sampler):
            return inner
    return None


class RS2Callback(_Callback):
    """Train a Lightning model with RS2 rounds (or a static subset), resumable from checkpoints.

    The callback swaps the sampler of the train DataLoader for an
    :class:`~samplingstats.subsample.RS2Sampler` (one Lightning epoch = one RS2 round of
    ``round(ratio * len(dataset))`` examples), lets Lightning's ``set_epoch`` pick the round, and
    saves the sampler's position in the Lightning checkpoint: ``trainer.fit(..., ckpt_path=...)``
    continues the same index stream from the first batch that was not trained on, also mid-round
    and with prefetching workers (the position counts the batches Lightning has processed, not
    what the loader drew ahead). Optionally it steps :func:`~samplingstats.subsample.rs2_cosine_lr`
    every optimizer step over ``trainer.estimated_stepping_batches`` and checkpoints it too.

    Parameters
    ----------
    ratio : float
        Fraction of the data per round (RS2) or kept (``static=True``), in ``(0, 1]``.
    replacement, labels
        As in :class:`~samplingstats.subsample.RS2Sampler`.
    rng : None, int, numpy.random.Generator or torch.Generator, default None
        The key of the rounds (SPEC 7); distributed training needs the same int on every rank.
    shuffle, even_shards
        As in :class:`~samplingstats.subsample.RS2Sampler`.
    static : bool, default False
        Train on one fixed subset, :func:`~samplingstats.subsample.static_subset` of the data
        (with ``scores``, ``keep``, ``labels``), reshuffled every epoch: the static pruning
        baseline, resumable the same way.
    scores, keep
        As in :func:`~samplingstats.subsample.static_subset` (only with ``static=True``).
    lr_schedule : {None, "cosine"}, default None
        ``"cosine"``: the callback creates ``rs2_cosine_lr`` on every optimizer of the module at
        ``on_train_start`` (from the optimizers' ``lr``) and steps it after each optimizer step.
    eta_min, warmup_steps
        As in :func:`~samplingstats.subsample.rs2_cosine_lr`.

    Attributes
    ----------
    sampler : RS2Sampler or None
        The sampler of the train loader once ``fit`` has built it.
    lr_schedulers : list
        The schedulers created by ``lr_schedule="cosine"``.

    Notes
    -----
    A train loader whose sampler already is an :class:`RS2Sampler` is kept as it is (the callback
    only checkpoints and resumes it); otherwise it is rebuilt with Lightning's own DataLoader
    re-instantiation. The number of ranks and this rank come from the trainer; Lightning's
    distributed sampler is turned off for the train loader (RS2 shards by itself). A checkpoint
    taken by a callback that runs before this one in the same ``on_train_batch_end`` still
    records the right position: it is read from Lightning's batch progress.

    See Also
    --------
    RS2Sampler : The sampler it installs.
    RS2Trainer : The same for transformers.Trainer.
    rs2_cosine_lr : The schedule of lr_schedule='cosine'.

    Examples
    --------
    >>> import lightning.pytorch as pl                                   # doctest: +SKIP
    >>> from samplingstats.subsample import RS2Callback                  # doctest: +SKIP
    >>> trainer = pl.Trainer(max_epochs=20, callbacks=[RS2Callback(0.1, rng=0)])  # doctest: +SKIP
    >>> trainer.fit(model, train_loader)                                 # doctest: +SKIP
    >>> trainer.fit(model, train_loader, ckpt_path="last.ckpt")          # doctest: +SKIP
    """

    def __init__(
        self,
        ratio: float,
        *,
        replacement: bool = False,
        labels: Any = None,
        rng: Any = None,
        shuffle: bool = True,
        even_shards: bool = False,
        static: bool = False,
        scores: Any = None,
        keep: Literal["random", "highest", "lowest"] = "random",
        lr_schedule: Literal["cosine"] | None = None,
        eta_min: float = 0.0,
        warmup_steps: int = 0,
    ) -> None:
        _require()
        super().__init__()
        from ._schedule import _check_ratio

        self.ratio = _check_ratio(ratio, "RS2Callback")
        for name, v in (("static", static), ("replacement", replacement)):
            if not isinstance(v, (bool, np.bool_)):
                raise InvalidParameterError(
                    f"The {name!r} parameter of RS2Callback must be a bool. Got {v!r} instead."
                )
        if lr_schedule not in (None, "cosine"):
            raise InvalidParameterError(
                "The 'lr_schedule' parameter of RS2Callback must be None or 'cosine'. Got "
                f"{lr_schedule!r} instead."
            )
        if keep not in ("random", "highest", "lowest"):
            raise InvalidParameterError(
                "The 'keep' parameter of RS2Callback must be one of 'random', 'highest', "
                f"'lowest'. Got {keep!r} instead."
            )
        from ._lr import _check_pos_int, _check_schedule

        warmup = _check_pos_int(warmup_steps, "warmup_steps", "RS2Callback", low=0)
        _check_schedule(warmup + 1, None, eta_min, warmup, "RS2Callback")
        if not static and (scores is not None or keep != "random"):
            raise InvalidParameterError(
                "The 'scores' and 'keep' parameters of RS2Callback are for static=True (the "
                "static pruning subset); RS2 rounds are uniform."
            )
        if static and not _is_int(rng):
            raise InvalidParameterError(
                "The 'rng' parameter of RS2Callback must be an int with static=True: the static "
                f"subset must be the same when a run resumes. Got {rng!r} instead."
            )
        self.replacement = bool(replacement)
        self.labels = labels
        self.rng = rng
        self.shuffle = shuffle
        self.even_shards = even_shards
        self.static = bool(static)
        self.scores = scores
        self.keep = keep
        self.lr_schedule = lr_schedule
        self.eta_min = eta_min
        self.warmup_steps = warmup_steps
        self.sampler: RS2Sampler | None = None
        self.lr_schedulers: list = []
        self._batch_size: int | None = None
        self._batches: int | None = None  # batches of one round in the loader
        self._pending: dict | None = None
        self._trainer: Any = None
        self._n_items: int | None = None

    # -- building the loader -------------------------------------------------------------------
    def _make_sampler(self, dataset, trainer):
        kw = dict(
            rng=self.rng,
            num_replicas=int(trainer.world_size),
            rank=int(trainer.global_rank),
            shuffle=self.shuffle,
            even_shards=self.even_shards,
        )
        if self.static:
            from ._static import static_subset

            subset = static_subset(
                len(dataset),
                self.ratio,
                scores=self.scores,
                keep=self.keep,
                labels=self.labels,
                rng=self.rng,
            )
            return _SubsetRS2Sampler(subset, **kw)
        return RS2Sampler(
            dataset, self.ratio, replacement=self.replacement, labels=self.labels, **kw
        )

    def _swap(self, loader):
        from torch.utils.data import DataLoader, IterableDataset

        if not isinstance(loader, DataLoader):
            raise InvalidParameterError(
                "RS2Callback needs a single torch DataLoader as the train loader. Got "
                f"{type(loader).__name__} instead."
            )
        sampler = _find_sampler(loader)
        if sampler is None:
            if isinstance(loader.dataset, IterableDataset):
                raise InvalidParameterError(
                    "RS2Callback needs a map-style dataset (RS2 picks indices); the train "
                    "loader's dataset is an IterableDataset."
                )
            if self.sampler is not None and len(loader.dataset) == self._n_items:
                sampler = self.sampler  # a reloaded loader keeps the stream
            else:
                sampler = self._make_sampler(loader.dataset, self._trainer)
            loader = _update_dataloader(loader, sampler)
        bs = getattr(loader, "batch_size", None)
        if bs is None:
            bs = getattr(getattr(loader, "batch_sampler", None), "batch_size", None)
        if not _is_int(bs) or bs < 1:
            raise InvalidParameterError(
                "RS2Callback needs a train DataLoader with a fixed batch_size, to count the "
                f"indices a batch consumes. Got batch_size={bs!r}."
            )
        self._batch_size = int(bs)
        self._batches = len(loader)
        self._n_items = len(loader.dataset)
        self.sampler = sampler
        if self._pending is not None:
            sampler.load_state_dict(self._pending["sampler"])
        return loader

    # -- Lightning hooks -----------------------------------------------------------------------
    def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
        if stage != "fit":
            return
        self._trainer = trainer
        source = getattr(getattr(trainer, "fit_loop", None), "_data_source", None)
        if source is None or not hasattr(source, "dataloader"):  # pragma: no cover - API change
            raise InvalidParameterError(
                "RS2Callback does not support this Lightning version (no fit_loop data source)."
            )
        if getattr(source, "_rs2_wrapped", False):
            return
        original = source.dataloader

        def dataloader():
            got = original()
            return self._swap(got)

        source.dataloader = dataloader
        source._rs2_wrapped = True
        conn = getattr(trainer, "_accelerator_connector", None)
        if conn is not None and getattr(conn, "use_distributed_sampler", False):
            conn.use_distributed_sampler = False  # RS2Sampler shards by itself

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        if self.lr_schedule is None or self.lr_schedulers:
            return
        from ._lr import rs2_cosine_lr

        total = trainer.estimated_stepping_batches
        if not np.isfinite(total):
            raise InvalidParameterError(
                "RS2Callback(lr_schedule='cosine') needs a finite number of steps: set max_epochs "
                "or max_steps on the Trainer."
            )
        self.lr_schedulers = [
            rs2_cosine_lr(
                opt,
                int(total),
                eta_min=self.eta_min,
                warmup_steps=self.warmup_steps,
            )
            for opt in trainer.optimizers
        ]
        saved = (self._pending or {}).get("lr_schedulers")
        if saved:
            if len(saved) != len(self.lr_schedulers):
                raise InvalidParameterError(
                    "RS2Callback.load_state_dict: the checkpoint holds "
                    f"{len(saved)} learning-rate schedules, the module has "
                    f"{len(self.lr_schedulers)} optimizers."
                )
            for sched, st in zip(self.lr_schedulers, saved):
                sched.load_state_dict(st)
        self._step_lr(trainer)

    def _step_lr(self, trainer) -> None:
        for sched in self.lr_schedulers:
            while sched.last_epoch < trainer.global_step:
                sched.step()

    def on_train_batch_end(
        self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        self._step_lr(trainer)

    # -- checkpoint ----------------------------------------------------------------------------
    def _consumed(self) -> int:
        trainer = self._trainer
        done = int(trainer.fit_loop.epoch_loop.batch_progress.current.processed)
        s = self.sampler
        assert s is not None and self._batch_size is not None
        _, offset = s._active if s._active is not None else (s._round, s._offset)
        length = s._shard_len(offset)
        if self._batches is not None and done >= self._batches:
            return length
        return min(length, done * self._batch_size)

    def state_dict(self) -> dict[str, Any]:
        if self.sampler is None:
            return dict(self._pending) if self._pending is not None else {}
        s = self.sampler
        if s._active is not None:
            sampler_state = s.state_dict(consumed=self._consumed())
        else:
            sampler_state = s.state_dict()
        return {
            "format": _FORMAT,
            "sampler": sampler_state,
            "lr_schedulers": [sched.state_dict() for sched in self.lr_schedulers],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if not state_dict:
            return
        if not isinstance(state_dict, dict) or state_dict.get("format") != _FORMAT:
            got = state_dict.get("format") if isinstance(state_dict, dict) else None
            raise InvalidParameterError(
                f"RS2Callback.load_state_dict: not an RS2Callback state (format {got!r}, "
                f"expected {_FORMAT!r})."
            )
        for key in ("sampler", "lr_schedulers"):
            if key not in state_dict:
                raise InvalidParameterError(
                    f"RS2Callback.load_state_dict: the state lacks {key!r}; it was not produced "
                    "by state_dict()."
                )
        if self.lr_schedule is None and state_dict["lr_schedulers"]:
            raise InvalidParameterError(
                "RS2Callback.load_state_dict: the checkpoint holds a learning-rate schedule "
                "(lr_schedule='cosine') but this callback has lr_schedule=None."
            )
        self._pending = state_dict
        if self.sampler is not None:
            self.sampler.load_state_dict(state_dict["sampler"])
