"""Pilot chaos error with interleaved folds (``_rqmc.smoothness``, what ``"auto"`` uses) and with
contiguous folds, on the session-7/8 cases: would a contiguous-fold pilot separate the cases where
the RQMC path wins (kinks, lognormal x y^2) from those where AISCV wins (indicators)?

Pilot as in ``multiple_expectations``: the first ``min(0.1 B, B / 16, 2048)`` points of a scrambled
Sobol' sequence (B = 8,192: 512 points) in the first law's space; 10 seeds per case.
Usage: PYTHONPATH=. python notes/session-8/kink/pilot_folds.py
"""

import sys
import warnings

import numpy as np

sys.path.insert(0, "notes/session-8/kink")
from cov_runs import CASES  # noqa: E402
from mlaws_cases import CASES as MCASES  # noqa: E402

from samplingstats.importance._chaos import crossfit_chaos, germs  # noqa: E402
from samplingstats.importance._inputs import check_dists  # noqa: E402
from samplingstats.importance._rqmc import _draw, _engine, smoothness  # noqa: E402
from samplingstats.importance._rqmc_expect import _max_degree  # noqa: E402

warnings.simplefilter("ignore")


def contiguous(U, y, kinds, folds=4):
    idx = np.array_split(np.arange(len(y)), folds)
    tu = [U[i] for i in idx]
    fits = crossfit_chaos(
        tu,
        [y[i] for i in idx],
        [u[:1] for u in tu],
        kinds,
        jackknife=False,
        max_degree=_max_degree(kinds),
    )
    return float(np.median([f["rel_error"] for f in fits]))


def study(name, f, laws, B=8192, seeds=10):
    law = check_dists(laws, "x")[0][0]
    kinds = germs(law.laws)
    m0 = min(int(0.1 * B), B // 16, 2048)
    inter, cont = [], []
    for s in range(seeds):
        U = _draw(_engine(law.d, np.random.default_rng([8, 7, s])), m0)
        y = np.asarray(f(law.from_uniform(U)), dtype=float).reshape(m0, -1)[:, 0]
        inter.append(smoothness(U[None], y[None], kinds))
        cont.append(contiguous(U, y, kinds))
    print(
        f"| {name} | {np.median(inter):.2g} [{min(inter):.2g}, {max(inter):.2g}] | "
        f"{np.median(cont):.2g} [{min(cont):.2g}, {max(cont):.2g}] |",
        flush=True,
    )


if __name__ == "__main__":
    print("| case (first law) | interleaved: median [min, max] | contiguous: median [min, max] |")
    print("|---|---|---|")
    for name in ["kink", "exp1", "exp3", "beam", "kink2d", "ind3", "cubic"]:
        f, laws, _ = CASES[name]()
        study(name, f, laws)
    for case in MCASES:
        name, f, laws, _ = case()
        study(name, f, laws[0])
