"""Tables for the book: pandas DataFrames with readable headers and values.

Library functions return records with snake_case keys, fractions, ``None`` and booleans;
a reader should meet "validation accuracy", "99.2%", "–" and "yes". These helpers do that
translation once, so every chapter's tables look alike and fit the text column.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, Optional, Sequence

__all__ = ["percent", "yes_no", "number", "frame", "pivot", "settings", "show", "DASH"]

#: What an empty or undefined cell shows.
DASH = "–"


def percent(value: Optional[float], digits: int = 1) -> str:
    """A fraction as a percentage (``0.9912`` -> ``"99.1%"``); ``None`` or NaN -> a dash.

    Exact ones and zeros print without decimals (``"100%"``, ``"0%"``) so that a rounded
    99.96% never reads as 100%: values within rounding of 1 but below it show more digits.
    """
    if value is None or value != value:
        return DASH
    value = float(value)
    if value in (0.0, 1.0):
        return f"{100 * value:.0f}%"
    text = f"{100 * value:.{digits}f}%"
    while text in (f"{100:.{digits}f}%", f"{0:.{digits}f}%") and digits < 4:
        digits += 1
        text = f"{100 * value:.{digits}f}%"
    if text == f"{0:.{digits}f}%":
        return f"<{10.0**-digits:.{digits}f}%"
    if text == f"{100:.{digits}f}%":
        return f">{100 - 10.0**-digits:.{digits}f}%"
    return text


def yes_no(value: Optional[bool]) -> str:
    """``True`` -> ``"yes"``, ``False`` -> ``"no"``, ``None`` -> a dash."""
    if value is None:
        return DASH
    return "yes" if value else "no"


def number(value: Any, fmt: str = "{:,}") -> str:
    """A number with ``fmt``; ``None`` or NaN -> a dash; anything else as ``str``."""
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (int, float)) or hasattr(value, "__index__"):
        return fmt.format(value)
    return str(value)


def as_mapping(row: Any) -> Mapping[str, Any]:
    """A record as a mapping: a frozen dataclass (what the library returns) by its fields."""
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return dataclasses.asdict(row)
    return row


def frame(
    rows: Sequence[Mapping[str, Any]],
    columns: Mapping[str, str],
    formats: Optional[Mapping[str, Callable[[Any], str]]] = None,
):
    """Records as a DataFrame of display strings.

    Parameters
    ----------
    rows : sequence of mappings or dataclasses
        Records as the library returns them.
    columns : mapping
        ``{key: header}``: which keys to show, in order, under which readable header.
    formats : mapping, optional
        ``{key: function}`` turning a value into its display string; other values go
        through `number` (so booleans read yes/no and ``None`` a dash).

    Returns
    -------
    pandas.DataFrame
        One column per header, every cell a string.

    Raises
    ------
    KeyError
        When a requested key is in no row (a typo would otherwise show an empty column).
    """
    import pandas as pd

    rows = [as_mapping(r) for r in rows]
    formats = dict(formats or {})
    missing = [k for k in columns if not any(k in r for r in rows)]
    if missing:
        raise KeyError(f"columns {missing} are in no row")
    data = {
        header: [formats.get(key, number)(r.get(key)) for r in rows]
        for key, header in columns.items()
    }
    return pd.DataFrame(data)


def pivot(
    rows: Sequence[Mapping[str, Any]],
    index: str,
    columns: str,
    value: Callable[[Sequence[Mapping[str, Any]]], str],
    index_order: Optional[Sequence[Any]] = None,
    column_order: Optional[Sequence[Any]] = None,
    index_name: Optional[str] = None,
):
    """A grid such as rule x model: one cell per (index, column) pair, computed by
    ``value`` from all the rows of that pair (for example "2 of 3" over seeds); pairs with
    no rows show a dash."""
    import pandas as pd

    rows = list(rows)
    index_order = list(index_order or dict.fromkeys(r[index] for r in rows))
    column_order = list(column_order or dict.fromkeys(r[columns] for r in rows))
    cells = {
        c: [
            value(group)
            if (group := [r for r in rows if r[index] == i and r[columns] == c])
            else DASH
            for i in index_order
        ]
        for c in column_order
    }
    df = pd.DataFrame(cells, index=pd.Index(index_order, name=index_name or index))
    df.columns.name = None
    return df


def settings(pairs: Mapping[str, Any]):
    """A configuration as a two-column table (setting, value) instead of a printed dict."""
    return frame(
        [{"setting": k, "value": v} for k, v in pairs.items()],
        {"setting": "setting", "value": "value"},
    )


def show(df, index: bool = False):
    """The frame as the book shows it: a Styler without the row numbers (unless ``index``),
    so a table is as wide as its content and no wider."""
    styler = df.style
    if not index:
        styler = styler.hide(axis="index")
    return styler
