"""Every ```python block of README.md and docs/guide/*.md runs as written (issue 18).

Each page's blocks run in order in one namespace, as a reader pastes them into one session, in a
temporary working directory, with matplotlib's non-interactive backend. A block that needs an
optional package that is not installed (an ``import`` of it, or samplingstats'
MissingOptionalDependency) skips that block and the rest of the page, naming the package; any
other error fails the page and names the block's first line in the page.
"""

import importlib.util
import re
import warnings
from pathlib import Path

import pytest

import samplingstats

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs" / "guide").glob("*.md"))]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
IMPORT = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", re.M)
CORE = {"numpy", "scipy", "sklearn", "numba", "samplingstats", "threadpoolctl"}


def code_blocks(path):
    """(line number, code) of each ```python block of a page, in order."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in FENCE.finditer(text)]


def missing_packages(code):
    """Top-level packages imported by a block that are not installed (optional extras)."""
    names = set(IMPORT.findall(code)) - CORE
    if re.search(r"^\s*(?:import|from)\s+dask\.distributed\b", code, re.M):
        names.add("distributed")  # dask's cluster scheduler is a package of its own
    return sorted(n for n in names if importlib.util.find_spec(n) is None)


def test_pages_have_blocks():
    # the collector sees the blocks: a changed fence syntax would otherwise make this test vacuous
    counts = {p.name: len(code_blocks(p)) for p in PAGES}
    assert counts["README.md"] >= 2, counts
    assert sum(counts.values()) >= 15, counts


# slow: a few minutes in all; runs in `make test` (the main CI stage, every extra installed), not
# in the fast stages on the lowest / newest dependency versions
@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_code_blocks_run(page, tmp_path, monkeypatch):
    blocks = code_blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python block")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    plt = None
    if importlib.util.find_spec("matplotlib") is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    namespace = {"__name__": "__docs__"}
    rel = page.relative_to(ROOT).as_posix()
    try:
        for line, code in blocks:
            missing = missing_packages(code)
            if missing:
                pytest.skip(f"{rel}:{line} and later blocks need {', '.join(missing)}")
            try:
                with warnings.catch_warnings():
                    # the docs must not call a deprecated name (warnings raised at the call site)
                    for category in (DeprecationWarning, FutureWarning):
                        warnings.filterwarnings("error", category=category, module="__docs__")
                    exec(compile(code, f"{rel}:{line}", "exec"), namespace)
            except samplingstats.MissingOptionalDependency as exc:
                pytest.skip(f"{rel}:{line} and later blocks: {exc}")
            except Exception as exc:
                raise AssertionError(f"the block at {rel}:{line} failed: {exc!r}") from exc
    finally:
        if plt is not None:
            plt.close("all")


PUBLIC_MODULES = ["samplingstats"] + [
    f"samplingstats.{m}"
    for m in ("cluster", "dpp", "importance", "lp", "sampling", "subsample", "walks")
]


def test_api_pages_list_every_public_name():
    # every name of a public module's __all__ has an entry on the API pages (docs/api/*.rst)
    import importlib

    listed = set()
    for rst in (ROOT / "docs" / "api").glob("*.rst"):
        text = rst.read_text(encoding="utf-8")
        module = re.search(r"currentmodule:: (\S+)", text).group(1)
        listed.update(f"{module}.{name}" for name in re.findall(r"^   (\w+)$", text, re.M))
    missing = []
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            try:
                obj = getattr(module, attr)
            except ImportError:  # a lazy name whose optional package is missing: still listed
                obj = None
            if attr.startswith("__") or type(obj).__name__ == "module":
                continue
            if f"{name}.{attr}" not in listed:
                missing.append(f"{name}.{attr}")
    assert not missing, f"not on any docs/api page: {missing}"


def test_collector_fails_on_a_broken_block(tmp_path):
    # the test above can fail: a block using an undefined name raises in exec
    page = tmp_path / "page.md"
    page.write_text("text\n\n```python\nx = 1\n```\n\n```python\nprint(undefined_name)\n```\n")
    blocks = code_blocks(page)
    assert [line for line, _ in blocks] == [4, 8]
    namespace = {}
    exec(compile(blocks[0][1], "b0", "exec"), namespace)
    with pytest.raises(NameError):
        exec(compile(blocks[1][1], "b1", "exec"), namespace)
    assert missing_packages("import numpy\nimport not_a_package_xyz\n") == ["not_a_package_xyz"]
