"""Deprecated spellings of the walks API (one release): keyword and attribute aliases.

Session 3 renamed ``base=`` to ``chain=`` and made ``n_steps`` keyword-only (CHANGELOG.md). Code
written for the old names keeps working for one release: the old keyword (or a positional
``n_steps``) is mapped to the new one with a :class:`FutureWarning` (not a DeprecationWarning,
which the test configuration turns into an error and which users do not see by default).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["renamed_parameters", "deprecated_attribute"]

F = TypeVar("F", bound=Callable[..., Any])

# the release in which the deprecated spellings go away
_REMOVED_IN = "0.6"


def _warn(msg: str, stacklevel: int) -> None:
    warnings.warn(
        f"{msg} The old spelling is deprecated and will be removed in samplingstats {_REMOVED_IN}.",
        FutureWarning,
        stacklevel=stacklevel + 1,
    )


def renamed_parameters(
    renames: dict[str, str], *, n_positional: int | None = None, positional: str | None = None
) -> Callable[[F], F]:
    """Decorator accepting old keyword names (``renames``: old -> new) and, when
    ``n_positional``/``positional`` are given, one extra positional argument after the first
    ``n_positional`` ones as the keyword-only ``positional`` (e.g. ``random_walk(G, 100)``).

    Both emit a FutureWarning naming the new spelling. Passing the old and the new name together
    is a TypeError naming both. The wrapped signature (``inspect.signature``) shows the new
    names only.
    """

    def deco(fn: F) -> F:
        name = fn.__name__

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if positional is not None and n_positional is not None and len(args) > n_positional:
                if len(args) > n_positional + 1:
                    raise TypeError(
                        f"{name}() takes {n_positional} positional arguments but {len(args)} "
                        "were given."
                    )
                if positional in kwargs:
                    raise TypeError(
                        f"{name}() got {positional!r} both as a keyword and positionally."
                    )
                _warn(
                    f"{name}: passing {positional!r} positionally is deprecated; use "
                    f"{name}(..., {positional}={args[-1]!r}).",
                    2,
                )
                kwargs[positional] = args[-1]
                args = args[:-1]
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{name}() got both {old!r} (the deprecated name) and {new!r}; "
                            f"pass {new!r} only."
                        )
                    _warn(f"{name}: the {old!r} parameter was renamed to {new!r}.", 2)
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return deco


def deprecated_attribute(old: str, new: str) -> property:
    """A read-only property ``old`` returning attribute ``new`` with a FutureWarning."""

    def get(self: Any) -> Any:
        _warn(f"{type(self).__name__}.{old} was renamed to {type(self).__name__}.{new}.", 2)
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of ``{new}``.")
