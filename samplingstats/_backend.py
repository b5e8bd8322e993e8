"""Array backends: numpy (numba kernels on CPU) and torch (CPU or CUDA), never imported eagerly.

Input type decides the backend: numpy in -> numpy out; torch in -> torch out on the same device.
Mixing numpy arrays and torch tensors in one call raises :class:`TypeError`.
"""

from __future__ import annotations

import contextlib
import importlib
import sys

import numpy as np

from ._exceptions import InvalidParameterError

__all__ = [
    "import_torch",
    "torch_available",
    "is_torch",
    "namespace",
    "check_same_backend",
    "to_numpy",
    "like",
    "resolve_backend",
    "resolve_device",
    "choose",
    "one_blas_thread",
    "blas_pools",
    "blas_threads",
]


def import_torch(purpose: str | None = None):
    """Import and return torch, or raise :class:`~samplingstats.MissingOptionalDependency`.

    The message names the ``torch`` extra (see constraints.txt for the pinned CPU build).
    """
    from ._optional import import_optional

    return import_optional("torch", purpose=purpose or "this code path")


def torch_available() -> bool:
    """True when torch can be imported (does not import it if it is not already loaded).

    Examples
    --------
    >>> from samplingstats._backend import torch_available
    >>> isinstance(torch_available(), bool)
    True
    """
    if "torch" in sys.modules:
        return True
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a finder that refuses torch, or a broken install
        return False


def is_torch(x) -> bool:
    """True if ``x`` is a torch tensor. Never imports torch.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._backend import is_torch
    >>> is_torch(np.zeros(3))
    False
    """
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def check_same_backend(**arrays) -> str:
    """Return ``"torch"`` or ``"numpy"``; raise TypeError when torch and non-torch arrays mix.

    ``None`` values are ignored. Python scalars count as neutral.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._backend import check_same_backend
    >>> check_same_backend(A=np.zeros((2, 2)), b=np.zeros(2))
    'numpy'
    """
    kinds = {}
    for name, a in arrays.items():
        if a is None or isinstance(a, (int, float, complex, bool)):
            continue
        kinds[name] = "torch" if is_torch(a) else "numpy"
    values = set(kinds.values())
    if len(values) > 1:
        t = [k for k, v in kinds.items() if v == "torch"]
        n = [k for k, v in kinds.items() if v == "numpy"]
        raise TypeError(
            "Mixed array backends: "
            + ", ".join(repr(k) for k in t)
            + " are torch tensors but "
            + ", ".join(repr(k) for k in n)
            + " are not. Pass all arrays as numpy arrays or all as torch tensors."
        )
    return values.pop() if values else "numpy"


def namespace(*arrays):
    """Array API namespace of the inputs (numpy or torch via ``array-api-compat``).

    Raises TypeError for mixed numpy/torch inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._backend import namespace
    >>> xp = namespace(np.ones(3))
    >>> float(xp.sum(xp.ones(3)))
    3.0
    """
    import array_api_compat

    check_same_backend(**{f"array {i}": a for i, a in enumerate(arrays)})
    arrays = [a for a in arrays if a is not None and not isinstance(a, (int, float, bool))]
    if not arrays:
        return array_api_compat.array_namespace(np.empty(0))
    return array_api_compat.array_namespace(*arrays)


def to_numpy(x, dtype=None):
    """Convert a tensor or array-like to a numpy array (detached, on the CPU).

    Examples
    --------
    >>> from samplingstats._backend import to_numpy
    >>> to_numpy([1, 2], dtype=float).tolist()
    [1.0, 2.0]
    """
    if is_torch(x):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=dtype)


def like(x, ref, dtype=None):
    """Convert numpy ``x`` to the backend and device of ``ref`` (numpy stays numpy).

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._backend import like
    >>> like(np.arange(3), np.zeros(1)).tolist()
    [0, 1, 2]
    """
    if is_torch(ref):
        torch = import_torch()
        t = torch.as_tensor(np.asarray(x), device=ref.device)
        return t.to(dtype) if dtype is not None else t
    return np.asarray(x, dtype=dtype)


