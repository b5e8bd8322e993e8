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


@dataclasses.dataclass(repr=False)
class _WithSE(Result):
    estimate: np.ndarray
    standard_error: np.ndarray
    n_evaluations: int
    converged: bool
    matrix: np.ndarray

    def confidence_interval(self, confidence_level=0.95):
        return normal_interval(self.estimate, self.standard_error, confidence_level)


def test_to_frame_rows_are_items_scalars_go_to_attrs_and_ci_is_added():
    pd = pytest.importorskip("pandas")
    r = _WithSE(
        estimate=np.array([1.0, 2.0, 3.0]),
        standard_error=np.array([0.1, 0.2, 0.0]),
        n_evaluations=100,
        converged=True,
        matrix=np.eye(3),
    )
    df = r.to_frame()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["estimate", "standard_error", "ci_low", "ci_high"]
    np.testing.assert_allclose(df["ci_low"], r.confidence_interval().low)
    np.testing.assert_allclose(df["ci_high"], r.confidence_interval().high)
    assert df.attrs == {"n_evaluations": 100, "converged": True, "result": "_WithSE"}


def test_to_frame_scalar_result_is_one_row():
    pytest.importorskip("pandas")
    df = _Inner(0.25).to_frame()
    assert df.shape == (1, 1) and df["value"].iloc[0] == 0.25


def test_to_frame_converts_torch_tensors():
    pytest.importorskip("pandas")
    torch = pytest.importorskip("torch")
    r = _Outer(estimate=torch.arange(4.0), inner=_Inner(1.0))
    out = r.to_frame()
    assert out["estimate"].tolist() == [0.0, 1.0, 2.0, 3.0] and out.attrs["label"] == "x"


def test_public_names_at_top_level():
    import samplingstats

    assert samplingstats.Result is Result
    assert samplingstats.ConfidenceInterval is ConfidenceInterval
    assert issubclass(samplingstats.MissingOptionalDependency, ImportError)
