"""Looking at boards and trajectories: figures, animations, the viewer, tables.

| module | what |
|---|---|
| `boards` | one board, a strip of generations, a neighbourhood stencil (matplotlib) |
| `animation` | `animate`, and `animation_html`: a player that plays in the static book |
| `viewer` | `trajectory_viewer`: rule, density and seed in the page, simulated in JavaScript |
| `widgets` | `rule_picker` and `StaticFallback`: ipywidgets with a static rendering |
| `tables` | `table` (records as HTML) and `percent` |

Chapter-specific figures live in `lifecore.book.plots`. Every name is loaded on first use,
so ``import lifecore.viz`` loads neither matplotlib nor ipywidgets.
"""

from __future__ import annotations

from .._lazy import front_door

_HOMES = {
    "CMAP": "boards",
    "show_board": "boards",
    "show_trajectory": "boards",
    "show_stencil": "boards",
    "animate": "animation",
    "animation_html": "animation",
    "AnimationHTML": "animation",
    "trajectory_viewer": "viewer",
    "TrajectoryViewer": "viewer",
    "ViewerError": "viewer",
    "viewer_soup": "viewer",
    "rule_picker": "widgets",
    "RulePicker": "widgets",
    "StaticFallback": "widgets",
    "table": "tables",
    "percent": "tables",
    "TableError": "tables",
}

__all__ = sorted(_HOMES)


__getattr__, __dir__ = front_door(__name__, _HOMES, globals())
