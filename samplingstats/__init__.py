"""samplingstats: statistical sampling and estimation.

Six method families share one set of numba CPU kernels and a torch backend:

- :mod:`samplingstats.dpp` -- DPP and volume sampling for weighted least squares;
- :mod:`samplingstats.lp` -- leverage scores, lp Lewis weights, sensitivity sampling, lp regression;
- :mod:`samplingstats.importance` -- adaptive importance sampling with control variates, Sobol' indices;
- :mod:`samplingstats.walks` -- self-repellent random walks on graphs and SA-SRRW;
- :mod:`samplingstats.cluster` -- SDP K-means and iLA-SDP estimators;
- :mod:`samplingstats.subsample` -- RS2 repeated random subsets for training loops.

Submodules are imported lazily (PEP 562): ``import samplingstats`` loads neither numba nor torch.
"""

import importlib as _importlib

from ._exceptions import ConvergenceWarning, InvalidParameterError
from ._optional import MissingOptionalDependency
from ._version import __version__

__all__ = [
    "__version__",
    "ConfidenceInterval",
    "ConvergenceWarning",
    "InvalidParameterError",
    "MissingOptionalDependency",
    "Result",
    "cluster",
    "dpp",
    "importance",
    "lp",
    "sampling",
    "subsample",
    "walks",
]

_SUBMODULES = frozenset({"cluster", "dpp", "importance", "lp", "sampling", "subsample", "walks"})


# public names that live in modules importing numpy: loaded on first access
_LAZY = {"Result": "._results", "ConfidenceInterval": "._results"}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = _importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_LAZY))
