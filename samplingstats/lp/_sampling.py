"""Public row sampling for lp subspace embeddings: :func:`sensitivity_sample` (executor choice:
in memory or dask) and :func:`sample_size` (the theory's rates)."""

from __future__ import annotations

import math
import numbers
from typing import Literal

import numpy as np

from .._exceptions import InvalidParameterError
from .._rng import as_generator
from .._validation import Interval, StrOptions, validate_params
from ._common import (
    P_CONSTRAINT,
    MatrixLike,
    RngLike,
    SampleMode,
    ScoresName,
    VectorLike,
    as_lp_matrix,
    check_n_samples,
    is_dask_array,
)
from ._core import SCORES, check_scores_array, check_scores_for_p, draw_sample
from ._memory import sampling_scores
from ._results import RowSample

__all__ = ["RowSample", "sensitivity_sample", "sampling_scores", "sample_size", "SCORES"]

SCHEMES = SCORES  # the tuple's name before issue 13 (kept for tests/lp)


def _pow(x, y) -> float:
    """``x ** y`` in float64, ``inf`` where it overflows."""
    try:
        return math.pow(float(x), float(y))
    except OverflowError:
        return math.inf


# sample_size refuses answers above this (no array of more rows fits in any memory)
_MAX_SAMPLE_SIZE = 2**53


