"""The rule space, proved: `--model auto` on a stratified random draw of rules of every family.

Five families of binary 3x3 rules: outer-totalistic on the Moore (2^18 rules), von Neumann
(2^10) and hex (2^14) neighbourhoods, isotropic non-totalistic (2^102) and MAP (2^512).
Rule ``i`` of a family is drawn from its own stream, ``numpy.random.default_rng([seed,
family, i])``: one fair bit per class of the family (`lifecore.rules.families`), so a
larger ``per_family`` with the same seed *continues* a draw and never redraws it. Every rule
is trained by `lifecore.train.run.train_auto` (one seed) and the record says whether it
ended certified, with which model, at what cost.

Rules that explode or die at once are covered like any other: `lifecore.data.make_dataset`
makes one-step pairs from fresh soups, each board at its own density drawn from
`lifecore.data.COVERING` (0.05 to 0.95), so every (state, neighbourhood) class appears in
the data whatever the rule does next; nothing depends on trajectories surviving.

Results are keyed by (family, index, seed, configuration hash): a rerun skips what is stored,
a changed option never reuses a result. Runs go through joblib (or Dask) like the grid.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np

from ..files import atomic_write_bytes, check_writable, sha256
from ..rules.families import window_classes
from .grid import _backend
from .records import ExperimentError, _canonical, run_config_hash

__all__ = [
    "FAMILIES",
    "RuleSpaceRecord",
    "draw_rule",
    "draw",
    "run_rule",
    "run_rulespace",
    "load_rulespace",
    "save_rulespace",
    "family_summary",
]

#: label -> (rule family, neighbourhood), in report order.
FAMILIES: dict[str, tuple[str, str]] = {
    "Moore outer-totalistic": ("outer-totalistic", "moore"),
    "von Neumann outer-totalistic": ("outer-totalistic", "vonneumann"),
    "hex outer-totalistic": ("outer-totalistic", "hex"),
    "isotropic": ("isotropic", "moore"),
    "MAP": ("map", "moore"),
}

_FORMAT, _VERSION = "lifecore-rulespace", 1


def draw_rule(family: str, index: int, seed: int) -> str:
    """Rule ``index`` of ``family``'s draw for ``seed``: one fair coin per class.

    Raises
    ------
    ExperimentError
        For an unknown family label (see `FAMILIES`) or a negative index or seed.
    """
    if family not in FAMILIES:
        raise ExperimentError(f"unknown family {family!r}; expected one of {list(FAMILIES)}")
    if index < 0 or seed < 0:
        raise ExperimentError(f"index and seed must be >= 0, got {index}, {seed}")
    classes = window_classes(*FAMILIES[family])
    rng = np.random.default_rng([int(seed), list(FAMILIES).index(family), int(index)])
    return str(classes.rule(rng.integers(0, 2, classes.count)))


def draw(per_family: int, seed: int) -> list[tuple[str, int, str]]:
    """``(family, index, rule)`` for ``per_family`` rules of each family, interleaved by
    index (so a run cut short is still stratified)."""
    if isinstance(per_family, bool) or not isinstance(per_family, int) or per_family < 1:
        raise ExperimentError(f"per_family must be an integer >= 1, got {per_family!r}")
    return [(f, i, draw_rule(f, i, seed)) for i in range(per_family) for f in FAMILIES]


@dataclass(frozen=True)
class RuleSpaceRecord:
    """One drawn rule trained with ``--model auto``.

    ``model``/``params``: the certified rung (or the last tried); ``boards``: soups made for
    the run (a quarter held out for validation); ``added_windows``: counterexample windows
    failed proofs added; ``epochs``/``seconds``: all rungs; ``cpu_seconds``: CPU time of the
    worker process (one torch thread); ``counterexamples``: of the last proof when not
    certified; ``tried``: every rung (`lifecore.train.auto`).
    """

    family: str
    index: int
    seed: int
    rule: str
    config_hash: str
    certified: bool = False
    group: Optional[str] = None
    model: str = ""
    params: int = 0
    boards: int = 0
    added_windows: int = 0
    epochs: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    counterexamples: Optional[int] = None
    tried: tuple = field(default_factory=tuple)

    @property
    def key(self) -> tuple[str, int, int, str]:
        return (self.family, int(self.index), int(self.seed), self.config_hash)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["tried"] = [dict(t) for t in self.tried]
        return d


_FIELDS = frozenset(f.name for f in fields(RuleSpaceRecord))


def _config(config: Any) -> Any:
    from ..train import TrainConfig

    return config if config is not None else TrainConfig()


def run_rule(family: str, index: int, seed: int, config: Any = None) -> RuleSpaceRecord:
    """Draw rule ``index`` of ``family`` and train it with `train_auto` (seed ``seed``)."""
    from ..train.run import train_auto

    config, rule = _config(config), draw_rule(family, index, seed)
    t0 = time.process_time()
    res = train_auto(rule, seed, config, progress=False)
    cpu = time.process_time() - t0
    last, cert = res.auto["tried"][-1], res.certificate
    return RuleSpaceRecord(
        family=family,
        index=index,
        seed=seed,
        rule=rule,
        config_hash=run_config_hash(config, extra={"model": "auto"}),
        certified=bool(cert is not None and cert.exact),
        group=res.auto["group"],
        model=last["model"],
        params=last["params"],
        boards=int(config.data_n),
        added_windows=sum(int(t["added_windows"]) for t in res.auto["tried"]),
        epochs=sum(int(t["epochs"]) for t in res.auto["tried"]),
        seconds=sum(float(t["seconds"]) for t in res.auto["tried"]),
        cpu_seconds=cpu,
        counterexamples=None if cert is None or cert.exact else int(cert.counterexample_count),
        tried=tuple(dict(t) for t in res.auto["tried"]),
    )


def _warm_up() -> None:
    """Build every rung once in this process, so that e2cnn's one-off basis construction
    (tens of seconds) is not charged to the first rule a worker trains."""
    from .. import models
    from ..train.auto import AUTO_KERNEL, LADDERS

    for ladder in LADDERS.values():
        for name in ladder:
            models.build(name, kernel_size=AUTO_KERNEL)


def _worker(family: str, index: int, seed: int, config: Any) -> RuleSpaceRecord:
    import torch

    torch.set_num_threads(1)
    _warm_up()
    return run_rule(family, index, seed, config)


def save_rulespace(path: Union[str, Path], records: Sequence[RuleSpaceRecord]) -> Path:
    """Write ``records`` atomically with a SHA-256 of their JSON."""
    payload = [r.to_dict() for r in records]
    body = {
        "format": _FORMAT,
        "version": _VERSION,
        "sha256": sha256(_canonical(payload).encode()),
        "records": payload,
    }
    return atomic_write_bytes(path, json.dumps(body, indent=1).encode())


def load_rulespace(path: Union[str, Path]) -> list[RuleSpaceRecord]:
    """Records written by `save_rulespace`.

    Raises
    ------
    ExperimentError
        Unreadable, not a rule-space file, or a checksum that does not match (names the path).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExperimentError(f"{path}: cannot read rule-space JSON ({err})") from None
    recs = data.get("records") if isinstance(data, dict) else None
    if not isinstance(recs, list) or data.get("format") != _FORMAT:
        raise ExperimentError(f"{path}: not a lifecore rule-space results file")
    if data.get("sha256") != sha256(_canonical(recs).encode()):
        raise ExperimentError(f"{path}: checksum mismatch, the results file was changed")
    try:
        return [
            RuleSpaceRecord(
                **{
                    **{k: v for k, v in r.items() if k in _FIELDS},
                    "tried": tuple(r.get("tried") or ()),
                }
            )  # fmt: skip
            for r in recs
        ]
    except (TypeError, AttributeError) as err:
        raise ExperimentError(f"{path}: a record is malformed ({err})") from None


