"""Group-equivariant CNNs (e2cnn): the p4 models and their D4 twins.

See `lifecore.models` for why the last layer is `GroupAverage` and a plain 1x1 convolution,
and why the p4 models leave e2cnn's cached filters out of their ``state_dict``.
"""

from __future__ import annotations

import warnings
from typing import Optional

import numpy as np
import torch
from torch import nn

from .base import LifeNet


def full_cutoff(r: float) -> float:
    """Angular-frequency cutoff per ring radius that keeps every p4 kernel on the grid (tested)."""
    return 4.0 * r


class GroupAverage(nn.Module):
    """Average each regular field's ``order`` channels: ``(N, F*order, H, W) -> (N, F, H, W)``.

    A 90-degree rotation of the input permutes the channels of a regular field cyclically,
    so their average is invariant; it is the only p4-equivariant linear map from a regular
    field to a scalar (up to scale), i.e. what a 1x1 e2cnn ``R2Conv`` regular -> trivial
    would compute, without the e2cnn bug that breaks building that layer.
    """

    def __init__(self, order: int = 4):
        super().__init__()
        self.order = order

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        return x.reshape(n, c // self.order, self.order, h, w).mean(dim=2)


def e2cnn_modules():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from e2cnn import gspaces
        from e2cnn import nn as enn
        from e2cnn.kernels import irreps_basis
    _patch_for_numpy2(irreps_basis)
    return gspaces, enn


def _patch_for_numpy2(irreps_basis) -> None:
    """Two NumPy 2 incompatibilities of e2cnn 0.2.3 met by the reflection groups (D4):

    - kernel-basis solutions hash with ``ndarray.tostring()`` (removed): same hash with
      ``tobytes()``;
    - ``psi``/``chi``/``psichi`` call ``np.array(x, copy=False)`` on Python scalars (now an
      error): the arguments are passed as arrays, so no copy is needed.
    """
    if getattr(irreps_basis, "_lifecore_patched", False):
        return
    for fname in ("psi", "chi", "psichi"):
        setattr(irreps_basis, fname, _as_arrays(getattr(irreps_basis, fname)))

    def solution_hash(self) -> int:
        parts = (self.in_irrep, self.out_irrep, np.asarray(self.mu).tobytes())
        return hash(parts) + hash(np.asarray(self.gamma).tobytes())

    for name in (
        "R2FlipsSolution",
        "R2FlipsDiscreteRotationsSolution",
        "R2FlipsContinuousRotationsSolution",
        "R2ContinuousRotationsSolution",
    ):
        cls = getattr(irreps_basis, name, None)
        if cls is not None:
            cls.__hash__ = solution_hash
    irreps_basis._lifecore_patched = True


def _as_arrays(function):
    """``function`` with its keyword and trailing arguments converted by ``np.asarray``."""

    def wrapper(theta, *args, **kwargs):
        args = [np.asarray(a) for a in args]
        kwargs = {k: v if k == "out" or v is None else np.asarray(v) for k, v in kwargs.items()}
        return function(theta, *args, **kwargs)

    return wrapper


class EquivariantNet(LifeNet):
    """Group-equivariant CNN (e2cnn): trivial field in, regular fields hidden, trivial out.

    The group comes from the name: ``p4...`` rotations by 90 degrees (``Rot2dOnR2(N=4)``,
    regular fields of 4 channels), ``d4...`` rotations and reflections
    (``FlipRot2dOnR2(N=4)``, called ``flipRot2dOnR2`` in escnn;
    8 channels).
    """

    def __init__(self, config: dict, metadata: Optional[dict] = None):
        super().__init__(config, metadata)
        gspaces, enn = e2cnn_modules()
        d4 = config["name"].startswith("d4")
        self.gspace = gspaces.FlipRot2dOnR2(N=4) if d4 else gspaces.Rot2dOnR2(N=4)
        self.in_type = enn.FieldType(self.gspace, [self.gspace.trivial_repr])
        regular = self.gspace.regular_repr
        ftype = enn.FieldType(self.gspace, config["hidden"] * [regular])
        k = config["kernel_size"]
        cutoff = full_cutoff if config.get("basis", "full") == "full" else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = [
                enn.R2Conv(
                    self.in_type,
                    ftype,
                    k,
                    padding=k // 2,
                    padding_mode="circular",
                    frequencies_cutoff=cutoff,
                ),
                enn.ReLU(ftype),
            ]
            for _ in range(config.get("mlp_layers", 0)):
                nxt = enn.FieldType(self.gspace, config["mlp_hidden"] * [regular])
                layers += [enn.R2Conv(ftype, nxt, 1), enn.ReLU(nxt)]
                ftype = nxt
        self.body = enn.SequentialModule(*layers)
        self.hidden_type = ftype
        # Regular -> trivial, 1x1: invariant pooling over the group, then a plain 1x1 conv
        # (which commutes with the group on invariant scalars). See the module docstring.
        mean = config.get("pool", "mean") == "mean"
        self.pool = GroupAverage(regular.size) if mean else enn.GroupPooling(ftype)
        self.head = nn.Conv2d(len(ftype), 1, 1)
        self.train()  # drop e2cnn's placeholder filter caches: state_dict is the same in every mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, enn = e2cnn_modules()
        y = self.body(enn.GeometricTensor(x, self.in_type))
        if isinstance(self.pool, GroupAverage):
            y = self.pool(y.tensor)
        else:
            y = self.pool(y).tensor
        return self.head(y)

    # e2cnn caches the expanded filter (and bias) in eval mode as buffers; they are derived
    # from the weights, so checkpoints leave them out and loading rebuilds them.
    def _cache_keys(self) -> set[str]:
        _, enn = e2cnn_modules()
        return {
            f"{n}.{attr}"
            for n, m in self.named_modules()
            if isinstance(m, enn.R2Conv)
            for attr in ("filter", "expanded_bias")
        }

    def state_dict(self, *args, **kwargs):
        sd = super().state_dict(*args, **kwargs)
        prefix = kwargs.get("prefix", args[1] if len(args) > 1 else "")
        for key in self._cache_keys():
            sd.pop(prefix + key, None)
        return sd

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        caches = self._cache_keys()
        sd = {k: v for k, v in state_dict.items() if k not in caches}
        mode = self.training
        nn.Module.train(self, True)  # deletes the caches
        result = super().load_state_dict(sd, strict=strict, assign=assign)
        nn.Module.train(self, mode)  # eval mode rebuilds them from the loaded weights
        return result
