"""lp sensitivity sampling, Lewis weights and lp regression.

Leverage scores (exact and sketched), lp Lewis weights for every ``p >= 1``, exact lp sensitivities
and their bounds, row sampling with ``q^(-1/p)`` rescaling, an embedding-distortion certificate,
and sampled lp regression with a scikit-learn estimator.
"""

from ._distortion import DistortionResult, embedding_distortion
from ._estimator import LpRegressor
from ._leverage import leverage_scores
from ._lewis import LewisWeightsResult, lewis_weights
from ._regression import LpRegressionResult, lp_regression
from ._sampling import RowSample, sample_size, sensitivity_sample
from ._sensitivity import lp_sensitivities

__all__ = [
    "leverage_scores",
    "lewis_weights",
    "LewisWeightsResult",
    "lp_sensitivities",
    "sensitivity_sample",
    "RowSample",
    "sample_size",
    "lp_regression",
    "LpRegressionResult",
    "LpRegressor",
    "embedding_distortion",
    "DistortionResult",
]
