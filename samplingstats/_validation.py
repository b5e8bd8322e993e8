"""Parameter and array validation shared by every public entry point.

Parameter constraints follow scikit-learn's vocabulary and message template, re-implemented here
(scikit-learn's own module is private)::

    The 'p' parameter of lewis_weights must be a float in the range [1, inf). Got 0.5 instead.

Array checks name the argument and the problem (shape, NaN/inf, negative values, lengths).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ._exceptions import InvalidParameterError

__all__ = [
    "InvalidParameterError",
    "Interval",
    "Options",
    "StrOptions",
    "validate_params",
    "check_param",
    "check_matrix",
    "check_vector",
    "check_finite",
    "check_probabilities",
    "check_weights",
    "check_consistent_length",
    "check_int",
    "check_scalar",
    "check_size",
    "check_real_array",
    "refuse_complex",
    "memory_limit",
    "format_bytes",
]


# ----------------------------------------------------------------------------------------------
# Constraints
# ----------------------------------------------------------------------------------------------
class _Constraint:
    def is_satisfied_by(self, value) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def __str__(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_integral(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


class Interval(_Constraint):
    """Numbers of a type inside an interval.

    Parameters
    ----------
    type : {numbers.Integral, numbers.Real, "real_not_int"}
        ``numbers.Integral`` accepts ints only; ``numbers.Real`` accepts ints and floats.
    left, right : float or None
        Bounds; ``None`` means unbounded on that side.
    closed : {"left", "right", "both", "neither"}
        Which bounds are included.

    Examples
    --------
    >>> import numbers
    >>> from samplingstats._validation import Interval
    >>> c = Interval(numbers.Real, 1, None, closed="left")
    >>> c.is_satisfied_by(2.5), c.is_satisfied_by(0.5), str(c)
    (True, False, 'a float in the range [1, inf)')
    """

    def __init__(self, type, left, right, *, closed):
        if type not in (numbers.Integral, numbers.Real, "real_not_int"):
            raise ValueError(f"Interval type must be Integral, Real or 'real_not_int'; got {type}")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(f"closed must be 'left', 'right', 'both' or 'neither'; got {closed}")
        self.type, self.left, self.right, self.closed = type, left, right, closed

    def _type_ok(self, value) -> bool:
        if self.type is numbers.Integral:
            return _is_integral(value)
        if self.type == "real_not_int":
            return _is_real(value) and not _is_integral(value)
        return _is_real(value)

    def __contains__(self, value) -> bool:
        if isinstance(value, float) and math.isnan(value):
            return False
        left_ok = self.left is None or (
            value >= self.left if self.closed in ("left", "both") else value > self.left
        )
        right_ok = self.right is None or (
            value <= self.right if self.closed in ("right", "both") else value < self.right
        )
        return bool(left_ok and right_ok)

    def is_satisfied_by(self, value) -> bool:
        return self._type_ok(value) and value in self

    def __str__(self) -> str:
        kind = "an int" if self.type is numbers.Integral else "a float"
        lb = "[" if self.closed in ("left", "both") else "("
        rb = "]" if self.closed in ("right", "both") else ")"
        left = "-inf" if self.left is None else _fmt_bound(self.left)
        right = "inf" if self.right is None else _fmt_bound(self.right)
        if self.left is None:
            lb = "("
        if self.right is None:
            rb = ")"
        return f"{kind} in the range {lb}{left}, {right}{rb}"


def _fmt_bound(x) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


class Options(_Constraint):
    """A value among a finite set of options of a given type.

    Examples
    --------
    >>> from samplingstats._validation import Options
    >>> c = Options(str, {"iid", "dpp"})
    >>> c.is_satisfied_by("dpp"), str(c)
    (True, "a str among {'dpp', 'iid'}")
    """

    def __init__(self, type, options: Iterable):
        self.type = type
        self.options = frozenset(options)

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, self.type) and value in self.options

    def __str__(self) -> str:
        opts = ", ".join(repr(o) for o in sorted(self.options, key=str))
        return f"a {self.type.__name__} among {{{opts}}}"


def StrOptions(options: Iterable) -> Options:
    """Shorthand for ``Options(str, options)``."""
    return Options(str, options)


class _InstanceOf(_Constraint):
    def __init__(self, type_):
        self.type = type_

    def is_satisfied_by(self, value) -> bool:
        if self.type is bool:
            return isinstance(value, (bool, np.bool_))
        if self.type in (int, numbers.Integral):
            return _is_integral(value)
        if self.type in (float, numbers.Real):
            return _is_real(value)
        return isinstance(value, self.type)

    def __str__(self) -> str:
        names = {bool: "bool", int: "int", float: "float", str: "str"}
        if self.type in names:
            return f"an instance of '{names[self.type]}'"
        mod = self.type.__module__
        qual = self.type.__qualname__
        return f"an instance of '{qual if mod == 'builtins' else mod + '.' + qual}'"


class _NoneConstraint(_Constraint):
    def is_satisfied_by(self, value) -> bool:
        return value is None

    def __str__(self) -> str:
        return "None"


class _Callable(_Constraint):
    def is_satisfied_by(self, value) -> bool:
        return callable(value)

    def __str__(self) -> str:
        return "a callable"


class _ArrayLike(_Constraint):
    def is_satisfied_by(self, value) -> bool:
        return (
            hasattr(value, "__len__")
            or hasattr(value, "shape")
            or hasattr(value, "__array__")
            or hasattr(value, "__array_namespace__")
        ) and not isinstance(value, (str, bytes))

    def __str__(self) -> str:
        return "an array-like"


class _RandomState(_Constraint):
    def is_satisfied_by(self, value) -> bool:
        if value is None or isinstance(
            value,
            (
                np.random.Generator,
                np.random.BitGenerator,
                np.random.SeedSequence,
                np.random.RandomState,
            ),
        ):
            return True
        return _is_integral(value) and value >= 0

    def __str__(self) -> str:
        return "an int, a numpy Generator, BitGenerator, SeedSequence or RandomState, or None"


class _Boolean(_Constraint):
    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, (bool, np.bool_))

    def __str__(self) -> str:
        return "a bool"


class _Predicate(_Constraint):
    """A constraint given by a predicate and its description."""

    def __init__(self, predicate: Callable, description: str):
        self.predicate, self.description = predicate, description

    def is_satisfied_by(self, value) -> bool:
        try:
            return bool(self.predicate(value))
        except Exception:  # noqa: BLE001 - a failing predicate means "not satisfied"
            return False

    def __str__(self) -> str:
        return self.description


def Predicate(predicate: Callable, description: str) -> _Constraint:
    """Constraint from a predicate, e.g. ``Predicate(lambda v: v % 2 == 1, "an odd int")``."""
    return _Predicate(predicate, description)


def make_constraint(constraint) -> _Constraint:
    """Turn a constraint shorthand into a constraint object.

    Shorthands: ``None``, a type, ``"array-like"``, ``"sparse matrix"``, ``"boolean"``,
    ``"random_state"`` (or ``"rng"``), ``"callable"``, or a constraint object.
    """
    if isinstance(constraint, _Constraint):
        return constraint
    if constraint is None:
        return _NoneConstraint()
    if isinstance(constraint, type):
        return _InstanceOf(constraint)
    if constraint == "array-like":
        return _ArrayLike()
    if constraint == "boolean":
        return _Boolean()
    if constraint in ("random_state", "rng"):
        return _RandomState()
    if constraint == "callable":
        return _Callable()
    raise ValueError(f"Unknown constraint {constraint!r}")


def _describe(constraints: list[_Constraint]) -> str:
    # Hide None in the middle of a list as sklearn does: "... or None" at the end.
    strs = [str(c) for c in constraints if not isinstance(c, _NoneConstraint)]
    if any(isinstance(c, _NoneConstraint) for c in constraints):
        strs.append("None")
    if len(strs) == 1:
        return strs[0]
    return f"{', '.join(strs[:-1])} or {strs[-1]}"


def check_param(value: Any, constraints: list[Any], *, name: str, caller: str | None = None) -> Any:
    """Validate one parameter against a list of constraints and return it unchanged.

    Raises
    ------
    InvalidParameterError
        ``The 'name' parameter of caller must be <description>. Got <value!r> instead.``

    Examples
    --------
    >>> import numbers
    >>> from samplingstats._validation import Interval, check_param
    >>> check_param(3, [Interval(numbers.Integral, 1, None, closed="left")], name="k")
    3
    >>> check_param(0, [Interval(numbers.Integral, 1, None, closed="left")], name="k", caller="f")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: The 'k' parameter of f must be an int in the range [1, inf). Got 0 instead.
    """  # noqa: E501
    cons = [make_constraint(c) for c in constraints]
    if any(c.is_satisfied_by(value) for c in cons):
        return value
    where = f" of {caller}" if caller else ""
    shown = _short_repr(value)
    raise InvalidParameterError(
        f"The {name!r} parameter{where} must be {_describe(cons)}. Got {shown} instead."
    )


def _short_repr(value) -> str:
    if isinstance(value, np.ndarray) or hasattr(value, "shape"):
        return f"an array of shape {tuple(getattr(value, 'shape', ()))}"
    r = repr(value)
    return r if len(r) <= 80 else r[:77] + "..."


def validate_params(
    parameter_constraints: dict[str, Any], *, caller: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator validating a function's arguments against constraints.

    Parameters
    ----------
    parameter_constraints : dict
        Maps parameter names to a list of constraints (see :func:`make_constraint`). Parameters not
        listed are not checked. ``"no_validation"`` skips a parameter explicitly.
    caller : str, optional
        Name used in messages; defaults to the function's ``__qualname__``.

    Examples
    --------
    >>> import numbers
    >>> from samplingstats._validation import Interval, validate_params
    >>> @validate_params({"p": [Interval(numbers.Real, 1, None, closed="left")]})
    ... def lewis_weights(A, *, p):
    ...     return p
    >>> lewis_weights(None, p=2)
    2
    >>> lewis_weights(None, p=0.5)
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: The 'p' parameter of lewis_weights must be a float in the range [1, inf). Got 0.5 instead.
    """  # noqa: E501

    def decorator(func):
        sig = inspect.signature(func)
        name = caller or func.__qualname__
        compiled = {
            k: [make_constraint(c) for c in v]
            for k, v in parameter_constraints.items()
            if v != "no_validation"
        }
        unknown = set(compiled) - set(sig.parameters)
        if unknown:
            raise ValueError(f"validate_params on {name}: unknown parameters {sorted(unknown)}")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            for pname, cons in compiled.items():
                value = bound.arguments[pname]
                if not any(c.is_satisfied_by(value) for c in cons):
                    raise InvalidParameterError(
                        f"The {pname!r} parameter of {name} must be {_describe(cons)}. "
                        f"Got {_short_repr(value)} instead."
                    )
            return func(*args, **kwargs)

        wrapper.__signature__ = sig
        wrapper._parameter_constraints = parameter_constraints
        return wrapper

    return decorator


