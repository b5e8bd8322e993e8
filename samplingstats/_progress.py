"""Progress bars and logging for long calls.

Long-running public calls take ``progress=False``: ``True`` shows a tqdm bar when tqdm is installed
(``pip install "samplingstats[progress]"``) and is silent otherwise (one ``logging`` message says so).
scikit-learn-style estimators take ``verbose`` (``verbose > 0`` turns the bar on). Every module logs
through ``logging.getLogger("samplingstats.<module>")``; the library adds no handler, so messages are
shown only when the application configures logging (e.g. ``logging.basicConfig(level="INFO")``).
"""

from __future__ import annotations

import contextlib
import logging

from ._validation import check_param

__all__ = ["get_logger", "progress_bar", "check_progress"]


def get_logger(module: str) -> logging.Logger:
    """The library logger of ``module`` (``samplingstats.<module>``).

    Examples
    --------
    >>> from samplingstats._progress import get_logger
    >>> get_logger("lp").name
    'samplingstats.lp'
    """
    return logging.getLogger(
        module if module.startswith("samplingstats") else f"samplingstats.{module}"
    )


def check_progress(progress, *, caller: str | None = None) -> bool:
    """Validate a ``progress`` argument (a bool) and return it."""
    check_param(progress, ["boolean"], name="progress", caller=caller)
    return bool(progress)


class _NoBar:
    """Stand-in with tqdm's small interface when no bar is shown."""

    n = 0

    def update(self, n=1):
        self.n += n

    def set_postfix_str(self, s="", refresh=True):
        pass

    def set_description_str(self, s="", refresh=True):
        pass

    def close(self):
        pass


@contextlib.contextmanager
def progress_bar(enabled: bool, *, total=None, desc: str = "", unit: str = "it"):
    """Context manager yielding a tqdm bar when ``enabled`` and tqdm is installed, else a no-op bar.

    The yielded object has ``update(n)``, ``set_postfix_str(s)`` and ``close()``.

    Examples
    --------
    >>> from samplingstats._progress import progress_bar
    >>> with progress_bar(False, total=3, desc="demo") as bar:
    ...     for _ in range(3):
    ...         bar.update(1)
    >>> bar.n
    3
    """
    bar = None
    if enabled:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            get_logger("samplingstats").info(
                "%s: progress=True but tqdm is not installed "
                '(pip install "samplingstats[progress]"); running without a bar.',
                desc or "samplingstats",
            )
        else:
            bar = tqdm(total=total, desc=desc or None, unit=unit, leave=False)
    if bar is None:
        bar = _NoBar()
    try:
        yield bar
    finally:
        bar.close()
