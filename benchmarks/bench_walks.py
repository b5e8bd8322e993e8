"""Benchmark samplingstats.walks against littleballoffur (networkx and networkit backends) and a
plain numpy loop: steps per second on BA(1e5, 5), all in the same run.

    python -m benchmarks.bench_walks            # full sizes
    python -m benchmarks.bench_walks --scaling  # only the thread-scaling table
    python -m benchmarks.bench_walks --quick    # small sizes (or SAMPLINGSTATS_BENCH_QUICK=1)
    python -m benchmarks.bench_walks --help

littleballoffur 2.3.1 needs numpy<2 and pandas<2, so it runs in its own virtual environment,
benchmarks/.venv-lbof, which this script creates on first use (full mode; quick mode only uses it
when it exists) (``pip install "numpy<2" "pandas<2"
littleballoffur==2.3.1 networkit``) and calls as a subprocess on the same graph (edge list passed
as a .npy file). The main environment's pins are never touched. If the environment cannot be
built, the reason is printed and the other rows are still measured.

Rows: single walker SRW / MHRW (uniform target) / NBRW; the SRRW (MHRW base, alpha = 5; SRW base)
against our own base chains; 1024 walkers (numba blocks over the machine's threads; torch on CPU)
against the peers' single-walker rate (they have no multi-walker sampler, so their aggregate rate
is their single-walker rate).

Every library is imported first, then every thread pool is pinned (``pin_threads``) and the
settings printed (``thread_report``). Each job runs once per round, 5 rounds after a warm-up
round (1 in quick mode, a smoke test), all implementations interleaved; rates and ratios use each job's
**median** round. A second table measures the thread scaling of the ``parallel=True`` kernels
(many walkers, numba on 1 and on 2 threads, interleaved rounds): wall-clock speed-up and the
CPU time per step (a load-independent check that the second thread does useful work).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks._harness import machine_info, pin_threads, quick_mode, thread_report

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-lbof"
PEER_REQUIREMENTS = ["numpy<2", "pandas<2", "littleballoffur==2.3.1", "networkit"]


# ---------------------------------------------------------------------------------------------
# plain numpy loop (pre-drawn uniforms, one Python iteration per step)
# ---------------------------------------------------------------------------------------------
def numpy_loop(indptr, indices, n_steps, chain, rng):
    u = rng.random(n_steps)
    u2 = rng.random(n_steps)
    deg = np.diff(indptr)
    trace = np.empty(n_steps + 1, dtype=np.int64)
    i, prev = 0, -1
    trace[0] = i
    for t in range(n_steps):
        a = indptr[i]
        d = deg[i]
        if chain == "nbrw" and prev >= 0 and d > 1:
            j = indices[a + int(u[t] * (d - 1))]
            if j == prev:
                j = indices[a + d - 1]
        else:
            j = indices[a + int(u[t] * d)]
        if chain == "mhrw" and u2[t] * deg[j] >= d:  # accept with min(1, d_i / d_j)
            j = i
        prev, i = i, j
        trace[t + 1] = i
    return trace


# ---------------------------------------------------------------------------------------------
# littleballoffur in its own environment
# ---------------------------------------------------------------------------------------------
def ensure_peer_venv(create=True) -> tuple[Path | None, str]:
    """Return (python of .venv-lbof, "") or (None, reason); build the venv when ``create``."""
    py = VENV / "bin" / "python"
    check = [str(py), "-c", "import littleballoffur, networkit"]
    if py.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return py, ""
    if not create:
        return None, (
            f"{VENV.name} does not exist and quick mode does not build it (run the full "
            "benchmark once)"
        )
    try:
        if not py.exists():
            subprocess.run(
                [sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True
            )
        r = subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet", *PEER_REQUIREMENTS],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if r.returncode != 0:
            return None, "pip install failed: " + (r.stderr.strip().splitlines() or ["?"])[-1]
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"could not create {VENV}: {exc}"
    r = subprocess.run(check, capture_output=True, text=True)
    if r.returncode != 0:
        return None, "import failed: " + (r.stderr.strip().splitlines() or ["?"])[-1]
    return py, ""


class PeerServer:
    """littleballoffur timing server running in .venv-lbof (see _walks_lbof.py)."""

    def __init__(self, py, edges, n_nodes, tmp):
        path = os.path.join(tmp, "edges.npy")
        np.save(path, edges)
        self.proc = subprocess.Popen(
            [str(py), str(HERE / "_walks_lbof.py"), path, str(n_nodes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.versions = self._read()["versions"]

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(self.proc.stderr.read().strip()[-2000:])
        return json.loads(line)

    def time(self, chain, backend, steps):
        self.proc.stdin.write(f"{chain} {backend} {steps}\n")
        self.proc.stdin.flush()
        return self._read()["seconds"]

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        except OSError:
            pass
        self.proc.wait(timeout=60)


# ---------------------------------------------------------------------------------------------
def _thread_cpu_ns():
    """On-CPU nanoseconds of every thread of this process (``/proc/self/task/*/schedstat``)."""
    out = {}
    base = Path("/proc/self/task")
    try:
        tids = list(base.iterdir())
    except OSError:
        return out
    for t in tids:
        try:
            out[t.name] = int((t / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return out


def _critical_cpu(before, after):
    """The largest on-CPU time one thread spent between two :func:`_thread_cpu_ns` snapshots
    (seconds): with a dedicated core per thread the call could not be shorter."""
    d = [after[k] - before.get(k, 0) for k in after]
    return max(d) / 1e9 if d else float("nan")


class _KernelClock:
    """Wall, process-CPU and critical-path (largest per-thread CPU) time of each call of the
    SRRW parallel kernels (srrw_init, srrw_steps, srrw_finish), accumulated per name."""

    NAMES = ("srrw_init", "srrw_steps", "srrw_finish")
    SERIAL = {"srrw_init", "srrw_finish"}
    # srrw_kernel runs a group of one block (1 thread: groups of 32 walkers) with the serial twin
    # of srrw_steps; both count as srrw_steps
    WRAP = {"srrw_steps_serial": "srrw_steps"}

    def __init__(self):
        import samplingstats._kernels._walk as K

        self.K = K
        self.orig = {n: getattr(K, n) for n in (*self.NAMES, *self.WRAP)}
        self.acc = {}

    def __enter__(self):
        for n, f in self.orig.items():
            key = self.WRAP.get(n, n)

            def timed(*a, _f=f, _n=key, **k):
                t0, c0, th0 = time.perf_counter(), time.process_time(), _thread_cpu_ns()
                r = _f(*a, **k)
                w, c = time.perf_counter() - t0, time.process_time() - c0
                crit = _critical_cpu(th0, _thread_cpu_ns())
                acc = self.acc.setdefault(_n, [0.0, 0.0, 0.0])
                acc[0] += w
                acc[1] += c
                acc[2] += crit
                return r

            setattr(self.K, n, timed)
        return self

    def __exit__(self, *exc):
        for n, f in self.orig.items():
            setattr(self.K, n, f)
        return False


def scaling(g, random_walk, graph_average, repeats, quick, self_repellent_walk=None):
    """Wall-clock and CPU-time scaling of every ``parallel=True`` walk kernel, 1 vs 2 numba
    threads: ``walk_steps`` (each chain kind, trace and streaming), ``srrw_init``,
    ``srrw_steps`` and ``srrw_finish`` (timed inside one self-repellent walk), and
    ``graph_average`` end to end."""
    import numba

    # quick sizes stay at the parallel threshold (2**16 walker-steps per kernel call), below
    # which the kernels run serial
    W = 256 if quick else 1024
    steps = 256 if quick else 1000
    srrw_w, srrw_steps = 64, (1024 if quick else 20_000)
    deg = g.degree.astype(float)
    rng = np.random.default_rng(1)
    tgt = np.asarray(deg + 1.0)  # a non-uniform MHRW target: the inverse-CDF kernel (kind 1)
    cases = {
        f"walk_steps srw, {W} walkers x {steps}": (
            W * steps,
            lambda: random_walk(g, n_steps=steps, n_walkers=W, rng=rng),
        ),
        f"walk_steps mhrw, {W} walkers x {steps}": (
            W * steps,
            lambda: random_walk(g, n_steps=steps, chain="mhrw", n_walkers=W, rng=rng),
        ),
        f"walk_steps nbrw, {W} walkers x {steps}": (
            W * steps,
            lambda: random_walk(g, n_steps=steps, chain="nbrw", n_walkers=W, rng=rng),
        ),
        f"walk_steps mhrw inverse-CDF (degree target), {W} x {steps}": (
            W * steps,
            lambda: random_walk(g, n_steps=steps, chain="mhrw", target=tgt, n_walkers=W, rng=rng),
        ),
        f"walk_steps srw streaming (values, no trace), {W} x {steps}": (
            W * steps,
            lambda: random_walk(
                g, n_steps=steps, n_walkers=W, rng=rng, values=deg, record_trace=False
            ),
        ),  # fmt: skip
        f"graph_average (SRRW mhrw, alpha=5), {srrw_w} walkers x {srrw_steps}": (
            srrw_w * srrw_steps,
            lambda: graph_average(
                g,
                deg,
                n_steps=srrw_steps,
                alpha=5.0,
                chain="mhrw",
                n_walkers=srrw_w,
                burn_in=0,
                rng=rng,
            ),
        ),  # fmt: skip
    }
    srrw_case = f"self_repellent_walk (mhrw, alpha=5), {srrw_w} walkers x {srrw_steps}"
    if self_repellent_walk is not None:
        cases[srrw_case] = (
            srrw_w * srrw_steps,
            lambda: self_repellent_walk(
                g, n_steps=srrw_steps, alpha=5.0, chain="mhrw", n_walkers=srrw_w, rng=rng
            ),
        )
    old = numba.get_num_threads()
    two = min(2, numba.config.NUMBA_NUM_THREADS)
    keys = [(c, t) for c in cases for t in (1, two)]
    wall = {k: [] for k in keys}
    cpu = {k: [] for k in keys}
    crit = {k: [] for k in keys}
    kern = {}  # (kernel, threads) -> list of (wall, cpu, critical)
    try:
        for _n, fn in cases.values():  # warm-up
            for t in (1, two):
                numba.set_num_threads(t)
                fn()
        for _ in range(repeats):
            for c, (_n, fn) in cases.items():
                for t in (1, two):
                    numba.set_num_threads(t)
                    clock = _KernelClock() if c == srrw_case else None
                    th0 = _thread_cpu_ns()
                    w0, c0 = time.perf_counter(), time.process_time()
                    if clock is not None:
                        with clock:
                            fn()
                    else:
                        fn()
                    wall[(c, t)].append(time.perf_counter() - w0)
                    cpu[(c, t)].append(time.process_time() - c0)
                    crit[(c, t)].append(_critical_cpu(th0, _thread_cpu_ns()))
                    if clock is not None:
                        for name, v in clock.acc.items():
                            kern.setdefault((name, t), []).append(tuple(v))
    finally:
        numba.set_num_threads(old)
    med = statistics.median
    lines = [
        f"### Thread scaling of the parallel kernels (numba 1 vs {two} threads; medians of "
        f"{repeats} interleaved rounds)",
        "",
        f"| case | 1 thread | {two} threads | speed-up (wall, median of per-round ratios) | CPU "
        f"time, {two} vs 1 thread | speed-up on dedicated cores (1-thread CPU / largest "
        f"per-thread CPU) | >= 1.5x (wall) |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(name, w1, w2, c1, c2, k2):
        sp = med(a / b for a, b in zip(w1, w2))
        cr = med(c2) / med(c1)
        ded = med(a / b for a, b in zip(c1, k2) if b > 0) if any(b > 0 for b in k2) else None
        ded_s = "-" if ded is None else f"{ded:.2f}x"
        lines.append(
            f"| {name} | {med(w1) * 1e3:.1f} ms | {med(w2) * 1e3:.1f} ms | {sp:.2f}x | {cr:.2f} | "
            f"{ded_s} | {'yes' if sp >= 1.5 else 'NO'} |"
        )

    for c in cases:
        row(c, wall[(c, 1)], wall[(c, two)], cpu[(c, 1)], cpu[(c, two)], crit[(c, two)])
        if c == srrw_case:
            for name in _KernelClock.NAMES:
                a, b = kern.get((name, 1), []), kern.get((name, two), [])
                if a and b:
                    note = " (serial since session 5)" if name in _KernelClock.SERIAL else ""
                    row(
                        f"&nbsp;&nbsp;kernel {name}{note} (inside the row above)",
                        [x[0] for x in a], [x[0] for x in b], [x[1] for x in a],
                        [x[1] for x in b], [x[2] for x in b],
                    )  # fmt: skip
    lines += [
        "",
        "Every `parallel=True` kernel of the walks has a row: `walk_steps` (the random_walk rows, "
        "one per chain kind), `srrw_init`, `srrw_steps` and `srrw_finish` (timed inside the "
        "self_repellent_walk row). CPU time near 1.0 means the second thread adds no overhead. "
        "The dedicated-core column divides the 1-thread CPU time by the largest on-CPU time of "
        "one thread in the 2-thread run (Linux schedstat): the speed-up with a free core per "
        "thread, which a loaded machine cannot show in wall time (a thread waiting at the end of "
        "the parallel region spins, which makes it conservative).",
        "",
    ]
    return lines


def parse_args(argv=None):
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_walks",
        description="Random-walk steps per second against littleballoffur and a numpy loop on "
        "BA(1e5, 5), and the 1- vs 2-thread scaling of every parallel walk kernel (issue 15).",
    )
    ap.add_argument(
        "--scaling", action="store_true", help="print only the thread-scaling table (about 1 min)"
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test: tiny sizes (BA(2000, 3)), one round after the warm-up; the same as "
        "SAMPLINGSTATS_BENCH_QUICK=1",
    )
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import networkx as nx

    from samplingstats._kernels._walk import seed_states, walk_kernel
    from samplingstats.walks import WalkGraph, graph_average, random_walk, self_repellent_walk

    try:
        import torch  # noqa: F401  (imported before the threads are pinned)
    except ImportError:
        pass
    n_threads = int(os.environ.get("SAMPLINGSTATS_BENCH_THREADS", "2"))
    _limits = pin_threads(n_threads)  # noqa: F841  (keep the limit for the process)
    print(thread_report(), flush=True)
    if args.scaling:  # only the thread-scaling table
        quick = args.quick or quick_mode()
        n_nodes, m = (2_000, 3) if quick else (100_000, 5)
        g = WalkGraph(nx.barabasi_albert_graph(n_nodes, m, seed=0))
        lines = [f"Graph: BA({n_nodes}, {m})", ""]
        lines += scaling(
            g, random_walk, graph_average, 1 if quick else 5, quick, self_repellent_walk
        )
        lines.append(f"Threads: {thread_report()}")
        lines.append(f"Machine: {machine_info()}")
        print("\n".join(lines))
        return

    quick = args.quick or quick_mode()
    # quick mode is a smoke test (every table, tiny sizes, one round after the warm-up)
    n_nodes, m = (2_000, 3) if quick else (100_000, 5)
    n_single = 20_000 if quick else 2_000_000
    n_many_steps = 50 if quick else 2_000
    n_walkers = 1024
    steps_nx, steps_nk, steps_np = (2_000, 5_000, 5_000) if quick else (100_000, 300_000, 200_000)
    repeats = 1 if quick else 5

    G = nx.barabasi_albert_graph(n_nodes, m, seed=0)
    edges = np.array(G.edges(), dtype=np.int64)
    g = WalkGraph(G)
    rng = np.random.default_rng(0)
    ours = "samplingstats (numba)"

    # (case, implementation) -> (steps, callable returning elapsed seconds)
    def timed(fn):
        def run():
            t0 = time.perf_counter()
            fn()
            return time.perf_counter() - t0

        return run

    jobs = {}
    for chain in ("srw", "mhrw", "nbrw"):
        jobs[(f"{chain}, 1 walker", ours)] = (
            n_single,
            timed(lambda c=chain: random_walk(g, n_steps=n_single, chain=c, start=0, rng=rng)),
        )
        jobs[(f"{chain}, 1 walker", "plain numpy loop")] = (
            steps_np,
            timed(lambda c=chain: numpy_loop(g.indptr, g.indices, steps_np, c, rng)),
        )
    # informational: the general inverse-CDF MHRW kernel (what weighted graphs use), forced here
    ch_cdf = g.chain("mhrw")
    starts0 = np.zeros(1, dtype=np.int64)

    def mhrw_cdf():
        trace = np.empty((n_single + 1, 1), dtype=np.int64)  # step-major
        walk_kernel(
            g.indptr, g.indices, ch_cdf.cdf, 1, starts0, n_single, seed_states(rng, 1), 32, trace
        )

    jobs[("mhrw, 1 walker", "samplingstats (numba, inverse-CDF kernel)")] = (
        n_single,
        timed(mhrw_cdf),
    )
    for base, alpha in (("mhrw", 0.0), ("mhrw", 1.0), ("mhrw", 5.0), ("srw", 5.0)):
        jobs[(f"srrw ({base} base, alpha={alpha:g}), 1 walker", ours)] = (
            n_single,
            timed(
                lambda b=base, a=alpha: self_repellent_walk(
                    g, n_steps=n_single, alpha=a, chain=b, start=0, rng=rng
                )
            ),
        )
    for chain in ("srw", "mhrw", "nbrw"):
        jobs[(f"{chain}, {n_walkers} walkers", ours)] = (
            n_walkers * n_many_steps,
            timed(
                lambda c=chain: random_walk(
                    g, n_steps=n_many_steps, chain=c, n_walkers=n_walkers, rng=rng
                )
            ),
        )
    torch_steps = max(n_many_steps // 10, 20)
    try:
        import torch

        # one torch thread: its OpenMP pool would otherwise keep spinning into the next jobs
        torch.set_num_threads(1)

        jobs[(f"srw, {n_walkers} walkers", "samplingstats (torch CPU)")] = (
            n_walkers * torch_steps,
            timed(
                lambda: random_walk(
                    g, n_steps=torch_steps, n_walkers=n_walkers, backend="torch", rng=rng
                )
            ),
        )
    except ImportError:
        pass

    py, why = ensure_peer_venv(create=not quick)
    server, peer_note = None, ""
    tmp = tempfile.TemporaryDirectory()
    if py is None:
        peer_note = f"littleballoffur not measured: {why}"
    else:
        try:
            server = PeerServer(py, edges, n_nodes, tmp.name)
        except Exception as exc:  # noqa: BLE001 - report and continue
            peer_note = f"littleballoffur failed to start: {exc}"
    if server is not None:
        for chain in ("srw", "mhrw", "nbrw"):
            for backend, steps in (("networkx", steps_nx), ("networkit", steps_nk)):
                jobs[(f"{chain}, 1 walker", f"littleballoffur ({backend})")] = (
                    steps,
                    lambda c=chain, b=backend, n=steps: server.time(c, b, n),
                )

    # the SRRW jobs run right after our MHRW job in each round, so their per-round ratio compares
    # runs made seconds apart
    first = [("mhrw, 1 walker", ours)] + [k for k in jobs if k[0].startswith("srrw (mhrw")]
    jobs = {k: jobs[k] for k in first} | {k: v for k, v in jobs.items() if k not in first}
    # warm-up (numba compilation, caches), then `repeats` rounds in which every job runs once,
    # so all implementations see the same machine load; report each job's best round.
    for _steps, run in jobs.values():
        run()
    times = {key: [] for key in jobs}
    for _ in range(repeats):
        for key, (_steps, run) in jobs.items():
            times[key].append(run())
    if server is not None:
        server.close()
    tmp.cleanup()
    rows = [
        (c, i, jobs[(c, i)][0], min(times[(c, i)]), statistics.median(times[(c, i)]))
        for (c, i) in jobs
    ]
    # rates and ratios from each job's median round
    rates = {(c, i): s / med for c, i, s, _t, med in rows}

    def r_of(case, impl):
        return rates.get((case, impl))

    lines = [
        f"### Random walks on BA({n_nodes}, {m}) ({g.n_edges} edges): steps per second",
        "",
        "| case | implementation | steps | best time | median time | steps/s (median) |",
        "|---|---|---|---|---|---|",
    ]
    for c, i, s, t, med in sorted(rows, key=lambda r: (r[0], not r[1].startswith("sampl"))):
        name = f"**{i}**" if i.startswith("samplingstats") else i
        lines.append(
            f"| {c} | {name} | {s:,} | {t * 1e3:.1f} ms | {med * 1e3:.1f} ms | {s / med:,.0f} |"
        )
    lines += [
        "",
        "Targets (ratios of median steps/s, same run):",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]

    def target(desc, num, den, goal):
        label = desc if goal is None else f"{desc} >= {goal:g}x"
        if num is None or den is None:
            lines.append(f"| {label} | not measured | - |")
            return
        ratio = num / den
        met = "(no target)" if goal is None else ("yes" if ratio >= goal else "NO")
        lines.append(f"| {label} | {ratio:.2f}x | {met} |")

    for chain in ("srw", "mhrw", "nbrw"):
        case = f"{chain}, 1 walker"
        target(
            f"{chain} 1 walker vs littleballoffur-networkx",
            r_of(case, ours),
            r_of(case, "littleballoffur (networkx)"),
            15,
        )
        target(
            f"{chain} 1 walker vs littleballoffur-networkit",
            r_of(case, ours),
            r_of(case, "littleballoffur (networkit)"),
            3,
        )
        target(
            f"{chain} 1 walker vs plain numpy loop",
            r_of(case, ours),
            r_of(case, "plain numpy loop"),
            1,
        )

    def paired(key_num, key_den):
        # median over rounds of the ratio within one round (the two jobs ran close in time)
        tn, td = times.get(key_num), times.get(key_den)
        if not tn or not td:
            return None
        return statistics.median(
            (jobs[key_num][0] / a) / (jobs[key_den][0] / b) for a, b in zip(tn, td)
        )

    for alpha in (5.0, 1.0):
        key = (f"srrw (mhrw base, alpha={alpha:g}), 1 walker", ours)
        target(
            f"srrw (mhrw base, alpha={alpha:g}) vs our mhrw, 1 walker",
            r_of(*key),
            r_of("mhrw, 1 walker", ours),
            0.6,
        )
        pr = paired(key, ("mhrw, 1 walker", ours))
        if pr is not None:
            lines.append(
                f"| same, median of per-round ratios (alpha={alpha:g}) | {pr:.2f}x | "
                f"{'yes' if pr >= 0.6 else 'NO'} |"
            )
    target(
        "srrw (mhrw base, alpha=0: kernel overhead only) vs our mhrw, 1 walker",
        r_of("srrw (mhrw base, alpha=0), 1 walker", ours),
        r_of("mhrw, 1 walker", ours),
        None,
    )
    target(
        "srrw (mhrw base, alpha=5) vs our inverse-CDF mhrw kernel, 1 walker",
        r_of("srrw (mhrw base, alpha=5), 1 walker", ours),
        r_of("mhrw, 1 walker", "samplingstats (numba, inverse-CDF kernel)"),
        None,
    )
    target(
        "srrw (srw base, alpha=5) vs our srw, 1 walker",
        r_of("srrw (srw base, alpha=5), 1 walker", ours),
        r_of("srw, 1 walker", ours),
        None,
    )
    for chain in ("srw", "mhrw", "nbrw"):
        target(
            f"{chain} {n_walkers} walkers (aggregate) vs littleballoffur-networkx",
            r_of(f"{chain}, {n_walkers} walkers", ours),
            r_of(f"{chain}, 1 walker", "littleballoffur (networkx)"),
            50,
        )
    lines.append("")
    if server is not None:
        v = server.versions
        lines.append(
            f"Peer environment (benchmarks/.venv-lbof): littleballoffur {v['littleballoffur']}, "
            f"networkit {v['networkit']}, networkx {v['networkx']}, numpy {v['numpy']}."
        )
    if peer_note:
        lines.append(peer_note)
    lines.append(
        f"Each job ran once per round, {repeats} rounds after a warm-up round, ours and the peers "
        "interleaved; steps/s uses each job's median round."
    )
    lines.append("")
    lines += scaling(g, random_walk, graph_average, repeats, quick, self_repellent_walk)
    lines.append(f"Threads: {thread_report()}")
    lines.append(f"Machine: {machine_info()}")
    print("\n".join(lines))


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - t0:.0f} s)")
