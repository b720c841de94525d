"""Checks of one rendered book page, run in headless Chromium through selenium.

Each check returns a list of problems, each naming the page and the element (the cell's
first line of code where there is one), so a failure says where to look.
"""

from __future__ import annotations

import time

#: JavaScript helpers shared by the checks: where an element is, in words.
_DESCRIBE = r"""
function lifecoreDescribe(el) {
  var cell = el.closest(".cell");
  var where = "";
  if (cell) {
    var all = Array.prototype.slice.call(document.querySelectorAll(".cell"));
    var code = cell.querySelector(".cell_input pre");
    var first = code ? code.textContent.trim().split("\n")[0].slice(0, 70) : "";
    where = "cell " + (all.indexOf(cell) + 1) + (first ? " (" + first + ")" : " (input hidden)");
  } else {
    var h = el.closest("section");
    var title = h && h.querySelector("h1,h2,h3");
    where = "section " + (title ? JSON.stringify(title.textContent.replace("#", "").trim()) : "?");
  }
  var tag = el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
    ? "." + el.className.trim().split(/\s+/).slice(0, 2).join(".") : "");
  return tag + " in " + where;
}
"""

_OVERFLOW = (
    _DESCRIBE
    + r"""
var column = document.querySelector("main article, article.bd-article, .bd-article");
if (!column) return ["no article element: cannot measure the text column"];
var right = column.getBoundingClientRect().right;
var width = column.clientWidth;
var out = [];
var seen = new Set();
var candidates = document.querySelectorAll(
  "article .cell_output, article .cell_output .output, article .cell_output pre, " +
  "article table, article img, article .lifecore-viewer, article .lifecore-anim, " +
  "article .math, article pre");
candidates.forEach(function (el) {
  if (el.closest(".cell_input") || el.offsetParent === null) return;
  var box = el.getBoundingClientRect();
  var clipped = el.scrollWidth > el.clientWidth + 2 &&
    getComputedStyle(el).overflowX !== "visible";
  var wide = box.right > right + 2 || box.width > width + 2;
  if (!clipped && !wide) return;
  var key = lifecoreDescribe(el);
  if (seen.has(key)) return;
  seen.add(key);
  var need = Math.round(Math.max(el.scrollWidth, box.width));
  out.push(key + ": " + need + " px of content" + (clipped ? " scrolled inside " +
    el.clientWidth + " px" : "") + ", the column is " + width + " px");
});
return out;
"""
)

_ALT = (
    _DESCRIBE
    + r"""
var out = [];
document.querySelectorAll("article img").forEach(function (img) {
  var alt = (img.getAttribute("alt") || "").trim();
  var file = (img.getAttribute("src") || "").split("/").pop().split("?")[0];
  var quoted = JSON.stringify(alt);
  var isFile = /^[0-9a-f]{12,}(\.\w+)?$/i.test(alt) || /_images\//.test(alt) ||
    alt === file || /\.(png|jpe?g|svg|gif)$/i.test(alt);
  var bad = !alt ? "no alt text" :
    isFile ? "alt text is a file name or hash: " + quoted :
    /^(image|figure|img|output|png)$/i.test(alt) ? "alt text says nothing: " + quoted : "";
  if (bad) out.push(lifecoreDescribe(img) + ": " + bad);
});
return out;
"""
)

_EMPTY = (
    _DESCRIBE
    + r"""
var out = [];
document.querySelectorAll("article .cell_output").forEach(function (el) {
  var visible = el.innerText.trim() || el.querySelector("img, canvas, svg, table, video, iframe");
  var widget = el.querySelector('script[type="application/vnd.jupyter.widget-view+json"]') ||
    el.querySelector(".jupyter-widgets, .widget-subarea");
  if (widget && !visible)
    out.push(lifecoreDescribe(el) + ": widget output is empty (a kernel-only view)");
  else if (!visible) out.push(lifecoreDescribe(el) + ": output is empty");
});
return out;
"""
)

_REMOTE = r"""
var here = location.host, out = [];
performance.getEntriesByType("resource").forEach(function (e) {
  var u = new URL(e.name, location.href);
  if (/^https?:$/.test(u.protocol) && u.host !== here) out.push("fetched " + e.name);
});
document.querySelectorAll("script[src], link[href][rel~='stylesheet'], img[src], iframe[src]")
  .forEach(function (el) {
    var src = el.getAttribute("src") || el.getAttribute("href");
    var u = new URL(src, location.href);
    if (/^https?:$/.test(u.protocol) && u.host !== here)
      out.push(el.tagName.toLowerCase() + " from another host: " + src);
  });
return Array.from(new Set(out));
"""


def _page(url: str) -> str:
    return url.split("/_build/html/")[-1] if "/_build/html/" in url else url.rsplit("/", 2)[-1]


def _named(page: str, problems: list[str]) -> list[str]:
    return [f"{page}: {p}" for p in problems]


