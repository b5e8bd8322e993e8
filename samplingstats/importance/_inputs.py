"""Input laws: validation, the standard-normal-space map and log-density ratios; model calls."""

from __future__ import annotations

import concurrent.futures
import numbers
import os

import numpy as np
from scipy.special import ndtr

from .._backend import to_numpy
from .._validation import InvalidParameterError

__all__ = ["InputLaws", "check_dists", "ModelCaller"]


def _is_frozen_univariate(d) -> bool:
    import scipy.stats as st

    dist = getattr(d, "dist", None)
    return isinstance(dist, st.rv_continuous) and all(
        hasattr(d, m) for m in ("ppf", "isf", "logpdf", "cdf")
    )


class InputLaws:
    """Independent univariate laws ``X_i = F_i^{-1}(Phi(U_i))`` with ``U ~ N(0, I)``."""

    def __init__(self, laws):
        self.laws = list(laws)
        self.d = len(self.laws)

    def to_x(self, U):
        # beyond |u| = 37.5 the normal tail probability underflows; such points have
        # probability below 1e-300 under every sampling density used here
        U = np.clip(np.asarray(U, dtype=float), -37.5, 37.5)
        X = np.empty_like(U)
        for i, law in enumerate(self.laws):
            u = U[:, i]
            x = np.empty_like(u)
            lo = u <= 0
            # ppf on the lower half, isf on the upper half: accurate in both tails
            x[lo] = law.ppf(ndtr(u[lo]))
            x[~lo] = law.isf(ndtr(-u[~lo]))
            X[:, i] = x
        return X

    def from_uniform(self, U):
        """``X_i = F_i^{-1}(U_i)`` for uniforms in (0, 1) (``isf`` on the upper half)."""
        U = np.asarray(U, dtype=float)
        X = np.empty_like(U)
        for i, law in enumerate(self.laws):
            u = U[:, i]
            x = np.empty_like(u)
            lo = u <= 0.5
            x[lo] = law.ppf(u[lo])
            x[~lo] = law.isf(1.0 - u[~lo])
            X[:, i] = x
        return X

    def logpdf(self, X):
        out = np.zeros(X.shape[0])
        for i, law in enumerate(self.laws):
            out += law.logpdf(X[:, i])
        return out


def check_dists(dists, caller, *, allow_multi=True):
    """Return ``(list_of_InputLaws, multi)``; raise InvalidParameterError on bad input."""
    expected = "a sequence of frozen scipy.stats continuous univariate distributions" + (
        " or a list of such sequences (one per expectation)" if allow_multi else ""
    )
    if isinstance(dists, (str, bytes)) or not hasattr(dists, "__len__") or len(dists) == 0:
        raise InvalidParameterError(
            f"The 'dists' parameter of {caller} must be {expected}. Got {dists!r} instead."
        )
    if all(_is_frozen_univariate(d) for d in dists):
        return [InputLaws(dists)], False
    if allow_multi and all(
        hasattr(s, "__len__") and not isinstance(s, (str, bytes)) for s in dists
    ):
        sets = []
        for j, s in enumerate(dists):
            if len(s) == 0 or not all(_is_frozen_univariate(d) for d in s):
                raise InvalidParameterError(
                    f"The 'dists' parameter of {caller} must be {expected}; entry {j} is not a "
                    f"sequence of frozen continuous univariate laws. Got {s!r} instead."
                )
            sets.append(InputLaws(s))
        if len({s.d for s in sets}) != 1:
            raise InvalidParameterError(
                f"The 'dists' parameter of {caller} must give the same number of inputs for every "
                f"expectation; got lengths {[s.d for s in sets]}."
            )
        return sets, True
    bad = next(i for i, d in enumerate(dists) if not _is_frozen_univariate(d))
    raise InvalidParameterError(
        f"The 'dists' parameter of {caller} must be {expected}; entry {bad} is "
        f"{dists[bad]!r}, not a frozen continuous univariate law (e.g. scipy.stats.norm(0, 1))."
    )


