"""Discovery from observed data: random rules per family x stride x noise x hidden.

Each cell of the grid draws rules (seeded), simulates 16 soups of 32 x 32 for 19 * stride
generations, keeps every stride-th frame (20 frames), flips and hides cells, and runs
`identify`. Reported per cell: exact (the answer is the truth), unique flagged correctly
(called unique only when exact; a non-unique answer never counts as wrong), seconds. Each
record also carries what the data could decide at best (`informed`: the single-entry rivals
that an observer who saw every hidden cell could not reject within the noise bound), and,
for an isotropic or MAP run that is not exact and unique, the entries its single-entry
certificate would leave open had the search found the hidden rule (``truth_open``).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_discover_observed.py [--quick]

Writes benchmarks/results/discover_observed.json (one record per run, resumable: runs already
in the file are skipped), the grouped table beside it, and the same table at the end of
discover_observed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from lifecore import simulate
from lifecore.data import soups
from lifecore.discover.identify import identify
from lifecore.discover.informed import informed_rivals
from lifecore.discover.observed import make_samples, observe
from lifecore.discover.sat import single_entry_certificate
from lifecore.files import atomic_write_bytes
from lifecore.rules.families import window_classes

OUT = Path(__file__).parent / "results" / "discover_observed.json"
BUDGET = 90.0  # seconds per SAT search (isotropic, MAP at stride > 1)
ROUTE = "relaxed-pairs-of-8-to-0.95-then-blocks"  # SAT-route runs at stride >= 3 made before
# it are re-run: the relaxed fit's restarts two at a time, as one batch, 8 frame pairs a step,
# up to 1,500 steps, until 95% of the budget, polished until its end; a clean answer's few
# open entries refuted block by block (`blocks`)
STRIDE_2_ROUTE = "proof-then-relaxed-pairs-of-8-then-blocks"  # stride 2: clean proof (a
# consistent rival kept only once the neighbours of samples where it could differ, `taint`,
# are encoded), the relaxed fit as `ROUTE` (every run ended before 90% of the budget),
# annealing
OT_ROUTE = "joint-clusters-certified"  # outer-totalistic at stride > 1: varied cones,
# narrowed on B, open samples completed (stage B on), unique only if refuted pairwise or
# jointly (clusters around the samples one rule leaves open)
OT_ROUTE_2 = "joint-clusters-narrowed-32768"  # the same at stride 2, narrowing up to 32,768
BLOCKS = "wide-blocks-decided"  # clean, unseen cells: the rules left open refuted block by
# block with their tables fixed, every target sharing an input with the centre's cone, and
# by a mismatch where they decide (`blocks`)
NOISY_BLOCKS = "noisy-blocks-by-winner-cost"  # noisy, unseen cells: the rules left open
# judged on blocks by their fewest mismatches, the margin from the winner's (`noisy_blocks`)
TREE = "tree-beside-the-search-cut"  # noisy, unseen cells, more than 6 classes open: every
# rule judged on blocks at once by branch and bound over the table (64 blocks at stride 2, 16
# at stride 3), started beside the exhaustive search on the second core, a node cut once its
# blocks reach the margin past the least cost, then the rules it leaves judged as
# `NOISY_BLOCKS`, live neighbours counted in the encoding (`tree`)
SEEN = "64-final-rivals"  # fully seen: 64 rivals judged on all samples, not 32 (`exhaustive`)
TAINT = "taint-blocks"  # outer-totalistic with unseen cells: the SAT proof after the search,
# in what it left of the budget, blocks chosen where a rival could differ (`taint`)


def random_rule(family: str, seed: int):
    """A seeded random rule of ``family`` (Moore), never B0 (a torus of B0 flashes)."""
    classes = window_classes(family)
    values = np.random.default_rng(seed).integers(0, 2, classes.count).astype(np.uint8)
    values[classes.of_window[0]] = 0
    return classes.rule(values)


def _data(family, stride, noise, hidden, seed, soups_n=16, size=32, frames=20):
    """``(rule, clean, observed)``: the run's hidden rule, every generation, what is seen."""
    rule = random_rule(family, seed)
    boards = soups(soups_n, size, 0.35, seed=seed)
    clean = np.asarray(simulate(boards, rule, (frames - 1) * stride))
    return rule, clean, observe(clean, stride, hidden=hidden, noise=noise, seed=seed)