# ----------------------------------------------------------------------------------------------
# Scalar helpers
# ----------------------------------------------------------------------------------------------
def check_int(value, name: str, *, low=None, high=None, caller: str | None = None) -> int:
    """Validate an integer in ``[low, high]`` (bounds inclusive, ``None`` = unbounded).

    Examples
    --------
    >>> from samplingstats._validation import check_int
    >>> check_int(5, "n", low=1)
    5
    """
    check_param(
        value, [Interval(numbers.Integral, low, high, closed="both")], name=name, caller=caller
    )
    return int(value)


def check_scalar(
    value, name: str, *, low=None, high=None, closed="both", caller: str | None = None
) -> float:
    """Validate a real number in an interval and return it as a float.

    Examples
    --------
    >>> from samplingstats._validation import check_scalar
    >>> check_scalar(0.5, "ratio", low=0, high=1, closed="right")
    0.5
    """
    check_param(value, [Interval(numbers.Real, low, high, closed=closed)], name=name, caller=caller)
    return float(value)


# ----------------------------------------------------------------------------------------------
# Array helpers
# ----------------------------------------------------------------------------------------------
def _as_numpy(x: Any, name: str, dtype: Any) -> np.ndarray:
    if x is None:
        raise InvalidParameterError(f"Argument {name!r} must be an array, got None.")
    if isinstance(x, (str, bytes)):
        raise InvalidParameterError(f"Argument {name!r} must be a numeric array, got a string.")
    _refuse_complex_input(x, name)
    try:
        arr = np.asarray(x, dtype=dtype) if dtype is not None else np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"Argument {name!r} must be a numeric array convertible to {np.dtype(dtype).name}: "
            f"{exc}"
        ) from None
    if arr.dtype == object:
        raise InvalidParameterError(f"Argument {name!r} must be a numeric array, got dtype object.")
    return arr


