"""Numba kernels for a stateless keyed pseudo-random permutation of ``[0, n)``.

A balanced Feistel network on ``2h``-bit words, ``2^(2h)`` the smallest even power of two ``>= n``
(so the domain is ``< 4n``), with :data:`ROUNDS` rounds whose round function is the splitmix64
finaliser of ``(right half XOR round key)`` masked to ``h`` bits. Cycle-walking (re-encrypting while
the value is ``>= n``) restricts the bijection of ``[0, 2^(2h))`` to a bijection of ``[0, n)``.

Everything is written in **signed int64** arithmetic with wrap-around multiply / add / xor and
logical right shifts emulated by masking, ``(x >> s) & ((1 << (64 - s)) - 1)``. Torch has only signed
int64, and the torch counterpart (:mod:`samplingstats.sampling._torch`) uses exactly the same
formulation, so both give bit-identical permutations. :func:`mix64_py` and :func:`pass_key_py` are
the pure-Python (arbitrary precision, reduced mod 2^64) references.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = [
    "ROUNDS",
    "mix64",
    "pass_key",
    "feistel_take",
    "feistel_take_range",
    "feistel_index",
    "half_bits_for",
    "mix64_py",
    "pass_key_py",
    "round_keys_py",
]

#: Number of Feistel rounds.
ROUNDS = 8

# 64-bit constants as signed int64 (two's complement).
_M1 = -4658895280553007687  # 0xBF58476D1CE4E5B9
_M2 = -7723592293110705685  # 0x94D049BB133111EB
_GAMMA = -7046029254386353131  # 0x9E3779B97F4A7C15 (golden ratio)
_SEED_SALT = 0x5EED5A17C0FFEE01
_MASK34 = (1 << 34) - 1  # logical >> 30
_MASK37 = (1 << 37) - 1  # logical >> 27
_MASK33 = (1 << 33) - 1  # logical >> 31


@njit
def mix64(x):
    """splitmix64 finaliser on int64 with wrap-around (a bijection of 64-bit words)."""
    x = np.int64(x)
    x = x ^ ((x >> 30) & _MASK34)
    x = x * np.int64(_M1)
    x = x ^ ((x >> 27) & _MASK37)
    x = x * np.int64(_M2)
    x = x ^ ((x >> 31) & _MASK33)
    return x


@njit
def pass_key(seed, pass_index):
    """The 64-bit key of pass ``pass_index`` of the permutation with ``seed`` (both int64)."""
    a = mix64(np.int64(seed) ^ np.int64(_SEED_SALT))
    b = (np.int64(pass_index) + np.int64(1)) * np.int64(_GAMMA)
    return mix64(a + b)


@njit
def half_bits_for(n):
    """``h >= 1`` such that ``2^(2h)`` is the smallest even power of two ``>= n``."""
    h = 1
    while (np.int64(1) << (2 * h)) < n:
        h += 1
    return h


@njit
def _round_keys(key):
    keys = np.empty(ROUNDS, dtype=np.int64)
    for r in range(ROUNDS):
        keys[r] = mix64(np.int64(key) + np.int64(r + 1) * np.int64(_GAMMA))
    return keys


@njit
def _encrypt(x, h, hmask, keys):
    left = (x >> h) & hmask
    right = x & hmask
    for r in range(ROUNDS):
        f = mix64(right ^ keys[r]) & hmask
        t = left ^ f
        left = right
        right = t
    return (left << h) | right


@njit
def _permute_one(x, n, h, hmask, keys):
    y = _encrypt(x, h, hmask, keys)
    while y >= n:
        y = _encrypt(y, h, hmask, keys)
    return y


@njit
def _decrypt(y, h, hmask, keys):
    left = (y >> h) & hmask
    right = y & hmask
    for r in range(ROUNDS - 1, -1, -1):
        prev_right = left
        prev_left = right ^ (mix64(prev_right ^ keys[r]) & hmask)
        left = prev_left
        right = prev_right
    return (left << h) | right


@njit
def feistel_index(elements, n, key):
    """Inverse of :func:`feistel_take`: the position of each element (int64, ``0 <= e < n``)."""
    h = half_bits_for(n)
    hmask = (np.int64(1) << h) - np.int64(1)
    keys = _round_keys(key)
    m = elements.shape[0]
    out = np.empty(m, dtype=np.int64)
    for t in range(m):
        x = _decrypt(elements[t], h, hmask, keys)
        while x >= n:
            x = _decrypt(x, h, hmask, keys)
        out[t] = x
    return out


@njit
def feistel_take(positions, n, key):
    """Element at each position (int64, ``0 <= pos < n``) of the permutation keyed by ``key``."""
    h = half_bits_for(n)
    hmask = (np.int64(1) << h) - np.int64(1)
    keys = _round_keys(key)
    m = positions.shape[0]
    out = np.empty(m, dtype=np.int64)
    for t in range(m):
        out[t] = _permute_one(positions[t], n, h, hmask, keys)
    return out


@njit
def feistel_take_range(start, step, count, n, key):
    """Elements at positions ``start + j * step`` for ``j < count`` (no positions array)."""
    h = half_bits_for(n)
    hmask = (np.int64(1) << h) - np.int64(1)
    keys = _round_keys(key)
    out = np.empty(count, dtype=np.int64)
    pos = np.int64(start)
    for t in range(count):
        out[t] = _permute_one(pos, n, h, hmask, keys)
        pos += step
    return out


# ----------------------------------------------------------------------------------------------
# Pure-Python references (arbitrary-precision ints reduced mod 2^64), used for round keys by the
# torch / numpy-vectorised paths and as test oracles.
# ----------------------------------------------------------------------------------------------
_U64 = (1 << 64) - 1


def _to_signed(x: int) -> int:
    x &= _U64
    return x - (1 << 64) if x >> 63 else x


def mix64_py(x: int) -> int:
    """Pure-Python :func:`mix64` (returns a signed int64 value as a Python int)."""
    x &= _U64
    x ^= x >> 30
    x = (x * (_M1 & _U64)) & _U64
    x ^= x >> 27
    x = (x * (_M2 & _U64)) & _U64
    x ^= x >> 31
    return _to_signed(x)


def pass_key_py(seed: int, pass_index: int) -> int:
    """Pure-Python :func:`pass_key`."""
    a = mix64_py(int(seed) ^ _SEED_SALT)
    b = ((int(pass_index) + 1) * _GAMMA) & _U64
    return mix64_py(a + b)


def round_keys_py(key: int) -> list[int]:
    """Pure-Python round keys of the pass key ``key`` (signed int64 values)."""
    return [mix64_py(int(key) + (r + 1) * _GAMMA) for r in range(ROUNDS)]


def half_bits_py(n: int) -> int:
    """Pure-Python :func:`half_bits_for`."""
    h = 1
    while (1 << (2 * h)) < n:
        h += 1
    return h


def feistel_take_xp(x, n: int, key: int, *, inverse: bool = False):
    """Vectorised Feistel permutation for numpy int64 arrays or torch int64 tensors.

    Uses only ``>>``, ``<<``, ``&``, ``^``, ``*`` and boolean-mask assignment, which numpy and torch
    both implement with int64 wrap-around, so the result is bit-identical to :func:`feistel_take`
    (or to :func:`feistel_index` with ``inverse=True``).
    """
    h = half_bits_py(n)
    hmask = (1 << h) - 1
    keys = round_keys_py(key)

    def mix(v):
        v = v ^ ((v >> 30) & _MASK34)
        v = v * _M1
        v = v ^ ((v >> 27) & _MASK37)
        v = v * _M2
        return v ^ ((v >> 31) & _MASK33)

    def enc(v):
        left = (v >> h) & hmask
        right = v & hmask
        for kr in keys:
            f = mix(right ^ kr) & hmask
            left, right = right, left ^ f
        return (left << h) | right

    def dec(v):
        left = (v >> h) & hmask
        right = v & hmask
        for kr in reversed(keys):
            left, right = right ^ (mix(left ^ kr) & hmask), left
        return (left << h) | right

    step = dec if inverse else enc

    y = step(x)
    bad = y >= n
    while bool(bad.any()):
        y[bad] = step(y[bad])
        bad = y >= n
    return y
