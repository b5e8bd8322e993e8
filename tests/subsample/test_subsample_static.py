"""static_subset and the static baselines' scores, against brute-force references."""

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.subsample import (
    RS2Schedule,
    el2n_scores,
    grand_scores,
    herding_subset,
    kcenter_greedy_subset,
    largest_remainder_quotas,
    static_subset,
)


def test_static_random_is_round_zero_of_rs2():
    labels = np.arange(500) % 4
    for kw in ({}, {"labels": labels}):
        s = static_subset(500, 0.1, rng=7, **kw)
        assert np.array_equal(s, np.sort(RS2Schedule(500, 0.1, rng=7, **kw).round_indices(0)))
        assert s.dtype == np.int64 and np.unique(s).size == 50


def test_static_by_score_brute_force():
    rng = np.random.default_rng(3)
    scores = rng.normal(size=200)
    scores[10] = scores[11]  # a tie: the lower index wins
    for keep, sign in (("highest", -1), ("lowest", 1)):
        got = static_subset(200, 0.1, scores=scores, keep=keep)
        ref = np.sort(sorted(range(200), key=lambda i: (sign * scores[i], i))[:20])
        assert np.array_equal(got, ref)
    labels = rng.integers(0, 3, size=200)
    got = static_subset(200, 0.1, scores=scores, keep="highest", labels=labels)
    quotas = largest_remainder_quotas(np.bincount(labels), 20)
    for c in range(3):
        members = np.flatnonzero(labels == c)
        top = members[np.argsort(-scores[members], kind="stable")[: quotas[c]]]
        assert np.array_equal(np.intersect1d(got, members), np.sort(top))


def test_static_subset_bad_input():
    with pytest.raises(InvalidParameterError, match="'keep' parameter of static_subset"):
        static_subset(10, 0.5, keep="best")
    with pytest.raises(InvalidParameterError, match="needs per-example scores"):
        static_subset(10, 0.5, keep="highest")
    with pytest.raises(InvalidParameterError, match="scores are ignored with keep='random'"):
        static_subset(10, 0.5, scores=np.zeros(10))
    with pytest.raises(InvalidParameterError, match="'scores' must have length 10"):
        static_subset(10, 0.5, scores=np.zeros(9), keep="lowest")
    with pytest.raises(InvalidParameterError, match="'scores' contains NaN"):
        static_subset(3, 0.5, scores=[1.0, np.nan, 2.0], keep="lowest")


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_el2n_brute_force_and_ensemble_and_torch():
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(3, 40, 5))
    y = rng.integers(0, 5, size=40)
    p = _softmax(logits)
    ref = np.array(
        [np.mean([np.linalg.norm(p[m, i] - np.eye(5)[y[i]]) for m in range(3)]) for i in range(40)]
    )
    np.testing.assert_allclose(el2n_scores(logits, y), ref, rtol=1e-12)
    np.testing.assert_allclose(
        el2n_scores(p[0], y, from_logits=False),
        ref * 0 + [np.linalg.norm(p[0, i] - np.eye(5)[y[i]]) for i in range(40)],
        rtol=1e-12,
    )
    torch = pytest.importorskip("torch")
    t = el2n_scores(torch.from_numpy(logits), torch.from_numpy(y))
    assert isinstance(t, torch.Tensor)
    np.testing.assert_allclose(t.numpy(), ref, rtol=1e-12)


def test_grand_equals_autograd_gradient_norm_of_last_layer():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    h = rng.normal(size=(30, 6))
    W = rng.normal(size=(4, 6))
    b = rng.normal(size=4)
    y = rng.integers(0, 4, size=30)
    logits = h @ W.T + b
    ref = []
    for i in range(30):
        lin = torch.nn.Linear(6, 4).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        loss = torch.nn.functional.cross_entropy(
            lin(torch.from_numpy(h[i : i + 1])), torch.tensor([int(y[i])])
        )
        loss.backward()
        g = torch.cat([lin.weight.grad.reshape(-1), lin.bias.grad])
        ref.append(float(g.norm()))
    np.testing.assert_allclose(grand_scores(logits, y, features=h), ref, rtol=1e-10)
    # without features: the gradient with respect to the logits = EL2N
    np.testing.assert_allclose(grand_scores(logits, y), el2n_scores(logits, y), rtol=1e-12)


