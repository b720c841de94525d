"""``python -m lifecore certify CKPT [--rule RULE] [--json]``."""

from __future__ import annotations

import argparse
import json

__all__ = ["register_cli"]


def _run(args: argparse.Namespace) -> int:
    from ..models import load
    from .certificate import certify

    model = load(args.checkpoint)
    cert = certify(model, args.rule)
    verdict = "exact" if cert.exact else "NOT exact"
    print(
        f"{args.checkpoint}: {verdict} ({cert.rule or 'no 3x3 rule'}) over {cert.inputs:,} "
        f"{cert.window}x{cert.window} windows in {cert.seconds:.1f} s; "
        f"margin {cert.margin:.4g}"
    )
    if cert.reason:
        print(f"  {cert.reason}")
    for example in cert.counterexamples[:3]:
        rows = " / ".join("".join(map(str, row)) for row in example.patch.tolist())
        print(f"  window {rows}: network {example.network}, expected {example.expected}")
    if args.json:
        print(json.dumps(cert.to_dict()))
    return 0


def register_cli(subparsers) -> None:
    """Add the ``certify`` subcommand (a verdict either way exits 0; bad input exits 2)."""
    p = subparsers.add_parser(
        "certify",
        help="prove or refute that a trained network computes a rule on every window",
        description="Enumerate every window of a network's receptive field and report "
        "whether it computes RULE (without --rule: which 3x3 rule it computes, if any).",
    )
    p.add_argument("checkpoint", help="a checkpoint written by lifecore.models.save")
    p.add_argument("--rule", default=None, help="the rule to check (Golly notation or a name)")
    p.add_argument("--json", action="store_true", help="end with one JSON line")
    p.set_defaults(func=_run)
