"""API, shapes, determinism, backends and kernel-level exact checks for samplingstats.walks."""

import networkx as nx
import numpy as np
import pytest
from scipy import stats

from samplingstats.walks import (
    GraphEstimateResult,
    SRRWResult,
    WalkGraph,
    WalkResult,
    graph_average,
    random_walk,
    sa_srrw,
    self_repellent_walk,
    srrw_asymptotic_covariance,
)

KARATE = nx.karate_club_graph()


@pytest.fixture
def torch_one_thread():
    # torch's OpenMP pool and numba's threads spin against each other on a small shared machine;
    # the CPU torch tests are tiny, so run them on one torch thread (restored afterwards).
    torch = pytest.importorskip("torch")
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(old)


def _is_valid_trace(graph, trace, allow_stay=False):
    A = nx.to_scipy_sparse_array(graph, nodelist=list(graph.nodes()), format="csr")
    a, b = trace[:, :-1].ravel(), trace[:, 1:].ravel()
    adj = np.asarray(A[a, b]).ravel() != 0
    if allow_stay:
        adj |= a == b
    return bool(adj.all())


@pytest.mark.parametrize("chain", ["srw", "mhrw", "nbrw"])
def test_random_walk_shapes_and_adjacency(chain):
    rng = np.random.default_rng(0)
    res = random_walk(KARATE, n_steps=500, chain=chain, n_walkers=70, rng=rng)
    assert isinstance(res, WalkResult)
    assert res.trace.shape == (70, 501) and res.trace.dtype == np.int64
    assert res.n_walkers == 70 and res.n_steps == 500
    assert _is_valid_trace(KARATE, res.trace, allow_stay=(chain == "mhrw"))
    counts = res.visit_counts()
    assert counts.shape == (70, 34) and counts.sum() == 70 * 500
    assert res.visit_counts(burn_in=100).sum() == 70 * 400


def test_nbrw_never_backtracks_above_degree_one():
    rng = np.random.default_rng(1)
    G = nx.lollipop_graph(5, 4)  # has a degree-1 end node
    tr = random_walk(G, n_steps=2000, chain="nbrw", n_walkers=8, rng=rng).trace
    deg = np.array([d for _, d in G.degree()])
    back = tr[:, 2:] == tr[:, :-2]
    at = tr[:, 1:-1]
    assert not back[deg[at] > 1].any()
    assert back[deg[at] == 1].all()
    assert (deg[at] == 1).any()


def test_seed_reproducible_and_inputs_equivalent():
    A = nx.to_scipy_sparse_array(KARATE, weight=None, format="csr")
    r1 = random_walk(A, n_steps=200, n_walkers=3, rng=5).trace
    r2 = random_walk(A.toarray(), n_steps=200, n_walkers=3, rng=5).trace
    r3 = random_walk(KARATE, n_steps=200, n_walkers=3, rng=5, start=None)
    r4 = random_walk(WalkGraph(KARATE, weight=None), n_steps=200, n_walkers=3, rng=5).trace
    np.testing.assert_array_equal(r1, r2)
    np.testing.assert_array_equal(r1, r4)
    assert r3.nodes == list(KARATE.nodes())
    assert not np.array_equal(r1, random_walk(A, n_steps=200, n_walkers=3, rng=6).trace)


def test_start_nodes_and_labels():
    G = nx.relabel_nodes(nx.path_graph(4), {0: "a", 1: "b", 2: "c", 3: "d"})
    res = random_walk(G, n_steps=3, start="b", n_walkers=2, rng=0)
    assert (res.trace[:, 0] == 1).all()
    res = random_walk(G, n_steps=3, start=["a", "d"], n_walkers=2, rng=0)
    assert res.trace[:, 0].tolist() == [0, 3]
    assert res.nodes[res.trace[0, 1]] == "b"
    A = nx.to_scipy_sparse_array(nx.path_graph(4))
    assert (random_walk(A, n_steps=0, start=np.int64(2), rng=0).trace == 2).all()


