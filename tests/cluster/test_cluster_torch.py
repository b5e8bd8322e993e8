"""Torch path of sdp_kmeans (CPU tensors here; the same code runs on CUDA tensors)."""

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.cluster import (
    exact_recovery_threshold,
    make_isotropic_mixture,
    misclustering_error,
    sdp_kmeans,
)

torch = pytest.importorskip("torch")


def test_torch_matches_numpy_objective_and_labels():
    rng = np.random.default_rng(20)
    n, d, K = 600, 8, 3
    X, y = make_isotropic_mixture(
        n, d, K, separation=1.2 * exact_recovery_threshold(n, d, K), rng=rng
    )
    rt = sdp_kmeans(torch.as_tensor(X), K, rng=1)
    rn = sdp_kmeans(X, K, rng=1)
    assert isinstance(rt.labels, torch.Tensor) and rt.labels.dtype == torch.int64
    assert isinstance(rt.factor, torch.Tensor) and rt.factor.shape == (n, 2 * K)
    assert rt.converged
    # both solve the same SDP to tol = 1e-6; exact recovery: the optimum is the partition
    assert rt.objective == pytest.approx(rn.objective, rel=1e-4)
    assert misclustering_error(y, rt.labels.numpy()) == 0.0
    np.testing.assert_allclose(rt.centers.numpy(), rn.centers, rtol=1e-10)
    # same rng -> same result on the same device
    rt2 = sdp_kmeans(torch.as_tensor(X), K, rng=1)
    assert torch.equal(rt.factor, rt2.factor)


def test_torch_sketch_and_bad_input():
    rng = np.random.default_rng(21)
    X, y = make_isotropic_mixture(5000, 4, 3, separation=6.0, rng=rng)
    res = sdp_kmeans(torch.as_tensor(X), 3, sketch="uniform", sketch_size=300, rng=rng)
    assert res.sample_indices.shape == (300,)
    assert misclustering_error(y, res.labels.numpy()) < 0.01
    bad = torch.as_tensor(X).clone()
    bad[0, 0] = float("nan")
    with pytest.raises(InvalidParameterError, match="'X' contains NaN"):
        sdp_kmeans(bad, 3)
    with pytest.raises(InvalidParameterError, match="solver='cvxpy' needs a numpy array"):
        sdp_kmeans(torch.as_tensor(X[:50]), 3, solver="cvxpy")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_runs_on_device():
    # Same SDP as the numpy path, in the exact-recovery regime (the optimum is the planted
    # partition), so the device's result must match it (a separation of 6 sigma, used here
    # before, has a Bayes error of about 0.3 %: no method recovers every label there).
    rng = np.random.default_rng(22)
    n, d, K = 2000, 6, 3
    X, y = make_isotropic_mixture(
        n, d, K, separation=1.2 * exact_recovery_threshold(n, d, K), rng=rng
    )
    res = sdp_kmeans(torch.as_tensor(X, device="cuda"), K, rng=0)
    ref = sdp_kmeans(X, K, rng=0)
    assert res.labels.device.type == "cuda" and res.factor.device.type == "cuda"
    assert res.converged
    assert res.objective == pytest.approx(ref.objective, rel=1e-4)
    assert misclustering_error(y, res.labels.cpu().numpy()) == 0.0
    np.testing.assert_allclose(res.centers.cpu().numpy(), ref.centers, rtol=1e-6, atol=1e-8)
