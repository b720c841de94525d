"""Rows, rules and figures of the chapter "Beyond Life-like rules".

The chapter takes the book's chain (simulate, learn, certify, read back, identify) from the
outer-totalistic rules to the isotropic and MAP families (`lifecore.book.families` holds its
family sizes, Golly cases and tabulation). Here: a spaceship check for the named rules, a
chiral and an asymmetric rule, and the symmetry-prior experiment (plain, p4 and d4 networks
trained with `lifecore.train`, which ends each run with a `lifecore.certify` certificate,
beside the lower bound of `lifecore.rules.symmetry`) with the rules read back from certified
networks.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Optional, Sequence

import numpy as np

from ..models import model_group
from ..rules import AnyRule, RuleLike, as_rule, from_window_table
from ..rules.symmetry import lower_bound, window_orbits
from ..rules.windows import ALL_WINDOWS
from .words import count_phrase

__all__ = [
    "NAMED_ISOTROPIC",
    "spaceship_shift",
    "chiral_rule",
    "north_wind_rule",
    "PriorRun",
    "prior_runs",
    "prior_grid",
    "bound_rows",
    "orbit_answers",
    "orbit_figure",
    "boards_cell",
]

#: Named isotropic rules of LifeWiki (Hensel notation, as Golly writes them).
NAMED_ISOTROPIC = {"Just Friends": "B2-a/S12", "tlife": "B3/S2-i34q"}


def spaceship_shift(board: np.ndarray, rule: RuleLike, period: int) -> Optional[tuple[int, int]]:
    """How far the pattern on ``board`` moved after ``period`` generations, if it kept its
    shape: ``(rows, cols)``, or None when the shape changed (dead boundary)."""
    from ..simulate import simulate

    after = simulate(board, rule, period, boundary="dead", keep="last")
    if after.sum() != board.sum() or not board.any():
        return None
    r0, c0 = (np.argwhere(board)).min(axis=0)
    r1, c1 = (np.argwhere(after)).min(axis=0)
    shift = (int(r1 - r0), int(c1 - c0))
    if not np.array_equal(np.roll(board, shift, axis=(0, 1)), after):
        return None
    return shift


def chiral_rule() -> AnyRule:
    """Life plus births on "2a" windows turned one way only: a p4- but not d4-invariant rule.

    Hensel's ``2a`` (a corner and an edge neighbour next to it) is one class under the 8
    symmetries of the square, two under the 4 rotations: "NW and N" with its quarter turns,
    and their mirror images "N and NE". Birth on the first four only gives a MAP rule that
    a rotation-invariant network can represent and a rotation-and-reflection-invariant one
    cannot.
    """
    table = as_rule("B3/S23").window_table.copy()
    orbits = window_orbits("p4")
    nw_and_n = 256 + 128  # Golly's window index: NW and N alive, centre dead
    table[orbits == orbits[nw_and_n]] = 1
    return from_window_table(table)


def north_wind_rule() -> AnyRule:
    """Life plus a birth on two neighbours when one of them is the north one: no symmetry.

    Seven windows (dead centre, N alive and one of the other seven neighbours) become
    births, so the rule tells north from the other directions and is a MAP rule.
    """
    table = as_rule("B3/S23").window_table.copy()
    cells = ALL_WINDOWS
    dead = cells[:, 1, 1] == 0
    neighbours = cells.sum(axis=(1, 2)) - cells[:, 1, 1]
    table[dead & (neighbours == 2) & (cells[:, 0, 1] == 1)] = 1
    return from_window_table(table)


@dataclass(frozen=True)
class PriorRun:
    """One network trained on one rule and certified.

    ``counterexamples``: windows of the receptive field the certified network gets wrong
    (0 when ``certified``); ``bound``: the fewest wrong windows any network invariant under
    the model's group must have (`lifecore.rules.symmetry.lower_bound`; 0 for plain models);
    ``read_back``: the rule the certificate reads from the network alone, in its smallest
    family's Golly form (only when certified); ``added_windows``: counterexample windows
    that failed proofs added to the training data before the run ended.
    """

    rule_name: str
    rule: str
    family: str
    model: str
    group: str
    seed: int
    certified: bool
    counterexamples: int
    bound: int
    window: int
    read_back: Optional[str]
    epochs: int
    added_windows: int
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def _read_back(model) -> Optional[str]:
    """The rule a network computes, read by `certify` from the network alone (no rule
    given), as the smallest family's canonical string; None if no 3x3 rule explains it."""
    from ..certify import certify

    found = certify(model)
    if not found.exact or found.rule is None:
        return None
    return str(as_rule(found.rule))


