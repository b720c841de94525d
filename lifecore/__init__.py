"""lifecore: simulate Life-like cellular automata, learn them with neural networks,
and read the exact rule back out of a trained network.

``import lifecore`` is light: it loads the rules, the NumPy simulator and the data module,
never torch, e2cnn or matplotlib (the modules that need them import them: `models`,
`train`, `certify`, `viz`...). ``tests/test_import_weight.py`` checks it.
"""

from . import data
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
    "data",
]
__version__ = "0.1.0"
