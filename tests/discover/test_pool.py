"""Work beside the caller (`_child.Pending`) and blocks held by forked workers
(`_pool.BlockPool`): answers come back in the blocks' order from other processes, a
deadline or a missing answer ends the question, and no worker outlives its parent."""

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from lifecore.discover._child import TIMEOUT, Pending
from lifecore.discover._pool import ENOUGH, BlockPool, cores


class _Block:
    """A stand-in for a SAT block: it knows its number and whether it was closed."""

    def __init__(self, x):
        self.x = x

    def close(self):
        pass


def _times(block, part, pause=0.0):
    time.sleep(pause)
    return block.x * part


def _where(block, part, pause):
    time.sleep(pause)
    return os.getpid()


def _none_for_two(block, part):
    return None if block.x == 2 else block.x


def _ended(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "\tZ" in status.read_text().split("State:")[1].splitlines()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True


def _far() -> float:
    return time.perf_counter() + 600


def _sleep_then(seconds, value):
    time.sleep(seconds)
    return value


def test_pending_work_runs_while_this_process_goes_on():
    t0 = time.perf_counter()
    pending = Pending(_sleep_then, (1.0, "done"))
    assert time.perf_counter() - t0 < 0.5  # not waited for
    assert pending.result(10) == "done"


def test_cancelled_pending_work_is_ended():
    pending = Pending(_sleep_then, (30.0, "never"))
    pid = pending._child.pid
    pending.cancel()
    assert _ended(pid)
    assert Pending(_sleep_then, (30.0, 1)).result(0.2) == TIMEOUT


@pytest.mark.parametrize("workers", [1, 2])
def test_answers_come_back_in_the_blocks_order(workers):
    with BlockPool(_Block, list(range(7)), workers, time.perf_counter() + 60) as pool:
        assert pool.workers == workers and pool.size == 7
        answers = pool.ask(_times, [10, 20, 30, 40, 50, 60, 70], 0.01, deadline=_far())
    assert answers == (0, 20, 60, 120, 200, 300, 420)


def test_two_workers_share_the_blocks_once_widened():
    widen = multiprocessing.get_context("fork").Event()
    with BlockPool(_Block, list(range(6)), 2, time.perf_counter() + 60, widen) as pool:
        narrow = set(pool.ask(_where, [0] * 6, 0.05, deadline=_far()))
        widen.set()
        wide = set(pool.ask(_where, [0] * 6, 0.05, deadline=_far()))
    assert len(narrow) == 1 and os.getpid() not in narrow  # one worker, not this process
    assert len(wide) == 2 and narrow < wide


@pytest.mark.parametrize("workers", [1, 2])
def test_a_missing_answer_or_the_deadline_ends_the_question(workers):
    with BlockPool(_Block, list(range(4)), workers, time.perf_counter() + 60) as pool:
        assert pool.ask(_none_for_two, [0] * 4, deadline=_far()) is None
        assert pool.ask(_times, [1] * 4, deadline=time.perf_counter() - 1) is None
        assert pool.ask(_times, [1] * 4, deadline=_far()) == (0, 1, 2, 3)  # still answering


@pytest.mark.parametrize("workers", [1, 2])
def test_a_question_stops_once_its_caller_has_enough(workers):
    # told each answer until it has enough, the caller stops at the first of 30 or more: no
    # block after it is asked (one worker: blocks 4 to 7 unasked), and the answer says so
    seen = []

    def enough(i, answer):
        seen.append(i)
        return answer >= 30

    with BlockPool(_Block, list(range(8)), workers, time.perf_counter() + 60) as pool:
        assert pool.ask(_times, [10] * 8, deadline=_far(), enough=enough) == ENOUGH
        assert len(seen) < 8 and max(seen) >= 3  # stopped at some answer of 30 or more
        assert pool.ask(_times, [10] * 8, deadline=_far(), enough=lambda i, a: False) == tuple(
            range(0, 80, 10)
        )
    if workers == 1:
        assert seen == [0, 1, 2, 3]


def _hold_workers(pids):
    with BlockPool(_Block, list(range(4)), 2, time.perf_counter() + 60) as pool:
        for p in pool.processes:
            pids.put(p.pid)
        time.sleep(60)


def test_workers_end_when_their_parent_is_killed():
    # `TreeBeside` kills the process that holds the pool; its workers must not linger
    pids = multiprocessing.get_context("fork").Queue()
    pending = Pending(_hold_workers, (pids,))
    workers = [pids.get(timeout=30), pids.get(timeout=30)]
    pending.cancel()
    t0 = time.perf_counter()
    while not all(_ended(p) for p in workers) and time.perf_counter() - t0 < 10:
        time.sleep(0.1)
    assert all(_ended(p) for p in workers)


def _pool_workers_in(results):
    results.put((cores(), BlockPool(_Block, [0, 1], 2, time.perf_counter() + 60).workers))


def test_a_daemonic_process_keeps_its_blocks_itself():
    # a daemonic process (a worker of a user's multiprocessing.Pool) may not fork: one worker
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_pool_workers_in, args=(results,), daemon=True)
    child.start()
    assert results.get(timeout=30) == (1, 1)
    child.join()
