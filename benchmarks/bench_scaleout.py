"""Scale-out benchmark: lp leverage scores and Lewis weights of a dask array larger than memory
would comfortably hold, against the in-memory numpy path, with the peak resident memory.

Run from the repository root::

    python -m benchmarks.bench_scaleout                 # 2e7 x 20 dask vs 2e6 x 20 numpy
    python -m benchmarks.bench_scaleout exact           # also exact Lewis weights (p = 1)
    python -m benchmarks.bench_scaleout --quick         # 5e5 vs 5e4, one thread, sketched Lewis
                                                        # weights only (SAMPLINGSTATS_BENCH_QUICK=1)

Every measurement runs in a fresh subprocess, which reports its wall time and its peak resident
set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: interpreter, libraries, data and
results included).

- **dask**: a ``N x 20`` float64 ``dask.array`` (3.2 GB at ``N = 2e7``) that never exists in
  memory: each 250 000-row chunk is generated when a task needs it (iid entries uniform on the
  integers -128..127 from ``default_rng([seed, chunk]).bytes``, about 1 ns per entry), so every
  pass over ``A`` regenerates it; the dask times include this generation. The
  threaded scheduler (2 threads, BLAS on one thread per task, as dask.distributed sets it).
  The scores are computed into memory (``N`` floats = 160 MB at ``N = 2e7``).
- **numpy**: the in-memory path on an ``n = N / 10`` matrix generated beforehand (not timed),
  every pool pinned (``pin_threads``, after every import) to 2 threads and, in another
  subprocess, to 1 thread; the faster is the baseline.

Each subprocess first runs its case once on a small input (imports, numba kernels, first-call
costs), then once on the real one (warm-up), then times the median of 5 runs (a run above 20 s
is timed once: said in the table); it prints ``thread_report()`` with its result. Throughput is
rows per second; the ratio is dask / numpy
(the done-when target is >= 0.5). A generation-only pass (``A.sum(axis=1)``) is timed too, so the
share of the dask time spent generating data can be read off (approximately: generation and
compute overlap on the two threads); a real chunked source (zarr, parquet) replaces it by its
read time. The numpy baseline is the faster of default (multi-threaded) BLAS and one BLAS thread.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

D = 20
CHUNK = int(os.environ.get("SAMPLINGSTATS_BENCH_CHUNK", 250_000))  # rows per dask chunk
SEED = 0


_FILL = None


def _fill_kernel():
    """A numba kernel filling a float64 array with iid integers uniform on -128..127.

    Eight entries per 64-bit output of a counter-based generator (the splitmix64 finaliser of
    ``key + k * golden``), compiled with ``nogil=True``: like a real chunked source (zarr or HDF5
    decompression), generation releases the GIL, so the two dask threads generate in parallel.
    numpy's ``Generator.bytes`` / ``integers`` hold the GIL, which serialised the generation of
    the dask tasks in the first version of this benchmark.
    """
    global _FILL
    if _FILL is None:
        import numba

        @numba.njit(nogil=True, cache=True)
        def fill(out, key):
            golden = np.uint64(0x9E3779B97F4A7C15)
            n = out.size
            for k in range((n + 7) // 8):
                z = np.uint64(key) + np.uint64(k + 1) * golden
                z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
                z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
                z = z ^ (z >> np.uint64(31))
                for b in range(min(8, n - 8 * k)):  # byte b of z, minus 128
                    out[8 * k + b] = float(np.int64((z >> np.uint64(8 * b)) & np.uint64(255)) - 128)

        _FILL = fill
    return _FILL


def _gen(seed, rows, d=D):
    """``rows x d`` float64 with iid entries uniform on the integers -128..127 (about 0.3 ns per
    entry, GIL released: the benchmark times the lp passes, not a normal generator at 9 ns per
    entry)."""
    key = int(np.random.SeedSequence(seed).generate_state(1, np.uint64)[0])
    out = np.empty((rows, d))
    _fill_kernel()(out.reshape(-1), np.uint64(key))
    return out


def _gen_block(block_id=None, rows=CHUNK, d=D):
    return _gen([SEED, block_id[0]], rows, d)


def _dask_matrix(n):
    import dask.array as da

    nb = n // CHUNK
    return da.map_blocks(_gen_block, dtype=np.float64, chunks=((CHUNK,) * nb, (D,)))


# passes over A per case (the generation pass is timed separately). Lewis weights: one pass for
# the zero rows, the finiteness check and the first Gram / sketch, then one per iteration (this
# iteration's row scores fused with the next iteration's Gram / sketch).
PASSES = {"leverage": 2, "leverage_sketch": 2, "lewis_sketch": None, "lewis": None}


_SLOW = 20.0  # seconds: a run longer than this is timed once


def _run_case(case, backend, n, *, warmup=True, threads=1):
    import dask
    import dask.array  # noqa: F401
    import numba  # noqa: F401

    from benchmarks._harness import pin_threads, thread_report
    from samplingstats.lp import leverage_scores as lev
    from samplingstats.lp import lewis_weights as lew

    if warmup:
        _fill_kernel()
        pin_threads(threads)  # after every import: BLAS, OpenMP, numba
        dask.config.set(scheduler="threads", num_workers=2)
        # imports, numba kernels from the cache, first-call costs: not timed
        _run_case(case, backend, 2 * CHUNK if backend == "dask" else 20_000, warmup=False)
    info = {}
    if backend == "numpy":
        A = _gen([SEED, 10**6], n)
    else:
        A = _dask_matrix(n)  # the same public functions dispatch on the dask array

    def finish(x):
        return x.compute() if hasattr(x, "compute") else x

    # a warm-up run on the real input, then the median of 5 (once when a run takes > 20 s)
    t0 = time.perf_counter()
    out = _compute(case, A, lev, lew, finish, info)
    times = [time.perf_counter() - t0]
    if warmup and times[0] <= _SLOW:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            out = _compute(case, A, lev, lew, finish, info)
            times.append(time.perf_counter() - t0)
    elapsed = sorted(times)[len(times) // 2]
    info.update(
        repeats=len(times),
        threads=thread_report() if warmup else "",
        seconds=elapsed,
        rows=n,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        total=float(np.sum(out)),
    )
    return info


def _compute(case, A, lev, lew, finish, info):
    if case == "generate":
        out = A.sum(axis=1).compute()
    elif case == "leverage":
        out = finish(lev(A))
    elif case == "leverage_sketch":
        out = finish(lev(A, method="sketch", rng=1))
    elif case == "lewis_sketch":
        res = lew(A, p=1, method="sketch", rng=1)
        out = finish(res.weights)
        info["n_iter"] = res.n_iter
    elif case == "lewis":
        res = lew(A, p=1)
        out = finish(res.weights)
        info.update(n_iter=res.n_iter, residual=res.residual)
    else:
        raise ValueError(case)
    return out


def _child(case, backend, n, *, threads=1):
    env = {**os.environ}
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_scaleout",
        "--child",
        case,
        backend,
        str(n),
        str(threads),
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    if res.returncode:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv):
    from benchmarks._harness import machine_info, quick_mode

    quick = quick_mode() or "--quick" in argv
    N = 500_000 if quick else 20_000_000  # two chunks of CHUNK rows
    n = N // 10
    cases = ["leverage", "leverage_sketch", "lewis_sketch"] + (["lewis"] if "exact" in argv else [])
    if quick:  # a smoke test of the whole pipeline: one case (three processes instead of seven)
        cases = ["lewis_sketch"]
    gen = _child("generate", "dask", N)
    rows, checks, reports = [], [], []
    for case in cases:
        # the numpy baseline: the faster of every pool pinned to 2 threads and to 1 thread
        # (quick mode, a smoke test: one thread only)
        a = min(
            (_child(case, "numpy", n, threads=t) for t in ((1,) if quick else (2, 1))),
            key=lambda r: r["seconds"],
        )
        b = _child(case, "dask", N, threads=1)
        reports.append(
            f"- {case}: numpy ({a['repeats']} timed runs) {a['threads']}; "
            f"dask ({b['repeats']} timed runs) {b['threads']}"
        )
        tp_np, tp_da = a["rows"] / a["seconds"], b["rows"] / b["seconds"]
        passes = PASSES[case] or (1 + b["n_iter"])
        share = min(1.0, passes * gen["seconds"] / b["seconds"])
        rows.append(
            f"| {case} | {a['seconds']:.2f} s | {b['seconds']:.2f} s | {passes} | "
            f"{tp_np / 1e6:.2f} M/s | {tp_da / 1e6:.2f} M/s | **{tp_da / tp_np:.2f}** | "
            f"{share:.0%} | {a['peak_rss_mb']:.0f} MB | **{b['peak_rss_mb']:.0f} MB** |"
        )
        checks.append((case, b["peak_rss_mb"], tp_da / tp_np))
        if "n_iter" in b:
            assert a["n_iter"] == b["n_iter"], (case, a, b)
    out = [
        f"### lp on dask.array: {N:.0e} x {D} (dask, {N * D * 8 / 1e9:.1f} GB, chunks of "
        f"{CHUNK} rows generated per task) vs {n:.0e} x {D} in memory (numpy)\n",
        "| case | numpy time | dask time | dask passes | numpy rows/s | dask rows/s | "
        "throughput ratio | generation share of dask time (approx.) | numpy peak RSS | dask peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        f"\nOne generation-only pass over the dask array: {gen['seconds']:.2f} s "
        f"(peak RSS {gen['peak_rss_mb']:.0f} MB).\n",
        "### done-when checks\n",
        "| criterion | measured | target |",
        "|---|---|---|",
    ]
    for case, rss, ratio in checks:
        out.append(f"| {case}: dask peak RSS | {rss:.0f} MB | <= 1536 MB |")
        out.append(f"| {case}: dask / numpy throughput per row | {ratio:.2f} | >= 0.5 |")
    out.append("\nThread settings in each measuring subprocess (thread_report()):\n")
    out.extend(reports)
    out.append(f"\nMachine: {machine_info()}")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(
            json.dumps(
                _run_case(sys.argv[2], sys.argv[3], int(sys.argv[4]), threads=int(sys.argv[5]))
            )
        )
    else:
        main(sys.argv[1:])
