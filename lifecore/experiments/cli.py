"""``python -m lifecore experiments``: the rules x models x seeds grid from the command line."""

from __future__ import annotations

import argparse
import time

from .grid import model_names, run_grid
from .notes import NOTES_RULES
from .records import ExperimentError
from .summaries import markdown_table, success_table

__all__ = ["register_cli"]


def _positive(text: str) -> int:
    """argparse type: an integer >= 1 (``--seeds -2`` is an error, not an empty grid)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _train_config(args: argparse.Namespace):
    from ..train import TrainConfig

    overrides = {"max_epochs": args.max_epochs, "patience": args.patience}
    try:
        return TrainConfig(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as err:  # TrainConfig names the bad option
        raise ExperimentError(str(err)) from None


def _cli(args: argparse.Namespace) -> int:
    if args.out is None:
        raise ExperimentError("experiments: --out is required (the results JSON)")
    config = _train_config(args)
    t0 = time.perf_counter()
    recs = run_grid(
        args.rules or NOTES_RULES,
        args.models or None,
        args.seeds,
        args.jobs,
        config,
        args.out,
        args.checkpoint_dir,
        progress=not args.quiet,
        scheduler=args.scheduler,
    )
    print(f"{len(recs)} runs in {time.perf_counter() - t0:.1f} s -> {args.out}")
    percent = {m: ".0%" for m in model_names()}
    print("exact (trainer's verdict), fraction of seeds:")
    print(markdown_table(success_table(recs), percent))
    if any(r.certified is not None for r in recs):
        print("certified (proved on every window), fraction of seeds:")
        print(markdown_table(success_table(recs, "certified"), percent))
    return 0


def register_cli(subparsers) -> None:
    """Add the ``experiments`` subcommand to ``subparsers`` (see `lifecore.cli`)."""
    p = subparsers.add_parser("experiments", help="train the rules x models x seeds grid")
    p.add_argument("--rules", nargs="+", help="rules (default: the notes' 8)")
    p.add_argument("--models", nargs="+", help="models (default: all 6)")
    p.add_argument("--seeds", type=_positive, default=3, help="seeds 0..N-1 per (rule, model)")
    p.add_argument("--jobs", type=_positive, default=2, help="worker processes (or Dask workers)")
    p.add_argument("--max-epochs", type=int)
    p.add_argument("--patience", type=int)
    p.add_argument("--checkpoint-dir", help="save every trained network here")
    p.add_argument("--out", help="results JSON (resumable; required)")
    p.add_argument(
        "--scheduler",
        help="run on Dask: 'local' starts a LocalCluster of --jobs workers; "
        "else the address of a running scheduler, e.g. tcp://host:8786",
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_cli)
    _register_rulespace(p.add_subparsers(dest="experiment", required=False))


def _cli_rulespace(args: argparse.Namespace) -> int:
    from .rulespace import family_summary, run_rulespace

    config = _train_config(args)
    t0 = time.perf_counter()
    recs = run_rulespace(
        args.per_family, args.seed, config, args.out, args.jobs, not args.quiet, args.scheduler
    )
    print(f"{len(recs)} rules in {time.perf_counter() - t0:.1f} s -> {args.out}")
    for row in family_summary(recs):
        missed = ", ".join(row["not_certified"]) or "none"
        print(
            f"{row['family']}: certified {row['certified']}/{row['rules']}, CPU s median "
            f"{row['median_cpu_s']:.1f} max {row['max_cpu_s']:.1f}, smallest certified "
            f"{row['smallest']}; not certified: {missed}"
        )
    return 0


def _register_rulespace(subparsers) -> None:
    p = subparsers.add_parser(
        "rulespace", help="--model auto on a stratified random draw of rules of every family"
    )
    p.add_argument("--per-family", type=_positive, default=4, help="rules drawn per family")
    p.add_argument("--seed", type=int, default=0, help="seed of the draw and of training")
    p.add_argument("--jobs", type=_positive, default=1, help="worker processes")
    p.add_argument("--max-epochs", type=int)
    p.add_argument("--patience", type=int)
    p.add_argument("--out", required=True, help="results JSON (resumable; same seed continues)")
    p.add_argument("--scheduler", help="as for experiments: 'local' or a Dask address")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_cli_rulespace)
