"""lp on dask.array (threaded scheduler): the public lp functions given a dask array equal the
in-memory numpy paths.

Exact leverage scores to 1e-10; sketched leverage and Lewis weights (same rng) to the summation
order of the merged sketch (1e-9 relative); samples drawn with the same rng are identical; the
result does not depend on the chunking (sketch) or on the scheduler (bitwise).
"""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
import dask  # noqa: E402

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.lp import (  # noqa: E402
    leverage_scores,
    lewis_weights,
    lp_regression,
    sensitivity_sample,
)
from samplingstats.lp._dask import is_dask_array  # noqa: E402

CHUNKS = (1000, 2500, 3000, 1500, 4000)  # uneven row chunks, n = 12000


def _data(seed, n=12000, d=6, zero_rows=()):
    rng = np.random.default_rng(seed)
    A = rng.standard_t(3, size=(n, d)) * rng.uniform(0.5, 3.0, size=d)
    A[list(zero_rows)] = 0.0
    chunks = (CHUNKS, 3) if n == sum(CHUNKS) else (n // 3, 3)
    return A, da.from_array(A, chunks=chunks)  # two column chunks: rechunked inside


@pytest.mark.parametrize("method", ["qr", "cholesky", "auto"])
def test_exact_leverage_equals_numpy(method):
    A, D = _data(0)
    tau = leverage_scores(D, method=method)
    assert is_dask_array(tau) and tau.chunks == (CHUNKS,)
    got = tau.compute()
    np.testing.assert_allclose(got, leverage_scores(A, method=method), rtol=0, atol=1e-10)
    assert got.sum() == pytest.approx(6.0, abs=1e-9)


def test_exact_leverage_rcond_and_integer_input():
    rng = np.random.default_rng(1)
    A = rng.integers(-5, 6, size=(3000, 4))
    A = np.hstack([A, A[:, :1] + A[:, 1:2]])  # rank 4 of 5 columns
    D = da.from_array(A, chunks=(700, 5))
    got = leverage_scores(D, rcond=1e-10).compute()
    np.testing.assert_allclose(got, leverage_scores(A, rcond=1e-10), rtol=0, atol=1e-10)
    assert got.sum() == pytest.approx(4.0, abs=1e-9)
    with pytest.raises(InvalidParameterError, match="rank deficient"):
        leverage_scores(D, method="cholesky")
    with pytest.raises(InvalidParameterError, match="rank deficient"):
        leverage_scores(D, method="qr")


def test_sketched_leverage_same_rng_same_scores_any_chunking():
    A, D = _data(2)
    ref = leverage_scores(A, method="sketch", rng=5)
    got = leverage_scores(D, method="sketch", rng=5).compute()
    np.testing.assert_allclose(got, ref, rtol=1e-9)
    # another chunking: the hashed sketch is a function of the global row index
    D2 = da.from_array(A, chunks=(777, 6))
    np.testing.assert_allclose(
        leverage_scores(D2, method="sketch", rng=5).compute(), got, rtol=1e-9
    )
    # a sketch is an approximation: within a constant factor of the exact scores (the in-memory
    # path's stated guarantee), and the rng matters
    exact = leverage_scores(A)
    assert np.median(got / exact) == pytest.approx(1.0, abs=0.25)
    other = leverage_scores(D, method="sketch", rng=6).compute()
    assert not np.allclose(other, got)


def test_sketch_of_chunks_sums_to_sketch_of_matrix():
    from samplingstats._kernels._sketch import osnap_dense_hashed
    from samplingstats.lp._dask import _chunk_sketch

    A, _ = _data(3, n=5000, d=4)
    seed, s, k = 2**62 + 12345, 80, 2  # a seed whose shifted values cross 2^63
    whole = osnap_dense_hashed(A, np.ones(len(A)), seed, s, k, 1)
    parts = sum(
        _chunk_sketch(A[lo:hi], None, seed, lo, s, k, False)[0]
        for lo, hi in [(0, 1234), (1234, 1235), (1235, 4000), (4000, 5000)]
    )
    np.testing.assert_allclose(parts, whole, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("p", "method"), [(1, "auto"), (3, "auto"), (5, "auto"), (2, "auto"), (1.5, "qr")]
)
def test_exact_lewis_weights_equal_numpy(p, method):
    A, D = _data(4, n=6000, zero_rows=(0, 2500, 5999))
    D = D.rechunk(((1000, 1500, 3500), 6))
    ref = lewis_weights(A, p=p, method=method)
    res = lewis_weights(D, p=p, method=method)
    assert is_dask_array(res.weights)
    w = res.weights.compute()
    assert (res.n_iter, res.converged) == (ref.n_iter, ref.converged)
    assert res.converged and res.residual <= 1e-8
    np.testing.assert_allclose(w, ref.weights, rtol=1e-9, atol=1e-14)
    assert w[[0, 2500, 5999]].tolist() == [0.0, 0.0, 0.0]
    assert w.sum() == pytest.approx(6.0, rel=1e-7)


@pytest.mark.parametrize("p", [1, 3])
def test_sketched_lewis_weights_same_rng_equal_numpy(p):
    A, D = _data(5, zero_rows=(17, 9000))
    g_ref, g_got = np.random.default_rng(3), np.random.default_rng(3)
    ref = lewis_weights(A, p=p, method="sketch", rng=g_ref)
    res = lewis_weights(D, p=p, method="sketch", rng=g_got)
    assert res.n_iter == ref.n_iter == 6
    assert res.residual == pytest.approx(ref.residual, rel=1e-9)
    np.testing.assert_allclose(res.weights.compute(), ref.weights, rtol=1e-9, atol=1e-14)
    # the fused dask loop draws exactly what the in-memory loop draws, no more
    assert g_got.integers(2**62) == g_ref.integers(2**62)


@pytest.mark.parametrize("p", [1, 1.5, 2, 3, 5])
@pytest.mark.parametrize("skip_zero", [False, True])
def test_one_pass_lewis_chunk_kernel_equals_the_composed_steps(p, skip_zero):
    # the sketch kind of _fused_chunk is one numba pass over the rows; the reference is the
    # composition of the per-chunk steps (projected_sq_norms, numpy map / ratio, OSNAP sketch)
    from samplingstats.lp._dask import _fused_chunk, _fused_chunk_composed, _fused_chunk_one_pass

    rng = np.random.default_rng(21)
    n, d, r, s = 3001, 7, 16, 140
    X = rng.standard_normal((n, d)) * rng.lognormal(0, 2, (n, 1))
    X[rng.random(n) < 0.15] = 0.0
    X[[0, 1, n - 1]] = 0.0
    nz = np.any(X != 0, axis=1)
    MT = rng.standard_normal((r, d)) * 0.3
    w = np.where(nz, rng.uniform(0.01, 2.0, n), 0.0)
    e = 0.5 - 1 / p
    for seed in (None, 2**63 - 5):
        for k in (1, 2):
            args = (X, w, nz, "sketch", MT, float(r), p, e, 1e-300, seed, 12345, s, k, skip_zero)
            got, ref = _fused_chunk_one_pass(*args), _fused_chunk_composed(*args)
            # the dispatch: the one-pass kernel where its powers are sqrt / reciprocals
            used = _fused_chunk(*args)
            one_pass = p in (1, 2) and seed is not None
            np.testing.assert_array_equal(used[0], (got if one_pass else ref)[0])
            # numpy's power (SIMD, not correctly rounded) vs the C library's pow: ~1 ulp; the
            # projection is the same machine code, and at p = 2 (every power a numpy fast path,
            # reproduced exactly) all three outputs are bitwise equal
            rtol = 0.0 if p == 2 else 1e-12
            assert np.count_nonzero(got[0] > 0) == np.count_nonzero(nz)
            assert np.all(got[0][~nz] == 0.0)
            np.testing.assert_allclose(got[0], ref[0], rtol=rtol, atol=0)
            assert got[1] == pytest.approx(ref[1], rel=rtol, abs=1e-15)
            if seed is None:
                assert got[2] is None and ref[2] is None
                continue
            assert got[2][1] == ref[2][1] == 0
            S, S_ref = got[2][0], ref[2][0]
            assert S.shape == S_ref.shape == ((s // k) * k, d)
            tol = rtol * np.abs(S_ref).max()  # sums of +-scaled rows: absolute, scale of S
            np.testing.assert_allclose(S, S_ref, rtol=0, atol=tol)
            assert np.count_nonzero(S) > d  # not a trivially empty sketch


def test_one_pass_lewis_kernel_does_not_depend_on_the_thread_count():
    # its projection loop is a parfor over independent rows (run on one thread by the dask
    # tasks); any thread count must give the same bits
    numba = pytest.importorskip("numba")
    from samplingstats._kernels._scaleout_lewis import lewis_sketch_chunk

    rng = np.random.default_rng(22)
    n, d = 9000, 5
    X = rng.standard_normal((n, d))
    X[::7] = 0.0
    nz = np.any(X != 0, axis=1)
    w = np.where(nz, rng.uniform(0.1, 1.0, n), 0.0)
    MT = rng.standard_normal((16, d))
    args = (X, w, nz, MT, 16.0, 1.0, -0.5, 1e-300, True, 99, 100, 1, True)
    prev = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = lewis_sketch_chunk(*args)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = lewis_sketch_chunk(*args)
    finally:
        numba.set_num_threads(prev)
    np.testing.assert_array_equal(one[0], two[0])
    assert one[1] == two[1]
    np.testing.assert_array_equal(one[2], two[2])
    assert np.count_nonzero(one[0]) == np.count_nonzero(nz)


def test_sketched_lewis_converging_early_leaves_the_rng_where_numpy_does():
    A, D = _data(16, n=6000)
    g_ref, g_got = np.random.default_rng(4), np.random.default_rng(4)
    ref = lewis_weights(A, p=1, method="sketch", rng=g_ref, tol=0.9, max_iter=6)
    res = lewis_weights(D, p=1, method="sketch", rng=g_got, tol=0.9, max_iter=6)
    assert res.converged and ref.converged and res.n_iter == ref.n_iter < 6
    np.testing.assert_allclose(res.weights.compute(), ref.weights, rtol=1e-9)
    assert g_got.integers(2**62) == g_ref.integers(2**62)


def test_ill_conditioned_auto_lewis_falls_back_to_qr_like_numpy():
    A, _ = _data(17, n=6000, d=4)
    A[:, 3] = A[:, 2] + 1e-8 * A[:, 3]  # cond(A) ~ 1e9: Gram + Cholesky is refused
    D = da.from_array(A, chunks=1500)
    ref = lewis_weights(A, p=1, tol=1e-5)
    res = lewis_weights(D, p=1, tol=1e-5)
    assert (res.n_iter, res.converged) == (ref.n_iter, True)
    np.testing.assert_allclose(res.weights.compute(), ref.weights, rtol=1e-6)


@pytest.mark.parametrize(
    "scores", ["lewis", "leverage", "root_leverage", "sensitivity", "mixed", "uniform"]
)
def test_sensitivity_sample_identical_for_the_same_rng(scores):
    A, D = _data(6)
    ref = sensitivity_sample(A, p=1, n_samples=300, scores=scores, rng=7)
    got = sensitivity_sample(D, p=1, n_samples=300, scores=scores, rng=7)
    np.testing.assert_array_equal(got.indices, ref.indices)
    np.testing.assert_allclose(got.scale, ref.scale, rtol=1e-12)
    np.testing.assert_allclose(got.probabilities, ref.probabilities, rtol=1e-12)


def test_sensitivity_sample_big_input_uses_the_sketch_and_iid_mode():
    # n d >= 4e6 switches the in-memory path to sketched scores: the dask path follows it
    rng = np.random.default_rng(8)
    A = rng.standard_normal((200_000, 20))
    D = da.from_array(A, chunks=(50_000, 20))
    for mode, m in (("bernoulli", 500.0), ("iid", 400)):
        ref = sensitivity_sample(A, p=1, n_samples=m, mode=mode, rng=9)
        got = sensitivity_sample(D, p=1, n_samples=m, mode=mode, rng=9)
        np.testing.assert_array_equal(got.indices, ref.indices)
        np.testing.assert_allclose(got.scale, ref.scale, rtol=1e-12)


def test_sensitivity_sample_with_given_dask_scores():
    A, D = _data(9)
    s = np.random.default_rng(1).uniform(size=len(A))
    ref = sensitivity_sample(A, p=1, n_samples=100, scores=s, rng=2)
    got = sensitivity_sample(D, p=1, n_samples=100, scores=da.from_array(s), rng=2)
    np.testing.assert_array_equal(got.indices, ref.indices)


@pytest.mark.parametrize("p", [1, 1.5])
def test_lp_regression_gathers_only_the_sample_and_equals_numpy(p):
    A, D = _data(10)
    rng = np.random.default_rng(11)
    b = A @ rng.standard_normal(6) + rng.laplace(size=len(A))
    ref = lp_regression(A, b, p=p, n_samples=400, rng=3)
    got = lp_regression(D, da.from_array(b, chunks=2000), p=p, n_samples=400, rng=3)
    np.testing.assert_array_equal(got.sample.indices, ref.sample.indices)
    np.testing.assert_allclose(got.coef, ref.coef, rtol=1e-9, atol=1e-12)
    assert got.cost == pytest.approx(ref.cost, rel=1e-12)
    assert (got.solver, got.converged) == (ref.solver, ref.converged)
    # numpy b works too
    got2 = lp_regression(D, b, p=p, n_samples=400, rng=3)
    np.testing.assert_array_equal(got2.coef, got.coef)


def test_schedulers_give_bitwise_identical_results():
    A, D = _data(12)
    outs = []
    for scheduler in ("threads", "synchronous"):
        with dask.config.set(scheduler=scheduler):
            outs.append(
                (
                    leverage_scores(D, method="sketch", rng=1).compute(),
                    leverage_scores(D).compute(),
                    lewis_weights(D, p=1, method="sketch", rng=2).weights.compute(),
                )
            )
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)


def test_bad_input_messages():
    A, D = _data(13, n=3000)
    bad = A.copy()
    bad[2900, 1] = np.nan
    Dbad = da.from_array(bad, chunks=1000)
    for fn in (
        lambda X: leverage_scores(X).compute(),
        lambda X: leverage_scores(X, method="sketch", rng=0).compute(),
        lambda X: lewis_weights(X, p=1),
    ):
        with pytest.raises(InvalidParameterError, match=r"'A' .*contains NaN or infinite values"):
            fn(Dbad)
    with pytest.raises(InvalidParameterError, match="must be a 2-D array"):
        leverage_scores(da.ones(10, chunks=5))
    with pytest.raises(InvalidParameterError, match="rank deficient"):
        leverage_scores(da.ones((3, 5), chunks=(3, 5)))
    with pytest.raises(InvalidParameterError, match="unknown chunk sizes"):
        leverage_scores(D[D[:, 0] > 0])
    with pytest.raises(TypeError, match="'A' of leverage_scores must be real, got a complex"):
        leverage_scores(da.from_array(np.ones((10, 2), dtype=complex)))
    with pytest.raises(InvalidParameterError, match="real numeric dtype"):
        leverage_scores(da.from_array(np.full((10, 2), "x")))
    with pytest.raises(
        InvalidParameterError, match="'n_samples' parameter of lp_regression must be set"
    ):
        lp_regression(D, np.ones(3000), p=1)
    with pytest.raises(InvalidParameterError, match="inconsistent numbers of samples"):
        lp_regression(D, np.ones(2999), p=1, n_samples=100)
    with pytest.raises(InvalidParameterError, match="at most the number of rows"):
        sensitivity_sample(D, p=1, n_samples=5000)


def test_row_sample_apply_reads_only_the_sampled_rows():
    A, D = _data(14)
    S = sensitivity_sample(D, p=1, n_samples=200, mode="iid", rng=5)  # repeats allowed
    got = S.apply(D)
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, S.apply(A))
    b = np.arange(len(A), dtype=float)
    np.testing.assert_array_equal(S.apply(da.from_array(b, chunks=2000)), S.apply(b))


def test_in_memory_a_with_dask_b_and_mixed_torch():
    A, D = _data(15, n=3000)
    b = A.sum(axis=1) + np.random.default_rng(0).laplace(size=3000)
    ref = lp_regression(A, b, p=1, n_samples=200, rng=1)
    got = lp_regression(A, da.from_array(b, chunks=1000), p=1, n_samples=200, rng=1)
    np.testing.assert_array_equal(got.coef, ref.coef)
    torch = pytest.importorskip("torch")
    with pytest.raises(InvalidParameterError, match="mix a dask array and a torch tensor"):
        lp_regression(D, torch.from_numpy(b), p=1, n_samples=200)


def test_each_chunk_is_read_once_per_pass():
    # Regression: persisting the new weights (a dask array) together with the delayed residual and
    # sketch ran every chunk task twice (dask optimised the array graph on its own, under new
    # keys). A counting chunk source checks the passes: leverage 2, Lewis n_iter + 1 (first pass,
    # then one fused pass per iteration).
    import threading

    calls = {}
    lock = threading.Lock()

    def source(block_id=None):
        with lock:
            calls[block_id[0]] = calls.get(block_id[0], 0) + 1
        return np.random.default_rng([7, block_id[0]]).standard_normal((500, 4))

    def make():
        calls.clear()
        return da.map_blocks(source, dtype=np.float64, chunks=((500,) * 4, (4,)))

    for kw in ({"method": "sketch", "rng": 1}, {}):
        res = lewis_weights(make(), p=1, **kw)
        np.asarray(res.weights)
        assert calls == dict.fromkeys(range(4), res.n_iter + 1), (kw, calls)
        tau = leverage_scores(make(), **kw)
        np.asarray(tau)
        assert calls == dict.fromkeys(range(4), 2), (kw, calls)


def test_regression_noiseless_b_equals_numpy():
    # b = A x exactly: [A b] is rank deficient, both paths fall back to the scores of A with the
    # generator rewound, so they draw the same sample and recover x.
    rng = np.random.default_rng(43)
    A = rng.standard_normal((3000, 4))
    x = np.array([1.0, -2.0, 0.5, 3.0])
    b = A @ x
    D, bd = da.from_array(A, chunks=(700, 4)), da.from_array(b, chunks=700)
    for p in (1.0, 3.0):
        ref = lp_regression(A, b, p=p, n_samples=200, rng=5)
        got = lp_regression(D, bd, p=p, n_samples=200, rng=5)
        np.testing.assert_array_equal(got.sample.indices, ref.sample.indices)
        np.testing.assert_allclose(got.coef, x, rtol=0, atol=1e-6)
    with pytest.raises(InvalidParameterError, match="'A' of lp_regression is rank deficient"):
        lp_regression(
            da.from_array(np.hstack([A, A[:, :1]]), chunks=(700, 5)), bd, p=1, n_samples=200, rng=5
        )
