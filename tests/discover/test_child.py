"""The hard time limit of the SAT route (`_child.call_with_limit`, `sat.search_sat`): a callee
that ignores its deadline is ended, and an error in the child is raised in the parent."""

import time

import numpy as np
import pytest

from lifecore.discover import sat
from lifecore.discover._child import TIMEOUT, call_with_limit
from lifecore.discover.observed import make_samples
from lifecore.discover.result import DiscoveryError


def _sleep_then(seconds, value):
    time.sleep(seconds)
    return value


def _fail():
    raise KeyError("the table")


def test_a_value_comes_back_from_the_child():
    assert call_with_limit(_sleep_then, (0.0, {"x": 3}), 10) == {"x": 3}


def test_a_callee_past_its_limit_is_ended():
    t0 = time.perf_counter()
    assert call_with_limit(_sleep_then, (30.0, 1), 0.5) == TIMEOUT
    assert time.perf_counter() - t0 < 10


def test_an_error_in_the_child_is_raised_here_naming_it():
    with pytest.raises(DiscoveryError, match="KeyError"):
        call_with_limit(_fail, (), 10)


def test_search_sat_keeps_its_budget_when_the_solver_does_not(monkeypatch):
    # glucose once ran 440 s past a 45 s deadline (isotropic, stride 3, 1% noise)
    monkeypatch.setattr(sat, "_search_sat", lambda *args: _sleep_then(60.0, None))
    monkeypatch.setattr(sat, "_GRACE_S", 0.5)
    # the relaxed fit runs in this process, between the two SAT stages; on these blank frames
    # two of its restarts can agree and answer (time allowing), which is not what is tested
    monkeypatch.setattr(sat, "_relaxed_search", lambda *args: None)
    frames = np.zeros((1, 3, 8, 8), np.uint8)
    t0 = time.perf_counter()
    # stride 2: the clean proof's child, then the annealing stage's child, each ended
    found = sat.search_sat(frames, make_samples(frames, 2), "isotropic", budget_s=4.0)
    assert time.perf_counter() - t0 < 15
    assert found.rule is None and "ended" in found.details["why"]
