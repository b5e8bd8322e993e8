"""Batched torch path on CPU tensors: parity with numpy and exact laws."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _dpp_testing import check_finite_dpp  # noqa: E402

from samplingstats.dpp import FiniteBasis, PolynomialBasis, ProjectionDPP  # noqa: E402

pytestmark = pytest.mark.torch


@pytest.fixture(params=[False, True], ids=["cpu-policy", "gpu-policy"])
def batch_policy(request, monkeypatch):
    """Run the test under both batching policies of the torch sampler (the GPU one draws many
    more proposals per round; the law must not change)."""
    import samplingstats.dpp._torch_dpp as tdpp

    monkeypatch.setattr(tdpp, "_FORCE_GPU_POLICY", request.param)
    return request.param


@pytest.mark.parametrize("family", ["legendre", "hermite", "jacobi"])
def test_torch_basis_eval_parity(family):
    rng = np.random.default_rng(0)
    jp = (0.5, -0.5) if family == "jacobi" else None
    basis = PolynomialBasis(3, 4, family=family, jacobi_params=jp)
    x = basis.sample_reference(50, rng=rng)
    out = basis.evaluate(torch.as_tensor(x))
    assert isinstance(out, torch.Tensor) and out.shape == (50, basis.size)
    np.testing.assert_allclose(out.numpy(), basis.evaluate(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(basis.christoffel(torch.as_tensor(x)).numpy(), basis.christoffel(x))


def test_torch_finite_dpp_exact_law(batch_policy):
    rng = np.random.default_rng(31337)
    F = rng.standard_normal((9, 3)) * np.array([1.0, 0.3, 3.0])
    F[0] *= 4
    fb = FiniteBasis(F)
    draws = ProjectionDPP(fb).sample(n_samples=20_000, rng=rng, device="cpu")
    assert isinstance(draws, torch.Tensor) and draws.dtype == torch.int64
    check_finite_dpp(draws.numpy(), fb.V)


@pytest.mark.parametrize(
    "family, jp", [("legendre", None), ("jacobi", (1.0, -0.5)), ("hermite", None)]
)
def test_torch_continuous_dpp_gram_expectation(family, jp, batch_policy):
    # E G = I for one DPP draw, entrywise within 5 SE (bounded summands; 36 entries -> false
    # failure < 2e-5), and every draw is unisolvent.
    rng = np.random.default_rng(17)
    basis = PolynomialBasis(2, 2, family=family, jacobi_params=jp)
    m = basis.size
    R = 1000
    pts = ProjectionDPP(basis).sample(n_samples=R, rng=rng, backend="torch")
    assert pts.shape == (R, m, 2) and pts.dtype == torch.float64
    pts = pts.numpy()
    Phi = basis.evaluate(pts.reshape(-1, 2)).reshape(R, m, m)
    w = m / np.sum(Phi**2, axis=2)
    G = np.einsum("rn,rnj,rnk->rjk", w / m, Phi, Phi)
    se = G.std(0, ddof=1) / math.sqrt(R) + 1e-300
    assert np.max(np.abs(G.mean(0) - np.eye(m)) / se) < 5
    assert np.all(np.abs(np.linalg.det(Phi)) > 1e-12)


def test_torch_reproducible_per_device_and_single_draw_shape():
    basis = PolynomialBasis(1, 4)
    dpp = ProjectionDPP(basis)
    a = dpp.sample(n_samples=2, rng=np.random.default_rng(1), device="cpu")
    b = dpp.sample(n_samples=2, rng=np.random.default_rng(1), device="cpu")
    assert torch.equal(a, b)
    assert dpp.sample(rng=0, device="cpu").shape == (5, 1)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_batch():  # pragma: no cover - GPU only
    basis = PolynomialBasis(2, 8)
    pts = ProjectionDPP(basis).sample(n_samples=64, rng=0, device="cuda")
    assert pts.device.type == "cuda" and pts.shape == (64, basis.size, 2)
    # E G = I entrywise within 5 SE on the device's draws (36 entries: false failure < 2e-5)
    basis = PolynomialBasis(2, 2)
    m, R = basis.size, 2000
    pts = ProjectionDPP(basis).sample(n_samples=R, rng=5, device="cuda").cpu().numpy()
    Phi = basis.evaluate(pts.reshape(-1, 2)).reshape(R, m, m)
    w = m / np.sum(Phi**2, axis=2)
    G = np.einsum("rn,rnj,rnk->rjk", w / m, Phi, Phi)
    se = G.std(0, ddof=1) / math.sqrt(R) + 1e-300
    assert np.max(np.abs(G.mean(0) - np.eye(m)) / se) < 5


@pytest.mark.parametrize(
    "family, jp", [("chebyshev", None), ("jacobi", (-0.6, 0.4)), ("hermite", None)]
)
def test_torch_optimal_draws_match_numba(family, jp, batch_policy):
    # Two-sample KS per coordinate between the torch and numba optimal samplers (same law):
    # p < 1e-4 happens w.p. 1e-4 per coordinate.
    from scipy import stats

    rng = np.random.default_rng(23)
    basis = PolynomialBasis(2, 4, family=family, jacobi_params=jp)
    t = basis.sample_optimal(4000, rng=rng, device="cpu")
    assert isinstance(t, torch.Tensor) and t.shape == (4000, 2)
    ref = basis.sample_optimal(4000, rng=rng)
    for i in range(2):
        assert stats.ks_2samp(t[:, i].numpy(), ref[:, i]).pvalue > 1e-4
