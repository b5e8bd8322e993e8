"""Batched torch paths (CPU or CUDA): basis evaluation, optimal draws and projection DPPs.

The chain rule runs for a whole batch of ``R`` draws at once: at step ``t`` each pending draw gets
``K`` iid proposals from the optimal density and keeps the first accepted one (the same law as
sequential rejection), so every step is a handful of batched tensor operations. Torch is imported
lazily. Draws are reproducible per device for a fixed ``rng``, not bit-identical across devices or
with the numba path.
"""

from __future__ import annotations

import math

import numpy as np

from .._backend import import_torch
from .._rng import torch_generator

__all__ = ["torch_basis_eval", "torch_projection_dpp", "torch_optimal_draws"]


# Tests set this to run the GPU batching policy (more proposals per round) on CPU tensors.
_FORCE_GPU_POLICY = False


def _gpu_policy(torch, device):
    return _FORCE_GPU_POLICY or torch.device(device).type == "cuda"


def _eval_table(torch, x, alpha, sqb, deg):
    """(..., deg + 1) values of p_0..p_deg at x (tensor)."""
    cols = [torch.ones_like(x)]
    if deg >= 1:
        cols.append((x - alpha[0]) / sqb[1])
    for k in range(1, deg):
        cols.append(((x - alpha[k]) * cols[k] - sqb[k] * cols[k - 1]) / sqb[k + 1])
    return torch.stack(cols, dim=-1)


def _consts(torch, basis, device):
    f = basis._family
    return (
        torch.as_tensor(f.alpha, dtype=torch.float64, device=device),
        torch.as_tensor(f.sqb, dtype=torch.float64, device=device),
        torch.as_tensor(np.array(basis.multi_indices), dtype=torch.int64, device=device),
    )


def _draw_consts(torch, basis, alpha, sqb, device):
    """The constants of :func:`_draw_1d`: recurrence, envelopes and Hermite proposal scales."""
    f = basis._family
    return (
        alpha,
        sqb,
        torch.as_tensor(f.env, dtype=torch.float64, device=device),
        torch.as_tensor(f.hs, dtype=torch.float64, device=device),
    )


def torch_basis_eval(basis, x):
    """(n, m) basis values at the (n, d) tensor ``x`` (same device)."""
    torch = import_torch()
    from .._validation import InvalidParameterError

    x = x.to(torch.float64)
    if x.ndim == 1 and basis.dim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != basis.dim:
        raise InvalidParameterError(
            f"The 'x' parameter must be an array of shape (n, {basis.dim}) for a basis of "
            f"dimension {basis.dim}. Got shape {tuple(x.shape)} instead."
        )
    if not bool(torch.isfinite(x).all()):
        raise InvalidParameterError("The 'x' parameter contains NaN or infinite values.")
    alpha, sqb, idx = _consts(torch, basis, x.device)
    return _phi(torch, x, alpha, sqb, idx, basis.maxdeg)


def _phi(torch, x, alpha, sqb, idx, maxdeg):
    # x (..., d) -> (..., m)
    P = _eval_table(torch, x, alpha, sqb, maxdeg)  # (..., d, maxdeg+1)
    d = idx.shape[1]
    out = None
    for i in range(d):
        v = P[..., i, :][..., idx[:, i]]
        out = v if out is None else out * v
    return out


def _draw_1d(torch, basis, degs, gen, consts, over=1):
    """Exact draws from p_k^2 dmu for a flat int64 tensor of degrees (batched rejection).

    Each pending draw gets ``over`` iid proposals per round and keeps the first accepted one
    (the law of sequential rejection); a larger ``over`` means fewer rounds (on a GPU each round
    costs a host synchronisation and a few dozen kernel launches).
    """
    f = basis._family
    alpha, sqb, env, hs = consts
    device = degs.device
    out = torch.empty(degs.shape, dtype=torch.float64, device=device)
    pending = torch.arange(degs.numel(), device=device)
    while pending.numel() > 0:
        L = over if pending.numel() * over <= 1 << 24 else 1
        k = degs[pending].repeat_interleave(L)
        shape = k.shape
        u = torch.rand(shape, generator=gen, dtype=torch.float64, device=device)
        if f.prop_kind == 0:
            y = torch.cos(math.pi * u)
            r = f.cst * (1 - y) ** f.ea * (1 + y) ** f.eb
        elif f.prop_kind == 1:
            # torch's Beta/Gamma samplers take no generator argument: draw the Beta(pb, pa)
            # proposals with numpy, seeded from the torch generator (reproducible, host round trip).
            seed = int(torch.randint(0, 2**62, (1,), generator=gen, device=device).item())
            yb = np.random.default_rng(seed).beta(f.pb, f.pa, size=k.numel())
            y = torch.as_tensor(2.0 * yb - 1.0, dtype=torch.float64, device=device)
            r = f.cst * (1 - y) ** f.ea * (1 + y) ** f.eb
        else:
            h = hs[k]
            y = h * torch.randn(shape, generator=gen, dtype=torch.float64, device=device)
            r = h * torch.exp(-0.5 * y * y * (1 - 1 / (h * h)))
        P = _eval_table(torch, y, alpha, sqb, basis.maxdeg)
        pk = P.gather(-1, k[:, None])[:, 0]
        acc = torch.rand(shape, generator=gen, dtype=torch.float64, device=device) * env[k] < (
            pk * pk * r
        )
        acc = acc.view(-1, L)
        has = acc.any(dim=1)
        first = torch.argmax(acc.to(torch.float32), dim=1)  # first accepted proposal
        pick = y.view(-1, L).gather(1, first[:, None])[:, 0]
        out[pending[has]] = pick[has]
        pending = pending[~has]
    return out


