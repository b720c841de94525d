"""Sub-seeds derived through `numpy.random.SeedSequence` (a floor module: extraction and
discovery both use it).

The same scheme as `lifecore.train.derived_seed` (a seed and a purpose), with integer keys
too, so that round ``r``'s ``i``-th experiment gets ``child_seed(seed, "menu", r, i)``
instead of arithmetic such as ``seed * 1000 + r * 31 + i`` (which collides across seeds).
"""

from __future__ import annotations

from typing import Union

import numpy as np

from .errors import LifecoreError

__all__ = ["SeedError", "child_seed"]


class SeedError(LifecoreError):
    """A seed that is not a non-negative integer."""


def child_seed(seed: int, purpose: str, *keys: Union[int, str]) -> int:
    """A 32-bit seed for ``purpose`` (and integer or text ``keys``) derived from ``seed``.

    Raises
    ------
    SeedError
        For a seed that is not a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SeedError(f"a seed must be a non-negative integer, got {seed!r}")
    entropy = [int(seed), *purpose.encode()]
    for key in keys:
        entropy += [*str(key).encode(), 0] if isinstance(key, str) else [int(key), 0]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])
