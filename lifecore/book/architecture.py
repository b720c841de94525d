"""Chapter 3's descriptions of the networks: one row per layer instead of a module repr.

A printed ``nn.Module`` is wide, full of constructor arguments and, for e2cnn layers, of
basis internals; the reader wants what each layer maps to what and what it costs.
"""

from __future__ import annotations

__all__ = ["layer_rows"]


def _describe(module) -> tuple[str, str] | None:
    """``(kind, mapping)`` for a layer the chapter names, None for containers and internals."""
    import torch.nn as nn

    kind = type(module).__name__
    if isinstance(module, nn.Conv2d):
        k = "×".join(map(str, module.kernel_size))
        return "convolution", f"{module.in_channels} → {module.out_channels} channels, {k}"
    if isinstance(module, nn.ReLU):
        return "ReLU", "per cell"
    if kind == "R2Conv":
        k = module.kernel_size
        group = module.out_type.gspace.fibergroup
        order = group.order()  # channels of one regular field: one per group element
        label = "p4" if order == 4 else "D4" if order == 8 else group.name
        fields = module.out_type.size // order
        src = "board" if module.in_type.size == 1 else f"{module.in_type.size // order} fields"
        out = f"{fields} regular fields ({module.out_type.size} channels)"
        return f"{label} convolution", f"{src} → {out}, {k}×{k}"
    if kind in ("ReLU", "PointwiseNonLinearity"):
        return "ReLU", "per cell and channel"
    if kind == "GroupAverage":
        return "group average", "each field's channels → 1 (invariant)"
    return None


def layer_rows(model) -> list[dict]:
    """The layers of ``model`` in order, as ``{"layer", "maps", "parameters"}`` records.

    e2cnn's basis-expansion submodules are internals of their `R2Conv` and are skipped;
    their parameters are counted in the layer that owns them.
    """
    rows, inside = [], []
    for name, module in model.named_modules():
        if any(name.startswith(prefix + ".") for prefix in inside):
            continue
        described = _describe(module)
        if described is None:
            continue
        if type(module).__name__ == "R2Conv":
            inside.append(name)
        kind, maps = described
        rows.append(
            {"layer": kind, "maps": maps, "parameters": sum(p.numel() for p in module.parameters())}
        )
    return rows
