"""Fused numba.cuda kernels: many random walkers on a GPU, the whole walk in one launch.

Each walker's whole ``n_steps`` loop runs inside one kernel launch (no per-step launch, no host
synchronisation), with the walker's xoshiro256+ state in registers. The kernels mirror the CPU
numba kernels of :mod:`samplingstats._kernels._walk` step by step:

- ``walk_kernel`` (base walks, one thread per walker; every chain ``kind`` of ``_base_step``:
  0 uniform slot, 1 inverse CDF, 2 non-backtracking, 3 packed MHRW acceptance). Same per-walker
  streams (``seed_states``), same ``_next_double`` arithmetic and the same float64 operations, so
  for the same states the GPU traces are *identical* to the CPU kernel's.
- ``srrw_block_kernel`` (self-repellent walks; one block of 32 threads per walker): cached
  weights ``(y_v / mu_v)^-alpha`` with one ``exp(-alpha log z)`` per step for the visited node,
  the row scan over the cached weights with the self-loop mass, clamping to [1e-280, 1e280], the
  scale / mass bookkeeping and the rare O(N) renormalisation, time-varying alpha, optional trace.
  The running sums are formed in the CPU kernel's slot order, so the draws are the CPU's;
  ``exp``/``log``/``pow`` come from libdevice on the GPU, so measures agree with the CPU kernel up
  to the last bits of those functions (exactly under numba's CUDA simulator, which runs the same
  Python arithmetic as the CPU).

Floating point: NVVM contracts ``a * b + c`` into a fused multiply-add by default (``-fma=1``;
numba's ``fastmath=False`` does not turn that off and ``cuda.jit`` exposes no option for it). Every
product that feeds a sum or a difference therefore goes through libdevice's ``__nv_dmul_rn`` /
``__nv_dadd_rn`` (PTX ``mul.rn`` / ``add.rn``, which are never contracted), which is what makes the
base-walk traces bit-identical to the CPU's.

Layout of the trace: step-major ``trace_T[t, w]`` (the threads of a warp write one contiguous run
per step, coalesced); the wrappers return the ``(W, n + 1)`` transposed view, as the CPU wrapper
does.

Layout of the SRRW state (``W`` walkers, ``N`` nodes, 16 bytes per walker and node): one block of
32 threads per walker (``srrw_block_kernel``). The lanes load up to 32 slots of the row at once,
so a row of degree <= 32 costs one memory latency instead of one per slot. State walker-major and
interleaved, ``st[w, v] = (weight, y_v / mu_v)``: the lanes of a block are one walker, so
node-major would give them nothing to coalesce, while walker-major keeps a block's accesses within
its walker's ``16 N`` bytes (few TLB pages); the interleaving brings each neighbour's ``y / mu`` in
the same sector as its weight, so the visited node's ``y / mu`` comes from the row scan (shared
memory), not from another dependent load. Rows of up to 256 slots keep all their running sums in
shared memory (no second pass). Measured on an H100 (BA(1e5, 5), 1e4 walkers, alpha = 5): 6.6e8
steps/s end to end (7.2e8 per step without the per-call set-up) with the MHRW base, 5.8e8 (6.7e8)
with the SRW base.

An earlier kernel ran one thread per walker (walking its row's slots one dependent load after
another); in the same H100 measurements (1e4 walkers) it reached only 1.7e8 (MHRW base) / 4.3e7
(SRW base) steps/s, and its node-major and walker-major state layouts were within run-to-run noise
of each other, so it was dropped.

Memory: ``16 N W`` bytes (16 GB at N = 1e5, W = 1e4), plus ``8 N W`` for the result.

Everything is built on first use (:func:`kernels`): importing this module imports neither numba.cuda
nor torch.
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["kernels", "cuda_usable", "fused_random_walk", "fused_srrw"]

_WMIN = 1e-280
_WMAX = 1e280
_LOG_RESCALE = 100.0
_MMAX = 1e200
_INV53 = 1.0 / 9007199254740992.0

# Threads per block of the base-walk kernel: small blocks spread a few thousand walkers over
# every SM.
WALK_THREADS = 128

_KERNELS = None
_USABLE = None


def cuda_usable() -> bool:
    """True when numba.cuda imports and sees a CUDA device (cached after the first call)."""
    global _USABLE
    if _USABLE is None:
        try:
            from numba import cuda

            _USABLE = bool(cuda.is_available())
        except Exception:  # noqa: BLE001 - any import / driver problem means "not usable"
            _USABLE = False
    return _USABLE


def kernels():
    """The compiled-on-first-call kernels ``(walk_kernel, srrw_block_kernel)``."""
    global _KERNELS
    if _KERNELS is None:
        _KERNELS = _build()
    return _KERNELS


cuda = None  # numba.cuda, bound by _build (a module global: the CUDA simulator swaps it)


def _numpy_aliases():
    """numba-cuda 0.30 registers overloads for ``np.row_stack`` / ``np.trapz`` when it builds its
    typing registry (first compile); NumPy 2.5 removed those names. Restore them as the aliases
    they were (only when missing), or no kernel compiles with that combination."""
    for old, new in (("row_stack", "vstack"), ("trapz", "trapezoid")):
        if not hasattr(np, old) and hasattr(np, new):
            setattr(np, old, getattr(np, new))


def _build():
    global cuda
    import math

    _numpy_aliases()

    from numba import config
    from numba import cuda as _cuda

    cuda = _cuda

    u11 = np.uint64(11)
    u17 = np.uint64(17)
    u45 = np.uint64(45)
    u19 = np.uint64(19)
    inv53 = _INV53
    wmin = _WMIN
    wmax = _WMAX
    log_rescale = _LOG_RESCALE
    mmax = _MMAX

    if getattr(config, "ENABLE_CUDASIM", 0) or os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        # the simulator runs Python arithmetic (no contraction, no libdevice)
        @cuda.jit(device=True)
        def mul(a, b):
            return a * b

        @cuda.jit(device=True)
        def add(a, b):
            return a + b

    else:
        from numba.cuda import libdevice

        @cuda.jit(device=True)
        def mul(a, b):
            return libdevice.dmul_rn(a, b)

        @cuda.jit(device=True)
        def add(a, b):
            return libdevice.dadd_rn(a, b)

    @cuda.jit(device=True)
    def next_double(s0, s1, s2, s3):
        result = s0 + s3
        t = s1 << u17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << u45) | (s3 >> u19)
        return float(result >> u11) * inv53, s0, s1, s2, s3

    @cuda.jit(device=True)
    def base_step(kind, i, prev, u, a, d, indices, table):
        if kind == 0:
            k = np.int64(u * d)
            if k >= d:
                k = d - 1
            return np.int64(indices[a + k])
        if kind == 3:
            ud = mul(u, np.float64(d))
            k = np.int64(ud)
            if k >= d:
                k = d - 1
            s2 = 2 * (a + k)
            j = np.int64(table[s2])
            if ud - k < table[s2 + 1]:
                return j
            return i
        if kind == 1:
            last = a + d - 1
            if u >= table[last]:
                return i
            lo = a
            hi = last
            while lo < hi:
                mid = (lo + hi) >> 1
                if table[mid] > u:
                    hi = mid
                else:
                    lo = mid + 1
            return np.int64(indices[lo])
        if prev < 0 or d == 1:
            k = np.int64(u * d)
            if k >= d:
                k = d - 1
            return np.int64(indices[a + k])
        k = np.int64(u * (d - 1))
        if k >= d - 1:
            k = d - 2
        j = np.int64(indices[a + k])
        if j == prev:
            j = np.int64(indices[a + d - 1])
        return j

    @cuda.jit
    def walk_kernel(
        indptr, indices, table, kind, starts, n_steps, states, trace, vals, acc, batch_len,
        counts, flags,
    ):  # fmt: skip
        """One walker per thread. ``flags & 4``: the node of step ``t`` goes to ``trace[t, w]``
        (step-major, (n_steps + 1, W)). Streaming: with ``flags & 1`` the visits go to
        ``counts[j]`` (atomic adds), with ``flags & 2`` the walker adds ``vals[j, :]`` to its own
        ``acc[w, b, :]`` (batch ``b = min((t - 1) // batch_len, n_batches - 1)``), step by
        step as the CPU kernel does (same sums bit for bit for the same streams)."""
        w = cuda.grid(1)
        if w >= starts.shape[0]:
            return
        s0 = states[w, 0]
        s1 = states[w, 1]
        s2 = states[w, 2]
        s3 = states[w, 3]
        i = np.int64(starts[w])
        prev = np.int64(-1)
        n_batches = acc.shape[1]
        n_vals = vals.shape[1]
        do_count = (flags & 1) != 0
        do_sum = (flags & 2) != 0
        record = (flags & 4) != 0
        if record:
            trace[0, w] = i
        for t in range(1, n_steps + 1):
            a = np.int64(indptr[i])
            d = np.int64(indptr[i + 1]) - a
            u, s0, s1, s2, s3 = next_double(s0, s1, s2, s3)
            j = base_step(kind, i, prev, u, a, d, indices, table)
            prev = i
            i = j
            if record:
                trace[t, w] = j
            if do_count:
                cuda.atomic.add(counts, j, 1)
            if do_sum:
                bt = (t - 1) // batch_len
                if bt >= n_batches:
                    bt = n_batches - 1
                for c in range(n_vals):
                    acc[w, bt, c] += vals[j, c]
        states[w, 0] = s0
        states[w, 1] = s1
        states[w, 2] = s2
        states[w, 3] = s3

    @cuda.jit(device=True)
    def clamp(r):
        if r < wmin:
            return wmin
        if r > wmax:
            return wmax
        return r

    @cuda.jit(device=True)
    def mass_limit(alpha):
        if alpha > 0.0:
            lim = math.exp(log_rescale / alpha)
            if lim < mmax:
                return lim
        return mmax

    @cuda.jit(device=True)
    def find_first(c, lo, hi, u):
        """First index in [lo, hi) with c > u, else hi (the CPU kernel's halving search)."""
        while lo < hi:
            mid = (lo + hi) >> 1
            if c[mid] > u:
                hi = mid
            else:
                lo = mid + 1
        return lo

    @cuda.jit(device=True)
    def reweight_rows(st, w, alpha, lane, lanes):
        for v in range(lane, st.shape[1], lanes):
            st[w, v, 0] = clamp(st[w, v, 1] ** (-alpha))

    @cuda.jit
    def srrw_block_kernel(
        indptr,
        indices,
        prob,
        selfp,
        mu,
        inv_mu,
        alphas,
        step_exponent,
        starts,
        n_steps,
        states,
        st,
        scale,
        trace,
        record,
        cap,
    ):
        """One SRRW walker per block of ``lanes <= 32`` threads (32 on a GPU).

        State walker-major and interleaved: ``st[w, v, 0]`` the cached weight, ``st[w, v, 1]``
        ``= y_v / mu_v`` (one 16-byte record: the row scan's load of a neighbour's weight brings
        its ``z`` in the same sector). The lanes load up to ``lanes`` slots of the current row
        at once (products ``P_ij w_j`` and the ``z_j`` into shared memory); every lane then adds
        the products in slot order (the CPU kernel's summation order, so the same running sums)
        and keeps its own slot's running sum. Every lane runs the walker's xoshiro stream and
        bookkeeping redundantly (the same values in registers), so the draw needs no broadcast.
        Lane 0 alone writes the visited node's record, after a barrier that follows every lane's
        reads; the current node's record is kept in registers (``wi``, ``zi``) and used in place
        of a load whenever a slot points back to it (self-loop), so no lane reads lane 0's last
        write before the next barrier. Rows of at most ``cap <= 256`` slots keep all their running
        sums and neighbour ``z`` in shared memory; longer rows are summed a second time up to
        the drawn slot (the same sums in the same order).
        """
        w = cuda.blockIdx.x
        lane = cuda.threadIdx.x
        lanes = cuda.blockDim.x
        if w >= starts.shape[0]:
            return
        sh_p = cuda.shared.array(32, dtype=np.float64)
        sh_c = cuda.shared.array(256, dtype=np.float64)
        sh_z = cuda.shared.array(256, dtype=np.float64)
        n_nodes = mu.shape[0]
        n_alpha = alphas.shape[0]
        s0 = states[w, 0]
        s1 = states[w, 1]
        s2 = states[w, 2]
        s3 = states[w, 3]
        i = np.int64(starts[w])
        s = scale[w]
        mass = 1.0 / s
        alpha = alphas[0]
        limit = mass_limit(alpha)
        if record and lane == 0:
            trace[0, w] = i
        for v in range(lane, n_nodes, lanes):
            st[w, v, 1] = mu[v] * inv_mu[v]  # y_0 = mu, as the CPU kernel's y * (1 / mu)
        reweight_rows(st, w, alpha, lane, lanes)
        cuda.syncthreads()
        wi = st[w, i, 0]  # record of the current node
        zi = st[w, i, 1]
        for t in range(1, n_steps + 1):
            if n_alpha > 1 and alphas[t - 1] != alpha:
                alpha = alphas[t - 1]
                limit = mass_limit(alpha)
                cuda.syncthreads()  # lane 0's last write before the lanes rewrite every weight
                reweight_rows(st, w, alpha, lane, lanes)
                cuda.syncthreads()
                wi = st[w, i, 0]
            if step_exponent == 1.0:
                gamma = 1.0 / (t + 1.0)
            else:
                gamma = (t + 1.0) ** (-step_exponent)
            a = np.int64(indptr[i])
            e = np.int64(indptr[i + 1])
            d = e - a
            c0 = mul(selfp[i], wi)
            tot = c0
            my_cum = 0.0
            # pass 1: the row's total, ``lanes`` slots per round; a row of at most ``cap`` slots
            # keeps every running sum and neighbour ``z`` in shared memory (no second pass)
            keep = d <= cap
            base = a
            while base < e:
                off = base - a
                sl = base + lane
                if sl < e:
                    v = np.int64(indices[sl])
                    if v == i:
                        wv = wi
                        zv = zi
                    else:
                        wv = st[w, v, 0]
                        zv = st[w, v, 1]
                    sh_p[lane] = mul(prob[sl], wv)
                    if keep:
                        sh_z[off + lane] = zv
                cuda.syncthreads()
                m = min(lanes, e - base)
                for k in range(m):
                    tot = add(tot, sh_p[k])
                    if k == lane:
                        my_cum = tot
                if keep and lane < m:
                    sh_c[off + lane] = my_cum
                if d > lanes:
                    cuda.syncthreads()  # the next round overwrites sh_p
                base += lanes
            u, s0, s1, s2, s3 = next_double(s0, s1, s2, s3)
            u = u * tot
            j = i
            zj = zi
            if u >= c0:
                # first slot (of the first d - 1) whose running sum exceeds u, else the last
                if keep:
                    cuda.syncthreads()  # the running sums are in sh_c
                    k = find_first(sh_c, 0, d - 1, u)
                    j = np.int64(indices[a + k])
                    zj = sh_z[k]
                else:
                    # a long row: a second pass, ``lanes`` running sums at a time
                    acc = c0
                    base = a
                    j = np.int64(indices[e - 1])
                    while base < e - 1:
                        sl = base + lane
                        if sl < e:
                            v = np.int64(indices[sl])
                            wv = wi if v == i else st[w, v, 0]
                            sh_p[lane] = mul(prob[sl], wv)
                        cuda.syncthreads()
                        m = min(lanes, e - 1 - base)
                        for k in range(m):
                            acc = add(acc, sh_p[k])
                            if k == lane:
                                my_cum = acc
                        if lane < m:
                            sh_c[lane] = my_cum
                        cuda.syncthreads()
                        if sh_c[m - 1] > u:
                            k = find_first(sh_c, 0, m - 1, u)
                            j = np.int64(indices[base + k])
                            break
                        cuda.syncthreads()
                        base += lanes
                    zj = zi if j == i else st[w, j, 1]
            cuda.syncthreads()  # every lane has read the shared buffers and the records
            s_new = s * (1.0 - gamma)
            inc = gamma / s_new
            zj = add(zj, mul(inc, inv_mu[j]))
            mass += inc
            s = s_new
            wi = clamp(math.exp(mul(-alpha, math.log(zj))))
            zi = zj
            i = j
            if lane == 0:
                st[w, j, 0] = wi
                st[w, j, 1] = zj
                if record:
                    trace[t, w] = j
            if mass > limit:
                # renormalise: y <- x, s <- 1, recompute every cached weight (rare)
                cuda.syncthreads()
                for v in range(lane, n_nodes, lanes):
                    st[w, v, 1] = st[w, v, 1] * s
                s = 1.0
                mass = 1.0
                reweight_rows(st, w, alpha, lane, lanes)
                cuda.syncthreads()
                wi = st[w, i, 0]
                zi = st[w, i, 1]
        if lane == 0:
            scale[w] = s
            states[w, 0] = s0
            states[w, 1] = s1
            states[w, 2] = s2
            states[w, 3] = s3

    return walk_kernel, srrw_block_kernel


def launch_walk(indptr, indices, table, kind, starts, n_steps, states, trace, stream=0):
    """Launch the base-walk kernel on arrays numba.cuda accepts (device arrays; numpy in the
    simulator). ``trace`` is step-major (n_steps + 1, W)."""
    launch_walk_stream(
        indptr, indices, table, kind, starts, n_steps, states, _dummy(trace, (1, 1), np.float64),
        _dummy(trace, (1, 1, 1), np.float64), 1, _dummy(trace, (1,), np.int64), 4, stream=stream,
        trace=trace,
    )  # fmt: skip


def _dummy(like, shape, dtype):
    """A small unused array where ``like`` lives (host in the simulator, device on a GPU)."""
    if isinstance(like, np.ndarray):
        return np.zeros(shape, dtype=dtype)
    from numba import cuda as numba_cuda

    return numba_cuda.device_array(shape, dtype=dtype)


def launch_walk_stream(
    indptr, indices, table, kind, starts, n_steps, states, vals, acc, batch_len, counts, flags,
    stream=0, trace=None,
):  # fmt: skip
    """Launch the base-walk kernel in streaming mode (no trace unless ``trace`` is given with
    ``flags & 4``): ``counts`` (n_nodes,) int64 gets the visits when ``flags & 1``, ``acc``
    (W, n_batches, k) float64 the per-walker batch sums of ``vals`` (n_nodes, k) when
    ``flags & 2``."""
    kern = kernels()[0]
    n = starts.shape[0]
    blocks = (n + WALK_THREADS - 1) // WALK_THREADS
    if trace is None:
        trace = _dummy(counts, (1, 1), np.int64)
    kern[blocks, WALK_THREADS, stream](
        indptr, indices, table, np.int64(kind), starts, np.int64(n_steps), states, trace, vals,
        acc, np.int64(batch_len), counts, np.int64(flags),
    )  # fmt: skip


def launch_srrw(
    indptr,
    indices,
    prob,
    selfp,
    mu,
    inv_mu,
    alphas,
    step_exponent,
    starts,
    n_steps,
    states,
    state,
    scale,
    trace,
    record,
    lanes=32,
    cap=256,
    stream=0,
):
    """Launch the SRRW kernel (``scale`` ones on entry): one block of ``lanes`` threads per
    walker; ``state`` is one array ``st`` (W, N, 2) (weight, ``y / mu``) per walker and node."""
    n = starts.shape[0]
    head = (
        indptr,
        indices,
        prob,
        selfp,
        mu,
        inv_mu,
        alphas,
        np.float64(step_exponent),
        starts,
        np.int64(n_steps),
        states,
    )
    tail = (scale, trace, bool(record))
    kernels()[1][n, lanes, stream](*head, state, *tail, np.int64(min(cap, 256)))


# ---------------------------------------------------------------------------------------------
# torch wrappers (CUDA tensors in, CUDA tensors out)


def _graph_arrays(g, dev):
    """indptr, indices on ``dev``; int32 when the graph fits (halves the gather traffic)."""
    torch = _torch()
    small = g.indices.shape[0] < 2**31 - 1 and g.n_nodes < 2**31 - 1
    dt = np.int32 if small else np.int64
    indptr = torch.as_tensor(np.ascontiguousarray(g.indptr, dtype=dt), device=dev)
    indices = torch.as_tensor(np.ascontiguousarray(g.indices, dtype=dt), device=dev)
    return indptr, indices


def _torch():
    from .._backend import import_torch

    return import_torch()


class _Launcher:
    """numba views of torch tensors and torch's current stream on the tensors' device.

    The kernel is launched on torch's current stream (``numba.cuda.external_stream``), so it is
    ordered after the torch operations that produced its inputs and before those that read its
    outputs, without a host synchronisation (``as_cuda_array(..., sync=False)``).
    """

    def __init__(self, dev):
        from numba import cuda

        torch = _torch()
        self.cuda = cuda
        self.dev = dev
        self.index = dev.index if dev.index is not None else torch.cuda.current_device()
        self.torch_stream = torch.cuda.current_stream(self.index)

    def __enter__(self):
        self._ctx = self.cuda.gpus[self.index]
        self._ctx.__enter__()
        ptr = int(self.torch_stream.cuda_stream)
        self.stream = self.cuda.external_stream(ptr) if ptr else self.cuda.default_stream()
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)
        return False

    def launch(self, fn, *args, **kw):
        """Call a launcher, silencing numba's low-occupancy warning (few walkers are fine)."""
        import warnings

        with warnings.catch_warnings():
            # NumbaPerformanceWarning lives in numba.core.errors or numba.cuda.core.errors
            # (numba-cuda): match the message
            warnings.filterwarnings("ignore", message=r".*under-utilization", category=Warning)
            fn(*args, stream=self.stream, **kw)

    def view(self, t):
        return self.cuda.as_cuda_array(t, sync=False)

    def states(self, states):
        """xoshiro states (W, 4) uint64 on the device: a torch int64 tensor (so torch's stream-
        ordered allocator owns the memory) viewed as uint64 by numba."""
        torch = _torch()
        t = torch.as_tensor(np.ascontiguousarray(states).view(np.int64), device=self.dev)
        self._keep = t
        return self.view(t).view(np.uint64)


def fused_random_walk(g, ch, starts, n_steps, gen, dev, record=True, vals=None, batch_len=1,
                      n_batches=1, count=False):  # fmt: skip
    """``(trace, counts, sums)`` as :func:`samplingstats.walks._torch_walk.torch_random_walk`.

    ``trace``: (W, n_steps + 1) int64 CUDA tensor (a transposed view of the step-major trace)
    when ``record``. Without ``record`` the streaming kernel runs: ``counts`` (n_nodes,) and
    ``sums`` (W, n_batches, k) CUDA tensors, memory independent of ``n_steps``. Consumes ``gen``
    exactly as the CPU path does (``seed_states(gen, W)``), so the trace equals
    ``random_walk(..., backend="numpy")``'s for the same ``rng`` and start nodes, and the
    streamed sums and counts equal the numba streaming kernel's bit for bit.
    """
    if not record:
        return _fused_stream(g, ch, starts, n_steps, gen, dev, vals, batch_len, n_batches, count)
    torch = _torch()
    W, states, indptr, indices, table, st = _walk_inputs(g, ch, starts, gen, dev)
    trace_T = torch.empty((n_steps + 1, W), dtype=torch.int64, device=dev)
    with _Launcher(dev) as L:
        L.launch(
            launch_walk,
            L.view(indptr),
            L.view(indices),
            L.view(table),
            ch.kind,
            L.view(st),
            n_steps,
            L.states(states),
            L.view(trace_T),
        )
    trace = trace_T.T
    counts = sums = None
    if count:
        counts = torch.bincount(trace[:, 1:].reshape(-1), minlength=g.n_nodes)
    if vals is not None:
        from .._kernels._walk import trace_sums

        # the sums of a recorded trace: on the host, in the CPU kernel's order
        sums = torch.as_tensor(
            trace_sums(trace_T.cpu().numpy(), np.ascontiguousarray(vals, dtype=np.float64),
                       int(batch_len), int(n_batches)),
            device=dev,
        )  # fmt: skip
    return trace, counts, sums


def _walk_inputs(g, ch, starts, gen, dev):
    """``(W, states, indptr, indices, table, starts)`` of the base-walk kernel on ``dev``; draws
    the per-walker xoshiro states from ``gen`` as the CPU path does (``seed_states(gen, W)``)."""
    from .._kernels._walk import seed_states

    torch = _torch()
    W = int(starts.shape[0])
    states = seed_states(gen, W)
    indptr, indices = _graph_arrays(g, dev)
    if ch.kind in (1, 3):
        table = torch.as_tensor(np.ascontiguousarray(ch.table, dtype=np.float64), device=dev)
    else:
        table = torch.zeros(1, dtype=torch.float64, device=dev)  # unused by kinds 0 and 2
    st = torch.as_tensor(np.ascontiguousarray(starts, dtype=np.int64), device=dev)
    return W, states, indptr, indices, table, st


def _fused_stream(g, ch, starts, n_steps, gen, dev, vals, batch_len, n_batches, count):
    torch = _torch()
    W, states, indptr, indices, table, st = _walk_inputs(g, ch, starts, gen, dev)
    flags = (1 if count else 0) | (2 if vals is not None else 0)
    counts = torch.zeros(g.n_nodes if count else 1, dtype=torch.int64, device=dev)
    if vals is not None:
        vals_t = torch.as_tensor(np.ascontiguousarray(vals, dtype=np.float64), device=dev)
        acc = torch.zeros((W, int(n_batches), vals_t.shape[1]), dtype=torch.float64, device=dev)
    else:
        vals_t = torch.zeros((1, 1), dtype=torch.float64, device=dev)
        acc = torch.zeros((1, 1, 1), dtype=torch.float64, device=dev)
    with _Launcher(dev) as L:
        L.launch(
            launch_walk_stream,
            L.view(indptr),
            L.view(indices),
            L.view(table),
            ch.kind,
            L.view(st),
            n_steps,
            L.states(states),
            L.view(vals_t),
            L.view(acc),
            int(batch_len),
            L.view(counts),
            flags,
        )
    return None, (counts if count else None), (acc if vals is not None else None)


def fused_srrw(g, ch, alphas, step_exponent, starts, n_steps, gen, record, dev):
    """Empirical measures (W, N) float64 CUDA tensor and the trace (W, n + 1) or None."""
    from .._kernels._walk import seed_states

    torch = _torch()
    W = int(starts.shape[0])
    N = int(g.n_nodes)
    states = seed_states(gen, W)
    indptr, indices = _graph_arrays(g, dev)

    def dev64(a):
        return torch.as_tensor(np.ascontiguousarray(a, dtype=np.float64), device=dev)

    prob = dev64(ch.prob)
    selfp = dev64(ch.selfp)
    mu_np = np.ascontiguousarray(ch.mu, dtype=np.float64)
    mu = dev64(mu_np)
    inv_mu = dev64(1.0 / mu_np)  # IEEE division on the host, as the CPU kernel's 1 / mu
    al = dev64(alphas)
    st = torch.as_tensor(np.ascontiguousarray(starts, dtype=np.int64), device=dev)
    st_ = torch.empty((W, N, 2), dtype=torch.float64, device=dev)
    scale = torch.ones(W, dtype=torch.float64, device=dev)
    shape = (n_steps + 1, W) if record else (1, 1)
    trace_T = torch.empty(shape, dtype=torch.int64, device=dev)
    with _Launcher(dev) as L:
        state = L.view(st_)
        L.launch(
            launch_srrw,
            L.view(indptr),
            L.view(indices),
            L.view(prob),
            L.view(selfp),
            L.view(mu),
            L.view(inv_mu),
            L.view(al),
            float(step_exponent),
            L.view(st),
            n_steps,
            L.states(states),
            state,
            L.view(scale),
            L.view(trace_T),
            bool(record),
        )
        del state
    # x = scale * y with y = z * mu (as the CPU wrapper), rows renormalised
    x = st_[:, :, 1] * mu[None, :]
    del st_
    x.mul_(scale[:, None])
    x /= x.sum(dim=1, keepdim=True)
    return x, (trace_T.T if record else None)


def toolchain_errors():
    """Exceptions that mean "the CUDA toolchain cannot build or launch here" (not kernel bugs)."""
    errs = [OSError, ImportError]
    try:
        from numba.cuda.cudadrv import error as cerr

        for name in (
            "CudaSupportError",
            "NvvmError",
            "NvvmSupportError",
            "LinkerError",
            "NvrtcError",
        ):
            e = getattr(cerr, name, None)
            if isinstance(e, type):
                errs.append(e)
    except Exception:  # noqa: BLE001
        pass
    return tuple(errs)


def fused_enabled() -> bool | None:
    """The ``SAMPLINGSTATS_WALKS_FUSED`` switch: ``"0"`` off, ``"1"`` on, unset/other: auto."""
    v = os.environ.get("SAMPLINGSTATS_WALKS_FUSED", "").strip().lower()
    if v in ("0", "false", "no", "off"):
        return False
    if v in ("1", "true", "yes", "on"):
        return True
    return None
