"""SDP K-means and likelihood-adjusted SDP clustering (iLA-SDP).

- :func:`sdp_kmeans` / :class:`SDPKMeans`: the Peng--Wei SDP relaxation of K-means solved by a
  nonnegative Burer--Monteiro factorisation (or cvxpy/SCS for small reference problems), with
  sketch-and-lift for large n;
- :class:`ILASDP`: iterative likelihood adjusted SDP for Gaussian mixtures with cluster-specific
  covariances;
- :func:`misclustering_error`: error under the best label matching (Hungarian algorithm);
- generators of the validation mixtures.
"""

from ._data import exact_recovery_threshold, make_heterogeneous_mixture, make_isotropic_mixture
from ._estimators import ILASDP, SDPKMeans
from ._metrics import misclustering_error
from ._sdp import SDPResult, sdp_kmeans

__all__ = [
    "ILASDP",
    "SDPKMeans",
    "SDPResult",
    "exact_recovery_threshold",
    "make_heterogeneous_mixture",
    "make_isotropic_mixture",
    "misclustering_error",
    "sdp_kmeans",
]
