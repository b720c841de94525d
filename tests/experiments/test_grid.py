"""lifecore.experiments.grid: records, resumability keyed by configuration, reuse of
checkpoints, bad requests, and a grid on a 2-worker Dask LocalCluster."""

import json

import pytest

from lifecore import models
from lifecore.experiments import (
    ExperimentError,
    RunRecord,
    checkpoint_path,
    grid,
    load_records,
    run_grid,
    run_one,
    seed_list,
    trained,
)
from lifecore.files import FileError
from lifecore.train import TrainConfig

CFG = TrainConfig(max_epochs=2, data_n=40, data_size=10, rollout_steps=10)


def _no_training(*a, **k):
    raise AssertionError("a finished run was trained again")


def test_run_grid_records_and_rerun_skips(tmp_path, monkeypatch):
    out = tmp_path / "results.json"
    kw = dict(seeds=1, jobs=1, config=CFG, out=out, progress=False)
    recs = run_grid(["B3/S23", "B2/S"], ["mcnn"], checkpoint_dir=tmp_path / "ckpt", **kw)
    assert [(r.rule, r.model, r.seed) for r in recs] == [("B3/S23", "mcnn", 0), ("B2/S", "mcnn", 0)]
    for r in recs:
        assert isinstance(r, RunRecord)
        assert r.epochs == len(r.history) and r.params == models.count_parameters(
            models.build("mcnn")
        )
        assert r.certified in (None, True, False)
    assert [r.key for r in load_records(out)] == [r.key for r in recs]
    json.loads(out.read_text())  # plain JSON

    monkeypatch.setattr(grid, "_worker", _no_training)
    assert run_grid(["B3/S23", "B2/S"], ["mcnn"], **kw) == recs
    # chapter 5's route: the saved network comes back without training
    net = trained("B2/S", "mcnn", 0, tmp_path / "ckpt", CFG)
    assert net.metadata["rule"] == "B2/S" and net.metadata["epochs"] == recs[1].epochs


def test_a_changed_option_never_reuses_a_stored_result(tmp_path, monkeypatch):
    out = tmp_path / "results.json"
    (first,) = run_grid(["B2/S"], ["cnn-tiny"], 1, 1, CFG, out, progress=False)
    calls = []

    def fake(rule, model, seed, config, out_dir, threads, certify_final, model_options):
        calls.append(config.max_epochs)
        return RunRecord(rule, model, seed, grid.run_config_hash(config, model_options))

    monkeypatch.setattr(grid, "_worker", fake)
    other = TrainConfig(**{**CFG.to_dict(), "max_epochs": 1})
    (second,) = run_grid(["B2/S"], ["cnn-tiny"], 1, 1, other, out, progress=False)
    assert calls == [1] and second.config_hash != first.config_hash
    run_grid(["B2/S"], ["cnn-tiny"], 1, 1, CFG, out, progress=False)  # the first is still there
    assert calls == [1] and len(load_records(out)) == 2
    assert checkpoint_path("d", "B2/S", "cnn-tiny", 0, CFG) != checkpoint_path(
        "d", "B2/S", "cnn-tiny", 0, other
    )
    assert checkpoint_path("d", "B2/S", "cnn-tiny", 0, CFG) != checkpoint_path(
        "d", "B2/S", "cnn-tiny", 0, CFG, {"kernel_size": 3}
    )


def test_bad_requests_are_experiment_errors_before_training(tmp_path, monkeypatch):
    monkeypatch.setattr(grid, "_worker", _no_training)
    with pytest.raises(ExperimentError, match="unknown model"):
        run_grid(["B3/S23"], ["resnet"], seeds=1, progress=False)
    with pytest.raises(ValueError):  # RuleError
        run_grid(["B3/S99"], ["mcnn"], seeds=1, progress=False)
    with pytest.raises(ExperimentError, match="unknown model"):
        run_one("B3/S23", "resnet", 0, CFG)
    for seeds in (-2, 0, [], [-1], [2**40], [1.5], True):
        with pytest.raises(ExperimentError, match="seed"):
            run_grid(["B3/S23"], ["mcnn"], seeds=seeds, progress=False)
    with pytest.raises(ExperimentError, match="jobs"):
        run_grid(["B3/S23"], ["mcnn"], seeds=1, jobs=0, progress=False)
    with pytest.raises(FileError):
        run_grid(["B3/S23"], ["mcnn"], seeds=1, out=tmp_path, progress=False)


def test_bad_results_file(tmp_path, monkeypatch):
    monkeypatch.setattr(grid, "_worker", _no_training)
    bad = tmp_path / "r.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ExperimentError, match="r.json"):
        run_grid(["B3/S23"], ["mcnn"], seeds=1, out=bad, progress=False)


def test_seed_list():
    assert seed_list(3) == [0, 1, 2] and seed_list([5, 2]) == [5, 2]


def test_grid_on_a_two_worker_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    tiny = TrainConfig(max_epochs=1, data_n=12, data_size=8, rollout_steps=2, rollout_boards=2)
    out = tmp_path / "r.json"
    recs = run_grid(
        ["B3/S23", "B2/S"], ["cnn-tiny"], 1, 2, tiny, out, progress=False, scheduler="local"
    )
    assert [(r.rule, r.seed) for r in recs] == [("B3/S23", 0), ("B2/S", 0)]
    assert all(r.epochs == 1 for r in recs) and len(load_records(out)) == 2
    # the same runs on this machine give the same numbers: the cluster changes nothing
    (local,) = run_grid(["B2/S"], ["cnn-tiny"], 1, 1, tiny, progress=False)
    assert local.train_loss == pytest.approx(recs[1].train_loss, rel=1e-5)


def test_unreachable_scheduler_is_an_experiment_error(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(grid, "_worker", _no_training)
    with pytest.raises(ExperimentError, match="Dask scheduler"):
        run_grid(["B3/S23"], ["cnn-tiny"], 1, 1, CFG, progress=False, scheduler="tcp://127.0.0.1:9")
