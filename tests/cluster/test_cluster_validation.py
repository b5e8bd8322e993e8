"""Validation cases of the method note (seeded) with cvxpy/SCS as the oracle on small problems."""

import itertools
import warnings

import numpy as np
import pytest

from samplingstats import ConvergenceWarning, InvalidParameterError
from samplingstats.cluster import (
    ILASDP,
    SDPKMeans,
    exact_recovery_threshold,
    make_heterogeneous_mixture,
    make_isotropic_mixture,
    misclustering_error,
    sdp_kmeans,
)
from samplingstats.cluster._cvx import la_sdp_cvxpy, peng_wei_cvxpy
from samplingstats.cluster._ilasdp import dense_blocks, la_sdp_blocks, la_sdp_step


def _pw_value(X, res):
    Xc = X - X.mean(axis=0)
    A = Xc @ Xc.T
    _, value, status = peng_wei_cvxpy(A, 3, eps=1e-5)
    assert status == "optimal"
    return value


# ---------------------------------------------------------------------------------------------
# misclustering_error
# ---------------------------------------------------------------------------------------------
def test_misclustering_error_matches_brute_force_over_permutations():
    rng = np.random.default_rng(1)
    for _ in range(30):
        K = int(rng.integers(1, 5))
        yt = rng.integers(0, K, size=25)
        yp = rng.integers(0, K, size=25)
        best = min(np.mean(np.asarray(perm)[yp] != yt) for perm in itertools.permutations(range(K)))
        assert misclustering_error(yt, yp) == pytest.approx(best, abs=1e-12)


def test_misclustering_error_label_sets_and_counts_may_differ():
    assert misclustering_error(["a", "a", "b"], [7, 7, 3]) == 0.0
    # three predicted clusters against two true ones: the unmatched cluster counts as errors
    assert misclustering_error([0, 0, 1, 1], [0, 2, 1, 1]) == pytest.approx(0.25)


# ---------------------------------------------------------------------------------------------
# Peng-Wei SDP by Burer-Monteiro vs cvxpy/SCS
# ---------------------------------------------------------------------------------------------
def test_bm_objective_matches_cvxpy_in_exact_recovery_regime():
    rng = np.random.default_rng(2)
    n, d, K = 60, 10, 3
    sep = 1.2 * exact_recovery_threshold(n, d, K)
    X, y = make_isotropic_mixture(n, d, K, separation=sep, rng=rng)
    res = sdp_kmeans(X, K, rng=rng)
    ref = _pw_value(X, res)
    # note: within 1e-4 (relative) of SCS(eps=1e-5) in the exact-recovery regime
    assert abs(res.objective - ref) <= 1e-4 * abs(ref)
    # the Ky Fan bound is a certified upper bound on the SDP optimum
    assert ref <= res.upper_bound * (1 + 1e-6) and 0 < res.gap < 0.2
    assert misclustering_error(y, res.labels) == 0.0
    ref_res = sdp_kmeans(X, K, solver="cvxpy", rng=rng)
    assert misclustering_error(y, ref_res.labels) == 0.0
    assert ref_res.objective == pytest.approx(ref, rel=1e-6)
    # exact recovery: the SDP solution is the cluster membership matrix, so Z1 = 1 and the
    # objective equals the K-means value of the true partition: sum_k n_k |mean_k|^2
    Xc = X - X.mean(axis=0)
    truth = sum(np.sum(y == k) * np.sum(Xc[y == k].mean(axis=0) ** 2) for k in range(K))
    assert res.objective == pytest.approx(truth, rel=1e-4)


def test_bm_objective_close_to_cvxpy_in_noisy_regime():
    rng = np.random.default_rng(3)
    n, d, K = 60, 10, 3
    # below the exact-recovery cutoff: the SDP solution is not a partition matrix
    sep = 0.7 * exact_recovery_threshold(n, d, K)
    X, _ = make_isotropic_mixture(n, d, K, separation=sep, rng=rng)
    res = sdp_kmeans(X, K, rng=rng)
    ref = _pw_value(X, res)
    # note: within 2e-3 (relative) in a noisy regime; BM cannot exceed the SDP optimum by more
    # than its (tiny) infeasibility allows
    assert abs(res.objective - ref) <= 2e-3 * abs(ref)
    assert res.objective <= ref * (1 + 1e-4)
    assert ref <= res.upper_bound * (1 + 1e-6)


