"""lifecore.experiments.ablation: conditions, the certified-rate table, per-class errors."""

import numpy as np
import pytest
import torch

from lifecore import models
from lifecore.experiments import (
    ABLATION_CONDITIONS,
    NOTES_WIDTHS,
    ExperimentError,
    RunRecord,
    ablation,
    class_error_rates,
    count_error_summary,
    grid,
)


def test_notes_widths_match_the_notes_parameter_counts():
    for model, (built, options) in NOTES_WIDTHS.items():
        params = models.count_parameters(models.build(built, **options))
        assert abs(params - models.NOTES_SIZES[model]["params"]) / params < 0.03, model


def test_each_condition_changes_one_thing():
    ours = ABLATION_CONDITIONS["ours"]
    assert not ours.config and not ours.model_options and not ours.widths
    assert ABLATION_CONDITIONS["kernel-3"].variant("p4mcnn") == ("p4mcnn", {"kernel_size": 3})
    assert ABLATION_CONDITIONS["notes-widths"].variant("cnn-small")[0] == "mcnn"
    assert ABLATION_CONDITIONS["notes-widths"].variant("mcnn") == ("mcnn", {})
    assert ABLATION_CONDITIONS["sampled-stopping"].config == {"certify": False}


def test_ablation_table_from_fake_runs(monkeypatch):
    """Every run is certified unless the kernel is 3x3: the table must say exactly that."""
    seen = []

    def fake(rule, model, seed, config, out_dir, threads, certify_final, options):
        seen.append((model, options.get("kernel_size", 5), config.data_steps, certify_final))
        assert config.certify is True  # certified stopping is ours, and kept by these three
        assert out_dir == "nets"  # the networks are kept where asked
        ok = options.get("kernel_size", 5) == 5
        return RunRecord(
            rule,
            model,
            seed,
            grid._run_hash(config, options, certify_final),
            certified=ok,
            val_cell_accuracy=1.0,
            seconds=1.0,
            params=7,
        )

    monkeypatch.setattr(grid, "_worker", fake)
    rows, records = ablation(
        ["B3/S23"],
        ["p4mcnn"],
        2,
        ["ours", "kernel-3", "notes-data"],
        progress=False,
        checkpoint_dir="nets",
    )
    assert [(r.condition, r.runs, r.certified) for r in rows] == [
        ("ours", 2, 2),
        ("kernel-3", 2, 0),
        ("notes-data", 2, 2),
    ]
    assert rows[1].certified_rate == 0.0 and len(records) == 6
    assert all(cf for *_, cf in seen) and {s[2] for s in seen} == {1, 10}
    with pytest.raises(ExperimentError, match="unknown conditions"):
        ablation(conditions=["magic"], progress=False)


def _always_dead():
    net = models.build("cnn-tiny")
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        list(net.parameters())[-1].fill_(-5.0)  # the last bias: every logit is -5
    return net.eval()


def test_class_error_rates_of_a_network_that_always_answers_dead():
    errors, cells = class_error_rates(_always_dead(), "B3/S23", n=16, size=16, seed=1)
    expected = np.zeros((2, 9))
    expected[0, 3] = expected[1, 2] = expected[1, 3] = 1.0  # Life's live outcomes, all wrong
    seen = cells > 0
    assert seen.sum() > 12 and np.array_equal(errors[seen], expected[seen])
    assert np.isnan(errors[~seen]).all()
    summary = count_error_summary(errors, cells)
    assert summary["high_count_error"] == 0.0 and summary["low_count_error"] > 0.0
