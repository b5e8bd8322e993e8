"""samplingstats.lp imports in one direction (issue 13): no cycle, executors apart.

Layers, bottom to top: ``_common`` / ``_results`` / ``_core`` / ``_solvers`` (shared pieces),
then the two executors ``_memory`` (numpy, scipy.sparse, torch) and ``_dask`` side by side, then
the public modules that choose between them. Every ``from .x import ...`` line is read with
``ast`` (function-level imports included).
"""

import ast
import pathlib

import pytest

import samplingstats.lp

LP = pathlib.Path(samplingstats.lp.__file__).parent
BOTTOM = {"_common", "_results", "_core", "_solvers"}
EXECUTORS = {"_memory", "_dask"}


def import_graph(root=LP):
    """``{module: {sibling: set of imported names}}`` from the relative imports of ``root``."""
    graph = {}
    for path in sorted(root.glob("*.py")):
        mod = path.stem
        edges = graph.setdefault(mod, {})
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or node.level != 1:
                continue
            if node.module is None:  # from . import _memory
                for alias in node.names:
                    edges.setdefault(alias.name, set()).add("*")
            else:
                sib = node.module.split(".")[0]
                edges.setdefault(sib, set()).update(a.name for a in node.names)
    return graph


def find_cycle(graph):
    """A list of modules forming a cycle, or None."""
    state, stack = {}, []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in graph.get(u, {}):
            if v not in graph:
                continue
            if state.get(v) == 1:
                return stack[stack.index(v) :] + [v]
            if v not in state:
                cyc = visit(v)
                if cyc:
                    return cyc
        stack.pop()
        state[u] = 2
        return None

    for u in graph:
        if u not in state:
            cyc = visit(u)
            if cyc:
                return cyc
    return None


def test_cycle_finder_finds_cycles():  # the checks below can fail
    assert find_cycle({"a": {"b": set()}, "b": {"c": set()}, "c": {"a": set()}}) == [
        "a",
        "b",
        "c",
        "a",
    ]
    assert find_cycle({"a": {"b": set()}, "b": {}}) is None


def test_lp_imports_have_no_cycle():
    graph = import_graph()
    assert {"_memory", "_dask", "_core"} <= set(graph)
    assert find_cycle(graph) is None, find_cycle(graph)


@pytest.mark.parametrize("executor", sorted(EXECUTORS))
def test_executors_import_no_private_sibling_name(executor):
    edges = import_graph()[executor]
    other = (EXECUTORS - {executor}).pop()
    assert other not in edges, f"{executor} imports the other executor {other}"
    private = {
        f"{sib}.{name}"
        for sib, names in edges.items()
        if sib in import_graph()
        for name in names
        if name.startswith("_") or name == "*"
    }
    assert not private, f"{executor} imports private sibling names: {sorted(private)}"


def test_bottom_layer_imports_only_the_bottom_layer():
    graph = import_graph()
    for mod in BOTTOM:
        above = set(graph[mod]) - BOTTOM
        assert not above, f"{mod} imports {sorted(above)} from a higher layer"
