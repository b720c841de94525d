"""The built book (``_build/html``, or ``$LIFECORE_BOOK_HTML``) served on 127.0.0.1 and
opened in headless Chromium (Debian's ``chromium`` and ``chromium-driver``: ``make test``
installs them). Without a built book or a browser these tests fail and say what to do:
they are never skipped."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

from .chromium import start_chromium

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("LIFECORE_BOOK_HTML", ROOT / "_build" / "html"))
WIDTH, HEIGHT = 1280, 900


def book_pages() -> list[str]:
    """Every page of the table of contents, as its path under the built book."""
    toc = (ROOT / "_toc.yml").read_text()
    root = re.search(r"^root:\s*(\S+)", toc, re.M).group(1)
    return [f"{p}.html" for p in [root, *re.findall(r"file:\s*(\S+)", toc)]]


@pytest.fixture(scope="session")
def book() -> str:
    """Base URL of the built book, served from a thread for the whole session."""
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built book at {HTML}: run `make book` (or `make test`, which builds it)")
    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def driver():
    """Headless Chromium at 1280 px that keeps the console log."""
    browser = start_chromium(WIDTH, HEIGHT)
    yield browser
    browser.quit()
