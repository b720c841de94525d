"""Shared by the extract tests: hand-made exact networks in a savable model's shape."""

import pytest
import torch

from lifecore import extract as E
from lifecore import models


def as_cnn_tiny(rule):
    """A cnn-tiny (3x3) carrying `lifecore.extract.exact_network`'s weights for ``rule``,
    so it can be saved, loaded and certified like a trained network."""
    exact = E.exact_network(rule)
    net = models.build("cnn-tiny", kernel_size=3, hidden=exact.conv.out_channels)
    with torch.no_grad():
        net.body[0].weight.copy_(exact.conv.weight)
        net.body[0].bias.copy_(exact.conv.bias)
        net.body[2].weight.copy_(exact.head.weight)
        net.body[2].bias.copy_(exact.head.bias)
    return net


@pytest.fixture
def exact_cnn_tiny():
    """`as_cnn_tiny`: ``exact_cnn_tiny(rule)`` -> an exact cnn-tiny for ``rule``."""
    return as_cnn_tiny
