"""scikit-learn estimators: SDPKMeans and ILASDP."""

from __future__ import annotations

import numbers
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)

from .._progress import get_logger, progress_bar
from .._rng import as_generator
from .._validation import Interval, InvalidParameterError, StrOptions, check_param
from ._sdp import (
    DEFAULTS,
    _nearest,
    check_cluster_input,
    run_sdp_kmeans,
    validate_sdp_params,
)

__all__ = ["SDPKMeans", "ILASDP"]

_LOG = get_logger("cluster")

#: spread of the data (largest centred entry) that ILASDP accepts: its covariances and their
#: determinants must stay representable in the data's units
ILASDP_SCALE = (1e-60, 1e60)


def _squared_distances(X, centres):
    """Squared distances (n, K), exact enough near zero (clipped at 0)."""
    d2 = (
        np.einsum("ij,ij->i", X, X)[:, None]
        - 2.0 * X @ centres.T
        + np.einsum("ij,ij->i", centres, centres)[None, :]
    )
    return np.maximum(d2, 0.0)


def _validate(est, X, *, reset, method="fit"):
    """scikit-learn's input validation, its errors naming the estimator, method and ``X``."""
    from sklearn.utils.validation import validate_data

    where = f"Argument 'X' of {type(est).__name__}.{method}"
    try:
        return validate_data(est, X, reset=reset, dtype=np.float64, ensure_min_samples=1)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, InvalidParameterError):
            raise
        # scikit-learn's own phrase is kept inside (its estimator checks match on it)
        raise InvalidParameterError(f"{where}: {exc}") from None


class SDPKMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    r"""K-means clustering by the Peng--Wei SDP relaxation (Burer--Monteiro or cvxpy).

    Solves :math:`\max\langle \tilde X\tilde X^\top, Z\rangle` over :math:`Z\succeq 0`,
    :math:`Z\ge 0`, :math:`Z1 = 1`, :math:`\operatorname{tr}Z = K` and rounds the solution by
    k-means++ on its leading eigenvectors; see :func:`sdp_kmeans` for the solvers and the
    sketch-and-lift option. Under the isotropic Gaussian mixture the SDP recovers the clusters
    exactly above the Chen--Yang separation (:func:`exact_recovery_threshold`), where Lloyd's
    algorithm can still be trapped in local optima.

    Parameters
    ----------
    n_clusters : int, default 8
        Number of clusters.
    solver : {"auto", "bm", "cvxpy"}, default "auto"
        ``"bm"`` (``"auto"``): nonnegative Burer--Monteiro with an augmented Lagrangian;
        ``"cvxpy"``: the full SDP with SCS (at most 400 points; a reference solver).
    rank : int, optional
        Factor rank (default ``2 * n_clusters``).
    sketch : {"auto", None, "uniform", "weighted"}, default "auto"
        Sketch-and-lift (Zhuang, Chen & Yang, AISTATS 2022) for large data sets: solve the SDP
        on a subsample, assign all points to the nearest sketch centroid and run Lloyd
        iterations on all points. ``"auto"`` (the new default; it was ``None``, see CHANGELOG)
        sketches uniformly with ``min(max(1000, 50K, 20Kd), 5000, n // 8)`` points when that is
        at least ``max(1000, 50K)`` (from 8000 points for K <= 20) and solves the full SDP below
        (see :func:`sdp_kmeans`); ``None`` always solves the full SDP (clusters under about 2 %
        of the data can be missed by the sketch).
        ``result_.sketch_size`` says which path ran.
    sketch_size : int, optional
        Expected sketch size (see :func:`sdp_kmeans`; with ``"auto"``, a given size always
        sketches).
    tol : float, optional
        Solver tolerance (see :func:`sdp_kmeans`); default 1e-6 for the full SDP, 1e-4 on a
        sketch.
    max_iter : int, optional
        Solver iteration cap.
    random_state : int, Generator, RandomState or None
        Seed of the start, the rounding and the sketch.
    verbose : int, default 0
        ``verbose > 0`` shows a progress bar over the solver iterations (tqdm, when installed).
        The fit is logged to the ``samplingstats.cluster`` logger at INFO whatever the value.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training point.
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Cluster means.
    objective_ : float
        SDP objective of the relaxed solution (of the SDP on the sketch when sketching).
    inertia_ : float
        Within-cluster sum of squares of ``labels_``.
    residual_ : float
        Feasibility residual :math:`\|Z1 - 1\|_2/\sqrt m` of the relaxed solution.
    n_iter_ : int
        Iterations run (Lloyd iterations of the start plus Burer--Monteiro iterations).
    converged_ : bool
        Whether the solver met its tolerances (or the start was certified optimal).
    result_ : SDPResult
        Full result (factor, stationarity, sketch indices, ``sketch_size`` (``None``: the SDP
        was solved on all points), ``status``, ``dual_bound`` and ``duality_gap``:
        ``status == "certified"`` when the partition is proven SDP-optimal). With a sketch the
        certificate is that of the SDP on the sketch (how close its relaxed solution is to that
        SDP's optimum), not of the labels of all points.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    sdp_kmeans : the same solver as a function, returning an :class:`SDPResult`.
    ILASDP : likelihood adjusted SDP for mixtures with unequal covariances.
    misclustering_error : error of a clustering under the best label matching.

    Examples
    --------
    >>> from samplingstats.cluster import SDPKMeans, make_isotropic_mixture, misclustering_error
    >>> X, y = make_isotropic_mixture(200, 4, 3, separation=6.0, rng=1)
    >>> km = SDPKMeans(n_clusters=3, random_state=0).fit(X)
    >>> misclustering_error(y, km.labels_), km.converged_
    (0.0, True)
    >>> bool((km.predict(X) == km.labels_).all())
    True

    ``score`` is minus the K-means objective (as in scikit-learn's ``KMeans``), so model selection
    works without a ``scoring`` argument; ``transform`` gives the distances to the cluster means:

    >>> bool(abs(km.score(X) + km.inertia_) < 1e-9 * km.inertia_)
    True
    >>> km.transform(X[:2]).shape
    (2, 3)
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        solver: Literal["auto", "bm", "cvxpy"] = DEFAULTS["solver"],
        rank: int | None = DEFAULTS["rank"],
        sketch: Literal["auto", "uniform", "weighted"] | None = DEFAULTS["sketch"],
        sketch_size: int | None = DEFAULTS["sketch_size"],
        tol: float | None = DEFAULTS["tol"],
        max_iter: int | None = DEFAULTS["max_iter"],
        random_state: Any = None,
        verbose: int | bool = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.solver = solver
        self.rank = rank
        self.sketch = sketch
        self.sketch_size = sketch_size
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X: ArrayLike, y: Any = None) -> SDPKMeans:
        """Cluster ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : None
            Ignored (scikit-learn convention).

        Returns
        -------
        self : SDPKMeans
            Fitted estimator.
        """
        caller = type(self).__name__
        check_param(
            self.verbose,
            [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
            name="verbose",
            caller=caller,
        )
        validate_sdp_params(
            caller,
            solver=self.solver,
            rank=self.rank,
            tol=self.tol,
            max_iter=self.max_iter,
            sketch=self.sketch,
            sketch_size=self.sketch_size,
        )
        X = _validate(self, X, reset=True)
        X = check_cluster_input(X, self.n_clusters, caller)
        gen = as_generator(self.random_state, name="random_state")
        res = run_sdp_kmeans(
            X,
            int(self.n_clusters),
            solver=self.solver,
            rank=self.rank,
            tol=None if self.tol is None else float(self.tol),
            max_iter=self.max_iter,
            sketch=self.sketch,
            sketch_size=self.sketch_size,
            gen=gen,
            caller=caller,
            progress=bool(self.verbose),
        )
        self.result_ = res
        self.labels_ = res.labels
        self.cluster_centers_ = res.centers
        self.objective_ = res.objective
        self.inertia_ = res.inertia
        self.residual_ = res.residual
        self.n_iter_ = res.n_iter
        self.converged_ = res.converged
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.int64]:
        """Index of the nearest cluster centre for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster of each row.
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False, method="predict")
        return _nearest(X, self.cluster_centers_).astype(np.int64)

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Euclidean distances of each row of ``X`` to the cluster means.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
            Distance of each row to each cluster mean.
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False, method="transform")
        return np.sqrt(_squared_distances(X, self.cluster_centers_))

    @property
    def _n_features_out(self):
        """Number of transformed output features (for get_feature_names_out)."""
        return self.cluster_centers_.shape[0]

    def score(self, X: ArrayLike, y: Any = None) -> float:
        """Minus the K-means objective of ``X`` under the fitted means (larger is better).

        The sum over the rows of ``X`` of the squared distance to the nearest cluster mean, negated
        (as :meth:`sklearn.cluster.KMeans.score`); on the training data it is ``-inertia_`` when
        every point lies nearest its own cluster's mean.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Minus the within-cluster sum of squares of ``X``.
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False, method="score")
        return -float(np.sum(np.min(_squared_distances(X, self.cluster_centers_), axis=1)))


class ILASDP(ClusterMixin, BaseEstimator):
    r"""Iterative likelihood adjusted SDP for Gaussian mixtures with unequal covariances.

    Alternates (i) estimating weights, means and shrunk covariances from the current
    partition and (ii) solving the likelihood adjusted SDP

    .. math:: \max \sum_k \langle B_k, Z_k\rangle \quad\text{s.t.}\quad Z_k\succeq 0,\ Z_k\ge 0,
              \ \operatorname{tr} Z_k = 1,\ \textstyle\sum_k Z_k 1 = 1,

    :math:`B_k = \tfrac12 X\Sigma_k^{-1}X^\top - \tfrac14(a_k1^\top + 1a_k^\top) -
    \tfrac12\log\det\Sigma_k\,J`, :math:`a_k = \operatorname{diag}(X\Sigma_k^{-1}X^\top)`, whose
    value at :math:`Z_k = 1_{G_k}1_{G_k}^\top/n_k` is the Gaussian log-likelihood of the
    partition with the means profiled out (no centroid estimation). The SDP is solved by a
    per-block nonnegative Burer--Monteiro factorisation with the shared row-sum constraint and
    rounded by :math:`\arg\max_k (Z_k1)_i`. A rounded partition is accepted when the refitted
    mixture's observed-data log-likelihood increases and every cluster keeps
    :math:`\min(d + 1, n/2K)` points; otherwise the step is the likelihood reassignment
    :math:`\arg\max_k \log\pi_k N(x_i;\mu_k,\Sigma_k)`, so the likelihood never decreases.
    With all :math:`\Sigma_k = \sigma^2 I` the SDP is Peng--Wei's with :math:`A = XX^\top/2\sigma^2`.

    Parameters
    ----------
    n_clusters : int, default 8
        Number of mixture components.
    init : {"kmeans++", "sdp"}, default "kmeans++"
        Initial partition: k-means (k-means++ seeding, 10 starts) or :class:`SDPKMeans`.
    covariance_regularization : "ledoit_wolf" or float, default "ledoit_wolf"
        ``"ledoit_wolf"``: Ledoit--Wolf shrinkage towards :math:`\operatorname{tr}(S)/d\,I` for
        clusters with fewer than :math:`5d` points (a ridge of :math:`10^{-6}\operatorname{tr}
        (S)/d` otherwise); a float in [0, 1] is a fixed shrinkage intensity.
    max_iter : int, default 20
        Maximum number of outer iterations.
    solver : {"auto", "bm", "cvxpy"}, default "auto"
        LA-SDP solver: Burer--Monteiro (``"auto"``) or cvxpy/SCS (at most 150 points).
    refine : bool, default True
        After the iterations, refine the mixture by EM steps (soft responsibilities, same
        shrinkage) until the log-likelihood stalls. The hard partitions of the SDP iterations give
        biased covariances when clusters overlap (the classification-likelihood bias); EM from
        the iLA-SDP solution removes it, and the SDP start keeps EM away from its poor optima.
    random_state : int, Generator, RandomState or None
        Seed of the initialisation and the SDP starts.
    verbose : int, default 0
        ``verbose > 0`` shows a progress bar over the outer iterations (tqdm, when installed).
        Each iteration (log-likelihood, accepted SDP partitions) is logged to the
        ``samplingstats.cluster`` logger at INFO whatever the value.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Component of each training point (the maximum-posterior rule of the fitted mixture).
    means_ : ndarray of shape (n_clusters, n_features)
    covariances_ : ndarray of shape (n_clusters, n_features, n_features)
        Shrunk covariance estimates.
    weights_ : ndarray of shape (n_clusters,)
        Mixing proportions.
    log_likelihood_ : float
        Observed-data log-likelihood (sum over the training points) of the fitted mixture.
    n_iter_ : int
        Outer iterations run.
    converged_ : bool
        Whether the partition stopped changing (or the log-likelihood stalled) before
        ``max_iter``.
    n_sdp_accepted_ : int
        Number of iterations whose partition came from the LA-SDP.
    n_em_iter_ : int
        EM refinement steps run (0 with ``refine=False``).
    n_features_in_ : int

    See Also
    --------
    SDPKMeans : Peng--Wei SDP K-means (equal isotropic covariances).
    make_heterogeneous_mixture : the validation mixtures with unequal covariances.

    Examples
    --------
    >>> from samplingstats.cluster import ILASDP, make_heterogeneous_mixture, misclustering_error
    >>> X, y, _ = make_heterogeneous_mixture(600, 5, scale=6.0, rng=0)
    >>> model = ILASDP(n_clusters=3, random_state=0).fit(X)
    >>> misclustering_error(y, model.labels_) < 0.05
    True
    >>> model.predict_proba(X[:2]).sum(axis=1).round(6).tolist()
    [1.0, 1.0]
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: Literal["kmeans++", "sdp"] = "kmeans++",
        covariance_regularization: Literal["ledoit_wolf"] | float = "ledoit_wolf",
        max_iter: int = 20,
        solver: Literal["auto", "bm", "cvxpy"] = "auto",
        refine: bool = True,
        random_state: Any = None,
        verbose: int | bool = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.covariance_regularization = covariance_regularization
        self.max_iter = max_iter
        self.solver = solver
        self.refine = refine
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self):
        caller = type(self).__name__
        check_param(self.init, [StrOptions({"kmeans++", "sdp"})], name="init", caller=caller)
        check_param(
            self.covariance_regularization,
            [StrOptions({"ledoit_wolf"}), Interval(numbers.Real, 0, 1, closed="both")],
            name="covariance_regularization",
            caller=caller,
        )
        check_param(
            self.max_iter,
            [Interval(numbers.Integral, 1, None, closed="left")],
            name="max_iter",
            caller=caller,
        )
        check_param(
            self.solver, [StrOptions({"auto", "bm", "cvxpy"})], name="solver", caller=caller
        )
        check_param(self.refine, ["boolean"], name="refine", caller=caller)
        check_param(
            self.verbose,
            [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
            name="verbose",
            caller=caller,
        )
        return caller

    def fit(self, X: ArrayLike, y: Any = None) -> ILASDP:
        """Fit the mixture to ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : None
            Ignored (scikit-learn convention).

        Returns
        -------
        self : ILASDP
            Fitted estimator.
        """
        from ._sdp import _blas_threads

        caller = self._check_params()
        data = _validate(self, X, reset=True)
        data = check_cluster_input(data, self.n_clusters, caller)
        span = float(np.max(np.abs(data - data.mean(axis=0))))
        if not ILASDP_SCALE[0] <= span <= ILASDP_SCALE[1]:
            # covariances are squares of the data's scale and their determinants its 2d-th
            # power: outside this range they over- or underflow float64 in the data's units
            raise InvalidParameterError(
                f"Argument 'X' of {caller} has a spread of {span:.3g} (largest centred entry); "
                f"its covariances would over- or underflow float64 outside "
                f"[{ILASDP_SCALE[0]:g}, {ILASDP_SCALE[1]:g}]. Rescale X (e.g. X / {span:.0e})."
            )
        n, d = data.shape
        with _blas_threads(n * d * max(d, 8) * int(self.n_clusters)):
            return self._fit(data, caller)

    def _fit(self, X, caller):
        from sklearn.cluster import KMeans

        from ._ilasdp import em_refine, fit_ilasdp

        n, d = X.shape
        K = int(self.n_clusters)
        if self.solver == "cvxpy" and n > 150:
            raise InvalidParameterError(
                f"solver='cvxpy' in {caller} is a reference for small problems (at most 150 "
                f"points); got {n}. Use solver='auto'."
            )
        gen = as_generator(self.random_state, name="random_state")
        reg = self.covariance_regularization
        reg = reg if isinstance(reg, str) else float(reg)
        if K == 1:
            labels0 = np.zeros(n, dtype=np.int64)
        elif self.init == "sdp":
            labels0 = run_sdp_kmeans(
                X,
                K,
                solver="bm",
                rank=None,
                tol=1e-6,
                max_iter=None,
                sketch=None,
                sketch_size=None,
                gen=gen,
                caller=caller,
            ).labels
        else:
            seed = int(gen.integers(2**31 - 1))
            labels0 = KMeans(n_clusters=K, n_init=10, random_state=seed).fit(X).labels_
        n_outer = int(self.max_iter) if K > 1 else 1

        with progress_bar(bool(self.verbose), total=n_outer, desc=caller, unit="it") as bar:

            def monitor(it, total, accepted):
                bar.update(1)
                bar.set_postfix_str(f"log-likelihood {total:.6g}")
                _LOG.info(
                    "%s: iteration %d, log-likelihood %.8g, SDP partition %s",
                    caller,
                    it,
                    total,
                    "accepted" if accepted else "rejected (likelihood reassignment)",
                )

            out = fit_ilasdp(
                X,
                labels0,
                K,
                regularization=reg,
                max_iter=n_outer,
                rank=4,
                tol=1e-5,
                gen=gen,
                solver=self.solver,
                callback=monitor,
            )
        params = (out["weights"], out["means"], out["covariances"])
        total = out["log_likelihood"]
        self.n_em_iter_ = 0
        if self.refine and K > 1:
            params, total, self.n_em_iter_ = em_refine(X, params, reg)
        _LOG.info(
            "%s: %d iterations (%d SDP partitions accepted), converged=%s, %d EM steps, "
            "log-likelihood %.8g",
            caller,
            out["n_iter"],
            out["n_sdp_accepted"],
            out["converged"],
            self.n_em_iter_,
            total,
        )
        self.weights_, self.means_, self.covariances_ = params
        self.log_likelihood_ = total
        self.n_iter_ = out["n_iter"]
        self.converged_ = out["converged"]
        self.n_sdp_accepted_ = out["n_sdp_accepted"]
        if not self.converged_:
            import warnings

            from .._exceptions import ConvergenceWarning

            warnings.warn(
                f"{caller} did not converge in max_iter={self.max_iter} iterations (the partition "
                "was still changing); increase max_iter.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.labels_ = np.argmax(self._estimate_weighted_log_prob(X), axis=1).astype(np.int64)
        return self

    def _estimate_weighted_log_prob(self, X):
        from ._ilasdp import log_gaussian

        return log_gaussian(X, self.means_, self.covariances_) + np.log(
            np.maximum(self.weights_, 1e-300)
        )

    def _checked(self, X, method):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return _validate(self, X, reset=False, method=method)

    def predict(self, X: ArrayLike) -> NDArray[np.int64]:
        """Most probable component of each row of ``X`` under the fitted mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Component of each row.
        """
        X = self._checked(X, "predict")
        return np.argmax(self._estimate_weighted_log_prob(X), axis=1).astype(np.int64)

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Posterior component probabilities of each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_clusters)
            Posterior probabilities (rows sum to 1).
        """
        from scipy.special import softmax

        X = self._checked(X, "predict_proba")
        return softmax(self._estimate_weighted_log_prob(X), axis=1)

    def score_samples(self, X: ArrayLike) -> NDArray[np.float64]:
        """Log-density of the fitted mixture at each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
            Log-density of each row.
        """
        from scipy.special import logsumexp

        X = self._checked(X, "score_samples")
        return logsumexp(self._estimate_weighted_log_prob(X), axis=1)

    def score(self, X: ArrayLike, y: Any = None) -> float:
        """Mean log-likelihood of ``X`` under the fitted mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Mean log-density of the rows of ``X``.
        """
        return float(np.mean(self.score_samples(X)))
