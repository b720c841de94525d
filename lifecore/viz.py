"""Figures, animations and a widget for looking at boards and trajectories.

Everything here draws with matplotlib and works without a display (Agg), so the book
builds headless: animations are embedded as self-contained JavaScript (`animation_html`)
that plays in the static HTML, and the interactive `trajectory_viewer` renders each
frame to a PNG so it can also be driven from tests.
"""

from __future__ import annotations

import io
from typing import Optional, Sequence, Union

import matplotlib

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation as mpl_animation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .rules import NAMED_RULES, NEIGHBOURHOODS, Rule, RuleLike, as_rule
from .data import soups
from .simulate import BOUNDARIES, check_boards, simulate

__all__ = [
    "show_board",
    "show_trajectory",
    "show_stencil",
    "animate",
    "animation_html",
    "trajectory_viewer",
    "TrajectoryViewer",
    "table",
    "plot_coverage",
]

#: Dead cells white, live cells black.
CMAP = "gray_r"


def _as_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):  # torch tensor
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _board(board, name: str = "board") -> np.ndarray:
    board = _as_numpy(check_boards(_as_numpy(board), name))
    if board.ndim != 2:
        raise ValueError(f"{name} must be one 2-D (H, W) board, got shape {board.shape}")
    return board.astype(np.uint8)


def _trajectory(frames, name: str = "frames") -> np.ndarray:
    frames = _as_numpy(frames)
    if frames.ndim != 3:
        raise ValueError(f"{name} must be a (T, H, W) trajectory, got shape {frames.shape}")
    return _as_numpy(check_boards(frames, name)).astype(np.uint8)


def _plain(ax: Axes) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def show_board(board, ax: Optional[Axes] = None, title: Optional[str] = None) -> Axes:
    """Draw one board (live cells black) and return its axes."""
    board = _board(board)
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3 * board.shape[0] / board.shape[1]))
    ax.imshow(board, cmap=CMAP, vmin=0, vmax=1, interpolation="nearest")
    _plain(ax)
    if title is not None:
        ax.set_title(title)
    return ax


def show_trajectory(
    frames,
    steps: Optional[Sequence[int]] = None,
    ncols: int = 8,
    title: Optional[str] = None,
) -> Figure:
    """A strip of frames of one trajectory, labelled by generation.

    ``steps`` picks the generations (default: ``ncols`` evenly spaced ones, first and
    last included).
    """
    frames = _trajectory(frames)
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    n = frames.shape[0]
    if steps is None:
        steps = np.unique(np.linspace(0, n - 1, min(ncols, n)).round().astype(int)).tolist()
    steps = [int(s) for s in steps]
    if not steps:
        raise ValueError("steps is empty: nothing to show")
    bad = [s for s in steps if not 0 <= s < n]
    if bad:
        raise ValueError(f"steps {bad} outside the trajectory's generations 0..{n - 1}")
    cols = min(ncols, len(steps))
    rows = -(-len(steps) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols, 1.6 * rows + (0.3 if title else 0)),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, s in zip(axes.flat, steps):
        ax.axis("on")
        show_board(frames[s], ax=ax, title=f"t = {s}")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_stencil(rule_or_neighbourhood: Union[RuleLike, str], ax: Optional[Axes] = None) -> Axes:
    """Draw a neighbourhood on a 3x3 grid: neighbours shaded, the centre cell marked.

    Accepts a `Rule`, a rule string, or a neighbourhood name (``"moore"``,
    ``"vonneumann"``, ``"hex"``).
    """
    if isinstance(rule_or_neighbourhood, str) and rule_or_neighbourhood in NEIGHBOURHOODS:
        name = rule_or_neighbourhood
    else:
        name = as_rule(rule_or_neighbourhood).neighbourhood
    offsets = NEIGHBOURHOODS[name]
    if ax is None:
        _, ax = plt.subplots(figsize=(2, 2))
    for r in range(3):
        for c in range(3):
            d = (r - 1, c - 1)
            colour = "#4c72b0" if d in offsets else ("#f2c14e" if d == (0, 0) else "white")
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor=colour, edgecolor="black", linewidth=1.5))
    ax.text(1.5, 1.5, "x", ha="center", va="center", fontsize=16, fontweight="bold")
    ax.set_xlim(0, 3)
    ax.set_ylim(3, 0)
    ax.set_aspect("equal")
    _plain(ax)
    ax.set_title(f"{name} ({len(offsets)})")
    return ax


