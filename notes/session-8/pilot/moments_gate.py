"""How often the one-law gate (``PILOT_ONE_LAW``) would send the Gaussian moments x^2..x^20
(the test's case) to RQMC: pilot of B = 8,192 / 20,000 (512 / 1,250 points), NSEEDS seeds
``[8, 39, B, s]``; the error ``pilot_is_smooth`` returns (the first output that fails), and the
saturation rule's margin: per seed the largest error among the outputs whose basis reached the
cap (quantiles over the first 100 seeds).
Usage: PYTHONPATH=. python notes/session-8/pilot/moments_gate.py NSEEDS
"""

import sys
import warnings

import numpy as np
from scipy import stats

from samplingstats.importance import _rqmc_expect as rx
from samplingstats.importance._chaos import germs
from samplingstats.importance._inputs import check_dists
from samplingstats.importance._rqmc import _draw, _engine

warnings.simplefilter("ignore")
K = int(sys.argv[1])
k = np.arange(2, 21, 2)
law = check_dists([stats.norm()], "x")[0][0]
for B in (8192, 20000):
    m0 = min(int(0.1 * B), B // 16, 2048)
    for gate in ("interleaved", "contiguous"):
        rx.PILOT_ONE_LAW = gate
        ok, errs = 0, []
        for s in range(K):
            U = _draw(_engine(1, np.random.default_rng([8, 39, B, s])), m0)
            Y = law.from_uniform(U)[:, :1] ** k
            e, smooth = rx.pilot_is_smooth(U, Y, law, threshold=np.inf)
            ok += rx.pilot_is_smooth(U, Y, law)[1]
            errs.append(e)
        print(
            f"B {B:,} {gate}: to RQMC {ok}/{K}; worst-output error min {min(errs):.2g}, "
            f"median {np.median(errs):.2g}",
            flush=True,
        )
    kinds = germs(law.laws)
    ms = []
    for s in range(min(K, 100)):
        U = _draw(_engine(1, np.random.default_rng([8, 39, B, s])), m0)
        Y = law.from_uniform(U)[:, :1] ** k
        r = [rx._contiguous_error(U, Y[:, j], kinds) for j in range(len(k))]
        ms.append(max([e for e, sat in r if sat] or [0.0]))
    q = np.quantile(ms, [0, 0.01, 0.05, 0.5])
    print(
        f"B {B:,} largest saturated error per seed: min {q[0]:.2g}, 1% {q[1]:.2g}, "
        f"5% {q[2]:.2g}, median {q[3]:.2g}",
        flush=True,
    )
