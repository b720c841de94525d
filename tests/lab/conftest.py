"""JupyterLab on a free port of 127.0.0.1 (no token), serving a copy of the chapters under
test, opened in headless Chromium. The copy keeps the committed notebooks as they are (the
lab may save what it runs) and gives the chapters a fresh ``_artifacts`` folder; ``tests``
is linked beside it for the files chapter 7 reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from browser.chromium import start_chromium

from .jupyterlab import LabPage, lab_environment, start_lab

ROOT = Path(__file__).resolve().parents[2]
#: The chapters the test opens: the viewer (1), the rule picker (6), the other families (7).
CHAPTERS = ("01_rules_and_simulator", "06_rule_discovery", "07_beyond_life_like")


def _broken_notebook() -> nbformat.NotebookNode:
    """A notebook whose second cell raises: the negative control of the error check."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in ("x = 1", "x / 0", "y = 2")]
    return nb


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    (root / "chapters" / "_artifacts").mkdir(parents=True)
    for name in CHAPTERS:
        shutil.copy(ROOT / "chapters" / f"{name}.ipynb", root / "chapters")
    nbformat.write(_broken_notebook(), root / "chapters" / "broken.ipynb")
    (root / "tests").symlink_to(ROOT / "tests")
    server = start_lab(root, tmp_path_factory.mktemp("lab-settings"), lab_environment(ROOT))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def page(lab):
    driver = start_chromium(1400, 1000)
    yield LabPage(driver, lab.url)
    driver.quit()


@pytest.fixture(scope="session")
def opened(page):
    """``opened(name)``: the panel of chapter ``name``, opened and run once (Run All)."""
    panels = {}

    def open_and_run(name: str):
        if name not in panels:
            panel = page.open(f"chapters/{name}.ipynb")
            panels[name] = (panel, page.run_all(panel))
        return panels[name]

    return open_and_run
