"""A hand-made network that computes an outer-totalistic rule exactly: an independent truth
for testing the extraction methods (and certification) without training anything."""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import torch
from torch import nn

from ..rules import RuleLike, as_rule

__all__ = ["ExactNetwork", "exact_network"]


class ExactNetwork(nn.Module):
    """A two-layer ReLU network that computes a rule exactly.

    For an outer-totalistic rule, a 3x3 circular convolution computes
    ``v = (size+1) * state + count`` (neighbour weights 1, centre ``size+1``); three ReLUs per
    table entry ``k`` build the hat function ``[v == k] = relu(v-k+1) - 2 relu(v-k) +
    relu(v-k-1)`` and a 1x1 layer sums ``±4`` times the hats, so the logit is +4 for "alive
    next" and -4 otherwise. For any other rule (isotropic, MAP) the convolution computes
    Golly's window index ``v`` (weights `lifecore.rules.windows.WINDOW_WEIGHTS`) and there is one
    hat per window that comes alive, summed with weight 8 over a bias of -4.

    Parameters
    ----------
    rule : Rule, IsotropicRule, MapRule or str
    weights : sequence of float, optional
        Overrides the neighbour weights (in `lifecore.rules.NEIGHBOURHOODS` order), making a
        network that is *not* outer-totalistic, for tests.
    """

    def __init__(self, rule: RuleLike, weights: Optional[Sequence[float]] = None):
        super().__init__()
        rule = as_rule(rule)
        self.name = "exact"
        self.config = {"name": "exact", "kernel_size": 3}
        self.metadata: dict = {}
        if rule.family != "outer-totalistic":
            self._build_windows(rule)
            self.eval()
            return
        k = rule.size + 1
        n = 2 * k
        self.conv = nn.Conv2d(1, 3 * n, 3, padding=1, padding_mode="circular")
        self.act = nn.ReLU()
        self.head = nn.Conv2d(3 * n, 1, 1)
        kernel = torch.zeros(3, 3)
        kernel[1, 1] = k
        ws = [1.0] * rule.size if weights is None else list(weights)
        for (dr, dc), wt in zip(rule.offsets, ws):
            kernel[1 + dr, 1 + dc] = wt
        w = kernel.expand(3 * n, 1, 3, 3).clone()
        b = torch.zeros(3 * n)
        hw = torch.zeros(1, 3 * n, 1, 1)
        sign = torch.tensor(rule.table.reshape(-1).astype(np.float32)) * 2 - 1
        for idx in range(n):
            for j, (shift, coef) in enumerate(((1, 1.0), (0, -2.0), (-1, 1.0))):
                b[3 * idx + j] = -idx + shift
                hw[0, 3 * idx + j] = 4.0 * coef * sign[idx]
        with torch.no_grad():
            self.conv.weight.copy_(w)
            self.conv.bias.copy_(b)
            self.head.weight.copy_(hw)
            self.head.bias.zero_()
        self.eval()

    def _build_windows(self, rule) -> None:
        """Window-index convolution and one hat per window that comes alive."""
        from ..rules.windows import WINDOW_WEIGHTS

        alive = np.flatnonzero(rule.window_table).astype(np.float32)
        n = max(len(alive), 1)
        self.conv = nn.Conv2d(1, 3 * n, 3, padding=1, padding_mode="circular")
        self.act = nn.ReLU()
        self.head = nn.Conv2d(3 * n, 1, 1)
        kernel = torch.tensor(WINDOW_WEIGHTS, dtype=torch.float32)
        with torch.no_grad():
            self.conv.weight.copy_(kernel.expand(3 * n, 1, 3, 3))
            centres = torch.tensor(alive if len(alive) else [-10.0]).repeat_interleave(3)
            shifts = torch.tensor([1.0, 0.0, -1.0]).repeat(n)
            self.conv.bias.copy_(-centres + shifts)
            coef = torch.tensor([1.0, -2.0, 1.0]).repeat(n) * (8.0 if len(alive) else 0.0)
            self.head.weight.copy_(coef.reshape(1, 3 * n, 1, 1))
            self.head.bias.fill_(-4.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 1, H, W)`` for boards ``(N, 1, H, W)`` float."""
        return self.head(self.act(self.conv(x)))


def exact_network(rule: RuleLike, weights: Optional[Sequence[float]] = None) -> nn.Module:
    """A hand-built network computing ``rule`` exactly (see `ExactNetwork`)."""
    return ExactNetwork(rule, weights)
