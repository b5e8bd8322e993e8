"""Demo registry for ``python -m samplingstats demo``.

Each module contributes a section by defining ``samplingstats/<module>/_demo.py`` with

- ``TITLE``: a one-line title, and
- ``run(rng) -> str``: runs in a few seconds on built-in data and returns the text to print
  (usually a table from :func:`samplingstats._table.format_table`).

Sections are listed here in order; a module that does not exist yet is skipped.
"""

from __future__ import annotations

import importlib
import time

from ._rng import spawn

__all__ = ["SECTIONS", "available_sections", "run_demo"]

SECTIONS = ("sampling", "dpp", "lp", "importance", "walks", "cluster", "subsample")


def available_sections():
    """Yield ``(name, module)`` for each section whose ``_demo`` module exists."""
    for name in SECTIONS:
        modname = f"samplingstats.{name}._demo"
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name in (modname, f"samplingstats.{name}"):
                continue
            raise
        yield name, mod


def run_demo(names=None, *, seed=0, out=print) -> int:
    """Run the demo sections (all, or those in ``names``); return the number run."""
    sections = list(available_sections())
    known = [n for n, _ in sections]
    if names:
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SystemExit(f"unknown demo section(s) {unknown}; available: {known}")
        sections = [(n, m) for n, m in sections if n in names]
    rngs = spawn(seed, len(sections))
    for (name, mod), rng in zip(sections, rngs):
        t0 = time.perf_counter()
        text = mod.run(rng)
        dt = time.perf_counter() - t0
        out(f"\n== {mod.TITLE} [{name}, {dt:.2f} s] ==\n")
        out(text)
    return len(sections)
