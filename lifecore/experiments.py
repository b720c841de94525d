"""The notes' experiment, redone: 8 rules x 6 models x several seeds, judged by exactness.

`run_grid` trains every (rule, model, seed) with `lifecore.train.train_rule` through
``joblib.Parallel``: to run it on a cluster, wrap the call in
``joblib.parallel_config(backend="dask")`` (or "ray") instead of writing a scheduler.
With ``out`` the finished records are written to a JSON file as they complete and a rerun
skips them; with ``checkpoint_dir`` every trained network is saved, and `trained` loads it
back (chapter 5 reuses chapter 4's networks that way).

Worker processes get one torch thread each and `lifecore.train.ALLOCATOR_ENV` (glibc
malloc settings that made these tiny networks several times faster).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from .rules import NOTES_RULES as _NOTES_RULES
from .rules import as_rule

__all__ = [
    "NOTES_RULES",
    "NOTES_TABLE",
    "RECORD_KEYS",
    "run_one",
    "run_grid",
    "trained",
    "checkpoint_path",
    "load_records",
    "success_table",
    "time_to_exact",
    "compare_with_notes",
    "markdown_table",
]

#: The notes' 8 rules, in their order.
NOTES_RULES: tuple[str, ...] = tuple(_NOTES_RULES)

_NOTES_MODELS = ("cnn-tiny", "cnn-small", "mcnn", "p4cnn-tiny", "p4cnn-small", "p4mcnn")
_NOTES_ROWS = {
    # rule: (final training loss, validation accuracy %) per model, in _NOTES_MODELS order
    "B3/S23": [
        (0.7002, 86.79),
        (0.0045, 100.00),
        (0.0055, 99.97),
        (0.3631, 94.74),
        (0.0037, 100.0),
        (0.0036, 100.00),
    ],
    "B36/S23": [
        (0.3451, 90.46),
        (0.0167, 99.89),
        (0.0262, 98.94),
        (0.4740, 92.32),
        (0.0274, 99.77),
        (0.0148, 99.86),
    ],
    "B3678/S34678": [
        (0.2035, 92.36),
        (0.0133, 99.96),
        (0.0660, 98.19),
        (0.4534, 93.40),
        (0.0159, 99.96),
        (0.0097, 99.98),
    ],
    "B35678/S5678": [
        (0.0165, 99.24),
        (0.0216, 98.73),
        (0.0955, 99.52),
        (0.0086, 99.32),
        (0.0058, 99.65),
        (0.0041, 99.77),
    ],
    "B2/S": [
        (0.0231, 99.74),
        (0.0023, 100.00),
        (0.0024, 100.00),
        (0.6136, 88.79),
        (0.0022, 100.00),
        (0.0034, 100.00),
    ],
    "B345/S5": [
        (0.1710, 96.25),
        (0.0065, 100.00),
        (0.0039, 100.00),
        (0.0028, 100.00),
        (0.0028, 100.00),
        (0.0119, 99.92),
    ],
    "B13/S012V": [
        (0.2489, 92.30),
        (0.0066, 100.00),
        (0.0045, 99.99),
        (0.1243, 99.04),
        (0.0016, 100.00),
        (0.0010, 100.00),
    ],
    "B2/S013V": [
        (0.5533, 77.24),
        (0.0046, 100.00),
        (0.0025, 100.00),
        (0.7082, 84.71),
        (0.0091, 100.00),
        (0.0015, 100.00),
    ],
}
#: The notes' published table: ``NOTES_TABLE[rule][model] = {"train_loss", "val_accuracy"}``
#: (accuracy as a fraction; the notes print percent and never say whether it is per cell).
#: The notes print the B3/S23 row under the label B36/S23 (the row appears twice).
NOTES_TABLE: dict[str, dict[str, dict[str, float]]] = {
    rule: {
        m: {"train_loss": loss, "val_accuracy": acc / 100.0}
        for m, (loss, acc) in zip(_NOTES_MODELS, row)
    }
    for rule, row in _NOTES_ROWS.items()
}

#: Keys every record carries.
RECORD_KEYS = (
    "rule",
    "model",
    "seed",
    "params",
    "train_loss",
    "val_loss",
    "val_cell_accuracy",
    "val_board_accuracy",
    "rollout_exact",
    "exact",
    "epochs",
    "seconds",
    "stopped",
    "history",
)


def _model_names() -> tuple[str, ...]:
    from .models import MODEL_NAMES

    return tuple(MODEL_NAMES)


def _check(rules: Iterable, models: Iterable) -> tuple[list[str], list[str]]:
    rules = [str(as_rule(r)) for r in rules]  # RuleError (a ValueError) names a bad rule
    names = _model_names()
    models = list(models)
    for m in models:
        if m not in names:
            raise ValueError(f"unknown model {m!r}; valid names: {', '.join(names)}")
    return rules, models


def checkpoint_path(checkpoint_dir: Union[str, Path], rule, model: str, seed: int) -> Path:
    """``<dir>/<model>-<rule>-s<seed>.pt`` with the rule's slash replaced."""
    tag = str(as_rule(rule)).replace("/", "_")
    return Path(checkpoint_dir) / f"{model}-{tag}-s{int(seed)}.pt"


