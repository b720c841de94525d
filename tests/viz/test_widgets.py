"""Widgets with a static rendering: the rule picker is read when a cell runs."""

import pytest

from lifecore import Rule
from lifecore.viz import rule_picker


def test_picker_rule_follows_the_box():
    picker = rule_picker("B36/S23")
    assert picker.rule == Rule.parse("B36/S23")
    picker.widget.value = "B2/S34H"  # what a reader's typing does
    assert picker.rule == Rule.parse("B2/S34H")  # read now, not copied once
    picker.widget.value = "Day & Night"
    assert str(picker.rule) == "B3678/S34678"
    picker.widget.value = "B9/S"
    with pytest.raises(ValueError, match="birth count"):
        _ = picker.rule


def test_picker_bundle_has_a_static_rendering_of_the_rule_shown():
    picker = rule_picker("HighLife", options=["B3/S23", "B36/S23"])
    bundle = picker._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert "<code>B36/S23</code>" in html and "B3/S23" in html
    assert "http" not in html


def test_picker_refuses_a_bad_first_rule():
    with pytest.raises(ValueError, match="cannot read rule"):
        rule_picker("nonsense")
