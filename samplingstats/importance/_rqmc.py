"""Sobol' indices by randomised QMC pick-freeze with cross-fitted polynomial-chaos control variates.

Design: ``R`` independent scramblings of a Sobol' sequence in ``2 d`` dimensions (``A``: the first
``d`` coordinates, ``B``: the last ``d``), pushed through each input's inverse CDF; per base point the
model runs on ``A``, ``B`` and ``AB_i`` (``A`` with column ``i`` from ``B``), ``d + 2`` evaluations.

With ``a, b, ab_i`` the outputs minus a constant ``c``, the expectations

- ``E1 = E[(a + b) / 2]``, ``E2 = E[(a^2 + b^2) / 2]`` (so ``V = E2 - E1^2``),
- ``V_i = E[b (ab_i - a)]`` (first order; Saltelli 2010 / Sobol' 2007 form, small for small
  indices),
- ``VT_i = E[(a - ab_i)^2 / 2]`` (total; Jansen 1999),

are estimated per replicate ``r`` as ``mean(Q(f) - Q(g_r)) + E[Q(g_r)]``: the same integrands built
from a polynomial-chaos surrogate ``g_r`` fitted on the *other* replicates, whose expectations are
closed-form. ``g_r`` is independent of replicate ``r``, so each replicate's expectations are unbiased
(a control variate with coefficient one); when no polynomial beats the constant in cross-validation
over the other replicates, ``g_r`` is the constant and the replicate is plain RQMC pick-freeze. The
replicate estimates give the covariance of their mean; the indices ``V_i / V``, ``VT_i / V`` get
delta-method standard errors and Student-t intervals with ``R - 1`` degrees of freedom.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import qmc

from ._chaos import chaos_sobol_parts, crossfit_chaos, germs

__all__ = ["rqmc_sobol", "index_jacobian"]

#: smallest standard error reported for an index (rounding of an exactly reproduced model)
SE_FLOOR = 1e-9


def _sobol_points(dim, n, rng, n_rep):
    seeds = rng.spawn(n_rep) if hasattr(rng, "spawn") else [rng] * n_rep
    out = []
    with warnings.catch_warnings():
        # the first n points of a scrambled Sobol' sequence are uniform for any n (unbiased);
        # scipy warns that the balance properties need a power of two
        warnings.simplefilter("ignore", UserWarning)
        for s in seeds:
            eng = qmc.Sobol(dim, scramble=True, rng=s)
            out.append(eng.random(n))
    return np.stack(out)


def index_jacobian(e, d):
    """Indices and Jacobian from ``e = [E1, E2, V_1..V_d, VT_1..VT_d]``."""
    E1, E2 = e[0], e[1]
    V = E2 - E1 * E1
    Vi, VTi = e[2 : 2 + d], e[2 + d : 2 + 2 * d]
    S, ST = Vi / V, VTi / V
    Jac = np.zeros((2 * d, 2 + 2 * d))
    for blk, idx in ((slice(0, d), S), (slice(d, 2 * d), ST)):
        Jac[blk, 0] = 2 * E1 * idx / V
        Jac[blk, 1] = -idx / V
    Jac[:d, 2 : 2 + d] = np.eye(d) / V
    Jac[d:, 2 + d :] = np.eye(d) / V
    return S, ST, V, Jac


def _integrands(yA, yB, yAB, c):
    """Per-point integrands ``(n, 2 + 2 d)`` from outputs ``yA, yB (n,)``, ``yAB (d, n)``."""
    a, b, ab = yA - c, yB - c, yAB - c
    cols = [0.5 * (a + b), 0.5 * (a * a + b * b)]
    first = b[None, :] * (ab - a[None, :])
    total = 0.5 * (a[None, :] - ab) ** 2
    return np.column_stack(cols + list(first) + list(total))


def rqmc_sobol(model, laws, *, budget, n_replicates, rng, surrogate, max_terms=300, max_rows=8192):
    """Run the estimator. ``surrogate``: ``"auto"`` (chosen per replicate, constant allowed),
    ``"always"`` (a polynomial of degree >= 1) or ``"never"`` (plain RQMC pick-freeze)."""
    d = laws.d
    per = d + 2
    R = int(n_replicates)
    n_r = int(budget) // (per * R)
    UAB = _sobol_points(2 * d, n_r, rng, R)  # (R, n_r, 2d)
    Y = np.empty((R, per, n_r))
    Ufull = np.empty((R, per, n_r, d))
    for r in range(R):
        UA, UB = UAB[r, :, :d], UAB[r, :, d:]
        Ufull[r, 0], Ufull[r, 1] = UA, UB
        for i in range(d):
            Ufull[r, 2 + i] = UA
            Ufull[r, 2 + i, :, i] = UB[:, i]
        X = laws.from_uniform(Ufull[r].reshape(per * n_r, d))
        Y[r] = model(X)[:, 0].reshape(per, n_r)
    c = float(Y[:, :2].mean())
    var_y = float(Y[:, :2].var())
    if not var_y > 0 or np.ptp(Y) <= 1e-12 * max(1.0, abs(c)):
        return {"constant": True, "c": c}
    fits = None
    if surrogate != "never":
        # training rows: the first m base points of each replicate (all d + 2 evaluations of
        # each), at most about max_rows rows per replicate
        m = max(1, min(n_r, max_rows // per))
        fits = crossfit_chaos(
            [Ufull[r][:, :m].reshape(-1, d) for r in range(R)],
            [Y[r][:, :m].reshape(-1) for r in range(R)],
            [Ufull[r].reshape(-1, d) for r in range(R)],
            germs(laws.laws),
            max_terms=max_terms,
            exclude_constant=surrogate == "always",
        )

    def fold_estimate(r, pred, coef, index):
        q_f = _integrands(Y[r, 0], Y[r, 1], Y[r, 2:], c)
        if pred is None:
            return q_f.mean(axis=0)
        G = pred.reshape(per, n_r)
        q_g = _integrands(G[0], G[1], G[2:], c)
        mean, var, first, total = chaos_sobol_parts(coef, index)
        exact = np.concatenate([[mean - c, var + (mean - c) ** 2], first, total])
        return (q_f - q_g).mean(axis=0) + exact

    E = np.empty((R, 2 + 2 * d))
    for r in range(R):
        if fits is None:
            E[r] = fold_estimate(r, None, None, None)
        else:
            E[r] = fold_estimate(r, fits[r]["pred"], fits[r]["coef"], fits[r]["index"])
    e = E.mean(axis=0)
    S, ST, V, Jac = index_jacobian(e, d)
    if fits is None:
        # independent replicates: delta method on the covariance of the replicate means
        cov = np.cov(E.T, ddof=1) / R
        var_idx = np.einsum("ij,jk,ik->i", Jac, cov, Jac)
    else:
        # the cross-fitted replicate estimates are dependent (each surrogate saw the other
        # replicates; an extreme point moves every other replicate's control variate the same
        # way), so their spread understates the error. Replicate jackknife with refits: leave
        # replicate j out entirely, re-estimate with surrogates fitted without j.
        theta = np.empty((R, 2 * d))
        for j in range(R):
            Ej = []
            for r in range(R):
                if r == j:
                    continue
                k = j if j < r else j - 1  # row of "without j" in replicate r's refits
                f = fits[r]
                Ej.append(fold_estimate(r, f["pred_without"][k], f["coef_without"][k], f["index"]))
            Sj, STj, _, _ = index_jacobian(np.mean(Ej, axis=0), d)
            theta[j] = np.concatenate([Sj, STj])
        var_idx = (R - 1) / R * np.sum((theta - theta.mean(axis=0)) ** 2, axis=0)
    # floor: when the surrogate reproduces the model exactly (a polynomial model) the replicate
    # estimates agree to rounding; never report a zero-width interval
    se = np.maximum(np.sqrt(np.maximum(var_idx, 0.0)), SE_FLOOR)
    return {
        "constant": False,
        "first_order": S,
        "total_order": ST,
        "se": se,
        "variance": float(V),
        "n_points": R * n_r,
        "n_evaluations": R * n_r * per,
        "dof": R - 1,
        "replicates": E,
        "fits": fits,
    }
