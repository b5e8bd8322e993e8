import subprocess
import sys

import pytest

from samplingstats.__main__ import main
from samplingstats._demo import SECTIONS, available_sections, run_demo


def test_info_lists_versions_threads_and_torch(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("samplingstats ")
    assert "numpy " in out and "scipy " in out
    assert "threads" in out or "numba not installed" in out
    assert "torch" in out


def test_demo_runs_every_available_section(capsys):
    names = [n for n, _ in available_sections()]
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert f"{len(names)} demo section(s) run." in out
    for name, mod in available_sections():
        assert f"[{name}," in out and mod.TITLE in out


def test_demo_sections_follow_the_registry_contract():
    for name, mod in available_sections():
        assert name in SECTIONS
        assert isinstance(mod.TITLE, str) and mod.TITLE
        assert callable(mod.run)


def test_demo_unknown_section_is_an_error():
    with pytest.raises(SystemExit, match="unknown demo section"):
        run_demo(["no-such-section"], out=lambda s: None)


def test_bench_unknown_name(capsys):
    assert main(["bench", "no_such_benchmark"]) == 2
    assert "no benchmark matches" in capsys.readouterr().err


def test_module_entry_point_runs_as_script():
    res = subprocess.run(
        [sys.executable, "-m", "samplingstats", "--help"], capture_output=True, text=True
    )
    assert res.returncode == 0 and "demo" in res.stdout and "bench" in res.stdout
