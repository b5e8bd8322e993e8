"""Finite candidate pools: the orthonormalised feature matrix and its leverage scores.

Set-up cost
-----------
Orthonormalising an ``N x m`` feature matrix costs ``Theta(N m^2)`` flops; it dominates one DPP draw
(``~ m^3 H_m``) when ``N >> m``. :class:`FiniteBasis` therefore does only what every use needs:

- the Gram matrix ``G = F^T F`` (one ``syrk``, ``N m^2`` flops: the floor of any exact sampler that
  starts from raw features), its Cholesky factor ``G = L L^T`` and ``L^{-1}``,
  and the few smallest eigenpairs of ``G`` (LAPACK ``syevr``; the full ``eigh`` costs twice as
  much). When ``cond(F) <= 100`` (``cond(F)^2 = lam_max / lam_min``, ``lam_max`` estimated from above
  by ``||G||_1``), ``V = F L^{-T}`` (the Q factor of ``F``, one Cholesky-QR pass; orthogonality lost
  ``~ eps cond(F)^2``) is formed lazily. Worse conditioned features take Cholesky QR twice (formed
  at once) or Householder QR with column pivoting (rank check);
- ``V`` and the leverage scores ``l_i = ||V_i||^2`` are formed on first use (one GEMM,
  ``2 N m^2`` flops) -- by the attributes ``V`` / ``leverage``, optimal iid draws, the spectral or
  torch samplers, or a batch of DPP draws large enough to amortise it;
- a single projection-DPP draw skips them: it proposes ``i`` with probability proportional to an
  upper bound ``u_i >= l_i`` built from ``||F_i||^2`` and a few of the smallest eigenpairs (one pass
  over ``F``, :func:`samplingstats._kernels._dpp.finite_leverage_bound`), forms only the rows of
  the proposals, in the coordinates of the complement of
  the points taken so far, and accepts ``i`` with probability ``residual_i / u_i``: exactly the law of
  the chain rule. See ``samplingstats.dpp._samplers._lazy_finite_draws``.

Threads: the Gram matrix and the GEMMs on blocks of proposals use numpy's OpenBLAS with every
thread the caller allows; the small LAPACK calls (Cholesky, scipy's ``syevr`` and ``trtri``, the
QR between phases of a draw) run on one thread (``_one_blas_thread``; threads only synchronise in
them), so two libraries' thread pools never work at once. No other threads are started: after a
multi-threaded call OpenBLAS's idle workers spin for about 0.1 s, and threads of our own running
then competed with them (measured: set-up + one draw 24-25 ms instead of 15-16 ms on 2 threads when
the caller had just used BLAS). The rare ill-conditioned paths use scipy (pivoted QR, triangular
solves).

The features are read, not copied, when they already are a C-contiguous float64 array (``copy=False``,
the default): the basis keeps a reference to them until ``V`` is formed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray
from scipy.linalg.blas import dtrsm
from scipy.linalg.lapack import dtrcon, dtrtri

from .._backend import is_torch, one_blas_thread
from .._rng import as_generator
from .._validation import InvalidParameterError, check_size
from ._checks import real_numeric

__all__ = ["FiniteBasis"]

# one Cholesky-QR pass when the (1-norm) condition estimate of L = cond(F) is at most this:
# orthogonality is then lost by ~ eps * cond^2 * m <~ 1e-10 at worst
_ONE_PASS_COND = 100.0
# above this, Cholesky QR (even twice) is unreliable: Householder QR with column pivoting
_CHOLQR_COND = 1e7
# eigenpairs of the Gram matrix computed at set-up (the lazy draw's bound uses up to _PAIRS - 1 of
# them); every one when m <= _ALL_PAIRS
_PAIRS = 5
_ALL_PAIRS = 8


# small m x m factorisations run on one BLAS thread (shared helper, see its docstring)
_one_blas_thread = one_blas_thread


def _check_features(features, copy=False):
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
    # read, not copied, when already C-contiguous float64 (copy=False): the lazy rows read it
    if copy:
        return np.array(arr, dtype=np.float64, order="C", copy=True)
    return np.ascontiguousarray(arr, dtype=np.float64)


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


def _eig_margin(lam, m, trace):
    """Eigenvalues lowered by the backward error of ``eigh`` (``~ m eps ||G||``) and a relative
    margin for the rounding of the leverage scores, so that bounds built on them hold as computed."""
    return (lam - 10 * m * np.finfo(float).eps * trace) * (1 - 1e-6)


class FiniteBasis:
    """Orthonormal basis for a finite candidate pool with the uniform measure.

    Parameters
    ----------
    features : array-like of shape (N, m)
        Real feature matrix of the ``N`` candidates (rows), of full column rank ``m <= N``. It is
        orthonormalised internally: ``features = V R`` with ``V^T V = I`` (one whitening pass from
        the Cholesky factor of ``F^T F``; Cholesky QR twice when ill conditioned; Householder QR
        when very ill conditioned).
    copy : bool, default False
        ``False``: a C-contiguous float64 ``features`` array is read, not copied -- the basis keeps a
        reference to it until ``V`` is formed (a single DPP draw reads the rows it proposes from it),
        so do not modify it in place meanwhile. Other inputs are converted (a new array).
        ``True``: always keep a private copy (costs one pass over the features).

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

    def __init__(self, features: ArrayLike, *, copy: bool = False) -> None:
        F = _check_features(features, copy=bool(copy))
        N, m = F.shape
        self.size = int(m)
        self.n_candidates = int(N)
        self.dim = 1
        self._alias = None
        self._eig: tuple[Any, Any, float] | None = None  # (lam, W, trace) of G, one-pass path
        self._V: NDArray[np.float64] | None = None
        self._leverage: NDArray[np.float64] | None = None
        self._lazy = None  # (alias prob, alias, u, sum u) of the lazy DPP proposals
        self._lazy_rows = 0  # rows formed by lazy draws so far (materialise past N / 2)
        with np.errstate(all="ignore"):  # NaN / overflow are diagnosed just below
            G = F.T @ F  # numpy uses syrk for A.T @ A (every BLAS thread allowed)
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
        self._M: NDArray[np.float64] | None = None  # draw coordinates: L^{-T} (F M = V)
        self._G: NDArray[np.float64] | None = None
        self._LinvT: NDArray[np.float64] | None = None  # L^{-T}: V = F L^{-T} (Cholesky QR)
        self._col_scale = col_scale
        self._R: NDArray[np.float64] | None = None
        # Cholesky factor G = L L^T, its inverse, and the few smallest eigenpairs of G (for the cond
        # check and the bound of the lazy draw): LAPACK on one thread (not the full eigh: 2x dearer)
        m = self.size
        n_pairs = m if m <= _ALL_PAIRS else _PAIRS
        cond = np.inf
        try:
            with _one_blas_thread():
                L = np.linalg.cholesky(G)
                Linv, info = dtrtri(L, lower=1)
                lam, W = sla.eigh(
                    G, subset_by_index=[0, n_pairs - 1], driver="evr", check_finite=False
                )
            # ||G||_1 >= lam_max: a (cheap) upper estimate of cond(F) = sqrt(lam_max / lam_min)
            if info == 0 and lam[0] > 0:
                cond = float(np.sqrt(np.abs(G).sum(axis=0).max() / lam[0]))
        except (np.linalg.LinAlgError, ValueError):  # not positive definite (rank-deficient F)
            cond = np.inf
        if cond <= _ONE_PASS_COND:
            # one Cholesky-QR pass, V = F L^{-T} (the Q factor of F), formed lazily; a single draw
            # forms only the rows it proposes
            self._F, self._G = F, G
            self._LinvT = np.ascontiguousarray(Linv.T)
            self._M = self._LinvT
            R = L.T
            self._R = R if col_scale is None else R * col_scale[None, :]
            self._eig = (lam, W, float(np.trace(G)))
        else:
            R = self._ill_conditioned(F, G)
            self._R = R if col_scale is None else R * col_scale[None, :]

    def _cholesky_map(self):
        """``L^{-T}`` with ``G = L L^T`` (one-pass path): ``V = F L^{-T}``, ``F = V L^T``."""
        if self._LinvT is None:
            with _one_blas_thread():
                L = np.linalg.cholesky(self._G)
                self._LinvT = np.ascontiguousarray(np.linalg.inv(L).T)
            R = L.T
            self._R = R if self._col_scale is None else R * self._col_scale[None, :]
        return self._LinvT

    def _r_factor(self):
        """``R`` with ``features = V R`` (upper triangular unless Householder pivoted it)."""
        if self._R is None:
            self._cholesky_map()
        assert self._R is not None
        return self._R

    def _ill_conditioned(self, F, G):
        """``cond(F) > 100``: Cholesky QR twice, or Householder QR past ``1e7``; forms ``V``."""
        try:
            L = np.linalg.cholesky(G)
            rcond, info = dtrcon(L, norm="1", uplo="L", diag="N")
            cond = np.inf if info != 0 or rcond <= 0 else 1.0 / rcond
        except np.linalg.LinAlgError:
            cond = np.inf
        if cond <= _CHOLQR_COND:
            # Cholesky QR twice ("CholeskyQR2"): orthogonal to working precision
            V = _solve_rows(L, F)
            L2 = np.linalg.cholesky(V.T @ V)
            V = _solve_rows(L2, V)
            R = L2.T @ L.T
        else:
            V, R = _householder(F)
        self._set_V(V)
        return R

    # -- the orthonormal basis, formed on demand ------------------------------------------------
    def _set_V(self, V):
        V.setflags(write=False)
        lev = _row_norms2(V)
        lev.setflags(write=False)
        self._V, self._leverage = V, lev
        if self._R is None and self._G is not None:
            self._cholesky_map()  # keep R (transform); the rest is no longer needed
        self._F = self._M = self._G = self._LinvT = None  # drops the reference to the features
        self._eig = None

    def _materialise(self):
        if self._V is None:
            self._set_V(self._F @ self._cholesky_map())  # one GEMM (numpy's BLAS)

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
        return self._F[idx] @ self._cholesky_map()

    def _draw_rows(self, idx):
        """Rows ``F[idx] L^{-T}`` of the draw coordinates (one GEMM; V not formed)."""
        return self._F[idx] @ self._M

    def _lazy_proposals(self, s=None):
        """Proposal data of the lazy DPP draw (``None`` when ``V`` is formed or it is unavailable).

        A dict with the alias table ``prob``, ``alias`` of an upper bound ``u`` of the leverage scores
        and ``U = sum(u)``. The bound uses the ``s`` smallest eigenpairs ``(lambda_k, w_k)`` of ``G``:
        ``u_i = sum_{k<=s} (w_k . F_i)^2 / lambda_k + (||F_i||^2 - sum_{k<=s} (w_k . F_i)^2) /
        lambda_{s+1} >= l_i`` (equality when ``s = m``; ``s = 0`` gives ``||F_i||^2 / lambda_1``), with
        ``s <= _PAIRS - 1`` chosen to minimise the cost of the bound (one pass, ``(s + 1) N m``
        multiply-adds: a memory-bound pass, about ``(7 + s) N m`` GEMM flops) plus that
        of one draw (``U H_m`` proposals of mean width about ``2 ln(2) m / H_m``, with the chain rule
        about ``5 U m^2`` GEMM flops); ``s`` given (tests) forces it.
        """
        if self._V is not None or self._eig is None:
            return None
        if self._lazy is None:
            from .._kernels._alias import alias_build
            from .._kernels._dpp import finite_leverage_bound

            m, N = self.size, self.n_candidates
            lam_raw, W, trace = self._eig
            lam = _eig_margin(lam_raw, m, trace)
            if not lam[0] > 0:
                return None
            smax = min(lam.size, m) - 1
            k = np.arange(smax + 1)
            head = np.concatenate([[0.0], np.cumsum(lam_raw[:smax])])
            mass = k + (trace - head) / lam[: smax + 1]  # sum_i u_i with k eigenpairs
            # in GEMM flops, measured: the pass ~ (7 + k) N m, the draw ~ 5 U m^2
            cost = (7.0 + 1.0 * k) * N * m + 5.0 * mass * m * m
            best_s = int(np.argmin(cost)) if s is None else min(int(s), smax)
            Wt = np.ascontiguousarray(W[:, :best_s].T)
            a = 1.0 / lam[:best_s] - 1.0 / lam[best_s]
            u = finite_leverage_bound(self._F, Wt, np.ascontiguousarray(a), 1.0 / lam[best_s])
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
        return np.linalg.solve(self._r_factor().T, F.T).T * np.sqrt(self.n_candidates)

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
