"""Root pytest configuration: doctests run with numpy printing fixed, torch-dependent modules are
skipped when torch is missing, and matplotlib never opens a window."""

import importlib.util
import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# Keep numba's on-disk cache inside the checkout also when pytest is run without make.
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(__file__), ".numba_cache"))

_HAS_TORCH = importlib.util.find_spec("torch") is not None


def pytest_ignore_collect(collection_path, config):
    # Modules that import torch at module level are only collected when torch is installed.
    name = collection_path.name
    if not _HAS_TORCH and name.startswith("_torch"):
        return True
    if name in {"__main__.py", "conftest.py"} and collection_path.parent.name == "samplingstats":
        return True
    return None


def pytest_configure(config):
    # One BLAS thread for the whole session: the suite's matrices are small, and on 2 cores a
    # threaded BLAS next to numba's and torch's thread pools oversubscribes the machine (10-100x
    # slowdowns seen for tall-skinny products and eigh). Library code does not change this.
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return
    config._samplingstats_blas_limit = threadpool_limits(limits=1, user_api="blas")


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["np"] = np
    np.set_printoptions(legacy=False)
    yield
