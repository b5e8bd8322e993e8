"""Benchmark: samplingstats.cluster vs cvxpy + SCS, scikit-learn KMeans and GaussianMixture.

Run from the repository root::

    python -m benchmarks.bench_cluster                      # full sizes, 1 and 2 threads
    python -m benchmarks.bench_cluster --quick              # small sizes (or SAMPLINGSTATS_BENCH_QUICK=1)
    python -m benchmarks.bench_cluster --threads 1 --cases large

Fair threads: every library (ours, scikit-learn, scipy, cvxpy) is imported first, then
``pin_threads(n)`` pins BLAS, OpenMP, numba and torch to ``n`` threads for both sides, and
``thread_report()`` is printed with each table. Every row is the median of 5 timed runs after one
warm-up.

Cases (method note ``cluster.md``):

1. Peng--Wei SDP at n = 100 (d = 10, K = 3; exact-recovery and noisy regimes):
   Burer--Monteiro vs cvxpy + SCS (eps 1e-5): time, relative objective gap, error.
2. n = 10^4 and 10^5, d = 10 and 50, K = 3, isotropic clusters at separation 4 (hard: below the
   exact-recovery cutoff) and at 1.2x the cutoff: the default SDPKMeans(K) (sketch="auto": which
   path ran and the sketch size are in the row's name) and the full SDP (sketch=None) vs
   KMeans(n_init=10) on all points; error, K-means objective, the fit's own certificate
   (reported_gap: of the SDP it solved, the sketch's when sketched) and the certificate of the
   returned labels on all points (certified_gap, computed outside the timed calls).
3. Heterogeneous mixtures V1 (d = 10, n = 1500), V2 (d = 50, n = 300), V3 (d = 50, n = 1500):
   ILASDP vs GaussianMixture (full covariances, n_init 1 and 5) and KMeans, mean and worst
   mis-clustering error over seeds.
4. Paired error (untimed): the default SDPKMeans vs KMeans(n_init=10) on 12 independent hard
   mixtures per shape of case 2 (``--mixtures``): mean paired difference in mislabelled points.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from benchmarks._harness import (
    Comparison,
    machine_info,
    pin_threads,
    quick_mode,
    render,
    thread_report,
)

REPEATS = 5
WARMUP = 1  # --quick: 1 repeat, no warm-up (a smoke test of every table, not a measurement)
REGIMES = ("hard", "cutoff")  # --regime: which isotropic regimes bench_large runs


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
    sizes = [30] if quick else [100]
    for n in sizes:
        for regime, factor in (("exact recovery, 1.2x cutoff", 1.2), ("noisy, 0.7x cutoff", 0.7)):
            d, K = 10, 3
            X, y = make_isotropic_mixture(
                n, d, K, separation=factor * exact_recovery_threshold(n, d, K), rng=n
            )
            ours = sdp_kmeans(X, K, rng=0)
            ref = sdp_kmeans(X, K, solver="cvxpy", tol=1e-6, rng=0)  # SCS eps = 1e-5
            gap = (ours.objective - ref.objective) / abs(ref.objective)
            comp = Comparison(
                f"Peng-Wei SDP, n = {n}, d = {d}, K = {K}, {regime}", repeats=REPEATS, warmup=WARMUP
            )
            comp.add(
                "samplingstats sdp_kmeans (certified start, else Burer-Monteiro r = 2K)",
                lambda X=X, K=K: sdp_kmeans(X, K, rng=0),
                ours=True,
                objective=ours.objective,
                rel_gap_vs_scs=gap,
                residual=ours.residual,
                error=_err(y, ours.labels),
            )
            comp.add(
                "cvxpy + SCS (eps 1e-5), full SDP",
                lambda X=X, K=K: sdp_kmeans(X, K, solver="cvxpy", tol=1e-6, rng=0),
                objective=ref.objective,
                rel_gap_vs_scs=0.0,
                residual=ref.residual,
                error=_err(y, ref.labels),
            )
            comps.append(comp)
    return comps


def _certified_gap(X, labels, K):
    """Certified relative gap of a partition's K-means objective to the global optimum.

    The partition's dual certificate (samplingstats.cluster._certificate) bounds the Peng--Wei
    SDP optimum, hence the best K-means objective <A, Z>; the gap is (bound - <A, Z_labels>) /
    bound: 0 proves the partition optimal. Computed outside the timed calls, for every row.
    """
    from samplingstats.cluster._certificate import partition_bound

    Xc = X - X.mean(axis=0)
    bound, value = partition_bound(Xc, np.unique(labels, return_inverse=True)[1], K)
    return (bound - value) / abs(bound)


def _mean_error(make, X, y, seeds):
    """Mean mis-clustering error of make(rs).fit(X) over the random states ``seeds``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(np.mean([_err(y, make(rs).fit(X).labels_) for rs in seeds]))


