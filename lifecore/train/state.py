"""The resumable trainer state, and the run identity that decides whether a file may resume.

`fit` writes its whole state (weights, optimiser, epoch, history, RNG streams, the
counterexample boards added so far) after every epoch to `state_path` (checkpoint), through
`lifecore.files.atomic_write`, and resumes from it: a resumed run ends with the same numbers
as an uninterrupted one.

A state (or a final checkpoint) is resumed only when its *run identity* matches: the rule,
boundary, model configuration, seed, device type, every training setting that changes the
numbers, and a checksum of the training and validation pairs. Anything else is refused with
a one-line message naming the first difference (`fit(fresh=True)`, ``--fresh`` on the
command line, starts over instead). ``max_epochs`` is not part of the identity: a larger
budget continues a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np
import torch

from ..files import atomic_write, sha256
from .config import TrainConfig, TrainError

__all__ = ["TrainerState", "state_path", "run_identity", "identity_difference", "other_run"]

_FORMAT, _VERSION = "lifecore-trainer", 2
_NOT_IDENTITY = ("max_epochs",)
_REQUIRED = {
    "identity",
    "model",
    "optimizer",
    "epoch",
    "history",
    "rng",
    "best_loss",
    "bad_epochs",
    "best_state",
    "extra_x",
    "extra_y",
}


def state_path(checkpoint: Union[str, Path]) -> Path:
    """Where `fit` keeps the resumable trainer state beside the final ``checkpoint``
    (``net.pt`` -> ``net.state.pt``)."""
    p = Path(checkpoint)
    suffix = p.suffix or ".pt"
    return p.with_name((p.stem if p.suffix else p.name) + ".state" + suffix)


def _data_checksum(*arrays: np.ndarray) -> str:
    parts = []
    for a in arrays:
        a = np.ascontiguousarray(a, dtype=np.uint8)
        parts.append(repr(a.shape).encode() + a.tobytes())
    return sha256(b"|".join(parts))


def run_identity(
    model: torch.nn.Module,
    config: TrainConfig,
    rule: Optional[str],
    boundary: str,
    device: torch.device,
    pairs: tuple[np.ndarray, ...],
) -> dict:
    """Everything that changes a run's numbers, as a JSON-able dict.

    Parameters
    ----------
    model
        The network (its ``config``, set by `lifecore.models.build`).
    config
        The training settings; ``max_epochs`` is left out.
    rule, boundary
        The rule's Golly string (or None) and the data's boundary.
    device
        Where the run trains (its type only: ``cpu`` or ``cuda``).
    pairs
        uint8 arrays of the training and validation pairs (checksummed).
    """
    settings = {k: v for k, v in config.to_dict().items() if k not in _NOT_IDENTITY}
    return {
        "rule": rule,
        "boundary": boundary,
        "model": getattr(model, "config", None),
        "seed": settings.pop("seed"),
        "device": device.type,
        "config": settings,
        "data": _data_checksum(*pairs),
    }


def identity_difference(stored: Any, wanted: dict) -> Optional[str]:
    """The first difference between two run identities, as a phrase
    (``"rule B3/S23, not B36/S23"``), or None when they match."""
    if not isinstance(stored, dict):
        return "no run identity (written by another version)"
    for key in ("rule", "model", "seed", "boundary", "device"):
        if stored.get(key) != wanted[key]:
            return f"{key} {_show(stored.get(key))}, not {_show(wanted[key])}"
    old, new = stored.get("config") or {}, wanted["config"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            return f"setting {key}={_show(old.get(key))}, not {_show(new.get(key))}"
    if stored.get("data") != wanted["data"]:
        return "other training or validation pairs"
    return None


def other_run(path: Path, difference: str) -> TrainError:
    """The error for a file at ``path`` holding another run (``difference`` as returned by
    `identity_difference`)."""
    found = "checkpoint is for " if difference.startswith("model ") else "holds a run of "
    return TrainError(f"{path}: {found}{difference}; pass fresh=True (--fresh) to start over")


def _show(value: Any) -> str:
    if isinstance(value, dict) and "name" in value:
        rest = ", ".join(f"{k}={v}" for k, v in value.items() if k != "name")
        return f"{value['name']} ({rest})" if rest else str(value["name"])
    return str(value)


@dataclass
class TrainerState:
    """Where a run stands between epochs (everything `fit` needs to go on exactly).

    ``extra_x``/``extra_y``: uint8 ``(M, H, W)`` boards made around counterexample windows
    (added to the training pairs); ``windows``: counterexample windows they came from;
    ``proofs``: proofs tried; ``drops``: tenfold learning-rate drops taken on plateaus.
    """

    epoch: int = 0
    history: list = field(default_factory=list)
    best_loss: float = math.inf
    bad_epochs: int = 0
    best_state: Optional[dict] = None
    stopped: Optional[str] = None
    rollout_ok: Optional[bool] = None
    extra_x: Optional[np.ndarray] = None
    extra_y: Optional[np.ndarray] = None
    windows: int = 0
    proofs: int = 0
    drops: int = 0

    def save(
        self,
        path: Path,
        identity: dict,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        generator: torch.Generator,
    ) -> None:
        """Write the state and the RNG streams atomically to ``path``."""
        payload = {
            "format": _FORMAT,
            "version": _VERSION,
            "identity": identity,
            "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            "optimizer": optimizer.state_dict(),
            "epoch": self.epoch,
            "history": self.history,
            "best_loss": self.best_loss,
            "bad_epochs": self.bad_epochs,
            "best_state": self.best_state or {},
            "stopped": self.stopped,
            "rollout_exact": self.rollout_ok,
            "extra_x": _tensor(self.extra_x),
            "extra_y": _tensor(self.extra_y),
            "windows": self.windows,
            "proofs": self.proofs,
            "drops": self.drops,
            "rng": {
                "torch": torch.get_rng_state(),
                "generator": generator.get_state(),
                "numpy": _numpy_state(),
            },
        }
        atomic_write(path, lambda handle: torch.save(payload, handle))

    @classmethod
    def resume(
        cls,
        path: Path,
        identity: dict,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        generator: torch.Generator,
    ) -> TrainerState:
        """Read ``path``, refuse it unless its run identity is ``identity``, and restore the
        model, optimiser and RNG streams from it.

        Raises
        ------
        TrainError
            For a file that is not a trainer state, or one of another run.
        """
        state = _read(path)
        difference = identity_difference(state["identity"], identity)
        if difference is not None:
            raise other_run(path, difference)
        try:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
        except (RuntimeError, KeyError, ValueError) as err:
            raise TrainError(f"{path}: state does not fit this model: {str(err)[:200]}") from None
        rng = state["rng"]
        torch.set_rng_state(rng["torch"])
        generator.set_state(rng["generator"])
        _set_numpy_state(rng["numpy"])
        stopped = state.get("stopped") or None
        return cls(
            epoch=int(state["epoch"]),
            history=[dict(h) for h in state["history"]],
            best_loss=float(state["best_loss"]),
            bad_epochs=int(state["bad_epochs"]),
            best_state=state["best_state"] or None,
            stopped=stopped,
            rollout_ok=state.get("rollout_exact"),
            extra_x=_array(state["extra_x"]),
            extra_y=_array(state["extra_y"]),
            windows=int(state.get("windows", 0)),
            proofs=int(state.get("proofs", 0)),
            drops=int(state.get("drops", 0)),
        )


def _read(path: Path) -> dict:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for foreign or truncated files
        raise TrainError(
            f"{path}: not a readable trainer checkpoint ({type(err).__name__}: {str(err)[:200]})"
        ) from None
    if not isinstance(state, dict) or state.get("format") != _FORMAT:
        raise TrainError(f"{path}: not a lifecore trainer checkpoint (expected format {_FORMAT!r})")
    if state.get("version") != _VERSION:
        raise TrainError(
            f"{path}: unsupported trainer checkpoint version {state.get('version')!r}"
            " (pass fresh=True, --fresh, to start over)"
        )
    missing = _REQUIRED - set(state)
    if missing:
        raise TrainError(f"{path}: trainer checkpoint lacks {sorted(missing)}")
    return state


def _tensor(a: Optional[np.ndarray]) -> Optional[torch.Tensor]:
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a, dtype=np.uint8))


def _array(t: Any) -> Optional[np.ndarray]:
    if t is None:
        return None
    if not isinstance(t, torch.Tensor) or t.dtype != torch.uint8 or t.ndim != 3:
        raise TrainError("trainer checkpoint: counterexample boards must be uint8 (M, H, W)")
    return t.numpy().copy()


def _numpy_state() -> dict:
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    return {
        "name": name,
        "keys": torch.from_numpy(np.asarray(keys, dtype=np.int64)),
        "pos": int(pos),
        "has_gauss": int(has_gauss),
        "gauss": float(gauss),
    }


def _set_numpy_state(s: dict) -> None:
    np.random.set_state(
        (s["name"], s["keys"].numpy().astype(np.uint32), s["pos"], s["has_gauss"], s["gauss"])
    )
