"""Finite candidate pools: the orthonormalised feature matrix and its leverage scores."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.linalg as sla

from .._backend import is_torch
from .._rng import as_generator
from .._validation import Interval, InvalidParameterError, check_matrix, check_param

__all__ = ["FiniteBasis"]


def _orthonormalise(F):
    """Orthonormal basis of the column span of ``F`` (N, m) and the triangular factor.

    Cholesky QR (two BLAS-3 passes when the Gram matrix is ill conditioned), falling back to
    Householder QR with column pivoting to diagnose rank deficiency. Returns ``(V, R)`` with
    ``F = V R``.
    """
    N, m = F.shape
    try:
        G = F.T @ F
        L = np.linalg.cholesky(G)
        diag = np.abs(np.diag(L))
        if diag.min() <= 1e-6 * diag.max():
            raise np.linalg.LinAlgError("ill conditioned")
        # V = F L^{-T} as one GEMM with the explicit (small, m x m) triangular inverse: several
        # times faster than a triangular solve with N right-hand sides.
        Linv = sla.solve_triangular(L, np.eye(m), lower=True, check_finite=False)
        V = F @ Linv.T
        R = L.T
        # One pass loses orthogonality like eps * cond(F)^2; a second pass restores it.
        cond_est = (diag.max() / diag.min()) ** 2
        if cond_est > 1e3:
            L2 = np.linalg.cholesky(V.T @ V)
            L2inv = sla.solve_triangular(L2, np.eye(m), lower=True, check_finite=False)
            V = V @ L2inv.T
            R = L2.T @ R
        return np.ascontiguousarray(V), R
    except np.linalg.LinAlgError:
        pass
    Qf, Rf, piv = sla.qr(F, mode="economic", pivoting=True)
    d = np.abs(np.diag(Rf))
    tol = max(N, m) * np.finfo(float).eps * d[0] if d.size and d[0] > 0 else 0.0
    rank = int((d > tol).sum()) if d.size and d[0] > 0 else 0
    if rank < m:
        raise InvalidParameterError(
            f"The 'features' parameter of FiniteBasis must have full column rank m={m}; its "
            f"numerical rank is {rank}. Remove dependent columns."
        )
    R = np.empty_like(Rf)
    R[:, piv] = Rf
    return np.ascontiguousarray(Qf), R


class FiniteBasis:
    """Orthonormal basis for a finite candidate pool with the uniform measure.

    Parameters
    ----------
    features : array-like of shape (N, m)
        Feature matrix of the ``N`` candidates (rows), of full column rank ``m <= N``. It is
        orthonormalised internally: ``features = V R`` with ``V^T V = I``.

    Attributes
    ----------
    size : int
        ``m``.
    n_candidates : int
        ``N``.
    dim : int
        1 (points are candidate indices).
    V : ndarray of shape (N, m)
        Orthonormal basis of the column span of the features.
    leverage : ndarray of shape (N,)
        Leverage scores ``l_i = ||V_i||^2`` (sum ``m``); ``k_m(i) = N l_i``.

    Notes
    -----
    With ``mu`` uniform on the pool, ``phi(i) = sqrt(N) V_i`` is orthonormal in ``L^2(mu)``, the inverse
    Christoffel function is ``k_m(i) = N l_i`` and the optimal design draws ``i`` with probability
    ``l_i / m``. The projection DPP of this basis has the marginal kernel ``K = V V^T``.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.dpp import FiniteBasis
    >>> rng = np.random.default_rng(0)
    >>> basis = FiniteBasis(rng.standard_normal((500, 8)))
    >>> basis.size, basis.n_candidates
    (8, 500)
    >>> round(float(basis.leverage.sum()), 6)
    8.0
    """

    def __init__(self, features):
        if is_torch(features):
            features = features.detach().cpu().numpy()
        F = check_matrix(features, "features")
        N, m = F.shape
        if m > N:
            raise InvalidParameterError(
                f"The 'features' parameter of FiniteBasis must have at least as many rows "
                f"(candidates) as columns; got shape {F.shape}."
            )
        self.V, self._R = _orthonormalise(F)
        self.V.setflags(write=False)
        self.leverage = np.einsum("ij,ij->i", self.V, self.V)
        self.leverage.setflags(write=False)
        self.size = int(m)
        self.n_candidates = int(N)
        self.dim = 1
        self._alias = None

    def __repr__(self):
        return f"FiniteBasis(n_candidates={self.n_candidates}, size={self.size})"

    def _alias_table(self):
        if self._alias is None:
            from .._kernels._alias import alias_build

            self._alias = alias_build(np.ascontiguousarray(self.leverage, dtype=np.float64))
        return self._alias

    def _check_indices(self, idx, name="indices"):
        arr = np.asarray(idx)
        if arr.dtype.kind not in "iu" or arr.ndim != 1:
            raise InvalidParameterError(
                f"The {name!r} parameter must be a 1-D int array of candidate indices. "
                f"Got an array of dtype {arr.dtype} and shape {arr.shape} instead."
            )
        if arr.size and (arr.min() < 0 or arr.max() >= self.n_candidates):
            raise InvalidParameterError(
                f"The {name!r} parameter must hold indices in [0, {self.n_candidates}). "
                f"Got values in [{int(arr.min())}, {int(arr.max())}] instead."
            )
        return arr.astype(np.int64, copy=False)

    def evaluate(self, indices):
        """Orthonormal basis values ``sqrt(N) V[indices]``, shape ``(n, m)``."""
        if is_torch(indices):
            torch = __import__("torch")
            V = torch.as_tensor(np.array(self.V), device=indices.device)
            return V[indices] * float(np.sqrt(self.n_candidates))
        idx = self._check_indices(indices)
        return self.V[idx] * np.sqrt(self.n_candidates)

    def christoffel(self, indices):
        """``k_m(i) = N l_i`` at the given candidate indices."""
        idx = self._check_indices(indices)
        return self.n_candidates * self.leverage[idx]

    def weights(self, indices):
        """Least-squares weights ``w(i) = m / k_m(i)``."""
        return self.size / self.christoffel(indices)

    def transform(self, features):
        """Orthonormal-basis values for new feature rows: ``sqrt(N) features R^{-1}``, shape (n, m).

        Lets a model fitted on the pool predict at points outside it.
        """
        F = check_matrix(features, "features", n_cols=self.size)
        return np.linalg.solve(self._R.T, F.T).T * np.sqrt(self.n_candidates)

    def sample_reference(self, n_samples, *, rng=None):
        """``n_samples`` iid uniform candidate indices.

        Examples
        --------
        >>> import numpy as np
        >>> from samplingstats.dpp import FiniteBasis
        >>> basis = FiniteBasis(np.random.default_rng(0).standard_normal((50, 3)))
        >>> basis.sample_reference(4, rng=0).shape
        (4,)
        """
        n_samples = _check_n_samples(n_samples, "FiniteBasis.sample_reference")
        rng = as_generator(rng)
        return rng.integers(0, self.n_candidates, size=n_samples)

    def sample_optimal(self, n_samples, *, rng=None):
        """``n_samples`` iid candidate indices drawn with probability ``l_i / m`` (alias table).

        Examples
        --------
        >>> import numpy as np
        >>> from samplingstats.dpp import FiniteBasis
        >>> basis = FiniteBasis(np.random.default_rng(0).standard_normal((50, 3)))
        >>> basis.sample_optimal(4, rng=0).shape
        (4,)
        """
        from .._kernels._alias import alias_draw

        n_samples = _check_n_samples(n_samples, "FiniteBasis.sample_optimal")
        rng = as_generator(rng)
        prob, alias = self._alias_table()
        return alias_draw(prob, alias, n_samples, rng)


def _check_n_samples(n_samples, caller):
    check_param(
        n_samples,
        [Interval(numbers.Integral, 0, None, closed="left")],
        name="n_samples",
        caller=caller,
    )
    return int(n_samples)
