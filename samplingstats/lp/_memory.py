"""The in-memory executor of samplingstats.lp: dense numpy, scipy.sparse CSR and torch tensors.

Leverage scores (QR, Gram + Cholesky, SVD with ``rcond``, OSNAP + JL sketch; torch on its
device), the Lewis iteration, exact sensitivities and their Lewis bound, and the sampling scores.
Beside it, :mod:`._dask` does the same for dask arrays; both import the shared numerical pieces
from :mod:`._core` and neither imports the other. The public functions (top layer) choose one.
"""

from __future__ import annotations

import math

import numpy as np

from .._backend import import_torch, to_numpy
from .._rng import as_generator, torch_generator
from ._common import rank_error
from ._core import (
    CHOLESKY_MAX_COND,
    EXACT_SENSITIVITY_MAX_ROWS,
    SKETCH_MIN_ENTRIES,
    StallMonitor,
    block_gram,
    block_leverage_from_factor,
    cholesky_cond,
    choose_leverage,
    combine_scores,
    default_max_iter,
    inverse_cholesky_t,
    lewis_bound_of_weights,
    one_blas_thread,
    rank_of_triangular,
    rank_tol,
    row_sq,
    sampling_lewis_iter,
    sampling_lewis_tol,
    sketch_dims,
    sketch_projection,
    warn_lewis,
)

__all__ = [
    "approx_lewis",
    "augment",
    "exact_sensitivities",
    "leverage",
    "lewis_bound",
    "lewis_core",
    "sampling_scores",
    "sketched_leverage",
]


def _lev_qr(A, caller, name):
    n, d = A.shape
    Q, R = np.linalg.qr(A, mode="reduced")
    diag = np.abs(np.diag(R))
    if d and (diag.max() == 0 or diag.min() <= rank_tol(n, d) * diag.max()):
        rank = rank_of_triangular(R)
        if rank < d:
            raise rank_error(caller, name, rank, d)
    return row_sq(Q)


def _lev_cholesky(A, caller, name, *, strict, sparse=False):
    """Gram + Cholesky. Returns None when ``strict`` is False and A is ill conditioned."""

    n, d = A.shape
    # dense: the one-block case of the dask executor's chunked Gram matrix
    G = np.asarray((A.T @ A).toarray(), dtype=np.float64) if sparse else block_gram(A)
    L, cond = cholesky_cond(G)
    if L is None or cond > CHOLESKY_MAX_COND:
        if not strict:
            return None
        if L is None or cond > 1.0 / math.sqrt(rank_tol(n, d)):
            rank = rank_of_triangular(np.linalg.qr(A.toarray() if sparse else A, mode="r"))
            if rank < d:
                raise rank_error(caller, name, rank, d)
        if L is None:
            raise rank_error(caller, name, d - 1, d)
    with one_blas_thread():
        Linv_t = inverse_cholesky_t(L)
    if sparse:
        return row_sq(np.asarray(A @ Linv_t))
    return block_leverage_from_factor(A, None, Linv_t)


# float32 input: the scores are computed in float64 over row blocks of about 8 MiB (float64),
# so the peak stays the input plus the float32 output plus O(block * d + d^2).
_BLOCK_BYTES = 8 * 2**20


