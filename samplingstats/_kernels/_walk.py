"""Numba kernels for random walks on graphs in CSR form (base chains and self-repellent walks).

Every kernel advances many walkers at once: walkers are split into blocks of ``block`` walkers,
blocks run in parallel (``prange``) and, inside a block, the walkers take their steps round-robin
so that the cache misses of independent walkers overlap. One walker is the case of one block.

Random numbers come from one xoshiro256+ stream per walker (state ``states[w, :4]``, seeded by the
public wrapper from the caller's ``numpy.random.Generator``). A shared ``Generator`` cannot be used
from several threads, and per-walker streams make the result independent of the thread count and
of the block size.

Chains (``kind``):

- 0 uniform neighbour (simple random walk on an unweighted graph): ``j = indices[a + floor(u d)]``;
- 1 inverse CDF over the row's slots: ``cdf[s]`` is the cumulative transition probability of the
  row up to and including slot ``s``; ``u >= cdf[last]`` is the self-loop (lazy) mass;
- 2 non-backtracking: uniform over the neighbours other than the previous node (back only at
  degree one);
- 3 uniform proposal with acceptance: slot ``k = floor(u d)`` is accepted when the fractional part
  ``u d - k`` (uniform on [0, 1) and independent of ``k``) is below the slot's acceptance
  ``P_ij d_i <= 1`` (Metropolis–Hastings on an unweighted graph); rejection is the self-loop. Here
  ``cdf`` holds the pairs ``(j, acceptance)`` side by side (``cdf[2 s]``, ``cdf[2 s + 1]``). One
  uniform and one cache line per step, exact transition probabilities ``P_ij``.

Kernels do not validate; the wrappers in :mod:`samplingstats.walks` do.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import get_num_threads, njit, prange

__all__ = [
    "walk_kernel",
    "walk_steps",
    "walk_steps_serial",
    "walk_state",
    "srrw_kernel",
    "srrw_steps",
    "srrw_steps_serial",
    "trace_sums",
    "seed_states",
    "row_cumsum",
    "aligned_empty",
    "aligned_copy",
]

# Kernel calls with fewer walker-steps than this run their blocks on one thread (about a
# millisecond of work, against tens of microseconds to wake the threads on a quiet machine and
# far more on a loaded one); the walks do not depend on it.
PARALLEL_MIN_STEPS = 1 << 16

_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U45 = np.uint64(45)
_U19 = np.uint64(19)
_INV53 = 1.0 / 9007199254740992.0

# Cached self-repellent weights are clamped to [_WMIN, _WMAX] so that no row sum underflows to 0
# or overflows (a row's weighted sum is a convex combination, so it stays below _WMAX).
_WMIN = 1e-280
_WMAX = 1e280
# Rescale the counts when alpha * log(total mass) exceeds this (or the mass exceeds _MMAX).
_LOG_RESCALE = 100.0
_MMAX = 1e200


# Per-walker arrays that the walker blocks write step after step (positions, random states,
# the step-major trace) start on a cache line: a block of 32 walkers then owns whole lines
# (32 x 8 bytes = 4 lines, 32 x 32 bytes of states = 16 lines; a trace row of W int64 is a
# multiple of 64 bytes when W is a multiple of 8), so two threads never write the same line at a
# block boundary (false sharing). numpy only guarantees 16-byte alignment.
_ALIGN = 64


def aligned_empty(shape, dtype=np.float64):
    """``np.empty(shape, dtype)`` whose data starts on a 64-byte boundary."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    buf = np.empty(n * dtype.itemsize + _ALIGN, dtype=np.uint8)
    off = (-buf.ctypes.data) % _ALIGN
    return buf[off : off + n * dtype.itemsize].view(dtype).reshape(shape)


def aligned_copy(a):
    """A C-contiguous copy of ``a`` that starts on a 64-byte boundary."""
    out = aligned_empty(a.shape, a.dtype)
    out[...] = a
    return out


def seed_states(rng, n):
    """``n`` xoshiro256+ states (uint64, shape (n, 4)) drawn from a numpy Generator."""
    s = rng.integers(0, np.iinfo(np.uint64).max, size=(n, 4), dtype=np.uint64, endpoint=True)
    s[:, 0] |= np.uint64(1)  # never the all-zero state
    return aligned_copy(s)


