import dataclasses

import numpy as np
import pytest
from scipy import stats

from samplingstats import InvalidParameterError
from samplingstats._results import ConfidenceInterval, Result, normal_interval


@dataclasses.dataclass(repr=False)
class _Inner(Result):
    value: float


@dataclasses.dataclass(repr=False)
class _Outer(Result):
    estimate: np.ndarray
    inner: _Inner
    label: str = "x"


def test_repr_summarises_large_arrays_and_nests():
    r = _Outer(estimate=np.arange(100.0), inner=_Inner(0.25))
    text = repr(r)
    assert text.startswith("_Outer(\n")
    assert "estimate=array(shape=(100,), dtype=float64)" in text
    assert "inner=_Inner(...)" in text
    small = repr(_Outer(estimate=np.array([1.0, 2.0]), inner=_Inner(1.0)))
    assert "estimate=[1., 2.]" in small


def test_to_dict_recurses_into_results_and_keeps_arrays():
    est = np.arange(3.0)
    d = _Outer(estimate=est, inner=_Inner(0.5)).to_dict()
    assert d["inner"] == {"value": 0.5}
    assert d["estimate"] is est and d["label"] == "x"


@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.99])
def test_normal_interval_matches_scipy(level):
    ci = normal_interval(2.0, 0.3, level)
    low, high = stats.norm.interval(level, loc=2.0, scale=0.3)
    assert isinstance(ci, ConfidenceInterval)
    assert ci.low == pytest.approx(low, rel=1e-12) and ci.high == pytest.approx(high, rel=1e-12)


def test_normal_interval_vectorised():
    ci = normal_interval(np.array([0.0, 1.0]), np.array([1.0, 2.0]), 0.95)
    np.testing.assert_allclose(ci.high - ci.low, 2 * 1.959963984540054 * np.array([1.0, 2.0]))


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "0.95", True])
def test_normal_interval_rejects_bad_level(bad):
    with pytest.raises(
        InvalidParameterError, match=r"'confidence_level' parameter must be a float"
    ):
        normal_interval(0.0, 1.0, bad)
