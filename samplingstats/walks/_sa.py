"""SA-SRRW: stochastic approximation driven by a self-repellent random walk (Hu, Doshi & Eun 2024)."""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._progress import check_progress, get_logger, progress_bar
from .._results import Result
from .._rng import as_generator
from .._validation import Interval, InvalidParameterError, validate_params
from ._compat import renamed_parameters
from ._graph import GraphLike, RNGLike, _check_target, as_walk_graph
from ._walks import _check_alpha, _check_chain, _check_srrw_sizes, _run_srrw, _starts

__all__ = ["sa_srrw", "SASRRWResult"]


@dataclasses.dataclass(repr=False)
class SASRRWResult(Result):
    """Result of :func:`sa_srrw`.

    Attributes
    ----------
    theta : ndarray, shape (dim,) or (n_walkers, dim)
        Final estimate: the Polyak average of the iterates when ``polyak=True``, else the last
        iterate.
    last_iterate : ndarray
        The last iterate ``theta_n``.
    history : ndarray, shape (n_records, dim) or (n_records, n_walkers, dim)
        Iterates (averaged ones when ``polyak=True``) at ``history_steps``.
    history_steps : ndarray of int64
        Step numbers of the rows of ``history`` (0 is ``theta0``).
    empirical_measure : ndarray, shape (n_walkers, n_nodes)
        Final SRRW empirical measures.
    regime : str
        ``"beta=o(gamma)"`` (beta_exponent > gamma_exponent, smallest covariance, O(1/alpha^2)),
        ``"beta=gamma"`` (O(1/alpha)) or ``"gamma=o(beta)"`` (no gain from alpha).
    n_steps : int
        Steps per walker.

    See Also
    --------
    sa_srrw : Returns this result.
    """

    theta: NDArray[np.float64]
    last_iterate: NDArray[np.float64]
    history: NDArray[np.float64]
    history_steps: NDArray[np.int64]
    empirical_measure: NDArray[np.float64]
    regime: str
    n_steps: int


def _as_gradient(value, caller):
    """``grad``'s return value as float64; non-numeric or complex values are refused naming
    ``grad``."""
    if value is None:
        raise InvalidParameterError(
            f"The 'grad' parameter of {caller} must return a numeric array like theta0. It "
            "returned None."
        )
    if np.iscomplexobj(value):
        raise TypeError(
            f"The 'grad' parameter of {caller} must return real values; it returned a complex "
            f"{type(value).__name__}."
        )
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"The 'grad' parameter of {caller} must return a numeric array like theta0. It "
            f"returned {type(value).__name__} {str(value)[:60]!r} instead."
        ) from None


def _regime(a, b):
    if b > a:
        return "beta=o(gamma)"
    if b == a:
        return "beta=gamma"
    return "gamma=o(beta)"


