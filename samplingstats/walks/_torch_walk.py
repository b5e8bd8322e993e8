"""Torch paths: many walkers stepped together on a device (CPU or CUDA).

State is one position per walker (and, for the SRRW, one row of visit masses per walker); a step
gathers the current rows' CSR slots and picks the next node for every walker at once:

- uniform neighbour: ``indices[indptr[pos] + floor(u * deg[pos])]``;
- uniform proposal accepted with probability ``P_ij deg_i`` (MHRW on unweighted graphs);
- inverse CDF: ``searchsorted`` of ``pos + u`` in the globally increasing ``row + cdf`` array
  (a result past the row is the self-loop mass);
- non-backtracking: uniform over ``deg - 1`` slots, the previous node swapped for the last slot;
- SRRW: log-weights ``log P_ij - alpha (log y_j - log mu_j)`` over the slots padded to the largest
  current degree, plus the self-loop column, and a Gumbel-max choice (no underflow at any alpha).

Results are reproducible per device (the ``torch.Generator`` is seeded from the caller's numpy
Generator) but differ from the numba kernels' streams.

On a CUDA device, when numba.cuda is usable, both functions run the fused kernels of
:mod:`samplingstats.walks._cuda_walk` instead (one thread per walker for the base walks and one
32-thread block per walker for the SRRW, the whole walk in one launch, the numba kernels'
per-walker xoshiro256+ streams: base-walk traces then equal the numpy backend's for the same
``rng``). The switch: the module attribute ``USE_FUSED`` (``None`` auto, ``False``
never, ``True`` always: an error if numba.cuda is unusable) or, when ``USE_FUSED`` is ``None``, the
environment variable ``SAMPLINGSTATS_WALKS_FUSED`` (``0`` off, ``1`` on).
"""

from __future__ import annotations

import math

import numpy as np

from .._backend import import_torch, resolve_device
from .._rng import torch_generator

__all__ = ["torch_random_walk", "torch_srrw"]

# None: auto (fused kernels on CUDA when numba.cuda is usable); False: never; True: always on CUDA.
USE_FUSED = None


def _use_fused(dev) -> bool:
    """Whether the fused numba.cuda kernels run for ``dev`` (imported lazily, CUDA only)."""
    if dev.type != "cuda":
        return False
    from . import _cuda_walk

    flag = _fused_flag()
    if flag is False:
        return False
    usable = _cuda_walk.cuda_usable()
    if flag is True and not usable:
        raise RuntimeError(
            "The fused CUDA walk kernels were requested (USE_FUSED / SAMPLINGSTATS_WALKS_FUSED=1) "
            "but numba.cuda is not usable on this machine."
        )
    # auto mode stops trying after a toolchain failure; forced mode always tries (and raises)
    return usable and (flag is True or not _FUSED_BROKEN)


_FUSED_BROKEN = False


def _fused_flag():
    """``USE_FUSED``, or the environment switch when it is None (None: auto)."""
    from ._cuda_walk import fused_enabled

    return USE_FUSED if USE_FUSED is not None else fused_enabled()


