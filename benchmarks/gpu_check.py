"""GPU figures for the torch paths of every module (run on a machine with a CUDA device).

Usage, from the repository root::

    python -m benchmarks.gpu_check            # every section
    python -m benchmarks.gpu_check dpp lp     # some sections

Each section times one call shape named by a method note's GPU target, after a warm-up call,
with ``torch.cuda.synchronize()`` around the timed region, and compares it with the numpy/numba
path on the same machine where that is cheap. A section that fails prints its error and the
others still run. The markdown table goes to stdout and, when the environment variable ``OUT``
is set, to ``$OUT/gpu_check.md``. The walks have their own script, ``benchmarks.gpu_walks``
(fused kernels and vectorised torch steps on the same graph).
"""

from __future__ import annotations

import os
import sys
import time
import traceback

import numpy as np

ROWS: list[tuple[str, str, str, str]] = []  # (section, case, measured, target)
# --quick: sizes divided by about 100 (a smoke test of the script on a CPU-only machine)
Q = 1


def _sync():
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _time(fn, repeats=3):
    """Best wall time of ``repeats`` calls after one warm-up call."""
    fn()
    _sync()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        _sync()
        best = min(best, time.perf_counter() - t0)
    return best


def section_sampling(dev):
    import torch

    from samplingstats.sampling import AliasTable, KeyedPermutation

    rng = np.random.default_rng(0)
    w = rng.pareto(1.5, 10**5) + 1e-3
    n = 10**8 // Q
    tg = AliasTable(torch.as_tensor(w, device=dev))
    tn = AliasTable(w)
    t_gpu = _time(lambda: tg.sample(n, rng=1))
    t_cpu = _time(lambda: tn.sample(n, rng=1), repeats=1)
    ROWS.append(
        (
            "sampling",
            "alias 1e8 draws, 1e5 categories",
            f"{n / t_gpu:.3g}/s ({t_cpu / t_gpu:.1f}x numba)",
            "-",
        )
    )
    perm = KeyedPermutation(10**9, rng=3)
    m = 10**8 // Q
    t_gpu = _time(lambda: perm.take_range(0, m, device=dev))
    t_cpu = _time(lambda: perm.take_range(0, m), repeats=1)
    ROWS.append(
        (
            "sampling",
            "keyed permutation take_range 1e8 of N=1e9",
            f"{m / t_gpu:.3g}/s ({t_cpu / t_gpu:.1f}x numba)",
            "-",
        )
    )
    a = perm.take_range(0, 10**6, device=dev).cpu().numpy()
    b = perm.take_range(0, 10**6)
    ROWS.append(
        (
            "sampling",
            "keyed permutation GPU == numba (1e6 positions)",
            str(bool((a == b).all())),
            "True",
        )
    )


def _first_indices(m):
    from samplingstats.dpp import multi_indices

    deg = 0
    while len(multi_indices(2, deg)) < m:
        deg += 1
    return multi_indices(2, deg)[:m]


def section_dpp(dev):
    from samplingstats.dpp import PolynomialBasis, ProjectionDPP

    for m, size in ((50, 1024 // Q), (200, 256 // Q)):
        dpp = ProjectionDPP(PolynomialBasis(2, index_set=_first_indices(m)))
        t = _time(
            lambda dpp=dpp, size=size: dpp.sample(n_samples=size, rng=0, device=dev), repeats=2
        )
        t_cpu = (
            _time(lambda dpp=dpp, size=size: dpp.sample(n_samples=min(size, 64), rng=0), repeats=1)
            * size
            / min(size, 64)
        )
        target = "< 1 s" if m == 50 else "-"
        ROWS.append(
            ("dpp", f"{size} draws, m = {m}, d = 2", f"{t:.3f} s ({t_cpu / t:.1f}x numba)", target)
        )


def section_cluster(dev):
    import torch

    from samplingstats.cluster import make_isotropic_mixture, sdp_kmeans

    n, d, K = 10**6 // Q, 50, 4
    X, y = make_isotropic_mixture(n, d, K, separation=6.0, rng=0)
    Xt = torch.as_tensor(X, device=dev)
    sdp_kmeans(Xt[: 20000 // Q], K, rng=0)  # warm-up
    _sync()
    t0 = time.perf_counter()
    res = sdp_kmeans(Xt, K, rng=0)
    _sync()
    t = time.perf_counter() - t0
    from sklearn.metrics import adjusted_rand_score

    labels = res.labels.cpu().numpy() if hasattr(res.labels, "cpu") else np.asarray(res.labels)
    ari = adjusted_rand_score(y, labels)
    ROWS.append(
        (
            "cluster",
            f"sdp_kmeans n = 1e6, d = 50, K = {K}, no sketch",
            f"{t:.2f} s, {res.n_iter} BM iterations ({1e3 * t / max(res.n_iter, 1):.2f} ms/iter), ARI {ari:.3f}",
            "~10 s",
        )
    )


def section_lp(dev):
    import torch

    from samplingstats.lp import leverage_scores, lewis_weights

    rng = np.random.default_rng(0)
    A = rng.standard_t(3, size=(10**6 // Q, 50))
    At = torch.as_tensor(A, device=dev)
    for method in ("auto", "qr", "sketch"):
        t = _time(lambda method=method: leverage_scores(At, method=method, rng=0))
        t_cpu = _time(lambda method=method: leverage_scores(A, method=method, rng=0), repeats=1)
        ROWS.append(
            (
                "lp",
                f"leverage_scores 1e6 x 50 float64, {method}",
                f"{t * 1e3:.1f} ms ({t_cpu / t:.1f}x numpy)",
                "-",
            )
        )
    tau_g = leverage_scores(At, method="qr").cpu().numpy()
    tau_c = leverage_scores(A, method="qr")
    ROWS.append(
        (
            "lp",
            "exact leverage GPU vs numpy, max abs diff",
            f"{np.abs(tau_g - tau_c).max():.2e}",
            "<= 1e-10",
        )
    )
    t = _time(lambda: lewis_weights(At, p=1.0, rng=0), repeats=2)
    t_cpu = _time(lambda: lewis_weights(A, p=1.0, rng=0), repeats=1)
    ROWS.append(
        ("lp", "lewis_weights p = 1, 1e6 x 50", f"{t * 1e3:.1f} ms ({t_cpu / t:.1f}x numpy)", "-")
    )


SECTIONS = {
    "sampling": section_sampling,
    "dpp": section_dpp,
    "lp": section_lp,
    "cluster": section_cluster,
}


def main(argv):
    import torch

    global Q
    if "--quick" in argv:
        Q = 100
        argv = [a for a in argv if a != "--quick"]
    names = argv or list(SECTIONS)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    head = f"device: {torch.cuda.get_device_name(0) if dev == 'cuda' else 'cpu'}, torch {torch.__version__}"
    print(head, flush=True)
    for name in names:
        t0 = time.perf_counter()
        try:
            SECTIONS[name](dev)
        except Exception:  # report and go on with the other sections
            traceback.print_exc()
            ROWS.append(
                (name, "FAILED", traceback.format_exc(limit=1).strip().splitlines()[-1], "-")
            )
        print(f"[{name}] {time.perf_counter() - t0:.1f} s", flush=True)
    lines = [head, "", "| section | case | measured | target |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in ROWS]
    text = "\n".join(lines)
    print(text)
    out = os.environ.get("OUT")
    if out:
        with open(os.path.join(out, "gpu_check.md"), "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
