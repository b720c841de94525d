"""Chapter 4's rule x model grids: one screen instead of one row per run.

A run record (`lifecore.experiments.run_grid`) says whether the network became exact and
how accurate it was; a reader wants, per rule and model, "exact" or the accuracy it got
stuck at, and over several seeds "2 of 3".
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from . import cache, tables

__all__ = [
    "exact_key",
    "outcome",
    "outcome_grid",
    "notes_grid",
    "count_exact",
    "proof_verdict",
    "proof_grid",
    "proof_counts",
    "cached_grid",
]


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


def proof_verdict(record: Mapping, certificate: Mapping) -> str:
    """What a run's certificate says beside the trainer's sample test.

    ``"proved"``: the certificate shows the network computes the run's own rule on every
    window; ``"sampled only"``: the trainer called it exact but the proof fails (another
    rule, or no 3x3 rule at all); ``"no"``: neither.
    """
    if certificate.get("exact") and certificate.get("rule") == record["rule"]:
        return "proved"
    return "sampled only" if record["exact"] else "no"


def proof_grid(
    records: Sequence[Mapping],
    certificates: Mapping,
    rules: Sequence[str],
    models: Sequence[str],
):
    """Rule x model DataFrame of `proof_verdict` (one seed per cell); ``certificates`` maps
    ``(rule, model)`` to a certificate dict."""
    rows = [
        {**_as_dict(r), "verdict": proof_verdict(r, certificates[r["rule"], r["model"]])}
        for r in records
    ]
    return tables.pivot(
        rows,
        "rule",
        "model",
        lambda g: g[0]["verdict"],
        index_order=rules,
        column_order=models,
    )


def proof_counts(records: Sequence[Mapping], certificates: Mapping) -> dict[str, int]:
    """Counts of runs: ``proved`` (certificate), ``sampled`` (trainer's sample test),
    ``both`` and ``sampled_only`` (called exact, not proved), and ``runs``."""
    verdicts = [proof_verdict(r, certificates[r["rule"], r["model"]]) for r in records]
    sampled = sum(bool(r["exact"]) for r in records)
    proved = verdicts.count("proved")
    both = sum(v == "proved" and r["exact"] for v, r in zip(verdicts, records))
    return {
        "runs": len(records),
        "proved": proved,
        "sampled": sampled,
        "both": both,
        "sampled_only": verdicts.count("sampled only"),
    }


def _as_dict(record) -> dict:
    """A run record as a plain dict (`RunRecord.to_dict()`, or a mapping as it is)."""
    return record.to_dict() if hasattr(record, "to_dict") else dict(record)


def cached_grid(directory, name: str, settings: Mapping, compute: Callable[[], Sequence]) -> list:
    """A chapter's grid, computed once per configuration: ``compute()`` (a pure function of
    ``settings`` returning `RunRecord`s or their dicts) runs only when no earlier build stored
    a grid under ``name`` for these exact settings (`lifecore.book.cache.cached`: the stored
    settings are compared, so other settings are never served; a lock makes a second chapter
    asking at the same time wait and read). ``settings`` must hold everything the grid
    depends on: rules, models, seeds and the training configuration's ``to_dict()``.

    Returns the records as `lifecore.experiments.records.RunRecord`, fresh or read back.
    """
    from ..experiments.records import RunRecord

    def load(rows):
        return [RunRecord.from_dict(row, f"{name} record {i}") for i, row in enumerate(rows)]

    return cache.cached(
        directory, name, settings, compute, dump=lambda rs: [_as_dict(r) for r in rs], load=load
    )
