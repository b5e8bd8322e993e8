"""Orthonormal polynomial bases on product probability spaces.

One-dimensional families are orthonormal w.r.t. a *probability* measure (so ``p_0 = 1``) and are
evaluated by their three-term recurrence:

- ``"legendre"``: ``mu = dx / 2`` on ``[-1, 1]``.
- ``"chebyshev"``: first kind, arcsine measure ``dx / (pi sqrt(1 - x^2))`` (Jacobi ``a = b = -1/2``).
- ``"jacobi"``: ``mu ∝ (1 - x)^a (1 + x)^b dx`` on ``[-1, 1]``, ``a, b > -1``.
- ``"hermite"``: standard Gaussian measure on the real line (probabilists' Hermite).

Multivariate bases are tensor products over a downward-closed index set.
"""

from __future__ import annotations

import itertools
import math
import numbers
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln

from .._backend import is_torch, to_numpy
from .._rng import as_generator
from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    check_param,
    check_size,
)
from ._checks import real_numeric

__all__ = ["PolynomialBasis", "multi_indices"]

_FAMILIES = ("legendre", "chebyshev", "jacobi", "hermite")
_INDEX_SETS = ("total_degree", "hyperbolic_cross", "tensor")
_MAX_SIZE = 200_000
# families whose rejection envelopes are computed on a grid (Hermite, Jacobi): the supported
# largest one-dimensional degree (construction O(degree^1.5 / h) flops: ~0.3 s CPU at 1000)
_MAX_ENVELOPE_DEGREE = 1000
# points within this of [-1, 1] count as inside (rounding of mapped inputs)
_DOMAIN_SLACK = 1e-12


# ----------------------------------------------------------------------------------------------
# Index sets
# ----------------------------------------------------------------------------------------------
def _count_total_degree(dim, degree):
    return math.comb(dim + degree, dim)


