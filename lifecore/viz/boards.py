"""Boards and trajectories as matplotlib figures: one board, a strip of generations, a
neighbourhood stencil.

Everything draws headless (Agg is fine), so the book builds without a display.
matplotlib is imported by the functions that draw, so importing `lifecore.viz` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence, Union

import numpy as np

from ..rules import NEIGHBOURHOODS, RuleLike, as_rule
from ..simulate import BoardError, check_boards

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["CMAP", "show_board", "show_trajectory", "show_stencil"]

#: Dead cells white, live cells black.
CMAP = "gray_r"


def as_numpy(x) -> np.ndarray:
    """A NumPy copy of ``x`` (torch tensors are detached and moved to the CPU)."""
    if hasattr(x, "detach"):  # torch tensor
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def one_board(board, name: str = "board") -> np.ndarray:
    """``board`` checked as one 0/1 ``(H, W)`` board, as uint8."""
    board = as_numpy(check_boards(as_numpy(board), name))
    if board.ndim != 2:
        raise BoardError(f"{name} must be one 2-D (H, W) board, got shape {board.shape}")
    return board.astype(np.uint8)


def one_trajectory(frames, name: str = "frames") -> np.ndarray:
    """``frames`` checked as one 0/1 ``(T, H, W)`` trajectory, as uint8."""
    frames = as_numpy(frames)
    if frames.ndim != 3:
        raise BoardError(f"{name} must be a (T, H, W) trajectory, got shape {frames.shape}")
    return as_numpy(check_boards(frames, name)).astype(np.uint8)


def plain(ax: Axes) -> None:
    """Remove the ticks: a board's axes carry no scale."""
    ax.set_xticks([])
    ax.set_yticks([])


def show_board(board, ax: Optional[Axes] = None, title: Optional[str] = None) -> Axes:
    """Draw one board (live cells black) and return its axes.

    Parameters
    ----------
    board : array-like of 0/1, shape (H, W)
        NumPy array or torch tensor.
    ax : matplotlib Axes, optional
        Where to draw; a new 3-inch figure by default.
    title : str, optional

    Raises
    ------
    BoardError
        If ``board`` is not one 0/1 board.
    """
    import matplotlib.pyplot as plt

    board = one_board(board)
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3 * board.shape[0] / board.shape[1]))
    ax.imshow(board, cmap=CMAP, vmin=0, vmax=1, interpolation="nearest")
    plain(ax)
    if title is not None:
        ax.set_title(title)
    return ax


def _steps(n: int, steps: Optional[Sequence[int]], ncols: int) -> list[int]:
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise BoardError(f"ncols must be a positive integer, got {ncols!r}")
    if steps is None:
        steps = np.unique(np.linspace(0, n - 1, min(ncols, n)).round().astype(int)).tolist()
    steps = [int(s) for s in steps]
    if not steps:
        raise BoardError("steps is empty: nothing to show")
    bad = [s for s in steps if not 0 <= s < n]
    if bad:
        raise BoardError(f"steps {bad} outside the trajectory's generations 0..{n - 1}")
    return steps


def show_trajectory(
    frames,
    steps: Optional[Sequence[int]] = None,
    ncols: int = 8,
    title: Optional[str] = None,
) -> Figure:
    """A strip of frames of one trajectory, labelled by generation.

    Parameters
    ----------
    frames : array-like of 0/1, shape (T, H, W)
    steps : sequence of int, optional
        The generations to show (default: ``ncols`` evenly spaced ones, first and last
        included).
    ncols : int
        Panels per row.
    title : str, optional

    Raises
    ------
    BoardError
        If ``frames`` is not a trajectory or a step is outside it.
    """
    import matplotlib.pyplot as plt

    frames = one_trajectory(frames)
    steps = _steps(frames.shape[0], steps, ncols)
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

    Parameters
    ----------
    rule_or_neighbourhood : Rule, str
        A rule, a rule string, or a neighbourhood name (``"moore"``, ``"vonneumann"``,
        ``"hex"``).
    ax : matplotlib Axes, optional

    Raises
    ------
    RuleError
        If the argument is neither a neighbourhood name nor a rule.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

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
    plain(ax)
    ax.set_title(f"{name} ({len(offsets)})")
    return ax
