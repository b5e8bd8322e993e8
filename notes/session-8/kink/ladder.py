"""Would a three-way choice of the control variates' degree cap ({2, 12, 30}, smallest replicate-
jackknife variance) keep the kink fix and recover the polynomial moments above degree 12 that the
session-7 cap of 12 lost (``method="rqmc"``: x^20 under N(0, 1) relative RMSE 0.24, exact before)?

Mirrors rqmc_expectations (method="rqmc"); per run: error and jackknife SE per cap choice rule.
Usage: PYTHONPATH=. python notes/session-8/kink/ladder.py CASE BUDGET NRUNS
"""

import sys
import warnings

import numpy as np
from scipy import stats
from scipy.special import factorial2

sys.path.insert(0, "notes/session-8/kink")
from cov_runs import CASES  # noqa: E402

from samplingstats.importance import _rqmc_expect as rx  # noqa: E402
from samplingstats.importance._chaos import germs  # noqa: E402
from samplingstats.importance._inputs import check_dists  # noqa: E402

warnings.simplefilter("ignore")
q = stats.t.ppf(0.975, 7)
JS = np.arange(1, 11)


def moments():
    return (lambda x: x ** (2 * JS)), [stats.norm()], factorial2(2 * JS - 1).astype(float)


CASES = dict(CASES, moments=moments)


def run(f, laws, budget, seed, R=8):
    law = check_dists(laws, "x")[0][0]

    def model(x):
        return np.asarray(f(x), dtype=float).reshape(len(x), -1)

    Us, Ys, n_r = rx._replicates(model, law, budget, R, np.random.default_rng(seed), None)
    kinds = germs(law.laws)
    m = min(n_r, 8192)
    out = []
    for k in range(Ys[0].shape[1]):
        ys = [Y[:, k] for Y in Ys]
        res = {}
        for cap in (2, 12, 30):
            fits = rx._replicate_surrogates(Us, ys, m, kinds, max_degree=cap)
            E, th = rx._column_estimates(fits, ys)
            res[cap] = (E.mean(), rx._jk_var(th))
        two = min((2, 12), key=lambda c: res[c][1])
        three = min((2, 12, 30), key=lambda c: res[c][1])
        out.append({"cap12": res[12], "two": res[two], "three": res[three], "pick3": three})
    return out


if __name__ == "__main__":
    case, budget, nruns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    f, laws, ref = CASES[case]()
    rows = [run(f, laws, budget, [8, 9, budget, r]) for r in range(nruns)]
    for k in range(len(ref)):
        line = [f"{case} out {k} B {budget}:"]
        for rule in ("cap12", "two", "three"):
            est = np.array([r[k][rule][0] for r in rows]) - ref[k]
            se = np.sqrt(np.array([r[k][rule][1] for r in rows]))
            se = np.maximum(se, 1e-15 * max(1.0, abs(ref[k])))
            rel = np.sqrt(np.mean(est**2)) / abs(ref[k])
            line.append(f"{rule} relRMSE {rel:.2g} cov {np.mean(np.abs(est) < q * se):.2f}")
        picks = [r[k]["pick3"] for r in rows]
        line.append("picks3 " + str({c: picks.count(c) for c in (2, 12, 30)}))
        print(" | ".join(line), flush=True)
