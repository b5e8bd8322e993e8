"""Finite candidate pools: the orthonormalised feature matrix and its leverage scores.

Set-up cost
-----------
Orthonormalising an ``N x m`` feature matrix costs ``Theta(N m^2)`` flops; it dominates one DPP draw
(``~ m^3 H_m``) when ``N >> m``. :class:`FiniteBasis` therefore does only what every use needs:

- the Gram matrix ``G = F^T F`` (one ``syrk``, ``N m^2`` flops) and its Cholesky factor ``L``, so
  that ``V = F L^{-T}`` (Cholesky QR) without forming ``V``; a LAPACK condition estimate of ``L``
  decides whether one Cholesky-QR pass is accurate (``cond(F) <= 100``: orthogonality lost
  ``~ eps cond(F)^2``), whether a second pass is needed (formed at once), or whether to fall back to
  Householder QR with column pivoting (rank check);
- ``V`` and the leverage scores ``l_i = ||V_i||^2`` are formed on first use (one ``trsm``,
  ``N m^2`` flops) -- by the attributes ``V`` / ``leverage``, optimal iid draws, the spectral or torch
  samplers, or a batch of DPP draws large enough to amortise it;
- a single projection-DPP draw can skip them: it proposes ``i`` with probability proportional to
  the bound ``u_i = ||F_i||^2 / lambda_min(G) >= l_i``, computes the rows ``V_i`` of the proposals
  only (a ``trsm`` on a block of rows), keeps ``i`` with probability ``l_i / u_i`` -- so the kept
  proposals are iid with probability ``l_i / m``, exactly those of the rejection chain rule -- and runs
  the chain rule on them. See :func:`samplingstats.dpp._samplers` (``_lazy_finite_draws``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray
from scipy.linalg.blas import dtrsm
from scipy.linalg.lapack import dtrcon

from .._backend import is_torch
from .._rng import as_generator
from .._validation import InvalidParameterError, check_size
from ._checks import real_numeric

__all__ = ["FiniteBasis"]

# one Cholesky-QR pass when the (1-norm) condition estimate of L = cond(F) is at most this:
# orthogonality is then lost by ~ eps * cond^2 * m <~ 1e-10 at worst
_ONE_PASS_COND = 100.0
# above this, Cholesky QR (even twice) is unreliable: Householder QR with column pivoting
_CHOLQR_COND = 1e7


def _check_features(features):
    name = "'features' parameter of FiniteBasis"
    if is_torch(features):
        features = features.detach().cpu().numpy()
    if features is None or isinstance(features, (str, bytes)):
        raise InvalidParameterError(
            f"The {name} must be a 2-D numeric array of shape (N, m). "
            f"Got {type(features).__name__} instead."
        )
    arr = real_numeric(features, "features", "FiniteBasis")
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise InvalidParameterError(
            f"The {name} must be a 2-D array of shape (N, m) with N, m >= 1. Got shape "
            f"{arr.shape} instead."
        )
    if arr.shape[1] > arr.shape[0]:
        raise InvalidParameterError(
            f"The {name} must have at least as many rows (candidates) as columns; got shape "
            f"{arr.shape}."
        )
    # private copy: kept for the lazy rows (the caller may modify its array afterwards)
    return np.array(arr, dtype=np.float64, order="C", copy=True)


def _nonfinite_error(F):
    bad = ~np.isfinite(F)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        raise InvalidParameterError(
            "The 'features' parameter of FiniteBasis contains NaN or infinite values "
            f"({int(bad.sum())} entries, in {rows.size} row(s); first row {int(rows[0])})."
        )


def _householder(F):
    """Householder QR with column pivoting: ``(V, R)`` with ``F = V R``; refuses rank < m."""
    N, m = F.shape
    Qf, Rf, piv = sla.qr(F, mode="economic", pivoting=True, check_finite=False)
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


def _solve_rows(L, rows):
    """``rows L^{-T}`` for a C-contiguous ``(n, m)`` block (one BLAS ``trsm``), C-contiguous."""
    # rows^T is Fortran-ordered (m, n): solve L X = rows^T in place of a copy, X^T is the answer
    out = dtrsm(1.0, L, rows.T, side=0, lower=1, trans_a=0, diag=0, overwrite_b=0)
    return np.ascontiguousarray(out.T)


def _row_norms2(A):
    return np.einsum("ij,ij->i", A, A)


class FiniteBasis:
    """Orthonormal basis for a finite candidate pool with the uniform measure.

    Parameters
    ----------
    features : array-like of shape (N, m)
        Real feature matrix of the ``N`` candidates (rows), of full column rank ``m <= N``. It is
        orthonormalised internally: ``features = V R`` with ``V^T V = I`` (Cholesky QR, twice when
        ill conditioned, Householder QR when very ill conditioned). A private copy is kept.

    Attributes
    ----------
    size : int
        ``m``.
    n_candidates : int
        ``N``.
    dim : int
        1 (points are candidate indices).
    V : ndarray of shape (N, m)
        Orthonormal basis of the column span of the features (formed on first access).
    leverage : ndarray of shape (N,)
        Leverage scores ``l_i = ||V_i||^2`` (sum ``m``); ``k_m(i) = N l_i`` (formed on first access).

    See Also
    --------
    PolynomialBasis : Orthonormal polynomial basis (continuous domain).
    ProjectionDPP : Exact DPP sampler of a basis.
    sample_design : iid, DPP and volume-sampling designs.

    Notes
    -----
    With ``mu`` uniform on the pool, ``phi(i) = sqrt(N) V_i`` is orthonormal in ``L^2(mu)``, the inverse
    Christoffel function is ``k_m(i) = N l_i`` and the optimal design draws ``i`` with probability
    ``l_i / m``. The projection DPP of this basis has the marginal kernel ``K = V V^T``.

    Construction costs one Gram matrix (``N m^2`` flops); ``V`` and the leverage scores (another
    ``N m^2``) are formed only when needed, and a single DPP draw does without them (see the module
    notes of ``samplingstats.dpp._finite``).

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

    size: int
    n_candidates: int
    dim: int

    def __init__(self, features: ArrayLike) -> None:
        F = _check_features(features)
        N, m = F.shape
        self.size = int(m)
        self.n_candidates = int(N)
        self.dim = 1
        self._alias = None
        self._V: NDArray[np.float64] | None = None
        self._leverage: NDArray[np.float64] | None = None
        self._lazy = None  # (alias prob, alias, u, sum u) of the lazy DPP proposals
        self._lazy_rows = 0  # rows formed by lazy draws so far (materialise past N / 2)
        with np.errstate(all="ignore"):  # NaN / overflow are diagnosed just below
            G = F.T @ F  # numpy uses syrk for A.T @ A
        if not np.isfinite(G).all():
            _nonfinite_error(F)
            # finite entries whose squares overflow: scale the columns (the span is unchanged)
            s = np.max(np.abs(F), axis=0)
            s[s == 0] = 1.0
            F = F / s
            G = F.T @ F
            col_scale = s
        else:
            col_scale = None
        self._F = None
        self._L = None
        try:
            L = np.linalg.cholesky(G)
            rcond, info = dtrcon(L, norm="1", uplo="L", diag="N")
            cond = np.inf if info != 0 or rcond <= 0 else 1.0 / rcond
        except np.linalg.LinAlgError:
            cond = np.inf
        if cond <= _ONE_PASS_COND:
            # one Cholesky-QR pass: V = F L^{-T}, formed lazily
            self._F, self._L, self._G = F, L, G
            R = L.T
        elif cond <= _CHOLQR_COND:
            # Cholesky QR twice ("CholeskyQR2"): orthogonal to working precision
            V = _solve_rows(L, F)
            L2 = np.linalg.cholesky(V.T @ V)
            V = _solve_rows(L2, V)
            R = L2.T @ L.T
            self._set_V(V)
        else:
            V, R = _householder(F)
            self._set_V(V)
        if col_scale is not None:
            R = R * col_scale[None, :]
        self._R = R

    # -- the orthonormal basis, formed on demand ------------------------------------------------
    def _set_V(self, V):
        V.setflags(write=False)
        lev = _row_norms2(V)
        lev.setflags(write=False)
        self._V, self._leverage = V, lev
        self._F = self._G = None  # no longer needed

    def _materialise(self):
        if self._V is None:
            self._set_V(_solve_rows(self._L, self._F))

    @property
    def V(self) -> NDArray[np.float64]:
        """Orthonormal basis of the column span of the features, shape ``(N, m)`` (read-only)."""
        self._materialise()
        assert self._V is not None
        return self._V

    @property
    def leverage(self) -> NDArray[np.float64]:
        """Leverage scores ``l_i = ||V_i||^2``, shape ``(N,)`` (read-only)."""
        self._materialise()
        assert self._leverage is not None
        return self._leverage

    def _rows(self, idx):
        """``V[idx]`` (C-contiguous) without forming ``V`` when it is not formed yet."""
        if self._V is not None:
            return self._V[idx]
        return _solve_rows(self._L, self._F[idx])

    def _lazy_proposals(self, s=None):
        """Proposal data of the lazy DPP draw (``None`` when ``V`` is formed or it is unavailable).

        A dict with the alias table ``prob``, ``alias`` of an upper bound ``u`` of the leverage scores
        and ``U = sum(u)``. The bound uses the ``s`` smallest eigenpairs ``(lambda_k, w_k)`` of ``G``:
        ``u_i = sum_{k<=s} (w_k . F_i)^2 / lambda_k + (||F_i||^2 - sum_{k<=s} (w_k . F_i)^2) /
        lambda_{s+1} >= l_i`` (equality when ``s = m``; ``s = 0`` gives ``||F_i||^2 / lambda_1``), with
        ``s`` chosen to minimise the flops of the bound (``2 N m s``) plus those of the rows formed
        by one draw (``U H_m m^2``); ``s`` given (tests) forces it.
        """
        if self._V is not None:
            return None
        if self._lazy is None:
            from .._kernels._alias import alias_build

            m, N = self.size, self.n_candidates
            G = self._G
            # the bound gains little past a few eigenpairs when the spectrum has a bulk (the
            # N = 2e4, m = 200 benchmark: U = 907, 383, 284, 251 for s = 0, 2, 8, 16), while each
            # one costs 2 N m flops: the smallest 17 eigenpairs (LAPACK syevr on a subset, about
            # 2/3 the time of the full syevd at m = 200)
            smax = min(16, m - 1)
            lam, W = sla.eigh(
                G, subset_by_index=[0, smax], driver="evr", check_finite=False, overwrite_a=False
            )
            trace = float(np.trace(G))
            # eigh is backward stable: |error| <~ m eps ||G||; lower the eigenvalues by that and
            # keep a relative margin for the rounding of l_i, so that the bound holds as computed
            lam = (lam - 10 * m * np.finfo(float).eps * trace) * (1 - 1e-6)
            if not lam[0] > 0:
                return None
            hm = float(np.sum(1.0 / np.arange(1, m + 1)))
            best_s, best_cost = 0, 2.0 * (trace / lam[0]) * hm * m * m
            k = 1
            while k <= smax:
                mass = k + (trace - lam[:k].sum()) / lam[k]  # ~ sum_i u_i with k eigenpairs
                # a row of a draw costs its trsm (m^2 flops) and about as much in gather, thinning
                # and chain-rule tests: 2 m^2 per expected row
                cost = 2.0 * N * m * k + 2.0 * mass * hm * m * m
                if cost < best_cost:
                    best_s, best_cost = k, cost
                k *= 2
            if s is not None:
                best_s = min(int(s), smax)
            fn2 = _row_norms2(self._F)
            u = fn2 / lam[best_s]
            if best_s:
                Z = self._F @ W[:, :best_s]
                z2 = Z * Z
                u += z2 @ (1.0 / lam[:best_s] - 1.0 / lam[best_s])
            np.maximum(u, 0.0, out=u)
            prob, alias = alias_build(u)
            self._lazy = {"prob": prob, "alias": alias, "u": u, "U": float(u.sum()), "s": best_s}
        return self._lazy

    def __repr__(self):
        return f"FiniteBasis(n_candidates={self.n_candidates}, size={self.size})"

    def _alias_table(self):
        if self._alias is None:
            from .._kernels._alias import alias_build

            self._alias = alias_build(np.ascontiguousarray(self.leverage, dtype=np.float64))
        return self._alias

    def _check_indices(self, idx, name="indices", caller="FiniteBasis"):
        arr = np.asarray(idx)
        if arr.dtype.kind not in "iu" or arr.ndim != 1:
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be a 1-D int array of candidate "
                f"indices. Got an array of dtype {arr.dtype} and shape {arr.shape} instead."
            )
        if arr.size and (arr.min() < 0 or arr.max() >= self.n_candidates):
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must hold indices in "
                f"[0, {self.n_candidates}). Got values in [{int(arr.min())}, {int(arr.max())}] "
                "instead."
            )
        return arr.astype(np.int64, copy=False)

    def evaluate(self, indices: ArrayLike) -> Any:
        """Orthonormal basis values ``sqrt(N) V[indices]``, shape ``(n, m)``.

        Parameters
        ----------
        indices : array-like of int, shape (n,)
            Candidate indices in ``[0, N)``.

        Returns
        -------
        ndarray of shape (n, m)
            Basis values (a torch tensor for torch indices).

        Examples
        --------
        >>> import numpy as np
        >>> from samplingstats.dpp import FiniteBasis
        >>> basis = FiniteBasis(np.random.default_rng(0).standard_normal((50, 3)))
        >>> Phi = basis.evaluate(np.arange(50))
        >>> bool(np.allclose(Phi.T @ Phi / 50, np.eye(3)))
        True
        """
        if is_torch(indices):
            torch = __import__("torch")
            t: Any = indices
            V = torch.as_tensor(np.array(self.V), device=t.device)
            return V[t] * float(np.sqrt(self.n_candidates))
        idx = self._check_indices(indices, caller="FiniteBasis.evaluate")
        return self._rows(idx) * np.sqrt(self.n_candidates)

    def christoffel(self, indices: ArrayLike) -> NDArray[np.float64]:
        """``k_m(i) = N l_i`` at the given candidate indices.

        Parameters
        ----------
        indices : array-like of int, shape (n,)
            Candidate indices in ``[0, N)``.

        Returns
        -------
        ndarray of shape (n,)
            ``k_m(i) = N l_i``.
        """
        idx = self._check_indices(indices, caller="FiniteBasis.christoffel")
        if self._leverage is not None:
            return self.n_candidates * self._leverage[idx]
        return self.n_candidates * _row_norms2(self._rows(idx))

    def weights(self, indices: ArrayLike) -> NDArray[np.float64]:
        """Least-squares weights ``w(i) = m / k_m(i)``.

        Parameters
        ----------
        indices : array-like of int, shape (n,)
            Candidate indices in ``[0, N)``.

        Returns
        -------
        ndarray of shape (n,)
            ``m / k_m(i)``.
        """
        return self.size / self.christoffel(indices)

    def transform(self, features: ArrayLike) -> NDArray[np.float64]:
        """Orthonormal-basis values for new feature rows: ``sqrt(N) features R^{-1}``, shape (n, m).

        Lets a model fitted on the pool predict at points outside it.

        Parameters
        ----------
        features : array-like of shape (n, m)
            Feature rows of new points (same columns as the pool's features).

        Returns
        -------
        ndarray of shape (n, m)
            Orthonormal-basis values at the new points.
        """
        from .._validation import check_matrix

        real_numeric(features, "features", "FiniteBasis.transform")
        F = check_matrix(features, "features", n_cols=self.size)
        return np.linalg.solve(self._R.T, F.T).T * np.sqrt(self.n_candidates)

    def sample_reference(self, n_samples: int, *, rng: Any = None) -> NDArray[np.int64]:
        """``n_samples`` iid uniform candidate indices.

        Parameters
        ----------
        n_samples : int
            Number of draws (``>= 0``).
        rng : seed-like, optional
            Random generator (SPEC 7).

        Returns
        -------
        ndarray of shape (n_samples,)
            Candidate indices.

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

    def sample_optimal(self, n_samples: int, *, rng: Any = None) -> NDArray[np.int64]:
        """``n_samples`` iid candidate indices drawn with probability ``l_i / m`` (alias table).

        Parameters
        ----------
        n_samples : int
            Number of draws (``>= 0``).
        rng : seed-like, optional
            Random generator (SPEC 7).

        Returns
        -------
        ndarray of shape (n_samples,)
            Candidate indices.

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
    # 8 bytes per int64 index; a size whose output would not fit in memory is refused up front
    return check_size(n_samples, "n_samples", low=0, bytes_per_item=8, caller=caller)