def test_certified_dual_bound_against_scs():
    rng = np.random.default_rng(18)
    n, d, K = 60, 10, 3
    for factor, tight in ((1.2, 5e-3), (0.7, 3e-2)):
        X, _ = make_isotropic_mixture(
            n, d, K, separation=factor * exact_recovery_threshold(n, d, K), rng=rng
        )
        res = sdp_kmeans(X, K, rng=rng, tol=1e-8, certify=True)
        ref = _pw_value(X, res)
        # a valid bound: above the SDP optimum (SCS is accurate to about eps = 1e-5)
        assert res.dual_bound >= ref * (1 - 1e-5)
        assert res.dual_bound <= res.upper_bound
        # 1e-7 to 1e-3 in the exact-recovery regime on our draws, about 1 % below it
        assert abs(res.duality_gap) <= tight
    with pytest.raises(InvalidParameterError, match="certify=True needs solver='bm'"):
        sdp_kmeans(np.random.default_rng(0).normal(size=(1001, 2)), 2, certify=True)


def test_bm_result_is_feasible_and_diagnosed():
    rng = np.random.default_rng(4)
    X, _ = make_isotropic_mixture(400, 5, 4, separation=5.0, rng=rng)
    res = sdp_kmeans(X, 4, tol=1e-6, rng=rng)
    U = res.factor
    assert res.converged and res.status == "converged"
    assert U.shape == (400, 8) and U.min() >= 0.0
    assert np.sum(U * U) == pytest.approx(4.0, rel=1e-12)  # tr Z = K exactly (projection)
    rowsums = U @ U.sum(axis=0)
    assert np.linalg.norm(rowsums - 1) / np.sqrt(400) == pytest.approx(res.residual, rel=1e-9)
    assert res.residual <= 1e-5 and res.stationarity <= 1e-3
    assert res.inertia == pytest.approx(np.sum((X - res.centers[res.labels]) ** 2), rel=1e-12)


def test_v0_exact_recovery_bm_sdpkmeans_and_ilasdp():
    # n = 500, d = 10, K = 3 at 1.2 x the Chen-Yang cutoff: exact recovery w.h.p.
    rng = np.random.default_rng(5)
    n, d, K = 500, 10, 3
    X, y = make_isotropic_mixture(
        n, d, K, separation=1.2 * exact_recovery_threshold(n, d, K), rng=rng
    )
    assert misclustering_error(y, sdp_kmeans(X, K, rng=rng).labels) == 0.0
    assert misclustering_error(y, SDPKMeans(K, random_state=1).fit(X).labels_) == 0.0
    assert misclustering_error(y, ILASDP(K, random_state=1).fit(X).labels_) == 0.0


def test_v0_reduction_ilasdp_agrees_with_peng_wei_on_homogeneous_data():
    rng = np.random.default_rng(6)
    n, d, K = 600, 5, 3
    X, y = make_isotropic_mixture(n, d, K, separation=5.0, rng=rng)
    pw = sdp_kmeans(X, K, rng=rng).labels
    ila = ILASDP(K, init="sdp", random_state=2).fit(X).labels_
    assert 1.0 - misclustering_error(pw, ila) >= 0.99


def test_la_sdp_blocks_reduce_to_peng_wei_with_equal_isotropic_covariances():
    # With Sigma_k = s^2 I for all k, sum_k <B_k, Z_k> = <X X^T / (2 s^2), sum_k Z_k> + const
    # for every feasible (Z_k): check the constant is the same on two different partitions.
    rng = np.random.default_rng(7)
    n, d, K, s2 = 12, 3, 3, 2.5
    X = rng.normal(size=(n, d))
    means = rng.normal(size=(K, d))  # the blocks do not depend on the centring point
    blocks, scale, shift = la_sdp_blocks(X, means, np.stack([s2 * np.eye(d)] * K), rank=1)
    Bs = [scale * B for B in dense_blocks(blocks)]
    diffs = []
    for _ in range(3):
        lab = rng.permutation(np.arange(n) % K)
        Zs = [np.outer(lab == k, lab == k) / np.sum(lab == k) for k in range(K)]
        la = sum(np.sum(B * Z) for B, Z in zip(Bs, Zs))
        pw = np.sum((X @ X.T) / (2 * s2) * sum(Zs))
        diffs.append(la - pw)
    np.testing.assert_allclose(diffs, diffs[0], rtol=0, atol=1e-9)


