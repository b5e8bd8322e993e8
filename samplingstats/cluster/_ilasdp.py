"""Iterative likelihood adjusted SDP (iLA-SDP) for Gaussian mixtures with unequal covariances."""

from __future__ import annotations

import numpy as np

from ._bm import Block, bm_solve

__all__ = ["la_sdp_blocks", "fit_ilasdp", "log_gaussian", "estimate_covariances"]


def estimate_covariances(X, resp, regularization):
    """Weighted means and shrunk covariances from responsibilities ``resp`` (n, K).

    ``regularization="ledoit_wolf"``: Ledoit--Wolf shrinkage towards ``tr(S)/d I`` when the
    effective cluster size is below ``5 d``, else a ridge of ``1e-6 tr(S)/d``; a float ``alpha``
    in [0, 1] is a fixed shrinkage intensity. Returns (weights, means, covariances).
    """
    from sklearn.covariance import ledoit_wolf_shrinkage

    n, d = X.shape
    K = resp.shape[1]
    nk = resp.sum(axis=0)
    means = (resp.T @ X) / np.maximum(nk, 1e-300)[:, None]
    covs = np.empty((K, d, d))
    hard = np.argmax(resp, axis=1)
    scale_all = float(np.mean(np.var(X, axis=0))) or 1.0
    for k in range(K):
        D = X - means[k]
        S = (resp[:, k, None] * D).T @ D / max(nk[k], 1e-300)
        mu = float(np.trace(S)) / d
        if not np.isfinite(mu) or mu <= 0:
            mu = scale_all
        if isinstance(regularization, str):
            if nk[k] < 5 * d:
                Dk = D[hard == k]
                alpha = (
                    float(ledoit_wolf_shrinkage(Dk, assume_centered=True)) if len(Dk) > 1 else 1.0
                )
            else:
                alpha = 0.0
        else:
            alpha = float(regularization)
        C = (1.0 - alpha) * S
        C[np.diag_indices(d)] += alpha * mu + 1e-6 * mu
        covs[k] = C
    return nk / n, means, covs


def _chol(C):
    d = C.shape[0]
    jitter = 0.0
    scale = float(np.trace(C)) / d or 1.0
    for _ in range(8):
        try:
            return np.linalg.cholesky(C + jitter * np.eye(d))
        except np.linalg.LinAlgError:
            jitter = scale * 1e-8 if jitter == 0.0 else 10.0 * jitter
    return np.linalg.cholesky(C + scale * 1e-2 * np.eye(d))


def log_gaussian(X, means, covs):
    """log N(x_i; mu_k, Sigma_k) for all i, k: array (n, K)."""
    from scipy.linalg import solve_triangular

    n, d = X.shape
    K = means.shape[0]
    out = np.empty((n, K))
    for k in range(K):
        L = _chol(covs[k])
        Y = solve_triangular(L, (X - means[k]).T, lower=True).T
        logdet = 2.0 * np.sum(np.log(np.diag(L)))
        out[:, k] = -0.5 * (np.einsum("ij,ij->i", Y, Y) + logdet + d * np.log(2 * np.pi))
    return out


def la_sdp_blocks(X, means, covs, rank):
    """Blocks B_k = 1/2 Y_k Y_k^T - 1/4 (a_k 1^T + 1 a_k^T) - c_k J of the LA-SDP, scaled.

    ``Y_k = (X - mu_k) L_k^{-T}`` (whitened, ``Sigma_k = L_k L_k^T``), ``a_k = diag(Y_k Y_k^T)``,
    ``c_k = 1/2 log det Sigma_k`` (the common mean of the ``c_k`` is dropped: it adds a constant
    under the row-sum constraint). Returns (blocks, scale, shift) with the true objective
    ``scale * sum_k <B_k, Z_k> - shift * n``.
    """
    from scipy.linalg import solve_triangular

    n, d = X.shape
    K = means.shape[0]
    Ys, avec, cs = [], [], []
    for k in range(K):
        L = _chol(covs[k])
        Y = solve_triangular(L, (X - means[k]).T, lower=True).T
        Ys.append(Y)
        avec.append(np.einsum("ij,ij->i", Y, Y))
        cs.append(float(np.sum(np.log(np.diag(L)))))  # 1/2 log det
    cbar = float(np.mean(cs))
    scale = 0.5 * d
    blocks = [
        Block(
            Y=np.ascontiguousarray(Ys[k] / np.sqrt(scale)),
            a=avec[k] / scale,
            c=(cs[k] - cbar) / scale,
            rank=rank,
            trace=1.0,
        )
        for k in range(K)
    ]
    return blocks, scale, cbar


def _start_factor(resp, rank, gen, noise=0.1):
    n, K = resp.shape
    U = noise * gen.random((n, K * rank)) / np.sqrt(n)
    for k in range(K):
        w = resp[:, k]
        nrm = np.sqrt(np.sum(w * w))
        if nrm > 0:
            U[:, k * rank] += w / nrm
    return U


def _one_hot(labels, K):
    return np.eye(K)[labels]


def mixture_loglik(X, weights, means, covs):
    """Per-sample log pi_k N(x_i; mu_k, Sigma_k) (n, K) and the total log-likelihood."""
    ll = log_gaussian(X, means, covs) + np.log(np.maximum(weights, 1e-300))[None, :]
    mx = ll.max(axis=1)
    total = float(np.sum(mx + np.log(np.sum(np.exp(ll - mx[:, None]), axis=1))))
    return ll, total


