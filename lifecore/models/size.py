"""Size and cost of a model: parameters and FLOPs, beside the notes' table."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .base import MODEL_NAMES, NOTES_SIZES
from .equivariant import e2cnn_modules
from .factory import build


def count_parameters(model: nn.Module) -> int:
    """Trainable parameters (for e2cnn layers: the basis coefficients, not the expanded filter)."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))


def flops(model: nn.Module, size: tuple[int, int] = (32, 32)) -> int:
    """2 x multiply-accumulates of every convolution for one ``size`` board.

    Counted from the layers with a forward pass: each ``nn.Conv2d`` and each e2cnn
    ``R2Conv`` (as the dense convolution it expands to) contributes
    ``output cells x input channels / groups x kernel area``. Biases, activations and
    pooling are not counted.
    """
    h, w = (size, size) if isinstance(size, int) else size
    _, enn = e2cnn_modules()
    total = [0]

    def conv_hook(mod, inp, out):
        k = mod.kernel_size
        area = k[0] * k[1] if isinstance(k, tuple) else k * k
        total[0] += out.numel() * (mod.in_channels // mod.groups) * area

    def r2_hook(mod, inp, out):
        total[0] += out.tensor.numel() * mod.in_type.size * mod.kernel_size**2

    handles = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, enn.R2Conv):
            handles.append(m.register_forward_hook(r2_hook))
    mode = model.training
    try:
        model.eval()
        dev = next(model.parameters()).device
        with torch.no_grad():
            model(torch.zeros(1, 1, h, w, device=dev))
    finally:
        for hd in handles:
            hd.remove()
        model.train(mode)
    return 2 * total[0]


@dataclass(frozen=True)
class ModelSize:
    """One model's size beside the notes' figures (``flops`` for the stated board size)."""

    name: str
    params: int
    flops: int
    notes_params: int
    notes_flops_m: float
    notes_lowest_accuracy: float


def size_table(size: tuple[int, int] = (32, 32), kernel_size: int = 5) -> list[ModelSize]:
    """Per model of the notes: our parameters and FLOPs (for ``size`` boards) next to theirs."""
    rows = []
    for name in MODEL_NAMES:
        model = build(name, kernel_size)
        notes = NOTES_SIZES[name]
        rows.append(
            ModelSize(
                name=name,
                params=count_parameters(model),
                flops=flops(model, size),
                notes_params=int(notes["params"]),
                notes_flops_m=float(notes["flops_m"]),
                notes_lowest_accuracy=float(notes["lowest_accuracy"]),
            )
        )
    return rows
