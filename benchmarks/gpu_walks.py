"""GPU figures for samplingstats.walks: fused numba.cuda kernels vs the vectorised torch steps.

Usage, from the repository root on a machine with a CUDA device::

    python -m benchmarks.gpu_walks            # BA(1e5, 5), the method note's GPU targets
    python -m benchmarks.gpu_walks --quick    # tiny sizes; runs on a CPU-only machine (torch CPU)

Graph: Barabasi-Albert(1e5, 5) (networkx, seed 0), as in benchmarks/bench_walks.py. Every row
times one public call (``random_walk`` / ``self_repellent_walk`` with ``device="cuda"``: start
nodes, stream seeding, transfers and kernels included) after a warm-up call (compilation), with
``torch.cuda.synchronize()`` around the timed region; ``n_steps`` is chosen from a short
calibration call so that each timing takes about 0.2-2 s (and the trace fits in memory). The
path is switched with ``samplingstats.walks._torch_walk.USE_FUSED`` (True: fused kernels, False:
vectorised torch). Aggregate rate = walkers * steps / seconds. A row that fails prints
"skipped" and the reason; the others still run. The markdown table goes to stdout and, when the
environment variable ``OUT`` is set, to ``$OUT/gpu_walks.md``.

Targets (docs/method note): >= 5e9 SRW steps/s at 1e6 walkers, >= 5e8 SRRW steps/s at 1e4
walkers. SRRW memory: the fused kernel keeps two float64 per walker and node (16 N W bytes: 16 GB
at N = 1e5, W = 1e4); 1e5 walkers would need 160 GB and are skipped (the largest W that fits is
timed instead).
"""

from __future__ import annotations

import os
import sys
import time
import traceback

import numpy as np

QUICK = "--quick" in sys.argv
ROWS: list[list[str]] = []
HEAD = [
    "walk",
    "walkers",
    "path",
    "steps/walker",
    "seconds",
    "steps/s",
    "marginal steps/s",
    "target",
    "note",
]
T_START = time.perf_counter()
BUDGET_S = 100.0  # stop adding rows past this (the whole script must stay under 120 s)


def _sync(torch):
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _fmt(x):
    return f"{x:.3g}"


def _graph():
    import networkx as nx

    from samplingstats.walks import WalkGraph

    n, m = (2000, 5) if QUICK else (100_000, 5)
    return WalkGraph(nx.barabasi_albert_graph(n, m, seed=0))


def _call(kind, g, n_walkers, n_steps, dev, alpha=None, chain=None):
    from samplingstats.walks import random_walk, self_repellent_walk

    if kind == "walk":
        return random_walk(g, n_steps=n_steps, chain=chain, n_walkers=n_walkers, rng=0, device=dev)
    return self_repellent_walk(
        g, n_steps=n_steps, alpha=alpha, chain=chain, n_walkers=n_walkers, rng=0, device=dev
    )


def _timed(torch, fn):
    _sync(torch)
    t0 = time.perf_counter()
    res = fn()
    _sync(torch)
    dt = time.perf_counter() - t0
    del res
    return dt


