"""Plain-text tables for the demo and command-line output."""

from __future__ import annotations

__all__ = ["format_table"]


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def format_table(headers, rows, *, title: str | None = None) -> str:
    """Format rows as a fixed-width text table (markdown pipe syntax).

    Examples
    --------
    >>> from samplingstats._table import format_table
    >>> print(format_table(["a", "b"], [[1, 0.5], [10, 0.25]]))
    | a  | b    |
    |----|------|
    | 1  | 0.5  |
    | 10 | 0.25 |
    """
    cells = [[_cell(v) for v in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in cells:
        if len(r) != len(headers):
            raise ValueError(f"row {r} has {len(r)} cells, expected {len(headers)}")
        widths = [max(w, len(c)) for w, c in zip(widths, r)]
    lines = []
    if title:
        lines.append(title)
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    return "\n".join(lines)
