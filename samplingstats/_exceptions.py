"""Exception and warning classes shared by every samplingstats module (pure Python, no imports)."""

__all__ = ["InvalidParameterError", "ConvergenceWarning"]


class InvalidParameterError(ValueError, TypeError):
    """Raised when a public function or estimator receives an invalid parameter.

    It subclasses both :class:`ValueError` and :class:`TypeError`, so callers may catch either
    (the scikit-learn convention). The message names the argument and the function, and says what
    was expected (see the Errors section of the design page).

    See Also
    --------
    ConvergenceWarning : warned when an iterative solver stops before its tolerance.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats import InvalidParameterError
    >>> from samplingstats.lp import leverage_scores
    >>> try:
    ...     leverage_scores(np.full((4, 2), np.nan))
    ... except InvalidParameterError as exc:
    ...     print("'A'" in str(exc))
    True
    """


class ConvergenceWarning(UserWarning):
    """Warned when an iterative solver stops before meeting its tolerance.

    The result it returns carries ``converged=False`` and the solver status.

    See Also
    --------
    InvalidParameterError : raised for invalid arguments.

    Examples
    --------
    >>> import warnings
    >>> from samplingstats import ConvergenceWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("stopped after 10 iterations", ConvergenceWarning)
    >>> caught[0].category.__name__
    'ConvergenceWarning'
    """