def test_la_sdp_bm_matches_cvxpy_on_a_small_problem():
    rng = np.random.default_rng(8)
    X, y, _ = make_heterogeneous_mixture(45, 3, scale=5.0, rng=rng)
    K = 3
    from samplingstats.cluster._ilasdp import _params

    params, _, _ = _params(X, y, K, "ledoit_wolf")
    # rank 4 per block, as ILASDP uses (rank 2 from this start stalls at a local optimum)
    member, value, st = la_sdp_step(X, params, y, K, 4, 1e-7, rng, 20000)
    blocks, scale, shift = la_sdp_blocks(X, params[1], params[2], 4)
    Zs, ref, status = la_sdp_cvxpy(dense_blocks(blocks), eps=1e-6)
    ref = scale * ref - shift * X.shape[0]
    assert status == "optimal" and st.converged
    assert abs(value - ref) <= 2e-3 * abs(ref)
    np.testing.assert_allclose(member.sum(axis=1), 1.0, atol=1e-3)  # shared row-sum constraint
    assert misclustering_error(y, member.argmax(axis=1)) == misclustering_error(
        y, np.stack([Z.sum(axis=1) for Z in Zs], axis=1).argmax(axis=1)
    )


# ---------------------------------------------------------------------------------------------
# Heterogeneous mixtures (V1 - V2); the averaged claims live in benchmarks/bench_cluster.py
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_v1_ilasdp_matches_em():
    from sklearn.mixture import GaussianMixture

    rng = np.random.default_rng(9)
    X, y, _ = make_heterogeneous_mixture(1500, 10, rng=rng)
    ila = misclustering_error(y, ILASDP(3, random_state=0).fit(X).labels_)
    em = misclustering_error(y, GaussianMixture(3, random_state=0).fit_predict(X))
    # Bayes error about 0.05 here; note: ILASDP <= EM + 0.005
    assert ila <= em + 0.005
    assert ila < 0.08


@pytest.mark.slow
def test_v2_ilasdp_high_dimension_small_sample():
    rng = np.random.default_rng(10)
    for _ in range(2):
        X, y, _ = make_heterogeneous_mixture(300, 50, rng=rng)
        model = ILASDP(3, random_state=0).fit(X)
        # note: worst case <= 0.20 (EM reaches 0.38 on such draws)
        assert misclustering_error(y, model.labels_) <= 0.20
        assert np.all(np.isfinite(model.covariances_))


# ---------------------------------------------------------------------------------------------
# Sketch-and-lift
# ---------------------------------------------------------------------------------------------
def test_uniform_sketch_matches_kmeans_error():
    from sklearn.cluster import KMeans

    from samplingstats.cluster._sdp import _nearest, cluster_means

    rng = np.random.default_rng(12)
    n, d, K = 20000, 5, 3
    X, y = make_isotropic_mixture(n, d, K, separation=4.0, rng=rng)
    # the default (sketch="auto") sketches: min(max(1000, 50K, 20Kd), 5000, n // 8) = 1000 points
    res = sdp_kmeans(X, K, rng=rng)
    assert res.sketch_size == 1000 and res.sample_indices.shape == (1000,)
    assert res.tol == 1e-4
    err = misclustering_error(y, res.labels)
    km = misclustering_error(y, KMeans(K, n_init=3, random_state=0).fit_predict(X))
    # note target: error <= 1.1 x full K-means (plus one point of slack per 1000)
    assert err <= 1.1 * km + 1e-3
    # the lift ends at a Lloyd fixed point on all points: every point is nearest its own mean
    np.testing.assert_array_equal(_nearest(X, cluster_means(X, res.labels, K)), res.labels)


