"""Exact samplers: brute-force DPP probabilities, Ermakov-Zolotukhin, marginals, stability.

Every stochastic test is seeded and states the probability that its assertion fails by chance.
"""

import math

import numpy as np
import pytest
from _dpp_testing import check_finite_dpp  # tests/dpp is on sys.path (rootdir-relative import)
from scipy import stats

from samplingstats.dpp import FiniteBasis, PolynomialBasis, ProjectionDPP, sample_design
from samplingstats.dpp._samplers import _draw_points


def _runge(x):
    return 1.0 / (1.0 + 25.0 * x[..., 0] ** 2)


def _best_approx(basis, u):
    xg, wg = np.polynomial.legendre.leggauss(400)
    wg = wg / 2
    Pg = basis.evaluate(xg[:, None])
    ug = u(xg[:, None])
    cstar = Pg.T @ (wg * ug)
    return cstar, float(wg @ ug**2 - cstar @ cstar)


def _batch_wls(basis, pts, u):
    """WLS by QR for a stack of designs pts (R, n, d); returns coefficients and ||G - I||_2."""
    R, n, d = pts.shape
    m = basis.size
    Phi = basis.evaluate(pts.reshape(-1, d)).reshape(R, n, m)
    s = np.sqrt(m / np.sum(Phi**2, axis=2) / n)
    A = Phi * s[..., None]
    Q, Rr = np.linalg.qr(A)
    c = np.linalg.solve(Rr, np.einsum("rnm,rn->rm", Q, u(pts) * s)[..., None])[..., 0]
    G = np.einsum("rnm,rnk->rmk", A, A)
    dev = np.abs(np.linalg.eigvalsh(G - np.eye(m))).max(axis=1)
    return c, dev


def _max_z(c, cstar):
    return float(np.max(np.abs(c.mean(0) - cstar) / (c.std(0, ddof=1) / math.sqrt(len(c)))))


@pytest.mark.parametrize("method", ["rejection", "spectral"])
def test_finite_dpp_matches_brute_force(method):
    rng = np.random.default_rng(31337)
    F = rng.standard_normal((9, 3)) * np.array([1.0, 0.3, 3.0])
    F[0] *= 4  # a high-leverage candidate
    fb = FiniteBasis(F)
    draws = ProjectionDPP(fb, method=method).sample(n_samples=20_000, rng=rng)
    check_finite_dpp(draws, fb.V)


def test_finite_rejection_proposals_and_reproducibility():
    rng = np.random.default_rng(4)
    fb = FiniteBasis(rng.standard_normal((300, 12)))
    dpp = ProjectionDPP(fb)
    _, nprop = dpp.sample_with_proposals(n_samples=4000, rng=rng)
    m = 12
    t = np.arange(m)
    p = (m - t) / m
    mean, var = np.sum(1 / p), np.sum((1 - p) / p**2)
    assert mean == pytest.approx(dpp.expected_proposals)
    # sum of independent geometrics: |z| < 4.5 w.p. 1 - 7e-6 (CLT), and within 5% of m H_m
    assert abs(nprop.mean() - mean) / math.sqrt(var / len(nprop)) < 4.5
    assert abs(nprop.mean() / mean - 1) < 0.05
    a = dpp.sample(n_samples=3, rng=np.random.default_rng(9))
    b = dpp.sample(n_samples=3, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)


def test_ermakov_zolotukhin_unbiased_interpolation():
    # Validation case 1: Legendre, d = 1, m = 10, 20 000 projection-DPP interpolants.
    rng = np.random.default_rng(2023)
    basis = PolynomialBasis(1, 9)
    m = basis.size
    cstar, em2 = _best_approx(basis, _runge)
    pts = ProjectionDPP(basis).sample(n_samples=20_000, rng=rng)
    c, _ = _batch_wls(basis, pts, _runge)
    # unbiased: 10 z-scores, |z| < 4.5 fails w.p. < 10 * 6.8e-6
    assert _max_z(c, cstar) < 4.5
    # E ||c - c*||^2 = m e_m^2 (the ratio has a heavy right tail: mean within 25%)
    ratio = np.mean(np.sum((c - cstar) ** 2, axis=1)) / em2
    assert 0.75 * m <= ratio <= 1.25 * m


