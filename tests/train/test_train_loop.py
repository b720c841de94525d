"""lifecore.train.loop: determinism, exactness, resume, early stopping, checkpoints, CLI."""

import numpy as np
import pytest
import torch

from lifecore import cli, models
from lifecore.data import make_dataset, soups
from lifecore.simulate import step
from lifecore.train import TrainConfig, evaluate, fit, rollout_exact, state_path, train_rule

FAST = dict(data_n=120, data_size=12, max_epochs=6, patience=50, rollout_steps=20, certify=False)


def _numbers(history):
    return [{k: v for k, v in h.items() if k != "seconds"} for h in history]


def _data(rule="B3/S23", seed=0):
    return make_dataset(rule, n=80, size=12, steps=1, seed=seed).split(0.25, seed=1)


def test_same_seed_same_numbers():
    a = train_rule("B36/S23", "mcnn", seed=3, config=TrainConfig(**FAST), progress=False)
    b = train_rule("B36/S23", "mcnn", seed=3, config=TrainConfig(**FAST), progress=False)
    assert _numbers(a.history) == _numbers(b.history)
    assert len(a.history) == a.epochs


def test_learns_life_exactly():
    res = train_rule(
        "B3/S23",
        "cnn-small",
        seed=0,
        config=TrainConfig(max_epochs=60, data_n=200, data_size=16, certify=False),
        progress=False,
    )
    assert res.exact and res.stopped == "exact" and res.rollout_exact
    assert res.val_board_accuracy == 1.0 and res.val_cell_accuracy == 1.0
    boards = soups(16, 40, (0.1, 0.9), seed=777)  # fresh soups, another board size
    assert np.array_equal(models.predict(res.model, boards), step(boards, "B3/S23"))
    assert rollout_exact(res.model, "B3/S23", steps=30, seed=5)
    ev = evaluate(res.model, make_dataset("B3/S23", n=10, size=20, steps=3, seed=9))
    assert ev.board_accuracy == 1.0 and ev.cell_accuracy == 1.0 and ev.loss < 0.1


def test_resume_after_interruption_matches(tmp_path):
    train, val = _data("B36/S23")
    cfg = TrainConfig(**{**FAST, "max_epochs": 5})

    def run(ckpt=None, callback=None):
        torch.manual_seed(0)
        return fit(
            models.build("mcnn"),
            train,
            val,
            cfg,
            checkpoint=ckpt,
            progress=False,
            callback=callback,
        )

    straight = run()

    def interrupt(record):
        if record["epoch"] == 2:
            raise KeyboardInterrupt

    ckpt = tmp_path / "net.pt"
    with pytest.raises(KeyboardInterrupt):
        run(ckpt, interrupt)
    assert state_path(ckpt).exists() and not ckpt.exists()
    resumed = run(ckpt)
    assert _numbers(resumed.history) == _numbers(straight.history)
    for p, q in zip(resumed.model.parameters(), straight.model.parameters()):
        assert torch.equal(p, q)
    loaded = models.load(ckpt)
    assert loaded.metadata["rule"] == "B36/S23" and loaded.metadata["epochs"] == 5

    # more epochs continue a run that ran out of them: same as asking for them at once
    longer = fit(
        models.build("mcnn"),
        train,
        val,
        TrainConfig(**{**FAST, "max_epochs": 7}),
        checkpoint=ckpt,
        progress=False,
    )
    torch.manual_seed(0)
    at_once = fit(
        models.build("mcnn"), train, val, TrainConfig(**{**FAST, "max_epochs": 7}), progress=False
    )
    assert _numbers(longer.history) == _numbers(at_once.history)


def test_early_stopping_with_patience_one():
    train, val = _data("B3/S23")
    torch.manual_seed(0)
    res = fit(
        models.build("cnn-tiny", hidden=1),
        train,
        val,
        TrainConfig(max_epochs=200, patience=1, lr=0.3, rollout_steps=10, certify=False),
        progress=False,
    )
    assert res.stopped == "early" and res.epochs < 200 and not res.exact
    assert res.val_loss == pytest.approx(min(h["val_loss"] for h in res.history), rel=1e-5)


