"""The notes' six networks, their D4 twins and Springer & Kenyon's minimal network.

Every model maps a float tensor ``(N, 1, H, W)`` of 0/1 cells to the *logits* of the next
state, same shape. All convolutions pad circularly, so the network sees the torus exactly
as `lifecore.simulate` does, and a model trained on 32x32 boards runs on any board size.

Designs (``k`` = kernel size, 5 by default: the notes enlarged every 3x3 kernel to 5x5):

``cnn-tiny``
    Conv(1 -> 12, k x k) + ReLU + Conv(12 -> 1, 1x1). With ``k=3`` this is exactly the
    notes' 133 parameters.
``cnn-small``
    The same two layers, wider: Conv(1 -> 90, k x k) + ReLU + Conv(90 -> 1, 1x1): 2,431
    parameters at k=5, next to the notes' 2,450 (the notes cut CNN-small from three layers
    to two).
``mcnn``
    The notes never spell out the "M". We read it as an MLP head ("network in network",
    Lin et al. 2014): Conv(1 -> 16, k x k) + ReLU, then a per-cell multilayer perceptron of
    two hidden layers written as 1x1 convolutions (16 -> 16 -> 16 -> 1). The reason: a
    Life-like rule is a function of a cell's neighbourhood only, which a single k x k layer
    can summarise (counts, state), and then a lookup ``(state, count) -> next`` that is a
    non-monotone function of the count (B36, S23...). One hidden ReLU layer needs one unit
    per threshold edge; a deeper per-cell MLP composes those edges with fewer, narrower
    units. It lands between tiny and small in size (977 parameters at k=5; the notes:
    1,004), keeping the notes' ordering tiny < M < small.
``p4cnn-tiny``, ``p4cnn-small``, ``p4mcnn``
    The same three designs made equivariant to the rotation group p4 (rotations by 90
    degrees) with e2cnn: the input is a trivial (scalar) field, hidden layers are *regular*
    fields (4 channels each, one per rotation), and the output is a trivial field, so
    rotating the input board by 90 degrees rotates the output logits (to float
    precision). Widths are counted in regular fields: 3 fields (12 channels) for tiny,
    32 fields (128 channels) for small, 8 fields (32 channels) for M (4 fields
    collapsed to a constant in a trial), i.e. comparable
    channel counts to the plain models, with far fewer parameters (weight sharing).
``d4cnn-tiny``, ``d4cnn-small``, ``d4mcnn``
    The p4 designs with the same number of regular fields, equivariant to the group D4 of
    the square (rotations by 90 degrees *and* reflections; e2cnn's ``FlipRot2dOnR2(N=4)``,
    regular fields of 8 channels): the symmetry of isotropic rules, so these networks can
    only compute isotropic rules, and cannot represent MAP rules without that symmetry.
``sk-minimal``, ``sk-minimal-x2``, ``sk-minimal-x3``, ``sk-minimal-x5``
    The minimal one-step Life network of Springer & Kenyon ("It's Hard for Neural Networks
    to Learn the Game of Life", 2020/21), as we read it: a 3x3 convolution with 2 filters +
    ReLU, a 1x1 convolution with 1 filter + ReLU, and a 1x1 output (25 parameters; hand-set
    weights compute Life exactly, tested). The ``-xM`` versions multiply the filter counts
    by M (2M and M), the paper's overcomplete networks. 3x3 by default.

The last layer (regular fields -> one trivial field, 1x1) is not built with e2cnn's
``R2Conv``: e2cnn 0.2.3 on recent torch fails to construct that layer (``masked_fill_``
given a uint8 mask). We use the exact replacement instead: the space of p4-equivariant
linear maps from a regular field to a scalar is one-dimensional (the trivial
representation occurs once in the regular one), spanned by the average over the four
rotation channels. So `GroupAverage` (average each field's 4 channels, which is
rotation-invariant) followed by a plain 1x1 ``nn.Conv2d`` spans exactly the same
functions as the 1x1 ``R2Conv`` would, keeping equivariance (tested). ``pool="max"``
swaps the average for e2cnn's ``GroupPooling`` (max over the rotations), also invariant.

e2cnn's ``R2Conv`` expands its filter from the basis coefficients at every forward pass in
training mode and caches it in eval mode (`predict` uses eval mode). The cached filter is
a derived quantity: the p4 models leave it out of their ``state_dict`` and rebuild it
after loading, so checkpoints round-trip strictly in either mode.

FLOPs (`flops`) are 2 x the multiply-accumulates of every convolution, counted from the
layers by a forward pass on a board of the stated size (for e2cnn layers the expanded
convolution); biases, activations and pooling are not counted.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np
import torch
from torch import nn

from .errors import LifecoreError
from .files import atomic_write, sha256
from .simulate import check_boards

__all__ = [
    "MODEL_NAMES",
    "D4_NAMES",
    "SK_NAMES",
    "default_kernel",
    "model_group",
    "ALL_MODEL_NAMES",
    "NOTES_SIZES",
    "ModelError",
    "build",
    "count_parameters",
    "flops",
    "size_table",
    "save",
    "load",
    "predict",
    "logits",
    "probabilities",
    "rotation_pair",
    "equivariance_error",
    "device",
    "model_device",
    "inference",
    "weights_hash",
    "GroupAverage",
]

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


def _FULL_CUTOFF(r: float) -> float:
    """Angular-frequency cutoff per ring radius that keeps every p4 kernel on the grid (tested)."""
    return 4.0 * r


_FORMAT, _VERSION = "lifecore-model", 2


class ModelError(LifecoreError):
    """An unknown model, bad options, or a checkpoint that cannot be loaded."""


def device() -> torch.device:
    """CUDA when available, else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


