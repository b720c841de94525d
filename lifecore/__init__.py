"""lifecore: simulate Life-like cellular automata, learn them with neural networks,
and read the exact rule back out of a trained network."""

from .errors import LifecoreError
from .rules import NAMED_RULES, NEIGHBOURHOODS, NOTES_RULES, Rule, RuleError, as_rule
from .simulate import BoardError, StopReport, neighbour_counts, simulate, step

__all__ = [
    "LifecoreError",
    "Rule",
    "RuleError",
    "NAMED_RULES",
    "NEIGHBOURHOODS",
    "NOTES_RULES",
    "as_rule",
    "step",
    "simulate",
    "StopReport",
    "BoardError",
    "neighbour_counts",
]
__version__ = "0.1.0"

from . import data  # noqa: E402  (light: NumPy only)
