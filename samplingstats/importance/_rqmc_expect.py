"""Many expectations under one input law by randomised QMC with cross-fitted chaos control variates.

``R`` independently scrambled Sobol' sequences in ``d`` dimensions, pushed through each input's
inverse CDF; per replicate ``r`` and integrand ``j`` the estimate is ``mean(phi_j - g_rj) +
E[g_rj]`` with ``g_rj`` a polynomial-chaos surrogate of ``phi_j`` fitted on the *other* replicates
(basis chosen by cross-validation over them; the constant is allowed, which is plain RQMC), so each
replicate is unbiased. Standard errors: replicate jackknife with refitted surrogates (as in
:mod:`._rqmc`), Student-t with ``R - 1`` degrees of freedom.

With some unbounded input (Hermite germs) a second surrogate of degree at most
:data:`TAIL_SAFE_DEGREE` is fitted the same way, and the one whose estimate has the smaller
jackknife variance is kept (per integrand; with several laws, on the variance summed over them).
A high-degree Hermite chaos of a non-smooth integrand extrapolates into tails that no replicate
samples: every replicate then misses the same tail mass and the jackknife, which sees only the
spread between replicates, does not see that error (session 8: ``x^2 + 0.3 |x - 3|`` under
N(0, 2^2), coverage 0.80 / 0.78 at 8,192 / 32,768 points; with the quadratic kept, RMSE 60-150x
lower and coverage 0.960 / 0.955). Both candidates are cross-fitted, so either estimate is
unbiased; on smooth integrands the full chaos has a variance orders of magnitude smaller and is
kept (estimates unchanged).

Widened sampling law (one law, some unbounded input): a smooth integrand whose chaos has not
converged at degree :data:`HERMITE_MAX_DEGREE` (``exp(0.8 x)`` under N(0, 1.5^2)) shows the same
shared tail error (session 8: coverage 0.83-0.91). The replicates are therefore drawn from a
wider law ``q``: each unbounded germ is ``s * Phi^{-1}(u)`` (:data:`TAIL_WIDEN`), the surrogate is
fitted on those points in the germ of ``p`` (so ``E_p[g]`` stays exact) and the replicate
estimate is ``mean(w (phi - g)) + E_p[g]`` with ``w = p / q <= s`` per input, smooth, so RQMC
keeps its rate. Every replicate then samples the tails the chaos extrapolates into. A
replicate 0 that continues ``method="auto"``'s pilot (drawn under ``p``) stays under ``p``
(``w = 1``): the replicates stay independent and unbiased, and the jackknife of their mean stays
unbiased for its variance.

Several input laws (:func:`rqmc_many_laws`): the points are drawn in the *first* law's space
(``x = T_1(u)``, ``T_1`` its inverse CDFs) and law ``l`` enters through the likelihood ratio
``w_l = p_l / p_1`` (a product of marginal ratios, computed in log space). One surrogate ``g`` per
integrand column, a chaos in the first law's germ, is fitted as above, and

    E_l[phi] = E_l[g] + E_1[w_l (phi - g)],

where ``E_l[g]`` is computed exactly: the basis is a tensor product, so ``E_l[g] = sum_t c_t
prod_i m_l[i, alpha_ti]`` with ``m_l[i, k] = E_{X_i ~ p_l,i}[P_k(germ_1,i(X_i))]``, a univariate
integral computed once per law, input and degree by Gauss quadrature in law ``l``'s own germ
(Gauss-Hermite for an unbounded law, Gauss-Legendre for a bounded one; exact when the map from
law ``l``'s germ to the first law's is affine: normal to normal, lognormal to lognormal, uniform to
uniform). A second, smaller node set gives a quadrature-error estimate that is added to the
standard error (negligible in the affine cases; a warning when it is not).

Used by ``multiple_expectations(method="rqmc")`` and, when a pilot finds every integrand smooth,
by ``method="auto"``.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
from scipy.special import ndtr, ndtri

from ._chaos import chaos_sobol_parts, crossfit_chaos, germs
from ._rqmc import SE_FLOOR, _draw, _engine, smoothness

__all__ = [
    "rqmc_expectations",
    "pilot_is_smooth",
    "rqmc_many_laws",
    "pilot_laws_ok",
    "LawMoments",
]

#: Gauss nodes per law, input and degree for ``m_l[i, k]``, and the smaller node set whose
#: difference estimates the quadrature error
QUAD_NODES = (128, 96)

#: pilot chaos error (relative to the integrand's variance) up to which ``method="auto"`` uses
#: RQMC with chaos control variates rather than AISCV: the control variate then removes at
#: least 98% of the variance before RQMC's own gain
EXPECT_THRESHOLD = 2e-2

#: highest chaos degree of the control variates when some input is unbounded (Hermite germs).
#: Session 7: on a kink (``x^2 + 0.3 |x - 3|`` under N(0, 2^2), 8,192 points) the cross-validated
#: basis reached degree 22-28 in some runs, whose Hermite terms explode at the rare tail points
#: of the next replicate (MSE 0.088, 68x AISCV's, coverage 0.80); capped at 12, MSE 1.5e-5. The
#: tail of a smooth integrand's chaos beyond degree 12 is below the RQMC noise at these budgets.
HERMITE_MAX_DEGREE = 12

#: degree cap of the tail-safe alternative surrogate, fitted when some input is unbounded and
#: kept when its estimate's jackknife variance is the smaller (module docstring). A quadratic
#: extrapolates mildly into the tails; on the session-8 kink the caps 4-10 kept the shared tail
#: error (coverage 0.83-0.91 over 200 runs), 2 did not (0.94 / 0.965)
TAIL_SAFE_DEGREE = 2

#: widened sampling law of the one-law path (module docstring): with one unbounded input its
#: germ is drawn as ``s * Phi^{-1}(u)``, ``s = TAIL_WIDEN``, and the residual weighted by
#: ``p / q <= s``; with ``n`` unbounded inputs each gets the smaller scale that keeps the
#: weights' second moment (:func:`_widen_scale`: 1.19 for 3, 1.13 for 6). 1.0: the plain path
#: (before session 8). Session 8 (notes/session-8/tails, method="rqmc", 100-200 fresh-seed runs
#: at 8,192 / 32,768 points): exp(0.8x) under N(0, 1.5^2) coverage 0.905 / 0.83 -> 0.95 / 0.93,
#: RMSE 80-260x lower; cos x + 0.2x^3 under N(0.5, 1) 0.855 / 0.795 -> 1.00 / 1.00 (at the SE
#: floor), 125-200x; 1.25 left exp(0.8x) at 0.895 (32,768)
TAIL_WIDEN = 1.4


def _widen_scale(s, n_hermite):
    """Per-input scale with ``n_hermite`` widened inputs: the weights' second moment
    ``E_q[w^2] = c(s_n)^n`` equals that of one input widened by ``s``, with
    ``c(s) = s^2 / sqrt(2 s^2 - 1)``: ``s_n^2 = c_n (c_n + sqrt(c_n^2 - 1))``, ``c_n = c(s)^(1/n)``."""
    c = (s * s / math.sqrt(2.0 * s * s - 1.0)) ** (1.0 / n_hermite)
    return math.sqrt(c * (c + math.sqrt(c * c - 1.0)))


def _widen(U, kinds, s):
    """``(U', w)``: uniforms of the widened germ ``s * Phi^{-1}(u)`` for the Hermite inputs
    and the likelihood ratio ``p / q`` at those points (``None`` when nothing is widened)."""
    if s == 1.0 or "hermite" not in kinds:
        return U, None
    s = _widen_scale(s, sum(k == "hermite" for k in kinds))
    U = np.array(U, dtype=float)
    logw = np.zeros(U.shape[0])
    for i, kind in enumerate(kinds):
        if kind != "hermite":
            continue
        u = U[:, i]
        lo = u <= 0.5
        z = np.empty_like(u)
        z[lo] = ndtri(u[lo])
        z[~lo] = -ndtri(1.0 - u[~lo])
        # |z_q| <= 8: 1 - Phi(8) = 6e-16 still separates the uniform from 1 (q-mass cut 1e-15)
        zq = np.clip(s * z, -8.0, 8.0)
        U[:, i] = np.where(lo, ndtr(zq), 1.0 - ndtr(-zq))
        logw += math.log(s) - 0.5 * zq**2 * (1.0 - 1.0 / s**2)
    return U, np.exp(logw)


def _max_degree(kinds):
    return HERMITE_MAX_DEGREE if "hermite" in kinds else 30


def _replicate_surrogates(Us, ys, m, kinds, max_degree=None):
    """Cross-fitted chaos surrogates of the replicates (trained on their first ``m`` rows,
    evaluated at all of them), with the jackknife refits and the degree cap (``max_degree``;
    default :func:`_max_degree`)."""
    return crossfit_chaos(
        [U[:m] for U in Us],
        [y[:m] for y in ys],
        Us,
        kinds,
        jackknife=True,
        max_degree=_max_degree(kinds) if max_degree is None else max_degree,
    )


#: one-law pilot gate (:func:`pilot_is_smooth`): ``"interleaved"`` (:func:`._rqmc.smoothness`,
#: row i of the pilot in fold i % 4: an extrapolation error), or ``"contiguous"``: contiguous
#: folds with the degree cap, and an integrand whose chosen basis reaches the cap with an error
#: above :data:`PILOT_SATURATED_ERROR` counts as not smooth (its chaos goes beyond the cap: the
#: Gaussian moments x^14..x^20). Study: notes/session-8/pilot
PILOT_ONE_LAW = "contiguous"
PILOT_SATURATED_ERROR = 1e-3


def _contiguous_error(U, y, kinds, folds=4, max_terms=300):
    """``(error, saturated)``: median out-of-fold chaos error over ``folds`` contiguous folds,
    and whether some fold's chosen basis reached the degree cap."""
    idx = np.array_split(np.arange(len(y)), folds)
    tu = [U[i] for i in idx]
    cap = _max_degree(kinds)
    fits = crossfit_chaos(
        tu,
        [y[i] for i in idx],
        [u[:1] for u in tu],
        kinds,
        max_terms=max_terms,
        jackknife=False,
        max_degree=cap,
    )
    deg = max(int(np.max(np.sum(f["index"], axis=1))) for f in fits)
    return float(np.median([f["rel_error"] for f in fits])), deg >= cap


def pilot_is_smooth(U, vals, laws, *, threshold=EXPECT_THRESHOLD, max_terms=300):
    """``(worst error, smooth)``: every integrand's pilot chaos error below ``threshold``
    (relative to its variance; constant integrands count as smooth); folds and saturation
    rule: :data:`PILOT_ONE_LAW`."""
    kinds = germs(laws.laws)
    worst = 0.0
    for j in range(vals.shape[1]):
        y = vals[:, j]
        if not np.ptp(y) > 0:
            continue
        if PILOT_ONE_LAW == "contiguous" and U.shape[0] >= 8:
            rel, sat = _contiguous_error(U, y, kinds, max_terms=max_terms)
            if sat and rel > PILOT_SATURATED_ERROR:
                return max(worst, rel), False
        else:
            rel = smoothness(U[None], y[None], kinds, max_terms=max_terms)
        worst = max(worst, rel)
        if rel > threshold:
            return worst, False
    return worst, True


def _replicates(model, laws, n_points, R, rng, first, widen=1.0):
    """``(Us, Ys, n_r, ws)``: ``R`` scrambled Sobol' replicates of ``n_points // R`` points in
    ``laws``' space and the model's outputs (replicate 0 continues ``first``'s engine);
    ``widen``: :data:`TAIL_WIDEN` (``ws`` the likelihood ratios, ``None`` without widening)."""
    d = laws.d
    n_r = int(n_points) // R
    seeds = rng.spawn(R)
    kinds = germs(laws.laws)
    Us, Ys, ws = [], [], []
    for r in range(R):
        if widen != 1.0 and "hermite" in kinds and not (r == 0 and first is not None):
            U, w = _widen(_draw(_engine(d, seeds[r]), n_r), kinds, widen)
            Us.append(U)
            Ys.append(np.asarray(model(laws.from_uniform(U)), dtype=float))
            ws.append(w)
            continue
        # replicate 0 continuing a pilot drawn under p keeps p (weight 1)
        ws.append(None if widen == 1.0 or "hermite" not in kinds else np.ones(n_r))
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
    return Us, Ys, n_r, ws


def _jk_var(theta):
    """Replicate-jackknife variance from the leave-one-out values ``theta`` (axis 0)."""
    R = theta.shape[0]
    return (R - 1) / R * np.sum((theta - theta.mean(axis=0)) ** 2, axis=0)


def _column_estimates(fits, ys, ws=None):
    """``(E, theta)`` of one integrand: the replicate estimates ``mean(w_r (y_r - g_r)) +
    E[g_r]`` and the jackknife's leave-one-out values (surrogates refitted without replicate
    ``j``); ``ws``: likelihood ratios of widened replicates (``None``, or ``None`` entries:
    ``w_r = 1``; multiplying by 1.0 is exact, so unwidened estimates are as before)."""
    R = len(ys)
    w = [1.0 if ws is None or ws[r] is None else ws[r] for r in range(R)]
    E = np.empty(R)
    theta = np.empty(R)
    for r in range(R):
        f = fits[r]
        E[r] = np.mean(w[r] * (ys[r] - f["pred"])) + chaos_sobol_parts(f["coef"], f["index"])[0]
    for j in range(R):
        vals = []
        for r in range(R):
            if r == j:
                continue
            i = j if j < r else j - 1
            f = fits[r]
            mean_g = chaos_sobol_parts(f["coef_without"][i], f["index"])[0]
            vals.append(np.mean(w[r] * (ys[r] - f["pred_without"][i])) + mean_g)
        theta[j] = np.mean(vals)
    return E, theta


def rqmc_expectations(model, laws, *, n_points, n_replicates, rng, first=None, max_rows=8192):
    """Run the estimator on ``n_replicates`` replicates of ``n_points // n_replicates`` points.

    ``first``: ``(engine, U, vals)`` of a pilot drawn from replicate 0's sequence (continued
    here), or ``None``. ``model(X) -> (n, J)``. Per integrand the control variates are the
    cross-validated chaos (degree capped at :data:`HERMITE_MAX_DEGREE` with unbounded inputs)
    or, with unbounded inputs, the tail-safe one of degree at most :data:`TAIL_SAFE_DEGREE`,
    whichever gives the smaller jackknife variance, on replicates drawn from the widened law of
    :data:`TAIL_WIDEN` (module docstring).
    """
    R = int(n_replicates)
    Us, Ys, n_r, ws = _replicates(model, laws, n_points, R, rng, first, TAIL_WIDEN)
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
        fits = _replicate_surrogates(Us, ys, m, kinds)
        E[:, k], theta[:, k] = _column_estimates(fits, ys, ws)
        label = fits[0]["label"]
        top = max(int(f["index"].sum(axis=1).max()) for f in fits)
        if "hermite" in kinds and top > TAIL_SAFE_DEGREE:
            low = _replicate_surrogates(Us, ys, m, kinds, max_degree=TAIL_SAFE_DEGREE)
            E_low, theta_low = _column_estimates(low, ys, ws)
            if _jk_var(theta_low) < _jk_var(theta[:, k]):
                E[:, k], theta[:, k] = E_low, theta_low
                label = low[0]["label"]
        labels.append(label)
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


# ---------------------------------------------------------------------------------------------
# several input laws
# ---------------------------------------------------------------------------------------------
def germ_table(g, kind, p):
    """Orthonormal polynomials ``P_0..P_p`` of one input at germ values ``g``: shape
    ``g.shape + (p + 1,)``.

    ``kind="hermite"``: probabilists' Hermite in ``z``; ``"legendre"``: Legendre in ``s`` on
    ``[-1, 1]`` (normalised under the uniform law) -- the recurrences of
    :mod:`._chaos`, evaluated at the germ itself rather than at its uniform ``u`` (accurate in the
    tails, where ``u`` rounds to 1).
    """
    g = np.asarray(g, dtype=float)
    T = np.empty(g.shape + (p + 1,))
    T[..., 0] = 1.0
    if kind == "hermite":
        if p >= 1:
            T[..., 1] = g
        for k in range(1, p):
            T[..., k + 1] = (g * T[..., k] - math.sqrt(k) * T[..., k - 1]) / math.sqrt(k + 1)
    else:
        if p >= 1:
            T[..., 1] = math.sqrt(3.0) * g
        for k in range(1, p):
            a = math.sqrt((2 * k + 1) * (2 * k + 3)) / (k + 1)
            b = k / (k + 1) * math.sqrt((2 * k + 3) / (2 * k - 1))
            T[..., k + 1] = a * g * T[..., k] - b * T[..., k - 1]
    return T


def germ_values(x, law, kind):
    """The germ of ``law`` at ``x``: ``Phi^{-1}(F(x))`` (hermite) or ``2 F(x) - 1`` (legendre),
    from the survival function on the upper half (accurate in both tails)."""
    x = np.asarray(x, dtype=float)
    c = np.asarray(law.cdf(x), dtype=float)
    lo = c <= 0.5
    out = np.empty_like(x)
    sf = np.asarray(law.sf(x[~lo]), dtype=float)
    if kind == "hermite":
        out[lo] = ndtri(c[lo])
        out[~lo] = -ndtri(sf)
    else:
        out[lo] = 2.0 * c[lo] - 1.0
        out[~lo] = 1.0 - 2.0 * sf
    return out


def law_nodes(law, n):
    """``(x, w)``: ``n``-point Gauss rule for ``E[h(X)]``, ``X ~ law``, in the law's own germ
    (Gauss-Hermite in ``z`` with ``x = F^{-1}(Phi(z))`` for an unbounded law, Gauss-Legendre in
    ``s`` with ``x = F^{-1}((1 + s) / 2)`` for a bounded one); the weights sum to 1."""
    kind = germs([law])[0]
    t, w = _gauss(kind, n)
    x = np.empty(n)
    lo = t <= 0
    if kind == "hermite":
        x[lo] = law.ppf(ndtr(t[lo]))
        x[~lo] = law.isf(ndtr(-t[~lo]))
    else:
        x[lo] = law.ppf((1.0 + t[lo]) / 2.0)
        x[~lo] = law.isf((1.0 - t[~lo]) / 2.0)
    return x, w


@functools.lru_cache(maxsize=16)
def _gauss(kind, n):
    """Gauss-Hermite (probabilists') or Gauss-Legendre nodes and weights summing to 1."""
    if kind == "hermite":
        t, w = np.polynomial.hermite_e.hermegauss(n)
    else:
        t, w = np.polynomial.legendre.leggauss(n)
    t.flags.writeable = False
    w = w / w.sum()
    w.flags.writeable = False
    return t, w


def family_groups(laws):
    """Group univariate frozen laws by family and germ for vectorised scipy calls.

    Returns a list of ``(rows, dist, shapes, loc, scale, kind)``: ``rows`` the positions in
    ``laws``, ``dist`` the scipy distribution, ``shapes`` an array ``(len(rows), n_shapes)``,
    ``loc`` and ``scale`` arrays ``(len(rows), 1)``; a law whose parameters cannot be read is a
    group of its own with ``dist`` its frozen law (``shapes = loc = scale = None``).
    """
    groups: dict = {}
    out = []
    for row, law in enumerate(laws):
        try:
            shapes, loc, scale = law.dist._parse_args(*law.args, **law.kwds)
            key = (law.dist.name, len(shapes))
        except Exception:  # noqa: BLE001 - anything unusual: on its own
            out.append(([row], law, None, None, None, germs([law])[0]))
            continue
        groups.setdefault(key, (law.dist, []))[1].append((row, shapes, loc, scale, law))
    for dist, members in groups.values():
        rows = np.array([m[0] for m in members])
        shapes = np.array([[float(v) for v in m[1]] for m in members]).reshape(len(rows), -1)
        loc = np.array([float(m[2]) for m in members])[:, None]
        scale = np.array([float(m[3]) for m in members])[:, None]
        try:  # the germ from the supports, in one vectorised call (as germs() decides it)
            lo, hi = dist.support(*shapes.T, loc=loc[:, 0], scale=scale[:, 0])
            bounded = np.broadcast_to(np.isfinite(lo) & np.isfinite(hi), rows.shape)
        except Exception:  # noqa: BLE001 - per law
            bounded = np.array([germs([m[4]])[0] == "legendre" for m in members])
        for kind, sel in (("hermite", ~bounded), ("legendre", bounded)):
            if sel.any():
                out.append((rows[sel].tolist(), dist, shapes[sel], loc[sel], scale[sel], kind))
    return out


def _group_nodes(dist, shapes, loc, scale, kind, n):
    """:func:`law_nodes` for a group of :func:`family_groups`: ``x (G, n)``, ``w (n,)``."""
    t, w = _gauss(kind, n)
    lo = t <= 0
    if shapes is None:  # a frozen law on its own
        x, w = law_nodes(dist, n)
        return x[None], w
    args = [shapes[:, j : j + 1] for j in range(shapes.shape[1])]
    G = shapes.shape[0]
    x = np.empty((G, n))
    if kind == "hermite":
        q_lo, q_hi = ndtr(t[lo]), ndtr(-t[~lo])
    else:
        q_lo, q_hi = (1.0 + t[lo]) / 2.0, (1.0 - t[~lo]) / 2.0
    x[:, lo] = dist.ppf(q_lo[None], *args, loc=loc, scale=scale)
    x[:, ~lo] = dist.isf(q_hi[None], *args, loc=loc, scale=scale)
    return x, w


class LawMoments:
    """``m_l[i, k] = E_{X_i ~ p_l,i}[P_k(germ_1,i(X_i))]`` for every law set ``l``.

    The germs are those of ``law_sets[0]`` (the law the points are drawn from). Computed with
    :data:`QUAD_NODES` Gauss nodes per law and input (the germ values at the nodes are kept;
    the polynomial tables for a degree ``p`` are built on demand) and again with the smaller
    node set: :meth:`expect` returns both, their difference estimates the quadrature error.
    ``groups``: :func:`input_groups` of ``law_sets``, if already computed.
    """

    def __init__(self, law_sets, nodes=QUAD_NODES, groups=None):
        ref = law_sets[0].laws
        self.kinds = germs(ref)
        self.L, self.d = len(law_sets), len(ref)
        self._G = [np.zeros((self.L, self.d, n)) for n in nodes]
        self._W = [np.zeros((self.L, self.d, n)) for n in nodes]
        if groups is None:
            groups = input_groups(law_sets)
        for i in range(self.d):
            # laws of one family and germ share one vectorised ppf / isf call per node set
            for rows, dist, shapes, loc, scale, kind in groups[i]:
                for G, W, n in zip(self._G, self._W, nodes):
                    x, w = _group_nodes(dist, shapes, loc, scale, kind, n)
                    g = germ_values(x, ref[i], self.kinds[i])
                    w = np.broadcast_to(w, g.shape).copy()
                    bad = ~np.isfinite(g)
                    # a node whose point or germ overflows carries a negligible weight
                    # (|z| > 20 in Gauss-Hermite): dropped
                    g[bad], w[bad] = 0.0, 0.0
                    G[rows, i], W[rows, i] = g, w
        self._m = {}

    def table(self, p):
        """``[m for each node set]``, arrays of shape ``(L, d, p + 1)``."""
        if p not in self._m:
            out = []
            for G, W in zip(self._G, self._W):
                m = np.empty((self.L, self.d, p + 1))
                for i, kind in enumerate(self.kinds):
                    m[:, i] = np.einsum("ln,lnk->lk", W[:, i], germ_table(G[:, i], kind, p))
                out.append(m)
            self._m[p] = out
        return self._m[p]

    def expect(self, laws, index):
        """``[M for each node set]``, ``M`` of shape ``(len(laws), P)``: ``M @ coef`` is
        ``E_l[g]`` for the chaos ``g = sum_t coef_t psi_{index_t}`` under each law ``l``."""
        index = np.asarray(index)
        p = int(index.max()) if index.size else 0
        out = []
        for m in self.table(p):
            M = np.ones((len(laws), index.shape[0]))
            for i in range(self.d):
                M *= m[laws, i][:, index[:, i]]
            out.append(M)
        return out


_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _group_logpdf(dist, shapes, loc, scale, x):
    """Log densities ``(G, n)`` at ``x (n,)`` of a group of :func:`family_groups` in closed form,
    or ``None`` for a family without one here.

    Normal laws, and lognormal laws with a common ``loc`` (normal in ``log(x - loc)``, plus the
    Jacobian), are a quadratic in ``u = (v - c) / h`` (``v`` = ``x`` or ``log(x - loc)``, ``c``
    and ``h`` the group's mean location and scale, so the coefficients stay of order one): one
    ``(G, 3) @ (3, n)`` product (elementwise instead when some law's location is more than 100
    of its scales from ``c`` or the scales differ by more than 100x, where the quadratic's
    terms would cancel). Uniform laws: ``-log(width)`` on the closed support.
    """
    if shapes is None:
        return None
    name = dist.name
    x = np.asarray(x, dtype=float)
    if name == "uniform":
        lo, w = loc[:, 0], scale[:, 0]
        inside = (x >= lo[:, None]) & (x <= (lo + w)[:, None])
        return np.where(inside, -np.log(w)[:, None], -np.inf)
    if name == "norm":
        v, m, sd = x, loc[:, 0], scale[:, 0]
    elif name == "lognorm" and np.all(loc == loc[0, 0]):
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.log(x - loc[0, 0])
        m, sd = np.log(scale[:, 0]), shapes[:, 0]
    else:
        return None
    c, h = float(m.mean()), float(sd.mean())
    u = (v - c) / h
    a, b = (c - m) / sd, h / sd
    with np.errstate(invalid="ignore"):
        if np.abs(a).max() <= 1e2 and b.max() <= 1e2 and b.min() >= 1e-2:
            coef = np.column_stack([-0.5 * a**2 - np.log(sd) - _LOG_SQRT_2PI, -a * b, -0.5 * b**2])
            out = coef @ np.vstack([np.ones_like(u), u, u * u])
        else:  # laws far apart for their scales: the quadratic's terms would cancel
            out = (v - m[:, None]) / sd[:, None]
            out *= out
            out *= -0.5
            out -= (np.log(sd) + _LOG_SQRT_2PI)[:, None]
    if name == "lognorm":
        with np.errstate(invalid="ignore"):
            out -= v
        out[:, ~(x > loc[0, 0])] = -np.inf  # zero density at and below loc
    return out


def input_groups(law_sets):
    """Per input, :func:`family_groups` of its laws across ``law_sets`` (computed once and
    shared by the pilot check, the likelihood ratios and :class:`LawMoments`)."""
    return [family_groups([s.laws[i] for s in law_sets]) for i in range(law_sets[0].d)]


def likelihood_ratios(law_sets, X, groups=None):
    """``w[:, l] = p_l(X) / p_1(X)`` from log densities; 0 where either is 0 or not finite.
    Shape ``(n, L)`` (a transposed view of a C-ordered ``(L, n)`` array).

    Per input and family group (``groups``: :func:`input_groups`), one closed-form evaluation
    for normal, lognormal and uniform laws (:func:`_group_logpdf`; equal to scipy's ``logpdf``
    up to rounding), one scipy ``logpdf`` call per law otherwise."""
    X = np.asarray(X, dtype=float)
    if groups is None:
        groups = input_groups(law_sets)
    L = len(law_sets)
    logp = np.zeros((L, X.shape[0]))  # laws in rows: each group adds to whole rows
    for i, grp in enumerate(groups):
        x = np.ascontiguousarray(X[:, i])
        for rows, dist, shapes, loc, scale, _ in grp:
            out = _group_logpdf(dist, shapes, loc, scale, x)
            if out is None:
                out = np.vstack([law_sets[r].laws[i].logpdf(x) for r in rows])
            if len(rows) == L:
                logp += out
            else:
                logp[rows] += out
    with np.errstate(invalid="ignore"):
        logp -= logp[0]
        logp[~np.isfinite(logp)] = -np.inf
    return np.exp(logp, out=logp).T


def _laws_estimates(fits, ys, Ws, ls, mom, n_r):
    """``(E, theta, qerr)`` of one surrogate group of :func:`rqmc_many_laws`: per replicate and
    law in ``ls`` the estimate ``E_l[g_r] + mean(w_l (y_r - g_r))`` ``(R, |ls|)``, the jackknife's
    leave-one-out values ``(R, |ls|)`` and the quadrature-error estimate ``(|ls|,)``."""
    R = len(ys)
    E = np.empty((R, len(ls)))
    theta = np.zeros((R, len(ls)))
    qerr = np.zeros(len(ls))
    for r in range(R):
        f = fits[r]
        M, M2 = mom.expect(ls, f["index"])
        w = Ws[r][:, ls]  # (n_r, |ls|)
        E[r] = M @ f["coef"] + w.T @ (ys[r] - f["pred"]) / n_r
        qerr = np.maximum(qerr, np.abs((M - M2) @ f["coef"]))
        # refits without replicate j != r, in order (row i of coef_without / pred_without)
        Tj = M @ f["coef_without"].T + w.T @ (ys[r][None] - f["pred_without"]).T / n_r
        others = [j for j in range(R) if j != r]
        theta[others] += Tj.T / (R - 1)
    return E, theta, qerr


def rqmc_many_laws(
    model,
    law_sets,
    *,
    n_points,
    n_replicates,
    rng,
    first=None,
    max_rows=8192,
    moments=None,
    groups=None,
):
    """Expectations under several input laws from RQMC replicates drawn in the first law's space.

    ``model(X) -> (n, 1)`` (one integrand shared by every law: one surrogate) or ``(n, L)``
    (column ``l`` under law ``l``: one surrogate per column). ``first``: as in
    :func:`rqmc_expectations`; ``groups``: :func:`input_groups` of ``law_sets``, if already
    computed. Returns the dict of :func:`rqmc_expectations` with one entry per
    law, plus ``quadrature_error`` (per law, included in ``standard_error``). The tail-safe
    alternative surrogate of :func:`rqmc_expectations` is kept for a column when the jackknife
    variance plus squared quadrature error, summed over the column's laws, is the smaller.
    """
    ref = law_sets[0]
    L = len(law_sets)
    R = int(n_replicates)
    # the widened sampling law (TAIL_WIDEN) with one law only, as the one-law path: several laws
    # are not measured with it (session 8)
    widen = TAIL_WIDEN if L == 1 else 1.0
    Us, Ys, n_r, ws = _replicates(model, ref, n_points, R, rng, first, widen)
    if groups is None:
        groups = input_groups(law_sets)
    Ws = np.split(likelihood_ratios(law_sets, ref.from_uniform(np.vstack(Us)), groups), R)
    Ws = [W if w is None else W * w[:, None] for W, w in zip(Ws, ws)]
    J0 = Ys[0].shape[1]
    if J0 not in (1, L):
        raise ValueError(f"the model returned {J0} columns; expected 1 or {L}")
    columns = [(0, np.arange(L))] if J0 == 1 else [(k, np.array([k])) for k in range(L)]
    kinds = germs(ref.laws)
    mom = LawMoments(law_sets, groups=groups) if moments is None else moments
    m = max(1, min(n_r, max_rows))
    E = np.empty((R, L))
    theta = np.zeros((R, L))  # jackknife: leave replicate j out, surrogates refitted without j
    qerr = np.zeros(L)
    labels = []
    for k, ls in columns:
        ys = [Y[:, k] for Y in Ys]
        if not np.ptp(np.concatenate(ys)) > 0:  # E_l[c] = c exactly
            E[:, ls] = ys[0][0]
            theta[:, ls] = ys[0][0]
            continue
        fits = _replicate_surrogates(Us, ys, m, kinds)
        E_k, theta_k, qerr_k = _laws_estimates(fits, ys, Ws, ls, mom, n_r)
        label = fits[0]["label"]
        top = max(int(f["index"].sum(axis=1).max()) for f in fits)
        if "hermite" in kinds and top > TAIL_SAFE_DEGREE:
            # the tail-safe alternative (see rqmc_expectations), chosen on the summed variance
            low = _replicate_surrogates(Us, ys, m, kinds, max_degree=TAIL_SAFE_DEGREE)
            alt = _laws_estimates(low, ys, Ws, ls, mom, n_r)
            if np.sum(_jk_var(alt[1]) + alt[2] ** 2) < np.sum(_jk_var(theta_k) + qerr_k**2):
                E_k, theta_k, qerr_k = alt
                label = low[0]["label"]
        labels.append(label)
        E[:, ls], theta[:, ls], qerr[ls] = E_k, theta_k, qerr_k
    est = E.mean(axis=0)
    var = (R - 1) / R * np.sum((theta - theta.mean(axis=0)) ** 2, axis=0)
    se_jk = np.sqrt(var)
    se = np.maximum(np.sqrt(var + qerr**2), SE_FLOOR * np.maximum(1.0, np.abs(est)))
    big = qerr > 0.1 * np.maximum(se_jk, SE_FLOOR * np.maximum(1.0, np.abs(est)))
    if big.any():
        warnings.warn(
            f"multiple_expectations: the Gauss quadrature of the surrogate's expectation under "
            f"law(s) {np.flatnonzero(big).tolist()[:10]} did not converge to within a tenth of "
            "the standard error (their maps to the first law's germ are far from affine); "
            "the quadrature error estimate is included in their standard errors.",
            UserWarning,
            stacklevel=3,
        )
    pseudo = R * theta.mean(axis=0) - (R - 1) * theta
    pseudo = pseudo - pseudo.mean(axis=0) + est
    lo = np.min([Y.min(axis=0) for Y in Ys], axis=0)
    hi = np.max([Y.max(axis=0) for Y in Ys], axis=0)
    return {
        "estimate": est,
        "standard_error": se,
        "n_evaluations": R * n_r,
        "summands": pseudo,
        "dof": R - 1,
        "labels": labels,
        "lo": np.broadcast_to(lo, (L,)).copy(),
        "hi": np.broadcast_to(hi, (L,)).copy(),
        "quadrature_error": qerr,
    }


#: several laws: also gate on :func:`pilot_is_smooth`'s interleaved folds for the first law
#: (``True``, before session 8), or only on the weighted contiguous-fold check below (whose
#: first law has ratio 1: the first law's contiguous-fold error is part of it). One law in a
#: list keeps the interleaved gate (the same decision as the one-law path). Measured (session 8,
#: notes/session-8/pilot): see the README there
PILOT_LAWS_INTERLEAVED = False


def pilot_laws_ok(
    U, vals, law_sets, *, threshold=EXPECT_THRESHOLD, folds=4, max_terms=300, groups=None
):
    """``(worst, ok)`` for the pilot of several laws (points ``U`` in the first law's space).

    ``ok``: :func:`pilot_is_smooth` on the first law (one law, or
    :data:`PILOT_LAWS_INTERLEAVED`), and, per law ``l``, the out-of-fold chaos
    residual ``e`` (``folds`` contiguous folds, each predicted by the surrogate fitted on the
    others) weighted by the likelihood ratio, ``mean(w_l^2 e^2) / Var_l(phi)`` (the variance
    left to the Monte Carlo part under law ``l``, relative to crude sampling from law ``l``),
    below ``threshold``: laws far from the first one, whose ratios are large where the
    surrogate was not fitted, go to AISCV. ``groups``: :func:`input_groups` of ``law_sets``.
    """
    ref = law_sets[0]
    n = U.shape[0]
    if n < 2 * folds:
        return 1.0, False
    worst = 0.0
    if PILOT_LAWS_INTERLEAVED or len(law_sets) == 1:
        worst, smooth = pilot_is_smooth(U, vals, ref, threshold=threshold, max_terms=max_terms)
        if not smooth:
            return worst, False
    # the weighted check uses contiguous folds: each block of a Sobol' sequence spreads over the
    # whole cube, while interleaved ones (row i in fold i % folds, as pilot_is_smooth takes
    # them) each cover one quadrant of the first two coordinates, so their out-of-fold error is
    # an extrapolation error; the first law (ratio 1) is checked here too
    idx = np.array_split(np.arange(n), folds)
    L = len(law_sets)
    w = likelihood_ratios(law_sets, ref.from_uniform(U), groups)
    kinds = germs(ref.laws)
    columns = [(0, np.arange(L))] if vals.shape[1] == 1 else [(k, [k]) for k in range(L)]
    for k, ls in columns:
        y = vals[:, k]
        if not np.ptp(y) > 0:
            continue
        tu = [U[i] for i in idx]
        fits = crossfit_chaos(
            tu,
            [y[i] for i in idx],
            tu,
            kinds,
            max_terms=max_terms,
            jackknife=False,
            max_degree=_max_degree(kinds),
        )
        e = np.empty(n)
        for f, i in enumerate(idx):
            e[i] = y[i] - fits[f]["pred"]
        wl = w[:, ls]
        sw = wl.sum(axis=0)
        mu = (wl * y[:, None]).sum(axis=0) / np.maximum(sw, 1e-300)
        var = (wl * (y[:, None] - mu) ** 2).sum(axis=0) / np.maximum(sw, 1e-300)
        left = (wl**2 * e[:, None] ** 2).mean(axis=0)
        rel = np.where(var > 0, left / np.maximum(var, 1e-300), 0.0)
        worst = max(worst, float(rel.max()))
        if rel.max() > threshold:
            return worst, False
    return worst, True
