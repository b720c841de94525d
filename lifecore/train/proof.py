"""The trainer's side of a proof: certify a network against its rule, and say why a proof
cannot exist when the network's symmetry forbids the rule.

A p4-equivariant network (the ``p4*`` models) computes the same function on a window and
on its quarter turns; a D4 network (``d4*``) also on its mirror images. So neither can
represent a rule that tells them apart (Golly's hex rules on the square grid, a chiral
rule, most MAP rules). Certification then fails whatever the training; `prove` adds that
reason, with the fewest windows such a network must get wrong
(`lifecore.rules.symmetry.lower_bound`), to the certificate.
"""

from __future__ import annotations

import dataclasses

from torch import nn

from ..models import model_group
from ..rules import RuleLike, as_rule
from ..rules.symmetry import is_invariant, lower_bound

__all__ = ["prove", "quarter_turn_invariant", "why_unprovable"]

_SYMMETRIES = {"p4": "quarter turns", "d4": "rotations and reflections"}


def quarter_turn_invariant(rule: RuleLike) -> bool:
    """Whether ``rule`` gives the same next state on every 3x3 window and its quarter turn."""
    return is_invariant(rule, "p4")


def why_unprovable(model: nn.Module, rule: RuleLike) -> str:
    """Why no weights of ``model`` can compute ``rule`` ("" when its symmetry allows it)."""
    config = getattr(model, "config", None) or {}
    group = model_group(str(config.get("name", "")))
    if group is None or is_invariant(rule, group):
        return ""
    window = int(config.get("kernel_size", 3))
    bound = lower_bound(rule, group, max(window, 3))
    return (
        f"{as_rule(rule)} is not invariant under {_SYMMETRIES[group]}, which a "
        f"{group}-equivariant network cannot break: any such network gets at least "
        f"{bound.wrong_windows} of the {bound.windows} windows wrong"
    )


def prove(model: nn.Module, rule: RuleLike, counterexamples: int = 16):
    """`lifecore.certify.certify` of ``model`` against ``rule``, keeping ``counterexamples``
    disagreeing windows; a symmetric model on a rule without its symmetry gets that reason
    (`why_unprovable`) added to its certificate.

    Returns
    -------
    lifecore.certify.Certificate
    """
    from ..certify import certify

    certificate = certify(model, rule, max_counterexamples=counterexamples)
    why = "" if certificate.exact else why_unprovable(model, rule)
    if not why:
        return certificate
    reason = f"{certificate.reason}; {why}" if certificate.reason else why
    return dataclasses.replace(certificate, reason=reason)