def _is_dask_client(workers) -> bool:
    """A ``dask.distributed.Client`` (checked without importing distributed)."""
    import sys

    mod = sys.modules.get("distributed")
    return mod is not None and isinstance(workers, mod.Client)


def check_workers(workers, caller):
    if workers is None or callable(workers) or _is_dask_client(workers):
        return workers
    if isinstance(workers, numbers.Integral) and not isinstance(workers, bool):
        if workers == -1 or workers >= 1:
            return int(workers)
    raise InvalidParameterError(
        f"The 'workers' parameter of {caller} must be an int >= 1 or -1 (all CPUs), a map-like "
        f"callable (such as multiprocessing.Pool.map), a dask.distributed.Client or None. Got "
        f"{workers!r} instead."
    )


class ModelCaller:
    """Calls ``func`` on ``(n, d)`` inputs (vectorised, optionally in chunks on ``workers``)."""

    def __init__(self, func, workers, caller, *, n_out=None, progress=None):
        self.func, self.workers, self.caller = func, workers, caller
        self.n_out = n_out
        self.progress = progress
        self._executor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Shut down the process pool (if one was started)."""
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def _map(self, X):
        w = self.workers
        if w is None or (isinstance(w, int) and w == 1):
            return [self.func(X)]
        if _is_dask_client(w):
            # one batch per worker thread, submitted together and gathered in order; all the
            # randomness stays here, so the result is the serial one
            threads = sum(w.nthreads().values()) or 1
            chunks = np.array_split(X, max(1, min(len(X), threads)))
            futures = w.map(self.func, chunks, pure=False)
            try:
                return w.gather(futures)
            finally:
                for f in futures:
                    f.release()
        if callable(w):
            n_chunks = max(1, min(len(X), 64))
            chunks = np.array_split(X, n_chunks)
            return list(w(self.func, chunks))
        n = (os.cpu_count() or 1) if w == -1 else w
        chunks = np.array_split(X, min(len(X), n))
        if self._executor is None:  # one pool per run, reused by every block
            self._executor = concurrent.futures.ProcessPoolExecutor(max_workers=n)
        return list(self._executor.map(self.func, chunks))

    def __call__(self, X):
        outs = []
        for o in self._map(X):
            raw = to_numpy(o) if hasattr(o, "detach") else o
            if np.iscomplexobj(raw):
                raise TypeError(
                    f"The 'func' parameter of {self.caller} must return real values; it "
                    f"returned a complex array (dtype {np.asarray(raw).dtype}). Return the real "
                    "part, the modulus or both as separate outputs."
                )
            try:
                arr = to_numpy(o, dtype=float)  # numpy, or a torch tensor on any device
            except (TypeError, ValueError) as exc:
                raise InvalidParameterError(
                    f"The 'func' parameter of {self.caller} must return a numeric array; "
                    f"conversion failed: {exc}"
                ) from None
            outs.append(arr)
        try:
            Y = np.concatenate([o if o.ndim else o[None] for o in outs], axis=0)
        except ValueError as exc:
            raise InvalidParameterError(
                f"The 'func' parameter of {self.caller} returned chunks of inconsistent shape: {exc}"
            ) from None
        n = X.shape[0]
        if Y.ndim == 1:
            Y = Y[:, None]
        if Y.ndim != 2 or Y.shape[0] != n:
            raise InvalidParameterError(
                f"The 'func' parameter of {self.caller} must return an array of shape (n,) or "
                f"(n, J) for an input of shape {X.shape}; got shape {np.shape(Y)}."
            )
        if self.n_out is not None and Y.shape[1] not in self.n_out:
            raise InvalidParameterError(
                f"The 'func' parameter of {self.caller} must return {self.n_out_desc()} "
                f"columns; got shape {Y.shape}."
            )
        if not np.all(np.isfinite(Y)):
            bad = int((~np.isfinite(Y)).sum())
            raise InvalidParameterError(
                f"The 'func' parameter of {self.caller} returned NaN or infinite values "
                f"({bad} of {Y.size} entries)."
            )
        if self.progress is not None:
            self.progress.update(n)
        return Y

    def n_out_desc(self):
        return " or ".join(str(v) for v in sorted(self.n_out))
