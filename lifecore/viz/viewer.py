"""The trajectory viewer: a random soup under a rule the reader types, played in the page.

The simulation runs in JavaScript (``static/viewer.js``), so the viewer works in the static
book with no kernel and no network: its ``text/html`` output is the whole viewer, script
included. In JupyterLab the same JavaScript runs as an `anywidget` whose state (rule,
density, seed, size, boundary, generation ``t``) is synced with Python. The JavaScript
simulator agrees cell for cell with `lifecore.simulate` (``tests/viz/test_viewer_js.py``),
and `viewer_soup` is the Python twin of its seeded soup generator, so `TrajectoryViewer.frames`
is what the page shows.
"""

from __future__ import annotations

import html
import json
import uuid
from functools import cache

import numpy as np

from ..errors import LifecoreError
from ..rules import NAMED_RULES, Rule, RuleLike, as_rule
from ..rules.named import name_key
from ..simulate import simulate
from .assets import asset

__all__ = ["ViewerError", "TrajectoryViewer", "trajectory_viewer", "viewer_soup"]

#: Boundaries the viewer offers (as `lifecore.simulate`'s ``boundary``).
BOUNDARIES = ("torus", "dead")


class ViewerError(LifecoreError):
    """Viewer settings out of range (size, steps, seed, density, boundary)."""


def _mulberry32(seed: int, n: int) -> np.ndarray:
    """``n`` draws in [0, 1) of the mulberry32 generator, exactly as ``viewer.js`` makes them."""
    mask = 0xFFFFFFFF

    def imul(a: int, b: int) -> int:
        return (a * b) & mask

    a, out = seed & mask, np.empty(n)
    for i in range(n):
        a = (a + 0x6D2B79F5) & mask
        t = imul(a ^ (a >> 15), 1 | a)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & mask) ^ t
        out[i] = ((t ^ (t >> 14)) & mask) / 4294967296
    return out


def viewer_soup(size: int, density: float, seed: int) -> np.ndarray:
    """The viewer's random board: uint8 ``(size, size)``, the cell ``i`` (row-major) alive when
    the ``i``-th draw of mulberry32(``seed``) is below ``density``.

    The page makes the same board in JavaScript; `lifecore.data.soups` uses NumPy's
    generator instead, which the page does not have.
    """
    return (_mulberry32(int(seed), size * size) < density).astype(np.uint8).reshape(size, size)


