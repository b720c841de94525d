"""Numbers and figures that the chapters' prose quotes, bound with myst-nb's ``glue``.

A sentence in a chapter that states a number reads it from the code that computed it
(``{glue:text}`name```), so the text cannot drift from the output below it. Values are
glued as already-formatted strings: myst-nb strips a string's quotes, and the chapter
decides the rounding once, here, instead of in every role.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue_text", "glue_md", "glue_figure", "check"]


def glue_text(name: str, value: Any, fmt: str = "{}") -> None:
    """Glue ``fmt.format(value)`` under ``name`` without displaying it.

    Returns nothing on purpose: a call ending a hidden cell would otherwise show its value
    as the cell's output.

    Parameters
    ----------
    name : str
        The key the prose uses, ``{glue:text}`name```.
    value : Any
        What was computed.
    fmt : str
        A ``str.format`` template, e.g. ``"{:.1%}"`` or ``"{:,}"``.

    """
    from myst_nb import glue

    glue(name, fmt.format(value), display=False)


def glue_md(name: str, markdown: str) -> None:
    """Glue inline Markdown (e.g. a list of rules in backticks) under ``name`` for the
    ``{glue:md}`name``` role, without displaying it (and returning nothing, as `glue_text`)."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(markdown), display=False)


def glue_figure(name: str, fig) -> None:
    """Glue a matplotlib figure under ``name`` (placed by a ``glue:figure`` directive with a
    caption and alt text) and close it, so the code cell itself shows nothing."""
    import matplotlib.pyplot as plt
    from myst_nb import glue

    glue(name, fig, display=False)
    plt.close(fig)


def check(claim: bool, sentence: str) -> None:
    """Fail the build when a sentence of the prose stops being true.

    Chapters call this in hidden cells for qualitative claims ("every class is covered"):
    the day the data change and the claim no longer holds, executing the chapter fails
    with the sentence that went wrong, instead of the book printing it.
    """
    if not claim:
        raise AssertionError(f"the prose no longer holds: {sentence}")
