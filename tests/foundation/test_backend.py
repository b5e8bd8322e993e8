import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats._backend import (
    check_same_backend,
    choose,
    is_torch,
    like,
    namespace,
    resolve_backend,
    resolve_device,
    to_numpy,
    torch_available,
)

torch = pytest.importorskip("torch")


def test_is_torch_and_conversion_roundtrip():
    t = torch.arange(4, dtype=torch.float64)
    assert is_torch(t) and not is_torch(np.zeros(2)) and not is_torch([1, 2])
    a = to_numpy(t)
    assert isinstance(a, np.ndarray) and a.tolist() == [0.0, 1.0, 2.0, 3.0]
    back = like(a * 2, t)
    assert is_torch(back) and back.device == t.device and back.tolist() == [0.0, 2.0, 4.0, 6.0]
    assert like(a, np.zeros(1), dtype=np.int64).dtype == np.int64
    assert like(a, t, dtype=torch.float32).dtype == torch.float32
    assert to_numpy(torch.ones(2, requires_grad=True)).tolist() == [1.0, 1.0]
    assert torch_available()


def test_mixed_backends_raise_type_error_naming_arguments():
    with pytest.raises(TypeError, match=r"'b' are torch tensors but 'A' are not"):
        check_same_backend(A=np.zeros((2, 2)), b=torch.zeros(2))
    assert check_same_backend(A=torch.zeros(2), b=None, c=3.0) == "torch"
    assert check_same_backend() == "numpy"
    with pytest.raises(TypeError, match="Mixed array backends"):
        namespace(np.zeros(2), torch.zeros(2))


def test_namespace_is_array_api_compatible():
    xp = namespace(torch.ones(3))
    assert float(xp.sum(xp.ones(3))) == 3.0
    assert "torch" in xp.__name__
    assert "numpy" in namespace(np.ones(2)).__name__
    assert "numpy" in namespace(None, 1.0).__name__


def test_resolve_backend():
    assert resolve_backend("auto", np.zeros(2)) == "numpy"
    assert resolve_backend("auto", torch.zeros(2)) == "torch"
    assert resolve_backend("auto", np.zeros(2), device="cpu") == "torch"
    assert resolve_backend("numpy", np.zeros(2)) == "numpy"
    assert resolve_backend("torch", np.zeros(2)) == "torch"
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'backend' parameter of f must be a str among \{'auto', 'numpy', 'torch'\}\. "
        r"Got 'jax' instead\.",
    ):
        resolve_backend("jax", caller="f")


def test_resolve_device():
    assert resolve_device().type == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(
            InvalidParameterError, match=r"asks for 'cuda' but CUDA is not available"
        ):
            resolve_device("cuda")


def test_choose():
    from samplingstats import _backend

    assert choose(torch.zeros(3)) == "xp"
    assert choose(np.zeros(3)) == "numba"
    _backend._THRESHOLDS["demo_fn"] = 100
    try:
        assert choose(np.zeros(3), 50, function="demo_fn") == "numba"
        assert choose(np.zeros(3), 500, function="demo_fn") == "xp"
    finally:
        del _backend._THRESHOLDS["demo_fn"]
