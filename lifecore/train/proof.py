"""The trainer's side of a proof: certify a network against its rule, and say why a proof
cannot exist when the network's symmetry forbids the rule.

A p4-equivariant network (the ``p4*`` models) computes the same function on a window and
on its quarter turns, so it cannot represent a rule that distinguishes them (Golly's hex
rules on the square grid, for instance). Certification then fails whatever the training;
`prove` adds that reason to the certificate.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
from torch import nn

from ..rules import RuleLike, as_rule
from ..simulate import step

__all__ = ["prove", "quarter_turn_invariant"]


def _all_windows() -> np.ndarray:
    """Every 3x3 0/1 window, uint8 ``(512, 3, 3)``."""
    index = np.arange(512)[:, None] >> np.arange(8, -1, -1)
    return (index & 1).astype(np.uint8).reshape(512, 3, 3)


@lru_cache(maxsize=256)
def _invariant(rule_text: str) -> bool:
    windows = _all_windows()
    # on a 3x3 torus every neighbour offset of the three neighbourhoods is a distinct cell
    centre = step(windows, as_rule(rule_text), "torus")[:, 1, 1]
    turned = step(np.ascontiguousarray(np.rot90(windows, 1, axes=(1, 2))), rule_text, "torus")
    return bool(np.array_equal(centre, turned[:, 1, 1]))


def quarter_turn_invariant(rule: RuleLike) -> bool:
    """Whether ``rule`` gives the same next state on every 3x3 window and its quarter turn.

    Computed with the simulator on all 512 windows, so it holds for any rule it runs.
    """
    return _invariant(str(as_rule(rule)))


def _quarter_turn_equivariant(model: nn.Module) -> bool:
    config = getattr(model, "config", None) or {}
    return str(config.get("name", "")).startswith("p4")


def prove(model: nn.Module, rule: RuleLike, counterexamples: int = 16):
    """`lifecore.certify.certify` of ``model`` against ``rule``, keeping ``counterexamples``
    disagreeing windows; a p4-equivariant model on a rule without the quarter-turn symmetry
    gets that reason added to its certificate.

    Returns
    -------
    lifecore.certify.Certificate
    """
    from ..certify import certify

    certificate = certify(model, rule, max_counterexamples=counterexamples)
    if certificate.exact or not _quarter_turn_equivariant(model):
        return certificate
    if quarter_turn_invariant(rule):
        return certificate
    why = (
        f"{as_rule(rule)} is not invariant under quarter turns, which a p4-equivariant "
        "network cannot break"
    )
    reason = f"{certificate.reason}; {why}" if certificate.reason else why
    return dataclasses.replace(certificate, reason=reason)