def bench_large(quick):
    from sklearn.cluster import KMeans

    from samplingstats.cluster import (
        SDPKMeans,
        exact_recovery_threshold,
        make_isotropic_mixture,
    )

    comps = []
    K = 3
    # quick: 8000 points, so that the default fit takes its sketched path (from 8000 points)
    shapes = [(8000, 3)] if quick else [(10_000, 10), (10_000, 50), (100_000, 10), (100_000, 50)]
    regimes = [
        r
        for key, r in (("hard", "separation 4 (hard)"), ("cutoff", "1.2x exact-recovery cutoff"))
        if key in REGIMES
    ]
    seeds = range(1) if quick else range(5)
    for n, d in shapes:
        for regime in regimes:
            sep = 4.0 if regime.startswith("sep") else 1.2 * exact_recovery_threshold(n, d, K)
            X, y = make_isotropic_mixture(n, d, K, separation=sep, rng=n + d)
            comp = Comparison(
                f"n = {n}, d = {d}, K = {K}, {regime}", repeats=REPEATS, warmup=WARMUP
            )
            # the default fit (sketch="auto": sketched from 8000 points) is "ours"; the full SDP
            # on all points (sketch=None) is the second row. error_5rs: mean error over
            # random_state 0..4 (untimed; default and KMeans rows): on one draw the two differ by
            # a few points between Lloyd fixed points of equal objective
            variants = [("SDPKMeans(K) default", {}), ("SDPKMeans(sketch=None)", {"sketch": None})]
            for label, kw in variants:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    est = SDPKMeans(K, random_state=0, **kw).fit(X)
                res = est.result_
                path = "full SDP" if res.sketch_size is None else f"sketch m = {res.sketch_size}"
                comp.add(
                    f"samplingstats {label}: {path}, tol {res.tol:g}",
                    lambda kw=kw, X=X: SDPKMeans(K, random_state=0, **kw).fit(X),
                    ours=label == variants[0][0],
                    error=_err(y, est.labels_),
                    error_5rs=_mean_error(
                        lambda rs, kw=kw: SDPKMeans(K, random_state=rs, **kw), X, y, seeds
                    )
                    if not kw
                    else float("nan"),
                    inertia=est.inertia_,
                    n_iter=res.n_iter,
                    status=res.status,
                    reported_gap=res.duality_gap,
                    certified_gap=_certified_gap(X, est.labels_, K),
                )
            km = KMeans(K, n_init=10, random_state=0).fit(X)
            comp.add(
                "sklearn KMeans(n_init=10)",
                lambda X=X: KMeans(K, n_init=10, random_state=0).fit(X),
                error=_err(y, km.labels_),
                error_5rs=_mean_error(
                    lambda rs: KMeans(K, n_init=10, random_state=rs), X, y, seeds
                ),
                inertia=km.inertia_,
                n_iter=km.n_iter_,
                status="",
                reported_gap=float("nan"),
                certified_gap=_certified_gap(X, km.labels_, K),
            )
            comps.append(comp)
    return comps


def bench_heterogeneous(quick):
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    from samplingstats.cluster import ILASDP, make_heterogeneous_mixture

    cases = [("V1", 1500, 10, 5), ("V2", 300, 50, 10), ("V3", 1500, 50, 3)]
    if quick:
        cases = [("V1 (quick sizes)", 200, 6, 1), ("V2 (quick sizes)", 120, 12, 1)]
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
            repeats=REPEATS,
            warmup=WARMUP,
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

    n, d, K = (120, 6, 4) if quick else (1200, 30, 4)
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
    comp = Comparison(
        f"ILASDP fit, n = {n}, d = {d}, K = {K}, unequal covariances",
        repeats=REPEATS,
        warmup=WARMUP,
    )
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


PAIRED_MIXTURES = 12  # --mixtures: independent mixtures per shape in the "paired" case


