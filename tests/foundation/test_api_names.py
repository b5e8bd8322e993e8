"""One word per concept: walk the public API and fail on a concept named two ways.

The vocabulary is the table in docs/design.md ("Names: one word per concept"). A parameter or result
field named with a synonym from ``FORBIDDEN`` fails, with the word to use instead; so does any public
parameter that starts with ``_`` or is called ``caller``, an ``n_steps`` that is not keyword-only,
``random_state`` outside a scikit-learn estimator and ``rng`` on one.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest

MODULES = ("sampling", "dpp", "lp", "importance", "walks", "cluster", "subsample")

# synonym -> the library's word for the concept
FORBIDDEN_PARAMS = {
    "seed": "rng",
    "generator": "rng",
    "size": "n_samples",
    "n": "n_samples (draws) or n_items (population)",
    "k": "n_samples",
    "m": "n_samples",
    "N": "n_items",
    "num_samples": "n_samples",
    "n_points": "n_samples",
    "fraction": "ratio",
    "rounds": "n_rounds",
    "algorithm": "method",
    "scheme": "scores",
    "base": "chain",
    "mu": "target",
    "stationary": "target",
    "max_iterations": "max_iter",
    "level": "confidence_level",
    "n_iterations": "n_iter",
}
FORBIDDEN_FIELDS = {
    "estimates": "estimate",
    "standard_errors": "standard_error",
    "n_iterations": "n_iter",
    "stopped_by_rule": "converged",
    "mu": "target",
    "stationary": "target",
    "base": "chain",
    "seed": "rng",
}
# words with one meaning library-wide that one module must not reuse for another concept
FORBIDDEN_IN_MODULE = {"importance": {"target": "order"}}
# field suffixes that abbreviate a concept
FORBIDDEN_FIELD_SUFFIXES = {"_se": "_standard_error", "_stderr": "_standard_error"}


def _public_objects():
    for modname in MODULES:
        mod = importlib.import_module(f"samplingstats.{modname}")
        for name in mod.__all__:
            try:
                obj = getattr(mod, name)
            except ImportError:  # a name that needs a missing optional package (e.g. torch)
                continue
            if inspect.ismodule(obj):
                continue
            yield f"{modname}.{name}", obj


def _is_estimator(cls) -> bool:
    try:
        from sklearn.base import BaseEstimator
    except ImportError:  # pragma: no cover - scikit-learn is a core dependency
        return False
    return isinstance(cls, type) and issubclass(cls, BaseEstimator)


def _callables():
    """(qualified name, callable, owning class or None) for every public function and method."""
    for qual, obj in _public_objects():
        if inspect.isclass(obj):
            if dataclasses.is_dataclass(obj):
                init_members = []
            else:
                init_members = [("__init__", obj)]
            for name, member in init_members + sorted(vars(obj).items()):
                if name.startswith("_") and member is not obj:
                    continue  # private members, and __init__ (taken from the class above)
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if member is obj or inspect.isfunction(member):
                    yield f"{qual}.{name}", member, obj
        elif callable(obj):
            yield qual, obj, None


def _parameters(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return []
    return [p for p in sig.parameters.values() if p.name not in ("self", "cls")]


CALLABLES = list(_callables())
RESULTS = [
    (q, o) for q, o in _public_objects() if inspect.isclass(o) and dataclasses.is_dataclass(o)
]


def test_the_walk_finds_the_api():
    # a guard on the guard: the walk must see the library, or every other test passes vacuously
    assert len(CALLABLES) > 80
    assert len(RESULTS) >= 10


@pytest.mark.parametrize("qual,fn,owner", CALLABLES, ids=[c[0] for c in CALLABLES])
def test_parameter_names_follow_the_vocabulary(qual, fn, owner):
    problems = []
    for p in _parameters(fn):
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name.startswith("_") or p.name == "caller":
            problems.append(f"{p.name!r} is internal plumbing in a public signature")
        if p.name in FORBIDDEN_PARAMS:
            problems.append(f"{p.name!r} should be {FORBIDDEN_PARAMS[p.name]!r}")
        local = FORBIDDEN_IN_MODULE.get(qual.split(".")[0], {})
        if p.name in local:
            problems.append(f"{p.name!r} means something else elsewhere: use {local[p.name]!r}")
        if p.name == "n_steps" and p.kind is not p.KEYWORD_ONLY:
            problems.append("'n_steps' must be keyword-only")
        if p.name == "random_state" and not (owner is not None and _is_estimator(owner)):
            problems.append("'random_state' is for scikit-learn estimators; functions take 'rng'")
        if p.name == "rng" and owner is not None and _is_estimator(owner):
            problems.append("estimators take 'random_state', not 'rng'")
    assert not problems, f"{qual}: " + "; ".join(problems)


@pytest.mark.parametrize("qual,cls", RESULTS, ids=[r[0] for r in RESULTS])
def test_result_fields_follow_the_vocabulary(qual, cls):
    from samplingstats import Result

    assert issubclass(cls, Result), f"{qual} must derive from samplingstats.Result"
    problems = []
    for f in dataclasses.fields(cls):
        if f.name in FORBIDDEN_FIELDS:
            problems.append(f"field {f.name!r} should be {FORBIDDEN_FIELDS[f.name]!r}")
        for suffix, good in FORBIDDEN_FIELD_SUFFIXES.items():
            if f.name.endswith(suffix):
                problems.append(f"field {f.name!r}: write {good!r}, not {suffix!r}")
    assert not problems, f"{qual}: " + "; ".join(problems)


@pytest.mark.parametrize("qual,cls", RESULTS, ids=[r[0] for r in RESULTS])
def test_results_with_a_standard_error_have_an_interval(qual, cls):
    names = {f.name for f in dataclasses.fields(cls)}
    if any(n == "standard_error" or n.endswith("_standard_error") for n in names):
        assert callable(getattr(cls, "confidence_interval", None)), (
            f"{qual} has a standard error but no confidence_interval()"
        )


def test_vocabulary_checks_can_fail():
    """The checks above flag a signature that breaks the table (so they are not vacuous)."""

    def bad(x, n, *, seed=0, _caller=None):  # pragma: no cover - never called
        return x

    names = [p.name for p in _parameters(bad)]
    flagged = [n for n in names if n in FORBIDDEN_PARAMS or n.startswith("_")]
    assert flagged == ["n", "seed", "_caller"]
