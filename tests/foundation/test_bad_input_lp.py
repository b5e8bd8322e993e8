"""Bad input to samplingstats.lp: each row raises the expected class naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
from _bad_input import HUGE, INF, NAN, check_row, params, row

from samplingstats.lp import (
    LpRegressor,
    embedding_distortion,
    leverage_scores,
    lewis_weights,
    lp_regression,
    lp_sensitivities,
    sample_size,
    sensitivity_sample,
)

A = np.random.default_rng(0).standard_normal((40, 3))
b = A @ np.array([1.0, -2.0, 0.5])
A_nan = A.copy()
A_nan[3, 1] = NAN
A_c = A.astype(complex)
A_c[0, 0] += 1j
b_c = b.astype(complex)
b_c[0] += 1j


def _sample():
    return sensitivity_sample(A, p=2, n_samples=20, scores="leverage", rng=0)


def _fitted():
    return LpRegressor(p=2.0, random_state=0).fit(A, b)


ROWS = [
    # leverage_scores(A, method, rng, rcond, sketch_size, sparsity, jl_dim)
    row("lp.leverage_scores", "nan", lambda: leverage_scores(A_nan), name="A"),
    row("lp.leverage_scores", "complex", lambda: leverage_scores(A_c), TypeError, "A"),
    row("lp.leverage_scores", "1d", lambda: leverage_scores(A[:, 0]), name="A"),
    row("lp.leverage_scores", "3d", lambda: leverage_scores(A[None]), name="A"),
    row("lp.leverage_scores", "empty", lambda: leverage_scores(np.zeros((0, 3))), name="A"),
    row("lp.leverage_scores", "str", lambda: leverage_scores([["a", "b"]]), TypeError, "A"),
    row(
        "lp.leverage_scores",
        "object",
        lambda: leverage_scores(np.array([[object()]])),
        TypeError,
        "A",
    ),
    row("lp.leverage_scores", "method", lambda: leverage_scores(A, method="nope"), name="method"),
    row(
        "lp.leverage_scores",
        "sketch-size-zero",
        lambda: leverage_scores(A, method="sketch", sketch_size=0, rng=0),
        name="sketch_size",
    ),
    row(
        "lp.leverage_scores",
        "sketch-size-float",
        lambda: leverage_scores(A, method="sketch", sketch_size=10.5, rng=0),
        name="sketch_size",
    ),
    row(
        "lp.leverage_scores",
        "sketch-size-huge",
        lambda: leverage_scores(A, method="sketch", sketch_size=HUGE, rng=0),
        name="sketch_size",
    ),
    row(
        "lp.leverage_scores",
        "jl-dim-huge",
        lambda: leverage_scores(A, method="sketch", jl_dim=HUGE, rng=0),
        name="jl_dim",
    ),
    row(
        "lp.leverage_scores",
        "jl-dim-negative",
        lambda: leverage_scores(A, method="sketch", jl_dim=-1, rng=0),
        name="jl_dim",
    ),
    row(
        "lp.leverage_scores", "rcond-negative", lambda: leverage_scores(A, rcond=-1.0), name="rcond"
    ),
    row("lp.leverage_scores", "rcond-nan", lambda: leverage_scores(A, rcond=NAN), name="rcond"),
    row(
        "lp.leverage_scores",
        "rng",
        lambda: leverage_scores(A, method="sketch", rng="x"),
        name="rng",
    ),
    # lewis_weights(A, p, method, tol, max_iter)
    row("lp.lewis_weights", "p-below-one", lambda: lewis_weights(A, p=0.5), name="p"),
    row("lp.lewis_weights", "p-nan", lambda: lewis_weights(A, p=NAN), name="p"),
    row("lp.lewis_weights", "p-inf", lambda: lewis_weights(A, p=INF), name="p"),
    row("lp.lewis_weights", "p-str", lambda: lewis_weights(A, p="2"), name="p"),
    row("lp.lewis_weights", "nan", lambda: lewis_weights(A_nan, p=1), name="A"),
    row("lp.lewis_weights", "complex", lambda: lewis_weights(A_c, p=1), TypeError, "A"),
    row("lp.lewis_weights", "1d", lambda: lewis_weights(A[:, 0], p=1), name="A"),
    row("lp.lewis_weights", "tol-negative", lambda: lewis_weights(A, p=1, tol=-1.0), name="tol"),
    row(
        "lp.lewis_weights",
        "max-iter-zero",
        lambda: lewis_weights(A, p=1, max_iter=0),
        name="max_iter",
    ),
    row(
        "lp.lewis_weights",
        "max-iter-float",
        lambda: lewis_weights(A, p=1, max_iter=2.5),
        name="max_iter",
    ),
    row("lp.lewis_weights", "method", lambda: lewis_weights(A, p=1, method="nope"), name="method"),
    # lp_sensitivities(A, p, method, solver)
    row("lp.lp_sensitivities", "p-below-one", lambda: lp_sensitivities(A, p=0.5), name="p"),
    row("lp.lp_sensitivities", "nan", lambda: lp_sensitivities(A_nan, p=1), name="A"),
    row("lp.lp_sensitivities", "complex", lambda: lp_sensitivities(A_c, p=1), TypeError, "A"),
    row(
        "lp.lp_sensitivities",
        "method",
        lambda: lp_sensitivities(A, p=1, method="nope"),
        name="method",
    ),
    row(
        "lp.lp_sensitivities",
        "solver-unknown",
        lambda: lp_sensitivities(A, p=1, solver="NOPE"),
        name="solver",
    ),
    # sensitivity_sample(A, p, n_samples, scores, mode)
    row(
        "lp.sensitivity_sample",
        "n-zero",
        lambda: sensitivity_sample(A, p=1, n_samples=0, rng=0),
        name="n_samples",
    ),
    row(
        "lp.sensitivity_sample",
        "n-negative",
        lambda: sensitivity_sample(A, p=1, n_samples=-5, rng=0),
        name="n_samples",
    ),
    row(
        "lp.sensitivity_sample",
        "n-nan",
        lambda: sensitivity_sample(A, p=1, n_samples=NAN, rng=0),
        name="n_samples",
    ),
    row(
        "lp.sensitivity_sample",
        "n-huge",
        lambda: sensitivity_sample(A, p=1, n_samples=HUGE, mode="iid", rng=0),
        name="n_samples",
    ),
    row(
        "lp.sensitivity_sample",
        "scores",
        lambda: sensitivity_sample(A, p=1, n_samples=10, scores="nope", rng=0),
        name="scores",
    ),
    row(
        "lp.sensitivity_sample",
        "root-leverage-p3",
        lambda: sensitivity_sample(A, p=3, n_samples=10, scores="root_leverage", rng=0),
        name="scores",
    ),
    row(
        "lp.sensitivity_sample",
        "mode",
        lambda: sensitivity_sample(A, p=1, n_samples=10, mode="nope", rng=0),
        name="mode",
    ),
    row(
        "lp.sensitivity_sample",
        "complex",
        lambda: sensitivity_sample(A_c, p=1, n_samples=10, rng=0),
        TypeError,
        "A",
    ),
    # RowSample.apply(A)
    row("lp.RowSample.apply", "wrong-rows", lambda: _sample().apply(A[:10]), name="A"),
    row("lp.RowSample.apply", "1d", lambda: _sample().apply(np.ones(3)), name="A"),
    row("lp.RowSample.apply", "str", lambda: _sample().apply("A"), TypeError, "A"),
    # sample_size(d, p, epsilon, scores, total_sensitivity, delta, constant)
    row("lp.sample_size", "d-zero", lambda: sample_size(0, p=1), name="d"),
    row("lp.sample_size", "d-float", lambda: sample_size(2.5, p=1), name="d"),
    row("lp.sample_size", "epsilon-zero", lambda: sample_size(3, p=1, epsilon=0.0), name="epsilon"),
    row(
        "lp.sample_size",
        "epsilon-above-one",
        lambda: sample_size(3, p=1, epsilon=2.0),
        name="epsilon",
    ),
    row("lp.sample_size", "delta-one", lambda: sample_size(3, p=1, delta=1.0), name="delta"),
    row("lp.sample_size", "delta-nan", lambda: sample_size(3, p=1, delta=NAN), name="delta"),
    row(
        "lp.sample_size", "constant-inf", lambda: sample_size(3, p=1, constant=INF), name="constant"
    ),
    row(
        "lp.sample_size",
        "constant-negative",
        lambda: sample_size(3, p=1, constant=-1.0),
        name="constant",
    ),
    row(
        "lp.sample_size",
        "leverage-p3",
        lambda: sample_size(20, p=3, scores="leverage"),
        name="scores",
    ),
    row(
        "lp.sample_size",
        "total-sensitivity-negative",
        lambda: sample_size(3, p=1, total_sensitivity=-1.0),
        name="total_sensitivity",
    ),
    # lp_regression(A, b, p, n_samples, scores, solver, mode, tol, max_iter)
    row(
        "lp.lp_regression",
        "b-nan",
        lambda: lp_regression(A, np.r_[b[:-1], NAN], p=1, rng=0),
        name="b",
    ),
    row("lp.lp_regression", "b-complex", lambda: lp_regression(A, b_c, p=1, rng=0), TypeError, "b"),
    row("lp.lp_regression", "A-complex", lambda: lp_regression(A_c, b, p=1, rng=0), TypeError, "A"),
    row(
        "lp.lp_regression",
        "length-mismatch",
        lambda: lp_regression(A, b[:-1], p=1, rng=0),
        name="b",
    ),
    row("lp.lp_regression", "b-2d", lambda: lp_regression(A, np.c_[b, b], p=1, rng=0), name="b"),
    row("lp.lp_regression", "p-below-one", lambda: lp_regression(A, b, p=0.5, rng=0), name="p"),
    row(
        "lp.lp_regression",
        "n-zero",
        lambda: lp_regression(A, b, p=1, n_samples=0, rng=0),
        name="n_samples",
    ),
    row(
        "lp.lp_regression",
        "n-huge",
        lambda: lp_regression(A, b, p=1, n_samples=HUGE, mode="iid", rng=0),
        name="n_samples",
    ),
    row(
        "lp.lp_regression",
        "solver",
        lambda: lp_regression(A, b, p=1, solver="nope", rng=0),
        name="solver",
    ),
    row(
        "lp.lp_regression",
        "tol-negative",
        lambda: lp_regression(A, b, p=1, tol=-1.0, rng=0),
        name="tol",
    ),
    row(
        "lp.lp_regression",
        "max-iter-zero",
        lambda: lp_regression(A, b, p=1, max_iter=0, rng=0),
        name="max_iter",
    ),
    row(
        "lp.lp_regression",
        "scores",
        lambda: lp_regression(A, b, p=1, scores="nope", rng=0),
        name="scores",
    ),
    # LpRegressor
    row("lp.LpRegressor.__init__", "p-below-one", lambda: LpRegressor(p=0.5).fit(A, b), name="p"),
    row(
        "lp.LpRegressor.__init__",
        "solver",
        lambda: LpRegressor(solver="nope").fit(A, b),
        name="solver",
    ),
    row(
        "lp.LpRegressor.__init__",
        "n-negative",
        lambda: LpRegressor(n_samples=-1).fit(A, b),
        name="n_samples",
    ),
    row(
        "lp.LpRegressor.fit", "length-mismatch", lambda: LpRegressor(p=2.0).fit(A, b[:-1]), name="y"
    ),
    row("lp.LpRegressor.fit", "X-1d", lambda: LpRegressor(p=2.0).fit(A[:, 0], b), name="X"),
    row("lp.LpRegressor.fit", "X-3d", lambda: LpRegressor(p=2.0).fit(A[None], b), name="X"),
    row(
        "lp.LpRegressor.fit",
        "X-empty",
        lambda: LpRegressor(p=2.0).fit(np.zeros((0, 3)), np.zeros(0)),
        name="X",
    ),
    row("lp.LpRegressor.fit", "X-complex", lambda: LpRegressor(p=2.0).fit(A_c, b), TypeError, "X"),
    row(
        "lp.LpRegressor.fit",
        "X-str",
        lambda: LpRegressor(p=2.0).fit([["a"]], [1.0]),
        TypeError,
        "X",
    ),
    row("lp.LpRegressor.fit", "X-none", lambda: LpRegressor(p=2.0).fit(None, b), TypeError, "X"),
    row(
        "lp.LpRegressor.fit",
        "y-nan",
        lambda: LpRegressor(p=2.0).fit(A, np.r_[b[:-1], NAN]),
        name="y",
    ),
    row(
        "lp.LpRegressor.fit",
        "y-str",
        lambda: LpRegressor(p=2.0).fit(A, ["a"] * len(b)),
        TypeError,
        "y",
    ),
    row("lp.LpRegressor.fit", "y-complex", lambda: LpRegressor(p=2.0).fit(A, b_c), TypeError, "y"),
    row("lp.LpRegressor.predict", "wrong-columns", lambda: _fitted().predict(A[:, :2]), name="X"),
    row("lp.LpRegressor.predict", "nan", lambda: _fitted().predict(A_nan), name="X"),
    row("lp.LpRegressor.predict", "complex", lambda: _fitted().predict(A_c), TypeError, "X"),
    # embedding_distortion(A, S, p, n_directions, n_refine)
    row(
        "lp.embedding_distortion",
        "S-array",
        lambda: embedding_distortion(A, A[:10], p=2, rng=0),
        TypeError,
        "S",
    ),
    row(
        "lp.embedding_distortion",
        "S-other-A",
        lambda: embedding_distortion(A[:30], _sample(), p=2, rng=0),
        name="S",
    ),
    row(
        "lp.embedding_distortion",
        "A-nan",
        lambda: embedding_distortion(A_nan, _sample(), p=2, rng=0),
        name="A",
    ),
    row(
        "lp.embedding_distortion",
        "A-complex",
        lambda: embedding_distortion(A_c, _sample(), p=2, rng=0),
        TypeError,
        "A",
    ),
    row(
        "lp.embedding_distortion",
        "A-1d",
        lambda: embedding_distortion(A[:, 0], _sample(), p=2, rng=0),
        name="A",
    ),
    row(
        "lp.embedding_distortion",
        "p-below-one",
        lambda: embedding_distortion(A, _sample(), p=0.5, rng=0),
        name="p",
    ),
    row(
        "lp.embedding_distortion",
        "directions-zero",
        lambda: embedding_distortion(A, _sample(), p=2, n_directions=0, rng=0),
        name="n_directions",
    ),
    row(
        "lp.embedding_distortion",
        "directions-huge",
        lambda: embedding_distortion(A, _sample(), p=2, n_directions=HUGE, rng=0),
        name="n_directions",
    ),
    row(
        "lp.embedding_distortion",
        "refine-negative",
        lambda: embedding_distortion(A, _sample(), p=2, n_refine=-1, rng=0),
        name="n_refine",
    ),
]

KNOWN: dict[str, str] = {}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("call,exc,name", params(ROWS, KNOWN))
def test_bad_input(call, exc, name):
    check_row(call, exc, name)


@pytest.mark.timeout(60)
def test_lewis_weights_huge_p_is_bounded():
    """p = 1e6: refused naming 'p', or a bounded run ending in ConvergenceWarning (issue 17)."""
    import warnings

    from _bad_input import time_budget

    from samplingstats import ConvergenceWarning, InvalidParameterError

    with time_budget(10.0), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = lewis_weights(A, p=1e6)
        except InvalidParameterError as e:
            assert "'p'" in str(e)
            return
    assert res.converged or any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert np.all(np.isfinite(res.weights))