def _trajectories(frames) -> list[np.ndarray]:
    if isinstance(frames, (list, tuple)):
        if not frames:
            raise ValueError("no trajectories to animate")
        return [_trajectory(f, f"trajectory {i}") for i, f in enumerate(frames)]
    arr = _as_numpy(frames)
    if arr.ndim == 4:
        return [_trajectory(f, f"trajectory {i}") for i, f in enumerate(arr)]
    return [_trajectory(arr)]


def animate(
    frames,
    titles: Optional[Sequence[str]] = None,
    interval: int = 100,
    ncols: Optional[int] = None,
    panel_size: float = 2.0,
    dpi: int = 72,
) -> mpl_animation.FuncAnimation:
    """Animate one ``(T, H, W)`` trajectory, or several side by side.

    ``frames`` is a trajectory, an ``(N, T, H, W)`` batch or a list of trajectories
    (lengths may differ: a shorter one holds its last frame). The animation has as many
    frames as the longest trajectory.
    """
    trajs = _trajectories(frames)
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(trajs):
            raise ValueError(f"{len(titles)} titles for {len(trajs)} trajectories")
    if not isinstance(interval, (int, np.integer)) or interval <= 0:
        raise ValueError(f"interval must be a positive number of milliseconds, got {interval!r}")
    n = len(trajs)
    cols = min(n, ncols or 4)
    rows = -(-n // cols)
    length = max(t.shape[0] for t in trajs)
    fig, axes = plt.subplots(rows, cols, figsize=(panel_size * cols, panel_size * rows + 0.3),
                             squeeze=False, dpi=dpi)
    images = []
    for ax in axes.flat[n:]:
        ax.axis("off")
    for i, (ax, traj) in enumerate(zip(axes.flat, trajs)):
        images.append(ax.imshow(traj[0], cmap=CMAP, vmin=0, vmax=1, interpolation="nearest"))
        _plain(ax)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    label = fig.suptitle("t = 0", fontsize=9)
    fig.tight_layout()

    def update(t: int):
        for im, traj in zip(images, trajs):
            im.set_data(traj[min(t, traj.shape[0] - 1)])
        label.set_text(f"t = {t}")
        return [*images, label]

    anim = mpl_animation.FuncAnimation(fig, update, frames=length, interval=interval, blit=False)
    return anim


def animation_html(frames, titles: Optional[Sequence[str]] = None, interval: int = 100, **kwargs):
    """`animate`, rendered to a self-contained HTML/JavaScript player (no kernel needed).

    The figure is closed afterwards so notebooks do not also show a static copy.
    """
    from IPython.display import HTML

    anim = animate(frames, titles=titles, interval=interval, **kwargs)
    try:
        with matplotlib.rc_context({"animation.embed_limit": 50.0}):
            html = anim.to_jshtml(default_mode="loop")
    finally:
        plt.close(anim._fig)
    return HTML(html)


def _png(board: np.ndarray, scale: int) -> bytes:
    from matplotlib.image import imsave

    big = np.kron(board, np.ones((scale, scale), dtype=np.uint8))
    buf = io.BytesIO()
    imsave(buf, big, cmap=CMAP, vmin=0, vmax=1, format="png")
    return buf.getvalue()


def _viewer_widgets():
    import ipywidgets

    return ipywidgets


class TrajectoryViewer:
    """An ipywidgets viewer: controls for a random soup and a rule, a Play button and a
    generation slider. Display it in JupyterLab; it needs a live kernel to respond.

    Attributes are the widgets (``rule``, ``density``, ``size``, ``seed``, ``boundary``,
    ``play``, ``slider``, ``image``, ``status``) and ``frames``, the current trajectory;
    ``widget`` is the whole layout.
    """

    def __init__(self, rule: RuleLike = "B3/S23", density: float = 0.35, size: int = 64,
                 seed: int = 0, steps: int = 200, boundary: str = "torus", scale: int = 6):
        widgets = _viewer_widgets()
        rule_text = str(as_rule(rule))  # validates
        soups(1, 1, density)  # validates density
        for label, value, low in (("size", size, 3), ("steps", steps, 1), ("scale", scale, 1)):
            if not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{label} must be an integer >= {low}, got {value!r}")
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        if boundary not in BOUNDARIES:
            raise ValueError(f"unknown boundary {boundary!r}: expected one of {BOUNDARIES}")
        self.steps, self.scale = int(steps), int(scale)
        options = sorted({str(Rule.parse(r)) for r in NAMED_RULES.values()} | {rule_text})
        style = {"description_width": "70px"}
        self.rule = widgets.Combobox(value=rule_text, options=options, description="rule",
                                     ensure_option=False, style=style)
        self.density = widgets.FloatSlider(value=float(density), min=0.0, max=1.0, step=0.01,
                                           description="density", style=style)
        self.size = widgets.IntSlider(value=int(size), min=min(8, int(size)), max=max(256, int(size)),
                                      description="size", style=style)
        self.seed = widgets.IntText(value=int(seed), description="seed", style=style)
        self.boundary = widgets.Dropdown(options=list(BOUNDARIES), value=boundary,
                                         description="boundary", style=style)
        self.play = widgets.Play(value=0, min=0, max=self.steps, step=1, interval=100)
        self.slider = widgets.IntSlider(value=0, min=0, max=self.steps, description="t",
                                        style=style)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="384px"))
        self.status = widgets.HTML()
        self.frames = np.zeros((1, 1, 1), np.uint8)
        for w in (self.rule, self.density, self.size, self.seed, self.boundary):
            w.observe(self._recompute, names="value")
        self.slider.observe(self._show, names="value")
        controls = widgets.VBox([self.rule, self.density, self.size, self.seed, self.boundary])
        player = widgets.VBox([widgets.HBox([self.play, self.slider]), self.image, self.status])
        self.widget = widgets.HBox([controls, player])
        self._recompute()

    def _recompute(self, change=None) -> None:
        """Re-run the simulation; a rule that cannot be read is reported, not raised."""
        try:
            rule = as_rule(self.rule.value)
        except ValueError as err:
            self.status.value = f"<span style='color:#b00'>{err}</span>"
            return
        soup = soups(1, self.size.value, self.density.value, self.seed.value)[0]
        self.frames = simulate(soup, rule, self.steps, boundary=self.boundary.value)
        self._rule = rule
        self._show()

    def _show(self, change=None) -> None:
        t = int(self.slider.value)
        board = self.frames[t]
        self.image.value = _png(board, self.scale)
        self.status.value = f"{self._rule} &nbsp; t = {t} &nbsp; population {int(board.sum())}"

    @property
    def shown(self) -> np.ndarray:
        """The board currently displayed."""
        return self.frames[int(self.slider.value)]

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def trajectory_viewer(rule: RuleLike = "B3/S23", density: float = 0.35, size: int = 64,
                      seed: int = 0, steps: int = 200, boundary: str = "torus") -> TrajectoryViewer:
    """Build the interactive viewer (see `TrajectoryViewer`); display it as a cell's result."""
    return TrajectoryViewer(rule=rule, density=density, size=size, seed=seed, steps=steps,
                            boundary=boundary)


