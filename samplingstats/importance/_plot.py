"""Plot helper for the adaptation history of :func:`multiple_expectations`."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_history"]


def plot_history(result, *, ax=None, names=None):
    """Plot the adaptation history: per-point variances, criterion and mixture weights.

    Parameters
    ----------
    result : ExpectationsResult or SobolResult
        A result of :func:`multiple_expectations` or of :func:`sobol_indices` with
        ``method="aiscv"``.
    ax : sequence of three matplotlib Axes, optional
        Axes to draw on; new ones are created (one figure, three panels) when omitted.
    names : sequence of str, optional
        Labels of the expectations (legend of the first panel, up to 10 shown).

    Returns
    -------
    matplotlib.figure.Figure

    See Also
    --------
    multiple_expectations : Returns a result with a ``history``.
    sobol_indices : With ``method="aiscv"``, also has one (in ``result.expectations``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from scipy import stats
    >>> from samplingstats.importance import multiple_expectations, plot_history
    >>> res = multiple_expectations(lambda x: x**2, [stats.norm()], budget=2000, rng=0)
    >>> fig = plot_history(res)
    >>> len(fig.axes)
    3
    """
    from .._optional import import_optional

    plt = import_optional("matplotlib.pyplot", purpose="plot_history")

    from .._validation import InvalidParameterError

    res = getattr(result, "expectations", result)
    hist = getattr(res, "history", None)
    if not isinstance(hist, dict) or "variances" not in hist:
        raise InvalidParameterError(
            "The 'result' parameter of plot_history must be an ExpectationsResult or an "
            f"AISCV SobolResult with a history. Got {type(result).__name__} instead."
        )
    J = np.atleast_2d(hist["variances"]).shape[1]
    if names is not None and (isinstance(names, str) or len(list(names)) != J):
        raise InvalidParameterError(
            f"The 'names' parameter of plot_history must be a sequence of {J} labels (one per "
            f"expectation). Got {names!r} instead."
        )
    if ax is None:
        fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
    else:
        fig = ax[0].figure
    n = hist["n_evaluations"]
    var = np.atleast_2d(hist["variances"])
    J = var.shape[1]
    labels = list(names) if names is not None else [f"I{j + 1}" for j in range(J)]
    for j in range(J):
        ax[0].semilogy(
            n, np.maximum(var[:, j], 1e-300), marker="o", label=labels[j] if j < 10 else None
        )
    ax[0].set(
        xlabel="points evaluated",
        ylabel="per-point variance",
        title="block variances (0: crude pilot)",
    )
    if J <= 10:
        ax[0].legend(fontsize="small")
    ax[1].semilogy(n, hist["criterion"], marker="o")
    ax[1].set(
        xlabel="points evaluated", ylabel="predicted weighted variance", title="stopping criterion"
    )
    alpha = np.atleast_2d(hist["alpha"])
    bottom = np.zeros(alpha.shape[0])
    steps = np.arange(alpha.shape[0])
    for k in range(alpha.shape[1]):
        ax[2].bar(
            steps,
            alpha[:, k],
            bottom=bottom,
            label="defensive" if k == 0 else None,
            color="0.6" if k == 0 else None,
        )
        bottom += alpha[:, k]
    ax[2].set(xlabel="adaptation step", ylabel="mixture weight", title="mixture weights")
    ax[2].legend(fontsize="small")
    fig.tight_layout()
    return fig
