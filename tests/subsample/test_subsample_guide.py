"""The code blocks of docs/guide/subsample.md and docs/guide/sampling.md run as written (issue 18)."""

import pathlib
import re

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "guide"


def _blocks(name):
    text = (DOCS / name).read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_sampling_guide_blocks_run():
    blocks = _blocks("sampling.md")
    assert blocks
    for code in blocks:
        exec(compile(code, "docs/guide/sampling.md", "exec"), {})


@pytest.mark.slow  # the recipe starts DataLoader workers for 20 rounds
def test_subsample_guide_blocks_run():
    pytest.importorskip("torch")
    blocks = _blocks("subsample.md")
    assert len(blocks) >= 4
    for code in blocks:
        exec(compile(code, "docs/guide/subsample.md", "exec"), {})
