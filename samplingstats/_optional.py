"""Optional dependencies: one helper imports them, and says which extra to install when missing.

Every import of an optional package (torch, dask, networkx, matplotlib, tqdm, pandas) goes through
:func:`import_optional`, so a missing package gives the same clear message everywhere::

    RS2Sampler needs the optional package 'torch': pip install "samplingstats[torch]"
"""

from __future__ import annotations

import importlib

__all__ = [
    "MissingOptionalDependency",
    "OPTIONAL_PACKAGES",
    "import_optional",
    "optional_available",
]

#: import name -> (distribution name, extra that installs it)
OPTIONAL_PACKAGES = {
    "torch": ("torch", "torch"),
    "dask": ("dask", "dask"),
    "distributed": ("distributed", "dask"),
    "networkx": ("networkx", "graph"),
    "matplotlib": ("matplotlib", "plot"),
    "tqdm": ("tqdm", "progress"),
    "pandas": ("pandas", "pandas"),
}


class MissingOptionalDependency(ImportError):
    """Raised when a feature needs an optional package that is not installed.

    ``extra`` names the ``samplingstats[...]`` extra that installs it. It subclasses
    :class:`ImportError`, so ``except ImportError`` keeps working.

    Parameters
    ----------
    message : str
        What is missing and how to install it.
    name : str, optional
        The missing module's name (:attr:`ImportError.name`).
    extra : str, optional
        The extra that installs it (``pip install "samplingstats[<extra>]"``).

    See Also
    --------
    ImportError : the base class.

    Examples
    --------
    >>> from samplingstats import MissingOptionalDependency
    >>> err = MissingOptionalDependency("networkx is needed", name="networkx", extra="graph")
    >>> isinstance(err, ImportError), err.extra
    (True, 'graph')
    """

    def __init__(self, message, *, name=None, extra=None):
        super().__init__(message, name=name)
        self.extra = extra


def import_optional(name: str, *, purpose: str | None = None, extra: str | None = None):
    """Import the optional module ``name`` or raise :class:`MissingOptionalDependency`.

    Parameters
    ----------
    name : str
        Module to import (``"torch"``, ``"networkx"``, ``"matplotlib.pyplot"``, ...).
    purpose : str, optional
        What needs it (a function or class name), for the message.
    extra : str, optional
        The extra that installs it; looked up in :data:`OPTIONAL_PACKAGES` by default.

    Returns
    -------
    module

    Examples
    --------
    >>> from samplingstats._optional import import_optional
    >>> import_optional("math").sqrt(4.0)
    2.0
    >>> try:
    ...     import_optional("not_a_package_xyz", purpose="demo", extra="all")
    ... except ImportError as exc:
    ...     print(exc)
    demo needs the optional package 'not_a_package_xyz': pip install "samplingstats[all]"
    """
    top = name.split(".")[0]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.split(".")[0] != top:
            raise  # the package is there but one of *its* dependencies is missing
        dist, default_extra = OPTIONAL_PACKAGES.get(top, (top, None))
        extra = extra or default_extra
        what = purpose or "this feature"
        how = f'pip install "samplingstats[{extra}]"' if extra else f"pip install {dist}"
        raise MissingOptionalDependency(
            f"{what} needs the optional package {dist!r}: {how}", name=top, extra=extra
        ) from exc


def optional_available(name: str) -> bool:
    """Whether the optional module ``name`` can be imported (it is imported to find out).

    Examples
    --------
    >>> from samplingstats._optional import optional_available
    >>> optional_available("math"), optional_available("not_a_package_xyz")
    (True, False)
    """
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True