def test_thread_count_does_not_change_results():
    numba = pytest.importorskip("numba")
    g = WalkGraph(KARATE)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = random_walk(g, n_steps=300, chain="mhrw", n_walkers=100, rng=3).trace
        sa = self_repellent_walk(g, n_steps=300, alpha=2.0, n_walkers=100, rng=3, record_trace=True)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = random_walk(g, n_steps=300, chain="mhrw", n_walkers=100, rng=3).trace
        sb = self_repellent_walk(g, n_steps=300, alpha=2.0, n_walkers=100, rng=3, record_trace=True)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sa.trace, sb.trace)
    np.testing.assert_array_equal(sa.empirical_measure, sb.empirical_measure)


@pytest.mark.parametrize(
    "chain, weight, kind",
    [("srw", "weight", 1), ("mhrw", "weight", 1), ("srw", None, 0), ("mhrw", None, 3)],
)
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_one_step_distribution_matches_transition_matrix(chain, weight, kind, backend):
    # Exact oracle: from a fixed start, the first step of 40000 walkers is multinomial with the
    # row of P (weighted karate: weighted RW / inverse-CDF kernel; unweighted: uniform slot for
    # SRW and uniform proposal + acceptance for MHRW with a random target). Chi-square p > 1e-4
    # fails with probability 1e-4 under the null.
    if backend == "torch":
        pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    g = WalkGraph(KARATE, weight=weight)
    target = rng.uniform(0.5, 2.0, 34) if chain == "mhrw" else None
    assert g.chain(chain, None).kind == kind
    P = g.transition_matrix(chain, target=target).toarray()
    start = 33
    tr = random_walk(
        g,
        n_steps=1,
        chain=chain,
        target=target,
        n_walkers=40000,
        start=start,
        rng=rng,
        backend=backend,
    ).trace
    tr = np.asarray(tr)
    obs = np.bincount(tr[:, 1], minlength=34)
    p = P[start]
    support = p > 0
    assert obs[~support].sum() == 0
    res = stats.chisquare(obs[support], 40000 * p[support])
    assert res.pvalue > 1e-4


def test_mhrw_transition_matrix_is_reversible_with_target():
    rng = np.random.default_rng(2)
    g = WalkGraph(KARATE, weight=None)
    pi = rng.uniform(0.5, 2.0, 34)
    pi /= pi.sum()
    P = g.transition_matrix("mhrw", target=pi).toarray()
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-12)
    F = pi[:, None] * P
    np.testing.assert_allclose(F, F.T, atol=1e-15)
    Ps = g.transition_matrix("srw").toarray()
    deg = g.degree
    np.testing.assert_allclose(Ps, (g.transition_matrix("srw").toarray() > 0) / deg[:, None])


def test_srrw_kernel_one_step_matches_K():
    # Exact oracle for the SRRW step: prepare visit masses y, take one step from node i with
    # 40000 walkers, compare with K_ij[x] = P_ij (x_j/mu_j)^-alpha / sum_k ... (chi-square, false
    # failure 1e-4).
    from samplingstats._kernels._walk import seed_states, srrw_kernel

    rng = np.random.default_rng(7)
    g = WalkGraph(KARATE, weight=None)
    ch = g.chain("mhrw")
    W, alpha, i = 40000, 3.0, 0
    y0 = rng.uniform(0.2, 3.0, 34) * ch.mu
    y = np.tile(y0, (W, 1))
    scale = np.full(W, 1.0 / y0.sum())
    trace = np.empty((W, 2), dtype=np.int64)
    srrw_kernel(
        g.indptr,
        g.indices,
        ch.prob,
        ch.selfp,
        ch.mu,
        np.array([alpha]),
        1.0,
        np.full(W, i, dtype=np.int64),
        1,
        seed_states(rng, W),
        32,
        y,
        scale,
        trace,
        True,
        int(g.degree.max()),
    )
    P = g.transition_matrix("mhrw").toarray()
    x = y0 / y0.sum()
    k = P[i] * (x / ch.mu) ** (-alpha)
    k /= k.sum()
    obs = np.bincount(trace[:, 1], minlength=34)
    sup = k > 0
    assert obs[~sup].sum() == 0
    assert stats.chisquare(obs[sup], W * k[sup]).pvalue > 1e-4
    # the measure update: x_1 = x_0 + (delta - x_0)/2 for step size 1/(n+1)
    x1 = y * scale[:, None]
    np.testing.assert_allclose(x1[0], 0.5 * x + 0.5 * np.eye(34)[trace[0, 1]], atol=1e-12)


