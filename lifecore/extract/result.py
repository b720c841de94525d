"""What one extraction method read: the `Extraction` result, its error, and its prose.

Every method returns an `Extraction`: the next-state ``table[state, count]`` with ``1``/``0``
where the method decided and ``-1`` where it could not ("undetermined"), a per-class
``confidence``, and the `Rule` made of the decided classes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional

import numpy as np

from ..rules import NEIGHBOURHOODS, Rule, RuleLike, as_rule
from .classes import class_space
from .errors import ExtractionError

__all__ = [
    "Extraction",
    "ExtractionError",
    "class_names",
    "check_neighbourhood",
    "rule_from_table",
    "format_confidence",
    "smallest_first",
]

#: Neighbourhoods from the smallest: von Neumann (4) is inside hex (6) is inside Moore (8).
smallest_first = ("vonneumann", "hex", "moore")

#: ``details`` keys that go into `Extraction.summary` (JSON-able lists and strings).
_SUMMARY_DETAILS = ("conflicts", "breaking", "orbits_broken", "majority_rule")


def class_names(table: np.ndarray, value: int = -1) -> list[str]:
    """Names (``B7``, ``S8``) of the classes whose entry of ``table`` (2, k) equals ``value``."""
    table = np.asarray(table)
    return [Rule.class_name(s, int(c)) for s in range(2) for c in np.flatnonzero(table[s] == value)]


def check_neighbourhood(neighbourhood: str) -> str:
    """Return ``neighbourhood`` if it is one of `lifecore.rules.NEIGHBOURHOODS`.

    Raises
    ------
    ExtractionError
        For any other name.
    """
    if neighbourhood not in NEIGHBOURHOODS:
        raise ExtractionError(
            f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}"
        )
    return neighbourhood


def rule_from_table(table: np.ndarray, neighbourhood: str) -> Rule:
    """The rule of the decided classes of a 1/0/-1 ``table`` (undetermined ones left out)."""
    return Rule.from_table((np.asarray(table) == 1).astype(np.uint8), neighbourhood)


@dataclass(frozen=True, eq=False)
class Extraction:
    """What one method read.

    Attributes
    ----------
    rule : Rule or None
        The rule of the decided classes; None when no outer-totalistic rule explains what
        the method saw.
    table : np.ndarray
        ``(2, size + 1)`` int64: 1 alive next, 0 dead next, -1 undetermined.
    confidence : np.ndarray
        ``(2, size + 1)`` float in [0, 1].
    undetermined : list of str
        Class names (``B8``) the method could not decide.
    consistent : bool
        False when what the method saw contradicts every outer-totalistic rule.
    method, neighbourhood : str
    seconds : float
    details : dict
        Method-specific evidence (supports, probabilities, breaking configurations...).
    certified : bool
        True when the answer is proved over the network's whole receptive field (read from
        a `lifecore.certify.Certificate`), False for a method's estimate.
    family : str
        Whose classes the table is over: "outer-totalistic" (``(2, size + 1)``),
        "isotropic" (``(2, 51)``, `lifecore.rules.HENSEL_CLASSES`) or "map" (``(2, 256)``).
    """

    rule: Optional[Rule]
    table: np.ndarray
    confidence: np.ndarray
    undetermined: list[str]
    consistent: bool
    method: str
    neighbourhood: str
    seconds: float = 0.0
    details: dict = field(default_factory=dict)
    certified: bool = False
    family: str = "outer-totalistic"

    @property
    def exact(self) -> bool:
        """Consistent and every class decided."""
        return self.consistent and not self.undetermined and self.rule is not None

    def replace(self, **changes: Any) -> Extraction:
        """A copy with ``changes`` (the result itself is frozen)."""
        return replace(self, **changes)

    def _truth_table(self, rule: RuleLike) -> Optional[np.ndarray]:
        """``rule`` as a table over this reading's classes (-1 where it is not constant on a
        class); None when the neighbourhoods of outer-totalistic readings differ."""
        rule = as_rule(rule)
        if self.family == "outer-totalistic" and rule.neighbourhood != self.neighbourhood:
            return None
        return class_space(self.family, self.neighbourhood).table_of(rule)

    def matches(self, rule: RuleLike) -> bool:
        """True when every class is decided and equals ``rule``'s."""
        truth = self._truth_table(rule)
        return self.exact and truth is not None and bool((self.table == truth).all())

    def correct_classes(self, rule: RuleLike) -> int:
        """Classes decided and equal to ``rule``'s."""
        truth = self._truth_table(rule)
        if truth is None:
            return 0
        return int(((self.table >= 0) & (self.table == truth)).sum())

    def report(self, rule: RuleLike, label: Optional[str] = None, **extra: Any) -> dict:
        """One table row comparing this reading with the true ``rule``.

        Columns: the rule as given, then ``extra``, then the method (``label`` if given),
        the rule read, whether it matches exactly, the classes right, the undetermined
        classes, the lowest confidence and the seconds taken.
        """
        truth = as_rule(rule)
        return {
            "rule": rule if isinstance(rule, str) else str(truth),
            **extra,
            "method": self.method if label is None else label,
            "read": str(self.rule) if self.rule is not None else "(not outer-totalistic)",
            "exact": self.matches(truth),
            "correct classes": f"{self.correct_classes(truth)}/{self.table.size}",
            "undetermined": " ".join(self.undetermined) or "-",
            "min confidence": round(float(self.confidence.min()), 3),
            "seconds": round(self.seconds, 2),
        }

    def summary(self) -> dict:
        """JSON-able summary (the CLI's last line)."""
        return {
            "rule": str(self.rule) if self.rule is not None else None,
            "neighbourhood": self.neighbourhood,
            "undetermined": list(self.undetermined),
            "consistent": bool(self.consistent),
            "certified": bool(self.certified),
            "method": self.method,
            "seconds": round(float(self.seconds), 3),
            "family": self.family,
            "confidence": dict(zip(self._names(), np.round(self.confidence, 4).ravel().tolist())),
            **{k: v for k, v in self.details.items() if k in _SUMMARY_DETAILS},
        }

    def _names(self) -> tuple[str, ...]:
        return class_space(self.family, self.neighbourhood).names

    def __str__(self) -> str:
        if self.rule is None:
            head = f"{self.method}: no {self.neighbourhood} rule explains this"
        else:
            head = f"{self.method}: {self.rule}"
        if self.undetermined:
            head += f"  (undetermined: {' '.join(self.undetermined)})"
        return head


def format_confidence(ex: Extraction) -> str:
    """Two lines, ``B`` and ``S``, each class as ``count:value(confidence)``."""
    lines = []
    for s, label in ((0, "B"), (1, "S")):
        cells = []
        for c in range(ex.table.shape[1]):
            v = {1: "1", 0: "0", -1: "?"}[int(ex.table[s, c])]
            cells.append(f"{c}:{v}({ex.confidence[s, c]:.3f})")
        lines.append(f"  {label}  " + "  ".join(cells))
    return "\n".join(lines)
