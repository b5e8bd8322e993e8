"""RS2 for Hugging Face ``transformers.Trainer`` (imported lazily; extra ``hf``)."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._exceptions import InvalidParameterError
from .._optional import MissingOptionalDependency, import_optional
from ._schedule import _check_ratio, _is_int
from ._torch_sampler import RS2Sampler, _SubsetRS2Sampler

try:
    _TRANSFORMERS = import_optional("transformers", purpose="RS2Trainer", extra="hf")
except MissingOptionalDependency:
    _TRANSFORMERS = None


def _require() -> None:
    """Raise :class:`MissingOptionalDependency` when transformers is not installed."""
    if _TRANSFORMERS is None:
        raise MissingOptionalDependency(
            "RS2Trainer needs the optional package 'transformers': pip install \"samplingstats[hf]\"",
            name="transformers",
            extra="hf",
        )


if TYPE_CHECKING:
    from transformers import Trainer as _Trainer
else:
    # without transformers the module still imports (for doctest collection); using it raises
    _Trainer = object if _TRANSFORMERS is None else _TRANSFORMERS.Trainer

__all__ = ["RS2Trainer"]

_STATE_FILE = "rs2_sampler.json"


class RS2Trainer(_Trainer):
    """A ``transformers.Trainer`` that trains on RS2 rounds (one epoch = one round).

    The train sampler is an :class:`~samplingstats.subsample.RS2Sampler` over the whole train
    set (``num_replicas=1``): under several processes Accelerate's ``prepare`` hands each process
    every ``W``-th batch of the round, so the processes' shards are disjoint and together make
    the round. ``num_train_epochs`` is the number of rounds ``X``, and the Trainer's own
    step-based schedules (``lr_scheduler_type="cosine"``, warm-up) run over the ``X * I``
    iterations, as RS2 asks. A resumed ``train(resume_from_checkpoint=...)`` continues the same
    index stream: the rounds are a pure function of the key and the round number, and the
    Trainer skips the batches of the resumed round that were already trained on. The sampler's
    configuration is saved with each checkpoint (``rs2_sampler.json``) and a resume with another
    configuration is refused.

    Parameters
    ----------
    *args
        Passed to ``transformers.Trainer``.
    ratio : float
        Fraction of the train set per round (or kept, ``static=True``), in ``(0, 1]``.
    replacement, labels
        As in :class:`~samplingstats.subsample.RS2Sampler`.
    rng : None or int, default None
        The key of the rounds; ``None`` takes ``args.data_seed`` or else ``args.seed`` (the same
        on every process, and again when a run resumes).
    shuffle : bool, default True
        As in :class:`~samplingstats.subsample.RS2Sampler`.
    static : bool, default False
        Train on one fixed subset (:func:`~samplingstats.subsample.static_subset` with
        ``scores``, ``keep``), reshuffled each epoch: the static pruning baseline.
    scores, keep
        As in :func:`~samplingstats.subsample.static_subset` (with ``static=True``).
    **kwargs
        Passed to ``transformers.Trainer`` (``model``, ``args``, ``train_dataset``, ...).

    Attributes
    ----------
    rs2_sampler : RS2Sampler or None
        The sampler of the last train DataLoader built.

    See Also
    --------
    RS2Sampler : The sampler it supplies.
    RS2Callback : The same for PyTorch Lightning.

    Examples
    --------
    >>> from samplingstats.subsample import RS2Trainer                          # doctest: +SKIP
    >>> args = TrainingArguments("out", num_train_epochs=20, lr_scheduler_type="cosine")  # doctest: +SKIP
    >>> trainer = RS2Trainer(model, args, train_dataset=train_set, ratio=0.1)  # doctest: +SKIP
    >>> trainer.train()                                                         # doctest: +SKIP
    >>> trainer.train(resume_from_checkpoint=True)                              # doctest: +SKIP
    """

    def __init__(
        self,
        *args: Any,
        ratio: float,
        replacement: bool = False,
        labels: Any = None,
        rng: int | None = None,
        shuffle: bool = True,
        static: bool = False,
        scores: Any = None,
        keep: Literal["random", "highest", "lowest"] = "random",
        **kwargs: Any,
    ) -> None:
        _require()
        self.rs2_ratio = _check_ratio(ratio, "RS2Trainer")
        if rng is not None and not _is_int(rng):
            raise InvalidParameterError(
                "The 'rng' parameter of RS2Trainer must be None (args.data_seed or args.seed) or "
                f"an int, the same on every process. Got {rng!r} instead."
            )
        for name, v in (("static", static), ("replacement", replacement)):
            if not isinstance(v, (bool, np.bool_)):
                raise InvalidParameterError(
                    f"The {name!r} parameter of RS2Trainer must be a bool. Got {v!r} instead."
                )
        if keep not in ("random", "highest", "lowest"):
            raise InvalidParameterError(
                "The 'keep' parameter of RS2Trainer must be one of 'random', 'highest', "
                f"'lowest'. Got {keep!r} instead."
            )
        if not static and (scores is not None or keep != "random"):
            raise InvalidParameterError(
                "The 'scores' and 'keep' parameters of RS2Trainer are for static=True (the "
                "static pruning subset); RS2 rounds are uniform."
            )
        self.rs2_replacement = bool(replacement)
        self.rs2_labels = labels
        self.rs2_rng = rng
        self.rs2_shuffle = shuffle
        self.rs2_static = bool(static)
        self.rs2_scores = scores
        self.rs2_keep = keep
        self.rs2_sampler: RS2Sampler | None = None
        super().__init__(*args, **kwargs)

    def _rs2_key(self) -> int:
        if self.rs2_rng is not None:
            return int(self.rs2_rng)
        seed = getattr(self.args, "data_seed", None)
        return int(self.args.seed if seed is None else seed)

    def _rs2_make(self, dataset) -> RS2Sampler:
        kw: dict[str, Any] = dict(
            rng=self._rs2_key(), num_replicas=1, rank=0, shuffle=self.rs2_shuffle
        )
        if self.rs2_static:
            from ._static import static_subset

            subset = static_subset(
                len(dataset),
                self.rs2_ratio,
                scores=self.rs2_scores,
                keep=self.rs2_keep,
                labels=self.rs2_labels,
                rng=self._rs2_key(),
            )
            return _SubsetRS2Sampler(subset, **kw)
        return RS2Sampler(
            dataset,
            self.rs2_ratio,
            replacement=self.rs2_replacement,
            labels=self.rs2_labels,
            **kw,
        )

    def _get_train_sampler(self, train_dataset=None):
        dataset = self.train_dataset if train_dataset is None else train_dataset
        if dataset is None or not hasattr(dataset, "__len__"):
            raise InvalidParameterError(
                "RS2Trainer needs a map-style train_dataset with a length (RS2 picks indices). "
                f"Got {type(dataset).__name__}."
            )
        self.rs2_sampler = self._rs2_make(dataset)
        return self.rs2_sampler

    def _save_checkpoint(self, model, trial) -> None:
        super()._save_checkpoint(model, trial)
        if self.rs2_sampler is None or not self.args.should_save:
            return
        from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

        folder = os.path.join(
            self._get_output_dir(trial=trial), f"{PREFIX_CHECKPOINT_DIR}-{self.state.global_step}"
        )
        if os.path.isdir(folder):
            with open(os.path.join(folder, _STATE_FILE), "w") as f:
                json.dump(self.rs2_sampler.state_dict(), f)

    def _load_from_checkpoint(self, resume_from_checkpoint, model=None) -> None:
        path = os.path.join(str(resume_from_checkpoint), _STATE_FILE)
        if os.path.isfile(path) and self.train_dataset is not None:
            with open(path) as f:
                state = json.load(f)
            probe = self._rs2_make(self.train_dataset)
            probe.schedule._check_state(state, "RS2Trainer")  # refuses another configuration
            if self.rs2_static and state.get("subset_hash") != probe.state_dict()["subset_hash"]:
                raise InvalidParameterError(
                    "RS2Trainer: the checkpoint was trained on another static subset "
                    "(subset_hash differs). Refusing to resume."
                )
        super()._load_from_checkpoint(resume_from_checkpoint, model=model)
