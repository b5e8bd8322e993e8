"""samplingstats.dpp vs DPPy 0.3.3, same data, same process, same thread settings.

Run from the repository root::

    python -m benchmarks.bench_dpp                 # full sizes (minutes: DPPy GS at N = 20000 is slow)
    python -m benchmarks.bench_dpp finite          # only the finite cases ("continuous": the others)
    python -m benchmarks.bench_dpp --threads 2     # every thread pool pinned to 2 (default 1)
    python -m benchmarks.bench_dpp finite --threads 1 2   # both settings, one after the other
    python -m benchmarks.bench_dpp --quick         # small cases (seconds); also SAMPLINGSTATS_BENCH_QUICK=1

Cases
-----
- Finite projection DPP (candidate pool = N random points of [-1, 1]^2 with the first m Legendre
  total-degree features). Rows: our set-up from the raw features (``FiniteBasis``) **plus** one draw
  (the headline: what a user pays for one design); the Gram matrix ``F^T F`` alone (one ``dsyrk``:
  the floor of any exact sampler that starts from raw features, since the leverage scores and every
  acceptance probability of the chain rule involve ``(F^T F)^{-1}``); our set-up alone
  (``FiniteBasis(F)``: the Gram matrix, its Cholesky factor and a few eigenpairs); one draw on a
  basis set up beforehand (``V`` formed); set-up plus 10 draws, per draw; our spectral chain rule
  (reference);
  DPPy ``FiniteDPP("correlation", projection=True, K_eig_dec=(1, V)).sample_exact("GS")`` with the
  orthonormal ``V`` handed to it for free; numpy's Householder QR of the same features (DPPy's own
  set-up, what a DPPy user would run). Every row has its wall-clock median and its CPU-time median
  (process time: on a shared machine a long call is preempted more than a short one, and every pool
  is pinned, so CPU time is the work done); the summary gives both ratios, with and without DPPy's
  QR, and DPPy GS / the Gram alone (the ratio no exact sampler from raw features can beat here).
- Continuous projection DPP of the tensor Legendre basis on [-1, 1]^2 with DPPy's own multi-index
  ordering: ``ProjectionDPP(PolynomialBasis(2, index_set=idx)).sample()`` vs
  ``MultivariateJacobiOPE(m, zeros((2, 2))).sample()``.

Every library (ours, numba, DPPy, scipy, torch when the torch case runs) is imported first, then
``pin_threads`` pins BLAS, OpenMP, numba and torch to the same number of threads for both sides;
``thread_report()`` is printed with the tables. With several ``--threads`` values every case runs
under each setting in turn (re-pinned, reported again); the summary names the thread count of each
ratio. Medians of 5 timed calls after 1 warm-up call.
DPPy 0.3.3 runs unpatched on numpy 2 for these two samplers.
"""

from __future__ import annotations

import argparse
import os
import warnings

import numpy as np

from benchmarks._harness import (
    Comparison,
    add_with_cpu,
    cpu_ratios,
    machine_info,
    pin_threads,
    quick_mode,
    render,
    thread_report,
    time_call,
)

REPEATS = 5


def _pool(N, m, rng):
    from samplingstats.dpp import PolynomialBasis

    deg = 0
    while PolynomialBasis(2, deg).size < m:
        deg += 1
    x = rng.uniform(-1, 1, (N, 2))
    return np.ascontiguousarray(PolynomialBasis(2, deg).evaluate(x)[:, :m])


