import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.rules import HENSEL_CLASSES, IsotropicRule, Rule, RuleError
from lifecore.rules.families import window_classes


@pytest.mark.parametrize(
    "family, neighbourhood, count",
    [
        ("outer-totalistic", "moore", 18),
        ("outer-totalistic", "vonneumann", 10),
        ("outer-totalistic", "hex", 14),
        ("isotropic", "moore", 102),
        ("map", "moore", 512),
    ],
)
def test_class_counts_and_partition(family, neighbourhood, count):
    classes = window_classes(family, neighbourhood)
    assert classes.count == count == len(set(classes.names))
    assert sorted(set(classes.of_window.tolist())) == list(range(count))  # no empty class
    assert not classes.of_window.flags.writeable


def test_names_by_hand():
    ot = window_classes("outer-totalistic")
    life_window = 0b000_111_000  # centre alive, W and E alive: S2
    assert ot.names[ot.of_window[life_window]] == "S2"
    iso = window_classes("isotropic")
    assert iso.names[iso.of_window[0b110_000_000]] == "B2a"  # NW + N: adjacent
    assert window_classes("map").names[300] == "W300"


def test_membership_follows_the_family_nesting():
    life, tlife = Rule.parse("B3/S23"), Rule.parse("tlife")
    ot, iso, mp = (window_classes(f) for f in ("outer-totalistic", "isotropic", "map"))
    assert ot.contains(life) and iso.contains(life) and mp.contains(life)
    assert not ot.contains(tlife) and iso.contains(tlife)
    assert not window_classes("outer-totalistic", "vonneumann").contains(life)
    with pytest.raises(RuleError, match="not outer-totalistic"):
        ot.values(tlife)
    np.testing.assert_array_equal(ot.values(life).reshape(2, 9), life.table)


@given(
    st.frozensets(st.sampled_from(HENSEL_CLASSES)), st.frozensets(st.sampled_from(HENSEL_CLASSES))
)
def test_values_and_rule_are_inverse(birth, survival):
    rule = IsotropicRule(birth, survival)
    iso = window_classes("isotropic")
    back = iso.rule(iso.values(rule))
    assert np.array_equal(back.window_table, rule.window_table)


@pytest.mark.parametrize(
    "args, words",
    [
        (("moore",), "unknown rule family"),
        (("isotropic", "hex"), "Moore"),
        (("map", "x"), "unknown"),
    ],
)
def test_bad_arguments(args, words):
    with pytest.raises(RuleError, match=words):
        window_classes(*args)
    with pytest.raises(RuleError):
        window_classes("isotropic").rule(np.full(102, 2))
    with pytest.raises(RuleError):
        window_classes("isotropic").rule(np.zeros(18))
