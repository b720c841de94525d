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

from . import models
from .data import soups
from .rules import NAMED_RULES, NEIGHBOURHOODS, Rule, RuleLike, as_rule
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
    "percent",
    "plot_coverage",
    "show_sizes",
    "plot_equivariance",
    "equivariance_table",
    "plot_time_to_exact",
    "plot_learning_curves",
    "compare_rollouts",
    "plot_class_probabilities",
    "plot_basis_scores",
    "plot_seconds",
    "plot_candidates",
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
    fig, axes = plt.subplots(
        rows, cols, figsize=(1.6 * cols, 1.6 * rows + (0.3 if title else 0)), squeeze=False
    )
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
            ax.add_patch(
                Rectangle((c, r), 1, 1, facecolor=colour, edgecolor="black", linewidth=1.5)
            )
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
    fig, axes = plt.subplots(
        rows, cols, figsize=(panel_size * cols, panel_size * rows + 0.3), squeeze=False, dpi=dpi
    )
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

    def __init__(
        self,
        rule: RuleLike = "B3/S23",
        density: float = 0.35,
        size: int = 64,
        seed: int = 0,
        steps: int = 200,
        boundary: str = "torus",
        scale: int = 6,
    ):
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
        self.rule = widgets.Combobox(
            value=rule_text, options=options, description="rule", ensure_option=False, style=style
        )
        self.density = widgets.FloatSlider(
            value=float(density), min=0.0, max=1.0, step=0.01, description="density", style=style
        )
        self.size = widgets.IntSlider(
            value=int(size),
            min=min(8, int(size)),
            max=max(256, int(size)),
            description="size",
            style=style,
        )
        self.seed = widgets.IntText(value=int(seed), description="seed", style=style)
        self.boundary = widgets.Dropdown(
            options=list(BOUNDARIES), value=boundary, description="boundary", style=style
        )
        self.play = widgets.Play(value=0, min=0, max=self.steps, step=1, interval=100)
        self.slider = widgets.IntSlider(
            value=0, min=0, max=self.steps, description="t", style=style
        )
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


def trajectory_viewer(
    rule: RuleLike = "B3/S23",
    density: float = 0.35,
    size: int = 64,
    seed: int = 0,
    steps: int = 200,
    boundary: str = "torus",
) -> TrajectoryViewer:
    """Build the interactive viewer (see `TrajectoryViewer`); display it as a cell's result."""
    return TrajectoryViewer(
        rule=rule, density=density, size=size, seed=seed, steps=steps, boundary=boundary
    )


def table(
    rows: Sequence[dict],
    floatfmt: str = "{:.4g}",
    columns: Optional[dict] = None,
    intfmt: str = "{}",
):
    """Show a list of records as an HTML table (plain text outside a notebook).

    The book's tables are lists of dicts straight from the library, so chapters need no
    dataframe library to show them. ``columns``, a dict ``{key: header}``, picks and orders
    the columns and names their headers (default: every key, as it is). Floats are
    formatted with ``floatfmt``, integers (not booleans) with ``intfmt``.
    """
    import html

    from IPython.display import HTML

    rows = list(rows)
    if not rows:
        raise ValueError("table needs at least one row")
    if columns is None:
        columns = {k: k for k in dict.fromkeys(k for row in rows for k in row)}
    else:
        columns = dict(columns)
        if not columns:
            raise ValueError("columns is empty: nothing to show")
        missing = [k for k in columns if not any(k in row for row in rows)]
        if missing:
            raise ValueError(f"columns {missing} are in no row")

    def fmt(v) -> str:
        if isinstance(v, float):
            return floatfmt.format(v)
        if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            return intfmt.format(v)
        return str(v)

    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in columns.values())
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt(row.get(c, '')))}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def percent(v) -> str:
    """A fraction as a percentage with two decimals (``0.5`` -> ``"50.00%"``); None -> ``"-"``."""
    return "-" if v is None else f"{100 * v:.2f}%"


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
            raise ValueError(
                f"coverage {label!r} has shape {cov.shape}, expected (2, {rule.size + 1}) for {rule}"
            )
        share = cov.ravel() / max(cov.sum(), 1)
        ax.bar(x + (i - (len(coverages) - 1) / 2) * width, share, width, label=label)
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=90, fontsize=7)
    ax.set_ylabel("share of cells")
    ax.set_title(str(rule))
    ax.legend(fontsize=7)
    return ax