def bench_paired(quick):
    """Error of the default SDPKMeans vs KMeans(n_init=10) over independent hard mixtures (untimed).

    On one mixture the two land on Lloyd fixed points of (nearly) equal objective whose labels
    differ by a few points either way, so one draw cannot say which is more accurate. This case
    draws ``PAIRED_MIXTURES`` independent mixtures per shape (separation 4, random_state 0 for both
    estimators) and prints the paired difference in mislabelled points (ours - KMeans: mean, its
    standard error, range) and how often our K-means objective is <= KMeans'.
    """
    from sklearn.cluster import KMeans

    from samplingstats.cluster import SDPKMeans, make_isotropic_mixture

    K = 3
    shapes = [(8000, 3)] if quick else [(10_000, 10), (10_000, 50), (100_000, 10), (100_000, 50)]
    n_mix = 2 if quick else PAIRED_MIXTURES
    lines = [
        f"### Paired error over {n_mix} independent hard mixtures (separation 4, K = {K}; untimed)\n",
        "| n | d | mean mislabelled, ours | mean mislabelled, KMeans | ours - KMeans, mean +- se "
        "| min .. max | our inertia <= KMeans' |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, d in shapes:
        ours, km, lower = [], [], []
        for m in range(n_mix):
            X, y = make_isotropic_mixture(n, d, K, separation=4.0, rng=1000 + m)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a = SDPKMeans(K, random_state=0).fit(X)
            b = KMeans(K, n_init=10, random_state=0).fit(X)
            ours.append(round(_err(y, a.labels_) * n))
            km.append(round(_err(y, b.labels_) * n))
            lower.append(a.inertia_ <= b.inertia_ * (1 + 1e-12))
        diff = np.array(ours, float) - np.array(km, float)
        se = diff.std(ddof=1) / np.sqrt(n_mix) if n_mix > 1 else float("nan")
        lines.append(
            f"| {n} | {d} | {np.mean(ours):.1f} | {np.mean(km):.1f} | {diff.mean():+.2f} +- {se:.2f} "
            f"| {diff.min():+.0f} .. {diff.max():+.0f} | {np.mean(lower):.2f} |"
        )
    print("\n".join(lines) + "\n")
    return []


CASES = {
    "scs": bench_sdp_vs_cvxpy,
    "large": bench_large,
    "heterogeneous": bench_heterogeneous,
    "ilasdp_k4": bench_ilasdp_k4,
    "paired": bench_paired,
}


def main(argv=None):
    global REGIMES, PAIRED_MIXTURES
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_cluster")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument(
        "--threads", type=int, nargs="+", default=None, help="default: 1 2 (1 with --quick)"
    )
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    parser.add_argument(
        "--regime",
        nargs="+",
        choices=["hard", "cutoff"],
        default=["hard", "cutoff"],
        help="isotropic regimes of --cases large (separation 4; 1.2x the exact-recovery cutoff)",
    )
    parser.add_argument(
        "--mixtures",
        type=int,
        default=PAIRED_MIXTURES,
        help="independent mixtures per shape in --cases paired (untimed; run at the first thread count)",
    )
    args = parser.parse_args(argv)
    PAIRED_MIXTURES = args.mixtures
    REGIMES = tuple(args.regime)
    quick = args.quick or quick_mode()
    global REPEATS, WARMUP
    if quick:
        REPEATS, WARMUP = 1, 0
    if args.threads is None:
        args.threads = [1] if quick else [1, 2]

    # every library of the benchmark is imported BEFORE the thread pools are pinned: threadpoolctl
    # only sees pools that are loaded (scikit-learn's OpenMP, scipy's OpenBLAS, numba, torch)
    if "scs" in args.cases:  # SCS (through cvxpy) is only a peer of the "scs" case
        import cvxpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    import sklearn.cluster  # noqa: F401
    import sklearn.mixture  # noqa: F401

    import samplingstats.cluster  # noqa: F401
    import samplingstats.cluster._certificate  # noqa: F401

    print("## samplingstats.cluster benchmarks\n")
    print(f"Machine: {machine_info()}\n")
    for n_threads in args.threads:
        controller = pin_threads(n_threads)  # noqa: F841 - the limit holds while referenced
        print(f"## {n_threads} thread(s) for every implementation\n")
        for case in args.cases:
            if case == "paired" and n_threads != args.threads[0]:
                continue  # untimed: errors do not depend on the thread count
            comps = CASES[case](quick)
            if not comps:
                continue
            print(f"Threads: {thread_report()}\n")
            print(render(comps))


if __name__ == "__main__":
    main()
