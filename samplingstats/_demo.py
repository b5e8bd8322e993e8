"""Demo registry for ``python -m samplingstats demo``.

Each module contributes a section by defining ``samplingstats/<module>/_demo.py`` with

- ``TITLE``: a one-line title, and
- ``run(rng) -> str``: runs in a few seconds on built-in data and returns the text to print
  (usually a table from :func:`samplingstats._table.format_table`).

Sections are listed here in order. A section whose module or ``run`` needs an optional package that
is not installed is skipped with a line naming the extra to install.
"""

from __future__ import annotations

import importlib
import sys
import time

from ._optional import OPTIONAL_PACKAGES, MissingOptionalDependency
from ._rng import spawn

__all__ = ["SECTIONS", "available_sections", "run_demo", "section_summaries"]

SECTIONS = ("sampling", "dpp", "lp", "importance", "walks", "cluster", "subsample")

SUMMARIES = {
    "sampling": "alias table, Poisson/PPS sampling, weighted WOR, keyed permutation",
    "dpp": "optimal, DPP and volume-rescaled designs for weighted least squares",
    "lp": "leverage scores, Lewis weights, sensitivity sampling, lp regression",
    "importance": "many expectations from one adaptive sample; Sobol' indices",
    "walks": "self-repellent random walks on graphs (needs the 'graph' extra)",
    "cluster": "SDP K-means and iLA-SDP on Gaussian mixtures",
    "subsample": "RS2 repeated random subsets in a training loop (needs the 'torch' extra)",
}


def _missing(exc: ImportError) -> MissingOptionalDependency | None:
    """The optional dependency an ImportError is about, or None if it is not an optional one."""
    if isinstance(exc, MissingOptionalDependency):
        return exc
    top = (exc.name or "").split(".")[0]
    if top in OPTIONAL_PACKAGES:
        dist, extra = OPTIONAL_PACKAGES[top]
        return MissingOptionalDependency(
            f"needs the optional package {dist!r}", name=top, extra=extra
        )
    return None


def available_sections():
    """Yield ``(name, module)`` for each section whose ``_demo`` module imports.

    A section whose module needs a missing optional package is left out (``run_demo`` reports it).
    """
    for name in SECTIONS:
        mod = _load(name)
        if mod is not None and not isinstance(mod, ImportError):
            yield name, mod


def _load(name):
    modname = f"samplingstats.{name}._demo"
    try:
        return importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        if exc.name in (modname, f"samplingstats.{name}"):
            return None
        missing = _missing(exc)
        if missing is None:
            raise
        return missing
    except MissingOptionalDependency as exc:
        return exc


def section_summaries() -> str:
    """One line per section, for ``demo --help``."""
    return "\n".join(f"  {n:<11} {SUMMARIES.get(n, '')}" for n in SECTIONS)


def _skip_line(name, exc) -> str:
    extra = getattr(exc, "extra", None)
    how = f'pip install "samplingstats[{extra}]"' if extra else "install it"
    pkg = getattr(exc, "name", None) or "an optional package"
    return f"\n== [{name}] skipped: needs {pkg!r} ({how}) ==\n"


def run_demo(names=None, *, seed=0, out=print) -> int:
    """Run the demo sections (all, or those in ``names``); return the number run.

    Each section prints its name when it starts and its time when it ends; a section that needs
    a missing optional package is skipped with a line saying which extra installs it.
    """
    if names:
        unknown = [n for n in names if n not in SECTIONS]
        if unknown:
            raise SystemExit(f"unknown demo section(s) {unknown}; available: {list(SECTIONS)}")
    wanted = [n for n in SECTIONS if not names or n in names]
    rngs = spawn(seed, len(wanted))
    n_run = 0
    for name, rng in zip(wanted, rngs):
        mod = _load(name)
        if mod is None:
            continue
        if isinstance(mod, ImportError):
            out(_skip_line(name, mod))
            continue
        out(f"\n== {mod.TITLE} [{name}] ==\n")
        if out is print:
            sys.stdout.flush()  # the section's name shows before its work starts
        t0 = time.perf_counter()
        try:
            text = mod.run(rng)
        except ImportError as exc:
            missing = _missing(exc)
            if missing is None:
                raise
            out(_skip_line(name, missing))
            continue
        dt = time.perf_counter() - t0
        out(text)
        out(f"[{name}, {dt:.2f} s]")
        n_run += 1
    return n_run