def test_srrw_result_and_alpha_zero_equals_visit_frequencies():
    rng = np.random.default_rng(3)
    res = self_repellent_walk(
        KARATE, n_steps=1000, alpha=0.0, n_walkers=2, record_trace=True, rng=rng
    )
    assert isinstance(res, SRRWResult)
    x = res.empirical_measure
    np.testing.assert_allclose(x.sum(axis=1), 1.0)
    counts = np.stack([np.bincount(t[1:], minlength=34) for t in res.trace])
    np.testing.assert_allclose(x, (counts + res.target) / 1001, atol=1e-12)
    assert res.squared_error().shape == (2,)


def test_srrw_step_exponent_and_schedule_and_large_alpha():
    rng = np.random.default_rng(4)
    sched = np.where(np.arange(5000) < 2500, 1.0, 8.0)
    res = self_repellent_walk(
        KARATE, n_steps=5000, alpha=sched, step_exponent=0.6, n_walkers=3, rng=rng
    )
    np.testing.assert_allclose(res.empirical_measure.sum(axis=1), 1.0)
    assert np.all(res.empirical_measure > 0)
    # huge alpha and fast-decaying steps: the renormalisation and clamping keep it finite
    res = self_repellent_walk(
        KARATE, n_steps=50000, alpha=200.0, step_exponent=0.55, chain="mhrw", n_walkers=2, rng=rng
    )
    x = res.empirical_measure
    assert np.all(np.isfinite(x)) and np.all(x >= 0)
    assert np.abs(x - res.target).sum(axis=1).max() < 0.2


def test_srrw_reduces_error_on_small_graph():
    rng = np.random.default_rng(5)
    e0 = self_repellent_walk(
        KARATE, n_steps=20000, alpha=0.0, n_walkers=32, rng=rng
    ).squared_error()
    e5 = self_repellent_walk(
        KARATE, n_steps=20000, alpha=5.0, n_walkers=32, rng=rng
    ).squared_error()
    # theory: tr V(5) / tr V(0) < 0.2; with 32 walkers the ratio of means is far below 0.5
    assert e5.mean() < 0.5 * e0.mean()


def test_asymptotic_covariance_properties():
    V0 = srrw_asymptotic_covariance(KARATE, alpha=0.0)
    V1 = srrw_asymptotic_covariance(KARATE, alpha=1.0)
    assert V0.shape == (34, 34)
    np.testing.assert_allclose(V0, V0.T)
    np.testing.assert_allclose(V0.sum(axis=1), 0.0, atol=1e-12)
    assert np.linalg.eigvalsh(V0).min() > -1e-12
    assert np.linalg.eigvalsh(V0 - V1).min() > -1e-12  # V decreases in Loewner order


def test_asymptotic_covariance_alpha_zero_is_markov_clt():
    # Brute-force oracle: V(0) = D(Z - 1 mu^T) + (Z - 1 mu^T)^T D - D + mu mu^T ... written via
    # the fundamental matrix Z = (I - P + 1 mu^T)^-1: V = D Z + Z^T D - D - mu mu^T.
    g = WalkGraph(KARATE)
    P = g.transition_matrix("srw").toarray()
    mu = g.chain("srw").mu
    Z = np.linalg.inv(np.eye(34) - P + np.outer(np.ones(34), mu))
    D = np.diag(mu)
    V = D @ Z + Z.T @ D - D - np.outer(mu, mu)
    np.testing.assert_allclose(srrw_asymptotic_covariance(g, alpha=0.0), V, atol=1e-12)


def test_graph_average_targets_and_intervals():
    rng = np.random.default_rng(6)
    g = WalkGraph(KARATE, weight=None)
    f = np.column_stack([g.degree, np.arange(34.0)])
    res = graph_average(g, f, n_steps=5000, n_walkers=8, rng=rng)
    assert isinstance(res, GraphEstimateResult)
    assert res.estimate.shape == (2,) and res.per_walker.shape == (8, 2)
    lo, hi = res.confidence_interval(0.99)
    assert np.all(lo < hi)
    st = graph_average(g, g.degree, n_steps=5000, target="stationary", n_walkers=8, rng=rng)
    mu = g.chain("srw").mu
    assert abs(st.estimate - mu @ g.degree) < 6 * st.standard_error
    asy = graph_average(
        g,
        g.degree,
        n_steps=5000,
        alpha=1.0,
        chain="mhrw",
        n_walkers=4,
        interval="asymptotic",
        rng=rng,
    )
    lo, hi = asy.confidence_interval()
    assert lo < hi and asy.interval == "asymptotic"
    pi = np.linspace(1, 2, 34)
    tw = graph_average(g, g.degree, n_steps=5000, target=pi, n_walkers=8, rng=rng)
    assert abs(tw.estimate - pi @ g.degree / pi.sum()) < 6 * tw.standard_error


