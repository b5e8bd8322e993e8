import re
import time

import pytest

from benchmarks._harness import Comparison, machine_info, render, time_call


def test_time_call_counts_warmup_and_repeats():
    calls = []
    t = time_call(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6 and len(t.times) == 4
    assert t.best <= t.median
    with pytest.raises(ValueError):
        time_call(lambda: None, repeats=0)


def test_comparison_ratio_and_render():
    comp = Comparison("sleepers", repeats=3, warmup=0)
    comp.add("fast", lambda: time.sleep(0.002), ours=True, error=0.5)
    comp.add("slow", lambda: time.sleep(0.02))
    # a 10x longer sleep must show as a clearly > 1 ratio (sleep never returns early)
    assert comp.ratio("slow") > 3
    table = render([comp])
    assert "### sleepers" in table and "**fast**" in table
    assert re.search(r"\| slow \| [\d.]+ ms \| [\d.]+x \|", table)
    assert "| error |" in table.splitlines()[2]


def test_comparison_needs_ours():
    comp = Comparison("x", repeats=1, warmup=0)
    comp.add("peer", lambda: None)
    with pytest.raises(ValueError, match="no row marked ours"):
        comp.ours()


def test_machine_info_mentions_cores():
    assert "cores" in machine_info()
