"""Chunked kernels (progress=True) and the streaming mode of random_walk (record_trace=False)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.walks import WalkGraph, graph_average, random_walk, self_repellent_walk

nx = pytest.importorskip("networkx")

KARATE = nx.karate_club_graph()
LESMIS = nx.les_miserables_graph()


def _srrw_raw(g, chain, alphas, n_steps, W, chunk, group, record=True, a=1.0):
    from samplingstats._kernels._walk import seed_states, srrw_kernel

    ch = g.chain(chain)
    rng = np.random.default_rng(11)
    starts = rng.integers(0, g.n_nodes, W)
    states = seed_states(rng, W)
    y = np.tile(ch.mu, (W, 1))
    scale = np.ones(W)
    trace = np.empty((W, n_steps + 1), dtype=np.int64)
    srrw_kernel(
        g.indptr, g.indices, ch.prob, ch.selfp, ch.mu, alphas, a, starts, n_steps, states, 32,
        y, scale, trace, record, int(g.degree.max()), group=group, chunk=chunk,
    )  # fmt: skip
    return y, scale, trace, states


@pytest.mark.parametrize("chain", ["srw", "mhrw"])
def test_srrw_chunks_and_groups_are_bit_identical(chain):
    g = WalkGraph(LESMIS, weight=None)
    # alpha = 40 makes the renormalisation branch run; a schedule changes alpha mid-chunk
    sched = np.repeat([2.0, 40.0, 5.0], [300, 500, 437])
    for alphas, a in ((np.array([40.0]), 1.0), (sched, 1.0), (np.array([3.0]), 0.7)):
        ref = _srrw_raw(g, chain, alphas, 1237, 70, None, None, a=a)
        for chunk, group in ((1, 70), (97, 33), (500, 1), (1237, 64)):
            got = _srrw_raw(g, chain, alphas, 1237, 70, chunk, group, a=a)
            for r, o in zip(ref, got):
                np.testing.assert_array_equal(r, o)


def test_progress_gives_the_same_srrw_and_logs(caplog):
    kw = dict(n_steps=3000, alpha=5.0, n_walkers=40, record_trace=True, rng=4)
    a = self_repellent_walk(KARATE, **kw)
    with caplog.at_level(logging.INFO, logger="samplingstats.walks"):
        b = self_repellent_walk(KARATE, progress=True, **kw)
    np.testing.assert_array_equal(a.trace, b.trace)
    np.testing.assert_array_equal(a.empirical_measure, b.empirical_measure)
    assert any("self_repellent_walk: 40 walkers x 3000 steps" in m for m in caplog.messages)
    assert any("done in" in m for m in caplog.messages)
    f = np.arange(34.0)
    e1 = graph_average(KARATE, f, n_steps=3000, alpha=0.0, n_walkers=8, rng=2)
    e2 = graph_average(KARATE, f, n_steps=3000, alpha=0.0, n_walkers=8, rng=2, progress=True)
    assert e1.estimate == e2.estimate and e1.standard_error == e2.standard_error
    with pytest.raises(InvalidParameterError, match="'progress' parameter"):
        self_repellent_walk(KARATE, n_steps=10, alpha=1.0, progress="yes")


@pytest.mark.parametrize("chain", ["srw", "mhrw", "nbrw"])
def test_random_walk_progress_chunks_are_bit_identical(chain):
    a = random_walk(LESMIS, n_steps=2345, chain=chain, n_walkers=45, rng=3)
    b = random_walk(LESMIS, n_steps=2345, chain=chain, n_walkers=45, rng=3, progress=True)
    np.testing.assert_array_equal(a.trace, b.trace)


@pytest.mark.parametrize("chain", ["srw", "mhrw", "nbrw"])
def test_streaming_equals_trace(chain):
    g = WalkGraph(LESMIS)  # weighted: the inverse-CDF kernels for srw / mhrw
    deg = g.degree.astype(float)
    clust = np.array(list(nx.clustering(LESMIS).values()))
    f2 = np.column_stack([deg, clust])
    kw = dict(n_steps=5003, chain=chain, n_walkers=37, rng=8, n_batches=7)
    kept = random_walk(g, **kw)
    both = random_walk(g, values=f2, **kw)
    stream = random_walk(g, values=f2, record_trace=False, **kw)
    stream1 = random_walk(g, values=deg, record_trace=False, progress=True, **kw)
    assert stream.trace is None and stream.n_steps == 5003 and stream.n_walkers == 37
    np.testing.assert_array_equal(kept.trace, both.trace)
    # the pooled visit counts are the trace's
    np.testing.assert_array_equal(stream.node_counts, kept.visit_counts().sum(axis=0))
    # sums: bit for bit those accumulated from the trace, and equal to a plain numpy reduction
    np.testing.assert_array_equal(stream.value_sums, both.value_sums)
    np.testing.assert_array_equal(stream1.value_sums, stream.value_sums[:, :, 0])
    tr = kept.trace[:, 1:]
    L = 5003 // 7
    edges = [0, L, 2 * L, 3 * L, 4 * L, 5 * L, 6 * L, 5003]
    ref = np.stack([f2[tr[:, a:b]].sum(axis=1) for a, b in zip(edges[:-1], edges[1:])], axis=1)
    np.testing.assert_allclose(stream.value_sums, ref, rtol=1e-12)
    # estimates and intervals: the streamed ones equal the trace-based ones
    r_trace = kept.average(f2, n_batches=7)
    r_stream = stream.average()
    np.testing.assert_array_equal(r_trace.estimate, r_stream.estimate)
    np.testing.assert_array_equal(r_trace.standard_error, r_stream.standard_error)
    np.testing.assert_array_equal(r_trace.per_walker, r_stream.per_walker)
    lo1, hi1 = r_trace.confidence_interval()
    lo2, hi2 = r_stream.confidence_interval()
    np.testing.assert_array_equal(lo1, lo2) and np.testing.assert_array_equal(hi1, hi2)
    r1 = stream1.average()
    np.testing.assert_allclose(r1.estimate, r_stream.estimate[0], rtol=1e-12)
    np.testing.assert_allclose(r1.standard_error, r_stream.standard_error[0], rtol=1e-12)
    # the estimate is the plain mean of f over the steps; the SE the batch-means formula
    np.testing.assert_allclose(r_stream.estimate, f2[tr].mean(axis=(0, 1)), rtol=1e-12)
    means = ref / np.diff(edges)[None, :, None]
    w = np.diff(edges)[None, :, None]
    K = 37 * 7
    se = np.sqrt(((means - r_stream.estimate) ** 2 * w**2).sum(axis=(0, 1)) / (37 * 5003) ** 2)
    np.testing.assert_allclose(r_stream.standard_error, se * np.sqrt(K / (K - 1)), rtol=1e-12)


def test_streaming_estimate_covers_the_stationary_average():
    # 40 independent seeds of the streamed MHRW (uniform target) estimate of the mean degree:
    # the 95% batch-means interval covers the truth at least 32 times (P(Bin(40, 0.95) < 32) =
    # 2e-4 if the intervals are exact; batch means on les Miserables are close to exact here)
    g = WalkGraph(LESMIS, weight=None)
    deg = g.degree.astype(float)
    rng = np.random.default_rng(5)
    hits = 0
    for _ in range(40):
        r = random_walk(
            g, n_steps=20000, chain="mhrw", n_walkers=4, values=deg, record_trace=False, rng=rng
        ).average()
        lo, hi = r.confidence_interval(0.95)
        hits += lo < deg.mean() < hi
    assert hits >= 32, hits


def test_streaming_errors():
    r = random_walk(KARATE, n_steps=100, record_trace=False, rng=0)
    assert r.node_counts.sum() == 100 and r.value_sums is None
    with pytest.raises(InvalidParameterError, match="visit_counts needs the trace"):
        r.visit_counts()
    with pytest.raises(InvalidParameterError, match="without values"):
        r.average()
    with pytest.raises(InvalidParameterError, match="call average\\(\\) without 'values'"):
        r.average(np.ones(34))
    with pytest.raises(InvalidParameterError, match="'n_batches' parameter"):
        random_walk(KARATE, n_steps=10, values=np.ones(34), n_batches=11, rng=0)
    with pytest.raises(InvalidParameterError, match="'n_batches' parameter"):
        random_walk(KARATE, n_steps=10, values=np.ones(34), n_batches=1, rng=0)
    with pytest.raises(InvalidParameterError, match="'values' must have shape"):
        random_walk(KARATE, n_steps=10, values=np.ones(3), rng=0)
    with pytest.raises(InvalidParameterError, match="'record_trace' parameter"):
        random_walk(KARATE, n_steps=10, record_trace=None, rng=0)
    kept = random_walk(KARATE, n_steps=10, rng=0)
    with pytest.raises(InvalidParameterError, match="needs 'values'"):
        kept.average()
