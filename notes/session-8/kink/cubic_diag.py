"""cos x + 0.2 x^3 under N(0.5, 1), 8,192 points, 100 runs: are the misses of the RQMC path
shared by every replicate (the kink mechanism)? Uses kink_diag.one with the model swapped
(full chaos, no tail-safe choice: on this case the full chaos is kept anyway).

Usage: PYTHONPATH=. python notes/session-8/kink/cubic_diag.py
"""

import collections
import sys
import warnings

import numpy as np
from scipy import stats

sys.path.insert(0, "notes/session-8/kink")
import kink_diag as kd  # noqa: E402

warnings.simplefilter("ignore")
q = stats.t.ppf(0.975, 7)
m = 0.5
kd.LAW = stats.norm(m, 1.0)
kd.REF = np.exp(-0.5) * np.cos(m) + 0.2 * (m**3 + 3 * m)
kd.model = lambda x: (np.cos(x[:, 0]) + 0.2 * x[:, 0] ** 3)[:, None]
rows = [kd.one(8192, [8, 6, r]) for r in range(100)]
err = np.array([r["err"] for r in rows])
se = np.array([r["se_jk"] for r in rows])
E = np.array([r["E"] for r in rows])
miss = np.abs(err / se) > q
t = err.mean() / err.std() * np.sqrt(len(err))
print(f"coverage {1 - miss.mean():.2f} RMSE {np.sqrt(np.mean(err**2)):.3g} mean err t {t:.2f}")
same = np.all(E > 0, 1) | np.all(E < 0, 1)
print(
    f"all replicate errors of one sign: misses {same[miss].mean():.2f}, hits {same[~miss].mean():.2f}"
)
print("misses with positive / negative error:", np.sum(err[miss] > 0), np.sum(err[miss] < 0))
zm = np.array([r["zmax"] for r in rows])
print(f"largest |z| of the run: misses {zm[miss].mean():.2f}, hits {zm[~miss].mean():.2f}")
print("degrees", collections.Counter(d for r in rows for d in r["deg"]))
