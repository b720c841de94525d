import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore import NAMED_RULES, Rule, RuleError


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("B3/S23", "B3/S23"),
        ("b3/s23", "B3/S23"),
        ("B3S23", "B3/S23"),
        ("S23/B3", "B3/S23"),
        ("23/3", "B3/S23"),  # legacy S/B
        ("/2", "B2/S"),  # legacy Seeds
        ("B2/S", "B2/S"),
        ("B13/S012V", "B13/S012V"),
        ("b13/s012v", "B13/S012V"),
        ("012/13V", "B13/S012V"),
        ("B2/S34H", "B2/S34H"),
        ("B63/S32", "B36/S23"),  # order of digits does not matter
        ("Life", "B3/S23"),
        ("HighLife", "B36/S23"),
        ("day & night", "B3678/S34678"),
        ("Diamoeba", "B35678/S5678"),
        ("seeds", "B2/S"),
        ("LongLife", "B345/S5"),
        ("Replicator", "B1357/S1357"),
        ("Morley", "B368/S245"),
        ("34 Life", "B34/S34"),
        ("Maze", "B3/S12345"),
        ("Life without Death", "B3/S012345678"),
    ],
)
def test_parse_canonical(text, canonical):
    assert str(Rule.parse(text)) == canonical


def test_attributes_and_table_by_hand():
    life = Rule.parse("B3/S23")
    assert life.birth == frozenset({3}) and life.survival == frozenset({2, 3})
    assert life.neighbourhood == "moore" and life.size == 8
    expected = np.zeros((2, 9), np.uint8)
    expected[0, 3] = expected[1, 2] = expected[1, 3] = 1
    assert np.array_equal(life.table, expected)
    assert not life.table.flags.writeable


def test_neighbourhoods_as_golly():
    assert set(Rule.parse("B1/SV").offsets) == {(-1, 0), (1, 0), (0, -1), (0, 1)}
    hex_offsets = set(Rule.parse("B2/S34H").offsets)
    moore = set(Rule.parse("B3/S23").offsets)
    assert moore - hex_offsets == {(-1, 1), (1, -1)}  # up-right and down-left are dropped
    assert Rule.parse("B2/S34H").size == 6


def test_rules_are_immutable_values():
    a, b = Rule.parse("B3/S23"), Rule.parse("23/3")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    with pytest.raises(AttributeError):
        a.birth = frozenset({1})
    assert Rule.parse("B3/S23") != Rule.parse("B3/S23V")


@pytest.mark.parametrize(
    "bad, words",
    [
        ("B3/S23X", "suffix"),
        ("B9/S23", "9"),  # no Moore cell has 9 neighbours
        ("B5/S1V", "5"),  # von Neumann has 4
        ("B7/SH", "7"),  # hex has 6
        ("hello", "cannot read"),
        ("", "empty"),
        ("B3/S2/3", "cannot read"),
        ("B3a/S23", "cannot read"),
    ],
)
def test_malformed_rules_name_the_problem(bad, words):
    with pytest.raises(RuleError, match=words):
        Rule.parse(bad)
    assert issubclass(RuleError, ValueError)


def test_non_string_is_rejected():
    with pytest.raises(ValueError, match="string"):
        Rule.parse(23)


def test_every_named_rule_parses():
    for name, text in NAMED_RULES.items():
        assert Rule.parse(name) == Rule.parse(text)


@given(
    st.sampled_from(["moore", "vonneumann", "hex"]).flatmap(
        lambda nb: st.tuples(
            st.just(nb),
            st.frozensets(st.integers(0, {"moore": 8, "vonneumann": 4, "hex": 6}[nb])),
            st.frozensets(st.integers(0, {"moore": 8, "vonneumann": 4, "hex": 6}[nb])),
        )
    )
)
def test_string_round_trip(args):
    nb, birth, survival = args
    rule = Rule(birth, survival, nb)
    assert Rule.parse(str(rule)) == rule
    assert Rule.parse(str(rule).lower()) == rule
    assert Rule.from_table(rule.table, nb) == rule