def multi_indices(
    dim: int,
    degree: int,
    index_set: Literal["total_degree", "hyperbolic_cross", "tensor"] = "total_degree",
) -> NDArray[np.int64]:
    """Multi-indices of a tensor polynomial space, as an ``(m, dim)`` int64 array.

    Parameters
    ----------
    dim : int
        Number of variables, ``dim >= 1``.
    degree : int
        ``"total_degree"``: ``|k|_1 <= degree``; ``"hyperbolic_cross"``:
        ``prod_i (k_i + 1) <= degree + 1``; ``"tensor"``: ``max_i k_i <= degree``.
    index_set : {"total_degree", "hyperbolic_cross", "tensor"}

    Returns
    -------
    ndarray of shape (m, dim)
        Sorted by total degree, then lexicographically (the constant comes first).

    See Also
    --------
    PolynomialBasis : A basis on one of these index sets.

    Examples
    --------
    >>> from samplingstats.dpp import multi_indices
    >>> multi_indices(2, 2).tolist()
    [[0, 0], [0, 1], [1, 0], [0, 2], [1, 1], [2, 0]]
    >>> multi_indices(2, 3, "hyperbolic_cross").shape
    (8, 2)
    """
    caller = "multi_indices"
    dim = _check_int(dim, "dim", 1, caller)
    degree = _check_int(degree, "degree", 0, caller)
    check_param(index_set, [StrOptions(_INDEX_SETS)], name="index_set", caller=caller)
    if index_set == "total_degree":
        size = _count_total_degree(dim, degree)
    elif index_set == "tensor":
        size = (degree + 1) ** dim
    else:
        size = 0  # bounded by the total-degree count; checked below
    if size > _MAX_SIZE:
        raise InvalidParameterError(
            f"The {index_set!r} index set with dim={dim} and degree={degree} has {size} elements; "
            f"at most {_MAX_SIZE} are supported. Use a smaller degree or a sparser index set."
        )
    out = []
    if index_set == "tensor":
        out = list(itertools.product(range(degree + 1), repeat=dim))
    else:
        # Downward-closed sets: grow recursively over the coordinates.
        def rec(prefix, budget):
            if len(prefix) == dim:
                out.append(tuple(prefix))
                if len(out) > _MAX_SIZE:
                    raise InvalidParameterError(
                        f"The {index_set!r} index set with dim={dim} and degree={degree} has more "
                        f"than {_MAX_SIZE} elements. Use a smaller degree."
                    )
                return
            k = 0
            while True:
                if index_set == "total_degree":
                    if k > budget:
                        break
                    rec(prefix + [k], budget - k)
                else:
                    if (k + 1) > budget:
                        break
                    rec(prefix + [k], budget // (k + 1))
                k += 1

        rec([], degree if index_set == "total_degree" else degree + 1)
    arr = np.asarray(out, dtype=np.int64).reshape(-1, dim)
    order = np.lexsort(tuple(arr[:, i] for i in range(dim - 1, -1, -1)) + (arr.sum(axis=1),))
    return np.ascontiguousarray(arr[order])


def _check_int(value, name, low, caller):
    check_param(
        value, [Interval(numbers.Integral, low, None, closed="left")], name=name, caller=caller
    )
    return int(value)


# ----------------------------------------------------------------------------------------------
# One-dimensional families
# ----------------------------------------------------------------------------------------------
def _jacobi_recurrence(a, b, n):
    """alpha[0..n], sqb[0..n+1] for the orthonormal Jacobi polynomials (probability measure)."""
    alpha = np.empty(n + 1)
    beta = np.ones(n + 2)
    ab = a + b
    alpha[0] = (b - a) / (ab + 2.0)
    for k in range(1, n + 1):
        alpha[k] = (b * b - a * a) / ((2 * k + ab) * (2 * k + ab + 2))
    for k in range(1, n + 2):
        if k == 1:
            beta[k] = 4.0 * (1 + a) * (1 + b) / ((2 + ab) ** 2 * (3 + ab))
        else:
            beta[k] = (
                4.0
                * k
                * (k + a)
                * (k + b)
                * (k + ab)
                / ((2 * k + ab) ** 2 * (2 * k + ab + 1) * (2 * k + ab - 1))
            )
    return alpha, np.sqrt(beta)


def _hermite_recurrence(n):
    alpha = np.zeros(n + 1)
    sqb = np.sqrt(np.arange(n + 2, dtype=np.float64))
    sqb[0] = 1.0
    return alpha, sqb


def _eval_table(x, alpha, sqb, deg):
    """Vectorised recurrence: (len(x), deg + 1) values of p_0..p_deg."""
    x = np.asarray(x, dtype=np.float64)
    P = np.empty(x.shape + (deg + 1,))
    P[..., 0] = 1.0
    if deg >= 1:
        P[..., 1] = (x - alpha[0]) / sqb[1]
    for k in range(1, deg):
        P[..., k + 1] = ((x - alpha[k]) * P[..., k] - sqb[k] * P[..., k - 1]) / sqb[k + 1]
    return P


def _eval_table_scaled(x, alpha, sqb, deg):
    """Like :func:`_eval_table`, rescaled per point: ``p_k(x) = P[:, k] exp(logscale)``, ``|P| <= 1``.

    Each step that would grow the values past 1 divides the row by its largest value and adds the
    log to the scale, so nothing overflows for any finite ``x``.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    P = np.zeros((n, deg + 1))
    logscale = np.zeros(n)
    P[:, 0] = 1.0
    zero = np.zeros(n)
    for k in range(deg):
        d = x - alpha[k]
        prev = P[:, k - 1] if k >= 1 else zero
        # keep |d p_k| and |p_{k-1}| <= 1 (|P| <= 1 holds before): divide the rows where
        # |d| max(|p_k|, |p_{k-1}|) > 1 by it
        c = np.abs(d) * np.maximum(np.abs(P[:, k]), np.abs(prev))
        big = c > 1.0
        if big.any():
            P[big, : k + 1] /= c[big, None]
            logscale[big] += np.log(c[big])
            prev = P[:, k - 1] if k >= 1 else zero
        P[:, k + 1] = (d * P[:, k] - sqb[k] * prev) / sqb[k + 1]
        c = np.maximum(np.abs(P[:, k + 1]), np.abs(P[:, k]))
        grow = c > 1.0
        if grow.any():
            P[grow, : k + 2] /= c[grow, None]
            logscale[grow] += np.log(c[grow])
    return P, logscale


class _Family:
    """Recurrence, reference-measure sampler and the rejection envelopes of one 1-D family."""

    def __init__(self, name, maxdeg, jacobi_params=None):
        self.name = name
        self.maxdeg = maxdeg
        if name == "hermite":
            self.alpha, self.sqb = _hermite_recurrence(maxdeg)
            self.a = self.b = None
            self._hermite_envelopes()
        else:
            if name == "legendre":
                a = b = 0.0
            elif name == "chebyshev":
                a = b = -0.5
            else:
                a, b = jacobi_params
            self.a, self.b = float(a), float(b)
            self.alpha, self.sqb = _jacobi_recurrence(self.a, self.b, maxdeg)
            self._jacobi_envelopes()

    # Proposal for p_k^2 dmu on [-1, 1]: Beta-type density ∝ (1-x)^a' (1+x)^b' with a' = min(a, -1/2),
    # b' = min(b, -1/2), so that p_k^2 dmu / proposal is bounded (Bernstein-type inequalities).
    def _jacobi_envelopes(self):
        a, b = self.a, self.b
        ap, bp = min(a, -0.5), min(b, -0.5)
        self.prop_kind = 0 if (ap == -0.5 and bp == -0.5) else 1
        self.pa, self.pb = ap + 1.0, bp + 1.0
        self.ea, self.eb = a - ap, b - bp
        # log normalisers of (1-x)^a (1+x)^b on [-1,1]: 2^(a+b+1) B(a+1, b+1)
        lz = (a + b + 1) * math.log(2.0) + betaln(a + 1, b + 1)
        lzp = (ap + bp + 1) * math.log(2.0) + betaln(ap + 1, bp + 1)
        self.cst = math.exp(lzp - lz)
        self.hs = np.ones(self.maxdeg + 1)
        if self.name in ("legendre", "chebyshev"):
            # sup_x p_k(x)^2 mu'(x) / arcsine'(x) <= 2 for every k (Legendre: Bernstein's inequality
            # for P_k; Chebyshev: 2 T_k^2 <= 2).
            self.env = np.full(self.maxdeg + 1, 2.0)
            return
        from .._kernels._dpp import jacobi_envelopes

        theta = np.linspace(0.0, np.pi, 40001)
        x = np.cos(theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = self.cst * (1.0 - x) ** self.ea * (1.0 + x) ** self.eb
        r = np.nan_to_num(r, nan=0.0, posinf=0.0)
        # max over the grid of p_k^2 r for every k, point by point (no 40001 x (K + 1) table)
        self.env = 1.02 * jacobi_envelopes(x, r, self.alpha, self.sqb, self.maxdeg)

    def _hermite_envelopes(self):
        # Proposal N(0, s_k^2) for p_k^2 dphi: envelope sup_x p_k(x)^2 s_k exp(-x^2 (1 - 1/s_k^2) / 2),
        # with s_k^2 the best of 1 + c k, c in {0.5, 1, 1.5, 2, 3}, maximised over a grid of x >= 0
        # (|p_k| is even or odd) in the log domain. The ratio decreases beyond
        # x^2 = 2k / (1 - 1/s^2) <= 2k + 4 (and beyond the largest zero of p_k, < 2 sqrt(k + 1)), so
        # degree k's grid stops at 4 sqrt(k + 1) + 10. The numba kernel runs the recurrence point
        # over the grid one degree at a time with a per-point power-of-two scale, and takes
        # logarithms only where a point's binary exponent leaves it a chance to reach the maximum:
        # O(maxdeg * grid) flops, O(grid) memory.
        from .._kernels._dpp import hermite_envelopes

        self.prop_kind = 2
        self.pa = self.pb = self.ea = self.eb = 0.0
        self.cst = 1.0
        K = self.maxdeg
        h = 0.004
        x = np.arange(0.0, 4.0 * math.sqrt(K + 1) + 10.0 + h, h)
        d = np.arange(K + 1, dtype=np.float64)
        npts = np.minimum(x.shape[0], ((4.0 * np.sqrt(d + 1) + 10.0) / h).astype(np.int64) + 2)
        cs = np.array([0.5, 1.0, 1.5, 2.0, 3.0])
        s2 = 1.0 + cs[None, :] * d[:, None]  # (K + 1, 5)
        best = hermite_envelopes(x, self.alpha, self.sqb, K, npts, np.ascontiguousarray(0.5 / s2))
        lg = best + 0.5 * np.log(s2)
        # the first c with the smallest envelope (ties keep the earlier c, as a strict '<' scan)
        j = np.argmin(lg, axis=1)
        rows = np.arange(K + 1)
        env = 1.02 * np.exp(lg[rows, j])
        hs = np.sqrt(s2[rows, j])
        env[0], hs[0] = 1.02, 1.0  # p_0 = 1 and s = 1: the ratio is 1
        self.env, self.hs = env, hs

    def kernel_args(self):
        return (self.env, self.prop_kind, self.pa, self.pb, self.ea, self.eb, self.cst, self.hs)

    def sample_reference(self, shape, rng):
        if self.name == "hermite":
            return rng.standard_normal(shape)
        if self.name == "legendre":
            return rng.uniform(-1.0, 1.0, shape)
        if self.name == "chebyshev":
            return np.cos(np.pi * rng.random(shape))
        return 2.0 * rng.beta(self.b + 1.0, self.a + 1.0, shape) - 1.0


# ----------------------------------------------------------------------------------------------
# Public basis
# ----------------------------------------------------------------------------------------------
class PolynomialBasis:
    """Orthonormal tensor-product polynomial basis of ``L^2(mu^{⊗d})``.

    Parameters
    ----------
    dim : int
        Number of variables ``d >= 1``.
    degree : int or None
        Degree parameter of the index set (``>= 0``); may be None when ``index_set`` is an array.
        The Hermite and Jacobi families support one-dimensional degrees up to 1000 (their sampling
        envelopes are tabulated per degree at construction, about 0.3 s of CPU at 1000).
    family : {"legendre", "chebyshev", "jacobi", "hermite"}, default "legendre"
        One-dimensional family (the same in every coordinate); ``mu`` is a probability measure:
        ``dx/2`` on ``[-1, 1]`` (Legendre), the arcsine law (Chebyshev, first kind), the Jacobi law
        ``∝ (1-x)^a (1+x)^b dx`` (Jacobi), the standard Gaussian (Hermite).
    index_set : {"total_degree", "hyperbolic_cross", "tensor"} or array of shape (m, dim)
        ``|k|_1 <= degree``, ``prod(k_i + 1) <= degree + 1`` or ``max k_i <= degree``; or an explicit
        array of distinct non-negative multi-indices (any order, kept as given).
    jacobi_params : tuple (a, b), optional
        Exponents ``a, b > -1`` of the Jacobi weight; required for ``family="jacobi"`` only.

    Attributes
    ----------
    size : int
        Number of basis functions ``m``.
    dim : int
        Number of variables ``d``.
    multi_indices : ndarray of shape (m, d)
        The multi-indices, one row per basis function.

    See Also
    --------
    FiniteBasis : Basis of a finite candidate pool.
    multi_indices : The index sets.
    sample_design : Designs for least squares in the basis.

    Notes
    -----
    The basis is orthonormal in ``L^2(mu^{⊗d})``, so the inverse Christoffel function
    ``k_m(x) = sum_j phi_j(x)^2`` integrates to ``m`` and ``k_m / m dmu`` is the optimal sampling
    density of weighted least squares (Cohen & Migliorati 2017).

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.dpp import PolynomialBasis
    >>> basis = PolynomialBasis(2, 3)
    >>> basis.size, basis.dim
    (10, 2)
    >>> x = basis.sample_reference(200_000, rng=0)
    >>> Phi = basis.evaluate(x)
    >>> bool(np.allclose(Phi.T @ Phi / len(x), np.eye(10), atol=0.03))
    True
    >>> round(float(basis.christoffel(x).mean()), 1)
    10.0
    """

    size: int
    dim: int
    degree: int
    family: str
    index_set: str
    multi_indices: NDArray[np.int64]
    jacobi_params: tuple[float, float] | None

    def __init__(
        self,
        dim: int,
        degree: int | None = None,
        *,
        family: Literal["legendre", "chebyshev", "jacobi", "hermite"] = "legendre",
        index_set: Literal["total_degree", "hyperbolic_cross", "tensor"]
        | ArrayLike = "total_degree",
        jacobi_params: tuple[float, float] | None = None,
    ) -> None:
        caller = "PolynomialBasis"
        self.dim = _check_int(dim, "dim", 1, caller)
        check_param(family, [StrOptions(_FAMILIES)], name="family", caller=caller)
        self.family = family
        if isinstance(index_set, str):
            check_param(index_set, [StrOptions(_INDEX_SETS)], name="index_set", caller=caller)
            if degree is None:
                raise InvalidParameterError(
                    f"The 'degree' parameter of {caller} must be an int in the range [0, inf). "
                    "Got None instead."
                )
            self.degree = _check_int(degree, "degree", 0, caller)
            idx = multi_indices(self.dim, self.degree, index_set)  # type: ignore[arg-type]
            self.index_set = index_set
        else:
            idx = self._check_index_array(index_set, caller)
            if degree is not None:
                self.degree = _check_int(degree, "degree", 0, caller)
                if idx.max() > self.degree:
                    raise InvalidParameterError(
                        f"The 'index_set' parameter of {caller} has an entry {int(idx.max())} above "
                        f"degree={self.degree}."
                    )
            else:
                self.degree = int(idx.max())
            self.index_set = "custom"
        if family == "jacobi":
            jacobi_params = self._check_jacobi(jacobi_params, caller)
        elif jacobi_params is not None:
            raise InvalidParameterError(
                f"The 'jacobi_params' parameter of {caller} must be None for family={family!r}. "
                f"Got {jacobi_params!r} instead."
            )
        self.jacobi_params = jacobi_params
        self.multi_indices = idx
        self.multi_indices.setflags(write=False)
        self.size = int(idx.shape[0])
        self.maxdeg = int(idx.max()) if idx.size else 0
        if family in ("hermite", "jacobi") and self.maxdeg > _MAX_ENVELOPE_DEGREE:
            arg = "degree" if isinstance(index_set, str) else "index_set"
            raise InvalidParameterError(
                f"The {arg!r} parameter of {caller} gives a largest one-dimensional degree of "
                f"{self.maxdeg}; family={family!r} supports at most {_MAX_ENVELOPE_DEGREE} (its "
                "sampling envelopes are tabulated per degree). Use a lower degree or the "
                "'legendre' / 'chebyshev' family."
            )
        self._family = _Family(family, self.maxdeg, jacobi_params)

    # -- validation helpers ---------------------------------------------------------------------
    def _check_index_array(self, index_set, caller):
        try:
            arr = np.asarray(to_numpy(index_set))
        except Exception:  # noqa: BLE001
            arr = None
        if (
            arr is None
            or arr.ndim != 2
            or arr.shape[1] != self.dim
            or arr.shape[0] < 1
            or arr.dtype.kind not in "iu"
        ):
            raise InvalidParameterError(
                f"The 'index_set' parameter of {caller} must be a str among "
                f"{{'hyperbolic_cross', 'tensor', 'total_degree'}} or an int array of shape "
                f"(m, {self.dim}). Got {index_set!r} instead."
            )
        if (arr < 0).any():
            raise InvalidParameterError(
                f"The 'index_set' parameter of {caller} must hold non-negative multi-indices."
            )
        if len(np.unique(arr, axis=0)) != len(arr):
            raise InvalidParameterError(
                f"The 'index_set' parameter of {caller} has repeated multi-indices."
            )
        return np.ascontiguousarray(arr, dtype=np.int64)

    @staticmethod
    def _check_jacobi(params, caller):
        ok = (
            isinstance(params, (tuple, list, np.ndarray))
            and len(params) == 2
            and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in params)
            and all(math.isfinite(float(v)) and float(v) > -1 for v in params)
        )
        if not ok:
            raise InvalidParameterError(
                f"The 'jacobi_params' parameter of {caller} must be a pair (a, b) of floats in the "
                f"range (-1, inf) for family='jacobi'. Got {params!r} instead."
            )
        return (float(params[0]), float(params[1]))

    def __repr__(self):
        extra = f", jacobi_params={self.jacobi_params}" if self.family == "jacobi" else ""
        return (
            f"PolynomialBasis(dim={self.dim}, degree={self.degree}, family={self.family!r}, "
            f"index_set={self.index_set!r}{extra}, size={self.size})"
        )

    # -- points ---------------------------------------------------------------------------------
    def _check_points(self, x, name="x", caller="PolynomialBasis", domain=True):
        try:
            arr = np.asarray(to_numpy(x) if not isinstance(x, np.ndarray) else x)
        except (TypeError, ValueError) as exc:  # ragged nested sequences
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be a numeric array of shape "
                f"(n, {self.dim})."
            ) from exc
        arr = real_numeric(arr, name, caller, what=f"array of shape (n, {self.dim})")
        if arr.ndim == 1 and self.dim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be an array of shape (n, {self.dim}) "
                f"for a basis of dimension {self.dim}. Got shape {arr.shape} instead."
            )
        if not np.isfinite(arr).all():
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} contains NaN or infinite values."
            )
        if domain and self.family != "hermite" and arr.size:
            amax = float(np.max(np.abs(arr)))
            if amax > 1.0 + _DOMAIN_SLACK:
                raise InvalidParameterError(
                    f"The {name!r} parameter of {caller} must lie in the domain [-1, 1] of the "
                    f"{self.family} basis (the support of its measure); got |x| up to {amax:.6g}. "
                    "Rescale the inputs to [-1, 1]."
                )
        return np.ascontiguousarray(arr)

    def _values(self, X, name="x", caller="PolynomialBasis.evaluate"):
        """Basis values at checked points; refuses values that overflow float64."""
        from .._kernels._dpp import basis_eval

        f = self._family
        P = basis_eval(X, f.alpha, f.sqb, self.maxdeg, self.multi_indices)
        if not np.isfinite(P).all():
            bad = np.flatnonzero(~np.isfinite(P).all(axis=1))
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller}: the basis values overflow float64 at "
                f"{bad.size} point(s) (first: {X[bad[0]].tolist()}); degree {self.maxdeg} "
                f"{self.family} polynomials are not representable that far out. Use smaller "
                "points or a lower degree (weights() stays finite there)."
            )
        return P

    def evaluate(self, x: ArrayLike) -> Any:
        """Values of the ``m`` basis functions at the points ``x``.

        Parameters
        ----------
        x : array-like of shape (n, d) (or (n,) when d = 1), or a torch tensor
            Points, in the domain of the family (``[-1, 1]^d`` except for Hermite); torch in gives
            torch out on the same device.

        Returns
        -------
        ndarray or tensor of shape (n, m)
            ``phi_j(x_i)``, one row per point.

        Raises
        ------
        InvalidParameterError
            Points outside the domain, or (Hermite) values that overflow float64.

        Examples
        --------
        >>> from samplingstats.dpp import PolynomialBasis
        >>> b = PolynomialBasis(1, 2)
        >>> b.evaluate([0.0, 1.0]).round(4).tolist()
        [[1.0, 0.0, -1.118], [1.0, 1.7321, 2.2361]]
        """
        if is_torch(x):
            from ._torch_dpp import torch_basis_eval

            return torch_basis_eval(self, x)
        caller = "PolynomialBasis.evaluate"
        return self._values(self._check_points(x, caller=caller), caller=caller)

    def christoffel(self, x: ArrayLike) -> Any:
        """Inverse Christoffel function ``k_m(x) = sum_j phi_j(x)^2`` at the points ``x``.

        Parameters
        ----------
        x : array-like of shape (n, d) (or (n,) when d = 1)
            Points in the domain of the family.

        Returns
        -------
        ndarray of shape (n,)
            ``k_m(x)`` (a torch tensor for torch input).

        Examples
        --------
        >>> from samplingstats.dpp import PolynomialBasis
        >>> float(PolynomialBasis(1, 3).christoffel([1.0])[0])  # sum of (2k+1), k <= 3
        16.0
        """
        if is_torch(x):
            P = self.evaluate(x)
            return (P * P).sum(dim=1)
        caller = "PolynomialBasis.christoffel"
        P = self._values(self._check_points(x, caller=caller), caller=caller)
        k = (P * P).sum(axis=1)
        if not np.isfinite(k).all():
            raise InvalidParameterError(
                f"The 'x' parameter of {caller}: k_m(x) overflows float64 at "
                f"{int((~np.isfinite(k)).sum())} point(s); use weights() (m / k_m, computed "
                "with log scaling)."
            )
        return k

    def weights(self, x: ArrayLike) -> Any:
        """Least-squares weights ``w(x) = m / k_m(x)`` at the points ``x``.

        Computed with log scaling where ``k_m`` overflows (far in the tails of a Hermite basis),
        so the weights are finite and non-negative everywhere in the domain.

        Parameters
        ----------
        x : array-like of shape (n, d) (or (n,) when d = 1)
            Points in the domain of the family.

        Returns
        -------
        ndarray of shape (n,)
            ``m / k_m(x)`` (a torch tensor for torch input).

        Examples
        --------
        >>> from samplingstats.dpp import PolynomialBasis
        >>> w = PolynomialBasis(1, 60, family="hermite").weights([0.0, 1e6])
        >>> bool(w[0] > 0 and 0 <= w[1] < 1e-300)
        True
        """
        if is_torch(x):
            return self.size / self.christoffel(x)
        X = self._check_points(x, caller="PolynomialBasis.weights")
        return self._weights_checked(X)

    def _weights_checked(self, X):
        from .._kernels._dpp import basis_eval

        f = self._family
        with np.errstate(over="ignore", invalid="ignore"):
            P = basis_eval(X, f.alpha, f.sqb, self.maxdeg, self.multi_indices)
            k = (P * P).sum(axis=1)
        bad = ~np.isfinite(k)
        w = np.empty(X.shape[0])
        w[~bad] = self.size / k[~bad]
        if bad.any():
            w[bad] = self.size * np.exp(-self._log_christoffel(X[bad]))
        return w

    def _log_christoffel(self, X):
        """``log k_m(x)`` with per-point log scaling of the recurrences (no overflow)."""
        f = self._family
        n = X.shape[0]
        total = np.zeros((n, self.size))
        logscale = np.zeros(n)
        for i in range(self.dim):
            P, ls = _eval_table_scaled(X[:, i], f.alpha, f.sqb, self.maxdeg)
            vals = P[:, self.multi_indices[:, i]]
            total = vals * vals if i == 0 else total * (vals * vals)
            logscale += 2.0 * ls
        return logscale + np.log(total.sum(axis=1))

    def sample_reference(self, n_samples: int, *, rng: Any = None) -> NDArray[np.float64]:
        """``n_samples`` iid draws from the reference measure ``mu^{⊗d}``, shape ``(n, d)``.

        Parameters
        ----------
        n_samples : int
            Number of draws (``>= 0``).
        rng : seed-like, optional
            Random generator (SPEC 7).

        Returns
        -------
        ndarray of shape (n_samples, d)
            Points.

        Examples
        --------
        >>> from samplingstats.dpp import PolynomialBasis
        >>> PolynomialBasis(3, 2, family="hermite").sample_reference(5, rng=0).shape
        (5, 3)
        """
        n_samples = check_size(
            n_samples,
            "n_samples",
            low=0,
            bytes_per_item=8 * self.dim,
            caller="PolynomialBasis.sample_reference",
        )
        rng = as_generator(rng)
        return self._family.sample_reference((n_samples, self.dim), rng)

    def sample_optimal(self, n_samples: int, *, rng: Any = None, device: Any = None) -> Any:
        """``n_samples`` iid draws from the optimal density ``k_m / m dmu`` (Christoffel sampling).

        Exact: pick ``j`` uniformly, then draw each coordinate from ``p_{k_{ji}}^2 dmu`` by rejection.
        With ``device`` (a torch device), the batched torch sampler runs there and returns a tensor.

        Parameters
        ----------
        n_samples : int
            Number of draws (``>= 0``).
        rng : seed-like, optional
            Random generator (SPEC 7).
        device : str or torch.device, optional
            Draw with the batched torch sampler on this device.

        Returns
        -------
        ndarray or tensor of shape (n_samples, d)
            Points (a torch tensor when ``device`` is given).

        Examples
        --------
        >>> from samplingstats.dpp import PolynomialBasis
        >>> PolynomialBasis(2, 4).sample_optimal(3, rng=0).shape
        (3, 2)
        """
        from .._kernels._dpp import christoffel_draw

        n_samples = check_size(
            n_samples,
            "n_samples",
            low=0,
            bytes_per_item=8 * self.dim,
            caller="PolynomialBasis.sample_optimal",
        )
        rng = as_generator(rng)
        if device is not None:
            from .._backend import resolve_device
            from ._torch_dpp import torch_optimal_draws

            return torch_optimal_draws(self, n_samples, rng, resolve_device(device))
        f = self._family
        return christoffel_draw(
            n_samples, self.multi_indices, f.alpha, f.sqb, *f.kernel_args(), rng
        )
