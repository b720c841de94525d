"""Learning Life from the command line: train, run experiments, extract and discover rules.

``python -m lifecore SUBCOMMAND``: each subcommand lives in the module that does the work.

A module registers itself with ``register_cli(subparsers)``, which adds its parser
and sets ``func`` to a callable taking the parsed arguments and returning an exit code.

Bad input never ends in a traceback: a `lifecore.LifecoreError` (every library error), an
`OSError` on a file, or a bad option prints one line on stderr and the exit status is 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn, Optional, Sequence

from .errors import LifecoreError

__all__ = ["SUBCOMMANDS", "EXIT_BAD_INPUT", "main"]

#: subcommand -> module that implements it
SUBCOMMANDS = {
    "train": "lifecore.train",
    "experiments": "lifecore.experiments",
    "extract": "lifecore.extract",
    "discover": "lifecore.discover",
    "certify": "lifecore.certify",
}

#: Exit status for bad input (options, rules, files): argparse's convention.
EXIT_BAD_INPUT = 2


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (no usage block), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {_one_line(message)}\n")


def _one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, cut to ``limit`` characters (a 1 MB rule is not echoed whole)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _message(err: BaseException) -> str:
    """The one-line message for ``err``; an OSError names the file it concerns."""
    if isinstance(err, OSError) and not isinstance(err, LifecoreError):
        where = f"{err.filename}: " if err.filename is not None else ""
        return _one_line(f"{where}{err.strerror or err}")
    return _one_line(str(err))


def _registered(sub, name: str) -> bool:
    """Register subcommand ``name``; False when its module is not importable (not built)."""
    try:
        module = importlib.import_module(SUBCOMMANDS[name])
    except ModuleNotFoundError as err:
        if err.name != SUBCOMMANDS[name]:
            raise
        return False
    register = getattr(module, "register_cli", None)
    if register is None:
        return False
    register(sub)
    return True


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one subcommand and return its exit status.

    Parameters
    ----------
    argv
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The subcommand's status; `EXIT_BAD_INPUT` (2) for bad options or input, with one
        line on stderr.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _OneLineParser(prog="python -m lifecore", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    wanted = [argv[0]] if argv and argv[0] in SUBCOMMANDS else list(SUBCOMMANDS)
    for name in wanted:  # import only what runs: torch-heavy modules load lazily
        _registered(sub, name)
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or a bad option (already reported on one line)
        return int(done.code or 0) if not isinstance(done.code, str) else EXIT_BAD_INPUT
    try:
        return int(args.func(args) or 0)
    except (LifecoreError, OSError) as err:
        print(f"error: {_message(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
