"""scikit-learn estimator contract for SDPKMeans and ILASDP."""

import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from samplingstats.cluster import ILASDP, SDPKMeans


@parametrize_with_checks(
    [
        SDPKMeans(n_clusters=2, random_state=0),
        ILASDP(n_clusters=2, max_iter=3, random_state=0),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_deterministic_given_random_state():
    rng = np.random.default_rng(11)
    X = np.vstack(
        [rng.normal(0, 1, (40, 3)), rng.normal(3, 1, (40, 3)), rng.normal(-3, 2, (40, 3))]
    )
    for est in (SDPKMeans(n_clusters=3, random_state=5), ILASDP(n_clusters=3, random_state=5)):
        a = est.fit(X).labels_.copy()
        b = est.fit(X).labels_.copy()
        np.testing.assert_array_equal(a, b)