# -- chapter 3: sizes and rotation equivariance ------------------------------------------
def show_sizes(rows: Sequence[dict], size: tuple[int, int] = (32, 32), floatfmt: str = "{:,.2f}"):
    """The rows of `lifecore.models.size_table` as a table, with two derived columns:
    our MFLOPs (for one ``size`` board) and the notes' FLOPs per parameter."""
    h, w = (size, size) if isinstance(size, int) else size
    rows = [
        {
            **r,
            "mflops": r["flops"] / 1e6,
            "notes_flops_per_param": round(r["notes_flops_m"] * 1e6 / r["notes_params"]),
        }
        for r in rows
    ]
    columns = {
        "name": "model",
        "params": "parameters",
        "mflops": f"MFLOPs ({h}x{w})",
        "notes_params": "notes: parameters",
        "notes_flops_m": "notes: MFLOPs",
        "notes_flops_per_param": "notes: FLOPs per parameter",
        "notes_lowest_accuracy": "notes: lowest accuracy (%)",
    }
    return table(rows, floatfmt=floatfmt, columns=columns, intfmt="{:,}")


def _models(models_or_names, seed: int) -> dict:
    """``{name: model}`` from model names (each built after ``torch.manual_seed(seed)``, so
    its random weights do not depend on what ran before) or from a ``{label: model}`` dict."""
    import torch

    if isinstance(models_or_names, dict):
        return dict(models_or_names)
    if isinstance(models_or_names, str):
        models_or_names = [models_or_names]
    from . import models

    built = {}
    for name in models_or_names:
        torch.manual_seed(seed)
        built[name] = models.build(name)
    return built


def _boards_tensor(boards):
    import torch

    b = _as_numpy(boards)
    if b.ndim == 2:
        b = b[None]
    if b.ndim != 3:
        raise ValueError(
            f"boards must be one (H, W) board or an (N, H, W) batch, got shape {b.shape}"
        )
    return torch.as_tensor(_as_numpy(check_boards(b, "boards")), dtype=torch.float32)[:, None]


def plot_equivariance(models_or_names, board, k: int = 1, seed: int = 0) -> Figure:
    """One row per model: the board, the board rotated by ``k`` x 90 degrees, the output
    of the rotated board, the rotated output, and their difference (its largest absolute
    value in the title). Equal middle panels mean the model commutes with the rotation.

    ``models_or_names``: model names (built with ``torch.manual_seed(seed)``) or a
    ``{label: model}`` dict.
    """
    import torch

    nets = _models(models_or_names, seed)
    if not nets:
        raise ValueError("no models to check")
    x = _boards_tensor(_board(board))
    fig, rows = plt.subplots(len(nets), 5, figsize=(13, 2.6 * len(nets)), squeeze=False)
    for axes, (name, model) in zip(rows, nets.items()):
        y_rot_in, rot_y = (t[0, 0] for t in models.rotation_pair(model, x, k))
        diff = y_rot_in - rot_y
        panels = [
            (x[0, 0], "input", "gray_r"),
            (torch.rot90(x[0, 0], k), "rotated input", "gray_r"),
            (y_rot_in, "output of rotated input", "viridis"),
            (rot_y, "rotated output", "viridis"),
            (diff, f"difference (max {float(diff.abs().max()):.0e})", "coolwarm"),
        ]
        for ax, (img, title, cmap) in zip(axes, panels):
            ax.imshow(img.numpy(), cmap=cmap)
            ax.set_title(title, fontsize=9)
            _plain(ax)
        axes[0].set_ylabel(name)
    fig.tight_layout()
    return fig


def equivariance_table(
    models_or_names, boards, rotations: Sequence[int] = (1, 2, 3), seed: int = 0
):
    """Per model, the largest equivariance error over ``boards`` and ``rotations`` (see
    `plot_equivariance` for ``models_or_names``), as a table."""
    rotations = list(rotations)
    nets = _models(models_or_names, seed)
    header = f"largest equivariance error over {len(rotations)} rotations"
    return table(
        [
            {"model": name, header: models.equivariance_error(m, boards, rotations)}
            for name, m in nets.items()
        ],
        floatfmt="{:.1e}",
    )


# -- chapter 4: training runs and rollouts -----------------------------------------------
def _model_order(records: Sequence[dict], models: Optional[Sequence[str]]) -> list[str]:
    if models is None:
        return list(dict.fromkeys(r["model"] for r in records))
    return list(models)


