"""One front door for the packages that load their modules on first use.

``extract``, ``discover`` and ``viz`` name each public attribute's home module and import
it only when the attribute is read, so ``import lifecore.extract`` stays light (no torch,
no matplotlib) until a name that needs them is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def front_door(
    package: str, homes: Mapping[str, str], namespace: dict
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``homes`` maps a public name to the
    submodule defining it; a name read once is cached in ``namespace`` (the package's
    globals)."""

    def getattr_(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{homes[name]}"), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return getattr_, dir_
