"""Weighted least squares on random designs, with stability checks, and a scikit-learn regressor."""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, RegressorMixin

from .._exceptions import ConvergenceWarning
from .._progress import check_progress, get_logger, progress_bar
from .._results import Result
from .._rng import as_generator
from .._validation import Interval, InvalidParameterError, StrOptions, check_param
from ._checks import real_numeric
from ._finite import FiniteBasis
from ._polynomials import _FAMILIES, _INDEX_SETS, PolynomialBasis
from ._samplers import _KINDS, Design, _check_basis, _check_n, _draw_points

__all__ = ["WLSResult", "weighted_least_squares", "WLSRegressor"]

_LOG = get_logger("dpp")


@dataclasses.dataclass(repr=False)
class WLSResult(Result):
    """Result of :func:`weighted_least_squares`.

    Attributes
    ----------
    coef : ndarray of shape (m,)
        Coefficients of the approximation in the orthonormal basis (zeros when
        ``stability="condition"`` and the design is unstable).
    design : Design
        The design used (points and weights).
    gram_deviation : float
        ``||G - I||_2`` of the design's empirical Gram matrix.
    stable : bool
        ``gram_deviation <= delta``.
    n_evaluations : int
        Number of evaluations of ``func`` (redrawn designs are not evaluated).
    n_redraws : int
        Number of designs rejected as unstable (``stability="resample"``).

    See Also
    --------
    weighted_least_squares : Returns this result.
    """

    coef: NDArray[np.float64]
    design: Design
    gram_deviation: float
    stable: bool
    n_evaluations: int
    n_redraws: int
    basis: Any = dataclasses.field(default=None, repr=False)

    def predict(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate the approximation ``sum_j coef_j phi_j`` at ``x`` (indices for a FiniteBasis).

        Parameters
        ----------
        x : array-like
            Points (candidate indices for a FiniteBasis).

        Returns
        -------
        ndarray of shape (n,)
            Values of the approximation.
        """
        return self.basis.evaluate(x) @ self.coef

    def _frame_columns(self):
        # one row per basis function: its multi-index (k0, k1, ...) for a polynomial basis, and its
        # coefficient; the design's size and kind go with the scalar fields
        rows = {}
        idx = getattr(self.basis, "multi_indices", None)
        if idx is not None and idx.shape[0] == np.shape(self.coef)[0]:
            for j in range(idx.shape[1]):
                rows[f"k{j}"] = idx[:, j]
        rows["coef"] = np.asarray(self.coef)
        scalars = {
            "gram_deviation": float(self.gram_deviation),
            "stable": bool(self.stable),
            "n_evaluations": int(self.n_evaluations),
            "n_redraws": int(self.n_redraws),
            "kind": self.design.kind,
            "n_samples": self.design.n_samples,
        }
        return rows, scalars


def _gram_and_design_matrix(basis, points, weights):
    n = weights.shape[0]
    Phi = basis.evaluate(points)
    sw = np.sqrt(weights / n)
    A = Phi * sw[:, None]
    G = A.T @ A
    dev = float(np.max(np.abs(np.linalg.eigvalsh(G - np.eye(G.shape[0])))))
    return A, sw, dev


def _check_response_array(func, basis, caller):
    """The ``N`` responses of a candidate pool given as an array: real, finite, shape ``(N,)``."""
    if not isinstance(basis, FiniteBasis):
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} must be a callable (or, for a FiniteBasis, an "
            f"array of the N responses). Got {type(func).__name__} instead."
        )
    vals = real_numeric(func, "func", caller, what="array of responses")
    if vals.shape != (basis.n_candidates,):
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} as an array must have shape "
            f"({basis.n_candidates},). Got shape {vals.shape} instead."
        )
    bad = np.flatnonzero(~np.isfinite(vals))
    if bad.size:
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} holds {bad.size} NaN or infinite response(s) "
            f"(first at candidate {int(bad[0])}). Remove those candidates from the pool."
        )
    return vals


def _evaluate(func, basis, points, caller):
    if callable(func):
        y = func(points)
    else:
        y = _check_response_array(func, basis, caller)[points]
    y = real_numeric(y, "func", caller, what="array of values (as returned)")
    n = points.shape[0]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (n,):
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} must return an array of shape ({n},) for {n} "
            f"points. Got shape {y.shape} instead."
        )
    if not np.isfinite(y).all():
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} returned NaN or infinite values."
        )
    return y


def weighted_least_squares(
    func: Callable[[Any], ArrayLike] | ArrayLike,
    basis: PolynomialBasis | FiniteBasis,
    *,
    n_samples: int,
    kind: Literal["volume", "iid", "dpp", "repeated_dpp"] = "volume",
    stability: Literal["none", "condition", "resample"] = "none",
    delta: float = 0.5,
    rng: Any = None,
    max_redraws: int = 1000,
    progress: bool = False,
) -> WLSResult:
    """Weighted least-squares approximation of ``func`` in the span of ``basis``.

    Draws a design of ``n_samples`` points (see :func:`sample_design`), evaluates ``func`` there and
    solves ``min_c sum_i w(x_i) (y_i - phi(x_i)^T c)^2`` by QR (``lstsq`` on ``diag(sqrt(w)) Phi``), with
    ``w = m / k_m``.

    Parameters
    ----------
    func : callable or array-like
        Vectorised: ``func(points) -> (n,)``. For a :class:`FiniteBasis` the points are candidate
        indices, and ``func`` may also be the array of the ``N`` responses.
    basis : PolynomialBasis or FiniteBasis
        Orthonormal basis (``m = basis.size``).
    n_samples : int
        Number of points, ``n_samples >= m`` (``n = m`` for ``kind="dpp"``, a multiple of ``m`` for
        ``"repeated_dpp"``).
    kind : {"volume", "iid", "dpp", "repeated_dpp"}, default "volume"
        The design (see :func:`sample_design`).
    stability : {"none", "condition", "resample"}, default "none"
        ``"none"``: always solve. ``"condition"``: return the zero function when
        ``||G - I||_2 > delta``. ``"resample"``: redraw the whole design until it is stable
        (expected ``1 / P(stable)`` draws; ``func`` is evaluated once, on the accepted design).
    delta : float in (0, 1), default 0.5
        Stability threshold on ``||G - I||_2``.
    rng : seed-like, optional
        Random generator (SPEC 7).
    max_redraws : int, default 1000
        Cap on the redraws of ``"resample"``; past it a :class:`ConvergenceWarning` is issued and the
        last (unstable) design is used.
    progress : bool, default False
        Show a progress bar over the redraws of ``stability="resample"`` (tqdm, when installed).
        Each redraw is also logged at DEBUG level, and the outcome at INFO level, on the
        ``samplingstats.dpp`` logger.

    Returns
    -------
    WLSResult
        ``coef``, ``design``, ``gram_deviation``, ``stable``, ``n_evaluations``, ``n_redraws``, and
        ``predict(x)``.

    See Also
    --------
    sample_design : The designs.
    WLSRegressor : The scikit-learn estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.dpp import PolynomialBasis, weighted_least_squares
    >>> basis = PolynomialBasis(1, 9)
    >>> res = weighted_least_squares(lambda x: np.exp(x[:, 0]), basis, n_samples=40, rng=0,
    ...                              stability="resample")
    >>> bool(res.stable)
    True
    >>> x = np.linspace(-1, 1, 5)[:, None]
    >>> bool(np.max(np.abs(res.predict(x) - np.exp(x[:, 0]))) < 1e-6)
    True
    """
    caller = "weighted_least_squares"
    basis = _check_basis(basis, caller)
    check_param(kind, [StrOptions(_KINDS)], name="kind", caller=caller)
    check_param(
        stability, [StrOptions({"none", "condition", "resample"})], name="stability", caller=caller
    )
    check_param(
        delta, [Interval(numbers.Real, 0, 1, closed="neither")], name="delta", caller=caller
    )
    check_param(
        max_redraws,
        [Interval(numbers.Integral, 0, None, closed="left")],
        name="max_redraws",
        caller=caller,
    )
    progress = check_progress(progress, caller=caller)
    check_param(
        n_samples,
        [Interval(numbers.Integral, 1, None, closed="left")],
        name="n_samples",
        caller=caller,
    )
    m = basis.size
    if n_samples < m:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be at least the basis size m={m}. "
            f"Got {n_samples} instead."
        )
    # per point: coordinates, weight, response and a row of the design matrix (m values)
    n = _check_n(n_samples, kind, m, caller, 8 * (basis.dim + m + 2))
    if not callable(func):
        _check_response_array(func, basis, caller)
    rng = as_generator(rng)
    redraws = 0
    total = max_redraws + 1 if stability == "resample" else 1
    with progress_bar(progress, total=total, desc=caller, unit="design") as bar:
        while True:
            pts, nprop = _draw_points(basis, n, kind, rng)
            w = basis.weights(pts)
            A, sw, dev = _gram_and_design_matrix(basis, pts, w)
            stable = dev <= delta
            bar.update(1)
            bar.set_postfix_str(f"||G - I||={dev:.3g}")
            _LOG.debug("%s: design %d, ||G - I|| = %.4g", caller, redraws + 1, dev)
            if stable or stability != "resample":
                break
            if redraws >= max_redraws:
                warnings.warn(
                    f"weighted_least_squares: no stable design (||G - I|| <= {delta}) after "
                    f"{max_redraws} redraws; using the last one (||G - I|| = {dev:.3g}). "
                    "Increase n_samples.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
                break
            redraws += 1
    _LOG.info(
        "%s: kind=%r, n_samples=%d, m=%d, %d redraw(s), ||G - I|| = %.4g (%s)",
        caller,
        kind,
        n,
        m,
        redraws,
        dev,
        "stable" if stable else "unstable",
    )
    design = Design(points=pts, weights=w, kind=kind, n_proposals=int(nprop), basis=basis)
    y = _evaluate(func, basis, pts, caller)
    if stability == "condition" and not stable:
        coef = np.zeros(m)
    else:
        coef = np.linalg.lstsq(A, sw * y, rcond=None)[0]
    return WLSResult(
        coef=coef,
        design=design,
        gram_deviation=dev,
        stable=bool(stable),
        n_evaluations=n,
        n_redraws=redraws,
        basis=basis,
    )


def _validated(est, caller, X, y=None, *, fit=True):
    """sklearn's ``validate_data`` with errors that name the estimator's method and the argument.

    ``None`` and complex input are refused first (numpy would cast complex to its real part);
    a ValueError of sklearn is re-raised as :class:`InvalidParameterError` naming ``X``, ``y`` or
    both (mismatched lengths), with sklearn's text appended.
    """
    from sklearn.utils.validation import check_array, validate_data

    args = [("X", X), ("y", y)] if fit else [("X", X)]
    for name, v in args:
        if v is None:
            # sklearn's checks look for its own wording of a missing y
            extra = (
                f" ({type(est).__name__} requires y to be passed, but the target y is None)"
                if name == "y"
                else ""
            )
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be an array-like. Got None instead{extra}."
            )
        try:
            is_complex = np.iscomplexobj(v) or np.asarray(v).dtype.kind == "c"
        except (TypeError, ValueError):
            is_complex = False
        if is_complex:  # an InvalidParameterError is both a TypeError and a ValueError
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be real; got complex values (pass "
                "x.real or abs(x) explicitly). Complex data not supported."
            )
    try:
        if not fit:
            return validate_data(est, X, reset=False, dtype=np.float64)
        X, y = validate_data(est, X, y, y_numeric=True, dtype=np.float64)
    except ValueError as exc:
        blame = "'X' parameter"
        if fit:
            try:
                check_array(X, dtype=np.float64)
                blame = "'y' parameter"
                check_array(y, dtype=np.float64, ensure_2d=False)
                blame = "'X' and 'y' parameters"
            except ValueError:
                pass
        raise InvalidParameterError(f"The {blame} of {caller}: {exc}") from exc
    if y.dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"The 'y' parameter of {caller} must hold numbers. Got an array of dtype {y.dtype} "
            "instead."
        )
    return X, y


class WLSRegressor(RegressorMixin, BaseEstimator):
    """Weighted least-squares regression in an orthonormal polynomial basis (scikit-learn API).

    Fits ``min_c sum_i s_i w(x_i) (y_i - phi(x_i)^T c)^2`` with the Christoffel weights
    ``w = m / k_m`` (the optimal weights for designs drawn from ``k_m / m dmu``, e.g. by
    :func:`sample_design`), or ``w = 1``, and optional sample weights ``s_i``.

    Parameters
    ----------
    basis : PolynomialBasis, FiniteBasis or None, default None
        The basis. ``None`` builds ``PolynomialBasis(n_features, degree, family=family,
        index_set=index_set)`` at fit time. With a FiniteBasis, ``X`` holds candidate indices in one
        column.
    weighting : {"christoffel", "none"}, default "christoffel"
    degree : int, default 2
        Degree of the basis built when ``basis=None``.
    family : str, default "legendre"
        Family of the basis built when ``basis=None``.
    index_set : str, default "total_degree"
        Index set of the basis built when ``basis=None``.

    Attributes
    ----------
    basis_ : PolynomialBasis or FiniteBasis
    coef_ : ndarray of shape (m,)
    gram_deviation_ : float
        ``||G - I||_2`` of the weighted Gram matrix of the training design (meaningful for designs
        drawn for this basis).
    n_features_in_ : int

    See Also
    --------
    weighted_least_squares : Draws the design and fits in one call.
    sample_design : Draws a training design for the basis.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.dpp import PolynomialBasis, WLSRegressor, sample_design
    >>> basis = PolynomialBasis(2, 4)
    >>> design = sample_design(basis, 60, kind="volume", rng=0)
    >>> X = design.points
    >>> y = np.cos(X[:, 0]) * X[:, 1]
    >>> model = WLSRegressor(basis).fit(X, y)
    >>> bool(model.score(X, y) > 0.99)
    True
    """

    _parameter_constraints: dict[str, list[Any]] = {}

    def __init__(
        self,
        basis: PolynomialBasis | FiniteBasis | None = None,
        *,
        weighting: Literal["christoffel", "none"] = "christoffel",
        degree: int = 2,
        family: Literal["legendre", "chebyshev", "hermite"] = "legendre",
        index_set: Literal["total_degree", "hyperbolic_cross", "tensor"] = "total_degree",
    ) -> None:
        self.basis = basis
        self.weighting = weighting
        self.degree = degree
        self.family = family
        self.index_set = index_set

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        return tags

    def _basis_for(self, n_features):
        if self.basis is None:
            return PolynomialBasis(
                n_features, self.degree, family=self.family, index_set=self.index_set
            )
        _check_basis(self.basis, "WLSRegressor")
        return self.basis

    def _features(self, basis, X):
        if isinstance(basis, FiniteBasis):
            idx = np.asarray(X)[:, 0]
            if not np.all(idx == np.round(idx)):
                raise InvalidParameterError(
                    "The 'X' parameter of WLSRegressor must hold integer candidate indices for a "
                    "FiniteBasis."
                )
            if idx.size and (idx.min() < 0 or idx.max() >= basis.n_candidates):
                raise InvalidParameterError(
                    "The 'X' parameter of WLSRegressor must hold candidate indices in "
                    f"[0, {basis.n_candidates}) for this FiniteBasis. Got values in "
                    f"[{idx.min():g}, {idx.max():g}] instead."
                )
            idx = idx.astype(np.int64)
            return basis.evaluate(idx), basis.weights(idx)
        # points outside the domain of a bounded family are extrapolated (the Christoffel weights
        # are meaningful inside only); values that overflow float64 are refused
        Xc = basis._check_points(X, name="X", caller="WLSRegressor", domain=False)
        return basis._values(Xc, name="X", caller="WLSRegressor"), None

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> WLSRegressor:
        """Fit the coefficients; returns ``self``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training points (candidate indices in one column for a FiniteBasis).
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights multiplying the Christoffel weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        from sklearn.utils.validation import _check_sample_weight

        check_param(
            self.weighting,
            [StrOptions({"christoffel", "none"})],
            name="weighting",
            caller="WLSRegressor",
        )
        if self.basis is None:
            check_param(
                self.degree,
                [Interval(numbers.Integral, 0, None, closed="left")],
                name="degree",
                caller="WLSRegressor",
            )
            check_param(
                self.family,
                [StrOptions(set(_FAMILIES) - {"jacobi"})],
                name="family",
                caller="WLSRegressor",
            )
            check_param(
                self.index_set, [StrOptions(_INDEX_SETS)], name="index_set", caller="WLSRegressor"
            )
        Xa, ya = _validated(self, "WLSRegressor.fit", X, y)
        basis = self._basis_for(Xa.shape[1])
        if Xa.shape[1] != basis.dim:
            raise InvalidParameterError(
                f"The 'X' parameter of WLSRegressor must have {basis.dim} columns for this basis. "
                f"Got {Xa.shape[1]} instead."
            )
        try:
            sw = _check_sample_weight(sample_weight, Xa, dtype=np.float64, ensure_non_negative=True)
        except ValueError as exc:
            raise InvalidParameterError(
                f"The 'sample_weight' parameter of WLSRegressor.fit is invalid: {exc}"
            ) from exc
        Phi, wfin = self._features(basis, Xa)
        n = Xa.shape[0]
        if self.weighting == "christoffel":
            w = wfin if wfin is not None else basis.size / np.sum(Phi * Phi, axis=1)
        else:
            w = np.ones(n)
        w = w * sw
        s = np.sqrt(w / n)
        A = Phi * s[:, None]
        self.coef_ = np.linalg.lstsq(A, s * ya, rcond=None)[0]
        G = A.T @ A
        self.gram_deviation_ = float(np.max(np.abs(np.linalg.eigvalsh(G - np.eye(G.shape[0])))))
        self.basis_ = basis
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predictions ``phi(X) @ coef_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points.

        Returns
        -------
        ndarray of shape (n_samples,)
            Predictions.
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        Xa = _validated(self, "WLSRegressor.predict", X, fit=False)
        Phi, _ = self._features(self.basis_, Xa)
        return Phi @ self.coef_
