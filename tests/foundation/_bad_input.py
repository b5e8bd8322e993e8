"""Shared machinery of the table-driven bad-input suite (issue 17).

Each ``test_bad_input_<module>.py`` holds a table ``ROWS`` of :func:`row` entries: the public
callable it targets (its qualified name as ``test_api_names`` walks it), a zero-argument call with one
bad value, the exception class expected and the argument name that the message must contain.
``test_bad_input_coverage.py`` fails when a public callable has no row.

A row passes only when the call raises the expected class and the message names the argument (as a
whole word). Another exception, a ``MemoryError`` (a huge size must be refused before allocating) and
an accepted call all fail. Rows that fail today are listed in ``KNOWN`` of their file, which marks them
``xfail(strict=True)`` with the findings file that reports them: a guard that lands turns the row
into an unexpected pass, so the entry must be removed.
"""

from __future__ import annotations

import re
import signal
import threading
import warnings
from contextlib import contextmanager

import numpy as np
import pytest

from samplingstats import InvalidParameterError

IPE = InvalidParameterError

NAN = float("nan")
INF = float("inf")
HUGE = 10**18  # a count that can never be allocated: refused before allocating


def row(target: str, label: str, call, exc=IPE, name: str | None = None):
    """One table row; ``name`` is the argument the message must name."""
    return (target, label, call, exc, name)


def params(rows, known: dict[str, str] | None = None, hangs: dict[str, str] | None = None):
    """pytest params of ``rows``; ids ``target-label``; ``known`` maps ids to findings files.

    ``hangs`` lists rows that do not return today (a compiled loop that no signal interrupts):
    they are marked ``xfail(run=False)`` and must be re-checked by hand when the guard lands.
    """
    known = dict(known or {})
    hangs = dict(hangs or {})
    out = []
    ids = set()
    for target, label, call, exc, name in rows:
        rid = f"{target}-{label}"
        assert rid not in ids, f"duplicate row id {rid}"
        ids.add(rid)
        marks = []
        if rid in known:
            marks.append(pytest.mark.xfail(strict=True, reason=known.pop(rid)))
        if rid in hangs:
            marks.append(pytest.mark.xfail(run=False, reason=hangs.pop(rid)))
        out.append(pytest.param(call, exc, name, id=rid, marks=marks))
    assert not known, f"KNOWN lists rows that do not exist: {sorted(known)}"
    assert not hangs, f"HANGS lists rows that do not exist: {sorted(hangs)}"
    return out


class RowTimeout(Exception):
    """A row ran past its time budget: a bad input must be refused, not worked on."""


@contextmanager
def time_budget(seconds: float):
    """Raise :class:`RowTimeout` in the main thread after ``seconds`` (no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def _raise(signum, frame):
        raise RowTimeout(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check_row(call, exc, name, *, seconds: float = 30.0):
    """Run one row: the call must raise ``exc`` naming ``name`` within ``seconds``."""
    with warnings.catch_warnings(), time_budget(seconds):
        # numpy's ComplexWarning means a complex input was silently cast: a failure here
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            call()
        except RowTimeout as e:
            pytest.fail(f"no refusal: {e} (a bad input must be refused up front)")
        except MemoryError as e:  # pragma: no cover - the failure this suite exists to catch
            pytest.fail(f"MemoryError instead of a clear refusal before allocating: {e}")
        except exc as e:
            msg = str(e)
            if name is not None:
                assert re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", msg), (
                    f"{type(e).__name__} does not name the argument {name!r}: {msg}"
                )
            return e
        except Exception as e:  # noqa: BLE001 - any other exception is an unclear error
            pytest.fail(f"expected {exc.__name__} naming {name!r}; got {type(e).__name__}: {e}")
    pytest.fail(f"accepted: expected {exc.__name__} naming {name!r}")


def row_ids(rows) -> list[str]:
    return [f"{r[0]}-{r[1]}" for r in rows]
