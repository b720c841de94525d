"""Layer rows describe each model's layers and account for every parameter."""

import pytest

from lifecore import models
from lifecore.book.architecture import layer_rows


@pytest.mark.parametrize("name", models.MODEL_NAMES)
def test_layer_rows_count_every_parameter(name):
    model = models.build(name)
    rows = layer_rows(model)
    assert sum(r["parameters"] for r in rows) == models.count_parameters(model)


def test_cnn_tiny_is_one_5x5_layer_of_12_channels_then_1x1():
    rows = layer_rows(models.build("cnn-tiny"))
    assert [r["maps"] for r in rows] == ["1 → 12 channels, 5×5", "per cell", "12 → 1 channels, 1×1"]
    assert [r["parameters"] for r in rows] == [1 * 12 * 25 + 12, 0, 12 + 1]


def test_p4_layer_is_described_by_its_fields():
    rows = layer_rows(models.build("p4cnn-small"))
    assert rows[0]["layer"] == "p4 convolution"
    assert "regular fields" in rows[0]["maps"] and rows[-1]["layer"] == "convolution"
