"""Animations of trajectories that play in the static book, with no kernel and no network.

`animation_html` renders every frame to a PNG and wraps them in a small player (play,
pause, step, scrub) whose HTML, CSS and JavaScript are all inline: nothing is fetched
from a CDN (matplotlib's own ``to_jshtml`` links Font Awesome, which fails offline).
"""

from __future__ import annotations

import base64
import html
import io
import uuid
from typing import TYPE_CHECKING, Callable, Optional, Sequence

import numpy as np

from ..simulate import BoardError
from .assets import asset
from .boards import CMAP, as_numpy, one_trajectory, plain

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.animation import FuncAnimation
    from matplotlib.figure import Figure

__all__ = ["animate", "animation_html", "AnimationHTML"]


def _trajectories(frames) -> list[np.ndarray]:
    if isinstance(frames, (list, tuple)):
        if not frames:
            raise BoardError("no trajectories to animate")
        return [one_trajectory(f, f"trajectory {i}") for i, f in enumerate(frames)]
    arr = as_numpy(frames)
    if arr.ndim == 4:
        return [one_trajectory(f, f"trajectory {i}") for i, f in enumerate(arr)]
    return [one_trajectory(arr)]


def _check(trajs: list, titles, interval) -> Optional[list[str]]:
    if titles is not None:
        titles = [str(t) for t in titles]
        if len(titles) != len(trajs):
            raise BoardError(f"{len(titles)} titles for {len(trajs)} trajectories")
    if not isinstance(interval, (int, np.integer)) or interval <= 0:
        raise BoardError(f"interval must be a positive number of milliseconds, got {interval!r}")
    return titles


def _figure(
    trajs: list[np.ndarray],
    titles: Optional[list[str]],
    ncols: Optional[int],
    panel_size: float,
    dpi: int,
) -> tuple[Figure, Callable[[int], list], int]:
    """The figure of the first frame, a function drawing frame ``t``, and the length."""
    import matplotlib.pyplot as plt

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
        plain(ax)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    fig.tight_layout()

    def update(t: int) -> list:
        for im, traj in zip(images, trajs):
            im.set_data(traj[min(t, traj.shape[0] - 1)])
        return images

    return fig, update, length


def animate(
    frames,
    titles: Optional[Sequence[str]] = None,
    interval: int = 100,
    ncols: Optional[int] = None,
    panel_size: float = 2.0,
    dpi: int = 72,
) -> FuncAnimation:
    """Animate one ``(T, H, W)`` trajectory, or several side by side.

    Parameters
    ----------
    frames : array-like of 0/1
        A ``(T, H, W)`` trajectory, an ``(N, T, H, W)`` batch or a list of trajectories
        (lengths may differ: a shorter one holds its last frame).
    titles : sequence of str, optional
        One per trajectory.
    interval : int
        Milliseconds between frames.
    ncols : int, optional
        Panels per row (default: up to 4).
    panel_size : float
        Inches per panel.
    dpi : int

    Returns
    -------
    matplotlib.animation.FuncAnimation
        As many frames as the longest trajectory.

    Raises
    ------
    BoardError
        If there are no trajectories, titles do not match them, or ``interval`` is not a
        positive integer.
    """
    from matplotlib import animation as mpl_animation

    trajs = _trajectories(frames)
    titles = _check(trajs, titles, interval)
    fig, update, length = _figure(trajs, titles, ncols, panel_size, dpi)
    return mpl_animation.FuncAnimation(fig, update, frames=length, interval=interval, blit=False)


class AnimationHTML:
    """A self-contained animation player; displays as HTML in a notebook and in the book.

    ``html`` is the whole player (inline PNG frames, CSS and JavaScript), ``frames`` the
    number of frames and ``alt`` the text alternative of the image.
    """

    def __init__(self, html: str, frames: int, alt: str):
        self.html, self.frames, self.alt = html, frames, alt

    @property
    def data(self) -> str:
        """The HTML (as `IPython.display.HTML.data`)."""
        return self.html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<animation: {self.frames} frames; {self.alt}>"


def _render_frames(fig, update, length: int) -> list[str]:
    pngs = []
    for t in range(length):
        update(t)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        pngs.append(base64.b64encode(buf.getvalue()).decode("ascii"))
    return pngs


def animation_html(
    frames,
    titles: Optional[Sequence[str]] = None,
    interval: int = 100,
    alt: Optional[str] = None,
    **kwargs,
) -> AnimationHTML:
    """`animate`, rendered to a self-contained HTML/JavaScript player (no kernel needed).

    Parameters
    ----------
    frames, titles, interval
        As for `animate`; ``ncols``, ``panel_size`` and ``dpi`` pass through ``kwargs``.
    alt : str, optional
        Text alternative of the animation (default: says what it shows from the titles).

    Returns
    -------
    AnimationHTML
        The player; the figure is closed, so notebooks do not also show a static copy.

    Raises
    ------
    BoardError
        As `animate`.
    """
    import matplotlib.pyplot as plt

    trajs = _trajectories(frames)
    titles = _check(trajs, titles, interval)
    fig, update, length = _figure(
        trajs, titles, kwargs.get("ncols"), kwargs.get("panel_size", 2.0), kwargs.get("dpi", 72)
    )
    try:
        pngs = _render_frames(fig, update, length)
    finally:
        plt.close(fig)
    if alt is None:
        what = ", ".join(titles) if titles else f"{len(trajs)} trajectory"
        alt = f"Animation of {length} generations: {what}"
    uid = "lifecore-anim-" + uuid.uuid4().hex[:12]
    page = asset("animation.html").format(
        id=uid,
        alt=html.escape(alt, quote=True),
        first=pngs[0],
        last=length - 1,
        css=asset("animation.css"),
        js=asset("animation.js"),
        frames=",".join(f'"{p}"' for p in pngs),
        interval=int(interval),
    )
    return AnimationHTML(page, length, alt)
