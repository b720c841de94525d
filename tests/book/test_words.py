"""`lifecore.book.words`: counts and nouns agree in every generated sentence."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.book.words import (
    count_phrase,
    join_words,
    list_phrase,
    number_word,
    plural,
    span_phrase,
)


@pytest.mark.parametrize(
    "noun, expected",
    [
        ("class", "classes"),
        ("network", "networks"),
        ("box", "boxes"),
        ("family", "families"),
        ("rule family", "rule families"),
        ("day", "days"),
        ("match", "matches"),
        ("child", "children"),
        ("run", "runs"),
    ],
)
def test_plural_of_the_books_nouns(noun, expected):
    assert plural(noun) == expected


def test_count_phrase_singular_plural_and_zero():
    assert count_phrase(1, "class") == "1 class"
    assert count_phrase(2, "class") == "2 classes"
    assert count_phrase(0, "class") == "no class"
    assert count_phrase(0, "class", zero="0") == "0 classes"
    assert count_phrase(3, "class", words=True) == "three classes"
    assert count_phrase(1, "network", words=True) == "one network"
    assert count_phrase(12, "network", words=True) == "12 networks"
    assert count_phrase(4096, "window") == "4,096 windows"
    assert count_phrase(2, "datum", plural_form="data") == "2 data"


@given(st.integers(min_value=0, max_value=10**7))
def test_count_phrase_agrees_with_its_count(n):
    phrase = count_phrase(n, "class")
    # independent truth: exactly the count 1 takes the singular, and 0 reads "no"
    assert phrase.endswith("classes") == (n != 1 and n != 0)
    assert phrase.startswith("no ") == (n == 0)
    if n:
        assert int(phrase.split()[0].replace(",", "")) == n


def test_number_word():
    assert [number_word(n) for n in (0, 1, 10, 11)] == ["no", "one", "ten", "11"]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_bad_counts_are_refused(bad):
    with pytest.raises(ValueError, match="non-negative integer"):
        count_phrase(bad, "class")


def test_join_and_list_phrase():
    assert join_words([]) == ""
    assert join_words(["B6"]) == "B6"
    assert join_words(["B6", "S0", "S8"]) == "B6, S0 and S8"
    assert list_phrase([], "class") == "no class"
    assert list_phrase(["B6"], "class") == "1 class (B6)"
    assert list_phrase(["B6", "S0"], "class") == "2 classes (B6 and S0)"


def test_span_phrase_names_one_count_once():
    assert span_phrase(8, 8) == "8"
    assert span_phrase(25, 51) == "25 to 51"
    assert span_phrase(999, 1200) == "999 to 1,200"
    with pytest.raises(ValueError):
        span_phrase(5, 3)
