"""One-law pilot: worst chaos error over the outputs (as ``pilot_is_smooth``) with interleaved
folds (``_rqmc.smoothness``, today's gate) and contiguous folds (the several-law check's folds),
and the share of seeds each gate would send to RQMC (error <= ``EXPECT_THRESHOLD``).

Pilot as in ``multiple_expectations``: the first ``min(0.1 B, B / 16, 2048)`` scrambled Sobol'
points; seeds ``[8, 31, case index, B, s]``.
Usage: PYTHONPATH=. python notes/session-8/pilot/onelaw_pilot.py NSEEDS > rows/onelaw_pilot.md
"""

import sys
import warnings

import numpy as np

sys.path.insert(0, "notes/session-8/tails")
from cov_runs import CASES  # noqa: E402

from benchmarks._harness import pin_threads  # noqa: E402
from samplingstats.importance._chaos import crossfit_chaos, germs  # noqa: E402
from samplingstats.importance._inputs import check_dists  # noqa: E402
from samplingstats.importance._rqmc import _draw, _engine, smoothness  # noqa: E402
from samplingstats.importance._rqmc_expect import EXPECT_THRESHOLD, _max_degree  # noqa: E402

_ctl = pin_threads(1)
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


def worst(U, Y, kinds, fn):
    return max(
        (fn(U, Y[:, j], kinds) for j in range(Y.shape[1]) if np.ptp(Y[:, j]) > 0), default=0.0
    )


if __name__ == "__main__":
    K = int(sys.argv[1])
    print(
        f"| case | budget | interleaved: median [min, max], share <= {EXPECT_THRESHOLD} | "
        "contiguous: median [min, max], share |"
    )
    print("|---|---|---|---|")
    for ci, name in enumerate(CASES):
        f, laws, _ = CASES[name]()
        law = check_dists(laws, "x")[0][0]
        kinds = germs(law.laws)
        for B in (8192, 20000):
            m0 = min(int(0.1 * B), B // 16, 2048)
            a, b = [], []
            for s in range(K):
                U = _draw(_engine(law.d, np.random.default_rng([8, 31, ci, B, s])), m0)
                Y = np.asarray(f(law.from_uniform(U)), dtype=float).reshape(m0, -1)
                a.append(worst(U, Y, kinds, lambda u, y, k: smoothness(u[None], y[None], k)))
                b.append(worst(U, Y, kinds, contiguous))
            cell = [
                f"{np.median(v):.2g} [{min(v):.2g}, {max(v):.2g}], "
                f"{np.mean(np.array(v) <= EXPECT_THRESHOLD):.2f}"
                for v in (a, b)
            ]
            print(f"| {name} | {B:,} | {cell[0]} | {cell[1]} |", flush=True)
