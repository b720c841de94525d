"""`build`: a model by name, options checked before anything is allocated."""

from __future__ import annotations

from typing import Optional

from torch import nn

from .base import default_kernel, jsonable, options_for
from .equivariant import EquivariantNet
from .plain import PlainNet


def build(
    name: str, kernel_size: Optional[int] = None, *, metadata: Optional[dict] = None, **options
) -> nn.Module:
    """Build model ``name`` (one of `ALL_MODEL_NAMES`) with a k x k first layer.

    Parameters
    ----------
    name : str
        The design (see the module docstring).
    kernel_size : int, optional
        k, odd; default 5 (3 for the Springer & Kenyon networks).
    metadata : dict, optional
        JSON-able facts to carry as ``model.metadata`` (what `load` passes back).
    **options
        ``hidden`` (channels, or regular fields for p4/d4 models), ``mlp_hidden`` and
        ``mlp_layers`` (M and SK models), ``pool`` ("mean" or "max") and ``basis`` (p4/d4).

    Returns
    -------
    torch.nn.Module
        Maps float ``(N, 1, H, W)`` boards to next-state logits, same shape; carries
        ``.name``, ``.config`` (``build(**model.config)`` rebuilds it) and ``.metadata``.

    Raises
    ------
    ModelError
        Unknown name or option, or an option out of range (checked before any allocation).
    """
    if kernel_size is None:
        kernel_size = default_kernel(name) if isinstance(name, str) else 5
    opts = options_for(name, kernel_size, options)
    config = {"name": name, "kernel_size": int(kernel_size), **opts}
    if name[:2] in ("p4", "d4"):
        return EquivariantNet(config, jsonable("metadata", metadata or {}))
    return PlainNet(config, jsonable("metadata", metadata or {}))
