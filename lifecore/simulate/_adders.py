"""Bitwise adders that count a cell's live neighbours, 64 cells per ``uint64`` word.

The adder networks of the generic bit-sliced kernel (`lifecore.simulate._bitslice`, the
rule as masks) for outer-totalistic rules.

A count is held as bit-planes: ``c0`` the ones bit of 64 cells' counts, ``c1`` the twos,
``c2`` the fours, ``c3`` the eights. Arguments named ``*w``, ``*c``, ``*e`` are the words
of the west neighbours, the cells and the east neighbours of a row above (``u*``), the
same row (``m*``) or below (``d*``).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["full_add", "combine", "moore_counts", "hex_counts", "vonneumann_counts"]


@numba.njit(inline="always")
def full_add(w, c, e):
    """Sum of three planes as ``(ones, twos)`` planes (a full adder: 5 operations)."""
    t = w ^ c
    return t ^ e, (w & c) | (e & t)


@numba.njit(inline="always")
def combine(su, cu, sm_, cm, sd, cd):
    """Add three 2-bit numbers (``s*`` ones bit, ``c*`` twos bit) into ``c0..c3``."""
    t = su ^ sm_
    c0 = t ^ sd
    k1 = (su & sm_) | (sd & t)  # carry into the twos
    u = cu ^ cm
    x = u ^ cd
    y = (cu & cm) | (cd & u)  # weight 4
    c1 = x ^ k1
    z = x & k1  # weight 4
    return c0, c1, y ^ z, y & z


@numba.njit(inline="always")
def moore_counts(uw, uc, ue, mw, me, dw, dc, de):
    """Count planes of the 8 Moore neighbours."""
    su, cu = full_add(uw, uc, ue)
    sd, cd = full_add(dw, dc, de)
    return combine(su, cu, mw ^ me, mw & me, sd, cd)


@numba.njit(inline="always")
def hex_counts(uw, uc, mw, me, dc, de):
    """Count planes of the 6 hex neighbours (Moore minus up-right and down-left)."""
    return combine(uw ^ uc, uw & uc, mw ^ me, mw & me, dc ^ de, dc & de)


@numba.njit(inline="always")
def vonneumann_counts(uc, mw, me, dc):
    """Count planes of the 4 von Neumann neighbours (``c3`` is always 0)."""
    s1, k1 = full_add(uc, mw, me)
    k = s1 & dc
    return s1 ^ dc, k1 ^ k, k1 & k, np.uint64(0)