def overflow(driver, page: str) -> list[str]:
    """Outputs, tables, images and the widgets wider than the text column (or scrolled)."""
    return _named(page, driver.execute_script(_OVERFLOW))


def alt_text(driver, page: str) -> list[str]:
    """Images whose alt text is missing, a file name, a hash or a placeholder word."""
    return _named(page, driver.execute_script(_ALT))


def empty_outputs(driver, page: str) -> list[str]:
    """Cell outputs, widget views included, that show nothing."""
    return _named(page, driver.execute_script(_EMPTY))


def remote_resources(driver, page: str) -> list[str]:
    """Scripts, styles, images or fetches from any host but the book's own (CDNs)."""
    return _named(page, driver.execute_script(_REMOTE))


def console_errors(driver, page: str) -> list[str]:
    """Errors the page wrote to the console since the last call (the log is drained)."""
    return _named(
        page,
        [
            f"console {e['level']}: {e['message'][:300]}"
            for e in driver.get_log("browser")
            if e["level"] in ("SEVERE", "ERROR")
        ],
    )


def wait(predicate, timeout: float = 5.0, every: float = 0.1):
    """``predicate()`` once it is truthy, polled every ``every`` seconds; its last value
    (falsy) after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > end:
            return value
        time.sleep(every)


def animation_plays(driver, page: str) -> list[str]:
    """Every animation player on the page advances after Play is pressed."""
    from selenium.webdriver.common.by import By

    problems = []
    for i, root in enumerate(driver.find_elements(By.CSS_SELECTOR, ".lifecore-anim")):
        name = f"animation {i + 1}"
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", root)
        before = root.get_attribute("data-frame")
        src = root.find_element(By.CSS_SELECTOR, "img").get_attribute("src")
        root.find_element(By.CSS_SELECTOR, '[data-act="play"]').click()
        moved = wait(lambda r=root, b=before: r.get_attribute("data-frame") not in (None, b), 5)
        if not moved:
            problems.append(f"{name}: the frame stays at {before} after Play")
        elif root.find_element(By.CSS_SELECTOR, "img").get_attribute("src") == src:
            problems.append(f"{name}: the frame number moves but the image does not")
        root.find_element(By.CSS_SELECTOR, '[data-act="play"]').click()  # pause
    return _named(page, problems)


def _canvas(driver, root) -> str:
    return driver.execute_script("return arguments[0].querySelector('canvas').toDataURL();", root)


def _type_rule(driver, box, text: str) -> None:
    box.clear()
    box.send_keys(text)
    driver.execute_script("arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", box)


def viewer_plays_typed_rule(driver, page: str, rule: str = "B36/S23") -> list[str]:
    """Every static trajectory viewer: a typed rule is taken, Play changes the frame, and
    after an invalid rule the error stays while the slider moves."""
    from selenium.webdriver.common.by import By

    problems = []
    for i, root in enumerate(driver.find_elements(By.CSS_SELECTOR, ".lifecore-viewer")):
        name = f"viewer {i + 1}"
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", root)
        box = root.find_element(By.CSS_SELECTOR, ".lifecore-viewer-rule")
        _type_rule(driver, box, rule)
        if root.get_attribute("data-rule") != rule:
            problems.append(f"{name}: typed {rule}, it shows {root.get_attribute('data-rule')}")
        first = _canvas(driver, root)
        t0 = root.get_attribute("data-t")
        root.find_element(By.CSS_SELECTOR, ".lifecore-viewer-play").click()
        if not wait(lambda r=root, t=t0: r.get_attribute("data-t") != t, 5):
            problems.append(f"{name}: generation stays at {t0} after Play")
        elif _canvas(driver, root) == first:
            problems.append(f"{name}: the generation moves but the board drawn does not")
        root.find_element(By.CSS_SELECTOR, ".lifecore-viewer-play").click()  # pause
        _type_rule(driver, box, "B9/S")
        status = root.find_element(By.CSS_SELECTOR, ".lifecore-viewer-status")
        if "impossible" not in status.text:
            problems.append(f"{name}: no error shown for the invalid rule B9/S ({status.text!r})")
        slider = root.find_element(By.CSS_SELECTOR, ".lifecore-viewer-slider")
        driver.execute_script(
            "arguments[0].value = 5; arguments[0].dispatchEvent(new Event('input'));", slider
        )
        if root.get_attribute("data-t") != "5":
            problems.append(f"{name}: the slider does not move the generation")
        if "impossible" not in status.text:
            problems.append(f"{name}: moving the slider cleared the error, the box still says B9/S")
        _type_rule(driver, box, rule)
    return _named(page, problems)


def search_finds(driver, base: str, word: str) -> list[str]:
    """The book's search page lists at least one page for ``word``."""
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/search.html?q={word}")

    def results():
        return driver.find_elements(By.CSS_SELECTOR, "#search-results li, ul.search li")

    found = wait(results, 15, 0.25)
    if not found:
        text = driver.find_element(By.TAG_NAME, "body").text[-200:]
        return [f"search.html?q={word}: no results listed (page says {text!r})"]
    return []
