"""The viewer's and the player's HTML, CSS and JavaScript, shipped inside the package
(``lifecore/viz/static/``) and inlined into every output: a page never fetches them."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["asset"]


@cache
def asset(name: str) -> str:
    """The text of ``lifecore/viz/static/NAME``."""
    return resources.files("lifecore.viz").joinpath("static", name).read_text(encoding="utf-8")
