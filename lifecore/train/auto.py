"""``--model auto``: the smallest network that can represent a rule, grown until it is proved.

The choice reads the rule's 512-entry window *table*, not its notation: a MAP string whose
table is invariant under the eight symmetries of the square is an isotropic rule and gets
a D4 network. A table invariant under D4 gets the D4 ladder, one invariant under the
quarter turns only (a chiral rule) the p4 ladder, any other (hex, most MAP rules) plain
CNNs: an equivariant network cannot represent a rule its group does not preserve
(`lifecore.rules.symmetry.lower_bound` counts the windows it must get wrong).

Every rung is a 3x3 network by default (the rule is a function of the 3x3 window, so a
larger receptive field only adds parameters and a larger proof). Rungs are tried smallest
first (parameters at kernel 3); a rung whose final weights are not certified within the
`TrainConfig` budget hands over to the next. The checkpoint holds the certified (or last)
network, with ``auto`` in its metadata: the group, why, and every rung tried.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Optional, Union

from ..rules import RuleLike, as_rule
from ..rules.symmetry import is_invariant
from .config import TrainConfig, TrainError, TrainResult, check_seed

__all__ = [
    "LADDERS",
    "AUTO_KERNEL",
    "AutoChoice",
    "choose_model",
    "rung_path",
    "train_auto",
    "describe",
]

#: Kernel side of every rung: the rules are functions of the 3x3 window.
AUTO_KERNEL = 3

#: Rungs per symmetry group, smallest first (parameters at kernel 3: 34, 353, 1129 for D4;
#: 34, 353, 617 for p4; 133, 721, 991 for the plain CNNs; tested).
LADDERS: dict[Optional[str], tuple[str, ...]] = {
    "d4": ("d4cnn-tiny", "d4cnn-small", "d4mcnn"),
    "p4": ("p4cnn-tiny", "p4cnn-small", "p4mcnn"),
    None: ("cnn-tiny", "mcnn", "cnn-small"),
}


@dataclass(frozen=True)
class AutoChoice:
    """What `choose_model` decided: the rule's symmetry ``group`` (``"d4"``, ``"p4"`` or
    None), the ``ladder`` of model names to try, and ``reason`` in words."""

    rule: str
    group: Optional[str]
    ladder: tuple[str, ...]
    reason: str
    tried: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """JSON-able (the ladder and the rungs tried as lists)."""
        d = asdict(self)
        d["ladder"], d["tried"] = list(self.ladder), [dict(t) for t in self.tried]
        return d


def choose_model(rule: RuleLike) -> AutoChoice:
    """The ladder for ``rule``, from the symmetries of its window table.

    Returns
    -------
    AutoChoice
        ``tried`` empty (nothing trained yet).
    """
    rule = as_rule(rule)
    if is_invariant(rule, "d4"):
        group, why = "d4", "table invariant under the 8 symmetries of the square"
    elif is_invariant(rule, "p4"):
        group, why = "p4", "table invariant under quarter turns only (chiral)"
    else:
        group, why = None, "table not invariant under quarter turns"
    return AutoChoice(str(rule), group, LADDERS[group], why)


def rung_path(checkpoint: Union[str, Path], model: str) -> Path:
    """Where rung ``model`` of an auto run writing ``checkpoint`` keeps its own checkpoint
    (``run.pt`` -> ``run.d4cnn-tiny.pt``), so an interrupted ladder resumes rung by rung."""
    checkpoint = Path(checkpoint)
    return checkpoint.with_name(f"{checkpoint.stem}.{model}{checkpoint.suffix or '.pt'}")


def _rung_record(model: str, params: int, result: TrainResult) -> dict:
    cert = result.certificate
    return {
        "model": model,
        "params": params,
        "certified": bool(cert is not None and cert.exact),
        "epochs": result.epochs,
        "seconds": round(float(result.seconds), 3),
        "stopped": result.stopped,
        "counterexamples": None if cert is None else int(cert.counterexample_count),
        "added_windows": int(result.counterexample_windows),
    }


def train_auto(
    rule: RuleLike,
    seed: int = 0,
    config: Optional[TrainConfig] = None,
    checkpoint: Optional[Union[str, Path]] = None,
    progress: bool = True,
    fresh: bool = False,
    kernel_size: int = AUTO_KERNEL,
    data: Any = None,
) -> TrainResult:
    """Train up the ladder `choose_model` picks until a rung is certified.

    Parameters
    ----------
    rule, seed, progress, fresh
        As for `lifecore.train.train_rule` (every rung uses the same seed and data).
    config
        The budget of each rung (its ``model`` field is ignored: the ladder decides).
    checkpoint
        The final network (certified rung, else the last), with ``auto`` metadata; each
        rung also writes `rung_path` so an interrupted ladder resumes.
    kernel_size
        Kernel side of every rung (3: the rule's own window).
    data
        Transition pairs shared by every rung (default: `train_rule`'s covering data).

    Returns
    -------
    TrainResult
        The certified rung's (or the last rung's) result, ``auto`` set to the
        `AutoChoice` as a dict with ``tried``: one record per rung.

    Raises
    ------
    TrainError
        Without a proof (``config.certify=False``): the ladder advances on failed proofs.
    """
    from .. import models
    from .loop import train_rule

    rule, seed = as_rule(rule), check_seed(seed)
    config = replace(config or TrainConfig(), model=None)
    if not config.certify:
        raise TrainError("model 'auto' advances on failed proofs: it needs certify=True")
    choice, tried, result = choose_model(rule), [], None
    for name in choice.ladder:
        ckpt = None if checkpoint is None else rung_path(checkpoint, name)
        result = train_rule(
            rule, name, seed, config=config, checkpoint=ckpt, progress=progress,
            fresh=fresh, data=data, kernel_size=kernel_size,
        )  # fmt: skip
        tried.append(_rung_record(name, models.count_parameters(result.model), result))
        if tried[-1]["certified"]:
            break
    choice = replace(choice, tried=tuple(tried))
    result = replace(result, auto=choice.to_dict())
    if checkpoint is not None:
        _save_final(result, Path(checkpoint), rung_path(checkpoint, tried[-1]["model"]))
    return result


def _save_final(result: TrainResult, checkpoint: Path, rung: Path) -> None:
    """The chosen rung's checkpoint, with the ladder added to its metadata, at ``checkpoint``."""
    from .. import models

    metadata: dict[str, Any] = dict(models.load(rung).metadata)
    metadata["auto"] = result.auto
    models.save(result.model, checkpoint, **metadata)


def describe(auto: dict) -> str:
    """One line for the CLI: the chosen model, the group and why, the rungs tried."""
    rungs = " -> ".join(
        f"{t['model']}({t['params']}p, {'certified' if t['certified'] else 'failed'})"
        for t in auto["tried"]
    )
    group = auto["group"] or "none"
    return f"auto: group={group} ({auto['reason']}); ladder tried: {rungs}"
