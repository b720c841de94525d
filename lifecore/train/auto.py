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

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional, Union

from ..rules import RuleLike, as_rule
from ..rules.symmetry import is_invariant
from .config import TrainResult

__all__ = [
    "LADDERS",
    "AUTO_KERNEL",
    "AutoChoice",
    "choose_model",
    "rung_path",
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


def describe(auto: dict) -> str:
    """One line for the CLI: the chosen model, the group and why, the rungs tried."""
    rungs = " -> ".join(
        f"{t['model']}({t['params']}p, {'certified' if t['certified'] else 'failed'})"
        for t in auto["tried"]
    )
    group = auto["group"] or "none"
    return f"auto: group={group} ({auto['reason']}); ladder tried: {rungs}"
