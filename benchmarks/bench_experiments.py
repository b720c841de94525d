"""The notes' grid, 8 rules x 6 models x 3 seeds, with 2 worker processes.

Reports the wall time, the success rate (validation set and a 100-step rollout both
exact) per model and per rule x model, and the median time to exactness. Goals: every
non-tiny model exact on all 8 rules in at least 90% of seeds; the whole grid under 10
minutes on 2 CPU cores. ``--quick``: 2 rules x 6 models x 1 seed.

Run with the Makefile (``make bench``), which exports the glibc malloc settings; this
script also sets them (lifecore.train.ALLOCATOR_ENV) for its worker processes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from lifecore import experiments as ex
from lifecore.train import ALLOCATOR_ENV, TrainConfig


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="2 rules x 6 models x 1 seed")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", help="results JSON (default: a temporary file; resumable when given)")
    args = p.parse_args(argv)
    for k, v in ALLOCATOR_ENV.items():
        os.environ.setdefault(k, v)
    rules = ex.NOTES_RULES[:2] if args.quick else ex.NOTES_RULES
    seeds = 1 if args.quick else args.seeds
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp()) / "results.json"
    t0 = time.perf_counter()
    recs = ex.run_grid(
        rules, None, seeds, args.jobs, TrainConfig(), out=out, progress=sys.stderr.isatty()
    )
    wall = time.perf_counter() - t0
    print(
        f"grid: {len(rules)} rules x 6 models x {seeds} seeds, jobs={args.jobs}: "
        f"wall time {wall:.1f} s "
        f"(goal < 600 s), CPU time in training {sum(r['seconds'] for r in recs):.1f} s"
    )
    print("\nsuccess per model, and time to exactness (exact runs only):")
    print(
        ex.markdown_table(
            ex.time_to_exact(recs),
            {
                "success": ".0%",
                "median_seconds": ".1f",
                "median_seconds_all": ".1f",
                "median_epochs": ".0f",
            },
        )
    )
    print("\nfraction of seeds exact, per rule x model:")
    print(ex.markdown_table(ex.success_table(recs), {m: ".0%" for m in ex.model_names()}))
    big = [r for r in recs if "tiny" not in r["model"]]
    worst = min(
        ex.success_table(big)[:-1], key=lambda row: min(v for k, v in row.items() if k != "rule")
    )
    rate = sum(r["exact"] for r in big) / len(big)
    print(f"\nnon-tiny models: {rate:.1%} of runs exact; worst rule row: {json.dumps(worst)}")
    goal = all(
        v >= 0.9 for row in ex.success_table(big)[:-1] for k, v in row.items() if k != "rule"
    )
    print(
        "goal (every non-tiny model >= 90% of seeds exact on every rule): "
        f"{'met' if goal else 'NOT met'}; "
        f"time goal: {'met' if wall < 600 else 'NOT met'}"
    )
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
