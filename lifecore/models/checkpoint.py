"""Checkpoints: written atomically with a content checksum, verified on load
(``weights_only=True``; corrupted, non-finite or oversized content refused)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Union

import torch
from torch import nn

from ..files import atomic_write, sha256
from .base import ModelError, jsonable
from .factory import build

_FORMAT, _VERSION = "lifecore-model", 2


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
    config = jsonable("model config", config)
    meta = jsonable("metadata", {**(getattr(model, "metadata", None) or {}), **metadata})
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
        tensor = state[key].detach().cpu()
        parts.append(f"{key}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        # A fresh dense copy: a crafted file can hold a tensor with zero strides, which
        # cannot be viewed as bytes in place.
        flat = tensor.reshape(-1).clone(memory_format=torch.contiguous_format)
        parts.append(flat.view(torch.uint8).numpy().tobytes())
    return b"".join(parts)
