"""One law, ``method="auto"``: ``_rqmc_expect.PILOT_ONE_LAW = "interleaved"`` (old) vs
``"contiguous"`` (contiguous folds + the degree-saturation rule), same seeds in both modes, on the
cases of notes/session-8/tails/cov_runs.py (exp1, cubic, kink, exp3, beam, kink2d, ind3, moments).

Usage: PYTHONPATH=. python notes/session-8/pilot/onelaw_runs.py BUDGET NRUNS OUT.jsonl [CASE ...]
Seeds ``np.random.default_rng([8, 36, case index, budget, r])``; rows as laws_runs.py (``table.py``).
"""

import json
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, "notes/session-8/tails")
from cov_runs import CASES  # noqa: E402

from benchmarks._harness import pin_threads  # noqa: E402
from samplingstats.importance import _rqmc_expect as rx  # noqa: E402
from samplingstats.importance import multiple_expectations  # noqa: E402

_ctl = pin_threads(1)

if __name__ == "__main__":
    B, K, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    names = sys.argv[4:] or list(CASES)
    warnings.simplefilter("ignore")
    with open(out, "a") as fh:
        for name in names:
            ci = list(CASES).index(name)
            f, laws, ref = CASES[name]()
            for r in range(K):
                for mode, gate in (("old", "interleaved"), ("new", "contiguous")):
                    rx.PILOT_ONE_LAW = gate
                    t0 = time.perf_counter()
                    res = multiple_expectations(
                        f, laws, budget=B, rng=np.random.default_rng([8, 36, ci, B, r])
                    )
                    lo, hi = res.confidence_interval(0.95)
                    row = {
                        "case": name,
                        "budget": B,
                        "r": r,
                        "mode": mode,
                        "method": res.method,
                        "err": (res.estimate - ref).tolist(),
                        "se": np.asarray(res.standard_error).tolist(),
                        "cov": ((lo <= ref) & (ref <= hi)).astype(int).tolist(),
                        "time": time.perf_counter() - t0,
                    }
                    fh.write(json.dumps(row) + "\n")
                fh.flush()
            print(name, B, "done", flush=True)
