"""Certified training through the command line, with default settings: is every non-tiny
model certified, and how long does a run take?

Runs ``python -m lifecore train --rule R --model M --seed S`` (one process per run, so the
wall time includes starting Python and importing torch) for the notes' eight rules and a
few rules the project never names, and writes a Markdown table (rewritten after every run,
so an interrupted benchmark keeps what it measured). Each run's figures also go to a JSON
file beside the table; a second call skips the runs already there (``--fresh`` starts over),
so an interrupted benchmark resumes.

    python benchmarks/bench_train_certified.py --seeds 0 1 2

Timings depend on the machine's load; the table records the CPU count and load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _resume import load_state

from lifecore.models import model_group
from lifecore.rules import NOTES_RULES
from lifecore.rules.symmetry import is_invariant
from lifecore.train import ALLOCATOR_ENV

MODELS = ("cnn-small", "mcnn", "p4cnn-small", "p4mcnn", "d4cnn-small", "d4mcnn")
#: Rules never named in the project: Moore, von Neumann, hex.
NEW_RULES = ("B36/S245", "B13/S012V", "B245/S3H")


def representable(rule: str, model: str) -> bool:
    """Whether the model's symmetry group (if any) leaves the rule learnable."""
    group = model_group(model)
    return group is None or is_invariant(rule, group)


def run_one(rule: str, model: str, seed: int, folder: Path, threads: int | None) -> dict:
    out = folder / f"{model}-{rule.replace('/', '_')}-s{seed}.pt"
    argv = [sys.executable, "-m", "lifecore", "train", "--rule", rule, "--model", model]
    argv += ["--seed", str(seed), "--out", str(out), "--quiet", "--fresh"]
    if threads is not None:
        argv += ["--threads", str(threads)]
    env = {**os.environ, **ALLOCATOR_ENV}
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    text = proc.stdout + proc.stderr
    found = dict(re.findall(r"(\w+)=(\S+)", text))
    reason = re.search(r"not certified: (.*)", text)
    last = text.strip().splitlines()[-1] if text.strip() else ""
    return {
        "rule": rule,
        "model": model,
        "seed": seed,
        "rc": proc.returncode,
        "certified": found.get("certified") == "True",
        "stopped": found.get("stopped", "?"),
        "epochs": found.get("epochs", "?"),
        "train_seconds": float(found.get("seconds", "nan")),
        "wall_seconds": wall,
        "note": reason.group(1) if reason else (last if proc.returncode else ""),
    }


def table(records: list[dict], started: str, load_start: float) -> str:
    lines = [
        "# Certified training with default settings (`python -m lifecore train`)",
        "",
        f"Measured from {started} on {os.cpu_count()} CPU cores (one-minute load average"
        f" {load_start:.1f} before the first run, {os.getloadavg()[0]:.1f} after the last; a"
        " load above the core count means other jobs shared the cores).",
        "`seconds` is the trainer's own time (epochs and proofs); `wall` the whole command",
        "(Python start, torch import, data, training, proof, checkpoint).",
        "",
        "| rule | model | seed | certified | stopped | epochs | seconds | wall | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        lines.append(
            f"| {r['rule']} | {r['model']} | {r['seed']} | {'yes' if r['certified'] else 'no'} "
            f"| {r['stopped']} | {r['epochs']} | {r['train_seconds']:.1f} "
            f"| {r['wall_seconds']:.1f} "
            f"| {r['note'][:120]} |"
        )
    if records:
        walls = [r["wall_seconds"] for r in records]
        ok = [r for r in records if r["certified"]]
        lines += [
            "",
            f"Runs: {len(records)}; certified: {len(ok)}; wall seconds median "
            f"{statistics.median(walls):.1f}, max {max(walls):.1f}.",
        ]
        able = [r for r in records if representable(r["rule"], r["model"])]
        lines.append(
            f"Where the model's symmetry allows the rule: {sum(r['certified'] for r in able)} of"
            f" {len(able)} certified. Where it does not (a p4 or D4 model on a hex rule): "
            f"{sum(not r['certified'] for r in records if r not in able)} of "
            f"{len(records) - len(able)} uncertified, as they must be."
        )
        for model in MODELS:
            mine = [r for r in records if r["model"] == model]
            if mine:
                w = [r["wall_seconds"] for r in mine]
                lines.append(
                    f"- {model}: {sum(r['certified'] for r in mine)}/{len(mine)} certified, "
                    f"wall median {statistics.median(w):.1f} s, max {max(w):.1f} s"
                )
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--rules", nargs="+", default=[*NOTES_RULES, *NEW_RULES])
    p.add_argument("--models", nargs="+", default=list(MODELS))
    p.add_argument("--threads", type=int)
    p.add_argument("--out", default="benchmarks/results/train_certified.md")
    p.add_argument("--fresh", action="store_true", help="forget the runs of an earlier call")
    args = p.parse_args()
    out = Path(args.out)
    saved, state = load_state(out, "records", args.fresh)
    records = state["records"]
    done = {(r["rule"], r["model"], r["seed"]) for r in records}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:  # seed-major: a cut-short run still covers every rule and model
            for rule in args.rules:
                for model in args.models:
                    if (rule, model, seed) in done:
                        continue
                    records.append(run_one(rule, model, seed, Path(tmp), args.threads))
                    r = records[-1]
                    print(
                        f"{rule} {model} s{seed}: certified={r['certified']} "
                        f"wall={r['wall_seconds']:.1f}",
                        flush=True,
                    )
                    saved.write_text(json.dumps(state, indent=1))
                    out.write_text(table(records, state["started"], state["load"]))


if __name__ == "__main__":
    main()
