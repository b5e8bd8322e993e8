"""Every benchmark script runs in quick mode and exits 0 (issue 15).

`python -m benchmarks.bench_<module> --quick` must run a small case of each comparison (not
nothing) and print its tables with the thread settings. A script whose peer (from the `bench` extra,
not part of the test set-up) is not installed is skipped here; `make bench` installs the extra.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# bench_lp and bench_scaleout have their own quick-mode tests with more checks
# (tests/lp/test_lp_benchmarks_quick.py)
OWN_TESTS = {"bench_lp", "bench_scaleout"}
ALL_SCRIPTS = sorted(p.stem for p in (ROOT / "benchmarks").glob("bench_*.py"))
SCRIPTS = [s for s in ALL_SCRIPTS if s not in OWN_TESTS]
# peers imported at the top of a script's run (the other scripts' peers are core or test packages)
PEERS = {"bench_dpp": "dppy", "bench_importance": "SALib"}


def test_there_are_benchmarks():
    assert len(ALL_SCRIPTS) >= 8
    assert (ROOT / "tests" / "lp" / "test_lp_benchmarks_quick.py").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", SCRIPTS)
def test_benchmark_quick_mode_runs(name, tmp_path):
    peer = PEERS.get(name)
    if peer and importlib.util.find_spec(peer) is None:
        pytest.skip(f"{name} needs its peer {peer} (pip install -e '.[bench]')")
    env = dict(os.environ, SAMPLINGSTATS_BENCH_QUICK="1", MPLBACKEND="Agg")
    res = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, (
        f"{name} --quick failed:\n{res.stdout[-2000:]}\n{res.stderr[-3000:]}"
    )
    out = res.stdout
    assert "|" in out, f"{name} --quick printed no table:\n{out[-2000:]}"
    assert "threadpools:" in out or "threads" in out, f"{name} prints no thread settings"
