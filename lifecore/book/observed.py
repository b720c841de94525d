"""Chapter 6, "Data as observed": a small grid of `identify` runs, and the benchmark's table.

The grid runs at build time (seconds); the full table is read from
``benchmarks/results/discover_observed.json`` (`benchmarks/bench_discover_observed.py`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import numpy as np

from ..data import soups
from ..discover.blocks import CERTIFICATE as BLOCKS_CERTIFICATE
from ..discover.identify import OPEN_ENTRIES_BY_BLOCKS, identify
from ..discover.noisy_blocks import CERTIFICATE as NOISY_BLOCKS_CERTIFICATE
from ..discover.observed import observe
from ..rules import parse_rule
from ..simulate import simulate

__all__ = ["observed_rows", "benchmark_rows", "exact_runs", "goal_summary", "BENCHMARK"]

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks/results/discover_observed.json"


def observed_rows(cases: Iterable[tuple], boards: int = 16, size: int = 32, frames: int = 20):
    """One row per ``(rule, family, stride, noise, hidden)``: what `identify` answers on
    ``boards`` soups observed every ``stride`` generations, and whether it is the truth."""
    rows = []
    for seed, (rule, family, stride, noise, hidden) in enumerate(cases):
        truth = parse_rule(rule)
        clean = np.asarray(
            simulate(soups(boards, size, 0.35, seed=seed), truth, (frames - 1) * stride)
        )
        obs = observe(clean, stride, hidden=hidden, noise=noise, seed=seed)
        hood = truth.neighbourhood if family == "outer-totalistic" else "moore"
        found = identify(obs, stride, family=family, neighbourhood=hood, seed=seed)
        exact = found.rule is not None and (found.rule.window_table == truth.window_table).all()
        rows.append(
            {
                "hidden rule": str(truth),
                "stride": stride,
                "noise": noise,
                "unseen": hidden,
                "found": str(found.rule),
                "verdict": found.verdict,
                "margin": found.margin,
                "exact": bool(exact),
                "seconds": round(found.seconds, 1),
            }
        )
    return rows


def benchmark_rows(path: Path = BENCHMARK) -> list[dict]:
    """The benchmark's runs grouped by family, stride, noise and unseen fraction: runs, the
    fraction exact and called unique, the fraction flagged correctly (unique only when exact),
    the slowest run's seconds."""
    runs = json.loads(Path(path).read_text())["runs"]
    groups: dict = {}
    for r in runs:
        groups.setdefault((r["family"], r["stride"], r["noise"], r["hidden"]), []).append(r)
    return [
        {
            "family": family,
            "stride": stride,
            "noise": noise,
            "unseen": hidden,
            "runs": len(rs),
            "exact and unique": sum(r["exact"] and r["verdict"] == "unique" for r in rs) / len(rs),
            "flagged correctly": sum(r["flag_correct"] for r in rs) / len(rs),
            "max seconds": max(r["seconds"] for r in rs),
        }
        for (family, stride, noise, hidden), rs in sorted(groups.items())
    ]


def exact_runs(
    rows: list[dict],
    family: str,
    stride: int,
    noise: float | None = None,
    unseen: float | None = None,
) -> tuple[int, int]:
    """``(exact and unique, runs)`` over the `benchmark_rows` groups of ``family`` at
    ``stride``, every noise and unseen fraction unless ``noise`` or ``unseen`` names one:
    what the prose states, computed."""
    chosen = [
        r
        for r in rows
        if r["family"] == family
        and r["stride"] == stride
        and noise in (None, r["noise"])
        and unseen in (None, r["unseen"])
    ]
    runs = sum(r["runs"] for r in chosen)
    return round(sum(r["runs"] * r["exact and unique"] for r in chosen)), runs


def _in_goal(r: dict) -> bool:
    """The issue's goal region: outer-totalistic and isotropic, stride <= 3, noise <= 1%,
    at most 20% unseen."""
    return (
        r["family"] in ("outer-totalistic", "isotropic")
        and r["stride"] <= 3
        and r["noise"] <= 0.01
        and r["hidden"] <= 0.2
    )


def goal_summary(path: Path = BENCHMARK) -> dict:
    """Counts over the benchmark's runs in the goal's region: ``runs``, ``exact`` (exact and
    unique), ``by_blocks`` (of those, the ones whose proof ended with the rules left open
    refuted block by block, `discover.blocks`; ``by_noisy_blocks`` the same on noisy data,
    `discover.noisy_blocks`; ``by_entry_blocks`` an isotropic answer's open entries settled
    so, `discover.identify`), ``wrong`` (a wrong rule called unique),
    ``decidable`` (every rival rejected by an observer of every hidden cell,
    `discover.informed`), and over the runs not exact and unique: ``missed``,
    ``undecidable`` (a rival that observer could not reject: no answer could be unique),
    ``named`` (decidable, and the answer is the hidden rule with some classes left open),
    ``undecidable_rivals`` (those runs' hidden rules and the entries their closest rival
    flips, each once, as "rule, entries flipped"),
    ``closest`` (over the decidable ones, the fewest extra mismatches of a closest rival) and
    ``truth_open_clean`` / ``truth_open_noisy`` (the fewest and most entries the single-entry
    certificate leaves open when handed the hidden rule, over the isotropic runs that record
    it, on clean and on noisy data)."""
    runs = [r for r in json.loads(Path(path).read_text())["runs"] if _in_goal(r)]
    met = [r["exact"] and r["verdict"] == "unique" for r in runs]
    missed = [r for r, ok in zip(runs, met) if not ok]
    undecided = [r for r in missed if not r["informed_decided"]]
    return {
        "runs": len(runs),
        "exact": sum(met),
        "by_blocks": sum(
            ok and r.get("certificate") == BLOCKS_CERTIFICATE for r, ok in zip(runs, met)
        ),
        "by_noisy_blocks": sum(
            ok and r.get("certificate") == NOISY_BLOCKS_CERTIFICATE for r, ok in zip(runs, met)
        ),
        "by_entry_blocks": sum(
            ok and r.get("certificate", "").endswith(OPEN_ENTRIES_BY_BLOCKS)
            for r, ok in zip(runs, met)
        ),
        "wrong": sum(not r["flag_correct"] for r in runs),
        "decidable": sum(r["informed_decided"] for r in runs),
        "missed": len(missed),
        "undecidable": len(undecided),
        "named": sum(r["exact"] and r["informed_decided"] for r in missed),
        "undecidable_rivals": sorted(
            {f"{r['rule']}, {r['informed_closest']} flipped" for r in undecided}
        ),
        "closest": min(
            (r["informed_closest_extra"] for r in missed if r["informed_decided"]), default=None
        ),
        "truth_open_clean": _span(r["truth_open"] for r in missed if _truth(r, clean=True)),
        "truth_open_noisy": _span(r["truth_open"] for r in missed if _truth(r, clean=False)),
    }


def _truth(r: dict, clean: bool) -> bool:
    return "truth_open" in r and (r["noise"] == 0) == clean


def _span(counts: Iterable[int]) -> tuple[int, int] | None:
    counts = list(counts)
    return (min(counts), max(counts)) if counts else None
