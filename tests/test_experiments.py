"""lifecore.experiments: grid records, resumability, reuse of checkpoints, summaries, CLI."""

import json

import pytest

from lifecore import cli, models
from lifecore import experiments as ex
from lifecore.train import TrainConfig

CFG = TrainConfig(max_epochs=2, data_n=40, data_size=10, rollout_steps=10)


def test_notes_table_is_complete():
    assert len(ex.NOTES_RULES) == 8
    assert set(ex.NOTES_TABLE) == set(ex.NOTES_RULES)
    for row in ex.NOTES_TABLE.values():
        assert set(row) == set(models.MODEL_NAMES)
    assert ex.NOTES_TABLE["B2/S013V"]["cnn-tiny"] == {
        "train_loss": 0.5533,
        "val_accuracy": pytest.approx(0.7724),
    }


def test_run_grid_records_and_rerun_skips(tmp_path, monkeypatch):
    out = tmp_path / "results.json"
    recs = ex.run_grid(
        ["B3/S23", "B2/S"],
        ["mcnn"],
        seeds=1,
        jobs=1,
        config=CFG,
        out=out,
        checkpoint_dir=tmp_path / "ckpt",
        progress=False,
    )
    assert [(r["rule"], r["model"], r["seed"]) for r in recs] == [
        ("B3/S23", "mcnn", 0),
        ("B2/S", "mcnn", 0),
    ]
    for r in recs:
        assert set(ex.RECORD_KEYS) <= set(r)
        assert r["epochs"] == len(r["history"]) and r["params"] == models.count_parameters(
            models.build("mcnn")
        )
    assert len(ex.load_records(out)) == 2
    json.loads(out.read_text())  # plain JSON

    def boom(*a, **k):
        raise AssertionError("a finished run was trained again")

    monkeypatch.setattr(ex, "_worker", boom)
    again = ex.run_grid(
        ["B3/S23", "B2/S"], ["mcnn"], seeds=1, jobs=1, config=CFG, out=out, progress=False
    )
    assert again == recs
    # chapter 5's route: the saved network comes back without training
    net = ex.trained("B2/S", "mcnn", 0, tmp_path / "ckpt", CFG)
    assert net.metadata["rule"] == "B2/S" and net.metadata["epochs"] == recs[1]["epochs"]


def test_summaries():
    recs = [
        {
            "rule": "B3/S23",
            "model": "mcnn",
            "seed": s,
            "exact": s < 2,
            "train_loss": 0.01,
            "val_cell_accuracy": 1.0,
            "val_board_accuracy": 1.0,
            "seconds": float(s + 1),
            "epochs": 3,
        }
        for s in range(4)
    ]
    table = ex.success_table(recs)
    assert table[0] == {"rule": "B3/S23", "mcnn": 0.5} and table[-1]["rule"] == "all rules"
    t = ex.time_to_exact(recs)[0]
    assert t["exact"] == 2 and t["median_seconds"] == 1.5
    row = ex.compare_with_notes(recs)[0]
    assert row["notes_train_loss"] == 0.0055 and row["exact"] == 0.5
    md = ex.markdown_table(table, {"mcnn": ".0%"})
    assert "| B3/S23 | 50% |" in md


def test_unknown_model_or_rule():
    with pytest.raises(ValueError, match="unknown model"):
        ex.run_grid(["B3/S23"], ["resnet"], seeds=1, progress=False)
    with pytest.raises(ValueError):
        ex.run_grid(["B3/S99"], ["mcnn"], seeds=1, progress=False)
    with pytest.raises(ValueError):
        ex.run_one("B3/S23", "resnet", 0, CFG)


def test_bad_results_file(tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError, match="r.json"):
        ex.run_grid(["B3/S23"], ["mcnn"], seeds=1, out=bad, progress=False)


def test_cli_experiments(tmp_path, capsys):
    out = tmp_path / "r.json"
    rc = cli.main(
        [
            "experiments",
            "--rules",
            "B2/S",
            "--models",
            "cnn-tiny",
            "--seeds",
            "1",
            "--jobs",
            "1",
            "--max-epochs",
            "1",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert rc == 0 and len(ex.load_records(out)) == 1
    assert "| B2/S |" in capsys.readouterr().out
