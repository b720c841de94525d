"""Headless Chromium through selenium, on Debian's ``chromium`` and ``chromium-driver``
(``make test`` installs them): the one browser set-up of the static-book and JupyterLab tests.
Without the binaries the tests fail and say what to install; they are never skipped."""

from __future__ import annotations

import shutil

import pytest


def binary(*names: str) -> str:
    """The first of ``names`` on the PATH; fails the test, saying what to install, if none."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(
        f"none of {names} found: install Debian's chromium and chromium-driver "
        "(`apt-get install -y chromium chromium-driver`; `make test` does it)"
    )


def start_chromium(width: int, height: int):
    """A headless Chromium window of ``width`` x ``height`` px that keeps the console log."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary("chromium", "chromium-browser")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--hide-scrollbars",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=binary("chromedriver"))
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_page_load_timeout(60)
    return browser
