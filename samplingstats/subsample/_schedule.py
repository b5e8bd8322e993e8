"""RS2 index schedules: repeated random subsets of a dataset, framework-free.

Notation (Okanovic et al. 2024): ``n = n_items`` examples, ratio ``r``, round size
``k = round(r n)``. Without
replacement (the headline variant), round ``t`` holds the stream positions ``[t k, (t + 1) k)`` of a
sequence of passes, each pass a keyed Feistel permutation of ``[0, n)``
(:class:`samplingstats.sampling.KeyedPermutation`, key ``(seed, pass)``, ``seed`` the int taken
from ``rng``). With replacement, round
``t`` is the first ``k`` positions of pass ``t`` (an independent uniform ``k``-subset per round).

A round that straddles two passes takes the ``a`` last elements of the old pass and the first
``b = k - a`` elements of the new pass *that it does not already hold*: the new pass is the keyed
permutation with its first ``m <= k`` positions reordered (the ``b`` first elements not in the old
tail come first, the deferred ones right after), so the round has ``k`` distinct examples and every
pass still covers every example exactly once. Only those ``m`` positions ("the head") differ from
the plain keyed permutation; a head costs O(k) once per pass and is cached.

Sharding: rank ``j`` of ``W`` takes the round's slots ``j, j + W, j + 2W, ...``; each element is a
pure function of ``(seed, pass, position)``, so one rank's share of a round costs O(k / W) and the
ranks never communicate.

Stratified (``labels`` given): class ``c`` has its own stream (a keyed permutation of its members,
with a seed derived from ``(seed, c)``) and a per-round quota ``q_c`` by largest remainder
(``sum_c q_c = k``); the round's ``k`` slots interleave the classes smoothly (slot order by
``(j + 1/2) / q_c``), so every batch carries near-proportional class counts.
"""

from __future__ import annotations

import collections
import hashlib
import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._backend import to_numpy
from .._exceptions import InvalidParameterError
from .._kernels._jit import jit_disabled
from .._kernels._permutation import feistel_take_range, feistel_take_xp, pass_key, pass_key_py
from .._kernels._subsample import rs2_round
from .._rng import as_seed

__all__ = ["RS2Schedule", "rs2_round_size", "largest_remainder_quotas"]

_FORMAT = "samplingstats.subsample.RS2/1"
_MAX_N = 1 << 62
# Fields of the state that define the index stream: a mismatch refuses to resume.
_CONFIG_KEYS = (
    "n",
    "ratio",
    "round_size",
    "replacement",
    "seed",
    "stratified",
    "num_classes",
    "label_hash",
    "even_shards",
)


def _is_int(x) -> bool:
    if type(x) is int:
        return True
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


def _signed64(x: int) -> int:
    x = int(x) & ((1 << 64) - 1)
    return x - (1 << 64) if x >> 63 else x


def _check_n(n, caller, name="n_items"):
    if not _is_int(n) or not 1 <= n <= _MAX_N:
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be an int in the range [1, 2**62]. "
            f"Got {n!r} instead."
        )
    return int(n)


def _check_ratio(ratio, caller):
    if (
        not isinstance(ratio, numbers.Real)
        or isinstance(ratio, (bool, np.bool_))
        or not (0.0 < float(ratio) <= 1.0)
    ):
        raise InvalidParameterError(
            f"The 'ratio' parameter of {caller} must be a float in the range (0, 1]. "
            f"Got {ratio!r} instead."
        )
    return float(ratio)


def _check_seed(seed, caller):
    if not _is_int(seed) or not 0 <= seed < (1 << 64):
        raise InvalidParameterError(
            f"The 'rng' parameter of {caller} must be None, an int in the range [0, 2**64) or a "
            f"Generator. Got {seed!r} instead."
        )
    return int(seed)


_SAME_INT_HINT = (
    "pass the same int on every rank, e.g. rng=0 (from a numpy Generator `g` seeded the same on "
    "every rank: rng=int(g.integers(2**63)); from a torch.Generator `tg`: "
    "rng=int(torch.randint(2**62, (1,), generator=tg)))"
)


