"""Adaptive importance sampling with control variates for many expectations; Sobol' indices.

Public functions
----------------
multiple_expectations
    Estimate several expectations (possibly under several input laws) from one adaptive
    importance sample with control variates (Demange-Chryst, Bachoc & Morio).
sobol_indices
    First-order and total Sobol' indices by pick-freeze, estimated adaptively or crudely.
plot_history
    Plot the adaptation history of a result.
"""

from ._expectations import ExpectationsResult, multiple_expectations
from ._plot import plot_history
from ._sobol import SobolResult, sobol_indices

__all__ = [
    "multiple_expectations",
    "ExpectationsResult",
    "sobol_indices",
    "SobolResult",
    "plot_history",
]
