"""Chapter 4's rule x model grids: one screen instead of one row per run.

A run record (`lifecore.experiments.run_grid`) says whether the network became exact and
how accurate it was; a reader wants, per rule and model, "exact" or the accuracy it got
stuck at, and over several seeds "2 of 3".
"""

from __future__ import annotations

from typing import Mapping, Sequence

from . import tables

__all__ = ["exact_key", "outcome", "outcome_grid", "notes_grid", "count_exact"]


def exact_key(records: Sequence[Mapping]) -> str:
    """``"certified"`` when the records carry certificates (proved exact over every window),
    else ``"exact"`` (validation boards and a rollout right)."""
    certified = [r.get("certified") for r in records]
    return "certified" if certified and all(c is not None for c in certified) else "exact"


def outcome(group: Sequence[Mapping], key: str = "exact") -> str:
    """One cell of the grid: for a single run ``key`` ("exact"/"certified") or the
    validation cell accuracy it reached; for several seeds "k of n"."""
    if len(group) == 1:
        r = group[0]
        return key if r[key] else tables.percent(r["val_cell_accuracy"], 2)
    return f"{sum(bool(r[key]) for r in group)} of {len(group)}"


def outcome_grid(records: Sequence[Mapping], rules: Sequence[str], models: Sequence[str]):
    """Rule x model DataFrame of `outcome` (see `exact_key` for which verdict is used)."""
    key = exact_key(records)
    return tables.pivot(
        records,
        "rule",
        "model",
        lambda g: outcome(g, key),
        index_order=rules,
        column_order=models,
    )


def notes_grid(notes_table: Mapping, rules: Sequence[str], models: Sequence[str]):
    """The notes' validation accuracies as a rule x model DataFrame, as they printed them
    (two decimals), so a reader can set it beside `outcome_grid`."""
    rows = [
        {"rule": rule, "model": m, "acc": notes_table[rule][m]["val_accuracy"]}
        for rule in rules
        for m in models
        if m in notes_table.get(rule, {})
    ]
    return tables.pivot(
        rows,
        "rule",
        "model",
        lambda g: f"{100 * g[0]['acc']:.2f}%",
        index_order=rules,
        column_order=models,
    )


def count_exact(records: Sequence[Mapping], key: str = "exact") -> tuple[int, int]:
    """``(runs with key true, runs)``."""
    records = list(records)
    return sum(bool(r[key]) for r in records), len(records)
