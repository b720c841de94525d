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


CERTS = {
    ("B3/S23", "a"): {"exact": True, "rule": "B3/S23"},
    ("B3/S23", "b"): {"exact": True, "rule": "B36/S23"},
    ("B2/S", "a"): {"exact": False, "rule": None},
}


def test_proof_verdict_needs_the_runs_own_rule():
    one = [RECS[0], RECS[1], RECS[3]]
    assert grid.proof_verdict(RECS[0], CERTS["B3/S23", "a"]) == "proved"
    # a network proved to compute *another* rule is not proved for this run
    assert grid.proof_verdict(RECS[1], CERTS["B3/S23", "b"]) == "no"
    assert grid.proof_verdict(RECS[3], CERTS["B2/S", "a"]) == "sampled only"
    df = grid.proof_grid(one, CERTS, ["B3/S23", "B2/S"], ["a", "b"])
    assert df.loc["B2/S", "a"] == "sampled only" and df.loc["B3/S23", "b"] == "no"
    counts = grid.proof_counts(one, CERTS)
    assert counts == {"runs": 3, "proved": 1, "sampled": 2, "both": 1, "sampled_only": 1}


def test_proof_grid_takes_typed_run_records():
    from lifecore.experiments import RunRecord

    rec = RunRecord(rule="B3/S23", model="a", seed=0, exact=True, val_cell_accuracy=1.0)
    df = grid.proof_grid([rec], CERTS, ["B3/S23"], ["a"])
    assert df.loc["B3/S23", "a"] == "proved"
    assert grid.proof_counts([rec], CERTS)["proved"] == 1
