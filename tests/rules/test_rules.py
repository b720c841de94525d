import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore import NAMED_RULES, Rule, RuleError
from lifecore.rules import (
    HENSEL_CLASSES,
    IsotropicRule,
    MapRule,
    Topology,
    as_rule,
    from_window_table,
    isotropic_class,
    window_index,
)
from lifecore.rules.windows import ALL_WINDOWS, SYMMETRIES


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
        ("B3x/S23", "neither a Hensel letter"),
        ("B3a/S23V", "Moore"),
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


LIFE_MAP = (
    "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA"
)


def _life_by_counting(window):
    alive = int(window[1, 1])
    n = int(window.sum()) - alive
    return int(n == 3 or (alive and n == 2))


def test_outer_totalistic_window_table_by_counting():
    life = Rule.parse("B3/S23")
    table = life.window_table
    assert table.shape == (512,) and table.dtype == np.uint8 and not table.flags.writeable
    assert life.family == "outer-totalistic"
    assert table.tolist() == [_life_by_counting(w) for w in ALL_WINDOWS]
    # von Neumann: corners are ignored; hex: NE and SW are ignored
    vn = Rule.parse("B1/SV").window_table
    assert vn[window_index(np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]]))] == 1
    assert vn[window_index(np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]]))] == 0
    assert vn[window_index(np.array([[1, 1, 1], [0, 0, 0], [1, 0, 1]]))] == 1
    hx = Rule.parse("B1/SH").window_table
    assert hx[window_index(np.array([[0, 0, 1], [0, 0, 0], [1, 0, 0]]))] == 0
    assert hx[window_index(np.array([[1, 0, 1], [0, 0, 0], [1, 0, 0]]))] == 1


def test_map_form_of_life_is_life():
    rule = Rule.parse(LIFE_MAP)
    assert rule == Rule.parse("B3/S23") and type(rule) is Rule
    assert np.array_equal(MapRule(LIFE_MAP[3:]).window_table, Rule.parse("B3/S23").window_table)
    assert str(MapRule.from_window_table(Rule.parse("B3/S23").window_table)) == LIFE_MAP
    assert Rule.parse(LIFE_MAP + "==") == Rule.parse("B3/S23")
    assert Rule.parse("map" + LIFE_MAP[3:]) == Rule.parse("B3/S23")


@pytest.mark.parametrize(
    "text, canonical",
    [
        # Golly's help, "Non-totalistic rules": its examples of canonical forms
        ("B2cekin/S12", "B2-a/S12"),
        ("B4-qjrtwz/S", "B4aceikny/S"),
        ("B2nic/S", "B2cin/S"),
        ("B2aceikn3/S", "B23/S"),
        ("B2-3/S", "B23/S"),
        ("B2-aceikn3/S", "B3/S"),
        ("B2_S12", "B2/S12"),
        # LifeWiki's named isotropic rules keep their strings
        ("B2-a/S12", "B2-a/S12"),
        ("B3/S2-i34q", "B3/S2-i34q"),
        ("B2ci3ai4c8/S02ae3eijkq4iz5ar6i7e", "B2ci3ai4c8/S02ae3eijkq4iz5ar6i7e"),
        ("B3-cnqy/S23-k", "B3-cnqy/S23-k"),
        ("Just Friends", "B2-a/S12"),
        ("tlife", "B3/S2-i34q"),
        ("snowflakes", "B2ci3ai4c8/S02ae3eijkq4iz5ar6i7e"),
        ("b2-A/s12", "B2-a/S12"),
        ("S12/B2-a", "B2-a/S12"),
        ("12/2-a", "B2-a/S12"),
        # shortest form; the plain one on a tie (7 of 13 letters)
        ("B3aceikn/S", "B3-jqry/S"),
        ("B4acceijk/S", "B4aceijk/S"),
        ("B4aceijkn/S", "B4aceijkn/S"),
        ("B4-qrtwyz/S", "B4aceijkn/S"),
        ("B4aceijkny/S", "B4-qrtwz/S"),
    ],
)
def test_hensel_canonical_strings(text, canonical):
    rule = Rule.parse(text)
    assert str(rule) == canonical
    assert Rule.parse(str(rule)) == rule


def test_tlife_differs_from_life_on_s2i_and_s4q_only():
    # LifeWiki: tlife is Life except survival on 2i is removed and survival on 4q added
    tlife, life = Rule.parse("tlife"), Rule.parse("Life")
    assert isinstance(tlife, IsotropicRule) and tlife.family == "isotropic"
    assert tlife.neighbourhood == "moore" and tlife.size == 8
    differ = np.flatnonzero(tlife.window_table != life.window_table)
    assert {isotropic_class(int(i)) for i in differ} == {"2i", "4q"}
    assert all(i & 16 for i in differ)  # survival only
    assert "2i" not in tlife.survival and "4q" in tlife.survival
    assert tlife.birth == frozenset(f"3{c}" for c in "ceaiknjqry")


