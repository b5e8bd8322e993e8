"""DPP and volume sampling designs for weighted least squares (Nouy & Michel 2023).

Orthonormal polynomial bases (:class:`PolynomialBasis`) and finite candidate pools
(:class:`FiniteBasis`); exact samplers: iid optimal (Christoffel) sampling, projection DPPs
(:class:`ProjectionDPP`), generalized volume-rescaled sampling and repeated DPPs
(:func:`sample_design`); weighted least squares with stability checks
(:func:`weighted_least_squares`) and a scikit-learn regressor (:class:`WLSRegressor`).
"""

from ._finite import FiniteBasis
from ._polynomials import PolynomialBasis, multi_indices
from ._samplers import Design, ProjectionDPP, sample_design
from ._wls import WLSRegressor, WLSResult, weighted_least_squares

__all__ = [
    "PolynomialBasis",
    "FiniteBasis",
    "multi_indices",
    "ProjectionDPP",
    "Design",
    "weighted_least_squares",
    "WLSResult",
    "WLSRegressor",
    "sample_design",
]
