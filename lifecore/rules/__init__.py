"""Two-state rules on the 3x3 window: the three families in Golly's notations.

One floor of the library, importing nothing above it (only `lifecore.errors`):

- `rule`: `Rule` (outer-totalistic B/S on Moore, von Neumann or hex), `IsotropicRule`
  (Hensel), `MapRule` (``MAP``...), parsing, `from_window_table`;
- `windows`: Golly's index of the 512 windows and the square's eight symmetries;
- `hensel`: the 51 Hensel classes and their letters; `maprule`: MAP base64;
- `base`: `RuleError` and `Topology` (bounded-grid suffixes); `named`: rules by name;
- `families`: each family as classes of the 512 windows;
- `symmetry`: which rules a p4 or D4 network can represent, and the bound when it cannot.
"""

from .rule import (
    FAMILIES,
    HENSEL_CLASSES,
    ISOTROPIC_CLASSES,
    NAMED_RULES,
    NEIGHBOURHOODS,
    NOTES_RULES,
    AnyRule,
    IsotropicRule,
    MapRule,
    Rule,
    RuleError,
    RuleLike,
    Topology,
    all_counts,
    as_rule,
    from_window_table,
    isotropic_class,
    isotropic_class_name,
    parse_rule,
    window_index,
)

__all__ = [
    "Rule",
    "IsotropicRule",
    "MapRule",
    "AnyRule",
    "RuleLike",
    "RuleError",
    "Topology",
    "FAMILIES",
    "NEIGHBOURHOODS",
    "NAMED_RULES",
    "NOTES_RULES",
    "HENSEL_CLASSES",
    "ISOTROPIC_CLASSES",
    "all_counts",
    "as_rule",
    "parse_rule",
    "from_window_table",
    "window_index",
    "isotropic_class",
    "isotropic_class_name",
]
