"""`ExtractionError`: the one error of the extraction package (a `lifecore.LifecoreError`)."""

from ..errors import LifecoreError

__all__ = ["ExtractionError"]


class ExtractionError(LifecoreError):
    """Bad input to an extraction method (an unknown neighbourhood, method or shape)."""