def _row(label, g, dev, n_walkers, fused, target, *, kind, max_steps, note="", **kw):
    """Warm up, calibrate n_steps to about 0.5 s, time once; append a table row."""
    import torch

    from samplingstats.walks import _torch_walk

    path = "fused" if fused else "vectorised"
    elapsed = time.perf_counter() - T_START
    if elapsed > BUDGET_S:
        ROWS.append([label, str(n_walkers), path, "", "", "skipped", "", target, "time budget"])
        return None
    _torch_walk.USE_FUSED = fused
    try:
        n = 4 if QUICK else 20
        _timed(torch, lambda: _call(kind, g, n_walkers, n, dev, **kw))  # compile / warm up
        lo, goal = (0.02, 0.05) if QUICK else (0.4, 0.8)
        while True:  # grow n_steps until a call takes >= lo seconds (or n hits max_steps)
            dt = _timed(torch, lambda n=n: _call(kind, g, n_walkers, n, dev, **kw))
            if dt >= lo or n >= max_steps:
                break
            n = int(min(max_steps, n * min(10.0, max(2.0, goal / max(dt, 1e-6)))))
        rate = n_walkers * n / dt
        # marginal rate: per-step cost without the fixed per-call cost (set-up, transfers, the
        # SRRW's O(N W) initialisation and result), from a second call with n / 4 steps
        n4 = max(1, n // 4)
        dt4 = _timed(torch, lambda: _call(kind, g, n_walkers, n4, dev, **kw))
        marg = n_walkers * (n - n4) / (dt - dt4) if dt > dt4 else float("nan")
        ROWS.append(
            [label, str(n_walkers), path, str(n), f"{dt:.3f}", _fmt(rate), _fmt(marg), target,
             note]
        )  # fmt: skip
        return rate
    except Exception as exc:  # noqa: BLE001 - report and go on
        traceback.print_exc()
        ROWS.append(
            [label, str(n_walkers), path, "", "", "skipped", "", target, type(exc).__name__]
        )
        return None
    finally:
        _torch_walk.USE_FUSED = None
        torch.cuda.empty_cache() if torch.cuda.is_available() else None


def _equality_rows(g, dev):
    """Fused traces vs the CPU numba kernel (same rng): identical for every chain kind?"""
    import torch

    from samplingstats.walks import _torch_walk, random_walk, self_repellent_walk

    W, n = (64, 50) if QUICK else (4096, 200)
    for chain in ("srw", "mhrw", "nbrw"):
        try:
            _torch_walk.USE_FUSED = True
            gpu = random_walk(g, n_steps=n, chain=chain, n_walkers=W, rng=7, device=dev).trace
            cpu = random_walk(g, n_steps=n, chain=chain, n_walkers=W, rng=7, backend="numpy").trace
            same = bool(np.array_equal(gpu.cpu().numpy(), cpu))
            ROWS.append(
                [f"{chain} trace == CPU numba", str(W), "fused", str(n), "", "", "", "identical",
                 "identical" if same else "DIFFERENT"]
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc()
            ROWS.append(
                [f"{chain} trace == CPU", str(W), "fused", "", "", "skipped", "", "", repr(exc)]
            )
        finally:
            _torch_walk.USE_FUSED = None
    try:
        _torch_walk.USE_FUSED = True
        Ws, ns = (16, 200) if QUICK else (256, 5000)
        r = self_repellent_walk(
            g, n_steps=ns, alpha=5.0, chain="mhrw", n_walkers=Ws, rng=3, device=dev
        )
        c = self_repellent_walk(g, n_steps=ns, alpha=5.0, chain="mhrw", n_walkers=Ws, rng=3)
        xg = r.empirical_measure.cpu().numpy()
        diff = float(np.abs(xg - c.empirical_measure).max())
        same_walkers = int((np.abs(xg - c.empirical_measure).max(axis=1) < 1e-12).sum())
        ROWS.append(
            ["srrw x_n vs CPU numba (alpha 5, mhrw)", str(Ws), "fused", str(ns), "", "", "", "",
             f"max|dx|={diff:.2g}; {same_walkers}/{Ws} walkers within 1e-12"]
        )  # fmt: skip
        del r
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        ROWS.append(["srrw vs CPU", "", "fused", "", "", "skipped", "", "", repr(exc)])
    finally:
        _torch_walk.USE_FUSED = None
    del torch


def main():
    import torch

    cuda = torch.cuda.is_available()
    dev = "cuda" if cuda else "cpu"
    lines = []
    info = f"torch {torch.__version__}"
    if cuda:
        info += f", {torch.cuda.get_device_name(0)}"
    try:
        import numba

        info += f", numba {numba.__version__}"
        from numba import cuda as ncuda

        info += f" (numba.cuda {getattr(ncuda, 'implementation', '?')}"
        info += f", available={ncuda.is_available()})"
    except Exception as exc:  # noqa: BLE001
        info += f", numba.cuda unusable: {exc!r}"
    lines.append(f"Machine: {info}; quick={QUICK}")
    t0 = time.perf_counter()
    g = _graph()
    lines.append(
        f"Graph: BA({g.n_nodes}, 5) seed 0, {g.n_edges} edges, max degree "
        f"{int(g.degree.max())} (built in {time.perf_counter() - t0:.1f} s)"
    )
    print("\n".join(lines), flush=True)

    if cuda:
        _equality_rows(g, dev)
    big = 4096 if QUICK else 1_000_000
    mid = 256 if QUICK else 10_000
    # trace memory cap for the base walks: (n + 1) * W * 8 bytes <= ~8 GB (3 MB quick)
    max_base = max(8, int((3e6 if QUICK else 8e9) / (8 * big)))
    fused_paths = [True, False] if cuda else [False]
    for chain in ("srw", "mhrw", "nbrw"):
        for fused in fused_paths:
            tgt = ">= 5e9" if chain == "srw" and fused else ""
            _row(chain, g, dev, big, fused, tgt, kind="walk", max_steps=max_base, chain=chain)
    for base in ("mhrw", "srw"):
        for fused in fused_paths:
            tgt = ">= 5e8" if fused else ""
            _row(
                f"srrw alpha=5 chain={base}",
                g,
                dev,
                mid,
                fused,
                tgt,
                kind="srrw",
                max_steps=100_000 if fused else 2_000,
                alpha=5.0,
                chain=base,
            )
    if cuda:
        small = 1000
        _row("srrw alpha=5 chain=mhrw", g, dev, small, True, "", kind="srrw", max_steps=200_000,
             alpha=5.0, chain="mhrw")  # fmt: skip
        # the largest walker count whose state fits (16 N W bytes + the (W, N) result)
        free, _total = torch.cuda.mem_get_info()
        w_fit = int(0.8 * free / (24 * g.n_nodes))
        w_big = min(100_000, (w_fit // 1000) * 1000)
        note = "" if w_big >= 100_000 else f"1e5 walkers need {16 * g.n_nodes * 1e5 / 1e9:.0f} GB"
        if w_big >= 1000:
            _row("srrw alpha=5 chain=mhrw", g, dev, w_big, True, "", kind="srrw", max_steps=100_000,
                 note=note, alpha=5.0, chain="mhrw")  # fmt: skip
        else:
            ROWS.append(
                ["srrw alpha=5 chain=mhrw", "1e5", "fused", "", "", "skipped", "", "", note]
            )
    else:
        ROWS.append(["(fused rows)", "", "fused", "", "", "skipped", "", "", "no CUDA device"])

    from samplingstats._table import format_table

    table = format_table(HEAD, ROWS, title="samplingstats.walks on the GPU")
    md = "\n".join(lines) + "\n\n" + _markdown(HEAD, ROWS)
    print(table)
    print(f"\ntotal {time.perf_counter() - T_START:.1f} s")
    out = os.environ.get("OUT")
    if out:
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "gpu_walks.md"), "w") as fh:
            fh.write(md + f"\n\nCommand: python -m benchmarks.gpu_walks{' --quick' * QUICK}\n")


def _markdown(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    main()
