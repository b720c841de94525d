"""Checks of the chapters' widgets in JupyterLab, each returning a list of problems (empty
when the widget works), so that the same check can be run on a widget broken on purpose and
shown to fail (the negative controls in ``test_lab_chapters.py``)."""

from __future__ import annotations

import time

from browser.checks import wait

#: The kernel side: the generation of every TrajectoryViewer a cell showed, as Python sees it.
VIEWER_T = "[v.widget.t for v in Out.values() if type(v).__name__ == 'TrajectoryViewer']"


#: An ipywidgets Combobox as JupyterLab draws it: a text box with a list of options.
COMBOBOX = ".jupyter-widgets.widget-text:has(> input[list])"


def _canvas(driver, root) -> str:
    return driver.execute_script("return arguments[0].querySelector('canvas').toDataURL();", root)


def viewer_problems(page, panel: str) -> list[str]:
    """The trajectory viewer (an anywidget) in ``panel``: the next-generation button steps
    one generation, in the page and in the kernel's widget (its ``t`` is synced back to
    Python); Play keeps moving the generation and the board drawn; Pause stops it."""
    from selenium.webdriver.common.by import By

    root = page.element(panel, ".lifecore-viewer")
    if root is None:
        return ["no trajectory viewer (.lifecore-viewer) in the notebook's outputs"]
    problems, driver = [], page.driver
    t0 = int(root.get_attribute("data-t"))
    root.find_element(By.CSS_SELECTOR, "button[aria-label='next generation']").click()
    if not wait(lambda: root.get_attribute("data-t") == str(t0 + 1), 5):
        problems.append(f"next generation: the page stays at t = {root.get_attribute('data-t')}")
    elif not wait(lambda: page.kernel_value(panel, VIEWER_T) == f"[{t0 + 1}]", 5):
        problems.append(
            f"next generation: the page shows t = {t0 + 1}, the kernel's viewer has "
            f"{page.kernel_value(panel, VIEWER_T)}"
        )
    first, t1 = _canvas(driver, root), root.get_attribute("data-t")
    root.find_element(By.CSS_SELECTOR, ".lifecore-viewer-play").click()
    if not wait(lambda: int(root.get_attribute("data-t")) >= int(t1) + 3, 5):
        problems.append(f"play: the generation stays at {root.get_attribute('data-t')}")
    elif _canvas(driver, root) == first:
        problems.append("play: the generation moves but the board drawn does not")
    root.find_element(By.CSS_SELECTOR, ".lifecore-viewer-play").click()  # pause
    paused = root.get_attribute("data-t")
    time.sleep(0.5)
    if root.get_attribute("data-t") != paused:
        problems.append("pause: the generation keeps moving")
    return problems


def picker_problems(page, panel: str, rule: str, cells: list[int]) -> list[str]:
    """Chapter 6's rule picker (an ipywidgets Combobox): typing ``rule`` reaches the kernel
    (``picker.value``), and running ``cells`` again (the cells below that read it) changes
    what they show (some of them may show the same for both rules)."""
    from selenium.webdriver.common.by import By

    root = page.element(panel, COMBOBOX)
    if root is None:
        return [f"no rule picker ({COMBOBOX}) in the notebook's outputs"]
    before = [page.shown(panel, i) for i in cells]
    box = root.find_element(By.CSS_SELECTOR, "input")
    box.clear()
    box.send_keys(rule)
    problems = []
    if not wait(lambda: page.kernel_value(panel, "picker.value") == repr(rule), 10):
        problems.append(
            f"typed {rule!r}; the kernel's picker reads {page.kernel_value(panel, 'picker.value')}"
        )
    for i in cells:
        problems += page.run_cell(panel, i).problems(f"cell {i} run again")
    if [page.shown(panel, i) for i in cells] == before:
        problems.append(f"picked {rule}, cells {cells} show what they showed before")
    return problems


def stop_responding(page, panel: str, selector: str) -> None:
    """Break a widget on purpose: put a copy of its element, without any event listener, in
    its place (the widget is drawn but no longer responds)."""
    page.driver.execute_script(
        "const el = document.getElementById(arguments[0]).querySelector(arguments[1]);"
        "el.replaceWith(el.cloneNode(true));",
        panel,
        selector,
    )
