"""Every script in examples/ runs (matplotlib Agg) and saves its figure; none imports a private module.

The same scripts are executed by sphinx-gallery at every docs build (docs/conf.py, with
``abort_on_example_error``); run plainly, a script shows its figure, and with
SAMPLINGSTATS_EXAMPLE_OUT set it saves it there instead.

CI runs the docs build right after the test suite, so it sets SAMPLINGSTATS_EXAMPLES_RUN_BY_DOCS=1
for the suite and each example is executed once (by the docs stage), not twice; ``make test`` on its
own runs them here.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))


@pytest.mark.skipif(not EXAMPLES, reason="no examples yet")
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    if os.environ.get("SAMPLINGSTATS_EXAMPLES_RUN_BY_DOCS") == "1":
        pytest.skip("executed by the docs stage that follows (sphinx-gallery, aborts on an error)")
    # an example that needs an optional package runs where it is installed (the main CI stage)
    for pkg in ("torch", "networkx", "matplotlib", "dask"):
        needs = re.search(rf"^\s*(import|from) {pkg}\b", script.read_text(), re.M)
        if needs and importlib.util.find_spec(pkg) is None:
            pytest.skip(f"{script.name} needs {pkg}")
    env = {**os.environ, "MPLBACKEND": "Agg", "SAMPLINGSTATS_EXAMPLE_OUT": str(tmp_path)}
    res = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=540,  # the DDP example starts 4 processes; slow on a loaded 2-core machine
    )
    assert res.returncode == 0, res.stderr[-3000:]
    if re.search(r"^import matplotlib", script.read_text(), re.M):
        assert list(tmp_path.glob("*.png")), f"{script.name} saved no figure"


PRIVATE = re.compile(r"^\s*(?:from|import)\s+samplingstats(?:\.\w+)*\._\w+", re.M)


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_uses_public_api_only(script):
    assert not PRIVATE.findall(script.read_text())


def test_private_import_pattern_can_fail():
    assert PRIVATE.findall("from samplingstats.dpp._demo import stability_table\n")
    assert PRIVATE.findall("import samplingstats._rng\n")
    assert not PRIVATE.findall("from samplingstats.dpp import sample_design\n")
