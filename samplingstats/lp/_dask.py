"""Dask paths of the lp functions for tall-skinny ``dask.array`` inputs chunked by rows.

Everything that needs the whole matrix is a small mergeable summary built chunk by chunk and
summed in chunk order on the driver, so the result does not depend on the scheduler (threaded or
``dask.distributed``) and only ``O(d^2)`` / ``O(s d)`` data travel back per chunk:

- Gram + Cholesky (``"auto"`` / ``"cholesky"``): ``G = sum_c A_c^T A_c``, ``L = chol(G)``, then
  ``tau_i = ||L^{-1} a_i||^2`` per chunk;
- ``"qr"`` / ``rcond``: :func:`dask.array.linalg.tsqr` (``Q`` row norms) and
  :func:`dask.array.linalg.svd` -- exact and stable, but the per-chunk ``Q`` factors are held until
  the stacked ``R`` is factored (``n d`` floats across the workers);
- ``"sketch"``: the hashed CountSketch / OSNAP of :mod:`samplingstats._kernels._sketch` is a
  function of the global row index, so per-chunk sketches (each hashed from its row offset) sum
  to the sketch of the whole matrix; ``R`` comes from the merged sketch and the JL row norms run
  per chunk. The same ``rng`` gives the same scores as the in-memory path (up to the summation
  order of the sketch, ~1e-15 relative);
- Lewis weights keep ``w`` as a persisted dask array (``n`` floats) and reweight per chunk;
- sampling gathers the ``n`` scores to draw the sample, and only the sampled rows of ``A`` (and
  ``b``) are brought into memory for the final solve.

dask is imported inside the functions; this module imports without it.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

from .._exceptions import InvalidParameterError
from .._progress import get_logger, progress_bar
from .._rng import as_generator
from .._validation import check_vector, refuse_complex
from ._common import (
    StageLog,
    augmented_scores,
    check_n_samples,
    is_dask_array,
    iteration_monitor,
    rank_error,
)
from ._core import (
    AUTO_ROWS_PER_COLUMN,
    CHOLESKY_MAX_COND,
    EXACT_SENSITIVITY_MAX_ROWS,
    SKETCH_MIN_ENTRIES,
    StallMonitor,
    block_gram,
    block_leverage_from_factor,
    check_scores_array,
    cholesky_cond,
    choose_leverage,
    combine_scores,
    default_max_iter,
    draw_sample,
    inverse_cholesky_t,
    lewis_bound_of_weights,
    one_blas_thread,
    rank_of_triangular,
    rank_tol,
    sampling_lewis_iter,
    sampling_lewis_tol,
    sketch_dims,
    sketch_projection,
    warn_lewis,
)
from ._results import LewisWeightsResult, LpRegressionResult
from ._solvers import check_sample_not_empty, check_solver_for_p, solve_sample

__all__ = [
    "is_dask_array",
    "dask_leverage_scores",
    "dask_lewis_weights",
    "dask_sensitivity_sample",
    "dask_lp_regression",
]

_GOLDEN = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
_LOCK = threading.Lock()


def _dask_array():
    """``dask.array``, through the one helper for optional packages."""
    from .._optional import import_optional

    return import_optional("dask.array", purpose="the dask path of samplingstats.lp")


def _dask_core():
    """``dask`` (compute / persist / delayed), through the one helper for optional packages."""
    from .._optional import import_optional

    return import_optional("dask", purpose="the dask path of samplingstats.lp")


# ----------------------------------------------------------------------------------------------
# input handling
# ----------------------------------------------------------------------------------------------
def as_dask_matrix(A, name="A", caller="leverage_scores"):
    """Validate a dask matrix and return it as float64, one chunk across the columns."""
    if A.ndim != 2:
        raise InvalidParameterError(
            f"Argument {name!r} of {caller} must be a 2-D array, got a dask array of shape "
            f"{A.shape}."
        )
    if any(math.isnan(c) for c in A.shape) or any(math.isnan(c) for cs in A.chunks for c in cs):
        raise InvalidParameterError(
            f"Argument {name!r} of {caller} has unknown chunk sizes; call "
            "A.compute_chunk_sizes() first."
        )
    n, d = A.shape
    if n < 1 or d < 1:
        raise InvalidParameterError(
            f"Argument {name!r} must have at least 1 row(s) and 1 column, got shape {A.shape}."
        )
    refuse_complex(A, name, caller=caller)
    kind = np.dtype(A.dtype).kind
    if kind not in "biuf":
        raise InvalidParameterError(
            f"Argument {name!r} of {caller} must have a real numeric dtype, got {A.dtype}."
        )
    if A.dtype != np.float64:
        A = A.astype(np.float64)
    if len(A.chunks[1]) > 1:
        A = A.rechunk({1: -1})
    return A


def as_dask_vector(b, A, name="b", caller="lp_regression"):
    """``b`` (numpy, list or dask, shape (n,)) as a float64 dask vector chunked like ``A``."""
    da = _dask_array()

    refuse_complex(b, name, caller=caller)
    if is_dask_array(b):
        if b.ndim != 1:
            raise InvalidParameterError(
                f"Argument {name!r} of {caller} must be 1-D, got a dask array of shape {b.shape}."
            )
    else:
        b = check_vector(b, name)
        if b.shape[0] == A.shape[0]:
            b = da.from_array(b, chunks=(A.chunks[0],))
    if b.shape[0] != A.shape[0]:
        raise InvalidParameterError(
            f"Found input variables with inconsistent numbers of samples: A has {A.shape[0]} "
            f"rows, {name} has {b.shape[0]} entries."
        )
    if b.dtype != np.float64:
        b = b.astype(np.float64)
    return b.rechunk((A.chunks[0],))


def _row_offsets(A):
    return np.concatenate([[0], np.cumsum(A.chunks[0])[:-1]]).astype(np.int64)


def _blocks(x):
    """Delayed row blocks of a dask matrix or vector, in order."""
    return list(x.to_delayed().ravel())


def _finite_error(name, caller, nbad):
    return InvalidParameterError(
        f"Argument {name!r} of {caller} contains NaN or infinite values ({nbad} entries)."
    )


def _needs_lock():
    """numba's workqueue threading layer is not thread safe: serialise kernel launches there."""
    try:
        import numba

        return numba.threading_layer() == "workqueue"
    except (ImportError, ValueError):  # no layer chosen yet (first launch): be safe
        return True


