"""Exception and warning classes shared by every samplingstats module (pure Python, no imports)."""

__all__ = ["InvalidParameterError", "ConvergenceWarning"]


class InvalidParameterError(ValueError, TypeError):
    """Raised when a public function or estimator receives an invalid parameter.

    It subclasses both :class:`ValueError` and :class:`TypeError`, so callers may catch either
    (the scikit-learn convention).
    """


class ConvergenceWarning(UserWarning):
    """Warned when an iterative solver stops before meeting its tolerance.

    The result it returns carries ``converged=False`` and the solver status.
    """
