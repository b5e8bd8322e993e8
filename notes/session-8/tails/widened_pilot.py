"""Study only: method="auto" with the pilot drawn from the widened law too, so that all 8
replicates are widened (replicate 0 continues the widened pilot). Monkeypatches the pilot's
``_rqmc._draw`` (used by ``_expectations`` for the pilot only) and ``_rqmc_expect._replicates``.
Runs whose pilot says "not smooth" would hand widened points to AISCV as if drawn under p: they are
flagged (method != rqmc) and must be ignored.

Usage: PYTHONPATH=. python notes/session-8/tails/widened_pilot.py CASE BUDGET NRUNS OUT.jsonl
(seeds as cov_runs.py w1.4 auto, so the rows pair with rows/*_w1.4_auto.jsonl.gz)
"""

import json
import sys
import warnings

import numpy as np

sys.path.insert(0, "notes/session-8/tails")
import cov_runs as cr  # noqa: E402

from samplingstats.importance import _rqmc as rq  # noqa: E402
from samplingstats.importance import _rqmc_expect as rx  # noqa: E402
from samplingstats.importance import multiple_expectations  # noqa: E402
from samplingstats.importance._chaos import germs  # noqa: E402

rx.TAIL_WIDEN = 1.4
_draw0 = rq._draw
STASH = {}


def pilot_draw(eng, n):
    U = _draw0(eng, n)
    STASH["raw"] = U
    kinds = STASH["kinds"]
    return rx._widen(U, kinds, rx.TAIL_WIDEN)[0]


def replicates(model, laws, n_points, R, rng, first, widen=1.0):
    kinds = germs(laws.laws)
    d = laws.d
    n_r = int(n_points) // R
    seeds = rng.spawn(R)
    Us, Ys, ws = [], [], []
    for r in range(R):
        if r == 0 and first is not None:
            eng, U0w, Y0 = first
            m = U0w.shape[0]
            raw = np.vstack([STASH["raw"], _draw0(eng, n_r - m)])
            U, w = rx._widen(raw, kinds, widen)
            Y = np.vstack([Y0, model(laws.from_uniform(U[m:]))])
        else:
            U, w = rx._widen(_draw0(rx._engine(d, seeds[r]), n_r), kinds, widen)
            Y = model(laws.from_uniform(U))
        Us.append(U)
        Ys.append(np.asarray(Y, dtype=float))
        ws.append(w)
    return Us, Ys, n_r, ws


rq._draw = pilot_draw
rx._replicates = replicates

if __name__ == "__main__":
    case, budget, nruns, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    f, laws, ref = cr.CASES[case]()
    STASH["kinds"] = germs(laws)
    ci = list(cr.CASES).index(case)
    warnings.simplefilter("ignore")
    with open(out, "w") as fh:
        for r in range(nruns):
            res = multiple_expectations(
                f, laws, budget=budget, rng=np.random.default_rng([8, 9, ci, budget, r, 0])
            )
            lo, hi = res.confidence_interval(0.95)
            row = {
                "case": case + " (widened pilot)",
                "budget": budget,
                "mode": "w1.4p",
                "r": r,
                "method": res.method,
                "err": (res.estimate - ref).tolist(),
                "se": res.standard_error.tolist(),
                "hit": ((lo <= ref) & (ref <= hi)).tolist(),
                "cpu": 0.0,
            }
            fh.write(json.dumps(row) + "\n")
