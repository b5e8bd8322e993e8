"""GIL-free entry points to the lp sketch kernels, for the dask chunk tasks.

Dask's threaded scheduler (and a ``dask.distributed`` worker with several threads) runs chunk
tasks in threads of one process; a numba function holds the GIL unless compiled with
``nogil=True``, which serialised the tasks. These thin wrappers are ``nogil`` and call the
kernels of :mod:`samplingstats._kernels._sketch` from compiled code (so the GIL is released for
the whole call). They are not cached on disk (``cache=False``): a cached caller would not see a
change of the kernel it calls.
"""

from __future__ import annotations

from ._jit import njit
from ._sketch import osnap_dense_hashed, projected_sq_norms

__all__ = ["osnap_dense_hashed_nogil", "projected_sq_norms_nogil"]


@njit(nogil=True, cache=False)
def osnap_dense_hashed_nogil(A, scale, seed, s, k, nblocks):
    """:func:`~samplingstats._kernels._sketch.osnap_dense_hashed` without the GIL."""
    return osnap_dense_hashed(A, scale, seed, s, k, nblocks)


@njit(nogil=True, cache=False)
def projected_sq_norms_nogil(A, MT):
    """:func:`~samplingstats._kernels._sketch.projected_sq_norms` without the GIL."""
    return projected_sq_norms(A, MT)
