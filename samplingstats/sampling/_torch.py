"""Torch counterparts of the index-sampling kernels (CPU or CUDA tensors; torch imported lazily).

- :func:`alias_sample_torch`: same alias table, draws with ``torch.randint`` / ``torch.rand``; the
  same distribution as the numba kernel (not the same stream).
- :func:`poisson_sample_torch`, :func:`wor_sample_torch`: same designs, torch randomness.
- :func:`feistel_take_torch`: **bit-identical** to the numba kernel ``feistel_take`` (signed int64
  wrap-around arithmetic, logical shifts by masking).
"""

from __future__ import annotations

import numpy as np

from .._backend import import_torch
from .._kernels._permutation import feistel_take_xp

__all__ = [
    "alias_sample_torch",
    "poisson_sample_torch",
    "wor_sample_torch",
    "feistel_take_torch",
]


def alias_sample_torch(prob, alias, shape, generator):
    """Draw ``shape`` indices from the alias table ``(prob, alias)`` (tensors on one device)."""
    torch = import_torch()
    n = prob.shape[0]
    col = torch.randint(n, shape, generator=generator, device=prob.device, dtype=torch.int64)
    coin = torch.rand(shape, generator=generator, device=prob.device, dtype=torch.float64)
    flat = col.reshape(-1)
    keep = coin.reshape(-1) < prob.index_select(0, flat)
    return torch.where(keep, flat, alias.index_select(0, flat)).reshape(shape)


def poisson_sample_torch(pi, generator):
    """Sorted int64 indices ``i`` included independently with probability ``pi[i]``."""
    torch = import_torch()
    u = torch.rand(pi.shape, generator=generator, device=pi.device, dtype=torch.float64)
    return torch.nonzero(u < pi.to(torch.float64), as_tuple=False).reshape(-1).to(torch.int64)


def wor_sample_torch(w, k, generator):
    """Successive sampling of ``k`` indices ``∝ w`` by exponential keys (``torch.topk``)."""
    torch = import_torch()
    w = w.to(torch.float64)
    e = torch.empty(w.shape, device=w.device, dtype=torch.float64).exponential_(generator=generator)
    keys = torch.log(e) - torch.log(w)  # log(0) = -inf -> key = +inf, never among the k smallest
    keys = torch.where(w > 0, keys, torch.full_like(keys, float("inf")))
    return torch.topk(keys, k, largest=False, sorted=True).indices.to(torch.int64)


def feistel_take_torch(positions, n: int, key: int, *, inverse: bool = False):
    """Feistel permutation of int64 ``positions`` (any device), bit-identical to numba."""
    torch = import_torch()
    x = positions.to(torch.int64).clone()
    if x.numel() == 0:
        return x
    return feistel_take_xp(x, int(n), int(key), inverse=inverse)


def as_tensor_like(x: np.ndarray, ref):
    """numpy ``x`` as a tensor on ``ref``'s device."""
    torch = import_torch()
    return torch.as_tensor(x, device=ref.device)
