"""Glued values are formatted once and the build fails when a guarded claim stops holding."""

import pytest

from lifecore.book import glue


def test_glue_text_displays_nothing_and_returns_nothing(capsys, monkeypatch):
    seen = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display: seen.update({name: value}))
    assert glue.glue_text("x", 0.1234, "{:.1%}") is None  # a hidden cell's last line shows nothing
    assert seen == {"x": "12.3%"}
    assert capsys.readouterr().out == ""


def test_check_fails_with_the_sentence():
    glue.check(True, "fine")
    with pytest.raises(AssertionError, match="under 1% of the data"):
        glue.check(False, "high counts are under 1% of the data")
