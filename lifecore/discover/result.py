"""What discovery found: the `Discovery` result and `DiscoveryError`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..errors import LifecoreError
from ..rules import Rule

__all__ = ["Discovery", "DiscoveryError"]


class DiscoveryError(LifecoreError):
    """Bad input to discovery (data that are not trajectories, unknown options, bad files)."""


def certificate_phrase(r: dict) -> str:
    """What the network route's certificate says, from a round's (or the agreement's) dict:
    "" without one, else "not certified (why)" or "certified to be RULE on all N windows",
    then where it differs from the data and its guesses for the unseen classes."""
    if "certified" not in r:
        return ""
    if not r["certified"]:
        return f"not certified ({r['certificate_reason']})"
    guess = r.get("unseen_guess") or {}
    alive = [name for name, v in guess.items() if v == 1]
    wrong = r.get("seen_disagree") or []
    return (
        f"certified to be {r['certified_rule']} on all {r['windows']} windows"
        + (f", which differs from the data on {' '.join(wrong)}" if wrong else "")
        + (f", guessing alive for unseen {' '.join(alive)}" if alive else "")
        + (f", all {len(guess)} unseen classes guessed dead" if guess and not alive else "")
    )


def _after(phrase: str) -> str:
    return f"; {phrase}" if phrase else ""


@dataclass(frozen=True, eq=False)
class Discovery:
    """What the loop found.

    Attributes
    ----------
    rule : Rule or None
        The decided classes only (from tabulation, never from the network); None when no
        rule of the allowed neighbourhoods explains the data.
    neighbourhood : str or None
        The smallest neighbourhood the data do not contradict.
    table : np.ndarray or None
        ``(2, size + 1)`` int64, 1/0 decided, -1 undetermined.
    undetermined : list of str
        Classes the data cannot settle (never guessed: the network's guess is in
        ``network_guess``, labelled as such).
    consistent : bool
    candidates_per_round : list of int
        Rules left after each round (``2**k`` for ``k`` free classes, summed over the
        consistent neighbourhoods).
    experiments : list of dict
        One per round: ``round``, ``kind``, ``density``, ``expected`` and ``boards``.
    agreement : dict or None
        The network route's check against tabulation (see `lifecore.discover.network`).
    network_guess : str or None
    consistent_neighbourhoods : list of str
    seconds : float
    details : dict
    family : str or None
        The family of the answer ("outer-totalistic", "isotropic", "map").
    """

    rule: Optional[Rule]
    neighbourhood: Optional[str]
    table: Optional[np.ndarray]
    undetermined: list[str]
    consistent: bool
    candidates_per_round: list[int]
    experiments: list[dict]
    agreement: Optional[dict]
    network_guess: Optional[str]
    consistent_neighbourhoods: list[str]
    seconds: float
    details: dict = field(default_factory=dict)
    family: Optional[str] = None

    @property
    def candidates(self) -> int:
        """Rules left at the end."""
        return self.candidates_per_round[-1] if self.candidates_per_round else 0

    def rounds_table(self) -> list[dict]:
        """One row per experiment: round, kind, soup density, the classes the design expected
        it to settle (None for round 0 and random picks) and the candidates left after it."""
        return [
            {
                "round": e["round"],
                "experiment": e["kind"],
                "density": e["density"],
                "expected classes settled": e["expected"],
                "candidates after": n,
            }
            for e, n in zip(self.experiments, self.candidates_per_round)
        ]

    def network_report(self) -> list[str]:
        """One line per round of the network route (empty without it): the fit, the agreement
        with tabulation on fresh boards and on its training boards, and its full guess."""
        return [
            f"round {r['round']} ({r['model']}, {r['pairs']} pairs, {r['epochs']} epochs, "
            f"stopped: {r['stopped']}): on fresh boards {r['agree']}/{r['classes']} seen "
            "classes agree with tabulation"
            + (f" (not: {' '.join(r['disagree'])})" if r["disagree"] else "")
            + f"; on its training boards {r['data_classes_agree']}/{r['data_classes']}; "
            f"network's full guess {r['network_rule']}" + _after(certificate_phrase(r))
            for r in self.details.get("network_rounds", [])
        ]

    def summary(self) -> dict:
        """JSON-able summary (the CLI's last line)."""
        return {
            "rule": str(self.rule) if self.rule is not None else None,
            "neighbourhood": self.neighbourhood,
            "family": self.family,
            "undetermined": list(self.undetermined),
            "consistent": bool(self.consistent),
            "candidates": int(self.candidates),
            "candidates_per_round": [int(c) for c in self.candidates_per_round],
            "consistent_neighbourhoods": list(self.consistent_neighbourhoods),
            "agreement": self.agreement,
            "network_guess": self.network_guess,
            "experiments": [
                {k: v for k, v in e.items() if k != "boards"} for e in self.experiments
            ],
            "seconds": round(float(self.seconds), 3),
        }

    def __str__(self) -> str:
        if not self.consistent:
            return "no rule of the allowed families and neighbourhoods explains the data"
        text = f"{self.rule}"
        if self.undetermined:
            text += f"  (undetermined: {' '.join(self.undetermined)})"
        return text
