"""Hostile RLE input: errors name the line, sizes are checked before allocation, and
everything `dumps` writes `loads` reads back."""

import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lifecore import rle
from lifecore.rle import MAX_CELLS, Pattern, RLEError, dump, dumps, dumps_plaintext, load, loads
from lifecore.rules import Rule, Topology

GLIDER = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 1]], dtype=np.uint8)


def test_huge_header_is_refused_before_allocation():
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(RLEError, match=r"line 1: x = 40000, y = 40000 is 1,600,000,000 cells"):
        loads("x = 40000, y = 40000\no!")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10_000_000 and time.perf_counter() - start < 1.0
    # the limit is a keyword: a caller that means it can read a large (empty) board
    assert loads("x = 9000, y = 9000\no!", max_cells=81_000_000).shape == (9000, 9000)
    assert MAX_CELLS == 1 << 26


@pytest.mark.parametrize(
    "text, words",
    [
        ("x = 100000000000000000000, y = 1\no!", "line 1: x = '100000000000000000000'.* too large"),
        ("#C hi\nx = 3, y = 1" + "0" * 30 + "\no!", "line 2: y = .* too large"),
        ("x = 3, y = 3\n" + "9" * 4300 + "o!", "line 2: run count .* too large"),
        ("x = ３, y = 3\no!", "line 1: x = '３' is not a size"),
        ("x = 3, y = 3\n２o!", "line 2: unknown character '２'"),
        ("x = 3, y = 3\no\n2!", "line 3: run count 2 before '!' has no tag"),
        ("x = 3, y = 3\no\n2\n\n", "line 3: run count 2 at the end has no tag"),
        ("x = -3, y = 3\no!", "line 1: x = '-3' is not a size"),
        ("x = 3, y = 3, rule = B3/S23:K5,5\no!", "line 1: bad rule .* Klein"),
        ("x = 3, y = 3, rule = B2z/S\no!", "line 1: bad rule .* 'z' impossible"),
        ("#CXRLE Pos=a,b\nx = 3, y = 3\no!", "line 1: cannot read .*Pos="),
        ("#r B9/S\nx = 1, y = 1\no!", "line 1: bad rule"),
        ("!Name: x\n.O.\nOx.\n", "line 3: unknown character 'x' in plaintext"),
    ],
)
def test_errors_name_the_line(text, words):
    with pytest.raises(RLEError, match=words):
        loads(text)


def test_rule_spacing_is_read_as_rule_parse_reads_it():
    spaced = loads("x = 3, y = 3, rule = B3 / S23\nbo$2bo$3o!")
    assert spaced.rule == Rule.parse("B3 / S23") == Rule.parse("B3/S23")
    assert loads("x=1,y=1,rule=Conway's Life\no!").rule == Rule.parse("B3/S23")
    assert str(loads("x = 1, y = 1, rule = Just Friends\no!").rule) == "B2-a/S12"


def test_byte_order_mark_and_line_ends(tmp_path):
    text = "\ufeff#N Glider\r\nx = 3, y = 3, rule = B3/S23\r\nbo$2bo$3o!\r\n"
    assert loads(text).name == "Glider" and np.array_equal(loads(text).cells, GLIDER)
    path = tmp_path / "bom.rle"
    path.write_bytes(text.encode("utf-8"))
    assert load(path).name == "Glider"
    # a line separator other than CR/LF inside a comment stays in the comment
    assert loads("#C a\u2028b\x0bc\nx = 1, y = 1\no!").comments == ("a\u2028b\x0bc",)


def test_topology_hensel_and_map_survive_dumps():
    for rule in ("B36/S23:T10,10", "B2-a/S12:P20,30", "MAP" + "ARYX" * 21 + "AA" + ":T4,4"):
        p = loads(f"x = 3, y = 3, rule = {rule}\nbo$2bo$3o!")
        assert loads(dumps(p)) == p and str(p.rule) == str(Rule.parse(rule))
    assert "rule = B36/S23:T10,10" in dumps(loads("x = 1, y = 1, rule = B36/S23:T10,10\no!"))
    grid = Pattern(GLIDER, topology="T5,5")  # Golly's default rule, Life, on that grid
    assert grid.rule == Rule.parse("B3/S23:T5,5") and grid.topology == Topology("T", 5, 5)
    assert loads(dumps(grid)) == grid


def test_cxrle_position_is_kept():
    p = loads("#CXRLE Pos=-3,7 Gen=12\nx = 3, y = 3\nbo$2bo$3o!")
    assert p.position == (-3, 7) and p.generation == 12
    assert dumps(p).startswith("#CXRLE Pos=-3,7 Gen=12\n")
    assert loads(dumps(p)) == p
    assert loads(dumps(GLIDER, position=(5, -2))).position == (5, -2)


def test_plaintext_is_recognised():
    text = "!Name: Glider\n!A spaceship.\n.O\n..O\nOOO\n"
    p = loads(text)
    assert p.name == "Glider" and p.comments == ("A spaceship.",)
    assert np.array_equal(p.cells, GLIDER)
    assert np.array_equal(loads(".O.\n..O\nOOO").cells, GLIDER)  # no comment lines
    board = np.zeros((4, 5), np.uint8)
    board[1, 2] = board[3, 4] = 1
    assert np.array_equal(loads(dumps_plaintext(board)).cells, board)


