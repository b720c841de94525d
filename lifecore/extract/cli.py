"""``python -m lifecore extract CHECKPOINT``: read a checkpoint's rule and print it."""

from __future__ import annotations

import argparse
import json

import numpy as np

from ..rules import NEIGHBOURHOODS
from .reader import METHODS, extract
from .result import format_confidence

__all__ = ["register_cli"]


def _jsonable(obj):
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    raise TypeError(type(obj).__name__)


def _verdict(ex) -> str:
    """One line: certified (how) or not (why), and the rule in Golly's canonical notation."""
    if ex.certified:
        d = ex.details
        return (
            f"certified: {ex.rule} ({ex.family}), proved on all {d['inputs']} windows of "
            f"{d['window']}x{d['window']} (margin {d['margin']:.3g}; {d['source']})"
        )
    cert = ex.details.get("certificate")
    if cert:
        return f"not certified: {cert['reason']}; the reading above is an estimate"
    return "not certified: an estimate by this method (use --method certificate for a proof)"


def _run(args: argparse.Namespace) -> int:
    from .. import models

    model = models.load(args.checkpoint)
    options = {}
    if args.method == "basis" and args.cache_dir:
        options["cache_dir"] = args.cache_dir
    if args.method == "certificate":
        options["recertify"] = args.recertify
    ex = extract(model, args.method, args.neighbourhood, **options)
    print(str(ex))
    print(_verdict(ex))
    if ex.family == "outer-totalistic":
        print("per-class next state (1 alive, 0 dead, ? undetermined) and confidence:")
        print(format_confidence(ex))
    if ex.details.get("breaking"):
        print(
            f"{len(ex.details['breaking'])} configuration(s) break outer-totalism, in "
            f"{len(ex.details['orbits_broken'])} symmetry orbit(s)"
        )
    print(f"took {ex.seconds:.2f} s")
    if args.json:
        print(json.dumps(ex.summary(), default=_jsonable))
    return 0 if ex.consistent else 1


def register_cli(subparsers) -> None:
    """Add the ``extract`` subcommand to ``subparsers`` (see `lifecore.cli`)."""
    p = subparsers.add_parser(
        "extract", help="read the rule back out of a trained network checkpoint"
    )
    p.add_argument("checkpoint", help="a checkpoint written by lifecore.models.save")
    p.add_argument(
        "--method",
        choices=METHODS,
        default="certificate",
        help="certificate (a proof, any rule family; the default) or an estimating method",
    )
    p.add_argument(
        "--recertify",
        action="store_true",
        help="certify again even when the checkpoint carries a certificate for its weights",
    )
    p.add_argument(
        "--neighbourhood",
        choices=sorted(NEIGHBOURHOODS),
        default=None,
        help="default: the checkpoint's metadata, else found from the network",
    )
    p.add_argument(
        "--cache-dir", default=None, help="where basis networks are cached (--method basis)"
    )
    p.add_argument("--json", action="store_true", help="end with one JSON line")
    p.set_defaults(func=_run)
