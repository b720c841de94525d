"""`lifecore.cores`: threads only on the cores no other task is running on."""

import os

import pytest

from lifecore import cores


@pytest.mark.parametrize("others, limit", [(0, 8), (0, 1), (1, 8), (100, 8)])
def test_free_threads_is_the_free_cores_within_the_limit(others, limit, monkeypatch):
    monkeypatch.setattr(cores, "others_running", lambda: others)
    total = os.cpu_count() or 1
    assert cores.free_threads(limit) == max(1, min(limit, total - others))


def test_others_running_reads_a_count_that_excludes_this_reader():
    assert 0 <= cores.others_running() < 10**6
