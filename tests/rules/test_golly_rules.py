"""The library against Golly itself: canonical rule strings and one generation.

``tests/data/golly_rules.json`` holds bgolly's answers (recorded by
``tests/data/make_golly_rules.py``) for 80 random isotropic rule strings (half of them
spelled non-canonically), 20 random MAP rules, and 10 each of Golly's shorter hexagonal
(22 characters) and von Neumann (6) MAP forms: Golly's canonical form of each, and one
generation of a random pattern on the unbounded plane.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from lifecore import rle
from lifecore.rules import Rule
from lifecore.rules.windows import WINDOW_WEIGHTS

CASES = json.loads((Path(__file__).parents[1] / "data" / "golly_rules.json").read_text())


def _one_generation(cells: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One step on the unbounded plane, by Golly's window index, trimmed to live cells."""
    board = np.pad(cells, 2)
    padded = np.pad(board, 1)
    h, w = board.shape
    index = sum(
        int(WINDOW_WEIGHTS[dr, dc]) * padded[dr : dr + h, dc : dc + w].astype(np.int64)
        for dr in range(3)
        for dc in range(3)
    )
    after = table[index]
    rows, cols = np.flatnonzero(after.any(1)), np.flatnonzero(after.any(0))
    if rows.size == 0:
        return np.zeros((0, 0), np.uint8)
    return after[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def test_cases_cover_both_families():
    families = [Rule.parse(c["rule"]).family for c in CASES]
    assert families.count("map") >= 20 and families.count("isotropic") >= 60
    assert sum(len(c["rule"]) == 3 + 22 for c in CASES) == 10  # hexagonal MAP
    assert sum(len(c["rule"]) == 3 + 6 for c in CASES) == 10  # von Neumann MAP


@pytest.mark.parametrize("case", CASES, ids=[c["rule"][:30] for c in CASES])
def test_canonical_string_and_generation_as_golly(case):
    rule = Rule.parse(case["rule"])
    if len(case["golly"]) in (3 + 22, 3 + 6):  # Golly keeps the short MAP; we write the
        assert case["golly"] == case["rule"]  # smallest family or the 86-character MAP
    else:
        assert str(rule) == case["golly"]
    before, after = rle.loads(case["before"]).cells, rle.loads(case["after"]).cells
    mine = _one_generation(before, rule.window_table)
    if after.sum() == 0:
        assert mine.size == 0
    else:
        assert np.array_equal(mine, after)
