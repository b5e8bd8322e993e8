"""One-pass kernel of a sketched Lewis iteration on one dask chunk.

:func:`lewis_sketch_chunk` does, in a single pass over the rows of a chunk (each row read once),
what the composition of the per-chunk numpy steps of ``samplingstats.lp._dask`` does for the
sketch kind of the fused Lewis loop: this iteration's sketched leverage scores of ``W^e A``
(:func:`~samplingstats._kernels._sketch.projected_sq_norms`, then ``/ r`` and ``* sc^2``), the
next iterate and the residual term of the Cohen-Peng map, and the row's part of the next
iteration's OSNAP sketch (the arithmetic and summation order of
:func:`~samplingstats._kernels._sketch.osnap_dense_hashed` with one block, the same hash of the
row number).

It is ``nogil`` and meant to run on one numba thread (a dask task runs one per core: call it
through ``_call_kernel`` of :mod:`samplingstats.lp._dask`). The rows go in blocks of
:data:`_BLOCK`: the block's projections first, by the shared
:func:`~samplingstats._kernels._sketch.projected_sq_norms` (serial, like every lp kernel: see
:mod:`samplingstats._kernels._sketch`), then the rest of the row's work while the block is in
cache. Not cached on disk (``cache=False``), like :mod:`samplingstats._kernels._scaleout`: a
cached kernel would not see a change of the kernels it calls.

Arithmetic differences with the numpy composition: only the powers ``w^e``, ``w^(1 - 2/p)`` and
``(.)^(p/2)`` (the projections are the same machine code, the sketch the same operations in the
same order). numpy computes ``x ** y`` with fast paths for ``y`` in ``{0, 0.5, 1, 2, -1}``
(``ones``, ``sqrt``, copy, ``x * x``, ``1 / x``), reproduced exactly by :func:`_npow`, and
otherwise with its SIMD ``pow`` loop (SVML on AVX-512 machines), which is not correctly rounded;
the kernel uses ``1 / sqrt(x)`` for ``y = -1/2`` (``e`` at ``p = 1``) and the C library's
``pow`` for the other exponents. They differ by about one unit in the last place on some of the
entries, so the results agree to ~1e-15 relative, bitwise only at ``p = 2``.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit
from ._sketch import _hash_entry, projected_sq_norms

__all__ = ["lewis_sketch_chunk"]


@njit(cache=False)
def _npow(x, y):
    """``x ** y`` with numpy's scalar-exponent fast paths (bitwise equal to numpy there)."""
    if y == 0.0:
        return 1.0
    if y == 1.0:
        return x
    if y == 2.0:
        return x * x
    if y == 0.5:
        return np.sqrt(x)
    if y == -1.0:
        return 1.0 / x
    return x**y


@njit(cache=False)
def _fpow(x, y):
    """:func:`_npow`, plus ``x^(-1/2) = 1 / sqrt(x)`` (the ``e`` of ``p = 1``): within about one
    unit in the last place of ``pow``, several times cheaper than a scalar ``pow`` call."""
    if y == -0.5:
        return 1.0 / np.sqrt(x)
    return _npow(x, y)


_BLOCK = 4096  # rows per block: projected first, then updated and sketched while in cache


@njit(nogil=True, cache=False)
def lewis_sketch_chunk(X, w, nz, MT, r, p, e, tiny, want_next, seed, s, k, skip_zero):
    """One sketched Lewis iteration on a chunk, one pass over its rows (in blocks).

    Parameters: ``X`` (``n x d`` float64 C-contiguous chunk), ``w`` (its current weights), ``nz``
    (bool, its non-zero rows), ``MT`` (``r x d``: ``(R^-1 G)^T``), ``r`` (float: the JL
    dimension), ``p``, ``e = 1/2 - 1/p``, ``tiny`` (floor of the scores), ``want_next`` (also
    sketch ``W_next^e X``), ``seed`` (int64: the hash seed already shifted to the chunk's first
    row number), ``s``, ``k`` (sketch rows and sparsity), ``skip_zero`` (rows are numbered among
    the non-zero rows only).

    Returns ``(w_next, ratio, sketch)``: ``w_next`` is the next iterate (``0`` on zero rows; the
    plain map for ``p < 4``, the floored score otherwise), ``ratio`` is ``max |t_i / w_i - 1|``
    over the non-zero rows (``0`` for none; NaN propagates), ``sketch`` is the ``s x d`` chunk
    sketch (``0 x d`` when ``want_next`` is false).
    """
    n, d = X.shape
    a = 1.0 - 2.0 / p
    h = p / 2.0
    damped = p >= 4
    w_next = np.empty(n)
    ratio = 0.0
    block = s // k
    inv = 1.0 / np.sqrt(k)
    rows = block * k if want_next else 0
    buf = np.zeros((rows, d))
    row = 0  # the row's number in the sketch (local; the seed carries the chunk offset)
    for i0 in range(0, n, _BLOCK):
        i1 = min(n, i0 + _BLOCK)
        proj = projected_sq_norms(X[i0:i1], MT)  # the shared kernel, one block at a time
        for i in range(i0, i1):
            if nz[i]:
                wi = w[i]
                sc = _fpow(wi, e)
                tau = proj[i - i0] / r
                tau *= sc * sc
                taum = tiny if tau < tiny else tau  # np.maximum (NaN propagates)
                t = _fpow(taum / _fpow(wi, a), h)
                wn = taum if damped else t
                rr = abs(t / wi - 1.0)
                if rr > ratio or rr != rr:
                    ratio = rr
            else:
                wn = 0.0
                if skip_zero:
                    w_next[i] = wn
                    continue
            w_next[i] = wn
            if want_next:
                g0 = (_fpow(wn, e) if nz[i] else 0.0) * inv
                for j in range(k):
                    hb, sg = _hash_entry(seed, row, j, k, block)
                    g = sg * g0
                    for c in range(d):
                        buf[hb, c] += g * X[i, c]
                row += 1
    out = np.zeros((rows, d))
    out += buf  # as osnap_dense_hashed sums its block buffers (0 + x: the signs of zeros too)
    return w_next, ratio, out
