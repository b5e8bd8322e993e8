"""The adaptive importance sampling with control variates (AISCV) engine.

Works in standard-normal space ``u in R^D`` with nominal density ``f = N(0, I_D)``. The caller
provides the integrands through two callbacks (see :func:`run_aiscv`); the engine adapts the
auxiliary densities ``g_k`` (cross-entropy), the mixture weights ``alpha`` (convex programme) and
the control-variate coefficients ``beta_k``, stops with the quantitative rule of Demange-Chryst,
Bachoc & Morio, and returns unbiased estimates from a fresh final sample.

All density computations are in log-space; density ratios are formed as ``exp(log a - log b)``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import logsumexp

from ._families import _Components, std_normal_logpdf

__all__ = ["run_aiscv", "Sampler"]


_FINAL_CHOICE = "prev"


class Sampler:
    """Mixture ``g_alpha = alpha_0 f + sum_k alpha_k g_k`` (``alpha_0`` is the defensive weight)."""

    def __init__(self, comps: _Components, alpha):
        self.comps = comps
        self.alpha = np.asarray(alpha, dtype=float)
        with np.errstate(divide="ignore"):
            self.logalpha = np.log(self.alpha)

    def log_components(self, U):
        """``(n, K + 1)``: ``[log f, log g_1, ..., log g_K]`` at the rows of ``U``."""
        out = np.empty((U.shape[0], self.comps.K + 1))
        out[:, 0] = std_normal_logpdf(U)
        # every g_k is evaluated (also those with alpha_k = 0): the control variates
        # g_k / g_alpha - 1 need the true densities to keep their zero mean
        out[:, 1:] = self.comps.logpdf(U)
        return out

    def logpdf(self, U, logc=None):
        if logc is None:
            logc = self.log_components(U)
        return logsumexp(logc + self.logalpha, axis=1)

    def sample_qmc(self, n, rng):
        """``n`` points of a scrambled Sobol' sequence mapped to ``g_alpha``.

        Coordinate 0 picks the component by inverse CDF (each point is marginally distributed
        as ``g_alpha``, so the estimators stay unbiased), coordinate 1 the mixture
        sub-component, the next ``D`` the Gaussian draw (and one more the chi-square scale of
        the Student family).
        """
        import warnings

        from scipy.special import ndtri
        from scipy.stats import chi2, qmc

        comps = self.comps
        D = comps.D
        student = comps.df < math.inf
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # n need not be a power of 2
            P = qmc.Sobol(D + 2 + int(student), scramble=True, rng=rng).random(n)
        P = np.clip(P, 1e-15, 1 - 1e-15)
        cum = np.cumsum(self.alpha / self.alpha.sum())
        comp = np.minimum(np.searchsorted(cum, P[:, 0], side="right"), comps.K)
        Z = ndtri(P[:, 2 : 2 + D])
        U = np.empty((n, D))
        sel = comp == 0
        U[sel] = Z[sel]
        for k in np.unique(comp[comp > 0]):
            idx = np.flatnonzero(comp == k)
            kk = k - 1
            pis = np.cumsum(np.exp(comps.logpi[kk] - logsumexp(comps.logpi[kk])))
            sub = np.minimum(np.searchsorted(pis, P[idx, 1], side="right"), comps.M - 1)
            z = Z[idx]
            if student:
                z = z / np.sqrt(chi2.ppf(P[idx, -1], comps.df) / comps.df)[:, None]
            for m in range(comps.M):
                rows = sub == m
                if rows.any():
                    U[idx[rows]] = comps.means[kk, m] + z[rows] @ comps.chols[kk, m].T
        return U

    def sample(self, n, rng):
        counts = rng.multinomial(n, self.alpha / self.alpha.sum())
        parts = []
        if counts[0]:
            parts.append(rng.standard_normal((counts[0], self.comps.D)))
        for k in np.flatnonzero(counts[1:]):
            parts.append(self.comps.sample(k, counts[1 + k], rng))
        U = np.concatenate(parts, axis=0)
        return U[rng.permutation(n)]


def _optimise_alpha(A, R, alpha0, defensive, floor=None, *, max_iter=300):
    """Minimise ``F(a) = mean_i A_i / (defensive R_i0 + (1 - defensive) R_i,1: . a)`` on the simplex.

    ``a >= floor`` componentwise (``floor.sum() < 1``): every auxiliary density keeps some mass,
    which bounds each integrand's likelihood ratio by its own fitted density (a safeguard for
    heavy-tailed integrands whose block-variance estimates are unreliable). Exponentiated-
    gradient (mirror) descent with an adaptive step on the free part; ``F`` is convex.
    """
    K = R.shape[1] - 1
    if floor is None:
        floor = np.zeros(K)
    spare = 1.0 - floor.sum()
    c = defensive * R[:, 0] + (1.0 - defensive) * (R[:, 1:] @ floor)
    G = (1.0 - defensive) * spare * R[:, 1:]
    a = np.maximum(alpha0 - floor, 0) + 1e-4 / K
    a /= a.sum()
    if not np.any(A > 0):
        return floor + spare * a, 0.0

    def value(a):
        den = c + G @ a
        return float(np.mean(A / den)), den

    F, den = value(a)
    eta = 1.0
    for _ in range(max_iter):
        grad = -(A / den**2) @ G / A.shape[0]
        scale = np.max(np.abs(grad))
        if not scale > 0 or not np.isfinite(scale):
            break
        g = grad / scale
        improved = False
        while eta > 1e-8:
            trial = a * np.exp(-eta * (g - g.min()))
            trial /= trial.sum()
            Ft, dent = value(trial)
            if Ft < F:
                improved = True
                break
            eta *= 0.5
        if not improved:
            break
        rel = (F - Ft) / max(F, 1e-300)
        a, F, den = trial, Ft, dent
        eta = min(eta * 2.0, 50.0)
        if rel < 1e-10:
            break
    return floor + spare * a, F


def run_aiscv(*, evaluate, **kwargs):
    """Run :func:`_run_aiscv` with single-threaded BLAS around the small dense algebra.

    The engine's linear algebra works on ``D x D`` matrices and thin ``(n, D)`` arrays, where
    multi-threaded BLAS only adds synchronisation cost (10-20x slower on a loaded machine); the
    model calls themselves run under the caller's original thread settings.
    """
    from threadpoolctl import threadpool_info, threadpool_limits

    original = {i["prefix"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    def evaluate_outside(U):
        with threadpool_limits(limits=original):
            return evaluate(U)

    with threadpool_limits(limits=1, user_api="blas"):
        return _run_aiscv(evaluate=evaluate_outside, **kwargs)


def _run_aiscv(
    *,
    D,
    evaluate,
    make_integrand,
    budget,
    weights,
    family=None,
    family_fn=None,
    defensive,
    adapt_fraction,
    block_fraction,
    rng,
    signed=None,
    min_ess=0.05,
    all_cv="auto",
    alpha_floor=0.1,
    qmc=False,
    n_replicates=8,
):
    """Run the adaptive algorithm.

    Parameters
    ----------
    D : int
        Dimension of the standard-normal space.
    evaluate : callable ``U -> raw`` (``raw`` an ``(n, p)`` array of model outputs)
        Evaluates the model at the points ``U`` (standard-normal coordinates).
    make_integrand : callable ``raw_pilot -> (integrand, offsets)``
        Called once on the pilot outputs; ``integrand(raw) -> (v, logr)`` gives the ``(n, J)``
        centred integrand values and their log likelihood ratios (``None`` for 0), so that
        ``I_j = offsets_j + E_f[exp(logr_j) v_j]``.
    weights : callable ``pilot_estimates -> (J,) array``
        Weights of the expectations in the variance criterion.
    signed : (J,) bool array or None
        Which columns to split into positive and negative parts (default: those with a negative
        pilot value).

    Returns
    -------
    dict with the final estimates, standard errors, the summand matrix of the final sample and
    the adaptation history.
    """
    N_max = int(budget)
    Nk = int(math.floor(block_fraction * N_max))
    N_adapt = int(math.floor(adapt_fraction * N_max))

    # ---------------------------------------------------------------- pilot (step 0)
    U0 = rng.standard_normal((Nk, D))
    raw0 = evaluate(U0)
    integrand, offsets = make_integrand(raw0)
    offsets = np.asarray(offsets, dtype=float)

    v0, logr0 = integrand(raw0)
    J = v0.shape[1]
    if signed is None:
        signed = (v0 < 0).any(axis=0)
    signed = np.asarray(signed, dtype=bool)
    comp_j = np.concatenate([np.arange(J), np.flatnonzero(signed)])
    comp_s = np.concatenate([np.ones(J), -np.ones(int(signed.sum()))])
    K = comp_j.size
    # membership matrix: Y_j = sum_k S[k, j] y_k
    S = np.zeros((K, J))
    S[np.arange(K), comp_j] = comp_s

    def parts(v, logr):
        P = v[:, comp_j].copy()
        sj = signed[comp_j]
        P[:, sj & (comp_s > 0)] = np.maximum(P[:, sj & (comp_s > 0)], 0.0)
        P[:, comp_s < 0] = np.maximum(-P[:, comp_s < 0], 0.0)
        if logr is not None:
            P *= np.exp(logr[:, comp_j])
        return P

    Psi0 = parts(v0, logr0)
    I_parts = Psi0.mean(axis=0)
    Y0 = Psi0 @ S
    est0 = offsets + Y0.mean(axis=0)
    var0 = Y0.var(axis=0, ddof=1)
    w = np.asarray(weights(est0), dtype=float)
    w_comp = w[comp_j]

    if family_fn is not None:
        family = family_fn()
    comps = _Components(K, D, family)
    if all_cv == "auto":
        # regression on all K + 1 densities (Owen & Zhou) needs blocks well above the number of
        # regressors; otherwise one coefficient per component (the paper's estimator)
        all_cv = Nk >= 40 * (K + 1)
    alpha_comp = np.sqrt(w_comp) * np.abs(I_parts)
    alpha_comp = alpha_comp / alpha_comp.sum() if alpha_comp.sum() > 0 else np.full(K, 1.0 / K)
    beta = I_parts.copy()
    # lower bound on the mixture weights: ``alpha_floor`` of the mass spread over the components
    # that matter (positive weight and a non-zero pilot estimate)
    active = (w_comp > 0) & (np.abs(I_parts) > 0)
    floor = np.where(active, alpha_floor / max(active.sum(), 1), 0.0)

    # storage over all points evaluated so far
    U_all = U0
    logf_all = std_normal_logpdf(U0)
    Psi_all = Psi0
    logq = [np.zeros((Nk, 1)) + logf_all[:, None]]  # log q_s(U) for each block s (columns)
    LQ = logq[0]
    block_sizes = [Nk]
    n_eval = Nk

    crude = Sampler(comps.copy(), np.concatenate([[1.0], np.zeros(K)]))
    prev = {"sampler": crude, "beta": np.zeros(K), "B": np.zeros((K + 1, J)) if all_cv else None}
    crude_set = dict(prev, score=float(w @ var0))
    v_prev = var0
    best = None
    history = {
        "n_evaluations": [n_eval],
        "estimates": [est0],
        "variances": [var0],
        "alpha": [crude.alpha.copy()],
        "criterion": [float(w @ var0) / (N_max - n_eval + Nk)],
    }
    stopped = False
    n_iter = 0
    final = None
    while n_eval + Nk <= N_adapt:
        n_iter += 1
        # ------------------------------------------------ step 1: cross-entropy update
        logh = logsumexp(LQ + np.log(np.asarray(block_sizes) / n_eval), axis=1)
        base = logf_all - logh
        with np.errstate(divide="ignore"):
            logpsi = np.log(np.maximum(Psi_all, 0.0))
        for k in range(K):
            comps.fit(k, U_all, base + logpsi[:, k], min_ess_fraction=min_ess)
        # ------------------------------------------------ step 2: mixture weights
        logG = comps.logpdf(U_all)
        R = np.exp(np.column_stack([logf_all, logG]) - logh[:, None])
        fpsi_h = np.exp(base)[:, None] * Psi_all
        resid = (fpsi_h - beta * R[:, 1:]) @ S  # (n, J)
        A = (resid**2) @ w
        alpha_comp, _ = _optimise_alpha(A, R, alpha_comp, defensive, floor)
        alpha_full = np.concatenate([[defensive], (1.0 - defensive) * alpha_comp])
        sampler = Sampler(comps.copy(), alpha_full)
        # ------------------------------------------------ step 3: new block
        U_new = sampler.sample(Nk, rng)
        raw_new = evaluate(U_new)
        v_new, logr_new = integrand(raw_new)
        Psi_new = parts(v_new, logr_new)
        logc_new = sampler.log_components(U_new)
        logga = sampler.logpdf(U_new, logc_new)
        logf_new = logc_new[:, 0]
        # ------------------------------------------------ step 4: control-variate coefficients
        a = np.exp(logc_new[:, 1:] - logga[:, None])
        b = np.exp(logf_new - logga)[:, None] * Psi_new
        beta = _beta(a, b)
        if all_cv:
            Xcv = np.exp(logc_new - logga[:, None]) - 1.0
            B = _regression(Xcv, b @ S)
            Y = b @ S - Xcv @ B
        else:
            B = None
            Y = (b - beta * a + beta) @ S
        est = offsets + Y.mean(axis=0)
        v_new_var = Y.var(axis=0, ddof=1)
        # ------------------------------------------------ bookkeeping of sampling densities
        LQ_old_new = np.column_stack(
            [logf_new] + [d_.logpdf(U_new) for d_ in _block_samplers(history)]
        )
        LQ = np.vstack([LQ, LQ_old_new])
        LQ = np.column_stack([LQ, np.concatenate([sampler.logpdf(U_all), logga])])
        history.setdefault("_samplers", []).append(sampler)
        U_all = np.vstack([U_all, U_new])
        logf_all = np.concatenate([logf_all, logf_new])
        Psi_all = np.vstack([Psi_all, Psi_new])
        block_sizes.append(Nk)
        n_eval += Nk
        # ------------------------------------------------ step 5: stopping rule
        crit_prev = float(w @ v_prev) / (N_max - n_eval + Nk)
        crit_new = float(w @ v_new_var) / (N_max - n_eval)
        history["n_evaluations"].append(n_eval)
        history["estimates"].append(est)
        history["variances"].append(v_new_var)
        history["alpha"].append(alpha_full)
        history["criterion"].append(crit_new)
        current = {"sampler": sampler, "beta": beta.copy(), "B": B, "score": float(w @ v_new_var)}
        if best is None or current["score"] < best["score"]:
            best = current
        # The rule compares successive adaptive parameter sets from the second one on: the
        # pilot variances (crude sampling) are too unreliable on heavy-tailed integrands, and
        # the first adapted set is often still poor. The final sample uses the adapted set with
        # the smallest weighted per-point variance.
        if n_iter > 2 and crit_prev <= crit_new:
            stopped = True
            break
        v_prev = v_new_var
        prev = current
    final = {"best": best, "prev": prev, "last": current}[_FINAL_CHOICE]
    if final is None or "score" not in final:
        final = crude_set
    # Fall back to crude sampling when the adaptation did not beat it (small budgets in high
    # dimension), but only when the pilot's variances are trustworthy: every weighted part
    # has pilot mass and no single pilot point carries more than max(2%, 10 log(Nk) / Nk) of
    # it (about 5x the largest share of a chi-square(1) sample; heavy-tailed integrands, whose
    # pilot variances are underestimated, never fall back).
    used = w_comp > 0
    mass = Psi0[:, used].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = Psi0[:, used].max(axis=0) / mass
    pilot_reliable = bool(np.all(mass > 0) and np.all(share < max(0.02, 10.0 * math.log(Nk) / Nk)))
    fell_back = pilot_reliable and crude_set["score"] < final["score"]
    if fell_back:
        final = crude_set

    # ---------------------------------------------------------------- step 6: final sample
    N_f = N_max - n_eval
    sampler, beta_f = final["sampler"], final["beta"]
    if qmc:
        n_rep = int(n_replicates)
        n_r = N_f // n_rep
        N_f = n_r * n_rep
        U_f = np.vstack([sampler.sample_qmc(n_r, rng) for _ in range(n_rep)])
    else:
        U_f = sampler.sample(N_f, rng)
    raw_f = evaluate(U_f)
    v_f, logr_f = integrand(raw_f)
    Psi_f = parts(v_f, logr_f)
    logc = sampler.log_components(U_f)
    logga = sampler.logpdf(U_f, logc)
    b = np.exp(logc[:, 0] - logga)[:, None] * Psi_f
    if all_cv and not qmc and N_f >= 2 * 40 * (K + 1):
        # Regression control variates cross-fitted on the final sample: the coefficients of
        # each half come from the other half, so each half's mean is exactly unbiased (its
        # coefficients are independent of its points) and so is the estimate. Coefficients
        # fitted on one adaptation block (2,000 points for 11 nearly collinear regressors on
        # the Gaussian moments) were poor in about a quarter of the runs, which gave heavy,
        # skewed final summands: 4.6x larger weighted MSE and under-covering intervals.
        Xcv = np.exp(logc - logga[:, None]) - 1.0
        Y = _cross_fitted(Xcv, b @ S)
    elif all_cv:
        Xcv = np.exp(logc - logga[:, None]) - 1.0
        Y = b @ S - Xcv @ final["B"]
    else:
        a = np.exp(logc[:, 1:] - logga[:, None])
        Y = (b - beta_f * a + beta_f) @ S
    dof = None
    if qmc:
        # independent randomisations: the replicate means are i.i.d., the points within one
        # replicate are not; standard errors and intervals come from the replicate means
        Y = Y.reshape(n_rep, n_r, J).mean(axis=1)
        dof = n_rep - 1
    estimates = offsets + Y.mean(axis=0)
    se = Y.std(axis=0, ddof=1) / math.sqrt(Y.shape[0])
    history.pop("_samplers", None)
    hist = {k: np.asarray(v) for k, v in history.items()}
    return {
        "estimate": estimates,
        "standard_error": se,
        "summands": Y,
        "offsets": offsets,
        "n_evaluations": n_eval + N_f,
        "dof": dof,
        "n_adaptive": n_eval,
        "n_final": N_f,
        "n_iter": n_iter,
        "converged": stopped,
        "fell_back_to_crude": fell_back,
        "history": hist,
        "final_alpha": sampler.alpha.copy(),
        "signed": signed,
    }


def summand_covariance(Y):
    """Covariance matrix of the mean of the rows of ``Y`` (single-threaded BLAS, see run_aiscv)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        Yc = Y - Y.mean(axis=0)
        return (Yc.T @ Yc) / (Y.shape[0] - 1) / Y.shape[0]


