"""A call in a forked process with a hard time limit: the budget holds whatever the callee does.

Why: pysat's RC2 cannot be interrupted at all, and glucose does not always answer an
interrupt: on a random isotropic rule at stride 3 with 1% noise one clean solve ran 440 s
past a 45 s deadline with the interrupt sent every 0.2 s. A forked child can be killed.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

from .result import DiscoveryError

__all__ = ["TIMEOUT", "Pending", "call_with_limit"]

TIMEOUT = "timeout"


def _run(fn: Callable, args: tuple, pipe) -> None:
    try:
        pipe.send(("ok", fn(*args)))
    except BaseException as exc:  # handed to the parent, which raises it
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))


class Pending:
    """``fn(*args)`` running in a forked child while this process goes on: `result` waits
    for its value, `cancel` kills it. Why: a search that needs one core can use the second
    one meanwhile (`tree` beside the exhaustive search)."""

    def __init__(self, fn: Callable, args: tuple):
        context = multiprocessing.get_context("fork")
        self._here, there = context.Pipe(duplex=False)
        self._child = context.Process(target=_run, args=(fn, args, there))  # may fork in turn
        self._child.start()
        there.close()  # the child's end: a child that dies unannounced reads as end of file

    def result(self, seconds: float) -> Any:
        """The value, or `TIMEOUT` when ``seconds`` pass first (the child is then killed).
        An exception in the child is raised here as a `DiscoveryError` naming it."""
        try:
            ready = seconds > 0 and self._here.poll(seconds)
            status, value = self._here.recv() if ready else (TIMEOUT, None)
        except EOFError:
            status, value = "error", f"the child process ended with code {self._child.exitcode}"
        finally:
            self.cancel()
        if status == "error":
            raise DiscoveryError(f"the search failed in its process: {value}")
        return TIMEOUT if status == TIMEOUT else value

    def cancel(self) -> None:
        """Kill the child (if it still runs) and free its pipe; safe to call twice."""
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()
        self._here.close()


def call_with_limit(fn: Callable, args: tuple, seconds: float) -> Any:
    """``fn(*args)`` in a forked child; its value, or `TIMEOUT` when ``seconds`` pass first
    (the child is killed). An exception in the child is raised here as a `DiscoveryError`
    naming it."""
    if seconds <= 0:
        return TIMEOUT
    return Pending(fn, args).result(seconds)