def _refuse_complex_input(x: Any, name: str) -> None:
    """Raise before a complex input is cast to its real part (numpy only warns)."""
    kind = None
    dt = getattr(x, "dtype", None)
    if dt is not None:
        try:
            kind = np.dtype(dt).kind
        except TypeError:  # a torch dtype
            if getattr(dt, "is_complex", False):
                kind = "c"
    elif isinstance(x, complex) or isinstance(x, (list, tuple)):
        try:
            kind = np.asarray(x).dtype.kind
        except (TypeError, ValueError):
            kind = None
    if kind == "c":
        raise InvalidParameterError(
            f"Argument {name!r} must be a real array; got complex values (pass x.real or abs(x) "
            "explicitly)."
        )


def check_finite(x: Any, name: str) -> Any:
    """Raise if ``x`` contains NaN or infinite values; return ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._validation import check_finite
    >>> check_finite(np.array([1.0, np.nan]), "y")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'y' contains NaN or infinite values (1 of 2 entries).
    """  # noqa: E501
    arr = np.asarray(x)
    if arr.dtype.kind in "fc":
        bad = ~np.isfinite(arr)
        nbad = int(bad.sum())
        if nbad:
            raise InvalidParameterError(
                f"Argument {name!r} contains NaN or infinite values ({nbad} of {arr.size} entries)."
            )
    return x


