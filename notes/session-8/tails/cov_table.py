"""Table of cov_runs.py rows (plain or gzipped JSONL): per file and output, coverage (Wilson 95% interval), RMSE, mean SE."""

import gzip
import json
import sys

import numpy as np


def wilson(k, n, z=1.96):
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return c - h, c + h


print(
    "| case | budget | mode | output | runs | rqmc picked | coverage [95% Wilson] | RMSE | rms SE | median SE | cpu/run |"
)
print("|---|---|---|---|---|---|---|---|---|---|---|")
for path in sys.argv[1:]:
    opener = gzip.open if path.endswith(".gz") else open
    rows = [json.loads(x) for x in opener(path, "rt")]
    if not rows:
        continue
    err = np.array([r["err"] for r in rows])
    se = np.array([r["se"] for r in rows])
    hit = np.array([r["hit"] for r in rows])
    n = len(rows)
    for j in range(err.shape[1]):
        k = int(hit[:, j].sum())
        lo, hi = wilson(k, n)
        r0 = rows[0]
        print(
            f"| {r0['case']} | {r0['budget']} | {r0['mode']} | {j} | {n} | {sum(r['method'] == 'rqmc' for r in rows)} | "
            f"{k / n:.3f} [{lo:.3f}, {hi:.3f}] | {np.sqrt(np.mean(err[:, j] ** 2)):.3g} | {np.sqrt(np.mean(se[:, j] ** 2)):.3g} | "
            f"{np.median(se[:, j]):.3g} | {np.median([r['cpu'] for r in rows]):.2f} s |"
        )
