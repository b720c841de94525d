"""Success and certified rates of the experiment grid, the tiny models, and the ablation.

Modes (each prints markdown tables; ``--out`` makes a run resumable):

- ``grid`` (default): the notes' 8 rules x 6 models x 3 seeds, 2 worker processes. Goals:
  every non-tiny model exact on all 8 rules in at least 90% of seeds; the whole grid under
  10 minutes on 2 CPU cores. ``--quick``: 2 rules x 6 models x 1 seed.
- ``tiny``: certified rates of the tiny models (and the Springer & Kenyon minimal network
  and its overcomplete versions, when `lifecore.models` has them) over >= 8 seeds per rule.
- ``ablation``: `lifecore.experiments.ablation`, certified rates per condition, and the
  per-class error rates of networks above 99% accuracy that are not certified.

Run with the Makefile (``make bench``), which exports the glibc malloc settings; this
script also sets them (lifecore.train.ALLOCATOR_ENV) for its worker processes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lifecore import experiments as ex
from lifecore.train import ALLOCATOR_ENV, TrainConfig

PERCENT = {"success": ".0%", "median_seconds": ".1f", "median_seconds_all": ".1f"}


def _out(args) -> Path:
    return Path(args.out) if args.out else Path(tempfile.mkdtemp()) / "results.json"


def grid(args) -> int:
    rules = ex.NOTES_RULES[:2] if args.quick else (args.rules or ex.NOTES_RULES)
    seeds = 1 if args.quick else args.seeds
    t0 = time.perf_counter()
    recs = ex.run_grid(
        rules,
        args.models,
        seeds,
        args.jobs,
        TrainConfig(certify=True),
        out=_out(args),
        progress=sys.stderr.isatty(),
        scheduler=args.scheduler,
    )
    wall = time.perf_counter() - t0
    print(
        f"grid: {len(rules)} rules x {len({r.model for r in recs})} models x {seeds} seeds, "
        f"jobs={args.jobs}: wall time {wall:.1f} s (goal < 300 s), "
        f"CPU time in training {sum(r.seconds for r in recs):.1f} s"
    )
    print("\nper model (time to exactness over exact runs only):")
    print(ex.markdown_table(ex.time_to_exact(recs), PERCENT))
    pct = {m: ".0%" for m in ex.model_names()}
    for verdict in ("exact", "certified"):
        print(f"\nfraction of seeds {verdict}, per rule x model:")
        print(ex.markdown_table(ex.success_table(recs, verdict), pct))
    big = [r for r in recs if "tiny" not in r.model]
    rows = ex.success_table(big, "certified")[:-1]
    goal = all(v is not None and v >= 0.9 for row in rows for k, v in row.items() if k != "rule")
    print(f"\ngoal (every non-tiny model certified in >= 90% of seeds on every rule): {goal}")
    return 0


def tiny(args) -> int:
    from lifecore import models

    names = args.models or [m for m in ex.model_names() if "tiny" in m]
    names += [m for m in getattr(models, "SK_NAMES", ()) if m not in names]
    rules = args.rules or ["B3/S23", "B36/S23"]
    t0 = time.perf_counter()
    recs = []
    for m in names:  # one model at a time, so a partial run still reports whole models
        recs += ex.run_grid(
            rules,
            [m],
            args.seeds,
            args.jobs,
            TrainConfig(certify=True),
            out=_out(args),
            progress=sys.stderr.isatty(),
        )
        print(f"{m}: done after {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(f"tiny models: {len(rules)} rules x {len(names)} models x {args.seeds} seeds")
    pct = {m: ".0%" for m in names}
    print(ex.markdown_table(ex.success_table(recs, "certified"), pct))
    print(ex.markdown_table(ex.time_to_exact(recs), PERCENT))
    return 0


def ablation(args) -> int:
    rules = args.rules or ["B3/S23"]
    model_list = args.models or ["cnn-small", "p4cnn-small", "p4mcnn"]
    rows, records = ex.ablation(
        rules,
        model_list,
        args.seeds,
        args.conditions,
        TrainConfig(certify=True),
        _out(args),
        args.jobs,
        progress=sys.stderr.isatty(),
        checkpoint_dir=_out(args).parent / "ablation-networks",
    )
    print(f"ablation: rules {rules}, {args.seeds} seeds")
    print(ex.markdown_table([r.to_dict() for r in rows], {"certified_rate": ".0%"}))
    print("\nper-class errors of networks >= 99% accurate but not certified:")
    print(ex.markdown_table(_class_errors(records), {}))
    return 0


def _class_errors(records) -> list[dict]:
    from lifecore import models as models_

    rows = []
    for cond, rec in records:
        if rec.certified or rec.val_cell_accuracy < 0.99 or not rec.checkpoint:
            continue
        errors, cells = ex.class_error_rates(models_.load(rec.checkpoint), rec.rule, seed=7)
        s = ex.count_error_summary(errors, cells)
        worst = np.unravel_index(np.nanargmax(errors), errors.shape)
        rows.append(
            {
                "condition": cond,
                "model": rec.model,
                "seed": rec.seed,
                **s,
                "worst_class": f"{'SB'[worst[0]]}{worst[1]}",
                "worst_error": float(errors[worst]),
            }
        )
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", nargs="?", default="grid", choices=("grid", "tiny", "ablation"))
    p.add_argument("--quick", action="store_true", help="grid: 2 rules x 6 models x 1 seed")
    p.add_argument("--rules", nargs="+")
    p.add_argument("--models", nargs="+")
    p.add_argument("--conditions", nargs="+", help="ablation conditions (default: all)")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--scheduler", help="grid on Dask: 'local' or a scheduler address")
    p.add_argument("--out", help="results JSON (default: a temporary file; resumable when given)")
    args = p.parse_args(argv)
    args.out = str(_out(args))  # one file for the whole run, resumable when given
    for k, v in ALLOCATOR_ENV.items():
        os.environ.setdefault(k, v)
    return {"grid": grid, "tiny": tiny, "ablation": ablation}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