def check_matrix(
    A: Any,
    name: str = "A",
    *,
    dtype: Any = np.float64,
    min_rows: int = 1,
    min_cols: int = 1,
    n_cols: int | None = None,
    finite: bool = True,
    accept_sparse: bool = False,
    contiguous: bool = True,
) -> Any:
    """Validate a 2-D numeric array and return it as a C-contiguous ``dtype`` array.

    Parameters
    ----------
    A : array-like or scipy.sparse matrix
        Input matrix.
    name : str
        Argument name used in messages.
    dtype : numpy dtype, default float64
        Target dtype (``None`` keeps the input dtype).
    min_rows, min_cols : int
        Minimum shape.
    n_cols : int, optional
        Required number of columns.
    finite : bool, default True
        Reject NaN and inf.
    accept_sparse : bool, default False
        Accept a scipy.sparse matrix (returned as CSR with ``dtype``).
    contiguous : bool, default True
        Return a C-contiguous array.

    Examples
    --------
    >>> from samplingstats._validation import check_matrix
    >>> check_matrix([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> check_matrix([1, 2, 3], "X")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'X' must be a 2-D array, got an array of shape (3,).
    """  # noqa: E501
    import scipy.sparse as sp

    if sp.issparse(A):
        if not accept_sparse:
            raise InvalidParameterError(
                f"Argument {name!r} must be a dense array; a scipy.sparse matrix is not supported "
                "here (convert it with .toarray())."
            )
        M = sp.csr_matrix(A, dtype=dtype) if dtype is not None else sp.csr_matrix(A)
        if finite:
            check_finite(M.data, name)
        _check_shape2(M.shape, name, min_rows, min_cols, n_cols)
        return M
    arr = _as_numpy(A, name, dtype)
    if arr.ndim != 2:
        raise InvalidParameterError(
            f"Argument {name!r} must be a 2-D array, got an array of shape {arr.shape}."
        )
    _check_shape2(arr.shape, name, min_rows, min_cols, n_cols)
    if finite:
        check_finite(arr, name)
    if contiguous:
        arr = np.ascontiguousarray(arr)
    return arr