def test_just_friends_by_hand():
    jf = Rule.parse("Just Friends")
    born = jf.window_table
    adjacent = window_index(np.array([[1, 1, 0], [0, 0, 0], [0, 0, 0]]))
    apart = window_index(np.array([[1, 0, 1], [0, 0, 0], [0, 0, 0]]))
    assert born[adjacent] == 0 and born[apart] == 1
    assert born[adjacent | 16] == 1  # survival on 2 in any arrangement


def test_isotropic_table_and_classes():
    jf = Rule.parse("B2-a/S12")
    assert jf.table.shape == (2, 51) and len(jf.classes) == 102
    assert jf.class_name(0, "2a") == "B2a"
    assert IsotropicRule.from_table(jf.table) == jf
    assert IsotropicRule({"2c", "2e", "2i", "2k", "2n"}, {"1", "2"}) == jf


isotropic_rules = st.tuples(
    st.frozensets(st.sampled_from(HENSEL_CLASSES)), st.frozensets(st.sampled_from(HENSEL_CLASSES))
).map(lambda bs: IsotropicRule(*bs))


@given(isotropic_rules)
def test_isotropic_tables_are_invariant_under_the_square(rule):
    table = rule.window_table
    for perm in SYMMETRIES:
        assert np.array_equal(table[perm], table)


@given(isotropic_rules)
def test_isotropic_round_trip(rule):
    back = Rule.parse(str(rule))
    assert np.array_equal(back.window_table, rule.window_table)
    assert back == from_window_table(rule.window_table)
    if back.family == "isotropic":
        assert back == rule and str(back) == str(rule)


@given(st.lists(st.integers(0, 1), min_size=512, max_size=512))
def test_map_round_trip(bits):
    table = np.array(bits, np.uint8)
    rule = from_window_table(table)
    assert np.array_equal(rule.window_table, table)
    assert Rule.parse(str(rule)) == rule
    if rule.family == "map":
        assert str(rule).startswith("MAP") and len(str(rule)) == 89


@given(
    st.sampled_from(["moore", "vonneumann", "hex"]).flatmap(
        lambda nb: st.tuples(
            st.just(nb),
            st.frozensets(st.integers(0, {"moore": 8, "vonneumann": 4, "hex": 6}[nb])),
            st.frozensets(st.integers(0, {"moore": 8, "vonneumann": 4, "hex": 6}[nb])),
        )
    )
)
def test_smallest_family_of_outer_totalistic_tables(args):
    nb, birth, survival = args
    rule = Rule(birth, survival, nb)
    found = from_window_table(rule.window_table)
    assert found.family == "outer-totalistic"
    assert np.array_equal(found.window_table, rule.window_table)
    if nb == "moore":
        assert found == rule


def test_smallest_family_order():
    rng = np.random.default_rng(1)
    assert from_window_table(rng.integers(0, 2, 512)).family == "map"
    assert type(Rule.parse("B2-a/S12")) is IsotropicRule
    assert type(Rule.parse("B2aceikn/S")) is Rule  # all of 2 is plain B2
    assert Rule.parse("B3/S23V").neighbourhood == "vonneumann"


def test_every_rule_has_the_shared_interface():
    for text in ("B3/S23", "B3/S23V", "B2/S34H", "B2-a/S12", "MAP" + "ARYX" + "A" * 82):
        rule = as_rule(text)
        assert rule.window_table.shape == (512,) and not rule.window_table.flags.writeable
        assert rule.family in ("outer-totalistic", "isotropic", "map")
        assert rule.topology is None and rule.neighbourhood in ("moore", "vonneumann", "hex")
        assert as_rule(rule) is rule
        assert eval(repr(rule).split("(")[0]) is type(rule)


@pytest.mark.parametrize(
    "text, canonical, topology",
    [
        ("B3/S23:T64,64", "B3/S23:T64,64", Topology("T", 64, 64)),
        ("B3/S23:P10,20", "B3/S23:P10,20", Topology("P", 10, 20)),
        ("b3/s23:t8", "B3/S23:T8,8", Topology("T", 8, 8)),
        ("B2-a/S12:T5,7", "B2-a/S12:T5,7", Topology("T", 5, 7)),
        ("Life:P3,4", "B3/S23:P3,4", Topology("P", 3, 4)),
        ("B3/S23:", "B3/S23", None),
    ],
)
def test_bounded_grid_suffix(text, canonical, topology):
    rule = Rule.parse(text)
    assert str(rule) == canonical and rule.topology == topology
    assert Rule.parse(str(rule)) == rule
    if topology is not None:
        assert rule != rule.with_topology(None)
        assert rule.topology.shape == (topology.height, topology.width)


def test_map_rule_keeps_its_suffix():
    table = np.random.default_rng(2).integers(0, 2, 512)
    rule = from_window_table(table, ":T9,9")
    assert str(rule).endswith(":T9,9") and Rule.parse(str(rule)) == rule


@pytest.mark.parametrize(
    "suffix, words",
    [(":K10,10", "Klein"), (":S10", "sphere"), (":C4,4", "cross"), (":T0,10", "1 to")]
    + [(":T10+1,10", "cannot read"), (":X3", "cannot read"), (":T10,10,10", "cannot read")],
)
def test_unsupported_grids_are_named(suffix, words):
    with pytest.raises(RuleError, match=words):
        Rule.parse("B3/S23" + suffix)