def test_score_bad_input():
    with pytest.raises(InvalidParameterError, match="'outputs' of el2n_scores must be"):
        el2n_scores(np.zeros(3), np.zeros(3, dtype=int))
    with pytest.raises(InvalidParameterError, match="'targets' of el2n_scores must be a 1-D int"):
        el2n_scores(np.zeros((3, 2)), np.zeros(4, dtype=int))
    with pytest.raises(InvalidParameterError, match=r"class indices in \[0, 2\)"):
        el2n_scores(np.zeros((3, 2)), np.array([0, 1, 2]))
    with pytest.raises(InvalidParameterError, match="probabilities in"):
        el2n_scores(np.full((3, 2), 2.0), np.zeros(3, dtype=int), from_logits=False)
    with pytest.raises(InvalidParameterError, match="NaN"):
        el2n_scores(np.full((3, 2), np.nan), np.zeros(3, dtype=int))
    with pytest.raises(InvalidParameterError, match="'features' of grand_scores"):
        grand_scores(np.zeros((3, 2)), np.zeros(3, dtype=int), features=np.zeros((4, 2)))


def _herding_ref(X, k):
    mu = X.mean(0)
    chosen, S = [], np.zeros(X.shape[1])
    for t in range(1, k + 1):
        best, arg = np.inf, -1
        for i in range(X.shape[0]):
            if i in chosen:
                continue
            v = np.sum((mu - (S + X[i]) / t) ** 2)
            if v < best - 1e-12:
                best, arg = v, i
        chosen.append(arg)
        S += X[arg]
    return chosen


def _kcenter_ref(X, k, first):
    chosen = [first]
    while len(chosen) < k:
        d = np.min(((X[:, None, :] - X[chosen][None]) ** 2).sum(-1), axis=1)
        d[chosen] = -1
        chosen.append(int(np.argmax(d)))
    return chosen


def test_herding_and_kcenter_brute_force():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(60, 3))
    assert herding_subset(X, 0.2).tolist() == _herding_ref(X, 12)
    got = kcenter_greedy_subset(X, 0.2, rng=3)
    first = int(np.random.default_rng(3).integers(60))
    assert got.tolist() == _kcenter_ref(X, 12, first)
    # herding's running mean approaches the data mean much faster than a random subset's (whose
    # error norm here has expectation ~ sqrt(3 * (1/30) * (1/2)) ~ 0.22)
    order = herding_subset(X, 0.5)
    assert np.linalg.norm(X[order[:30]].mean(0) - X.mean(0)) < 0.05
    # k-center greedy is a 2-approximation: its cover radius <= 2 * the optimal for k = 2,
    # brute force over all pairs
    k = 2
    sel = kcenter_greedy_subset(X, k / 60, rng=1)
    d2 = ((X[:, None, :] - X[None]) ** 2).sum(-1)
    radius = np.sqrt(d2[:, sel].min(1).max())
    opt = min(np.sqrt(np.minimum(d2[:, i], d2[:, j]).max()) for i in range(60) for j in range(i))
    assert radius <= 2 * opt + 1e-12


def test_coresets_per_class_and_bad_input():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(90, 2))
    labels = np.repeat([0, 1, 2], [30, 45, 15])
    for fn in (herding_subset, kcenter_greedy_subset):
        got = fn(X, 0.2, labels=labels)
        assert np.bincount(labels[got], minlength=3).tolist() == [6, 9, 3]
        assert np.unique(got).size == 18
    with pytest.raises(InvalidParameterError, match="'features' must be a 2-D array"):
        herding_subset(np.zeros(5), 0.5)
    with pytest.raises(InvalidParameterError, match="'features' contains NaN"):
        kcenter_greedy_subset(np.full((5, 2), np.nan), 0.5)
    with pytest.raises(InvalidParameterError, match="'ratio' parameter of herding_subset"):
        herding_subset(X, 0.0)
