import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.rules import from_window_table
from lifecore.rules.families import window_classes
from lifecore.rules.symmetry import (
    SymmetryError,
    explicit_lower_bound,
    group_permutations,
    is_invariant,
    lower_bound,
    window_orbits,
)
from lifecore.rules.windows import window_index

NW_N = window_index(np.array([[1, 1, 0], [0, 0, 0], [0, 0, 0]]))  # 384
N_NE = window_index(np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]]))  # its mirror image, 192


def _rule_one_on(windows) -> object:
    table = np.zeros(512, np.uint8)
    table[list(windows)] = 1
    return from_window_table(table)


def _chiral_rule():
    """1 exactly on the four quarter turns of 'NW and N alive' (not on their mirrors)."""
    orbits = window_orbits("p4")
    return _rule_one_on(np.flatnonzero(orbits == orbits[NW_N]))


tables = st.lists(st.integers(0, 1), min_size=512, max_size=512).map(
    lambda bits: np.array(bits, np.uint8)
)


def test_groups_are_closed_and_sized():
    for name, order in (("p4", 4), ("d4", 8)):
        perms = group_permutations(name)
        assert perms.shape == (order, 512)
        rows = {tuple(p) for p in perms}
        assert all(tuple(p[q]) in rows for p in perms for q in perms)
    with pytest.raises(SymmetryError):
        group_permutations("c3")


def test_hand_checked_orbits():
    # 'NW and N' has 4 quarter turns; with mirrors its orbit gains 'N and NE' and 3 turns.
    p4, d4 = window_orbits("p4"), window_orbits("d4")
    assert (p4 == p4[NW_N]).sum() == 4 and p4[NW_N] != p4[N_NE]
    assert (d4 == d4[NW_N]).sum() == 8 and d4[NW_N] == d4[N_NE]
    assert len(np.unique(d4)) == 102  # the isotropic classes: 51 neighbour classes x 2 states


@pytest.mark.parametrize("rule", ["B3/S23", "B36/S23", "B2-a/S12", "B3/S2-i34q", "B2/S"])
@pytest.mark.parametrize("window", [3, 5])
def test_d4_invariant_rules_have_no_bound(rule, window):
    bound = lower_bound(rule, "d4", window)
    assert bound.invariant and bound.wrong_windows == 0 and bound.mixed_orbits == 0
    assert is_invariant(rule, "d4") and is_invariant(rule, "p4")


def test_hand_checked_single_window():
    # A rule that is 1 on one asymmetric window only: every orbit of it holds that window
    # once among |G| images, so the best invariant answer (0 everywhere) misses it alone.
    rule = _rule_one_on([NW_N | 16])  # centre alive too
    assert lower_bound(rule, "d4").wrong_windows == 1
    assert lower_bound(rule, "p4").wrong_windows == 1
    assert lower_bound(rule, "d4", 5).wrong_windows == 2**16  # any ring around it
    assert not is_invariant(rule, "p4")


def test_chiral_rule_is_p4_but_not_d4():
    rule = _chiral_rule()
    assert rule.family == "map"
    assert is_invariant(rule, "p4") and not is_invariant(rule, "d4")
    assert lower_bound(rule, "p4").wrong_windows == 0
    # the d4 orbit holds 4 windows expecting 1 and their 4 mirrors expecting 0
    assert lower_bound(rule, "d4").wrong_windows == 4
    assert lower_bound(rule, "d4", 5).wrong_windows == 4 * 2**16
    assert explicit_lower_bound(rule, "p4", 5) == 0


def test_map_rule_without_symmetry_has_positive_bound():
    rng = np.random.default_rng(0)
    rule = from_window_table(rng.integers(0, 2, 512, dtype=np.uint8))
    assert rule.family == "map"
    d4 = lower_bound(rule, "d4", 5)
    assert d4.wrong_windows > 0 and not d4.invariant
    assert d4.wrong_windows == explicit_lower_bound(rule, "d4", 5)
    assert 0 < d4.fraction < 0.5
    assert d4.to_dict()["wrong_windows"] == d4.wrong_windows


@given(tables, st.sampled_from(["p4", "d4"]))
def test_closed_form_matches_enumeration(table, group):
    rule = from_window_table(table)
    bound = lower_bound(rule, group)
    assert bound.wrong_windows == explicit_lower_bound(rule, group, 3)
    assert (bound.wrong_windows == 0) == is_invariant(rule, group) == bound.invariant
    # each k x k window extends its centre by a free ring, in every orbit alike
    assert lower_bound(rule, group, 5).wrong_windows == bound.wrong_windows * 2**16


@given(tables)
def test_more_symmetry_more_errors(table):
    rule = from_window_table(table)
    p4, d4 = lower_bound(rule, "p4"), lower_bound(rule, "d4")
    assert p4.wrong_windows <= d4.wrong_windows <= 512 // 2


@given(st.lists(st.integers(0, 1), min_size=102, max_size=102))
def test_isotropic_rules_are_d4_invariant(values):
    rule = window_classes("isotropic").rule(np.array(values, np.uint8))
    assert lower_bound(rule, "d4").wrong_windows == 0


@pytest.mark.parametrize("window", [2, 4, 1, "3", True])
def test_bad_windows(window):
    with pytest.raises(SymmetryError):
        lower_bound("B3/S23", "d4", window)
    with pytest.raises(SymmetryError):
        explicit_lower_bound("B3/S23", "p4", 7)
