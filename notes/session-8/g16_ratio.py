"""Sobol' G at k = 16: RMSE of the default against scipy and SALib with run-level bootstrap.

Usage: python g16_ratio.py FILES...   (benchmark JSONL rows; a run's last row wins)"""
import json, sys
import numpy as np

rows = {}
for f in sys.argv[1:]:
    for line in open(f):
        r = json.loads(line)
        if r["case"].startswith("Sobol' G") and r["k"] == 16:
            rows[(r["method"], r["rep"])] = r
meth = {}
for (m, rep), r in rows.items():
    meth.setdefault(m, []).append((np.array(r["e1"]), np.array(r["eT"])))
rng = np.random.default_rng(0)
def rmse(E):
    return np.sqrt(np.mean(E**2))
ours = [m for m in meth if m.startswith("**")][0]
print("method | runs | RMSE first | RMSE total")
for m, v in meth.items():
    e1 = np.array([a for a, _ in v]); eT = np.array([b for _, b in v])
    print(f"{m} | {len(v)} | {rmse(e1):.3g} | {rmse(eT):.3g}")
for peer in [m for m in meth if m != ours]:
    for j, lab in ((0, "first"), (1, "total")):
        a = np.array([t[j] for t in meth[ours]]); b = np.array([t[j] for t in meth[peer]])
        ratio = rmse(a) / rmse(b)
        boot = []
        for _ in range(4000):
            boot.append(rmse(a[rng.integers(len(a), size=len(a))]) / rmse(b[rng.integers(len(b), size=len(b))]))
        lo, hi = np.percentile(boot, [2.5, 97.5])
        print(f"ours / {peer} {lab}: {ratio:.3f} [{lo:.3f}, {hi:.3f}] (runs {len(a)} / {len(b)})")
