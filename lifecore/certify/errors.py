"""The certification error."""

from __future__ import annotations

from ..errors import LifecoreError

__all__ = ["CertifyError"]


class CertifyError(LifecoreError):
    """A model whose structure cannot be read, or whose window is too large to enumerate."""
