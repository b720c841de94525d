"""lifecore.experiments.summaries: tables computed by hand on small record sets."""

import pytest

from lifecore.experiments import (
    ExperimentError,
    RunRecord,
    compare_with_notes,
    markdown_table,
    success_table,
    time_to_exact,
)


def _records():
    return [
        RunRecord(
            rule="B3/S23",
            model="mcnn",
            seed=s,
            exact=s < 2,
            certified=s < 1,
            train_loss=0.01,
            val_cell_accuracy=1.0,
            val_board_accuracy=1.0,
            seconds=float(s + 1),
            epochs=3,
        )
        for s in range(4)
    ]


def test_summaries():
    recs = _records()
    table = success_table(recs)
    assert table[0] == {"rule": "B3/S23", "mcnn": 0.5} and table[-1]["rule"] == "all rules"
    assert success_table(recs, "certified")[0] == {"rule": "B3/S23", "mcnn": 0.25}
    t = time_to_exact(recs)[0]
    assert t["exact"] == 2 and t["certified"] == 1 and t["median_seconds"] == 1.5
    row = compare_with_notes(recs)[0]
    assert row["notes_train_loss"] == 0.0055 and row["exact"] == 0.5 and row["certified"] == 0.25
    md = markdown_table(table, {"mcnn": ".0%"})
    assert "| B3/S23 | 50% |" in md


def test_dict_records_of_older_files_still_summarise():
    recs = [r.to_dict() for r in _records()]
    assert success_table(recs)[0]["mcnn"] == 0.5


def test_unknown_verdict():
    with pytest.raises(ExperimentError, match="verdict"):
        success_table(_records(), "proved")
