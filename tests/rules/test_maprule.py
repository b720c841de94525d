import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lifecore.rules import RuleError
from lifecore.rules.maprule import decode_map, encode_map

# Conway's Life as a MAP rule, from Golly's help (Algorithms/QuickLife.html).
LIFE_MAP = "ARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA"


def test_golly_life_map_by_hand():
    bits = decode_map(LIFE_MAP)
    assert bits.shape == (512,) and bits.dtype == np.uint8
    # Golly's help lists: cells 0-6 -> 0, 7 -> 1 (B3), 8-10 -> 0, 11 -> 1 (B3), 19 -> 1 (S2)
    assert bits[:12].tolist() == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    assert bits[19] == 1 and bits[511] == 0
    assert bits.sum() == 56 + 28 + 56  # B3 windows + S2 windows + S3 windows


def test_padding_and_canonical_form():
    assert np.array_equal(decode_map(LIFE_MAP + "=="), decode_map(LIFE_MAP))
    assert encode_map(decode_map(LIFE_MAP)) == LIFE_MAP
    # bits beyond the 512th in the last character are ignored, as in Golly
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".index(LIFE_MAP[-1])
    other = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[last | 0b1111]
    assert np.array_equal(decode_map(LIFE_MAP[:-1] + other), decode_map(LIFE_MAP))


@pytest.mark.parametrize(
    "code, words",
    [
        (LIFE_MAP[:-1], "86 base64 characters"),
        (LIFE_MAP + "A", "got 87"),
        ("A" * 21, "22 for a hexagonal"),
        ("A" * 7, "6 for a von Neumann"),
        (LIFE_MAP[:40] + "!" + LIFE_MAP[41:], "position 41"),
        (LIFE_MAP[:40] + "é" + LIFE_MAP[41:], "not base64"),
    ],
)
def test_bad_maps_name_the_problem(code, words):
    with pytest.raises(RuleError, match=words):
        decode_map(code)


@given(arrays(np.uint8, 512, elements=st.integers(0, 1)))
def test_round_trip(table):
    code = encode_map(table)
    assert len(code) == 86
    assert np.array_equal(decode_map(code), table)


@given(
    st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", min_size=22, max_size=22
    )
)
def test_hexagonal_maps_ignore_ne_and_sw(code):
    table = decode_map(code)
    i = np.arange(512)
    assert np.array_equal(table, table[i ^ 64]) and np.array_equal(table, table[i ^ 4])


@given(
    st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", min_size=6, max_size=6
    )
)
def test_von_neumann_maps_ignore_the_corners(code):
    table = decode_map(code + "==")
    i = np.arange(512)
    for corner in (256, 64, 4, 1):
        assert np.array_equal(table, table[i ^ corner])