def _call_kernel(fn, *args):
    """Run a numba kernel on one thread: dask already runs one task per core (the setting is
    thread local, so other threads are not affected)."""
    import numba

    prev = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        if _needs_lock():
            with _LOCK:
                return fn(*args)
        return fn(*args)
    finally:
        numba.set_num_threads(prev)


# ----------------------------------------------------------------------------------------------
# per-chunk functions (run on the workers; module level so they pickle by reference)
# ----------------------------------------------------------------------------------------------
def _chunk_gram(X, sc, check=True):
    nbad = int(X.size - np.count_nonzero(np.isfinite(X))) if check else 0
    return block_gram(X, sc), nbad


def _chunk_sketch(X, sc, seed, offset, s, k, skip_zero_rows, check=True, keep=None):
    from .._kernels._scaleout import osnap_dense_hashed_nogil as osnap_dense_hashed

    X = np.ascontiguousarray(X, dtype=np.float64)
    nbad = int(X.size - np.count_nonzero(np.isfinite(X))) if check else 0
    scale = np.ones(X.shape[0]) if sc is None else np.ascontiguousarray(sc, dtype=np.float64)
    if skip_zero_rows:  # rows are numbered among the non-zero rows (as Lewis weights do)
        # the non-zero row mask when the caller has it, else computed
        keep = np.any(X != 0, axis=1) if keep is None else np.asarray(keep, dtype=bool)
        if not keep.all():
            X, scale = np.ascontiguousarray(X[keep]), np.ascontiguousarray(scale[keep])
    shifted = _shifted_seed(seed, offset, k)
    return _call_kernel(osnap_dense_hashed, X, scale, shifted, s, k, 1), nbad


def _shifted_seed(seed, offset, k):
    """The hash of global row ``offset + l`` is the hash of local row ``l`` under this seed."""
    shifted = (int(seed) + int(offset) * int(k) * _GOLDEN) & _MASK64
    if shifted >= 1 << 63:
        shifted -= 1 << 64  # same bits as an int64, so the kernel compiles once
    return shifted


def _chunk_rows_lt(X, sc, Linv_t):
    return block_leverage_from_factor(X, sc, Linv_t)


def _chunk_rows_sketch(X, sc, MT, r):
    from .._kernels._scaleout import projected_sq_norms_nogil as projected_sq_norms

    X = np.ascontiguousarray(X, dtype=np.float64)
    tau = _call_kernel(projected_sq_norms, X, MT)
    tau /= r
    if sc is not None:
        sc = np.asarray(sc, dtype=np.float64)
        tau *= sc * sc
    return tau


def _row_sq(Q):
    return np.einsum("ij,ij->i", Q, Q)


def _chunk_inspect(X):
    """(non-finite entries, non-zero row mask) of a chunk."""
    X = np.asarray(X)
    return int(X.size - np.count_nonzero(np.isfinite(X))), np.any(X != 0, axis=1)


def _chunk_bad(X):
    return np.array([_chunk_inspect(X)[0]])


def _chunk_count(mask):
    return np.array([int(np.count_nonzero(mask))])


def _chunk_nz(X):
    return np.any(np.asarray(X) != 0, axis=1)


def _sum_in_order(parts):
    total = parts[0][0].copy()
    nbad = parts[0][1]
    for part, bad in parts[1:]:
        total += part
        nbad += bad
    return total, nbad


# ----------------------------------------------------------------------------------------------
# leverage scores
# ----------------------------------------------------------------------------------------------
def _reduce(A, fn, scale, *extra):
    """``sum_c fn(A_c, scale_c, *extra_c)`` in chunk order; returns (sum, non-finite count)."""
    dask = _dask_core()
    delayed = _dask_core().delayed

    blocks = _blocks(A)
    scs = _blocks(scale) if scale is not None else [None] * len(blocks)
    parts = [
        delayed(fn, pure=True)(blk, sc, *(e[i] if isinstance(e, list) else e for e in extra))
        for i, (blk, sc) in enumerate(zip(blocks, scs))
    ]
    return dask.compute(delayed(_sum_in_order, pure=True)(parts))[0]