def prior_runs(
    rules: dict[str, RuleLike],
    models: Sequence[str],
    seeds: Sequence[int] = (0,),
    config=None,
    kernel_size: int = 3,
) -> list[PriorRun]:
    """Train every model on every rule from every seed with `lifecore.train.train_rule`,
    which ends each run with a certificate; add the symmetry bound and the read-back rule.

    Parameters
    ----------
    rules : dict
        ``{name: rule}``, e.g. an isotropic, a chiral and a MAP rule.
    models : sequence of str
        `lifecore.models` names (plain, ``p4...``, ``d4...``).
    seeds : sequence of int
    config : lifecore.train.TrainConfig, optional
        Training settings (``certify`` is forced on).
    kernel_size : int
        Side of the networks' first convolution: their receptive field.
    """
    from ..train import TrainConfig, train_rule

    base = (config or TrainConfig()).to_dict()
    runs = []
    for name, rule in rules.items():
        rule = as_rule(rule)
        for model in models:
            for seed in seeds:
                cfg = TrainConfig(**{**base, "certify": True})
                start = time.perf_counter()
                result = train_rule(
                    rule, model, seed=seed, config=cfg, progress=False, kernel_size=kernel_size
                )
                cert = result.certificate
                group = model_group(model)
                bound = lower_bound(rule, group, cert.window).wrong_windows if group else 0
                runs.append(
                    PriorRun(
                        rule_name=name,
                        rule=str(rule),
                        family=rule.family,
                        model=model,
                        group=group or "none",
                        seed=int(seed),
                        certified=bool(cert.exact),
                        counterexamples=int(cert.counterexample_count),
                        bound=int(bound),
                        window=int(cert.window),
                        read_back=_read_back(result.model) if cert.exact else None,
                        epochs=int(result.epochs),
                        added_windows=int(result.counterexample_windows),
                        seconds=time.perf_counter() - start,
                    )
                )
    return runs


def prior_grid(runs: Sequence[PriorRun]) -> list[dict]:
    """Rows for a rule x model grid: "k of n" seeds certified per cell and, when a seed was
    not, the windows its certificate found wrong and (for a symmetric model) the bound."""
    rows = []
    for key in dict.fromkeys((r.rule_name, r.model) for r in runs):
        group = [r for r in runs if (r.rule_name, r.model) == key]
        ok = sum(r.certified for r in group)
        cell = f"{ok} of {len(group)}"
        wrong = sorted({r.counterexamples for r in group if not r.certified})
        if wrong:
            span = f"{wrong[0]:,}" if len(wrong) == 1 else f"{wrong[0]:,}-{wrong[-1]:,}"
            cell += f"; {span} wrong"
            if group[0].group != "none":
                cell += f" (bound {group[0].bound:,})"
        rows.append({"rule": key[0], "model": key[1], "certified": cell})
    return rows


def bound_rows(rules: dict[str, RuleLike], window: int = 3) -> list[dict]:
    """Per rule: whether it is p4- and d4-invariant, and the fewest ``window`` x ``window``
    windows a p4- or d4-invariant network must get wrong (`lifecore.rules.symmetry`)."""
    rows = []
    for name, rule in rules.items():
        rule = as_rule(rule)
        p4, d4 = lower_bound(rule, "p4", window), lower_bound(rule, "d4", window)
        rows.append(
            {
                "rule": name,
                "family": rule.family,
                "p4-invariant": p4.invariant,
                "d4-invariant": d4.invariant,
                "p4 must miss": p4.wrong_windows,
                "d4 must miss": d4.wrong_windows,
                "windows": p4.windows,
            }
        )
    return rows


def orbit_answers(rule: RuleLike, index: int, group: str = "d4") -> list[tuple[int, int]]:
    """The windows of the ``group`` orbit of window ``index`` with the rule's answer on
    each: ``[(window index, next state), ...]``, the answers equal to 1 first."""
    from ..rules.symmetry import group_permutations

    table = as_rule(rule).window_table
    members = sorted({int(i) for i in group_permutations(group)[:, index]})
    return sorted(((i, int(table[i])) for i in members), key=lambda pair: -pair[1])


def orbit_figure(rule: RuleLike, index: int, group: str = "d4"):
    """One row of small panels: the windows of one ``group`` orbit (centre cell outlined in
    red), each titled with the rule's answer, so a reader sees which images a
    ``group``-invariant network must confuse. Returns the matplotlib figure (column width)."""
    import matplotlib.pyplot as plt

    from .figures import COLUMN

    pairs = orbit_answers(rule, index, group)
    fig, axes = plt.subplots(1, len(pairs), figsize=(COLUMN, COLUMN / len(pairs) + 0.45))
    for ax, (window, answer) in zip(np.atleast_1d(axes), pairs):
        ax.imshow(ALL_WINDOWS[window], cmap="Greys", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xticks(np.arange(-0.5, 3), minor=True)
        ax.set_yticks(np.arange(-0.5, 3), minor=True)
        ax.grid(which="minor", color="0.6", linewidth=0.8)
        ax.tick_params(which="minor", length=0)
        ax.add_patch(plt.Rectangle((0.5, 0.5), 1, 1, fill=False, edgecolor="tab:red", lw=2))
        ax.set_title(f"→ {answer}")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.8, wspace=0.15)
    return fig


def boards_cell(answer) -> str:
    """One cell of the boards-needed grid, from a `lifecore.experiments.BoardsNeeded`: the
    board count; "never (N windows)" when the model's symmetry rules the rule out (N: the
    windows it must get wrong); "> M" when no rung up to M was certified."""
    if answer.boards is not None:
        return str(answer.boards)
    if answer.bound > 0:
        return f"never ({count_phrase(answer.bound, 'window')})"
    return f"> {answer.tried[-1]}" if answer.tried else "-"
