"""The README's tour runs as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_tour_runs(capsys):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 2, "README lost its tour"
    namespace = {}
    for block in blocks:  # the blocks build on each other, as a reader runs them
        exec(compile(block, str(README), "exec"), namespace)
    out = capsys.readouterr().out.splitlines()
    assert "100000" in out
    # the printed line of the second block matches the output shown under it
    expected = re.search(r"# (True .*)\n```", text).group(1)
    assert out[-1].split() == expected.split()
