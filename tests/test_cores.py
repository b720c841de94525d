"""`lifecore.cores`: threads only on the cores no other task is running on."""

import os

import pytest

from lifecore import cores


@pytest.mark.parametrize("others, limit", [(0, 8), (0, 1), (1, 8), (100, 8)])
def test_free_threads_is_the_free_cores_within_the_limit(others, limit, monkeypatch):
    monkeypatch.setattr(cores, "others_running", lambda: others)
    total = os.cpu_count() or 1
    assert cores.free_threads(limit) == max(1, min(limit, total - others))


def test_own_running_counts_this_process_s_busy_threads():
    """A thread spinning in this process is counted as ours, so `others_running` never
    mistakes it (or an OpenMP thread still spinning after a parallel region) for another
    task."""
    import threading

    import numpy as np

    stop = threading.Event()
    a = np.random.default_rng(0).random((300, 300))

    def spin():  # NumPy's sort releases the GIL: the thread is running, not waiting
        while not stop.is_set():
            np.sort(a, axis=None)

    threads = [threading.Thread(target=spin) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        seen = max(cores.own_running() for _ in range(50))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert 2 <= seen <= threading.active_count() + 8  # + numba's, torch's pools


def test_the_least_of_several_readings_is_taken(monkeypatch):
    """A task seen in one reading only (a system task running for a millisecond) does not
    take a core away from a long job that reads several times."""
    seen = iter([1, 0, 1])
    monkeypatch.setattr(cores, "others_running", lambda: next(seen))
    assert cores.free_threads(os.cpu_count() or 1, readings=3, gap_s=0) == (os.cpu_count() or 1)
