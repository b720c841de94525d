from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.rules import RuleError
from lifecore.rules.hensel import (
    CLASS_OF_WINDOW,
    HENSEL_CLASSES,
    ISOTROPIC_CLASSES,
    format_hensel_part,
    isotropic_class,
    isotropic_class_name,
    parse_hensel_part,
)
from lifecore.rules.windows import SYMMETRIES, window_index


def test_classes_per_count_as_lifewiki():
    per_count = Counter(int(name[0]) for name in HENSEL_CLASSES)
    assert [per_count[n] for n in range(9)] == [1, 2, 6, 10, 13, 10, 6, 2, 1]
    assert len(HENSEL_CLASSES) == 51 and len(ISOTROPIC_CLASSES) == 102
    assert HENSEL_CLASSES[:6] == ("0", "1c", "1e", "2c", "2e", "2a")


def test_classes_are_exactly_the_orbits_of_the_square():
    # independent count of orbits: the smallest image of each neighbour configuration
    neighbours = [i for i in range(512) if not i & 16]
    orbits = {int(SYMMETRIES[:, i].min()) for i in neighbours}
    assert len(orbits) == 51
    for i in range(512):  # invariant under every symmetry, and blind to the centre
        assert set(CLASS_OF_WINDOW[SYMMETRIES[:, i]]) == {CLASS_OF_WINDOW[i]}
        assert CLASS_OF_WINDOW[i] == CLASS_OF_WINDOW[i ^ 16]
    assert len(set(CLASS_OF_WINDOW.tolist())) == 51


def test_complement_swaps_n_and_8_minus_n_with_the_same_letter():
    # LifeWiki: for n != 4, (8 - n)x is the complement of nx
    for i in range(512):
        name, other = isotropic_class(i), isotropic_class(i ^ 0x1EF)
        assert int(name[0]) + int(other[0]) == 8
        if name[0] != "4":
            assert name[1:] == other[1:]
    four_corners = int(window_index(np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1]])))
    assert isotropic_class(four_corners ^ 0x1EF) == "4e"


def _w(rows):
    return int(window_index(np.array([[int(c) for c in r] for r in rows])))


@pytest.mark.parametrize(
    "rows, name",
    [
        (("000", "000", "000"), "0"),
        (("100", "000", "000"), "1c"),  # one corner
        (("010", "000", "000"), "1e"),  # one edge
        (("110", "000", "000"), "2a"),  # adjacent corner and edge
        (("101", "000", "000"), "2c"),  # two corners of one side
        (("010", "100", "000"), "2e"),  # two edges around a corner
        (("010", "000", "010"), "2i"),  # opposite edges
        (("100", "001", "000"), "2k"),  # corner and edge a knight's move apart
        (("100", "000", "001"), "2n"),  # opposite corners
        (("101", "000", "100"), "3c"),  # three corners
        (("010", "101", "000"), "3e"),  # three edges
        (("111", "000", "000"), "3i"),  # a full side
        (("101", "000", "101"), "4c"),  # four corners
        (("010", "101", "010"), "4e"),  # four edges
        (("111", "101", "111"), "8"),
        (("111", "111", "111"), "8"),  # the centre does not count
    ],
)
def test_hand_worked_windows(rows, name):
    assert isotropic_class(_w(rows)) == name
    for s in range(8):  # every rotation and mirror image too
        assert isotropic_class(int(SYMMETRIES[s, _w(rows)])) == name


@pytest.mark.parametrize(
    "text, classes",
    [
        ("2-a", {"2c", "2e", "2i", "2k", "2n"}),
        ("2", {"2c", "2e", "2a", "2i", "2k", "2n"}),
        ("2-", {"2c", "2e", "2a", "2i", "2k", "2n"}),
        ("08", {"0", "8"}),
        ("1c1e", {"1c", "1e"}),
        ("", set()),
    ],
)
def test_parse_part(text, classes):
    assert parse_hensel_part(text) == frozenset(classes)


@pytest.mark.parametrize(
    "text, words",
    [("2z", "'z' impossible after birth count 2"), ("1a", "impossible"), ("0c", "no letters")]
    + [("a", "must follow a count digit"), ("2-a2c", "twice"), ("9", "count 9"), ("2x", "x")],
)
def test_bad_parts_name_the_problem(text, words):
    with pytest.raises(RuleError, match=words):
        parse_hensel_part(text)


@given(st.frozensets(st.sampled_from(HENSEL_CLASSES)))
def test_part_round_trip(classes):
    assert parse_hensel_part(format_hensel_part(classes)) == classes


def test_class_names():
    assert isotropic_class_name(0, "2a") == "B2a" and isotropic_class_name(1, "2a") == "S2a"
    with pytest.raises(RuleError):
        isotropic_class(512)