# -- building ----------------------------------------------------------------------------
#: Limits checked before anything is allocated (a crafted config must not ask for 100 GB).
MAX_KERNEL, MAX_WIDTH, MAX_LAYERS = 15, 1024, 16


def _check_int(label: str, value: Any, minimum: int = 1, maximum: int = MAX_WIDTH) -> int:
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


def _options(name: str, kernel_size: Any, options: dict) -> dict:
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
            opts[key] = _check_int(f"{name} option {key}", opts[key])
    if "mlp_layers" in opts:
        opts["mlp_layers"] = _check_int(
            f"{name} option mlp_layers", opts["mlp_layers"], minimum=0, maximum=MAX_LAYERS
        )
    if "basis" in opts and opts["basis"] not in _BASES:
        raise ModelError(f"{name} option basis must be one of {_BASES}, got {opts['basis']!r}")
    if "pool" in opts and opts["pool"] not in _POOLS:
        raise ModelError(f"{name} option pool must be one of {_POOLS}, got {opts['pool']!r}")
    return opts


class _LifeNet(nn.Module):
    """Base: ``name``, ``config`` (enough to rebuild with ``build(**config)``) and ``metadata``
    (a JSON-able dict, e.g. what a checkpoint stored), all set by the constructor."""

    def __init__(self, config: dict, metadata: Optional[dict] = None):
        super().__init__()
        self.name: str = config["name"]
        self.config: dict = dict(config)
        self.metadata: dict = dict(metadata or {})

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


