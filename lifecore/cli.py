"""Learning Life from the command line: train, run experiments, extract and discover rules.

``python -m lifecore SUBCOMMAND``: each subcommand lives in the module that does the work.

A module registers itself with ``register_cli(subparsers)``, which adds its parser
and sets ``func`` to a callable taking the parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Optional, Sequence

from .errors import LifecoreError

#: subcommand -> module that implements it
SUBCOMMANDS = {
    "train": "lifecore.train",
    "experiments": "lifecore.experiments",
    "extract": "lifecore.extract",
    "discover": "lifecore.discover",
    "certify": "lifecore.certify",
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m lifecore", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    wanted = [argv[0]] if argv and argv[0] in SUBCOMMANDS else list(SUBCOMMANDS)
    for name in wanted:  # import only what runs: torch-heavy modules load lazily
        importlib.import_module(SUBCOMMANDS[name]).register_cli(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (LifecoreError, ValueError) as err:  # errors name the problem: one line, exit 2
        print(f"error: {err}", file=sys.stderr)
        return 2