@njit
def _next_double(states, w):
    s0 = states[w, 0]
    s1 = states[w, 1]
    s2 = states[w, 2]
    s3 = states[w, 3]
    result = s0 + s3
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _U45) | (s3 >> _U19)
    states[w, 0] = s0
    states[w, 1] = s1
    states[w, 2] = s2
    states[w, 3] = s3
    return float(result >> _U11) * _INV53


@njit
def _base_step(kind, i, prev, u, a, d, indices, cdf):
    """Next node from ``i`` (CSR row start ``a``, degree ``d``) for uniform ``u`` in [0, 1)."""
    if kind == 0:
        k = np.int64(u * d)
        if k >= d:
            k = d - 1
        return indices[a + k]
    if kind == 3:
        # cdf holds (neighbour, acceptance) pairs side by side: one cache line per proposal
        ud = u * d
        k = np.int64(ud)
        if k >= d:
            k = d - 1
        s2 = 2 * (a + k)
        j = np.int64(cdf[s2])
        keep = np.int64(ud - k < cdf[s2 + 1])  # branch-free accept / reject (self-loop)
        return i + keep * (j - i)
    if kind == 1:
        last = a + d - 1
        if u >= cdf[last]:
            return i  # self-loop mass
        lo = a
        hi = last
        while lo < hi:  # first slot with cdf > u (branch-free halving)
            mid = (lo + hi) >> 1
            go = cdf[mid] > u
            hi = mid if go else hi
            lo = lo if go else mid + 1
        return indices[lo]
    # non-backtracking
    if prev < 0 or d == 1:
        k = np.int64(u * d)
        if k >= d:
            k = d - 1
        return indices[a + k]
    k = np.int64(u * (d - 1))
    if k >= d - 1:
        k = d - 2
    j = indices[a + k]
    if j == prev:
        j = indices[a + d - 1]
    return j


def walk_kernel(indptr, indices, cdf, kind, starts, n_steps, states, block, trace):
    """Run ``starts.shape[0]`` walkers for ``n_steps`` steps; fill ``trace`` (n_steps + 1, W).

    The trace is stored step-major so that the walkers of a block write one contiguous run of
    memory per round (the wrapper returns its transpose). One call of :func:`walk_steps`.
    """
    pos, prev = walk_state(starts, trace, True)
    walk_steps(
        indptr, indices, cdf, kind, pos, prev, 1, n_steps, states, block, trace, True,
        _NO_VALS, _NO_ACC, 1, _NO_COUNTS, False,
    )  # fmt: skip


_NO_VALS = np.zeros((1, 1))
_NO_ACC = np.zeros((1, 1, 1))
_NO_COUNTS = np.zeros((1, 1), dtype=np.int64)


def walk_state(starts, trace, record):
    """Per-walker state ``(pos, prev)`` of :func:`walk_steps` at step 0 (writes trace row 0)."""
    pos = aligned_copy(np.asarray(starts, dtype=np.int64))
    prev = aligned_empty(pos.shape[0], np.int64)
    prev[:] = -1
    if record:
        trace[0, :] = pos
    return pos, prev


@njit(parallel=True)
def walk_steps(
    indptr,
    indices,
    cdf,
    kind,
    pos,
    prev,
    t0,
    t1,
    states,
    block,
    trace,
    record,
    vals,
    acc,
    batch_len,
    counts,
    accumulate,
):
    """Advance every walker from step ``t0 - 1`` to step ``t1`` (steps ``t0 .. t1`` inclusive).

    ``pos``/``prev`` (shape (W,)) and ``states`` hold each walker's state and are updated in
    place, so consecutive calls over ``[1, c], [c + 1, 2c], ...`` give bit for bit the walks of
    one call over ``[1, n]``. With ``record`` the node of step ``t`` goes to ``trace[t, w]``
    (step-major, shape (n_steps + 1, W)). With ``accumulate`` (the streaming mode, memory
    independent of the number of steps) the walker adds ``vals[j, :]`` to ``acc[w, b, :]`` for
    the node ``j`` of step ``t``, batch ``b = min((t - 1) // batch_len, n_batches - 1)``, and
    counts the visit in ``counts[block, j]`` (one row per block of walkers: no shared writes).

    Each round of a block runs in two short loops over its walkers, first reading every walker's
    row bounds, then drawing every walker's next node, so the independent cache misses of the
    walkers are in flight together. The blocks run in parallel (``prange``);
    :func:`walk_steps_serial` runs the same blocks one after the other (bit for bit the same
    walks), for calls too small to pay for waking the threads.
    """
    n_blocks = (pos.shape[0] + block - 1) // block
    for b in prange(n_blocks):
        _walk_block(
            b, indptr, indices, cdf, kind, pos, prev, t0, t1, states, block, trace, record, vals,
            acc, batch_len, counts, accumulate,
        )  # fmt: skip


