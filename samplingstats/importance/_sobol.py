"""Sobol' indices by pick-freeze, estimated with AISCV or crude Monte Carlo."""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from .._progress import get_logger, progress_bar
from .._results import ConfidenceInterval, Result
from .._rng import as_generator
from .._validation import Interval, InvalidParameterError, StrOptions, check_param, check_size
from ._core import run_aiscv, summand_covariance
from ._expectations import ExpectationsResult, check_common, check_options, interval
from ._inputs import ModelCaller, check_dists, check_workers
from ._rqmc import rqmc_sobol

__all__ = ["sobol_indices", "SobolResult"]

METHODS = ("auto", "surrogate", "rqmc", "sequence", "aiscv", "pick_freeze", "saltelli")
_RQMC = {"auto": "auto", "surrogate": "always", "rqmc": "never", "sequence": "long"}
FIRST_ORDER_ESTIMATORS = ("auto", "saltelli", "janon")
_log = get_logger("importance")


@dataclasses.dataclass(repr=False)
class SobolResult(Result):
    """Result of :func:`sobol_indices`.

    Attributes
    ----------
    first_order, total_order : ndarray of shape (d,)
        First-order (pick-freeze, Saltelli form) and total (Jansen) Sobol' indices.
    n_evaluations : int
        Model evaluations used (``n_points * (d + 2)``).
    first_order_standard_error, total_order_standard_error : ndarray of shape (d,)
        Delta-method standard errors.
    variance : float
        Estimated output variance.
    method : str
        The method used (see :func:`sobol_indices`).
    centred : bool
        Whether the products were formed from the pilot-centred output.
    n_points : int
        Pick-freeze base points (each costs ``d + 2`` model evaluations).
    dof : int or None
        Degrees of freedom of the intervals (Student-t; ``qmc=True`` only).
    expectations : ExpectationsResult or None
        The underlying AISCV run (``None`` for the other methods).
    surrogate_basis : tuple of str or None
        RQMC methods with a surrogate: the chaos basis chosen for each replicate
        (``"constant"``: no control variate, plain RQMC; ``"total4"``: total degree 4;
        ``"hyperbolic8"``: q = 0.5 hyperbolic set of degree 8).
    surrogate_error : float or None
        Median over replicates of the chosen surrogate's cross-validation mean squared error
        relative to the output variance (small: smooth model, large gains).
    design : {"replicates", "sequence"} or None
        RQMC methods: independent scrambled replicates, or one long scrambled sequence with
        batch-means intervals (chosen by ``method="auto"`` for models no polynomial explains).
    pilot_error : float or None
        ``method="auto"``: the pilot's cross-validated chaos error relative to the output
        variance, which chose the design (above ``0.25``: one long sequence).
    janon : ndarray of bool or None
        RQMC methods: per input, whether the first-order index is Janon's estimator
        (``False``: Saltelli 2010).
    first_order_interval_centre, total_order_interval_centre : ndarray of shape (d,) or None
        Where :meth:`confidence_interval` centres the intervals; ``None``: at the estimates.
        The replicate design with surrogates sets them when some input law has unbounded
        support (a Hermite chaos): the estimate minus the replicate jackknife's bias
        estimate ``b``, with standard error ``sqrt(jackknife variance + b^2)`` (so the
        interval always contains the estimate). See :func:`sobol_indices`, Notes.

    See Also
    --------
    sobol_indices : Computes this result.
    """

    first_order: np.ndarray
    total_order: np.ndarray
    n_evaluations: int
    first_order_standard_error: np.ndarray | None = None
    total_order_standard_error: np.ndarray | None = None
    variance: float = float("nan")
    method: str = "aiscv"
    centred: bool = True
    n_points: int = 0
    expectations: ExpectationsResult | None = None
    dof: int | None = None
    surrogate_basis: tuple[str, ...] | None = None
    surrogate_error: float | None = None
    design: str | None = None
    pilot_error: float | None = None
    janon: np.ndarray | None = None
    first_order_interval_centre: np.ndarray | None = None
    total_order_interval_centre: np.ndarray | None = None

    _frame_fields = (
        "first_order",
        "first_order_standard_error",
        "total_order",
        "total_order_standard_error",
    )

    def to_frame(self) -> Any:
        """One row per input: indices, standard errors and 95% intervals (needs pandas).

        Columns ``first_order``, ``first_order_standard_error``, ``first_order_ci_low``,
        ``first_order_ci_high`` and the same for ``total_order``; scalar fields go into
        ``DataFrame.attrs``.

        Returns
        -------
        pandas.DataFrame
            One row per input, indexed by ``input``.

        Examples
        --------
        >>> from scipy import stats
        >>> from samplingstats.importance import sobol_indices
        >>> f = lambda x: x[:, 0] + 0.5 * x[:, 1]
        >>> res = sobol_indices(f, [stats.norm()] * 2, budget=8000, method="pick_freeze", rng=0)
        >>> df = res.to_frame()
        >>> df.shape[0], "total_order_ci_high" in df.columns
        (2, True)
        """
        df = super().to_frame()
        df = df.drop(columns=[c for c in ("ci_low", "ci_high") if c in df.columns])
        for order in ("first", "total"):
            low, high = self.confidence_interval(order=order)
            df[f"{order}_order_ci_low"] = low
            df[f"{order}_order_ci_high"] = high
        cols = [
            f"{o}_order{s}"
            for o in ("first", "total")
            for s in ("", "_standard_error", "_ci_low", "_ci_high")
        ]
        df = df[cols]
        df.index.name = "input"
        return df

    def confidence_interval(
        self, confidence_level: float = 0.95, *, order: Literal["first", "total"] = "first"
    ) -> ConfidenceInterval:
        """Delta-method confidence intervals for the first-order or total indices.

        Normal quantiles for the i.i.d. methods, Student-t with :attr:`dof` degrees of
        freedom for the RQMC ones; centred on :attr:`first_order_interval_centre` /
        :attr:`total_order_interval_centre` when set (unbounded inputs in the replicate
        design), otherwise on the estimates.

        Parameters
        ----------
        confidence_level : float in (0, 1), default 0.95
            Coverage probability of each interval.
        order : {"first", "total"}, default "first"
            Which indices.

        Returns
        -------
        ConfidenceInterval
            ``(low, high)``, arrays of shape (d,).

        Examples
        --------
        >>> import numpy as np
        >>> from scipy import stats
        >>> from samplingstats.importance import sobol_indices
        >>> f = lambda x: x[:, 0] + 0.5 * x[:, 1]
        >>> res = sobol_indices(f, [stats.norm()] * 2, budget=8000, method="pick_freeze", rng=0)
        >>> ci = res.confidence_interval(0.95, order="first")
        >>> bool(ci.low[0] < 0.8 < ci.high[0])
        True
        """
        check_param(
            order,
            [StrOptions(("first", "total"))],
            name="order",
            caller="SobolResult.confidence_interval",
        )
        if order == "first":
            centre = self.first_order_interval_centre
            return interval(
                self.first_order if centre is None else centre,
                self.first_order_standard_error,
                confidence_level,
                self.dof,
            )
        centre = self.total_order_interval_centre
        return interval(
            self.total_order if centre is None else centre,
            self.total_order_standard_error,
            confidence_level,
            self.dof,
        )


