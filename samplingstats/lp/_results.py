"""Result dataclasses of samplingstats.lp (bottom layer: shared by both executors)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from .._backend import import_torch, is_torch
from .._exceptions import InvalidParameterError
from .._results import Result
from ._common import is_dask_array

__all__ = ["LewisWeightsResult", "RowSample", "LpRegressionResult"]


@dataclasses.dataclass(repr=False)
class LewisWeightsResult(Result):
    """Result of :func:`lewis_weights`.

    Attributes
    ----------
    weights : ndarray or torch.Tensor, shape (n,)
        The lp Lewis weights (``sum = d`` at the fixed point; zero for zero rows of ``A``).
    n_iter : int
        Number of leverage-score evaluations.
    converged : bool
        Whether ``residual <= tol``.
    residual : float
        Relative fixed-point residual of the returned weights,
        ``max_i |T(w)_i / w_i - 1|`` over the nonzero rows, where
        ``T(w)_i = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2}``.
    p : float
        The exponent.

    ``to_frame()`` gives one row per row of ``A`` (column ``weights``).

    See Also
    --------
    lewis_weights : Returns it.
    """

    weights: object
    n_iter: int
    converged: bool
    residual: float
    p: float = dataclasses.field(default=float("nan"))

    def _frame_columns(self):
        """One row per row of ``A`` (``weights``; a dask vector is computed, a tensor copied to
        the host); ``n_iter``, ``converged``, ``residual``, ``p`` go into ``attrs``."""
        w = self.weights
        if is_dask_array(w):
            w = w.compute()
        if hasattr(w, "detach") and hasattr(w, "cpu"):
            w = w.detach().cpu().numpy()
        scalars = {
            "n_iter": self.n_iter,
            "converged": self.converged,
            "residual": self.residual,
            "p": self.p,
        }
        return {"weights": np.asarray(w)}, scalars


@dataclasses.dataclass(repr=False)
class RowSample(Result):
    """A weighted row sample ``S`` with ``S A = diag(scale) A[indices]``.

    Attributes
    ----------
    indices : ndarray of int64, shape (k,)
        Kept row ids (sorted; with repeats in iid mode). In Bernoulli mode ``k = len(S)`` is
        random with expectation ``n_samples`` (an expected count); in iid mode it equals
        ``n_samples``.
    scale : ndarray of float64, shape (k,)
        Row multipliers: ``q_i^(-1/p)`` in Bernoulli mode, ``(m pi_i)^(-1/p)`` per draw in iid
        mode, so that ``E ||S A x||_p^p = ||A x||_p^p`` for every ``x``.
    probabilities : ndarray of float64, shape (k,)
        Bernoulli mode: the inclusion probabilities ``q_i``. iid mode: the per-draw
        probabilities ``pi_i`` (the inclusion probability of row ``i`` is ``1 - (1 - pi_i)^m``).
    p : float
        The exponent the scaling is for.
    mode : str
        ``"bernoulli"`` or ``"iid"``.
    n_rows : int
        Number of rows of the sampled matrix.

    ``to_frame()`` gives one row per kept row (``indices``, ``scale``, ``probabilities``) with
    ``p``, ``mode`` and ``n_rows`` in ``DataFrame.attrs``.

    See Also
    --------
    sensitivity_sample : Returns it.
    """

    _frame_fields: ClassVar[tuple[str, ...]] = ("indices", "scale", "probabilities")

    indices: np.ndarray
    scale: np.ndarray
    probabilities: np.ndarray
    p: float = 1.0
    mode: str = "bernoulli"
    n_rows: int = 0

    def __len__(self) -> int:
        return int(self.indices.shape[0])

    def apply(self, A: Any) -> Any:
        """Return the scaled sampled rows ``diag(scale) A[indices]``.

        Parameters
        ----------
        A : array_like, scipy.sparse matrix, torch.Tensor or dask.array.Array, shape (n,) or (n, d)
            The sampled matrix (or its vector ``b``), with ``n_rows`` rows. A torch tensor is
            returned on its device; of a dask array only the sampled rows are read (returns
            numpy).

        Returns
        -------
        ndarray, scipy.sparse matrix or torch.Tensor, shape (k,) or (k, d)
            The ``k = len(self)`` sampled rows, each multiplied by its ``scale``.

        Examples
        --------
        >>> import numpy as np
        >>> from samplingstats.lp import sensitivity_sample
        >>> A = np.random.default_rng(0).standard_normal((200, 3))
        >>> S = sensitivity_sample(A, p=1, n_samples=50, rng=0)
        >>> S.apply(A).shape == (len(S), 3)
        True
        """
        import scipy.sparse as sp

        from .._validation import refuse_complex

        refuse_complex(A, "A", caller="RowSample.apply")
        if not (is_torch(A) or is_dask_array(A) or sp.issparse(A)):
            if A is None or isinstance(A, (str, bytes)):
                raise InvalidParameterError(
                    f"Argument 'A' of RowSample.apply must be a numeric array, got "
                    f"{type(A).__name__}."
                )
            A = np.asarray(A)
            if A.dtype.kind not in "biuf" or A.ndim not in (1, 2):
                raise InvalidParameterError(
                    f"Argument 'A' of RowSample.apply must be a 1-D or 2-D numeric array, got "
                    f"an array of dtype {A.dtype} and shape {A.shape}."
                )
        n = A.shape[0]
        if n != self.n_rows:
            raise InvalidParameterError(
                f"Argument 'A' of RowSample.apply must have {self.n_rows} rows (the sampled "
                f"matrix), got {n}."
            )
        if is_torch(A):
            torch = import_torch()
            idx = torch.as_tensor(self.indices, device=A.device)
            sc = torch.as_tensor(self.scale, device=A.device, dtype=A.dtype)
            rows = A[idx]
            return rows * (sc if rows.ndim == 1 else sc[:, None])
        if is_dask_array(A):
            uniq, inverse = np.unique(self.indices, return_inverse=True)
            A = np.asarray(A[uniq].compute())[inverse]
            return A * (self.scale if A.ndim == 1 else self.scale[:, None])
        if sp.issparse(A):
            return sp.diags(self.scale) @ sp.csr_matrix(A)[self.indices]
        A = np.asarray(A)
        rows = A[self.indices]
        return rows * (self.scale if rows.ndim == 1 else self.scale[:, None])


@dataclasses.dataclass(repr=False)
class LpRegressionResult(Result):
    """Result of :func:`lp_regression`.

    Attributes
    ----------
    coef : ndarray (or torch.Tensor for tensor input), shape (d,)
        The solution of the (sampled) problem.
    cost : float
        Its cost on the full data, ``||A coef - b||_p^p``.
    sample : RowSample or None
        The row sample (``None`` when the full problem was solved).
    n_iter : int
        Solver iterations (IRLS steps; simplex iterations for HiGHS; cvxpy's count).
    converged : bool
        Whether the solver reported an optimal solution / met its tolerance.
    solver : str
        The solver used (``"highs"``, ``"irls"`` or ``"cvxpy"``).
    status : str
        The solver's status message.

    See Also
    --------
    lp_regression : Returns it.
    """

    coef: object
    cost: float
    sample: RowSample | None
    n_iter: int
    converged: bool
    solver: str = ""
    status: str = ""
