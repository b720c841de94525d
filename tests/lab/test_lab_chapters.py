"""The chapters as a JupyterLab reader meets them, in headless Chromium: every cell of
chapters 1, 6 and 7 runs without an error (Run All), the trajectory viewer steps and plays
(and its generation reaches the kernel), and chapter 6's rule picker changes what the cells
below it show. Each widget check is also run on the widget broken on purpose (a copy of it
with no event listener: drawn, but no longer responding) and must then report it."""

from __future__ import annotations

import pytest

from . import checks
from .conftest import CHAPTERS

#: Chapter 6's cells that read the picker and show the discovery: run again after picking.
PICKER_CELLS = [5, 7]


def _assert_none(problems: list[str], what: str) -> None:
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_cell_runs_without_an_error(opened, name):
    _, report = opened(name)
    assert report.cells > 0
    _assert_none(report.problems(name), "cells that failed or did not run")


def test_a_cell_error_is_reported(page):
    """Negative control of the check above: a notebook whose second cell raises."""
    panel = page.open("chapters/broken.ipynb")
    report = page.run_all(panel, timeout=120)
    problems = report.problems("broken")
    assert any("ZeroDivisionError" in p for p in problems), problems
    assert any("2 of 3 code cells ran" in p or "1 of 3" in p for p in problems), problems


def test_the_viewer_steps_and_plays_and_a_stuck_one_is_caught(opened, page):
    panel, report = opened("01_rules_and_simulator")
    _assert_none(report.problems("chapter 1"), "cells that failed")
    _assert_none(checks.viewer_problems(page, panel), "viewer problems")
    checks.stop_responding(page, panel, ".lifecore-viewer")
    stuck = checks.viewer_problems(page, panel)
    assert any("next generation" in p for p in stuck), stuck
    assert any("play" in p for p in stuck), stuck


def test_the_rule_picker_changes_what_is_shown_and_a_stuck_one_is_caught(opened, page):
    panel, report = opened("06_rule_discovery")
    _assert_none(report.problems("chapter 6"), "cells that failed")
    assert page.kernel_value(panel, "RULE") == "'B36/S23'", "chapter 6 starts from HighLife"
    _assert_none(checks.picker_problems(page, panel, "B3/S23", PICKER_CELLS), "picker problems")
    assert page.kernel_value(panel, "RULE") == "'B3/S23'"
    checks.stop_responding(page, panel, checks.COMBOBOX)
    stuck = checks.picker_problems(page, panel, "B36/S23", PICKER_CELLS)
    assert any("kernel's picker reads" in p for p in stuck), stuck
    assert any("show what they showed before" in p for p in stuck), stuck
