"""Tables over run records: success per rule and model, time to exactness, the notes beside
ours, and GitHub markdown for any of them.

Every function takes `RunRecord` objects (or the dicts of older results files) and
returns a list of plain dict rows, one per table row.
"""

from __future__ import annotations

import math
import statistics
from typing import Any, Iterable, Optional

from .notes import NOTES_TABLE

__all__ = ["success_table", "time_to_exact", "compare_with_notes", "markdown_table"]

_VERDICTS = ("exact", "certified")


def _groups(records: Iterable[Any]) -> dict[tuple[str, str], list[Any]]:
    groups: dict[tuple[str, str], list[Any]] = {}
    for r in records:
        groups.setdefault((r["rule"], r["model"]), []).append(r)
    return groups


def _order(records: list) -> tuple[list[str], list[str]]:
    from .grid import _known_models

    rules = list(dict.fromkeys(r["rule"] for r in records))
    names = _known_models()
    models = sorted(
        {r["model"] for r in records}, key=lambda m: names.index(m) if m in names else len(names)
    )
    return rules, models


def _rate(records: list, verdict: str) -> Optional[float]:
    return sum(bool(r[verdict]) for r in records) / len(records) if records else None


def success_table(records: Iterable[Any], verdict: str = "exact") -> list[dict]:
    """Per rule: ``{"rule", <model>: fraction of seeds with ``verdict``, ...}`` and an
    "all rules" row.

    Parameters
    ----------
    records
        Run records.
    verdict
        ``"exact"`` (what the trainer reported) or ``"certified"`` (proved on every window;
        a record without a certificate counts as not certified).

    Returns
    -------
    list of dict
    """
    if verdict not in _VERDICTS:
        from .records import ExperimentError

        raise ExperimentError(f"verdict must be one of {_VERDICTS}, got {verdict!r}")
    records = list(records)
    rules, models = _order(records)
    groups = _groups(records)
    rows = []
    for rule in rules + ["all rules"]:
        row: dict[str, Any] = {"rule": rule}
        for m in models:
            if rule == "all rules":
                row[m] = _rate([r for r in records if r["model"] == m], verdict)
            else:
                row[m] = _rate(groups.get((rule, m), []), verdict)
        rows.append(row)
    return rows


def _median(values: list) -> Optional[float]:
    return statistics.median(values) if values else None


def time_to_exact(records: Iterable[Any]) -> list[dict]:
    """Per model: runs, exact and certified runs, median seconds and epochs to exactness
    (exact runs only) and over all runs."""
    records = list(records)
    _, models = _order(records)
    rows = []
    for m in models:
        recs = [r for r in records if r["model"] == m]
        ok = [r for r in recs if r["exact"]]
        rows.append(
            {
                "model": m,
                "runs": len(recs),
                "exact": len(ok),
                "certified": sum(bool(r.get("certified")) for r in recs),
                "success": _rate(recs, "exact"),
                "median_seconds": _median([r["seconds"] for r in ok]),
                "median_epochs": _median([r["epochs"] for r in ok]),
                "median_seconds_all": _median([r["seconds"] for r in recs]),
            }
        )
    return rows


def compare_with_notes(records: Iterable[Any]) -> list[dict]:
    """Per (rule, model): the notes' loss and accuracy beside ours (median over seeds of the
    final training loss and validation cell accuracy; best board accuracy; exact and
    certified fractions)."""
    records = list(records)
    rules, models = _order(records)
    groups = _groups(records)
    rows = []
    for rule in rules:
        for m in models:
            recs = groups.get((rule, m), [])
            if not recs:
                continue
            notes = NOTES_TABLE.get(rule, {}).get(m, {})
            rows.append(
                {
                    "rule": rule,
                    "model": m,
                    "notes_train_loss": notes.get("train_loss"),
                    "notes_val_accuracy": notes.get("val_accuracy"),
                    "train_loss": statistics.median(r["train_loss"] for r in recs),
                    "val_cell_accuracy": statistics.median(r["val_cell_accuracy"] for r in recs),
                    "val_board_accuracy": max(r["val_board_accuracy"] for r in recs),
                    "exact": _rate(recs, "exact"),
                    "certified": sum(bool(r.get("certified")) for r in recs) / len(recs),
                    "seeds": len(recs),
                }
            )
    return rows


def _fmt(v: Any, spec: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float):
        return format(v, spec or ".4g")
    return str(v)


def markdown_table(rows: list[dict], formats: Optional[dict] = None) -> str:
    """A list of dicts as a GitHub markdown table (``formats``: column -> format spec)."""
    if not rows:
        return ""
    formats = formats or {}
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c), formats.get(c, "")) for c in cols) + " |")
    return "\n".join(lines)
