"""Several-law pilot: the worst weighted contiguous-fold error of ``pilot_laws_ok`` (the new
gate) and the interleaved first-law error (the old gate's first step), per case of
notes/session-8/kink/mlaws_cases.py, pilot of B = 8,192 / 20,000 (512 / 1,250 points).
Usage: PYTHONPATH=. python notes/session-8/pilot/laws_pilot.py NSEEDS > rows/laws_pilot.md
"""

import sys
import warnings

import numpy as np

sys.path.insert(0, "notes/session-8/kink")
from mlaws_cases import CASES  # noqa: E402

from samplingstats.importance import _rqmc_expect as rx  # noqa: E402
from samplingstats.importance._inputs import check_dists  # noqa: E402
from samplingstats.importance._rqmc import _draw, _engine  # noqa: E402

warnings.simplefilter("ignore")
rx.PILOT_LAWS_INTERLEAVED = False

if __name__ == "__main__":
    K = int(sys.argv[1])
    print(
        "| case | budget | interleaved first law: median [min, max] | weighted contiguous "
        "(new gate): median [10%, 90%], share <= 0.02 |"
    )
    print("|---|---|---|---|")
    for ci, case in enumerate(CASES):
        name, f, laws, _ = case()
        sets = [check_dists(law, "x")[0][0] for law in laws]
        groups = rx.input_groups(sets)
        for B in (8192, 20000):
            m0 = min(int(0.1 * B), B // 16, 2048)
            a, b = [], []
            for s in range(K):
                U = _draw(_engine(sets[0].d, np.random.default_rng([8, 35, ci, B, s])), m0)
                Y = np.asarray(f(sets[0].from_uniform(U)), dtype=float).reshape(m0, -1)
                a.append(rx.pilot_is_smooth(U, Y, sets[0], threshold=np.inf)[0])
                b.append(rx.pilot_laws_ok(U, Y, sets, threshold=np.inf, groups=groups)[0])
            q = np.quantile(b, [0.1, 0.9])
            print(
                f"| {name.replace('|', '/')} | {B:,} | {np.median(a):.2g} [{min(a):.2g}, "
                f"{max(a):.2g}] | {np.median(b):.2g} [{q[0]:.2g}, {q[1]:.2g}], "
                f"{np.mean(np.array(b) <= 0.02):.2f} |",
                flush=True,
            )
