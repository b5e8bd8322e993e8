"""RS2Schedule: round structure (validation cases 1-3), exactness against the keyed permutation,
stratified quotas, sharding, schedule state and bad input."""

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.sampling import KeyedPermutation
from samplingstats.subsample import RS2Schedule, largest_remainder_quotas, rs2_round_size


def _stream(sched, rounds):
    return [sched.round_indices(t) for t in range(rounds)]


# ----------------------------------------------------------------------------------------------
# Case 1: without replacement
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", list(range(1, 31)) + [97, 128])
def test_wor_rounds_distinct_and_passes_exact_exhaustive(n):
    # Every k <= n for n <= 20 (a spread of k above), including k > n / 2 where a pass's tail overlaps the
    # previous pass's corrected head: rounds are k distinct examples and each pass (n consecutive
    # stream entries) is a permutation of range(n).
    ks = range(1, n + 1) if n <= 20 else sorted({1, 2, 3, n // 3, n // 2, n // 2 + 1, n - 1, n})
    for k in ks:
        if k > n or k < 1:
            continue
        for seed in (0, 7):
            sched = RS2Schedule(n, k / n, rng=seed)
            assert sched.round_size == k
            rounds = _stream(sched, 3 * n // k + 4)
            for r in rounds:
                assert np.unique(r).size == k
                assert r.min() >= 0 and r.max() < n
            stream = np.concatenate(rounds)
            for p in range(stream.size // n):
                assert np.array_equal(np.sort(stream[p * n : (p + 1) * n]), np.arange(n))


def test_wor_one_pass_exactly_once_when_k_divides_n():
    sched = RS2Schedule(1000, 0.1, rng=3)  # k = 100, 10 rounds per pass
    for first_round in (0, 10, 40):
        used = np.concatenate([sched.indices(t) for t in range(first_round, first_round + 10)])
        assert np.array_equal(np.sort(used), np.arange(1000))


def test_wor_use_counts_track_completed_passes():
    n, ratio = 1000, 0.07  # k = 70 does not divide n
    sched = RS2Schedule(n, ratio, rng=11)
    k = sched.round_size
    counts = np.zeros(n, dtype=np.int64)
    for t in range(60):
        counts += np.bincount(sched.indices(t), minlength=n)
        passes_done = ((t + 1) * k) // n
        assert counts.min() >= passes_done and counts.max() <= passes_done + 1


def test_wor_matches_keyed_permutation_inside_a_pass():
    # Away from the pass boundaries the stream is exactly KeyedPermutation(n, rng=seed) pass by pass.
    n, seed = 1000, 5
    perm = KeyedPermutation(n, rng=seed)
    sched = RS2Schedule(n, 0.1, rng=seed)
    assert np.array_equal(sched.indices(3), perm.take_range(300, 400, 1, 0))
    assert np.array_equal(sched.indices(17), perm.take_range(700, 800, 1, 1))
    # k = 300 does not divide 1000: round 3 = tail of pass 0 + 200 fresh examples of pass 1.
    sched = RS2Schedule(n, 0.3, rng=seed)
    r3 = sched.indices(3)
    assert np.array_equal(r3[:100], perm.take_range(900, 1000, 1, 0))
    assert np.intersect1d(r3[:100], r3[100:]).size == 0
    # Far from the boundary, pass 1 is the plain keyed permutation again.
    assert np.array_equal(sched.indices(5)[-50:], perm.take_range(750, 800, 1, 1)[-50:])


def test_head_of_a_pass_reorders_only_a_prefix():
    n, k, seed = 1000, 300, 2
    sched = RS2Schedule(n, k / n, rng=seed)
    perm = KeyedPermutation(n, rng=seed)
    pass1 = np.concatenate([sched.round_indices(t) for t in range(3, 7)])[100 : 100 + n]
    plain = perm.permutation(1)
    differ = np.flatnonzero(pass1 != plain)
    assert differ.size == 0 or differ.max() < k  # only the first m <= k positions move
    assert np.array_equal(np.sort(pass1[:k]), np.sort(plain[:k]))


def test_random_access_equals_sequential_and_fresh_objects_agree():
    a = RS2Schedule(503, 0.37, rng=9)
    seq = [a.indices(t) for t in range(30)]
    b = RS2Schedule(503, 0.37, rng=9)
    for t in (29, 4, 17, 0, 11):  # out of order, cold caches
        assert np.array_equal(b.indices(t), seq[t])
    c = RS2Schedule(503, 0.37, rng=9)
    assert np.array_equal(c.indices(29), seq[29])  # a late round first, in a fresh object


def test_large_ratio_deep_head_chain():
    # k > n / 2: heads depend on the previous pass's head; a late round in a fresh object must
    # equal the sequential stream.
    n = 40
    sched = RS2Schedule(n, 0.9, rng=4)
    rounds = _stream(sched, 60)
    fresh = RS2Schedule(n, 0.9, rng=4)
    assert np.array_equal(fresh.round_indices(59), rounds[59])
    stream = np.concatenate(rounds)
    for p in range(stream.size // n):
        assert np.array_equal(np.sort(stream[p * n : (p + 1) * n]), np.arange(n))


def test_ratio_one_every_round_is_a_pass():
    sched = RS2Schedule(37, 1.0, rng=1)
    for t in range(4):
        assert np.array_equal(np.sort(sched.indices(t)), np.arange(37))
    assert not np.array_equal(sched.indices(0), sched.indices(1))


def test_replacement_rounds_are_independent_subsets():
    n = 1000
    sched = RS2Schedule(n, 0.1, replacement=True, rng=2)
    perm = KeyedPermutation(n, rng=2)
    for t in (0, 5):
        r = sched.indices(t)
        assert np.unique(r).size == 100
        assert np.array_equal(r, perm.take_range(0, 100, 1, t))
    # Coverage after X rounds: E[uncovered] = n (1 - r)^X. Indicators of fixed-size subsets are
    # negatively correlated, so the binomial sd bounds the true sd; 5 sd: false failure < 1e-6.
    X = 10
    covered = np.zeros(n, dtype=bool)
    for t in range(X):
        covered[sched.indices(t)] = True
    q = 0.9**X
    assert abs((~covered).sum() - n * q) < 5 * np.sqrt(n * q * (1 - q))
    # Without replacement, 10 rounds cover everything.
    wor = RS2Schedule(n, 0.1, rng=2)
    assert np.unique(np.concatenate([wor.indices(t) for t in range(X)])).size == n


# ----------------------------------------------------------------------------------------------
# Case 2: stratified quotas
# ----------------------------------------------------------------------------------------------
def test_largest_remainder_quotas_exact():
    assert largest_remainder_quotas([50, 30, 20], 7).tolist() == [4, 2, 1]
    assert largest_remainder_quotas([1, 1, 1], 2).tolist() == [1, 1, 0]  # ties: lower index
    assert largest_remainder_quotas([3, 5], 8).tolist() == [3, 5]
    rng = np.random.default_rng(0)
    for _ in range(200):
        counts = rng.integers(0, 50, size=rng.integers(1, 8))
        if counts.sum() == 0:
            continue
        k = int(rng.integers(0, counts.sum() + 1))
        q = largest_remainder_quotas(counts, k)
        share = k * counts / counts.sum()
        assert q.sum() == k
        assert np.all(np.abs(q - share) < 1)
        assert np.all(q <= counts)


def test_stratified_rounds_hold_the_quotas_and_cycle_per_class():
    rng = np.random.default_rng(1)
    labels = rng.choice(np.array(["cat", "dog", "eel", "fox"]), size=600, p=[0.4, 0.3, 0.2, 0.1])
    sched = RS2Schedule(600, 0.05, labels=labels, rng=3)
    k = sched.round_size
    counts = np.array([(labels == c).sum() for c in sched.classes])
    expected = largest_remainder_quotas(counts, k)
    assert np.array_equal(sched.quotas, expected)
    assert list(sched.classes) == ["cat", "dog", "eel", "fox"]
    use = np.zeros(600, dtype=np.int64)
    R = 80
    for t in range(R):
        r = sched.round_indices(t)
        assert np.unique(r).size == k
        got = np.array([(labels[r] == c).sum() for c in sched.classes])
        assert np.array_equal(got, expected)  # exact (within the +-1 of the note)
        use += np.bincount(r, minlength=600)
    # Per-class without replacement: within a class, use counts differ by at most one.
    for c, q, nc in zip(sched.classes, expected, counts):
        u = use[labels == c]
        assert u.max() - u.min() <= 1
        assert u.sum() == q * R
        assert u.min() == (q * R) // nc


def test_stratified_per_class_passes_exact_random_configs():
    # Per class, consecutive rounds walk through passes of that class without replacement: the
    # class's stream (its members in slot order, round after round) is a sequence of exact passes,
    # and every round holds k distinct examples, also when q_c > n_c / 2.
    rng = np.random.default_rng(12)
    for _ in range(25):
        C = int(rng.integers(1, 5))
        counts = rng.integers(1, 15, size=C)
        labels = rng.permutation(np.repeat(np.arange(C), counts))
        n = labels.size
        k = int(rng.integers(C, n + 1))
        try:
            sched = RS2Schedule(n, k / n, labels=labels, rng=int(rng.integers(100)))
        except InvalidParameterError:
            continue  # a class with a zero quota is refused (tested elsewhere)
        rounds = _stream(sched, 30)  # >= 2 passes of every class (n_c <= 14, q_c >= 1)
        for r in rounds:
            assert np.unique(r).size == sched.round_size
        stream = np.concatenate(rounds)
        for c in range(C):
            members = np.flatnonzero(labels == c)
            cls_stream = stream[labels[stream] == c]
            nc = members.size
            for p in range(cls_stream.size // nc):
                assert np.array_equal(np.sort(cls_stream[p * nc : (p + 1) * nc]), members)


def test_stratified_slots_interleave_classes():
    labels = np.repeat([0, 1], [500, 500])
    sched = RS2Schedule(1000, 0.1, labels=labels, rng=0)
    r = labels[sched.round_indices(0)]
    # a smooth interleave: every window of 10 consecutive slots holds 5 of each class
    for s in range(0, 100, 10):
        assert r[s : s + 10].sum() == 5


def test_stratified_wr_and_torch_labels():
    torch = pytest.importorskip("torch")
    labels = np.repeat([0, 1, 2], [30, 50, 20])
    a = RS2Schedule(100, 0.2, labels=labels, replacement=True, rng=5)
    b = RS2Schedule(100, 0.2, labels=torch.from_numpy(labels), replacement=True, rng=5)
    for t in range(5):
        r = a.round_indices(t)
        assert np.array_equal(r, b.round_indices(t))
        assert np.bincount(labels[r], minlength=3).tolist() == [6, 10, 4]


# ----------------------------------------------------------------------------------------------
# Case 3: sharding
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("W", [1, 2, 3, 8])
@pytest.mark.parametrize("stratified", [False, True])
def test_shards_are_disjoint_and_union_is_the_round(W, stratified):
    n = 997
    labels = np.arange(n) % 7 if stratified else None
    full = RS2Schedule(n, 0.13, labels=labels, rng=21)
    ranks = [RS2Schedule(n, 0.13, labels=labels, rng=21, num_replicas=W, rank=j) for j in range(W)]
    k = full.round_size
    for t in (0, 7, 8, 15):  # includes rounds at and after a pass boundary
        glob = full.round_indices(t)
        shards = [s.indices(t) for s in ranks]
        assert sum(s.size for s in shards) == k
        assert max(s.size for s in shards) - min(s.size for s in shards) <= 1
        assert np.array_equal(np.sort(np.concatenate(shards)), np.sort(glob))
        for j in range(W):
            assert np.array_equal(shards[j], glob[j::W])
            assert shards[j].size == ranks[j].shard_size


def test_even_shards_pad_like_distributed_sampler():
    W = 3
    ranks = [
        RS2Schedule(100, 0.1, rng=1, num_replicas=W, rank=j, even_shards=True) for j in range(W)
    ]
    glob = RS2Schedule(100, 0.1, rng=1).round_indices(2)
    shards = [s.indices(2) for s in ranks]
    assert [s.size for s in shards] == [4, 4, 4]
    assert set(np.concatenate(shards).tolist()) == set(glob.tolist())
    assert shards[1][-1] == glob[0]  # slot 10 wraps to slot 0


# ----------------------------------------------------------------------------------------------
# iteration and state
# ----------------------------------------------------------------------------------------------
def test_iteration_and_state_round_trip():
    a = RS2Schedule(300, 0.1, rng=8, num_replicas=2, rank=1)
    it = iter(a)
    first = [next(it) for _ in range(5)]
    state = a.state_dict()
    assert state["round"] == 5
    rest = [next(it) for _ in range(3)]
    b = RS2Schedule(300, 0.1, rng=8, num_replicas=2, rank=1)
    b.load_state_dict(state)
    it_b = iter(b)
    for x in rest:
        assert np.array_equal(next(it_b), x)
    assert np.array_equal(first[0], a.indices(0))
    # the state is plain data (JSON round trip)
    import json

    assert json.loads(json.dumps(state)) == state


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"rng": 9}, "seed"),
        ({"ratio": 0.2}, "ratio"),
        ({"replacement": True}, "replacement"),
        ({"n_items": 301}, "n"),
        ({"labels": np.arange(300) % 3}, "stratified"),
        ({"even_shards": True}, "even_shards"),
    ],
)
def test_load_state_refuses_other_configuration(kwargs, field):
    base = {"n_items": 300, "ratio": 0.1, "rng": 8}
    state = RS2Schedule(**base).state_dict()
    other = RS2Schedule(**{**base, **kwargs})
    with pytest.raises(InvalidParameterError, match=f"different configuration.*{field}"):
        other.load_state_dict(state)


def test_load_state_refuses_other_labels_and_garbage():
    y1 = np.arange(300) % 3
    y2 = y1.copy()
    y2[[0, 1]] = y2[[1, 0]]
    state = RS2Schedule(300, 0.1, labels=y1).state_dict()
    with pytest.raises(InvalidParameterError, match="label_hash"):
        RS2Schedule(300, 0.1, labels=y2).load_state_dict(state)
    # relabelling the classes consistently gives the same stream: accepted
    RS2Schedule(300, 0.1, labels=y1 + 10).load_state_dict(state)
    with pytest.raises(InvalidParameterError, match="not an RS2 state"):
        RS2Schedule(300, 0.1).load_state_dict({"round": 3})
    with pytest.raises(InvalidParameterError, match="'state' parameter.*must be the dict"):
        RS2Schedule(300, 0.1).load_state_dict([1, 2])
    bad = RS2Schedule(300, 0.1).state_dict()
    bad["round"] = -1
    with pytest.raises(InvalidParameterError, match=r"round must be an int in the range \[0, "):
        RS2Schedule(300, 0.1).load_state_dict(bad)


def test_state_accepts_other_num_replicas():
    state = RS2Schedule(300, 0.1, rng=0, num_replicas=4, rank=3).state_dict()
    state["round"] = 6
    s = RS2Schedule(300, 0.1, rng=0, num_replicas=2, rank=0)
    s.load_state_dict(state)
    assert s.round == 6


# ----------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((0, 0.1), {}, r"The 'n_items' parameter of RS2Schedule must be an int in the range \[1"),
        ((10.0, 0.1), {}, r"The 'n_items' parameter of RS2Schedule"),
        (
            (10, 0.0),
            {},
            r"The 'ratio' parameter of RS2Schedule must be a float in the range \(0, 1\]",
        ),
        ((10, 1.5), {}, r"'ratio'.*\(0, 1\]. Got 1.5"),
        ((10, True), {}, r"'ratio'"),
        ((10, 0.01), {}, r"empty round.*rounds to 0"),
        ((10, 0.5), {"rng": -1}, r"The 'rng' parameter of RS2Schedule must be None, an int"),
        ((10, 0.5), {"rng": 2**64}, r"The 'rng' parameter of RS2Schedule must be None, an int"),
        ((10, 0.5), {"rng": 1.5}, r"The 'rng' parameter of RS2Schedule must be None, an int"),
        ((10, 0.5), {"rng": None, "num_replicas": 2}, r"'rng'.*must be an int when num_replicas"),
        (
            (10, 0.5),
            {"rng": np.random.default_rng(0), "num_replicas": 2},
            r"'rng'.*must be an int.*rng=int\(g.integers\(2\*\*63\)\)",
        ),
        ((10, 0.5), {"num_replicas": 0}, r"'num_replicas'.*\[1, inf\)"),
        ((10, 0.5), {"rng": 0, "num_replicas": 2, "rank": 2}, r"'rank'.*\[0, 1\]. Got 2"),
        ((10, 0.5), {"rank": -1}, r"'rank'"),
        (
            (10, 0.2),
            {"rng": 0, "num_replicas": 3},
            r"round size k = 2 is smaller than num_replicas = 3",
        ),
        ((10, 0.5), {"replacement": "no"}, r"'replacement'.*bool"),
        ((10, 0.5), {"labels": np.zeros(9)}, r"'labels'.*length n_items = 10.*got length 9"),
        ((10, 0.5), {"labels": np.zeros((10, 1))}, r"'labels'.*1-D"),
        ((10, 0.5), {"labels": np.r_[np.zeros(9), np.nan]}, r"'labels'.*NaN"),
        (
            (100, 0.05),
            {"labels": np.r_[np.zeros(98), 1, 1]},
            r"Class 1.0 has only 2 example\(s\), too few for a per-round quota.*rounds to 0",
        ),
    ],
)
def test_bad_input(args, kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        RS2Schedule(*args, **kwargs)


def test_bad_round_and_helpers():
    s = RS2Schedule(10, 0.5)
    with pytest.raises(InvalidParameterError, match="'round' parameter of RS2Schedule.indices"):
        s.indices(-1)
    with pytest.raises(InvalidParameterError, match="'round'"):
        s.indices(1.0)
    with pytest.raises(
        InvalidParameterError, match="'n_samples' parameter of largest_remainder_quotas"
    ):
        largest_remainder_quotas([1, 2], 4)
    with pytest.raises(InvalidParameterError, match="'counts'"):
        largest_remainder_quotas([-1, 2], 1)
    with pytest.raises(InvalidParameterError, match="rounds to 0"):
        rs2_round_size(100, 0.001)
    assert rs2_round_size(100, 0.005) == 1  # 0.5 rounds half up


def test_numba_disabled_fallback_gives_identical_rounds(tmp_path):
    # NUMBA_DISABLE_JIT=1 switches to the vectorised numpy path (no numba): same rounds, bitwise
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys, numpy as np\n"
        "from samplingstats.subsample import RS2Schedule\n"
        "y = np.arange(997) % 7\n"
        "out = []\n"
        "for kw in ({}, {'labels': y}, {'replacement': True}):\n"
        "    s = RS2Schedule(997, 0.37, rng=5, num_replicas=3, rank=2, **kw)\n"
        "    out.append([s.indices(t).tolist() for t in range(12)])\n"
        "json.dump(out, open(sys.argv[1], 'w'))\n"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    env["PYTHONPATH"] = os.getcwd() + os.pathsep + env.get("PYTHONPATH", "")
    path = tmp_path / "rounds.json"
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, env=env, timeout=120)
    got = json.loads(path.read_text())
    y = np.arange(997) % 7
    for kw, rounds in zip(({}, {"labels": y}, {"replacement": True}), got):
        s = RS2Schedule(997, 0.37, rng=5, num_replicas=3, rank=2, **kw)
        assert rounds == [s.indices(t).tolist() for t in range(12)]