def _config(config):
    from .train import TrainConfig

    return config if config is not None else TrainConfig()


def run_one(
    rule,
    model: str,
    seed: int,
    config=None,
    out_dir: Optional[Union[str, Path]] = None,
    progress: bool = False,
) -> dict:
    """Train one (rule, model, seed) and return its record (`RECORD_KEYS`).

    ``out_dir``: save the network there (`checkpoint_path`), resuming an interrupted run.
    """
    from . import models
    from .train import train_rule

    (rule,), (model,) = _check([rule], [model])
    config = _config(config)
    ckpt = checkpoint_path(out_dir, rule, model, seed) if out_dir is not None else None
    t0 = time.perf_counter()
    res = train_rule(rule, model, seed=int(seed), config=config, checkpoint=ckpt, progress=progress)
    record = {
        "rule": rule,
        "model": model,
        "seed": int(seed),
        "params": models.count_parameters(res.model),
        "train_loss": res.train_loss,
        "val_loss": res.val_loss,
        "val_cell_accuracy": res.val_cell_accuracy,
        "val_board_accuracy": res.val_board_accuracy,
        "rollout_exact": res.rollout_exact,
        "exact": bool(res.exact),
        "epochs": res.epochs,
        "seconds": res.seconds,
        "wall_seconds": time.perf_counter() - t0,
        "stopped": res.stopped,
        "history": [{k: v for k, v in h.items()} for h in res.history],
        "config": config.to_dict(),
    }
    if ckpt is not None:
        record["checkpoint"] = str(ckpt)
    return record


def _worker(rule, model, seed, config, out_dir, threads):
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    return run_one(rule, model, seed, config, out_dir)


def _key(rec: dict) -> tuple:
    return (str(as_rule(rec["rule"])), rec["model"], int(rec["seed"]))