def _block_samplers(history):
    return history.get("_samplers", [])


def _regression(X, Y):
    """Least-squares coefficients of ``Y`` (n, J) on the centred control variates ``X`` (n, p)."""
    Xc = X - X.mean(axis=0)
    Yc = Y - Y.mean(axis=0)
    scale = np.sqrt(np.einsum("ij,ij->j", Xc, Xc))
    ok = scale > 1e-12 * max(scale.max(), 1e-300)
    B = np.zeros((X.shape[1], Y.shape[1]))
    if ok.any():
        coef, *_ = np.linalg.lstsq(Xc[:, ok] / scale[ok], Yc, rcond=1e-10)
        B[ok] = coef / scale[ok][:, None]
    return B


def _cross_fitted(X, Y):
    """Summands ``Y - X B`` with ``B`` fitted on the other half of the rows (two folds)."""
    h = X.shape[0] // 2
    out = np.empty_like(Y)
    out[:h] = Y[:h] - X[:h] @ _regression(X[h:], Y[h:])
    out[h:] = Y[h:] - X[h:] @ _regression(X[:h], Y[:h])
    return out


def _beta(a, b):
    """Per-column regression coefficient Cov(a, b) / Var(a) (mean of b when a is constant)."""
    am = a - a.mean(axis=0)
    bm = b - b.mean(axis=0)
    va = np.einsum("ij,ij->j", am, am)
    cov = np.einsum("ij,ij->j", am, bm)
    out = b.mean(axis=0).copy()
    ok = va > 1e-300
    out[ok] = cov[ok] / va[ok]
    return out
