"""``python -m lifecore discover DATA.npz``: find the rule behind stored trajectories."""

from __future__ import annotations

import argparse
import json

from ..simulate import BOUNDARIES
from .candidates import FAMILY_CHOICES
from .identify import identify
from .loop import HOODS, discover
from .observed import HIDDEN
from .result import Discovery, DiscoveryError, certificate_phrase
from .trajectories import load_trajectories

__all__ = ["register_cli"]


def _lines(result: Discovery) -> list[str]:
    where = result.neighbourhood if result.family == "outer-totalistic" else "moore"
    lines = [f"rule: {result.rule}  ({result.family}, {where})"]
    if result.undetermined:
        lines.append(
            f"undetermined (never seen in the data, {len(result.undetermined)} classes): "
            f"{' '.join(result.undetermined)}"
        )
    label = where if result.family == "outer-totalistic" else result.family
    others = [h for h in result.consistent_neighbourhoods if h != label]
    if others:
        lines.append(
            f"also consistent with: {', '.join(others)} "
            "(the smallest consistent family and neighbourhood is reported)"
        )
    if result.agreement:
        a = result.agreement
        lines.append(
            f"network vs tabulation: read back on fresh boards, {a['agree']}/{a['classes']} "
            f"seen classes agree ({a['data_classes_agree']}/{a['data_classes']} on its "
            f"training boards); network's full guess {a['network_rule']} (a guess for unseen "
            "classes, not a result)"
        )
        lines.append(
            "network " + (certificate_phrase(a) or "not certified (the route was not run)")
        )
    return lines


def _run_observed(args: argparse.Namespace, frames) -> int:
    """The observed-data route: strided, partly unseen or noisy frames, with a verdict."""
    result = identify(
        frames,
        stride=args.stride,
        family=args.family,
        neighbourhood=args.neighbourhood,
        noise=args.noise,
        boundary=args.boundary,
        seed=args.seed,
    )
    if result.rule is None:
        raise DiscoveryError(f"{args.data}: {result}")
    where = f"{result.family}, {result.neighbourhood}, stride {result.stride}"
    print(f"rule: {result.rule}  ({where})")
    print(
        f"verdict: {result.verdict}; margin {result.margin} mismatches "
        f"(required {result.details.get('required_margin', 'per class')}); the rule misses "
        f"{result.mismatches} of {result.decided} decided samples"
    )
    if "certificate" in result.details:  # how far "unique" goes: a proof or a noise margin
        print(f"certificate: {result.details['certificate']}")
    if result.undetermined:
        print(f"undetermined ({len(result.undetermined)}): {' '.join(result.undetermined)}")
    if args.json:
        print(json.dumps(result.summary()))
    return 0


def _run(args: argparse.Namespace) -> int:
    frames = load_trajectories(args.data, hidden=True)
    if args.stride != 1 or args.noise is not None or (frames == HIDDEN).any():
        return _run_observed(args, frames)
    result = discover(
        frames,
        neighbourhood=args.neighbourhood,
        use_network=not args.no_network,
        seed=args.seed,
        boundary=args.boundary,
        family=args.family,
    )
    if not result.consistent:
        conflicts = {h: c for h, c in result.details["conflicts"].items() if c}
        raise DiscoveryError(
            f"{args.data}: no {args.family} rule of the allowed neighbourhood(s) explains "
            "these data: classes seen going both ways: "
            + "; ".join(f"{h}: {' '.join(c)}" for h, c in conflicts.items())
            + ("" if args.boundary == "dead" else " (data from a bounded plane? --boundary dead)")
        )
    print("\n".join(_lines(result)))
    if args.json:
        print(json.dumps(result.summary()))
    return 0


def register_cli(subparsers) -> None:
    """Add the ``discover`` subcommand to ``subparsers`` (see `lifecore.cli`)."""
    p = subparsers.add_parser(
        "discover", help="find the rule behind trajectories (an .npz with 'trajectories')"
    )
    p.add_argument("data", help=".npz file holding 'trajectories', uint8 (N, T, H, W)")
    p.add_argument("--neighbourhood", choices=HOODS, default="auto")
    p.add_argument(
        "--family",
        choices=FAMILY_CHOICES,
        default="outer-totalistic",
        help="rule family to read the data under; 'auto': the smallest the data allow",
    )
    p.add_argument(
        "--boundary",
        choices=BOUNDARIES,
        default="torus",
        help="how the data were made: on a torus, or a bounded plane with dead cells outside",
    )
    p.add_argument(
        "--no-network", action="store_true", help="skip the network cross-check (tabulation only)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--stride",
        type=int,
        default=1,
        help="generations between consecutive frames; >1, a --noise hint or cells marked "
        "255 (not observed) take the observed-data search, which ends with a verdict",
    )
    p.add_argument(
        "--noise",
        type=float,
        default=None,
        help="fraction of flipped cells, a hint only (recorded; the answer never needs it)",
    )
    p.add_argument("--json", action="store_true", help="end with one JSON line")
    p.set_defaults(func=_run)
