"""Records as HTML tables."""

import pytest

from lifecore.viz import percent, table


def test_table_renders_every_cell():

    out = table([{"rule": "B3/S23", "x": 0.5}, {"rule": "B2/S", "y": 3}])._repr_html_()
    assert out.count("<tr>") == 3 and "B2/S" in out and "0.5" in out
    with pytest.raises(ValueError, match="at least one row"):
        table([])


def test_table_columns_pick_order_and_rename():

    rows = [{"a": 1234, "b": 0.5, "c": "x"}, {"a": 7, "b": 2.25, "c": "y"}]
    out = table(rows, floatfmt="{:.2f}", columns={"c": "C", "a": "A"}, intfmt="{:,}")._repr_html_()
    assert "<th>C</th><th>A</th>" in out and "<th>b</th>" not in out and "0.50" not in out
    assert "<td>x</td><td>1,234</td>" in out
    # the default is unchanged: every key, as it is, integers plain, booleans as words
    out = table([{"n": 1234, "ok": True}])._repr_html_()
    assert "<th>n</th><th>ok</th>" in out and "<td>1234</td><td>True</td>" in out
    with pytest.raises(ValueError, match=r"\['z'\] are in no row"):
        table(rows, columns={"z": "Z"})


def test_percent():

    assert percent(0.5) == "50.00%" and percent(1) == "100.00%" and percent(None) == "-"
