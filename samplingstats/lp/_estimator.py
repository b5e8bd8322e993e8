"""scikit-learn estimator for (sampled) lp regression."""

from __future__ import annotations

import contextlib
import numbers
import re
from collections.abc import Iterator
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._exceptions import InvalidParameterError
from .._rng import as_generator
from .._validation import Interval, StrOptions, check_param, check_weights, refuse_complex
from ._common import P_CONSTRAINT, ScoresName, SolverName
from ._core import SCORES, auto_n_samples
from ._regression import lp_regression

__all__ = ["LpRegressor"]


def _check_input(x: Any, name: str, caller: str, *, ndim: int) -> tuple[int, ...]:
    """Refuse ``None``, strings, complex / non-numeric dtypes, the wrong number of dimensions and
    empty input, naming ``name`` and the estimator's method (before scikit-learn's checks)."""
    import scipy.sparse as sp

    if x is None or isinstance(x, (str, bytes)):
        extra = (
            " (LpRegressor requires y to be passed, but the target y is None)"
            if (x is None and name == "y")
            else ""
        )
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be a numeric array. "
            f"Got {type(x).__name__} instead{extra}."
        )
    if sp.issparse(x):
        shape, dtype = x.shape, x.dtype
    else:
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be a numeric array: {exc}"
            ) from None
        shape, dtype = arr.shape, arr.dtype
    if dtype.kind == "c":
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be real. Complex data not supported "
            "(casting would drop the imaginary part)."
        )
    if dtype.kind == "O":  # object arrays of numbers are converted by scikit-learn
        try:
            np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must be a real numeric array. Got an "
                f"object array with non-numeric entries instead ({exc})."
            ) from None
    elif dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be a real numeric array. Got an array of "
            f"dtype {dtype} instead."
        )
    ok_ndim = len(shape) == ndim or (ndim == 1 and len(shape) == 2 and shape[1] == 1)
    if not ok_ndim:
        hint = (
            " Reshape your data with X.reshape(-1, 1) (one feature) or X.reshape(1, -1) (one "
            "sample)."
            if ndim == 2 and len(shape) == 1
            else ""
        )
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be a {ndim}-D array. Got shape "
            f"{tuple(shape)} instead.{hint}"
        )
    for axis, what in ((0, "sample"), (1, "feature")):
        if axis < ndim and shape[axis] == 0:
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller} must not be empty: found array with "
                f"0 {what}(s) (shape={tuple(shape)}) while a minimum of 1 is required."
            )
    return tuple(shape)


@contextlib.contextmanager
def _named_errors(caller: str) -> Iterator[None]:
    """Re-raise scikit-learn's input ValueErrors as InvalidParameterError naming the argument
    (``'X'`` or ``'y'``) and ``caller``; scikit-learn's own text is kept in the message (its
    estimator checks match on it)."""
    try:
        yield
    except InvalidParameterError:
        raise
    except ValueError as err:
        text = str(err)
        name = "y" if re.search(r"\by\b", text) and not re.search(r"\bX\b", text) else "X"
        raise InvalidParameterError(f"Argument {name!r} of {caller}: {text}") from None