@validate_params(
    {
        "A": ["array-like"],
        "p": [P_CONSTRAINT],
        "n_samples": [Interval(numbers.Real, 0, None, closed="neither")],
        "scores": [StrOptions(set(SCORES)), "array-like"],
        "mode": [StrOptions({"bernoulli", "iid"})],
        "rng": ["rng"],
    },
    caller="sensitivity_sample",
)
def sensitivity_sample(
    A: MatrixLike,
    *,
    p: float,
    n_samples: float,
    scores: ScoresName | VectorLike = "lewis",
    mode: SampleMode = "bernoulli",
    rng: RngLike = None,
) -> RowSample:
    """Sample rows of ``A`` for an lp subspace embedding: ``||S A x||_p ~ ||A x||_p`` for all x.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix, torch.Tensor or dask.array.Array, shape (n, d)
        Full column rank matrix. For a dask array the scores are computed chunk by chunk (the
        same sample as in memory for the same ``rng``).
    p : float
        Exponent, ``1 <= p <= 100`` (the supported range: see :func:`lewis_weights`).
    n_samples : int or float
        Bernoulli mode (the default): the *expected* number of kept rows ``m`` (``0 < m <= n``;
        a float is allowed): each row is kept independently, so ``len(S)`` varies around ``m``
        (``n_samples=50`` may keep 49 rows). iid mode: the exact number of draws (an int
        ``<= n``).
    scores : str or array_like, default "lewis"
        Sampling scores ``sigma``:

        - ``"lewis"``: lp Lewis weights (``O~(d^{max(1, p/2)}/eps^2)`` rows) (Cohen & Peng 2015);
        - ``"sensitivity"``: exact lp sensitivities for ``n <= 500`` (cvxpy), else their Lewis
          bound ``d^{max(0, p/2-1)} w_i``;
        - ``"augmented"``: sensitivity + leverage, ``s_i + tau_i`` (the ``O~((S + d)/eps^2)``
          scheme of [MO24]_ for ``p`` in ``[1, 2]``);
        - ``"root_leverage"``: ``tau_i^{p/2}`` (root leverage for ``p < 2``, [WY23]_);
        - ``"mixed"``: the equal mixture of the normalised sensitivity and leverage
          distributions (the [WY23]_ scheme for ``p > 2``);
        - ``"leverage"``: ``tau_i``; ``"uniform"``;
        - an array of ``n`` non-negative scores (torch tensors are accepted).
    mode : {"bernoulli", "iid"}, default "bernoulli"
        ``"bernoulli"`` (Poisson sampling): ``q_i = min(1, c sigma_i)`` with ``sum(q) = m``
        (rows whose share exceeds one are kept with certainty), row ``i`` kept with probability
        ``q_i`` and scaled by ``q_i^(-1/p)``. ``"iid"``: ``m`` draws with replacement from
        ``pi = sigma / sum(sigma)``, each scaled by ``(m pi_i)^(-1/p)``.
    rng : None, int or numpy.random.Generator, optional
        Randomness of the sample (and of sketched scores for large inputs).

    Returns
    -------
    RowSample
        ``indices``, ``scale``, ``probabilities`` (aligned ``(k,)`` arrays); ``S.apply(A)`` gives
        the scaled sampled rows. Unbiased: ``E ||S A x||_p^p = ||A x||_p^p``.

    See Also
    --------
    sample_size : How many rows the theory asks for.
    embedding_distortion : Check the sample's distortion.
    lp_regression : Regression on such a sample.

    Notes
    -----
    Sampling scores are computed to sampling accuracy, not to ``tol=1e-8``: Lewis weights within
    a factor ``e^0.1`` of the exact ones for ``p < 4`` (the iteration stops by its contraction
    bound: 4 leverage evaluations at ``p = 1``, 3 at ``p = 1.5``, at most 6; ``3p`` with residual
    ``1e-2`` for ``p >= 4``), or 3 sketched steps at ``p = 1`` (2 at ``p = 1.5``, at most 5) when
    ``n d >= 4e6``; leverage by Gram + Cholesky / QR (sketched when ``n d >= 4e6``).

    References
    ----------
    .. [WY23] D. P. Woodruff, T. Yasuda. Sharper bounds for lp sensitivity sampling. ICML 2023.
    .. [MO24] A. Munteanu, S. Omlor. Optimal bounds for lp sensitivity sampling via l2
       augmentation. ICML 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.lp import sensitivity_sample
    >>> A = np.random.default_rng(0).standard_t(2, size=(5000, 4))
    >>> S = sensitivity_sample(A, p=1, n_samples=200, rng=1)
    >>> 150 < len(S) < 250
    True
    >>> x = np.ones(4)
    >>> ratio = np.abs(S.apply(A) @ x).sum() / np.abs(A @ x).sum()
    >>> bool(0.8 < ratio < 1.2)
    True
    """
    check_scores_for_p(scores, p, "sensitivity_sample")
    if is_dask_array(A):
        from ._dask import dask_sensitivity_sample

        return dask_sensitivity_sample(
            A,
            p=p,
            n_samples=n_samples,
            scores=scores,
            mode=mode,
            rng=rng,
            small_scores=sampling_scores,
        )
    kind, M = as_lp_matrix(A, "A", caller="sensitivity_sample")
    n, d = M.shape
    p = float(p)
    check_n_samples(n_samples, n, mode, "sensitivity_sample")
    gen = as_generator(rng)
    if isinstance(scores, str):
        sigma = sampling_scores(kind, M, p, scores, gen)
    else:
        sigma = check_scores_array(scores, n)
    return draw_sample(np.ascontiguousarray(sigma, dtype=np.float64), n_samples, p, mode, gen, n)