@njit
def walk_steps_serial(
    indptr,
    indices,
    cdf,
    kind,
    pos,
    prev,
    t0,
    t1,
    states,
    block,
    trace,
    record,
    vals,
    acc,
    batch_len,
    counts,
    accumulate,
):
    """:func:`walk_steps` on one thread (the blocks in order; the same walks bit for bit)."""
    n_blocks = (pos.shape[0] + block - 1) // block
    for b in range(n_blocks):
        _walk_block(
            b, indptr, indices, cdf, kind, pos, prev, t0, t1, states, block, trace, record, vals,
            acc, batch_len, counts, accumulate,
        )  # fmt: skip


@njit
def _walk_block(
    b, indptr, indices, cdf, kind, pos, prev, t0, t1, states, block, trace, record, vals, acc,
    batch_len, counts, accumulate,
):  # fmt: skip
    """Steps ``t0 .. t1`` of the walkers of block ``b`` (see :func:`walk_steps`)."""
    n_walkers = pos.shape[0]
    n_batches = acc.shape[1]
    n_vals = vals.shape[1]
    lo = b * block
    hi = min(n_walkers, lo + block)
    m = hi - lo
    row = np.empty(m, dtype=np.int64)
    deg = np.empty(m, dtype=np.int64)
    for t in range(t0, t1 + 1):
        for k in range(m):
            i = pos[lo + k]
            row[k] = indptr[i]
            deg[k] = indptr[i + 1] - row[k]
        bt = (t - 1) // batch_len
        if bt >= n_batches:
            bt = n_batches - 1
        for k in range(m):
            w = lo + k
            i = pos[w]
            u = _next_double(states, w)
            j = _base_step(kind, i, prev[w], u, row[k], deg[k], indices, cdf)
            prev[w] = i
            pos[w] = j
            if record:
                trace[t, w] = j
            if accumulate:
                counts[b, j] += 1
                for c in range(n_vals):
                    acc[w, bt, c] += vals[j, c]


