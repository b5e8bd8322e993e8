"""Every public callable that takes an argument has at least one bad-input row (issue 17).

The walk is the one ``test_api_names`` uses; the rows are the ``ROWS`` tables of the
``test_bad_input_<module>.py`` files next to this one. A public function or method added without a
row fails here, naming it.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib

import pytest
import test_api_names

HERE = pathlib.Path(__file__).parent
# callables whose arguments come from a framework, not from a user
EXEMPT = {
    "subsample.RS2Callback.setup": "Lightning hook (trainer, module, stage)",
    "subsample.RS2Callback.on_train_start": "Lightning hook",
    "subsample.RS2Callback.on_train_batch_end": "Lightning hook",
}
TABLES = sorted(
    p.stem for p in HERE.glob("test_bad_input_*.py") if p.stem != pathlib.Path(__file__).stem
)


def _covered() -> set[str]:
    targets = set()
    for name in TABLES:
        try:
            mod = importlib.import_module(name)
        except pytest.skip.Exception:  # a table that needs a missing optional package (torch)
            continue
        targets.update(r[0] for r in mod.ROWS)
    return targets


def _takes_arguments(fn) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # pragma: no cover
        return True
    return any(p.name not in ("self", "cls") for p in sig.parameters.values())


def test_tables_exist():
    assert {"test_bad_input_sampling", "test_bad_input_lp", "test_bad_input_walks"} <= set(TABLES)


def test_every_public_callable_has_a_bad_input_row():
    covered = _covered()
    needs_torch = {"subsample"} if importlib.util.find_spec("torch") is None else set()
    missing = [
        qual
        for qual, fn, _owner in test_api_names.CALLABLES
        if _takes_arguments(fn)
        and qual not in covered
        and qual not in EXEMPT
        and qual.split(".")[0] not in needs_torch
    ]
    assert not missing, f"public callables without a bad-input row: {missing}"


def test_rows_target_public_callables():
    public = {qual for qual, _fn, _owner in test_api_names.CALLABLES}
    stale = sorted(_covered() - public)
    assert not stale, f"rows target names that are not public callables: {stale}"