def test_volume_sampling_unbiased_iid_biased():
    # Validation case 2: volume-rescaled n = 2m is unbiased; iid optimal at n = 2m is not.
    rng = np.random.default_rng(77)
    basis = PolynomialBasis(1, 9)
    m = basis.size
    cstar, _ = _best_approx(basis, _runge)
    vol = np.stack([_draw_points(basis, 2 * m, "volume", rng)[0] for _ in range(10_000)])
    c, _ = _batch_wls(basis, vol, _runge)
    assert _max_z(c, cstar) < 4.5  # 10 z-scores: false failure < 7e-5
    iid = basis.sample_optimal(20_000 * 2 * m, rng=rng).reshape(20_000, 2 * m, 1)
    c, _ = _batch_wls(basis, iid, _runge)
    assert _max_z(c, cstar) > 8  # measured ~16 on this seed; bias is systematic, not chance


def test_dpp_gram_expectation_and_marginal():
    # Validation case 3: E G = I for one projection-DPP draw (n = m), entrywise within 5 SE
    # (bounded summands, CLT; 21 x 21 entries -> false failure < 441 * 5.7e-7 = 2.5e-4), and the
    # law of a uniformly chosen point of the draw is the optimal density (KS against iid draws).
    rng = np.random.default_rng(99)
    basis = PolynomialBasis(2, 5)
    m = basis.size
    R = 6000
    pts = ProjectionDPP(basis).sample(n_samples=R, rng=rng)
    Phi = basis.evaluate(pts.reshape(-1, 2)).reshape(R, m, m)
    w = m / np.sum(Phi**2, axis=2)
    G = np.einsum("rn,rnj,rnk->rjk", w / m, Phi, Phi)
    mean = G.mean(0)
    se = G.std(0, ddof=1) / math.sqrt(R) + 1e-300
    assert np.max(np.abs(mean - np.eye(m)) / se) < 5
    np.testing.assert_allclose(mean, np.eye(m), atol=0.05)
    pick = pts[np.arange(R), rng.integers(0, m, R)]
    ref = basis.sample_optimal(R, rng=rng)
    for i in range(2):  # two-sample KS per coordinate: p < 1e-4 w.p. 1e-4 each
        assert stats.ks_2samp(pick[:, i], ref[:, i]).pvalue > 1e-4
    # The first point of the chain rule is exactly optimal-density distributed as well.
    assert stats.ks_2samp(pts[:, 0, 0], ref[:, 0]).pvalue > 1e-4
    # the design is unisolvent: every DPP draw interpolates (Phi invertible)
    assert np.all(np.abs(np.linalg.det(Phi[:50])) > 0)


def test_continuous_dpp_proposals_mean():
    rng = np.random.default_rng(5)
    basis = PolynomialBasis(1, 14, family="chebyshev")
    dpp = ProjectionDPP(basis)
    _, nprop = dpp.sample_with_proposals(n_samples=5000, rng=rng)
    m = basis.size
    p = (m - np.arange(m)) / m
    mean, var = np.sum(1 / p), np.sum((1 - p) / p**2)
    assert abs(nprop.mean() - mean) / math.sqrt(var / len(nprop)) < 4.5  # w.p. 1 - 7e-6
    assert abs(nprop.mean() / dpp.expected_proposals - 1) < 0.05