def srrw_kernel(
    indptr,
    indices,
    prob,
    selfp,
    mu,
    alphas,
    step_exponent,
    starts,
    n_steps,
    states,
    block,
    y,
    scale,
    trace,
    record,
    max_degree,
    group=None,
    chunk=None,
    on_chunk=None,
    checkpoints=(),
    on_checkpoint=None,
):
    """Self-repellent walks of a reversible base chain with cached weights.

    ``prob[s]`` is the base transition probability of CSR slot ``s``, ``selfp[i]`` the self-loop
    mass of node ``i``, ``mu`` the base chain's stationary distribution. ``alphas`` has length 1
    (constant alpha) or ``n_steps`` (alpha used for step ``t`` is ``alphas[t - 1]``). The empirical
    measure is ``x = scale[w] * y[w]``; on entry ``y[w] = mu`` and ``scale[w] = 1`` (x_0 = mu).
    Step sizes are ``gamma_n = (n + 1) ** -step_exponent``; the step from x_n to x_{n+1} uses
    gamma_{n+1}. The cached weight of node v is ``(y[w, v] / mu[v]) ** -alpha`` (K is invariant to
    the common factor ``scale ** -alpha``); one ``pow`` per step updates the visited node's weight.
    ``max_degree`` must be at least the largest degree; ``y`` is written back on exit.

    Walkers run in groups of ``group`` walkers (default: all), one group after the other, each
    group holding its per-walker state (``32 * n_nodes`` bytes a walker); inside a group the
    steps run in chunks of ``chunk`` steps (default: all) and ``on_chunk(n_walker_steps)`` is
    called after each. Every walker has its own random stream and its whole state is kept
    between chunks, so the result does not depend on ``group`` or ``chunk``. At each step ``t``
    of ``checkpoints`` (a chunk ends there) ``on_checkpoint(t, g0, x)`` receives the empirical
    measures ``x`` (rows sum to 1) of walkers ``g0 .. g0 + len(x) - 1``.

    Memory layout (per walker; all float64 arithmetic, so the draws are exact for the cached
    weights):

    - the record that the row scan gathers for each neighbour v holds the cached weight of v and
      v's CSR row (start and degree packed in one int64) side by side (16 bytes, one cache line),
      so once the next node j is drawn its row is known without another dependent read of
      ``indptr`` (the walk's critical path is one dependent miss shorter);
    - ``y_v / mu_v`` and ``1 / mu_v`` sit side by side in a second array, touched once per step;
    - the column indices are copied to int32 (half the bytes of the row reads; node counts are
      below 2**31: the per-walker state alone would need tens of GB otherwise).
    """
    n_walkers = starts.shape[0]
    n_nodes = mu.shape[0]
    group = n_walkers if group is None else max(1, int(group))
    chunk = max(n_steps, 1) if chunk is None else max(1, int(chunk))
    idx, rows, shift, inv_mu = srrw_prepare(indptr, indices, mu, max_degree)
    # the groups' state is allocated once (64-byte aligned: the blocks own whole cache lines) and
    # reused by every group; each block's walkers are initialised by the thread that walks them
    m_max = min(group, n_walkers)
    rec_all = aligned_empty((m_max, n_nodes, 2), np.int64)
    zr_all = aligned_empty((m_max, n_nodes, 2))
    pos_all = aligned_empty(m_max, np.int64)
    row_all = aligned_empty(m_max, np.int64)
    s_all = aligned_empty(m_max)
    mass_all = aligned_empty(m_max)
    st_all = aligned_empty((m_max, 4), np.uint64)
    for g0 in range(0, n_walkers, group):
        g1 = min(n_walkers, g0 + group)
        m = g1 - g0
        rec, zr = rec_all[:m], zr_all[:m]
        pos, row, s, mass = pos_all[:m], row_all[:m], s_all[:m], mass_all[:m]
        tr = trace[g0:g1] if record else trace
        st = st_all[:m]
        st[...] = states[g0:g1]
        srrw_init(
            rows, inv_mu, alphas[0], y[g0:g1], scale[g0:g1], starts[g0:g1], rec, zr, pos, row, s,
            mass, tr, record, block,
        )  # fmt: skip
        t0 = 1
        cps = sorted(int(c) for c in checkpoints if 1 <= c <= n_steps)
        while t0 <= n_steps:
            t1 = min(n_steps, t0 + chunk - 1)
            for c in cps:
                if c >= t0:
                    t1 = min(t1, c)
                    break
            # blocks in parallel only where it pays (two blocks or more, enough steps)
            par = m > block and m * (t1 - t0 + 1) >= PARALLEL_MIN_STEPS and get_num_threads() > 1
            (srrw_steps if par else srrw_steps_serial)(
                idx, shift, prob, selfp, alphas, step_exponent, t0, t1, st, block, rec, zr, pos,
                row, s, mass, tr, record, max_degree,
            )  # fmt: skip
            if on_chunk is not None:
                on_chunk(m * (t1 - t0 + 1))
            if on_checkpoint is not None and t1 in cps:
                x = zr[:, :, 0] * mu * s[:, None]
                on_checkpoint(t1, g0, x / x.sum(axis=1, keepdims=True))
            t0 = t1 + 1
        srrw_finish(zr, mu, s, y[g0:g1], scale[g0:g1])
        states[g0:g1] = st


@njit
def srrw_prepare(indptr, indices, mu, max_degree):
    """Shared read-only tables: int32 column indices, packed rows, the shift, ``1 / mu``."""
    n_nodes = mu.shape[0]
    idx = indices.astype(np.int32)
    # row = (start << shift) | degree with degree < 2**shift (start * 2**shift stays below 2**63
    # for any graph that fits in memory)
    shift = 1
    while (np.int64(1) << shift) <= max_degree:
        shift += 1
    rows = np.empty(n_nodes, dtype=np.int64)
    inv_mu = np.empty(n_nodes)
    for v in range(n_nodes):
        rows[v] = (indptr[v] << shift) | (indptr[v + 1] - indptr[v])
        inv_mu[v] = 1.0 / mu[v]
    return idx, rows, shift, inv_mu


