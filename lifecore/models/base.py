"""What every model shares: the names, default widths, option checks, `ModelError` and
the base class carrying ``name``, ``config`` and ``metadata``."""

from __future__ import annotations

import json
from typing import Any, Optional

import numpy as np
from torch import nn

from ..errors import LifecoreError

MODEL_NAMES = ("cnn-tiny", "cnn-small", "mcnn", "p4cnn-tiny", "p4cnn-small", "p4mcnn")
#: The p4 models' twins equivariant to rotations *and* reflections (the group D4, e2cnn's
#: ``flipRot2dOnR2(N=4)``): a prior matched to isotropic rules.
D4_NAMES = ("d4cnn-tiny", "d4cnn-small", "d4mcnn")
#: Springer & Kenyon's minimal one-step Life network and its overcomplete versions (x m).
SK_NAMES = ("sk-minimal", "sk-minimal-x2", "sk-minimal-x3", "sk-minimal-x5")
#: Every model `build` makes: the notes' six first.
ALL_MODEL_NAMES = MODEL_NAMES + D4_NAMES + SK_NAMES

#: The notes' size table: parameters, FLOPs in millions (input size not stated) and the
#: lowest validation accuracy over the 8 rules (percent).
NOTES_SIZES: dict[str, dict[str, float]] = {
    "cnn-tiny": {"params": 133, "flops_m": 5.32, "lowest_accuracy": 77.24},
    "cnn-small": {"params": 2450, "flops_m": 98.5, "lowest_accuracy": 98.73},
    "mcnn": {"params": 1004, "flops_m": 40.48, "lowest_accuracy": 98.19},
    "p4cnn-tiny": {"params": 94, "flops_m": 1.28, "lowest_accuracy": 84.71},
    "p4cnn-small": {"params": 3202, "flops_m": 10.24, "lowest_accuracy": 99.65},
    "p4mcnn": {"params": 1276, "flops_m": 6.4, "lowest_accuracy": 99.77},
}

#: Default widths: ``hidden`` is channels (plain) or regular fields (p4) of the k x k
#: layer; ``mlp_hidden``/``mlp_layers`` the 1x1 MLP of the M models.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "cnn-tiny": {"hidden": 12},
    "cnn-small": {"hidden": 90},
    "mcnn": {"hidden": 16, "mlp_hidden": 16, "mlp_layers": 2},
    "p4cnn-tiny": {"hidden": 3, "pool": "mean", "basis": "full"},
    "p4cnn-small": {"hidden": 32, "pool": "mean", "basis": "full"},
    "p4mcnn": {"hidden": 8, "mlp_hidden": 8, "mlp_layers": 2, "pool": "mean", "basis": "full"},
    "d4cnn-tiny": {"hidden": 3, "pool": "mean", "basis": "full"},
    "d4cnn-small": {"hidden": 32, "pool": "mean", "basis": "full"},
    "d4mcnn": {"hidden": 8, "mlp_hidden": 8, "mlp_layers": 2, "pool": "mean", "basis": "full"},
    **{
        name: {"hidden": 2 * m, "mlp_hidden": m, "mlp_layers": 1}
        for name, m in zip(SK_NAMES, (1, 2, 3, 5))
    },
}
#: Kernel side each model is built with when none is given (the SK networks are 3x3).
_KERNEL = {name: 3 for name in SK_NAMES}


def model_group(name: str) -> Optional[str]:
    """The symmetry group a model is invariant under, from its name: ``"p4"`` for
    ``p4...``, ``"d4"`` for ``d4...``, None for the plain and SK networks."""
    for group in ("p4", "d4"):
        if name.startswith(group):
            return group
    return None


def default_kernel(name: str) -> int:
    """The kernel side `build` uses for model ``name`` when none is given (5; 3 for SK)."""
    return _KERNEL.get(name, 5)


_POOLS = ("mean", "max")
_BASES = ("full", "bandlimited")


class ModelError(LifecoreError):
    """An unknown model, bad options, or a checkpoint that cannot be loaded."""


#: Limits checked before anything is allocated (a crafted config must not ask for 100 GB).
MAX_KERNEL, MAX_WIDTH, MAX_LAYERS = 15, 1024, 16


def check_int(label: str, value: Any, minimum: int = 1, maximum: int = MAX_WIDTH) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or not minimum <= value <= maximum
    ):
        raise ModelError(f"{label} must be an integer from {minimum} to {maximum}, got {value!r}")
    return int(value)


def _check_kernel(kernel_size: Any) -> None:
    ok = isinstance(kernel_size, (int, np.integer)) and not isinstance(kernel_size, bool)
    if not ok or not 1 <= kernel_size <= MAX_KERNEL or kernel_size % 2 == 0:
        raise ModelError(
            f"kernel_size must be an odd integer from 1 to {MAX_KERNEL} (odd: the output stays "
            f"centred), got {kernel_size!r}; valid names: {', '.join(ALL_MODEL_NAMES)}"
        )


def options_for(name: str, kernel_size: Any, options: dict) -> dict:
    """The model's full options (defaults filled in), validated; raises `ModelError`."""
    if not isinstance(name, str) or name not in ALL_MODEL_NAMES:
        raise ModelError(f"unknown model {name!r}; valid names: {', '.join(ALL_MODEL_NAMES)}")
    _check_kernel(kernel_size)
    allowed = _DEFAULTS[name]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ModelError(f"model {name!r} takes options {sorted(allowed)}, got unknown {unknown}")
    opts = {**allowed, **options}
    for key in ("hidden", "mlp_hidden"):
        if key in opts:
            opts[key] = check_int(f"{name} option {key}", opts[key])
    if "mlp_layers" in opts:
        opts["mlp_layers"] = check_int(
            f"{name} option mlp_layers", opts["mlp_layers"], minimum=0, maximum=MAX_LAYERS
        )
    if "basis" in opts and opts["basis"] not in _BASES:
        raise ModelError(f"{name} option basis must be one of {_BASES}, got {opts['basis']!r}")
    if "pool" in opts and opts["pool"] not in _POOLS:
        raise ModelError(f"{name} option pool must be one of {_POOLS}, got {opts['pool']!r}")
    return opts


class LifeNet(nn.Module):
    """Base: ``name``, ``config`` (enough to rebuild with ``build(**config)``) and ``metadata``
    (a JSON-able dict, e.g. what a checkpoint stored), all set by the constructor."""

    def __init__(self, config: dict, metadata: Optional[dict] = None):
        super().__init__()
        self.name: str = config["name"]
        self.config: dict = dict(config)
        self.metadata: dict = dict(metadata or {})

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def jsonable(label: str, value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise ModelError(f"{label} must be JSON-able ({err})") from None
