"""How many cores are free now: the thread count for the compiled parallel kernels.

A numba kernel split over threads waits at the end of each parallel region for its slowest
thread. When another task shares a core, that thread is descheduled and the whole region
waits for it, and OpenMP's waiting threads spin on the CPU the late one needs: measured on
2 cores with one other process running, a 2-thread `certify` took 2.2 s against 0.35 s on
one thread, and a 2-thread simulation was 10 to 100 times slower than idle. So the kernels
(`lifecore.simulate`, `lifecore.certify`) take only the cores no other task is running on.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["others_running", "own_running", "free_threads"]


def others_running() -> float:
    """Tasks of other processes running now: Linux's count of runnable tasks
    (``/proc/loadavg``) less this process's own running threads (`own_running`: the
    reading thread, and OpenMP threads still spinning after the last parallel region,
    which would otherwise read as another task), else the 1-minute load average (which
    lags, and counts this process too), else 0."""
    try:
        running = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
        return max(0, running - own_running())
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def own_running() -> int:
    """This process's threads in state R (running or runnable), at least 1 (the caller)."""
    count = 0
    for task in Path("/proc/self/task").iterdir():
        try:
            state = task.joinpath("stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue  # a thread that ended while being read
        count += state == "R"
    return max(1, count)


def free_threads(limit: int, readings: int = 1, gap_s: float = 0.001) -> int:
    """Threads to use now: at most ``limit`` (numba's thread count), at most the cores no
    other task is running on (`others_running`, the least of ``readings`` taken ``gap_s``
    apart: one reading can catch a system task that runs for a millisecond, and a long job
    can afford a few), at least 1."""
    others = others_running()
    for _ in range(readings - 1):
        time.sleep(gap_s)
        others = min(others, others_running())
    free = int((os.cpu_count() or 1) - others)
    return max(1, min(limit, free))
