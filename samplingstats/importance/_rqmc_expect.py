"""Many expectations under one input law by randomised QMC with cross-fitted chaos control variates.

``R`` independently scrambled Sobol' sequences in ``d`` dimensions, pushed through each input's
inverse CDF; per replicate ``r`` and integrand ``j`` the estimate is ``mean(phi_j - g_rj) +
E[g_rj]`` with ``g_rj`` a polynomial-chaos surrogate of ``phi_j`` fitted on the *other* replicates
(basis chosen by cross-validation over them; the constant is allowed, which is plain RQMC), so each
replicate is unbiased. Standard errors: replicate jackknife with refitted surrogates (as in
:mod:`._rqmc`), Student-t with ``R - 1`` degrees of freedom.

Used by ``multiple_expectations(method="rqmc")`` and, when a pilot finds every integrand smooth,
by ``method="auto"``.
"""

from __future__ import annotations

import numpy as np

from ._chaos import chaos_sobol_parts, crossfit_chaos, germs
from ._rqmc import SE_FLOOR, _draw, _engine, smoothness

__all__ = ["rqmc_expectations", "pilot_is_smooth"]

#: pilot chaos error (relative to the integrand's variance) up to which ``method="auto"`` uses
#: RQMC with chaos control variates rather than AISCV: the control variate then removes at
#: least 98% of the variance before RQMC's own gain
EXPECT_THRESHOLD = 2e-2


def pilot_is_smooth(U, vals, laws, *, threshold=EXPECT_THRESHOLD, max_terms=300):
    """``(worst error, smooth)``: every integrand's pilot chaos error below ``threshold``
    (relative to its variance; constant integrands count as smooth)."""
    kinds = germs(laws.laws)
    worst = 0.0
    for j in range(vals.shape[1]):
        y = vals[:, j]
        if not np.ptp(y) > 0:
            continue
        rel = smoothness(U[None], y[None], kinds, max_terms=max_terms)
        worst = max(worst, rel)
        if rel > threshold:
            return worst, False
    return worst, True


def rqmc_expectations(model, laws, *, n_points, n_replicates, rng, first=None, max_rows=8192):
    """Run the estimator on ``n_replicates`` replicates of ``n_points // n_replicates`` points.

    ``first``: ``(engine, U, vals)`` of a pilot drawn from replicate 0's sequence (continued
    here), or ``None``. ``model(X) -> (n, J)``.
    """
    d = laws.d
    R = int(n_replicates)
    n_r = int(n_points) // R
    seeds = rng.spawn(R)
    Us, Ys = [], []
    for r in range(R):
        if r == 0 and first is not None:
            eng, U0, Y0 = first
            m = U0.shape[0]
            if n_r > m:
                U1 = _draw(eng, n_r - m)
                U = np.vstack([U0, U1])
                Y = np.vstack([Y0, model(laws.from_uniform(U1))])
            else:
                U, Y = U0[:n_r], Y0[:n_r]
        else:
            U = _draw(_engine(d, seeds[r]), n_r)
            Y = model(laws.from_uniform(U))
        Us.append(U)
        Ys.append(np.asarray(Y, dtype=float))
    J = Ys[0].shape[1]
    kinds = germs(laws.laws)
    m = max(1, min(n_r, max_rows))
    E = np.empty((R, J))
    theta = np.empty((R, J))  # jackknife: leave replicate j out, surrogates refitted without j
    labels = []
    for k in range(J):
        ys = [Y[:, k] for Y in Ys]
        if not np.ptp(np.concatenate(ys)) > 0:
            E[:, k] = ys[0][0]
            theta[:, k] = ys[0][0]
            continue
        fits = crossfit_chaos([U[:m] for U in Us], [y[:m] for y in ys], Us, kinds, jackknife=True)
        labels.append(fits[0]["label"])
        for r in range(R):
            f = fits[r]
            E[r, k] = np.mean(ys[r] - f["pred"]) + chaos_sobol_parts(f["coef"], f["index"])[0]
        for j in range(R):
            vals = []
            for r in range(R):
                if r == j:
                    continue
                i = j if j < r else j - 1
                f = fits[r]
                mean_g = chaos_sobol_parts(f["coef_without"][i], f["index"])[0]
                vals.append(np.mean(ys[r] - f["pred_without"][i]) + mean_g)
            theta[j, k] = np.mean(vals)
    est = E.mean(axis=0)
    var = (R - 1) / R * np.sum((theta - theta.mean(axis=0)) ** 2, axis=0)
    se = np.maximum(np.sqrt(var), SE_FLOOR * np.maximum(1.0, np.abs(est)))
    # jackknife pseudo-values: numpy.cov(pseudo.T) / R is the jackknife covariance
    pseudo = R * theta.mean(axis=0) - (R - 1) * theta
    pseudo = pseudo - pseudo.mean(axis=0) + est
    return {
        "estimate": est,
        "standard_error": se,
        "n_evaluations": R * n_r,
        "summands": pseudo,
        "dof": R - 1,
        "labels": labels,
        "lo": np.min([Y.min(axis=0) for Y in Ys], axis=0),
        "hi": np.max([Y.max(axis=0) for Y in Ys], axis=0),
    }