@njit
def srrw_init(
    rows, inv_mu, alpha, y, scale, starts, rec, zr, pos, row, s, mass, trace, record, block
):
    """Per-walker state of a group of SRRW walkers from their masses ``y`` and ``scale``.

    Serial: once the weights are copied instead of recomputed (below) this is a memory-bound
    fill of 32 bytes per node and walker, a few per cent of a walk's time, that a second thread
    did not speed up 1.5x (issue 15; benchmarks/bench_walks.py --scaling). The cached weights ``(y_v / mu_v) ** -alpha`` are computed once for the
    first walker's masses and copied where another walker's ``y_v / mu_v`` is the same number
    (at the start every walker has ``y = mu``): one ``pow`` per node instead of one per node and
    walker, bit for bit the same weights.
    """
    n_nodes = inv_mu.shape[0]
    n_walkers = starts.shape[0]
    wt = rec.view(np.float64)
    z0 = np.empty(n_nodes)
    w0 = np.empty(n_nodes)
    for v in range(n_nodes):
        z = y[0, v] * inv_mu[v]
        z0[v] = z
        w0[v] = _weight(z, alpha)
    n_blocks = (n_walkers + block - 1) // block
    for b in range(n_blocks):
        for k in range(b * block, min(n_walkers, (b + 1) * block)):
            pos[k] = starts[k]
            s[k] = scale[k]
            mass[k] = 1.0 / s[k]
            if record:
                trace[k, 0] = pos[k]
            for v in range(n_nodes):
                z = y[k, v] * inv_mu[v]
                zr[k, v, 0] = z
                zr[k, v, 1] = inv_mu[v]
                rec[k, v, 1] = rows[v]
                wt[k, v, 0] = w0[v] if z == z0[v] else _weight(z, alpha)
            row[k] = rec[k, pos[k], 1]


@njit
def srrw_finish(zr, mu, s, y, scale):
    """Write a group's state back as masses ``y`` and ``scale`` (x = scale * y).

    Serial, as :func:`srrw_init`: a copy bound by memory bandwidth, a few per cent of a walk's
    time, that did not run 1.5x faster on 2 threads (issue 15; benchmarks/bench_walks.py
    --scaling)."""
    for k in range(s.shape[0]):
        scale[k] = s[k]
        for v in range(mu.shape[0]):
            y[k, v] = zr[k, v, 0] * mu[v]


@njit(parallel=True)
def srrw_steps(
    idx,
    shift,
    prob,
    selfp,
    alphas,
    step_exponent,
    t0,
    t1,
    states,
    block,
    rec,
    zr,
    pos,
    row,
    s,
    mass,
    trace,
    record,
    max_degree,
):
    """Advance a group of SRRW walkers over steps ``t0 .. t1`` (state updated in place).

    ``rec`` (gathered records: the bits of v's cached weight, read through the float64 view
    ``wt``, and v's packed CSR row), ``zr`` (``y_v / mu_v`` and ``1 / mu_v``), ``pos``, ``row``
    (packed CSR row of ``pos``), ``s`` (scale: x = s * y), ``mass`` (total mass of y = 1 / s
    up to renormalisations) and ``states`` are the walkers' whole state. The blocks run in
    parallel; :func:`srrw_steps_serial` runs them one after the other (the same walks bit for
    bit), for calls too small to pay for waking the threads.
    """
    n_blocks = (pos.shape[0] + block - 1) // block
    wt = rec.view(np.float64)
    for b in prange(n_blocks):
        _srrw_block(
            b, idx, shift, prob, selfp, alphas, step_exponent, t0, t1, states, block, wt, rec, zr,
            pos, row, s, mass, trace, record, max_degree,
        )  # fmt: skip


@njit
def srrw_steps_serial(
    idx,
    shift,
    prob,
    selfp,
    alphas,
    step_exponent,
    t0,
    t1,
    states,
    block,
    rec,
    zr,
    pos,
    row,
    s,
    mass,
    trace,
    record,
    max_degree,
):
    """:func:`srrw_steps` on one thread (the blocks in order; the same walks bit for bit)."""
    n_blocks = (pos.shape[0] + block - 1) // block
    wt = rec.view(np.float64)
    for b in range(n_blocks):
        _srrw_block(
            b, idx, shift, prob, selfp, alphas, step_exponent, t0, t1, states, block, wt, rec, zr,
            pos, row, s, mass, trace, record, max_degree,
        )  # fmt: skip


