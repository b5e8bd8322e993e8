"""Minimal benchmark harness: time ours and the peers on the same data in the same process.

Each timed callable gets ``warmup`` untimed calls (numba compilation, caches), then ``repeats``
timed calls; the table reports the median and the ratio peer_median / our_median (> 1 means we are
faster). Quality metrics (errors, objective gaps) can be attached to rows as extra columns.

Usage::

    from benchmarks._harness import Comparison, machine_info, render

    comp = Comparison("alias draws, 1e7 over 1e5 categories")
    comp.add("samplingstats AliasTable.sample", lambda: table.sample(10**7, rng=rng), ours=True)
    comp.add("numpy Generator.choice(p=...)", lambda: rng.choice(n, size=10**7, p=p))
    print(render([comp]))
"""

from __future__ import annotations

import dataclasses
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

__all__ = [
    "time_call",
    "Timing",
    "Comparison",
    "render",
    "machine_info",
    "quick_mode",
    "pin_threads",
    "thread_report",
    "add_with_cpu",
    "cpu_ratios",
    "cpu_ratio",
    "fmt_seconds",
]


def pin_threads(n: int):
    """Pin every thread pool to ``n`` threads: BLAS and OpenMP (threadpoolctl), numba, torch.

    Call it **after every library of the benchmark (ours and the peers) is imported**: threadpoolctl
    only sees the pools of libraries already loaded, so a pool loaded later (scikit-learn's OpenMP,
    scipy's OpenBLAS) would keep its default and oversubscribe the cores. Returns the threadpoolctl
    controller (keep a reference; the limit holds for the process). Both sides of a comparison run
    under the same setting.
    """
    import sys

    # numba is a core dependency whose kernels load it lazily: import it here so that its pool is
    # pinned even when no kernel has run yet
    import numba
    from threadpoolctl import threadpool_limits

    numba.set_num_threads(min(int(n), numba.config.NUMBA_NUM_THREADS))
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(int(n))
    # last: numba's and torch's setters may load an OpenMP runtime of their own
    return threadpool_limits(limits=int(n))


def thread_report() -> str:
    """The thread settings in force (threadpool_info summary, numba, torch) and the load average."""
    import sys

    from threadpoolctl import threadpool_info

    pools = [
        f"{p.get('internal_api')}({p.get('num_threads')})"
        + (f"[{os.path.basename(p.get('filepath', ''))}]" if p.get("filepath") else "")
        for p in threadpool_info()
    ]
    parts = ["threadpools: " + (", ".join(pools) or "none loaded")]
    if "numba" in sys.modules:
        import numba

        parts.append(
            f"numba {numba.get_num_threads()} threads ({numba.threading_layer() if _numba_ran() else 'layer not started'})"
        )
    if "torch" in sys.modules:
        import torch

        parts.append(f"torch {torch.get_num_threads()} threads")
    try:
        load = os.getloadavg()
        parts.append(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    except OSError:
        pass
    return "; ".join(parts)


def _numba_ran() -> bool:
    try:
        import numba

        numba.threading_layer()
    except ValueError:
        return False
    return True


def quick_mode() -> bool:
    """True when SAMPLINGSTATS_BENCH_QUICK=1 (smaller sizes, used by the test that runs benchmarks)."""
    return os.environ.get("SAMPLINGSTATS_BENCH_QUICK", "0") not in ("", "0")


@dataclasses.dataclass
class Timing:
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


def time_call(fn: Callable[[], object], *, repeats: int = 5, warmup: int = 1) -> Timing:
    """Time ``fn()`` ``repeats`` times after ``warmup`` untimed calls (garbage collector off)."""
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    for _ in range(warmup):
        fn()
    times = []
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    finally:
        if gc_was_enabled:
            gc.enable()
    return Timing(times)


@dataclasses.dataclass
class _Row:
    name: str
    timing: Timing
    ours: bool
    extra: dict


class Comparison:
    """One benchmark case: several implementations timed on the same data."""

    def __init__(self, title: str, *, repeats: int = 5, warmup: int = 1):
        self.title, self.repeats, self.warmup = title, repeats, warmup
        self.rows: list[_Row] = []

    def add(self, name: str, fn: Callable[[], object], *, ours: bool = False, **extra):
        """Time ``fn`` now and record it; ``extra`` are quality columns (e.g. ``error=1e-3``)."""
        timing = time_call(fn, repeats=self.repeats, warmup=self.warmup)
        self.rows.append(_Row(name, timing, ours, extra))
        return timing

    def ours(self) -> _Row:
        for r in self.rows:
            if r.ours:
                return r
        raise ValueError(f"comparison {self.title!r} has no row marked ours=True")

    def ratio(self, name: str) -> float:
        """peer median / our median for the row ``name``."""
        row = next(r for r in self.rows if r.name == name)
        return row.timing.median / self.ours().timing.median


def _fmt_time(t: float) -> str:
    if t < 1e-3:
        return f"{t * 1e6:.1f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def render(comparisons: list[Comparison]) -> str:
    """Markdown tables, one per comparison, with median time and peer/ours ratio."""
    out = []
    for comp in comparisons:
        extras = []
        for r in comp.rows:
            for k in r.extra:
                if k not in extras:
                    extras.append(k)
        ours = comp.ours().timing.median
        head = ["implementation", "median", "ratio vs ours", *extras]
        out.append(f"### {comp.title}\n")
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "|".join(["---"] * len(head)) + "|")
        for r in comp.rows:
            ratio = r.timing.median / ours
            name = f"**{r.name}**" if r.ours else r.name
            cells = [name, _fmt_time(r.timing.median), f"{ratio:.2f}x"]
            cells += [_fmt(r.extra.get(k, "")) for k in extras]
            out.append("| " + " | ".join(cells) + " |")
        out.append(
            f"\n({comp.repeats} timed repeats after {comp.warmup} warm-up; "
            "ratio = that row's median / ours, > 1 means ours is faster)\n"
        )
    return "\n".join(out)


