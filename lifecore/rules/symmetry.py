"""Which rules a symmetric network can represent, and how wrong it must be on the others.

A network whose output does not change when its input window is rotated (the group
``p4``: the four quarter turns) or rotated and reflected (``d4``: the eight symmetries of
the square) gives *one* answer on every group orbit of k x k windows. A rule invariant
under the group poses no problem. Any other rule asks for different answers inside some
orbit, and the network must then get at least ``min(#windows expecting 1, #windows
expecting 0)`` windows of that orbit wrong, whatever its weights. Summed over orbits this
is an exact lower bound on the counterexamples its certificate can report.

The bound has a closed form. A k x k window ``w`` (k odd, centre 3x3 ``c``) and its images
``g w`` form an orbit in which the windows expecting 1 are a fraction
``f(c) = |{g in G : rule(g c) = 1}| / |G|`` (each image counted ``|Stab(w)|`` times), and
``f`` depends on the centre only. So the orbit's minimum is ``|orbit| * min(f, 1 - f)``,
and summing over orbits is summing ``min(f(c), 1 - f(c))`` over windows:

    bound(k) = 2 ** (k*k - 9) * sum over the 512 centres c of min(f(c), 1 - f(c)).

`lower_bound` uses this; `explicit_lower_bound` enumerates every k x k window and its
orbit (slow; the tests check that both agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import LifecoreError
from .rule import AnyRule, RuleLike, as_rule
from .windows import SYMMETRIES, WINDOW_WEIGHTS

__all__ = [
    "GROUPS",
    "SymmetryError",
    "SymmetryBound",
    "group_permutations",
    "window_orbits",
    "is_invariant",
    "lower_bound",
    "explicit_lower_bound",
]

#: Each group as rows of `lifecore.rules.windows.SYMMETRIES`: the quarter turns (p4), and the
#: quarter turns with and without a mirror (d4).
GROUPS: dict[str, tuple[int, ...]] = {"p4": (0, 1, 2, 3), "d4": tuple(range(8))}

#: Window sizes the bound is defined for (odd, so the window has a centre cell).
_MAX_EXPLICIT = 5


class SymmetryError(LifecoreError):
    """An unknown symmetry group or an unusable window size."""


def group_permutations(group: str) -> np.ndarray:
    """The group's elements as permutations of the 512 window indices.

    Parameters
    ----------
    group : {"p4", "d4"}

    Returns
    -------
    numpy.ndarray
        Shape ``(|G|, 512)``, int64: ``perm[g, i]`` is the index of window ``i`` moved by
        ``g``; row 0 is the identity.

    Raises
    ------
    SymmetryError
        For an unknown group.
    """
    if group not in GROUPS:
        raise SymmetryError(f"unknown symmetry group {group!r}; expected one of {list(GROUPS)}")
    return SYMMETRIES[list(GROUPS[group])]


def window_orbits(group: str) -> np.ndarray:
    """The orbit of every 3x3 window under ``group``, labelled by its smallest index.

    Returns
    -------
    numpy.ndarray
        Shape (512,), int64: ``orbit[i]`` = min over g of ``perm[g, i]``; two windows are in
        one orbit exactly when their labels are equal.
    """
    return group_permutations(group).min(axis=0)


def is_invariant(rule: RuleLike, group: str) -> bool:
    """Whether the rule gives every window the answer of each of its images under ``group``.

    Outer-totalistic Moore and isotropic rules are invariant under ``d4``; a rule that
    tells a pattern from its mirror image (chiral) can be invariant under ``p4`` only.
    """
    table = as_rule(rule).window_table
    return bool((table[group_permutations(group)] == table).all())


@dataclass(frozen=True)
class SymmetryBound:
    """The fewest k x k windows a ``group``-invariant network must get wrong on ``rule``.

    Attributes
    ----------
    rule : str
        Golly's string of the rule.
    group : str
        ``"p4"`` or ``"d4"``.
    window : int
        k, the side of the windows the network sees (odd, at least 3).
    invariant : bool
        Whether the rule is invariant under the group (then ``wrong_windows == 0``).
    wrong_windows : int
        The lower bound: over each orbit of k x k windows, the smaller of the windows
        expecting 1 and those expecting 0, summed.
    windows : int
        All k x k windows, ``2 ** (k * k)``.
    mixed_orbits : int
        3x3 orbits (of centres) on which the rule is not constant.
    """

    rule: str
    group: str
    window: int
    invariant: bool
    wrong_windows: int
    windows: int
    mixed_orbits: int

    @property
    def fraction(self) -> float:
        """``wrong_windows / windows``: the smallest error rate over all k x k windows."""
        return self.wrong_windows / self.windows

    def to_dict(self) -> dict:
        """JSON-safe dict of the fields and the fraction."""
        return {
            "rule": self.rule,
            "group": self.group,
            "window": self.window,
            "invariant": self.invariant,
            "wrong_windows": self.wrong_windows,
            "windows": self.windows,
            "mixed_orbits": self.mixed_orbits,
            "fraction": self.fraction,
        }


def _check_window(window: int) -> int:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise SymmetryError(f"window must be an odd integer >= 3, got {window!r}")
    if window < 3 or window % 2 == 0:
        raise SymmetryError(f"window must be an odd integer >= 3, got {window}")
    return int(window)


def lower_bound(rule: RuleLike, group: str, window: int = 3) -> SymmetryBound:
    """The exact lower bound on the k x k windows a ``group``-invariant network gets wrong.

    Uses the closed form of the module docstring: ``2 ** (k*k - 9)`` times the sum over
    the 512 centre windows of ``min(f, 1 - f)``, ``f`` the fraction of the group's images
    of the centre that the rule maps to 1. Exact (rational arithmetic, then an integer).

    Parameters
    ----------
    rule : rule or str
        Any rule on the 3x3 window (outer-totalistic, isotropic or MAP).
    group : {"p4", "d4"}
    window : int
        k: the side of the network's receptive field (3, 5, ...).

    Returns
    -------
    SymmetryBound

    Raises
    ------
    SymmetryError
        For an unknown group or a window that is even or below 3.
    """
    window = _check_window(window)
    rule_obj: AnyRule = as_rule(rule)
    perms = group_permutations(group)
    table = rule_obj.window_table.astype(np.int64)
    ones = table[perms].sum(axis=0)  # (512,): images of each centre expecting 1
    order = perms.shape[0]
    per_centre = np.minimum(ones, order - ones)  # |G| * min(f, 1 - f)
    total = Fraction(int(per_centre.sum()), order) * 2 ** (window * window - 9)
    if total.denominator != 1:  # pragma: no cover - the docstring's argument excludes it
        raise SymmetryError(f"bound {total} is not an integer")
    orbits = window_orbits(group)
    mixed = np.unique(orbits[per_centre > 0]).size
    return SymmetryBound(
        rule=str(rule_obj),
        group=group,
        window=window,
        invariant=bool(mixed == 0),
        wrong_windows=int(total),
        windows=2 ** (window * window),
        mixed_orbits=int(mixed),
    )


def _cell_permutation(group: str, window: int) -> np.ndarray:
    """``(|G|, k*k)``: for each element, the source cell (raster order) of every cell."""
    cells = np.arange(window * window).reshape(window, window)
    views = []
    for element in GROUPS[group]:
        flip, quarter = divmod(element, 4)
        base = cells[:, ::-1] if flip else cells
        views.append(np.rot90(base, quarter).ravel())
    return np.stack(views)


def _part_tables(sources: np.ndarray, window: int, shift: int, width: int) -> tuple:
    """Look-up tables for the ``width`` index bits from ``shift`` up (raster, MSB first).

    Returns ``(images, centre)``: ``images[g, v]`` is what the part's value ``v`` contributes
    to the index of the window moved by element ``g``; ``centre[v]`` its contribution to the
    Golly index of the centre 3x3. OR-ing the tables of the parts gives the whole.
    """
    n_cells = window * window
    value = np.arange(1 << width, dtype=np.int64) << shift
    bits = (value[:, None] >> np.arange(n_cells - 1, -1, -1)) & 1  # (2**width, k*k) raster
    weights = 1 << np.arange(n_cells - 1, -1, -1)
    images = np.stack([bits[:, src] @ weights for src in sources]).astype(np.int32)
    lo = window // 2 - 1
    centre = bits.reshape(-1, window, window)[:, lo : lo + 3, lo : lo + 3]
    centre_index = np.tensordot(centre, WINDOW_WEIGHTS, axes=([1, 2], [0, 1]))
    return images, centre_index


def explicit_lower_bound(rule: RuleLike, group: str, window: int = 3) -> int:
    """The same bound as `lower_bound`, by enumerating every k x k window and its orbit.

    Independent of the closed form: label each of the ``2 ** (k*k)`` windows (raster
    index, most significant bit first) by the smallest index among its images under the
    group, count the windows of each label expecting 1 and 0 (the rule on the centre
    3x3), and add up the smaller count per label. For k = 5 that is 2^25 windows: about a
    second and 700 MB; meant for tests.

    Returns
    -------
    int
        The number of windows any ``group``-invariant network must get wrong.

    Raises
    ------
    SymmetryError
        For an unknown group, or a window other than 3 or 5.
    """
    window = _check_window(window)
    if window > _MAX_EXPLICIT:
        raise SymmetryError(f"explicit enumeration handles windows up to {_MAX_EXPLICIT}")
    group_permutations(group)  # validates the name
    table = as_rule(rule).window_table
    sources = _cell_permutation(group, window)
    n_cells = window * window
    low_bits = n_cells // 2
    hi_img, hi_centre = _part_tables(sources, window, low_bits, n_cells - low_bits)
    lo_img, lo_centre = _part_tables(sources, window, 0, low_bits)
    labels = hi_img[0][:, None] | lo_img[0][None, :]  # (2**hi, 2**lo): the index itself
    for g in range(1, sources.shape[0]):
        np.minimum(labels, hi_img[g][:, None] | lo_img[g][None, :], out=labels)
    expected = table[hi_centre[:, None] | lo_centre[None, :]].ravel()
    labels = labels.ravel()
    size = np.bincount(labels, minlength=labels.size)
    ones = np.bincount(labels, weights=expected, minlength=labels.size).astype(np.int64)
    return int(np.minimum(ones, size - ones).sum())
