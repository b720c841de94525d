"""Chapter 5's rows and summaries (lifecore.book.extraction)."""

import numpy as np
import pytest

from lifecore import Rule, data, step
from lifecore import extract as E
from lifecore.book import extraction as B


# -- chapter 5's rows and summaries ------------------------------------------------------------
def _reading(rule, method="tabulate", seconds=0.0, **details):
    truth = Rule.parse(rule)
    return E.Extraction(
        rule=truth,
        table=truth.table.astype(np.int64),
        confidence=np.ones(truth.table.shape),
        undetermined=[],
        consistent=True,
        method=method,
        neighbourhood=truth.neighbourhood,
        seconds=seconds,
        details=details,
    )


def test_report_row_compares_the_reading_with_the_truth():
    ex = B.tabulation_baseline(["B3/S23"], n=8, size=24, steps=4, seed=1)["B3/S23"]
    row = ex.report("B3/S23")
    assert list(row) == [
        "rule",
        "method",
        "read",
        "exact",
        "correct classes",
        "undetermined",
        "min confidence",
        "seconds",
    ]
    assert row["rule"] == "B3/S23" and row["method"] == "tabulate" and row["read"] == "B3/S23"
    assert row["exact"] is True and row["correct classes"] == "18/18" and row["undetermined"] == "-"
    # against another rule: not exact, and the classes that differ are not counted
    other = ex.report("B36/S23", "mine", neighbourhood="moore")
    assert list(other)[:3] == ["rule", "neighbourhood", "method"] and other["method"] == "mine"
    assert other["exact"] is False and other["correct classes"] == "17/18"


def test_report_of_a_reading_with_no_rule_and_undetermined_classes():
    x = data.soups(4, 16, 0.5, seed=0)
    row = E.tabulate(x, np.roll(x, 1, axis=1), "moore").report("B3/S23")
    assert row["read"] == "(not outer-totalistic)" and row["exact"] is False
    frames = data.soups(2, 24, 0.1, seed=0)
    row = E.tabulate(frames, step(frames, "B3/S23")).report("B3/S23")
    assert "S8" in row["undetermined"].split() and row["min confidence"] == 0


@pytest.fixture(scope="module")
def readings():
    good = E.exact_network("B36/S23")
    good.metadata = {"exact": True}
    bad = E.exact_network("B3/S23", weights=[1, 2, 1, 1, 1, 1, 1, 1])  # not outer-totalistic
    bad.metadata = {"exact": True}  # ... but called exact: enumeration disagrees
    slack = E.exact_network("B3/S23")  # exact, but the trainer did not say so
    nets = {
        ("B36/S23", "a"): good,
        ("B3/S23", "a"): bad,
        ("B36/S23", "b"): good,
        ("B3/S23", "b"): slack,
    }
    return nets, {k: B.black_box_readings(net, "moore") for k, net in nets.items()}


def test_black_box_readings_and_exact_counts(readings):
    nets, res = readings
    assert list(res["B36/S23", "a"]) == [
        "enumerate",
        "statistics (covering)",
        "statistics (density 0.5)",
    ]
    assert res["B36/S23", "a"]["enumerate"].matches("B36/S23")
    assert res["B36/S23", "a"]["statistics (covering)"].matches("B36/S23")
    assert {"B8", "S8"} <= set(res["B36/S23", "a"]["statistics (density 0.5)"].undetermined)
    rows = B.exact_counts(res, nets, ["B36/S23", "B3/S23"], ["a", "b"])
    assert rows == [
        {
            "model": "a",
            "trainer: exact": 2,
            "enumerate": 1,
            "statistics (covering)": int(
                res["B3/S23", "a"]["statistics (covering)"].matches("B3/S23")
            )
            + 1,
            "statistics (density 0.5)": 0,
        },
        {
            "model": "b",
            "trainer: exact": 1,
            "enumerate": 2,
            "statistics (covering)": 2,
            "statistics (density 0.5)": 0,
        },
    ]
    assert B.trainer_exact(nets["B3/S23", "a"]) and not B.trainer_exact(E.exact_network("B3/S23"))


