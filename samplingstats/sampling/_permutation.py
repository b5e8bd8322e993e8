"""Stateless keyed pseudo-random permutations of [0, n_items) (Feistel network + cycle-walking)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._backend import import_torch, is_torch
from .._exceptions import InvalidParameterError
from .._kernels._jit import jit_disabled
from .._kernels._permutation import (
    ROUNDS,
    feistel_index,
    feistel_take,
    feistel_take_range,
    feistel_take_xp,
    half_bits_py,
    pass_key_py,
)
from .._rng import as_seed
from .._validation import check_size

__all__ = ["KeyedPermutation"]

_MAX_N = 1 << 62


def _is_int(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


class KeyedPermutation:
    """A keyed pseudo-random permutation of ``[0, n_items)`` evaluated pointwise in O(1) memory.

    ``perm.take(positions, pass_index=p)`` returns the elements at the given positions of pass
    ``p``'s permutation without materialising it: each element is a balanced Feistel network
    (:data:`~samplingstats._kernels._permutation.ROUNDS` rounds, a splitmix64-style round function)
    on the smallest ``2h``-bit domain ``>= n_items`` (less than ``4 n_items``), restricted to
    ``[0, n_items)`` by cycle-walking (expected fewer than 4 re-encryptions). Every pass has its
    own key derived from
    ``(seed, pass_index)`` (``seed``: the int key taken from ``rng``), so epochs of a data
    pipeline, or shards of one epoch (:meth:`take_range` with ``step = world_size``), need no
    shared state and no O(n_items) buffer.

    Parameters
    ----------
    n_items : int
        Size of the permuted range, ``1 <= n_items <= 2**62``.
    rng : None, int, numpy.random.Generator or torch.Generator, keyword-only
        The key. An int in ``[0, 2**64)`` is the key itself (the same int always gives the same
        permutations); ``None`` draws fresh entropy, a Generator (numpy or torch) one draw of its
        stream (see :attr:`seed`).

    Attributes
    ----------
    n_items : int
    seed : int
        The key as an int in ``[0, 2**64)``; ``KeyedPermutation(n_items, rng=perm.seed)``
        reproduces ``perm``.

    Notes
    -----
    The permutation is pseudo-random, not uniformly distributed over all ``n!`` permutations; its
    low-order statistics (membership of a window of positions, pair co-occurrence, position of an
    element over seeds) match a uniform permutation, as the test suite checks. It is not a
    cryptographic cipher. Numpy input runs a numba kernel; torch input (any device) runs a
    vectorised torch version written with the same signed int64 wrap-around arithmetic, so both
    return **bit-identical** values on every device.

    See Also
    --------
    samplingstats.subsample.RS2Schedule : RS2 rounds walk through these permutations.

    Examples
    --------
    >>> from samplingstats.sampling import KeyedPermutation
    >>> perm = KeyedPermutation(10, rng=42)
    >>> p = perm.permutation()
    >>> sorted(p.tolist()) == list(range(10))
    True
    >>> bool((perm.take(np.array([0, 5, 9])) == p[[0, 5, 9]]).all())
    True
    >>> bool((perm.take_range(1, 10, 3) == p[1:10:3]).all())
    True
    >>> perm[0] == int(p[0]), len(perm)
    (True, 10)
    >>> bool((perm.permutation(pass_index=1) != p).any())
    True
    """

    def __init__(self, n_items: int, *, rng: Any = None) -> None:
        if not _is_int(n_items) or not 1 <= n_items <= _MAX_N:
            raise InvalidParameterError(
                "The 'n_items' parameter of KeyedPermutation must be an int in the range "
                f"[1, 2**62]. Got {n_items!r} instead."
            )
        bad = InvalidParameterError(
            "The 'rng' parameter of KeyedPermutation must be None, an int in the range "
            f"[0, 2**64), a numpy.random.Generator or a torch.Generator. Got {rng!r} instead."
        )
        if _is_int(rng):
            if not 0 <= rng < (1 << 64):
                raise bad
            seed = int(rng)
        else:
            try:
                seed = as_seed(rng)
            except InvalidParameterError:
                raise bad from None
        self.n_items = int(n_items)
        self.seed = int(seed)
        self._seed64 = self.seed - (1 << 64) if self.seed >> 63 else self.seed
        self.half_bits = half_bits_py(self.n_items)
        self.rounds = ROUNDS

    # ------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.n_items

    def __repr__(self) -> str:
        return f"KeyedPermutation(n_items={self.n_items}, rng={self.seed})"

    def __eq__(self, other):
        if not isinstance(other, KeyedPermutation):
            return NotImplemented
        return self.n_items == other.n_items and self.seed == other.seed

    def __hash__(self):
        return hash((KeyedPermutation, self.n_items, self.seed))

    def key(self, pass_index: int = 0) -> int:
        """The signed 64-bit Feistel key of pass ``pass_index`` (the ``key`` of the kernels).

        Parameters
        ----------
        pass_index : int, default 0
            Which pass (epoch).

        Returns
        -------
        int
            The Feistel key of that pass.
        """
        return pass_key_py(self._seed64, self._check_pass(pass_index, "key"))

    def _check_pass(self, pass_index, method: str) -> int:
        if not _is_int(pass_index) or not 0 <= pass_index < (1 << 62):
            raise InvalidParameterError(
                f"The 'pass_index' parameter of KeyedPermutation.{method} must be an int in the "
                f"range [0, 2**62). Got {pass_index!r} instead."
            )
        return int(pass_index)

    def _range_error(self, name, method, value):
        what = "positions" if name == "positions" else "elements"
        return InvalidParameterError(
            f"The {name!r} parameter of KeyedPermutation.{method} must contain {what} in "
            f"[0, n_items) = [0, {self.n_items}). Got {value!r} instead."
        )

    # ------------------------------------------------------------------------------------------
    def take(self, positions: Any, pass_index: int = 0) -> Any:
        """Elements at global ``positions`` of pass ``pass_index``'s permutation.

        Parameters
        ----------
        positions : array-like of ints or torch.Tensor (integer dtype), any shape
            Positions in ``[0, n_items)``.
        pass_index : int, default 0
            Which pass (epoch) of the keyed permutation family.

        Returns
        -------
        numpy.ndarray or torch.Tensor of int64, same shape as ``positions``
            Torch input gives a tensor on the same device with the same values as numpy.

        Examples
        --------
        >>> from samplingstats.sampling import KeyedPermutation
        >>> perm = KeyedPermutation(1000, rng=7)
        >>> x = perm.take(np.arange(5), pass_index=3)
        >>> x.shape, bool(np.all((0 <= x) & (x < 1000)))
        ((5,), True)
        """
        return self._apply(positions, pass_index, "take", "positions", inverse=False)

    def index(self, elements: Any, pass_index: int = 0) -> Any:
        """Positions of ``elements`` in pass ``pass_index``'s permutation (the inverse of
        :meth:`take`).

        Runs the Feistel network backwards (and cycle-walks backwards), so it costs the same as
        :meth:`take`: ``perm.take(perm.index(e, p), p) == e``.

        Parameters
        ----------
        elements : array-like of ints or torch.Tensor (integer dtype), any shape
            Elements of ``[0, n_items)``.
        pass_index : int, default 0
            Which pass (epoch).

        Returns
        -------
        numpy.ndarray or torch.Tensor of int64, same shape as ``elements``

        Examples
        --------
        >>> from samplingstats.sampling import KeyedPermutation
        >>> perm = KeyedPermutation(1000, rng=7)
        >>> pos = perm.index([3, 14, 159], pass_index=2)
        >>> perm.take(pos, pass_index=2).tolist()
        [3, 14, 159]
        """
        return self._apply(elements, pass_index, "index", "elements", inverse=True)

    def _apply(self, values, pass_index, method, argname, *, inverse):
        key = self.key(self._check_pass(pass_index, method))
        if is_torch(values):
            torch = import_torch()
            if values.dtype == torch.bool or values.is_floating_point() or values.is_complex():
                raise InvalidParameterError(
                    f"The {argname!r} parameter of KeyedPermutation.{method} must be an integer "
                    f"tensor. Got dtype {values.dtype} instead."
                )
            pos = values.to(torch.int64)
            if pos.numel():
                lo, hi = int(pos.min()), int(pos.max())
                if lo < 0 or hi >= self.n_items:
                    raise self._range_error(argname, method, lo if lo < 0 else hi)
            from ._torch import feistel_take_torch

            out = feistel_take_torch(pos.reshape(-1), self.n_items, key, inverse=inverse)
            return out.reshape(pos.shape)
        arr = np.asarray(values)
        if arr.dtype.kind not in "iu":
            if arr.dtype.kind == "O" or arr.size == 0:
                try:
                    arr = arr.astype(np.int64)
                except (TypeError, ValueError, OverflowError):
                    pass
            if arr.dtype.kind not in "iu":
                raise InvalidParameterError(
                    f"The {argname!r} parameter of KeyedPermutation.{method} must be an array of "
                    f"integers. Got an array of dtype {arr.dtype} instead."
                )
        if arr.size:
            lo, hi = int(arr.min()), int(arr.max())
            if lo < 0 or hi >= self.n_items:
                raise self._range_error(argname, method, lo if lo < 0 else hi)
        flat = np.ascontiguousarray(arr.reshape(-1), dtype=np.int64)
        if jit_disabled():
            out = feistel_take_xp(flat.copy(), self.n_items, key, inverse=inverse)
        elif inverse:
            out = feistel_index(flat, np.int64(self.n_items), np.int64(key))
        else:
            out = feistel_take(flat, np.int64(self.n_items), np.int64(key))
        return out.reshape(arr.shape)

    def take_range(
        self, start: int, stop: int, step: int = 1, pass_index: int = 0, *, device: Any = None
    ) -> Any:
        """Elements at the positions of ``range(start, stop, step)`` of pass ``pass_index``.

        The sharding primitive: rank ``r`` of ``w`` workers takes ``take_range(r, n_items, w)``; a batch
        of an epoch is ``take_range(b * B, (b + 1) * B)``. No positions array is allocated.

        Parameters
        ----------
        start, stop : int
            ``0 <= start`` and ``stop <= n_items`` (an empty range when ``start >= stop``).
        step : int, default 1
            Positive stride.
        pass_index : int, default 0
            Which pass (epoch).
        device : str or torch.device, optional
            Return a torch tensor on this device (same values as the numpy result).

        Returns
        -------
        numpy.ndarray or torch.Tensor of int64

        Examples
        --------
        >>> from samplingstats.sampling import KeyedPermutation
        >>> perm = KeyedPermutation(12, rng=1)
        >>> shards = [perm.take_range(r, 12, 3) for r in range(3)]
        >>> sorted(np.concatenate(shards).tolist()) == list(range(12))
        True
        """
        for name, v in (("start", start), ("stop", stop)):
            if not _is_int(v) or not 0 <= v <= self.n_items:
                raise InvalidParameterError(
                    f"The {name!r} parameter of KeyedPermutation.take_range must be an int in the "
                    f"range [0, n_items] = [0, {self.n_items}]. Got {v!r} instead."
                )
        if not _is_int(step) or step < 1:
            raise InvalidParameterError(
                "The 'step' parameter of KeyedPermutation.take_range must be an int in the range "
                f"[1, inf). Got {step!r} instead."
            )
        key = self.key(self._check_pass(pass_index, "take_range"))
        start, stop, step = int(start), int(stop), int(step)
        count = max(0, -(-(stop - start) // step))
        check_size(
            count,
            "stop",
            low=0,
            bytes_per_item=8,
            caller="KeyedPermutation.take_range",
            what="positions (stop - start) / step",
        )
        if device is not None:
            from .._backend import resolve_device
            from ._torch import feistel_take_torch

            torch = import_torch()
            dev = resolve_device(device)
            pos = torch.arange(start, start + count * step, step, dtype=torch.int64, device=dev)
            return feistel_take_torch(pos, self.n_items, key)
        if jit_disabled():
            pos = np.arange(start, start + count * step, step, dtype=np.int64)
            return feistel_take_xp(pos, self.n_items, key)
        return feistel_take_range(
            np.int64(start), np.int64(step), np.int64(count), np.int64(self.n_items), np.int64(key)
        )

    def permutation(self, pass_index: int = 0, *, device: Any = None) -> Any:
        """The whole permutation of pass ``pass_index`` as an array (O(n_items) time and memory).

        Parameters
        ----------
        pass_index : int, default 0
            Which pass (epoch).
        device : str or torch.device, optional
            Return a torch tensor on this device.

        Returns
        -------
        numpy.ndarray or torch.Tensor of int64, shape (n_items,)
            The permutation of pass ``pass_index``.

        Examples
        --------
        >>> from samplingstats.sampling import KeyedPermutation
        >>> sorted(KeyedPermutation(5, rng=3).permutation(2).tolist())
        [0, 1, 2, 3, 4]
        """
        self._check_pass(pass_index, "permutation")
        check_size(
            self.n_items,
            "n_items",
            bytes_per_item=8,
            caller="KeyedPermutation.permutation",
            what="elements (use take_range for a part)",
        )
        return self.take_range(0, self.n_items, 1, pass_index, device=device)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self.n_items)
            if step < 1:
                raise InvalidParameterError(
                    "KeyedPermutation supports slices with a positive step only. "
                    f"Got step {step!r}."
                )
            return self.take_range(start, max(start, stop), step)
        if not _is_int(index):
            raise InvalidParameterError(
                f"KeyedPermutation indices must be ints or slices. Got {index!r} instead."
            )
        i = int(index)
        if i < 0:
            i += self.n_items
        if not 0 <= i < self.n_items:
            raise IndexError(
                f"KeyedPermutation index {index} out of range for n_items={self.n_items}"
            )
        return int(self.take(np.array([i], dtype=np.int64))[0])

    def __iter__(self):
        chunk = 1 << 16
        for s in range(0, self.n_items, chunk):
            yield from self.take_range(s, min(self.n_items, s + chunk)).tolist()
