"""Certificates for the chapters' networks, computed once and kept beside the checkpoints.

A certificate (`lifecore.certify.certify`) enumerates every window of a network's
receptive field: tens of seconds per network on two CPU cores. The chapters certify the
same saved networks on every build, so the result is stored in a JSON file keyed by the
network's weights hash: a changed network is certified again, an unchanged one is read back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, Union

from ..files import atomic_write_bytes

__all__ = ["certificates"]


def _load(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}  # a damaged cache is recomputed, never trusted
    return data if isinstance(data, dict) else {}


def certificates(nets: Mapping, path: Union[str, Path]) -> dict:
    """``{key: certificate dict}`` for each network of ``nets`` (``{key: model}``), searching
    for the rule each computes (`lifecore.certify.certify` without a rule).

    Certificates already in the JSON file at ``path`` for the same weights hash are reused;
    new ones are added to it (written atomically after each network, so an interrupted
    build keeps what it computed). The dicts are `Certificate.to_dict()` plus ``"seconds"``
    as measured when first computed.
    """
    from ..certify import certify
    from ..models import weights_hash

    path = Path(path)
    cache = _load(path)
    out = {}
    for key, model in nets.items():
        digest = weights_hash(model)
        if digest not in cache:
            cache[digest] = certify(model).to_dict()
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, json.dumps(cache, sort_keys=True).encode())
        out[key] = cache[digest]
    return out
