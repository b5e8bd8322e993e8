"""Table of cv_study.py rows: per case and k, RMSE of first/total indices (over runs and inputs)
per mode, the ratio to "all" with a paired run-level bootstrap 90% interval, the share of
replicates whose basis differs, and the median own time. Usage: cv_table.py FILES..."""
import json, sys
from collections import defaultdict

import numpy as np

rows = [json.loads(l) for fn in sys.argv[1:] for l in open(fn)]
by = defaultdict(dict)
for r in rows:
    by[(r["case"], r["k"], r["mode"])][r["run"]] = r
rng = np.random.default_rng(0)
print(f"{'case':10s} {'k':>3s} {'mode':>10s} {'n':>3s} {'RMSE S1':>9s} {'ratio [90%]':>20s} {'RMSE ST':>9s} {'ratio [90%]':>20s} {'basis diff':>10s} {'own s':>6s}")
for (case, k, mode) in sorted(by):
    base = by[(case, k, "all")]
    cur = by[(case, k, mode)]
    runs = sorted(set(base) & set(cur))
    out = [f"{case:10s} {k:3d} {mode:>10s} {len(runs):3d}"]
    for key in ("e1", "eT"):
        a = np.array([np.sum(np.square(base[i][key])) for i in runs])
        b = np.array([np.sum(np.square(cur[i][key])) for i in runs])
        nd = len(base[runs[0]][key])
        ratio = np.sqrt(b.sum() / a.sum())
        boot = []
        for _ in range(2000):
            j = rng.integers(0, len(runs), len(runs))
            boot.append(np.sqrt(b[j].sum() / max(a[j].sum(), 1e-300)))
        lo, hi = np.quantile(boot, [0.05, 0.95])
        out.append(f"{np.sqrt(b.mean() / nd):9.2e} {ratio:6.3f} [{lo:5.3f},{hi:5.3f}]")
    diff = np.mean([np.mean([x != y for x, y in zip(base[i]["basis"], cur[i]["basis"])]) if base[i]["basis"] else 0 for i in runs])
    out.append(f"{diff:10.2f} {np.median([cur[i]['own'] for i in runs]):6.3f}")
    print(" ".join(out))