def test_auto_sketch_size_rule():
    from samplingstats.cluster._sdp import auto_sketch_size

    assert auto_sketch_size(7999, 3, 10) is None  # n // 8 < 1000: the full SDP
    assert auto_sketch_size(8000, 3, 10) == 1000  # the floor
    assert auto_sketch_size(10_000, 3, 10) == 1000
    assert auto_sketch_size(10_000, 3, 50) == 1250  # n // 8
    assert auto_sketch_size(100_000, 3, 50) == 3000  # 20 K d
    assert auto_sketch_size(100_000, 3, 200) == 5000  # the cap
    assert auto_sketch_size(10**6, 3, 1) == 1000
    assert auto_sketch_size(10**6, 200, 1) == 10_000  # 50 K, above the cap
    assert auto_sketch_size(60_000, 200, 1) is None  # n // 8 = 7500 < 50 K = 10000


def test_auto_sketch_is_the_documented_uniform_sketch():
    X, y = make_isotropic_mixture(8000, 3, 3, separation=5.0, rng=40)
    auto = SDPKMeans(3, random_state=7).fit(X)
    assert auto.result_.sketch_size == 1000 and auto.result_.tol == 1e-4
    explicit = SDPKMeans(3, sketch="uniform", sketch_size=1000, tol=1e-4, random_state=7).fit(X)
    np.testing.assert_array_equal(auto.labels_, explicit.labels_)
    np.testing.assert_array_equal(auto.result_.sample_indices, explicit.result_.sample_indices)
    # below 8000 points, or with sketch=None, the SDP is solved on all points at tol 1e-6
    small = sdp_kmeans(X[:1000], 3, rng=0)
    assert small.sketch_size is None and small.sample_indices is None and small.tol == 1e-6
    # an explicit size with "auto" sketches whatever n
    forced = sdp_kmeans(X[:1000], 3, sketch_size=200, rng=0)
    assert forced.sketch_size == 200 and forced.tol == 1e-4


def test_auto_sketch_keeps_two_percent_clusters():
    # the auto sketch has at least 1000 points: a cluster of 2 % expects 20 of them (hypergeometric;
    # P(fewer than 6) < 1e-4), enough for the SDP on the sketch to give it a centroid, and Lloyd
    # on all points finishes the job. With 150 points (3 expected) the small clusters were lost.
    rng = np.random.default_rng(41)
    y = np.repeat(np.arange(3), [9600, 200, 200])
    centres = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    X = centres[y] + rng.normal(size=(y.size, 2))
    res = sdp_kmeans(X, 3, rng=rng)
    assert res.sketch_size == 1000
    assert np.bincount(y[res.sample_indices], minlength=3).min() >= 6
    # 8 sigma apart: the Bayes error is below 1e-4; one point in 1000 of slack
    assert misclustering_error(y, res.labels) <= 1e-3


def test_weighted_sketch_keeps_small_clusters():
    rng = np.random.default_rng(13)
    sizes = [9000, 500, 500]
    centres = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    y = np.repeat(np.arange(3), sizes)
    X = centres[y] + rng.normal(size=(y.size, 2))
    res = sdp_kmeans(X, 3, sketch="weighted", sketch_size=150, rng=rng)
    # inclusion probabilities ~ 1/cluster size: each cluster expects 50 sketch points
    # (uniform sampling would expect 7.5 from each small cluster)
    counts = np.bincount(y[res.sample_indices], minlength=3)
    assert counts.min() >= 25  # Poisson-binomial with mean 50: P(< 25) < 1e-4
    assert misclustering_error(y, res.labels) < 0.01


# ---------------------------------------------------------------------------------------------
# Diagnostics and determinism
# ---------------------------------------------------------------------------------------------
def test_convergence_warning_when_iterations_run_out():
    rng = np.random.default_rng(14)
    X, _ = make_isotropic_mixture(200, 4, 3, separation=3.0, rng=rng)
    with pytest.warns(ConvergenceWarning, match="Burer-Monteiro stopped after 3 iterations"):
        res = sdp_kmeans(X, 3, max_iter=3, rng=rng)
    assert not res.converged and res.status == "max_iter"
    assert np.all(np.isfinite(res.factor))


