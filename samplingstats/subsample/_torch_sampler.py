"""RS2 as a ``torch.utils.data.Sampler`` (this module imports torch; it is loaded lazily)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._exceptions import InvalidParameterError
from .._optional import import_optional
from ._schedule import _SAME_INT_HINT, RS2Schedule, _is_int

if TYPE_CHECKING:
    import torch
    from torch.utils.data import Sampler, Subset
else:
    torch = import_optional("torch", purpose="RS2Sampler")
    Sampler = torch.utils.data.Sampler
    Subset = torch.utils.data.Subset

__all__ = ["RS2Sampler", "RS2Loader", "WeightedSampler", "StaticSubsetDataset"]


def _dist_world():
    """World size of the initialised default process group (None when there is none)."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return None


def _dist_defaults(num_replicas, rank):
    if num_replicas is not None and rank is not None:
        return num_replicas, rank
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        w, r = dist.get_world_size(), dist.get_rank()
    else:
        w, r = 1, 0
    return (w if num_replicas is None else num_replicas), (r if rank is None else rank)


def _check_distributed_rng(rng, num_replicas):
    """Ranks must share the key: outside one process only an int ``rng`` is accepted."""
    world = _dist_world()
    many = (_is_int(num_replicas) and num_replicas > 1) or (world is not None and world > 1)
    if many and not _is_int(rng):
        got = "None" if rng is None else type(rng).__name__
        raise InvalidParameterError(
            "The 'rng' parameter of RS2Sampler must be an int in distributed training "
            f"(num_replicas={num_replicas}, process group world size={world}): every rank must "
            "draw the same rounds, and rng=None (a fresh draw) or a Generator may differ between "
            f"ranks. Got {got}; {_SAME_INT_HINT}."
        )


def _n_items(data_source):
    if _is_int(data_source):
        n = int(data_source)
    elif hasattr(data_source, "__len__") and not isinstance(data_source, (str, bytes)):
        n = len(data_source)
    else:
        raise InvalidParameterError(
            "The 'data_source' parameter of RS2Sampler must be a sized dataset or an int number "
            f"of items in the range [1, inf). Got {data_source!r} instead."
        )
    if n < 1:
        raise InvalidParameterError(
            "The 'data_source' parameter of RS2Sampler must be a non-empty dataset or an int in "
            f"the range [1, inf). Got size {n} instead."
        )
    return n