def _rowwise(A, fn, scale, *args):
    """Lazy ``(n,)`` dask vector ``fn(A_c, scale_c, *args)`` per chunk."""
    da = _dask_array()

    sc = None if scale is None else scale[:, None]
    return da.map_blocks(fn, A, sc, *args, drop_axis=1, dtype=np.float64)


def _rows_fn_lt(X, sc, Linv_t):
    return _chunk_rows_lt(X, None if sc is None else sc[:, 0], Linv_t)


def _rows_fn_sketch(X, sc, MT, r):
    return _chunk_rows_sketch(X, None if sc is None else sc[:, 0], MT, r)


def _lev_cholesky(A, scale, caller, name, *, strict):
    """Gram + Cholesky; None when not strict and ill conditioned (the caller falls back)."""

    n, d = A.shape
    G, nbad = _reduce(A, _chunk_gram, scale)
    if nbad:
        raise _finite_error(name, caller, nbad)
    L, cond = cholesky_cond(G)
    if L is None or cond > CHOLESKY_MAX_COND:
        if not strict:
            return None
        if L is None or cond > 1.0 / math.sqrt(rank_tol(n, d)):
            R = _tsqr_r(A, scale)
            rank = _rank_from_r(R)
            if rank < d:
                raise rank_error(caller, name, rank, d)
        if L is None:
            raise rank_error(caller, name, d - 1, d)
    Linv_t = _inverse_t(L)
    return _rowwise(A, _rows_fn_lt, scale, Linv_t)


def _inverse_t(L):
    with one_blas_thread():
        return np.ascontiguousarray(inverse_cholesky_t(L))


def _rank_from_r(R):

    return rank_of_triangular(R)


def _scaled_dask(A, scale):
    return A if scale is None else A * scale[:, None]


def _tsqr_r(A, scale):
    da = _dask_array()

    _, R = da.linalg.tsqr(_scaled_dask(A, scale))
    return R.compute()


def _lev_qr(A, scale, caller, name):
    dask = _dask_core()
    da = _dask_array()

    n, d = A.shape
    Q, R = da.linalg.tsqr(_scaled_dask(A, scale))
    tau, R = dask.compute(da.map_blocks(_row_sq, Q, drop_axis=1, dtype=np.float64), R)
    if not np.all(np.isfinite(R)):
        raise _finite_error(name, caller, int(np.count_nonzero(~np.isfinite(tau))) or 1)
    diag = np.abs(np.diag(R))
    if d and (diag.max() == 0 or diag.min() <= rank_tol(n, d) * diag.max()):
        rank = _rank_from_r(R)
        if rank < d:
            raise rank_error(caller, name, rank, d)
    return da.from_array(tau, chunks=(A.chunks[0],))


def _lev_svd(A, rcond, caller, name):
    da = _dask_array()

    U, sv, _ = da.linalg.svd(A)
    sv = sv.compute()
    if not np.all(np.isfinite(sv)):
        raise _finite_error(name, caller, 1)
    keep = np.flatnonzero(sv > rcond * (sv[0] if sv.size else 0.0))
    return da.map_blocks(_row_sq, U[:, keep], drop_axis=1, dtype=np.float64)


