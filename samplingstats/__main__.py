"""Command line: ``python -m samplingstats demo|info|bench`` (also installed as ``samplingstats``)."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import platform
import subprocess
import sys
from pathlib import Path

from ._optional import OPTIONAL_PACKAGES

DESCRIPTION = """samplingstats: statistical sampling and estimation.

Commands:
  demo   run the demo sections on built-in data (each prints its name when it starts)
  info   versions, numba threads, torch/GPU, and every optional package (or "missing")
  bench  run benchmarks/bench_*.py from a source checkout (our method vs the named peer)
"""


def _info() -> str:
    import numpy as np

    from . import __version__
    from ._backend import torch_available
    from ._kernels._jit import get_num_threads, jit_disabled, numba_available

    lines = [
        f"samplingstats {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"numpy {np.__version__}",
    ]
    for name in ("scipy", "sklearn", "cvxpy", "array_api_compat"):
        try:
            mod = importlib.import_module(name)
            lines.append(f"{name} {getattr(mod, '__version__', '?')}")
        except ImportError:
            lines.append(f"{name} not installed")
    if numba_available():
        import numba

        lines.append(
            f"numba {numba.__version__}: {get_num_threads()} threads, "
            f"JIT {'disabled' if jit_disabled() else 'enabled'}, "
            f"cache dir {os.environ.get('NUMBA_CACHE_DIR') or '(numba default)'}"
        )
    else:
        lines.append("numba not installed (kernels run as plain Python)")
    if torch_available():
        import torch

        gpu = (
            f"CUDA available: {torch.cuda.get_device_name(0)}"
            if torch.cuda.is_available()
            else "no CUDA device"
        )
        lines.append(f"torch {torch.__version__}: {gpu}")
    else:
        lines.append('torch missing (pip install "samplingstats[torch]")')
    lines.append("optional packages:")
    for modname, (dist, extra) in OPTIONAL_PACKAGES.items():
        lines.append(f"  {dist:<12} {_dist_version(dist, modname):<14} extra [{extra}]")
    return "\n".join(lines)


def _dist_version(dist: str, module: str) -> str:
    """Installed version of ``dist`` (from its metadata, without importing it), else "missing"."""
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "installed" if importlib.util.find_spec(module) is not None else "missing"


def _bench(names, extra) -> int:
    root = Path(__file__).resolve().parent.parent / "benchmarks"
    if not root.is_dir():
        print(
            "benchmarks/ not found: run `make bench` from a source checkout of samplingstats.",
            file=sys.stderr,
        )
        return 2
    scripts = sorted(root.glob("bench_*.py"))
    if names:
        wanted = {f"bench_{n}.py" if not n.startswith("bench_") else n for n in names}
        wanted = {w if w.endswith(".py") else w + ".py" for w in wanted}
        scripts = [s for s in scripts if s.name in wanted]
        if not scripts:
            print(f"no benchmark matches {names}", file=sys.stderr)
            return 2
    rc = 0
    for script in scripts:
        print(f"\n## {script.stem} (started)\n", flush=True)
        mod = f"benchmarks.{script.stem}"
        res = subprocess.run([sys.executable, "-m", mod, *extra], cwd=root.parent)
        rc = rc or res.returncode
    return rc


def main(argv=None) -> int:
    from . import __version__
    from ._demo import section_summaries

    parser = argparse.ArgumentParser(
        prog="samplingstats",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"samplingstats {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{demo,info,bench}")
    p_demo = sub.add_parser(
        "demo",
        help="run the demo sections on built-in data",
        description="Run the demo sections (all by default). A section that needs a missing "
        "optional package is skipped with the extra to install.",
        epilog="sections:\n" + section_summaries(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p_demo.add_argument("sections", nargs="*", help="sections to run (default: all)")
    p_demo.add_argument("--seed", type=int, default=0, help="seed of the demo (default 0)")
    sub.add_parser("info", help="versions, numba threads, torch/GPU and the optional packages")
    p_bench = sub.add_parser("bench", help="run benchmarks/bench_*.py (from a source checkout)")
    p_bench.add_argument("names", nargs="*", help="benchmarks to run, e.g. sampling dpp")
    p_bench.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    args = parser.parse_args(argv)

    if args.command == "info":
        print(_info())
        return 0
    if args.command == "demo":
        from ._demo import run_demo

        print(_info().splitlines()[0])
        n = run_demo(args.sections, seed=args.seed)
        print(f"\n{n} demo section(s) run.")
        return 0
    if args.quick:
        os.environ["SAMPLINGSTATS_BENCH_QUICK"] = "1"
    return _bench(args.names, [])


if __name__ == "__main__":
    sys.exit(main())
