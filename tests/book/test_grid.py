"""Rule x model grids say 'exact', the accuracy a run stopped at, or 'k of n' over seeds."""

from lifecore.book import grid

RECS = [
    {"rule": "B3/S23", "model": "a", "seed": 0, "exact": True, "val_cell_accuracy": 1.0},
    {"rule": "B3/S23", "model": "b", "seed": 0, "exact": False, "val_cell_accuracy": 0.99912},
    {"rule": "B2/S", "model": "a", "seed": 0, "exact": False, "val_cell_accuracy": 0.9},
    {"rule": "B2/S", "model": "a", "seed": 1, "exact": True, "val_cell_accuracy": 1.0},
]


def test_outcome_grid_cells():
    df = grid.outcome_grid(RECS, ["B3/S23", "B2/S"], ["a", "b"])
    assert df.loc["B3/S23", "a"] == "exact"
    assert df.loc["B3/S23", "b"] == "99.91%"
    assert df.loc["B2/S", "a"] == "1 of 2"
    assert df.loc["B2/S", "b"] == "–"


def test_certificates_take_over_when_every_record_has_one():
    recs = [{**r, "certified": r["exact"] and r["seed"] == 0} for r in RECS]
    assert grid.exact_key(recs) == "certified" and grid.exact_key(RECS) == "exact"
    df = grid.outcome_grid(recs, ["B3/S23", "B2/S"], ["a"])
    assert df.loc["B3/S23", "a"] == "certified" and df.loc["B2/S", "a"] == "0 of 2"


def test_notes_grid_prints_the_published_percentages():
    notes = {"B3/S23": {"a": {"val_accuracy": 0.8679}}}
    assert grid.notes_grid(notes, ["B3/S23"], ["a"]).loc["B3/S23", "a"] == "86.79%"


def test_count_exact():
    assert grid.count_exact(RECS) == (2, 4)


def _certified(rule, model, ok):
    return {"rule": rule, "model": model, "seed": 0, "certified": ok, "exact": ok}


def test_proved_by_model_counts_and_bounds_outer_totalistic_failures_at_zero():
    recs = [
        _certified("B3/S23", "p4cnn-tiny", False),
        _certified("B36/S23", "p4cnn-tiny", True),
        _certified("B3/S23", "cnn-tiny", False),
        _certified("B36/S23", "cnn-tiny", False),
    ]
    rows = {r["model"]: r for r in grid.proved_by_model(recs, ["cnn-tiny", "p4cnn-tiny"])}
    assert (rows["p4cnn-tiny"]["proved"], rows["p4cnn-tiny"]["runs"]) == (1, 2)
    assert rows["cnn-tiny"]["not proved"] == ["B3/S23", "B36/S23"]
    # an outer-totalistic rule is rotation-invariant, so no p4 network is forced to err on it
    assert rows["p4cnn-tiny"]["bound"] == 0 and rows["cnn-tiny"]["bound"] is None
    text = grid.failure_sentence(list(rows.values()))
    assert "cnn-tiny on 2 rules and p4cnn-tiny on 1 rule." in text
    assert "symmetry bound is 0 for p4cnn-tiny" in text


def test_proved_by_model_bound_matches_the_explicit_count_for_a_chiral_rule():
    import numpy as np

    from lifecore.rules import from_window_table
    from lifecore.rules.symmetry import explicit_lower_bound

    table = np.zeros(512, dtype=np.uint8)
    table[0b000000011] = 1  # a window and not its rotations: not p4-invariant
    rule = str(from_window_table(table))
    rows = grid.proved_by_model([_certified(rule, "p4cnn-small", False)], ["p4cnn-small"])
    assert rows[0]["bound"] == explicit_lower_bound(rule, "p4", 5) > 0
    assert "at least" in grid.failure_sentence(rows)


def test_failure_sentence_when_everything_is_proved():
    rows = grid.proved_by_model([_certified("B3/S23", "mcnn", True)], ["mcnn"])
    assert grid.failure_sentence(rows) == "Every run was proved."


def test_chapter_grid_refuses_uncertified_training():
    import pytest

    from lifecore.experiments import ExperimentError
    from lifecore.train import TrainConfig

    spec = grid.GridSpec(("B3/S23",), ("mcnn",), 1, TrainConfig(certify=False), "unused.json")
    with pytest.raises(ExperimentError, match="certify=True"):
        grid.chapter_grid(spec)
    same = grid.GridSpec(("B3/S23",), ("mcnn",), 1, TrainConfig(certify=False), "elsewhere.json")
    assert spec.key() == same.key()  # where results are kept does not change them
    other = grid.GridSpec(("B3/S23",), ("mcnn",), 2, TrainConfig(certify=False), "unused.json")
    assert spec.key() != other.key()
    assert spec.key() != grid.GridSpec(("B3/S23",), ("mcnn",), 1, TrainConfig(), "u.json").key()
