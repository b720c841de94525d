"""Rule families as partitions of the 512 windows into classes.

A rule family is a set of windows that every rule of the family must treat alike:
outer-totalistic rules see (state, live-neighbour count), 18 classes on Moore (10 on von
Neumann, 14 on hex); isotropic rules see (state, Hensel class), 102 classes; MAP rules see
the window itself, 512 classes. A rule belongs to a family exactly when its window table
is constant on each class, and a table of one value per class *is* a rule of the family.
So tabulating data, counting what a dataset has shown, and naming what it has not, work
the same way for every family: through `WindowClasses.of_window`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .base import RuleError
from .hensel import CLASS_OF_WINDOW, HENSEL_CLASSES
from .rule import (
    FAMILIES,
    NEIGHBOURHOODS,
    AnyRule,
    RuleLike,
    as_rule,
    from_window_table,
)
from .windows import CENTRE_BIT, neighbour_counts_of_windows

__all__ = ["WindowClasses", "window_classes"]

_STATE = ((np.arange(512) & CENTRE_BIT) != 0).astype(np.int64)


@dataclass(frozen=True)
class WindowClasses:
    """The classes of a rule family: which class each window is in, and their names.

    ``of_window`` is shape (512,), int64, read-only: the class id (index into ``names``)
    of each window, by Golly's window index. ``names`` are transition symbols: ``B3`` /
    ``S2`` (outer-totalistic), ``B2a`` / ``S2a`` (isotropic), ``W0`` .. ``W511`` (MAP).
    """

    family: str
    neighbourhood: str
    names: tuple[str, ...]
    of_window: np.ndarray = field(repr=False, compare=False)

    @property
    def count(self) -> int:
        """Number of classes (18 for Moore outer-totalistic, 102 isotropic, 512 MAP)."""
        return len(self.names)

    def contains(self, rule: RuleLike) -> bool:
        """Whether ``rule`` belongs to this family (its table is constant on every class)."""
        return self._values_or_none(as_rule(rule)) is not None

    def values(self, rule: RuleLike) -> np.ndarray:
        """The rule's next state for each class.

        Parameters
        ----------
        rule : rule or str

        Returns
        -------
        numpy.ndarray
            Shape ``(count,)``, uint8 0/1, in the order of ``names``.

        Raises
        ------
        RuleError
            If the rule is not in this family.
        """
        rule = as_rule(rule)
        values = self._values_or_none(rule)
        if values is None:
            raise RuleError(f"rule {rule} is not {self.family} on the {self.neighbourhood} cells")
        return values

    def rule(self, values: np.ndarray) -> AnyRule:
        """The rule with ``values[k]`` as next state for class ``k`` (smallest family).

        Parameters
        ----------
        values : array_like, shape (count,)
            0/1 next state per class.

        Returns
        -------
        Rule, IsotropicRule or MapRule

        Raises
        ------
        RuleError
            For a wrong length or a value other than 0 and 1.
        """
        values = np.asarray(values)
        if values.shape != (self.count,):
            raise RuleError(f"{self.family} values have shape ({self.count},), got {values.shape}")
        return from_window_table(values[self.of_window])

    def _values_or_none(self, rule: AnyRule):
        table = rule.window_table
        ones = np.bincount(self.of_window, weights=table, minlength=self.count)
        total = np.bincount(self.of_window, minlength=self.count)
        if not ((ones == 0) | (ones == total)).all():
            return None
        return (ones > 0).astype(np.uint8)


def window_classes(family: str, neighbourhood: str = "moore") -> WindowClasses:
    """The classes of a rule family.

    Parameters
    ----------
    family : {"outer-totalistic", "isotropic", "map"}
    neighbourhood : {"moore", "vonneumann", "hex"}
        Only outer-totalistic rules have other neighbourhoods than Moore.

    Returns
    -------
    WindowClasses

    Raises
    ------
    RuleError
        For an unknown family or neighbourhood, or a non-Moore neighbourhood for the
        isotropic and MAP families (Golly has none).
    """
    if family not in FAMILIES:
        raise RuleError(f"unknown rule family {family!r}; expected one of {list(FAMILIES)}")
    if neighbourhood not in NEIGHBOURHOODS:
        raise RuleError(f"unknown neighbourhood {neighbourhood!r}")
    if family != "outer-totalistic" and neighbourhood != "moore":
        raise RuleError(f"{family} rules use the Moore neighbourhood, not {neighbourhood}")
    if family == "outer-totalistic":
        size = len(NEIGHBOURHOODS[neighbourhood])
        counts = neighbour_counts_of_windows(NEIGHBOURHOODS[neighbourhood])
        of_window = _STATE * (size + 1) + counts
        names = tuple(f"{s}{c}" for s in "BS" for c in range(size + 1))
    elif family == "isotropic":
        of_window = _STATE * len(HENSEL_CLASSES) + CLASS_OF_WINDOW
        names = tuple(f"{s}{c}" for s in "BS" for c in HENSEL_CLASSES)
    else:
        of_window, names = np.arange(512, dtype=np.int64), tuple(f"W{i}" for i in range(512))
    of_window = np.array(of_window, dtype=np.int64)
    of_window.setflags(write=False)
    return WindowClasses(family, neighbourhood, names, of_window)