def _params(X, labels, K, regularization):
    weights, means, covs = estimate_covariances(X, _one_hot(labels, K), regularization)
    ll, total = mixture_loglik(X, weights, means, covs)
    return (weights, means, covs), ll, total


def dense_blocks(blocks):
    """Dense matrices B_k of implicit blocks (small n only)."""
    out = []
    for b in blocks:
        B = 0.5 * b.Y @ b.Y.T - 0.25 * (b.a[:, None] + b.a[None, :]) - b.c
        out.append(B)
    return out


def la_sdp_step(X, params, labels, K, rank, tol, gen, bm_max_iter, solver="auto"):
    """Solve the LA-SDP for fixed covariances, warm-started at ``labels``; return memberships."""
    from ._sdp import _blas_threads

    n, d = X.shape
    _, means, covs = params
    blocks, scale, shift = la_sdp_blocks(X, means, covs, rank)
    if solver == "cvxpy":
        from ._cvx import la_sdp_cvxpy

        Zs, value, status = la_sdp_cvxpy(dense_blocks(blocks))
        if Zs[0] is None:
            raise RuntimeError(f"cvxpy/SCS returned no LA-SDP solution (status {status!r}).")
        member = np.stack([Z.sum(axis=1) for Z in Zs], axis=1)
        return np.clip(member, 0.0, None), scale * value - shift * n, None
    U0 = _start_factor(_one_hot(labels, K), rank, gen)
    with _blas_threads(n * d * K * rank):
        st = bm_solve(blocks, U0, tol=tol, max_iter=bm_max_iter)
    member = np.empty((n, K))
    for k in range(K):
        Uk = st.U[:, k * rank : (k + 1) * rank]
        member[:, k] = Uk @ Uk.sum(axis=0)
    return np.clip(member, 0.0, None), scale * st.objective - shift * n, st


def em_refine(X, params, regularization, *, max_iter=100, tol=1e-6):
    """EM steps (soft responsibilities, same shrinkage) from ``params``; return (params, loglik, n)."""
    weights, means, covs = params
    ll, total = mixture_loglik(X, weights, means, covs)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - it is reported after the loop
        resp = np.exp(ll - ll.max(axis=1, keepdims=True))
        resp /= resp.sum(axis=1, keepdims=True)
        new = estimate_covariances(X, resp, regularization)
        new_ll, new_total = mixture_loglik(X, *new)
        if not np.isfinite(new_total):
            break
        done = abs(new_total - total) <= tol * abs(total)
        params, ll, total = new, new_ll, new_total
        if done:
            break
    return params, total, it


def fit_ilasdp(
    X,
    labels0,
    K,
    *,
    regularization,
    max_iter,
    rank,
    tol,
    gen,
    bm_max_iter=3000,
    solver="auto",
    callback=None,
):
    """Alternate covariance estimation and the LA-SDP, with a likelihood safeguard.

    Each iteration estimates (pi_k, mu_k, Sigma_k) from the current partition, solves the LA-SDP
    with those covariances (warm-started at the partition) and rounds it (argmax_k (Z_k 1)_i).
    The rounded partition is accepted when its refitted mixture has a larger observed-data
    log-likelihood; otherwise the step falls back to the likelihood assignment
    argmax_k log pi_k N(x_i; mu_k, Sigma_k). The log-likelihood never decreases.
    """
    labels = np.asarray(labels0, dtype=np.int64)
    n, d = X.shape
    # a candidate partition must give every cluster a non-singular scatter (d + 1 points) when
    # the data allow it: smaller clusters have spuriously large likelihoods
    min_size = max(2, min(d + 1, n // (2 * K)))
    params, ll, total = _params(X, labels, K, regularization)
    converged = False
    n_accepted = 0
    history = [total]
    sdp_objectives = []
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - it is reported after the loop
        member, sdp_obj, _ = la_sdp_step(X, params, labels, K, rank, tol, gen, bm_max_iter, solver)
        sdp_objectives.append(sdp_obj)
        cand = np.argmax(member, axis=1)
        counts = np.bincount(cand, minlength=K)
        accepted = False
        if counts.min() >= min_size and np.any(cand != labels):
            c_params, c_ll, c_total = _params(X, cand, K, regularization)
            if c_total > total:
                labels, params, ll, new_total = cand, c_params, c_ll, c_total
                accepted = True
                n_accepted += 1
        if not accepted:
            new = np.argmax(ll, axis=1)
            if np.all(new == labels):
                converged = True
                break
            if np.bincount(new, minlength=K).min() < min(
                min_size, np.bincount(labels).min()
            ):  # a cluster would vanish: stop here
                converged = True
                break
            n_params, n_ll, n_total = _params(X, new, K, regularization)
            if n_total <= total:
                converged = True
                break
            labels, params, ll, new_total = new, n_params, n_ll, n_total
        history.append(new_total)
        if callback is not None:
            callback(it, new_total, accepted)
        if abs(new_total - total) <= 1e-6 * abs(total):
            total = new_total
            converged = True
            break
        total = new_total
    weights, means, covs = params
    return dict(
        labels=labels,
        weights=weights,
        means=means,
        covariances=covs,
        n_iter=it,
        converged=converged,
        n_sdp_accepted=n_accepted,
        log_likelihood=total,
        history=history,
        sdp_objectives=sdp_objectives,
    )
