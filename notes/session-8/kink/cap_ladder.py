"""Degree-cap ladder on the kink (old path, no tail-safe choice): RMSE and coverage per cap.

Usage: PYTHONPATH=. python notes/session-8/kink/cap_ladder.py
"""

import sys

import numpy as np

sys.path.insert(0, "notes/session-8/kink")
import kink_diag as kd
from scipy import stats

from samplingstats.importance import _rqmc_expect as rx

q = stats.t.ppf(0.975, 7)
for cap in [2, 4, 6, 8, 10, 12]:
    rx.HERMITE_MAX_DEGREE = cap
    for budget in (8192, 32768):
        rows = [kd.one(budget, [8, 1, budget, r]) for r in range(200)]
        err = np.array([r["err"] for r in rows])
        se = np.array([r["se_jk"] for r in rows])
        b = np.array([r["b"] for r in rows])
        rmse = np.sqrt(np.mean(err**2))
        c_jk = np.mean(np.abs(err / se) < q)
        c_mse = np.mean(np.abs(err) / np.sqrt(se**2 + b**2) < q)
        print(
            f"cap {cap:2d} budget {budget:6d} RMSE {rmse:.3g} cover jk {c_jk:.3f} mse {c_mse:.3f}"
        )