@validate_params(
    {
        "d": [Interval(numbers.Integral, 1, None, closed="left")],
        "p": [P_CONSTRAINT],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="neither")],
        "scores": [StrOptions({"lewis", "sensitivity", "augmented", "leverage"})],
        "total_sensitivity": [Interval(numbers.Real, 0, math.inf, closed="neither"), None],
        "delta": [Interval(numbers.Real, 0, 1, closed="neither")],
        "constant": [Interval(numbers.Real, 0, math.inf, closed="neither")],
    },
    caller="sample_size",
)
def sample_size(
    d: int,
    *,
    p: float,
    epsilon: float = 0.1,
    scores: Literal["lewis", "sensitivity", "augmented", "leverage"] = "lewis",
    total_sensitivity: float | None = None,
    delta: float = 0.1,
    constant: float = 1.0,
) -> int:
    """Number of rows for a ``(1 +- epsilon)`` lp subspace embedding, from the theory's rates.

    ``constant * rate * log(d / delta) / epsilon^2`` with the rate of the sampling ``scores``
    (the same word as in :func:`sensitivity_sample` and :func:`lp_regression`):

    - ``"lewis"``: ``d`` for ``p <= 2``, ``d^{p/2}`` for ``p > 2`` (Cohen & Peng 2015);
    - ``"sensitivity"``: ``S^{2/p}`` for ``p < 2``, ``S`` at ``p = 2``, ``S^{2-2/p}`` for ``p > 2``
      (Woodruff & Yasuda 2023) (``S`` = ``total_sensitivity``, default its worst case ``d`` or ``d^{p/2}``);
    - ``"augmented"``: ``S + d`` for ``p`` in ``[1, 2]`` (Munteanu & Omlor 2024);
    - ``"leverage"``: ``d`` (``p = 2``).

    The rates hide constants and logarithmic factors: treat the answer as an order of magnitude.
    In practice ``m ~ 25 d`` rows gave a regression cost within 2% of optimal for ``p <= 2`` on
    heavy-tailed data (see the lp user guide).

    Parameters
    ----------
    d : int
        Number of columns of the matrix.
    p : float
        Exponent, ``1 <= p <= 100`` (the supported range: see :func:`lewis_weights`).
    epsilon : float in (0, 1), default 0.1
        Target distortion.
    scores : {"lewis", "sensitivity", "augmented", "leverage"}, default "lewis"
        The sampling scores whose rate is used.
    total_sensitivity : float, optional
        Total sensitivity ``S`` for ``"sensitivity"`` / ``"augmented"``.
    delta : float in (0, 1), default 0.1
        Failure probability.
    constant : float, default 1.0
        Multiplier of the rate.

    Returns
    -------
    int
        The number of rows; pass it as ``n_samples`` (with ``mode="bernoulli"`` an *expected*
        number of kept rows).

    See Also
    --------
    sensitivity_sample : Draw a sample of this size.

    Examples
    --------
    >>> from samplingstats.lp import sample_size
    >>> sample_size(20, p=1, epsilon=0.5)
    424
    >>> sample_size(20, p=3, epsilon=0.5) > sample_size(20, p=1, epsilon=0.5)
    True
    """
    p = float(p)
    if total_sensitivity is None:
        S = float(d) if p <= 2 else _pow(d, p / 2)
    else:
        S = float(total_sensitivity)
    if scores == "lewis":
        rate = d if p <= 2 else _pow(d, p / 2)
    elif scores == "sensitivity":
        rate = _pow(S, 2 / p) if p < 2 else (S if p == 2 else _pow(S, 2 - 2 / p))
    elif scores == "augmented":
        if p > 2:
            raise InvalidParameterError(
                "The 'scores' parameter of sample_size: 'augmented' has a bound for p in [1, 2] "
                f"only. Got p={p!r}."
            )
        rate = S + d
    else:  # "leverage": the p = 2 rate
        if p != 2:
            raise InvalidParameterError(
                "The 'scores' parameter of sample_size: 'leverage' has its rate d for p = 2 "
                f"only. Got p={p!r}; use scores='lewis'."
            )
        rate = d
    log_term = math.log(max(d, 2) / delta)
    m = float(constant) * float(rate) * log_term / float(epsilon) / float(epsilon)
    if not m <= _MAX_SAMPLE_SIZE:
        raise InvalidParameterError(
            f"sample_size: the requested embedding needs more than {_MAX_SAMPLE_SIZE:.0e} rows "
            f"(rate {float(rate):.3g}, 'constant'={constant!r}, 'epsilon'={epsilon!r}, "
            f"'delta'={delta!r}, 'd'={d!r}, 'p'={p!r}); no sample of that size can be drawn."
        )
    return int(math.ceil(m))
