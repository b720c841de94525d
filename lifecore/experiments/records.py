"""What one training run produced, and the results file that holds many.

A `RunRecord` is keyed by everything that changes its numbers: the rule, the model, the
seed and `run_config_hash` of the full training configuration and model options. A stored
record is reused only when all of them match, so a changed option never reuses a result.
The results file is JSON written atomically (`lifecore.files.atomic_write_bytes`) with a
SHA-256 of its records, checked on load.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

from ..errors import LifecoreError
from ..files import atomic_write_bytes, sha256

__all__ = [
    "ExperimentError",
    "RunRecord",
    "RECORD_KEYS",
    "RESULTS_FORMAT",
    "RESULTS_VERSION",
    "run_config_hash",
    "load_records",
    "save_records",
]

RESULTS_FORMAT, RESULTS_VERSION = "lifecore-experiments", 2


class ExperimentError(LifecoreError):
    """A bad grid request (rule, model, seeds, scheduler) or a results file that is not one."""


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"not JSON-able: {type(value).__name__}")


def run_config_hash(
    config: Any,
    model_options: Optional[Mapping[str, Any]] = None,
    extra: Optional[Mapping[str, Any]] = None,
) -> str:
    """A short hash of everything besides (rule, model, seed) that changes a run's numbers.

    Parameters
    ----------
    config
        A `lifecore.train.TrainConfig` (or anything with ``to_dict()``), or a plain dict.
        Its ``seed`` is left out: the run's own seed replaces it and is keyed separately.
    model_options
        Options passed to `lifecore.models.build` (``kernel_size``, ``hidden``...).
    extra
        Anything else that changes the record (e.g. ``{"certify_final": True}``); left
        out of the hash when empty, so older hashes stay valid.

    Returns
    -------
    str
        16 hex digits of the SHA-256 of the canonical JSON of both.
    """
    train = dict(config.to_dict() if hasattr(config, "to_dict") else config)
    train.pop("seed", None)
    payload = {"train": train, "model": dict(model_options or {})}
    if extra:
        payload["extra"] = dict(extra)
    return sha256(_canonical(payload).encode())[:16]


@dataclass(frozen=True)
class RunRecord:
    """One trained (rule, model, seed, configuration): its metrics and how it stopped.

    ``exact``: what the trainer reported (`lifecore.train.TrainResult.exact`).
    ``certified``/``margin``: the trainer's certificate (`lifecore.certify.Certificate`):
    whether the network is proved to be the rule on every window, and the smallest
    ``|logit|`` over all windows; ``None`` when no certificate was computed. Records read
    like the dicts they replace (``record["exact"]``) so existing code keeps working.
    """

    rule: str
    model: str
    seed: int
    config_hash: str = ""
    params: int = 0
    train_loss: float = math.nan
    val_loss: float = math.nan
    val_cell_accuracy: float = 0.0
    val_board_accuracy: float = 0.0
    rollout_exact: Optional[bool] = None
    exact: bool = False
    certified: Optional[bool] = None
    margin: Optional[float] = None
    epochs: int = 0
    seconds: float = 0.0
    wall_seconds: float = 0.0
    stopped: str = ""
    history: tuple = ()
    config: Mapping[str, Any] = field(default_factory=dict)
    model_options: Mapping[str, Any] = field(default_factory=dict)
    checkpoint: Optional[str] = None

    @property
    def key(self) -> tuple[str, str, int, str]:
        """``(rule, model, seed, config_hash)``: what a stored result must match to be reused."""
        return (self.rule, self.model, int(self.seed), self.config_hash)

    def __getitem__(self, name: str) -> Any:
        if name not in _FIELDS:
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        """``record[name]`` or ``default``, as for the dict records of earlier versions."""
        return getattr(self, name) if name in _FIELDS else default

    def to_dict(self) -> dict:
        """JSON-safe dict of every field (history as a list of dicts)."""
        out = asdict(self)
        out["history"] = [dict(h) for h in self.history]
        out["config"] = json.loads(_canonical(dict(self.config)))
        out["model_options"] = json.loads(_canonical(dict(self.model_options)))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "record") -> RunRecord:
        """Rebuild a record from `to_dict` output (older files: missing fields defaulted).

        Raises
        ------
        ExperimentError
            When ``data`` is not a mapping with ``rule``, ``model`` and an integer ``seed``.
        """
        if not isinstance(data, Mapping) or not {"rule", "model", "seed"} <= set(data):
            raise ExperimentError(f"{where}: not a run record (needs rule, model, seed)")
        if isinstance(data["seed"], bool) or not isinstance(data["seed"], int):
            raise ExperimentError(f"{where}: seed must be an integer, got {data['seed']!r}")
        known = {k: v for k, v in data.items() if k in _FIELDS}
        known["history"] = tuple(dict(h) for h in known.get("history") or ())
        return cls(**known)


_FIELDS = frozenset(f.name for f in fields(RunRecord))

#: Keys every record carries (the fields of `RunRecord`).
RECORD_KEYS: tuple[str, ...] = tuple(f.name for f in fields(RunRecord))


def save_records(path: Union[str, Path], records: Iterable[RunRecord]) -> Path:
    """Write ``records`` to ``path`` atomically, with a SHA-256 of the records' JSON.

    Raises
    ------
    lifecore.files.FileError
        When ``path`` cannot be written.
    """
    payload = [r.to_dict() for r in records]
    body = {
        "format": RESULTS_FORMAT,
        "version": RESULTS_VERSION,
        "sha256": sha256(_canonical(payload).encode()),
        "records": payload,
    }
    text = json.dumps(body, indent=1, default=_json_default, allow_nan=True)
    return atomic_write_bytes(path, text.encode())


def load_records(path: Union[str, Path]) -> list[RunRecord]:
    """Records from a results file written by `save_records` (or an older version).

    Raises
    ------
    ExperimentError
        When the file cannot be read, is not a results file, or its checksum does not
        match its records (the message names the path).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExperimentError(f"{path}: cannot read results JSON ({err})") from None
    recs = data.get("records") if isinstance(data, dict) else None
    if not isinstance(recs, list) or data.get("format", RESULTS_FORMAT) != RESULTS_FORMAT:
        raise ExperimentError(f"{path}: not a lifecore experiments results file")
    stored = data.get("sha256")
    if stored is not None and stored != sha256(_canonical(recs).encode()):
        raise ExperimentError(f"{path}: checksum mismatch, the results file was changed")
    return [RunRecord.from_dict(r, f"{path}: record {i}") for i, r in enumerate(recs)]
