"""Display strings for the book's tables: a reader never sees nan, None, True or a
rounded 100% that is not exact."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.book import tables


def test_percent_never_rounds_up_to_exact():
    assert tables.percent(1.0) == "100%"
    assert tables.percent(0.0) == "0%"
    assert tables.percent(0.5) == "50.0%"
    assert tables.percent(0.99996) == "99.996%"
    assert tables.percent(0.00004) == "0.004%"
    assert tables.percent(1e-12) == "<0.0001%"
    assert tables.percent(1 - 1e-12) == ">99.9999%"


@given(st.floats(min_value=0, max_value=1, exclude_max=True, exclude_min=True))
def test_percent_below_one_never_reads_100(x):
    text = tables.percent(x)
    assert text.endswith("%")
    if text.startswith(">"):
        assert x > 0.99 and float(text[1:-1]) < 100
    elif text.startswith("<"):
        assert x < 0.01 and float(text[1:-1]) > 0
    else:
        assert 0 < float(text[:-1]) < 100


def test_missing_values_are_dashes():
    assert tables.percent(None) == tables.DASH
    assert tables.percent(float("nan")) == tables.DASH
    assert tables.number(None) == tables.DASH
    assert tables.number(True) == "yes" and tables.yes_no(False) == "no"
    assert tables.number(12345) == "12,345"


def test_frame_renames_and_formats():
    df = tables.frame(
        [{"val_accuracy": 0.5, "exact": True, "note": None}],
        {"val_accuracy": "validation accuracy", "exact": "exact", "note": "note"},
        {"val_accuracy": tables.percent},
    )
    assert list(df.columns) == ["validation accuracy", "exact", "note"]
    assert df.iloc[0].tolist() == ["50.0%", "yes", tables.DASH]


def test_frame_refuses_unknown_columns():
    with pytest.raises(KeyError, match="typo"):
        tables.frame([{"a": 1}], {"typo": "A"})


def test_pivot_groups_rows_and_marks_empty_cells():
    rows = [
        {"rule": "B3/S23", "model": "a", "ok": True},
        {"rule": "B3/S23", "model": "a", "ok": False},
        {"rule": "B2/S", "model": "b", "ok": True},
    ]
    df = tables.pivot(rows, "rule", "model", lambda g: f"{sum(r['ok'] for r in g)} of {len(g)}")
    assert df.loc["B3/S23", "a"] == "1 of 2"
    assert df.loc["B2/S", "b"] == "1 of 1"
    assert df.loc["B2/S", "a"] == tables.DASH


def test_settings_is_a_two_column_table():
    df = tables.settings({"epochs": 20, "learning rate": 0.01})
    assert df.shape == (2, 2) and df.iloc[0].tolist() == ["epochs", "20"]
