"""Sobol' indices by randomised QMC pick-freeze with cross-fitted polynomial-chaos control variates.

Design: ``R`` independent scramblings of a Sobol' sequence in ``2 d`` dimensions (``A``: the first
``d`` coordinates, ``B``: the last ``d``), pushed through each input's inverse CDF; per base point the
model runs on ``A``, ``B`` and ``AB_i`` (``A`` with column ``i`` from ``B``), ``d + 2`` evaluations.

With ``a, b, ab_i`` the outputs minus a constant ``c``, the expectations

- ``E1 = E[(a + b) / 2]``, ``E2 = E[(a^2 + b^2) / 2]`` (so ``V = E2 - E1^2``),
- ``V_i = E[b (ab_i - a)]`` (first order; Saltelli 2010 / Sobol' 2007 form, small for small
  indices),
- ``VT_i = E[(a - ab_i)^2 / 2]`` (total; Jansen 1999),

are estimated per replicate ``r`` with a polynomial-chaos surrogate ``g_r`` fitted on the *other*
replicates (independent of replicate ``r``, so every estimate below is unbiased). The default
(:func:`_projection_estimate`) splits each expectation along ``g_r`` and its residual
``e = f - g_r``: chaos parts in closed form, cross terms such as ``E[g_i e]`` as means over all
``(d + 2) n`` evaluations, and only the residual's own (second-order) parts by pick-freeze (the
first-order ones regression-adjusted on ``e_A e_B`` with a coefficient from the other
replicates, :func:`_residual_cv`); its
standard errors come from a replicate jackknife with refits, in closed form, as a mean squared
error (jackknife variance plus, when some input has unbounded support, the squared jackknife
bias estimate, :func:`jackknife_mse`; the default path then also centres the intervals on the
estimate minus that bias estimate, :func:`_projection_result`; with bounded inputs only the
jackknife variance less its over-count of the replicate-pair interaction,
:func:`jackknife_interaction`). With the Janon
columns the older control-variate form ``mean(Q(f) - Q(g_r)) + E[Q(g_r)]`` is used. When no
polynomial beats the constant in cross-validation over the other replicates, ``g_r`` is the
constant and the replicate is plain RQMC pick-freeze; without surrogates the replicate estimates
give the covariance of their mean (delta method). Student-t intervals with ``R - 1`` degrees of
freedom.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import qmc

from ._chaos import _CHUNK, _design_t, chaos_sobol_parts, crossfit_chaos, germs

__all__ = ["rqmc_sobol", "index_jacobian"]

#: smallest standard error reported for an index (rounding of an exactly reproduced model)
SE_FLOOR = 1e-9
#: jackknife refits recompute the residual pick-freeze terms from the refit's own residual
#: (session 6; session 5 kept the first residual there, a second-order term that dominated
#: the refits' spread for indices near the surrogate's noise: Sobol' G's a = 99 inputs at
#: (d + 2) 2^16, rms SE / RMSE 2-10 instead of 1-2)
EXACT_REFIT_RESIDUAL = True
#: the residual's first-order pick-freeze term ``V_i(e)`` regression-adjusted on the product
#: ``e_A e_B`` (mean ``E[e]^2``) with a cross-fitted coefficient (:func:`_residual_cv`; session
#: 7: first-order RMSE on the benchmark seeds, 30 runs, Sobol' G 0.88x / 0.78x / 0.68x at
#: (d + 2) 2^12 / 2^14 / 2^16, threshold indicator 0.90x / 0.82x at 2^12 / 2^16, Ishigami,
#: borehole, beam and lognormal unchanged to 4 digits); ``False``: the plain Saltelli 2010 form
#: ``mean(e_B (e_ABi - e_A))``
RESIDUAL_CV = True


def index_jacobian(e, d):
    """Indices and Jacobian from ``e = [E1, E2, V_1..V_d, VT_1..VT_d, (P, M, Q)]``.

    Returns ``S`` (Saltelli 2010), ``ST`` (Jansen), ``V`` and the Jacobian of
    ``[S, ST]``; with the Janon columns ``P_i = E[b ab_i]``, ``M_i = E[(b + ab_i) / 2]``,
    ``Q_i = E[(b^2 + ab_i^2) / 2]`` present, the Jacobian has ``d`` more rows for the Janon
    first-order indices (see :func:`janon`).
    """
    E1, E2 = e[0], e[1]
    V = E2 - E1 * E1
    Vi, VTi = e[2 : 2 + d], e[2 + d : 2 + 2 * d]
    S, ST = Vi / V, VTi / V
    janon_cols = e.shape[0] == 2 + 5 * d
    Jac = np.zeros(((3 if janon_cols else 2) * d, e.shape[0]))
    for blk, idx in ((slice(0, d), S), (slice(d, 2 * d), ST)):
        Jac[blk, 0] = 2 * E1 * idx / V
        Jac[blk, 1] = -idx / V
    Jac[:d, 2 : 2 + d] = np.eye(d) / V
    Jac[d : 2 * d, 2 + d : 2 + 2 * d] = np.eye(d) / V
    if janon_cols:
        SJ, jac = janon(e, d)
        Jac[2 * d :] = jac
    return S, ST, V, Jac


def janon(e, d):
    """Janon et al. (2014) first-order indices ``(P_i - M_i^2) / (Q_i - M_i^2)`` and Jacobian.

    Mean and variance come from the pair ``(B, AB_i)`` that shares input ``i``; asymptotically
    efficient for large indices, worse than the Saltelli 2010 form for small ones.
    """
    P = e[2 + 2 * d : 2 + 3 * d]
    M = e[2 + 3 * d : 2 + 4 * d]
    Q = e[2 + 4 * d : 2 + 5 * d]
    den = Q - M * M
    SJ = (P - M * M) / den
    jac = np.zeros((d, e.shape[0]))
    rows = np.arange(d)
    jac[rows, 2 + 2 * d + rows] = 1 / den
    jac[rows, 2 + 3 * d + rows] = -2 * M * (1 - SJ) / den
    jac[rows, 2 + 4 * d + rows] = -SJ / den
    return SJ, jac


def _leave_one_replicate_out(R, estimate_without, d, extra=None):
    """Jackknife values of the indices: row ``j`` from the mean over replicates ``r != j`` of
    ``estimate_without(r, k)``, the estimate of replicate ``r`` with its surrogate refitted
    without replicate ``j`` (``k``: the row of "without j" among ``r``'s refits); ``extra(e)``
    appends more values (lists of arrays) to each row."""
    rows = []
    for j in range(R):
        # row of "without j" in replicate r's refits (r's refits skip r itself)
        ej = np.mean(
            [estimate_without(r, j if j < r else j - 1) for r in range(R) if r != j], axis=0
        )
        Sj, STj, _, _ = index_jacobian(ej, d)
        rows.append(np.concatenate([Sj, STj] + (extra(ej) if extra is not None else [])))
    return np.array(rows)


def jackknife_mse(theta, estimate, shift=True):
    """Replicate-jackknife mean squared error of ``estimate`` from the leave-one-out values
    ``theta`` (``R`` rows): the jackknife variance ``(R - 1) / R sum_j (theta_j - mean)^2`` plus
    (with ``shift``) the squared jackknife bias estimate ``((R - 1) (mean - estimate))^2``.

    The cross-fitted estimates are unbiased, so the second term has no bias to remove; it
    measures how far the estimate moves when every surrogate loses one replicate of training
    data. When the surrogates' errors sit in rare tail points (a high-degree Hermite chaos of a
    lognormal input), every refit moves the estimate the same way: the refits barely spread
    (a small jackknife variance) while their mean shifts, and that shift tracks the run's error
    (correlation 0.55-0.85 per index on the lognormal benchmark model). Where the surrogates are
    stable the term is negligible (Ishigami, borehole: coverage unchanged).

    The default (projection) path also centres the intervals on ``estimate - b``
    (:func:`_projection_result`): the shift ``b`` is the run's conditional error direction
    (in a typical run every replicate misses the same tail contribution of the Hermite
    polynomials' moments), so centring on the corrected value raised the lognormal model's
    coverage further (0.93 / 0.93 / 0.96 at (d + 2) 2^12 / 2^14 / 2^16, session 6).

    Only a chaos with an unbounded germ (Hermite: some input law has unbounded support) has
    rare tail points; with bounded germs (Legendre polynomials are bounded on the support) the
    shift is noise of the size of the jackknife variance and adding it over-covers (Sobol' G
    and the threshold indicator at (d + 2) 2^14: 0.985 and 0.983 instead of 0.973 and 0.956),
    so callers pass ``shift=False`` when every germ is bounded.
    """
    var, b = jackknife_parts(theta, estimate)
    if not shift:
        return var
    return var + b**2


def jackknife_parts(theta, estimate):
    """Jackknife variance ``(R - 1) / R sum_j (theta_j - mean)^2`` and jackknife bias
    estimate ``b = (R - 1) (mean - estimate)`` from the leave-one-out values ``theta``."""
    R = theta.shape[0]
    mean = theta.mean(axis=0)
    var = (R - 1) / R * np.sum((theta - mean) ** 2, axis=0)
    return var, (R - 1) * (mean - estimate)


def jackknife_interaction(E, E_without, jac):
    """Replicate-pair interaction part of the refit jackknife variance.

    ``E`` ``(R, m)``: each replicate's expectation vector with its cross-fitted surrogate;
    ``E_without`` ``(R, R - 1, m)``: the same with the surrogate refitted also without
    replicate ``j`` (row ``j`` if ``j < r`` else ``j - 1``); ``jac`` ``(p, m)``: the Jacobian
    of the indices. Returns, per index, the mean over ``j`` of the sample variance over
    ``r != j`` of ``jac (E_r - E_r^{(-j)})``, the change of replicate ``r``'s estimate when its
    surrogate loses replicate ``j``'s training data.

    Why: a cross-fitted replicate estimate is ``T_r = T(X_r; g_{-r})``, and the surrogate's
    coefficient noise from replicate ``s`` enters replicate ``r``'s estimate through ``r``'s
    own sampling noise (``g``'s error moves the control-variate terms only as far as ``r``'s
    points miss their expectations: the split ``V(g) + 2 E[g e] + V(e)`` is exact at the
    population level for any ``g``). So the estimate has, besides the replicates' own terms,
    a degenerate degree-2 part ``sum_{r != s} <eps_s, zeta_r> / (R (R - 1))``. The delete-one
    jackknife counts a degree-2 part ``2 (R - 1) / (R - 2)`` times (2.33 at ``R = 8``; Efron
    and Stein: each pair moves two leave-one-out values) and a degree-1 part once. For
    fixed ``j`` the changes ``E_r - E_r^{(-j)} ~ <eps_j, kappa + zeta_r> / (R - 1)`` spread over
    ``r`` only through ``zeta_r``, so this returns about the degree-2 part's excess, and
    ``var - jackknife_interaction(...)`` estimates the variance. In a synthetic model with
    known parts (half pair part, half own terms) :func:`interaction_corrected_variance` gives
    0.97-1.09 times the variance where the plain jackknife gives 1.32-1.47 (pair part only:
    1.27-1.54, its floor binding, against 2.17-2.59). On Sobol' G at (d + 2) 2^16 the a = 99
    inputs' indices have 59-98% of their jackknife variance here.
    """
    R = E.shape[0]
    parts = []
    for j in range(R):
        dj = np.array([E[r] - E_without[r][j if j < r else j - 1] for r in range(R) if r != j])
        parts.append(np.var(dj @ jac.T, axis=0, ddof=1))
    return np.mean(parts, axis=0)


def interaction_corrected_variance(var, interaction, R):
    """``var - interaction``, not below ``var (R - 2) / (2 (R - 1))``: the delete-one jackknife
    variance ``var`` counts a degree-2 part at most ``2 (R - 1) / (R - 2)`` times, so the
    variance it estimates is at least that fraction of it (see :func:`jackknife_interaction`)."""
    if R < 4:
        return var
    return np.maximum(var - interaction, var * (R - 2) / (2 * (R - 1)))


def _integrands(yA, yB, yAB, c, janon_cols=False):
    """Per-point integrands ``(n, 2 + 2 d)`` (``(n, 2 + 5 d)`` with the Janon columns) from
    outputs ``yA, yB (n,)``, ``yAB (d, n)``."""
    a, b, ab = yA - c, yB - c, yAB - c
    cols = [0.5 * (a + b), 0.5 * (a * a + b * b)]
    first = b[None, :] * (ab - a[None, :])
    total = 0.5 * (a[None, :] - ab) ** 2
    parts = cols + list(first) + list(total)
    if janon_cols:
        parts += list(b[None, :] * ab) + list(0.5 * (b[None, :] + ab))
        parts += list(0.5 * (b[None, :] ** 2 + ab * ab))
    return np.column_stack(parts)


def _exact(coef, index, c, janon_cols):
    """Expectations of the integrands of a chaos surrogate (closed form)."""
    mean, var, first, total = chaos_sobol_parts(coef, index)
    m = mean - c
    out = [[m, var + m * m], first, total]
    if janon_cols:
        d = first.shape[0]
        out += [m * m + first, np.full(d, m), np.full(d, var + m * m)]
    return np.concatenate(out)


def _choose_first(S, SJ, se, first):
    """First-order estimates and standard errors under the ``first`` rule.

    ``se`` has ``3 d`` entries (Saltelli, totals, Janon) when the Janon columns are present.
    ``"auto"``: per index, the estimator with the smaller standard error.
    """
    d = S.shape[0]
    if first == "saltelli" or SJ is None:
        return S, se[:d], np.zeros(d, dtype=bool)
    if first == "janon":
        return SJ, se[2 * d :], np.ones(d, dtype=bool)
    use = se[2 * d :] < se[:d]
    return np.where(use, SJ, S), np.where(use, se[2 * d :], se[:d]), use


def _projection_stats(Y_r, Uf_r, kinds, coef, index, others=None, design=None):
    """Sufficient statistics of one replicate for :func:`_projection_estimate`.

    With ``Phi`` the chaos basis at all ``(d + 2) n`` points of the replicate and ``e = f - g``
    the residual of its (cross-fitted) surrogate ``g = coef . Phi``: ``w = mean(Phi e)``,
    ``mean(Phi)``, ``mean(e)``, ``mean(e^2)`` and ``e`` itself ``(d + 2, n)``. For each row
    ``b_k`` of ``others`` (other coefficients on the same basis: the jackknife refits), with
    ``delta_k = coef - b_k``: ``mean(Phi Phi^T) delta_k`` and ``delta_k^T mean(Phi Phi^T)
    delta_k``, and ``Hk[k] = delta_k . Phi`` at every point (the refit's residual is
    ``e + Hk[k]``), from which the estimate at ``b_k`` follows exactly without predicting again.
    ``design``: ``Phi`` itself, ``(P, (d + 2) n)`` in the order of ``Uf_r.reshape(-1, d)``
    where the caller has it (:func:`crossfit_chaos` with ``keep_design``); built otherwise.
    """
    per, n, d = Uf_r.shape
    U = Uf_r.reshape(-1, d)
    y = Y_r.reshape(-1)
    N = y.size
    psub = int(index.max()) if index.size else 0
    P = index.shape[0]
    D = np.zeros((0, P)) if others is None else coef[None, :] - np.asarray(others)
    w = np.zeros(P)
    phibar = np.zeros(P)
    GD = np.zeros((P, D.shape[0]))
    dGd = np.zeros(D.shape[0])
    e = np.empty(N)
    # the refits' changes of the surrogate at every point (``e_k = e + Hk[k]``), for the
    # residual pick-freeze terms of the jackknife
    Hk = np.empty((D.shape[0], N))
    buf = None if design is not None else np.empty(P * min(_CHUNK, N))
    for s0 in range(0, N, _CHUNK):
        if design is not None:
            Phi = design[:, s0 : s0 + _CHUNK]
        else:
            Phi = _design_t(U[s0 : s0 + _CHUNK], kinds, index, psub, buf)
        res = y[s0 : s0 + _CHUNK] - coef @ Phi
        e[s0 : s0 + _CHUNK] = res
        w += Phi @ res
        phibar += Phi.sum(axis=1)
        if D.shape[0]:
            H = D @ Phi  # (k, m): the refits' changes of the surrogate at the points
            Hk[:, s0 : s0 + _CHUNK] = H
            GD += Phi @ H.T
            dGd += np.einsum("km,km->k", H, H)
    return {
        "w": w / N,
        "phibar": phibar / N,
        "ebar": float(e.mean()),
        "e2": float(e @ e / N),
        "e": e.reshape(per, n),
        "beta0": coef,
        "others": None if others is None else np.asarray(others),
        "GD": GD / N,
        "dGd": dGd / N,
        "Hk": Hk.reshape(D.shape[0], per, n),
    }


def _projection_estimate(st, index, c, k=None, parts=None):
    """Expectations ``[E1, E2, V_i, VT_i]`` of one replicate, split along its surrogate ``g``.

    With ``f = g + e`` and ``g`` an orthonormal chaos independent of the replicate:

    - ``V_i(f) = V_i(g) + 2 E[g_i(X_i) e(X)] + V_i(e)``, ``g_i`` the terms of ``g`` in input
      ``i`` alone (``E[g | X_i] - E[g]``), since ``Cov(E[g | X_i], E[e | X_i]) = E[g_i e]``;
    - ``VT_i(f) = VT_i(g) + 2 E[g^{T_i}(X) e(X)] + VT_i(e)``, ``g^{T_i}`` the terms involving
      ``i`` (``g - E[g | X_{~i}]``), since ``E[Cov(g, e | X_{~i})] = E[g^{T_i} e]``;
    - ``E[f] = E[g] + E[e]``, ``E[f^2] = E[g^2] + 2 E[g e] + E[e^2]``.

    ``V_i(g)``, ``VT_i(g)`` and the moments of ``g`` are closed-form; the cross terms are means
    over *all* ``(d + 2) n`` points (each is distributed as the inputs), and the small
    second-order ``V_i(e)``, ``VT_i(e)`` are pick-freeze estimates on the residual. Each term
    is unbiased when ``g`` does not depend on the replicate. A surrogate that captures most of
    the variance leaves only the cross terms' noise, ``O(sd(e) sqrt(V_i) / sqrt(N (d + 2)))``,
    instead of pick-freeze noise ``O(sd(e) sqrt(V) / sqrt(N))`` on the residual.

    ``k``: evaluate at the refit ``st["others"][k]`` instead of ``st["beta0"]`` (the
    jackknife): the linear and quadratic terms follow exactly from ``mean(Phi Phi^T) delta``,
    and the residual pick-freeze terms use the refit's residual ``e + st["Hk"][k]`` (the
    refit's change of the surrogate at the points, stored in the same pass), so the refit
    estimate equals a direct recomputation.

    ``parts``: a list to which the sums of :func:`_residual_cv` (this replicate's, at ``k``)
    are appended.
    """
    if k is None:
        beta = st["beta0"]
        w, ebar, e2 = st["w"], st["ebar"], st["e2"]
    else:
        beta = st["others"][k]
        delta = st["beta0"] - beta
        w = st["w"] + st["GD"][:, k]
        ebar = st["ebar"] + st["phibar"] @ delta
        e2 = st["e2"] + 2 * delta @ st["w"] + st["dGd"][k]
    mean, var, first, total = chaos_sobol_parts(beta, index)
    m = mean - c
    active = index > 0
    uni = active & (active.sum(axis=1) == 1)[:, None]
    bw = beta * w
    e = st["e"] if k is None or not EXACT_REFIT_RESIDUAL else st["e"] + st["Hk"][k]
    a, b, ab = e[0], e[1], e[2:]
    pf1 = (b[None, :] * (ab - a[None, :])).mean(axis=1)
    pf2 = 0.5 * ((a[None, :] - ab) ** 2).mean(axis=1)
    if parts is not None:
        parts.append(_residual_cv_sums(a, b, ab))
    E1 = m + ebar
    E2 = var + m * m + 2 * (beta @ w - c * ebar) + e2
    Vi = first + 2 * (bw @ uni) + pf1
    VTi = total + 2 * (bw @ active) + pf2
    return np.concatenate([[E1, E2], Vi, VTi])


def _residual_cv_sums(a, b, ab):
    """Sums of one replicate's residuals for :func:`_residual_cv`: ``[m2, mean(a) mean(b),
    C_1..C_d, W]`` with ``t = a b`` (``a, b``: the residual at ``A``, ``B``; ``ab (d, n)``: at
    ``AB_i``), ``m2 = mean(t)``, ``C_i = sum(b ab_i (t - m2))`` (the centred cross products)
    and ``W = sum((t - m2)^2)``."""
    t = a * b
    m2 = float(t.mean())
    tc = t - m2
    return np.concatenate([[m2, float(a.mean() * b.mean())], ab @ (b * tc), [float(tc @ tc)]])


def _residual_cv(E, parts, without=None):
    """Regression-adjust the residual first-order pick-freeze terms of replicate estimates.

    In :func:`_projection_estimate` the residual's first-order part is the Saltelli 2010 form
    ``V_i(e) ~ mean(t1_i - t)``, ``t1_i = e_B e_ABi``, ``t = e_A e_B``. The product ``t`` has
    the mean ``E[e]^2`` (``A`` and ``B`` are independent), as has ``mean(e_A) mean(e_B)``: the
    scrambling of each Sobol' coordinate is independent of the others' (scipy's linear matrix
    scrambling and digital shift are drawn per coordinate), so the ``A`` columns of all points
    are independent of the ``B`` columns of all points. Hence
    ``mean(t1_i) - lambda_i mean(t) - (1 - lambda_i) mean(e_A) mean(e_B)`` is unbiased for the
    same quantity for any ``lambda_i`` independent of the replicate: ``lambda_i = 1`` is the
    Saltelli form, ``0`` a Sobol' 1993 form. ``t`` dominates the error
    of the inputs with large residual first-order parts (Sobol' G's ``a = 0, 1`` inputs at
    ``(d + 2) 2^16``: replicate spread of ``V_1(e)`` 6.4e-5 with the Saltelli form, 2.9e-5 so),
    while for small indices ``t1_i`` and ``t`` nearly cancel and ``lambda_i ~ 1`` keeps the
    Saltelli form. ``lambda_i`` is the least-squares coefficient of ``t1_i`` on ``t`` over the
    points of the *other* replicates (their own residuals), clipped to ``[0, 1]``, so it does not
    depend on replicate ``r``'s points (up to the training rows its neighbours' surrogates
    saw, as for the replicate-pair interaction of :func:`jackknife_interaction`).

    ``E`` ``(R, m)`` and ``parts`` ``(R, d + 3)`` (rows of :func:`_residual_cv_sums`): adjusted
    in place (``E[r, 2:2 + d]``). With ``without`` ``(E_without (R, R - 1, m), parts_without
    (R, R - 1, d + 3))``: the jackknife refits, each refit ``(r, j)`` adjusted with the
    coefficient from replicates ``s`` other than ``r`` and ``j``, at their own refits without
    ``j`` (what the estimator would compute with replicate ``j`` left out).
    """
    R = E.shape[0]
    d = parts.shape[1] - 3

    def lam(rows):
        C = rows[:, 2 : 2 + d].sum(axis=0)
        W = rows[:, -1].sum()
        if not W > 0:
            return np.ones(d)
        return np.clip(C / W, 0.0, 1.0)

    def shift(row, lam_):
        return (1.0 - lam_) * (row[0] - row[1])

    for r in range(R):
        E[r, 2 : 2 + d] += shift(parts[r], lam(parts[np.arange(R) != r]))
    if without is None:
        return E
    E_without, parts_without = without
    for r in range(R):
        for j in range(R):
            if j == r:
                continue
            k = j if j < r else j - 1
            rows = [parts_without[s, j if j < s else j - 1] for s in range(R) if s not in (r, j)]
            lam_ = lam(np.array(rows)) if rows else np.ones(d)
            E_without[r, k, 2 : 2 + d] += shift(parts_without[r, k], lam_)
    return E


def _design(model, laws, U):
    """Pick-freeze design for base points ``U (n, 2d)``: outputs ``(d + 2, n)`` and germs."""
    n = U.shape[0]
    d = laws.d
    per = d + 2
    Uf = np.empty((per, n, d))
    UA, UB = U[:, :d], U[:, d:]
    Uf[0], Uf[1] = UA, UB
    for i in range(d):
        Uf[2 + i] = UA
        Uf[2 + i, :, i] = UB[:, i]
    X = laws.from_uniform(Uf.reshape(per * n, d))
    return model(X)[:, 0].reshape(per, n), Uf


def _engine(dim, seed):
    return qmc.Sobol(dim, scramble=True, rng=seed)


def _draw(engine, n):
    with warnings.catch_warnings():
        # the first n points of a scrambled Sobol' sequence are uniform for any n (unbiased);
        # scipy warns that the balance properties need a power of two
        warnings.simplefilter("ignore", UserWarning)
        return engine.random(n)


def smoothness(Uf, Y, kinds, *, folds=4, max_terms=300):
    """Cross-validated chaos error of a pilot, relative to the output variance.

    The pilot's base points are split into ``folds`` interleaved folds (all ``d + 2``
    evaluations of a base point in the same fold) and :func:`crossfit_chaos` chooses and
    scores a basis on each; the median relative mean squared error is returned (``1``: no
    polynomial beats the constant; ``1e-6``: a smooth model). A diagnostic only: nothing
    estimated from the pilot depends on it being unbiased.
    """
    per, n, d = Uf.shape
    if n < 2 * folds:
        return 1.0
    fold_of = np.arange(n) % folds
    tu = [Uf[:, fold_of == f].reshape(-1, d) for f in range(folds)]
    ty = [Y[:, fold_of == f].reshape(-1) for f in range(folds)]
    fits = crossfit_chaos(tu, ty, [u[:1] for u in tu], kinds, max_terms=max_terms, jackknife=False)
    return float(np.median([f["rel_error"] for f in fits]))


def _pilot_decision(Uf, Y, laws, max_terms, max_rows, threshold):
    """``(error, smooth)``: the pilot's chaos error on (at most ``max_rows`` rows of) the pilot,
    and whether the replicate design with surrogates should be used: the error is below
    ``threshold``, or it falls by more than half from a quarter to a half and from a half to
    all of the pilot (a learning curve still dropping fast: the surrogates fitted on seven
    times more data will be much better; a kink or a jump levels off)."""
    per, n, d = Uf.shape
    m = min(n, max(8, max_rows // per))
    kinds = germs(laws.laws)
    rel = smoothness(Uf[:, :m], Y[:, :m], kinds, max_terms=max_terms)
    if rel <= threshold:
        return rel, True
    rel_h = smoothness(Uf[:, : m // 2], Y[:, : m // 2], kinds, max_terms=max_terms)
    rel_q = smoothness(Uf[:, : m // 4], Y[:, : m // 4], kinds, max_terms=max_terms)
    return rel, bool(rel < 0.5 * rel_h and rel_h < 0.5 * rel_q)


#: pilot cross-validation error (relative to the output variance) above which the default
#: spends the budget on one long scrambled sequence instead of replicates with surrogates.
#: With the projection estimator the surrogate pays off well beyond smooth models (measured,
#: session 5: Sobol' G, pilot error ~0.02, and the threshold indicator, ~0.1, are 2-4x more
#: accurate with replicates and chaos than with the long sequence); a model no polynomial
#: explains (error ~1) keeps the long sequence
SMOOTH_THRESHOLD = 0.25
#: smallest pilot (base points of the first replicate) that may choose the long sequence
MIN_PILOT = 128
#: replicate pairs that score the candidate bases of the replicate surrogates
#: (:func:`crossfit_chaos`'s ``cv_pairs``): ``"all"``, ``"neighbours"``, ``"family"``, or
#: ``"auto"``: ``"family"`` with bounded germs only, ``"all"`` otherwise. Measured (session 8,
#: notes/session-8/chaosfast, 30 runs per case at (d + 2) 2^10 and 2^12): ``"family"`` chose
#: the same bases as ``"all"`` in every replicate of Ishigami, G, borehole and threshold and
#: cut the own time 3-23%; on the lognormal case (Hermite germs, held-out errors spread over
#: three decades between replicates) one replicate in 240 changed family and the RMSE moved
#: 0.64x / 1.6x; ``"neighbours"`` changed 26% of the lognormal bases (RMSE 2.3x / 3.7x)
SOBOL_CV_PAIRS = "auto"


def _cv_pairs(kinds):
    if SOBOL_CV_PAIRS == "auto":
        return "all" if "hermite" in kinds else "family"
    return SOBOL_CV_PAIRS


def rqmc_sobol(
    model,
    laws,
    *,
    budget,
    n_replicates,
    rng,
    surrogate,
    max_terms=500,
    max_rows=4096,
    first="saltelli",
    threshold=SMOOTH_THRESHOLD,
):
    """Run the estimator.

    ``surrogate``: ``"auto"`` (a pilot decides between replicates with cross-fitted chaos
    control variates, chosen per replicate, constant allowed, and one long sequence),
    ``"always"`` (replicates, a polynomial of degree >= 1), ``"never"`` (replicates, plain
    RQMC pick-freeze) or ``"long"`` (one long sequence, batch-means intervals).
    """
    d = laws.d
    per = d + 2
    R = int(n_replicates)
    n_r = int(budget) // (per * R)
    seeds = rng.spawn(R) if hasattr(rng, "spawn") else [rng] * R
    eng0 = _engine(2 * d, seeds[0])
    # replicate 0 is the pilot: the first n_r points of the first sequence
    Y0, Uf0 = _design(model, laws, _draw(eng0, n_r))
    c0 = float(Y0[:2].mean())
    rel = None
    design = "replicates"
    if surrogate == "long":
        design = "long"
    elif surrogate == "auto":
        # below MIN_PILOT base points the pilot cannot tell a kink from an under-resolved
        # smooth model, and the first few hundred points of one sequence have heavy-tailed
        # errors (G at 512 points: a total index off by 0.15): keep the replicates there
        if n_r >= MIN_PILOT and np.ptp(Y0) > 1e-12 * max(1.0, abs(c0)):
            rel, smooth = _pilot_decision(Uf0, Y0, laws, max_terms, max_rows, threshold)
            if not smooth:
                design = "long"
    if design == "long":
        out = _long(model, laws, eng0, Y0, int(budget) // per, R, first)
        out["pilot_error"] = rel
        return out
    Y = np.empty((R, per, n_r))
    Ufull = np.empty((R, per, n_r, d))
    Y[0], Ufull[0] = Y0, Uf0
    for r in range(1, R):
        Y[r], Ufull[r] = _design(model, laws, _draw(_engine(2 * d, seeds[r]), n_r))
    c = float(Y[:, :2].mean())
    var_y = float(Y[:, :2].var())
    if not var_y > 0 or np.ptp(Y) <= 1e-12 * max(1.0, abs(c)):
        return {"constant": True, "c": c}
    jc = first != "saltelli"
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
            predict=jc,
            # all rows are training rows: the chosen basis' design there is all that
            # _projection_stats needs (not built a second time)
            keep_design=m == n_r and not jc,
            cv_pairs=_cv_pairs(germs(laws.laws)),
        )
    if fits is not None and not jc:
        return _projection_result(Y, Ufull, laws, fits, c, R, n_r, per, first, rel)

    def fold_estimate(r, pred, coef, index):
        q_f = _integrands(Y[r, 0], Y[r, 1], Y[r, 2:], c, jc)
        if pred is None:
            return q_f.mean(axis=0)
        G = pred.reshape(per, n_r)
        q_g = _integrands(G[0], G[1], G[2:], c, jc)
        return (q_f - q_g).mean(axis=0) + _exact(coef, index, c, jc)

    E = np.array(
        [
            fold_estimate(r, None, None, None)
            if fits is None
            else fold_estimate(r, fits[r]["pred"], fits[r]["coef"], fits[r]["index"])
            for r in range(R)
        ]
    )
    e = E.mean(axis=0)
    S, ST, V, Jac = index_jacobian(e, d)
    SJ = janon(e, d)[0] if jc else None
    if fits is None:
        # independent replicates: delta method on the covariance of the replicate means
        cov = np.cov(E.T, ddof=1) / R
        var_idx = np.einsum("ij,jk,ik->i", Jac, cov, Jac)
    else:
        # the cross-fitted replicate estimates are dependent (each surrogate saw the other
        # replicates; an extreme point moves every other replicate's control variate the same
        # way), so their spread understates the error. Replicate jackknife with refits: leave
        # replicate j out entirely, re-estimate with surrogates fitted without j.
        theta = _leave_one_replicate_out(
            R,
            lambda r, k: fold_estimate(
                r, fits[r]["pred_without"][k], fits[r]["coef_without"][k], fits[r]["index"]
            ),
            d,
            (lambda ej: [janon(ej, d)[0]]) if jc else None,
        )
        var_idx = jackknife_mse(
            theta,
            np.concatenate([S, ST] + ([SJ] if jc else [])),
            shift="hermite" in germs(laws.laws),
        )
    # floor: when the surrogate reproduces the model exactly (a polynomial model) the replicate
    # estimates agree to rounding; never report a zero-width interval
    se = np.maximum(np.sqrt(np.maximum(var_idx, 0.0)), SE_FLOOR)
    S1, se1, use_j = _choose_first(S, SJ, se, first)
    return _replicate_result(
        S1, ST, np.concatenate([se1, se[d : 2 * d]]), use_j, V, R, n_r, per, E, fits, rel
    )


def _replicate_result(S, ST, se, janon_used, V, R, n_r, per, E, fits, rel, centre=None):
    """The result dict of the replicate design (``R`` replicates of ``n_r`` base points, ``per``
    evaluations each; ``se``: first-order then total-order standard errors; ``centre``: where
    the intervals are centred, first then total order, ``None``: at the estimates)."""
    return {
        "centre": centre,
        "constant": False,
        "design": "replicates",
        "first_order": S,
        "total_order": ST,
        "se": se,
        "janon": janon_used,
        "variance": float(V),
        "n_points": R * n_r,
        "n_evaluations": R * n_r * per,
        "dof": R - 1,
        "replicates": E,
        "fits": fits,
        "pilot_error": rel,
    }


def _long(model, laws, engine, Y0, n, n_blocks, first):
    """One long scrambled sequence of ``n`` base points (its first ``Y0.shape[1]`` already
    evaluated): scipy.stats.sobol_indices' design. Standard errors by batch means over
    ``n_blocks`` consecutive blocks (each block a scrambled net when the sizes are powers of
    two): the spread of block estimates of a randomised QMC sequence overstates the error of
    the whole sequence whenever it converges faster than Monte Carlo, so the intervals are
    conservative there (Student-t with ``n_blocks - 1`` degrees of freedom)."""
    d = laws.d
    per = d + 2
    n0 = Y0.shape[1]
    Y = Y0
    if n > n0:
        Y1, _ = _design(model, laws, _draw(engine, n - n0))
        Y = np.concatenate([Y0, Y1], axis=1)
    c = float(Y[:2].mean())
    if not float(Y[:2].var()) > 0 or np.ptp(Y) <= 1e-12 * max(1.0, abs(c)):
        return {"constant": True, "c": c}
    jc = first != "saltelli"
    q = _integrands(Y[0], Y[1], Y[2:], c, jc)
    e = q.mean(axis=0)
    S, ST, V, Jac = index_jacobian(e, d)
    SJ = janon(e, d)[0] if jc else None
    B = int(n_blocks)
    E = np.array([blk.mean(axis=0) for blk in np.array_split(q, B)])
    cov = np.cov(E.T, ddof=1) / B
    var_idx = np.einsum("ij,jk,ik->i", Jac, cov, Jac)
    se = np.maximum(np.sqrt(np.maximum(var_idx, 0.0)), SE_FLOOR)
    S1, se1, use_j = _choose_first(S, SJ, se, first)
    return {
        "constant": False,
        "design": "long",
        "first_order": S1,
        "total_order": ST,
        "se": np.concatenate([se1, se[d : 2 * d]]),
        "janon": use_j,
        "variance": float(V),
        "n_points": n,
        "n_evaluations": n * per,
        "dof": B - 1,
        "replicates": E,
        "fits": None,
    }


def _projection_result(Y, Ufull, laws, fits, c, R, n_r, per, first, rel):
    """Replicate design with cross-fitted surrogates, estimated by :func:`_projection_estimate`.

    Standard errors: replicate jackknife with refits (leave replicate ``j`` out entirely and
    re-estimate every other replicate with its surrogate fitted without ``j``); with a Hermite
    germ in mean squared error form (variance plus squared bias estimate ``b``) and the
    intervals centred on ``estimate - b`` (``centre`` in the result dict); in closed form:
    the refits enter through ``mean(Phi Phi^T) delta`` accumulated in the same pass over the
    points (an approximate Gram matrix from a subset of the rows inflated the standard errors
    1.6x at (d + 2) 2^13 on the beam).
    """
    d = laws.d
    kinds = germs(laws.laws)
    stats = [
        _projection_stats(
            Y[r],
            Ufull[r],
            kinds,
            fits[r]["coef"],
            fits[r]["index"],
            fits[r]["coef_without"],
            # the design at all rows, where crossfit_chaos kept it (dropped from the fit: the
            # result keeps the fits)
            fits[r].pop("design", None),
        )
        for r in range(R)
    ]
    cv = RESIDUAL_CV and R > 2
    parts = [] if cv else None
    parts_w = [] if cv else None
    E = np.array(
        [_projection_estimate(stats[r], fits[r]["index"], c, parts=parts) for r in range(R)]
    )
    E_without = np.array(
        [
            [
                _projection_estimate(stats[r], fits[r]["index"], c, k, parts=parts_w)
                for k in range(R - 1)
            ]
            for r in range(R)
        ]
    )
    if cv:
        _residual_cv(
            E,
            np.array(parts),
            (E_without, np.array(parts_w).reshape(R, R - 1, -1)),
        )
    e = E.mean(axis=0)
    S, ST, V, jac = index_jacobian(e, d)
    theta = _leave_one_replicate_out(R, lambda r, k: E_without[r, k], d)
    est = np.concatenate([S, ST])
    var_idx, b = jackknife_parts(theta, est)
    centre = None
    if "hermite" in kinds:
        # unbounded germs: mean squared error form, and intervals centred on the
        # jackknife-bias-corrected value (see :func:`jackknife_mse`); the point estimates
        # stay the unbiased cross-fitted ones
        var_idx = var_idx + b**2
        centre = est - b
    else:
        # bounded germs: remove the jackknife's over-count of the replicate-pair interaction
        # (surrogate noise x sampling noise; see :func:`jackknife_interaction`). Session 6:
        # Sobol' G at (d + 2) 2^16 covered 0.988 with the jackknife variance, 0.938 so
        var_idx = interaction_corrected_variance(
            var_idx, jackknife_interaction(E, E_without, jac), R
        )
    se = np.maximum(np.sqrt(np.maximum(var_idx, 0.0)), SE_FLOOR)
    return _replicate_result(
        S, ST, se, np.zeros(d, dtype=bool), V, R, n_r, per, E, fits, rel, centre
    )
