"""Input checks shared by the dpp modules (one message template for real numeric arrays)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import InvalidParameterError

__all__ = ["real_numeric"]


def real_numeric(x: Any, name: str, caller: str, *, what: str = "array") -> np.ndarray:
    """``np.asarray(x)`` as float64, refusing complex input (``TypeError``) and non-numeric dtypes.

    ``what`` completes the messages ("array", "responses", ...). numpy would cast complex to real
    with only a ``ComplexWarning``, and strings or objects fail later with numpy's texts; both end
    here instead, naming the argument.
    """
    arr = np.asarray(x)
    if arr.dtype.kind == "c":
        raise TypeError(
            f"The {name!r} parameter of {caller} must be a real {what}; got a complex array. "
            "Pass the real and imaginary parts separately if both matter."
        )
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be a numeric {what}. Got an array of dtype "
            f"{arr.dtype} instead."
        )
    return np.asarray(arr, dtype=np.float64)
