"""Probe: chosen degree and error of the contiguous-fold pilot fit (worst output per seed), one-law
cases of notes/session-8/tails/cov_runs.py, pilot of B = 20,000, 10 seeds ``[8, 31, case, B, s]``.
Usage: PYTHONPATH=. python notes/session-8/pilot/deg_probe.py
"""

import sys
import warnings

import numpy as np

sys.path.insert(0, "notes/session-8/tails")
from cov_runs import CASES

from samplingstats.importance._chaos import crossfit_chaos, germs
from samplingstats.importance._inputs import check_dists
from samplingstats.importance._rqmc import _draw, _engine
from samplingstats.importance._rqmc_expect import _max_degree

warnings.simplefilter("ignore")
for ci, name in enumerate(CASES):
    f, laws, _ = CASES[name]()
    law = check_dists(laws, "x")[0][0]
    kinds = germs(law.laws)
    B = 20000
    m0 = 1250
    out = []
    for s in range(10):
        U = _draw(_engine(law.d, np.random.default_rng([8, 31, ci, B, s])), m0)
        Y = np.asarray(f(law.from_uniform(U)), dtype=float).reshape(m0, -1)
        idx = np.array_split(np.arange(m0), 4)
        tu = [U[i] for i in idx]
        row = []
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if not np.ptp(y) > 0:
                continue
            fits = crossfit_chaos(
                tu,
                [y[i] for i in idx],
                [u[:1] for u in tu],
                kinds,
                jackknife=False,
                max_degree=_max_degree(kinds),
            )
            deg = max(int(np.max(np.sum(fi["index"], axis=1))) for fi in fits)
            row.append((deg, float(np.median([fi["rel_error"] for fi in fits]))))
        out.append(row)
    w = [max(r, key=lambda t: t[1]) for r in out]
    print(name, "max deg/err of worst output per seed:", [(d, f"{e:.1g}") for d, e in w])
    if name == "moments":
        print("  seed0 per output", [(d, f"{e:.1g}") for d, e in out[0]])
