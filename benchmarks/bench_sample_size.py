"""How many training boards each model needs to be certified, per rule family (issue 9).

For one rule of each family (Life: outer-totalistic; Just Friends ``B2-a/S12`` and tlife
``B3/S2-i34q``: isotropic; "north wind": a MAP rule with no symmetry) and the plain, p4
and D4 networks with a 3x3 first layer, `lifecore.experiments.boards_needed` climbs a
ladder of training-set sizes (16x16 soups, one step) until the run ends certified. A
symmetric model on a rule without its symmetry is ruled out by its bound, untrained.

Each answer is appended to a JSON file beside the Markdown table, and a second call skips
the answers already there (``--fresh`` starts over), so an interrupted run resumes.

    python benchmarks/bench_sample_size.py [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from _resume import load_state

from lifecore.book.beyond import north_wind_rule
from lifecore.experiments import LADDER, BoardsNeeded, boards_needed, boards_table
from lifecore.rules import as_rule
from lifecore.train import TrainConfig

#: Canonical strings (as `boards_needed` records them), so a resumed run finds its answers.
RULES = {
    name: str(as_rule(rule))
    for name, rule in {
        "Life": "B3/S23",
        "Just Friends": "B2-a/S12",
        "tlife": "B3/S2-i34q",
        "north wind": north_wind_rule(),
    }.items()
}
MODELS = ("cnn-small", "p4cnn-small", "d4cnn-small")
#: As chapter 7's grid: short runs, no rollout (the proof decides), one torch thread.
CONFIG = TrainConfig(max_epochs=30, patience=5, rollout_steps=0, threads=1)


def markdown(rows: list[dict]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[k]) for k in head) + " |" for r in rows]
    return "\n".join(lines)


def report(answers: list[BoardsNeeded], started: str, load: float) -> str:
    names = {v: k for k, v in RULES.items()}
    rows = [
        {**r, "rule": f"{names.get(r['rule'], '')} {r['rule'][:24]}"} for r in boards_table(answers)
    ]
    return (
        "# Training boards needed for a certified network, per rule family\n\n"
        f"Measured from {started} on {os.cpu_count()} CPU cores (load average {load:.1f} at the"
        f" start, {os.getloadavg()[0]:.1f} at the end). Ladder of training-set sizes: "
        f"{', '.join(map(str, LADDER))} soups of {CONFIG.data_size}x{CONFIG.data_size} cells "
        f"(a quarter held out for validation); at most {CONFIG.max_epochs} epochs, patience "
        f"{CONFIG.patience}; 3x3 first layer; proofs over all 512 windows, whose "
        "counterexamples join the training data (proof feedback), or a single proof whose "
        "counterexamples are not learned (no feedback: the boards alone).\n\n"
        + markdown(rows)
        + f"\n\nRuns: {len(answers)}; training and proofs took "
        f"{sum(a.seconds for a in answers):.0f} s in all.\n"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--models", nargs="+", default=list(MODELS))
    p.add_argument("--out", default="benchmarks/results/sample_size.md")
    p.add_argument("--fresh", action="store_true", help="forget the answers of an earlier call")
    args = p.parse_args()
    out = Path(args.out)
    saved, state = load_state(out, "answers", args.fresh)
    answers = [BoardsNeeded(**{**a, "tried": tuple(a["tried"])}) for a in state["answers"]]
    done = {(a.rule, a.model, a.seed, a.feedback) for a in answers}
    out.parent.mkdir(parents=True, exist_ok=True)
    runs = [(f, s, r, m) for f in (True, False) for s in args.seeds for r in RULES.values()
            for m in args.models]  # fmt: skip
    for feedback, seed, rule, model in runs:
        if (rule, model, seed, feedback) in done:
            continue
        answers.append(boards_needed(rule, model, seed, config=CONFIG, feedback=feedback))
        a = answers[-1]
        print(f"{rule[:24]} {model} s{seed} feedback={feedback}: boards={a.boards}", flush=True)
        state["answers"] = [x.to_dict() for x in answers]
        saved.write_text(json.dumps(state, indent=1))
        out.write_text(report(answers, state["started"], state["load"]))


if __name__ == "__main__":
    main()
