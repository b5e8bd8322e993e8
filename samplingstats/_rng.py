"""Random number generation conventions (SPEC 7).

Every public function takes a keyword-only ``rng`` normalised once by :func:`as_generator`; torch code
paths derive a ``torch.Generator`` from it with :func:`torch_generator`. Global random state is never used.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from ._exceptions import InvalidParameterError

if TYPE_CHECKING:  # pragma: no cover
    import torch

__all__ = ["RNGLike", "as_generator", "as_seed", "spawn", "torch_generator", "random_seed"]

#: What an ``rng`` parameter accepts (SPEC 7, plus a torch.Generator that seeds a numpy stream).
RNGLike = Union[
    None,
    int,
    np.integer,
    Sequence[int],
    np.random.SeedSequence,
    np.random.BitGenerator,
    np.random.Generator,
    np.random.RandomState,
    "torch.Generator",
]

_RNG_EXPECTED = (
    "None, an int, a numpy.random.Generator, BitGenerator, SeedSequence, RandomState "
    "or torch.Generator"
)


def _is_torch_generator(x: Any) -> bool:
    t = type(x)
    return t.__name__ == "Generator" and t.__module__.split(".")[0] == "torch"


def _seed_from_torch(gen: Any) -> int:
    import torch

    return int(torch.randint(0, 2**62, (1,), generator=gen, device=gen.device).item())


def as_generator(rng: RNGLike = None, *, name: str = "rng") -> np.random.Generator:
    """Normalise ``rng`` to a :class:`numpy.random.Generator` (SPEC 7).

    Parameters
    ----------
    rng : None, int, array of ints, SeedSequence, BitGenerator, Generator or RandomState
        ``None`` draws fresh OS entropy; an int or seed sequence gives a reproducible stream; a
        ``Generator`` is returned as is (so the caller's stream advances). A legacy ``RandomState``
        (as scikit-learn's ``random_state`` may hold) seeds a new Generator from one draw of it.
    name : str, default "rng"
        Argument name used in the error message.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    InvalidParameterError
        If ``rng`` is of another type (floats and bools included) or a negative int.

    Examples
    --------
    >>> from samplingstats._rng import as_generator
    >>> g = as_generator(42)
    >>> g2 = as_generator(g)
    >>> g is g2
    True
    >>> float(as_generator(42).random()) == float(as_generator(42).random())
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if _is_torch_generator(rng):  # a torch.Generator seeds a numpy stream from one of its draws
        return np.random.default_rng(_seed_from_torch(rng))
    if rng is None or isinstance(rng, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.RandomState):
        return np.random.default_rng(int(rng.randint(0, 2**31 - 1)))
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if int(rng) < 0:
            raise InvalidParameterError(
                f"The {name!r} parameter must be {_RNG_EXPECTED}; a seed must be non-negative. "
                f"Got {rng!r} instead."
            )
        return np.random.default_rng(int(rng))
    if isinstance(rng, (list, tuple, np.ndarray)):
        arr = np.asarray(rng)
        if arr.dtype.kind in "iu" and arr.ndim == 1 and (arr >= 0).all():
            return np.random.default_rng(arr)
    raise InvalidParameterError(
        f"The {name!r} parameter must be {_RNG_EXPECTED}. Got {rng!r} instead."
    )


def spawn(rng: RNGLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` statistically independent child generators of ``rng``.

    Children are derived with :meth:`numpy.random.Generator.spawn` (seed-sequence spawning), so
    streams do not overlap; the parent's state advances deterministically.

    Parameters
    ----------
    rng : seed-like
        Anything :func:`as_generator` accepts.
    n : int
        Number of children, ``n >= 0``.

    Returns
    -------
    list of numpy.random.Generator

    Examples
    --------
    >>> from samplingstats._rng import spawn
    >>> a, b = spawn(0, 2)
    >>> float(a.random()) != float(b.random())
    True
    """
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 0:
        raise InvalidParameterError(
            f"The 'n' parameter of spawn must be an int in the range [0, inf). Got {n!r} instead."
        )
    gen = as_generator(rng)
    return gen.spawn(int(n))


def random_seed(rng: RNGLike = None) -> int:
    """Draw one 63-bit seed from ``rng`` (for engines that take an integer seed).

    Examples
    --------
    >>> from samplingstats._rng import random_seed
    >>> random_seed(1) == random_seed(1)
    True
    """
    return int(as_generator(rng).integers(0, 2**63 - 1, dtype=np.int64))


def as_seed(rng: RNGLike = None, *, name: str = "rng") -> int:
    """Normalise ``rng`` to one non-negative integer seed (for keyed, stateless samplers).

    An int is returned as is (so ``rng=42`` always gives the same key); ``None`` draws fresh OS
    entropy; a Generator (or anything else :func:`as_generator` accepts) gives one draw of it.

    Examples
    --------
    >>> import numpy as np
    >>> from samplingstats._rng import as_seed
    >>> as_seed(42)
    42
    >>> as_seed(np.random.default_rng(0)) == as_seed(np.random.default_rng(0))
    True
    """
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if int(rng) < 0:
            raise InvalidParameterError(
                f"The {name!r} parameter must be {_RNG_EXPECTED}; a seed must be non-negative. "
                f"Got {rng!r} instead."
            )
        return int(rng)
    return random_seed(as_generator(rng, name=name))


def torch_generator(rng: RNGLike = None, device: Any = None) -> Any:
    """Derive a seeded ``torch.Generator`` on ``device`` from ``rng``.

    The seed is one draw of ``rng.integers(2**63)``; results are reproducible per device but not
    bit-identical across devices (CPU and CUDA use different generators).

    Parameters
    ----------
    rng : seed-like or torch.Generator
        Anything :func:`as_generator` accepts. A ``torch.Generator`` on ``device`` is returned as
        is; on another device it seeds a new generator there.
    device : str or torch.device, optional
        Device of the generator (default CPU).

    Returns
    -------
    torch.Generator

    Examples
    --------
    >>> from samplingstats._rng import torch_generator
    >>> g = torch_generator(0)
    >>> g.device.type
    'cpu'
    """
    from ._backend import import_torch

    torch: Any = import_torch()
    if _is_torch_generator(rng):
        given: Any = rng
        want = torch.device(device if device is not None else "cpu")
        if given.device.type == want.type and (
            want.index is None or given.device.index == want.index
        ):
            return given  # the caller's generator, used (and advanced) as is
        seed = _seed_from_torch(given)
        gen = torch.Generator(device=want)
        gen.manual_seed(seed)
        return gen
    gen = torch.Generator(device=device if device is not None else "cpu")
    gen.manual_seed(random_seed(rng))
    return gen