def table(rows: Sequence[dict], floatfmt: str = "{:.4g}"):
    """Show a list of records as an HTML table (plain text outside a notebook).

    The book's tables are lists of dicts straight from the library, so chapters need no
    dataframe library to show them.
    """
    import html

    from IPython.display import HTML

    rows = list(rows)
    if not rows:
        raise ValueError("table needs at least one row")
    columns = list(dict.fromkeys(k for row in rows for k in row))
    fmt = lambda v: floatfmt.format(v) if isinstance(v, float) else str(v)  # noqa: E731
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt(row.get(c, '')))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def plot_coverage(coverages: dict, rule: RuleLike, ax: Optional[Axes] = None) -> Axes:
    """Bar chart of samples per (state, count) class, one bar group per dataset, log scale.

    ``coverages`` maps a label to a ``(2, size + 1)`` array from `lifecore.data.coverage`.
    Classes are named by their transition symbol (``B3``: dead with 3 live neighbours).
    """
    rule = as_rule(rule)
    names = [Rule.class_name(s, c) for s, c in rule.classes]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    width = 0.8 / max(len(coverages), 1)
    x = np.arange(len(names))
    for i, (label, cov) in enumerate(coverages.items()):
        cov = np.asarray(cov)
        if cov.shape != (2, rule.size + 1):
            raise ValueError(f"coverage {label!r} has shape {cov.shape}, expected (2, {rule.size + 1}) for {rule}")
        share = cov.ravel() / max(cov.sum(), 1)
        ax.bar(x + (i - (len(coverages) - 1) / 2) * width, share, width, label=label)
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=90, fontsize=7)
    ax.set_ylabel("share of cells")
    ax.set_title(str(rule))
    ax.legend(fontsize=7)
    return ax
