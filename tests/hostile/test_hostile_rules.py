"""Hostile rule input: every bad rule ends in RuleError with a short message naming it."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore.rules import (
    IsotropicRule,
    MapRule,
    Rule,
    RuleError,
    as_rule,
    from_window_table,
    parse_rule,
)
from lifecore.rules.hensel import HENSEL_CLASSES


@pytest.mark.parametrize("bad", [2, 0.5, -1, math.nan, math.inf])
def test_from_table_refuses_values_other_than_0_and_1(bad):
    table = np.zeros((2, 9))
    table[1, 3] = bad
    with pytest.raises(RuleError, match="0 or 1"):
        Rule.from_table(table)
    window = np.zeros(512)
    window[7] = bad
    with pytest.raises(RuleError, match="0 or 1"):
        from_window_table(window)
    with pytest.raises(RuleError, match="0 or 1"):
        IsotropicRule.from_table(np.full((2, 51), bad))


@pytest.mark.parametrize(
    "table", [np.zeros((2, 8)), np.zeros(511), np.array(["0"] * 512), np.zeros((2, 9), object)]
)
def test_tables_of_the_wrong_shape_or_type(table):
    with pytest.raises(RuleError):
        Rule.from_table(table) if table.ndim == 2 else from_window_table(table)


@pytest.mark.parametrize("counts", [{3.5}, {3.0}, {"3"}, {True}, "23", {None}, 3])
def test_counts_must_be_integers_not_truncated(counts):
    with pytest.raises(RuleError):
        Rule(birth=counts, survival=frozenset())


@pytest.mark.parametrize(
    "text, words",
    [
        ("B３/S２３", "non-ASCII"),
        ("B3/S２３", "non-ASCII"),
        ("B3/S23:T６4,64", "non-ASCII"),
        ("ＭAP" + "A" * 86, "non-ASCII"),
        ("B3/S2" + "3" * 3000, "too long"),
        ("B3/S23:T10**20,5", "cannot read"),
        ("B3/S23:T" + "9" * 4300, "too long"),
        ("B3/S23:T" + "9" * 1000, "cannot read"),
        ("B3/S23:T3000000000,5", "from 1 to"),
        ("B3/S23:T10,10:P5,5", "cannot read"),
        ("MAP" + "A" * 85 + "é", "non-ASCII"),
        ("B2a3a-c/S", "'-' must follow a count digit|unexpected"),
        ("B2-a-c/S", "unexpected"),
        ("B9a/S", "count 9"),
    ],
)
def test_hostile_strings_are_named(text, words):
    with pytest.raises(RuleError, match=words):
        parse_rule(text)


def test_long_rejected_string_is_cut_in_the_message():
    text = "B3/S23" + "x" * 1_000_000
    with pytest.raises(RuleError) as err:
        parse_rule(text)
    assert len(str(err.value)) < 300 and "1000006 characters" in str(err.value)
    with pytest.raises(RuleError) as err:
        parse_rule("B3/S23" + "!" * 1500)
    assert len(str(err.value)) < 300


@pytest.mark.parametrize("bad", [None, 23, b"B3/S23", ["B3/S23"], 3.5])
def test_non_strings(bad):
    with pytest.raises(RuleError):
        as_rule(bad)


def test_spaces_are_ignored_as_in_golly():
    assert parse_rule(" B3 / S23 ") == parse_rule("B3/S23")
    assert parse_rule("B2 -a / S 12") == parse_rule("B2-a/S12")
    assert parse_rule("B3/S23 : T10 , 10") == parse_rule("B3/S23:T10,10")


def test_bad_constructor_arguments():
    with pytest.raises(RuleError):
        IsotropicRule({"2z"}, set())
    with pytest.raises(RuleError):
        IsotropicRule("2a", set())
    with pytest.raises(RuleError):
        MapRule("A" * 10)
    with pytest.raises(RuleError):
        MapRule(12)
    with pytest.raises(RuleError):
        Rule({3}, {2}, topology="K5,5")
    with pytest.raises(RuleError):
        Rule({3}, {2}, topology=5)
    with pytest.raises(RuleError):
        Rule({3}, {2}, neighbourhood=["moore"])


_RULE_ALPHABET = "BSbs/_-:0123456789ceaiknjqrytwzxVHTPMAPKCS,+* \t３é=A"


@settings(max_examples=400, deadline=None)
@given(st.text(_RULE_ALPHABET, max_size=40) | st.text(max_size=40))
def test_fuzzed_strings_raise_only_rule_errors(text):
    try:
        rule = parse_rule(text)
    except RuleError as err:
        assert len(str(err)) < 400
        return
    assert parse_rule(str(rule)) == rule  # whatever is read writes back to itself
    assert rule.window_table.shape == (512,)


@settings(max_examples=200, deadline=None)
@given(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!é ", max_size=92))
def test_fuzzed_maps_raise_only_rule_errors(code):
    try:
        rule = parse_rule("MAP" + code)
    except RuleError:
        return
    assert parse_rule(str(rule)) == rule


@settings(max_examples=200, deadline=None)
@given(
    st.frozensets(st.sampled_from(HENSEL_CLASSES)),
    st.frozensets(st.sampled_from(HENSEL_CLASSES)),
    st.none() | st.tuples(st.sampled_from("TP"), st.integers(1, 10**9), st.integers(1, 10**9)),
)
def test_round_trip_with_grids(birth, survival, grid):
    suffix = "" if grid is None else f":{grid[0]}{grid[1]},{grid[2]}"
    rule = parse_rule(str(IsotropicRule(birth, survival)) + suffix)
    assert parse_rule(str(rule)) == rule
    assert str(rule).endswith(suffix)


@pytest.mark.parametrize("names", [3, None, b"2a", 2.5])
def test_isotropic_names_must_be_a_collection(names):
    with pytest.raises(RuleError):
        IsotropicRule(names, set())


def test_topology_accepts_numpy_integers_only_as_integers():
    from lifecore.rules import Topology

    assert Topology("T", np.int64(4), np.int32(5)) == Topology("T", 4, 5)
    for bad in (4.0, "4", True, -1, 0):
        with pytest.raises(RuleError):
            Topology("T", bad, 4)
    with pytest.raises(RuleError):
        Topology("K", 4, 4)


def test_huge_or_ragged_inputs_end_fast_in_rule_errors():
    with pytest.raises(RuleError, match="count 9 impossible"):
        Rule(birth=range(10**12), survival=())  # stops at the first bad count
    with pytest.raises(RuleError):
        Rule.from_table([[0, 1], [1]])
    with pytest.raises(RuleError):
        from_window_table([[0] * 3] * 2 + [[1]])
