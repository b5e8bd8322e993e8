"""Peak memory of the streaming mode of random_walk (issue 16).

Runs ``random_walk(record_trace=False, values=...)`` with ``--walkers`` walkers x ``--steps`` steps
on a Barabasi-Albert graph BA(``--nodes``, 5) and reports the peak resident memory above the
memory held before the walk (graph, compiled kernels, interpreter): the kernel's own footprint.
The peak is Linux's VmHWM, reset through /proc/self/clear_refs after the warm-up.

    .venv/bin/python benchmarks/walks_streaming_memory.py --walkers 1000 --steps 1000000
    .venv/bin/python benchmarks/walks_streaming_memory.py --backend torch --device cuda

``--backend torch`` runs the torch path (the fused CUDA kernel on ``--device cuda`` when numba-cuda
works, else the vectorised torch steps; on the CPU build of torch the vectorised steps): host RSS
is then reported as above and, on CUDA, the peak device memory (``torch.cuda.max_memory_allocated``).

The trace of the same run would take ``walkers * (steps + 1) * 8`` bytes.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--walkers", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--backend", choices=["numpy", "torch"], default="numpy")
    ap.add_argument("--device", default=None)
    args = ap.parse_args()

    import networkx as nx
    from _harness import pin_threads, thread_report

    from samplingstats.walks import WalkGraph, random_walk

    kw = {}
    if args.backend == "torch":
        import torch

        kw = dict(backend="torch", device=args.device)
    pin_threads(args.threads)
    G = nx.barabasi_albert_graph(args.nodes, 5, seed=0)
    g = WalkGraph(G, weight=None)
    deg = g.degree.astype(float)
    del G
    # warm-up: compile the streaming kernel
    random_walk(g, n_steps=100, chain="mhrw", n_walkers=64, values=deg, record_trace=False, rng=0,
                **kw)  # fmt: skip
    cuda = args.backend == "torch" and args.device is not None and "cuda" in str(args.device)
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        dev_before = torch.cuda.memory_allocated()
    rss_before = _status("VmRSS")
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # reset VmHWM to the current RSS
    t0 = time.perf_counter()
    res = random_walk(
        g,
        n_steps=args.steps,
        chain="mhrw",
        n_walkers=args.walkers,
        values=deg,
        record_trace=False,
        rng=1,
        **kw,
    )
    dt = time.perf_counter() - t0
    peak = _status("VmHWM")
    est = res.average()
    trace_bytes = args.walkers * (args.steps + 1) * 8
    print(thread_report())
    print(
        f"BA({args.nodes}, 5), MHRW (uniform target), {args.walkers} walkers x {args.steps} steps, "
        f"record_trace=False, values=degree, backend={args.backend}"
        + (f", device={args.device}" if args.device else "")
    )
    print("| quantity | value |")
    print("|---|---|")
    print(f"| RSS before the walk (graph, kernels, interpreter) | {rss_before / 2**20:.1f} MiB |")
    print(f"| peak RSS during the walk, above that | {(peak - rss_before) / 2**20:.1f} MiB |")
    if cuda:
        dev_peak = torch.cuda.max_memory_allocated() - dev_before
        print(
            f"| peak device memory during the walk, above the graph | {dev_peak / 2**20:.1f} MiB |"
        )
    print(f"| the trace would take | {trace_bytes / 2**30:.1f} GiB |")
    print(f"| wall time | {dt:.1f} s ({args.walkers * args.steps / dt:.3g} steps/s) |")
    lo, hi = est.confidence_interval()
    print(
        f"| mean degree (truth {deg.mean():.4f}) | {est.estimate:.4f}, 95% CI [{lo:.4f}, {hi:.4f}] |"
    )


if __name__ == "__main__":
    np.seterr(all="raise")
    main()
