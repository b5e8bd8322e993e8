"""The lazy njit wrapper: compile on first call, nested kernels, prange, JIT off, thread counts."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from samplingstats._kernels import _jit

KERNELS = """
from samplingstats._kernels._jit import njit, prange

@njit
def double(x):
    return 2.0 * x

@njit
def total_doubled(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += double(a[i])
    return s

@njit(parallel=True)
def row_sums(a):
    out = np.empty(a.shape[0])
    for i in prange(a.shape[0]):
        out[i] = double(a[i].sum())
    return out

@njit
def uniforms(rng, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = rng.random()
    return out
"""


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    d = tmp_path_factory.mktemp("kern")
    (d / "ss_test_kernels.py").write_text("import numpy as np\n" + KERNELS)
    sys.path.insert(0, str(d))
    try:
        import ss_test_kernels

        yield ss_test_kernels
    finally:
        sys.path.remove(str(d))
        sys.modules.pop("ss_test_kernels", None)


def test_lazy_until_first_call(kernels):
    k = kernels.total_doubled
    assert isinstance(k, _jit.LazyKernel)
    assert "lazy" in repr(k)
    assert k(np.arange(5.0)) == 20.0
    assert "compiled" in repr(k)


def test_nested_kernel_and_prange_under_thread_counts(kernels):
    if not _jit.numba_available():
        pytest.skip("numba missing")
    import numba

    a = np.arange(12.0).reshape(4, 3)
    expected = 2 * a.sum(axis=1)
    old = numba.get_num_threads()
    try:
        for n in sorted({1, old}):
            numba.set_num_threads(n)
            np.testing.assert_array_equal(kernels.row_sums(a), expected)
    finally:
        numba.set_num_threads(old)


def test_generator_argument_advances_the_callers_stream(kernels):
    g = np.random.default_rng(123)
    inside = kernels.uniforms(g, 5)
    after = g.random()
    ref = np.random.default_rng(123)
    np.testing.assert_array_equal(inside, ref.random(5))
    assert after == ref.random()


def test_python_fallback_matches(kernels):
    a = np.arange(7.0)
    assert kernels.total_doubled.py_func(a) == kernels.total_doubled(a)


@pytest.mark.parametrize("env", [{"NUMBA_DISABLE_JIT": "1"}])
def test_disable_jit_runs_python(tmp_path, env):
    (tmp_path / "ss_k2.py").write_text("import numpy as np\n" + KERNELS)
    code = textwrap.dedent(
        """
        import numpy as np, ss_k2
        from samplingstats._kernels import _jit
        print(_jit.jit_disabled(), ss_k2.total_doubled(np.arange(4.0)),
              ss_k2.row_sums(np.ones((2, 2))).tolist())
        """
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            **env,
            "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        },
        check=True,
    )
    assert res.stdout.split() == ["True", "12.0", "[4.0,", "4.0]"]


def test_njit_decorator_forms():
    @_jit.njit(cache=False)
    def f(x):
        return x + 1

    assert f.options["cache"] is False and f(1) == 2
    g = _jit.njit(lambda x: x * 3, cache=False)
    assert g(2) == 6


def test_prange_placeholder_behaves_as_range():
    assert list(_jit.prange(3)) == [0, 1, 2]
    assert repr(_jit.prange) == "prange"


def test_num_threads_reported():
    assert _jit.get_num_threads() >= 1


def test_uncacheable_functions_compile_without_cache():
    # exec'd code has no source file: numba cannot cache it, the wrapper compiles it uncached.
    ns = {}
    exec("from samplingstats._kernels._jit import njit\n@njit\ndef f(x):\n    return x * 5\n", ns)
    assert ns["f"](3) == 15
