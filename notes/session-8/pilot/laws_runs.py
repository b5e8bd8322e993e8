"""Several-law pilot gate: ``PILOT_LAWS_INTERLEAVED = True`` (old: interleaved-fold
``pilot_is_smooth`` on the first law, then the weighted contiguous-fold check) vs ``False``
(new: the weighted contiguous-fold check only), ``method="auto"``, on the cases of
notes/session-8/kink/mlaws_cases.py.

The old gate is the new one AND the interleaved check, on the same pilot points (the pilot is
drawn before either check): a run the new gate sends to AISCV goes to AISCV under the old gate
too, with the same points and generator, i.e. the same result. So the new mode runs on every
seed and the old mode only where the new one picked rqmc (elsewhere the old row is the new one,
marked ``copied``; ``--check K`` runs the old mode on the first K copied seeds too, to verify).

Usage: PYTHONPATH=. python notes/session-8/pilot/laws_runs.py BUDGET NRUNS OUT.jsonl [--check K]
[--start R0] [--cases I,J] (seeds r = R0 .. R0 + NRUNS - 1; cases by index in CASES)
Seeds: ``np.random.default_rng([8, 30, case index, budget, r])`` (fresh).
"""

import json
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, "notes/session-8/kink")
from mlaws_cases import CASES  # noqa: E402

from benchmarks._harness import pin_threads  # noqa: E402
from samplingstats.importance import _rqmc_expect as rx  # noqa: E402
from samplingstats.importance import multiple_expectations  # noqa: E402

_ctl = pin_threads(1)


def one(f, laws, truth, B, seed, interleaved):
    rx.PILOT_LAWS_INTERLEAVED = interleaved
    t0 = time.perf_counter()
    res = multiple_expectations(f, laws, budget=B, rng=np.random.default_rng(seed), method="auto")
    t = time.perf_counter() - t0
    lo, hi = res.confidence_interval(0.95)
    return {
        "method": res.method,
        "err": (res.estimate - truth).tolist(),
        "se": np.asarray(res.standard_error).tolist(),
        "cov": ((lo <= truth) & (truth <= hi)).astype(int).tolist(),
        "time": t,
    }


if __name__ == "__main__":
    B, K, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    check = int(sys.argv[sys.argv.index("--check") + 1]) if "--check" in sys.argv else 0
    start = int(sys.argv[sys.argv.index("--start") + 1]) if "--start" in sys.argv else 0
    pick = sys.argv[sys.argv.index("--cases") + 1] if "--cases" in sys.argv else None
    warnings.simplefilter("ignore")
    with open(out, "a") as fh:
        for ci, case in enumerate(CASES):
            if pick is not None and str(ci) not in pick.split(","):
                continue
            name, f, laws, truth = case()
            nchk = 0
            for r in range(start, start + K):
                seed = [8, 30, ci, B, r]
                new = one(f, laws, truth, B, seed, False)
                if new["method"] == "rqmc" or nchk < check:
                    old = one(f, laws, truth, B, seed, True)
                    if new["method"] != "rqmc":
                        nchk += 1
                        assert old["err"] == new["err"], (name, r)
                    old["copied"] = False
                else:
                    old = dict(new, copied=True)
                for mode, row in (("new", new), ("old", old)):
                    fh.write(json.dumps(dict(row, case=name, budget=B, r=r, mode=mode)) + "\n")
                fh.flush()
            print(name, B, "done", flush=True)
