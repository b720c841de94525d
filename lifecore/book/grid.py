"""Chapter 4's rule x model grids: one screen instead of one row per run.

A run record (`lifecore.experiments.run_grid`) says whether the network became exact and
how accurate it was; a reader wants, per rule and model, "exact" or the accuracy it got
stuck at, and over several seeds "2 of 3".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from . import cache, tables
from .words import count_phrase, join_words

__all__ = [
    "GridSpec",
    "chapter_grid",
    "proved_by_model",
    "failure_sentence",
    "exact_key",
    "outcome",
    "outcome_grid",
    "notes_grid",
    "count_exact",
    "cached_grid",
]


@dataclass(frozen=True)
class GridSpec:
    """Everything that decides chapter 4's grid: rules, models, seeds, training settings.

    ``train`` is a `lifecore.train.TrainConfig` (certified training, ``certify=True``, is
    what the book uses); ``results``/``checkpoints`` are where finished runs are kept, so a
    rebuild with the same spec reuses them and any other spec trains afresh (records are
    keyed by `lifecore.experiments.run_config_hash`).
    """

    rules: tuple[str, ...]
    models: tuple[str, ...]
    # seeds: a count (0 .. n-1) or the seeds themselves
    seeds: Union[int, tuple[int, ...]]
    train: Any
    results: str
    checkpoints: Optional[str] = None
    jobs: int = 2

    def key(self) -> str:
        """16 hex digits naming the results this spec produces (training settings, rules,
        models, seeds; not where they are kept or how many workers ran them): what a
        build cache keys the grid by, so it never serves another spec's runs."""
        from ..experiments import run_config_hash

        seeds = self.seeds if isinstance(self.seeds, int) else list(self.seeds)
        what = {"rules": list(self.rules), "models": list(self.models), "seeds": seeds}
        return run_config_hash(self.train, extra=what)


def chapter_grid(spec: GridSpec) -> list:
    """The grid's run records for ``spec``: config in, typed records out.

    One function for the chapter's heavy work, computed once per configuration: the whole
    grid goes through `cached_grid` (keyed by the spec's rules, models, seeds and training
    settings, so another spec is never served), and each run inside it is resumable from
    ``spec.results``. Refuses uncertified training: the book's "exact" is a proof.

    Returns
    -------
    list of lifecore.experiments.RunRecord
        One per (rule, model, seed), each with ``certified`` and ``margin`` set.
    """
    from .. import experiments as ex

    if not getattr(spec.train, "certify", False):
        raise ex.ExperimentError("the book's grid trains with certify=True (a proof per run)")
    results = Path(spec.results)
    results.parent.mkdir(parents=True, exist_ok=True)
    seeds = spec.seeds if isinstance(spec.seeds, int) else list(spec.seeds)
    settings = {
        "rules": list(spec.rules),
        "models": list(spec.models),
        "seeds": seeds,
        "train": spec.train.to_dict(),
    }

    def compute() -> list:
        return ex.run_grid(
            list(spec.rules),
            list(spec.models),
            seeds=spec.seeds,
            jobs=spec.jobs,
            config=spec.train,
            out=spec.results,
            checkpoint_dir=spec.checkpoints,
            progress=False,
        )

    return cached_grid(results.parent / "grid-cache", "grid", settings, compute)


def proved_by_model(records: Sequence[Mapping], models: Sequence[str]) -> list[dict]:
    """Per model: runs, runs proved (``certified``), the rules not proved, and the symmetry
    bound of those rules (`lifecore.rules.symmetry.lower_bound` over the model's k x k
    window; None for a model with no symmetry constraint).

    A bound of 0 says the model's symmetry does not stop it from computing the rule, so
    a failure there is one of training (capacity, initialisation), not of architecture.
    """
    from ..models import default_kernel, model_group
    from ..rules.symmetry import lower_bound

    rows = []
    for m in models:
        recs = [r for r in records if r["model"] == m]
        failed = sorted({r["rule"] for r in recs if not r["certified"]})
        group = model_group(m)
        bound = None
        if group is not None:
            bound = sum(lower_bound(r, group, default_kernel(m)).wrong_windows for r in failed)
        rows.append(
            {
                "model": m,
                "runs": len(recs),
                "proved": sum(bool(r["certified"]) for r in recs),
                "not proved": failed,
                "group": group,
                "bound": bound,
            }
        )
    return rows


def failure_sentence(rows: Sequence[Mapping]) -> str:
    """One sentence on the runs `proved_by_model` did not prove, with plurals right:
    which models failed on how many rules, and what the symmetry bound says of them."""
    failed = [r for r in rows if r["not proved"]]
    if not failed:
        return "Every run was proved."
    parts = [f"{r['model']} on {count_phrase(len(r['not proved']), 'rule')}" for r in failed]
    text = f"Not proved: {join_words(parts)}."
    bounded = [r for r in failed if r["bound"] is not None]
    if bounded and all(r["bound"] == 0 for r in bounded):
        names = join_words([r["model"] for r in bounded])
        text += (
            f" The symmetry bound is 0 for {names} on those rules: a rotation-equivariant"
            " network can compute every one of them, so these failures are training's"
            " (too few weights, an unlucky start), not the architecture's."
        )
    elif bounded:
        wrong = sum(r["bound"] for r in bounded)
        text += (
            f" Their symmetry forces at least {count_phrase(wrong, 'window')} wrong on those"
            " rules, whatever the training."
        )
    return text


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
