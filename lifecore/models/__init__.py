"""The notes' six networks, their D4 twins and Springer & Kenyon's minimal network.

Modules, one idea each: `base` (names, default widths, option checks, `ModelError`),
`plain` (plain CNNs and the SK networks), `equivariant` (e2cnn p4/D4 networks),
`factory` (`build`), `size` (parameters, FLOPs), `checkpoint` (`save`/`load`),
`inference` (device, eval-mode runs, rotation checks), `capacity` (a proof that a rule is
beyond `sk-minimal`).

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

from .base import (
    ALL_MODEL_NAMES,
    D4_NAMES,
    MODEL_NAMES,
    NOTES_SIZES,
    SK_NAMES,
    ModelError,
    default_kernel,
    model_group,
)
from .capacity import TwoUnitBound, two_unit_bound
from .checkpoint import atomic_save, load, save, weights_hash
from .equivariant import EquivariantNet, GroupAverage
from .factory import build
from .inference import (
    device,
    equivariance_error,
    inference,
    logits,
    model_device,
    predict,
    probabilities,
    rotation_pair,
)
from .plain import PlainNet
from .size import ModelSize, count_parameters, flops, size_table

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
    "ModelSize",
    "save",
    "load",
    "atomic_save",
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
    "PlainNet",
    "EquivariantNet",
    "two_unit_bound",
    "TwoUnitBound",
]