@renamed_parameters({"base": "chain"}, n_positional=3, positional="n_steps")
@validate_params(
    {
        "grad": ["callable"],
        "n_steps": [Interval(numbers.Integral, 1, None, closed="left")],
        "gamma_exponent": [Interval(numbers.Real, 0.5, 1, closed="right")],
        "beta_exponent": [Interval(numbers.Real, 0.5, 1, closed="right")],
        "n_walkers": [Interval(numbers.Integral, 1, None, closed="left")],
        "vectorized": ["boolean"],
        "polyak": ["boolean"],
        "record_every": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "rng": ["rng"],
    },
    caller="sa_srrw",
)
def sa_srrw(
    grad: Callable[[Any, Any], ArrayLike],
    graph: GraphLike,
    theta0: ArrayLike,
    *,
    n_steps: int,
    alpha: float | ArrayLike,
    gamma_exponent: float = 0.8,
    beta_exponent: float = 0.9,
    chain: Literal["srw", "mhrw"] = "mhrw",
    target: ArrayLike | Literal["uniform"] | None = None,
    n_walkers: int = 1,
    vectorized: bool = False,
    polyak: bool = False,
    record_every: int | None = None,
    start: Any = None,
    rng: RNGLike = None,
    progress: bool = False,
) -> SASRRWResult:
    """Stochastic approximation with SRRW-driven sampling (SA-SRRW).

    Runs ``X_{n+1} ~ K_{X_n, .}[x_n]`` (a self-repellent walk), ``x_{n+1} = x_n + gamma_{n+1}
    (delta_{X_{n+1}} - x_n)`` and

    ``theta_{n+1} = theta_n - beta_{n+1} grad(theta_n, X_{n+1})``,

    with ``gamma_n = (n + 1)^-gamma_exponent`` and ``beta_n = (n + 1)^-beta_exponent``. With
    ``grad(theta, i) = grad F_i(theta)`` (agent ``i``'s local gradient) the iterates minimise
    ``sum_i mu_i F_i(theta)`` where ``mu`` is the base chain's stationary distribution (uniform for
    the default MHRW, so the plain average; for another base scale ``F_i`` by ``1 / (N mu_i)``).

    The step-size regime sets what ``alpha`` buys (asymptotically): ``beta_exponent >
    gamma_exponent`` (beta = o(gamma), the default 0.9 > 0.8) gives a covariance O(1/alpha^2),
    equal exponents O(1/alpha), ``beta_exponent < gamma_exponent`` no gain.

    The walk does not depend on ``theta``, so it is simulated first (numba kernel), then the
    ``theta`` recursion runs over the visited nodes, calling ``grad`` once per step (per walker, or
    once for all walkers when ``vectorized=True``).

    Parameters
    ----------
    grad : callable
        ``grad(theta, node) -> array like theta`` (node is an int index). With
        ``vectorized=True``: ``grad(thetas, nodes)`` with ``thetas`` of shape (n_walkers, dim) and
        ``nodes`` of shape (n_walkers,), returning (n_walkers, dim).
    graph : scipy.sparse matrix, dense array, networkx.Graph, PyG edge_index or Data, or WalkGraph
        Connected undirected graph (the agents' communication graph).
    theta0 : array-like of shape (dim,)
        Starting point (a scalar is treated as dim 1).
    n_steps : int
        Iterations per walker.
    alpha : float or array of shape (n_steps,)
        SRRW strength (0 is the base chain).
    gamma_exponent, beta_exponent : float in (0.5, 1]
        Step-size exponents ``a`` and ``b`` (defaults 0.8 and 0.9).
    chain : {"mhrw", "srw"}, default "mhrw"
        Reversible base chain.
    target : array of shape (n_nodes,), "uniform" or None
        MHRW stationary distribution (uniform by default).
    n_walkers : int, default 1
        Independent runs (each its own walk and iterate).
    vectorized : bool, default False
        Call ``grad`` once per step for all walkers.
    polyak : bool, default False
        Return the Polyak–Ruppert average of the iterates ``(1/n) sum_{k=1}^n theta_k``.
    record_every : int, optional
        Record the iterate every ``record_every`` steps (default: about 200 records).
    start : node, sequence of nodes or None
        Start nodes (``None``: drawn from the base chain's stationary distribution).
    rng : None, int or numpy.random.Generator
        Seed or generator.
    progress : bool, default False
        Progress bars (tqdm, when installed) for the walk and for the iterate recursion; start and
        end of each are logged at INFO level on the ``samplingstats.walks`` logger.

    Returns
    -------
    SASRRWResult

    Raises
    ------
    InvalidParameterError
        Invalid parameters, or ``grad`` returning a wrong shape or non-finite values.

    See Also
    --------
    self_repellent_walk : The walk that drives the iterates.
    graph_average : Node averages from SRRW walkers (no optimisation).

    Examples
    --------
    Distributed mean estimation: agent ``i`` holds ``v_i`` and ``F_i(theta) = |theta - v_i|^2/2``.

    >>> import networkx as nx
    >>> import numpy as np
    >>> from samplingstats.walks import sa_srrw
    >>> G = nx.karate_club_graph()
    >>> v = np.arange(34, dtype=float)[:, None]
    >>> res = sa_srrw(lambda th, i: th - v[i], G, np.zeros(1), n_steps=50000, alpha=5.0, rng=0)
    >>> res.regime
    'beta=o(gamma)'
    >>> bool(abs(res.theta[0] - v.mean()) < 1.0)
    True
    """
    caller = "sa_srrw"
    g = as_walk_graph(graph)
    _check_chain(chain, g, caller)
    n_steps = int(n_steps)
    alphas = _check_alpha(alpha, n_steps, caller)
    tgt = _check_target(target, g, caller)
    if tgt is not None and chain != "mhrw":
        raise InvalidParameterError(
            f"The 'target' parameter of {caller} is only used with chain='mhrw'. Got chain={chain!r}."
        )
    if np.iscomplexobj(theta0):
        raise TypeError(f"The 'theta0' parameter of {caller} must be real; got complex values.")
    try:
        th0 = np.atleast_1d(np.asarray(theta0, dtype=np.float64))
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"The 'theta0' parameter of {caller} must be a numeric array. Got {theta0!r} instead."
        ) from None
    if th0.ndim != 1 or th0.shape[0] == 0 or not np.all(np.isfinite(th0)):
        raise InvalidParameterError(
            f"The 'theta0' parameter of {caller} must be a finite non-empty 1-D array (or "
            f"scalar). Got shape {th0.shape}"
            + (" with non-finite entries" if th0.size and not np.all(np.isfinite(th0)) else "")
            + " instead."
        )
    _check_srrw_sizes(g, int(n_walkers), n_steps, True, caller)
    gen = as_generator(rng)
    ch = g.chain(chain, tgt)
    starts = _starts(g, ch, start, n_walkers, gen, caller)
    progress = check_progress(progress, caller=caller)
    x, trace = _run_srrw(
        g,
        ch,
        alphas,
        gamma_exponent,
        starts,
        n_steps,
        gen,
        True,
        "numpy",
        None,
        progress=progress,
        caller=caller,
    )
    log = get_logger("walks")
    log.info("%s: iterate recursion over %d steps x %d walkers", caller, n_steps, int(n_walkers))
    if record_every is None:
        record_every = max(1, n_steps // 200)
    rec_steps = np.arange(0, n_steps + 1, record_every, dtype=np.int64)
    if rec_steps[-1] != n_steps:
        rec_steps = np.append(rec_steps, n_steps)
    W, dim = int(n_walkers), th0.shape[0]
    theta = np.tile(th0, (W, 1))
    avg = np.zeros_like(theta)
    hist = np.empty((rec_steps.shape[0], W, dim))
    hist[0] = theta
    with progress_bar(progress, total=n_steps, desc=f"{caller} iterates", unit="step") as bar:
        betas = (np.arange(2, n_steps + 2, dtype=np.float64)) ** (-float(beta_exponent))
        r = 1
        nxt = rec_steps[1] if rec_steps.shape[0] > 1 else n_steps + 1
        for t in range(n_steps):
            nodes = trace[:, t + 1]
            b = betas[t]
            if vectorized:
                gr = _as_gradient(grad(theta.copy(), nodes.copy()), caller)
                if t == 0 and gr.shape != theta.shape:
                    raise InvalidParameterError(
                        f"grad must return an array of shape {theta.shape} with vectorized=True "
                        f"(one gradient per walker). Got shape {gr.shape} instead."
                    )
                theta = theta - b * gr
            else:
                for w in range(W):
                    gw = _as_gradient(grad(theta[w].copy(), int(nodes[w])), caller)
                    if t == 0 and gw.reshape(-1).shape != (dim,):
                        raise InvalidParameterError(
                            f"grad must return an array of shape ({dim},) like theta0. Got shape "
                            f"{gw.shape} instead."
                        )
                    theta[w] -= b * gw.reshape(dim)
            if polyak:
                avg += (theta - avg) / (t + 1)
            if t + 1 == nxt:
                cur = avg if polyak else theta
                if not np.all(np.isfinite(cur)):
                    raise InvalidParameterError(
                        f"grad produced non-finite iterates by step {t + 1} of {caller}; check the "
                        "gradient or lower the step sizes (larger beta_exponent)."
                    )
                hist[r] = cur
                r += 1
                nxt = rec_steps[r] if r < rec_steps.shape[0] else n_steps + 1
                bar.update(int(t + 1 - bar.n))
    final = avg if polyak else theta
    if W == 1:
        final, last, hist = final[0], theta[0], hist[:, 0, :]
    else:
        last = theta
    return SASRRWResult(
        theta=final.copy(),
        last_iterate=last.copy(),
        history=hist,
        history_steps=rec_steps,
        empirical_measure=x,
        regime=_regime(float(gamma_exponent), float(beta_exponent)),
        n_steps=n_steps,
    )