def _check_shape2(shape, name, min_rows, min_cols, n_cols):
    if shape[0] < min_rows:
        raise InvalidParameterError(
            f"Argument {name!r} must have at least {min_rows} row(s), got shape {tuple(shape)}."
        )
    if shape[1] < min_cols:
        raise InvalidParameterError(
            f"Argument {name!r} must have at least {min_cols} column(s), got shape {tuple(shape)}."
        )
    if n_cols is not None and shape[1] != n_cols:
        raise InvalidParameterError(
            f"Argument {name!r} must have {n_cols} column(s), got shape {tuple(shape)}."
        )


def check_vector(
    x: Any,
    name: str = "x",
    *,
    dtype: Any = np.float64,
    length: int | None = None,
    min_length: int = 1,
    finite: bool = True,
    nonnegative: bool = False,
    contiguous: bool = True,
) -> np.ndarray:
    """Validate a 1-D numeric array and return it as a C-contiguous ``dtype`` array.

    Examples
    --------
    >>> from samplingstats._validation import check_vector
    >>> check_vector([1, 2, 3], "w").tolist()
    [1.0, 2.0, 3.0]
    >>> check_vector([1.0, -2.0], "weights", nonnegative=True)
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'weights' must be non-negative; entry 1 is -2.0.
    """  # noqa: E501
    arr = _as_numpy(x, name, dtype)
    if arr.ndim != 1:
        raise InvalidParameterError(
            f"Argument {name!r} must be a 1-D array, got an array of shape {arr.shape}."
        )
    if length is not None and arr.shape[0] != length:
        raise InvalidParameterError(
            f"Argument {name!r} must have length {length}, got length {arr.shape[0]}."
        )
    if arr.shape[0] < min_length:
        raise InvalidParameterError(
            f"Argument {name!r} must have at least {min_length} entr{'y' if min_length == 1 else 'ies'}"
            f", got length {arr.shape[0]}."
        )
    if finite:
        check_finite(arr, name)
    if nonnegative and arr.size and arr.min() < 0:
        i = int(np.argmin(arr))
        raise InvalidParameterError(
            f"Argument {name!r} must be non-negative; entry {i} is {float(arr[i])!r}."
        )
    if contiguous:
        arr = np.ascontiguousarray(arr)
    return arr


def check_weights(w: Any, name: str = "weights", *, length: int | None = None) -> np.ndarray:
    """Validate non-negative, finite weights with a positive sum.

    Examples
    --------
    >>> from samplingstats._validation import check_weights
    >>> check_weights([0.0, 0.0], "p")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'p' must have a positive sum; all weights are zero.
    """  # noqa: E501
    arr = check_vector(w, name, length=length, nonnegative=True)
    with np.errstate(over="ignore"):
        total = arr.sum()
    if not total > 0:
        raise InvalidParameterError(
            f"Argument {name!r} must have a positive sum; all weights are zero."
        )
    if not np.isfinite(total):
        raise InvalidParameterError(
            f"Argument {name!r} has a sum that overflows float64; rescale the weights "
            "(only their ratios matter)."
        )
    return arr


def check_probabilities(
    p: Any, name: str = "p", *, length: int | None = None, sum_to_one: bool = False
) -> np.ndarray:
    """Validate probabilities in [0, 1] (optionally summing to one within 1e-8).

    Examples
    --------
    >>> from samplingstats._validation import check_probabilities
    >>> check_probabilities([0.2, 1.5], "pi")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'pi' must contain probabilities in [0, 1]; entry 1 is 1.5.
    """  # noqa: E501
    arr = check_vector(p, name, length=length)
    bad = np.flatnonzero((arr < 0) | (arr > 1))
    if bad.size:
        i = int(bad[0])
        raise InvalidParameterError(
            f"Argument {name!r} must contain probabilities in [0, 1]; entry {i} is {float(arr[i])!r}."
        )
    if sum_to_one and abs(arr.sum() - 1.0) > 1e-8:
        raise InvalidParameterError(f"Argument {name!r} must sum to 1, got {float(arr.sum())!r}.")
    return arr


