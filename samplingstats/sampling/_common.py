"""Input handling shared by the samplers: backend detection and validation with named messages."""

from __future__ import annotations

import numbers

import numpy as np

from .._backend import is_torch, to_numpy
from .._exceptions import InvalidParameterError
from .._validation import check_probabilities, check_weights

__all__ = ["as_weights", "as_probabilities", "check_shape", "check_n_samples_int"]


def _torch_to_float64(x, name: str, caller: str):
    if x.is_complex() or x.dtype.is_complex:
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be a real tensor, got dtype {x.dtype}."
        )
    return to_numpy(x, dtype=np.float64)


def as_weights(weights, name: str, caller: str):
    """Validate 1-D non-negative finite weights with a positive sum.

    Returns ``(w, ref)``: ``w`` a float64 C-contiguous numpy array, ``ref`` the torch tensor the
    weights came from (or ``None`` for numpy / array-like input).
    """
    ref = weights if is_torch(weights) else None
    arr = _torch_to_float64(weights, name, caller) if ref is not None else weights
    if isinstance(arr, np.ndarray) and arr.dtype == np.bool_:
        arr = arr.astype(np.float64)
    with np.errstate(over="ignore"):  # a sum overflowing to inf is still a positive sum
        w = check_weights(arr, name)
    return w, ref


def as_probabilities(pi, name: str, caller: str):
    """Validate a 1-D array of probabilities in [0, 1]; returns ``(pi, ref)`` as :func:`as_weights`."""
    ref = pi if is_torch(pi) else None
    arr = _torch_to_float64(pi, name, caller) if ref is not None else pi
    p = check_probabilities(arr, name)
    return p, ref


def check_shape(size, caller: str):
    """Normalise ``n_samples`` (None, int >= 0 or tuple of ints >= 0) to ``(shape, total)``."""
    if size is None:
        return (), 1
    shape: tuple[int, ...]
    if isinstance(size, numbers.Integral) and not isinstance(size, (bool, np.bool_)):
        shape = (int(size),)
    elif isinstance(size, (tuple, list)) and all(
        isinstance(s, numbers.Integral) and not isinstance(s, (bool, np.bool_)) for s in size
    ):
        shape = tuple(int(s) for s in size)
    else:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be None, a non-negative int or a tuple of "
            f"non-negative ints. Got {size!r} instead."
        )
    if any(s < 0 for s in shape):
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be None, a non-negative int or a tuple of "
            f"non-negative ints. Got {size!r} instead."
        )
    total = 1
    for s in shape:
        total *= s
    return shape, total


def check_n_samples_int(k, n_positive: int, caller: str) -> int:
    """Validate an integer sample size ``1 <= n_samples <= n_positive``."""
    if not isinstance(k, numbers.Integral) or isinstance(k, (bool, np.bool_)):
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be an int in the range [1, {n_positive}] "
            f"(the number of positive weights). Got {k!r} instead."
        )
    if not 1 <= int(k) <= n_positive:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be an int in the range [1, {n_positive}] "
            f"(the number of positive weights). Got {k!r} instead."
        )
    return int(k)