def test_graph_average_warns_on_short_walks():
    with pytest.warns(UserWarning, match="not to be trusted"):
        r = graph_average(KARATE, np.ones(34), n_steps=100, alpha=5.0, n_walkers=2, rng=0)
    assert not r.reliable
    with pytest.warns(UserWarning, match="O\\(alpha / n\\) bias"):
        graph_average(
            KARATE, np.ones(34), n_steps=100, alpha=5.0, n_walkers=2, rng=0, step_exponent=0.8
        )


def test_sa_srrw_vectorized_matches_loop_and_polyak():
    rng = np.random.default_rng(8)
    v = rng.normal(size=(34, 2))
    a = sa_srrw(
        lambda th, i: th - v[i],
        KARATE,
        np.zeros(2),
        n_steps=3000,
        alpha=2.0,
        n_walkers=2,
        rng=9,
        polyak=True,
        record_every=1000,
    )
    b = sa_srrw(
        lambda th, idx: th - v[idx],
        KARATE,
        np.zeros(2),
        n_steps=3000,
        alpha=2.0,
        n_walkers=2,
        rng=9,
        polyak=True,
        vectorized=True,
        record_every=1000,
    )
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-12)
    assert a.history.shape == (4, 2, 2) and a.history_steps.tolist() == [0, 1000, 2000, 3000]
    np.testing.assert_allclose(a.history[-1], a.theta)
    assert not np.allclose(a.theta, a.last_iterate)
    single = sa_srrw(lambda th, i: th - v[i, :1], KARATE, 0.0, n_steps=100, alpha=0.0, rng=1)
    assert single.theta.shape == (1,) and single.history.shape[1] == 1
    assert (
        sa_srrw(
            lambda th, i: th,
            KARATE,
            [1.0],
            n_steps=10,
            alpha=1.0,
            gamma_exponent=0.7,
            beta_exponent=0.7,
            rng=0,
        ).regime
        == "beta=gamma"
    )


def test_torch_random_walk_cpu(torch_one_thread):
    torch = torch_one_thread
    rng = np.random.default_rng(12)
    for chain in ["srw", "mhrw", "nbrw"]:
        res = random_walk(KARATE, n_steps=200, chain=chain, n_walkers=64, backend="torch", rng=rng)
        assert isinstance(res.trace, torch.Tensor) and res.trace.shape == (64, 201)
        tr = res.trace.numpy()
        assert _is_valid_trace(KARATE, tr, allow_stay=(chain == "mhrw"))
        if chain == "nbrw":
            deg = np.array([d for _, d in KARATE.degree()])
            back = tr[:, 2:] == tr[:, :-2]
            assert not back[deg[tr[:, 1:-1]] > 1].any()


def test_torch_srrw_cpu_matches_theory_direction(torch_one_thread):
    torch = torch_one_thread
    rng = np.random.default_rng(13)
    r0 = self_repellent_walk(
        KARATE, n_steps=1500, alpha=0.0, n_walkers=256, backend="torch", rng=rng, record_trace=True
    )
    r5 = self_repellent_walk(
        KARATE, n_steps=1500, alpha=5.0, n_walkers=256, backend="torch", rng=rng
    )
    assert isinstance(r0.empirical_measure, torch.Tensor)
    x0 = r0.empirical_measure.numpy()
    np.testing.assert_allclose(x0.sum(axis=1), 1.0)
    tr = r0.trace.numpy()
    counts = np.stack([np.bincount(t[1:], minlength=34) for t in tr])
    np.testing.assert_allclose(x0, (counts + r0.target) / 1501, atol=1e-10)
    # alpha = 5 shrinks the error: theory tr V(5)/tr V(0) < 0.2, so the mean over 256 walkers is
    # far below half
    assert r5.squared_error().mean() < 0.5 * r0.squared_error().mean()
