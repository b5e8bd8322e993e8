"""Result containers shared by the method modules."""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import numpy as np

from ._exceptions import InvalidParameterError

__all__ = ["ConfidenceInterval", "Result", "normal_interval"]


class ConfidenceInterval(NamedTuple):
    """Lower and upper bounds of a confidence interval (arrays or floats)."""

    low: object
    high: object


def _check_level(confidence_level) -> float:
    if (
        isinstance(confidence_level, bool)
        or not isinstance(confidence_level, (int, float, np.floating))
        or not 0 < float(confidence_level) < 1
    ):
        raise InvalidParameterError(
            "The 'confidence_level' parameter must be a float in the range (0, 1). "
            f"Got {confidence_level!r} instead."
        )
    return float(confidence_level)


def normal_interval(estimate, standard_error, confidence_level=0.95) -> ConfidenceInterval:
    """Two-sided normal-approximation interval ``estimate -/+ z * standard_error``.

    Examples
    --------
    >>> from samplingstats._results import normal_interval
    >>> ci = normal_interval(1.0, 0.5, 0.95)
    >>> round(ci.low, 3), round(ci.high, 3)
    (0.02, 1.98)
    """
    from scipy.special import ndtri

    level = _check_level(confidence_level)
    z = float(ndtri(0.5 + level / 2))
    est = np.asarray(estimate, dtype=float)
    se = np.asarray(standard_error, dtype=float)
    low, high = est - z * se, est + z * se
    if low.ndim == 0:
        return ConfidenceInterval(float(low), float(high))
    return ConfidenceInterval(low, high)


def _summarise(value) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(value, precision=6, separator=", ", threshold=6)
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if hasattr(value, "shape") and hasattr(value, "dtype"):  # torch tensor and friends
        return f"{type(value).__name__}(shape={tuple(value.shape)}, dtype={value.dtype})"
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else repr(value)
    if isinstance(value, Result):
        return f"{type(value).__name__}(...)"
    r = repr(value)
    return r if len(r) <= 80 else r[:77] + "..."


@dataclasses.dataclass(repr=False)
class Result:
    """Base class of the ``...Result`` dataclasses returned by public functions.

    Subclasses are dataclasses; they get a readable multi-line ``repr`` (large arrays are
    summarised by shape) and :meth:`to_dict`.

    Examples
    --------
    >>> import dataclasses
    >>> import numpy as np
    >>> from samplingstats._results import Result
    >>> @dataclasses.dataclass(repr=False)
    ... class MeanResult(Result):
    ...     estimate: float
    ...     samples: np.ndarray
    >>> r = MeanResult(estimate=0.5, samples=np.zeros(100))
    >>> print(r)
    MeanResult(
        estimate=0.5,
        samples=array(shape=(100,), dtype=float64),
    )
    >>> sorted(r.to_dict())
    ['estimate', 'samples']
    """

    def __repr__(self) -> str:
        fields = [f for f in dataclasses.fields(self) if f.repr]
        body = "".join(f"    {f.name}={_summarise(getattr(self, f.name))},\n" for f in fields)
        return f"{type(self).__name__}(\n{body})"

    def to_dict(self) -> dict:
        """Return the fields as a dict (nested results converted recursively, arrays kept)."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.to_dict() if isinstance(v, Result) else v
        return out
