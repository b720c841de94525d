"""lifecore.train.minimal and TrainConfig(method="windows"): the window read-out, the
option, and the negative control (a seed the plain method fails and the new one proves)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import models
from lifecore.rules import Rule
from lifecore.rules.windows import window_cells
from lifecore.simulate import step
from lifecore.train import TrainConfig, TrainError, train_rule
from lifecore.train.minimal import (
    diagnose,
    fold_middle,
    forward_with_slope,
    middle_foldable,
    window_pairs,
    windows_trainable,
)

LIFE = Rule.parse("B3/S23")


@settings(max_examples=25, deadline=None)
@given(index=st.integers(0, 511), seed=st.integers(0, 2**16))
def test_centre_readout_is_the_network_on_that_window(index, seed):
    """The read-out on a 3x3 board equals the network's output at that window's centre on
    a larger board with random cells around it (circular padding never wraps at the centre)."""
    torch.manual_seed(seed)
    net = models.build("sk-minimal")
    rng = np.random.default_rng(seed)
    board = rng.integers(0, 2, (7, 7)).astype(np.float32)
    board[2:5, 2:5] = window_cells(index)
    big = torch.tensor(board)[None, None]
    x = torch.tensor(window_cells(index), dtype=torch.float32)[None, None]
    with torch.no_grad():
        assert torch.allclose(forward_with_slope(net, x, 0.0), net(big)[:, 0, 3, 3], atol=1e-5)


def test_window_labels_are_the_simulators_step():
    x, y = window_pairs(LIFE)
    boards = np.zeros((512, 5, 5), np.uint8)
    boards[:, 1:4, 1:4] = x[:, 0].numpy().astype(np.uint8)
    np.testing.assert_array_equal(step(boards, LIFE, boundary="dead")[:, 2, 2], y.numpy())


def test_option_checked():
    with pytest.raises(TrainError, match="method"):
        TrainConfig(method="restarts")
    assert not windows_trainable(models.build("cnn-tiny"))
    assert windows_trainable(models.build("sk-minimal-x2"))
    with pytest.raises(TrainError, match="3x3"):
        train_rule(LIFE, "cnn-tiny", seed=0, config=TrainConfig(method="windows"), progress=False)


def test_diagnose_counts_dead_units():
    torch.manual_seed(0)
    net = models.build("sk-minimal")
    with torch.no_grad():
        net.body[0].bias[0] = -100.0  # negative on every window: dead
    d = diagnose(net, LIFE)
    assert d["dead"] >= 1 and d["active"][0][0] == 0.0
    assert 0 <= d["wrong"] <= 512


def test_negative_control_plain_fails_windows_certified(tmp_path):
    """Seed 100 on Life: the plain method ends uncertified; the window method, from the
    same single initialisation, is certified, and its checkpoint says 1 initialisation."""
    plain = train_rule(LIFE, "sk-minimal", seed=100, config=TrainConfig(threads=1), progress=False)
    assert plain.certificate is not None and not plain.certificate.exact
    out = tmp_path / "w.pt"
    new = train_rule(LIFE, "sk-minimal", seed=100, progress=False, checkpoint=out,
                     config=TrainConfig(threads=1, method="windows"))  # fmt: skip
    assert new.certificate.exact and new.stopped == "certified"
    loaded = models.load(out)
    assert loaded.metadata["initialisations"] == 1
    assert loaded.metadata["certificate"]["exact"]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), scale=st.floats(0.2, 5.0))
def test_fold_middle_keeps_every_windows_class(seed, scale):
    """Trained without the middle ReLU, then folded: the plain sk-minimal classifies every
    window as the ReLU-less network did (`fold_middle`'s claim), whatever the weights."""
    torch.manual_seed(seed)
    net = models.build("sk-minimal")
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(scale)
    x, _ = window_pairs(LIFE)
    with torch.no_grad():
        before = forward_with_slope(net, x, 0.0, linear_middle=True) > 0
        fold_middle(net, x)
        after_plain = forward_with_slope(net, x, 0.0) > 0
        after_linear = forward_with_slope(net, x, 0.0, linear_middle=True) > 0
    assert torch.equal(before, after_linear)  # the shift itself changes nothing
    assert torch.equal(before, after_plain)  # and the ReLU then changes no class


def test_only_a_one_unit_middle_is_foldable():
    assert middle_foldable(models.build("sk-minimal"))
    assert not middle_foldable(models.build("sk-minimal-x2"))  # two middle units
    assert not middle_foldable(models.build("cnn-tiny", kernel_size=3))  # no middle layer


def test_without_the_fold_a_relu_less_network_can_differ():
    """Negative control: the ReLU-less network and the plain one differ on some windows
    for some weights, so the fold is what makes them agree."""
    x, _ = window_pairs(LIFE)
    differs = 0
    for seed in range(20):
        torch.manual_seed(seed)
        net = models.build("sk-minimal")
        with torch.no_grad():
            a = forward_with_slope(net, x, 0.0, linear_middle=True) > 0
            b = forward_with_slope(net, x, 0.0) > 0
        differs += int(not torch.equal(a, b))
    assert differs > 0


def test_fold_middle_twice_moves_nothing_and_keeps_biases_small():
    """Folding is applied at every check while training: it must not accumulate (large
    cancelling biases would cost float32 the exactness the certificate needs)."""
    torch.manual_seed(3)
    net = models.build("sk-minimal")
    x, _ = window_pairs(LIFE)
    with torch.no_grad():
        net.body[4].bias.fill_(1.0)  # a positive output bias: threshold -b/a may be <= 0
        fold_middle(net, x)
        once = [p.clone() for p in net.parameters()]
        for _ in range(10):
            fold_middle(net, x)
    assert all(torch.equal(a, b) for a, b in zip(once, net.parameters()))
    assert float(net.body[2].bias.detach().abs().max()) < 100


def test_cli_trains_sk_minimal_with_the_window_method_unless_told(tmp_path):
    """`python -m lifecore train --model sk-minimal` (no --method) uses the window method
    and ends certified; --method boards still gives the plain method."""
    from lifecore import cli

    out, plain = tmp_path / "w.pt", tmp_path / "b.pt"
    argv = ["train", "--rule", "B3/S23", "--model", "sk-minimal", "--seed", "7", "--quiet"]
    assert cli.main([*argv, "--out", str(out)]) == 0
    net = models.load(out)
    assert net.metadata["config"]["method"] == "windows"
    assert net.metadata["certificate"]["exact"] and net.metadata["initialisations"] == 1
    assert cli.main([*argv, "--out", str(plain), "--method", "boards", "--max-epochs", "1"]) == 0
    assert "method" not in models.load(plain).metadata["config"]  # the default: boards
