"""Training a 3x3 network on its 512 windows themselves (``method="windows"``).

Why: on Springer & Kenyon's minimal network (`sk-minimal`, 25 parameters) the plain
method (boards from soups, ReLU from the start) fails mostly in three ways, measured by
`diagnose` over the 512 windows: a first-layer filter that is dead (negative on every
window, so it never gets a gradient again), the one middle unit dead (constant output),
and both filters converging to the same one (a symmetric minimum). Soup boards also weight
the windows by how often soups show them, so the rare windows (births on 6 neighbours for
HighLife) barely count. This method removes what it can of each:

- the data is the receptive field's whole window set (512 windows for a 3x3 network), each
  class (next state 0 or 1) weighted to half the loss, so no window is rare;
- full-batch Adam, with every ReLU replaced by a leaky ReLU whose negative slope is annealed
  linearly to 0 over the first ``anneal`` fraction of the steps: a unit that is negative
  everywhere still gets a gradient while the slope is positive, and the network trained
  at the end is the plain architecture (slope 0), which is what gets certified.

Only networks whose ``body`` is a plain ``nn.Sequential`` of convolutions and ReLUs with a
3x3 receptive field qualify (`windows_trainable`). The output on a window is read at the
centre of the 3x3 board: its 3x3 neighbourhood lies inside the board, so circular padding
never wraps and it is exactly the network's output on that window.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..rules import RuleLike, as_rule
from ..rules.windows import window_cells

__all__ = ["window_pairs", "windows_trainable", "forward_with_slope", "fit_windows", "diagnose"]


def windows_trainable(model: nn.Module) -> bool:
    """Whether ``model`` is a plain conv/ReLU stack with a 3x3 receptive field."""
    body = getattr(model, "body", None)
    if not isinstance(body, nn.Sequential):
        return False
    convs = [m for m in body if isinstance(m, nn.Conv2d)]
    if not all(isinstance(m, (nn.Conv2d, nn.ReLU)) for m in body):
        return False
    return sum(c.kernel_size[0] - 1 for c in convs) == 2


def window_pairs(rule: RuleLike, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """All 512 windows as float boards ``(512, 1, 3, 3)`` and the rule's next state ``(512,)``."""
    x = torch.tensor(window_cells(np.arange(512)), dtype=torch.float32, device=device)
    y = torch.tensor(as_rule(rule).window_table, dtype=torch.float32, device=device)
    return x[:, None], y


def forward_with_slope(model: nn.Module, x: torch.Tensor, slope: float) -> torch.Tensor:
    """The centre logit ``(N,)`` of ``model`` on 3x3 boards ``x`` ``(N, 1, 3, 3)``, with every
    ReLU a leaky ReLU of negative slope ``slope`` (0: the plain network)."""
    for m in model.body:
        x = F.leaky_relu(x, slope) if isinstance(m, nn.ReLU) else m(x)
    return x[:, 0, 1, 1]


def _class_weights(y: torch.Tensor) -> torch.Tensor:
    """Per-window weights giving each next state half the loss (1 where a class is absent)."""
    pos = float(y.mean())
    if pos in (0.0, 1.0):
        return torch.ones_like(y)
    return torch.where(y > 0, 0.5 / pos, 0.5 / (1 - pos))


def fit_windows(
    model: nn.Module,
    rule: RuleLike,
    steps: int = 3000,
    lr: float = 0.05,
    slope: float = 0.1,
    anneal: float = 0.6,
    check_every: int = 50,
) -> list[dict]:
    """Train ``model`` in place on the 512 windows (module docstring); stop once the plain
    network (slope 0) is right on all of them, or after ``steps`` full-batch steps.

    Returns
    -------
    list of dict
        One record per check: ``step``, ``slope``, ``loss``, ``wrong`` (windows wrong).
    """
    dev = next(model.parameters()).device
    x, y = window_pairs(rule, dev)
    weights = _class_weights(y)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    history: list[dict] = []
    for step in range(1, steps + 1):
        s = slope * max(0.0, 1.0 - step / max(1.0, anneal * steps))
        logits = forward_with_slope(model, x, s)
        loss = (F.binary_cross_entropy_with_logits(logits, y, reduction="none") * weights).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % check_every == 0 or step == steps:
            with torch.no_grad():
                wrong = int(((forward_with_slope(model, x, 0.0) > 0).float() != y).sum())
            history.append({"step": step, "slope": s, "loss": float(loss.detach()), "wrong": wrong})
            if wrong == 0 and s == 0.0:
                break
    return history


def diagnose(model: nn.Module, rule: RuleLike) -> dict:
    """What a 3x3 conv/ReLU network does on the 512 windows: windows wrong, and for each
    ReLU layer the fraction of windows on which each unit is active (0: a dead unit).

    Returns
    -------
    dict
        ``wrong`` (int), ``active`` (list per ReLU layer of per-unit fractions), ``dead``
        (units active on no window), ``identical_filters`` (first-layer filter pairs within
        1e-2 of each other: a symmetric minimum).
    """
    x, y = window_pairs(rule, next(model.parameters()).device)
    active, dead = [], 0
    with torch.no_grad():
        h = x
        for m in model.body:
            h = m(h)
            if isinstance(m, nn.ReLU):
                frac = (h[:, :, 1, 1] > 0).float().mean(0).cpu().numpy()
                active.append([float(f) for f in frac])
                dead += int((frac == 0).sum())
        wrong = int(((h[:, 0, 1, 1] > 0).float() != y).sum())
        w = model.body[0].weight.flatten(1)
        bias = model.body[0].bias
        same = sum(
            1
            for i in range(len(w))
            for j in range(i + 1, len(w))
            if torch.allclose(w[i], w[j], atol=1e-2) and abs(float(bias[i] - bias[j])) < 1e-2
        )
    return {"wrong": wrong, "active": active, "dead": dead, "identical_filters": same}
