"""Property tests of the core invariants (issue 17), with hypothesis.

Deterministic (``derandomize=True``: the same examples on every run) and small (``max_examples``
of 15-25, no deadline), so the file runs in seconds. Each property is exact or has a tolerance far
above float64 rounding for the sizes drawn, so a failure is a bug, not noise.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

settings.register_profile(
    "samplingstats",
    derandomize=True,
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
FAST = settings.get_profile("samplingstats")

seeds = st.integers(min_value=0, max_value=2**32 - 1)
positive_weights = st.lists(
    st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=60,
)


# ---------------------------------------------------------------------------------------------
# lp: leverage scores of a rank-r matrix lie in [0, 1] and sum to r
# ---------------------------------------------------------------------------------------------
@FAST
@given(
    n=st.integers(8, 80),
    d=st.integers(1, 6),
    data=st.data(),
    seed=seeds,
    method=st.sampled_from(["auto", "qr", "cholesky"]),
)
def test_leverage_scores_sum_to_rank(n, d, data, seed, method):
    from samplingstats.lp import leverage_scores

    r = data.draw(st.integers(1, min(d, n - 1)), label="rank")
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, r)) @ rng.standard_normal((r, d))  # rank r almost surely
    try:
        s = leverage_scores(A, method=method)
    except Exception as e:  # a method that refuses rank-deficient input must say so clearly
        from samplingstats import InvalidParameterError

        assert isinstance(e, InvalidParameterError), e
        assert r < d
        return
    assert s.shape == (n,)
    assert np.all(s >= -1e-12) and np.all(s <= 1 + 1e-9)
    assert abs(float(s.sum()) - r) < 1e-7 * max(1, r)


# ---------------------------------------------------------------------------------------------
# sampling: inclusion probabilities, alias table, keyed permutation
# ---------------------------------------------------------------------------------------------
@FAST
@given(w=positive_weights, data=st.data())
def test_inclusion_probabilities_sum_to_n_samples_and_lie_in_unit_interval(w, data):
    from samplingstats.sampling import inclusion_probabilities

    k = data.draw(st.integers(1, len(w)), label="n_samples")
    pi = inclusion_probabilities(np.asarray(w), k)
    assert np.all(pi >= 0) and np.all(pi <= 1)
    assert abs(float(pi.sum()) - k) < 1e-9 * k
    order = np.argsort(w, kind="stable")  # pi is a non-decreasing function of the weight
    assert np.all(np.diff(pi[order]) >= -1e-12)


@FAST
@given(w=positive_weights)
def test_alias_table_encodes_the_normalised_weights(w):
    from samplingstats.sampling import AliasTable

    w = np.asarray(w)
    p = AliasTable(w).implied_probabilities()
    np.testing.assert_allclose(p, w / w.sum(), rtol=1e-9, atol=1e-15)


@FAST
@given(w=st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0]), min_size=2, max_size=8), seed=seeds)
def test_alias_table_never_draws_a_zero_weight(w, seed):
    from samplingstats.sampling import AliasTable

    w = np.asarray(w)
    if w.sum() == 0:
        w[0] = 1.0
    draws = AliasTable(w).sample(500, rng=seed)
    assert np.all(w[draws] > 0)


@FAST
@given(n=st.integers(1, 3000), seed=seeds, pass_index=st.integers(0, 5))
def test_keyed_permutation_is_a_bijection_and_index_inverts_take(n, seed, pass_index):
    from samplingstats.sampling import KeyedPermutation

    perm = KeyedPermutation(n, rng=seed)
    p = np.asarray(perm.permutation(pass_index))
    assert np.array_equal(np.sort(p), np.arange(n))
    pos = np.arange(n)
    elems = np.asarray(perm.take(pos, pass_index))
    assert np.array_equal(elems, p)
    assert np.array_equal(np.asarray(perm.index(elems, pass_index)), pos)


# ---------------------------------------------------------------------------------------------
# subsample: a resumed RS2 sampler continues the same index stream
# ---------------------------------------------------------------------------------------------
@settings(FAST, max_examples=10)
@given(
    n=st.integers(5, 200),
    ratio=st.floats(0.05, 1.0),
    replacement=st.booleans(),
    rounds_done=st.integers(0, 3),
    data=st.data(),
    seed=seeds,
)
def test_resumed_rs2_sampler_continues_the_same_stream(
    n, ratio, replacement, rounds_done, data, seed
):
    pytest.importorskip("torch")
    from samplingstats.subsample import RS2Sampler

    kw = dict(ratio=max(ratio, 1.0 / n), replacement=replacement, rng=seed)
    ref = RS2Sampler(range(n), **kw)
    rounds = [list(ref) for _ in range(rounds_done + 3)]
    size = len(rounds[rounds_done])
    consumed = data.draw(st.integers(0, size), label="consumed")

    a = RS2Sampler(range(n), **kw)
    for _ in range(rounds_done):
        list(a)
    it = iter(a)
    head = [next(it) for _ in range(consumed)]
    state = a.state_dict()

    b = RS2Sampler(range(n), **kw)
    b.load_state_dict(state)
    rest = list(b) + list(b)
    stream = sum(rounds, [])
    done = sum(rounds[:rounds_done], []) + head
    assert done + rest == stream[: len(done) + len(rest)]
    assert len(rest) >= size - consumed


@FAST
@given(n=st.integers(2, 500), ratio=st.floats(0.01, 1.0), seed=seeds, round_=st.integers(0, 20))
def test_rs2_schedule_without_replacement_covers_each_pass_once(n, ratio, seed, round_):
    from samplingstats.subsample import RS2Schedule

    sched = RS2Schedule(n, max(ratio, 1.0 / n), rng=seed)
    idx = np.asarray(sched.indices(round_))
    assert idx.size == sched.state_dict()["round_size"]
    assert len(np.unique(idx)) == idx.size  # no repeats inside a round
    assert idx.min() >= 0 and idx.max() < n


# ---------------------------------------------------------------------------------------------
# dpp: weighted least squares is exact on the span of the basis
# ---------------------------------------------------------------------------------------------
@FAST
@given(
    degree=st.integers(0, 6),
    family=st.sampled_from(["legendre", "chebyshev"]),
    kind=st.sampled_from(["volume", "iid", "dpp"]),
    data=st.data(),
    seed=seeds,
)
def test_weighted_least_squares_is_exact_on_the_span(degree, family, kind, data, seed):
    from samplingstats.dpp import PolynomialBasis, weighted_least_squares

    basis = PolynomialBasis(1, degree, family=family)
    m = degree + 1
    n_samples = m if kind == "dpp" else data.draw(st.integers(m + 2, 3 * m + 4), label="n")
    coef = np.random.default_rng(seed).uniform(-1, 1, size=m)

    def func(x):
        return basis.evaluate(x) @ coef

    res = weighted_least_squares(func, basis, n_samples=n_samples, kind=kind, rng=seed)
    grid = np.linspace(-1, 1, 41)[:, None]
    np.testing.assert_allclose(res.predict(grid), func(grid), atol=1e-7 * max(1, m))


# ---------------------------------------------------------------------------------------------
# validation: the shared guards refuse what they must, whatever the value
# ---------------------------------------------------------------------------------------------
@settings(FAST, max_examples=10)
@given(n=st.one_of(st.integers(-(2**70), 0), st.floats(allow_nan=True), st.booleans(), st.text()))
def test_check_size_refuses_every_non_positive_int_or_non_int(n):
    from samplingstats import InvalidParameterError
    from samplingstats._validation import check_size

    with pytest.raises(InvalidParameterError, match="'n_samples'"):
        check_size(n, "n_samples")


@FAST
@given(n=st.integers(1, 2**80), b=st.integers(1, 2**20))
def test_check_size_accepts_exactly_what_fits(n, b):
    from samplingstats import InvalidParameterError
    from samplingstats._validation import check_size

    limit = 2**34
    if n * b <= limit:
        assert check_size(n, "n", bytes_per_item=b, max_bytes=limit) == n
    else:
        with pytest.raises(InvalidParameterError, match="would need"):
            check_size(n, "n", bytes_per_item=b, max_bytes=limit)
