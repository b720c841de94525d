"""One root for every error the library raises on bad input.

Every module's error subclasses :class:`LifecoreError`, itself a :class:`ValueError`, so a
caller (or the command line) can catch one type and show its message: the message names
what is wrong and, for files, where.
"""

from __future__ import annotations

__all__ = ["LifecoreError"]


class LifecoreError(ValueError):
    """Bad input to lifecore: a rule, board, file, model or option that cannot be used."""
