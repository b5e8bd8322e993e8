"""The typed usage file runs (its type check is ``mypy samplingstats tests/typing`` in lint)."""

import importlib.util
import pathlib


def test_typed_usage_file_runs():
    path = pathlib.Path(__file__).with_name("usage.py")
    spec = importlib.util.spec_from_file_location("samplingstats_typed_usage", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.main()
    assert "'p'" in out["errors"]
    assert out["sampling"] > 0 and out["cluster"] == 60
