"""The torch path of `lifecore.simulate`: boards stay tensors, on their device.

Imported only when a tensor is passed (``import lifecore`` never loads torch). Each
generation builds every cell's Golly window index from four shifted copies (a 3-bit code
per row, then three rows) and looks the next state up in the rule's 512-entry table: exact
on every backend, for every rule family.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import torch

from ._boards import check_result_size
from ._repeat import RepeatDetector, Stopped
from ._windowlogic import window_table

__all__ = ["step", "simulate", "neighbour_counts"]


def _shift(x: torch.Tensor, k: int, dim: int, torus: bool) -> torch.Tensor:
    """``out[i] = x[i - k]`` along ``dim`` (k = +-1): wrapped, or 0 from outside."""
    if torus:
        return torch.roll(x, shifts=k, dims=dim)
    out = torch.zeros_like(x)
    n = x.shape[dim]
    if k > 0:
        out.narrow(dim, k, n - k).copy_(x.narrow(dim, 0, n - k))
    else:
        out.narrow(dim, 0, n + k).copy_(x.narrow(dim, -k, n + k))
    return out


def _window_index(x: torch.Tensor, torus: bool) -> torch.Tensor:
    """Golly window index (int64, same shape) of every cell of 0/1 boards ``x``."""
    x = x.to(torch.int16)
    row = 4 * _shift(x, 1, -1, torus) + 2 * x + _shift(x, -1, -1, torus)  # W, C, E
    index = 64 * _shift(row, 1, -2, torus) + 8 * row + _shift(row, -1, -2, torus)
    return index.long()


def _table(rule: Any, device: torch.device) -> torch.Tensor:
    return torch.from_numpy(np.array(window_table(rule), dtype=np.uint8)).to(device)


def step(x: torch.Tensor, rule: Any, boundary: str, table: Optional[torch.Tensor] = None):
    """One generation of validated boards ``x``; same shape, dtype and device."""
    if table is None:
        table = _table(rule, x.device)
    index = _window_index(x, boundary == "torus")
    # index_select, not table[index]: advanced indexing spun for ~30 ms a call on a busy
    # 2-core machine (torch's threaded gather), index_select took microseconds.
    return table.index_select(0, index.reshape(-1)).view(index.shape).to(x.dtype)


def neighbour_counts(x: torch.Tensor, offsets, boundary: str) -> torch.Tensor:
    """Live-neighbour counts (uint8) over ``offsets`` ``(d_row, d_col)``."""
    x = x.to(torch.uint8)
    if boundary == "torus":
        return sum(torch.roll(x, shifts=(-dr, -dc), dims=(-2, -1)) for dr, dc in offsets)
    h, w = x.shape[-2:]
    p = torch.nn.functional.pad(x, (1, 1, 1, 1))
    return sum(p[..., 1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w] for dr, dc in offsets)


def _keys(x: torch.Tensor) -> np.ndarray:
    cells = x.detach().to("cpu", torch.uint8).numpy()
    return np.packbits(cells.reshape(cells.shape[0], -1), axis=1)


def simulate(x, rule, steps, boundary, stop=None, keep="all", max_bytes=None):
    """Trajectory ``(N, steps + 1, H, W)`` of a batch ``x`` ``(N, H, W)``, dtype of ``x``.

    Same contract as `lifecore.simulate._bitslice.simulate`. The output is allocated once, after
    its size is checked, and filled in place: peak memory is the result plus a few
    boards, not a list of frames stacked at the end.
    """
    table = _table(rule, x.device)
    n, h, w = x.shape
    if stop is not None:
        return _until_repeat(x, rule, steps, boundary, stop, keep, max_bytes, table)
    if keep == "last":
        for _ in range(steps):
            x = step(x, rule, boundary, table)
        return x.clone() if steps == 0 else x
    check_result_size(n * (steps + 1) * h * w * x.element_size(), max_bytes)
    out = torch.empty((n, steps + 1, h, w), dtype=x.dtype, device=x.device)
    out[:, 0] = x
    for t in range(1, steps + 1):
        out[:, t] = step(out[:, t - 1], rule, boundary, table)
    return out


def _until_repeat(x, rule, steps, boundary, stop, keep, max_bytes, table) -> Stopped:
    """First pass finds the repeats keeping one board; second fills the trimmed frames."""
    n, h, w = x.shape
    frame_bytes = n * h * w * x.element_size()
    detector = RepeatDetector(n, stop, max_bytes)
    detector.see(0, _keys(x))
    state, t = x, 0
    for t in range(1, steps + 1):
        if keep == "all":
            check_result_size((t + 1) * frame_bytes, max_bytes)
        state = step(state, rule, boundary, table)
        if detector.see(t, _keys(state)):
            break
    report = detector.report(t + 1)
    if keep == "last":
        return Stopped(state.clone() if t == 0 else state, report)
    return Stopped(simulate(x, rule, t, boundary, max_bytes=max_bytes), report)