def _check(density, size, seed, steps, boundary) -> None:
    if isinstance(density, bool) or not isinstance(density, (int, float, np.floating)):
        raise ViewerError(f"density must be a number in [0, 1], got {density!r}")
    if not 0.0 <= float(density) <= 1.0:
        raise ViewerError(f"density must be in [0, 1], got {density!r}")
    for label, value, low, high in (
        ("size", size, 8, 256),
        ("steps", steps, 1, 10000),
        ("seed", seed, 0, 2**31 - 1),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ViewerError(f"{label} must be an integer in {low}..{high}, got {value!r}")
        if not low <= value <= high:
            raise ViewerError(f"{label} must be an integer in {low}..{high}, got {value!r}")
    if boundary not in BOUNDARIES:
        raise ViewerError(f"unknown boundary {boundary!r}: expected one of {BOUNDARIES}")


@cache
def _widget_class():
    """The anywidget class, made on first use (anywidget loads ipywidgets)."""
    import anywidget
    import traitlets

    class _Viewer(anywidget.AnyWidget):
        _esm = asset("viewer.js") + "\nexport default { render: LifecoreViewer.render };\n"
        _css = asset("viewer.css")
        rule = traitlets.Unicode("B3/S23").tag(sync=True)
        density = traitlets.Float(0.35).tag(sync=True)
        size = traitlets.Int(64).tag(sync=True)
        seed = traitlets.Int(0).tag(sync=True)
        steps = traitlets.Int(200).tag(sync=True)
        boundary = traitlets.Unicode("torus").tag(sync=True)
        t = traitlets.Int(0).tag(sync=True)
        interval = traitlets.Int(100).tag(sync=True)
        names = traitlets.Dict().tag(sync=True)
        options = traitlets.List().tag(sync=True)

    return _Viewer


class TrajectoryViewer:
    """A random soup under a rule, with a Play button, steps and a generation slider.

    Display it as a cell's result: JupyterLab shows the widget, the static book the same
    viewer as self-contained HTML (both run ``viewer.js``). ``widget`` is the anywidget;
    its traits ``rule``, ``density``, ``size``, ``seed``, ``steps``, ``boundary`` and ``t``
    follow the page. `frames` and `shown` compute what the page shows.
    """

    def __init__(
        self,
        rule: RuleLike = "B3/S23",
        density: float = 0.35,
        size: int = 64,
        seed: int = 0,
        steps: int = 200,
        boundary: str = "torus",
        interval: int = 100,
    ):
        parsed = as_rule(rule)  # raises RuleError
        if getattr(parsed, "topology", None) is not None:
            raise ViewerError(
                f"rule {parsed} has a bounded-grid suffix: the viewer's board is size x size "
                f"with the boundary given by `boundary` ('torus' or 'dead')"
            )
        rule_text = str(parsed)
        _check(density, size, seed, steps, boundary)
        options = sorted({str(Rule.parse(r)) for r in NAMED_RULES.values()} | {rule_text})
        self.widget = _widget_class()(
            rule=rule_text,
            density=float(density),
            size=int(size),
            seed=int(seed),
            steps=int(steps),
            boundary=boundary,
            interval=int(interval),
            names={name_key(k): v for k, v in NAMED_RULES.items()},
            options=options,
        )

    def __getattr__(self, name: str):
        if name in ("rule", "density", "size", "seed", "steps", "boundary", "t"):
            return getattr(self.widget, name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value) -> None:
        if name in ("rule", "density", "size", "seed", "steps", "boundary", "t"):
            setattr(self.widget, name, value)
        else:
            object.__setattr__(self, name, value)

    @property
    def frames(self) -> np.ndarray:
        """The trajectory the page shows: uint8 ``(steps + 1, size, size)``.

        Raises
        ------
        RuleError
            If the rule box holds a rule that cannot be read (the page then keeps showing
            the last rule it could read, with the error above it).
        """
        w = self.widget
        board = viewer_soup(w.size, w.density, w.seed)
        return simulate(board, w.rule, w.steps, boundary=w.boundary)

    @property
    def shown(self) -> np.ndarray:
        """The board at generation ``t``."""
        return self.frames[self.widget.t]

    def _state(self) -> dict:
        w = self.widget
        keys = (
            "rule",
            "density",
            "size",
            "seed",
            "steps",
            "boundary",
            "t",
            "interval",
            "names",
            "options",
        )
        return {k: getattr(w, k) for k in keys}

    def static_html(self) -> str:
        """The whole viewer as one HTML fragment: CSS and JavaScript inline, nothing fetched."""
        state = json.dumps(self._state()).replace("</", "<\\/")
        uid = "lifecore-viewer-" + uuid.uuid4().hex[:12]
        w = self.widget
        summary = f"a {w.size}x{w.size} soup of density {w.density} under {w.rule}."
        return asset("viewer.html").format(
            id=uid,
            css=asset("viewer.css"),
            js=asset("viewer.js"),
            state=state,
            summary=html.escape(summary),
        )

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["text/html"] = self.static_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        w = self.widget
        return (
            f"TrajectoryViewer(rule={w.rule!r}, density={w.density}, size={w.size}, "
            f"seed={w.seed}, steps={w.steps}, boundary={w.boundary!r})"
        )


def trajectory_viewer(
    rule: RuleLike = "B3/S23",
    density: float = 0.35,
    size: int = 64,
    seed: int = 0,
    steps: int = 200,
    boundary: str = "torus",
) -> TrajectoryViewer:
    """Build the viewer (see `TrajectoryViewer`); display it as a cell's result.

    Parameters
    ----------
    rule : Rule or str
        Any rule `lifecore.Rule.parse` reads; the reader can type another in the page.
    density : float
        Share of live cells in the soup, in [0, 1].
    size : int
        Board side, 8..256.
    seed : int
        Seed of the soup, 0..2**31 - 1.
    steps : int
        Generations simulated, 1..10000.
    boundary : {"torus", "dead"}

    Returns
    -------
    TrajectoryViewer

    Raises
    ------
    RuleError
        If ``rule`` cannot be read.
    ViewerError
        If another setting is out of range.
    """
    return TrajectoryViewer(
        rule=rule, density=density, size=size, seed=seed, steps=steps, boundary=boundary
    )