def run_one(family, stride, noise, hidden, seed) -> dict:
    rule, clean, obs = _data(family, stride, noise, hidden, seed)
    t0 = time.perf_counter()
    found = identify(obs, stride, family=family, neighbourhood="moore", seed=seed, budget_s=BUDGET)
    seconds = time.perf_counter() - t0
    exact = found.rule is not None and (found.rule.window_table == rule.window_table).all()
    return {
        "family": family,
        "stride": stride,
        "noise": noise,
        "hidden": hidden,
        "seed": seed,
        "rule": str(rule),
        "found": str(found.rule) if found.rule is not None else None,
        "verdict": found.verdict,
        "exact": bool(exact),
        "flag_correct": bool(exact or found.verdict != "unique"),
        "undetermined": len(found.undetermined),
        "search": found.details.get("search", "none"),
        "certificate": found.details.get("certificate", "none"),
        "seconds": round(seconds, 2),
        "route": _route(family, stride, hidden, noise),
    }


def bounds(record: dict) -> dict:
    """What the data of ``record``'s run could decide at best (`informed_rivals`, an observer
    of every hidden cell): the classes whose single-entry rival it could not reject, whether
    it rejects every rival it scores (single-entry, and the closest entries flipped
    together), and the closest rival (least extra mismatches beyond its margin: its classes
    joined by "+", its extra mismatches and its margin); for an isotropic or MAP run that is
    not exact and unique, ``truth_open``: the entries the single-entry certificate (`sat`)
    leaves open when handed the hidden rule, on the run's samples."""
    key = [record[k] for k in ("family", "stride", "noise", "hidden", "seed")]
    rule, clean, obs = _data(*key)
    stride = record["stride"]
    found = informed_rivals(clean[:, ::stride].copy(), obs, rule, stride, record["family"])
    closest = found.closest
    out = {
        "informed_open": found.indistinguishable,
        "informed_decided": found.decided,
        "informed_closest": "+".join(closest.classes),
        "informed_closest_extra": closest.extra,
        "informed_closest_margin": closest.margin,
    }
    if record["family"] != "outer-totalistic" and stride > 1 and not _met(record):
        if "truth_open" in record:  # no search, the same samples: made once
            return out
        classes = window_classes(record["family"])
        samples = make_samples(obs, stride)
        values = classes.values(rule)
        open_, _ = single_entry_certificate(samples, classes.of_window, values, record["seed"])
        out["truth_open"] = int(open_.sum())
    return out


def _met(record: dict) -> bool:
    return record["exact"] and record["verdict"] == "unique"


def grid(quick: bool):
    """The runs: every family at stride 1; outer-totalistic at strides 2-4; isotropic and MAP
    at strides 2-3 (`_sat_grid`)."""
    noises, hiddens = (0.0, 0.001, 0.01), (0.0, 0.1, 0.3)
    seeds = (0, 1) if not quick else (0,)
    for family in ("outer-totalistic", "isotropic", "map"):
        for noise in noises:
            for hidden in hiddens:
                for seed in seeds:
                    yield family, 1, noise, hidden, seed
    for stride in (2, 3):
        for noise in (0.0, 0.01):
            for hidden in (0.0, 0.1):
                yield "outer-totalistic", stride, noise, hidden, 0
    yield "outer-totalistic", 4, 0.0, 0.0, 0
    for stride in (2, 3):  # a second rule where it matters most (time allowing)
        yield "outer-totalistic", stride, 0.0, 0.0, 1
        yield "outer-totalistic", stride, 0.01, 0.1, 1
    for stride in (2, 3):  # the goal's largest unseen fraction
        for noise in (0.0, 0.01):
            yield "outer-totalistic", stride, noise, 0.2, 0
    yield from _sat_grid()
    for stride in (2, 3):  # seed 0 draws B12/S012345678, which fills the board: a second rule
        for noise in (0.0, 0.01):
            yield "outer-totalistic", stride, noise, 0.2, 1
    yield from _more_rules()


def _more_rules():
    """More rules where the goal's cells had one or two: outer-totalistic at strides 2-3,
    isotropic at stride 3 with unseen cells (seeds 2-3 and 1-3; drawn, not picked)."""
    for stride in (2, 3):
        for noise in (0.0, 0.01):
            for hidden in (0.0, 0.1, 0.2):
                for seed in (2, 3):
                    yield "outer-totalistic", stride, noise, hidden, seed
    for seed in (1, 2, 3):
        yield "isotropic", 3, 0.0, 0.1, seed
        for noise in (0.0, 0.01):
            yield "isotropic", 3, noise, 0.2, seed


