"""Chapter 6 (rule discovery): designed against random experiments, and neighbourhoods.

These run `lifecore.discover.discover` many times and shape the results for the chapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..data import COVERING, soups
from ..discover.black_box import BlackBox
from ..discover.loop import discover
from ..discover.result import DiscoveryError
from ..rules import RuleLike, as_rule
from .words import count_phrase

__all__ = [
    "StrategyComparison",
    "compare_strategies",
    "neighbourhood_table",
    "coverage_rows",
    "unseen_guesses",
]


@dataclass(frozen=True, eq=False)
class StrategyComparison:
    """`compare_strategies`' result: per strategy, the candidates per round of every seed
    (``curves``, an array ``(seeds, rounds)``, a run that stopped early held at its last
    count) and the rounds each seed needed to reach one candidate (``inf`` if it never did)."""

    rule: str
    curves: dict[str, np.ndarray]
    rounds_to_one: dict[str, np.ndarray]

    def verdict(self, a: str = "design", b: str = "random") -> dict:
        """Seeds on which strategy ``a`` needed fewer, as many, and more rounds than ``b``."""
        x, y = self.rounds_to_one[a], self.rounds_to_one[b]
        return {
            "fewer": int((x < y).sum()),
            "as many": int((x == y).sum()),
            "more": int((x > y).sum()),
            "seeds": len(x),
        }

    def report(self, a: str = "design", b: str = "random") -> list[str]:
        """Lines: rounds to one candidate per seed and their mean for each strategy, then the
        per-seed comparison of ``a`` with ``b``."""
        lines = [
            f"{strategy:>6}: rounds to one candidate per seed "
            f"{[int(x) if np.isfinite(x) else None for x in v]}, mean {np.mean(v):.2f}"
            for strategy, v in self.rounds_to_one.items()
        ]
        v = self.verdict(a, b)
        lines.append(
            f"{a} needed fewer rounds than {b} on {count_phrase(v['fewer'], 'seed')}, as many "
            f"on {v['as many']}, more on {v['more']} (of {v['seeds']})"
        )
        return lines


def compare_strategies(
    rule: RuleLike,
    seeds: Sequence[int] = range(12),
    rounds: int = 8,
    strategies: Sequence[str] = ("design", "random"),
    **options: Any,
) -> StrategyComparison:
    """Run `discover` on a fresh black box of ``rule`` for every seed and strategy, under the
    rule's own neighbourhood and without the network (it does not change which candidates
    survive), each starting from one low-density soup (the designed board would settle every
    class at once and leave nothing to compare); ``options`` go to `discover`."""
    rule = rule if isinstance(rule, str) else str(as_rule(rule))
    hood = as_rule(rule).neighbourhood
    options.setdefault("use_network", False)
    options.setdefault("first", "soup")
    curves, rounds_to_one = {}, {}
    for strategy in strategies:
        runs = [
            discover(
                BlackBox.of(rule),
                neighbourhood=hood,
                rounds=rounds,
                seed=s,
                strategy=strategy,
                **options,
            ).candidates_per_round
            for s in seeds
        ]
        if not runs:
            raise DiscoveryError("no seeds to compare")
        longest = max(map(len, runs))
        curves[strategy] = np.array([r + [r[-1]] * (longest - len(r)) for r in runs])
        rounds_to_one[strategy] = np.array([len(r) - 1 if r[-1] == 1 else np.inf for r in runs])
    return StrategyComparison(rule, curves, rounds_to_one)


def neighbourhood_table(
    rules: Sequence[str], n: int = 6, size: int = 24, steps: int = 6, seed: int = 3, **options: Any
) -> list[dict]:
    """Discovery with ``neighbourhood="auto"`` on covering soups run under each hidden rule
    (one trajectory set per rule): one row per rule with what was found, the neighbourhoods
    the data are consistent with, the network's agreement and guess, and the seconds taken.
    ``options`` go to `discover`."""
    from ..simulate import simulate

    rows = []
    for rule in rules:
        frames = simulate(soups(n, size, COVERING, seed=seed), rule, steps)
        d = discover(frames, **options)
        a = d.agreement
        rows.append(
            {
                "hidden rule": rule,
                "discovered": str(d),
                "neighbourhood": d.neighbourhood,
                "consistent with": ", ".join(d.consistent_neighbourhoods),
                "network agrees (fresh boards)": f"{a['agree']}/{a['classes']}" if a else "-",
                "network's guess": a["network_rule"] if a else "-",
                "seconds (with network)" if a else "seconds": round(d.seconds, 2),
            }
        )
    return rows


def coverage_rows(
    spaces: Sequence[tuple[str, str]] = (
        ("outer-totalistic", "vonneumann"),
        ("outer-totalistic", "hex"),
        ("outer-totalistic", "moore"),
        ("isotropic", "moore"),
        ("map", "moore"),
    ),
    densities: Sequence[float] = (0.1, 0.3, 0.5, 0.7, 0.9),
    seeds: Sequence[int] = range(5),
    max_cells: int = 1 << 20,
) -> list[dict]:
    """Per family: the cells of the designed board against the cells of random soups read
    until every class has been seen (median over ``seeds``, per density; ``> max_cells`` when
    at least half the seeds had not seen every class by then)."""
    from ..discover.boards import cells_until_covered, design_board
    from ..extract.classes import class_space

    rows = []
    for family, hood in spaces:
        space = class_space(family, hood)
        row = {
            "family": family if family != "outer-totalistic" else f"outer-totalistic ({hood})",
            "classes": len(space.names),
            "designed board": f"{design_board(family, hood).size} cells",
        }
        for d in densities:
            cells = [cells_until_covered(family, hood, d, s, max_cells) for s in seeds]
            median = float(np.median(cells))
            row[f"soups p={d}"] = f"> {max_cells}" if not np.isfinite(median) else int(median)
        rows.append(row)
    return rows


def unseen_guesses(discovery, hidden: RuleLike) -> list[dict]:
    """Where the certified network's guess for classes the data never showed goes wrong.

    ``discovery``: a `Discovery` made with the network route; ``hidden``: the rule that
    made the data (known in the chapter, not to discovery). One row per unseen class: the
    network's (certified) answer, the hidden rule's, and whether they agree. Empty when the
    route did not certify the network or every class was seen.
    """
    from ..extract.classes import class_space

    a = discovery.agreement or {}
    if not a.get("certified") or discovery.rule is None:
        return []
    space = class_space(discovery.family, discovery.neighbourhood)
    truth = dict(zip(space.names, space.table_of(as_rule(hidden)).ravel().tolist()))
    return [
        {
            "class": name,
            "network (certified)": {1: "alive", 0: "dead", -1: "split"}[guess],
            "hidden rule": {1: "alive", 0: "dead", -1: "split"}[truth[name]],
            "right": guess == truth[name],
        }
        for name, guess in a["unseen_guess"].items()
    ]