# ---------------------------------------------------------------------------------------------
# pick-freeze expectations and the delta method
# ---------------------------------------------------------------------------------------------
def _columns(raw, c, squares=True):
    """Expectation integrands from outputs ``[A, B, AB_1..AB_d]`` (centred by ``c``).

    With ``a, b, ab_i`` the centred outputs, ``m = (a + b) / 2``, ``s2 = (a^2 + b^2) / 2`` and
    ``T_i = (a - ab_i)^2 / 2`` (Jansen totals), the first-order part is

    - ``squares=True``: ``R+-_i = (b +- (ab_i - a))^2 / 4``, so that ``R+_i - R-_i =
      b (ab_i - a)`` (the Saltelli 2010 form, whose mean is ``V_i``); squares of near-linear
      functions have near two-component-Gaussian-mixture optimal importance densities;
    - ``squares=False``: ``P_i = b ab_i`` (mean ``V_i + E[phi]^2``); for a positive log-linear
      output every column is then log-linear and Gaussian cross-entropy fits are exact.

    Columns: ``[m, s2, R+ (d), R- (d), T (d)]`` or ``[m, s2, P (d), T (d)]``.
    """
    a = raw[:, 0] - c
    b = raw[:, 1] - c
    ab = raw[:, 2:] - c
    m = 0.5 * (a + b)
    s2 = 0.5 * (a * a + b * b)
    T = 0.5 * (a[:, None] - ab) ** 2
    if squares:
        diff = ab - a[:, None]
        Rp = 0.25 * (b[:, None] + diff) ** 2
        Rm = 0.25 * (b[:, None] - diff) ** 2
        return np.column_stack([m, s2, Rp, Rm, T])
    return np.column_stack([m, s2, b[:, None] * ab, T])


