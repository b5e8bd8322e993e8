"""Would the jackknife MSE form (variance + squared jackknife bias, ``_rqmc.jackknife_mse``)
fix the remaining under-coverage on smooth Hermite cases, and what would it cost in width?

Mirrors ``rqmc_expectations`` (method="rqmc", tail-safe choice included) and records per run
the error, the jackknife variance and bias. Cases and references from cov_runs.py.
Usage: PYTHONPATH=. python notes/session-8/kink/mse_form.py BUDGET NRUNS CASE...
"""

import sys
import warnings

import numpy as np
from scipy import stats

sys.path.insert(0, "notes/session-8/kink")
from cov_runs import CASES  # noqa: E402

from samplingstats.importance import _rqmc_expect as rx  # noqa: E402
from samplingstats.importance._chaos import germs  # noqa: E402
from samplingstats.importance._inputs import check_dists  # noqa: E402

warnings.simplefilter("ignore")
q = stats.t.ppf(0.975, 7)


def run(f, laws, budget, seed, R=8):
    law = check_dists(laws, "x")[0][0]

    def model(x):
        y = np.asarray(f(x), dtype=float)
        return y.reshape(len(x), -1)

    Us, Ys, n_r = rx._replicates(model, law, budget, R, np.random.default_rng(seed), None)
    kinds = germs(law.laws)
    m = min(n_r, 8192)
    out = []
    for k in range(Ys[0].shape[1]):
        ys = [Y[:, k] for Y in Ys]
        fits = rx._replicate_surrogates(Us, ys, m, kinds)
        E, th = rx._column_estimates(fits, ys)
        top = max(int(fi["index"].sum(axis=1).max()) for fi in fits)
        if "hermite" in kinds and top > rx.TAIL_SAFE_DEGREE:
            low = rx._replicate_surrogates(Us, ys, m, kinds, max_degree=rx.TAIL_SAFE_DEGREE)
            E2, th2 = rx._column_estimates(low, ys)
            if rx._jk_var(th2) < rx._jk_var(th):
                E, th = E2, th2
        est = E.mean()
        out.append((est, rx._jk_var(th), (R - 1) * (th.mean() - est)))
    return out


if __name__ == "__main__":
    budget, nruns = int(sys.argv[1]), int(sys.argv[2])
    for case in sys.argv[3:]:
        f, laws, ref = CASES[case]()
        rows = [run(f, laws, budget, [8, 5, budget, r]) for r in range(nruns)]
        for k in range(len(ref)):
            est = np.array([r[k][0] for r in rows]) - ref[k]
            var = np.array([r[k][1] for r in rows])
            b = np.array([r[k][2] for r in rows])
            se1 = np.maximum(np.sqrt(var), 1e-15 * max(1, abs(ref[k])))
            se2 = np.sqrt(var + b**2)
            c1 = np.mean(np.abs(est) < q * se1)
            c2 = np.mean(np.abs(est) < q * se2)
            print(
                f"{case} out {k} budget {budget}: RMSE {np.sqrt(np.mean(est**2)):.3g} "
                f"coverage jk {c1:.3f} mse {c2:.3f}  median width ratio mse/jk "
                f"{np.median(se2 / se1):.3f}",
                flush=True,
            )
