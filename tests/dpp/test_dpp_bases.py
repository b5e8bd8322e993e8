"""Polynomial bases and finite pools: exact checks against quadrature and numpy.polynomial."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import chebyshev, hermite_e, legendre
from scipy import special, stats

from samplingstats._validation import InvalidParameterError
from samplingstats.dpp import FiniteBasis, PolynomialBasis, multi_indices


def _gauss(family, n, jacobi_params=None):
    """Gauss rule (nodes, probability weights) for the reference measure of ``family``."""
    if family == "legendre":
        x, w = special.roots_legendre(n)
    elif family == "chebyshev":
        x, w = special.roots_chebyt(n)
    elif family == "jacobi":
        a, b = jacobi_params
        x, w = special.roots_jacobi(n, a, b)
    else:
        x, w = special.roots_hermitenorm(n)
    return x, w / w.sum()


@pytest.mark.parametrize(
    "family, jp",
    [
        ("legendre", None),
        ("chebyshev", None),
        ("jacobi", (0.5, -0.3)),
        ("jacobi", (-0.7, 2.0)),
        ("hermite", None),
    ],
)
def test_orthonormal_by_gauss_quadrature(family, jp):
    # Exact layer: a Gauss rule with 30 nodes integrates degree <= 59 exactly, so the Gram
    # matrix of the degree-8 tensor basis in d = 2 is the identity to rounding.
    basis = PolynomialBasis(2, 8, family=family, jacobi_params=jp)
    x, w = _gauss(family, 30, jp)
    X = np.stack(np.meshgrid(x, x, indexing="ij"), axis=-1).reshape(-1, 2)
    W = np.outer(w, w).ravel()
    Phi = basis.evaluate(X)
    G = Phi.T @ (Phi * W[:, None])
    np.testing.assert_allclose(G, np.eye(basis.size), atol=1e-9)
    # integral of the inverse Christoffel function is m
    assert W @ basis.christoffel(X) == pytest.approx(basis.size, rel=1e-10)


def test_matches_numpy_polynomial():
    x = np.linspace(-1, 1, 7)
    leg = PolynomialBasis(1, 5).evaluate(x[:, None])
    che = PolynomialBasis(1, 5, family="chebyshev").evaluate(x[:, None])
    her = PolynomialBasis(1, 5, family="hermite").evaluate(3 * x[:, None])
    for k in range(6):
        e = np.eye(6)[k]
        np.testing.assert_allclose(leg[:, k], math.sqrt(2 * k + 1) * legendre.legval(x, e))
        np.testing.assert_allclose(
            che[:, k], (1 if k == 0 else math.sqrt(2)) * chebyshev.chebval(x, e)
        )
        np.testing.assert_allclose(
            her[:, k], hermite_e.hermeval(3 * x, e) / math.sqrt(math.factorial(k))
        )


def test_multi_index_sets():
    assert multi_indices(3, 4).shape == (math.comb(7, 3), 3)
    assert multi_indices(3, 2, "tensor").shape == (27, 3)
    hc = multi_indices(2, 3, "hyperbolic_cross")
    assert sorted(map(tuple, hc)) == sorted(
        [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (2, 0), (3, 0)]
    )
    for name in ("total_degree", "hyperbolic_cross", "tensor"):
        idx = multi_indices(3, 5, name)
        s = set(map(tuple, idx))
        assert len(s) == len(idx)
        # downward closed: lowering any entry stays in the set
        for k in idx:
            for i in range(3):
                if k[i] > 0:
                    kk = list(k)
                    kk[i] -= 1
                    assert tuple(kk) in s
        assert tuple(idx[0]) == (0, 0, 0)
    hc = multi_indices(4, 7, "hyperbolic_cross")
    assert np.all(np.prod(hc + 1, axis=1) <= 8)


def test_custom_index_set_and_repr():
    idx = np.array([[0, 0], [3, 0], [0, 5]])
    b = PolynomialBasis(2, index_set=idx)
    assert b.size == 3 and b.degree == 5 and b.index_set == "custom"
    x = np.array([[0.3, -0.2]])
    ref = PolynomialBasis(2, 5, index_set="tensor")
    full = ref.evaluate(x)[0]
    pos = [next(j for j, k in enumerate(ref.multi_indices) if tuple(k) == tuple(r)) for r in idx]
    np.testing.assert_allclose(b.evaluate(x)[0], full[pos])
    assert "custom" in repr(b)


@pytest.mark.parametrize(
    "family, jp",
    [("legendre", None), ("chebyshev", None), ("jacobi", (1.5, -0.6)), ("hermite", None)],
)
def test_reference_and_optimal_draws(family, jp):
    # Two layers on one seeded run: E_mu[phi phi^T] = I and E_rho[w phi phi^T] = I entrywise.
    # The optimal-draw summands are bounded (|w phi_i phi_j| <= m), so the CLT z-scores are
    # accurate; max |z| over 36 entries < 5 fails with probability < 36 * 5.7e-7 = 2e-5.
    rng = np.random.default_rng(20260501)
    basis = PolynomialBasis(1, 5, family=family, jacobi_params=jp)
    m = basis.size
    y = basis.sample_optimal(40_000, rng=rng)
    Phi = basis.evaluate(y)
    w = basis.weights(y)
    terms = (Phi[:, :, None] * Phi[:, None, :]) * w[:, None, None]
    mean = terms.mean(0)
    se = terms.std(0, ddof=1) / math.sqrt(len(y))
    z = np.abs(mean - np.eye(m)) / np.where(se > 0, se, 1.0)
    assert z.max() < 5
    np.testing.assert_allclose(mean, np.eye(m), atol=0.05)
    # Statistical layer 2: Kolmogorov-Smirnov of the draws against the optimal CDF, computed by a
    # 400-node Gauss rule on [-1, x] (bounded families only). p < 1e-4 happens w.p. 1e-4.
    if family != "hermite":
        xs = np.sort(y[:3000, 0])
        cdf = _optimal_cdf(basis, family, jp, xs)
        assert stats.kstest(xs, lambda v: np.interp(v, xs, cdf)).pvalue > 1e-4
    x = basis.sample_reference(20_000, rng=rng)
    Phi = basis.evaluate(x)
    terms = Phi[:, :, None] * Phi[:, None, :]
    z = np.abs(terms.mean(0) - np.eye(m)) / (terms.std(0, ddof=1) / math.sqrt(len(x)) + 1e-300)
    assert z.max() < 5.5  # polynomial moments: CLT; 36 entries -> false failure < 1e-5


def _optimal_cdf(basis, family, jp, xs):
    # CDF of k_m / m dmu: integrate in theta (x = cos theta) to tame the endpoint singularities.
    a, b = {"legendre": (0.0, 0.0), "chebyshev": (-0.5, -0.5)}.get(family, jp)
    # Midpoint rule in theta, which never evaluates the (integrable) endpoint singularities.
    edges = np.linspace(np.pi, 0.0, 200_001)
    theta = (edges[1:] + edges[:-1]) / 2
    x = np.cos(theta)
    dens = (1 - x) ** a * (1 + x) ** b * np.sin(theta) * basis.christoffel(x[:, None])
    c = np.concatenate([[0.0], np.cumsum(dens)])
    c /= c[-1]
    return np.interp(xs, np.cos(edges), c)


def test_finite_basis_orthonormal_and_transform():
    rng = np.random.default_rng(7)
    F = rng.standard_normal((200, 5)) @ np.diag([1e-3, 1, 10, 1e3, 1])
    fb = FiniteBasis(F)
    np.testing.assert_allclose(fb.V.T @ fb.V, np.eye(5), atol=1e-12)
    # same column span
    np.testing.assert_allclose(fb.V @ (fb.V.T @ F), F, atol=1e-8)
    assert fb.leverage.sum() == pytest.approx(5.0)
    assert np.all(fb.leverage <= 1 + 1e-12)
    np.testing.assert_allclose(fb.transform(F[:4]), fb.evaluate(np.arange(4)), atol=1e-8)
    np.testing.assert_allclose(fb.christoffel(np.arange(200)), 200 * fb.leverage)
    # optimal draws: frequencies proportional to leverage (chi-square, p < 1e-4 w.p. 1e-4)
    draws = fb.sample_optimal(100_000, rng=rng)
    counts = np.bincount(draws, minlength=200)
    assert stats.chisquare(counts, 100_000 * fb.leverage / 5).pvalue > 1e-4


@settings(derandomize=True, max_examples=40, deadline=None)
@given(
    dim=st.integers(1, 4),
    degree=st.integers(0, 6),
    index_set=st.sampled_from(["total_degree", "hyperbolic_cross", "tensor"]),
    family=st.sampled_from(["legendre", "chebyshev", "hermite"]),
)
def test_basis_shape_invariants(dim, degree, index_set, family):
    basis = PolynomialBasis(dim, degree, family=family, index_set=index_set)
    idx = basis.multi_indices
    assert idx.shape == (basis.size, dim) and basis.size >= 1
    assert np.all(idx >= 0) and tuple(idx[0]) == (0,) * dim
    if index_set == "total_degree":
        assert basis.size == math.comb(dim + degree, dim) and idx.sum(1).max() == degree
    elif index_set == "tensor":
        assert basis.size == (degree + 1) ** dim
    else:
        assert np.prod(idx + 1, axis=1).max() <= degree + 1
    x = basis.sample_reference(3, rng=0)
    assert basis.evaluate(x).shape == (3, basis.size)
    np.testing.assert_allclose(basis.evaluate(x)[:, 0], 1.0)  # phi_0 = 1 (probability measure)
    assert np.all(basis.christoffel(x) >= 1.0)  # k_m >= phi_0^2 = 1


def test_envelope_families_construct_fast_and_refuse_past_supported_degree():
    # issue 17: PolynomialBasis(1, 400, family="hermite") took 175 s (cost ~ degree^2 with a
    # (grid, degree) table). Now O(degree) memory and a few hundred ms of CPU at degree 1000
    # (the bound below leaves 10x room for a loaded machine); past 1000 refused, naming the argument.
    import time

    from samplingstats.dpp import PolynomialBasis
    from samplingstats.dpp._polynomials import _MAX_ENVELOPE_DEGREE

    PolynomialBasis(1, 3, family="hermite")  # compile (cached)
    PolynomialBasis(1, 3, family="jacobi", jacobi_params=(0.5, 1.5))
    for kw in ({"family": "hermite"}, {"family": "jacobi", "jacobi_params": (0.5, 1.5)}):
        t0 = time.process_time()
        b = PolynomialBasis(1, _MAX_ENVELOPE_DEGREE, **kw)
        assert time.process_time() - t0 < 5.0
        assert b.size == _MAX_ENVELOPE_DEGREE + 1 and np.isfinite(b._family.env).all()
        with pytest.raises(InvalidParameterError, match="'degree'.*at most 1000"):
            PolynomialBasis(1, _MAX_ENVELOPE_DEGREE + 1, **kw)
    with pytest.raises(InvalidParameterError, match="'index_set'"):
        PolynomialBasis(2, index_set=np.array([[0, 0], [1001, 0]]), family="hermite")


def test_finite_basis_one_pass_path_and_no_copy():
    # well-conditioned features (cond <= 100): V = F L^{-T} (one Cholesky-QR pass) formed lazily;
    # a single draw forms the rows F_i L^{-T} it proposes (the same coordinates); the features are
    # read, not copied, unless copy=True
    rng = np.random.default_rng(11)
    F = rng.standard_normal((300, 6)) * np.array([1.0, 2.0, 0.5, 3.0, 1.0, 1.5])
    fb = FiniteBasis(F)
    assert fb._V is None and np.shares_memory(fb._F, F)
    rows = fb._rows(np.arange(300))  # rows of V before V is formed
    D = fb._draw_rows(np.arange(300))  # the draw coordinates
    V = fb.V
    assert fb._F is None  # the reference to the features is dropped once V is formed
    np.testing.assert_allclose(rows, V, atol=1e-14)
    np.testing.assert_allclose(V.T @ V, np.eye(6), atol=1e-12)
    np.testing.assert_allclose(D.T @ D, np.eye(6), atol=1e-12)
    Q, Rq = np.linalg.qr(F)  # V is the Q factor of F (R with a positive diagonal) ...
    np.testing.assert_allclose(V, Q * np.sign(np.diag(Rq)), atol=1e-12)
    np.testing.assert_allclose(D @ D.T, Q @ Q.T, atol=1e-12)  # ... D spans the same space
    np.testing.assert_allclose(fb.transform(F[:4]), fb.evaluate(np.arange(4)), atol=1e-10)
    assert not np.shares_memory(FiniteBasis(F, copy=True)._F, F)
    assert not np.shares_memory(FiniteBasis(np.asfortranarray(F))._F, F)
    assert not np.shares_memory(FiniteBasis(F.astype(np.float32))._F, F)


@pytest.mark.parametrize(("m", "s"), [(6, 0), (6, 1), (6, 2), (6, 5), (12, 4)])
def test_finite_leverage_bound_holds(m, s):
    # the proposal weights of the lazy draw bound the leverage scores (equality up to the margins
    # at s = m - 1); the kernel computes c ||F_i||^2 + sum_k a_k (w_k . F_i)^2. m = 12: only the 5
    # smallest eigenpairs are computed (s <= 4)
    rng = np.random.default_rng(5)
    F = rng.standard_normal((500, m)) @ (np.eye(m) + 0.3 * rng.standard_normal((m, m)))
    fb = FiniteBasis(F)
    lazy = fb._lazy_proposals(s=s)
    assert lazy["s"] == s
    assert fb._eig is not None and fb._eig[0].size == min(m, 5 if m > 8 else m)
    u, lev = lazy["u"], fb.leverage
    assert np.all(u >= lev)
    assert lazy["U"] == pytest.approx(u.sum())
    if s == m - 1:
        np.testing.assert_allclose(u, lev, rtol=1e-5)


def test_finite_basis_restores_blas_threads():
    # the m x m factorisations run on one BLAS thread; the caller's settings are restored
    from threadpoolctl import threadpool_info, threadpool_limits

    F = np.random.default_rng(3).standard_normal((400, 6))
    with threadpool_limits(limits=2, user_api="blas"):
        before = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        fb = FiniteBasis(F)
        fb.transform(F[:2])  # the Cholesky factor and its inverse, on one thread too
        after = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    assert before == after