def test_same_seed_same_result_and_generator_advances():
    rng = np.random.default_rng(15)
    X, _ = make_isotropic_mixture(150, 3, 3, separation=3.0, rng=rng)
    a = sdp_kmeans(X, 3, rng=42)
    b = sdp_kmeans(X, 3, rng=42)
    np.testing.assert_array_equal(a.factor, b.factor)
    np.testing.assert_array_equal(a.labels, b.labels)


def test_single_cluster_and_ilasdp_constant_feature():
    rng = np.random.default_rng(16)
    X = rng.normal(size=(40, 3))
    res = sdp_kmeans(X, 1)
    assert np.all(res.labels == 0)
    X[:, 2] = 1.0  # singular covariance: regularised, never NaN
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = ILASDP(2, random_state=0).fit(X)
    assert np.all(np.isfinite(model.predict_proba(X)))
    assert np.all(np.isfinite(model.covariances_))


def test_ilasdp_warns_when_iterations_run_out():
    rng = np.random.default_rng(17)
    X, y, _ = make_heterogeneous_mixture(600, 10, rng=rng)
    # one outer iteration from a k-means start cannot settle the partition of this mixture
    with pytest.warns(ConvergenceWarning, match="ILASDP did not converge in max_iter=1"):
        model = ILASDP(3, max_iter=1, refine=False, random_state=0).fit(X)
    assert not model.converged_ and model.n_iter_ == 1
    assert np.isfinite(model.log_likelihood_)


