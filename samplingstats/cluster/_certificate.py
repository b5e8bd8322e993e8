r"""A dual certificate for a partition in the Peng--Wei SDP, in O(n p^2) time and O(n p) memory.

For every vector :math:`y` and every symmetric :math:`N \ge 0`, every feasible :math:`Z`
(:math:`Z \succeq 0`, :math:`Z \ge 0`, :math:`Z1 = 1`, :math:`\operatorname{tr} Z = K`, hence
:math:`0 \preceq Z \preceq I`) satisfies

.. math:: \langle A, Z\rangle = y^\top 1 + \langle M, Z\rangle
          \le y^\top 1 + \langle M + N, Z\rangle \le y^\top 1 + \sum_{j\le K}\lambda_j(M + N),
          \qquad M = A - \tfrac12(y1^\top + 1y^\top),

(Ky Fan for the last step), so the right-hand side bounds the SDP optimum, and with it the best
K-means objective. Given a partition :math:`G_1, \dots, G_K` we choose :math:`y` and :math:`N` so
that the bound equals the partition's value :math:`\langle A, Z_G\rangle = \sum_a n_a \|\bar x_a\|^2`
whenever the partition satisfies a margin condition (then :math:`Z_G` is an optimal SDP solution):

- :math:`y_i = 2\tilde x_i^\top\bar x_a - \|\bar x_a\|^2 - \tau_a` for :math:`i \in G_a` makes
  :math:`M1_a` constant on :math:`G_a`;
- for :math:`a \ne b`, :math:`N_{ab} = r q^\top / s` with :math:`r_i = c - (M1_b)_i` on
  :math:`G_a` and :math:`q_j = c' - (M1_a)_j` on :math:`G_b` (nonnegative, :math:`n_a c = n_b c'`,
  :math:`s = 1^\top r = 1^\top q`) makes :math:`(M + N)1_b` constant on :math:`G_a`;

so the indicator vectors span an invariant subspace of :math:`M + N`; :math:`s` is the smallest
value that keeps :math:`N \ge 0` or the one that makes the quotient matrix diagonal
(:math:`\operatorname{diag}(n_a\tau_a)`), whichever is larger, and :math:`n_a\tau_a` is set above
the largest eigenvalue of the within-cluster scatter (the rest of the spectrum). The construction
follows the idea of the "probably certifiably correct" k-means certificates (Iguchi, Mixon,
Peterson & Villar 2017); it is written here from the inequality above. Whatever the choices, the
bound is valid: :math:`N \ge 0` is enforced entrywise.

:math:`M + N = BCB^\top` with :math:`B = [\tilde X, 1, y, r_{ab}, q_{ab}]` (:math:`p = d + 2 +
K(K-1)` columns), so its nonzero eigenvalues are those of :math:`RCR^\top`, :math:`B = QR`: one
QR factorisation of :math:`[\tilde X, 1]` per data set, then :math:`O(n(d + K^2)K^2)` per choice
of :math:`y, N`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["partition_bound"]


def _top_sum(fixed, B2, C, k, n):
    """Sum of the k largest eigenvalues of B C B^T, B = [fixed columns, B2] (n x p), zeros included.

    ``fixed = (Q1, R11, norms1)`` is the QR factorisation of the unit-scaled fixed columns
    (computed once per data set); the varying columns ``B2`` are orthogonalised against ``Q1``
    twice (block classical Gram--Schmidt with reorthogonalisation) and factorised, so
    ``B / norms = Q R`` and the nonzero eigenvalues of ``B C B^T`` are those of ``R C' R^T``
    (``C' = diag(norms) C diag(norms)``): accurate to rounding relative to the largest.
    """
    Q1, R11, norms1 = fixed
    norms2 = np.sqrt(np.einsum("ij,ij->j", B2, B2))
    norms2[norms2 == 0] = 1.0
    B2 = B2 / norms2
    R12 = Q1.T @ B2
    E = B2 - Q1 @ R12
    R12b = Q1.T @ E
    E -= Q1 @ R12b
    R12 += R12b
    R22 = _tall_r(E)
    p1, p2 = R11.shape[0], R22.shape[0]
    R = np.zeros((p1 + p2, p1 + B2.shape[1]))
    R[:p1, :p1] = R11
    R[:p1, p1:] = R12
    R[p1:, p1:] = R22
    norms = np.concatenate([norms1, norms2])
    Cs = C * norms[:, None] * norms[None, :]
    S = R @ Cs @ R.T
    ev = np.linalg.eigvalsh(0.5 * (S + S.T))
    p = ev.size
    if n > p:  # the other n - p eigenvalues of B C B^T are zero
        ev = np.concatenate([ev, np.zeros(min(k, n - p))])
    ev = np.sort(ev)[::-1]
    return float(np.sum(ev[:k]))


def _tall_r(E):
    """R factor of a tall matrix: Cholesky of the Gram matrix when it is well conditioned (E is
    already orthogonal to the fixed columns and unit-scaled), else Householder."""
    G = E.T @ E
    try:
        R = np.linalg.cholesky(G).T
        dg = np.abs(np.diag(R))
        if dg.size and dg.min() > 1e-4 * dg.max():
            return R
    except np.linalg.LinAlgError:
        pass
    return np.linalg.qr(E, mode="r")


def _fixed_factor(Xc):
    """QR factorisation of the unit-scaled columns [Xc, 1] (shared by every choice of y, N)."""
    n = Xc.shape[0]
    B1 = np.hstack([Xc, np.ones((n, 1))])
    norms1 = np.sqrt(np.einsum("ij,ij->j", B1, B1))
    norms1[norms1 == 0] = 1.0
    Q1, R11 = _tall_qr(B1 / norms1)
    return Q1, R11, norms1


def _tall_qr(B):
    """Reduced QR of a tall matrix by CholeskyQR2 (two Gram products: much faster than
    Householder on n x p with n >> p); Householder when the Gram matrix is too ill-conditioned."""
    from scipy.linalg import cholesky, solve_triangular

    try:
        R = np.eye(B.shape[1])
        Q = B
        for _ in range(2):
            Ri = cholesky(Q.T @ Q, lower=False)
            # Q R_i = Q_old: Q = Q_old R_i^{-1} (a p x p inverse, then one matrix product)
            Q = Q @ solve_triangular(Ri, np.eye(Ri.shape[0]), lower=False)
            R = Ri @ R
        if np.all(np.isfinite(R)) and np.linalg.cond(R) < 1e8:
            return np.ascontiguousarray(Q), R
    except np.linalg.LinAlgError:
        pass
    return np.linalg.qr(B)


def partition_bound(Xc, labels, k, *, factors=(1.02, 1.2, 2.0), clip=(True, False), target=None):
    """Certified upper bound on the Peng--Wei optimum from a partition (see the module docstring).

    Parameters
    ----------
    Xc : ndarray (n, d)
        Column-centred data (``A = Xc Xc^T``).
    labels : ndarray (n,)
        A partition into ``k`` nonempty clusters (labels ``0 .. k-1``).
    k : int
    factors : tuple of float
        Multiples of the within-cluster scatter's top eigenvalue tried for ``n_a tau_a``; the
        smallest bound is returned (each one is valid).
    clip : tuple of bool
        Variants of ``N`` tried: ``False`` keeps the invariance exactly (tight when the margin
        condition holds), ``True`` clips at the points that break it (tighter otherwise).
    target : float, optional
        Stop trying variants once the relative gap ``(bound - value) / bound`` is at most this.

    Returns
    -------
    bound : float
        Upper bound on ``max <A, Z>`` over the SDP's feasible set.
    value : float
        The partition's objective ``<A, Z_G> = sum_a n_a |mean_a|^2`` (so ``bound >= value``).
    """
    Xc = np.asarray(Xc, dtype=np.float64)
    n, d = Xc.shape
    labels = np.asarray(labels, dtype=np.int64)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    if k < 2 or np.any(counts == 0):
        return float("nan"), float("nan")
    # the bound does not depend on the order of the points: sort them by cluster once, so every
    # per-cluster operation below is a contiguous slice (boolean masks cost more than the algebra)
    order = np.argsort(labels, kind="stable")
    Xc = Xc[order]
    labels = labels[order]
    edges = np.concatenate([[0], np.cumsum(counts.astype(np.int64))])
    sl = [slice(int(edges[a]), int(edges[a + 1])) for a in range(k)]
    means = np.stack([Xc[sl[a]].sum(axis=0) for a in range(k)]) / counts[:, None]
    value = float(np.sum(counts * np.einsum("ij,ij->i", means, means)))
    W = Xc - means[labels]
    rho = float(np.linalg.eigvalsh(W.T @ W)[-1])
    P = Xc @ means.T  # (n, k): x_i . mean_b
    own = P[np.arange(n), labels]
    sq = np.einsum("ij,ij->i", means, means)
    n_pairs = k * (k - 1) // 2
    best = np.inf
    fixed = None
    for clipped, f in [(c, f) for c in clip for f in factors]:
        tau = f * max(rho, 1e-12 * value / n) / counts
        t = -(sq + tau)  # y_i = 2 x_i . mean_a + t_a
        y = 2.0 * own + t[labels]
        Y = np.bincount(labels, weights=y, minlength=k)
        # (M 1_b)_i = n_b x_i . mean_b - (n_b y_i + Y_b) / 2, all i and b: (n, k)
        M1 = counts[None, :] * P - 0.5 * (counts[None, :] * y[:, None] + Y[None, :])
        B2 = np.zeros((n, 1 + 2 * n_pairs))
        B2[:, 0] = y
        coefs = []
        j = 1
        for a in range(k):
            ia = sl[a]
            for b in range(a + 1, k):
                ib = sl[b]
                mab = M1[ia, b]
                mba = M1[ib, a]
                m_ab = float(mab.sum())
                s_min = max(
                    counts[a] * float(mab.max()) - m_ab,
                    counts[b] * float(mba.max()) - m_ab,
                )
                # clipped: the quotient-diagonal choice of s, entries of r, q clipped at 0 (the
                # margin fails at a few points: invariance is lost only there)
                s = -m_ab if clipped else max(s_min, -m_ab)
                if not s > 0:
                    continue
                c_ab = (s + m_ab) / counts[a]
                c_ba = (s + m_ab) / counts[b]
                r = np.maximum(c_ab - mab, 0.0)  # N >= 0 whatever s
                q = np.maximum(c_ba - mba, 0.0)
                sr, sq_ = float(r.sum()), float(q.sum())
                if not (sr > 0 and sq_ > 0):
                    continue
                B2[ia, j] = r
                B2[ib, j + 1] = q
                j += 2
                coefs.append(1.0 / np.sqrt(sr * sq_))
        # columns [Xc, 1 | y, r_ab, q_ab, ...]: C = I_d, the (1, y) pair -1/2, each (r, q) 1/s
        B2 = B2[:, :j]
        p = d + 1 + B2.shape[1]
        C = np.zeros((p, p))
        C[np.arange(d), np.arange(d)] = 1.0
        C[d, d + 1] = C[d + 1, d] = -0.5
        for jj, c in enumerate(coefs):
            i0 = d + 2 + 2 * jj
            C[i0, i0 + 1] = C[i0 + 1, i0] = c
        if fixed is None:
            fixed = _fixed_factor(Xc)
        bound = float(np.sum(y)) + _top_sum(fixed, B2, C, k, n)
        best = min(best, bound)
        if target is not None and best - value <= target * abs(best):
            break
    return best, value
