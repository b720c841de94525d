"""Training a 3x3 network on its 512 windows themselves (``method="windows"``).

Why: on Springer & Kenyon's minimal network (`sk-minimal`, 25 parameters) the plain
method (boards from soups, ReLU from the start) fails in ways `diagnose` measures over the
512 windows: the output "dead" everywhere (the class imbalance: 372 of Life's 512
windows die), the middle unit or a first-layer unit dead (negative on every window, so it
never gets a gradient again), and the two first-layer units collapsed into one (a
symmetric minimum). This method removes each cause it can name:

- **the data** is the receptive field's whole window set (512 windows for a 3x3
  network), each class (next state 0 or 1) weighted to half the loss, so no window is rare
  and a proof over the windows is the stopping test;
- **no dead units at the start**: each ReLU's bias puts its unit active on half the
  windows (`_median_biases`); **none later**: a first-layer unit is kept active on at
  least `ALIVE_FRACTION` of the windows (`_keep_alive`, a projection after each step);
- **no symmetric collapse**: the second layer's weights start with alternating signs
  (`_split_signs`), so two first-layer units are pulled apart, not together;
- **no middle ReLU to die**: when the middle has one unit feeding the output alone (as in
  `sk-minimal`) it is trained without its ReLU and put back exactly by a bias shift
  (`fold_middle`: the ReLU then changes no window's class);
- **annealed activations**: every other ReLU is a leaky ReLU whose negative slope is
  annealed to 0; when a cycle ends short of exact, the slope is raised and annealed
  again (at most ``cycles`` times), from the same weights: one initialisation, no restart.

The network at the end is the plain architecture (slope 0, middle ReLU in place), which is
what gets certified. Only networks whose ``body`` is a plain ``nn.Sequential`` of
convolutions and ReLUs with a 3x3 receptive field qualify (`windows_trainable`). The
output on a window is read at the centre of the 3x3 board: its 3x3 neighbourhood lies
inside the board, so circular padding never wraps and it is exactly the network's output
on that window.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..rules import RuleLike, as_rule
from ..rules.windows import window_cells

__all__ = [
    "window_pairs",
    "windows_trainable",
    "forward_with_slope",
    "fold_middle",
    "middle_foldable",
    "fit_windows",
    "diagnose",
]


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


def forward_with_slope(
    model: nn.Module, x: torch.Tensor, slope: float, linear_middle: bool = False
) -> torch.Tensor:
    """The centre logit ``(N,)`` of ``model`` on 3x3 boards ``x`` ``(N, 1, 3, 3)``, with every
    ReLU a leaky ReLU of negative slope ``slope`` (0: the plain network); with
    ``linear_middle`` the ReLU before the last layer is left out (see `fold_middle`)."""
    layers = list(model.body)
    for i, m in enumerate(layers):
        if not isinstance(m, nn.ReLU):
            x = m(x)
        elif not (linear_middle and i == len(layers) - 2):
            x = F.leaky_relu(x, slope)
    return x[:, 0, 1, 1]


def _class_weights(y: torch.Tensor) -> torch.Tensor:
    """Per-window weights giving each next state half the loss (1 where a class is absent)."""
    pos = float(y.mean())
    if pos in (0.0, 1.0):
        return torch.ones_like(y)
    return torch.where(y > 0, 0.5 / pos, 0.5 / (1 - pos))


def middle_foldable(model: nn.Module) -> bool:
    """Whether the ReLU before the last layer has one unit feeding a 1x1 layer to one output,
    as in `sk-minimal`: then it can be trained without that ReLU (`fold_middle`)."""
    layers = list(model.body)
    if len(layers) < 5 or not isinstance(layers[-2], nn.ReLU):
        return False
    last, middle = layers[-1], layers[-3]
    return last.in_channels == last.out_channels == middle.out_channels == 1


def fold_middle(model: nn.Module, x: torch.Tensor) -> None:
    """Shift the middle unit's bias so that its ReLU changes no window's class (a no-op when
    it already changes none: folding twice moves nothing).

    Why it is exact: the output is ``a * relu(g) + b``. Adding ``k`` to ``g`` and taking
    ``a * k`` from ``b`` leaves ``a * g + b`` unchanged; once the threshold ``t = -b / a`` is
    positive, ``relu(g) > t`` iff ``g > t`` and ``relu(g) < t`` iff ``g < t``, so with or
    without the ReLU the same windows are alive. The network trained without the middle ReLU
    is therefore, after this shift, the plain architecture with the same classes.
    """
    layers = list(model.body)
    last, middle = layers[-1], layers[-3]
    with torch.no_grad():
        g = nn.Sequential(*layers[:-2])(x)[:, 0, 1, 1]
        a, b = float(last.weight), float(last.bias)
        if a == 0.0:
            return
        threshold = -b / a
        spread = float((g - threshold).abs().median()) or 1.0
        if threshold > 1e-3 * spread:
            return  # already positive: the ReLU changes no class, nothing to move
        shift = -threshold + spread
        middle.bias += shift
        last.bias -= a * shift


def _median_biases(model: nn.Module, x: torch.Tensor) -> None:
    """Set each ReLU's bias so that its unit is active on half of the windows: no unit
    starts dead, and each splits the windows where it can learn most."""
    layers = list(model.body)
    with torch.no_grad():
        for i, m in enumerate(layers):
            if isinstance(m, nn.ReLU):
                pre = nn.Sequential(*layers[:i])(x)[:, :, 1, 1]
                layers[i - 1].bias -= pre.median(0).values - 1e-3


def _split_signs(model: nn.Module) -> None:
    """Give the second layer's weights alternating signs: two first-layer units with
    weights of one sign are pulled the same way and collapse into one (a symmetric
    minimum); with opposite signs they are pulled apart."""
    second = [m for m in model.body if isinstance(m, nn.Conv2d)][1]
    with torch.no_grad():
        out, inp = second.weight.shape[:2]
        sign = (-1.0) ** (torch.arange(out)[:, None] + torch.arange(inp)[None, :])
        second.weight.copy_(second.weight.abs() * sign.view(out, inp, 1, 1))


#: The least fraction of windows each first-layer unit is kept active on (`_keep_alive`).
ALIVE_FRACTION = 0.05


def _keep_alive(model: nn.Module, x: torch.Tensor, fraction: float) -> None:
    """Raise a first-layer bias where its unit is active on fewer than ``fraction`` of
    the windows: a unit active on none gets no gradient and never comes back."""
    first = model.body[0]
    with torch.no_grad():
        pre = first(x)[:, :, 1, 1]
        k = max(1, int(fraction * len(x)))
        kth = pre.topk(k, dim=0).values[-1]
        first.bias += torch.clamp(1e-2 - kth, min=0)


def fit_windows(
    model: nn.Module,
    rule: RuleLike,
    steps: int = 3000,
    lr: float = 0.05,
    slope: float = 0.3,
    anneal: float = 0.6,
    cycles: int = 3,
    check_every: int = 50,
) -> list[dict]:
    """Train ``model`` in place on the 512 windows (module docstring); stop once the plain
    network (slope 0) is right on all of them, or after ``cycles`` rounds of ``steps``
    full-batch steps, each annealing the slope from ``slope`` to 0 again.

    Returns
    -------
    list of dict
        One record per check: ``step``, ``slope``, ``loss``, ``wrong`` (windows wrong).
    """
    dev = next(model.parameters()).device
    x, y = window_pairs(rule, dev)
    weights = _class_weights(y)
    linear_middle = middle_foldable(model)
    _split_signs(model)
    _median_biases(model, x)
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    model.train()
    history: list[dict] = []
    for step in range(1, steps * cycles + 1):
        s = slope * max(0.0, 1.0 - ((step - 1) % steps + 1) / max(1.0, anneal * steps))
        logits = forward_with_slope(model, x, s, linear_middle)
        loss = (F.binary_cross_entropy_with_logits(logits, y, reduction="none") * weights).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        _keep_alive(model, x, ALIVE_FRACTION)
        if step % check_every == 0 or step == steps * cycles:
            history.append(_check(model, x, y, step, s, loss, linear_middle))
            if history[-1]["wrong"] == 0 and s == 0.0:
                break
    return history


def _check(model, x, y, step: int, s: float, loss, linear_middle: bool) -> dict:
    """Fold the middle ReLU in (if trained without it) and count the plain network's wrong
    windows."""
    if linear_middle:
        fold_middle(model, x)
    with torch.no_grad():
        wrong = int(((forward_with_slope(model, x, 0.0) > 0).float() != y).sum())
    return {"step": step, "slope": s, "loss": float(loss.detach()), "wrong": wrong}


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
