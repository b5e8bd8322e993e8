"""Bad input to the walks API (issue 17) and the deprecated spellings of session 3's renames.

Each row asserts the exception type and that the message names the argument.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

nx = pytest.importorskip("networkx")

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.walks import (  # noqa: E402
    WalkGraph,
    graph_average,
    random_walk,
    sa_srrw,
    self_repellent_walk,
    srrw_asymptotic_covariance,
)

K = nx.karate_club_graph()
DEG = np.array([d for _, d in K.degree()], dtype=float)
HUGE = 10**18


def _string_weight_graph():
    G = nx.path_graph(4)
    G[1][2]["weight"] = "heavy"
    return G


def _complex_weight_graph():
    G = nx.path_graph(4)
    G[1][2]["weight"] = 1 + 2j
    return G


CASES = [
    (
        "huge graph_average steps (work, would hang)",
        lambda: graph_average(K, DEG, n_steps=HUGE, alpha=1.0),
        InvalidParameterError,
        "'n_steps'",
    ),
    (
        "huge streaming steps (work)",
        lambda: random_walk(K, n_steps=HUGE, record_trace=False),
        InvalidParameterError,
        "walker-steps",
    ),
    (
        "chain target length",
        lambda: WalkGraph(K).chain("mhrw", np.ones(3)),
        InvalidParameterError,
        "'target'",
    ),
    (
        "chain target zero",
        lambda: WalkGraph(K).chain("mhrw", np.zeros(34)),
        InvalidParameterError,
        "'target'",
    ),
    (
        "node_index missing",
        lambda: WalkGraph(K).node_index("nope"),
        InvalidParameterError,
        "'label'",
    ),
    (
        "node_index out of range",
        lambda: WalkGraph(np.ones((3, 3))).node_index(99),
        InvalidParameterError,
        "'label'",
    ),
    # (id, call, exception, text the message must contain)
    ("string weight", lambda: WalkGraph(_string_weight_graph()), InvalidParameterError, "'weight'"),
    (
        "string weight walk",
        lambda: random_walk(_string_weight_graph(), n_steps=3),
        InvalidParameterError,
        "'weight'",
    ),
    ("complex weight attr", lambda: WalkGraph(_complex_weight_graph()), TypeError, "'weight'"),
    ("empty graph", lambda: WalkGraph(nx.Graph()), InvalidParameterError, "'graph'"),
    (
        "one-node graph",
        lambda: random_walk(nx.empty_graph(1), n_steps=3),
        InvalidParameterError,
        "'graph'",
    ),
    ("chain foo", lambda: WalkGraph(K).chain("foo"), InvalidParameterError, "'name'"),
    ("chain int", lambda: WalkGraph(K).chain(3), InvalidParameterError, "'name'"),
    (
        "complex dense",
        lambda: random_walk(np.array([[0, 1j], [1j, 0]]), n_steps=3),
        TypeError,
        "'graph'",
    ),
    (
        "complex sparse",
        lambda: WalkGraph(sp.csr_matrix(np.array([[0, 1 + 1j], [1 + 1j, 0]]))),
        TypeError,
        "'graph'",
    ),
    (
        "complex values",
        lambda: graph_average(K, DEG * (1 + 1j), n_steps=100),
        TypeError,
        "'values'",
    ),
    (
        "complex target",
        lambda: graph_average(K, DEG, n_steps=100, target=DEG * 1j),
        TypeError,
        "'target'",
    ),
    (
        "complex alpha schedule",
        lambda: self_repellent_walk(K, n_steps=3, alpha=np.ones(3) * 1j),
        TypeError,
        "'alpha'",
    ),
    (
        "complex stream values",
        lambda: random_walk(K, n_steps=3, values=DEG * 1j, record_trace=False),
        TypeError,
        "'values'",
    ),
    (
        "sa_srrw non-numeric grad",
        lambda: sa_srrw(lambda th, i: "up", K, np.zeros(1), n_steps=5, alpha=1.0),
        InvalidParameterError,
        "'grad'",
    ),
    (
        "sa_srrw None grad value",
        lambda: sa_srrw(lambda th, i: None, K, np.zeros(1), n_steps=5, alpha=1.0),
        InvalidParameterError,
        "'grad'",
    ),
    (
        "sa_srrw complex grad",
        lambda: sa_srrw(lambda th, i: th * 1j, K, np.zeros(1), n_steps=5, alpha=1.0),
        TypeError,
        "'grad'",
    ),
    (
        "sa_srrw vectorized non-numeric grad",
        lambda: sa_srrw(
            lambda th, i: [["a"]] * 2,
            K,
            np.zeros(1),
            n_steps=5,
            alpha=1.0,
            n_walkers=2,
            vectorized=True,
        ),
        InvalidParameterError,
        "'grad'",
    ),
    (
        "sa_srrw empty theta0",
        lambda: sa_srrw(lambda th, i: th, K, np.zeros(0), n_steps=5, alpha=1.0),
        InvalidParameterError,
        "'theta0'",
    ),
    (
        "sa_srrw complex theta0",
        lambda: sa_srrw(lambda th, i: th, K, np.zeros(2) + 1j, n_steps=5, alpha=1.0),
        TypeError,
        "'theta0'",
    ),
    (
        "huge n_steps trace",
        lambda: random_walk(K, n_steps=HUGE),
        InvalidParameterError,
        "'n_steps'",
    ),
    (
        "huge n_walkers",
        lambda: random_walk(K, n_steps=2, n_walkers=HUGE),
        InvalidParameterError,
        "'n_walkers'",
    ),
    (
        "huge n_walkers stream",
        lambda: random_walk(K, n_steps=2, n_walkers=HUGE, record_trace=False),
        InvalidParameterError,
        "'n_walkers'",
    ),
    (
        "huge srrw walkers",
        lambda: self_repellent_walk(K, n_steps=2, alpha=1.0, n_walkers=HUGE),
        InvalidParameterError,
        "'n_walkers'",
    ),
    (
        "huge srrw trace",
        lambda: self_repellent_walk(K, n_steps=HUGE, alpha=1.0, record_trace=True),
        InvalidParameterError,
        "'n_steps'",
    ),
    (
        "huge graph_average walkers",
        lambda: graph_average(K, DEG, n_steps=10, n_walkers=HUGE),
        InvalidParameterError,
        "'n_walkers'",
    ),
    (
        "huge sa_srrw steps",
        lambda: sa_srrw(lambda th, i: th, K, np.zeros(1), n_steps=HUGE, alpha=1.0),
        InvalidParameterError,
        "'n_steps'",
    ),
    (
        "old and new keyword",
        lambda: graph_average(K, DEG, n_steps=10, base="srw", chain="srw"),
        TypeError,
        "'chain'",
    ),
]


@pytest.mark.parametrize("call,exc,text", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_naming_the_argument(call, exc, text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(exc) as info:
            call()
    assert text in str(info.value), str(info.value)
    if exc is InvalidParameterError:
        assert not isinstance(info.value, MemoryError)


def test_huge_sizes_say_what_memory_they_need():
    with pytest.raises(InvalidParameterError, match=r"GiB.*more than this machine"):
        random_walk(K, n_steps=HUGE, n_walkers=4)


def test_numeric_weight_attributes_still_work():
    G = nx.path_graph(4)
    G[1][2]["weight"] = np.float32(2.5)
    G[0][1]["weight"] = 3  # int
    g = WalkGraph(G)
    assert g.weights is not None
    # weight=None ignores a string attribute
    assert WalkGraph(_string_weight_graph(), weight=None).weights is None


# ---------------------------------------------------------------------------------------------
# deprecated spellings (session 3 renames): FutureWarning, same results, for one release


def test_base_keyword_is_a_deprecated_alias_of_chain():
    with pytest.warns(FutureWarning, match="'base' parameter was renamed to 'chain'"):
        old = graph_average(K, DEG, n_steps=500, alpha=0.0, base="mhrw", rng=0)
    new = graph_average(K, DEG, n_steps=500, alpha=0.0, chain="mhrw", rng=0)
    assert old.estimate == new.estimate
    with pytest.warns(FutureWarning, match="'chain'"):
        V = srrw_asymptotic_covariance(K, alpha=1.0, base="mhrw")
    np.testing.assert_array_equal(V, srrw_asymptotic_covariance(K, alpha=1.0, chain="mhrw"))
    with pytest.warns(FutureWarning, match="'chain'"):
        r = self_repellent_walk(K, n_steps=50, alpha=1.0, base="mhrw", rng=1)
    assert r.chain == "mhrw"
    with pytest.warns(FutureWarning, match="'chain'"):
        sa_srrw(lambda th, i: th, K, np.zeros(1), n_steps=5, alpha=1.0, base="srw", rng=0)


def test_positional_n_steps_is_deprecated():
    with pytest.warns(FutureWarning, match="n_steps"):
        a = random_walk(K, 50, rng=3)
    b = random_walk(K, n_steps=50, rng=3)
    np.testing.assert_array_equal(a.trace, b.trace)
    with pytest.warns(FutureWarning, match="n_steps"):
        self_repellent_walk(K, 20, alpha=1.0, rng=0)
    with pytest.warns(FutureWarning, match="n_steps"):
        sa_srrw(lambda th, i: th, K, np.zeros(1), 5, alpha=1.0, rng=0)
    with pytest.raises(TypeError, match="positional"):
        random_walk(K, 50, 2)
    with pytest.raises(TypeError, match="n_steps"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            random_walk(K, 50, n_steps=50)


def test_old_result_attributes_warn():
    r = self_repellent_walk(K, n_steps=20, alpha=1.0, rng=0)
    with pytest.warns(FutureWarning, match="target"):
        np.testing.assert_array_equal(r.mu, r.target)
    with pytest.warns(FutureWarning, match="chain"):
        assert r.base == r.chain
    w = random_walk(K, n_steps=5, rng=0)
    with pytest.warns(FutureWarning, match="target"):
        np.testing.assert_array_equal(w.stationary, w.target)


def test_signatures_show_the_new_names_only():
    import inspect

    for fn in (graph_average, self_repellent_walk, sa_srrw, srrw_asymptotic_covariance,
               random_walk):  # fmt: skip
        params = inspect.signature(fn).parameters
        assert "base" not in params
        assert params["n_steps" if "n_steps" in params else "alpha"].kind is (
            inspect.Parameter.KEYWORD_ONLY
        )
