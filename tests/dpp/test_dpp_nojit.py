"""The kernels give the same draws as plain Python (NUMBA_DISABLE_JIT=1) for the same seed."""

import json
import os
import subprocess
import sys

import numpy as np

from samplingstats.dpp import FiniteBasis, PolynomialBasis, ProjectionDPP

_SCRIPT = """
import json, numpy as np
from samplingstats.dpp import FiniteBasis, PolynomialBasis, ProjectionDPP
fb = FiniteBasis(np.random.default_rng(0).standard_normal((30, 4)))
b = PolynomialBasis(2, 2, family="chebyshev")
print(json.dumps([ProjectionDPP(fb).sample(n_samples=2, rng=0).tolist(),
                  ProjectionDPP(fb, method="spectral").sample(n_samples=2, rng=0).tolist(),
                  ProjectionDPP(b).sample(rng=0).tolist(),
                  b.sample_optimal(3, rng=0).tolist(),
                  ProjectionDPP(FiniteBasis(np.random.default_rng(1).standard_normal((400, 5))))
                  .sample(rng=0).tolist()]))
"""


def test_same_draws_without_jit():
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    py = json.loads(out.stdout)
    fb = FiniteBasis(np.random.default_rng(0).standard_normal((30, 4)))
    b = PolynomialBasis(2, 2, family="chebyshev")
    np.testing.assert_array_equal(ProjectionDPP(fb).sample(n_samples=2, rng=0), py[0])
    np.testing.assert_array_equal(
        ProjectionDPP(fb, method="spectral").sample(n_samples=2, rng=0), py[1]
    )
    np.testing.assert_allclose(ProjectionDPP(b).sample(rng=0), py[2], rtol=1e-12)
    np.testing.assert_allclose(b.sample_optimal(3, rng=0), py[3], rtol=1e-12)
    # the lazy single draw (bound pass, thinning and chain rule kernels) on a larger pool
    fb = FiniteBasis(np.random.default_rng(1).standard_normal((400, 5)))
    assert fb._lazy_proposals() is not None
    np.testing.assert_array_equal(ProjectionDPP(fb).sample(rng=0), py[4])