def check_consistent_length(**arrays: Any) -> None:
    """Raise if the named arrays do not share their first dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._validation import check_consistent_length
    >>> check_consistent_length(X=np.zeros((3, 2)), y=np.zeros(4))
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Arguments have inconsistent lengths: X has 3, y has 4.
    """
    lengths = {k: (v.shape[0] if hasattr(v, "shape") else len(v)) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise InvalidParameterError(f"Arguments have inconsistent lengths: {desc}.")


def refuse_complex(x: Any, name: str, *, caller: str | None = None) -> Any:
    """Raise :class:`InvalidParameterError` (a ``TypeError``) if ``x`` holds complex numbers.

    numpy casts complex to real with only a ``ComplexWarning``; every array argument must refuse
    complex input instead, naming the argument. Returns ``x`` unchanged.

    With ``caller`` (the public function's name) the message names it too, and array-likes
    without a ``dtype`` (besides lists and tuples, e.g. a pandas DataFrame) are checked through
    ``numpy.asarray``; numpy, scipy.sparse, torch and dask inputs are read from their ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._validation import refuse_complex
    >>> refuse_complex(np.array([1 + 2j]), "weights")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'weights' must be a real array; got complex values (pass x.real or abs(x) explicitly).
    >>> refuse_complex([1j], "b", caller="lp_regression")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'b' of lp_regression must be real, got a complex array (dtype complex128); casting would drop the imaginary part (pass x.real or abs(x) explicitly, or both parts as separate real columns).
    """  # noqa: E501
    if caller is None:
        _refuse_complex_input(x, name)
        return x
    dtype = getattr(x, "dtype", None)
    if dtype is None and x is not None and not isinstance(x, (str, bytes)):
        try:
            dtype = np.asarray(x).dtype
        except (TypeError, ValueError):
            return x  # not an array: the caller's array check names the problem
    try:
        cplx = dtype is not None and np.dtype(dtype).kind == "c"
    except TypeError:  # a torch dtype
        cplx = bool(getattr(dtype, "is_complex", False))
    if cplx:
        raise InvalidParameterError(
            f"Argument {name!r} of {caller} must be real, got a complex array (dtype {dtype}); "
            "casting would drop the imaginary part (pass x.real or abs(x) explicitly, or both "
            "parts as separate real columns)."
        )
    return x


def check_real_array(
    x: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype: Any = np.float64,
    finite: bool = True,
    min_size: int = 1,
    allow_bool: bool = True,
) -> np.ndarray:
    """Validate a real numeric array of any (or a given) dimension and return it as ``dtype``.

    Refuses ``None``, strings, object and complex arrays (``TypeError`` naming the argument), bool
    arrays when ``allow_bool=False``, the wrong number of dimensions, fewer than ``min_size``
    entries and (by default) NaN/inf.

    Examples
    --------
    >>> from samplingstats._validation import check_real_array
    >>> check_real_array([[1, 2]], "X", ndim=2).dtype
    dtype('float64')
    >>> check_real_array([1j], "X")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'X' must be a real array; got complex values (pass x.real or abs(x) explicitly).
    >>> check_real_array([1.0, 2.0], "X", ndim=2)
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: Argument 'X' must be a 2-D array, got an array of shape (2,).
    """  # noqa: E501
    if not allow_bool:
        raw_kind = getattr(getattr(x, "dtype", None), "kind", None)
        if raw_kind is None and isinstance(x, (list, tuple)):
            try:
                raw_kind = np.asarray(x).dtype.kind
            except (TypeError, ValueError):
                raw_kind = None
        if raw_kind == "b":
            raise InvalidParameterError(
                f"Argument {name!r} must be a real numeric array, got dtype bool."
            )
    arr = _as_numpy(x, name, None)
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"Argument {name!r} must be a real numeric array, got dtype {arr.dtype}."
        )
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise InvalidParameterError(
                f"Argument {name!r} must be a {want} array, got an array of shape {arr.shape}."
            )
    if arr.size < min_size:
        raise InvalidParameterError(
            f"Argument {name!r} must have at least {min_size} entr{'y' if min_size == 1 else 'ies'}"
            f", got an array of shape {arr.shape}."
        )
    if finite:
        check_finite(arr, name)
    return arr


