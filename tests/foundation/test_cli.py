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


def test_version_flag():
    res = subprocess.run(
        [sys.executable, "-m", "samplingstats", "--version"], capture_output=True, text=True
    )
    import samplingstats

    assert (
        res.returncode == 0 and res.stdout.strip() == f"samplingstats {samplingstats.__version__}"
    )


def test_help_has_no_raw_rst_and_demo_help_lists_sections():
    res = subprocess.run(
        [sys.executable, "-m", "samplingstats", "demo", "--help"], capture_output=True, text=True
    )
    assert res.returncode == 0
    for name in SECTIONS:
        assert f"  {name} " in res.stdout
    top = subprocess.run(
        [sys.executable, "-m", "samplingstats", "--help"], capture_output=True, text=True
    ).stdout
    assert "``" not in top and ":func:" not in top and "``" not in res.stdout


def test_info_lists_every_optional_package(capsys):
    from samplingstats._optional import OPTIONAL_PACKAGES

    assert main(["info"]) == 0
    out = capsys.readouterr().out.split("optional packages:", 1)[1]
    for dist, extra in OPTIONAL_PACKAGES.values():
        line = next((ln for ln in out.splitlines() if ln.strip().startswith(dist + " ")), None)
        assert line is not None, f"{dist} missing from info"
        assert f"[{extra}]" in line


def test_console_script_is_declared():
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

    meta = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert meta["project"]["scripts"]["samplingstats"] == "samplingstats.__main__:main"
    extras = meta["project"]["optional-dependencies"]
    for extra in ("graph", "plot", "progress", "pandas", "torch", "dask", "all"):
        assert extra in extras


# Blocks the optional packages at import, as in a venv with `pip install samplingstats` only.
_BLOCK = """
import sys, importlib.abc
BLOCKED = {"torch", "dask", "distributed", "networkx", "matplotlib", "tqdm", "pandas"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
"""


def _run_bare(code, timeout=900):
    return subprocess.run(
        [sys.executable, "-c", _BLOCK + code], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
def test_demo_runs_without_any_optional_package():
    """`python -m samplingstats demo` with only the core dependencies: sections needing an extra are
    skipped with the extra's name, the rest run (the real bare venv runs in `make test-min`)."""
    res = _run_bare("import sys; from samplingstats.__main__ import main; sys.exit(main(['demo']))")
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    # walks needs networkx for its graph: skipped, naming the extra; subsample runs its
    # framework-free part and names the torch extra for the rest
    assert "[walks] skipped: needs 'networkx'" in out and "samplingstats[graph]" in out
    assert "samplingstats[torch]" in out
    assert "6 demo section(s) run." in out
    for name in ("sampling", "dpp", "lp", "importance", "cluster", "subsample"):
        assert f"[{name}," in out, f"section {name} did not run:\n{out[-2000:]}"


@pytest.mark.parametrize(
    "code,package,extra",
    [
        (
            "from samplingstats.subsample import RS2Sampler; RS2Sampler(10, 0.5, rng=0)",
            "torch",
            "torch",
        ),
        (
            "import numpy as np; from samplingstats.importance import plot_history;"
            "plot_history(None)",
            "matplotlib",
            "plot",
        ),
        (
            "import numpy as np; from samplingstats import Result;"
            "import dataclasses;"
            "R = dataclasses.make_dataclass('R', [('x', float)], bases=(Result,), repr=False);"
            "R(1.0).to_frame()",
            "pandas",
            "pandas",
        ),
    ],
)
def test_missing_extra_names_the_pip_command(code, package, extra):
    res = _run_bare(code, timeout=300)
    assert res.returncode != 0
    assert "MissingOptionalDependency" in res.stderr or "ImportError" in res.stderr
    assert f"optional package '{package}'" in res.stderr
    assert f'pip install "samplingstats[{extra}]"' in res.stderr
