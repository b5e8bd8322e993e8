"""Numba kernels of the polynomial-chaos surrogates (:mod:`samplingstats.importance._chaos`).

Both have a numpy counterpart in that module, used when the JIT is disabled and as the test
oracle (``tests/importance/test_chaos_fast.py``: bitwise equal). Kernels do not validate.
"""

from __future__ import annotations

from ._jit import njit

__all__ = ["design_kernel", "pair_lower"]


@njit
def design_kernel(T, inp, deg, nnz, out):
    """``out[a] = prod_j T[inp[a, j], deg[a, j]]`` over the ``nnz[a]`` non-constant factors of
    row ``a``, multiplied in input order from 1 (bitwise the same as the numpy product of
    ``samplingstats.importance._chaos._design_numpy``)."""
    P, n = out.shape
    for a in range(P):
        if nnz[a] == 0:
            for t in range(n):
                out[a, t] = 1.0
            continue
        i0, d0 = inp[a, 0], deg[a, 0]
        for t in range(n):
            out[a, t] = T[i0, d0, t]
        for j in range(1, nnz[a]):
            i1, d1 = inp[a, j], deg[a, j]
            for t in range(n):
                out[a, t] *= T[i1, d1, t]


@njit
def pair_lower(Gt, Gr, Gs, out):
    """``out[i, j] = (Gt[i, j] - Gr[i, j]) - Gs[i, j]`` on the lower triangle ``j <= i`` only
    (what LAPACK's ``dpotrf`` reads); the upper triangle of ``out`` is left as it was."""
    n = out.shape[0]
    for i in range(n):
        for j in range(i + 1):
            out[i, j] = (Gt[i, j] - Gr[i, j]) - Gs[i, j]
