"""The notes' published experiment: their 8 rules, 6 models and table of results."""

from __future__ import annotations

from ..rules import NOTES_RULES as _NOTES_RULES

__all__ = ["NOTES_RULES", "NOTES_MODELS", "NOTES_TABLE"]

#: The notes' 8 rules, in their order.
NOTES_RULES: tuple[str, ...] = tuple(_NOTES_RULES)

#: The notes' 6 models, in their table's column order.
NOTES_MODELS: tuple[str, ...] = (
    "cnn-tiny",
    "cnn-small",
    "mcnn",
    "p4cnn-tiny",
    "p4cnn-small",
    "p4mcnn",
)

_NOTES_ROWS = {
    # rule: (final training loss, validation accuracy %) per model, in NOTES_MODELS order
    "B3/S23": [
        (0.7002, 86.79),
        (0.0045, 100.00),
        (0.0055, 99.97),
        (0.3631, 94.74),
        (0.0037, 100.0),
        (0.0036, 100.00),
    ],
    "B36/S23": [
        (0.3451, 90.46),
        (0.0167, 99.89),
        (0.0262, 98.94),
        (0.4740, 92.32),
        (0.0274, 99.77),
        (0.0148, 99.86),
    ],
    "B3678/S34678": [
        (0.2035, 92.36),
        (0.0133, 99.96),
        (0.0660, 98.19),
        (0.4534, 93.40),
        (0.0159, 99.96),
        (0.0097, 99.98),
    ],
    "B35678/S5678": [
        (0.0165, 99.24),
        (0.0216, 98.73),
        (0.0955, 99.52),
        (0.0086, 99.32),
        (0.0058, 99.65),
        (0.0041, 99.77),
    ],
    "B2/S": [
        (0.0231, 99.74),
        (0.0023, 100.00),
        (0.0024, 100.00),
        (0.6136, 88.79),
        (0.0022, 100.00),
        (0.0034, 100.00),
    ],
    "B345/S5": [
        (0.1710, 96.25),
        (0.0065, 100.00),
        (0.0039, 100.00),
        (0.0028, 100.00),
        (0.0028, 100.00),
        (0.0119, 99.92),
    ],
    "B13/S012V": [
        (0.2489, 92.30),
        (0.0066, 100.00),
        (0.0045, 99.99),
        (0.1243, 99.04),
        (0.0016, 100.00),
        (0.0010, 100.00),
    ],
    "B2/S013V": [
        (0.5533, 77.24),
        (0.0046, 100.00),
        (0.0025, 100.00),
        (0.7082, 84.71),
        (0.0091, 100.00),
        (0.0015, 100.00),
    ],
}
#: The notes' published table: ``NOTES_TABLE[rule][model] = {"train_loss", "val_accuracy"}``
#: (accuracy as a fraction; the notes print percent and never say whether it is per cell).
#: The notes print the B3/S23 row under the label B36/S23 (the row appears twice).
NOTES_TABLE: dict[str, dict[str, dict[str, float]]] = {
    rule: {
        m: {"train_loss": loss, "val_accuracy": acc / 100.0}
        for m, (loss, acc) in zip(NOTES_MODELS, row)
    }
    for rule, row in _NOTES_ROWS.items()
}