def _resolve_rng(rng, caller, *, num_replicas=1):
    """``(seed, given)``: the int key of ``rng`` and whether the caller fixed it as an int.

    Ranks must agree on the key, so with ``num_replicas > 1`` only an int is accepted (a fresh
    ``None`` draw or a Generator's draw could differ between ranks, silently).
    """
    if _is_int(rng):
        return _check_seed(rng, caller), True
    if num_replicas > 1:
        got = "None" if rng is None else type(rng).__name__
        raise InvalidParameterError(
            f"The 'rng' parameter of {caller} must be an int when num_replicas > 1 (here "
            f"{num_replicas}): every rank must draw the same rounds, and a fresh draw (rng=None) "
            f"or a Generator's draw may differ between ranks. Got {got}; {_SAME_INT_HINT}."
        )
    try:
        seed = as_seed(rng)
    except InvalidParameterError:
        raise InvalidParameterError(
            f"The 'rng' parameter of {caller} must be None, an int in the range [0, 2**64) or a "
            f"Generator. Got {rng!r} instead."
        ) from None
    return _check_seed(seed, caller), False


def rs2_round_size(n_items: int, ratio: float) -> int:
    """Round size ``k = round(ratio * n_items)`` (half up), at least 1.

    Parameters
    ----------
    n_items : int
        Dataset size, ``n_items >= 1``.
    ratio : float
        Selection ratio in ``(0, 1]``.

    Returns
    -------
    int

    Raises
    ------
    InvalidParameterError
        If ``ratio * n_items`` rounds to 0.

    See Also
    --------
    RS2Schedule : Rounds of this size.
    rs2_total_steps : Iterations of a number of rounds.

    Examples
    --------
    >>> from samplingstats.subsample import rs2_round_size
    >>> rs2_round_size(50_000, 0.1), rs2_round_size(1797, 0.05)
    (5000, 90)
    """
    n = _check_n(n_items, "rs2_round_size")
    ratio = _check_ratio(ratio, "rs2_round_size")
    k = min(n, math.floor(ratio * n + 0.5))
    if k < 1:
        raise InvalidParameterError(
            f"The 'ratio' parameter gives an empty round: ratio * n_items = {ratio} * {n} = "
            f"{ratio * n:.3g} rounds to 0 examples. Use ratio >= {0.5 / n:.3g}."
        )
    return int(k)


