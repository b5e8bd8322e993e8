"""Public entry point :func:`multiple_expectations` and its result class."""

from __future__ import annotations

import dataclasses
import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

from .._progress import get_logger, progress_bar
from .._results import ConfidenceInterval, Result, normal_interval
from .._rng import as_generator
from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    check_param,
    check_size,
    check_vector,
)
from ._core import run_aiscv, summand_covariance
from ._inputs import ModelCaller, check_dists, check_workers

__all__ = ["multiple_expectations", "ExpectationsResult"]

_FAMILIES = ("gaussian", "gaussian_mixture", "student")
_log = get_logger("importance")


@dataclasses.dataclass(repr=False)
class ExpectationsResult(Result):
    """Result of :func:`multiple_expectations`.

    Attributes
    ----------
    estimate : ndarray of shape (J,)
        Unbiased estimates of the ``J`` expectations (from the final, fresh sample).
    standard_error : ndarray of shape (J,)
        Their estimated standard errors (sample standard deviation of the summands / sqrt(N_f)).
    n_evaluations : int
        Points at which the model was evaluated (the budget).
    n_adaptive : int
        Points spent on the adaptation (pilot included); ``n_evaluations - n_adaptive`` points
        form the final sample.
    n_iter : int
        Adaptation iterations after the pilot block.
    history : dict of ndarrays
        Per adaptation step (row 0 is the pilot): ``n_evaluations``, ``estimates`` (block
        estimates), ``variances`` (per-point variance of the block summands), ``alpha`` (mixture
        weights, defensive weight first) and ``criterion`` (predicted weighted final variance).
        Plot it with :func:`samplingstats.importance.plot_history`.
    converged : bool
        True when the adaptive stage met its quantitative stopping rule (the predicted final
        variance stopped decreasing) before the adaptation budget cap; False when the cap
        ended it. Either way the final estimates are unbiased and their intervals valid (the
        final sample is fresh), so ``False`` is informational and raises no warning.
    final_alpha : ndarray
        Mixture weights of the final sampling density (defensive weight first).
    signed : ndarray of bool
        Which integrands were split into positive and negative parts.
    summands : ndarray of shape (N_f, J)
        The final-sample summands (with ``qmc=True``: the replicate means); ``numpy.cov(
        summands.T) / len(summands)`` estimates the covariance of ``estimate``.
    dof : int or None
        Degrees of freedom of the intervals (``n_replicates - 1`` with ``qmc=True``).
    reliable : ndarray of bool of shape (J,)
        False where the integrand took one single value at every evaluated point (e.g. an
        indicator of a rare event that never occurred): the sample then carries no information
        on the variance, so that entry's ``standard_error`` is set to ``inf`` (its interval is
        unbounded) and a ``UserWarning`` is issued. A truly constant integrand is flagged too
        (its estimate is then exact).
    method : {"aiscv", "rqmc"}
        The estimator used (``"auto"`` resolves to one of them). With ``"rqmc"`` there is no
        adaptation (``n_adaptive = n_iter = 0``, empty ``history``) and ``summands`` holds
        the replicate-jackknife pseudo-values.

    See Also
    --------
    multiple_expectations : Computes this result.
    plot_history : Plots its adaptation ``history``.
    """

    estimate: np.ndarray
    standard_error: np.ndarray
    n_evaluations: int
    n_adaptive: int
    n_iter: int
    history: dict
    converged: bool = False
    final_alpha: np.ndarray | None = None
    signed: np.ndarray | None = None
    summands: np.ndarray | None = dataclasses.field(default=None, repr=False)
    dof: int | None = None
    reliable: np.ndarray | None = None
    method: str = "aiscv"

    _frame_fields = ("estimate", "standard_error")

    @classmethod
    def _from_engine(cls, out):
        """Build the result from the adaptive engine's output dict (one place for the fields)."""
        return cls(**{f.name: out[f.name] for f in dataclasses.fields(cls) if f.name in out})

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Confidence intervals ``estimate -/+ q * standard_error``.

        ``q`` is the normal quantile (CLT) for an i.i.d. final sample, and the Student-t
        quantile with :attr:`dof` degrees of freedom for an RQMC final sample (``qmc=True``).

        Parameters
        ----------
        confidence_level : float in (0, 1), default 0.95
            Coverage probability of each interval.

        Returns
        -------
        ConfidenceInterval
            ``(low, high)``, arrays of shape (J,).

        Examples
        --------
        >>> import numpy as np
        >>> from scipy import stats
        >>> from samplingstats.importance import multiple_expectations
        >>> res = multiple_expectations(lambda x: x**2, [stats.norm()], budget=2000, rng=0)
        >>> ci = res.confidence_interval(0.95)
        >>> bool(ci.low[0] < 1.0 < ci.high[0])
        True
        """
        return interval(self.estimate, self.standard_error, confidence_level, self.dof)

    def covariance(self) -> np.ndarray:
        """Estimated covariance matrix of :attr:`estimate`.

        Returns
        -------
        ndarray of shape (J, J)
            ``numpy.cov(summands.T) / len(summands)``.
        """
        return summand_covariance(self.summands)


def interval(estimate, se, confidence_level, dof=None):
    """Normal interval, or Student-t with ``dof`` degrees of freedom."""
    if dof is None:
        return normal_interval(estimate, se, confidence_level)
    from scipy.stats import t

    level = normal_interval(0.0, 1.0, confidence_level).high  # validates the level
    q = float(t.ppf(_norm_cdf(level), dof))
    est = np.asarray(estimate, dtype=float)
    return ConfidenceInterval(est - q * np.asarray(se), est + q * np.asarray(se))


def _norm_cdf(z):
    from scipy.special import ndtr

    return float(ndtr(z))


def check_common(
    caller,
    budget,
    family,
    defensive,
    adapt_fraction,
    block_fraction,
    D,
    rng,
    workers,
    progress,
    *,
    unit="points",
    per_point=1,
    qmc=False,
    n_replicates=8,
):
    check_param(
        budget, [Interval(numbers.Integral, 1, None, closed="left")], name="budget", caller=caller
    )
    check_options(
        caller, family, defensive, adapt_fraction, block_fraction, progress, qmc, n_replicates
    )
    n_points = int(budget) // per_point
    min_block = max(20, 2 * (D + 1))
    nk = int(math.floor(block_fraction * n_points))
    if nk < min_block:
        need = math.ceil(min_block / block_fraction) * per_point
        raise InvalidParameterError(
            f"The 'budget' parameter of {caller} is too small for one adaptation block: "
            f"block_fraction * budget gives {nk} points, fewer than the minimum {min_block} for "
            f"{D} dimension(s); use a budget of at least {need} {unit}. Got {budget} instead."
        )
    workers = check_workers(workers, caller)
    rng = as_generator(rng)
    return rng, workers


def check_options(
    caller, family, defensive, adapt_fraction, block_fraction, progress, qmc, n_replicates
):
    """Validate the AISCV options (also where a method does not use them: a bad value is a
    mistake either way)."""
    check_param(family, [StrOptions(_FAMILIES)], name="family", caller=caller)
    check_param(
        defensive, [Interval(numbers.Real, 0, 1, closed="left")], name="defensive", caller=caller
    )
    check_param(
        adapt_fraction,
        [Interval(numbers.Real, 0, 1, closed="neither")],
        name="adapt_fraction",
        caller=caller,
    )
    check_param(
        block_fraction,
        [Interval(numbers.Real, 0, 1, closed="right")],
        name="block_fraction",
        caller=caller,
    )
    check_param(progress, ["boolean"], name="progress", caller=caller)
    check_param(qmc, ["boolean"], name="qmc", caller=caller)
    check_param(
        n_replicates,
        [Interval(numbers.Integral, 2, None, closed="left")],
        name="n_replicates",
        caller=caller,
    )
    if block_fraction > adapt_fraction:
        raise InvalidParameterError(
            f"The 'block_fraction' parameter of {caller} must not exceed adapt_fraction "
            f"({adapt_fraction}). Got {block_fraction} instead."
        )


def multiple_expectations(
    func: Callable[[np.ndarray], ArrayLike],
    dists: Sequence[Any],
    *,
    budget: int,
    weights: Literal["relative", "absolute"] | ArrayLike = "relative",
    family: Literal["gaussian", "gaussian_mixture", "student"] = "gaussian",
    defensive: float = 0.05,
    adapt_fraction: float = 0.5,
    block_fraction: float = 0.1,
    rng: int | np.random.Generator | None = None,
    workers: int | Callable[..., Any] | None = None,
    progress: bool = False,
    qmc: bool = False,
    n_replicates: int = 8,
    method: Literal["auto", "aiscv", "rqmc"] = "auto",
) -> ExpectationsResult:
    r"""Estimate several expectations with one adaptive importance sample and control variates.

    Estimates :math:`I_j = E_{f_j}[\varphi_j(X)]`, :math:`j = 1, \dots, J`, with the adaptive
    importance sampling and control variates (AISCV) algorithm of Demange-Chryst, Bachoc and
    Morio (2022). The inputs are mapped to standard-normal space; per expectation a
    cross-entropy auxiliary density :math:`g_j` is adapted, the sampling density is the mixture
    :math:`g_\alpha = \alpha_0 f + \sum_j \alpha_j g_j` whose weights minimise the (convex)
    predicted weighted variance, and :math:`g_j / g_\alpha - 1` serve as control variates. A
    quantitative rule stops the adaptation; a fresh final sample from the frozen mixture gives
    unbiased estimates, standard errors and CLT confidence intervals.

    Parameters
    ----------
    func : callable
        Vectorised model ``func(x) -> y`` with ``x`` of shape ``(n, d)`` and ``y`` of shape
        ``(n, J)`` (or ``(n,)`` for one expectation, or one integrand shared by several input
        laws). Signed integrands are centred with a pilot mean and split into positive and
        negative parts automatically. A torch-vectorised model may return a tensor (on any
        device); it is moved to the CPU as a numpy array.
    dists : sequence of frozen scipy.stats laws, or list of such sequences
        ``d`` independent continuous univariate input laws (e.g. ``[stats.norm(), stats.lognorm(0.2)]``),
        or one such sequence per expectation (the impact of input distributions): then ``J`` is
        the number of laws and ``func`` returns ``(n,)`` (the same integrand under every law) or
        ``(n, J)``. The points are drawn in the standard-normal space of the first law; the
        other laws enter through likelihood ratios, so their supports must lie inside the
        first law's support.
    budget : int
        Number of points at which ``func`` is evaluated (adaptation plus final sample).
    weights : {"relative", "absolute"} or array of shape (J,), default "relative"
        Weights ``w_j`` of the criterion :math:`\sum_j w_j \mathrm{Var}(\hat I_j)`: ``"relative"``
        uses :math:`1/\hat I_j^2` from the pilot (relative errors), ``"absolute"`` uses 1.
    family : {"gaussian", "gaussian_mixture", "student"}, default "gaussian"
        Family of the auxiliary densities (Gaussian, two-component Gaussian mixture fitted by
        weighted EM, or multivariate Student-t with 5 degrees of freedom).
    defensive : float in [0, 1), default 0.05
        Weight of the nominal density in the sampling mixture (bounds the likelihood ratios by
        ``1 / defensive``).
    adapt_fraction : float in (0, 1), default 0.5
        Largest fraction of the budget spent on the adaptation.
    block_fraction : float in (0, 1], default 0.1
        Size of each adaptation block as a fraction of the budget.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7).
    workers : int, map-like callable, dask.distributed.Client or None, optional
        Parallel model evaluation: an int runs chunks of points on a process pool of that size
        (``-1``: all CPUs; ``func`` must then be picklable), a map-like callable (e.g.
        ``multiprocessing.Pool.map``) is called as ``workers(func, chunks)``, and a
        ``dask.distributed.Client`` gets each block of points in one batch per worker thread
        (``client.map``, then ``client.gather``). The randomness stays in this process, so the
        result is identical to the serial run (same ``rng``).
    progress : bool, default False
        Show a tqdm progress bar over the model evaluations (needs the optional ``tqdm``).
    qmc : bool, default False
        Draw the final sample as ``n_replicates`` independently scrambled Sobol' sequences
        mapped through the final mixture (randomised QMC; each point is still marginally
        ``g_alpha``, so the estimates stay unbiased). Standard errors come from the replicate
        means and intervals use Student-t quantiles. The final sample size is rounded down to a
        multiple of ``n_replicates``.
    n_replicates : int, default 8
        Number of independent randomisations when ``qmc=True`` (at least 2; the ``"rqmc"``
        method uses 8).
    method : {"auto", "aiscv", "rqmc"}, default "auto"
        ``"aiscv"``: the adaptive importance sampler above. ``"rqmc"``: 8 scrambled Sobol'
        sequences through the inputs' inverse CDFs, with a polynomial-chaos control variate
        per integrand fitted on the other replicates (cross-fitting keeps every replicate
        unbiased; the basis, the constant included, is chosen by cross-validation),
        replicate-jackknife standard errors and Student-t intervals with 7 degrees of freedom:
        on smooth integrands it is orders of magnitude more accurate than importance sampling.
        With several input laws the points are drawn in the *first* law's space (list the
        widest law first; every law's support must lie inside the first's) and law ``l``
        enters through the likelihood ratio :math:`w_l = f_l / f_1`:
        :math:`E_l[\varphi] = E_l[g] + E_1[w_l (\varphi - g)]` with the surrogate's
        expectation :math:`E_l[g]` computed exactly (Gauss quadrature of each input's
        polynomials under law ``l``; exact for normal, lognormal and uniform families, and a
        quadrature-error estimate otherwise, added to the standard error with a warning when
        it matters). One integrand shared by all laws (``func`` returning ``(n,)``) gets one
        surrogate; ``(n, J)`` one per column. With some unbounded input the chaos degree is
        capped at 12, and a second, quadratic surrogate is fitted and kept where its
        jackknife variance is the smaller (a kink: a high-degree chaos extrapolates it into
        unsampled tails, an error shared by every replicate that the jackknife cannot see).
        With one law, the replicates after the first are drawn from a widened law (each
        unbounded input's Gaussian germ scaled by 1.4 with one such input, less with
        several) and the residual is weighted by the likelihood ratio, so that every
        replicate samples the tails. ``"auto"``: with a budget of at least 4,096
        points, a pilot of ``min(block_fraction * budget, budget // 16, 2048)`` scrambled
        Sobol' points (the start of the first replicate, in the first law's space) decides:
        with one law, every integrand's chaos error on contiguous folds of the pilot below
        ``0.02`` of its variance, unless the pilot's chaos reaches the degree cap with an
        error above ``1e-3`` (high Gaussian moments); with several laws, the
        likelihood-ratio-weighted out-of-fold error below ``0.02`` of the integrand's
        variance under every law; either gives ``"rqmc"``, otherwise (indicators, heavy
        tails, laws far from the first) ``"aiscv"``, whose first adaptation block starts
        with the pilot's points (no evaluation is lost).

    Returns
    -------
    ExpectationsResult
        Estimates, standard errors, evaluation counts and the adaptation ``history``;
        ``.confidence_interval(confidence_level)`` gives CLT intervals.

    Raises
    ------
    InvalidParameterError
        For a budget too small for one adaptation block, laws that are not frozen univariate
        scipy.stats laws, several input laws one of whose supports is not inside the first
        law's, negative weights, or a ``func`` returning the wrong shape or non-finite values.

    See Also
    --------
    sobol_indices : Sobol' indices (pick-freeze expectations; RQMC with surrogates by default).
    ExpectationsResult : The result, with ``confidence_interval`` and ``covariance``.
    plot_history : Plot the adaptation history.

    Notes
    -----
    Each expectation estimate is unbiased for fixed auxiliary densities, weights and
    control-variate coefficients, which are frozen before the final sample is drawn. The
    defensive component guards the confidence-interval coverage against too narrow
    cross-entropy fits.

    References
    ----------
    J. Demange-Chryst, F. Bachoc, J. Morio, "Efficient estimation of multiple expectations with
    the same sample by adaptive importance sampling and control variates", arXiv:2212.00568.

    Examples
    --------
    Gaussian moments :math:`E[X^2] = 1, E[X^4] = 3, E[X^6] = 15`:

    >>> import numpy as np
    >>> from scipy import stats
    >>> from samplingstats.importance import multiple_expectations
    >>> res = multiple_expectations(lambda x: x ** np.array([2, 4, 6]), [stats.norm()],
    ...                             budget=5000, rng=1)
    >>> np.allclose(res.estimate, [1, 3, 15], rtol=0.05)
    True
    >>> res.n_evaluations
    5000
    """
    caller = "multiple_expectations"
    if not callable(func):
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} must be a callable. Got {func!r} instead."
        )
    law_sets, multi = check_dists(dists, caller)
    d = law_sets[0].d
    check_size(budget, "budget", bytes_per_item=8.0 * (4 * d + 8), caller=caller)
    if multi:
        _check_supports(law_sets, caller)
    rng, workers = check_common(
        caller,
        budget,
        family,
        defensive,
        adapt_fraction,
        block_fraction,
        d,
        rng,
        workers,
        progress,
        qmc=qmc,
        n_replicates=n_replicates,
    )
    if isinstance(weights, str):
        check_param(weights, [StrOptions(("relative", "absolute"))], name="weights", caller=caller)
        w_mode, w_arr = weights, None
    else:
        w_mode, w_arr = "array", check_vector(weights, "weights", nonnegative=True)
        if not w_arr.sum() > 0:
            raise InvalidParameterError("Argument 'weights' must have a positive sum.")

    check_param(method, [StrOptions(("auto", "aiscv", "rqmc"))], name="method", caller=caller)
    ref = law_sets[0]
    n_laws = len(law_sets)
    pilot = None
    if method == "rqmc" or (method == "auto" and int(budget) >= 4096):
        m0 = min(int(block_fraction * int(budget)), int(budget) // 16, 2048)
        out = _rqmc_path(
            func, law_sets, multi, int(budget), method, rng, workers, progress, caller, m0
        )
        if isinstance(out, dict):
            return _finish(out, w_arr, caller)
        # non-smooth: the pilot's points become the start of AISCV's first block (drawn from
        # the (first) input law, used for adaptation only), so no evaluation is lost
        pilot = out

    with (
        progress_bar(progress, total=int(budget), desc=caller, unit="pt") as bar,
        ModelCaller(
            func, workers, caller, n_out={1, n_laws} if multi else None, progress=bar
        ) as caller_fn,
    ):
        state: dict[str, Any] = {}

        def evaluate(U):
            nonlocal pilot
            if pilot is not None:
                Up, Yp = pilot
                pilot = None
                m = min(Up.shape[0], U.shape[0])
                # in place: the engine keeps this array as its first block's points
                U[:m] = ndtri(Up[:m])
                X = ref.to_x(U)
                rest = caller_fn(X[m:]) if U.shape[0] > m else Yp[:0]
                out = np.vstack([Yp[:m], rest])
            else:
                X = ref.to_x(U)
                out = caller_fn(X)
            lo, hi = out.min(axis=0), out.max(axis=0)
            state["lo"] = np.minimum(state.get("lo", lo), lo)
            state["hi"] = np.maximum(state.get("hi", hi), hi)
            if multi:
                logf0 = ref.logpdf(X)
                logr = np.column_stack([s.logpdf(X) - logf0 for s in law_sets])
                logr[~np.isfinite(logr)] = -np.inf
                return np.column_stack([out, logr])
            return out

        def split(raw):
            if multi:
                return raw[:, :-n_laws], raw[:, -n_laws:]
            return raw, None

        def make_integrand(raw0):
            phi0, logr0 = split(raw0)
            J = n_laws if multi else phi0.shape[1]
            state["J"] = J
            if w_arr is not None and w_arr.shape[0] != J:
                raise InvalidParameterError(
                    f"Argument 'weights' must have length {J} (one weight per expectation), got "
                    f"length {w_arr.shape[0]}."
                )
            if multi:
                phi_full = np.broadcast_to(phi0, (phi0.shape[0], J))
                vals = np.exp(logr0) * phi_full
            else:
                phi_full = phi0
                vals = phi0
            signed = (phi_full < 0).any(axis=0)
            centre = np.where(signed, vals.mean(axis=0), 0.0)
            state["signed"] = signed

            def integrand(raw):
                phi, logr = split(raw)
                if multi:
                    phi = np.broadcast_to(phi, (phi.shape[0], J))
                return phi - centre, logr

            return integrand, centre

        def weights_fn(est):
            J = est.shape[0]
            if w_mode == "absolute":
                return np.ones(J)
            if w_mode == "array":
                return w_arr
            scale = np.abs(est)
            if not scale.max() > 0:  # every pilot estimate is zero: no relative scale
                return np.ones(J)
            floor = max(1e-12 * scale.max(), 1e-300)
            return 1.0 / np.maximum(scale, floor) ** 2

        out = run_aiscv(
            D=d,
            evaluate=evaluate,
            make_integrand=make_integrand,
            budget=int(budget),
            weights=weights_fn,
            family=family,
            defensive=float(defensive),
            adapt_fraction=float(adapt_fraction),
            block_fraction=float(block_fraction),
            rng=rng,
            qmc=bool(qmc),
            n_replicates=int(n_replicates),
        )
    out["lo"], out["hi"] = state["lo"], state["hi"]
    out["method"] = "aiscv"
    return _finish(out, None, caller)


def _check_supports(law_sets, caller):
    """Every law's support must lie in the first (reference) law's: the sample is drawn in the
    reference law's space and reweighted by likelihood ratios, which cannot reach mass
    outside it (``[[uniform(0, 1)], [norm()]]`` would silently miss ``norm``'s tails)."""
    ref = [law.support() for law in law_sets[0].laws]
    for j, laws in enumerate(law_sets[1:], start=1):
        for i, ((lo0, hi0), law) in enumerate(zip(ref, laws.laws)):
            lo, hi = law.support()
            if lo < lo0 or hi > hi0:
                raise InvalidParameterError(
                    f"The 'dists' parameter of {caller} must give every input law a support "
                    f"inside the first law set's (the sample is drawn there and reweighted): "
                    f"input {i} of law set {j} has support [{lo}, {hi}], outside [{lo0}, {hi0}]. "
                    "Put the widest law first."
                )


def _finish(out, w_arr, caller):
    J = out["estimate"].shape[0]
    if w_arr is not None and w_arr.shape[0] != J:
        raise InvalidParameterError(
            f"Argument 'weights' must have length {J} (one weight per expectation), got "
            f"length {w_arr.shape[0]}."
        )
    reliable = np.broadcast_to(out["hi"] > out["lo"], (J,)).copy()
    if not reliable.all():
        bad = np.flatnonzero(~reliable)
        out["standard_error"] = np.where(reliable, out["standard_error"], np.inf)
        warnings.warn(
            f"multiple_expectations: the integrand of expectation(s) {bad.tolist()} took a single "
            f"value at all {out['n_evaluations']} evaluated points (e.g. a rare event that never "
            "occurred); their estimates are unreliable unless the integrand is constant. Their "
            "standard errors are set to inf and result.reliable flags them.",
            UserWarning,
            stacklevel=2,
        )
    out["reliable"] = reliable
    _log.info(
        "multiple_expectations: %s, %d points (%d adaptive, %d iterations, converged=%s)",
        out["method"],
        out["n_evaluations"],
        out["n_adaptive"],
        out["n_iter"],
        out["converged"],
    )
    return ExpectationsResult._from_engine(out)


def _rqmc_path(func, law_sets, multi, budget, method, rng, workers, progress, caller, m0, R=8):
    """``method="rqmc"``, or the pilot of ``"auto"``: the result dict, or the pilot's
    ``(uniform points, outputs)`` when it sends ``"auto"`` to AISCV.

    Several input laws: the points are drawn in the first law's space and the other laws enter
    through likelihood ratios (:func:`._rqmc_expect.rqmc_many_laws`)."""
    from ._rqmc import _draw, _engine
    from ._rqmc_expect import (
        input_groups,
        pilot_is_smooth,
        pilot_laws_ok,
        rqmc_expectations,
        rqmc_many_laws,
    )

    laws = law_sets[0]
    d = laws.d
    if budget < 4 * R:
        raise InvalidParameterError(
            f"The 'budget' parameter of {caller} is too small for method='rqmc': {R} "
            f"replicates of at least 4 points need {4 * R}. Got {budget} instead."
        )
    rng = as_generator(rng)
    total = budget if method == "rqmc" else (budget // R) * R
    n_out = {1, len(law_sets)} if multi else None
    # family groups of the laws per input: shared by the pilot and the estimator
    groups = input_groups(law_sets) if multi else None

    def run(model, **kw):
        if multi:
            return rqmc_many_laws(
                model, law_sets, n_points=budget, n_replicates=R, groups=groups, **kw
            )
        return rqmc_expectations(model, laws, n_points=budget, n_replicates=R, **kw)

    with (
        progress_bar(progress, total=total, desc=caller, unit="pt") as bar,
        ModelCaller(func, workers, caller, n_out=n_out, progress=bar) as model,
    ):
        if method == "auto":
            # the pilot is the start of replicate 0's sequence (the same spawn as below)
            seed0 = rng.spawn(1)[0]
            eng = _engine(d, seed0)
            U0 = _draw(eng, m0)
            Y0 = np.asarray(model(laws.from_uniform(U0)), dtype=float)
            if multi:
                _, smooth = pilot_laws_ok(U0, Y0, law_sets, groups=groups)
            else:
                _, smooth = pilot_is_smooth(U0, Y0, laws)
            if not smooth:
                return U0, Y0
            out = run(model, rng=rng, first=(eng, U0, Y0))
        else:
            out = run(model, rng=rng)
    J = out["estimate"].shape[0]
    out.update(
        n_adaptive=0,
        n_iter=0,
        history={},
        converged=True,
        final_alpha=None,
        signed=np.zeros(J, dtype=bool),
        method="rqmc",
    )
    return out
