"""Degree caps 12-30 on exp(a x), x ~ N(0, 1.5^2), 8,192 points, 100 runs (old path, no tail-safe
choice): RMSE and coverage (jackknife SE, and the MSE form).

Usage: PYTHONPATH=. python notes/session-8/kink/cap_exp.py A
"""

import sys
import warnings

import numpy as np
from scipy import stats

sys.path.insert(0, "notes/session-8/kink")
import kink_diag as kd  # noqa: E402

from samplingstats.importance import _rqmc_expect as rx  # noqa: E402

warnings.simplefilter("ignore")
q = stats.t.ppf(0.975, 7)
a, s = float(sys.argv[1]), 1.5
kd.LAW = stats.norm(0, s)
kd.REF = np.exp(a**2 * s**2 / 2)
kd.model = lambda x: np.exp(a * x[:, :1])
for cap in [12, 16, 20, 30]:
    rx.HERMITE_MAX_DEGREE = cap
    rows = [kd.one(8192, [8, 4, 8192, r]) for r in range(100)]
    err = np.array([r["err"] for r in rows])
    se = np.array([r["se_jk"] for r in rows])
    b = np.array([r["b"] for r in rows])
    c_jk = np.mean(np.abs(err / se) < q)
    c_mse = np.mean(np.abs(err) / np.sqrt(se**2 + b**2) < q)
    deg = max(max(r["deg"]) for r in rows)
    print(
        f"a {a:.2f} cap {cap:2d} RMSE {np.sqrt(np.mean(err**2)):.3g} "
        f"cover jk {c_jk:.3f} mse {c_mse:.3f} maxdeg {deg}"
    )
