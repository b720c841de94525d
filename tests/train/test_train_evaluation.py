"""lifecore.train.evaluate: a frozen `Evaluation`, checked against a network whose answer is
known by hand (every cell dead, logit -1 everywhere)."""

import dataclasses
import math

import numpy as np
import pytest
import torch

from lifecore import models
from lifecore.data import make_dataset
from lifecore.train import Evaluation, evaluate


def always_dead():
    """cnn-tiny with zero weights and output bias -1: logit -1 for every cell."""
    model = models.build("cnn-tiny", 3)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.body[-1].bias.fill_(-1.0)
    return model


def test_evaluate_matches_the_hand_computed_loss_and_accuracies():
    data = make_dataset("B3/S23", n=6, size=10, steps=2, seed=3)
    y = np.asarray(data.y)
    alive = y.mean()
    ev = evaluate(always_dead(), data)
    assert isinstance(ev, Evaluation)
    assert math.isclose(ev.cell_accuracy, 1 - alive, rel_tol=1e-9)
    empty = np.mean([not b.any() for b in y])
    assert math.isclose(ev.board_accuracy, empty, rel_tol=1e-9)
    # binary cross-entropy of logit -1: log(1 + e^-1) for a dead target, log(1 + e) for a live
    expected = (1 - alive) * math.log1p(math.exp(-1)) + alive * math.log1p(math.e)
    assert math.isclose(ev.loss, expected, rel_tol=1e-5)


def test_evaluation_is_frozen():
    ev = Evaluation(loss=0.5, cell_accuracy=0.9, board_accuracy=0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.loss = 0.0
    assert dataclasses.asdict(ev) == {"loss": 0.5, "cell_accuracy": 0.9, "board_accuracy": 0.0}