def machine_info() -> str:
    """One line describing the machine and library versions."""
    import numpy as np

    parts = [
        platform.processor() or platform.machine(),
        f"{os.cpu_count()} cores",
        f"Python {platform.python_version()}",
        f"numpy {np.__version__}",
    ]
    try:
        import numba

        parts.append(f"numba {numba.__version__} ({numba.get_num_threads()} threads)")
    except ImportError:
        pass
    # torch's version without importing it (the import costs seconds) unless it is loaded already
    torch_mod = sys.modules.get("torch")
    if torch_mod is not None:
        parts.append(f"torch {torch_mod.__version__}")
    else:
        try:
            from importlib.metadata import PackageNotFoundError, version

            parts.append(f"torch {version('torch')} (not imported)")
        except PackageNotFoundError:
            pass
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    parts.insert(0, line.split(":", 1)[1].strip())
                    break
    except OSError:
        pass
    return ", ".join(parts)


def add_with_cpu(comp, name, fn, **kw):
    """``comp.add`` that also records the process CPU time of every call (column ``cpu``).

    On a shared machine a long call is preempted more than a short one, which biases wall-clock
    ratios towards the faster row; every thread pool is pinned, so CPU time is the work done.
    """
    import time as _time

    cpu = []

    def run():
        c0 = _time.process_time()
        out = fn()
        cpu.append(_time.process_time() - c0)
        return out

    comp.add(name, run, **kw)
    comp.rows[-1].extra["cpu"] = statistics.median(cpu[comp.warmup :])
    return comp.rows[-1]


def fmt_seconds(t: float) -> str:
    return f"{t * 1e3:.2f} ms" if t < 1 else f"{t:.2f} s"


def cpu_ratios(comp):
    """Add ``cpu ratio vs ours`` (CPU-time median of the row / ours) and format the CPU column."""
    ours = comp.ours().extra["cpu"]
    for r in comp.rows:
        c = r.extra["cpu"]
        r.extra["cpu ratio vs ours"] = f"{c / ours:.2f}x" if ours > 0 else "-"
        r.extra["cpu"] = fmt_seconds(c)
    return comp


def cpu_ratio(comp, name) -> float:
    """The CPU-time ratio of the row ``name`` against ours (after :func:`cpu_ratios`)."""
    row = next(r for r in comp.rows if r.name == name)
    return float(row.extra["cpu ratio vs ours"].rstrip("x"))