class LpRegressor(RegressorMixin, BaseEstimator):
    """Linear regression minimising ``||y - X w - c||_p``, optionally on a sensitivity sample.

    With ``n_samples=None`` the full problem is solved (HiGHS LP at ``p = 1``, IRLS otherwise);
    with ``n_samples=m`` about ``m`` rows are sampled by lp Lewis weights (or another scheme) of
    ``[X 1 y]`` and the small problem is solved: ``m ~ 25 d..40 d`` typically gives a full-data
    cost within a few percent of optimal at a fraction of the time. See :func:`lp_regression`.

    Parameters
    ----------
    p : float, default 1.0
        Exponent, ``1 <= p <= 100`` (``p = 1``: least absolute deviations / median regression).
    n_samples : int, float, "auto" or None, default None
        *Expected* number of sampled rows (Bernoulli sampling keeps each row independently, so
        the number used varies around it; ``None``: all rows). Capped at the number of rows.
        ``"auto"``: ``40 d`` rows where sampling is faster than the full solve (``p < 2``,
        ``n >= 400 d``; ``d`` counts the intercept), the full solve otherwise (see
        :func:`lp_regression`).
    scores : str, default "lewis"
        Sampling scheme (see :func:`sensitivity_sample`).
    solver : {"auto", "highs", "irls", "cvxpy"}, default "auto"
        Solver of the (sampled) problem.
    fit_intercept : bool, default True
        Fit an intercept (a column of ones, sampled and solved with the rest).
    random_state : None, int, numpy Generator or RandomState, optional
        Randomness of the sample.
    verbose : int, default 0
        ``verbose > 0`` shows a progress bar over the stages of the fit (tqdm, when installed)
        and logs them (INFO) on the ``samplingstats.lp`` logger (shown when the application
        configures logging).

    Attributes
    ----------
    coef_ : ndarray, shape (n_features,)
    intercept_ : float
    cost_ : float
        Full-data ``||y - X coef_ - intercept_||_p^p``.
    n_iter_ : int
    converged_ : bool
    sample_indices_ : ndarray or None
        Rows used by the solve (``None`` when all rows were used).
    n_features_in_ : int

    See Also
    --------
    lp_regression : The function it calls.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import LpRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5000, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + 3 + rng.laplace(size=5000)
    >>> est = LpRegressor(p=1, n_samples=300, random_state=0).fit(X, y)
    >>> np.round(est.coef_, 1).tolist(), round(est.intercept_)
    ([1.0, -2.0, 0.5], 3)
    """

    _parameter_constraints = {
        "p": [P_CONSTRAINT],
        "n_samples": [
            Interval(numbers.Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
            None,
        ],
        "scores": [StrOptions(set(SCORES))],
        "solver": [StrOptions({"auto", "highs", "irls", "cvxpy"})],
        "fit_intercept": ["boolean"],
        "random_state": ["random_state"],
        "verbose": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
    }

    def __init__(
        self,
        p: float = 1.0,
        *,
        n_samples: float | Literal["auto"] | None = None,
        scores: ScoresName = "lewis",
        solver: SolverName = "auto",
        fit_intercept: bool = True,
        random_state: Any = None,
        verbose: int | bool = 0,
    ) -> None:
        self.p = p
        self.n_samples = n_samples
        self.scores = scores
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.random_state = random_state
        self.verbose = verbose

    def _validate(self):
        for name, cons in self._parameter_constraints.items():
            check_param(getattr(self, name), cons, name=name, caller=type(self).__name__)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LpRegressor:
        """Fit the model; returns ``self``.

        Parameters
        ----------
        X : array_like or scipy.sparse matrix, shape (n_samples, n_features)
            Real features.
        y : array_like, shape (n_samples,)
            Real targets.
        sample_weight : array_like, shape (n_samples,), optional
            Non-negative row weights ``w_i``: the fit minimises ``sum_i w_i |y_i - x_i^T w - c|^p``
            (rows scaled by ``w_i^(1/p)``); ``cost_`` is that weighted cost.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate()
        caller = f"{type(self).__name__}.fit"
        n_x = _check_input(X, "X", caller, ndim=2)[0]
        n_y = _check_input(y, "y", caller, ndim=1)[0]
        if n_x != n_y:
            raise InvalidParameterError(
                f"The 'X' and 'y' parameters of {caller} must have the same number of rows. "
                f"Got {n_x} and {n_y} instead."
            )
        with _named_errors(caller):
            X, y = validate_data(self, X, y, accept_sparse="csr", y_numeric=True, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        import scipy.sparse as sp

        sw = None
        if sample_weight is not None:
            refuse_complex(sample_weight, "sample_weight", caller=caller)
            try:
                sw = check_weights(sample_weight, "sample_weight", length=X.shape[0])
            except InvalidParameterError as err:
                raise InvalidParameterError(f"{caller}: {err}") from None
            root = sw ** (1.0 / float(self.p))
            X = sp.csr_matrix(sp.diags(root) @ X) if sp.issparse(X) else X * root[:, None]
            y = y * root
        if self.fit_intercept:
            ones = np.ones((X.shape[0], 1)) if sw is None else root[:, None]
            A = sp.hstack([X, ones], format="csr") if sp.issparse(X) else np.hstack([X, ones])
        else:
            A = X
        n = A.shape[0]
        if self.n_samples == "auto":
            m = auto_n_samples(n, A.shape[1], float(self.p))
        else:
            m = None if self.n_samples is None else min(self.n_samples, n)
        if m is not None and m >= n:
            m = None  # every row would be kept: solve the full problem
        rng = as_generator(self.random_state, name="random_state")
        res = lp_regression(
            A,
            y,
            p=float(self.p),
            n_samples=m,
            scores=self.scores,
            solver=self.solver,
            rng=rng,
            progress=bool(self.verbose),
        )
        coef = np.asarray(res.coef, dtype=np.float64)
        if self.fit_intercept:
            self.coef_, self.intercept_ = coef[:-1].copy(), float(coef[-1])
        else:
            self.coef_, self.intercept_ = coef, 0.0
        self.cost_ = res.cost
        self.n_iter_ = res.n_iter
        self.converged_ = res.converged
        self.sample_indices_ = None if res.sample is None else res.sample.indices
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predict ``X @ coef_ + intercept_``.

        Parameters
        ----------
        X : array_like or scipy.sparse matrix, shape (n_samples, n_features)
            Real features, with the columns seen by :meth:`fit`.

        Returns
        -------
        ndarray, shape (n_samples,)
            The predictions.
        """
        check_is_fitted(self)
        _check_input(X, "X", f"{type(self).__name__}.predict", ndim=2)
        with _named_errors(f"{type(self).__name__}.predict"):
            X = validate_data(self, X, accept_sparse="csr", reset=False, dtype=np.float64)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
