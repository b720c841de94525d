"""Plain CNNs: the notes' cnn-tiny, cnn-small and mcnn, and Springer & Kenyon's minimal
network (a k x k layer, an optional per-cell MLP of 1x1 convolutions, one logit)."""

from __future__ import annotations

from typing import Optional

import torch
from torch import nn

from .base import LifeNet


class PlainNet(LifeNet):
    """Plain CNN: k x k conv, ReLU, optional 1x1 MLP layers, 1x1 conv to one logit."""

    def __init__(self, config: dict, metadata: Optional[dict] = None):
        super().__init__(config, metadata)
        k, hidden = config["kernel_size"], config["hidden"]
        layers: list[nn.Module] = [
            nn.Conv2d(1, hidden, k, padding=k // 2, padding_mode="circular"),
            nn.ReLU(),
        ]
        width = hidden
        for _ in range(config.get("mlp_layers", 0)):
            layers += [nn.Conv2d(width, config["mlp_hidden"], 1), nn.ReLU()]
            width = config["mlp_hidden"]
        layers.append(nn.Conv2d(width, 1, 1))
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)
