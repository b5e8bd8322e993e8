"""`import samplingstats` is light: no numba, no torch (and no numpy), submodules load lazily."""

import subprocess
import sys
import textwrap

import pytest

import samplingstats


def _run(code: str) -> str:
    res = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return res.stdout.strip()


def test_import_loads_neither_numba_nor_torch():
    out = _run(
        """
        import sys
        import samplingstats
        heavy = [m for m in ("numba", "torch", "numpy", "scipy", "sklearn", "cvxpy") if m in sys.modules]
        print(",".join(heavy) or "none")
        """
    )
    assert out == "none"


def test_version_and_exceptions_exported():
    assert isinstance(samplingstats.__version__, str)
    assert issubclass(samplingstats.InvalidParameterError, ValueError)
    assert issubclass(samplingstats.InvalidParameterError, TypeError)
    assert issubclass(samplingstats.ConvergenceWarning, UserWarning)


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        samplingstats.nope  # noqa: B018


def test_dir_lists_lazy_submodules():
    names = dir(samplingstats)
    for sub in ("dpp", "lp", "importance", "walks", "cluster", "subsample", "sampling"):
        assert sub in names


def test_kernel_modules_do_not_compile_or_import_numba_at_import():
    # Importing a kernel module only wraps functions; numba is imported at the first call.
    out = _run(
        """
        import sys
        import samplingstats._kernels._jit as jit
        from samplingstats._kernels._jit import njit
        @njit(cache=False)
        def f(x):
            return x + 1
        before = "numba" in sys.modules
        r = f(1)
        after = "numba" in sys.modules or not jit.numba_available()
        print(before, r, after)
        """
    )
    assert out == "False 2 True"