# ----------------------------------------------------------------------------------------------
# Sizes: refuse before allocating
# ----------------------------------------------------------------------------------------------
_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")


def format_bytes(n: float) -> str:
    """Human-readable size in binary units.

    Examples
    --------
    >>> from samplingstats._validation import format_bytes
    >>> format_bytes(8e18)
    '6.94 EiB'
    >>> format_bytes(512)
    '512 bytes'
    """
    n = float(n)
    i = 0
    while n >= 1024 and i < len(_UNITS) - 1:
        n /= 1024
        i += 1
    return f"{int(n)} bytes" if i == 0 else f"{n:.3g} {_UNITS[i]}"


def memory_limit() -> int:
    """Bytes a single allocation may ask for before sizes are refused: the physical memory.

    Falls back to 2**40 (1 TiB) where the platform does not report it.

    Examples
    --------
    >>> from samplingstats._validation import memory_limit
    >>> memory_limit() > 2**20
    True
    """
    import os

    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        if total > 0:
            return int(total)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX platforms
        pass
    return 2**40  # pragma: no cover


def check_size(
    value: Any,
    name: str,
    *,
    low: int = 1,
    bytes_per_item: float = 8.0,
    max_bytes: float | None = None,
    caller: str | None = None,
    what: str = "",
) -> int:
    """Validate a count (draws, walkers, steps, budget, ...) and refuse it before allocating.

    The value must be an int (a bool or a float is refused, even ``2.0``) with ``value >= low``;
    ``value * bytes_per_item`` must not exceed ``max_bytes`` (default: the machine's physical
    memory, :func:`memory_limit`). The message gives the size asked and the memory it would need,
    so a huge size ends here instead of in numpy's ``MemoryError``.

    Parameters
    ----------
    value : int
        The size asked for.
    name : str
        Argument name used in messages.
    low : int, default 1
        Smallest accepted value.
    bytes_per_item : float, default 8
        Memory the call needs per unit of ``value`` (e.g. ``8 * n_features`` for rows of float64).
    max_bytes : float, optional
        Memory cap; defaults to :func:`memory_limit`.
    caller : str, optional
        Function name used in messages.
    what : str, optional
        What is allocated (e.g. ``"the trace"``), added to the message.

    Returns
    -------
    int

    Examples
    --------
    >>> from samplingstats._validation import check_size
    >>> check_size(1000, "n_samples")
    1000
    >>> check_size(10**18, "n_samples", caller="f", max_bytes=2**30)
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: The 'n_samples' parameter of f asks for 1000000000000000000 items, which would need 6.94 EiB (8 bytes each); the limit is 1 GiB.
    >>> check_size(2.5, "n_samples")
    Traceback (most recent call last):
    ...
    samplingstats._exceptions.InvalidParameterError: The 'n_samples' parameter must be an int in the range [1, inf). Got 2.5 instead.
    """  # noqa: E501
    check_param(
        value, [Interval(numbers.Integral, low, None, closed="left")], name=name, caller=caller
    )
    n = int(value)
    limit = memory_limit() if max_bytes is None else max_bytes
    need = float(n) * float(bytes_per_item)
    if need > limit:
        where = f" of {caller}" if caller else ""
        each = (
            format_bytes(bytes_per_item) if bytes_per_item >= 1024 else f"{bytes_per_item:g} bytes"
        )
        target = f" for {what}" if what else ""
        raise InvalidParameterError(
            f"The {name!r} parameter{where} asks for {n} items, which would need "
            f"{format_bytes(need)}{target} ({each} each); the limit is {format_bytes(limit)}."
        )
    return n
