"""What extraction needs to know about a network: its receptive field and neighbourhood."""

from __future__ import annotations

from typing import Any, Optional

from .result import check_neighbourhood

__all__ = ["receptive_radius", "model_neighbourhood"]


def receptive_radius(model: Any) -> int:
    """Half the side of the network's first kernel (``config["kernel_size"]``, default 5)."""
    config = getattr(model, "config", None) or {}
    k = config.get("kernel_size", 5)
    return max(1, int(k) // 2)


def model_neighbourhood(model: Any, neighbourhood: Optional[str]) -> Optional[str]:
    """``neighbourhood`` if given, else the checkpoint's ``neighbourhood`` metadata, else None.

    A stored rule string is never read: the metadata could be a decoy.
    """
    if neighbourhood is not None:
        return check_neighbourhood(neighbourhood)
    meta = getattr(model, "metadata", None) or {}
    hood = meta.get("neighbourhood")
    return check_neighbourhood(hood) if hood is not None else None
