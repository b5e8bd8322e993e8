"""Streaming mode of the torch walk path (``backend="torch"``, ``record_trace=False``; issue 16).

The torch path runs on the CPU build of torch here (the same code runs on CUDA; the fused CUDA
kernel's streaming is tested under numba's simulator in test_walks_cuda_fused.py and on a device by
the ``gpu`` tests there). With the same ``rng`` a torch walk with and without the trace is the same
walk, so the streamed counts and sums must equal those computed from the trace bit for bit; against
the numba backend (other random streams) the estimates are compared statistically.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nx = pytest.importorskip("networkx")

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.walks import WalkGraph, random_walk  # noqa: E402


def _graph(weighted):
    G = nx.les_miserables_graph() if weighted else nx.barabasi_albert_graph(300, 3, seed=5)
    return WalkGraph(G), G


@pytest.mark.parametrize(
    "weighted,chain", [(False, "srw"), (False, "mhrw"), (False, "nbrw"), (True, "srw"),
                       (True, "mhrw")],
)  # fmt: skip
def test_torch_stream_equals_its_trace_bit_for_bit(weighted, chain):
    g, G = _graph(weighted)
    f = np.c_[g.degree.astype(float), np.cos(np.arange(g.n_nodes))]
    kw = dict(n_steps=503, chain=chain, n_walkers=7, rng=42, backend="torch", n_batches=6)
    kept = random_walk(g, values=f, record_trace=True, **kw)
    streamed = random_walk(g, values=f, record_trace=False, **kw)
    assert streamed.trace is None and isinstance(kept.trace, torch.Tensor)
    tr = kept.trace.numpy()
    # counts: every visit of steps 1 .. n, all walkers pooled
    np.testing.assert_array_equal(
        streamed.node_counts, np.bincount(tr[:, 1:].ravel(), minlength=g.n_nodes)
    )
    assert streamed.node_counts.dtype == np.int64
    assert streamed.node_counts.sum() == 7 * 503
    # sums: the stream's, the torch trace path's and the numba trace_sums' of the trace agree
    np.testing.assert_array_equal(streamed.value_sums, kept.value_sums)
    a, b = kept.average(f, n_batches=6), streamed.average()
    np.testing.assert_array_equal(a.estimate, b.estimate)
    np.testing.assert_array_equal(a.standard_error, b.standard_error)
    np.testing.assert_array_equal(a.confidence_interval().low, b.confidence_interval().low)
    assert streamed.value_sums.shape == (7, 6, 2)
    assert streamed.batch_lengths.tolist() == [83] * 5 + [88]


def test_torch_stream_one_column_values_and_counts_only():
    g, _ = _graph(False)
    deg = g.degree.astype(float)
    kw = dict(n_steps=200, n_walkers=5, rng=3, backend="torch")
    s = random_walk(g, values=deg, record_trace=False, **kw)
    assert s.value_sums.shape == (5, 20)
    assert isinstance(s.average().estimate, float)
    c = random_walk(g, record_trace=False, **kw)  # no values: counts only
    assert c.value_sums is None and c.trace is None
    np.testing.assert_array_equal(c.node_counts, s.node_counts)  # the same walks
    with pytest.raises(InvalidParameterError, match="values"):
        c.average()


def test_torch_stream_agrees_with_numba_statistically():
    """Different random streams, the same law: the torch and numba streaming estimates of the
    mean degree under the MHRW (uniform target) differ by less than 4.5 combined standard errors
    (batch means with 32 x 20 batches of 250 steps on a graph whose t_rel is far below that);
    false-failure probability ~7e-6 for a normal difference."""
    g, _ = _graph(False)
    deg = g.degree.astype(float)
    kw = dict(n_steps=5000, chain="mhrw", n_walkers=32, values=deg, record_trace=False)
    t = random_walk(g, backend="torch", rng=1, **kw).average()
    n = random_walk(g, backend="numpy", rng=2, **kw).average()
    z = (t.estimate - n.estimate) / np.hypot(t.standard_error, n.standard_error)
    assert abs(z) < 4.5, z
    # and each covers the truth (uniform node average of the degree)
    assert abs(t.estimate - deg.mean()) < 4.5 * t.standard_error


def test_torch_stream_memory_does_not_grow_with_steps(monkeypatch):
    """The streaming path allocates no (n_walkers, n_steps) array: torch.empty is never asked
    for a trace-shaped tensor."""
    g, _ = _graph(False)
    seen = []
    real_empty = torch.empty

    def spy(*shape, **kw):
        seen.append(tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], tuple) else shape)
        return real_empty(*shape, **kw)

    monkeypatch.setattr(torch, "empty", spy)
    random_walk(g, n_steps=3000, n_walkers=4, rng=0, backend="torch", record_trace=False,
                values=g.degree.astype(float))  # fmt: skip
    assert not any(3001 in s for s in seen), seen