def _indices_and_jacobian(E, squares=True):
    d = (E.shape[0] - 2) // (3 if squares else 2)
    m, s2 = E[0], E[1]
    V = s2 - m * m
    T = E[E.shape[0] - d :]
    Jac = np.zeros((2 * d, E.shape[0]))
    if squares:
        S = (E[2 : 2 + d] - E[2 + d : 2 + 2 * d]) / V
        Jac[:d, 0] = 2 * m * S / V
        Jac[:d, 2 : 2 + d] = np.eye(d) / V
        Jac[:d, 2 + d : 2 + 2 * d] = -np.eye(d) / V
    else:
        S = (E[2 : 2 + d] - m * m) / V
        Jac[:d, 0] = -2 * m * (1 - S) / V
        Jac[:d, 2 : 2 + d] = np.eye(d) / V
    Jac[:d, 1] = -S / V
    ST = T / V
    Jac[d:, 0] = 2 * m * ST / V
    Jac[d:, 1] = -ST / V
    Jac[d:, E.shape[0] - d :] = np.eye(d) / V
    return S, ST, V, Jac


def _delta_se(Jac, cov):
    var = np.einsum("ij,jk,ik->i", Jac, cov, Jac)
    return np.sqrt(np.maximum(var, 0.0))


def sobol_indices(
    func: Callable[[np.ndarray], ArrayLike],
    dists: Sequence[Any],
    *,
    budget: int,
    method: Literal[
        "auto", "surrogate", "rqmc", "sequence", "aiscv", "pick_freeze", "saltelli"
    ] = "auto",
    rng: int | np.random.Generator | None = None,
    centre: Literal["auto"] | bool = "auto",
    order: Literal["both", "first", "total"] = "both",
    family: Literal["auto", "gaussian", "gaussian_mixture", "student"] = "auto",
    defensive: float = 0.05,
    adapt_fraction: float = 0.5,
    block_fraction: float = 0.1,
    qmc: bool = False,
    workers: int | Callable[..., Any] | None = None,
    progress: bool = False,
    n_replicates: int = 8,
    first_order_estimator: Literal["saltelli", "janon", "auto"] = "saltelli",
) -> SobolResult:
    r"""First-order and total Sobol' indices by pick-freeze: RQMC with surrogate control variates.

    With ``A``, ``B`` independent input samples and ``AB_i`` equal to ``A`` with coordinate
    ``i`` taken from ``B`` (``d + 2`` model runs per base point), the indices are ratios of
    expectations:

    .. math::

        S_i = \frac{E[\tilde\varphi(B)(\varphi(AB_i) - \varphi(A))]}{V},\qquad
        S^T_i = \frac{E[(\varphi(A) - \varphi(AB_i))^2]}{2V},\qquad
        V = \operatorname{Var}\varphi,

    with :math:`\tilde\varphi = \varphi - c` (Saltelli 2010 first order, Jansen 1999 totals).

    The default (``method="auto"``) draws ``n_replicates`` independently scrambled Sobol'
    sequences in ``2d`` dimensions, pushes them through each input's inverse CDF, and uses a
    **polynomial-chaos surrogate** as control variate: for each replicate, a least-squares chaos
    (orthonormal polynomials in the input laws: Legendre for bounded, Hermite for unbounded
    supports) is fitted on the *other* replicates' evaluations (cross-fitting). Each partial
    variance is split along the surrogate ``g`` and its residual ``e = f - g``:
    ``V_i = V_i(g) + 2 E[g_i e] + V_i(e)`` and ``VT_i = VT_i(g) + 2 E[g^{T_i} e] + VT_i(e)``
    (``g_i``: the chaos terms in input ``i`` alone; ``g^{T_i}``: the terms involving ``i``),
    with the chaos parts in closed form, the cross terms as means over all ``(d + 2)``
    evaluations of each point and only the small residual parts by pick-freeze; every term is
    unbiased because ``g`` does not depend on the replicate. The basis (the
    constant, total-degree or hyperbolic sets) is chosen per replicate by cross-validation over
    the other replicates: on smooth models the residual is tiny (errors 10-1000x below plain
    RQMC); on kinks and indicators a low-degree chaos still gains 2-4x; on rough models the
    basis falls back to the constant, which is plain RQMC pick-freeze. Intervals: replicate
    jackknife (each replicate left out in turn, the other surrogates refitted without it, in
    closed form), Student-t with ``n_replicates - 1`` degrees of freedom. When some input law
    has unbounded support (a Hermite chaos) the intervals use the jackknife bias estimate
    ``b = (R - 1) (mean_j theta_j - theta)``: they are centred on ``theta - b``
    (:attr:`SobolResult.first_order_interval_centre`) with standard error
    ``sqrt(jackknife variance + b^2)``, so they always contain the estimate ``theta``, which
    is reported unchanged (unbiased). Why: a Hermite polynomial's square has most of its mean
    in rare tail points, so in a typical run each replicate's empirical moments of the chaos
    fall short of the exact ones and the cross terms miss the same tail contribution in every
    replicate: the replicate estimates agree with each other and err the same way (unbiased
    only because rare runs that do sample the tail err the other way, by much more). The
    replicates' spread misses this; how far the estimate moves when every surrogate loses one
    replicate of training data tracks it (correlation 0.55-0.85 with the error on the
    benchmark's lognormal model). Coverage there (pooled first + total order, 95%): 0.84,
    0.77, 0.84 with the jackknife variance alone at ``(d + 2) 2^12, 2^14, 2^16`` evaluations,
    0.92, 0.90, 0.91 in mean squared error form centred on ``theta`` (session 5), 0.93, 0.93,
    0.96 centred on ``theta - b`` (300, 200 and 200 runs; session 6). With bounded inputs only
    (Legendre polynomials are bounded: no rare tail points) ``b`` is noise of the size of the
    jackknife variance and would over-cover (Sobol' G, threshold), so those intervals are
    centred on the estimate with the jackknife variance less its over-count of the
    replicate pairs' interaction (a surrogate's coefficient noise from replicate ``s`` times
    replicate ``r``'s sampling noise: each such pair moves two leave-one-out values, so the
    jackknife counts it about ``2 (R - 1) / (R - 2)`` times), estimated from how differently
    the other replicates' estimates move when one replicate's training data is dropped, and
    never below ``(R - 2) / (2 (R - 1))`` of the jackknife variance. It is what made the
    intervals of tiny indices too wide (Sobol' G's ``a = 99`` inputs at ``(d + 2) 2^16``: 60-98%
    of their jackknife variance; pooled coverage 0.988 before, 0.94 after, session 6; see
    docs/benchmarks/importance.md).

    **The chooser.** The first replicate is also a pilot (when it has at least 128 base
    points, i.e. from ``8 * 128 * (d + 2)`` evaluations; below, the replicate design is kept,
    which is the more robust one at small budgets): a chaos is fitted and
    cross-validated on its evaluations (at most 4,096 rows) and on its first half and quarter.
    When the relative error is below ``0.25`` (smooth models, but also kinks and indicators
    that a polynomial explains in part, such as the Sobol' G function or a threshold
    indicator), or still falls by more than half at each doubling, the replicate design above
    follows. Otherwise (a model no polynomial explains: the surrogate gains nothing and
    splitting the budget into short sequences costs accuracy) the
    first sequence is continued to the whole budget, which is scipy.stats.sobol_indices'
    design, and the standard errors come from batch means over ``n_replicates`` consecutive
    blocks (Student-t, ``n_replicates - 1`` degrees of freedom); for a sequence that converges
    faster than Monte Carlo these intervals are conservative. Either way the pilot's
    evaluations are part of the estimate. ``result.design`` and ``result.pilot_error`` say what
    was chosen.

    Other methods: ``"surrogate"`` (always a non-constant chaos), ``"rqmc"`` (plain RQMC
    pick-freeze with replicate intervals), ``"sequence"`` (one long scrambled sequence, batch
    means: the branch of ``"auto"`` for models no polynomial explains), ``"aiscv"``
    (the adaptive importance-sampling estimator of :func:`multiple_expectations`, jointly for
    the ``2d + 2`` expectations in the ``2d``-dimensional standard-normal space),
    ``"pick_freeze"`` and ``"saltelli"`` (crude i.i.d. pick-freeze).

    Parameters
    ----------
    func : callable
        Vectorised model ``func(x) -> y``, ``x`` of shape ``(n, d)``, ``y`` of shape ``(n,)``.
    dists : sequence of frozen scipy.stats laws
        ``d`` independent continuous univariate input laws.
    budget : int
        Model evaluations; each pick-freeze point costs ``d + 2`` of them. The RQMC methods use
        ``n_replicates * (budget // ((d + 2) * n_replicates))`` base points (at most
        ``(d + 2) * n_replicates - 1`` evaluations are left unspent); a replicate's length need
        not be a power of two (the first ``n`` points of a scrambled Sobol' sequence are
        uniform for any ``n``; powers of two balance best).
    method : str, default "auto"
        Estimator (see above): ``"auto"``, ``"surrogate"``, ``"rqmc"``, ``"sequence"``,
        ``"aiscv"``, ``"pick_freeze"`` or ``"saltelli"``.
    rng : None, int or numpy.random.Generator, optional
        Seed or generator (scrambling of the Sobol' sequences, i.i.d. draws).
    centre : {"auto", True, False}, default "auto"
        Form the products from the pilot-centred output :math:`\varphi - \bar\varphi` (True) or
        from :math:`\varphi` itself (False). Centring removes the :math:`E[\varphi]^2`
        cancellation but makes the products signed (they are split into positive and
        negative parts). ``"auto"`` does not centre a positive output whose logarithm is well
        explained by a linear function of the standard-normal inputs on the pilot sample
        (:math:`R^2 \geq 0.97`: the uncentred products are then close to log-linear and
        the Gaussian cross-entropy fits are nearly optimal) and whose squared coefficient of
        variation is at least 0.25 (milder cancellation); it centres otherwise. Crude
        pick-freeze always centres with the sample mean of the first block.
    order : {"both", "first", "total"}, default "both"
        Indices whose delta-method variance the adaptation minimises (all are estimated;
        ``"first"`` spends the sampling effort on the first-order indices only).
    family : {"auto", "gaussian", "gaussian_mixture", "student"}, default "auto"
        Auxiliary family; ``"auto"``: two-component Gaussian mixtures for centred products when
        the adaptation blocks hold at least 5 points per mixture parameter (for d = 6, from
        about 9,000 points), Gaussian otherwise.
    defensive, adapt_fraction, block_fraction, qmc
        ``method="aiscv"`` only: as in :func:`multiple_expectations` (``budget`` there counts
        points; here the fractions apply to the ``budget // (d + 2)`` points). ``centre``,
        ``order`` and ``family`` also apply to ``"aiscv"`` only.
    workers, progress
        As in :func:`multiple_expectations`.
    n_replicates : int, default 8
        Independent scramblings of the RQMC methods (and of ``"aiscv"`` with ``qmc=True``):
        they cross-fit the surrogates and give the standard errors; for one long sequence,
        the number of batch-means blocks.
    first_order_estimator : {"saltelli", "janon", "auto"}, default "saltelli"
        RQMC methods: first-order estimator. ``"saltelli"``: ``E[b (ab_i - a)] / V`` (Saltelli
        2010; accurate for small indices); ``"janon"``: ``(E[b ab_i] - M_i^2) / (Q_i -
        M_i^2)`` with the mean ``M_i`` and second moment ``Q_i`` of the pair ``(B, AB_i)``
        (Janon et al. 2014; asymptotically efficient for large indices); ``"auto"``: per
        input, the one with the smaller standard error (``result.janon`` says which). On the
        benchmark cases Janon's form did not beat Saltelli's (it was 2.4x worse on Sobol' G),
        hence the default.

    Returns
    -------
    SobolResult
        Indices, standard errors, the design chosen and the evaluations used.

    Raises
    ------
    InvalidParameterError
        Bad arguments, a budget too small for the method, a model with zero output variance
        (constant: the indices are undefined), or a ``func`` returning non-finite values.
    TypeError
        A ``func`` returning complex values.

    See Also
    --------
    multiple_expectations : Many expectations (and many input laws) from one adaptive sample.
    SobolResult : The result, with ``confidence_interval`` and ``to_frame``.
    scipy.stats.sobol_indices : SciPy's estimator (one scrambled sequence, no intervals).

    References
    ----------
    A. Saltelli et al. (2010), Variance based sensitivity analysis of model output, CPC 181;
    M. J. W. Jansen (1999), Analysis of variance designs for model output, CPC 117;
    B. Sudret (2008), Global sensitivity analysis using polynomial chaos expansions, RESS 93;
    A. B. Owen (2013), Better estimation of small Sobol' sensitivity indices, TOMACS 23;
    A. Janon et al. (2014), Asymptotic normality and efficiency of two Sobol index
    estimators, ESAIM: PS 18.

    Examples
    --------
    Exp-linear model, :math:`S = [0.681, 0.132, 0.031]`:

    >>> import numpy as np
    >>> from scipy import stats
    >>> from samplingstats.importance import sobol_indices
    >>> f = lambda x: np.exp(x @ np.array([0.8, 0.4, 0.2]))
    >>> res = sobol_indices(f, [stats.norm()] * 3, budget=20000, rng=0)
    >>> bool(np.abs(res.first_order - [0.681, 0.132, 0.031]).max() < 0.01)
    True
    >>> res.n_evaluations <= 20000
    True
    """
    caller = "sobol_indices"
    if not callable(func):
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} must be a callable. Got {func!r} instead."
        )
    check_param(method, [StrOptions(METHODS)], name="method", caller=caller)
    check_param(order, [StrOptions(("both", "first", "total"))], name="order", caller=caller)
    check_param(
        family,
        [StrOptions(("auto", "gaussian", "gaussian_mixture", "student"))],
        name="family",
        caller=caller,
    )
    if not (isinstance(centre, str) and centre == "auto") and not isinstance(
        centre, (bool, np.bool_)
    ):
        raise InvalidParameterError(
            f"The 'centre' parameter of {caller} must be 'auto' or a bool. Got {centre!r} instead."
        )
    law_sets, _ = check_dists(dists, caller, allow_multi=False)
    laws = law_sets[0]
    d = laws.d
    per = d + 2
    check_size(budget, "budget", bytes_per_item=8.0 * (2 * d + 4), caller=caller)
    check_options(
        caller,
        "gaussian" if family == "auto" else family,
        defensive,
        adapt_fraction,
        block_fraction,
        progress,
        qmc,
        n_replicates,
    )
    check_param(
        first_order_estimator,
        [StrOptions(FIRST_ORDER_ESTIMATORS)],
        name="first_order_estimator",
        caller=caller,
    )
    if method in _RQMC:
        return _sobol_rqmc(
            func, laws, budget, method, rng, workers, progress, n_replicates, first_order_estimator
        )
    rng, workers = check_common(
        caller,
        budget,
        "gaussian" if family == "auto" else family,
        defensive,
        adapt_fraction,
        block_fraction,
        2 * d,
        rng,
        workers,
        progress,
        unit="model evaluations",
        per_point=per,
        qmc=qmc,
        n_replicates=n_replicates,
    )
    n_points = int(budget) // per

    with (
        progress_bar(progress, total=n_points * per, desc=caller, unit="eval") as bar,
        ModelCaller(func, workers, caller, n_out={1}, progress=bar) as model,
    ):

        def evaluate(U):
            n = U.shape[0]
            XA = laws.to_x(U[:, :d])
            XB = laws.to_x(U[:, d:])
            stack = np.empty((per, n, d))
            stack[0], stack[1] = XA, XB
            for i in range(d):
                stack[2 + i] = XA
                stack[2 + i, :, i] = XB[:, i]
            y = model(stack.reshape(per * n, d))[:, 0]
            return np.ascontiguousarray(y.reshape(per, n).T)

        if method != "aiscv":
            U = np.random.default_rng(rng).standard_normal((n_points, 2 * d))
            raw = evaluate(U)
            n_pilot = max(2, int(block_fraction * n_points))
            c = raw[:n_pilot, :2].mean()
            squares = method == "saltelli"
            cols = _columns(raw, c, squares)
            E = cols.mean(axis=0)
            cov = summand_covariance(cols)
            S, ST, V, Jac = _indices_and_jacobian(E, squares)
            se = _delta_se(Jac, cov)
            return SobolResult(
                first_order=S,
                total_order=ST,
                n_evaluations=n_points * per,
                first_order_standard_error=se[:d],
                total_order_standard_error=se[d:],
                variance=float(V),
                method=method,
                centred=True,
                n_points=n_points,
                expectations=None,
            )

        state: dict[str, Any] = {}

        def make_integrand(raw0):
            y = raw0[:, :2].ravel()
            if centre == "auto":
                use_centre = not _loglinear(raw0, state["U0"], d)
            else:
                use_centre = bool(centre)
            c = float(y.mean()) if use_centre else 0.0
            state["centred"] = use_centre
            if family == "auto":
                # squares of near-linear centred outputs have bimodal optimal densities;
                # log-linear uncentred products have Gaussian ones. Two-component mixtures in
                # D = 2d dimensions need blocks of >= 10 points per mixture parameter,
                # otherwise their fits are too noisy and single Gaussians do better.
                D = 2 * d
                n_params = 2 * (D + D * (D + 1) // 2)
                big_blocks = int(block_fraction * n_points) >= 5 * n_params
                state["family"] = "gaussian_mixture" if use_centre and big_blocks else "gaussian"

            def integrand(raw):
                return _columns(raw, c, use_centre), None

            return integrand, np.zeros(2 + (3 if use_centre else 2) * d)

        def evaluate_with_pilot(U):
            if "U0" not in state:
                state["U0"] = U
            return evaluate(U)

        def weights(E):
            # delta-method weights: sum over indices of squared sensitivities of the index to
            # each expectation, with pilot estimates clipped to [0, 1]
            m, s2 = E[0], E[1]
            V = s2 - m * m
            if not V > 0:
                return np.ones(E.shape[0])
            _, _, _, Jac = _indices_and_jacobian(E, state["centred"])
            Jac = np.clip(np.nan_to_num(Jac), -10 / V, 10 / V)
            if order == "first":
                Jac = Jac[:d]
            elif order == "total":
                Jac = Jac[d:]
            return (Jac**2).sum(axis=0)

        out = run_aiscv(
            D=2 * d,
            family_fn=lambda: state.get("family", family),
            evaluate=evaluate_with_pilot,
            make_integrand=make_integrand,
            budget=n_points,
            weights=weights,
            defensive=float(defensive),
            adapt_fraction=float(adapt_fraction),
            block_fraction=float(block_fraction),
            rng=rng,
            qmc=bool(qmc),
            n_replicates=int(n_replicates),
        )
    E = out["estimate"]
    cov = summand_covariance(out["summands"])
    S, ST, V, Jac = _indices_and_jacobian(E, state["centred"])
    se = _delta_se(Jac, cov)
    exp_res = ExpectationsResult._from_engine(out)
    return SobolResult(
        first_order=S,
        total_order=ST,
        n_evaluations=out["n_evaluations"] * per,
        first_order_standard_error=se[:d],
        total_order_standard_error=se[d:],
        variance=float(V),
        method=method,
        centred=state["centred"],
        n_points=out["n_evaluations"],
        expectations=exp_res,
        dof=out["dof"],
    )


def _loglinear(raw0, U0, d, threshold=0.97):
    """True for a positive output with squared CV >= 0.25 whose log is R^2-explained
    (>= threshold) by a linear fit in the standard-normal inputs (pilot sample)."""
    y = raw0[:, :2]
    if not np.all(y > 0):
        return False
    # uncentred products suffer the E[phi]^2 cancellation: only worth it when the output
    # varies enough relative to its mean (squared coefficient of variation >= 0.25)
    if y.var() < 0.25 * y.mean() ** 2:
        return False
    logy = np.log(np.concatenate([y[:, 0], y[:, 1]]))
    Z = np.vstack([U0[:, :d], U0[:, d:]])
    Z1 = np.column_stack([np.ones(Z.shape[0]), Z])
    coef, *_ = np.linalg.lstsq(Z1, logy, rcond=None)
    resid = logy - Z1 @ coef
    tot = np.sum((logy - logy.mean()) ** 2)
    if not tot > 0:
        return False
    return bool(1 - resid @ resid / tot >= threshold)


def _sobol_rqmc(func, laws, budget, method, rng, workers, progress, n_replicates, first):
    caller = "sobol_indices"
    check_param(
        budget, [Interval(numbers.Integral, 1, None, closed="left")], name="budget", caller=caller
    )
    check_param(progress, ["boolean"], name="progress", caller=caller)
    check_param(
        n_replicates,
        [Interval(numbers.Integral, 2, None, closed="left")],
        name="n_replicates",
        caller=caller,
    )
    d = laws.d
    per = d + 2
    R = int(n_replicates)
    need = 4 * R * per  # the pilot (one replicate) needs 4 base points, as each replicate
    if int(budget) < need:
        raise InvalidParameterError(
            f"The 'budget' parameter of {caller} is too small for method={method!r}: "
            f"{R} replicates of at least 4 base points of {per} model evaluations need "
            f"{need} evaluations. Got {budget} instead."
        )
    workers = check_workers(workers, caller)
    rng = as_generator(rng)
    n_used = (int(budget) // (per * R)) * per * R
    if method in ("auto", "sequence"):
        n_used = int(budget) // per * per  # at most: the long sequence spends it all
    with (
        progress_bar(progress, total=n_used, desc=caller, unit="eval") as bar,
        ModelCaller(func, workers, caller, n_out={1}, progress=bar) as model,
    ):
        out = rqmc_sobol(
            model,
            laws,
            budget=int(budget),
            n_replicates=R,
            rng=rng,
            surrogate=_RQMC[method],
            first=first,
        )
    if out["constant"]:
        raise InvalidParameterError(
            f"The 'func' parameter of {caller} returned a constant output (value "
            f"{out['c']:.6g} at every point): the output variance is zero and the Sobol' "
            "indices are undefined."
        )
    d = laws.d
    fits = out["fits"]
    labels = tuple(f["label"] for f in fits) if fits else None
    err = float(np.median([f["rel_error"] for f in fits])) if fits else None
    if fits:
        _log.info(
            "sobol_indices: %d evaluations, surrogate bases %s, cross-validation error %.2e",
            out["n_evaluations"],
            ", ".join(sorted(set(labels))),
            err,
        )
    return SobolResult(
        first_order=out["first_order"],
        total_order=out["total_order"],
        n_evaluations=out["n_evaluations"],
        first_order_standard_error=out["se"][:d],
        total_order_standard_error=out["se"][d:],
        variance=out["variance"],
        method=method,
        centred=True,
        n_points=out["n_points"],
        expectations=None,
        dof=out["dof"],
        surrogate_basis=labels,
        surrogate_error=err,
        design="sequence" if out["design"] == "long" else "replicates",
        pilot_error=out.get("pilot_error"),
        janon=out["janon"],
        first_order_interval_centre=None if out.get("centre") is None else out["centre"][:d],
        total_order_interval_centre=None if out.get("centre") is None else out["centre"][d:],
    )
