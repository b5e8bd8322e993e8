"""Demo section: SDP K-means and iLA-SDP against K-means and EM."""

from __future__ import annotations

import time
import warnings

TITLE = "SDP K-means (Burer-Monteiro) and iLA-SDP vs K-means / EM"


def run(rng) -> str:
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    from .._table import format_table
    from . import (
        ILASDP,
        exact_recovery_threshold,
        make_heterogeneous_mixture,
        make_isotropic_mixture,
        misclustering_error,
        sdp_kmeans,
    )
    from ._sdp import _blas_threads

    seeds = [int(s) for s in rng.integers(2**31 - 1, size=4)]
    rows = []

    def add(case, name, datasets, fit):
        t0 = time.perf_counter()
        errs = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for (X, y), s in zip(datasets, seeds):
                errs.append(misclustering_error(y, fit(X, s)))
        dt = (time.perf_counter() - t0) / len(errs)
        rows.append([case, name, sum(errs) / len(errs), max(errs), dt])

    with _blas_threads(0):
        # 1) isotropic mixture just above the exact-recovery cutoff: the SDP is exact, Lloyd's
        #    algorithm from one k-means++ start can merge two clusters and split another
        n, d, K = 600, 10, 6
        sep = 1.1 * exact_recovery_threshold(n, d, K)
        data = [make_isotropic_mixture(n, d, K, separation=sep, rng=rng) for _ in seeds]
        case = f"isotropic n={n} d={d} K={K}, 1.1x cutoff"
        add(case, "sdp_kmeans (Burer-Monteiro)", data, lambda X, s: sdp_kmeans(X, K, rng=s).labels)
        add(
            case,
            "KMeans, one k-means++ start",
            data,
            lambda X, s: KMeans(K, n_init=1, random_state=s).fit_predict(X),
        )
        # 2) unequal covariances in d = 50 with 100 points per cluster (validation case V2)
        data = [make_heterogeneous_mixture(300, 50, rng=rng)[:2] for _ in seeds]
        case = "heterogeneous n=300 d=50 K=3 (V2)"
        add(case, "ILASDP", data, lambda X, s: ILASDP(3, random_state=s).fit_predict(X))
        add(
            case,
            "GaussianMixture (EM, full)",
            data,
            lambda X, s: GaussianMixture(3, random_state=s).fit_predict(X),
        )
        add(
            case,
            "KMeans(n_init=10)",
            data,
            lambda X, s: KMeans(3, n_init=10, random_state=s).fit_predict(X),
        )
    return format_table(
        ["data (4 draws)", "method", "mean error", "worst error", "seconds per fit"], rows
    )