def _try_fused(fn, *args):
    """Run a fused kernel; if the CUDA toolchain fails (no NVVM / driver trouble) in auto mode,
    warn once and return None so the vectorised torch code runs instead."""
    global _FUSED_BROKEN
    from . import _cuda_walk

    try:
        return fn(*args)
    except _cuda_walk.toolchain_errors() as exc:
        if _fused_flag() is True:  # forced: raise
            raise
        import warnings

        _FUSED_BROKEN = True
        warnings.warn(
            f"The fused CUDA walk kernels failed ({type(exc).__name__}: {exc}); using the "
            "vectorised torch steps instead.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None


def _graph_tensors(g, ch, device):
    torch = import_torch()
    indptr = torch.as_tensor(g.indptr, device=device)
    indices = torch.as_tensor(g.indices, device=device)
    deg = indptr[1:] - indptr[:-1]
    return torch, indptr, indices, deg


def torch_random_walk(g, ch, starts, n_steps, gen, device, record=True, vals=None, batch_len=1,
                      n_batches=1, count=False):  # fmt: skip
    """Walk ``starts.shape[0]`` walkers on ``device``; returns ``(trace, counts, sums)``.

    ``trace``: int64 tensor (W, n_steps + 1) when ``record``, else None. Streaming (memory
    independent of ``n_steps``): with ``count`` the pooled visits of steps ``1 .. n_steps``
    (int64 tensor (n_nodes,)); with ``vals`` (float64 (n_nodes, k)) the per-walker batch sums
    (float64 tensor (W, n_batches, k)), step ``t`` in batch ``min((t - 1) // batch_len,
    n_batches - 1)``, added step by step in the order of the numba kernel (so the sums of a
    recorded trace, :func:`samplingstats._kernels._walk.trace_sums`, equal them bit for bit).
    """
    dev = resolve_device(device)
    if _use_fused(dev):
        from ._cuda_walk import fused_random_walk

        out = _try_fused(
            fused_random_walk, g, ch, starts, n_steps, gen, dev, record, vals, batch_len,
            n_batches, count,
        )  # fmt: skip
        if out is not None:
            return out
    torch, indptr, indices, deg = _graph_tensors(g, ch, dev)
    tg = torch_generator(gen, dev)
    W = starts.shape[0]
    pos = torch.as_tensor(starts, device=dev)
    prev = torch.full((W,), -1, dtype=torch.int64, device=dev)
    trace = counts = sums = None
    if record:
        trace = torch.empty((W, n_steps + 1), dtype=torch.int64, device=dev)
        trace[:, 0] = pos
    if count:
        counts = torch.zeros(g.n_nodes, dtype=torch.int64, device=dev)
        ones = torch.ones(W, dtype=torch.int64, device=dev)
    if vals is not None:
        vals_t = torch.as_tensor(np.ascontiguousarray(vals, dtype=np.float64), device=dev)
        sums = torch.zeros((W, n_batches, vals_t.shape[1]), dtype=torch.float64, device=dev)
    nnz = indices.shape[0]
    if ch.kind == 3:
        accept = torch.as_tensor(ch.accept, device=dev)
    if ch.kind == 1:
        rows = np.repeat(np.arange(g.n_nodes, dtype=np.float64), g.degree)
        key_arr = torch.as_tensor(rows + ch.cdf, device=dev)
    for t in range(1, n_steps + 1):
        u = torch.rand(W, generator=tg, device=dev, dtype=torch.float64)
        a = indptr[pos]
        d = deg[pos]
        if ch.kind == 0:
            k = torch.minimum((u * d).long(), d - 1)
            nxt = indices[a + k]
        elif ch.kind == 3:
            ud = u * d
            k = torch.minimum(ud.long(), d - 1)
            keep = (ud - k) < accept[a + k]
            nxt = torch.where(keep, indices[a + k], pos)
        elif ch.kind == 1:
            s = torch.searchsorted(key_arr, pos.double() + u, right=True)
            stay = s >= indptr[pos + 1]
            nxt = torch.where(stay, pos, indices[s.clamp(max=nnz - 1)])
        else:
            free = (prev < 0) | (d == 1)
            m = torch.where(free, d, d - 1)
            k = torch.minimum((u * m).long(), m - 1)
            j = indices[a + k]
            back = (~free) & (j == prev)
            nxt = torch.where(back, indices[a + d - 1], j)
        prev = pos
        pos = nxt
        if record:
            trace[:, t] = pos
        if count:
            counts.index_add_(0, pos, ones)
        if sums is not None:
            sums[:, min((t - 1) // batch_len, n_batches - 1)] += vals_t[pos]
    return trace, counts, sums


def torch_srrw(g, ch, alphas, step_exponent, starts, n_steps, gen, record, device):
    """Empirical measures (W, N) float64 tensor and optional trace tensor on ``device``."""
    dev = resolve_device(device)
    if _use_fused(dev):
        from ._cuda_walk import fused_srrw

        out = _try_fused(
            fused_srrw, g, ch, alphas, step_exponent, starts, n_steps, gen, record, dev
        )
        if out is not None:
            return out
    torch, indptr, indices, deg = _graph_tensors(g, ch, dev)
    tg = torch_generator(gen, dev)
    W = starts.shape[0]
    mu = torch.as_tensor(ch.mu, device=dev)
    log_mu = torch.log(mu)
    with np.errstate(divide="ignore"):
        log_p = torch.as_tensor(np.log(ch.prob), device=dev)
        log_self = torch.as_tensor(np.log(ch.selfp), device=dev)
    y = mu.repeat(W, 1)
    s = 1.0  # x = s * y, the same for every walker (gamma_n is deterministic)
    pos = torch.as_tensor(starts, device=dev)
    rows = torch.arange(W, device=dev)
    trace = None
    if record:
        trace = torch.empty((W, n_steps + 1), dtype=torch.int64, device=dev)
        trace[:, 0] = pos
    nnz = indices.shape[0]
    n_alpha = alphas.shape[0]
    neg_inf = torch.tensor(-math.inf, dtype=torch.float64, device=dev)
    for t in range(1, n_steps + 1):
        alpha = float(alphas[0] if n_alpha == 1 else alphas[t - 1])
        gamma = 1.0 / (t + 1.0) if step_exponent == 1.0 else (t + 1.0) ** (-step_exponent)
        a = indptr[pos]
        d = deg[pos]
        D = int(d.max())
        offs = torch.arange(D, device=dev)
        valid = offs[None, :] < d[:, None]
        slots = (a[:, None] + offs[None, :]).clamp(max=nnz - 1)
        nbr = indices[slots]
        lw = log_p[slots] - alpha * (torch.log(y.gather(1, nbr)) - log_mu[nbr])
        lw = torch.where(valid, lw, neg_inf)
        ls = log_self[pos] - alpha * (torch.log(y[rows, pos]) - log_mu[pos])
        scores = torch.cat([lw, ls[:, None]], dim=1)
        u = torch.rand(scores.shape, generator=tg, device=dev, dtype=torch.float64)
        gumbel = -torch.log(-torch.log(u.clamp_min(1e-300)))
        choice = torch.argmax(scores + gumbel, dim=1)
        is_self = choice == D
        j = torch.where(is_self, pos, nbr[rows, choice.clamp(max=max(D - 1, 0))])
        s_new = s * (1.0 - gamma)
        y[rows, j] += gamma / s_new
        s = s_new
        pos = j
        if record:
            trace[:, t] = pos
        if s < 1e-200:
            y *= s
            s = 1.0
    x = y * s
    x = x / x.sum(dim=1, keepdim=True)
    return x, trace