def finite_case(N, m, threads=1):
    from dppy.finite_dpps import FiniteDPP

    from samplingstats.dpp import FiniteBasis, ProjectionDPP

    rng = np.random.default_rng(0)
    F = _pool(N, m, rng)
    fb = FiniteBasis(F)
    V = np.array(fb.V)  # forms V: the "set up beforehand" rows below use it
    ours = ProjectionDPP(fb)
    spectral = ProjectionDPP(fb, method="spectral")
    dppy = FiniteDPP("correlation", projection=True, K_eig_dec=(np.ones(m), V))
    rs = np.random.RandomState(0)

    def setup_and_draw():
        return ProjectionDPP(FiniteBasis(F)).sample(rng=rng)

    def setup_and_10_draws():
        return ProjectionDPP(FiniteBasis(F)).sample(n_samples=10, rng=rng)

    _, nprop = ours.sample_with_proposals(n_samples=20, rng=rng)
    comp = Comparison(
        f"finite projection DPP, N = {N}, m = {m}, {threads} thread(s) (one draw per call unless "
        "stated)",
        repeats=REPEATS,
        warmup=1,
    )
    add_with_cpu(
        comp,
        "samplingstats FiniteBasis(features) + ProjectionDPP.sample() (set-up + one draw)",
        setup_and_draw,
        ours=True,
    )
    add_with_cpu(
        comp,
        "(floor) the Gram matrix F^T F alone (one dsyrk, N m^2 flops)",
        lambda: F.T @ F,
    )
    add_with_cpu(
        comp,
        "samplingstats FiniteBasis(features) alone (set-up: Gram matrix, Cholesky, 5 eigenpairs)",
        lambda: FiniteBasis(F),
    )
    add_with_cpu(
        comp,
        "samplingstats ProjectionDPP.sample() (basis set up beforehand, V formed)",
        lambda: ours.sample(rng=rng),
        proposals_per_mHm=float(nprop.mean() / ours.expected_proposals),
    )
    t10 = add_with_cpu(
        comp, "samplingstats set-up + sample(n_samples=10) (time for all 10)", setup_and_10_draws
    ).timing
    comp.rows[-1].extra["per draw"] = f"{t10.median / 10 * 1e3:.2f} ms"
    add_with_cpu(
        comp,
        "samplingstats ProjectionDPP(method='spectral').sample() (reference, V formed)",
        lambda: spectral.sample(rng=rng),
    )
    gs = "DPPy FiniteDPP.sample_exact(mode='GS') (orthonormal V given for free)"
    add_with_cpu(comp, gs, lambda: np.asarray(dppy.sample_exact(mode="GS", random_state=rs)))
    qr = "numpy Householder QR of the features (the set-up a DPPy user runs first)"
    add_with_cpu(comp, qr, lambda: np.linalg.qr(F))
    ours_row, gs_row, qr_row = comp.ours(), comp.rows[-2], comp.rows[-1]
    gram_row = comp.rows[1]
    ratios = {
        "wall, DPPy GS (V free) / ours set-up + one draw": gs_row.timing.median
        / ours_row.timing.median,
        "wall, DPPy QR + GS / ours set-up + one draw": (gs_row.timing.median + qr_row.timing.median)
        / ours_row.timing.median,
        "CPU, DPPy GS (V free) / ours set-up + one draw": gs_row.extra["cpu"]
        / ours_row.extra["cpu"],
        "CPU, DPPy QR + GS / ours set-up + one draw": (gs_row.extra["cpu"] + qr_row.extra["cpu"])
        / ours_row.extra["cpu"],
        "wall, DPPy GS (V free) / the Gram alone (the cap of any exact sampler from features)": (
            gs_row.timing.median / gram_row.timing.median
        ),
        "CPU, DPPy GS (V free) / the Gram alone": gs_row.extra["cpu"] / gram_row.extra["cpu"],
        "wall, ours set-up + one draw / the Gram alone (1 = at the floor)": ours_row.timing.median
        / gram_row.timing.median,
    }
    cpu_ratios(comp)
    return comp, ratios


def continuous_case(m, *, draws):
    from dppy.multivariate_jacobi_ope import MultivariateJacobiOPE

    from samplingstats.dpp import PolynomialBasis, ProjectionDPP

    ope = MultivariateJacobiOPE(m, np.zeros((2, 2)))
    idx = np.asarray(ope.ordering[:m], dtype=np.int64)
    basis = PolynomialBasis(2, index_set=idx)
    dpp = ProjectionDPP(basis)
    rng = np.random.default_rng(1)
    rs = np.random.RandomState(1)
    _, nprop = dpp.sample_with_proposals(n_samples=50, rng=rng)
    comp = Comparison(
        f"continuous projection DPP, tensor Legendre, d = 2, m = {m} ({draws} draws per call)",
        repeats=REPEATS,
        warmup=1,
    )
    comp.add(
        "samplingstats ProjectionDPP.sample (numba chain rule)",
        lambda: [dpp.sample(rng=rng) for _ in range(draws)],
        ours=True,
        proposals_per_mHm=float(nprop.mean() / dpp.expected_proposals),
    )
    comp.add(
        "DPPy MultivariateJacobiOPE.sample",
        lambda: [np.asarray(ope.sample(random_state=rs)) for _ in range(draws)],
    )
    # flop floor of the chain rule: 2 m^3 ln m flops at the machine's measured m x m matvec rate
    Q = np.random.default_rng(2).standard_normal((m, m))
    v = np.ones(m)
    t_mv = time_call(lambda: [Q @ v for _ in range(200)], repeats=5, warmup=1).median / 200
    floor = 2 * m**3 * np.log(m) / (2 * m * m / t_mv)
    per_draw = comp.ours().timing.median / draws
    comp.rows[0].extra["per draw"] = f"{per_draw * 1e3:.3f} ms"
    comp.rows[0].extra["time / flop floor"] = f"{per_draw / floor:.2f}"
    comp.rows[1].extra["per draw"] = f"{comp.rows[1].timing.median / draws * 1e3:.3f} ms"
    return comp, comp.ratio("DPPy MultivariateJacobiOPE.sample")