def _sat_grid():
    """Isotropic and MAP rules at strides 2-3 through the SAT / annealing route: isotropic at
    stride 2 over the goal's noise x unseen grid (two rules), at stride 3 one rule per cell
    (plus 0.1% noise at 10% unseen, and four rules clean and at 1% noise, fully seen: a
    stride-3 run that fails spends the whole budget), MAP one clean run per stride."""
    for noise in (0.0, 0.001, 0.01):
        for hidden in (0.0, 0.1, 0.2):
            for seed in (0, 1):
                yield "isotropic", 2, noise, hidden, seed
    for noise in (0.0, 0.01):
        for hidden in (0.0, 0.1, 0.2):
            yield "isotropic", 3, noise, hidden, 0
    yield "isotropic", 3, 0.001, 0.1, 0
    for seed in (1, 2, 3):  # three more rules at stride 3, fully seen and 1% noise at 10% unseen
        for noise, hidden in ((0.0, 0.0), (0.01, 0.0), (0.01, 0.1)):
            yield "isotropic", 3, noise, hidden, seed
    yield "map", 2, 0.0, 0.0, 0
    yield "map", 3, 0.0, 0.0, 0


def _route(family: str, stride: int, hidden: float = 0.0, noise: float = 0.0) -> str:
    """The name of the search a run of ``family`` at ``stride`` (``hidden`` unseen, ``noise``)
    goes through now."""
    if family == "outer-totalistic":
        route = OT_ROUTE_2 if stride == 2 else OT_ROUTE
        if hidden > 0:
            route = f"{route}+{TAINT}+" + (BLOCKS if noise == 0 else f"{TREE}+{NOISY_BLOCKS}")
        return route if hidden > 0 else f"{route}+{SEEN}"
    return ROUTE if stride >= 3 else STRIDE_2_ROUTE


def _stale(record: dict) -> bool:
    """Runs at stride > 1 made before their route's current form: isotropic and MAP at
    stride 2 the clean proof, then the relaxed fit, then annealing (`STRIDE_2_ROUTE`), at
    stride >= 3 the relaxed fit first (`ROUTE`); outer-totalistic with stages drawn from
    varied cones, narrowed on B, open samples completed, every rival refuted pairwise or
    jointly (`OT_ROUTE`; at stride 2 narrowing up to 32,768 rules, `OT_ROUTE_2`), with
    unseen cells the SAT proof's blocks chosen by taint (`TAINT`), and on clean data the rules
    left open refuted block by block, tables fixed (`BLOCKS`), on noisy data every rule judged
    on blocks at once when more than 6 classes are open (`TREE`), then the rules left judged on
    blocks by fewest mismatches (`NOISY_BLOCKS`); fully seen, 64 rivals judged on all samples
    (`SEEN`)."""
    stride = record["stride"]
    route = _route(record["family"], stride, record["hidden"], record["noise"])
    return stride > 1 and record.get("route") != route


def markdown(payload: dict) -> str:
    """The results table (grouped as in chapter 6) with the machine's load."""
    from lifecore.book.observed import benchmark_rows

    lines = [
        "| family | stride | noise | unseen | runs | exact and unique | flagged correctly "
        "| max s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in benchmark_rows(OUT):
        lines.append(
            f"| {r['family']} | {r['stride']} | {r['noise']:.1%} | {r['unseen']:.0%} | "
            f"{r['runs']} | {r['exact and unique']:.0%} | {r['flagged correctly']:.0%} | "
            f"{r['max seconds']} |"
        )
    load = ", ".join(f"{x:.1f}" for x in payload["load_average"])
    return "\n".join(lines) + f"\n\nLoad average when written: {load} (2 shared cores).\n"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    records = json.loads(OUT.read_text())["runs"] if OUT.exists() else []
    records = [r for r in records if not _stale(r)]
    done = {(r["family"], r["stride"], r["noise"], r["hidden"], r["seed"]) for r in records}
    for key in grid(args.quick):
        if key in done:
            continue
        records.append(run_one(*key))
        print(records[-1], flush=True)
        _write(records)
    for record in records:  # the bounds need no search: added to runs made before them
        if "informed_decided" not in record:
            record.update(bounds(record))
            print(record, flush=True)
            _write(records)


def _write(records: list[dict]) -> None:
    payload = {"load_average": os.getloadavg(), "runs": records}
    atomic_write_bytes(OUT, json.dumps(payload, indent=1).encode())
    table = markdown(payload)
    atomic_write_bytes(OUT.with_name("discover_observed_table.md"), table.encode())
    splice_table(OUT.with_suffix(".md"), table)


def splice_table(report: Path, table: str) -> None:
    """Replace everything after the ``## Table`` heading of ``report`` by ``table``, so the
    report's table is the one the last run wrote (it was pasted by hand, and went stale)."""
    text = report.read_text()
    head, mark, _ = text.partition("## Table\n")
    if mark:
        atomic_write_bytes(report, (head + mark + "\n" + table).encode())


if __name__ == "__main__":
    main()
