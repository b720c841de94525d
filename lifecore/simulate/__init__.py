"""Exact simulation of any binary rule on the 3x3 window (`api`: `step`, `simulate`).

The public functions live in `api`; the kernels behind them are private modules:
`_bitslice` (the bit-sliced numba kernels of the NumPy path), `_adders` (their neighbour
counts), `_windowlogic` (a window table as a bitwise program), `_bittable` (that program
interpreted), `_bitjit` (that program compiled by LLVM in milliseconds, for
``keep="last"``), `_torchsim` (the torch path, any device), `_plane` (Golly's bounded
plane and its evolving background), `_repeat` (fixed points and cycles) and `_boards`
(the one board validator).
"""

from .api import (
    BOUNDARIES,
    KEEPS,
    MAX_RESULT_BYTES,
    BoardError,
    Boundary,
    Stopped,
    StopReport,
    check_boards,
    neighbour_counts,
    simulate,
    step,
)

__all__ = [
    "step",
    "simulate",
    "StopReport",
    "Stopped",
    "BoardError",
    "Boundary",
    "check_boards",
    "neighbour_counts",
    "BOUNDARIES",
    "KEEPS",
    "MAX_RESULT_BYTES",
]
