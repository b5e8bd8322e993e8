"""The sampling demo section runs and reports what it claims."""

import numpy as np

from samplingstats.sampling import _demo


def test_demo_runs():
    text = _demo.run(np.random.default_rng(0))
    assert isinstance(_demo.TITLE, str) and _demo.TITLE
    assert "disjoint cover: True" in text
    assert "Poisson sample size: mean" in text
    # The zero-weight unit (i = 4) is never drawn: its row shows zeros in every column.
    row4 = [line for line in text.splitlines() if line.startswith("| 4 ")][0]
    assert [c.strip() for c in row4.strip("|").split("|")][1:] == ["0"] * 7