@njit
def _srrw_block(
    b, idx, shift, prob, selfp, alphas, step_exponent, t0, t1, states, block, wt, rec, zr, pos,
    row, s, mass, trace, record, max_degree,
):  # fmt: skip
    """Steps ``t0 .. t1`` of the SRRW walkers of block ``b`` (see :func:`srrw_steps`)."""
    n_walkers = pos.shape[0]
    n_nodes = zr.shape[1]
    n_alpha = alphas.shape[0]
    dmask = (np.int64(1) << shift) - 1
    # alpha in effect after step t0 - 1 (a schedule's value of the last step taken)
    alpha0 = alphas[0] if (n_alpha == 1 or t0 <= 1) else alphas[t0 - 2]
    lo = b * block
    hi = min(n_walkers, lo + block)
    m = hi - lo
    buf = np.empty(max_degree)
    alpha = alpha0
    limit = _mass_limit(alpha)
    for t in range(t0, t1 + 1):
        if n_alpha > 1 and alphas[t - 1] != alpha:
            alpha = alphas[t - 1]
            limit = _mass_limit(alpha)
            for k in range(lo, hi):
                _reweight(wt, zr, k, alpha)
        if step_exponent == 1.0:
            gamma = 1.0 / (t + 1.0)
        else:
            gamma = (t + 1.0) ** (-step_exponent)
        for k in range(lo, lo + m):
            i = pos[k]
            a = row[k] >> shift
            d = row[k] & dmask
            tot = selfp[i] * wt[k, i, 0]
            c0 = tot
            for q in range(d):
                tot += prob[a + q] * wt[k, idx[a + q], 0]
                buf[q] = tot
            u = _next_double(states, k) * tot
            j = i
            if u >= c0:
                # first slot whose cumulative weight exceeds u (binary search in buf)
                lo_s = 0
                hi_s = d - 1
                while lo_s < hi_s:  # branch-free halving (the weights are irregular)
                    mid = (lo_s + hi_s) >> 1
                    go = buf[mid] > u
                    hi_s = mid if go else hi_s
                    lo_s = lo_s if go else mid + 1
                j = np.int64(idx[a + lo_s])
                row[k] = rec[k, j, 1]  # in cache: gathered with j's weight
            # x_{n+1} = (1 - gamma) x_n + gamma delta_j  with x = s * y
            s_new = s[k] * (1.0 - gamma)
            inc = gamma / s_new
            zj = zr[k, j, 0] + inc * zr[k, j, 1]
            zr[k, j, 0] = zj
            mass[k] += inc
            s[k] = s_new
            r = math.exp(-alpha * math.log(zj))
            if r < _WMIN:
                r = _WMIN
            elif r > _WMAX:
                r = _WMAX
            wt[k, j, 0] = r
            pos[k] = j
            if record:
                trace[k, t] = j
            if mass[k] > limit:
                # renormalise: y <- x, s <- 1, recompute every cached weight (rare)
                f = s[k]
                for v in range(n_nodes):
                    zr[k, v, 0] *= f
                s[k] = 1.0
                mass[k] = 1.0
                _reweight(wt, zr, k, alpha)


@njit
def trace_sums(steps_major, vals, batch_len, n_batches):
    """Per walker and batch sums of ``vals[j, :]`` over steps ``1 .. n`` of a step-major trace
    (shape (n + 1, W)), added step by step in :func:`walk_steps`' order."""
    n_walkers = steps_major.shape[1]
    n_vals = vals.shape[1]
    acc = np.zeros((n_walkers, n_batches, n_vals))
    for w in range(n_walkers):
        for t in range(1, steps_major.shape[0]):
            bt = (t - 1) // batch_len
            if bt >= n_batches:
                bt = n_batches - 1
            j = steps_major[t, w]
            for c in range(n_vals):
                acc[w, bt, c] += vals[j, c]
    return acc


@njit
def _mass_limit(alpha):
    if alpha > 0.0:
        lim = math.exp(_LOG_RESCALE / alpha)
        if lim < _MMAX:
            return lim
    return _MMAX


@njit
def _weight(z, alpha):
    """``z ** -alpha`` clamped to [_WMIN, _WMAX]."""
    r = z ** (-alpha)
    if r < _WMIN:
        r = _WMIN
    elif r > _WMAX:
        r = _WMAX
    return r


@njit
def _reweight(wt, zr, k, alpha):
    """Cached weights ``wt[k, v, 0] = zr[k, v, 0] ** -alpha`` clamped to [_WMIN, _WMAX]."""
    for v in range(zr.shape[1]):
        wt[k, v, 0] = _weight(zr[k, v, 0], alpha)


@njit
def row_cumsum(indptr, vals):
    """Cumulative sums of ``vals`` restarted at each CSR row."""
    out = np.empty_like(vals)
    for i in range(indptr.shape[0] - 1):
        acc = 0.0
        for s in range(indptr[i], indptr[i + 1]):
            acc += vals[s]
            out[s] = acc
    return out