def load_records(path: Union[str, Path]) -> list[dict]:
    """Records from a results file written by `run_grid` (ValueError if it is not one)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: cannot read results JSON ({err})") from None
    recs = data.get("records") if isinstance(data, dict) else None
    if not isinstance(recs, list) or not all(
        isinstance(r, dict) and {"rule", "model", "seed"} <= set(r) for r in recs
    ):
        raise ValueError(f"{path}: not a lifecore experiments results file")
    return recs


def _write_records(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps(
            {"format": "lifecore-experiments", "records": records}, indent=1, default=_json_default
        )
    )
    os.replace(tmp, path)


def _json_default(o):
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON-able: {type(o).__name__}")


def run_grid(
    rules: Sequence = NOTES_RULES,
    models: Optional[Sequence[str]] = None,
    seeds: Union[int, Sequence[int]] = 3,
    jobs: int = 2,
    config=None,
    out: Optional[Union[str, Path]] = None,
    checkpoint_dir: Optional[Union[str, Path]] = None,
    progress: bool = True,
) -> list[dict]:
    """Train every (rule, model, seed); return the records in grid order.

    ``seeds``: a count (seeds 0..n-1) or explicit seeds. ``jobs``: joblib worker processes
    (each with one torch thread when ``jobs > 1``). ``out``: JSON results file, updated as
    each run finishes; runs already in it are skipped. ``checkpoint_dir``: where the
    networks are saved (and from where interrupted runs resume).
    """
    from joblib import Parallel, delayed

    models = _model_names() if models is None else models
    rules, models = _check(rules, models)
    seed_list = list(range(int(seeds))) if isinstance(seeds, int) else [int(s) for s in seeds]
    config = _config(config)
    out = Path(out) if out is not None else None
    done: dict[tuple, dict] = {}
    if out is not None and out.exists():
        done = {_key(r): r for r in load_records(out)}
    tasks = [(r, m, s) for r in rules for m in models for s in seed_list]
    todo = [t for t in tasks if t not in done]
    jobs = max(1, int(jobs))
    threads = 1 if jobs > 1 else None
    for k, v in __import__("lifecore.train", fromlist=["ALLOCATOR_ENV"]).ALLOCATOR_ENV.items():
        os.environ.setdefault(k, v)  # inherited by joblib's worker processes started from here on
    if todo:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=len(tasks),
            initial=len(tasks) - len(todo),
            disable=not progress,
            desc="grid",
            unit="run",
        )
        try:
            results = Parallel(n_jobs=jobs, return_as="generator_unordered")(
                delayed(_worker)(r, m, s, config, checkpoint_dir, threads) for r, m, s in todo
            )
            for rec in results:
                done[_key(rec)] = rec
                bar.update(1)
                bar.set_postfix(last=f"{rec['model']} {rec['rule']} exact={rec['exact']}")
                if out is not None:
                    _write_records(
                        out,
                        [done[t] for t in tasks if t in done]
                        + [v for k, v in done.items() if k not in set(tasks)],
                    )
        finally:
            bar.close()
    return [done[t] for t in tasks]


def trained(rule, model: str, seed: int, checkpoint_dir: Union[str, Path], config=None):
    """The network for (rule, model, seed): loaded from ``checkpoint_dir`` when saved there
    (by `run_grid`/`run_one`), else trained now and saved. Returns the model (eval mode,
    with ``.metadata``)."""
    from . import models

    (rule,), (model,) = _check([rule], [model])
    path = checkpoint_path(checkpoint_dir, rule, model, seed)
    if not path.is_file():
        run_one(rule, model, seed, config, checkpoint_dir)
    return models.load(path)


# -- summaries ---------------------------------------------------------------------------
def _groups(records: Iterable[dict]) -> dict[tuple[str, str], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in records:
        groups.setdefault((r["rule"], r["model"]), []).append(r)
    return groups


def _order(records: list[dict]) -> tuple[list[str], list[str]]:
    rules = list(dict.fromkeys(r["rule"] for r in records))
    names = _model_names()
    models = sorted(
        {r["model"] for r in records}, key=lambda m: names.index(m) if m in names else len(names)
    )
    return rules, models


def success_table(records: Iterable[dict]) -> list[dict]:
    """Per rule: ``{"rule", <model>: fraction of seeds exact, ...}``, plus an "all rules" row."""
    records = list(records)
    rules, models = _order(records)
    groups = _groups(records)
    rows = []
    for rule in rules + ["all rules"]:
        row = {"rule": rule}
        for m in models:
            recs = (
                [r for r in records if r["model"] == m]
                if rule == "all rules"
                else groups.get((rule, m), [])
            )
            row[m] = sum(bool(r["exact"]) for r in recs) / len(recs) if recs else None
        rows.append(row)
    return rows


def time_to_exact(records: Iterable[dict]) -> list[dict]:
    """Per model: runs, exact runs, median seconds and epochs to exactness (exact runs only)."""
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
                "success": len(ok) / len(recs) if recs else None,
                "median_seconds": statistics.median(r["seconds"] for r in ok) if ok else None,
                "median_epochs": statistics.median(r["epochs"] for r in ok) if ok else None,
                "median_seconds_all": statistics.median(r["seconds"] for r in recs)
                if recs
                else None,
            }
        )
    return rows


def compare_with_notes(records: Iterable[dict]) -> list[dict]:
    """Per (rule, model): the notes' loss and accuracy beside ours (median over seeds of the
    final training loss and validation cell accuracy; best board accuracy; exact fraction)."""
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
                    "exact": sum(bool(r["exact"]) for r in recs) / len(recs),
                    "seeds": len(recs),
                }
            )
    return rows


def _fmt(v, spec: str = "") -> str:
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


# -- command line ------------------------------------------------------------------------
def _cli(args) -> int:
    from .train import TrainConfig

    overrides = {
        k: v
        for k, v in {"max_epochs": args.max_epochs, "patience": args.patience}.items()
        if v is not None
    }
    config = TrainConfig(**overrides)
    t0 = time.perf_counter()
    recs = run_grid(
        args.rules or NOTES_RULES,
        args.models or None,
        args.seeds,
        args.jobs,
        config,
        args.out,
        args.checkpoint_dir,
        progress=not args.quiet,
    )
    print(f"{len(recs)} runs in {time.perf_counter() - t0:.1f} s -> {args.out}")
    print(markdown_table(success_table(recs), {m: ".0%" for m in _model_names()}))
    return 0


def register_cli(subparsers) -> None:
    p = subparsers.add_parser("experiments", help="train the rules x models x seeds grid")
    p.add_argument("--rules", nargs="+", help="rules (default: the notes' 8)")
    p.add_argument("--models", nargs="+", help="models (default: all 6)")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--max-epochs", type=int)
    p.add_argument("--patience", type=int)
    p.add_argument("--checkpoint-dir", help="save every trained network here")
    p.add_argument("--out", required=True, help="results JSON (resumable)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_cli)