def test_plaintext_file_by_content(tmp_path):
    path = tmp_path / "glider.txt"  # extension says nothing; the content does
    path.write_text("!Name: Glider\n.O\n..O\nOOO\n")
    assert load(path).name == "Glider"


def test_file_errors_are_rle_errors(tmp_path):
    with pytest.raises(RLEError, match="cannot read"):
        load(tmp_path / "missing.rle")
    bad = tmp_path / "latin1.rle"
    bad.write_bytes(b"#N caf\xe9\nx = 1, y = 1\no!")
    with pytest.raises(RLEError, match="not UTF-8"):
        load(bad)
    dump(GLIDER, tmp_path / "g.rle", name="g")
    assert [f.name for f in tmp_path.iterdir() if f.suffix == ".tmp"] == []


@pytest.mark.parametrize(
    "kwargs",
    [{"name": "a\nb"}, {"author": "a\rb"}, {"comments": ["x\ny"]}, {"position": (1.5, 2)}],
)
def test_dumps_refuses_what_loads_could_not_read_back(kwargs):
    with pytest.raises(RLEError):
        dumps(GLIDER, **kwargs)


_one_line = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)))


@settings(max_examples=150, deadline=None)
@given(
    board=arrays(
        np.uint8, st.tuples(st.integers(0, 6), st.integers(0, 9)), elements=st.integers(0, 1)
    ),
    name=st.none() | _one_line,
    author=st.none() | _one_line,
    comments=st.lists(_one_line, max_size=3),
    rule=st.sampled_from([None, "B3/S23", "B2-a/S12:T9,9", "B3/S23V:P4,4", "tlife"]),
    position=st.none() | st.tuples(st.integers(-(10**9), 10**9), st.integers(-(10**9), 10**9)),
)
def test_everything_dumps_writes_loads_reads_back(board, name, author, comments, rule, position):
    grid = None if rule is None else Rule.parse(rule).topology
    if grid is not None and (board.shape[0] > grid.height or board.shape[1] > grid.width):
        with pytest.raises(RLEError, match="does not fit the bounded grid"):
            dumps(board, rule=rule)
        return
    text = dumps(board, rule=rule, name=name, comments=comments, author=author, position=position)
    p = loads(text)
    assert np.array_equal(p.cells, board)
    assert p.name == (name or None) and p.author == (author or None)
    assert p.comments == tuple(comments) and p.position == position
    assert p.rule == (None if rule is None else Rule.parse(rule))
    assert loads(dumps(p)) == p


_RLE_ALPHABET = "xyrule=, \n\t$!bo.A0123456789#NCOXRLEPos-B/S:T３é\ufeff\u2028!O"


@settings(max_examples=500, deadline=None)
@given(st.text(_RLE_ALPHABET, max_size=80) | st.text(max_size=60))
def test_fuzzed_text_raises_only_rle_errors(text):
    try:
        p = loads(text, max_cells=10_000)
    except RLEError as err:
        assert len(str(err)) < 400
        return
    assert p.cells.size <= 10_000
    assert np.array_equal(loads(dumps(p)).cells, p.cells)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_glider_gun_raises_only_rle_errors(data):
    text = rle.dumps(
        loads(
            "x = 36, y = 9, rule = B3/S23\n24bo$22bobo$12b2o6b2o12b2o$11bo3bo4b2o12b2o$2o8bo5bo"
            "3b2o$2o8bo3bob2o4bobo$10bo5bo7bo$11bo3bo$12b2o!"
        ),
        name="Gosper glider gun",
    )
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(chars) - 1))
        chars[i] = data.draw(st.sampled_from(list(_RLE_ALPHABET)))
    try:
        loads("".join(chars))
    except RLEError:
        pass


@pytest.mark.parametrize(
    "cells", [[[2]], [[-1]], [[0.5]], [["o"]], [[0, 1], [1]], np.zeros((2, 2, 2))]
)
def test_patterns_hold_only_0_1_boards(cells):
    with pytest.raises(RLEError):
        Pattern(cells)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_byte_corruption_of_a_saved_file_raises_only_rle_errors(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("rle") / "gun.rle"
    dump(rle.loads(rle.dumps(GLIDER, rule="B2-a/S12:T8,8", name="g")), path, comments=["c"])
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 3))):
        raw[data.draw(st.integers(0, len(raw) - 1))] ^= 1 << data.draw(st.integers(0, 7))
    path.write_bytes(bytes(raw))
    try:
        load(path)
    except RLEError:
        pass


@pytest.mark.parametrize("grid", [":T2,2", ":P2,3", ":T3,2", ":P1,1"])
def test_a_pattern_larger_than_its_bounded_grid_is_refused(grid):
    """Golly refuses a pattern that does not fit its bounded grid; so do we."""
    text = f"x = 3, y = 3, rule = B3/S23{grid}\nbo$2bo$3o!"
    with pytest.raises(RLEError, match="does not fit the bounded grid"):
        loads(text)


@pytest.mark.parametrize("grid", [":T3,3", ":P10,4", ":T64,64"])
def test_a_pattern_that_fits_its_bounded_grid_loads(grid):
    pattern = loads(f"x = 3, y = 3, rule = B3/S23{grid}\nbo$2bo$3o!")
    assert np.array_equal(pattern.cells, GLIDER) and str(pattern.rule.topology) == grid
