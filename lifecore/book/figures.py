"""Figures laid out for the book's text column.

The book's column is about 700 px wide. A figure drawn 13 inches wide is shrunk to fit it
and its 8 pt labels end up a few pixels tall, so every figure here is drawn at the column
width (`COLUMN`, in inches at `DPI`) with fonts no smaller than `SMALLEST` points, and a
multi-panel figure gets more rows instead of more columns.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

__all__ = ["COLUMN", "DPI", "SMALLEST", "use_book_style", "board_strip"]

#: Width of the text column, inches (at `DPI` this is 650 px).
COLUMN = 6.5
#: Dots per inch of every figure, so a figure's pixels match its inches.
DPI = 100
#: The smallest font size used, points (about 14 px at `DPI`).
SMALLEST = 10


def use_book_style() -> None:
    """Set matplotlib's defaults for the book: column width, readable fonts, fixed DPI."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "figure.figsize": (COLUMN, COLUMN * 0.5),
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "font.size": SMALLEST + 1,
            "axes.titlesize": SMALLEST + 1,
            "axes.labelsize": SMALLEST + 1,
            "xtick.labelsize": SMALLEST,
            "ytick.labelsize": SMALLEST,
            "legend.fontsize": SMALLEST,
            "figure.titlesize": SMALLEST + 2,
        }
    )


def board_strip(
    frames,
    steps: Sequence[int],
    ncols: Optional[int] = None,
    label: str = "t = {}",
):
    """Frames of one trajectory at generations ``steps``, at most ``ncols`` per row
    (default: as many as keep each panel at least 1.2 inches wide), each labelled.

    ``frames`` is a ``(T, H, W)`` 0/1 array. Returns the figure.
    """
    import matplotlib.pyplot as plt

    frames = np.asarray(frames)
    steps = [int(s) for s in steps]
    if frames.ndim != 3:
        raise ValueError(f"frames must be (T, H, W), got shape {frames.shape}")
    bad = [s for s in steps if not 0 <= s < frames.shape[0]]
    if not steps or bad:
        raise ValueError(f"steps {bad or steps} outside generations 0..{frames.shape[0] - 1}")
    ncols = min(ncols or int(COLUMN // 1.2), len(steps))
    nrows = -(-len(steps) // ncols)
    side = COLUMN / ncols
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(COLUMN, side * nrows + 0.35 * nrows), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for ax, s in zip(axes.flat, steps):
        ax.imshow(frames[s], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(label.format(s))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.axis("on")
    fig.tight_layout()
    return fig
