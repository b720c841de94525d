"""Chapters' findings round-trip through one JSON file, section by section."""

import pytest

from lifecore.book.findings import FindingsError, load_findings, save_findings


def test_sections_are_kept_apart_and_replaced(tmp_path):
    path = tmp_path / "a" / "findings.json"
    save_findings(path, "ch4", {"exact": 40, "runs": 48})
    save_findings(path, "ch5", {"read": 7})
    save_findings(path, "ch4", {"exact": 41, "runs": 48})
    assert load_findings(path, "ch4") == {"exact": 41, "runs": 48}
    assert load_findings(path, "ch5") == {"read": 7}
    assert [p.name for p in path.parent.iterdir()] == ["findings.json"]  # no temp files left


def test_missing_section_names_the_chapter(tmp_path):
    with pytest.raises(FindingsError, match="ch6"):
        load_findings(tmp_path / "findings.json", "ch6")


def test_corrupt_file_is_an_error(tmp_path):
    path = tmp_path / "findings.json"
    path.write_text("[1, 2")
    with pytest.raises(FindingsError, match="cannot read"):
        load_findings(path, "ch4")
