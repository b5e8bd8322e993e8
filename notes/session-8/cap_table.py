"""Table of cap_study rows: RMSE first / total, ratio to the cap-500 row, median own time per 1e5."""
import json, sys
from collections import defaultdict
import numpy as np
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
g = defaultdict(list)
for r in rows:
    g[(r["case"], r["k"], r["cap"], r.get("rows", 4096))].append(r)
base = {}
print("| case | k | N | cap | rows | runs | RMSE first | RMSE total | vs cap 500 | own s (median) | s per 1e5 | bases |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(g, key=lambda t: (t[0], t[1], -t[2], -t[3])):
    rs = g[key]
    e1 = np.array([r["e1"] for r in rs]); eT = np.array([r["eT"] for r in rs])
    r1, rT = np.sqrt(np.mean(e1**2)), np.sqrt(np.mean(eT**2))
    if key[2] == 500 and key[3] == 4096:
        base[key[:2]] = (r1, rT)
    b = base.get(key[:2])
    own = np.median([r["own"] for r in rs])
    bases = defaultdict(int)
    for r in rs:
        for lab in r["basis"]:
            bases[lab] += 1
    top = ",".join(f"{k}:{v}" for k, v in sorted(bases.items(), key=lambda t: -t[1])[:3])
    vs = f"{r1 / b[0]:.2f} / {rT / b[1]:.2f}" if b else "-"
    print(f"| {key[0]} | {key[1]} | {rs[0]['N']} | {key[2]} | {key[3]} | {len(rs)} | {r1:.3g} | {rT:.3g} | {vs} | {own:.3f} | {own / rs[0]['N'] * 1e5:.2f} | {top} |")