def plot_time_to_exact(
    records: Sequence[dict], models: Optional[Sequence[str]] = None, ax: Optional[Axes] = None
) -> Axes:
    """Training time of every run, one row of dots per model (spread vertically so
    they do not overlap): green where the run ended exact, red where not.

    ``records`` are run records (`lifecore.experiments.run_grid`); ``models`` orders the
    rows (default: order of first appearance).
    """
    records = list(records)
    names = _model_order(records, models)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    for i, m in enumerate(names):
        recs = [r for r in records if r["model"] == m]
        xs = [r["seconds"] for r in recs]
        ax.scatter(
            xs,
            np.full(len(xs), i) + np.linspace(-0.2, 0.2, len(xs)),
            c=["tab:green" if r["exact"] else "tab:red" for r in recs],
            s=18,
        )
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("training time (s), one process with one thread")
    ax.set_title("each dot is one (rule, seed): green exact, red not")
    ax.figure.tight_layout()
    return ax


def plot_learning_curves(
    records: Sequence[dict],
    rules: Sequence[str],
    models: Optional[Sequence[str]] = None,
    seed: int = 0,
) -> Figure:
    """Validation loss per epoch (log scale), one panel per rule and one line per model,
    for the runs with ``seed``. A cross marks the last epoch of a run that ended exact."""
    records = list(records)
    rules = list(rules)
    if not rules:
        raise ValueError("rules is empty: nothing to plot")
    names = _model_order(records, models)
    fig, axes = plt.subplots(
        1, len(rules), figsize=(5.5 * len(rules), 3.6), sharey=True, squeeze=False
    )
    axes = axes[0]
    for ax, rule in zip(axes, rules):
        for m in names:
            for r in records:
                if r["rule"] == rule and r["model"] == m and r["seed"] == seed:
                    ep = [h["epoch"] for h in r["history"]]
                    loss = [h["val_loss"] for h in r["history"]]
                    (line,) = ax.plot(ep, loss, label=m)
                    if r["exact"]:
                        ax.plot(ep[-1], loss[-1], "x", color=line.get_color(), ms=8)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_title(rule)
    axes[0].set_ylabel("validation loss (BCE per cell)")
    axes[-1].legend(fontsize=8)
    fig.tight_layout()
    return fig