def test_stability_ordering():
    # Validation case 4: P(||G - I|| <= 1/2) at n = 8m, Legendre d = 1, m = 10:
    # measured 0.976 (repeated DPP) and 0.23 (iid) with 2000 draws. With 1000 draws the bounds
    # 0.95 / 0.3 are > 5 binomial SE away: false failure < 1e-6.
    rng = np.random.default_rng(8)
    basis = PolynomialBasis(1, 9)
    m = basis.size
    rep = ProjectionDPP(basis).sample(n_samples=8 * 1000, rng=rng).reshape(1000, 8 * m, 1)
    _, dev = _batch_wls(basis, rep, _runge)
    assert np.mean(dev <= 0.5) >= 0.95
    iid = basis.sample_optimal(1000 * 8 * m, rng=rng).reshape(1000, 8 * m, 1)
    _, dev = _batch_wls(basis, iid, _runge)
    assert np.mean(dev <= 0.5) <= 0.3


@pytest.mark.parametrize("kind", ["iid", "dpp", "volume", "repeated_dpp"])
def test_sample_design_shapes_and_weights(kind):
    rng = np.random.default_rng(12)
    basis = PolynomialBasis(2, 3, family="hermite")
    m = basis.size
    n = m if kind == "dpp" else 3 * m
    d = sample_design(basis, n, kind=kind, rng=rng)
    assert d.points.shape == (n, 2) and d.weights.shape == (n,) and d.kind == kind
    np.testing.assert_allclose(d.weights, m / basis.christoffel(d.points))
    assert d.n_samples == n and d.n_proposals >= (n if kind == "iid" else m)
    assert d.gram().shape == (m, m) and d.gram_deviation() >= 0
    fb = FiniteBasis(rng.standard_normal((50, 4)))
    n = 4 if kind == "dpp" else 8
    d = sample_design(fb, n, kind=kind, rng=rng)
    assert d.points.shape == (n,) and d.points.dtype == np.int64
    if kind == "dpp":
        assert len(np.unique(d.points)) == 4
    np.testing.assert_allclose(d.weights, 4 / (50 * fb.leverage[d.points]))


def test_volume_design_contains_a_dpp():
    # exact layer: a volume design of a finite pool has full rank (it contains a DPP draw)
    rng = np.random.default_rng(3)
    fb = FiniteBasis(rng.standard_normal((40, 5)))
    for _ in range(50):
        d = sample_design(fb, 7, kind="volume", rng=rng)
        assert np.linalg.matrix_rank(fb.V[d.points]) == 5


def _bound_proposal_counts(nprop, m, U):
    # proposals from the bound (probability u_i / U) until the chain rule accepts: at step t a
    # proposal is accepted with probability (m - t) / U, so the count is a sum of independent
    # geometric counts; |z| < 4.5 w.p. 1 - 7e-6 (CLT)
    p = (m - np.arange(m)) / U
    mean, var = np.sum(1 / p), np.sum((1 - p) / p**2)
    assert abs(nprop.mean() - mean) / math.sqrt(var / len(nprop)) < 4.5


@pytest.mark.parametrize("s", [0, 1, None])
def test_finite_dpp_lazy_path_matches_brute_force(monkeypatch, s):
    # the draw that does not form V (proposals from an upper bound u of the leverage scores built
    # from s eigenpairs of the Gram matrix, accepted with probability residual / u, in phases of
    # shrinking coordinates): same brute-force law as the rejection chain rule. s = 0:
    # ||F_i||^2 / lambda_min(G); s = 1: one eigenpair; None: the cost model's choice (here
    # s = m - 1 = 2, an exact bound). m = 3: one phase (the default for m <= 12), or phases of 2
    # and 1 points (one change of coordinates) for s = 0, 1.
    # False failure: check_finite_dpp < 1.4e-4, the count < 7e-6.
    from samplingstats.dpp import _samplers
    from samplingstats.dpp._samplers import _lazy_finite_draws

    if s is not None:
        monkeypatch.setattr(_samplers, "_LAST_PHASE", 1)

    rng = np.random.default_rng(2024)
    F = rng.standard_normal((9, 3)) * np.array([1.0, 0.5, 2.0])
    F[0] *= 3  # a high-leverage candidate
    fb = FiniteBasis(F)
    assert fb._V is None  # well conditioned: V not formed at construction
    lazy = fb._lazy_proposals(s=s)
    assert lazy["s"] == (2 if s is None else s)
    if s is not None:
        assert lazy["U"] > 3.05  # a loose bound: proposals are often rejected for it
    draws, nprop = _lazy_finite_draws(fb, 20_000, rng, force=True)
    assert fb._V is None  # ... nor by the lazy draws
    check_finite_dpp(draws, fb.V)
    _bound_proposal_counts(nprop, 3, lazy["U"])


