"""Kink diagnosis: x^2 + 0.3|x - 3| under N(0, 2^2), one law, the RQMC + chaos path.

Mirrors rqmc_expectations (same replicates, same surrogates) and records per run: the error,
the replicate estimates E_r, the jackknife leave-one-out values theta_j, the jackknife variance and
bias, the naive replicate variance, the surrogates' degrees.
Usage: PYTHONPATH=. python notes/session-8/kink/kink_diag.py BUDGET NRUNS SEEDTAG OUT.jsonl [auto]
"""

import json
import sys

import numpy as np
from scipy import stats

from benchmarks._harness import pin_threads
from samplingstats.importance import _rqmc_expect as rx
from samplingstats.importance._chaos import chaos_sobol_parts, germs
from samplingstats.importance._inputs import check_dists

_ctl = pin_threads(1)
LAW = stats.norm(0, 2)
# E|X - a| for X ~ N(0, s^2): 2 s phi(a / s) + a (2 Phi(a / s) - 1)
REF = 4 + 0.3 * (2 * 2 * stats.norm.pdf(1.5) + 3 * (2 * stats.norm.cdf(1.5) - 1))


def model(x):
    return (x[:, 0] ** 2 + 0.3 * np.abs(x[:, 0] - 3))[:, None]


def one(budget, seed, R=8):
    laws = check_dists([LAW], "x")[0][0]
    rng = np.random.default_rng(seed)
    Us, Ys, n_r = rx._replicates(model, laws, budget, R, rng, None)
    kinds = germs(laws.laws)
    ys = [Y[:, 0] for Y in Ys]
    fits = rx._replicate_surrogates(Us, ys, min(n_r, 8192), kinds)
    E = np.array(
        [
            np.mean(ys[r] - f["pred"]) + chaos_sobol_parts(f["coef"], f["index"])[0]
            for r, f in enumerate(fits)
        ]
    )
    # plain RQMC replicate means and the surrogate's own mean (no control variate)
    plain = np.array([np.mean(y) for y in ys])
    gmean = np.array([chaos_sobol_parts(f["coef"], f["index"])[0] for f in fits])
    theta = np.empty(R)
    Ew = np.empty((R, R - 1))
    for j in range(R):
        vals = []
        for r in range(R):
            if r == j:
                continue
            i = j if j < r else j - 1
            f = fits[r]
            v = (
                np.mean(ys[r] - f["pred_without"][i])
                + chaos_sobol_parts(f["coef_without"][i], f["index"])[0]
            )
            vals.append(v)
            Ew[r, i] = v
        theta[j] = np.mean(vals)
    est = E.mean()
    var = (R - 1) / R * np.sum((theta - theta.mean()) ** 2)
    b = (R - 1) * (theta.mean() - est)
    zmax = max(float(np.abs(stats.norm.ppf(U)).max()) for U in Us)
    return {
        "seed": seed,
        "budget": budget,
        "err": float(est - REF),
        "se_jk": float(np.sqrt(var)),
        "b": float(b),
        "se_naive": float(np.std(E, ddof=1) / np.sqrt(R)),
        "E": (E - REF).tolist(),
        "theta": (theta - REF).tolist(),
        "Ew": (Ew - REF).tolist(),
        "plain": (plain - REF).tolist(),
        "gmean": (gmean - REF).tolist(),
        "deg": [int(f["index"].sum(axis=1).max()) for f in fits],
        "labels": [f["label"] for f in fits],
        "zmax": zmax,
    }


if __name__ == "__main__":
    budget, nruns, tag, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(out, "w") as fh:
        for r in range(nruns):
            fh.write(json.dumps(one(budget, [8, tag, budget, r])) + "\n")
            fh.flush()
