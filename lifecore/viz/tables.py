"""Lists of records as HTML tables, and the book's percentage format.

The chapters' tables are lists of dicts straight from the library, so they need no
dataframe library to be shown. The table is wrapped in a scrolling box only as a last
resort; keeping it narrower than the text column is the chapter's job.
"""

from __future__ import annotations

import html
from typing import Optional, Sequence

import numpy as np

from ..errors import LifecoreError

__all__ = ["TableError", "table", "percent"]


class TableError(LifecoreError):
    """Rows or columns that cannot be shown as a table."""


def _columns(rows: list[dict], columns: Optional[dict]) -> dict:
    if columns is None:
        return {k: k for k in dict.fromkeys(k for row in rows for k in row)}
    columns = dict(columns)
    if not columns:
        raise TableError("columns is empty: nothing to show")
    missing = [k for k in columns if not any(k in row for row in rows)]
    if missing:
        raise TableError(f"columns {missing} are in no row")
    return columns


def table(
    rows: Sequence[dict],
    floatfmt: str = "{:.4g}",
    columns: Optional[dict] = None,
    intfmt: str = "{}",
):
    """Show a list of records as an HTML table (plain text outside a notebook).

    Parameters
    ----------
    rows : sequence of dict
        One dict per row; a key missing from a row leaves its cell empty.
    floatfmt : str
        Format of floats.
    columns : dict, optional
        ``{key: header}``: picks and orders the columns and names their headers (default:
        every key, as it is).
    intfmt : str
        Format of integers (not booleans).

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    TableError
        If there are no rows, or ``columns`` names a key that no row has.
    """
    from IPython.display import HTML

    rows = list(rows)
    if not rows:
        raise TableError("table needs at least one row")
    columns = _columns(rows, columns)

    def fmt(v) -> str:
        if isinstance(v, (float, np.floating)):
            return floatfmt.format(v)
        if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            return intfmt.format(v)
        return str(v)

    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in columns.values())
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt(row.get(c, '')))}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def percent(v) -> str:
    """A fraction as a percentage with two decimals (``0.5`` -> ``"50.00%"``); None -> ``"-"``."""
    return "-" if v is None else f"{100 * v:.2f}%"