def test_ilasdp_cvxpy_solver_agrees_with_bm():
    rng = np.random.default_rng(19)
    X, y, _ = make_heterogeneous_mixture(45, 3, scale=6.0, rng=rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = ILASDP(3, solver="cvxpy", max_iter=2, random_state=0).fit(X)
        bm = ILASDP(3, max_iter=2, random_state=0).fit(X)
    assert misclustering_error(ref.labels_, bm.labels_) == 0.0
    assert ref.log_likelihood_ == pytest.approx(bm.log_likelihood_, rel=1e-6)
    with pytest.raises(InvalidParameterError, match="at most 150 points"):
        ILASDP(3, solver="cvxpy").fit(np.vstack([X] * 4))


# ---------------------------------------------------------------------------------------------
# The partition certificate (dual bound in O(n p^2)) and the certified fast path
# ---------------------------------------------------------------------------------------------
def test_partition_certificate_is_a_valid_bound_and_tight_above_the_cutoff():
    from samplingstats.cluster._certificate import partition_bound

    rng = np.random.default_rng(21)
    n, d, K = 30, 6, 3
    for factor in (1.3, 0.8, 0.4):
        X, y = make_isotropic_mixture(
            n, d, K, separation=factor * exact_recovery_threshold(n, d, K), rng=rng
        )
        Xc = X - X.mean(axis=0)
        _, ref, status = peng_wei_cvxpy(Xc @ Xc.T, K, eps=1e-6)
        assert status == "optimal"
        # any partition (true, perturbed, random) gives a valid upper bound on the SDP optimum
        perturbed = y.copy()
        perturbed[:5] = (perturbed[:5] + 1) % K
        for labels in (y, perturbed, rng.permutation(np.arange(n) % K)):
            bound, value = partition_bound(Xc, labels, K)
            assert bound >= ref * (1 - 1e-5)  # SCS is accurate to about eps
            assert value <= ref * (1 + 1e-5)  # a partition is feasible
        if factor > 1:  # exact recovery: the true partition is certified optimal
            bound, value = partition_bound(Xc, y, K)
            assert abs(bound - value) <= 1e-9 * value
            assert value == pytest.approx(ref, rel=1e-5)


def test_certified_start_skips_the_iterations():
    rng = np.random.default_rng(22)
    n, d, K = 2000, 10, 4
    X, y = make_isotropic_mixture(
        n, d, K, separation=1.2 * exact_recovery_threshold(n, d, K), rng=rng
    )
    res = sdp_kmeans(X, K, rng=rng)
    # n_iter counts the Lloyd iterations of the start only: Burer-Monteiro did not run
    assert res.status == "certified" and res.converged and 1 <= res.n_iter <= 300
    assert misclustering_error(y, res.labels) == 0.0
    assert abs(res.duality_gap) <= 1e-9 and res.residual <= 1e-12
    U = res.factor
    assert U.shape == (n, 2 * K) and U.min() >= 0 and np.sum(U * U) == pytest.approx(K)
    # below the cutoff the start is not certified: Burer-Monteiro runs, and the certificate of
    # the rounded partition is still a valid bound (above the relaxed objective)
    X, _ = make_isotropic_mixture(300, d, 3, separation=3.0, rng=rng)
    res = sdp_kmeans(X, 3, rng=rng)
    assert res.status == "converged" and res.n_iter > 10
    assert res.dual_bound >= res.objective * (1 - 1e-4) and res.dual_bound <= res.upper_bound


# ---------------------------------------------------------------------------------------------
# Burer-Monteiro internals: the fast Peng-Wei evaluation and the warm start
# ---------------------------------------------------------------------------------------------
def test_fast_peng_wei_evaluation_matches_the_generic_one():
    from samplingstats.cluster._bm import Block, _evaluate, _FastPW

    rng = np.random.default_rng(30)
    n, d, r = 500, 7, 6
    block = Block(Y=rng.standard_normal((n, d)), a=None, c=0.0, rank=r, trace=3.0)
    U, y = rng.random((n, r)), rng.standard_normal(n)
    fast = _FastPW(block, n)
    for beta in (0.0, 1.3):
        for a, b in zip(_evaluate(U, [block], [0, r], y, beta), fast(U, y, beta)):
            assert np.allclose(a, b, rtol=1e-12, atol=1e-12 * np.max(np.abs(a)))


def test_warm_start_multiplier_makes_the_lifted_partition_stationary():
    # y_i = (2 x_i . mean_a - |mean_a|^2) / scale: the gradient of the Lagrangian vanishes on
    # the partition's support (any partition), so the warm start is a KKT point up to the noise
    from samplingstats.cluster import _sdp
    from samplingstats.cluster._bm import Block, _evaluate

    rng = np.random.default_rng(31)
    X, _ = make_isotropic_mixture(240, 6, 3, separation=3.0, rng=rng)
    Xc = X - X.mean(axis=0)
    scale = float(np.sum(Xc * Xc)) / 240
    labels = rng.permutation(np.arange(240) % 3)
    old = _sdp.WARM_NOISE
    try:
        _sdp.WARM_NOISE = 0.0
        U0, y0 = _sdp._warm_start(Xc, labels, 3, 6, scale, rng)
    finally:
        _sdp.WARM_NOISE = old
    block = Block(Y=np.sqrt(2.0 / scale) * Xc, a=None, c=0.0, rank=6, trace=3.0)
    _, grad, _, res, gscale = _evaluate(U0, [block], [0, 6], y0, 1.0)
    assert np.max(np.abs(res)) <= 1e-12  # a partition matrix is feasible
    support = U0 > 0
    assert np.max(np.abs(grad[support])) <= 1e-10 * gscale
    assert np.max(np.abs(grad[~support])) > 1e-3 * gscale / np.sqrt(240)  # off support: not 0


def test_hard_mixture_warm_started_bm_and_certificate():
    # below the cutoff: BM runs from the lifted start, the rounded labels are at least as good
    # as the start's (same seed), and the reported certificate is a valid bound above the
    # relaxed objective, which in turn is above every partition's value
    from samplingstats.cluster._certificate import partition_bound

    X, y = make_isotropic_mixture(1500, 10, 3, separation=4.0, rng=32)
    res = sdp_kmeans(X, 3, rng=0)
    assert res.status == "converged" and res.converged
    Xc = X - X.mean(axis=0)
    _, value = partition_bound(Xc, res.labels, 3)
    assert value <= res.objective * (1 + 1e-4) <= res.dual_bound * (1 + 2e-4)
    assert 0 < res.duality_gap < 0.2
    from sklearn.cluster import KMeans

    km = KMeans(3, n_init=10, random_state=0).fit(X)
    # same Lloyd basin: at most a few points apart
    assert misclustering_error(y, res.labels) <= misclustering_error(y, km.labels_) + 3 / 1500