def _lev_sketch(A, scale, rng, caller, name, sketch_size, sparsity, jl_dim, nz_counts=None):

    n, d = A.shape
    if nz_counts is not None:
        n = int(np.sum(nz_counts))  # the in-memory Lewis path sketches the non-zero rows only
    s, k, r = sketch_dims(n, d, sketch_size, sparsity, jl_dim)
    k = min(k, s)
    s = (s // k) * k
    seed = int(rng.integers(0, 2**63 - 1))  # the same draws, in the same order, as in memory
    if nz_counts is None:
        offsets = [int(o) for o in _row_offsets(A)]
    else:  # hash by the index among the non-zero rows, as the in-memory Lewis path does
        offsets = [int(o) for o in np.concatenate([[0], np.cumsum(nz_counts)[:-1]])]
    SA, nbad = _reduce(A, _chunk_sketch, scale, seed, offsets, s, k, nz_counts is not None)
    if nbad:
        raise _finite_error(name, caller, nbad)
    MT = sketch_projection(SA, rng, r, caller, name)
    return _rowwise(A, _rows_fn_sketch, scale, MT, float(r))


def _dask_leverage(A, method, rng, *, scale=None, rcond=None, nz_counts=None, **names_sketch):
    """Lazy leverage scores of ``diag(scale) A`` (the small factor is computed eagerly).

    ``names_sketch``: ``caller`` and ``name`` (for messages) and the ``sketch_size``,
    ``sparsity`` and ``jl_dim`` of ``method="sketch"``."""
    caller = names_sketch.get("caller", "leverage_scores")
    name = names_sketch.get("name", "A")
    size, sparsity, jl_dim = (names_sketch.get(k) for k in ("sketch_size", "sparsity", "jl_dim"))
    return choose_leverage(
        method,
        rcond,
        svd=lambda: _lev_svd(_scaled_dask(A, scale), rcond, caller, name),
        sketch=lambda: _lev_sketch(
            A, scale, as_generator(rng), caller, name, size, sparsity, jl_dim, nz_counts
        ),
        cholesky=lambda strict: _lev_cholesky(A, scale, caller, name, strict=strict),
        qr=lambda: _lev_qr(A, scale, caller, name),
    )


def dask_leverage_scores(
    A, *, method="auto", rng=None, rcond=None, sketch_size=None, sparsity=None, jl_dim=None
):
    """:func:`~samplingstats.lp.leverage_scores` of a dask array: a lazy dask vector.

    The factor (``L``, ``R`` or the sketch's ``R``) is computed when this is called; the scores
    themselves are one more lazy pass over ``A`` (``.compute()`` them, or use them in a graph).
    """

    f32 = np.dtype(getattr(A, "dtype", np.float64)) == np.float32
    A = as_dask_matrix(A, "A", "leverage_scores")
    n, d = A.shape
    if n < d and rcond is None:
        raise rank_error("leverage_scores", "A", n, d)
    tau = _dask_leverage(
        A,
        method,
        rng,
        rcond=rcond,
        sketch_size=sketch_size,
        sparsity=sparsity,
        jl_dim=jl_dim,
    )
    return tau.astype(np.float32) if f32 else tau  # float32 in, float32 out, as in memory


# ----------------------------------------------------------------------------------------------
# Lewis weights
# ----------------------------------------------------------------------------------------------
def _lewis_map(tau, w, nz, p, tiny):
    """Per chunk: the Cohen-Peng map ``t(w)`` (0 on zero rows)."""
    tau = np.maximum(tau, tiny)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(nz, (tau / np.where(nz, w, 1.0) ** (1 - 2 / p)) ** (p / 2), 0.0)


def _lewis_next(tau, w, nz, p, tiny):
    """Per chunk: the next iterate (plain step for p < 4, damped geometric step otherwise)."""
    if p < 4:
        return _lewis_map(tau, w, nz, p, tiny)
    return np.where(nz, np.maximum(tau, tiny), 0.0)


def _lewis_ratio(tau, w, nz, p, tiny):
    """Per chunk: ``max |t_i / w_i - 1|`` over the non-zero rows (a length-1 array)."""
    return _lewis_ratio_of_map(_lewis_map(tau, w, nz, p, tiny), w, nz)


def _lewis_ratio_of_map(t, w, nz):
    """:func:`_lewis_ratio` given ``t = _lewis_map(tau, w, nz, p, tiny)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(nz, np.abs(t / np.where(nz, w, 1.0) - 1), 0.0)
    return np.array([r.max() if r.size else 0.0])


def _lewis_scale(w, nz, e):
    with np.errstate(divide="ignore"):
        return np.where(nz, np.where(nz, w, 1.0) ** e, 0.0)


def _inspect(A, name, caller):
    """One pass: non-finite entries (raises) and the persisted non-zero row mask."""
    dask = _dask_core()
    da = _dask_array()

    bad = da.map_blocks(_chunk_bad, A, drop_axis=1, chunks=((1,) * A.numblocks[0],), dtype=np.int64)
    nz = da.map_blocks(_chunk_nz, A, drop_axis=1, dtype=bool)
    counts = da.map_blocks(_chunk_count, nz, chunks=((1,) * A.numblocks[0],), dtype=np.int64)
    nz, bad, counts = dask.persist(nz, bad.sum(), counts)
    nbad = int(bad.compute())
    if nbad:
        raise _finite_error(name, caller, nbad)
    return nz, counts.compute()


# ----------------------------------------------------------------------------------------------
# fused Lewis iteration: one pass per iteration
# ----------------------------------------------------------------------------------------------
def _fused_chunk(X, w, nz, kind, factor, r, p, e, tiny, nxt_seed, offset, s, k, skip_zero):
    """One chunk of one Lewis iteration: this iteration's leverage scores of ``W^e A`` from the
    factor (``L^-T`` or the sketch's ``(R^-1 G)^T``), the next iterate, the residual, and -- while
    the chunk is in memory -- its part of the next iteration's summary (Gram or sketch).

    The sketch kind at ``p`` = 1 or 2, when the next sketch is requested, is one ``nogil``
    kernel reading each row once (:func:`_fused_chunk_one_pass`): 11.5 against 12.5 ms per
    250 000 x 20 chunk for the composition (14.6 before the composition stopped recomputing the
    map and the non-zero mask). Without the next sketch (the last iteration) the composition is
    faster (7.8 against 9.8 ms: numpy's vectorised divisions and square roots beat the kernel's
    per-row ones). For other ``p`` the powers ``w^e``, ``w^(1-2/p)`` and
    ``(.)^(p/2)`` are general powers: numpy's vectorised ``pow`` (SVML on AVX-512) costs about
    1 ns per entry, the C library's scalar ``pow`` that a numba loop calls about 14 ns, which
    made the one-pass kernel slower than the composition (25 against 15 ms per 250 000 x 20
    chunk at ``p = 3``), so :func:`_fused_chunk_composed` runs there."""
    if kind == "sketch" and nxt_seed is not None and _one_pass_powers(p):
        return _fused_chunk_one_pass(
            X, w, nz, kind, factor, r, p, e, tiny, nxt_seed, offset, s, k, skip_zero
        )
    return _fused_chunk_composed(
        X, w, nz, kind, factor, r, p, e, tiny, nxt_seed, offset, s, k, skip_zero
    )


def _one_pass_powers(p):
    """True when the kernel's powers are ``sqrt``, ``1 / sqrt``, ``1 / x`` or trivial."""
    e, a, h = 0.5 - 1.0 / p, 1.0 - 2.0 / p, p / 2.0
    return all(y in (0.0, 1.0, 2.0, 0.5, -1.0, -0.5) for y in (e, a, h))


def _fused_chunk_one_pass(X, w, nz, kind, factor, r, p, e, tiny, nxt_seed, offset, s, k, skip_zero):
    """The sketch kind of :func:`_fused_chunk` as one pass of
    :func:`~samplingstats._kernels._scaleout_lewis.lewis_sketch_chunk` (any ``p``; equal to
    :func:`_fused_chunk_composed` up to the last bits of the powers)."""
    from .._kernels._scaleout_lewis import lewis_sketch_chunk

    X = np.ascontiguousarray(X, dtype=np.float64)
    w = np.ascontiguousarray(w, dtype=np.float64)
    nz = np.ascontiguousarray(nz, dtype=np.bool_)
    want = nxt_seed is not None
    seed = _shifted_seed(nxt_seed, offset, k) if want else 0
    w_next, ratio, sketch = _call_kernel(
        lewis_sketch_chunk,
        X,
        w,
        nz,
        factor,
        float(r),
        float(p),
        float(e),
        float(tiny),
        want,
        seed,
        s,
        k,
        skip_zero,
    )
    return w_next, float(ratio), ((sketch, 0) if want else None)


def _fused_chunk_composed(X, w, nz, kind, factor, r, p, e, tiny, nxt_seed, offset, s, k, skip_zero):
    """:func:`_fused_chunk` as a composition of the per-chunk numpy / kernel steps (the gram
    kind's path; for the sketch kind, the reference of the one-pass kernel)."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    sc = _lewis_scale(w, nz, e)
    if kind == "gram":
        tau = _chunk_rows_lt(X, sc, factor)
    else:
        tau = _chunk_rows_sketch(X, sc, factor, r)
    t = _lewis_map(tau, w, nz, p, tiny)  # once: the next iterate (p < 4) and the residual
    w_next = t if p < 4 else _lewis_next(tau, w, nz, p, tiny)
    ratio = float(_lewis_ratio_of_map(t, w, nz)[0])
    summary = None
    if nxt_seed is not None or kind == "gram":
        sc_next = _lewis_scale(w_next, nz, e)
        if kind == "gram":
            summary = _chunk_gram(X, sc_next, False)  # finiteness: checked by the first pass
        else:
            summary = _chunk_sketch(
                X, sc_next, nxt_seed, offset, s, k, skip_zero, False, keep=nz if skip_zero else None
            )
    return w_next, ratio, summary


def _sum_summaries(parts):
    return _sum_in_order([p for p in parts if p is not None]) if parts[0] is not None else None


def _gram_factor(G, n, d, strict):
    """``L^-T`` from the Gram matrix, or None when it is too ill conditioned for "auto"."""

    L, cond = cholesky_cond(G)
    if L is None or cond > CHOLESKY_MAX_COND:
        if not strict:
            return None
        if L is None:
            raise rank_error("lewis_weights", "A", d - 1, d)
    return _inverse_t(L)


def _first_chunk(X, kind, seed, offset, s, k):
    """The first pass of the Lewis loop on one chunk: the unscaled Gram matrix or sketch (rows
    numbered from the chunk's row offset), the non-finite count and the non-zero row mask."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    nbad = int(X.size - np.count_nonzero(np.isfinite(X)))
    nzmask = np.any(X != 0, axis=1)
    if kind == "gram":
        summary = X.T @ X
    else:
        summary = _chunk_sketch(X, None, seed, offset, s, k, False)[0]
    return summary, nbad, nzmask


def _persist_parts(parts):
    """Compute the per-chunk tasks once, before the array and the delayed results are built from
    them: persisting an array together with delayed objects optimises each collection on its own
    (the array's graph fuses the chunk task into its ``getitem``), so every chunk task -- data
    generation or reading included -- ran twice."""
    dask = _dask_core()

    return list(dask.persist(*parts))


def _first_pass(A, kind, seed, s, k):
    """``(summary, nbad, nz, counts)``: one pass for the zero rows, the finiteness check and the
    first Gram matrix / sketch (unscaled: the first weights are uniform)."""
    dask = _dask_core()
    da = _dask_array()
    delayed = _dask_core().delayed

    offsets = [int(o) for o in _row_offsets(A)]
    parts = [
        delayed(_first_chunk, pure=True, nout=3)(blk, kind, seed, off, s, k)
        for blk, off in zip(_blocks(A), offsets)
    ]
    parts = _persist_parts(parts)
    nz = da.concatenate(
        [da.from_delayed(part[2], shape=(c,), dtype=bool) for part, c in zip(parts, A.chunks[0])]
    )
    total = delayed(_sum_in_order, pure=True)([(part[0], part[1]) for part in parts])
    nz, total = dask.persist(nz, total)
    summary, nbad = dask.compute(total)[0]
    if nbad:
        raise _finite_error("A", "lewis_weights", nbad)
    counts = da.map_blocks(_chunk_count, nz, chunks=((1,) * A.numblocks[0],), dtype=np.int64)
    return summary, nz, counts.compute()


def _lewis_fused(A, p, method, rng, tol, max_iter, on_iter=None, monitor=None, last_step=False):
    """The Lewis loop with one pass over ``A`` per iteration, plus a first pass that also finds
    the zero rows (a sketch is redone once if there are zero rows: they change the numbering).

    Returns ``("done", w, n_iter, converged, residual)``, or ``("qr", w, n_iter, nz, counts)``
    when "auto" meets an ill-conditioned Gram matrix (the caller continues with QR, as in memory
    where each such iteration uses QR). Random draws happen in the in-memory order: the next
    sketch's seed is read from a copy of the generator and drawn for real only when the next
    iteration takes place.
    """
    import copy

    dask = _dask_core()
    da = _dask_array()

    delayed = _dask_core().delayed

    n, d = A.shape
    e, tiny = 0.5 - 1.0 / p, 1e-300
    sketch = method == "sketch"

    def dims(rows):
        s, k, r = sketch_dims(rows, d, None, None, None)
        k = min(k, s)
        return (s // k) * k, k, r

    if sketch:
        s, k, r = dims(n)
        seed = int(rng.integers(0, 2**63 - 1))
        summary, nz, counts = _first_pass(A, "sketch", seed, s, k)
    else:
        s = k = r = 0
        summary, nz, counts = _first_pass(A, "gram", 0, 0, 0)
    m = int(counts.sum())
    if m < d:
        raise rank_error("lewis_weights", "A", m, d)
    skip_zero = m < n
    if skip_zero:  # rows are numbered among the non-zero rows, as in memory
        offsets = [int(o) for o in np.concatenate([[0], np.cumsum(counts)[:-1]])]
    else:
        offsets = [int(o) for o in _row_offsets(A)]
    if sketch and (skip_zero or dims(m) != (s, k, r)):
        s, k, r = dims(m)
        summary, _ = _reduce(A, _chunk_sketch, None, seed, offsets, s, k, skip_zero)
    w = da.where(nz, d / m, 0.0).persist()
    c = float(np.float64(d / m) ** e)  # the first weights are uniform: scale the summary
    summary = summary * (c * c if not sketch else c)
    res, converged, n_iter = math.inf, False, 0
    blocks, wb, nzb = _blocks(A), _blocks(w), _blocks(nz)
    for _ in range(max_iter):
        if sketch:
            factor = sketch_projection(summary, rng, r, "lewis_weights", "A")
            kind = "sketch"
        else:
            factor = _gram_factor(summary, n, d, strict=method == "cholesky")
            if factor is None:
                return "qr", w, n_iter, nz, counts
            kind = "gram"
        last = n_iter + 1 == max_iter
        nxt_seed = None
        if sketch and not last:
            nxt_seed = int(copy.deepcopy(rng).integers(0, 2**63 - 1))
        parts = [
            delayed(_fused_chunk, pure=True, nout=3)(
                blk, wc, nzc, kind, factor, float(r), p, e, tiny, nxt_seed, off, s, k, skip_zero
            )
            for blk, wc, nzc, off in zip(blocks, wb, nzb, offsets)
        ]
        parts = _persist_parts(parts)
        w_next = da.concatenate(
            [
                da.from_delayed(part[0], shape=(c,), dtype=np.float64)
                for part, c in zip(parts, A.chunks[0])
            ]
        )
        ratio = delayed(max, pure=True)([part[1] for part in parts])
        summ = (
            delayed(_sum_summaries, pure=True)([part[2] for part in parts])
            if (nxt_seed is not None or kind == "gram") and not last
            else None
        )
        w_next, ratio, summ = dask.persist(w_next, ratio, summ)
        ratio, summ = dask.compute(ratio, summ)
        n_iter += 1
        res = float(ratio)
        if on_iter is not None:
            on_iter(n_iter, res)
        if res <= tol or last:
            converged = res <= tol
            if last_step:  # as in memory: the last map's image
                w = w_next
            break
        if monitor is not None and monitor.stop(res):
            break  # keep w: the residual reported is that of the returned weights
        summary, nbad = summ
        if nbad:  # pragma: no cover - the first pass already checked every entry
            raise _finite_error("A", "lewis_weights", nbad)
        if sketch:
            drawn = int(rng.integers(0, 2**63 - 1))
            assert drawn == nxt_seed
        w = w_next
        wb = _blocks(w)
    return "done", w, n_iter, converged, res


def dask_lewis_core(
    A, p, method, rng, tol, max_iter, opts=None, *, warn=True, on_iter=None, last_step=False
):
    """The lp Lewis iteration on a validated dask matrix: ``(w, n_iter, converged, residual)``.

    ``w`` is a persisted dask vector; the iteration mirrors the in-memory one step for step.
    """
    dask = _dask_core()
    da = _dask_array()

    opts = opts or {}
    n, d = A.shape
    e = 0.5 - 1.0 / p
    res, converged, n_iter = math.inf, False, 0
    tiny = 1e-300
    monitor = StallMonitor()
    if p != 2 and method in ("auto", "cholesky", "sketch") and not opts:
        out = _lewis_fused(A, p, method, rng, tol, max_iter, on_iter, monitor, last_step)
        if out[0] == "done":
            _, w, n_iter, converged, res = out
            return _lewis_finish(w, n_iter, converged, res, p, tol, method, warn, monitor)
        # "auto" met an ill-conditioned Gram matrix: QR from here on
        _, w, n_iter, nz, counts = out
        method = "qr"
    else:
        nz, counts = _inspect(A, "A", "lewis_weights")
        m = int(counts.sum())
        if m < d:
            raise rank_error("lewis_weights", "A", m, d)
        w = da.where(nz, d / m, 0.0).persist()
    m = int(counts.sum())
    opts = {**opts, "nz_counts": counts if m < n else None}
    if p == 2:
        tau = _dask_leverage(A, method, rng, caller="lewis_weights", **opts)
        w = da.where(nz, tau, 0.0).persist()
        if on_iter is not None:
            on_iter(1, 0.0)
        return w, 1, True, 0.0
    for _ in range(max_iter - n_iter):
        scale = da.map_blocks(_lewis_scale, w, nz, e, dtype=np.float64)
        tau = _dask_leverage(A, method, rng, scale=scale, caller="lewis_weights", **opts)
        nxt = da.map_blocks(_lewis_next, tau, w, nz, p, tiny, dtype=np.float64)
        ratio = da.map_blocks(
            _lewis_ratio, tau, w, nz, p, tiny, chunks=((1,) * w.numblocks[0],), dtype=np.float64
        )
        # one graph: each chunk's tau (a pass over A) feeds both, and is then dropped
        nxt, rmax = dask.persist(nxt, ratio.max())
        n_iter += 1
        res = float(rmax.compute())
        if on_iter is not None:
            on_iter(n_iter, res)
        if res <= tol or n_iter == max_iter:
            converged = res <= tol
            if last_step:  # as in memory: the last map's image
                w = nxt
            break
        if monitor.stop(res):
            break  # keep w: the residual reported is that of the returned weights
        w = nxt
    return _lewis_finish(w, n_iter, converged, res, p, tol, method, warn, monitor)


def _lewis_finish(w, n_iter, converged, res, p, tol, method, warn, monitor=None):
    if not converged and warn and method != "sketch":
        warn_lewis(n_iter, p, res, tol, monitor, stacklevel=5)
    return w, n_iter, converged, res


def dask_lewis_weights(A, *, p, method="auto", tol=1e-8, max_iter=None, rng=None, progress=False):
    """:func:`~samplingstats.lp.lewis_weights` of a dask array (``weights`` is a dask vector)."""

    f32 = np.dtype(getattr(A, "dtype", np.float64)) == np.float32
    A = as_dask_matrix(A, "A", "lewis_weights")
    n, d = A.shape
    p = float(p)
    if n < d:
        raise rank_error("lewis_weights", "A", n, d)
    gen = as_generator(rng) if method == "sketch" else rng
    if max_iter is None:
        max_iter = default_max_iter(p, n, tol, method)
    log = get_logger("lp")
    log.info(
        "lewis_weights (dask, %d chunks): n=%d, d=%d, p=%g, method=%r, at most %d iterations",
        A.numblocks[0],
        n,
        d,
        p,
        method,
        max_iter,
    )
    t0 = time.perf_counter()
    with progress_bar(progress, total=max_iter, desc="lewis_weights", unit="iter") as bar:
        w, n_iter, converged, res = dask_lewis_core(
            A, p, method, gen, tol, max_iter, on_iter=iteration_monitor(bar, "lewis_weights")
        )
    log.info(
        "lewis_weights: %d iterations, residual %.3g, converged=%s, %.2f s",
        n_iter,
        res,
        converged,
        time.perf_counter() - t0,
    )
    if f32:  # float32 in, float32 out, as in memory (the iteration runs in float64)
        w = w.astype(np.float32).persist()
    return LewisWeightsResult(weights=w, n_iter=n_iter, converged=converged, residual=res, p=p)


# ----------------------------------------------------------------------------------------------
# sampling and regression
# ----------------------------------------------------------------------------------------------
def dask_sampling_scores(A, p, scores, rng, small_scores=None):
    """``sampling_scores`` for a validated dask matrix, as a numpy vector (n floats).

    ``small_scores(kind, A, p, scores, rng)``: the in-memory scores, passed in by the public layer
    (this executor does not import the in-memory one), used for exact sensitivities, which need
    the whole matrix anyway (``n <= 500`` rows)."""
    n, d = A.shape
    if n < d:
        raise rank_error("sensitivity_sample", "A", n, d)
    if scores == "uniform":
        return np.ones(n)
    big = n * d >= SKETCH_MIN_ENTRIES
    if (
        not big
        and scores in ("sensitivity", "augmented", "mixed")
        and (n <= EXACT_SENSITIVITY_MAX_ROWS)
    ):
        if small_scores is None:  # pragma: no cover - the public functions always pass it
            raise AssertionError("dask_sampling_scores: small_scores is needed for n <= 500")
        return small_scores("dense", np.ascontiguousarray(A.compute()), p, scores, rng)
    lev_method = "sketch" if big else "auto"

    def lewis():
        if big:
            k = sampling_lewis_iter(p, sketch=True)
            w, *_ = dask_lewis_core(A, p, "sketch", rng, 1e-3, k, warn=False, last_step=True)
        else:
            k, tol = sampling_lewis_iter(p), sampling_lewis_tol(p)
            w, *_ = dask_lewis_core(A, p, "auto", rng, tol, k, warn=False, last_step=True)
        return w.compute()

    def leverage():
        return _dask_leverage(A, lev_method, rng, caller="sensitivity_sample").compute()

    def sensitivities():
        return lewis_bound_of_weights(lewis(), d, p)

    return combine_scores(scores, p, lewis, leverage, sensitivities)


def _scores_array(scores, n):

    if is_dask_array(scores):
        scores = scores.compute()
    return check_scores_array(scores, n)


def dask_sensitivity_sample(
    A, *, p, n_samples, scores="lewis", mode="bernoulli", rng=None, small_scores=None
):
    """:func:`~samplingstats.lp.sensitivity_sample` of a dask array (a numpy ``RowSample``)."""

    A = as_dask_matrix(A, "A", "sensitivity_sample")
    n, d = A.shape
    p = float(p)
    check_n_samples(n_samples, n, mode, "sensitivity_sample")
    gen = as_generator(rng)
    if isinstance(scores, str):
        sigma = dask_sampling_scores(A, p, scores, gen, small_scores)
    else:
        sigma = _scores_array(scores, n)
    return draw_sample(np.ascontiguousarray(sigma, dtype=np.float64), n_samples, p, mode, gen, n)


def _lp_cost_chunk(X, b, x, p):
    r = np.abs(np.asarray(X) @ x - np.asarray(b).ravel())
    return np.array([float(r.sum()) if p == 1 else float(np.sum(r**p))])


def dask_lp_regression(
    A,
    b,
    *,
    p,
    n_samples=None,
    scores="lewis",
    solver="auto",
    rng=None,
    mode="bernoulli",
    tol=1e-10,
    max_iter=200,
    progress=False,
    small_scores=None,
):
    """:func:`~samplingstats.lp.lp_regression` with a dask ``A`` (and ``b``): sampled only.

    Scores are computed on the dask matrix ``[A b]``; only the sampled rows are brought into
    memory for the solve; the full-data cost is one more pass.
    """

    dask = _dask_core()
    da = _dask_array()

    from .._backend import is_torch

    p = float(p)
    if is_torch(b):
        raise InvalidParameterError(
            "Arguments 'A' and 'b' of lp_regression mix a dask array and a torch tensor; pass "
            "b as a numpy or dask array."
        )
    A = as_dask_matrix(A, "A", "lp_regression")
    bv = as_dask_vector(b, A, "b", "lp_regression")
    n, d = A.shape
    check_solver_for_p(solver, p)
    if n_samples is None:
        raise InvalidParameterError(
            "The 'n_samples' parameter of lp_regression must be set for a dask array: the full "
            "problem would need all of A in memory. Pass n_samples (about 25 d to 40 d rows), or "
            "A.compute() to solve the full problem in memory."
        )
    if isinstance(n_samples, str):  # "auto": the full problem is not available for dask input
        n_samples = min(AUTO_ROWS_PER_COLUMN * d, n)
    check_n_samples(n_samples, n, mode, "lp_regression")
    gen = as_generator(rng)
    stages = StageLog("lp_regression", progress, 4)
    stages.start(n, d, p, n_samples, scores if isinstance(scores, str) else "array")
    with stages:
        if isinstance(scores, str):
            Ab = da.concatenate([A, bv[:, None]], axis=1).rechunk({1: -1})
            sigma = augmented_scores(
                lambda X: dask_sampling_scores(X, p, scores, gen, small_scores), Ab, A, gen
            )
        else:
            sigma = _scores_array(scores, n)
        stages.done("scores")
        sample = draw_sample(
            np.ascontiguousarray(sigma, dtype=np.float64), n_samples, p, mode, gen, n
        )
        check_sample_not_empty(sample, n_samples)
        uniq, inverse = np.unique(sample.indices, return_inverse=True)
        rows, brows = dask.compute(A[uniq], bv[uniq])  # only the sampled rows come into memory
        rows, brows = rows[inverse], brows[inverse]
        As, bs = rows * sample.scale[:, None], brows * sample.scale
        if not (np.all(np.isfinite(As)) and np.all(np.isfinite(bs))):
            raise InvalidParameterError(
                "Argument 'A' or 'b' of lp_regression contains NaN or infinite values in the "
                "sampled rows."
            )
        stages.done(f"sample ({len(sample)} rows)")
        fit = solve_sample(As, bs, p, solver, tol, max_iter)
        stages.done(f"solve ({fit['solver']}, {fit['n_iter']} iterations)")
        parts = da.map_blocks(
            _lp_cost_chunk,
            A,
            bv[:, None],
            fit["coef"],
            p,
            drop_axis=1,
            chunks=((1,) * A.numblocks[0],),
            dtype=np.float64,
        )
        cost = float(parts.compute().sum())
        stages.done("cost")
    if not math.isfinite(cost):
        raise InvalidParameterError(
            "Argument 'A' or 'b' of lp_regression contains NaN or infinite values (the "
            "full-data cost is not finite)."
        )
    return LpRegressionResult(cost=cost, sample=sample, **fit)
