"""lifecore.train.state: a state is resumed only by the very run that wrote it; writes are
atomic; a diverged run saves nothing."""

import pytest
import torch

from lifecore import models
from lifecore.data import make_dataset
from lifecore.train import TrainConfig, TrainError, fit, state_path
from lifecore.train.state import identity_difference, run_identity

FAST = dict(max_epochs=1, patience=50, rollout_steps=0, certify=False)


def _data(rule="B3/S23", seed=0):
    return make_dataset(rule, n=40, size=10, steps=1, seed=seed).split(0.25, seed=1)


def _identity(**changes):
    train, val = _data(changes.pop("data_rule", "B3/S23"))
    torch.manual_seed(0)
    net = models.build(changes.pop("model", "mcnn"))
    config = TrainConfig(**{**FAST, **changes.pop("config", {})})
    pairs = (train.x, train.y, val.x, val.y)
    return run_identity(
        net, config, changes.pop("rule", "B3/S23"), "torus", torch.device("cpu"), pairs
    )


def test_identity_names_the_first_difference():
    base = _identity()
    assert identity_difference(base, _identity()) is None
    assert identity_difference(base, _identity(rule="B36/S23")) == "rule B3/S23, not B36/S23"
    assert identity_difference(base, _identity(config={"seed": 4})) == "seed 0, not 4"
    assert identity_difference(base, _identity(config={"lr": 0.5})) == "setting lr=0.01, not 0.5"
    assert identity_difference(base, _identity(model="cnn-tiny")).startswith("model mcnn")
    assert identity_difference(base, _identity(data_rule="B36/S23")) == (
        "other training or validation pairs"
    )
    assert identity_difference(None, base) is not None
    # a larger budget is the same run
    assert identity_difference(base, _identity(config={"max_epochs": 9})) is None


def _fit(ckpt, train, val, fresh=False, **config):
    torch.manual_seed(0)
    return fit(
        models.build("mcnn"),
        train,
        val,
        TrainConfig(**{**FAST, **config}),
        checkpoint=ckpt,
        progress=False,
        fresh=fresh,
    )


def test_state_of_another_run_is_refused_unless_fresh(tmp_path):
    train, val = _data()
    ckpt = tmp_path / "net.pt"
    _fit(ckpt, train, val)
    saved = ckpt.read_bytes()
    with pytest.raises(TrainError, match="seed 0, not 7; pass fresh=True"):
        _fit(ckpt, train, val, seed=7, max_epochs=3)
    other_train, other_val = _data(seed=5)
    with pytest.raises(TrainError, match="other training or validation pairs"):
        _fit(ckpt, other_train, other_val, max_epochs=3)
    assert ckpt.read_bytes() == saved
    res = _fit(ckpt, train, val, fresh=True, seed=7, max_epochs=2)
    assert res.epochs == 2 and models.load(ckpt).metadata["seed"] == 7


def test_interrupted_state_write_leaves_old_state_and_no_tmp(tmp_path, monkeypatch):
    train, val = _data()
    ckpt = tmp_path / "net.pt"
    _fit(ckpt, train, val)
    before = state_path(ckpt).read_bytes()
    real_save = torch.save

    def killed_halfway(obj, f, *args, **kwargs):
        f.write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", killed_halfway)
    with pytest.raises(KeyboardInterrupt):
        _fit(ckpt, train, val, max_epochs=2)
    monkeypatch.setattr(torch, "save", real_save)
    assert state_path(ckpt).read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


def test_diverged_run_raises_and_saves_nothing(tmp_path):
    train, val = _data()
    ckpt = tmp_path / "net.pt"
    with pytest.raises(TrainError, match="diverged in epoch 1"):
        _fit(ckpt, train, val, lr=1e30, max_epochs=3)
    assert not ckpt.exists() and not state_path(ckpt).exists()