class RS2Sampler(Sampler[int]):
    """RS2 repeated random subsets as a PyTorch sampler (one round per pass of the DataLoader).

    Each ``iter(sampler)`` yields this rank's indices of the current round (``len(sampler)`` of
    them), then moves to the next round, so a plain ``for round in range(X): for batch in loader``
    loop trains on a fresh subset each round; :meth:`set_epoch` sets the round explicitly (as with
    ``DistributedSampler``). Index generation costs O(k / num_replicas) per round (see
    :class:`~samplingstats.subsample.RS2Schedule`, which this wraps).

    Parameters
    ----------
    data_source : sized dataset or int
        The dataset (only ``len`` is used) or its number of items ``n_items``.
    ratio : float
        Fraction of the data per round, in ``(0, 1]``.
    replacement : bool, default False
        Independent subsets per round instead of cycling through passes without replacement.
    labels : array-like or torch.Tensor of length n_items, optional
        Stratify rounds by class (largest-remainder quotas).
    rng : None, int, numpy.random.Generator or torch.Generator, default None
        The key of the rounds (SPEC 7); an int gives the same rounds in every process.
        **Distributed training needs an int, the same on every rank**: with ``num_replicas > 1``
        (or an initialised process group of more than one rank) anything else raises
        :class:`~samplingstats.InvalidParameterError`, since a fresh draw or a Generator's draw
        could differ between ranks. From a Generator ``g`` seeded alike on every rank, pass
        ``rng=int(g.integers(2**63))``. In one process, ``None`` draws a fresh key once (a
        Generator: one draw of it); the key is saved by :meth:`state_dict` and adopted by
        :meth:`load_state_dict`, so a resumed run continues the same stream.
    num_replicas, rank : int, optional
        Default to ``torch.distributed``'s world size and rank when it is initialised, else 1, 0.
    shuffle : bool, default True
        ``False`` yields each round's indices in ascending order (the subset is still random;
        useful for locality of disk reads). It does not make the subsets deterministic.
    even_shards : bool, default False
        Pad every rank to ``ceil(k / num_replicas)`` indices (as ``DistributedSampler`` does) so
        DDP ranks run the same number of batches.

    Notes
    -----
    **Resume.** :meth:`state_dict` records the configuration, the round and the number of indices
    of it already yielded on this rank; after :meth:`load_state_dict` the next ``iter(sampler)``
    continues exactly there (bitwise). A DataLoader prefetches indices ahead of training; pass the
    number actually consumed (``batches_done * batch_size``) as ``state_dict(consumed=...)`` when
    checkpointing mid-round. A state saved with another ``num_replicas`` resumes at the same global
    position (ranks in lockstep), except mid-round with ``shuffle=False`` or ``even_shards``, which
    is refused. A state from a different configuration (``n_items``, ``ratio``, ``replacement``,
    the key when ``rng`` is an int, labels, ``shuffle``, ``even_shards``) is refused.

    See Also
    --------
    RS2Schedule : The framework-free schedule it wraps.
    RS2Loader : Exact checkpoints under prefetching workers.
    rs2_cosine_lr : Learning rate over iterations.

    Examples
    --------
    >>> import torch
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> from samplingstats.subsample import RS2Sampler
    >>> ds = TensorDataset(torch.arange(100.0))
    >>> sampler = RS2Sampler(ds, 0.1, rng=0)
    >>> loader = DataLoader(ds, batch_size=5, sampler=sampler)
    >>> len(sampler), len(loader)
    (10, 2)
    >>> seen = [int(x) for _ in range(10) for (batch,) in loader for x in batch]
    >>> sorted(seen) == list(range(100))          # 10 rounds of 10 = one pass over the data
    True
    """

    def __init__(
        self,
        data_source: Any,
        ratio: float,
        *,
        replacement: bool = False,
        labels: Any = None,
        rng: Any = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        even_shards: bool = False,
    ) -> None:
        super().__init__()
        n = _n_items(data_source)
        if not isinstance(shuffle, (bool, np.bool_)):
            raise InvalidParameterError(
                f"The 'shuffle' parameter of RS2Sampler must be a bool. Got {shuffle!r} instead."
            )
        num_replicas, rank = _dist_defaults(num_replicas, rank)
        _check_distributed_rng(rng, num_replicas)
        self.schedule = RS2Schedule._create(
            n,
            ratio,
            replacement=replacement,
            labels=labels,
            rng=rng,
            num_replicas=num_replicas,
            rank=rank,
            even_shards=even_shards,
            caller="RS2Sampler",
        )
        self.shuffle = bool(shuffle)
        self._round = 0
        self._offset = 0  # global slot offset of the current round's layout (after a W change)
        self._pos = 0  # indices of the current round consumed on this rank
        self._pending = False  # a loaded state waits for the next iter()
        self._active = None  # (round, offset) of the iteration last started: what is trained on
        self._iterating = False  # an iteration of the active round is in progress

    # ------------------------------------------------------------------------------------------
    @property
    def round(self) -> int:
        """The round the next (or current) iteration yields."""
        return self._round

    @property
    def num_replicas(self) -> int:
        return self.schedule.num_replicas

    @property
    def rank(self) -> int:
        return self.schedule.rank

    @property
    def round_size(self) -> int:
        """``k``, the size of a round over all ranks."""
        return self.schedule.round_size

    def __len__(self) -> int:
        return self.schedule.shard_size

    def __repr__(self) -> str:
        s = self.schedule
        return (
            f"RS2Sampler(n_items={s.n_items}, ratio={s.ratio}, replacement={s.replacement}, "
            f"rng={s.seed}, "
            f"num_replicas={s.num_replicas}, rank={s.rank}, round={self._round})"
        )

    def set_epoch(self, epoch: int) -> None:
        """Set the round of the next iteration (keeps a pending resume of that same round).

        Parameters
        ----------
        epoch : int
            The round of the next iteration, in ``[0, max_round]``.
        """
        top = self.schedule.max_round
        if not _is_int(epoch) or not 0 <= epoch <= top:
            raise InvalidParameterError(
                "The 'epoch' parameter of RS2Sampler.set_epoch must be an int in the range "
                f"[0, {top}] (the schedule's max_round). Got {epoch!r} instead."
            )
        if self._pending and int(epoch) == self._round:
            return
        if self._iterating and self._active is not None and int(epoch) == self._active[0]:
            # a loader that started the round's iteration before calling set_epoch (Lightning
            # creates the iterator first, a prefetching DataLoader draws at once): keep it
            return
        self._round, self._offset, self._pos, self._pending = int(epoch), 0, 0, False
        self._active = None

    def _round_indices(self, t, offset):
        idx = self.schedule._shard(t, offset)
        if not self.shuffle:
            idx = np.sort(idx)
        return idx

    def indices(self, round: int | None = None) -> NDArray[np.int64]:
        """This rank's whole shard of ``round`` (default: the current round) as an int64 array.

        Parameters
        ----------
        round : int, optional
            A round number (default: the current round).

        Returns
        -------
        numpy.ndarray of int64
            This rank's indices of the round, in the order they are yielded.
        """
        t = self._round if round is None else self.schedule._check_round(round, "indices")
        return self._round_indices(t, 0 if round is not None else self._offset)

    def __iter__(self):
        t, offset = self._round, self._offset
        start = self._pos if self._pending else 0
        self._pending = False
        self._pos = start
        self._active = (t, offset)
        self._iterating = True
        idx = self._round_indices(t, offset).tolist()
        try:
            for i in range(start, len(idx)):
                self._pos = i + 1
                yield idx[i]
        finally:
            self._iterating = False
        if self._round == t and self._pos == len(idx):
            self._round, self._offset, self._pos = t + 1, 0, 0

    # ------------------------------------------------------------------------------------------
    def _shard_len(self, offset):
        s = self.schedule
        return s._layout(offset, s.rank, s.num_replicas, s.even_shards)[3]

    def state_dict(self, consumed: int | None = None) -> dict[str, Any]:
        """Configuration, round and position in it (plain Python values).

        Parameters
        ----------
        consumed : int, optional
            Indices of the current round actually consumed on this rank, counted from the start
            of the round (default: the number yielded, which a prefetching DataLoader runs ahead
            of). The current round is the one of the iteration in progress (the last
            ``iter(sampler)`` started), also when a prefetcher has already drawn all of it and
            the sampler has moved on to the next round.

        Returns
        -------
        dict
            The schedule's state plus ``offset``, ``yielded``, ``position`` and ``shuffle``.
        """
        pos = self._pos
        t, offset = self._round, self._offset
        if consumed is not None and self._active is not None:
            t, offset = self._active
        length = self._shard_len(offset)
        if consumed is not None:
            if not _is_int(consumed) or not 0 <= consumed <= length:
                raise InvalidParameterError(
                    "The 'consumed' parameter of RS2Sampler.state_dict must be an int in the "
                    f"range [0, {length}]. Got {consumed!r} instead."
                )
            pos = int(consumed)
        if pos >= length:
            t, offset, pos = t + 1, 0, 0
        state = self.schedule.state_dict()
        state.update(
            round=t,
            offset=offset,
            yielded=pos,
            position=min(self.schedule.round_size, offset + pos * self.schedule.num_replicas),
            shuffle=self.shuffle,
        )
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Resume from :meth:`state_dict` (refuses a different configuration).

        Parameters
        ----------
        state : dict
            What :meth:`state_dict` returned (possibly in another process).
        """
        s = self.schedule
        t = s._check_state(state, "RS2Sampler")
        missing = [
            key for key in ("offset", "yielded", "num_replicas", "shuffle") if key not in state
        ]
        if missing:
            raise InvalidParameterError(
                f"RS2Sampler.load_state_dict: the state lacks {missing} (the position in the "
                "round); it was not produced by RS2Sampler.state_dict() (an RS2Schedule state "
                "holds only the round). Refusing to resume: the round would restart and replay "
                "the indices already consumed."
            )
        if state.get("shuffle") != self.shuffle:
            raise InvalidParameterError(
                f"RS2Sampler.load_state_dict: the state comes from a different configuration "
                f"(shuffle is {state.get('shuffle')!r} in the state but {self.shuffle!r} here). "
                "Refusing to resume: the index order would differ."
            )
        offset, pos, world = state["offset"], state["yielded"], state["num_replicas"]
        for name, v, low in (
            ("offset", offset, 0),
            ("yielded", pos, 0),
            ("num_replicas", world, 1),
        ):
            if not _is_int(v) or v < low:
                raise InvalidParameterError(
                    f"RS2Sampler.load_state_dict: the state's {name} must be an int in the range "
                    f"[{low}, inf), got {v!r}."
                )
        if offset >= s.round_size:
            raise InvalidParameterError(
                f"RS2Sampler.load_state_dict: the state's offset {offset} is outside the round "
                f"(k = {s.round_size})."
            )
        if world != s.num_replicas and (pos > 0 or offset > 0):
            if not self.shuffle or s.even_shards:
                raise InvalidParameterError(
                    f"RS2Sampler.load_state_dict: the state was saved mid-round with "
                    f"num_replicas={world}, here num_replicas={s.num_replicas}; a mid-round "
                    "change of the number of ranks is only possible with shuffle=True and "
                    "even_shards=False. Resume at a round boundary instead."
                )
            offset = offset + pos * world
            pos = 0
            if offset >= s.round_size:
                t, offset = t + 1, 0
        if pos > self._shard_len(offset):
            raise InvalidParameterError(
                f"RS2Sampler.load_state_dict: the state's yielded count {pos} exceeds this rank's "
                f"shard ({self._shard_len(offset)} indices)."
            )
        s._adopt_seed(state)
        self._round, self._offset, self._pos, self._pending = t, int(offset), int(pos), True
        self._active = None


class _SubsetRS2Sampler(RS2Sampler):
    """Random reshuffling of a fixed subset (the static baseline) with RS2Sampler's state.

    Round ``t`` is the keyed permutation ``t`` of the subset (``RS2Sampler(len(subset), 1.0)``
    mapped through ``subset``), so the static baseline resumes exactly like RS2. The state
    carries a hash of the subset; a state of another subset is refused.
    """

    def __init__(self, subset, **kwargs):
        subset = np.ascontiguousarray(subset, dtype=np.int64)
        super().__init__(int(subset.shape[0]), 1.0, **kwargs)
        self._subset = subset
        self._subset_hash = hashlib.sha256(subset.tobytes()).hexdigest()[:32]

    def _round_indices(self, t, offset):
        return self._subset[super()._round_indices(t, offset)]

    def state_dict(self, consumed: int | None = None) -> dict[str, Any]:
        state = super().state_dict(consumed)
        state["subset_hash"] = self._subset_hash
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if isinstance(state, dict) and state.get("subset_hash") != self._subset_hash:
            raise InvalidParameterError(
                "RS2Sampler.load_state_dict: the state comes from a different configuration "
                f"(subset_hash is {state.get('subset_hash')!r} in the state but "
                f"{self._subset_hash!r} here: another static subset). Refusing to resume."
            )
        super().load_state_dict(state)


def _loader_batch_size(loader):
    bs = getattr(loader, "batch_size", None)
    if bs is None:
        bs = getattr(getattr(loader, "batch_sampler", None), "batch_size", None)
    if not _is_int(bs) or bs < 1:
        raise InvalidParameterError(
            "RS2Loader needs a DataLoader with a fixed batch_size (or a BatchSampler with one), "
            f"to count the indices a batch consumes. Got batch_size={bs!r}."
        )
    return int(bs)


def _loader_sampler(loader):
    for s in (getattr(loader, "sampler", None), getattr(loader, "batch_sampler", None)):
        if isinstance(s, RS2Sampler):
            return s
        inner = getattr(s, "sampler", None)
        if isinstance(inner, RS2Sampler):
            return inner
    raise InvalidParameterError(
        "The 'loader' parameter of RS2Loader must be a DataLoader whose sampler (or batch "
        f"sampler's sampler) is an RS2Sampler. Got {type(loader).__name__} with sampler "
        f"{type(getattr(loader, 'sampler', None)).__name__}."
    )


class RS2Loader:
    """A DataLoader over an :class:`RS2Sampler` whose checkpoint counts what training consumed.

    A DataLoader with workers draws indices ahead of the training loop (``prefetch_factor *
    num_workers`` batches), so ``sampler.state_dict()`` records more than was trained on and a
    resume from it would skip the prefetched examples. ``RS2Loader(loader)`` iterates ``loader``
    unchanged and counts the batches it has handed out; its :meth:`state_dict` is the sampler's
    state at exactly that point (``start + batches * batch_size`` indices of the current round,
    ``start`` being a mid-round resume's position), so :meth:`load_state_dict` on a fresh loader
    continues with the first batch the training loop has not seen -- whatever ``num_workers``.

    Parameters
    ----------
    loader : torch.utils.data.DataLoader
        A loader whose ``sampler`` (or ``batch_sampler.sampler``) is an :class:`RS2Sampler`, with a
        fixed ``batch_size``. The loader is used as is (workers, pinning, collate).

    Attributes
    ----------
    loader : torch.utils.data.DataLoader
    sampler : RS2Sampler
    batch_size : int

    Notes
    -----
    Take the checkpoint between two batches (after the step of the last batch handed out), as in
    any training loop; the count is per ``iter()`` of the loader, one round of RS2. With
    ``drop_last=True`` the dropped tail of a round is skipped by the resumed run exactly as by an
    uninterrupted one.

    See Also
    --------
    RS2Sampler : The sampler whose state it counts.
    RS2Callback : The same for PyTorch Lightning.

    Examples
    --------
    >>> import torch
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> from samplingstats.subsample import RS2Loader, RS2Sampler
    >>> ds = TensorDataset(torch.arange(100))
    >>> loader = RS2Loader(DataLoader(ds, batch_size=4, sampler=RS2Sampler(ds, 0.2, rng=0)))
    >>> it = iter(loader)
    >>> seen = [next(it)[0] for _ in range(2)]          # two batches trained on
    >>> state = loader.state_dict()                     # 8 indices consumed, whatever prefetched
    >>> state["round"], state["yielded"]
    (0, 8)
    >>> again = RS2Loader(DataLoader(ds, batch_size=4, sampler=RS2Sampler(ds, 0.2, rng=0)))
    >>> again.load_state_dict(state)
    >>> [b[0].tolist() for b in again] == [b[0].tolist() for b in it]
    True
    """

    def __init__(self, loader: Any) -> None:
        self.sampler = _loader_sampler(loader)
        self.batch_size = _loader_batch_size(loader)
        self.loader = loader
        self._start = 0
        self._batches = None  # batches handed out by the iteration in progress (None: none)

    def __len__(self) -> int:
        return len(self.loader)

    def __repr__(self) -> str:
        return f"RS2Loader({self.sampler!r}, batch_size={self.batch_size})"

    def set_epoch(self, epoch: int) -> None:
        """:meth:`RS2Sampler.set_epoch` (the round of the next iteration).

        Parameters
        ----------
        epoch : int
            The round of the next iteration.
        """
        self.sampler.set_epoch(epoch)
        self._batches = None

    def __iter__(self):
        s = self.sampler
        self._start = s._pos if s._pending else 0
        self._batches = 0
        for batch in self.loader:
            self._batches += 1
            yield batch
        self._batches = None

    def state_dict(self) -> dict[str, Any]:
        """The sampler's state at the batches handed out so far (see :meth:`RS2Sampler.state_dict`).

        Returns
        -------
        dict
            The sampler's state at the batches handed out (:meth:`RS2Sampler.state_dict`).
        """
        if self._batches is None:
            return self.sampler.state_dict()
        s = self.sampler
        t, offset = s._active if s._active is not None else (s._round, s._offset)
        length = s._shard_len(offset)
        return s.state_dict(consumed=min(length, self._start + self._batches * self.batch_size))

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """:meth:`RS2Sampler.load_state_dict`: the next ``iter()`` resumes there.

        Parameters
        ----------
        state : dict
            What :meth:`state_dict` returned (possibly in another process).
        """
        if not isinstance(state, dict):
            raise InvalidParameterError(
                "The 'state' parameter of RS2Loader.load_state_dict must be the dict returned by "
                f"state_dict(). Got {type(state).__name__} instead."
            )
        self.sampler.load_state_dict(state)
        self._batches = None


# ----------------------------------------------------------------------------------------------
# weighted sampling and static subsets as torch data objects
# ----------------------------------------------------------------------------------------------
class WeightedSampler(Sampler[int]):
    """Weighted index sampler on an alias table: a drop-in for ``WeightedRandomSampler``.

    Each ``iter(sampler)`` (one epoch) yields ``n_samples`` indices ``i`` drawn with probability
    ``weights[i] / sum(weights)``: iid with replacement (O(1) per draw from a
    :class:`~samplingstats.sampling.AliasTable` built once, in O(n_items)), or without replacement
    by successive sampling (the law of ``torch.multinomial(replacement=False)`` and of
    :func:`~samplingstats.sampling.weighted_sample_without_replacement`, drawn by exponential keys
    over all items at once: O(n_items) per epoch).
    The positional arguments are those of :class:`torch.utils.data.WeightedRandomSampler`
    (``weights, num_samples, replacement``), so swapping the class name is enough; the randomness
    is ``rng=`` instead of ``generator=``.

    Parameters
    ----------
    weights : array-like or torch.Tensor, shape (n_items,)
        Non-negative finite weights with a positive sum (need not be normalised).
    n_samples : int
        Indices per epoch (``WeightedRandomSampler``'s ``num_samples``), ``>= 1``; without
        replacement at most the number of positive weights.
    replacement : bool, default True
        Draw with replacement (iid) or without (successive sampling).
    rng : None, int, numpy.random.Generator or torch.Generator, default None
        Randomness (SPEC 7), turned once into a numpy Generator whose stream advances from epoch
        to epoch (a ``torch.Generator`` gives one draw of it).

    Attributes
    ----------
    table : AliasTable
        The alias table (with replacement; built on first use).
    n_samples : int
    replacement : bool

    Notes
    -----
    The draws are made on the CPU by numba kernels, whatever the device of ``weights``, and the
    indices are yielded as Python ints (as torch's samplers do). Same law as torch's sampler, not
    the same stream.

    See Also
    --------
    samplingstats.sampling.AliasTable : The alias table it draws from.
    samplingstats.sampling.weighted_sample_without_replacement : The law without replacement.

    Examples
    --------
    >>> import torch
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> from samplingstats.subsample import WeightedSampler
    >>> ds = TensorDataset(torch.arange(4))
    >>> sampler = WeightedSampler([0.0, 1.0, 1.0, 2.0], 8, rng=0)
    >>> idx = list(sampler)
    >>> len(idx), 0 in idx
    (8, False)
    >>> sorted(WeightedSampler([0.0, 1.0, 1.0, 2.0], 3, replacement=False, rng=0))
    [1, 2, 3]
    >>> len(DataLoader(ds, batch_size=4, sampler=sampler))
    2
    """

    def __init__(
        self, weights: Any, n_samples: int, replacement: bool = True, *, rng: Any = None
    ) -> None:
        super().__init__()
        from .._rng import as_generator
        from ..sampling._common import as_weights

        if not isinstance(replacement, (bool, np.bool_)):
            raise InvalidParameterError(
                "The 'replacement' parameter of WeightedSampler must be a bool. Got "
                f"{replacement!r} instead."
            )
        w, _ = as_weights(weights, "weights", "WeightedSampler")
        n_pos = int(np.count_nonzero(w > 0))
        top = n_pos if not replacement else None
        if not _is_int(n_samples) or n_samples < 1 or (top is not None and n_samples > top):
            rng_txt = f"[1, {top}] (the number of positive weights)" if top else "[1, inf)"
            raise InvalidParameterError(
                f"The 'n_samples' parameter of WeightedSampler must be an int in the range "
                f"{rng_txt}. Got {n_samples!r} instead."
            )
        from .._validation import check_size

        check_size(n_samples, "n_samples", bytes_per_item=8, caller="WeightedSampler")
        self._w = w
        self.n_samples = int(n_samples)
        self.replacement = bool(replacement)
        self._gen = as_generator(rng)
        self._table: Any = None
        self._packed: Any = None
        self._log_w: Any = None

    @property
    def table(self) -> Any:
        if self._table is None:
            from ..sampling import AliasTable

            self._table = AliasTable(self._w)
        return self._table

    def __len__(self) -> int:
        return self.n_samples

    def __repr__(self) -> str:
        return (
            f"WeightedSampler(n_items={self._w.shape[0]}, n_samples={self.n_samples}, "
            f"replacement={self.replacement})"
        )

    def indices(self) -> NDArray[np.int64]:
        """One epoch's indices as an int64 numpy array (what ``iter()`` yields, as an array).

        Returns
        -------
        numpy.ndarray of int64, shape (n_samples,)
            One epoch's indices.
        """
        if self.replacement:
            return self._draw_with_replacement(self.n_samples)
        return self._draw_without_replacement(self.n_samples)

    def _draw_without_replacement(self, k):
        # Exponential keys (Efraimidis & Spirakis 2006): the k smallest log(E_i) - log(w_i),
        # E_i ~ Exp(1), in increasing order, are successive sampling in draw order. Vectorised
        # (one key per item, a partition and a sort of k keys); the log scale keeps weights from
        # 1e-300 to 1e300 exact; zero weights get +inf and are never among the k smallest.
        if self._log_w is None:
            with np.errstate(divide="ignore"):
                self._log_w = np.log(self._w)
        keys = np.log(self._gen.standard_exponential(self._w.shape[0]))
        keys -= self._log_w
        if k < keys.shape[0]:
            idx = np.argpartition(keys, k - 1)[:k]
        else:
            idx = np.arange(keys.shape[0])
        return idx[np.argsort(keys[idx], kind="stable")].astype(np.int64)

    def _draw_with_replacement(self, size):
        from .._kernels._alias import alias_draw_uniforms, alias_pack
        from .._kernels._jit import jit_disabled

        if self._packed is None:
            self._packed = alias_pack(self.table.prob, self.table.alias)
        packed, n = self._packed, self._packed.shape[0]
        out = np.empty(size, dtype=np.int64)
        chunk = 1 << 16  # uniforms drawn by numpy in cache-sized blocks
        for s in range(0, size, chunk):
            u = self._gen.random(min(chunk, size - s))
            if jit_disabled():
                x = u * n
                j = np.minimum(x.astype(np.int64), n - 1)
                keep = (x - j) < packed[j, 0]
                out[s : s + u.shape[0]] = np.where(keep, j, packed[j, 1].astype(np.int64))
            else:
                alias_draw_uniforms(packed, u, out[s : s + u.shape[0]])
        return out

    def __iter__(self) -> Iterator[int]:
        # a list iterator, not a generator: ~20% less per index handed to the DataLoader
        return iter(self.indices().tolist())


class StaticSubsetDataset(Subset):
    """A ``torch.utils.data.Subset`` holding a static pruning subset of ``dataset``.

    The indices are :func:`~samplingstats.subsample.static_subset` of ``len(dataset)`` with the
    same arguments (a uniform random subset by default, or the highest / lowest scores, per class
    with ``labels``), so "RS2 vs static pruning" is one line each::

        train_loader = DataLoader(StaticSubsetDataset(train_set, 0.1, rng=0), shuffle=True)

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        A sized map-style dataset.
    ratio : float
        Fraction kept, in ``(0, 1]``.
    scores, keep, labels, rng
        As in :func:`~samplingstats.subsample.static_subset`.

    Attributes
    ----------
    indices : list of int
        The kept indices of ``dataset``, sorted.

    See Also
    --------
    static_subset : The kept indices.
    RS2Sampler : Repeated random subsets instead.

    Examples
    --------
    >>> import torch
    >>> from torch.utils.data import TensorDataset
    >>> from samplingstats.subsample import StaticSubsetDataset, static_subset
    >>> ds = TensorDataset(torch.arange(50))
    >>> sub = StaticSubsetDataset(ds, 0.1, rng=3)
    >>> len(sub), sub.indices == static_subset(50, 0.1, rng=3).tolist()
    (5, True)
    >>> int(sub[0][0]) == sub.indices[0]
    True
    """

    def __init__(
        self,
        dataset: Any,
        ratio: float,
        *,
        scores: ArrayLike | None = None,
        keep: Literal["random", "highest", "lowest"] = "random",
        labels: ArrayLike | None = None,
        rng: Any = None,
    ) -> None:
        from ._static import static_subset

        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise InvalidParameterError(
                "The 'dataset' parameter of StaticSubsetDataset must be a sized map-style dataset "
                f"(with __len__ and __getitem__). Got {type(dataset).__name__} instead."
            )
        idx = static_subset(
            len(dataset), ratio, scores=scores, keep=keep, labels=labels, rng=rng
        ).tolist()
        super().__init__(dataset, idx)
