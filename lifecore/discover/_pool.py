"""Blocks of targets held by forked worker processes, every block asked the same question.

Why: the branch and bound of `tree` spends its time in SAT solves, one per block for each
node it bounds (10 to 200 ms a solve at stride 3 with most classes free), and the blocks are
independent of each other. A SAT solver cannot be pickled, so each worker builds every block
once and keeps it, with its learnt clauses, for the whole search; the parent sends each
block's question (a node's fixed classes and the bound above it) to the next worker free and
gathers the answers in the blocks' order. With one worker (one core, a daemonic process, or
a test) the blocks stay in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
from typing import Any

from .result import DiscoveryError

__all__ = ["BlockPool", "cores", "ENOUGH"]

ENOUGH = "enough"  # `BlockPool.ask` stopped early, as its caller asked
_GRACE_S = 5.0  # past the deadline a worker may still be in one solve (up to a second)


def cores() -> int:
    """The worker processes this process may use: one a CPU core it may run on, or 1 in a
    daemonic process (a worker of a user's `multiprocessing.Pool`), which may not fork."""
    if multiprocessing.current_process().daemon:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _serve(pipe, parents: list, make: Callable, xs: Sequence) -> None:
    """A worker: build every block of ``xs``, then answer ``fn(blocks[i], part, *rest)`` for
    each question ``(i, fn, part, rest)`` until ``None`` arrives or the parent is gone.
    ``parents``: the parent's ends of the pipes, inherited by the fork and closed here, so
    that the parent's death reads as end of file."""
    for end in parents:
        end.close()
    blocks = []
    try:
        blocks = [make(x) for x in xs]
        pipe.send("ready")
        while (question := pipe.recv()) is not None:
            i, fn, part, rest = question
            pipe.send((i, fn(blocks[i], part, *rest)))
    except (EOFError, OSError, KeyboardInterrupt):  # the parent has gone (pipe closed or reset)
        pass
    finally:
        for b in blocks:
            b.close()


class BlockPool:
    """The blocks ``make(x)`` for each ``x`` of ``xs``, built by each of ``workers`` forked
    processes, or kept here when ``workers`` is 1.

    `ask` puts the same question to every block, each block to the next worker free: a
    worker holds every block, so that one slow solve does not leave the other core idle
    (measured on the tree at stride 3: two workers so were 1.55 times as fast as one, and
    1.45 times with half the blocks each).
    Until the Event ``widen`` (when given) is set only the first worker is asked: the others
    wait for a core this process's caller still needs. Use as a context manager: the
    workers end and the solvers are freed on leaving it."""

    def __init__(self, make: Callable[[Any], Any], xs: Sequence, workers: int, deadline: float,
                 widen=None):  # fmt: skip
        self.widen = widen  # an Event: until it is set, only the first worker is asked
        self.size = len(xs)
        daemonic = multiprocessing.current_process().daemon  # may not fork
        self.workers = 1 if daemonic else max(1, min(workers, len(xs)))
        self.local: list = []
        self.pipes: list = []
        self.processes: list = []
        if self.workers == 1:
            for x in xs:
                if time.perf_counter() > deadline:
                    raise TimeoutError
                self.local.append(make(x))
            return
        context = multiprocessing.get_context("fork")
        for _ in range(self.workers):
            here, there = context.Pipe()
            self.pipes.append(here)
            child = context.Process(target=_serve, args=(there, list(self.pipes), make, xs),
                                    daemon=True)  # fmt: skip
            child.start()
            there.close()
            self.processes.append(child)
        if any(self._receive(pipe, deadline) != "ready" for pipe in self.pipes):
            self.__exit__()
            raise TimeoutError

    def ask(self, fn: Callable, parts: Sequence, *rest, deadline: float, enough=None):
        """``fn(block, part, *rest)`` for every block and its part, a tuple in the blocks'
        order; None when any is None or past ``deadline`` (a `time.perf_counter()`). Each
        block goes to the next worker free, so a slow solve does not hold the others up.
        ``enough(i, answer)``, when given, is told each answer as it comes until it returns
        True: then no further block is asked, and the answer is `ENOUGH`."""
        if not self.pipes:
            return _ask_here(self.local, fn, parts, rest, deadline, enough)
        out: list = [None] * self.size
        waiting = list(range(self.size))[::-1]
        busy, stop = 0, False
        pipes = self.pipes if self.widen is None or self.widen.is_set() else self.pipes[:1]
        for pipe in pipes[: len(waiting)]:
            i = waiting.pop()
            pipe.send((i, fn, parts[i], rest))
            busy += 1
        while busy:
            ready = wait(pipes, max(deadline - time.perf_counter(), 0.0) + _GRACE_S)
            if not ready:
                return None
            for pipe in ready:
                try:
                    i, out[i] = pipe.recv()
                except EOFError:
                    raise DiscoveryError("a worker holding blocks ended unexpectedly") from None
                busy -= 1
                stop = stop or (enough is not None and enough(i, out[i]))
                late = time.perf_counter() > deadline
                if waiting and not (stop or late) and out[i] is not None:
                    i = waiting.pop()
                    pipe.send((i, fn, parts[i], rest))
                    busy += 1
        return ENOUGH if stop else None if any(a is None for a in out) else tuple(out)

    def _receive(self, pipe, deadline: float):
        """The worker's answer, or None when it does not come by ``deadline`` and a grace."""
        seconds = max(deadline - time.perf_counter(), 0.0) + _GRACE_S
        try:
            return pipe.recv() if pipe.poll(seconds) else None
        except EOFError:
            return None

    def __enter__(self) -> BlockPool:
        return self

    def __exit__(self, *exc) -> None:
        for b in self.local:
            b.close()
        for pipe in self.pipes:
            try:
                pipe.send(None)
            except (BrokenPipeError, OSError):
                pass
        for child in self.processes:
            child.join(timeout=1.0)
            if child.is_alive():
                child.terminate()
                child.join()
        for pipe in self.pipes:
            pipe.close()


def _ask_here(blocks: list, fn: Callable, parts: Sequence, rest: tuple, deadline: float,
              enough=None):  # fmt: skip
    """`BlockPool.ask` for the blocks here, one after another; the deadline is checked
    between blocks."""
    out = []
    for i, (block, part) in enumerate(zip(blocks, parts)):
        if time.perf_counter() > deadline:
            return None
        out.append(fn(block, part, *rest))
        if out[-1] is None:
            return None
        if enough is not None and enough(i, out[-1]):
            return ENOUGH
    return tuple(out)