def test_enumeration_disagreements_both_ways(readings):
    nets, res = readings
    rows = B.enumeration_disagreements(res, nets)
    assert [(r["rule"], r["model"]) for r in rows] == [("B3/S23", "a"), ("B3/S23", "b")]
    called, missed = rows
    assert called["trainer exact"] and not called["enumeration exact"] and called["breaking"] > 0
    assert called["example"] is not None and called["orbits"] <= called["breaking"]
    line = B.describe_disagreement(called)
    assert line.strip().startswith("a") and "trainer exact=True, enumeration exact=False" in line
    noun = "configuration" if called["breaking"] == 1 else "configurations"
    assert f"{called['breaking']} breaking {noun} in " in line and "e.g." in line
    assert "(s)" not in line
    assert not missed["trainer exact"] and missed["enumeration exact"] and missed["example"] is None
    assert "e.g." not in B.describe_disagreement(missed)


def test_statistics_by_rule_counts_over_models(readings):
    nets, res = readings
    rows = B.statistics_by_rule(res, ["B36/S23"], ["a", "b"], "a")
    (row,) = rows
    assert row["rule"] == "B36/S23"
    assert {"B8", "S8"} <= set(row["0.5: undetermined (A)"].split())
    assert (
        row["covering: undetermined (A)"] == "-"
        and row["covering: exact"] == "2/2"
        and row["0.5: exact"] == "0/2"
    )
    half = res["B36/S23", "a"]["statistics (density 0.5)"]
    assert (
        row["0.5: min support"] == int(half.details["support"].min()) < row["covering: min support"]
    )


def test_basis_verdicts_and_costs():
    details = {
        "basis_exact": {"B0/S": True, "B1/S": False},
        "basis_accuracy": np.array([[1.0, 0.98765]]),
        "function_rule": "B3/S23",
    }
    basis = {
        "B3/S23": _reading("B3/S23", "basis", 2.0, **details),
        "B36/S23": _reading("B3/S23", "basis", 4.0, **details),
    }
    lines = B.basis_verdicts(basis)
    assert lines[0] == (
        "basis networks exact (trainer's test): 1 of 2; "
        "lowest cell accuracy on the probe boards: 0.9877"
    )
    assert lines[1].startswith("B3/S23: CKA reading recovers the rule (18/18 classes right)")
    assert lines[2].startswith("B36/S23: CKA reading does not recover the rule (17/18")
    assert lines[2].endswith("function control reads B3/S23")
    res = {
        k: {"enumerate": _reading("B3/S23", seconds=s), "stats": _reading("B3/S23", seconds=10 * s)}
        for k, s in (("x", 1.0), ("y", 3.0))
    }
    cost = B.seconds_by_method(res, basis)
    assert cost == {"enumerate": [1.0, 3.0], "stats": [10.0, 30.0], "basis": [2.0, 4.0]}
    assert B.cost_rows(cost)[1] == {"method": "stats", "runs": 2, "median s": 20.0, "max s": 30.0}
    assert list(B.seconds_by_method(res)) == ["enumerate", "stats"]


def test_statistics_cannot_tell_2a_from_2c():
    rows = B.statistics_on_isotropic(("B2-a/S12",), n=16, size=32)
    (row,) = rows  # B2-a/S12 splits only the count class B2
    assert row["class"] == "B2" and row["dead"] == "2a" and "2c" in row["alive"].split()
    assert 0.5 < row["P(alive)"] < 0.99 and row["statistics reads"] == "undetermined"
    assert row["majority reads"] == "alive" and row["cells misread by majority"] > 0.1


def test_agreement_with_certificates_counts_only_proved_networks():
    from lifecore.extract.certified import from_certificate

    def proof(rule, exact=True):
        return from_certificate({"exact": exact, "rule": rule, "neighbourhood": "moore"}, 0.0)

    readings = {
        ("B3/S23", "a"): {"certificate": proof("B3/S23"), "guess": proof("B3/S23")},
        ("B36/S23", "a"): {"certificate": proof("B36/S23"), "guess": proof("B3/S23")},
        ("B2/S", "a"): {"certificate": proof(None, exact=False), "guess": proof("B2/S")},
    }
    rows = B.agreement_with_certificates(readings, ["guess"])
    # two networks are proved; the guess reads B3/S23 for both, right only for the first
    assert rows == [{"reading": "guess", "agrees": 1, "networks": 2}]
