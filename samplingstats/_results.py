"""Result containers shared by the method modules."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._exceptions import InvalidParameterError

__all__ = ["ConfidenceInterval", "Result", "normal_interval"]


class ConfidenceInterval(NamedTuple):
    """Lower and upper bounds of a confidence interval (arrays or floats).

    Returned by every ``confidence_interval(confidence_level=0.95)`` method of a result. It is a
    named tuple, so ``low, high = ci`` works; ``low`` and ``high`` have the shape of the estimate.

    Parameters
    ----------
    low : float or numpy.ndarray
        Lower bounds.
    high : float or numpy.ndarray
        Upper bounds.

    See Also
    --------
    Result : base class of the results that return intervals.

    Examples
    --------
    >>> from samplingstats import ConfidenceInterval
    >>> ci = ConfidenceInterval(0.9, 1.1)
    >>> ci.low, ci.high
    (0.9, 1.1)
    """

    # floats for a scalar estimate, arrays of the estimate's shape otherwise (Any: numpy's stubs
    # do not express "float or array" usefully for arithmetic in user code)
    low: Any
    high: Any


def _check_level(confidence_level: Any) -> float:
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


def normal_interval(
    estimate: ArrayLike, standard_error: ArrayLike, confidence_level: float = 0.95
) -> ConfidenceInterval:
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


def _summarise(value: Any) -> str:
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
    summarised by shape), :meth:`to_dict` and :meth:`to_frame` (pandas). Results that carry a
    standard error also have ``confidence_interval(confidence_level=0.95)`` returning a
    :class:`ConfidenceInterval`. Field names follow one convention across the library (see the
    design page): ``estimate`` / ``standard_error`` (shape of the estimated quantity),
    ``n_iter``, ``converged``, ``n_evaluations``, ``n_samples``.

    See Also
    --------
    ConfidenceInterval : the interval returned by ``confidence_interval``.

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

    # names of 1-D fields that index the rows of to_frame(); None: every 1-D array field whose
    # length equals the first one's
    _frame_fields: ClassVar[tuple[str, ...] | None] = None

    def __repr__(self) -> str:
        fields = [f for f in dataclasses.fields(self) if f.repr]
        body = "".join(f"    {f.name}={_summarise(getattr(self, f.name))},\n" for f in fields)
        return f"{type(self).__name__}(\n{body})"

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a dict (nested results converted recursively, arrays kept).

        Returns
        -------
        dict
            Field name to value, in field order.
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.to_dict() if isinstance(v, Result) else v
        return out

    def _frame_columns(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(per-row columns, scalar fields) for :meth:`to_frame`; results may override."""
        rows: dict[str, Any] = {}
        scalars: dict[str, Any] = {}
        names = self._frame_fields
        length = None
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if hasattr(v, "detach") and hasattr(v, "cpu"):  # torch tensor
                v = v.detach().cpu().numpy()
            if isinstance(v, (bool, int, float, str, np.generic)) or v is None:
                scalars[f.name] = v.item() if isinstance(v, np.generic) else v
                continue
            if isinstance(v, np.ndarray) and v.ndim == 0:
                scalars[f.name] = v.item()
                continue
            if names is not None and f.name not in names:
                continue
            if isinstance(v, np.ndarray) and v.ndim == 1:
                if length is None:
                    length = v.shape[0]
                if v.shape[0] == length:
                    rows[f.name] = v
        return rows, scalars

    def to_frame(self) -> Any:
        """Return the result as a :class:`pandas.DataFrame` (needs the optional pandas).

        Per-item fields (1-D arrays of one length: estimates, standard errors, weights, ...) become
        columns, one row per item; when a ``confidence_interval`` exists its 95% bounds are added as
        ``ci_low`` / ``ci_high``. Scalar fields (``n_evaluations``, ``converged``, ...) go into
        ``DataFrame.attrs``, or form the single row when the result has no per-item field. Nested
        results, matrices and other objects are left out (use :meth:`to_dict`).

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import dataclasses
        >>> import numpy as np
        >>> from samplingstats import Result
        >>> @dataclasses.dataclass(repr=False)
        ... class MeanResult(Result):
        ...     estimate: np.ndarray
        ...     n_evaluations: int
        >>> df = MeanResult(estimate=np.array([0.5, 1.5]), n_evaluations=10).to_frame()
        >>> df["estimate"].tolist(), df.attrs["n_evaluations"]
        ([0.5, 1.5], 10)
        """
        from ._optional import import_optional

        pd = import_optional("pandas", purpose=f"{type(self).__name__}.to_frame")
        rows, scalars = self._frame_columns()
        ci = getattr(self, "confidence_interval", None)
        if callable(ci):
            try:
                low, high = ci()
            except Exception:  # an interval that needs arguments or is not available
                low = high = None
            if low is not None:
                low, high = np.asarray(low), np.asarray(high)
                if rows and low.ndim == 1 and low.shape[0] == len(next(iter(rows.values()))):
                    rows["ci_low"], rows["ci_high"] = low, high
                elif not rows and low.ndim == 0:
                    scalars["ci_low"], scalars["ci_high"] = float(low), float(high)
        if rows:
            df = pd.DataFrame(rows)
            df.attrs.update(scalars)
        else:
            df = pd.DataFrame([scalars])
        df.attrs["result"] = type(self).__name__
        return df
