"""Lazy numba ``njit`` wrapper.

- Nothing is imported or compiled at import time: the first call of a kernel imports numba and
  compiles it (numba's own dispatcher then specialises per argument types).
- ``cache=True`` by default, so compiled code is reused across processes (set ``NUMBA_CACHE_DIR``
  to keep the cache inside the checkout, as the Makefile does).
- Honours ``NUMBA_DISABLE_JIT=1`` (numba runs the Python function) and works without numba
  installed (the plain Python function is used, with :data:`prange` as ``range``).
- Kernels may call other lazy kernels and use :data:`prange`: before compiling a kernel, the
  lazy kernels and the ``prange`` placeholder it refers to are swapped for their numba objects in
  its module namespace.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading

__all__ = ["njit", "prange", "numba_available", "jit_disabled", "get_num_threads", "LazyKernel"]

_lock = threading.RLock()
# numba's ``workqueue`` threading layer aborts the process ("Concurrent access has been detected")
# when two Python threads launch parallel kernels at once. Launches of ``parallel=True`` kernels are
# serialised while the layer is workqueue or not yet known (before the first parallel launch);
# omp and tbb are thread safe and run unlocked.
_parallel_lock = threading.Lock()
_layer_safe: bool | None = None


def _threading_layer_is_safe() -> bool | None:
    """True/False once numba has chosen its threading layer, None before the first launch."""
    global _layer_safe
    if _layer_safe is None:
        try:
            import numba

            _layer_safe = numba.threading_layer() != "workqueue"
        except (ImportError, ValueError):  # ValueError: no parallel launch yet
            return None
    return _layer_safe


def numba_available() -> bool:
    """True when numba can be imported."""
    return importlib.util.find_spec("numba") is not None


def jit_disabled() -> bool:
    """True when kernels run as plain Python (``NUMBA_DISABLE_JIT=1`` or numba missing)."""
    return os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0") or not numba_available()


class _PRange:
    """Placeholder for ``numba.prange``: behaves as ``range`` in Python, replaced when compiling."""

    def __call__(self, *args):
        return range(*args)

    def __repr__(self) -> str:
        return "prange"


prange = _PRange()


def get_num_threads() -> int:
    """Number of numba threads (1 when numba is missing). Imports numba."""
    if not numba_available():
        return 1
    import numba

    return int(numba.get_num_threads())


class LazyKernel:
    """A kernel compiled with ``numba.njit(**options)`` on first call."""

    def __init__(self, func, options):
        self.py_func = func
        self.options = options
        self._dispatcher = None
        functools.update_wrapper(self, func)

    def dispatcher(self):
        """Return the compiled numba dispatcher (or the Python function when JIT is off)."""
        if self._dispatcher is None:
            with _lock:
                if self._dispatcher is None:
                    self._dispatcher = self._build()
        return self._dispatcher

    def _build(self):
        _resolve_globals(self.py_func)
        if not numba_available():
            return self.py_func
        import numba

        try:
            return numba.njit(**self.options)(self.py_func)
        except RuntimeError as exc:
            # Functions without a source file (doctests, notebooks, exec) cannot be cached on
            # disk; compile them uncached instead of failing.
            if not self.options.get("cache") or "cannot cache" not in str(exc):
                raise
            return numba.njit(**{**self.options, "cache": False})(self.py_func)

    def __call__(self, *args, **kwargs):
        disp = self.dispatcher()
        if self.options.get("parallel") and disp is not self.py_func:
            if not _threading_layer_is_safe():
                with _parallel_lock:
                    return disp(*args, **kwargs)
        return disp(*args, **kwargs)

    def __repr__(self) -> str:
        state = "compiled" if self._dispatcher is not None else "lazy"
        return f"<LazyKernel {self.py_func.__module__}.{self.py_func.__qualname__} ({state})>"


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _code_names(const)
    return names


def _resolve_globals(func):
    g = func.__globals__
    for name in _code_names(func.__code__):
        obj = g.get(name)
        if isinstance(obj, LazyKernel):
            g[name] = obj.dispatcher()
        elif isinstance(obj, _PRange) and numba_available():
            import numba

            g[name] = numba.prange


def njit(func=None, *, cache=True, parallel=False, fastmath=False, **options):
    """Decorator: a lazily compiled numba kernel.

    Parameters
    ----------
    cache : bool, default True
        Cache compiled code on disk (use False for kernels taking function arguments).
    parallel : bool, default False
        Compile with ``parallel=True`` (only over independent outer loops, with :data:`prange`).
    fastmath : bool, default False
        Only where NaN cannot occur.
    **options
        Passed to ``numba.njit``.

    Examples
    --------
    >>> from samplingstats._kernels._jit import njit
    >>> @njit
    ... def add(a, b):
    ...     return a + b
    >>> add(2, 3)
    5
    """
    opts = dict(cache=cache, parallel=parallel, fastmath=fastmath, **options)
    if func is None:
        return lambda f: LazyKernel(f, opts)
    return LazyKernel(func, opts)
