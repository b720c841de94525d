"""Training ends with a proof: `fit` certifies, failed proofs' counterexample windows become
training pairs, the certificate goes into the checkpoint, and a p4 network on a hex rule
ends uncertified saying why. 3x3 kernels keep the proofs to 512 windows (fast)."""

import numpy as np
import pytest
import torch

from lifecore import models
from lifecore.book.beyond import chiral_rule
from lifecore.data import TransitionData, make_dataset
from lifecore.rules import Rule
from lifecore.rules.symmetry import lower_bound
from lifecore.simulate import step
from lifecore.train import TrainConfig, fit, state_path, train_rule
from lifecore.train import loop as train_loop
from lifecore.train.proof import quarter_turn_invariant, why_unprovable

SMALL = dict(data_n=160, data_size=12, max_epochs=40, patience=40, rollout_steps=20)


def _all_windows_right(model, rule) -> bool:
    """Independent of the certificate: the model on every 3x3 board (a 3x3 torus: each cell's
    window is the whole board) against the simulator."""
    index = np.arange(512)[:, None] >> np.arange(8, -1, -1)
    boards = (index & 1).astype(np.uint8).reshape(512, 3, 3)
    return bool(np.array_equal(models.predict(model, boards), step(boards, rule)))


def test_run_ends_certified_with_the_certificate_in_the_checkpoint(tmp_path):
    ckpt = tmp_path / "life.pt"
    res = train_rule(
        "B3/S23",
        "mcnn",
        seed=0,
        config=TrainConfig(**SMALL),
        checkpoint=ckpt,
        progress=False,
        kernel_size=3,
    )
    assert res.stopped == "certified" and res.exact and res.certificate.exact
    assert _all_windows_right(res.model, "B3/S23")
    meta = models.load(ckpt).metadata
    cert = meta["certificate"]
    assert cert["exact"] is True and cert["rule"] == "B3/S23" and cert["inputs"] == 512
    assert cert["margin"] >= 0 and meta["exact"] is True and meta["certified"] is True
    assert res.certificate.holds_for(models.load(ckpt))


def _always_dead(kernel_size: int = 3):
    """An mcnn whose output bias makes every logit negative: it is exact on empty boards
    (every validation board right) and wrong on every window where the rule gives life."""
    torch.manual_seed(0)
    net = models.build("mcnn", kernel_size=kernel_size)
    last = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)][-1]
    with torch.no_grad():
        last.bias.fill_(-1e3)
    return net


def test_exact_means_certified_not_sampled():
    # the samples say exact (every validation board right, no rollout to contradict), the
    # proof says otherwise: the run must not call itself exact
    rule = Rule.parse("B3/S23")
    empty = np.zeros((8, 8, 8), np.uint8)
    val = TransitionData(empty, empty.copy(), np.arange(8), {"rule": str(rule)})
    train = make_dataset(rule, n=40, size=8, steps=1, seed=3)
    config = TrainConfig(max_epochs=1, rollout_steps=0, patience=5, lr=1e-6)
    res = fit(_always_dead(), train, val, config, progress=False)
    assert res.val_board_accuracy == 1.0
    assert res.exact == res.certificate.exact == _all_windows_right(res.model, rule)
    assert not res.exact and res.stopped != "certified"
    assert res.certificate.counterexample_count > 0


def test_counterexample_windows_enter_the_training_data(tmp_path, monkeypatch):
    rule = Rule.parse("B3/S23")
    empty = np.zeros((8, 12, 12), np.uint8)  # validation exact at once: a proof is tried early
    val = TransitionData(empty, empty.copy(), np.arange(8), {"rule": str(rule)})
    train = make_dataset(rule, n=40, size=12, steps=1, seed=3)
    proofs = []
    real_prove = train_loop.prove

    def recording_prove(*args, **kwargs):
        proofs.append(real_prove(*args, **kwargs))
        return proofs[-1]

    monkeypatch.setattr(train_loop, "prove", recording_prove)
    ckpt = tmp_path / "net.pt"
    config = TrainConfig(
        max_epochs=1, rollout_steps=0, patience=5, lr=1e-6, counterexample_windows=4
    )
    res = fit(_always_dead(), train, val, config, ckpt, progress=False)
    failed = proofs[0]
    assert not failed.exact and len(failed.counterexamples) == 4
    assert res.counterexample_windows == 4
    state = torch.load(state_path(ckpt), weights_only=True)
    x, y = state["extra_x"].numpy(), state["extra_y"].numpy()
    assert np.array_equal(y, step(x, rule))  # labelled by the rule
    for c in failed.counterexamples:  # each window is in the boards, at the centre of a cell
        big = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="wrap")
        found = [
            (b, i, j)
            for b in range(len(x))
            for i in range(12)
            for j in range(12)
            if np.array_equal(big[b, i : i + 3, j : j + 3], c.patch)
        ]
        assert found and all(y[b, i, j] == c.expected != c.network for b, i, j in found)


def test_p4_network_on_a_hex_rule_ends_uncertified_saying_why():
    hexrule = "B2/S34H"
    assert not quarter_turn_invariant(hexrule)
    assert quarter_turn_invariant("B36/S23") and quarter_turn_invariant("B13/S012V")
    res = train_rule(
        hexrule,
        "p4mcnn",
        seed=0,
        config=TrainConfig(**{**SMALL, "max_epochs": 3}),
        progress=False,
        kernel_size=3,
    )
    assert not res.exact and res.stopped in ("early", "max_epochs")
    assert "quarter turns" in res.certificate.reason
    bound = lower_bound(hexrule, "p4", 3)
    assert f"at least {bound.wrong_windows} of the 512 windows" in res.certificate.reason
    assert res.certificate.counterexample_count >= bound.wrong_windows > 0


def test_d4_network_on_a_chiral_rule_is_unprovable_and_a_p4_one_is_not():
    """The chiral rule (p4- but not D4-invariant): the reason names the D4 bound, computed
    independently here from the rule's table; a p4 network gets no such reason."""
    chiral = chiral_rule()
    d4 = models.build("d4cnn-tiny", kernel_size=3)
    why = why_unprovable(d4, chiral)
    assert "rotations and reflections" in why
    assert f"at least {lower_bound(chiral, 'd4', 3).wrong_windows} of the 512" in why
    assert why_unprovable(models.build("p4cnn-tiny", kernel_size=3), chiral) == ""
    assert why_unprovable(models.build("cnn-tiny", kernel_size=3), "B2/S34H") == ""
    assert why_unprovable(d4, "B2-a/S12") == ""  # isotropic: D4-invariant


def test_without_a_rule_the_samples_decide():
    train, val = make_dataset("B3/S23", n=40, size=10, steps=1, seed=0).split(0.25, seed=1)
    for d in (train, val):
        d.meta.pop("rule")
    torch.manual_seed(0)
    res = fit(models.build("mcnn", kernel_size=3), train, val, TrainConfig(max_epochs=2))
    assert res.certificate is None
    assert res.exact == (res.val_board_accuracy == 1.0)


@pytest.mark.parametrize("certify", [True, False])
def test_certify_switch_is_part_of_the_metrics(certify):
    res = train_rule(
        "B3/S23",
        "mcnn",
        config=TrainConfig(**{**SMALL, "max_epochs": 1, "certify": certify}),
        progress=False,
        kernel_size=3,
    )
    assert (res.certificate is not None) == certify
    assert res.metrics()["certified"] == (certify and res.certificate.exact)
