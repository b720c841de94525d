"""JupyterLab driven from headless Chromium: start the server, open a notebook, run its cells,
read its outputs and its kernel's values.

The page is driven through JupyterLab's own command registry (``window.jupyterapp``, exposed
with ``--LabApp.expose_app_in_browser``): the commands a reader's menu and keyboard run.
Widgets are clicked and typed into as elements of the page.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: Settings for the lab under test (its own settings folder, nothing global is touched):
#: every cell kept in the page, no autosave, no news or update checks (no network here).
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}

_FIND = """
function lifecoreNotebook(id) {
  for (const w of window.jupyterapp.shell.widgets("main")) if (w.id === id) return w;
  throw new Error("no notebook panel " + id);
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running ``jupyter lab`` serving ``root`` at ``url``."""

    process: subprocess.Popen
    url: str
    root: Path
    log: Path

    def stop(self) -> None:
        """Shut every kernel down, then the server."""
        try:
            for kernel in json.loads(urllib.request.urlopen(f"{self.url}/api/kernels").read()):
                req = urllib.request.Request(
                    f"{self.url}/api/kernels/{kernel['id']}", method="DELETE"
                )
                urllib.request.urlopen(req, timeout=30)
        except OSError:
            pass
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_lab(root: Path, settings: Path, env: dict, timeout: float = 120) -> Lab:
    """``jupyter lab`` on a free port of 127.0.0.1, with no token, serving ``root``."""
    for name, values in USER_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, log = free_port(), root / "jupyter-lab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        f"--port={port}", "--ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={settings / 'workspaces'}",
    ]  # fmt: skip
    handle = open(log, "w")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
    lab = Lab(process, f"http://127.0.0.1:{port}", root, log)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited ({process.returncode}):\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{lab.url}/api/status", timeout=5)
            return lab
        except OSError:
            time.sleep(0.5)
    lab.stop()
    raise RuntimeError(f"jupyter lab did not answer in {timeout} s:\n{log.read_text()[-2000:]}")


def lab_environment(repository: Path) -> dict:
    """The server's (and so its kernels') environment: this repository's lifecore first, no
    Jupyter configuration from the user's home, matplotlib's backend left to the kernel (a
    reader's figures show inline)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repository), env.get("PYTHONPATH")]))
    env["JUPYTER_CONFIG_DIR"] = str(repository / "_build" / ".lab-test-config")
    env.pop("MPLBACKEND", None)  # tests/conftest.py sets Agg; kernels keep the inline backend
    return env


@dataclass
class RunReport:
    """What running a notebook's cells left: code cells, those executed, error outputs."""

    cells: int
    executed: int
    errors: list[str] = field(default_factory=list)
    kernel: str = ""

    def problems(self, name: str) -> list[str]:
        out = [f"{name}: cell {e}" for e in self.errors]
        if self.executed < self.cells:
            out.append(f"{name}: {self.executed} of {self.cells} code cells ran")
        return out


class LabPage:
    """The JupyterLab page in ``driver``, for the server at ``url``."""

    def __init__(self, driver, url: str):
        self.driver, self.url = driver, url
        driver.set_script_timeout(120)
        driver.get(f"{url}/lab?reset")
        self._wait_js("return !!(window.jupyterapp && window.jupyterapp.shell)", 120)
        self._async("await window.jupyterapp.restored; return true;")

    def _wait_js(self, script: str, timeout: float, *args):
        end = time.monotonic() + timeout
        while True:
            value = self.driver.execute_script(script, *args)
            if value or time.monotonic() > end:
                return value
            time.sleep(0.25)

    def _async(self, body: str, *args):
        """Run ``body`` (an async function body using ``args``) and return its value; a
        JavaScript exception comes back as a Python ``RuntimeError``."""
        script = (
            _FIND
            + "const done = arguments[arguments.length - 1];"
            + "const args = Array.prototype.slice.call(arguments, 0, -1);"
            + f"(async (...args) => {{ {body} }})(...args)"
            + ".then(v => done({ok: v}), e => done({error: String(e && e.stack || e)}));"
        )
        result = self.driver.execute_async_script(script, *args)
        if "error" in result:
            raise RuntimeError(result["error"])
        return result["ok"]

    def open(self, path: str) -> str:
        """Open the notebook at ``path`` (relative to the server's root) with its kernel
        started; return its panel's id."""
        return self._async(
            """const w = await window.jupyterapp.commands.execute("docmanager:open",
                   {path: args[0], factory: "Notebook"});
               await w.context.ready; await w.sessionContext.ready;
               window.jupyterapp.shell.activateById(w.id);
               return w.id;""",
            path,
        )

    def report(self, panel: str) -> RunReport:
        """Code cells, how many have run, and every error output, read from the model."""
        data = self.driver.execute_script(
            _FIND
            + """const w = lifecoreNotebook(arguments[0]); const cells = w.content.model.cells;
            const out = {cells: 0, executed: 0, errors: [],
                         kernel: (w.sessionContext.session && w.sessionContext.session.kernel)
                                 ? w.sessionContext.session.kernel.status : "none"};
            for (let i = 0; i < cells.length; i++) {
              const c = cells.get(i);
              if (c.type !== "code") continue;
              out.cells++;
              if (c.executionCount !== null) out.executed++;
              for (const o of c.outputs.toJSON())
                if (o.output_type === "error")
                  out.errors.push(i + ": " + o.ename + ": " + o.evalue);
            }
            return out;""",
            panel,
        )
        return RunReport(**data)

    def _settled(self, panel: str, done, timeout: float) -> RunReport:
        """Wait until the kernel is idle (twice, a second apart) and ``done(report)``."""
        end, idle_since = time.monotonic() + timeout, None
        while True:
            report = self.report(panel)
            if report.kernel == "idle" and (done(report) or report.errors):
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since >= 1.0:
                    return report
            else:
                idle_since = None
            if time.monotonic() > end:
                return report
            time.sleep(0.5)

    def run_all(self, panel: str, timeout: float = 600) -> RunReport:
        """Menu Run > Run All Cells, then wait until every cell ran or one raised."""
        self._async(
            """window.jupyterapp.shell.activateById(args[0]);
               window.jupyterapp.commands.execute("notebook:run-all-cells"); return true;""",
            panel,
        )
        return self._settled(panel, lambda r: r.executed == r.cells, timeout)

    def run_cell(self, panel: str, index: int, timeout: float = 300) -> RunReport:
        """Select cell ``index`` and run it (Shift+Enter without moving on); wait for it."""
        before = self.execution_count(panel, index)
        self._async(
            """window.jupyterapp.shell.activateById(args[0]);
               const w = lifecoreNotebook(args[0]); w.content.activeCellIndex = args[1];
               window.jupyterapp.commands.execute("notebook:run-cell"); return true;""",
            panel,
            index,
        )
        return self._settled(
            panel, lambda r: self.execution_count(panel, index) not in (None, before), timeout
        )

    def execution_count(self, panel: str, index: int):
        return self.driver.execute_script(
            _FIND + "return lifecoreNotebook(arguments[0]).content.model.cells.get(arguments[1])"
            ".executionCount;",
            panel,
            index,
        )

    def outputs(self, panel: str, index: int) -> str:
        """Cell ``index``'s outputs as JSON text (what it shows, as the model holds it)."""
        return self.driver.execute_script(
            _FIND + "return JSON.stringify(lifecoreNotebook(arguments[0]).content.model.cells"
            ".get(arguments[1]).outputs.toJSON());",
            panel,
            index,
        )

    def shown(self, panel: str, index: int) -> str:
        """The text cell ``index``'s outputs show in the page, without the prompt (tables,
        rows and all; not the HTML, whose table ids pandas draws at random)."""
        return self.driver.execute_script(
            _FIND + "const cell = lifecoreNotebook(arguments[0]).content.widgets[arguments[1]];"
            "return Array.from(cell.node.querySelectorAll('.jp-OutputArea-output'))"
            ".map(o => o.innerText).join('\\n');",
            panel,
            index,
        )

    def kernel_value(self, panel: str, expression: str) -> str:
        """``repr`` of ``expression`` evaluated in the notebook's kernel now (a silent
        request, as the kernel's state: the widget values Python sees)."""
        return self._async(
            """const kernel = lifecoreNotebook(args[0]).sessionContext.session.kernel;
               const reply = await kernel.requestExecute({code: "", silent: true,
                   store_history: false, user_expressions: {v: args[1]}}).done;
               const v = reply.content.user_expressions.v;
               if (v.status !== "ok") throw new Error(v.ename + ": " + v.evalue);
               return v.data["text/plain"];""",
            panel,
            expression,
        )

    def element(self, panel: str, selector: str, index: int = 0):
        """The ``index``-th element matching ``selector`` in the notebook's page (its tab
        brought to the front), scrolled into view (or None)."""
        found = self.driver.execute_script(
            "window.jupyterapp.shell.activateById(arguments[0]);"
            "const all = document.getElementById(arguments[0]).querySelectorAll(arguments[1]);"
            "const el = all[arguments[2]]; if (el) el.scrollIntoView({block: 'center'});"
            "return el || null;",
            panel,
            selector,
            index,
        )
        return found