def _orth(torch, Qt, v):
    """Residual of v (B, m) against the rows of Qt (B, t, m), two passes, normalised."""
    r = v
    for _ in range(2):
        if Qt.shape[1] > 0:
            c = torch.einsum("btm,bm->bt", Qt, r)
            r = r - torch.einsum("btm,bt->bm", Qt, c)
    return r / torch.linalg.vector_norm(r, dim=1, keepdim=True)


def torch_projection_dpp(dpp, R, rng, device):
    """R projection-DPP draws on ``device``; returns (draws, n_proposals (R,))."""
    torch = import_torch()
    from ._finite import FiniteBasis

    basis = dpp.basis
    gen = torch_generator(rng, device)
    m = basis.size
    finite = isinstance(basis, FiniteBasis)
    if finite:
        V = torch.as_tensor(np.array(basis.V), dtype=torch.float64, device=device)
        lev = torch.as_tensor(np.array(basis.leverage), dtype=torch.float64, device=device)
        from ..sampling._torch import alias_sample_torch

        prob, alias = basis._alias_table()
        prob_t = torch.as_tensor(prob, dtype=torch.float64, device=device)
        alias_t = torch.as_tensor(alias, dtype=torch.int64, device=device)
        d = None
    else:
        alpha, sqb, idx = _consts(torch, basis, device)
        consts = _draw_consts(torch, basis, alpha, sqb, device)
        d = basis.dim
    Q = torch.zeros((R, m, m), dtype=torch.float64, device=device)
    if finite:
        out = torch.empty((R, m), dtype=torch.int64, device=device)
    else:
        out = torch.empty((R, m, d), dtype=torch.float64, device=device)
    nprop = torch.zeros(R, dtype=torch.int64, device=device)
    # Proposals per pending draw and step: the mean acceptance probability at step t is
    # (m - t) / m, so K proposals all fail with probability about (t / m)^K. On a GPU each extra
    # round costs synchronisations and kernel launches while extra proposals are nearly free, so
    # K is chosen for a failure probability of 1e-5 there (about 1/8 on the CPU, where work
    # dominates), capped so that the (B, K, m) proposal block stays below about 2**27 numbers.
    gpu = _gpu_policy(torch, device)
    log_fail = math.log(1e-5)
    over_1d = 8 if gpu else 1
    for t in range(m):
        pending = torch.arange(R, device=device)
        if gpu:
            K = 1 if t == 0 else math.ceil(log_fail / math.log(t / m))
            K = max(1, min(K, max(4 * m, (1 << 27) // max(1, R * m))))
        else:
            K = max(1, min(4 * m, math.ceil(2.1 * m / (m - t))))
        while pending.numel() > 0:
            B = pending.numel()
            if finite:
                cand = alias_sample_torch(prob_t, alias_t, (B, K), gen)
                phi = V[cand]  # (B, K, m)
                kk = lev[cand]
                xs = cand
            else:
                j = torch.randint(0, m, (B * K,), generator=gen, device=device)
                degs = idx[j].reshape(-1)
                xs = _draw_1d(torch, basis, degs, gen, consts, over_1d).view(B, K, d)
                phi = _phi(torch, xs, alpha, sqb, idx, basis.maxdeg)
                kk = (phi * phi).sum(-1)
            Qt = Q[pending, :t]  # (B, t, m)
            c = torch.einsum("btm,bkm->bkt", Qt, phi)
            res = kk - (c * c).sum(-1)
            u = torch.rand((B, K), generator=gen, dtype=torch.float64, device=device)
            acc = (u * kk < res) & (res > 1e-12 * kk)
            has = acc.any(dim=1)
            first = torch.argmax(acc.to(torch.float32), dim=1)  # first True (ties -> first index)
            # proposals used: up to and including the first accepted one, else all K
            used = torch.where(has, first + 1, torch.full_like(first, K))
            nprop[pending] += used
            if bool(has.any()):
                rows = pending[has]
                sel = first[has]
                ar = torch.arange(rows.numel(), device=device)
                v = phi[has][ar, sel]  # (b, m)
                Q[rows, t] = _orth(torch, Qt[has], v)
                out[rows, t] = xs[has][ar, sel]
            pending = pending[~has]
    return out, nprop


def torch_optimal_draws(basis, n, rng, device):
    """``n`` iid draws from the optimal density ``k_m / m dmu`` on ``device``, shape ``(n, d)``."""
    torch = import_torch()
    gen = torch_generator(rng, device)
    alpha, sqb, idx = _consts(torch, basis, device)
    consts = _draw_consts(torch, basis, alpha, sqb, device)
    j = torch.randint(0, basis.size, (n,), generator=gen, device=device)
    degs = idx[j].reshape(-1)
    over = 8 if _gpu_policy(torch, device) else 1
    return _draw_1d(torch, basis, degs, gen, consts, over).view(n, basis.dim)