def compare_rollouts(
    rollouts: dict,
    truth,
    times: Sequence[int],
    truth_label: str = "true rule",
    show: Optional[Sequence[str]] = None,
) -> Figure:
    """Rollouts beside the true evolution, at generations ``times`` (one column each).

    Rows: the frames of each rollout named in ``show`` (default: all), then ``truth``, then
    for every rollout the cells where it differs from ``truth`` (red), titled with their
    count, so zero in every title of a row means that rollout matched the truth.
    ``rollouts`` maps a label to a ``(T, H, W)`` trajectory the shape of ``truth``.
    """
    truth = _trajectory(truth, "truth")
    rollouts = {label: _trajectory(f, f"rollout {label!r}") for label, f in rollouts.items()}
    for label, frames in rollouts.items():
        if frames.shape != truth.shape:
            raise ValueError(f"rollout {label!r} has shape {frames.shape}, truth {truth.shape}")
    show = list(rollouts) if show is None else list(show)
    unknown = [s for s in show if s not in rollouts]
    if unknown:
        raise ValueError(f"show names {unknown}, not among the rollouts {list(rollouts)}")
    times = [int(t) for t in times]
    bad = [t for t in times if not 0 <= t < truth.shape[0]]
    if not times or bad:
        raise ValueError(f"times {bad or times} outside generations 0..{truth.shape[0] - 1}")
    rows = [(label, rollouts[label], "binary") for label in show] + [(truth_label, truth, "binary")]
    rows += [
        (f"{label} vs true: differing cells", frames ^ truth, "Reds")
        for label, frames in rollouts.items()
    ]
    fig, axes = plt.subplots(
        len(rows), len(times), figsize=(2.6 * len(times), 2.625 * len(rows)), squeeze=False
    )
    for i, (label, frames, cmap) in enumerate(rows):
        for j, t in enumerate(times):
            ax = axes[i, j]
            ax.imshow(frames[t], cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            _plain(ax)
            ax.set_title(f"t={t}, {int(frames[t].sum())} cells", fontsize=8)
            if j == 0:
                ax.set_ylabel(label, fontsize=8)
    fig.tight_layout()
    return fig


# -- chapter 5: reading rules out of networks ---------------------------------------------
def plot_class_probabilities(extractions: dict, truth: RuleLike) -> Figure:
    """Neighbour statistics as bars: ``P(next alive | state, count)`` for dead (B) and alive
    (S) cells, one panel per reading, with the supporting cells printed above each bar and
    the true rule's value marked by a black tick.

    ``extractions`` maps a label to an `lifecore.extract.Extraction` from
    ``neighbour_statistics`` (its ``details`` carry ``p_alive`` and ``support``).
    """
    if not extractions:
        raise ValueError("no readings to plot")
    rule = as_rule(truth)
    name = truth if isinstance(truth, str) else str(rule)
    fig, axes = plt.subplots(1, len(extractions), figsize=(11, 3), sharey=True, squeeze=False)
    axes = axes[0]
    for ax, (label, e) in zip(axes, extractions.items()):
        p, support = e.details["p_alive"], e.details["support"]
        if p.shape != rule.table.shape:
            raise ValueError(
                f"reading {label!r} has {p.shape[1]} counts, {rule} has {rule.table.shape[1]}"
            )
        k = p.shape[1]
        for s, off, state in ((0, -0.2, "dead (B)"), (1, 0.2, "alive (S)")):
            ax.bar(np.arange(k) + off, np.nan_to_num(p[s]), 0.4, label=state)
            for c in range(k):
                ax.text(c + off, 1.02, str(support[s, c]), ha="center", fontsize=6, rotation=90)
                ax.plot(c + off, rule.table[s, c], "k_", ms=8)
        ax.set(title=f"{name}: {label}", xlabel="live neighbours", ylim=(0, 1.3))
    axes[0].set_ylabel("P(next alive)")
    axes[0].legend(loc="center left", fontsize=7)
    fig.tight_layout()
    return fig


def plot_basis_scores(basis: dict) -> Figure:
    """One row per `lifecore.extract.compare_with_basis` reading (``{rule: Extraction}``):
    heat maps of the true table, the CKA scores, the aligned first-layer cosines and the
    function control, each over (state, count)."""
    if not basis:
        raise ValueError("no basis readings to plot")
    fig, axes = plt.subplots(len(basis), 4, figsize=(13, 2.2 * len(basis)), squeeze=False)
    for row, (rule, e) in zip(axes, basis.items()):
        panels = [
            ("truth", as_rule(rule).table),
            ("CKA", e.details["cka"]),
            ("aligned cosine", e.details["aligned"]),
            ("function (control)", e.details["function"]),
        ]
        for ax, (name, m) in zip(row, panels):
            im = ax.imshow(m, cmap="viridis", aspect="auto")
            ax.set(title=f"{rule}: {name}", yticks=[0, 1], yticklabels=["B", "S"], xlabel="count")
            fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    return fig


def plot_seconds(cost: dict, ax: Optional[Axes] = None) -> Axes:
    """Horizontal box plots of seconds per network, one per method, log scale.
    ``cost`` maps a method to its list of seconds (`lifecore.extract.seconds_by_method`)."""
    if not cost:
        raise ValueError("no timings to plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 2.5))
    ax.boxplot([list(v) for v in cost.values()], orientation="horizontal")
    ax.set_yticks(range(1, len(cost) + 1), list(cost))
    ax.set(xscale="log", xlabel="seconds per network")
    return ax


# -- chapter 6: rule discovery --------------------------------------------------------------
def plot_candidates(
    curves: dict, title: str, max_rounds: int = 9, ax: Optional[Axes] = None
) -> Axes:
    """Candidates left per round, log2 scale: for each strategy the mean over seeds (a line)
    and the range (a band). ``curves`` maps a strategy to a ``(seeds, rounds)`` array (as
    from `lifecore.discover.compare_strategies`); the first ``max_rounds`` rounds are drawn."""
    if not curves:
        raise ValueError("no curves to plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    for strategy, c in curves.items():
        c = np.asarray(c, dtype=float)[:, :max_rounds]
        ax.plot(np.log2(c).mean(0), marker="o", label=f"{strategy} (mean of {len(c)} seeds)")
        ax.fill_between(range(c.shape[1]), np.log2(c).min(0), np.log2(c).max(0), alpha=0.2)
    ax.set(xlabel="round", ylabel="log2(candidates)", title=title)
    ax.legend()
    return ax