class PlainNet(_LifeNet):
    """Plain CNN: k x k conv, ReLU, optional 1x1 MLP layers, 1x1 conv to one logit."""

    def __init__(self, config: dict, metadata: Optional[dict] = None):
        super().__init__(config, metadata)
        k, hidden = config["kernel_size"], config["hidden"]
        layers: list[nn.Module] = [
            nn.Conv2d(1, hidden, k, padding=k // 2, padding_mode="circular"),
            nn.ReLU(),
        ]
        width = hidden
        for _ in range(config.get("mlp_layers", 0)):
            layers += [nn.Conv2d(width, config["mlp_hidden"], 1), nn.ReLU()]
            width = config["mlp_hidden"]
        layers.append(nn.Conv2d(width, 1, 1))
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


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


def _e2cnn():
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


class EquivariantNet(_LifeNet):
    """Group-equivariant CNN (e2cnn): trivial field in, regular fields hidden, trivial out.

    The group comes from the name: ``p4...`` rotations by 90 degrees (``Rot2dOnR2(N=4)``,
    regular fields of 4 channels), ``d4...`` rotations and reflections
    (``FlipRot2dOnR2(N=4)``, called ``flipRot2dOnR2`` in escnn;
    8 channels).
    """

    def __init__(self, config: dict, metadata: Optional[dict] = None):
        super().__init__(config, metadata)
        gspaces, enn = _e2cnn()
        d4 = config["name"].startswith("d4")
        self.gspace = gspaces.FlipRot2dOnR2(N=4) if d4 else gspaces.Rot2dOnR2(N=4)
        self.in_type = enn.FieldType(self.gspace, [self.gspace.trivial_repr])
        regular = self.gspace.regular_repr
        ftype = enn.FieldType(self.gspace, config["hidden"] * [regular])
        k = config["kernel_size"]
        cutoff = _FULL_CUTOFF if config.get("basis", "full") == "full" else None
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
        _, enn = _e2cnn()
        y = self.body(enn.GeometricTensor(x, self.in_type))
        if isinstance(self.pool, GroupAverage):
            y = self.pool(y.tensor)
        else:
            y = self.pool(y).tensor
        return self.head(y)

    # e2cnn caches the expanded filter (and bias) in eval mode as buffers; they are derived
    # from the weights, so checkpoints leave them out and loading rebuilds them.
    def _cache_keys(self) -> set[str]:
        _, enn = _e2cnn()
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


#: The p4 models' class under its earlier name.
P4Net = EquivariantNet


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
    opts = _options(name, kernel_size, options)
    config = {"name": name, "kernel_size": int(kernel_size), **opts}
    if name[:2] in ("p4", "d4"):
        return EquivariantNet(config, _jsonable("metadata", metadata or {}))
    return PlainNet(config, _jsonable("metadata", metadata or {}))


# -- size and cost -----------------------------------------------------------------------
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
    _, enn = _e2cnn()
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


def size_table(size: tuple[int, int] = (32, 32), kernel_size: int = 5) -> list[dict]:
    """Per model: our parameters and FLOPs (for ``size`` boards) next to the notes' figures."""
    rows = []
    for name in MODEL_NAMES:
        model = build(name, kernel_size)
        notes = NOTES_SIZES[name]
        rows.append(
            {
                "name": name,
                "params": count_parameters(model),
                "flops": flops(model, size),
                "notes_params": notes["params"],
                "notes_flops_m": notes["flops_m"],
                "notes_lowest_accuracy": notes["lowest_accuracy"],
            }
        )
    return rows


# -- checkpoints -------------------------------------------------------------------------
def _jsonable(label: str, value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise ModelError(f"{label} must be JSON-able ({err})") from None


def _check_tensors(state: Any, where: str) -> None:
    """Every entry a dense, finite CPU-storable tensor; raises `ModelError` naming the first
    that is not."""
    if not isinstance(state, dict):
        raise ModelError(f"{where}: the state_dict is not a dict")
    for key, value in state.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise ModelError(f"{where}: state_dict entry {key!r} is not a named tensor")
        if value.layout != torch.strided or value.is_meta:
            raise ModelError(f"{where}: tensor {key!r} is sparse or has no data")
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise ModelError(f"{where}: tensor {key!r} holds NaN or infinite weights")


def _checksum(config: dict, state: dict, metadata: dict) -> str:
    """SHA-256 of the config, metadata (canonical JSON) and every tensor's bytes."""
    text = json.dumps([config, metadata], sort_keys=True, allow_nan=False).encode()
    return sha256(text + _tensor_bytes(state))


def save(model: nn.Module, path: Union[str, Path], **metadata) -> Path:
    """Write a checkpoint atomically (temporary file, fsync, rename), with a content checksum.

    The file holds ``{"format", "version", "config", "state_dict", "metadata", "checksum"}``;
    ``metadata`` joins (and overrides) the model's own ``.metadata``.

    Raises
    ------
    ModelError
        A model not made by `build`, metadata that is not JSON-able, or non-finite weights.
    lifecore.files.FileError
        The path cannot be written.
    """
    config = getattr(model, "config", None)
    if not isinstance(config, dict) or "name" not in config:
        raise ModelError("save() needs a model made by lifecore.models.build (it has no .config)")
    config = _jsonable("model config", config)
    meta = _jsonable("metadata", {**(getattr(model, "metadata", None) or {}), **metadata})
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    _check_tensors(state, f"{path}: refusing to save")
    payload = {
        "format": _FORMAT,
        "version": _VERSION,
        "config": config,
        "state_dict": state,
        "metadata": meta,
        "checksum": _checksum(config, state, meta),
    }
    return atomic_save(payload, path)


def atomic_save(payload: Any, path: Union[str, Path]) -> Path:
    """`torch.save` through `lifecore.files.atomic_write`: fsync, rename, no ``*.tmp`` left."""
    return atomic_write(path, lambda handle: torch.save(payload, handle))


def _read_payload(path: Path) -> dict:
    """The checkpoint's dict, its format, version and checksum verified."""
    if not path.is_file():
        raise ModelError(f"{path}: no such checkpoint file")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for foreign or damaged files
        raise ModelError(
            f"{path}: not a readable torch checkpoint ({type(err).__name__}: {str(err)[:200]})"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise ModelError(f"{path}: not a lifecore model checkpoint (expected format {_FORMAT!r})")
    if payload.get("version") != _VERSION:
        raise ModelError(
            f"{path}: unsupported checkpoint version {payload.get('version')!r} (expected "
            f"{_VERSION}; version 1 files carry no checksum: train again)"
        )
    config, state, meta = (payload.get(k) for k in ("config", "state_dict", "metadata"))
    if not isinstance(config, dict) or not isinstance(meta, dict):
        raise ModelError(f"{path}: checkpoint lacks a config or metadata")
    _check_tensors(state, str(path))
    try:
        intact = payload.get("checksum") == _checksum(config, state, meta)
    except (TypeError, ValueError):
        intact = False
    if not intact:
        raise ModelError(f"{path}: checksum mismatch: the checkpoint is corrupted")
    return payload


def load(path: Union[str, Path]) -> nn.Module:
    """Rebuild a model saved by `save`: eval mode, on the CPU, ``.metadata`` as stored.

    Loads with ``weights_only=True`` (no code runs from the file), verifies the checksum,
    refuses non-finite weights and checks the config before building anything.

    Raises
    ------
    ModelError
        Naming ``path``: missing, foreign, corrupted (checksum), a config out of range, or
        weights that do not fit the architecture.
    """
    path = Path(path)
    payload = _read_payload(path)
    config = payload["config"]
    try:
        model = build(**config, metadata=payload["metadata"])
    except TypeError as err:
        raise ModelError(f"{path}: bad model config {str(config)[:200]} ({err})") from None
    except ModelError as err:
        raise ModelError(f"{path}: bad model config: {err}") from None
    try:
        model.load_state_dict(payload["state_dict"], strict=True)
    except (RuntimeError, KeyError, ValueError) as err:
        raise ModelError(
            f"{path}: weights do not match the {config.get('name')!r} architecture: "
            f"{str(err)[:500]}"
        ) from None
    return model.eval()


# -- inference ---------------------------------------------------------------------------
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


def weights_hash(model: nn.Module) -> str:
    """SHA-256 over the model's ``state_dict`` (names, dtypes, shapes and bytes, in key order).

    Two models with the same hash compute the same function (same architecture, same
    weights); one changed bit of one weight changes it.
    """
    return sha256(_tensor_bytes(model.state_dict()))


def _tensor_bytes(state: dict) -> bytes:
    """Names, dtypes, shapes and raw bytes of every tensor of ``state``, in key order."""
    parts = []
    for key in sorted(state):
        tensor = state[key].detach().cpu().contiguous()
        parts.append(f"{key}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        parts.append(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return b"".join(parts)


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
    batch_size = _check_int("batch_size", batch_size)
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
