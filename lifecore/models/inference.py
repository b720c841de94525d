"""Running a model: its device, eval mode without gradients, logits, predictions, and the
rotation checks of equivariance."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from torch import nn

from ..simulate import check_boards
from .base import check_int


def device() -> torch.device:
    """CUDA when available, else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def model_device(model: nn.Module) -> torch.device:
    """The device of the model's first parameter (CPU for a model without parameters)."""
    for p in model.parameters():
        return p.device
    return torch.device("cpu")


@contextlib.contextmanager
def inference(model: nn.Module) -> Iterator[Callable[[Any], torch.Tensor]]:
    """Eval mode and no gradients for the ``with`` block; the training mode is restored after.

    Yields a function ``run(x)``: ``x`` (a tensor or array, any shape the model takes, e.g.
    float ``(N, 1, H, W)``) is moved to the model's device as float32 and ``model(x)`` is
    returned, on that device.
    """
    mode = model.training
    dev = model_device(model)
    model.eval()
    try:
        with torch.no_grad():
            yield lambda x: model(torch.as_tensor(x).to(dev, torch.float32))
    finally:
        model.train(mode)


def logits(model: nn.Module, boards, batch_size: int = 256) -> np.ndarray:
    """The model's next-state logits for 0/1 ``boards``, float32, same shape as ``boards``.

    ``boards``: NumPy (or torch) ``(H, W)`` or ``(N, H, W)``. Runs in eval mode without
    gradients, in batches of ``batch_size``, on the model's device; the model's mode is
    restored afterwards.
    """
    boards = check_boards(boards)
    if isinstance(boards, torch.Tensor):
        boards = boards.detach().cpu().numpy()
    arr = np.asarray(boards)
    single = arr.ndim == 2
    if single:
        arr = arr[None]
    batch_size = check_int("batch_size", batch_size)
    try:
        dev = next(model.parameters()).device
    except StopIteration:
        dev = torch.device("cpu")
    out = np.empty(arr.shape, dtype=np.float32)
    mode = model.training
    model.eval()
    try:
        with torch.no_grad():
            for i in range(0, len(arr), batch_size):
                x = torch.as_tensor(arr[i : i + batch_size], dtype=torch.float32, device=dev)[
                    :, None
                ]
                out[i : i + batch_size] = model(x)[:, 0].to("cpu", torch.float32).numpy()
    finally:
        model.train(mode)
    return out[0] if single else out


def predict(model: nn.Module, boards, batch_size: int = 256) -> np.ndarray:
    """Next boards predicted by ``model`` (logit > 0), uint8, same shape as ``boards``."""
    return (logits(model, boards, batch_size) > 0).astype(np.uint8)


def probabilities(model: nn.Module, boards, batch_size: int = 256) -> np.ndarray:
    """P(next cell alive) for every cell of ``boards``, float32 (a sigmoid of `logits`)."""
    z = logits(model, boards, batch_size).astype(np.float64)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


# -- symmetry checks -----------------------------------------------------------------------
def rotation_pair(model: nn.Module, x: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(model(rot90(x, k)), rot90(model(x), k))`` on CPU: equal for a p4-equivariant model.

    ``x``: float ``(N, 1, H, W)``. Runs in eval mode without gradients; the mode is restored.
    """
    mode = model.training
    model.eval()
    try:
        with torch.no_grad():
            try:
                dev = next(model.parameters()).device
            except StopIteration:
                dev = torch.device("cpu")
            x = x.to(dev)
            y_of_rotated = model(torch.rot90(x, k, dims=(-2, -1)))
            rotated_y = torch.rot90(model(x), k, dims=(-2, -1))
    finally:
        model.train(mode)
    return y_of_rotated.cpu(), rotated_y.cpu()


def equivariance_error(model: nn.Module, boards, rotations=(1, 2, 3)) -> float:
    """Largest ``|model(rotate(x)) - rotate(model(x))|`` over ``boards`` and ``rotations``
    (multiples of 90 degrees): float rounding for the p4 models, large for plain ones."""
    boards = check_boards(boards)
    arr = boards.detach().cpu().numpy() if isinstance(boards, torch.Tensor) else np.asarray(boards)
    x = torch.as_tensor(arr[None] if arr.ndim == 2 else arr, dtype=torch.float32)[:, None]
    rotations = [int(k) for k in rotations]
    if not rotations:
        raise ValueError("rotations is empty: nothing to check")
    return max(
        float((a - b).abs().max()) for a, b in (rotation_pair(model, x, k) for k in rotations)
    )