def torch_case(R, m):
    import torch

    from samplingstats.dpp import PolynomialBasis, ProjectionDPP

    basis = PolynomialBasis(2, index_set=_first_indices(m))
    dpp = ProjectionDPP(basis)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    def run_torch():
        dpp.sample(n_samples=R, rng=0, device=device)
        if device == "cuda":
            torch.cuda.synchronize()

    comp = Comparison(f"{R} projection-DPP draws, d = 2, m = {m}", repeats=3, warmup=1)
    comp.add(
        "samplingstats numba, n_samples=R (CPU)", lambda: dpp.sample(n_samples=R, rng=0), ours=True
    )
    comp.add(f"samplingstats torch batched, device={device}", run_torch)
    return comp


def _first_indices(m):
    from samplingstats.dpp import multi_indices

    deg = 0
    while len(multi_indices(2, deg)) < m:
        deg += 1
    return multi_indices(2, deg)[:m]


def _parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_dpp", description=__doc__)
    p.add_argument("case", nargs="?", default="all", choices=["all", "finite", "continuous"])
    p.add_argument("--quick", action="store_true", help="small cases only (seconds)")
    p.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1],
        help="threads for every pool (default 1); several values run every case under each",
    )
    return p.parse_args(argv)


def main(argv=None):
    args = _parse(argv)
    quick = args.quick or quick_mode()
    with_torch = os.environ.get("SAMPLINGSTATS_BENCH_TORCH", "0") not in ("", "0")
    # import every library of the comparison first, then pin every thread pool (both sides)
    import dppy.finite_dpps  # noqa: F401
    import dppy.multivariate_jacobi_ope  # noqa: F401
    import scipy.linalg  # noqa: F401

    import samplingstats.dpp  # noqa: F401

    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a core dependency
        pass
    if with_torch:
        import torch  # noqa: F401
    from samplingstats._kernels import _dpp as kernels  # noqa: F401

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from samplingstats.dpp import FiniteBasis, PolynomialBasis, ProjectionDPP

    comps, summary, reports = [], [], []
    sizes = [(2000, 50)] if quick else [(5000, 100), (20000, 200)]
    cont = [(20, 10)] if quick else [(50, 20), (200, 5)]
    for threads in args.threads:
        _limits = pin_threads(threads)  # noqa: F841  (keep the limit alive)
        reports.append((threads, thread_report()))
        # compile the numba kernels once (the cache is reused across runs)
        small = np.random.default_rng(0).standard_normal((400, 5))
        ProjectionDPP(FiniteBasis(small)).sample(rng=0)
        ProjectionDPP(FiniteBasis(small)).sample(n_samples=50, rng=0)
        ProjectionDPP(FiniteBasis(small), method="spectral").sample(rng=0)
        ProjectionDPP(PolynomialBasis(2, 2)).sample(rng=0)
        for N, m in sizes if args.case in ("all", "finite") else []:
            print(f"running finite N = {N}, m = {m}, {threads} thread(s) ...", flush=True)
            comp, ratios = finite_case(N, m, threads)
            comps.append(comp)
            for what, r in ratios.items():
                summary.append((f"finite N = {N}, m = {m}", threads, what, r))
        for m, draws in cont if args.case in ("all", "continuous") else []:
            print(f"running continuous m = {m}, {threads} thread(s) ...", flush=True)
            comp, r = continuous_case(m, draws=draws)
            comp.title += f", {threads} thread(s)"
            comps.append(comp)
            summary.append((f"continuous d = 2, m = {m}", threads, "wall, DPPy / ours", r))
        if with_torch:
            comps.append(torch_case(64 if quick else 1024, 50))
        reports.append((threads, "at the end: " + thread_report()))
    print(f"\n# samplingstats.dpp benchmarks{' (quick)' if quick else ''}\n")
    print(f"Machine: {machine_info()}\n")
    for threads, rep in reports:
        print(f"Threads (pinned to {threads} after all imports): {rep}\n")
    print(render(comps))
    print("### Summary\n")
    print("| case | threads | ratio | value |\n|---|---|---|---|")
    for case, threads, what, r in summary:
        print(f"| {case} | {threads} | {what} | {r:.1f}x |")


if __name__ == "__main__":
    main()
