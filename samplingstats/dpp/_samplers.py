"""Exact samplers: iid optimal (Christoffel) sampling, projection DPPs, volume-rescaled and repeated
DPP designs."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .._backend import resolve_backend, resolve_device
from .._results import Result
from .._rng import as_generator
from .._validation import InvalidParameterError, StrOptions, check_param, check_size
from ._finite import FiniteBasis, _one_blas_thread
from ._polynomials import PolynomialBasis

__all__ = ["ProjectionDPP", "Design", "sample_design"]

_KINDS = ("iid", "dpp", "volume", "repeated_dpp")


def _check_basis(basis, caller):
    if not isinstance(basis, (PolynomialBasis, FiniteBasis)):
        raise InvalidParameterError(
            f"The 'basis' parameter of {caller} must be a PolynomialBasis or a FiniteBasis. "
            f"Got {type(basis).__name__} instead."
        )
    return basis


class ProjectionDPP:
    """Exact sampler of the projection DPP of an orthonormal basis (set up once, draw many).

    The projection DPP of ``phi = (phi_1..phi_m)`` has ``m`` points with joint density
    ``det[phi_j(x_i)]^2 / m!`` w.r.t. ``mu^{⊗m}``; each point has marginal ``k_m / m dmu``.

    Parameters
    ----------
    basis : PolynomialBasis or FiniteBasis
        The orthonormal basis.
    method : {"auto", "rejection", "spectral"}, default "auto"
        ``"rejection"``: the chain rule with rejection from the optimal density (proposals from the
        Christoffel mixture, or from an alias table of the leverage scores for a finite pool;
        expected ``m H_m`` proposals, ``O(m^3 log m)`` flops). ``"spectral"`` (finite pools only): the
        classical spectral chain rule, ``O(N m^2)`` per draw, a reference implementation.
        ``"auto"`` is ``"rejection"``.

    Attributes
    ----------
    expected_proposals : float
        ``m H_m``, the expected number of proposals per draw of the rejection chain rule.

    See Also
    --------
    sample_design : Designs built on DPP draws (volume, repeated DPP).
    FiniteBasis : Finite pools.
    PolynomialBasis : Polynomial bases.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats.dpp import PolynomialBasis, ProjectionDPP
    >>> dpp = ProjectionDPP(PolynomialBasis(2, 3))
    >>> dpp.sample(rng=0).shape
    (10, 2)
    >>> dpp.sample(4, rng=0).shape
    (4, 10, 2)
    """

    basis: PolynomialBasis | FiniteBasis
    method: str
    expected_proposals: float

    def __init__(
        self,
        basis: PolynomialBasis | FiniteBasis,
        *,
        method: Literal["auto", "rejection", "spectral"] = "auto",
    ) -> None:
        self.basis = _check_basis(basis, "ProjectionDPP")
        check_param(
            method,
            [StrOptions({"auto", "rejection", "spectral"})],
            name="method",
            caller="ProjectionDPP",
        )
        if method == "spectral" and not isinstance(basis, FiniteBasis):
            raise InvalidParameterError(
                "The 'method' parameter of ProjectionDPP may be 'spectral' only for a FiniteBasis."
            )
        self.method = "rejection" if method == "auto" else method
        m = basis.size
        self.expected_proposals = float(m * np.sum(1.0 / np.arange(1, m + 1)))

    def __repr__(self):
        return f"ProjectionDPP({self.basis!r}, method={self.method!r})"

    def _sample_numpy(self, R, rng):
        from .._kernels import _dpp as K

        b = self.basis
        if isinstance(b, FiniteBasis):
            if self.method == "rejection" and b._V is None:
                res = _lazy_finite_draws(b, R, rng)
                if res is not None:
                    return res
            V = np.ascontiguousarray(b.V, dtype=np.float64)
            lev = np.ascontiguousarray(b.leverage, dtype=np.float64)
            if self.method == "spectral":
                return K.dpp_finite_spectral(R, V, lev, rng)
            prob, alias = b._alias_table()
            return K.dpp_finite_rejection(R, V, lev, prob, alias, rng)
        f = b._family
        return K.dpp_continuous(R, b.multi_indices, f.alpha, f.sqb, b.maxdeg, *f.kernel_args(), rng)

    def sample(
        self,
        n_samples: int | None = None,
        *,
        rng: Any = None,
        device: Any = None,
        backend: Literal["auto", "numpy", "torch"] = "auto",
    ) -> Any:
        """Draw from the projection DPP.

        Parameters
        ----------
        n_samples : int or None
            Number of independent DPP draws: ``None`` gives one draw; an int ``R`` gives ``R``
            draws stacked along a new first axis (each draw has ``m`` points).
        rng : seed-like, optional
            Random generator (SPEC 7).
        device : str or torch.device, optional
            Run the batched torch sampler on this device (returns a torch tensor there).
        backend : {"auto", "numpy", "torch"}, default "auto"
            ``"auto"`` uses torch when ``device`` is given, numba otherwise.

        Returns
        -------
        ndarray or tensor
            Polynomial basis: ``(m, d)`` points, or ``(R, m, d)``. Finite pool: ``(m,)`` int64
            indices, or ``(R, m)``. Points are in the order of the chain rule (exchangeable in
            distribution). Torch draws are reproducible per device, not across devices.
        """
        caller = "ProjectionDPP.sample"
        R = _check_draws(n_samples, caller, self.basis)
        be = resolve_backend(backend, device=device, caller=caller)
        rng = as_generator(rng)
        if be == "torch":
            from ._torch_dpp import torch_projection_dpp

            out, _ = torch_projection_dpp(self, R, rng, resolve_device(device))
        else:
            out, _ = self._sample_numpy(R, rng)
        return out[0] if n_samples is None else out

    def sample_with_proposals(
        self, n_samples: int | None = None, *, rng: Any = None
    ) -> tuple[Any, Any]:
        """Like :meth:`sample` (numpy) but also returns the number of proposals of each draw.

        Parameters
        ----------
        n_samples : int or None
            ``None`` for one draw, or the number of draws ``R``.
        rng : seed-like, optional
            Random generator (SPEC 7).

        Returns
        -------
        tuple
            The draws (as :meth:`sample`) and the number of proposals of each draw (an int,
            or an ``(R,)`` array): ``m H_m`` on average for the rejection chain rule. A few draws on
            a :class:`FiniteBasis` whose ``V`` is not formed yet propose from an upper bound ``u``
            of the leverage scores instead (rows formed only for the proposals): their count has
            mean ``sum(u) H_m``.

        Examples
        --------
        >>> from samplingstats.dpp import PolynomialBasis, ProjectionDPP
        >>> points, n_proposals = ProjectionDPP(PolynomialBasis(1, 4)).sample_with_proposals(rng=0)
        >>> points.shape, n_proposals >= 5
        ((5, 1), True)
        """
        R = _check_draws(n_samples, "ProjectionDPP.sample_with_proposals", self.basis)
        rng = as_generator(rng)
        out, nprop = self._sample_numpy(R, rng)
        return (out[0], int(nprop[0])) if n_samples is None else (out, nprop)


# a phase of the lazy draw ends when _FRACTION of its k dimensions are taken (_FIRST_FRACTION for
# the first); from _LAST_PHASE remaining dimensions on, the draw finishes in one phase (a change of
# coordinates costs ~0.05-0.3 ms; these values measured best for m = 100 and 200)
_FIRST_FRACTION = 0.75
_FRACTION = 0.75
_LAST_PHASE = 12
# a block of proposals covers the mean number still needed in its phase plus _BLOCK_SD standard
# deviations plus _BLOCK_PAD (a top-up block follows when it runs out)
_BLOCK_SD = 0.3
_BLOCK_PAD = 8


_Z_CACHE: dict[tuple[int, int], Any] = {}


def _complement(Qt):
    """Orthonormal basis ``C`` (``k x (k - t)``) of the orthogonal complement of the orthonormal
    rows ``Qt`` (``t x k``).

    ``C`` spans ``(I - Qt^T Qt) Z`` for a fixed Gaussian ``Z`` (``k x (k - t)``, drawn once per shape
    from its own seed: the draws' stream is not touched, and the law of a draw does not depend on
    which basis of the complement is used), orthonormalised by a thin Householder QR: cheaper than
    the complete QR of ``Qt^T`` when ``t`` is large. A badly conditioned projection (a diagonal
    entry of ``R`` below ``1e-4`` of the largest column norm of ``Z``) falls back to the complete
    QR.
    """
    t, k = Qt.shape
    Z = _Z_CACHE.get((k, k - t))
    if Z is None:
        Z = np.random.default_rng(k * 100003 + t).standard_normal((k, k - t))
        _Z_CACHE[(k, k - t)] = Z
    X = Z - Qt.T @ (Qt @ Z)
    C, Rx = np.linalg.qr(X)
    # rounding leaves ~eps ||Z|| of the span of Qt in X: relative to R's smallest diagonal entry,
    # that is the tilt of C into that span (here < 1e-11)
    if np.abs(np.diag(Rx)).min() > 1e-4 * np.sqrt((Z * Z).sum(axis=0).max()):
        return C
    return np.linalg.qr(Qt.T, mode="complete")[0][:, t:]


def _lazy_finite_draws(basis, R, rng, *, force=False):
    """``R`` projection-DPP draws for a FiniteBasis whose ``V`` is not formed yet.

    Proposals ``i`` are drawn in blocks with probability ``u_i / U`` from an upper bound ``u_i`` of
    the leverage scores (``FiniteBasis._lazy_proposals``; ``U = sum(u)``) and accepted with
    probability ``res_i / u_i``, where ``res_i = ||(I - Q^T Q) V_i||^2`` is the chain rule's squared
    residual: an accepted index has probability ``res_i / (m - t)``, exactly that of the chain rule
    (the rejection chain rule proposes ``l_i / m`` and accepts ``res_i / l_i``; here the two steps
    are one). The draw runs in phases: at the start of a phase, with ``t`` points taken, ``B`` is an
    orthonormal basis of the ``k = m - t`` dimensional complement of their span, and the proposals
    are formed in those coordinates only, ``F_i (M B)`` (one GEMM per block, ``2 m k`` flops a
    row; ``M = L^{-T}`` with ``F^T F = L L^T``: ``F M = V``). A phase ends when a fraction of its
    dimensions is taken (``_FRACTION``; ``B`` is then shrunk to the complement of the new rows:
    ``_complement``), so a draw forms about ``U H_m`` rows of total width a few times ``U m``, not
    ``U H_m`` full rows, and each acceptance test costs at most about ``k^2 / 2`` multiply-adds,
    not ``m t``.

    Returns ``(indices (R, m), proposals (R,))`` -- the proposals counted are those from the bound,
    a sum of independent geometric counts of means ``U / (m - t)``, ``t < m`` -- or ``None`` when
    forming ``V`` once is cheaper (the work so far plus that expected, in full rows, exceeds
    ``N / 2``; ``force=True``, for tests, skips that check) or the bound is unavailable.
    """
    lazy = basis._lazy_proposals()
    if lazy is None:
        return None
    prob_u, alias_u, u, U = lazy["prob"], lazy["alias"], lazy["u"], lazy["U"]
    m, N = basis.size, basis.n_candidates
    # expected work of one draw in full rows: sum over phases of (U ln 2 rows) * (k / m) ~ 2 ln 2 U
    if not force and basis._lazy_rows + 1.5 * R * U > N / 2:
        return None
    F, M = basis._F, basis._M
    out = np.empty((R, m), dtype=np.int64)
    nprop = np.zeros(R, dtype=np.int64)
    c = np.empty(m, dtype=np.float64)
    ok = _lazy_draws_loop(basis, R, rng, F, M, out, nprop, c, prob_u, alias_u, u, U)
    if not ok:  # pragma: no cover - excluded by the margins of the bound
        basis._lazy = None
        basis._materialise()
        return None
    return out, nprop


def _lazy_draws_loop(basis, R, rng, F, M, out, nprop, c, prob_u, alias_u, u, U):
    from .._kernels import _dpp as K
    from .._kernels._alias import alias_draw

    m = basis.size
    inv = 1.0 / np.arange(1, m + 1)
    harmonic = np.concatenate([[0.0], np.cumsum(inv)])
    harm2 = np.concatenate([[0.0], np.cumsum(inv * inv)])
    for r in range(R):
        t, k, P = 0, m, M
        while t < m:
            Qr = np.empty((k, k), dtype=np.float64)
            tp = 0
            # points this phase takes
            frac = _FIRST_FRACTION if t == 0 else _FRACTION
            stop = k if k <= _LAST_PHASE else min(k - 1, max(1, int(frac * k + 0.5)))
            t_stop = t + stop
            while t < t_stop:
                # proposals still needed in the phase: a sum of geometric counts of means U / j,
                # j = k - stop + 1 .. k - tp, of standard deviation about U sqrt(sum 1/j^2)
                lo, hi = k - stop, k - tp
                mean = U * (harmonic[hi] - harmonic[lo])
                sd = U * np.sqrt(harm2[hi] - harm2[lo])
                B = max(1, int(mean + _BLOCK_SD * sd)) + _BLOCK_PAD
                idx = alias_draw(prob_u, alias_u, B, rng)
                Y = F[idx] @ P  # one GEMM (numpy's BLAS): the proposals in phase coordinates
                basis._lazy_rows += B * k / m
                t, tp, used, ok = K.dpp_finite_reduced(
                    Qr, c, tp, Y, u[idx], idx, out[r], t, t_stop, rng
                )
                nprop[r] += used
                if not ok:  # pragma: no cover - excluded by the margins of the bound
                    return False
            if t < m:
                with _one_blas_thread():  # small LAPACK calls: threads only synchronise
                    P = np.ascontiguousarray(P @ _complement(Qr[:tp]))
                k -= tp
    return True


def _check_draws(n_samples, caller, basis):
    if n_samples is None:
        return 1
    # one draw: m points of basis.dim float64 coordinates (or m int64 indices) and a count
    per_draw = 8 * basis.size * basis.dim + 8
    return check_size(n_samples, "n_samples", low=1, bytes_per_item=per_draw, caller=caller)


@dataclasses.dataclass(repr=False)
class Design(Result):
    """A weighted experimental design.

    Attributes
    ----------
    points : ndarray
        ``(n, d)`` points, or ``(n,)`` candidate indices for a :class:`FiniteBasis`.
    weights : ndarray of shape (n,)
        Least-squares weights ``w(x_i) = m / k_m(x_i)``.
    kind : str
        ``"iid"``, ``"dpp"``, ``"volume"`` or ``"repeated_dpp"``.
    n_proposals : int
        Proposals drawn by the DPP chain rules (``n`` for iid designs).
    n_samples : int
        Number of points (a property).

    See Also
    --------
    sample_design : Draws a design.
    weighted_least_squares : Fits on a design it draws.

    Examples
    --------
    >>> from samplingstats.dpp import PolynomialBasis, sample_design
    >>> design = sample_design(PolynomialBasis(2, 2), 12, kind="volume", rng=0)
    >>> design.n_samples
    12
    """

    points: NDArray[Any]
    weights: NDArray[np.float64]
    kind: str
    n_proposals: int
    basis: Any = dataclasses.field(default=None, repr=False)

    @property
    def n_samples(self) -> int:
        """Number of points."""
        return int(self.weights.shape[0])

    def _frame_columns(self):
        # one row per point: its coordinates (x0, x1, ...) or candidate index, and its weight
        pts = np.asarray(self.points)
        rows = {}
        if pts.ndim == 1:
            rows["index"] = pts
        else:
            for j in range(pts.shape[1]):
                rows[f"x{j}"] = pts[:, j]
        rows["weight"] = np.asarray(self.weights)
        scalars = {
            "kind": self.kind,
            "n_proposals": int(self.n_proposals),
            "n_samples": self.n_samples,
        }
        return rows, scalars

    def gram(self) -> NDArray[np.float64]:
        """Empirical Gram matrix ``G = (1/n) sum_i w_i phi(x_i) phi(x_i)^T``.

        Returns
        -------
        ndarray of shape (m, m)
            The empirical Gram matrix.
        """
        Phi = self.basis.evaluate(self.points)
        A = Phi * np.sqrt(self.weights / self.n_samples)[:, None]
        return A.T @ A

    def gram_deviation(self) -> float:
        """Spectral norm ``||G - I||_2`` (the design is stable when it is at most ``delta``).

        Returns
        -------
        float
            ``||G - I||_2``.
        """
        G = self.gram()
        return float(np.max(np.abs(np.linalg.eigvalsh(G - np.eye(G.shape[0])))))


def _check_n(n, kind, m, caller, bytes_per_point=8):
    if n is None:
        return m
    check_size(n, "n_samples", low=1, bytes_per_item=bytes_per_point, caller=caller)
    n = int(n)
    if kind == "dpp" and n != m:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must equal the basis size m={m} for "
            f"kind='dpp'. Got {n} instead."
        )
    if kind == "volume" and n < m:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be at least the basis size m={m} for "
            f"kind='volume'. Got {n} instead."
        )
    if kind == "repeated_dpp" and n % m != 0:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be a positive multiple of the basis size "
            f"m={m} for kind='repeated_dpp'. Got {n} instead."
        )
    return n


def _draw_points(basis, n, kind, rng):
    m = basis.size
    if kind == "iid":
        return basis.sample_optimal(n, rng=rng), n
    dpp = ProjectionDPP(basis)
    if kind == "dpp":
        pts, nprop = dpp.sample_with_proposals(rng=rng)
        return pts, nprop
    if kind == "repeated_dpp":
        k = n // m
        pts, nprop = dpp.sample_with_proposals(k, rng=rng)
        return pts.reshape((n,) + pts.shape[2:]), int(nprop.sum())
    # volume: m DPP points + (n - m) iid optimal points, in a uniformly random order
    pts, nprop = dpp.sample_with_proposals(rng=rng)
    extra = basis.sample_optimal(n - m, rng=rng)
    allp = np.concatenate([pts, extra], axis=0)
    return allp[rng.permutation(n)], nprop + (n - m)


def sample_design(
    basis: PolynomialBasis | FiniteBasis,
    n_samples: int | None = None,
    *,
    kind: Literal["iid", "dpp", "volume", "repeated_dpp"] = "volume",
    rng: Any = None,
) -> Design:
    """Draw a weighted design for least squares in the span of ``basis``.

    Parameters
    ----------
    basis : PolynomialBasis or FiniteBasis
        Orthonormal basis of the approximation space (``m = basis.size``).
    n_samples : int, optional
        Number of points; defaults to ``m``. ``kind="dpp"`` needs ``n = m``, ``"volume"`` needs
        ``n >= m``, ``"repeated_dpp"`` needs a multiple of ``m``.
    kind : {"iid", "dpp", "volume", "repeated_dpp"}, default "volume"
        ``"iid"``: ``n`` iid points from the optimal density ``k_m / m dmu``. ``"dpp"``: the
        projection DPP. ``"volume"``: generalized volume-rescaled sampling (density ∝ ``det G``
        w.r.t. ``rho^{⊗n}``), drawn exactly as a projection DPP plus ``n - m`` iid optimal points in
        a random order. ``"repeated_dpp"``: ``n / m`` independent projection DPPs pooled.
    rng : seed-like, optional
        Random generator (SPEC 7).

    Returns
    -------
    Design
        ``points``, ``weights = m / k_m(points)``, ``kind``, ``n_proposals``.

    See Also
    --------
    ProjectionDPP : Repeated DPP draws of one basis.
    weighted_least_squares : Least squares on a design.

    Examples
    --------
    >>> from samplingstats.dpp import PolynomialBasis, sample_design
    >>> basis = PolynomialBasis(1, 9)
    >>> design = sample_design(basis, 20, kind="volume", rng=0)
    >>> design.points.shape, design.weights.shape
    ((20, 1), (20,))
    >>> design.gram().shape
    (10, 10)
    """
    caller = "sample_design"
    basis = _check_basis(basis, caller)
    check_param(kind, [StrOptions(_KINDS)], name="kind", caller=caller)
    # per point: its coordinates (or index), weight and a proposal-sized share of the draw
    n = _check_n(n_samples, kind, basis.size, caller, 8 * (basis.dim + 2))
    rng = as_generator(rng)
    pts, nprop = _draw_points(basis, n, kind, rng)
    w = basis.weights(pts)
    return Design(points=pts, weights=w, kind=kind, n_proposals=int(nprop), basis=basis)
