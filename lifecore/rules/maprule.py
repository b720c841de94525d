"""Golly's MAP rule strings: a window table as base64 characters.

``MAP`` is followed by the next state of every neighbourhood configuration, index 0 first,
packed most significant bit first and base64-encoded (RFC 4648 alphabet). On the Moore
neighbourhood that is 512 bits, 86 characters (85 of 6 bits and one holding the last 2 bits
in its top bits), indexed like `lifecore.rules.windows.window_index`. Golly also reads 22
characters (128 bits) as a hexagonal rule and 6 characters (32 bits) as a von Neumann
one, and accepts ``==`` padding after any of them. Conway's Life, for instance, is
``MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA``
(Golly's help, "QuickLife").

The cell order of the shorter forms is not in Golly's help; it was read off ``bgolly``: a
rule whose next state is bit ``m`` of the index moves a single cell by the offset of the
cell that bit stands for. Hexagonal: S, SE, W, C, E, NW, N (most significant first, with
N the row above); von Neumann: N, W, C, E, S.
"""

from __future__ import annotations

import numpy as np

from .base import RuleError, shorten

__all__ = ["BASE64", "MAP_LENGTH", "decode_map", "encode_map"]

#: The base64 alphabet Golly uses (``liferules::base64_characters``).
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#: Base64 characters of a Moore MAP rule (512 bits / 6, rounded up).
MAP_LENGTH = 86

_VALUE = {ch: i for i, ch in enumerate(BASE64)}
# Window-index weight of each cell of a MAP index, most significant bit first, by length.
_CELLS = {
    86: (256, 128, 64, 32, 16, 8, 4, 2, 1),
    22: (2, 1, 32, 16, 8, 256, 128),  # hexagonal (bgolly)
    6: (128, 32, 16, 8, 2),  # von Neumann (bgolly)
}


def _map_index_of_windows(cells: tuple[int, ...]) -> np.ndarray:
    """For each of the 512 windows, its index in a MAP string over ``cells``."""
    windows = np.arange(512)
    index = np.zeros(512, dtype=np.int64)
    for weight in cells:
        index = (index << 1) | ((windows & weight) != 0)
    return index


def decode_map(code: str) -> np.ndarray:
    """The 512-entry window table of a MAP rule's base64 part.

    Parameters
    ----------
    code : str
        The characters after ``MAP``: 86 (Moore), 22 (hexagonal) or 6 (von Neumann) base64
        characters, optionally followed by ``==``. As in Golly, bits of the last character
        beyond the table's are ignored.

    Returns
    -------
    numpy.ndarray
        Shape (512,), uint8 0/1, indexed by Golly's window index (a hexagonal or von
        Neumann rule ignores the cells outside its neighbourhood).

    Raises
    ------
    RuleError
        For a wrong length or a character outside the base64 alphabet.
    """
    body = code[:-2] if len(code) > 2 and code.endswith("==") else code
    if len(body) not in _CELLS:
        raise RuleError(
            f"a MAP rule needs {MAP_LENGTH} base64 characters after 'MAP' (or 22 for a "
            f"hexagonal, 6 for a von Neumann rule), got {len(body)}"
        )
    for position, ch in enumerate(body):
        if ch not in _VALUE:
            raise RuleError(
                f"character {shorten(ch)} at position {position + 1} of MAP rule "
                f"{shorten('MAP' + code)} is not base64 (A-Z a-z 0-9 + /)"
            )
    cells = _CELLS[len(body)]
    values = np.array([_VALUE[ch] for ch in body], dtype=np.uint8)
    bits = np.unpackbits(values[:, None], axis=1)[:, 2:].reshape(-1)[: 1 << len(cells)]
    return bits[_map_index_of_windows(cells)].astype(np.uint8)


def encode_map(table: np.ndarray) -> str:
    """Golly's canonical base64 part of a Moore MAP rule.

    Parameters
    ----------
    table : array_like, shape (512,)
        0/1 next state of each window, by Golly's index.

    Returns
    -------
    str
        86 base64 characters, no padding; the last character's unused bits are 0.
    """
    bits = np.zeros(MAP_LENGTH * 6, dtype=np.uint8)
    bits[:512] = np.asarray(table, dtype=np.uint8).reshape(512)
    sextets = bits.reshape(MAP_LENGTH, 6) @ (1 << np.arange(5, -1, -1))
    return "".join(BASE64[int(v)] for v in sextets)