def resolve_device(device=None):
    """Return a ``torch.device`` (default CPU); raise a clear error for unavailable CUDA."""
    torch = import_torch()
    dev = torch.device(device if device is not None else "cpu")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise InvalidParameterError(
            f"The 'device' parameter asks for {str(dev)!r} but CUDA is not available; "
            "use device='cpu'."
        )
    return dev


def resolve_backend(backend, *arrays, device=None, caller=None) -> str:
    """Resolve ``backend="auto" | "numpy" | "torch"`` to ``"numpy"`` or ``"torch"``.

    ``"auto"`` picks torch when an input is a tensor or a ``device`` is given, numpy otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._backend import resolve_backend
    >>> resolve_backend("auto", np.zeros(2))
    'numpy'
    """
    if backend not in ("auto", "numpy", "torch"):
        where = f" of {caller}" if caller else ""
        raise InvalidParameterError(
            f"The 'backend' parameter{where} must be a str among {{'auto', 'numpy', 'torch'}}. "
            f"Got {backend!r} instead."
        )
    kind = check_same_backend(**{f"array {i}": a for i, a in enumerate(arrays)})
    if backend == "auto":
        return "torch" if (kind == "torch" or device is not None) else "numpy"
    if backend == "torch":
        import_torch()
    return backend


# Size thresholds (number of elements) above which the vectorised array-API path beats the numba
# kernel for numpy inputs. Filled in per function from measurements in benchmarks/.
_THRESHOLDS: dict[str, int] = {}


def choose(x, size: int | None = None, *, function: str | None = None) -> str:
    """Pick ``"numba"`` (numpy input, CPU kernel) or ``"xp"`` (array-API path).

    Torch inputs always take the array-API path so they stay on their device. Numpy inputs take
    the numba kernel unless a measured threshold for ``function`` says the vectorised path is faster
    at this ``size``.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._backend import choose
    >>> choose(np.zeros(10))
    'numba'
    """
    if is_torch(x):
        return "xp"
    if function is not None and size is not None:
        threshold = _THRESHOLDS.get(function)
        if threshold is not None and size >= threshold:
            return "xp"
    return "numba"


_BLAS_POOLS: list = []


def blas_pools():
    """threadpoolctl's controller of the BLAS libraries (looked up once, a few ms), or None."""
    if not _BLAS_POOLS:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl is a core dependency
            _BLAS_POOLS.append(None)
        else:
            _BLAS_POOLS.append(ThreadpoolController().select(user_api="blas"))
    return _BLAS_POOLS[0]


def blas_threads():
    """The number of threads the caller lets BLAS use (the most over the BLAS libraries loaded)."""
    pools = blas_pools()
    if pools is None:  # pragma: no cover
        return 1
    return max([int(lc.num_threads) for lc in pools.lib_controllers] or [1])


@contextlib.contextmanager
def one_blas_thread():
    """Run the block on one BLAS thread (threadpoolctl; restored on exit).

    For small dense factorisations and solves in loops (the sketched lp paths, the DPP bases'
    ``m x m`` factorisations, the chaos surrogates of :mod:`samplingstats.importance`): they are
    too small to gain from threads, but a multi-threaded BLAS synchronises its threads in every
    call (on a busy 2-core machine the lp paths' 1000 x 50 QR took 30-100x longer on 2 BLAS
    threads than on 1, ``python -m benchmarks.bench_lp threads``; ``eigh`` of a 200 x 200 Gram
    matrix about 1000x). The BLAS pools are looked up once (threadpoolctl's library scan, a few
    ms: ``threadpool_limits`` repeats it on every call), then a limit and its restore cost
    ~0.05 ms, skipped when every pool already runs one thread.
    """
    pools = blas_pools()
    if pools is None or blas_threads() <= 1:  # nothing to limit
        yield
        return
    with pools.limit(limits=1):
        yield
