"""The built book as a reader meets it, page by page, at 1280 px, with no kernel: nothing
wider than the column, real alt text, no empty outputs, no console errors, nothing fetched
from another host; the animations play, the static viewer plays a typed rule, and search
finds "glider". Each page is loaded once; its problems are listed by page and element."""

from __future__ import annotations

import pytest

from . import checks
from .conftest import HTML, book_pages

PAGES = book_pages()
_REPORTS: dict[str, dict[str, list[str]]] = {}


def _report(driver, book: str, page: str) -> dict[str, list[str]]:
    """Load ``page`` once and run every static check on it."""
    if not (HTML / page).exists():
        pytest.fail(f"{page}: listed in _toc.yml but missing from the built book at {HTML}")
    if page not in _REPORTS:
        driver.get_log("browser")  # drain what an earlier page left
        driver.get(f"{book}/{page}")
        checks.wait(lambda: driver.execute_script("return document.readyState") == "complete")
        _REPORTS[page] = {
            "console": checks.console_errors(driver, page),
            "overflow": checks.overflow(driver, page),
            "alt": checks.alt_text(driver, page),
            "empty": checks.empty_outputs(driver, page),
            "remote": checks.remote_resources(driver, page),
            "animation": checks.animation_plays(driver, page),
            "viewer": checks.viewer_plays_typed_rule(driver, page),
            "counts": [
                driver.execute_script("return document.querySelectorAll(arguments[0]).length", s)
                for s in (".lifecore-anim", ".lifecore-viewer")
            ],
        }
        _REPORTS[page]["console"] += checks.console_errors(driver, page)  # after interacting
    return _REPORTS[page]


def _assert_none(problems: list[str], what: str) -> None:
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_nothing_wider_than_the_column(driver, book, page):
    _assert_none(_report(driver, book, page)["overflow"], "outputs wider than the text column")


@pytest.mark.parametrize("page", PAGES)
def test_every_image_has_alt_text(driver, book, page):
    _assert_none(_report(driver, book, page)["alt"], "images without real alt text")


@pytest.mark.parametrize("page", PAGES)
def test_no_output_is_empty(driver, book, page):
    _assert_none(_report(driver, book, page)["empty"], "empty outputs")


@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors(driver, book, page):
    _assert_none(_report(driver, book, page)["console"], "console errors")


@pytest.mark.parametrize("page", PAGES)
def test_nothing_fetched_from_another_host(driver, book, page):
    _assert_none(_report(driver, book, page)["remote"], "resources from other hosts")


@pytest.mark.parametrize("page", PAGES)
def test_animations_and_viewers_play(driver, book, page):
    report = _report(driver, book, page)
    _assert_none(report["animation"] + report["viewer"], "players that do not play")


def test_the_book_has_an_animation_and_a_static_viewer(driver, book):
    totals = [0, 0]
    for page in PAGES:
        for i, n in enumerate(_report(driver, book, page)["counts"]):
            totals[i] += n
    assert totals[0] >= 1, "no animation player (.lifecore-anim) on any page"
    assert totals[1] >= 1, "no static trajectory viewer (.lifecore-viewer) on any page"


def test_search_finds_glider(driver, book):
    _assert_none(checks.search_finds(driver, book, "glider"), "search failures")
