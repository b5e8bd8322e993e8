"""Results (Design, WLSResult) as samplingstats.Result: to_dict / to_frame; progress and logging."""

import logging

import numpy as np
import pytest

from samplingstats import Result
from samplingstats._exceptions import InvalidParameterError
from samplingstats.dpp import (
    Design,
    FiniteBasis,
    PolynomialBasis,
    WLSResult,
    sample_design,
    weighted_least_squares,
)


def test_results_derive_from_result():
    assert issubclass(Design, Result) and issubclass(WLSResult, Result)


def test_design_to_frame_one_row_per_point():
    pytest.importorskip("pandas")
    d = sample_design(PolynomialBasis(2, 2), 12, kind="volume", rng=0)
    df = d.to_frame()
    assert df.columns.tolist() == ["x0", "x1", "weight"]
    assert len(df) == d.n_samples == 12
    np.testing.assert_array_equal(df[["x0", "x1"]].to_numpy(), d.points)
    np.testing.assert_array_equal(df["weight"].to_numpy(), d.weights)
    assert df.attrs["kind"] == "volume" and df.attrs["n_samples"] == 12
    assert df.attrs["n_proposals"] == d.n_proposals

    fb = FiniteBasis(np.random.default_rng(0).standard_normal((40, 3)))
    df = sample_design(fb, 6, kind="repeated_dpp", rng=1).to_frame()
    assert df.columns.tolist() == ["index", "weight"] and len(df) == 6


def test_wls_result_to_frame_one_row_per_basis_function():
    pytest.importorskip("pandas")
    basis = PolynomialBasis(2, 2)
    res = weighted_least_squares(lambda x: x[:, 0] * x[:, 1], basis, n_samples=30, rng=0)
    df = res.to_frame()
    assert df.columns.tolist() == ["k0", "k1", "coef"]
    np.testing.assert_array_equal(df[["k0", "k1"]].to_numpy(), basis.multi_indices)
    np.testing.assert_array_equal(df["coef"].to_numpy(), res.coef)
    assert df.attrs["n_samples"] == 30 and df.attrs["stable"] == res.stable
    d = res.to_dict()
    assert d["design"]["kind"] == "volume" and d["n_evaluations"] == 30


def test_wls_progress_and_logging(caplog):
    basis = PolynomialBasis(1, 4)
    with caplog.at_level(logging.DEBUG, logger="samplingstats.dpp"):
        res = weighted_least_squares(
            lambda x: x[:, 0],
            basis,
            n_samples=10,
            kind="iid",
            stability="resample",
            delta=0.3,
            progress=True,
            rng=0,
        )
    msgs = [r.getMessage() for r in caplog.records if r.name == "samplingstats.dpp"]
    # one DEBUG line per design drawn, one INFO summary
    assert sum("design" in m for m in msgs) == res.n_redraws + 1
    assert any(f"{res.n_redraws} redraw(s)" in m for m in msgs)
    with pytest.raises(InvalidParameterError, match="'progress' parameter"):
        weighted_least_squares(lambda x: x[:, 0], basis, n_samples=10, progress="yes")
