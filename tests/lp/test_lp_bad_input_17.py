"""Issue 17 guards of samplingstats.lp: each test fails when its guard is removed.

Complex input, solver names, sample sizes, the supported p, a stalled Lewis iteration, huge size
parameters, the estimator's input errors, and float32 leverage scores (dtype, accuracy, memory).
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from samplingstats import ConvergenceWarning, InvalidParameterError
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

RNG = np.random.default_rng(17)
A = RNG.standard_normal((120, 3))
B = RNG.standard_normal(120)
AC = A + 1j


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: leverage_scores(AC), "'A' of leverage_scores"),
        (lambda: lewis_weights(AC, p=1), "'A' of lewis_weights"),
        (lambda: lp_sensitivities(AC, p=1, method="lewis_bound"), "'A' of lp_sensitivities"),
        (lambda: sensitivity_sample(AC, p=1, n_samples=10), "'A' of sensitivity_sample"),
        (
            lambda: sensitivity_sample(A, p=1, n_samples=10, scores=np.ones(120) + 1j),
            "'scores' of sensitivity_sample",
        ),
        (lambda: lp_regression(AC, B, p=1), "'A' of lp_regression"),
        (lambda: lp_regression(A, B + 1j, p=1), "'b' of lp_regression"),
        (lambda: lp_regression(sp.csr_matrix(AC), B, p=1), "'A' of lp_regression"),
        (
            lambda: embedding_distortion(AC, sensitivity_sample(A, p=1, n_samples=60, rng=0), p=1),
            "'A' of embedding_distortion",
        ),
    ],
)
def test_complex_input_is_refused_naming_the_argument(call, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's ComplexWarning would be the old behaviour
        with pytest.raises(TypeError, match=f"{name} must be real, got a complex"):
            call()


def test_complex_torch_tensor_refused():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="'A' of leverage_scores must be real"):
        leverage_scores(torch.ones((10, 2), dtype=torch.complex64))


def test_lp_uses_the_shared_refuse_complex_with_its_caller():
    """lp has no complex check of its own: it calls ``_validation.refuse_complex(caller=...)``,
    whose message is unchanged for callers that give no ``caller``."""
    from samplingstats import _validation
    from samplingstats.lp import _common

    assert _common.refuse_complex is _validation.refuse_complex
    with pytest.raises(TypeError, match=r"^Argument 'w' must be a real array; got complex"):
        _validation.refuse_complex(np.ones(3) + 1j, "w")

    class NoDtype:  # an array-like without ``dtype`` (like a DataFrame): read via numpy
        def __array__(self, dtype=None, copy=None):
            return np.ones((4, 2), dtype=complex)

    with pytest.raises(TypeError, match="'A' of lewis_weights must be real, got a complex"):
        lewis_weights(NoDtype(), p=1)
    for real in (A, [[1.0, 2.0]], None, "text", sp.csr_matrix(A)):
        assert _validation.refuse_complex(real, "A", caller="f") is real


def test_unknown_solver_lists_the_installed_ones():
    import cvxpy as cp

    with pytest.raises(InvalidParameterError, match="'solver' parameter of lp_sensitivities") as e:
        lp_sensitivities(A[:20], p=1, solver="NOPE")
    for name in cp.installed_solvers():
        assert name in str(e.value)
    # a valid name in any case is accepted
    s = lp_sensitivities(A[:20], p=1, solver="clarabel")
    assert s.shape == (20,) and np.all((s > 0) & (s <= 1))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"constant": float("inf")}, "'constant' parameter of sample_size"),
        ({"total_sensitivity": float("inf"), "scores": "sensitivity"}, "'total_sensitivity'"),
        ({"constant": 1e308}, "needs more than"),
        ({"epsilon": 1e-200}, "needs more than"),
    ],
)
def test_sample_size_refuses_infinite_and_overflowing_sizes(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        sample_size(20, p=1, **kwargs)


def test_sample_size_overflowing_rate_at_large_p():
    with pytest.raises(InvalidParameterError, match="needs more than"):
        sample_size(10**9, p=100)
    assert sample_size(20, p=1, epsilon=0.5) == 424  # unchanged answer


@pytest.mark.parametrize(
    "call",
    [
        lambda: lewis_weights(A, p=1e6),
        lambda: lewis_weights(A, p=101),
        lambda: lp_regression(A, B, p=1e3),
        lambda: sensitivity_sample(A, p=200, n_samples=10),
        lambda: sample_size(4, p=1e6),
    ],
)
def test_p_above_the_supported_range_is_refused(call):
    with pytest.raises(InvalidParameterError, match=r"'p' parameter .* range \[1, 100\]"):
        call()


def test_lewis_default_work_is_bounded_at_the_largest_p():
    from samplingstats.lp._core import default_max_iter

    assert default_max_iter(100, 10**6, 1e-8, "auto") <= 4100
    res = lewis_weights(A, p=100)  # converges well inside the cap (about 12.5 p iterations)
    assert res.converged and res.n_iter < 4100
    assert abs(float(res.weights.sum()) - 3) < 1e-6


def test_stalled_lewis_iteration_stops_early_with_a_warning(monkeypatch):
    from samplingstats.lp import _memory
    from samplingstats.lp._core import STALL_ITERATIONS

    noise = np.random.default_rng(0)

    def stalled(kind, M, scale, method, rng, opts):  # leverage scores that never settle
        return noise.uniform(0.2, 1.0, M.shape[0]) * M.shape[1] / M.shape[0]

    monkeypatch.setattr(_memory, "_scaled_leverage", stalled)
    with pytest.warns(ConvergenceWarning, match="stopped early .* not converging"):
        res = lewis_weights(A, p=1.5, max_iter=10_000)
    assert not res.converged
    assert res.n_iter < 3 * STALL_ITERATIONS  # not the 10 000 asked for


def test_nan_residual_stops_at_once(monkeypatch):
    from samplingstats.lp import _memory

    monkeypatch.setattr(
        _memory, "_scaled_leverage", lambda kind, M, *a: np.full(M.shape[0], np.nan)
    )
    with pytest.warns(ConvergenceWarning, match="stopped early"):
        res = lewis_weights(A, p=3, max_iter=1000)
    assert res.n_iter == 1 and not res.converged


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: leverage_scores(A, method="sketch", jl_dim=10**18), "'jl_dim'"),
        (
            lambda: embedding_distortion(
                A, sensitivity_sample(A, p=1, n_samples=60, rng=0), p=1, n_directions=10**18
            ),
            "'n_directions'",
        ),
    ],
)
def test_huge_sizes_are_refused_before_allocating(call, name):
    tracemalloc.start()
    try:
        with pytest.raises(
            InvalidParameterError, match=f"{name} parameter of .* asks for .*would need"
        ):
            call()
        assert tracemalloc.get_traced_memory()[1] < 50 * 2**20
    finally:
        tracemalloc.stop()


X = RNG.standard_normal((60, 2))
Y = X @ [1.0, -1.0] + RNG.standard_normal(60)


@pytest.mark.parametrize(
    "fit, match",
    [
        (lambda e: e.fit(X, Y[:-1]), r"'X' and 'y' parameters of LpRegressor.fit .* 60 and 59"),
        (lambda e: e.fit(X[:0], Y[:0]), r"'X' parameter of LpRegressor.fit must not be empty"),
        (lambda e: e.fit(X[:, 0], Y), r"'X' parameter of LpRegressor.fit must be a 2-D"),
        (lambda e: e.fit(X[:, :, None], Y), r"'X' parameter of LpRegressor.fit must be a 2-D"),
        (lambda e: e.fit(X.astype(str), Y), r"'X' parameter of LpRegressor.fit must be a real"),
        (lambda e: e.fit(X, Y.astype(str)), r"'y' parameter of LpRegressor.fit must be a real"),
        (lambda e: e.fit(X + 1j, Y), r"'X' parameter of LpRegressor.fit must be real"),
        (lambda e: e.fit(X, Y + 1j), r"'y' parameter of LpRegressor.fit must be real"),
        (lambda e: e.fit(None, Y), r"'X' parameter of LpRegressor.fit must be a numeric"),
        (lambda e: e.fit(X, None), r"'y' parameter of LpRegressor.fit must be a numeric"),
        (
            lambda e: e.fit(X, Y, sample_weight=-np.ones(60)),
            r"LpRegressor.fit: Argument 'sample_weight' must be non-negative",
        ),
        (
            lambda e: e.fit(X, Y, sample_weight=np.ones(59)),
            r"LpRegressor.fit: Argument 'sample_weight' must have length 60",
        ),
        (
            lambda e: e.fit(X, Y).predict(X + 1j),
            r"'X' parameter of LpRegressor.predict must be real",
        ),
    ],
)
def test_estimator_input_errors_name_the_estimator_and_argument(fit, match):
    with pytest.raises(InvalidParameterError, match=match):
        fit(LpRegressor(p=1.5))


def test_estimator_sample_weight_equals_row_duplication():
    w = np.ones(60)
    w[:20] = 2.0
    Xd, Yd = np.vstack([X, X[:20]]), np.r_[Y, Y[:20]]
    for p in (1.0, 1.5, 3.0):
        dup = LpRegressor(p=p).fit(Xd, Yd)
        wtd = LpRegressor(p=p).fit(X, Y, sample_weight=w)
        assert np.allclose(dup.coef_, wtd.coef_, atol=1e-5)
        assert abs(dup.cost_ - wtd.cost_) <= 1e-6 * dup.cost_


# ------------------------------------------------------------------------------------------
# float32 leverage scores
# ------------------------------------------------------------------------------------------
F = np.random.default_rng(3).standard_t(3, size=(6000, 6)).astype(np.float32)
REF = leverage_scores(F.astype(np.float64), method="qr")


@pytest.mark.parametrize("method", ["auto", "cholesky", "qr"])
def test_float32_in_float32_out_exact_methods(method):
    tau = leverage_scores(F, method=method)
    assert tau.dtype == np.float32
    # float64 accumulation: as accurate as the float32 output can hold
    assert np.max(np.abs(tau / REF - 1)) < 1e-6
    assert abs(float(tau.sum(dtype=np.float64)) - 6) < 1e-5


def test_float32_other_paths_keep_dtype():
    assert leverage_scores(F, method="sketch", rng=0).dtype == np.float32
    assert leverage_scores(F, rcond=1e-6).dtype == np.float32
    assert leverage_scores(sp.csr_matrix(F)).dtype == np.float32
    assert leverage_scores(F.astype(np.float64)).dtype == np.float64


def test_float32_ill_conditioned_and_rank_deficient():
    G = F.copy()
    G[:, 1] = G[:, 0] + np.float32(1e-3) * G[:, 1]  # cond ~ 1e3..1e4: Cholesky on the f64 Gram
    ref = leverage_scores(G.astype(np.float64), method="qr")
    for method in ("auto", "qr", "cholesky"):
        assert np.max(np.abs(leverage_scores(G, method=method) / ref - 1)) < 1e-5
    G[:, 1] = G[:, 0]
    for method in ("auto", "qr", "cholesky"):
        with pytest.raises(InvalidParameterError, match="rank deficient"):
            leverage_scores(G, method=method)


@pytest.mark.parametrize("method", ["auto", "cholesky", "qr", "sketch"])
def test_float32_peak_memory_is_blocks_not_copies(method, monkeypatch):
    from samplingstats.lp import _memory

    monkeypatch.setattr(_memory, "_BLOCK_BYTES", 256 * 1024)
    M = np.random.default_rng(1).standard_normal((100_000, 10), dtype=np.float32)  # 3.8 MiB
    leverage_scores(M[:2000], method=method, rng=0)  # compile outside the measurement
    tracemalloc.start()
    try:
        tau = leverage_scores(M, method=method, rng=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert tau.dtype == np.float32
    # a float64 copy alone is 2x the input; the blocked paths need the output (0.1x), the
    # sketch's per-row scale and float64 scores (0.4x) and a few blocks
    assert peak < 0.75 * M.nbytes, (method, peak / M.nbytes)


@pytest.mark.parametrize("method", ["auto", "qr", "sketch"])
def test_float32_lewis_weights_float32_out_computed_in_blocks(method, monkeypatch):
    """float32 in -> float32 out, equal to the float64 weights of the same values up to the
    float32 rounding of the output, without a float64 copy of A (the old path made two)."""
    from samplingstats.lp import _memory

    monkeypatch.setattr(_memory, "_BLOCK_BYTES", 256 * 1024)
    M = np.random.default_rng(2).standard_t(3, size=(12_000, 40)).astype(np.float32)  # 1.8 MiB
    ref = lewis_weights(M.astype(np.float64), p=1.5, method=method, rng=0)
    lewis_weights(M[:2000], p=1.5, method=method, rng=0)  # compile outside the measurement
    tracemalloc.start()
    try:
        res = lewis_weights(M, p=1.5, method=method, rng=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert res.weights.dtype == np.float32
    assert res.n_iter == ref.n_iter and res.converged == ref.converged
    # the same float64 iteration (blocked sums differ in the last bits), then one rounding
    np.testing.assert_allclose(res.weights, ref.weights, rtol=1.5 * 2.0**-24, atol=0)
    # a float64 copy alone is 2x the input; the iteration's float64 n-vectors are ~0.3x here
    assert peak < 1.0 * M.nbytes, (method, peak / M.nbytes)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda e: e.fit(X, np.r_[np.nan, Y[1:]]), r"Argument 'y' of LpRegressor.fit: .*NaN"),
        (lambda e: e.fit(X).predict(X) if False else e.fit(X, Y).predict(X[:, :1]), "predict"),
        (lambda e: e.fit(X, Y).predict(X * np.nan), r"Argument 'X' of LpRegressor.predict.*NaN"),
    ],
)
def test_estimator_wraps_sklearn_input_errors(call, match):
    with pytest.raises(InvalidParameterError, match=match):
        call(LpRegressor(p=2.0))


def test_rowsample_apply_and_sketch_size_guards():
    S = sensitivity_sample(A, p=2, n_samples=20, scores="leverage", rng=0)
    for bad in ("A", None, np.ones((120, 2, 2)), np.full(120, "x")):
        with pytest.raises(InvalidParameterError, match="'A' of RowSample.apply"):
            S.apply(bad)
    with pytest.raises(TypeError, match="'A' of RowSample.apply must be real"):
        S.apply(AC)
    assert S.apply(A.tolist()).shape == (len(S), 3)
    with pytest.raises(InvalidParameterError, match="'sketch_size' parameter .* at most"):
        leverage_scores(A, method="sketch", sketch_size=10**18, rng=0)


def test_float32_dask_leverage_keeps_dtype():
    da = pytest.importorskip("dask.array")
    tau = leverage_scores(da.from_array(F, chunks=(1500, 6))).compute()
    assert tau.dtype == np.float32
    assert np.max(np.abs(tau / REF - 1)) < 1e-5
    w = lewis_weights(da.from_array(F, chunks=(1500, 6)), p=1).weights.compute()
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, lewis_weights(F, p=1).weights, rtol=1e-6)


@settings(derandomize=True, max_examples=20, deadline=None)
@given(
    n=st.integers(8, 300),
    d=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    method=st.sampled_from(["auto", "cholesky", "qr"]),
    scale=st.sampled_from([1e-20, 1.0, 1e20]),
)
def test_float32_scores_are_float32_in_unit_interval_and_sum_to_d(n, d, seed, method, scale):
    # a float32 Gaussian n x d matrix with n >= 8 > d has full rank with probability 1
    M = (np.random.default_rng(seed).standard_normal((n, d)) * scale).astype(np.float32)
    tau = leverage_scores(M, method=method)
    assert tau.dtype == np.float32 and tau.shape == (n,)
    assert np.all((tau >= 0) & (tau <= 1 + 1e-6))
    assert float(tau.sum(dtype=np.float64)) == pytest.approx(d, rel=1e-5)