@pytest.mark.parametrize("mode", ["default", "tiny_blocks"])
def test_finite_dpp_lazy_phases_match_brute_force(monkeypatch, mode):
    # m = 6: phases of 3, 2 and 1 points (two changes of coordinates; m = 4 otherwise: 3 and 1,
    # the default fractions); tiny_blocks: every block holds one proposal, so phases end and
    # blocks run out at every position.
    # False failure: check_finite_dpp < 1.4e-4 (N = 10: 55 inclusion checks), the count < 7e-6.
    from samplingstats.dpp import _samplers

    rng = np.random.default_rng(77)
    N, m = (10, 6) if mode == "default" else (7, 4)
    F = rng.standard_normal((N, m)) @ (np.eye(m) + 0.4 * rng.standard_normal((m, m)))
    F[1] *= 2.5
    fb = FiniteBasis(F)
    lazy = fb._lazy_proposals(s=1)
    monkeypatch.setattr(_samplers, "_LAST_PHASE", 1)
    if mode == "default":
        monkeypatch.setattr(_samplers, "_FIRST_FRACTION", 0.5)
        monkeypatch.setattr(_samplers, "_FRACTION", 0.5)
    if mode == "tiny_blocks":
        monkeypatch.setattr(_samplers, "_BLOCK_SD", -1e9)
        monkeypatch.setattr(_samplers, "_BLOCK_PAD", 0)
    draws, nprop = _samplers._lazy_finite_draws(
        fb, 12_000 if mode == "default" else 3000, rng, force=True
    )
    assert fb._V is None
    check_finite_dpp(draws, fb.V)
    _bound_proposal_counts(nprop, m, lazy["U"])


def test_complement_basis(monkeypatch):
    # the basis of the complement used between phases: orthonormal, orthogonal to the rows, also
    # on the fallback (a projected Gaussian that is singular: complete QR)
    from samplingstats.dpp import _samplers

    rng = np.random.default_rng(6)
    Qt = np.linalg.qr(rng.standard_normal((9, 4)))[0].T  # 4 orthonormal rows in R^9
    for degenerate in (False, True):
        if degenerate:
            monkeypatch.setitem(_samplers._Z_CACHE, (9, 5), Qt.T @ rng.standard_normal((4, 5)))
        C = _samplers._complement(Qt)
        assert C.shape == (9, 5)
        np.testing.assert_allclose(C.T @ C, np.eye(5), atol=1e-13)
        np.testing.assert_allclose(Qt @ C, 0, atol=1e-13)


def test_finite_dpp_single_draw_is_lazy_and_batches_form_v():
    rng = np.random.default_rng(5)
    fb = FiniteBasis(rng.standard_normal((5000, 10)))
    dpp = ProjectionDPP(fb)
    s = dpp.sample(rng=rng)
    assert fb._V is None and s.shape == (10,) and len(set(s.tolist())) == 10
    # rows of the draw are linearly independent (a projection DPP draw is a basis)
    assert np.linalg.matrix_rank(fb.evaluate(s)) == 10
    dpp.sample(n_samples=500, rng=rng)  # many draws: forming V once is cheaper
    assert fb._V is not None
