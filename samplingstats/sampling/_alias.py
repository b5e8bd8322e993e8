"""Walker's alias method: O(n) set-up, O(1) per iid weighted draw."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._kernels._alias import alias_build, alias_draw
from .._rng import _is_torch_generator, as_generator, torch_generator
from .._validation import check_size
from ._common import as_weights, check_shape

__all__ = ["AliasTable"]


class AliasTable:
    """Alias table for iid draws of indices with probabilities proportional to ``weights``.

    Set-up is Vose's O(n) construction (numerically robust: columns left over by rounding keep
    themselves with probability one); each draw then costs O(1): one uniform column and one uniform
    coin. Use it when many draws are made from the same weights (importance sampling, leverage-score
    sampling, random-walk restarts); for a handful of draws, :meth:`numpy.random.Generator.choice` is
    as good.

    Parameters
    ----------
    weights : array-like or torch.Tensor, shape (n_items,)
        Non-negative, finite weights with a positive sum (need not be normalised). A torch tensor
        gives a torch table: :meth:`sample` then returns tensors on the tensor's device.

    Attributes
    ----------
    n_items : int
        Number of categories.
    prob : numpy.ndarray of float64, shape (n_items,)
        Probability that column ``j`` keeps ``j`` (kernel input; always numpy).
    alias : numpy.ndarray of int64, shape (n_items,)
        Index returned when column ``j`` does not keep ``j`` (kernel input; always numpy).

    Notes
    -----
    The implied probabilities are exactly
    ``p_i = (prob[i] + sum_{j: alias[j] = i} (1 - prob[j])) / n_items`` up to rounding (~1e-15 relative).
    The numpy path runs a numba kernel driven by the numpy ``rng`` (whose stream advances); the
    torch path uses ``rng`` as is when it is a ``torch.Generator`` on the tensor's device, and
    otherwise derives one there from ``rng``. Both sample the same distribution; the streams differ. Inside numba code, call
    :func:`samplingstats._kernels._alias.alias_draw_one` with ``(table.prob, table.alias, rng)``.

    See Also
    --------
    weighted_sample_without_replacement : Weighted draws without replacement.
    poisson_sample : Independent inclusions.

    Examples
    --------
    >>> from samplingstats.sampling import AliasTable
    >>> table = AliasTable([1.0, 2.0, 0.0, 5.0])
    >>> table.probabilities
    array([0.125, 0.25 , 0.   , 0.625])
    >>> draws = table.sample(10_000, rng=0)
    >>> draws.dtype, draws.shape
    (dtype('int64'), (10000,))
    >>> bool((draws != 2).all())
    True
    >>> table.sample((2, 3), rng=1).shape
    (2, 3)
    """

    def __init__(self, weights: Any) -> None:
        w, ref = as_weights(weights, "weights", "AliasTable")
        # Rescale by the maximum first so that huge weights cannot overflow the sum.
        scaled = w / w.max()
        p = scaled / scaled.sum()
        self.n_items = int(p.shape[0])
        self.prob, self.alias = alias_build(p)
        self._p = p
        self._ref = ref
        self._torch_tables: tuple[Any, Any] | None = None

    # ------------------------------------------------------------------------------------------
    @property
    def backend(self) -> str:
        """``"torch"`` when built from a tensor, else ``"numpy"``."""
        return "torch" if self._ref is not None else "numpy"

    @property
    def device(self) -> Any:
        """Device of the table (``None`` for numpy tables)."""
        return self._ref.device if self._ref is not None else None

    @property
    def probabilities(self) -> Any:
        """Normalised probabilities ``p = weights / sum(weights)`` (float64, input's backend)."""
        if self._ref is None:
            return self._p.copy()
        from .._backend import import_torch

        torch = import_torch()
        return torch.as_tensor(self._p, dtype=torch.float64, device=self._ref.device)

    def implied_probabilities(self) -> np.ndarray:
        """Probabilities the table actually samples, recomputed from ``(prob, alias)`` (numpy).

        Returns
        -------
        numpy.ndarray of float64
            The law the table draws, recomputed from ``prob`` and ``alias``.

        Examples
        --------
        >>> from samplingstats.sampling import AliasTable
        >>> t = AliasTable([3.0, 1.0])
        >>> t.implied_probabilities()
        array([0.75, 0.25])
        """
        out = self.prob.copy()
        np.add.at(out, self.alias, 1.0 - self.prob)
        return out / self.n_items

    def __len__(self) -> int:
        return self.n_items

    def __repr__(self) -> str:
        dev = f", device={self.device}" if self._ref is not None else ""
        return f"AliasTable(n_items={self.n_items}, backend={self.backend!r}{dev})"

    # ------------------------------------------------------------------------------------------
    def sample(self, n_samples: int | tuple[int, ...] | None = None, *, rng: Any = None) -> Any:
        """Draw iid indices with probabilities :attr:`probabilities`.

        Parameters
        ----------
        n_samples : None, int or tuple of ints
            Number of draws, or the output shape (``None``: a single draw, returned as a 0-d
            array / tensor).
        rng : None, int, numpy.random.Generator or torch.Generator
            Randomness (SPEC 7); a Generator's stream advances. A ``torch.Generator`` on the
            table's device drives a torch table directly.

        Returns
        -------
        numpy.ndarray or torch.Tensor of int64, shape ``n_samples``
            Torch (on the table's device) for tables built from a tensor.

        Examples
        --------
        >>> from samplingstats.sampling import AliasTable
        >>> AliasTable([0.0, 1.0]).sample(3, rng=0)
        array([1, 1, 1])
        """
        shape, total = check_shape(n_samples, "AliasTable.sample")
        check_size(
            total,
            "n_samples",
            low=0,
            bytes_per_item=16,
            caller="AliasTable.sample",
            what="draws",
        )
        if self._ref is None:
            return alias_draw(self.prob, self.alias, total, as_generator(rng)).reshape(shape)
        from ._torch import alias_sample_torch, as_tensor_like

        if self._torch_tables is None:
            self._torch_tables = (
                as_tensor_like(self.prob, self._ref),
                as_tensor_like(self.alias, self._ref),
            )
        prob_t, alias_t = self._torch_tables
        tgen = torch_generator(
            rng if _is_torch_generator(rng) else as_generator(rng), self._ref.device
        )
        return alias_sample_torch(prob_t, alias_t, shape, tgen)
