"""Table of laws_runs.py / onelaw rows: per case, budget, mode: summed MSE over outputs,
coverage of all intervals, rqmc picks; ratio new/old of summed MSE with a 95% bootstrap interval
over runs (paired: the same seeds in both modes).

Usage: python notes/session-8/pilot/table.py ROWS.jsonl [...]
"""

import json
import sys
from collections import defaultdict

import numpy as np

rows = defaultdict(dict)
for p in sys.argv[1:]:
    for line in open(p):
        d = json.loads(line)
        rows[(d["case"], d["budget"])].setdefault(d["mode"], {})[d["r"]] = d

print(
    "| case | budget | runs | old: summed MSE, coverage, rqmc picks | new: summed MSE, coverage, "
    "rqmc picks | new/old MSE [95% bootstrap] |"
)
print("|---|---|---|---|---|---|")
rng = np.random.default_rng(0)
for (case, B), m in rows.items():
    rs = sorted(set(m["old"]) & set(m["new"]))
    out = []
    se2 = {}
    for mode in ("old", "new"):
        e2 = np.array([np.square(m[mode][r]["err"]) for r in rs])  # runs x outputs
        se2[mode] = e2.sum(axis=1)
        cov = np.mean([m[mode][r]["cov"] for r in rs])
        picks = sum(m[mode][r]["method"] == "rqmc" for r in rs)
        out.append(f"{e2.mean(axis=0).sum():.3g}, {cov:.3f}, {picks}/{len(rs)}")
    ratio = se2["new"].mean() / se2["old"].mean()
    idx = rng.integers(0, len(rs), (4000, len(rs)))
    boot = se2["new"][idx].mean(axis=1) / se2["old"][idx].mean(axis=1)
    lo, hi = np.quantile(boot, [0.025, 0.975])
    name = case.replace("|", "\\|")
    print(
        f"| {name} | {B:,} | {len(rs)} | {out[0]} | {out[1]} | {ratio:.3g} [{lo:.3g}, {hi:.3g}] |"
    )
