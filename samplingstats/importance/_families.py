"""Auxiliary density families for adaptive importance sampling (all in log-densities).

A :class:`_Components` object holds ``K`` auxiliary densities ``g_1, ..., g_K`` on ``R^D``; each
``g_k`` is a mixture of ``M`` elliptical sub-components (``M = 1`` for the Gaussian and Student-t
families, ``M = 2`` for the two-component Gaussian mixture) with a common degrees-of-freedom
parameter (``inf`` for Gaussian). Cross-entropy updates fit each ``g_k`` to weighted samples.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import cholesky, solve_triangular
from scipy.special import gammaln, logsumexp

__all__ = ["_Components", "std_normal_logpdf"]

_LOG2PI = math.log(2.0 * math.pi)
_STUDENT_DF = 5.0
_JITTER = 1e-6
_EM_POINTS = 2500


def std_normal_logpdf(U):
    """Log-density of N(0, I_D) at the rows of ``U``."""
    D = U.shape[1]
    return -0.5 * np.einsum("ij,ij->i", U, U) - 0.5 * D * _LOG2PI


def _maha(X, mean, chol):
    """Squared Mahalanobis distances ``|L^{-1}(x - mean)|^2`` for the rows of ``X``."""
    Linv = solve_triangular(chol, np.eye(chol.shape[0]), lower=True, check_finite=False)
    z = (X - mean) @ Linv.T
    return np.einsum("ij,ij->i", z, z)


def _ess(lw):
    w = np.exp(lw - lw.max())
    return w.sum() ** 2 / np.sum(w * w), w


def _tempered_weights(lw, target):
    """Normalised weights ``exp(tau * lw)`` with the largest tau in (0, 1] reaching ESS ``target``."""
    ess, w = _ess(lw)
    if ess < target:
        lo, hi = 0.0, 1.0
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            e, _ = _ess(mid * lw)
            if e >= target:
                lo = mid
            else:
                hi = mid
        if lo <= 0.0:
            return None
        ess, w = _ess(lo * lw)
    return w / w.sum()


def _safe_cholesky(C):
    D = C.shape[0]
    jitter = _JITTER
    for _ in range(8):
        try:
            return cholesky(C + jitter * np.eye(D), lower=True)
        except np.linalg.LinAlgError:
            jitter *= 100.0
    return np.eye(D)


class _Components:
    """``K`` auxiliary densities, each a mixture of ``M`` Gaussian or Student-t sub-components."""

    def __init__(self, K, D, family):
        self.K, self.D, self.family = K, D, family
        self.M = 2 if family == "gaussian_mixture" else 1
        self.df = _STUDENT_DF if family == "student" else math.inf
        self.means = np.zeros((K, self.M, D))
        self.chols = np.tile(np.eye(D), (K, self.M, 1, 1))
        self.logpi = np.full((K, self.M), -math.log(self.M))
        self.fitted = np.zeros(K, dtype=bool)
        if self.df < math.inf:
            # scale so that the covariance of the initial component is the identity
            self.chols *= math.sqrt((self.df - 2.0) / self.df)

    def copy(self):
        new = _Components.__new__(_Components)
        new.K, new.D, new.family, new.M, new.df = self.K, self.D, self.family, self.M, self.df
        new.means = self.means.copy()
        new.chols = self.chols.copy()
        new.logpi = self.logpi.copy()
        new.fitted = self.fitted.copy()
        return new

    # ------------------------------------------------------------------ densities
    def _sub_logpdf(self, X, mean, chol):
        D = self.D
        maha = _maha(X, mean, chol)
        half_logdet = np.log(np.diag(chol)).sum()
        if self.df == math.inf:
            return -0.5 * maha - 0.5 * D * _LOG2PI - half_logdet
        nu = self.df
        return (
            gammaln(0.5 * (nu + D))
            - gammaln(0.5 * nu)
            - 0.5 * D * math.log(nu * math.pi)
            - half_logdet
            - 0.5 * (nu + D) * np.log1p(maha / nu)
        )

    def logpdf(self, X, which=None):
        """``(n, K)`` matrix of ``log g_k(X_i)`` (or only the columns in ``which``)."""
        ks = range(self.K) if which is None else which
        out = np.empty((X.shape[0], len(ks)))
        for c, k in enumerate(ks):
            if self.M == 1:
                out[:, c] = self._sub_logpdf(X, self.means[k, 0], self.chols[k, 0])
            else:
                acc = self.logpi[k, 0] + self._sub_logpdf(X, self.means[k, 0], self.chols[k, 0])
                for m in range(1, self.M):
                    acc = np.logaddexp(
                        acc,
                        self.logpi[k, m] + self._sub_logpdf(X, self.means[k, m], self.chols[k, m]),
                    )
                out[:, c] = acc
        return out

    # ------------------------------------------------------------------ sampling
    def sample(self, k, n, rng):
        """``n`` draws from ``g_k``."""
        D = self.D
        if self.M == 1:
            sub = np.zeros(n, dtype=np.int64)
        else:
            sub = rng.choice(self.M, size=n, p=np.exp(self.logpi[k] - logsumexp(self.logpi[k])))
        Z = rng.standard_normal((n, D))
        if self.df < math.inf:
            Z /= np.sqrt(rng.chisquare(self.df, size=n) / self.df)[:, None]
        X = np.empty((n, D))
        for m in range(self.M):
            sel = sub == m
            if sel.any():
                X[sel] = self.means[k, m] + Z[sel] @ self.chols[k, m].T
        return X

    # ------------------------------------------------------------------ cross-entropy fit
    def fit(self, k, X, logw, min_ess_fraction=0.0):
        """Cross-entropy update of ``g_k`` from samples ``X`` with log-weights ``logw``.

        Entries with ``logw = -inf`` are ignored. The weights are tempered (``w^tau``, largest
        ``tau`` in (0, 1]) so that their effective sample size reaches ``min_ess_fraction`` of the
        points: early, degenerate weights then give a wider density instead of a collapse onto a
        few points. Leaves ``g_k`` unchanged when fewer than ``D + 2`` weights are positive.
        """
        finite = np.isfinite(logw)
        if finite.sum() < self.D + 2:
            return False
        lw = logw[finite]
        Xf = X[finite]
        w = _tempered_weights(lw, max(self.D + 2, min_ess_fraction * lw.size))
        if w is None:
            return False
        mean = w @ Xf
        Xc = Xf - mean
        cov = (Xc * w[:, None]).T @ Xc
        if self.M == 1:
            scale = 1.0 if self.df == math.inf else (self.df - 2.0) / self.df
            self.means[k, 0] = mean
            self.chols[k, 0] = _safe_cholesky(scale * cov)
            return True
        self._fit_mixture(k, Xf, w, mean, cov)
        return True

    def _fit_mixture(self, k, X, w, mean, cov, n_iter=12, tol=1e-4):
        """Weighted EM for a two-component Gaussian mixture, split along the principal axis."""
        D = self.D
        keep = w > 1e-10 * w.max()  # negligible weights do not move the fit
        X, w = X[keep], w[keep] / w[keep].sum()
        if X.shape[0] > _EM_POINTS:
            # deterministic systematic resampling to _EM_POINTS equally weighted points: the
            # EM cost no longer grows with the number of past points, at a small noise cost
            cw = np.cumsum(w)
            idx = np.searchsorted(cw, (np.arange(_EM_POINTS) + 0.5) / _EM_POINTS * cw[-1])
            X = X[np.minimum(idx, X.shape[0] - 1)]
            w = np.full(X.shape[0], 1.0 / X.shape[0])
        chol0 = _safe_cholesky(cov)
        if self.fitted[k]:
            # warm start from the previous fit (the targets move little between iterations)
            means, chols, logpi = self.means[k].copy(), self.chols[k].copy(), self.logpi[k].copy()
        else:
            vals, vecs = np.linalg.eigh(cov)
            shift = math.sqrt(max(vals[-1], 1e-12)) * vecs[:, -1]
            means = np.stack([mean - shift, mean + shift])
            chols = np.stack([chol0, chol0])
            logpi = np.full(2, -math.log(2.0))
        old_ll = -np.inf
        for _ in range(n_iter):
            l0 = logpi[0] + self._gauss(X, means[0], chols[0])
            l1 = logpi[1] + self._gauss(X, means[1], chols[1])
            lse = np.logaddexp(l0, l1)
            ll = float(w @ lse)
            r1 = np.exp(l1 - lse)
            resp = np.column_stack([1.0 - r1, r1]) * w[:, None]
            tot = resp.sum(axis=0)
            if (tot < 1e-3).any():
                break
            logpi = np.log(tot)
            for m in range(2):
                r = resp[:, m] / tot[m]
                mu = r @ X
                Xc = X - mu
                means[m] = mu
                chols[m] = _safe_cholesky((Xc * r[:, None]).T @ Xc + _JITTER * np.eye(D))
            if ll - old_ll < tol:
                break
            old_ll = ll
        if (np.exp(logpi) < 1e-3).any() or not np.all(np.isfinite(means)):
            means = np.stack([mean, mean])
            chols = np.stack([chol0, chol0])
            logpi = np.full(2, -math.log(2.0))
        self.means[k] = means
        self.chols[k] = chols
        self.logpi[k] = logpi - logsumexp(logpi)
        self.fitted[k] = True

    @staticmethod
    def _gauss(X, mean, chol):
        return (
            -0.5 * _maha(X, mean, chol) - 0.5 * X.shape[1] * _LOG2PI - np.log(np.diag(chol)).sum()
        )
