"""How many training boards a model needs to be *certified* on a rule.

A rule family decides how much a network must see: an outer-totalistic rule has 18
(state, count) classes, an isotropic one 102 classes, a MAP rule 512 windows with no
symmetry to share answers between them. `boards_needed` trains one model on a ladder of
training-set sizes (soups of ``config.data_size`` squared cells, one step each) and
returns the first size whose run ends with a certificate. The trainer's proofs add the
windows a failed proof finds to the training data (`lifecore.train`), so each answer also
says how many such windows were added on the certified rung: data the proof supplied, not
the soups.

A model invariant under a group the rule is not invariant under can never be certified
(`lifecore.rules.symmetry.lower_bound` counts the windows it must get wrong); `boards_needed`
says so without training. With ``feedback=False`` the run gets a single proof (``max_proofs=1``:
a failed proof ends it) and learns nothing from it: the boards alone must carry the rule.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from typing import Optional, Sequence

from ..models import model_group
from ..rules import RuleLike, as_rule
from ..rules.symmetry import lower_bound
from .records import ExperimentError

__all__ = ["LADDER", "BoardsNeeded", "boards_needed", "boards_table"]

#: Training-set sizes tried, smallest first (boards of 16x16 cells by default; a quarter
#: of them, at least one, is held out for validation).
LADDER = (2, 4, 8, 16, 32, 64, 128, 256)


@dataclass(frozen=True)
class BoardsNeeded:
    """One model, rule and seed: the fewest boards (of the ladder) that gave a certified
    network, or None (``bound`` > 0: the model's symmetry rules it out, nothing trained;
    else no rung up to ``tried[-1]`` was certified).

    ``added_windows``: counterexample windows the proofs added on the certified rung;
    ``feedback``: whether failed proofs' windows were learned; ``seconds``: all rungs
    tried, training and proofs.
    """

    rule: str
    family: str
    model: str
    seed: int
    boards: Optional[int]
    added_windows: int
    feedback: bool
    bound: int
    tried: tuple
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def _check_ladder(ladder: Sequence[int]) -> tuple:
    rungs = tuple(int(n) for n in ladder)
    if not rungs or any(n < 2 for n in rungs) or list(rungs) != sorted(set(rungs)):
        raise ExperimentError(
            f"ladder must be increasing board counts of at least 2 (one to train, one to "
            f"validate), got {list(ladder)!r}"
        )
    return rungs


def boards_needed(
    rule: RuleLike,
    model: str,
    seed: int = 0,
    ladder: Sequence[int] = LADDER,
    config=None,
    kernel_size: int = 3,
    feedback: bool = True,
) -> BoardsNeeded:
    """Train ``model`` on ``rule`` with ``n`` boards for each ``n`` of ``ladder`` in turn,
    until a run ends certified (`lifecore.train.train_rule`, ``certify`` forced on).

    ``config``: a `lifecore.train.TrainConfig` whose ``data_n`` is replaced by each rung;
    its ``max_epochs`` and ``patience`` are for the largest rung and are scaled up for the
    smaller ones (by largest / n), so that every rung gets at least as many optimiser steps
    and a rung fails for want of boards, not of steps. ``feedback=False``: a single proof
    (``max_proofs=1``), whose counterexamples are not learned.
    ``kernel_size``: the first layer's side, the receptive field (3: the rule's window).
    """
    from ..train import TrainConfig, train_rule

    rule = as_rule(rule)
    rungs = _check_ladder(ladder)
    group = model_group(model)
    bound = lower_bound(rule, group, kernel_size).wrong_windows if group else 0
    start, tried, found, added = time.perf_counter(), [], None, 0
    base = (config or TrainConfig()).to_dict()
    for n in rungs if bound == 0 else ():
        scale = -(-rungs[-1] // n)  # as many optimiser steps as the largest rung, or more
        budget = {"max_epochs": base["max_epochs"] * scale, "patience": base["patience"] * scale}
        if not feedback:
            budget["max_proofs"] = 1
        cfg = TrainConfig(**{**base, **budget, "data_n": n, "certify": True})
        result = train_rule(
            rule, model, seed=seed, config=cfg, progress=False, kernel_size=kernel_size
        )
        tried.append(n)
        if result.certificate is not None and result.certificate.exact:
            found, added = n, int(result.counterexample_windows)
            break
    return BoardsNeeded(
        rule=str(rule),
        family=rule.family,
        model=model,
        seed=int(seed),
        boards=found,
        added_windows=added,
        feedback=bool(feedback),
        bound=int(bound),
        tried=tuple(tried),
        seconds=time.perf_counter() - start,
    )


def boards_table(rows: Sequence[BoardsNeeded]) -> list[dict]:
    """One row per (rule, model, feedback): seeds certified, and the median and largest
    board count over the certified seeds ("never" where the symmetry bound rules the model
    out)."""
    out = []
    for key in dict.fromkeys((r.rule, r.model, r.feedback) for r in rows):
        mine = [r for r in rows if (r.rule, r.model, r.feedback) == key]
        ok = [r.boards for r in mine if r.boards is not None]
        ruled_out = mine[0].bound > 0
        out.append(
            {
                "rule": key[0],
                "family": mine[0].family,
                "model": key[1],
                "proof feedback": "yes" if key[2] else "no",
                "certified": f"{len(ok)} of {len(mine)}",
                "median boards": "never" if ruled_out else (statistics.median(ok) if ok else "-"),
                "most boards": "never" if ruled_out else (max(ok) if ok else "-"),
                "median windows added": statistics.median(
                    [r.added_windows for r in mine if r.boards is not None] or [0]
                ),
                "windows a symmetric network must miss": mine[0].bound,
            }
        )
    return out
