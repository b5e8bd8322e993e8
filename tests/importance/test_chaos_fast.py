"""The shortcuts of :func:`crossfit_chaos` (nested candidates solved together, pair factors reused
for the jackknife refits, designs kept for the projection estimator, the numba design kernel)
against a plain reference implementation of the same estimator.

Deterministic (fixed seeds, no sampling assertions): every comparison is exact up to rounding.
"""

import numpy as np
import pytest
from scipy import stats
from scipy.linalg import solve_triangular

import samplingstats.importance._chaos as ch
import samplingstats.importance._rqmc as rq
from samplingstats.importance import sobol_indices


def _solve(L, b):
    z = solve_triangular(L, b, lower=True)
    return solve_triangular(L.T, z, lower=False)


def _design_numpy_full(U, kinds, union, pmax):
    T = ch._tables_t(U, kinds, pmax)
    out = np.empty((union.shape[0], U.shape[0]))
    ch._design_numpy(T, union, out)
    return out


def reference_crossfit(train_U, train_y, pred_U, kinds, *, max_terms, ridge=1e-10, cv="all"):
    """The estimator written plainly: one factorisation per replicate pair, family and
    candidate; one per final fit and per jackknife refit."""
    R = len(train_U)
    d = train_U[0].shape[1]
    n_rows = np.array([u.shape[0] for u in train_U])
    n_inner = int(n_rows.sum() - 2 * n_rows.max())
    limit = int(min(max_terms, max(1, n_inner / 4.0)))
    union, cands, pmax, orders = ch.candidate_sets(d, limit, 30)
    Phi = [_design_numpy_full(u, kinds, union, pmax) for u in train_U]
    G = [p @ p.T for p in Phi]
    b = [p @ y for p, y in zip(Phi, train_y)]
    yy = [y @ y for y in train_y]

    def fit(skip, idx):
        A = sum(G[t] for t in range(R) if t not in skip)[np.ix_(idx, idx)]
        rhs = sum(b[t] for t in range(R) if t not in skip)[idx]
        return _solve(ch._chol(A, ridge), rhs)

    def held_out_errors(partners):
        errs = np.zeros((R, len(cands)))
        tested = np.zeros(R)
        for r in range(R):
            for s in range(R):
                if s == r or not partners(r, s):
                    continue
                tested[r] += n_rows[s]
                for c, (_, fam, k) in enumerate(cands):
                    full = orders[fam]
                    L = ch._chol(
                        sum(G[t] for t in range(R) if t not in (r, s))[np.ix_(full, full)], ridge
                    )
                    rhs = sum(b[t] for t in range(R) if t not in (r, s))[full]
                    beta = _solve(L[:k, :k], rhs[:k])
                    idx = full[:k]
                    errs[r, c] += (
                        yy[s] - 2 * beta @ b[s][idx] + beta @ G[s][np.ix_(idx, idx)] @ beta
                    )
        return errs, tested

    if cv == "all":
        errs, tested = held_out_errors(lambda r, s: True)
    else:
        errs, tested = held_out_errors(lambda r, s: (s - r) % R in (1, R - 1))
    if cv == "family":
        # neighbour-pair errors choose the family, all pairs the candidate within it
        ref_all, tested = held_out_errors(lambda r, s: True)
        for r in range(R):
            e = np.maximum(errs[r], 0.0)
            top = {f: min(v for v, c in zip(e, cands) if c[1] == f) for f in orders}
            keep = [f for f in top if top[f] <= ch.FAMILY_MARGIN * min(top.values())]
            errs[r] = [ref_all[r, c] if cand[1] in keep else np.inf for c, cand in enumerate(cands)]
    out = []
    for r in range(R):
        e = np.maximum(errs[r], 0.0) / tested[r]
        best = int(np.argmin(e))
        label, fam, k = cands[best]
        idx = orders[fam][:k]
        B = np.array([fit((r,), idx)] + [fit((r, j), idx) for j in range(R) if j != r])
        sub = union[idx]
        pred = B @ _design_numpy_full(pred_U[r], kinds, sub, int(sub.max()))
        out.append(
            {
                "label": label,
                "coef": B[0],
                "coef_without": B[1:],
                "pred": pred[0],
                "pred_without": pred[1:],
                "index": sub,
                "rel_error": e[best],
            }
        )
    return out


def _data(R, m, d, kinds, seed):
    rng = np.random.default_rng(seed)
    U = [rng.random((m, d)) for _ in range(R)]

    def f(u):
        x = 2 * u - 1
        return np.sin(3 * x[:, 0]) + x[:, 1] ** 2 * np.exp(x[:, -1]) + 0.01 * rng.standard_normal(m)

    return U, [f(u) for u in U]


