"""samplingstats.dpp vs DPPy 0.3.3, same data, same process.

Run from the repository root::

    python -m benchmarks.bench_dpp            # full sizes (a few minutes: DPPy GS at N = 20000 is slow)
    python -m benchmarks.bench_dpp continuous # only the continuous cases ("finite": only the finite)
    SAMPLINGSTATS_BENCH_QUICK=1 python -m benchmarks.bench_dpp

Cases
-----
- Finite projection DPP (candidate pool = N random points of [-1, 1]^2 with the first m Legendre
  total-degree features): our rejection chain rule (alias-table proposals) and our spectral chain
  rule vs DPPy ``FiniteDPP("correlation", projection=True, K_eig_dec=(1, V)).sample_exact("GS")``.
  DPPy is given the orthonormal ``V`` for free; our set-up (orthonormalisation + leverage + alias
  table) is timed separately and amortised over 10 draws in the "amortised" ratio.
- Continuous projection DPP of the tensor Legendre basis on [-1, 1]^2 with DPPy's own multi-index
  ordering: ``ProjectionDPP(PolynomialBasis(2, index_set=idx)).sample()`` vs
  ``MultivariateJacobiOPE(m, zeros((2, 2))).sample()``.

DPPy 0.3.3 runs unpatched on numpy 2 for these two samplers (no shim needed).

BLAS is limited to one thread (threadpoolctl) for every implementation: on a small shared machine
threaded OpenBLAS spin-waits and a 2000 x 50 Gram product can take 1000x longer than serial.
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from benchmarks._harness import Comparison, machine_info, quick_mode, render, time_call


def _pool(N, m, rng):
    from samplingstats.dpp import PolynomialBasis

    deg = 0
    while PolynomialBasis(2, deg).size < m:
        deg += 1
    x = rng.uniform(-1, 1, (N, 2))
    return np.ascontiguousarray(PolynomialBasis(2, deg).evaluate(x)[:, :m])


def finite_case(N, m, *, repeats):
    from dppy.finite_dpps import FiniteDPP

    from samplingstats.dpp import FiniteBasis, ProjectionDPP

    rng = np.random.default_rng(0)
    F = _pool(N, m, rng)
    fb = FiniteBasis(F)
    ours = ProjectionDPP(fb)
    spectral = ProjectionDPP(fb, method="spectral")
    ours.sample(rng=rng)  # compile
    spectral.sample(rng=rng)
    V = np.array(fb.V)
    dppy = FiniteDPP("correlation", projection=True, K_eig_dec=(np.ones(m), V))
    rs = np.random.RandomState(0)

    def setup():
        b = FiniteBasis(F)
        b._alias_table()

    _, nprop = ours.sample_with_proposals(n_samples=20, rng=rng)
    comp = Comparison(
        f"finite projection DPP, N = {N}, m = {m} (one draw)", repeats=repeats, warmup=0
    )
    comp.add(
        "samplingstats ProjectionDPP (rejection chain rule, alias proposals)",
        lambda: ours.sample(rng=rng),
        ours=True,
        proposals_per_mHm=float(nprop.mean() / ours.expected_proposals),
    )
    t_setup = time_call(setup, repeats=repeats, warmup=0).median
    comp.add(
        "samplingstats ProjectionDPP (spectral chain rule, reference)",
        lambda: spectral.sample(rng=rng),
    )
    comp.add(
        "DPPy FiniteDPP.sample_exact(mode='GS')",
        lambda: dppy.sample_exact(mode="GS", random_state=rs),
    )
    draw = comp.ours().timing.median
    amort = draw + t_setup / 10
    for r in comp.rows:
        r.extra["vs ours amortised (set-up/10)"] = f"{r.timing.median / amort:.1f}x"
    comp.rows[0].extra["set-up (FiniteBasis + alias)"] = f"{t_setup * 1e3:.1f} ms"
    return comp, comp.rows[-1].timing.median / amort


def continuous_case(m, *, draws, repeats):
    from dppy.multivariate_jacobi_ope import MultivariateJacobiOPE

    from samplingstats.dpp import PolynomialBasis, ProjectionDPP

    ope = MultivariateJacobiOPE(m, np.zeros((2, 2)))
    idx = np.asarray(ope.ordering[:m], dtype=np.int64)
    basis = PolynomialBasis(2, index_set=idx)
    dpp = ProjectionDPP(basis)
    rng = np.random.default_rng(1)
    rs = np.random.RandomState(1)
    dpp.sample(rng=rng)  # compile
    _, nprop = dpp.sample_with_proposals(n_samples=50, rng=rng)
    comp = Comparison(
        f"continuous projection DPP, tensor Legendre, d = 2, m = {m} ({draws} draws per call)",
        repeats=repeats,
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
        lambda: [ope.sample(random_state=rs) for _ in range(draws)],
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
    comp.add("samplingstats numba, size=R (CPU)", lambda: dpp.sample(n_samples=R, rng=0), ours=True)
    comp.add(f"samplingstats torch batched, device={device}", run_torch)
    return comp


def _first_indices(m):
    from samplingstats.dpp import multi_indices

    deg = 0
    while len(multi_indices(2, deg)) < m:
        deg += 1
    return multi_indices(2, deg)[:m]


def main():
    import dppy.finite_dpps  # noqa: F401  (load every BLAS before limiting the thread pools)
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_info, threadpool_limits

    import samplingstats.dpp  # noqa: F401

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    with threadpool_limits(limits=1, user_api="blas"):
        assert all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "blas")
        _main()


def _main():
    quick = quick_mode()
    comps, summary = [], []
    sizes = [(2000, 50)] if quick else [(5000, 100), (20000, 200)]
    only = sys.argv[1] if len(sys.argv) > 1 else "all"
    for N, m in sizes if only in ("all", "finite") else []:
        comp, r = finite_case(N, m, repeats=3)
        comps.append(comp)
        summary.append((f"finite N = {N}, m = {m}: DPPy GS / ours (amortised)", r))
    cont = [(20, 10)] if quick else [(50, 20), (200, 5)]
    for m, draws in cont if only in ("all", "continuous") else []:
        comp, r = continuous_case(m, draws=draws, repeats=5)
        comps.append(comp)
        summary.append((f"continuous d = 2, m = {m}: DPPy / ours", r))
    if os.environ.get("SAMPLINGSTATS_BENCH_TORCH", "0") not in ("", "0"):
        comps.append(torch_case(64 if quick else 1024, 50))
    print(f"# samplingstats.dpp benchmarks\n\nMachine: {machine_info()}; BLAS 1 thread\n")
    print(render(comps))
    print("### Summary\n")
    print("| case | speed-up |\n|---|---|")
    for name, r in summary:
        print(f"| {name} | {r:.1f}x |")


if __name__ == "__main__":
    main()
