"""Input handling shared by the lp functions: dense numpy, scipy.sparse CSR and torch tensors."""

from __future__ import annotations

import numbers
import sys
import time
from typing import Any, Literal, TypeAlias

import numpy as np

from .._backend import import_torch, is_torch
from .._exceptions import InvalidParameterError
from .._validation import Interval, check_matrix, refuse_complex

__all__ = [
    "as_lp_matrix",
    "P_CONSTRAINT",
    "kind_of",
    "nrows",
    "ncols",
    "is_dask_array",
    "StageLog",
    "iteration_monitor",
    "P_MAX",
    "as_lp_vector",
]

# Types of the public API. A matrix argument may be anything array-like, a scipy.sparse matrix,
# a torch.Tensor or a dask array, so it is typed Any under a name that says what it is.
MatrixLike: TypeAlias = Any
VectorLike: TypeAlias = Any
RngLike: TypeAlias = "int | np.random.Generator | None"
LeverageMethod: TypeAlias = Literal["auto", "qr", "cholesky", "sketch"]
ScoresName: TypeAlias = Literal[
    "lewis", "sensitivity", "augmented", "root_leverage", "mixed", "leverage", "uniform"
]
SolverName: TypeAlias = Literal["auto", "highs", "irls", "cvxpy"]
SampleMode: TypeAlias = Literal["bernoulli", "iid"]

# The supported exponents: p in [1, P_MAX]. Above it the lp costs |r|^p overflow float64 for
# residuals above ~1e3, the Lewis iteration needs ~12.5 p leverage evaluations (measured: 1520
# at p = 128, 12 469 at p = 1000) and the sample-size rates d^(p/2) are meaningless.
P_MAX = 100
P_CONSTRAINT = Interval(numbers.Real, 1, P_MAX, closed="both")


def is_dask_array(x) -> bool:
    """True for a ``dask.array.Array`` (without importing dask)."""
    mod = sys.modules.get("dask.array")
    return mod is not None and isinstance(x, mod.Array)


def kind_of(A) -> str:
    """Return ``"torch"``, ``"sparse"`` or ``"dense"``."""
    if is_torch(A):
        return "torch"
    import scipy.sparse as sp

    return "sparse" if sp.issparse(A) else "dense"


def as_lp_matrix(A, name="A", *, min_rows=1, caller="lp", keep_float32=False):
    """Validate ``A`` and return ``(kind, A)``: float64 C-contiguous numpy, float64 CSR, or a
    floating torch tensor (float32 / float64 kept, other dtypes cast to float64). With
    ``keep_float32`` a dense float32 numpy array is kept float32 (no copy when C-contiguous).
    Complex input raises TypeError naming ``name`` and ``caller``."""
    refuse_complex(A, name, caller=caller)
    if is_torch(A):
        torch = import_torch()
        if A.ndim != 2:
            raise InvalidParameterError(
                f"Argument {name!r} must be a 2-D array, got a tensor of shape {tuple(A.shape)}."
            )
        if A.shape[0] < min_rows or A.shape[1] < 1:
            raise InvalidParameterError(
                f"Argument {name!r} must have at least {min_rows} row(s) and 1 column, "
                f"got shape {tuple(A.shape)}."
            )
        if A.dtype not in (torch.float32, torch.float64):
            A = A.to(torch.float64)
        nbad = int((~torch.isfinite(A)).sum())
        if nbad:
            raise InvalidParameterError(
                f"Argument {name!r} contains NaN or infinite values ({nbad} of {A.numel()} entries)."
            )
        return "torch", A.contiguous()
    import scipy.sparse as sp

    if keep_float32 and not sp.issparse(A) and getattr(A, "dtype", None) == "float32":
        return "dense", check_matrix(A, name, dtype=None, min_rows=min_rows)
    M = check_matrix(A, name, accept_sparse=True, min_rows=min_rows)

    if sp.issparse(M):
        M = sp.csr_matrix(M, copy=True)  # never canonicalise the caller's matrix in place
        M.sum_duplicates()
        M.eliminate_zeros()
        M.sort_indices()
        return "sparse", M
    return "dense", M


