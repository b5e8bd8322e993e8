"""Re-reference the stored borehole runs to the quadrature reference (session 6).

Every borehole row of the given JSONL files (errors stored against the old scipy-based
reference) is written to OUT with its errors shifted by old_ref - new_ref (est - new = err + old -
new) and its interval hits dropped (they were judged against the old reference; the default's runs
are re-run with the new one and appended to OUT, whose later rows win in --from-jsonl).

    python notes/session-6/borehole_requad_jsonl.py OUT IN.jsonl [IN.jsonl ...]
"""

import json
import sys

import numpy as np

from samplingstats.importance._testfunctions import BOREHOLE_FIRST, BOREHOLE_TOTAL

OLD_FIRST = np.array(
    [0.82892159, 1.1058285e-06, 1.59e-11, 0.04138512, 5.2909e-06, 0.04138498, 0.03934212, 0.0095215]
)
OLD_TOTAL = np.array(
    [0.866834, 2.321975e-06, 1.07e-11, 0.05410961, 1.07273e-05, 0.05410959, 0.05207729, 0.01273079]
)
out, paths = sys.argv[1], sys.argv[2:]
n = 0
with open(out, "w") as fh:
    for path in paths:
        for line in open(path):
            if not line.strip():
                continue
            r = json.loads(line)
            if not r["case"].startswith("borehole"):
                continue
            r["e1"] = list(map(float, np.array(r["e1"]) + OLD_FIRST - BOREHOLE_FIRST))
            r["eT"] = list(map(float, np.array(r["eT"]) + OLD_TOTAL - BOREHOLE_TOTAL))
            r["hits"] = None
            r["rereferenced"] = True
            fh.write(json.dumps(r) + "\n")
            n += 1
print(n, "rows")