def run_rulespace(
    per_family: int,
    seed: int = 0,
    config: Any = None,
    out: Optional[Union[str, Path]] = None,
    jobs: int = 1,
    progress: bool = True,
    scheduler: Optional[str] = None,
) -> list[RuleSpaceRecord]:
    """Train the first ``per_family`` rules of every family's draw; resumable through ``out``.

    Returns
    -------
    list of RuleSpaceRecord
        In draw order (interleaved by index), stored ones reused.
    """
    config = _config(config)
    digest = run_config_hash(config, extra={"model": "auto"})
    tasks = [(f, i, seed, digest) for f, i, _ in draw(per_family, seed)]
    done: dict = {}
    if out is not None:
        out = check_writable(out)
        done = {r.key: r for r in load_rulespace(out)} if out.exists() else {}
    todo = [t for t in tasks if t not in done]
    from ..train import ALLOCATOR_ENV

    for k, v in ALLOCATOR_ENV.items():
        os.environ.setdefault(k, v)
    if todo:
        _run_tasks(todo, tasks, done, config, jobs, scheduler, out, progress)
    return [done[t] for t in tasks]


def _run_tasks(todo, tasks, done, config, jobs, scheduler, out, progress) -> None:
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    order = {t: i for i, t in enumerate(tasks)}
    bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), disable=not progress,
               desc="rulespace")  # fmt: skip
    with bar, _backend(scheduler, jobs) as n_jobs:
        results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(_worker)(f, i, s, config) for f, i, s, _ in todo
        )
        for rec in results:
            done[rec.key] = rec
            bar.update(1)
            bar.set_postfix(last=f"{rec.family} {rec.model} certified={rec.certified}")
            if out is not None:
                kept = sorted(done.values(), key=lambda r: order.get(r.key, len(order)))
                save_rulespace(out, kept)


def family_summary(records: Sequence[RuleSpaceRecord]) -> list[dict]:
    """Per family: rules, certified count and fraction, median and max CPU seconds,
    smallest certified model (fewest parameters) and the rules no model certified."""
    rows = []
    for family in FAMILIES:
        recs = [r for r in records if r.family == family]
        if not recs:
            continue
        ok = [r for r in recs if r.certified]
        cpu = [r.cpu_seconds for r in recs]
        small = min(ok, key=lambda r: (r.params, r.model)) if ok else None
        rows.append(
            {
                "family": family,
                "rules": len(recs),
                "certified": len(ok),
                "fraction": len(ok) / len(recs),
                "median_cpu_s": statistics.median(cpu),
                "max_cpu_s": max(cpu),
                "smallest": None if small is None else f"{small.model} ({small.params})",
                "not_certified": [r.rule for r in recs if not r.certified],
            }
        )
    return rows
