"""Hostile networks for extraction and certification: a network whose weights are NaN or
infinite ends in the library's error naming the weight, never a bare RuntimeError."""

import pytest
import torch

from lifecore import LifecoreError, models
from lifecore.certify import CertifyError, certify
from lifecore.extract import METHODS, ExtractionError, extract


def _poisoned(value: float, everywhere: bool) -> torch.nn.Module:
    torch.manual_seed(0)
    model = models.build("cnn-tiny", 3)
    with torch.no_grad():
        params = list(model.parameters())
        for p in params if everywhere else params[-1:]:
            p.fill_(value)
    return model


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
@pytest.mark.parametrize("everywhere", [True, False])
def test_extract_refuses_non_finite_weights(method, value, everywhere):
    with pytest.raises(ExtractionError, match="NaN or infinity"):
        extract(_poisoned(value, everywhere), method=method, neighbourhood="moore")


@pytest.mark.parametrize("everywhere", [True, False])
def test_certify_refuses_non_finite_weights(everywhere):
    with pytest.raises(CertifyError, match="NaN or infinite") as info:
        certify(_poisoned(float("nan"), everywhere), "B3/S23")
    assert isinstance(info.value, LifecoreError)


def test_control_a_finite_network_is_read():
    assert extract(_poisoned(0.0, False), method="certificate").rule is not None