def _row_blocks(n, d):
    step = max(256, _BLOCK_BYTES // (8 * max(d, 1)))
    for lo in range(0, n, step):
        yield lo, min(n, lo + step)


def _f64_block(A, lo, hi, scale):
    """Rows ``lo:hi`` of ``diag(scale) A`` as a float64 block (``scale=None``: of ``A``)."""
    X = A[lo:hi].astype(np.float64)
    if scale is not None:
        X *= scale[lo:hi, None]
    return X


def _f32_gram(A, scale=None):
    """``A^T A`` in float64 of a float32 ``A``, accumulated over float64 row blocks (of
    ``diag(scale) A`` when ``scale`` is given)."""
    n, d = A.shape
    G = np.zeros((d, d))
    for lo, hi in _row_blocks(n, d):
        X = _f64_block(A, lo, hi, scale)
        G += X.T @ X
    return G


def _f32_scores_from(A, Minv, scale=None, dtype=np.float32):
    """``||a_i^T Minv||^2`` (float64 arithmetic, ``dtype`` output) over row blocks of ``A`` (of
    ``diag(scale) A`` when ``scale`` is given)."""
    n, d = A.shape
    out = np.empty(n, dtype=dtype)
    for lo, hi in _row_blocks(n, d):
        out[lo:hi] = row_sq(_f64_block(A, lo, hi, scale) @ Minv)
    return out


def _lev_cholesky_f32(A, caller, name, *, strict, scale=None, dtype=np.float32):
    """Gram + Cholesky of a float32 ``A`` (or of ``diag(scale) A``) with float64 accumulation;
    None when ``strict`` is False and ``A`` is ill conditioned (the caller then uses
    :func:`_lev_qr_f32`)."""
    n, d = A.shape
    L, cond = cholesky_cond(_f32_gram(A, scale))
    if L is None or cond > CHOLESKY_MAX_COND:
        if not strict:
            return None
        if L is None or cond > 1.0 / math.sqrt(rank_tol(n, d)):
            # rank check (and the scores if full rank)
            return _lev_qr_f32(A, caller, name, scale=scale, dtype=dtype)
    with one_blas_thread():
        Linv_t = inverse_cholesky_t(L)
    return _f32_scores_from(A, Linv_t, scale, dtype)


def _lev_qr_f32(A, caller, name, *, scale=None, dtype=np.float32):
    """QR leverage of a float32 ``A`` (or of ``diag(scale) A``) without an ``n x d`` copy: ``R``
    by a blocked (TSQR) QR in float64, then ``tau_i = ||a_i^T R^{-1}||^2`` over row blocks
    (``dtype`` output)."""
    import scipy.linalg as sla

    n, d = A.shape
    R = np.zeros((0, d))
    with one_blas_thread():
        for lo, hi in _row_blocks(n, d):
            R = np.linalg.qr(np.vstack([R, _f64_block(A, lo, hi, scale)]), mode="r")
        diag = np.abs(np.diag(R)) if R.shape[0] >= d else np.zeros(d)
        if diag.max() == 0 or diag.min() <= rank_tol(n, d, np.float32) * diag.max():
            rank = rank_of_triangular(R, float(np.finfo(np.float32).eps))
            if rank < d:
                raise rank_error(caller, name, rank, d)
        Rinv = sla.solve_triangular(R, np.eye(d), lower=False, check_finite=False)
    return _f32_scores_from(A, Rinv, scale, dtype)


def _lev_svd(A, rcond):
    U, sv, _ = np.linalg.svd(A, full_matrices=False)
    keep = sv > rcond * (sv[0] if sv.size else 0.0)
    return row_sq(U[:, keep])


def sketched_leverage(A, rng, caller, name, sketch_size, sparsity, jl_dim, *, sparse, scale=None):
    """Sketched leverage scores of ``diag(scale) A`` (two passes over ``A``)."""

    from .._kernels._sketch import osnap_csr_hashed, osnap_dense_hashed, projected_sq_norms

    n, d = A.shape
    s, k, r = sketch_dims(n, d, sketch_size, sparsity, jl_dim)
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
    MT = sketch_projection(SA, rng, r, caller, name)
    if sparse:
        tau = row_sq(np.asarray(A @ MT.T))
    else:
        tau = projected_sq_norms(A, MT)
    tau /= r
    if scale is not None:
        tau *= scale * scale
    return tau


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
        max_cond = min(CHOLESKY_MAX_COND, 0.1 / math.sqrt(float(torch.finfo(A.dtype).eps)))
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
    s, k, r = sketch_dims(n, d, sketch_size, sparsity, jl_dim)
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


def leverage(kind, A, method, rng, *, rcond=None, caller="leverage_scores", name="A", **sketch):
    """Leverage scores of a validated matrix (no parameter checks); ``sketch`` holds the
    ``sketch_size``, ``sparsity`` and ``jl_dim`` of ``method="sketch"``."""
    size, sparsity, jl_dim = (sketch.get(k) for k in ("sketch_size", "sparsity", "jl_dim"))
    if kind == "torch":
        return _lev_torch(A, method, rng, rcond, caller, name, size, sparsity, jl_dim)
    sparse = kind == "sparse"
    f32 = not sparse and A.dtype == np.float32

    def sketched():
        gen = as_generator(rng)
        tau = sketched_leverage(A, gen, caller, name, size, sparsity, jl_dim, sparse=sparse)
        return tau.astype(np.float32) if f32 else tau

    def cholesky(strict):
        if f32:
            return _lev_cholesky_f32(A, caller, name, strict=strict)
        return _lev_cholesky(A, caller, name, strict=strict, sparse=sparse)

    def qr():
        if f32:
            return _lev_qr_f32(A, caller, name)
        return _lev_qr(A.toarray() if sparse else A, caller, name)

    return choose_leverage(
        method,
        rcond,
        svd=lambda: _lev_svd(A.toarray() if sparse else A, rcond),
        sketch=sketched,
        cholesky=cholesky,
        qr=qr,
    )


def _row_nonzero(kind, A):
    if kind == "torch":
        return (A != 0).any(dim=1)
    if kind == "sparse":
        return np.diff(A.indptr) > 0
    return (A != 0).any(axis=1)


def _scaled_leverage(kind, A, scale, method, rng, opts):
    """Leverage scores of ``diag(scale) A``."""
    if method == "sketch" and kind != "torch":
        return sketched_leverage(
            A,
            rng,
            "lewis_weights",
            "A",
            opts.get("sketch_size"),
            opts.get("sparsity"),
            opts.get("jl_dim"),
            sparse=kind == "sparse",
            scale=scale,
        )
    if kind == "dense" and A.dtype == np.float32:
        # float32 lewis_weights: float64 arithmetic over row blocks, no n x d float64 copy
        sc = np.ascontiguousarray(scale, dtype=np.float64)
        return choose_leverage(
            method,
            None,
            svd=None,
            sketch=None,  # handled above
            cholesky=lambda strict: _lev_cholesky_f32(
                A, "lewis_weights", "A", strict=strict, scale=sc, dtype=np.float64
            ),
            qr=lambda: _lev_qr_f32(A, "lewis_weights", "A", scale=sc, dtype=np.float64),
        )
    if kind == "sparse":
        import scipy.sparse as sp

        As = sp.csr_matrix(A.multiply(scale[:, None]))
    else:
        As = A * scale[:, None]
    return leverage(kind, As, method, rng, caller="lewis_weights", name="A", **opts)


def lewis_core(
    kind, A, p, method, rng, tol, max_iter, opts, *, warn=True, on_iter=None, last_step=False
):
    """Run the iteration on a validated matrix; returns ``(w, n_iter, converged, residual)``.

    ``on_iter(n_iter, residual)`` is called after every leverage evaluation (progress, logs).
    With ``last_step`` the image of the last map is returned when the loop ends at ``max_iter``
    or ``tol`` (one more step for the evaluation already paid; ``residual`` is then that of the
    previous weights): the sampling scores use it."""
    n, d = A.shape
    nz = _row_nonzero(kind, A)
    n_nz = int(nz.sum())
    if n_nz < d:
        raise rank_error("lewis_weights", "A", n_nz, d)
    full = n_nz == n
    if not full:
        idx = np.flatnonzero(np.asarray(nz.cpu()) if kind == "torch" else nz)
        if kind == "torch":
            torch = import_torch()
            A = A[torch.as_tensor(idx, device=A.device)]
        else:
            A = A[idx]
    m = A.shape[0]
    if kind == "torch":
        torch = import_torch()
        w = torch.full((m,), d / m, dtype=A.dtype, device=A.device)
    else:
        w = np.full(m, d / m)
    if p == 2:
        w = _scaled_leverage(kind, A, w**0, method, rng, opts)
        n_iter, res = 1, 0.0
        converged = True
        if on_iter is not None:
            on_iter(n_iter, res)
    else:
        e = 0.5 - 1.0 / p
        res = math.inf
        converged = False
        n_iter = 0
        tiny = 1e-300 if kind != "torch" else float(torch.finfo(A.dtype).tiny)
        monitor = StallMonitor()
        for _ in range(max_iter):
            tau = _scaled_leverage(kind, A, w**e, method, rng, opts)
            n_iter += 1
            tau = tau.clamp_min(tiny) if kind == "torch" else np.maximum(tau, tiny)
            # Cohen-Peng map T(w) = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2} = (tau / w^{1-2/p})^{p/2}
            with np.errstate(over="ignore", invalid="ignore"):
                t = (tau / w ** (1 - 2 / p)) ** (p / 2)
                res = float(abs(t / w - 1).max())
            if on_iter is not None:
                on_iter(n_iter, res)
            if res <= tol or n_iter == max_iter:
                converged = res <= tol
                if last_step:
                    w = t if p < 4 else tau
                break  # else keep w: the residual reported is the residual of the returned weights
            if monitor.stop(res):  # diverging or stalled: stop early
                break
            # p < 4: plain contraction; p >= 4: damped geometric step w^{1-2/p} T(w)^{2/p} = tau
            w = t if p < 4 else tau
        if not converged and warn and method != "sketch":
            warn_lewis(n_iter, p, res, tol, monitor, stacklevel=3)
    if not full:
        if kind == "torch":
            out = torch.zeros(n, dtype=w.dtype, device=w.device)
            out[torch.as_tensor(idx, device=w.device)] = w
        else:
            out = np.zeros(n)
            out[idx] = w
        w = out
    return w, n_iter, converged, res


def exact_sensitivities(A, p, solver=None):
    """``s_i = 1 / min{||Ax||_p^p : a_i^T x = 1}`` for dense numpy ``A`` (zero rows get 0)."""
    import cvxpy as cp

    n, d = A.shape
    x = cp.Variable(d)
    a = cp.Parameter(d)
    obj = cp.norm1(A @ x) if p == 1 else cp.pnorm(A @ x, p)
    prob = cp.Problem(cp.Minimize(obj), [a @ x == 1])
    if solver is None:
        # HiGHS for the LP (cvxpy's HIGHS interface needs cvxpy >= 1.6 with highspy; older cvxpy
        # reaches the same HiGHS through scipy, its "SCIPY" solver), Clarabel for the cone program
        if p == 1:
            solver = "HIGHS" if "HIGHS" in cp.installed_solvers() else "SCIPY"
        else:
            solver = "CLARABEL"
    out = np.zeros(n)
    nz = np.flatnonzero(np.any(A != 0, axis=1))
    for i in nz:
        a.value = A[i]
        try:
            val = prob.solve(solver=solver)
        except cp.SolverError as exc:  # pragma: no cover - solver crash
            raise RuntimeError(f"lp_sensitivities: {solver} failed on row {i}: {exc}") from exc
        if prob.status not in ("optimal", "optimal_inaccurate") or val is None or val <= 0:
            raise RuntimeError(
                f"lp_sensitivities: {solver} returned status {prob.status!r} on row {i}; "
                "the exact sensitivity is not available (try method='lewis_bound')."
            )
        out[i] = min(1.0, 1.0 / float(val) ** p)
    return out


def approx_lewis(kind, A, p, rng=None, *, tol=1e-3, method="auto", max_iter=None, last_step=False):
    """Lewis weights to a relative fixed-point residual ``tol`` (no warning)."""
    n, d = A.shape
    if max_iter is None:
        max_iter = default_max_iter(p, n, tol, method)
    w, *_ = lewis_core(kind, A, p, method, rng, tol, max_iter, {}, warn=False, last_step=last_step)
    return w


def lewis_bound(kind, A, p, w=None):
    """``min(1, d^{max(0, p/2-1)} w_i)`` with (approximate) Lewis weights ``w``."""
    if w is None:
        w = approx_lewis(kind, A, p, tol=1e-8)
    return lewis_bound_of_weights(w, A.shape[1], p)


def _dense_numpy(kind, A):
    if kind == "torch":
        return A.detach().cpu().double().numpy()
    if kind == "sparse":
        return A.toarray()
    return A


def sampling_scores(kind, A, p, scores, rng):
    """Unnormalised sampling ``scores`` (numpy float64, shape (n,)) of a validated matrix."""
    n, d = A.shape
    if n < d:
        raise rank_error("sensitivity_sample", "A", n, d)
    if scores == "uniform":
        return np.ones(n)
    big = kind != "torch" and n * d >= SKETCH_MIN_ENTRIES
    lev_method = "sketch" if big else "auto"

    def lewis_w():
        if big:
            k = sampling_lewis_iter(p, sketch=True)
            return to_numpy(
                approx_lewis(kind, A, p, rng, method="sketch", max_iter=k, last_step=True)
            )
        k, tol = sampling_lewis_iter(p), sampling_lewis_tol(p)
        return to_numpy(approx_lewis(kind, A, p, rng, tol=tol, max_iter=k, last_step=True))

    def lev():
        return to_numpy(leverage(kind, A, lev_method, rng, caller="sensitivity_sample"))

    def sens():
        if n <= EXACT_SENSITIVITY_MAX_ROWS:
            return exact_sensitivities(np.ascontiguousarray(_dense_numpy(kind, A)), p)
        return to_numpy(lewis_bound("dense", A, p, w=lewis_w()))

    return combine_scores(scores, p, lewis_w, lev, sens)


def augment(kind, A, b):
    import scipy.sparse as sp

    if kind == "sparse":
        return sp.hstack([A, sp.csr_matrix(b[:, None])], format="csr")
    return np.hstack([A, b[:, None]])