def as_lp_vector(b, name, caller, *, length=None):
    """``b`` as a float64 C-contiguous vector (complex refused, naming ``name``)."""
    from .._validation import check_vector

    refuse_complex(b, name, caller=caller)
    return check_vector(b, name, length=length)


def nrows(A) -> int:
    return int(A.shape[0])


def ncols(A) -> int:
    return int(A.shape[1])


class RankDeficientError(InvalidParameterError):
    """A matrix argument has numerical rank below its number of columns (``rank``, ``d``)."""

    def __init__(self, message, rank, d):
        super().__init__(message)
        self.rank, self.d = int(rank), int(d)


def rank_error(caller, name, rank, d) -> InvalidParameterError:
    hint = "remove or combine dependent columns"
    if caller == "leverage_scores":
        hint += (
            ", or pass rcond=<float> to use the leverage scores of its column space "
            "(pseudo-inverse)"
        )
    return RankDeficientError(
        f"Argument {name!r} of {caller} is rank deficient (numerical rank {rank} < {d} "
        f"columns); {hint}.",
        rank,
        d,
    )


def augmented_scores(score, Ab, A, rng):
    """Sampling scores of the augmented regression matrix ``[A b]``, or of ``A`` alone when ``b``
    lies in the column space of ``A`` (noiseless data: ``[A b]`` is rank deficient but spans the
    same subspace as ``A``, so the scores of ``A`` are the subspace's). ``score(M)`` computes the
    scores of a matrix with the Generator ``rng``, which is rewound before the second attempt (the
    in-memory and dask paths then draw the same numbers); a rank-deficient ``A`` raises for
    ``lp_regression``."""
    state = rng.bit_generator.state
    try:
        return score(Ab)
    except RankDeficientError:
        rng.bit_generator.state = state
    try:
        return score(A)
    except RankDeficientError as err:
        raise rank_error("lp_regression", "A", err.rank, err.d) from None


def check_n_samples(n_samples, n, mode, caller) -> None:
    """Check a sample budget against the ``n`` rows: at most ``n``, and an int for ``mode='iid'``.

    Shared by the in-memory and dask paths of ``sensitivity_sample`` and ``lp_regression`` (the
    parameter's type and range are checked by their ``validate_params`` decorators).
    """
    if n_samples > n:
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} must be at most the number of rows "
            f"n={n}. Got {n_samples!r} instead."
        )
    if mode == "iid" and not (
        isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool)
    ):
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {caller} (mode='iid') must be an int in the "
            f"range [1, {n}]. Got {n_samples!r} instead."
        )


def iteration_monitor(bar, caller):
    """Callback ``on_iter(n_iter, residual)`` of an iteration: advances the progress ``bar`` and
    logs the residual at DEBUG level on the ``samplingstats.lp`` logger."""
    from .._progress import get_logger

    log = get_logger("lp")

    def on_iter(n_iter, residual):
        bar.update(1)
        bar.set_postfix_str(f"residual {residual:.2e}")
        log.debug("%s: iteration %d, fixed-point residual %.3g", caller, n_iter, residual)

    return on_iter


class StageLog:
    """Progress bar over the stages of a call, with one INFO log line per stage (and its time).

    Shared by the in-memory and dask paths of :func:`~samplingstats.lp.lp_regression`."""

    def __init__(self, caller, progress, total):
        from .._progress import get_logger, progress_bar

        self.caller, self.log = caller, get_logger("lp")
        self._cm = progress_bar(progress, total=total, desc=caller, unit="stage")
        self.t = time.perf_counter()

    def start(self, n, d, p, n_samples, scores):
        self.log.info(
            "%s: n=%d, d=%d, p=%g, n_samples=%s, scores=%s", self.caller, n, d, p, n_samples, scores
        )

    def __enter__(self):
        self.bar = self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)

    def done(self, what):
        now = time.perf_counter()
        self.bar.update(1)
        self.bar.set_postfix_str(what)
        self.log.info("%s: %s done in %.3f s", self.caller, what, now - self.t)
        self.t = now
