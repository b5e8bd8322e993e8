"""Print ``name==lowest`` pins for the core dependencies declared in pyproject.toml.

Used by ``make test-min``: the lowest declared versions must really work, so CI installs exactly
them (as pip constraints, so every other package resolves against them) and runs the fast tests.
"""

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None


def _dependencies(text: str) -> list[str]:
    if tomllib is not None:
        return tomllib.loads(text)["project"]["dependencies"]
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    return re.findall(r'"([^"]+)"', block)


def main() -> int:
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    for dep in _dependencies(text):
        m = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+?)\s*>=\s*([0-9][^,;\s]*)", dep.strip())
        if not m:
            print(f"cannot read a lower bound from {dep!r}", file=sys.stderr)
            return 1
        name = re.sub(r"\[.*\]", "", m.group(1))
        print(f"{name}=={m.group(2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
