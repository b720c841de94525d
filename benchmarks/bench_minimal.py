"""Minimal networks, plain method (``boards``) beside ``method="windows"`` (issue 21).

One run per (rule, model, method, seed), one random initialisation each, no restarts;
each finished run is written to ``benchmarks/results/minimal.json`` at once, so a killed
benchmark resumes where it stopped (``--fresh`` starts over). ``--table`` rewrites the
Markdown table from the JSON without training.

    python benchmarks/bench_minimal.py --rules B3/S23 B36/S23 --seeds 0-31
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import torch

from lifecore.book.minimal import success_rows
from lifecore.files import atomic_write_bytes as atomic_write
from lifecore.train import TrainConfig, train_rule

sys.path.insert(0, str(Path(__file__).parent))
from _resume import load_state  # noqa: E402

TABLE = Path(__file__).parent / "results" / "minimal.md"


def _seeds(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def run_one(rule: str, model: str, method: str, seed: int) -> dict:
    """One training run from seed ``seed``: certified or not, seconds, epochs."""
    config = TrainConfig(threads=1, method=method)
    result = train_rule(rule, model, seed=seed, config=config, progress=False)
    return {
        "rule": rule,
        "model": model,
        "method": method,
        "seed": seed,
        "certified": bool(result.certificate is not None and result.certificate.exact),
        "seconds": result.seconds,
        "epochs": result.epochs,
        "stopped": result.stopped,
    }


def diagnose_plain(rule: str, seeds: list[int]) -> list[dict]:
    """`lifecore.train.minimal.diagnose` of sk-minimal after the plain method, per seed."""
    from lifecore.train.minimal import diagnose

    rows = []
    for seed in seeds:
        result = train_rule(rule, "sk-minimal", seed=seed, config=TrainConfig(threads=1),
                            progress=False)  # fmt: skip
        rows.append({"seed": seed, "certified": bool(result.certificate.exact),
                     **diagnose(result.model, rule)})  # fmt: skip
        print(rows[-1], flush=True)
    return rows


def write_table(state: dict) -> None:
    lines = [
        "| rule | model | method | seeds | certified | median seconds |",
        "|---|---|---|---|---|---|",
    ]
    for row in success_rows(state["runs"]):  # the same rows chapter 3 shows
        lines.append(
            f"| {row['rule']} | {row['model']} | {row['method']} | {row['seeds']} | "
            f"{row['certified']} ({100 * row['fraction']:.0f}%) | {row['median_seconds']:.1f} |"
        )
    body = "\n".join(lines)
    text = TABLE.read_text() if TABLE.exists() else ""
    start, end = "<!-- table -->", "<!-- /table -->"
    if start in text:
        text = text.split(start)[0] + start + "\n" + body + "\n" + end + text.split(end)[1]
    else:
        text = f"{text}\n{start}\n{body}\n{end}\n"
    atomic_write(TABLE, text.encode())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rules", nargs="+", default=["B3/S23", "B36/S23"])
    p.add_argument("--models", nargs="+", default=["sk-minimal"])
    p.add_argument("--methods", nargs="+", default=["boards", "windows"])
    p.add_argument("--seeds", default="0-31", help="LO-HI, inclusive")
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--table", action="store_true", help="only rewrite the table")
    p.add_argument("--diagnose", help="RULE: diagnose the plain method's runs on --seeds instead")
    args = p.parse_args()
    torch.set_num_threads(1)
    if args.diagnose:
        diagnose_plain(args.diagnose, _seeds(args.seeds))
        return
    saved, state = load_state(TABLE, "runs", args.fresh)
    done = {(r["rule"], r["model"], r["method"], r["seed"]) for r in state["runs"]}
    for seed in [] if args.table else _seeds(args.seeds):
        for rule in args.rules:
            for model in args.models:
                for method in args.methods:
                    if (rule, model, method, seed) in done:
                        continue
                    state["runs"].append(run_one(rule, model, method, seed))
                    state["load_end"] = os.getloadavg()[0]
                    atomic_write(saved, json.dumps(state, indent=1).encode())
                    print(state["runs"][-1], flush=True)
    write_table(state)


if __name__ == "__main__":
    main()
