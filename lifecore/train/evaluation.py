"""Sample checks of a network against a rule: loss and accuracy on transition pairs, and
rollouts (the network run on its own outputs) compared with the simulator.

These are *samples*: a network can pass them and still be wrong on a window they never
showed. `lifecore.certify` is the proof; the trainer uses these as cheap pre-filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
from torch import nn

from ..data import TransitionData, soups
from ..models import inference, model_device
from ..rules import RuleLike, as_rule
from ..simulate import simulate
from .config import TrainError

__all__ = ["evaluate", "rollout", "rollout_divergence", "rollout_exact"]


def tensors(data: TransitionData, dev: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """``data``'s boards as float32 ``(N, 1, H, W)`` inputs and targets on ``dev``."""
    x = torch.as_tensor(data.x, dtype=torch.float32, device=dev)[:, None]
    y = torch.as_tensor(data.y, dtype=torch.float32, device=dev)[:, None]
    return x, y


@dataclass(frozen=True)
class Evaluation:
    """A network's loss and accuracy on transition pairs.

    ``loss``: mean binary cross-entropy per cell; ``cell_accuracy``: fraction of cells right;
    ``board_accuracy``: fraction of boards entirely right (a sample test, not a proof).
    """

    loss: float
    cell_accuracy: float
    board_accuracy: float


def evaluate_tensors(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 256
) -> Evaluation:
    """`evaluate` on tensors already on the model's device (see `tensors`)."""
    loss_sum, wrong_cells, wrong_boards = 0.0, 0, 0
    with inference(model) as run:
        for i in range(0, len(x), batch):
            logits = run(x[i : i + batch])
            yb = y[i : i + batch]
            loss_sum += float(
                nn.functional.binary_cross_entropy_with_logits(logits, yb, reduction="sum")
            )
            wrong = (logits > 0).float() != yb
            wrong_cells += int(wrong.sum())
            wrong_boards += int(wrong.flatten(1).any(1).sum())
    cells = max(y.numel(), 1)
    return Evaluation(
        loss=loss_sum / cells,
        cell_accuracy=1.0 - wrong_cells / cells,
        board_accuracy=1.0 - wrong_boards / max(len(y), 1),
    )


def evaluate(model: nn.Module, data: TransitionData) -> Evaluation:
    """Loss and accuracy of ``model`` on the pairs of ``data`` (uint8 ``(N, H, W)`` boards
    ``x`` and ``y``; ``model`` maps float ``(N, 1, H, W)`` boards to next-state logits)."""
    x, y = tensors(data, model_device(model))
    return evaluate_tensors(model, x, y)


def rollout(model: nn.Module, boards: np.ndarray, steps: int) -> np.ndarray:
    """The network run on its own outputs.

    Parameters
    ----------
    model
        A next-state network (decision: logit > 0).
    boards
        0/1 boards, ``(H, W)`` or ``(N, H, W)``.
    steps
        Generations to run.

    Returns
    -------
    numpy.ndarray
        uint8 ``(N, steps + 1, H, W)`` (time on axis 1; ``(steps + 1, H, W)`` for one board).
    """
    boards = np.asarray(boards, dtype=np.uint8)
    single = boards.ndim == 2
    if single:
        boards = boards[None]
    out = np.empty((len(boards), steps + 1, *boards.shape[1:]), dtype=np.uint8)
    out[:, 0] = boards
    with inference(model) as run:
        x = torch.as_tensor(boards, dtype=torch.float32)[:, None]
        for t in range(1, steps + 1):
            x = (run(x) > 0).float()
            out[:, t] = x[:, 0].to("cpu", torch.uint8).numpy()
    return out[0] if single else out


def rollout_divergence(
    model: nn.Module,
    rule: RuleLike,
    steps: int = 100,
    n: int = 8,
    size: int = 32,
    seed: int = 12345,
    boundary: str = "torus",
    density=(0.1, 0.9),
) -> Optional[int]:
    """First generation at which the network's own rollout differs from the true rule.

    Network and simulator each run on their own outputs from ``n`` fresh soups of side
    ``size`` (one density per board from ``density``), so one wrong cell anywhere is a
    divergence.

    Returns
    -------
    int or None
        The first generation that differs, or None when all ``steps`` agree.

    Raises
    ------
    TrainError
        For a boundary other than the torus (the networks pad circularly).
    """
    if boundary != "torus":
        raise TrainError(
            f"networks pad circularly, so only the torus boundary can be compared, got {boundary!r}"
        )
    rule = as_rule(rule)
    boards = soups(n, size, density, seed=seed)
    truth = simulate(boards, rule, steps, boundary)
    with inference(model) as run:
        x = torch.as_tensor(boards, dtype=torch.float32)[:, None]
        for t in range(1, steps + 1):
            x = (run(x) > 0).float()
            if not np.array_equal(x[:, 0].to("cpu", torch.uint8).numpy(), truth[:, t]):
                return t
    return None


def rollout_exact(
    model: nn.Module,
    rule: RuleLike,
    steps: int = 100,
    n: int = 8,
    size: int = 32,
    seed: int = 12345,
    boundary: str = "torus",
    density=(0.1, 0.9),
) -> bool:
    """True when `rollout_divergence` finds no divergence: the network matches
    `lifecore.simulate` on every cell of every generation of the sampled rollouts."""
    return rollout_divergence(model, rule, steps, n, size, seed, boundary, density) is None