CASES = [
    (4, 60, 2, ["legendre", "legendre"], 40, 0),
    (8, 50, 3, ["legendre", "hermite", "legendre"], 60, 1),
    (5, 80, 3, ["hermite", "hermite", "hermite"], 300, 2),
    (3, 70, 2, ["hermite", "legendre"], 30, 4),
]


@pytest.mark.parametrize("R, m, d, kinds, max_terms, seed", CASES)
@pytest.mark.parametrize(
    "same_rows, cv",
    [(True, "all"), (False, "all"), (True, "neighbours"), (True, "family")],
)
def test_crossfit_matches_reference(R, m, d, kinds, max_terms, seed, same_rows, cv):
    U, y = _data(R, m, d, kinds, seed)
    pred = U if same_rows else [u[::-1][: m // 2] for u in U]
    ref = reference_crossfit(U, y, pred, kinds, max_terms=max_terms, cv=cv)
    got = ch.crossfit_chaos(U, y, pred, kinds, max_terms=max_terms, cv_pairs=cv)
    labels = [g["label"] for g in got]
    assert labels == [f["label"] for f in ref]
    assert len(set(labels)) >= 1 and any(lab != "constant" for lab in labels)
    for g, f in zip(got, ref):
        scale = np.abs(f["coef"]).max()
        for key in ("coef", "coef_without"):
            np.testing.assert_allclose(g[key], f[key], rtol=0, atol=1e-9 * scale)
        pscale = np.abs(f["pred"]).max()
        for key in ("pred", "pred_without"):
            np.testing.assert_allclose(g[key], f[key], rtol=0, atol=1e-9 * pscale)
        np.testing.assert_array_equal(g["index"], f["index"])
        assert g["rel_error"] * np.var(np.concatenate(y)) == pytest.approx(f["rel_error"], rel=1e-6)


@pytest.mark.parametrize("cv", ["all", "neighbours", "family"])
def test_not_exact_pair_factor_recomputes_the_refits(monkeypatch, cv):
    # a pair whose factor needed _chol's shifted fallback cannot lend its prefix to the
    # jackknife refits: force that path (every in-place factorisation reports failure) and the
    # results must not change
    R, m, d, kinds, max_terms, seed = CASES[1]
    U, y = _data(R, m, d, kinds, seed)
    fast = ch.crossfit_chaos(U, y, U, kinds, max_terms=max_terms, cv_pairs=cv)
    monkeypatch.setattr(ch, "_chol_inplace", lambda A, ridge: False)
    slow = ch.crossfit_chaos(U, y, U, kinds, max_terms=max_terms, cv_pairs=cv)
    for a, b in zip(fast, slow):
        assert a["label"] == b["label"]
        np.testing.assert_allclose(a["coef_without"], b["coef_without"], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(a["coef"], b["coef"], rtol=1e-9, atol=1e-12)


def test_chol_inplace_matches_chol_and_reports_failure():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 60))
    A = X @ X.T
    L = A.copy()
    assert ch._chol_inplace(L, 1e-10)
    np.testing.assert_allclose(L, ch._chol(A, 1e-10), rtol=1e-12, atol=1e-12 * np.abs(L).max())
    assert np.all(np.triu(L, 1) == 0)
    assert not ch._chol_inplace(-np.eye(5), 1e-10)
    # the fallback of _chol shifts an indefinite matrix
    assert np.all(np.isfinite(ch._chol(-np.eye(5), 1e-10)))


@pytest.mark.parametrize("d", [1, 3, 6])
def test_design_kernel_bitwise(d):
    rng = np.random.default_rng(d)
    kinds = ["legendre", "hermite"] * 3
    kinds = kinds[:d]
    union, _, pmax, orders = ch.candidate_sets(d, 200)
    U = rng.random((300, d))
    T = ch._tables_t(U, kinds, pmax)
    ref = np.empty((union.shape[0], U.shape[0]))
    ch._design_numpy(T, union, ref)
    np.testing.assert_array_equal(ch._design_t(U, kinds, union, pmax), ref)
    # the (d, n, p + 1) tables hold the same values
    np.testing.assert_array_equal(ch._tables(U, kinds, pmax).transpose(0, 2, 1), T)
    # a subset of rows (as a chosen basis), and an explicit product
    sub = union[rng.permutation(union.shape[0])[:25]]
    got = ch._design_t(U, kinds, sub, pmax)
    expl = np.ones_like(got)
    for a, alpha in enumerate(sub):
        for i, deg in enumerate(alpha):
            expl[a] *= T[i, deg]
    np.testing.assert_allclose(got, expl, rtol=1e-14, atol=0)


def test_keep_design_is_the_chosen_basis_design():
    R, m, d, kinds, max_terms, seed = CASES[1]
    U, y = _data(R, m, d, kinds, seed)
    fits = ch.crossfit_chaos(U, y, U, kinds, max_terms=max_terms, predict=False, keep_design=True)
    for f, u in zip(fits, U):
        sub = f["index"]
        np.testing.assert_array_equal(f["design"], ch._design_t(u, kinds, sub, int(sub.max())))
    # without keep_design no design is returned
    assert "design" not in ch.crossfit_chaos(U, y, U, kinds, max_terms=max_terms)[0]


@pytest.mark.parametrize("dist", [stats.uniform(-np.pi, 2 * np.pi), stats.norm()])
def test_sobol_with_and_without_kept_designs(monkeypatch, dist):
    def ishigami(x):
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    dists = [dist] * 3
    a = sobol_indices(ishigami, dists, budget=5 * 2**10, rng=4)
    monkeypatch.setattr(ch, "KEEP_DESIGN_BYTES", 0)
    b = sobol_indices(ishigami, dists, budget=5 * 2**10, rng=4)
    assert a.surrogate_basis == b.surrogate_basis
    for q in ("first", "total"):
        ia, ib = a.confidence_interval(0.95, order=q), b.confidence_interval(0.95, order=q)
        np.testing.assert_allclose(ia.low, ib.low, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ia.high, ib.high, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.first_order, b.first_order, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.total_order, b.total_order, rtol=0, atol=1e-12)


def test_projection_stats_with_given_design():
    rng = np.random.default_rng(5)
    d, n, per = 3, 40, 5
    kinds = ["legendre", "hermite", "legendre"]
    Uf = rng.random((per, n, d))
    Y = rng.standard_normal((per, n))
    index = ch.multi_indices(d, 3)
    coef = rng.standard_normal(index.shape[0])
    others = coef + 0.01 * rng.standard_normal((4, index.shape[0]))
    built = rq._projection_stats(Y, Uf, kinds, coef, index, others)
    design = ch._design_t(Uf.reshape(-1, d), kinds, index, 3)
    given = rq._projection_stats(Y, Uf, kinds, coef, index, others, design)
    for key, v in built.items():
        if isinstance(v, np.ndarray):
            np.testing.assert_allclose(given[key], v, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cv", ["neighbours", "family"])
def test_neighbour_pairs_choose_without_the_replicate(cv):
    # with "neighbours" the choice for replicate r is scored only on r - 1 and r + 1 (fits
    # without r and the partner): changing replicate r's outputs cannot change r's own basis
    R, m, d, kinds, max_terms, seed = CASES[1]
    U, y = _data(R, m, d, kinds, seed)
    a = ch.crossfit_chaos(U, y, U, kinds, max_terms=max_terms, cv_pairs=cv)
    y2 = list(y)
    y2[3] = y[3] + np.random.default_rng(0).standard_normal(m) * 5.0
    b = ch.crossfit_chaos(U, y2, U, kinds, max_terms=max_terms, cv_pairs=cv)
    assert a[3]["label"] == b[3]["label"]
    assert a[3]["rel_error"] * np.var(np.concatenate(y)) == pytest.approx(
        b[3]["rel_error"] * np.var(np.concatenate(y2)), rel=1e-9
    )
    with pytest.raises(ValueError):
        ch.crossfit_chaos(U, y, U, kinds, cv_pairs="some")


def test_auto_cv_pairs_by_germ(monkeypatch):
    monkeypatch.setattr(rq, "SOBOL_CV_PAIRS", "auto")
    assert rq._cv_pairs(["legendre", "legendre"]) == "family"
    assert rq._cv_pairs(["legendre", "hermite"]) == "all"
    monkeypatch.setattr(rq, "SOBOL_CV_PAIRS", "neighbours")
    assert rq._cv_pairs(["legendre"]) == "neighbours"


def test_family_scoring_keeps_the_ishigami_estimates(monkeypatch):
    # on Ishigami the family pruning never changed a basis in 480 replicates (session 8): the
    # estimates are those of all-pairs scoring to rounding
    def ishigami(x):
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    dists = [stats.uniform(-np.pi, 2 * np.pi)] * 3
    out = {}
    for mode in ("all", "family"):
        monkeypatch.setattr(rq, "SOBOL_CV_PAIRS", mode)
        out[mode] = sobol_indices(ishigami, dists, budget=5 * 2**10, rng=11)
    a, b = out["all"], out["family"]
    assert a.surrogate_basis == b.surrogate_basis
    np.testing.assert_allclose(a.first_order, b.first_order, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.total_order, b.total_order, rtol=0, atol=1e-12)
    for q in ("first", "total"):
        ia, ib = a.confidence_interval(0.95, order=q), b.confidence_interval(0.95, order=q)
        np.testing.assert_allclose(ia.low, ib.low, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ia.high, ib.high, rtol=0, atol=1e-12)