def test_plateaus_drop_the_learning_rate_before_stopping_early():
    """No epoch after the first beats the best loss by min_delta: after each ``patience``
    epochs the rate drops tenfold, ``lr_drops`` times, and only then does the run stop."""
    train, val = _data("B3/S23")
    torch.manual_seed(0)
    config = TrainConfig(
        max_epochs=50, patience=2, lr_drops=2, lr=1e-9, min_delta=1.0, rollout_steps=0
    )
    res = fit(models.build("cnn-tiny", hidden=1), train, val, config, progress=False)
    assert res.stopped == "early" and res.epochs == 1 + 3 * 2
    rates = [h["lr"] for h in res.history]
    assert rates == pytest.approx([1e-9] * 3 + [1e-10] * 2 + [1e-11] * 2)
    config = TrainConfig(**{**config.to_dict(), "lr_drops": 0})
    assert fit(models.build("cnn-tiny", hidden=1), train, val, config, progress=False).epochs == 3
    with pytest.raises(ValueError, match="lr_drops"):
        TrainConfig(lr_drops=-1)


def test_untrained_model_rollout_not_exact():
    torch.manual_seed(0)
    assert not rollout_exact(models.build("cnn-small"), "B3/S23", steps=10)


def test_bad_checkpoint_is_value_error(tmp_path):
    train, val = _data()
    ckpt = tmp_path / "net.pt"
    state_path(ckpt).write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="net.state.pt"):
        fit(models.build("mcnn"), train, val, TrainConfig(**FAST), checkpoint=ckpt, progress=False)
    torch.save({"format": "something-else"}, state_path(ckpt))
    with pytest.raises(ValueError, match="not a lifecore trainer checkpoint"):
        fit(models.build("mcnn"), train, val, TrainConfig(**FAST), checkpoint=ckpt, progress=False)


def test_checkpoint_for_another_model_is_value_error(tmp_path):
    train, val = _data()
    ckpt = tmp_path / "net.pt"
    fit(
        models.build("mcnn"),
        train,
        val,
        TrainConfig(**{**FAST, "max_epochs": 1}),
        checkpoint=ckpt,
        progress=False,
    )
    with pytest.raises(ValueError, match="checkpoint is for model"):
        fit(
            models.build("cnn-tiny"),
            train,
            val,
            TrainConfig(**FAST),
            checkpoint=ckpt,
            progress=False,
        )


def test_unknown_rule_or_model():
    with pytest.raises(ValueError):
        train_rule("B9/S", "mcnn", progress=False)
    with pytest.raises(ValueError):
        train_rule("B3/S23", "no-such-model", progress=False)
    with pytest.raises(ValueError):
        TrainConfig(max_epochs=0)


def test_cli_train_writes_loadable_checkpoint(tmp_path, capsys):
    out = tmp_path / "life.pt"
    rc = cli.main(
        [
            "train",
            "--rule",
            "B3/S23",
            "--model",
            "mcnn",
            "--seed",
            "1",
            "--out",
            str(out),
            "--max-epochs",
            "3",
            "--kernel-size",
            "3",
            "--quiet",
        ]
    )
    assert rc == 0
    line = capsys.readouterr().out
    assert "B3/S23 mcnn seed=1" in line and "exact=" in line and "certified=" in line
    net = models.load(out)
    assert net.metadata["rule"] == "B3/S23" and net.metadata["seed"] == 1
    assert net.metadata["neighbourhood"] == "moore"
    assert net.metadata["certificate"]["inputs"] == 2**9
    assert (
        cli.main(["train", "--rule", "B3/S23", "--model", "nope", "--out", str(tmp_path / "x.pt")])
        == 2
    )
    assert cli.main(["train", "--rule", "B99/S", "--out", str(tmp_path / "y.pt")]) == 2


@pytest.mark.parametrize("model, side", [("sk-minimal", 3), ("cnn-tiny", 5)])
def test_cli_train_builds_each_model_at_its_own_kernel(tmp_path, capsys, model, side):
    """Without --kernel-size the CLI uses the model's own side: an SK network is 3x3, so its
    proof enumerates 2**9 windows, not 2**25 (a 5x5 SK network is not Springer & Kenyon's)."""
    out = tmp_path / "net.pt"
    argv = ["train", "--rule", "B3/S23", "--model", model, "--out", str(out)]
    assert cli.main([*argv, "--max-epochs", "1", "--quiet"]) == 0
    net = models.load(out)
    assert net.config["kernel_size"] == side
    assert net.metadata["certificate"]["inputs"] == 2 ** (side * side)
