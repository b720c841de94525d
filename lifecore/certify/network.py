"""Reading a network as one window then per-cell stages, the form the enumeration needs.

A model qualifies when its layers, in order, are one k x k convolution with one input
channel (``nn.Conv2d`` or e2cnn ``R2Conv``, read as the plain filter it expands to), then
per-cell layers: ReLU, 1x1 convolutions, averaging (`lifecore.models.GroupAverage`) or
max-pooling (e2cnn ``GroupPooling``) over consecutive channels, ending in one channel.

These are rewritten as `Network`: the first layer's weights over the window's cells, then
*stages*, each "optional ReLU, optional max over groups of ``pool`` channels, then a linear
map". Averages and consecutive linear maps are folded into one linear map, so each stage
costs one matrix-vector product per window. The reading is checked against the model's own
output on random boards before anything is certified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import CertifyError

__all__ = ["MAX_WINDOW", "Network", "Stage", "read_network", "stage_logits"]

#: The largest window side certified: 2**25 windows; k=7 would be 2**49.
MAX_WINDOW = 5


@dataclass(frozen=True)
class Stage:
    """``weight @ maxpool(relu(h)) + bias`` (ReLU when ``relu``; max over ``pool`` channels).

    ``weight``: float64 ndarray ``(out, in)``; ``bias``: ``(out,)``.
    """

    relu: bool
    pool: int
    weight: np.ndarray
    bias: np.ndarray


@dataclass(frozen=True)
class Network:
    """A model as ``stages(first_weight @ cells + first_bias)``.

    Attributes
    ----------
    first_weight : np.ndarray
        float64 ``(C, K*K)``: the first layer over the window's cells in reading order.
    first_bias : np.ndarray
        float64 ``(C,)``.
    stages : tuple of Stage
        The per-cell rest; the last stage has one output, the logit.
    window : int
        K, the window side enumerated: ``max(kernel, 3)`` so a 3x3 rule's window fits.
    kernel : int
        The model's own kernel side.
    """

    first_weight: np.ndarray
    first_bias: np.ndarray
    stages: tuple[Stage, ...]
    window: int
    kernel: int


def _leaves(module) -> list:
    """The model's layers in order, containers (Sequential, SequentialModule) expanded."""
    children = list(module.children())
    if not children or _is_layer(module):
        return [module]
    return [leaf for child in children for leaf in _leaves(child)]


def _is_layer(module) -> bool:
    return type(module).__name__ in (
        "Conv2d",
        "ReLU",
        "GroupAverage",
        "R2Conv",
        "GroupPooling",
    )