def largest_remainder_quotas(counts: ArrayLike, n_samples: int) -> NDArray[np.int64]:
    """Split ``n_samples`` into integer quotas proportional to ``counts`` (largest remainder).

    With ``k = n_samples``: ``q_c = floor(k n_c / N)`` plus one for the ``k - sum floor`` classes
    with the largest remainders (ties to the larger class, then to the lower class index), so
    ``sum q = k`` exactly and ``|q_c - k n_c / N| < 1``.

    Parameters
    ----------
    counts : array-like of int
        Class sizes ``n_c >= 0`` with a positive sum ``N``.
    n_samples : int
        Total, ``0 <= n_samples <= N``.

    Returns
    -------
    numpy.ndarray of int64

    See Also
    --------
    RS2Schedule : Stratified rounds use these quotas.
    static_subset : Class-balanced static subsets.

    Examples
    --------
    >>> from samplingstats.subsample import largest_remainder_quotas
    >>> largest_remainder_quotas([50, 30, 20], 7).tolist()
    [4, 2, 1]
    """
    c = np.asarray(counts)
    if c.ndim != 1 or c.size == 0 or c.dtype.kind not in "iu" or (c < 0).any() or c.sum() <= 0:
        raise InvalidParameterError(
            "Argument 'counts' must be a non-empty 1-D array of non-negative ints with a positive "
            f"sum. Got {counts!r} instead."
        )
    cl = [int(v) for v in c]
    total = sum(cl)
    k = n_samples
    if not _is_int(k) or not 0 <= k <= total:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of largest_remainder_quotas must be an int in the range "
            f"[0, {total}]. Got {k!r} instead."
        )
    k = int(k)
    base = [k * v // total for v in cl]
    rem = [k * v % total for v in cl]
    extra = k - sum(base)
    order = sorted(range(len(cl)), key=lambda i: (-rem[i], -cl[i], i))
    for i in order[:extra]:
        base[i] += 1
    return np.asarray(base, dtype=np.int64)


def _label_codes(labels, n, caller):
    arr = to_numpy(labels)
    if arr.ndim != 1:
        raise InvalidParameterError(
            f"Argument 'labels' of {caller} must be a 1-D array (one class label per example), "
            f"got an array of shape {arr.shape}."
        )
    if arr.shape[0] != n:
        raise InvalidParameterError(
            f"Argument 'labels' of {caller} must have length n_items = {n} (one label per "
            "example), "
            f"got length {arr.shape[0]}."
        )
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        raise InvalidParameterError(f"Argument 'labels' of {caller} contains NaN or inf.")
    if arr.dtype == object:
        raise InvalidParameterError(
            f"Argument 'labels' of {caller} must be an array of ints, floats or strings, got "
            "dtype object."
        )
    classes, codes = np.unique(arr, return_inverse=True)
    return classes, np.ascontiguousarray(codes.reshape(-1), dtype=np.int64)


def _rs2_round_numpy(
    base, sizes, seeds, members, member_ptr, identity, grp_ptr, grp_off, grp_out, out
):
    """Vectorised counterpart of the kernel ``rs2_round`` (used when numba JIT is disabled)."""
    for c in range(sizes.shape[0]):
        lo, hi = int(grp_ptr[c]), int(grp_ptr[c + 1])
        if hi <= lo:
            continue
        n = int(sizes[c])
        g = int(base[c]) + grp_off[lo:hi]
        passes = g // n
        for p in np.unique(passes).tolist():
            sel = passes == p
            vals = feistel_take_xp(g[sel] - p * n, n, pass_key_py(int(seeds[c]), p))
            if not identity:
                vals = members[member_ptr[c] + vals]
            out[grp_out[lo:hi][sel]] = vals


class RS2Schedule:
    """RS2 round schedule: which examples each rank trains on in each round (framework-free).

    Round ``t`` is a subset of ``k = round(ratio * n_items)`` distinct examples. Without replacement
    (default) consecutive rounds walk through a fresh keyed permutation per pass, so every pass of
    ``ceil(n_items / k)`` rounds uses every example once; with replacement each round is an
    independent uniform ``k``-subset. Rank ``rank`` of ``num_replicas`` gets the round's slots
    ``rank, rank + num_replicas, ...`` (about ``k / num_replicas`` indices) at O(k / num_replicas)
    cost, with no communication. The whole state is ``(seed, round)``.

    Parameters
    ----------
    n_items : int
        Dataset size: the schedule indexes ``0 .. n_items - 1``.
    ratio : float
        Fraction of the data per round, in ``(0, 1]``.
    replacement : bool, default False
        ``False``: without replacement across rounds (cycle through passes). ``True``: each round
        an independent uniform subset (coverage after ``X`` rounds ``1 - (1 - r)^X``).
    labels : array-like of length n_items, optional
        Class labels for stratified rounds: class ``c`` contributes its largest-remainder quota
        ``q_c`` (``sum q_c = k``) every round, cycling through its own members without replacement.
    rng : None, int, numpy.random.Generator or torch.Generator, default None
        The key (SPEC 7). An int in ``[0, 2**64)`` is the key itself, so the same int gives the
        same rounds in every process. ``None`` draws a fresh key once, a Generator one draw of
        its stream; the key is :attr:`seed` and is saved by :meth:`state_dict`, and
        :meth:`load_state_dict` adopts the saved key, so a resumed run continues the same stream.
        **With** ``num_replicas > 1`` **an int is required**: every rank must use the same one
        (from a Generator ``g`` seeded alike on every rank: ``rng=int(g.integers(2**63))``).
    num_replicas : int, default 1
        Number of ranks (data-parallel workers).
    rank : int, default 0
        This rank, in ``[0, num_replicas)``.
    even_shards : bool, default False
        Pad every rank's share to ``ceil(k / num_replicas)`` by repeating the round's first slots
        (as torch's ``DistributedSampler`` does), so that ranks run the same number of batches
        (required by DDP when ``num_replicas`` does not divide ``k``). Without it shards are exact
        and disjoint, of sizes differing by at most one.

    Attributes
    ----------
    n_items : int
        Dataset size.
    seed : int
        The key, in ``[0, 2**64)`` (``rng`` when it was an int).
    round_size : int
        ``k``, the size of a round over all ranks.
    shard_size : int
        Number of indices this rank gets per round.
    round : int
        Next round yielded by iteration (part of the state).
    classes : numpy.ndarray or None
        Sorted distinct labels (stratified) or ``None``.
    quotas : numpy.ndarray or None
        Per-round quota of each class in ``classes``.

    Notes
    -----
    Memory: O(k / num_replicas) for this rank's slot layout, plus the ``8 n_items`` bytes of the
    class member lists when stratified; no O(n_items) permutation is stored. Without replacement,
    RS2 is SGD with random reshuffling over the full data compressed into the chosen number of
    steps.

    Cost: a round is O(k / num_replicas) (one Feistel evaluation per index). The round that
    straddles a pass boundary, and the one after it, also need the new pass's corrected head
    (O(k), once per pass, cached). For ``ratio > 1/2`` a pass's tail can reach into its own head,
    so a head may need the previous pass's head: random access to a late round in a fresh object
    then replays the heads back to the last pass boundary that does not need one (a few passes
    unless ``k`` is within a few examples of ``n_items``).

    The indices are computed on the CPU (numba, or numpy when ``NUMBA_DISABLE_JIT=1``, bitwise the
    same) and do not depend on any device.

    See Also
    --------
    RS2Sampler : The same rounds as a torch Sampler.
    rs2_total_steps : Iterations of a number of rounds.
    static_subset : The static baseline (round 0, kept).

    Examples
    --------
    >>> from samplingstats.subsample import RS2Schedule
    >>> sched = RS2Schedule(10, 0.3, rng=1)
    >>> sched.round_size
    3
    >>> rounds = [sched.indices(t) for t in range(4)]
    >>> sorted(np.concatenate(rounds[:3]).tolist())     # 3 rounds of 3: 9 distinct examples
    [0, 1, 2, 3, 5, 6, 7, 8, 9]
    >>> len(set(rounds[3].tolist()))                    # round 3 straddles two passes
    3
    >>> shards = [RS2Schedule(10, 0.3, rng=1, num_replicas=2, rank=j).indices(0) for j in (0, 1)]
    >>> sorted(np.concatenate(shards).tolist()) == sorted(rounds[0].tolist())
    True
    """

    def __init__(
        self,
        n_items: int,
        ratio: float,
        *,
        replacement: bool = False,
        labels: ArrayLike | None = None,
        rng: Any = None,
        num_replicas: int = 1,
        rank: int = 0,
        even_shards: bool = False,
    ) -> None:
        self._setup(
            n_items,
            ratio,
            replacement=replacement,
            labels=labels,
            rng=rng,
            num_replicas=num_replicas,
            rank=rank,
            even_shards=even_shards,
            caller=type(self).__name__,
        )

    @classmethod
    def _create(cls, *args, caller, **kwargs):
        """Build a schedule whose error messages name ``caller`` (e.g. ``"RS2Sampler"``)."""
        self = cls.__new__(cls)
        self._setup(*args, caller=caller, **kwargs)
        return self

    def _setup(
        self, n_items, ratio, *, replacement, labels, rng, num_replicas, rank, even_shards, caller
    ):
        self.n_items = _check_n(n_items, caller)
        self.ratio = _check_ratio(ratio, caller)
        if not isinstance(replacement, (bool, np.bool_)):
            raise InvalidParameterError(
                f"The 'replacement' parameter of {caller} must be a bool. Got {replacement!r} "
                "instead."
            )
        if not isinstance(even_shards, (bool, np.bool_)):
            raise InvalidParameterError(
                f"The 'even_shards' parameter of {caller} must be a bool. Got {even_shards!r} "
                "instead."
            )
        self.replacement = bool(replacement)
        self.even_shards = bool(even_shards)
        if not _is_int(num_replicas) or num_replicas < 1:
            raise InvalidParameterError(
                f"The 'num_replicas' parameter of {caller} must be an int in the range [1, inf). "
                f"Got {num_replicas!r} instead."
            )
        self.num_replicas = int(num_replicas)
        self.seed, self._seed_given = _resolve_rng(rng, caller, num_replicas=self.num_replicas)
        if not _is_int(rank) or not 0 <= rank < self.num_replicas:
            raise InvalidParameterError(
                f"The 'rank' parameter of {caller} must be an int in the range "
                f"[0, num_replicas - 1] = [0, {self.num_replicas - 1}]. Got {rank!r} instead."
            )
        self.rank = int(rank)
        n = self.n_items
        k = math.floor(self.ratio * n + 0.5)
        k = min(n, k)
        if k < 1:
            raise InvalidParameterError(
                f"The 'ratio' parameter of {caller} gives an empty round: ratio * n_items = "
                f"{self.ratio} * {n} = {self.ratio * n:.3g} rounds to 0 examples. "
                f"Use ratio >= {0.5 / n:.3g}."
            )
        self.round_size = int(k)
        if self.num_replicas > self.round_size:
            raise InvalidParameterError(
                f"The round size k = {self.round_size} is smaller than num_replicas = "
                f"{self.num_replicas}: some ranks would get no example. Increase ratio or use "
                "fewer ranks."
            )
        self._codes = None
        self._label_hash = None
        if labels is None:
            self.classes = None
            self.quotas = None
            self._sizes = np.array([n], dtype=np.int64)
            self._quotas = np.array([self.round_size], dtype=np.int64)
            self._members = np.empty(0, dtype=np.int64)
            self._member_ptr = np.array([0, n], dtype=np.int64)
            self._identity = True
        else:
            classes, codes = _label_codes(labels, n, caller)
            counts = np.bincount(codes, minlength=classes.shape[0]).astype(np.int64)
            quotas = largest_remainder_quotas(counts, self.round_size)
            zero = np.flatnonzero(quotas == 0)
            if zero.size:
                c = int(zero[0])
                share = self.round_size * int(counts[c]) / n
                raise InvalidParameterError(
                    f"Class {classes[c].item()!r} has only {int(counts[c])} example(s), too few for a "
                    f"per-round quota: its share of a round, k * n_c / n_items = {share:.3g}, "
                    "rounds to "
                    f"0 ({zero.size} class(es) in this case), so it would never be sampled. "
                    "Increase ratio, merge rare classes, or pass labels=None."
                )
            self._codes = codes
            self.classes = classes
            self.quotas = quotas
            self._sizes = counts
            self._quotas = quotas
            self._members = np.argsort(codes, kind="stable").astype(np.int64)
            self._member_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            self._identity = False
        self._set_seed(self.seed)
        self.round = 0
        self._heads = collections.OrderedDict()
        self._max_heads = 8 + 2 * self._sizes.shape[0]
        self._layouts = {}
        self.shard_size = self._layout(0, self.rank, self.num_replicas, self.even_shards)[3]

    def _set_seed(self, seed):
        """Key every stream from ``seed`` (and drop the heads computed with another key)."""
        self.seed = int(seed)
        if self._identity:
            self._seeds = np.array([_signed64(self.seed)], dtype=np.int64)
        else:
            self._seeds = np.array(
                [
                    _signed64(
                        np.random.SeedSequence(self.seed, spawn_key=(c,)).generate_state(
                            1, np.uint64
                        )[0]
                    )
                    for c in range(self._sizes.shape[0])
                ],
                dtype=np.int64,
            )
        if hasattr(self, "_heads"):
            self._heads.clear()

    # ------------------------------------------------------------------------------------------
    @property
    def num_classes(self) -> int:
        """Number of classes (1 when not stratified)."""
        return int(self._sizes.shape[0])

    @property
    def stratified(self) -> bool:
        """True when built with ``labels``."""
        return self.classes is not None

    def __repr__(self) -> str:
        strat = f", labels=<{self.num_classes} classes>" if self.stratified else ""
        return (
            f"RS2Schedule(n_items={self.n_items}, ratio={self.ratio}, "
            f"replacement={self.replacement}{strat}, rng={self.seed}, num_replicas={self.num_replicas}, rank={self.rank})"
        )

    def rounds_per_pass(self) -> float:
        """``n_items / k``: rounds in one pass over the data (without replacement).

        Returns
        -------
        float
            ``n_items / round_size``.
        """
        return self.n_items / self.round_size

    # ------------------------------------------------------------------------------------------
    # slot layout of a rank
    def _pattern(self):
        """Class and within-class offset of each of the k slots (smooth interleave)."""
        q = self._quotas
        cls = np.repeat(np.arange(q.shape[0], dtype=np.int64), q)
        starts = np.concatenate([[0], np.cumsum(q)[:-1]])
        off = np.arange(self.round_size, dtype=np.int64) - np.repeat(starts, q)
        when = (off + 0.5) / q[cls]
        order = np.lexsort((cls, when))
        return cls[order], off[order]

    def _layout(self, offset, rank, world, pad):
        key = (offset, rank, world, pad)
        lay = self._layouts.get(key)
        if lay is not None:
            return lay
        k = self.round_size
        if pad:
            length = -(-(k - offset) // world)
            slots = offset + (rank + world * np.arange(length, dtype=np.int64)) % (k - offset)
        else:
            slots = np.arange(offset + rank, k, world, dtype=np.int64)
            length = slots.shape[0]
        if self._identity:
            grp_ptr = np.array([0, length], dtype=np.int64)
            grp_off = slots
            grp_out = np.arange(length, dtype=np.int64)
        else:
            pcls, poff = self._pattern()
            cls = pcls[slots]
            order = np.argsort(cls, kind="stable").astype(np.int64)
            grp_off = np.ascontiguousarray(poff[slots][order])
            grp_out = order
            counts = np.bincount(cls, minlength=self.num_classes)
            grp_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        lay = (grp_ptr, grp_off, grp_out, int(length))
        if len(self._layouts) > 8:
            self._layouts.clear()
        self._layouts[key] = lay
        return lay

    # ------------------------------------------------------------------------------------------
    # permutation streams and pass heads
    def _perm_range(self, c, p, lo, hi):
        """Positions ``[lo, hi)`` of the plain keyed permutation of stream ``c``, pass ``p``."""
        if jit_disabled():
            pos = np.arange(lo, max(lo, hi), dtype=np.int64)
            return feistel_take_xp(pos, int(self._sizes[c]), pass_key_py(int(self._seeds[c]), p))
        key = pass_key(np.int64(self._seeds[c]), np.int64(p))
        return feistel_take_range(
            np.int64(lo), np.int64(1), np.int64(max(0, hi - lo)), np.int64(self._sizes[c]), key
        )

    def _sigma_range(self, c, p, lo, hi):
        """Positions ``[lo, hi)`` of pass ``p`` of stream ``c`` (head-corrected permutation)."""
        q = int(self._quotas[c])
        head = self._head(c, p) if (p >= 1 and lo < q) else np.empty(0, dtype=np.int64)
        m = head.shape[0]
        if lo >= m:
            return self._perm_range(c, p, lo, hi)
        return np.concatenate([head[lo : min(hi, m)], self._perm_range(c, p, max(lo, m), hi)])

    def _head(self, c, p):
        """Reordered first positions of pass ``p >= 1`` of stream ``c`` (empty if none)."""
        got = self._heads.get((c, p))
        if got is not None:
            self._heads.move_to_end((c, p))
            return got
        n, q = int(self._sizes[c]), int(self._quotas[c])
        chain = [p]
        cur = p
        while True:
            a = (cur * n) % q
            if a == 0 or cur - 1 < 1 or n - a >= q or (c, cur - 1) in self._heads:
                break
            cur -= 1
            chain.append(cur)
        for pp in reversed(chain):
            head = self._compute_head(c, pp)
            self._heads[(c, pp)] = head
            while len(self._heads) > self._max_heads:
                self._heads.popitem(last=False)
        return self._heads[(c, p)]

    def _compute_head(self, c, p):
        n, q = int(self._sizes[c]), int(self._quotas[c])
        a = (p * n) % q  # elements the straddling round takes from the end of pass p - 1
        if a == 0:
            return np.empty(0, dtype=np.int64)
        b = q - a
        tail = np.sort(self._sigma_range(c, p - 1, n - a, n))
        m0 = min(n, b + 2 * (-(-b * a // n)) + 16)
        while True:
            vals = self._perm_range(c, p, 0, m0)
            pos = np.searchsorted(tail, vals)
            pos[pos == tail.shape[0]] = 0
            in_tail = tail[pos] == vals
            fresh = np.flatnonzero(~in_tail)
            if fresh.shape[0] >= b:
                m = int(fresh[b - 1]) + 1
                v, t = vals[:m], in_tail[:m]
                return np.concatenate([v[~t], v[t]])
            m0 = min(n, 2 * m0)

    def _patch_heads(self, t, base, lay, out):
        n, q = self._sizes, self._quotas
        tq = t * q
        p0 = tq // n
        p1 = (tq + q - 1) // n
        s0 = tq - p0 * n
        cand0 = (p0 >= 1) & (s0 < q) & ((p0 * n) % q != 0)
        cand1 = (p1 != p0) & (p1 >= 1) & ((p1 * n) % q != 0)
        grp_ptr, grp_off, grp_out, _ = lay
        for c in np.flatnonzero(cand0 | cand1).tolist():
            lo, hi = int(grp_ptr[c]), int(grp_ptr[c + 1])
            if hi == lo:
                continue
            nc = int(n[c])
            g = int(base[c]) + grp_off[lo:hi]
            pp = g // nc
            x = g - pp * nc
            for p, ok in ((int(p0[c]), cand0[c]), (int(p1[c]), cand1[c])):
                if not ok:
                    continue
                head = self._head(c, p)
                mask = (pp == p) & (x < head.shape[0])
                if not mask.any():
                    continue
                vals = head[x[mask]]
                if not self._identity:
                    vals = self._members[self._member_ptr[c] + vals]
                out[grp_out[lo:hi][mask]] = vals

    def _shard(self, t, offset=0, rank=None, world=None, pad=None):
        rank = self.rank if rank is None else rank
        world = self.num_replicas if world is None else world
        pad = self.even_shards if pad is None else pad
        lay = self._layout(offset, rank, world, pad)
        if self.replacement:
            base = t * self._sizes
        else:
            base = t * self._quotas
        out = np.empty(lay[3], dtype=np.int64)
        kernel = _rs2_round_numpy if jit_disabled() else rs2_round
        kernel(
            base,
            self._sizes,
            self._seeds,
            self._members,
            self._member_ptr,
            self._identity,
            lay[0],
            lay[1],
            lay[2],
            out,
        )
        if not self.replacement:
            self._patch_heads(t, base, lay, out)
        return out

    @property
    def max_round(self) -> int:
        """The last round that can be indexed: stream positions stay below ``2**62``.

        Round ``t`` covers the stream positions ``[t m, (t + 1) m)`` of each class, ``m`` its
        quota (its size with replacement), so ``max_round = 2**62 // max(m) - 1``; at the
        default sizes this is astronomically far away.
        """
        per_round = self._sizes if self.replacement else self._quotas
        return (1 << 62) // max(int(per_round.max()), 1) - 1

    def _check_round(self, t, method):
        top = self.max_round
        if not _is_int(t) or not 0 <= t <= top:
            raise InvalidParameterError(
                f"The 'round' parameter of {type(self).__name__}.{method} must be an int in the "
                f"range [0, {top}] (max_round: the stream positions t * k must stay below 2**62). "
                f"Got {t!r} instead."
            )
        return int(t)

    # ------------------------------------------------------------------------------------------
    def indices(self, round: int) -> NDArray[np.int64]:
        """This rank's indices of round ``round`` (int64, in training order).

        Parameters
        ----------
        round : int
            Round number ``t >= 0`` (random access: O(k / num_replicas), plus a one-off O(k) head
            near each pass boundary).

        Returns
        -------
        numpy.ndarray of int64, shape (shard_size,)
        """
        t = self._check_round(round, "indices")
        return self._shard(t)

    def round_indices(self, round: int) -> NDArray[np.int64]:
        """All ranks' indices of round ``round``, in slot order (``k`` distinct ints).

        Rank ``j``'s :meth:`indices` is ``round_indices(round)[j::num_replicas]`` (without
        ``even_shards``).

        Parameters
        ----------
        round : int
            Round number ``t >= 0``.

        Returns
        -------
        numpy.ndarray of int64, shape (round_size,)
            The round's indices over all ranks.
        """
        t = self._check_round(round, "round_indices")
        return self._shard(t, 0, 0, 1, False)

    def __iter__(self):
        """Yield this rank's indices round after round from :attr:`round` (endless)."""
        while True:
            t = self.round
            idx = self._shard(t)
            self.round = t + 1
            yield idx

    # ------------------------------------------------------------------------------------------
    def _config(self) -> dict:
        if self._label_hash is None:
            if self._codes is None:
                self._label_hash = ""
            else:
                h = hashlib.sha256(self._codes.tobytes())
                self._label_hash = h.hexdigest()[:32]
        return {
            "format": _FORMAT,
            "n": self.n_items,
            "ratio": self.ratio,
            "round_size": self.round_size,
            "replacement": self.replacement,
            "seed": self.seed,
            "stratified": self.stratified,
            "num_classes": self.num_classes,
            "label_hash": self._label_hash,
            "even_shards": self.even_shards,
        }

    def state_dict(self) -> dict[str, Any]:
        """The configuration and the next round (plain Python values, JSON/pickle friendly).

        Returns
        -------
        dict
            The configuration and the next round (``format``, ``n``, ``ratio``, ``seed``, ..., ``round``).

        Examples
        --------
        >>> from samplingstats.subsample import RS2Schedule
        >>> s = RS2Schedule(100, 0.1, rng=3)
        >>> _ = next(iter(s))
        >>> st = s.state_dict()
        >>> st["round"], st["round_size"]
        (1, 10)
        """
        return {
            **self._config(),
            "num_replicas": self.num_replicas,
            "rank": self.rank,
            "round": self.round,
        }

    def _check_state(self, state, kind):
        if not isinstance(state, dict):
            raise InvalidParameterError(
                f"The 'state' parameter of {kind}.load_state_dict must be the dict returned by "
                f"state_dict(). Got {type(state).__name__} instead."
            )
        if state.get("format") != _FORMAT:
            raise InvalidParameterError(
                f"{kind}.load_state_dict: not an RS2 state (format {state.get('format')!r}, "
                f"expected {_FORMAT!r})."
            )
        mine = self._config()
        missing = [key for key in _CONFIG_KEYS if key not in state]
        if missing:
            raise InvalidParameterError(
                f"{kind}.load_state_dict: the state lacks {missing}; it was not produced by "
                "state_dict()."
            )
        diff = [key for key in _CONFIG_KEYS if state[key] != mine[key]]
        if "seed" in diff and not self._seed_given:
            key = state["seed"]  # a drawn key: the state's key is adopted, if it is one
            if not _is_int(key) or not 0 <= key < (1 << 64):
                raise InvalidParameterError(
                    f"{kind}.load_state_dict: the state's seed must be an int in the range "
                    f"[0, 2**64), got {key!r}. Refusing to resume from a corrupted state."
                )
            diff.remove("seed")
        if diff:
            what = "; ".join(
                f"{key} is {state[key]!r} in the state but {mine[key]!r} here" for key in diff
            )
            raise InvalidParameterError(
                f"{kind}.load_state_dict: the state comes from a different configuration "
                f"({what}). Refusing to resume: the index stream would differ."
            )
        t = state.get("round")
        if not _is_int(t) or not 0 <= t <= self.max_round:
            raise InvalidParameterError(
                f"{kind}.load_state_dict: the state's round must be an int in the range "
                f"[0, {self.max_round}] (max_round), got {t!r}. Refusing to resume from a "
                "corrupted state."
            )
        return int(t)

    def _adopt_seed(self, state):
        """Take the state's key (after :meth:`_check_state` accepted the state)."""
        if int(state["seed"]) != self.seed:
            self._set_seed(int(state["seed"]))

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :attr:`round` from :meth:`state_dict`, refusing another configuration.

        The number of ranks may differ (rounds are global); ``n_items``, ``ratio``,
        ``replacement``, the labels and ``even_shards`` must match, and so must the key when
        ``rng`` was given as an int. A schedule built with ``rng=None`` (or a Generator) adopts the
        key saved in the state, so a restarted process resumes the same stream.

        Parameters
        ----------
        state : dict
            What :meth:`state_dict` returned (possibly in another process).

        Examples
        --------
        >>> from samplingstats.subsample import RS2Schedule
        >>> a = RS2Schedule(100, 0.1)                 # rng=None: a fresh key, saved in the state
        >>> _ = next(iter(a))
        >>> b = RS2Schedule(100, 0.1)                 # another fresh key ...
        >>> b.load_state_dict(a.state_dict())         # ... replaced by the saved one
        >>> bool((next(iter(b)) == next(iter(a))).all())
        True
        """
        self.round = self._check_state(state, type(self).__name__)
        self._adopt_seed(state)
