"""Bad input to samplingstats.importance: each row raises the expected class naming the argument."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from _bad_input import HUGE, NAN, check_row, params, row
from scipy import stats

from samplingstats.importance import multiple_expectations, plot_history, sobol_indices

D2 = [stats.norm(), stats.norm()]


def f2(x):
    return np.exp(0.3 * x[:, 0]) + x[:, 1] ** 2


def f_two(x):
    return np.column_stack([np.exp(0.3 * x[:, 0]), 1.0 + x[:, 1] ** 2])


def ishigami_like(x):
    return np.sin(x[:, 0]) + 2.0 * x[:, 1] ** 2


def me(**kw):
    kw.setdefault("budget", 400)
    kw.setdefault("rng", 0)
    func = kw.pop("func", f2)
    dists = kw.pop("dists", D2)
    return multiple_expectations(func, dists, **kw)


def si(**kw):
    kw.setdefault("budget", 800)
    kw.setdefault("rng", 0)
    func = kw.pop("func", ishigami_like)
    dists = kw.pop("dists", D2)
    return sobol_indices(func, dists, **kw)


@functools.cache
def _me_result():
    return multiple_expectations(f_two, D2, budget=400, rng=0)


@functools.cache
def _si_result():
    return sobol_indices(ishigami_like, D2, budget=800, rng=0)


def _common_rows(qual, call):
    """Rows shared by multiple_expectations and sobol_indices."""
    return [
        row(qual, "func-not-callable", lambda: call(func=3.0), TypeError, "func"),
        row(qual, "func-complex", lambda: call(func=lambda x: x[:, 0] + 1j), TypeError, "func"),
        row(
            qual,
            "func-str",
            lambda: call(func=lambda x: np.array(["a"] * len(x))),
            TypeError,
            "func",
        ),
        row(qual, "func-wrong-length", lambda: call(func=lambda x: np.ones(3)), name="func"),
        row(qual, "func-nan", lambda: call(func=lambda x: np.full(len(x), NAN)), name="func"),
        row(qual, "func-3d", lambda: call(func=lambda x: np.ones((len(x), 2, 2))), name="func"),
        row(qual, "dists-empty", lambda: call(dists=[]), name="dists"),
        row(qual, "dists-not-laws", lambda: call(dists=[1.0, 2.0]), TypeError, "dists"),
        row(
            qual,
            "dists-discrete",
            lambda: call(dists=[stats.poisson(3.0), stats.norm()]),
            name="dists",
        ),
        row(
            qual, "dists-unfrozen", lambda: call(dists=[stats.norm, stats.norm]), TypeError, "dists"
        ),
        row(qual, "budget-zero", lambda: call(budget=0), name="budget"),
        row(qual, "budget-float", lambda: call(budget=500.5), name="budget"),
        row(qual, "budget-bool", lambda: call(budget=True), name="budget"),
        row(qual, "budget-huge", lambda: call(budget=HUGE), name="budget"),
        row(qual, "budget-too-small", lambda: call(budget=3), name="budget"),
        row(qual, "family", lambda: call(family="nope"), name="family"),
        row(qual, "defensive-one", lambda: call(defensive=1.0), name="defensive"),
        row(qual, "defensive-negative", lambda: call(defensive=-0.1), name="defensive"),
        row(qual, "adapt-fraction-zero", lambda: call(adapt_fraction=0.0), name="adapt_fraction"),
        row(qual, "adapt-fraction-nan", lambda: call(adapt_fraction=NAN), name="adapt_fraction"),
        row(
            qual,
            "block-fraction-above-one",
            lambda: call(block_fraction=1.5),
            name="block_fraction",
        ),
        row(qual, "workers-negative", lambda: call(workers=-2), name="workers"),
        row(qual, "workers-str", lambda: call(workers="many"), name="workers"),
        row(qual, "replicates-one", lambda: call(qmc=True, n_replicates=1), name="n_replicates"),
        row(
            qual, "replicates-float", lambda: call(qmc=True, n_replicates=2.5), name="n_replicates"
        ),
        row(qual, "qmc-str", lambda: call(qmc="yes"), name="qmc"),
        row(qual, "progress-str", lambda: call(progress="yes"), name="progress"),
        row(qual, "rng", lambda: call(rng=1.5), name="rng"),
    ]


ROWS = [
    *_common_rows("importance.multiple_expectations", me),
    row("importance.multiple_expectations", "weights", lambda: me(weights="nope"), name="weights"),
    row(
        "importance.multiple_expectations",
        "weights-negative",
        lambda: me(func=f_two, weights=np.array([1.0, -1.0])),
        name="weights",
    ),
    row(
        "importance.multiple_expectations",
        "weights-length",
        lambda: me(func=f_two, weights=np.ones(3)),
        name="weights",
    ),
    row(
        "importance.multiple_expectations",
        "weights-complex",
        lambda: me(func=f_two, weights=np.ones(2) + 1j),
        TypeError,
        "weights",
    ),
    row(
        "importance.multiple_expectations",
        "dists-support",
        lambda: me(func=lambda x: x[:, 0] ** 2, dists=[[stats.uniform(0, 1)], [stats.norm()]]),
        name="dists",
    ),
    row(
        "importance.multiple_expectations",
        "dists-ragged",
        lambda: me(
            func=lambda x: x[:, 0] ** 2, dists=[[stats.norm()], [stats.norm(), stats.norm()]]
        ),
        name="dists",
    ),
    *_common_rows("importance.sobol_indices", si),
    row("importance.sobol_indices", "method", lambda: si(method="nope"), name="method"),
    row(
        "importance.sobol_indices", "order", lambda: si(method="aiscv", order="nope"), name="order"
    ),
    row("importance.sobol_indices", "order-auto-method", lambda: si(order="foo"), name="order"),
    row(
        "importance.sobol_indices",
        "centre",
        lambda: si(method="aiscv", centre="sometimes"),
        name="centre",
    ),
    row(
        "importance.sobol_indices",
        "constant-model",
        lambda: si(func=lambda x: np.ones(len(x))),
        name="func",
    ),
    # results
    row(
        "importance.ExpectationsResult.confidence_interval",
        "level-one",
        lambda: _me_result().confidence_interval(1.0),
        name="confidence_level",
    ),
    row(
        "importance.ExpectationsResult.confidence_interval",
        "level-str",
        lambda: _me_result().confidence_interval("95%"),
        name="confidence_level",
    ),
    row(
        "importance.SobolResult.confidence_interval",
        "level-zero",
        lambda: _si_result().confidence_interval(0.0),
        name="confidence_level",
    ),
    row(
        "importance.SobolResult.confidence_interval",
        "order",
        lambda: _si_result().confidence_interval(order="nope"),
        name="order",
    ),
    row("importance.plot_history", "result", lambda: plot_history("result"), TypeError, "result"),
    row(
        "importance.plot_history",
        "names-length",
        lambda: plot_history(_me_result(), names=["a", "b", "c"]),
        name="names",
    ),
]

KNOWN: dict[str, str] = {}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("call,exc,name", params(ROWS, KNOWN))
def test_bad_input(call, exc, name):
    check_row(call, exc, name)


def test_zero_variance_estimate_is_flagged_never_a_zero_width_interval():
    """Issue 17: an integrand that never left zero on the sample warns and sets reliable=False."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = multiple_expectations(
            lambda x: (x[:, 0] > 3.5).astype(float), [stats.norm()], budget=2000, rng=0
        )
    assert any("single value" in str(w.message) for w in caught)
    assert not bool(np.asarray(res.reliable)[0])
    low, high = res.confidence_interval()
    assert np.all(np.asarray(high) - np.asarray(low) > 0)
