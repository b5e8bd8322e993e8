"""Benchmark: samplingstats.cluster vs cvxpy + SCS, scikit-learn KMeans and GaussianMixture.

Run from the repository root::

    python -m benchmarks.bench_cluster            # full sizes (several minutes)
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks.bench_cluster

Cases (method note ``cluster.md``):

1. Peng--Wei SDP at n = 100 and 200 (d = 10, K = 3; exact-recovery and noisy regimes):
   Burer--Monteiro vs cvxpy + SCS (eps 1e-5): time, relative objective gap, error.
2. n = 10^4, d = 10, K = 3 without sketching; n = 10^5, d = 50 with sketch-and-lift:
   vs KMeans(n_init=10) on all points.
3. Heterogeneous mixtures V1 (d = 10, n = 1500), V2 (d = 50, n = 300), V3 (d = 50, n = 1500):
   ILASDP vs GaussianMixture (full covariances, n_init 1 and 5) and KMeans, mean and worst
   mis-clustering error over seeds.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from benchmarks._harness import Comparison, machine_info, quick_mode, render


def _err(y, labels):
    from samplingstats.cluster import misclustering_error

    return misclustering_error(y, labels)


def _pw_objective(X, labels):
    """Peng--Wei objective <A, Z> of a partition: sum_k n_k |mean_k - mean|^2."""
    Xc = X - X.mean(axis=0)
    return float(
        sum(
            np.sum(labels == k) * np.sum(Xc[labels == k].mean(axis=0) ** 2)
            for k in np.unique(labels)
        )
    )


def bench_sdp_vs_cvxpy(quick):
    from samplingstats.cluster import exact_recovery_threshold, make_isotropic_mixture, sdp_kmeans

    comps = []
    sizes = [60] if quick else [100, 200]
    for n in sizes:
        for regime, factor in (("exact recovery, 1.2x cutoff", 1.2), ("noisy, 0.7x cutoff", 0.7)):
            d, K = 10, 3
            X, y = make_isotropic_mixture(
                n, d, K, separation=factor * exact_recovery_threshold(n, d, K), rng=n
            )
            ours = sdp_kmeans(X, K, rng=0)
            t0 = time.perf_counter()
            ref = sdp_kmeans(X, K, solver="cvxpy", tol=1e-6, rng=0)  # SCS eps = 1e-5
            t_ref = time.perf_counter() - t0
            gap = (ours.objective - ref.objective) / abs(ref.objective)
            comp = Comparison(
                f"Peng-Wei SDP, n = {n}, d = {d}, K = {K}, {regime}", repeats=5, warmup=1
            )
            comp.add(
                "samplingstats sdp_kmeans (Burer-Monteiro, r = 2K)",
                lambda X=X, K=K: sdp_kmeans(X, K, rng=0),
                ours=True,
                objective=ours.objective,
                rel_gap_vs_scs=gap,
                residual=ours.residual,
                error=_err(y, ours.labels),
            )
            # SCS is timed once (tens of seconds): a one-sample "median"
            comp.rows.append(_scs_row(t_ref, ref, _err(y, ref.labels)))
            comps.append(comp)
    return comps


def _scs_row(t, ref, err):
    from benchmarks._harness import Timing, _Row

    return _Row(
        "cvxpy + SCS (eps 1e-5), full SDP",
        Timing([t]),
        False,
        dict(objective=ref.objective, rel_gap_vs_scs=0.0, residual=ref.residual, error=err),
    )


def bench_large(quick):
    from sklearn.cluster import KMeans

    from samplingstats.cluster import make_isotropic_mixture, sdp_kmeans

    comps = []
    # n = 1e4, d = 10, no sketch
    n, d, K = (2000, 10, 3) if quick else (10_000, 10, 3)
    X, y = make_isotropic_mixture(n, d, K, separation=4.0, rng=1)
    ours = sdp_kmeans(X, K, rng=0)
    km = KMeans(K, n_init=10, random_state=0).fit(X)
    comp = Comparison(f"n = {n}, d = {d}, K = {K}, separation 4 (no sketch)", repeats=3)
    comp.add(
        "samplingstats sdp_kmeans (BM)",
        lambda: sdp_kmeans(X, K, rng=0),
        ours=True,
        error=_err(y, ours.labels),
        inertia=ours.inertia,
        n_iter=ours.n_iter,
    )
    comp.add(
        "sklearn KMeans(n_init=10)",
        lambda: KMeans(K, n_init=10, random_state=0).fit(X),
        error=_err(y, km.labels_),
        inertia=km.inertia_,
        n_iter=km.n_iter_,
    )
    comps.append(comp)
    # n = 1e5, d = 50, sketch-and-lift
    n, d, K = (20_000, 50, 3) if quick else (100_000, 50, 3)
    X, y = make_isotropic_mixture(n, d, K, separation=4.0, rng=2)
    comp = Comparison(f"n = {n}, d = {d}, K = {K}, separation 4 (sketch-and-lift)", repeats=3)
    for kind in ("uniform", "weighted"):
        res = sdp_kmeans(X, K, sketch=kind, rng=0)
        comp.add(
            f"samplingstats sdp_kmeans(sketch='{kind}', m = {len(res.sample_indices)})",
            lambda kind=kind: sdp_kmeans(X, K, sketch=kind, rng=0),
            ours=kind == "uniform",
            error=_err(y, res.labels),
            inertia=res.inertia,
        )
    km = KMeans(K, n_init=10, random_state=0).fit(X)
    comp.add(
        "sklearn KMeans(n_init=10), all points",
        lambda: KMeans(K, n_init=10, random_state=0).fit(X),
        error=_err(y, km.labels_),
        inertia=km.inertia_,
    )
    comps.append(comp)
    return comps


def bench_heterogeneous(quick):
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    from samplingstats.cluster import ILASDP, make_heterogeneous_mixture

    cases = [("V1", 1500, 10, 5), ("V2", 300, 50, 10), ("V3", 1500, 50, 3)]
    if quick:
        cases = [("V1", 600, 10, 2), ("V2", 300, 50, 2)]
    methods = {
        "samplingstats ILASDP": lambda s: ILASDP(3, random_state=s),
        "samplingstats ILASDP(init='sdp')": lambda s: ILASDP(3, init="sdp", random_state=s),
        "sklearn GaussianMixture(full, n_init=1)": lambda s: GaussianMixture(
            3, covariance_type="full", random_state=s
        ),
        "sklearn GaussianMixture(full, n_init=5)": lambda s: GaussianMixture(
            3, covariance_type="full", n_init=5, random_state=s
        ),
        "sklearn KMeans(n_init=10)": lambda s: KMeans(3, n_init=10, random_state=s),
    }
    comps = []
    for name, n, d, reps in cases:
        data = [make_heterogeneous_mixture(n, d, rng=1000 + s)[:2] for s in range(reps)]
        comp = Comparison(
            f"{name}: heterogeneous mixture, n = {n}, d = {d}, K = 3 (errors over {reps} seeds; "
            "time = one fit on seed 0)",
            repeats=3,
            warmup=1,
        )
        for label, make in methods.items():
            errs = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for s, (X, y) in enumerate(data):
                    errs.append(_err(y, make(s).fit_predict(X)))
                X0 = data[0][0]
                comp.add(
                    label,
                    lambda make=make, X0=X0: make(0).fit(X0),
                    ours=label == "samplingstats ILASDP",
                    mean_error=float(np.mean(errs)),
                    worst_error=float(np.max(errs)),
                )
        comps.append(comp)
    return comps


def bench_ilasdp_k4(quick):
    """Note target: ILASDP fit <= 30 s at n = 1200, d = 30, K = 4 (unequal covariances)."""
    from sklearn.mixture import GaussianMixture

    from samplingstats.cluster import ILASDP

    n, d, K = (600, 30, 4) if quick else (1200, 30, 4)
    rng = np.random.default_rng(4)
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    covs = [np.eye(d), 3 * np.eye(d), (q * np.linspace(0.3, 3, d)) @ q.T, 0.5 * np.eye(d)]
    y = np.repeat(np.arange(K), n // K)
    X = np.vstack(
        [
            3 * np.eye(d)[k] + rng.standard_normal((n // K, d)) @ np.linalg.cholesky(covs[k]).T
            for k in range(K)
        ]
    )
    ila = ILASDP(K, random_state=0).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em = GaussianMixture(K, random_state=0).fit(X)
    comp = Comparison(f"ILASDP fit, n = {n}, d = {d}, K = {K}, unequal covariances", repeats=3)
    comp.add(
        "samplingstats ILASDP",
        lambda: ILASDP(K, random_state=0).fit(X),
        ours=True,
        error=_err(y, ila.labels_),
    )
    comp.add(
        "sklearn GaussianMixture(full, n_init=1)",
        lambda: GaussianMixture(K, random_state=0).fit(X),
        error=_err(y, em.predict(X)),
    )
    return [comp]


def main():
    from threadpoolctl import threadpool_limits

    quick = quick_mode()
    comps = []
    # One BLAS / OpenMP thread for every implementation: on a shared machine threaded OpenBLAS
    # and OpenMP spin-wait (skinny products ran 100x slower), which would penalise the peers.
    with threadpool_limits(limits=1):
        comps += bench_sdp_vs_cvxpy(quick)
        comps += bench_large(quick)
        comps += bench_heterogeneous(quick)
        comps += bench_ilasdp_k4(quick)
    print("## samplingstats.cluster benchmarks\n")
    print(f"Machine: {machine_info()}; BLAS and OpenMP limited to 1 thread for all rows\n")
    print(render(comps))


if __name__ == "__main__":
    main()
