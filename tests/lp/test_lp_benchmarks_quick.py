"""The lp benchmarks run in quick mode and exit 0 (issue 15), printing their thread settings."""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run(*args, timeout=600):
    env = {**os.environ, "SAMPLINGSTATS_BENCH_QUICK": "0"}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_bench_lp_quick_runs_every_default_case():
    res = _run("benchmarks.bench_lp", "--quick")
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    for title in ("### leverage scores", "### lp regression, p = 1.0", "### threads", "'auto'"):
        assert title in out, title
    assert out.count("threadpools:") >= 5  # thread_report() with every table
    assert "| same coef |" in out and "CPU / wall on 2 threads" in out


@pytest.mark.slow
def test_bench_scaleout_quick():
    pytest.importorskip("dask.array")
    res = _run("benchmarks.bench_scaleout", "--quick")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "throughput ratio" in res.stdout and "threadpools:" in res.stdout
