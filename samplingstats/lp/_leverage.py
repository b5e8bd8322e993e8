"""Leverage scores: exact (QR, Gram + Cholesky, SVD with ``rcond``) and sketched (OSNAP + JL)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._backend import import_torch
from .._rng import as_generator, torch_generator
from .._validation import Interval, StrOptions, validate_params
from ._common import as_lp_matrix, rank_error
from ._dask import is_dask_array

__all__ = ["leverage_scores"]

# Gram + Cholesky squares the condition number: used by "auto" only when cond(A) < this.
_CHOLESKY_MAX_COND = 1e6


def _rank_tol(n, d, dtype=np.float64):
    return max(n, d) * float(np.finfo(dtype).eps)


_EPS64 = float(np.finfo(np.float64).eps)


def _rank_of_triangular(R, eps=_EPS64):
    """Numerical rank of ``A`` from its triangular factor ``R`` (same singular values)."""
    sv = np.linalg.svd(np.asarray(R), compute_uv=False)
    if sv.size == 0 or sv[0] == 0:
        return 0
    return int(np.count_nonzero(sv > sv[0] * R.shape[1] * eps * 10))


# ----------------------------------------------------------------------------------------------
# sketch parameters
# ----------------------------------------------------------------------------------------------
def _sketch_dims(n, d, sketch_size, sparsity, jl_dim):
    k = 1 if sparsity is None else int(sparsity)
    if sketch_size is None:
        # CountSketch needs O(d^2) rows in the worst case, but on our test matrices 20d rows
        # (at least 64) keep the distortion of R within ~1.5 (see tests/lp and bench_lp); the QR
        # of a 20d x d sketch is negligible next to the two passes over A.
        s = max(20 * d, 64)
    else:
        s = int(sketch_size)
    s = max(min(s, n), d)
    r = 16 if jl_dim is None else int(jl_dim)
    return s, k, r


# ----------------------------------------------------------------------------------------------
# numpy / scipy.sparse paths
# ----------------------------------------------------------------------------------------------
def _lev_qr(A, caller, name):
    n, d = A.shape
    Q, R = np.linalg.qr(A, mode="reduced")
    diag = np.abs(np.diag(R))
    if d and (diag.max() == 0 or diag.min() <= _rank_tol(n, d) * diag.max()):
        rank = _rank_of_triangular(R)
        if rank < d:
            raise rank_error(caller, name, rank, d)
    return _row_sq(Q)


def _row_sq(Y):
    Y = np.asarray(Y, dtype=np.float64)
    return np.einsum("ij,ij->i", Y, Y)


def _chol_factor(G):
    """Lower Cholesky factor of G, or None if G is not numerically positive definite."""
    try:
        L = np.linalg.cholesky(G)
    except np.linalg.LinAlgError:
        return None
    dg = np.diag(L)
    if not np.all(np.isfinite(dg)) or dg.min() <= 0:
        return None
    return L


def _lev_cholesky(A, caller, name, *, strict, sparse=False):
    """Gram + Cholesky. Returns None when ``strict`` is False and A is ill conditioned."""
    import scipy.linalg as sla

    n, d = A.shape
    G = A.T @ A
    if sparse:
        G = G.toarray()
    G = np.asarray(G, dtype=np.float64)
    L = _chol_factor(G)
    cond = np.inf if L is None else np.linalg.cond(L)
    if L is None or cond > _CHOLESKY_MAX_COND:
        if not strict:
            return None
        if L is None or cond > 1.0 / math.sqrt(_rank_tol(n, d)):
            rank = _rank_of_triangular(np.linalg.qr(A.toarray() if sparse else A, mode="r"))
            if rank < d:
                raise rank_error(caller, name, rank, d)
        if L is None:
            raise rank_error(caller, name, d - 1, d)
    # tau_i = ||L^{-1} a_i||^2: form L^{-T} (d x d) and use one matmul (no trsm on n columns).
    Linv_t = sla.solve_triangular(L, np.eye(d), lower=True, check_finite=False).T
    Y = A @ Linv_t
    return _row_sq(np.asarray(Y))


def _lev_svd(A, rcond):
    U, sv, _ = np.linalg.svd(A, full_matrices=False)
    keep = sv > rcond * (sv[0] if sv.size else 0.0)
    return _row_sq(U[:, keep])


def _lev_sketch_numpy(A, rng, caller, name, sketch_size, sparsity, jl_dim, *, sparse, scale=None):
    """Sketched leverage scores of ``diag(scale) A`` (two passes over ``A``)."""
    import scipy.linalg as sla

    from .._kernels._sketch import osnap_csr_hashed, osnap_dense_hashed, projected_sq_norms

    n, d = A.shape
    s, k, r = _sketch_dims(n, d, sketch_size, sparsity, jl_dim)
    k = min(k, s)
    s = (s // k) * k
    seed = int(rng.integers(0, 2**63 - 1))
    sc = np.ones(n) if scale is None else np.ascontiguousarray(scale, dtype=np.float64)
    if sparse:
        SA = osnap_csr_hashed(
            A.indptr.astype(np.int64), A.indices.astype(np.int64), A.data, d, sc, seed, s, k
        )
    else:
        # fixed block count: the result does not depend on the number of threads
        nblocks = 4 if s * d <= 2_000_000 else 1
        SA = osnap_dense_hashed(A, sc, seed, s, k, nblocks)
    R = np.linalg.qr(SA, mode="r")
    diag = np.abs(np.diag(R))
    if diag.max() == 0 or diag.min() <= _rank_tol(s, d) * 10 * diag.max():
        rank = _rank_of_triangular(R)
        if rank < d:
            raise rank_error(caller, name, rank, d)
    G = rng.standard_normal((d, r))
    M = np.ascontiguousarray(sla.solve_triangular(R, G, lower=False))
    if sparse:
        tau = _row_sq(np.asarray(A @ M))
    else:
        tau = projected_sq_norms(A, np.ascontiguousarray(M.T))
    tau /= r
    if scale is not None:
        tau *= scale * scale
    return tau


# ----------------------------------------------------------------------------------------------
# torch path (matmuls, no triangular solves with n right-hand sides: see the GPU note)
# ----------------------------------------------------------------------------------------------
def _torch_rank(R):
    """Numerical rank from the triangular factor (tolerance ``10 d eps`` of its dtype)."""
    torch = import_torch()
    sv = torch.linalg.svdvals(R)
    eps = float(torch.finfo(R.dtype).eps)
    if float(sv[0]) == 0:
        return 0
    return int((sv > sv[0] * R.shape[1] * eps * 10).sum())


def _torch_rank_check(R, n, d, A, caller, name):
    rank = _torch_rank(R)
    if rank < d:
        raise rank_error(caller, name, rank, d)


def _lev_torch(A, method, rng, rcond, caller, name, sketch_size, sparsity, jl_dim):
    torch = import_torch()
    n, d = A.shape
    if rcond is not None:
        U, sv, _ = torch.linalg.svd(A, full_matrices=False)
        keep = sv > rcond * sv[0]
        return (U[:, keep] ** 2).sum(dim=1)
    if method in ("auto", "cholesky"):
        G = A.T @ A
        L, info = torch.linalg.cholesky_ex(G)
        ok = int(info) == 0
        # Gram + Cholesky squares the condition number: in float32 only for cond(A) < ~300
        max_cond = min(_CHOLESKY_MAX_COND, 0.1 / math.sqrt(float(torch.finfo(A.dtype).eps)))
        if ok:
            cond = float(torch.linalg.cond(L))
            ok = math.isfinite(cond) and cond < max_cond
        if ok or method == "cholesky":
            if not ok:
                rank = _torch_rank(torch.linalg.qr(A, mode="r").R)
                if rank < d:
                    raise rank_error(caller, name, rank, d)
            eye = torch.eye(d, dtype=A.dtype, device=A.device)
            Linv_t = torch.linalg.solve_triangular(L, eye, upper=False).T
            return ((A @ Linv_t) ** 2).sum(dim=1)
        method = "qr"
    if method == "qr":
        Q, R = torch.linalg.qr(A, mode="reduced")
        _torch_rank_check(R, n, d, A, caller, name)
        return (Q**2).sum(dim=1)
    # sketch
    s, k, r = _sketch_dims(n, d, sketch_size, sparsity, jl_dim)
    gen = torch_generator(rng, A.device)
    SA = torch.zeros((s, d), dtype=A.dtype, device=A.device)
    for _ in range(k):
        h = torch.randint(0, s, (n,), generator=gen, device=A.device)
        sg = torch.randint(0, 2, (n,), generator=gen, device=A.device).to(A.dtype) * 2 - 1
        SA.index_add_(0, h, A * (sg / math.sqrt(k))[:, None])
    R = torch.linalg.qr(SA, mode="r").R
    _torch_rank_check(R, s, d, A, caller, name)
    G = torch.randn((d, r), generator=gen, dtype=A.dtype, device=A.device)
    M = torch.linalg.solve_triangular(R, G, upper=True)
    return ((A @ M) ** 2).sum(dim=1) / r


# ----------------------------------------------------------------------------------------------
# dispatcher used by the public function and by Lewis weights
# ----------------------------------------------------------------------------------------------
def _leverage(
    kind,
    A,
    method,
    rng,
    *,
    rcond=None,
    caller="leverage_scores",
    name="A",
    sketch_size=None,
    sparsity=None,
    jl_dim=None,
):
    """Leverage scores of a validated matrix (no parameter checks)."""
    if kind == "torch":
        return _lev_torch(A, method, rng, rcond, caller, name, sketch_size, sparsity, jl_dim)
    sparse = kind == "sparse"
    if rcond is not None:
        return _lev_svd(A.toarray() if sparse else A, rcond)
    if method == "sketch":
        return _lev_sketch_numpy(
            A, as_generator(rng), caller, name, sketch_size, sparsity, jl_dim, sparse=sparse
        )
    if method in ("auto", "cholesky"):
        tau = _lev_cholesky(A, caller, name, strict=method == "cholesky", sparse=sparse)
        if tau is not None:
            return tau
    return _lev_qr(A.toarray() if sparse else A, caller, name)


@validate_params(
    {
        "A": ["array-like"],
        "method": [StrOptions({"auto", "qr", "cholesky", "sketch"})],
        "rng": ["rng"],
        "rcond": [Interval(numbers.Real, 0, 1, closed="neither"), None],
        "sketch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "sparsity": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "jl_dim": [Interval(numbers.Integral, 1, None, closed="left"), None],
    },
    caller="leverage_scores",
)
def leverage_scores(
    A,
    *,
    method="auto",
    rng=None,
    rcond=None,
    sketch_size=None,
    sparsity=None,
    jl_dim=None,
):
    """Statistical leverage scores ``tau_i = a_i^T (A^T A)^{-1} a_i`` of the rows of ``A``.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix, torch.Tensor or dask.array.Array, shape (n, d)
        Full column rank matrix (``n >= d``). Sparse input is used as CSR; a torch tensor stays
        on its device and the scores come back as a tensor there. A dask array chunked by rows
        gives a lazy dask vector, with bounded memory (see the "Scaling out" guide).
    method : {"auto", "qr", "cholesky", "sketch"}, default "auto"
        ``"qr"``: thin QR, ``tau_i = ||Q_i||^2`` (most accurate). ``"cholesky"``: Gram matrix and
        its Cholesky factor ``L``, ``tau_i = ||L^{-1} a_i||^2`` (about twice as fast, but it squares
        the condition number). ``"auto"``: Cholesky when ``cond(A) < 1e6``, QR otherwise.
        ``"sketch"``: approximate scores [DMMW12]_: a CountSketch / OSNAP embedding ``Pi_1 A`` (one pass
        over ``A``), ``R`` from ``QR(Pi_1 A)``, a Gaussian ``Pi_2`` with ``jl_dim`` columns and
        ``tau_i ~ ||a_i^T R^{-1} Pi_2||^2 / jl_dim`` (a second pass). The estimates are within a
        constant factor of the exact scores with high probability, which is what sampling needs.
    rng : None, int or numpy.random.Generator, optional
        Randomness of the sketch (ignored by the exact methods).
    rcond : float in (0, 1), optional
        If given, rank-deficient ``A`` is accepted: the scores are those of the column space
        (``||U_k row||^2`` over singular values above ``rcond * sigma_max``), summing to the rank.
        Without it a rank-deficient ``A`` raises :class:`~samplingstats.InvalidParameterError`.
    sketch_size, sparsity, jl_dim : int, optional
        Sketch rows (default ``max(20 d, 64)``), nonzeros per column of the OSNAP matrix
        (default 1, i.e. CountSketch) and the JL dimension (default 16) for ``method="sketch"``.

    Returns
    -------
    ndarray or torch.Tensor, shape (n,)
        The leverage scores, each in ``[0, 1]``, summing to ``d`` (exact methods).

    References
    ----------
    .. [DMMW12] P. Drineas, M. Magdon-Ismail, M. W. Mahoney, D. P. Woodruff. Fast approximation
       of matrix coherence and statistical leverage. JMLR 13, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import leverage_scores
    >>> A = np.random.default_rng(0).standard_normal((1000, 5))
    >>> tau = leverage_scores(A)
    >>> round(float(tau.sum()), 6)
    5.0
    >>> approx = leverage_scores(A, method="sketch", rng=1)
    >>> bool(np.median(approx / tau) > 0.5)
    True
    """
    if is_dask_array(A):
        from ._dask import dask_leverage_scores

        return dask_leverage_scores(
            A,
            method=method,
            rng=rng,
            rcond=rcond,
            sketch_size=sketch_size,
            sparsity=sparsity,
            jl_dim=jl_dim,
        )
    kind, A = as_lp_matrix(A, "A")
    n, d = A.shape
    if n < d and rcond is None:
        raise rank_error("leverage_scores", "A", n, d)
    return _leverage(
        kind,
        A,
        method,
        rng,
        rcond=rcond,
        sketch_size=sketch_size,
        sparsity=sparsity,
        jl_dim=jl_dim,
    )