def _as_pair(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _conv_params(layer) -> tuple[np.ndarray, np.ndarray]:
    """``(weight (out, in, k, k), bias (out,))`` float64 of a Conv2d or an e2cnn R2Conv."""
    import torch

    with torch.no_grad():
        if type(layer).__name__ == "R2Conv":
            weight, bias = layer.expand_parameters()
        else:
            weight, bias = layer.weight, layer.bias
        if (
            _as_pair(layer.stride) != (1, 1)
            or _as_pair(layer.dilation) != (1, 1)
            or layer.groups != 1
        ):
            raise CertifyError("cannot certify: a convolution with stride, dilation or groups")
        weight = weight.detach().to("cpu", torch.float64).numpy()
        if bias is None:
            return weight, np.zeros(weight.shape[0])
        return weight, bias.detach().to("cpu", torch.float64).reshape(-1).numpy()


def _ops(layers: list, width: int) -> list[tuple]:
    """Per-cell layers as ``("linear", W, b)``, ``("relu",)``, ``("max", g)`` tuples."""
    ops = []
    for layer in layers:
        name = type(layer).__name__
        if name in ("Conv2d", "R2Conv"):
            weight, bias = _conv_params(layer)
            if weight.shape[2:] != (1, 1) or weight.shape[1] != width:
                raise CertifyError(
                    "cannot certify: a layer after the first is not 1x1, so the receptive "
                    "field is not one window"
                )
            ops.append(("linear", weight[:, :, 0, 0], bias))
            width = weight.shape[0]
        elif name == "ReLU":
            ops.append(("relu",))
        elif name == "GroupAverage":
            order = int(layer.order)
            mean = np.kron(np.eye(width // order), np.full((1, order), 1.0 / order))
            ops.append(("linear", mean, np.zeros(width // order)))
            width //= order
        elif name == "GroupPooling":
            sizes = {r.size for r in layer.in_type.representations}
            if len(sizes) != 1:
                raise CertifyError("cannot certify: group pooling over fields of mixed sizes")
            ops.append(("max", sizes.pop()))
            width //= ops[-1][1]
        else:
            raise CertifyError(f"cannot certify: unsupported layer {name}")
    if width != 1:
        raise CertifyError(f"cannot certify: the network ends in {width} channels, not one logit")
    return ops


def _stages(ops: list[tuple], first: tuple) -> tuple[tuple, tuple[Stage, ...]]:
    """Fold ops into stages; a linear map with no nonlinearity before it joins the previous
    linear map (or the first layer)."""
    weight, bias = first
    stages: list[Stage] = []
    relu, pool = False, 1
    for op in ops:
        if op[0] == "relu":
            relu = True
        elif op[0] == "max":
            pool *= op[1]
        elif relu or pool > 1:
            stages.append(Stage(relu, pool, op[1], op[2]))
            relu, pool = False, 1
        elif stages:  # linear after linear: compose
            last = stages[-1]
            stages[-1] = Stage(last.relu, last.pool, op[1] @ last.weight, op[1] @ last.bias + op[2])
        else:
            weight, bias = op[1] @ weight, op[1] @ bias + op[2]
    if relu or pool > 1 or not stages:  # ends in a nonlinearity: identity readout
        stages.append(Stage(relu, pool, np.eye(1), np.zeros(1)))
    return (weight, bias), tuple(stages)


def read_network(model) -> Network:
    """Read ``model`` as one k x k window then per-cell stages; refuse anything else.

    Raises
    ------
    CertifyError
        When the layers are not one odd square convolution with one input channel followed by
        per-cell layers ending in one channel, or the window exceeds `MAX_WINDOW`.
    """
    layers = _leaves(model)
    if not layers or type(layers[0]).__name__ not in ("Conv2d", "R2Conv"):
        raise CertifyError("cannot certify: the model does not start with a convolution")
    weight, bias = _conv_params(layers[0])
    out, inp, kh, kw = weight.shape
    if inp != 1 or kh != kw or kh % 2 == 0:
        raise CertifyError(
            f"cannot certify: first layer is {inp} -> {out} channels, {kh}x{kw}; expected one "
            "input channel and an odd square kernel"
        )
    if kh > MAX_WINDOW:
        raise CertifyError(
            f"cannot certify: a {kh}x{kh} window has 2**{kh * kh} inputs, too many to "
            f"enumerate (at most {MAX_WINDOW}x{MAX_WINDOW})"
        )
    big = max(kh, 3)
    pad = (big - kh) // 2
    full = np.zeros((out, big, big))
    full[:, pad : pad + kh, pad : pad + kh] = weight[:, 0]
    (first_w, first_b), stages = _stages(_ops(layers[1:], out), (full.reshape(out, -1), bias))
    return Network(first_w, first_b, stages, big, kh)


def stage_logits(stages: tuple, h):
    """Run ``stages`` (torch tensors: see `torch_stages`) on pre-activations ``h`` ``(B, C)``
    (a fresh tensor, changed in place); returns the logits ``(B,)``."""
    import torch

    for relu, pool, weight, bias in stages:
        if relu:
            h = h.clamp_min_(0)
        if pool > 1:
            h = h.reshape(h.shape[0], -1, pool).amax(dim=2)
        h = torch.addmm(bias, h, weight.T)
    return h[:, 0]


def torch_stages(net: Network, dtype, dev) -> tuple:
    """The stages as ``(relu, pool, weight, bias)`` with torch tensors of ``dtype`` on ``dev``."""
    import torch

    return tuple(
        (
            s.relu,
            s.pool,
            torch.as_tensor(s.weight, dtype=dtype, device=dev),
            torch.as_tensor(s.bias, dtype=dtype, device=dev),
        )
        for s in net.stages
    )


def check_reading(model, net: Network) -> None:
    """The reading must reproduce the model's own logits on random boards (CPU, float64).

    Raises
    ------
    CertifyError
        When it does not (the model is not what its layers' order suggests).
    """
    import torch

    from ..models import inference

    gen = torch.Generator().manual_seed(0)
    boards = (torch.rand(4, 1, 11, 11, generator=gen) < 0.45).to(torch.float64)
    with inference(model) as run:
        expected = run(boards).to("cpu", torch.float64)[:, 0].reshape(-1)
    k = net.window
    padded = torch.nn.functional.pad(boards, (k // 2,) * 4, mode="circular")
    cells = padded.unfold(2, k, 1).unfold(3, k, 1)[:, 0].reshape(-1, k * k)
    h = cells @ torch.as_tensor(net.first_weight).T + torch.as_tensor(net.first_bias)
    got = stage_logits(torch_stages(net, torch.float64, "cpu"), h)
    if not bool(torch.isfinite(expected).all()):
        raise CertifyError("cannot certify: the model's output is NaN or infinite (its weights)")
    scale = 1.0 + float(expected.abs().max())
    if not torch.allclose(got, expected, atol=1e-4 * scale, rtol=0):
        raise CertifyError(
            "cannot certify: the model's layers, read as one window then per-cell layers, "
            "do not reproduce its output"
        )


def error_bound(net: Network) -> float:
    """A bound on the magnitudes summed on the way to the logit (float64 ``sum |w| |x|``).

    float32 rounding can move a logit by at most a small multiple of ``2**-24`` times this;
    windows whose logit lies closer to zero are decided again in float64.
    """
    size = np.abs(net.first_weight).sum(axis=1) + np.abs(net.first_bias)
    for stage in net.stages:
        if stage.pool > 1:
            size = size.reshape(-1, stage.pool).max(axis=1)
        size = np.abs(stage.weight) @ size + np.abs(stage.bias)
    return float(size.max())
