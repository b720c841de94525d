"""Golly's MAP rule strings: a 512-entry window table as 86 base64 characters.

``MAP`` is followed by the 512 next states, window index 0 first, packed most significant
bit first and base64-encoded (RFC 4648 alphabet): 85 characters of 6 bits and one more
holding the last 2 bits in its top bits. Golly also accepts the 88-character form with
``==`` padding. Conway's Life, for instance, is ``MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAg
AAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA`` (Golly's help, "QuickLife").
"""

from __future__ import annotations

import numpy as np

from .rulebase import RuleError, shorten

__all__ = ["BASE64", "MAP_LENGTH", "decode_map", "encode_map"]

#: The base64 alphabet Golly uses (``liferules::base64_characters``).
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#: Base64 characters of a Moore MAP rule (512 bits / 6, rounded up).
MAP_LENGTH = 86

_VALUE = {ch: i for i, ch in enumerate(BASE64)}
_OTHER_NEIGHBOURHOODS = {22: "hexagonal", 6: "von Neumann"}


def decode_map(code: str) -> np.ndarray:
    """The 512-entry window table of a MAP rule's base64 part.

    Parameters
    ----------
    code : str
        The characters after ``MAP``: 86 base64 characters, optionally followed by ``==``.
        As in Golly, bits of the last character beyond the 512th are ignored.

    Returns
    -------
    numpy.ndarray
        Shape (512,), uint8 0/1, indexed by Golly's window index.

    Raises
    ------
    RuleError
        For a wrong length (naming Golly's hexagonal and von Neumann lengths, which this
        library does not read) or a character outside the base64 alphabet.
    """
    body = code[:-2] if len(code) > 2 and code.endswith("==") else code
    if len(body) != MAP_LENGTH:
        other = _OTHER_NEIGHBOURHOODS.get(len(body))
        hint = f" ({other} MAP rules are not supported)" if other else ""
        raise RuleError(
            f"a MAP rule needs {MAP_LENGTH} base64 characters after 'MAP', got {len(body)}{hint}"
        )
    for position, ch in enumerate(body):
        if ch not in _VALUE:
            raise RuleError(
                f"character {shorten(ch)} at position {position + 1} of MAP rule "
                f"{shorten('MAP' + code)} is not base64 (A-Z a-z 0-9 + /)"
            )
    values = np.array([_VALUE[ch] for ch in body], dtype=np.uint8)
    bits = np.unpackbits(values[:, None], axis=1)[:, 2:].reshape(-1)
    return bits[:512].copy()


def encode_map(table: np.ndarray) -> str:
    """Golly's canonical base64 part (86 characters, no padding) of a 0/1 table of 512."""
    bits = np.zeros(MAP_LENGTH * 6, dtype=np.uint8)
    bits[:512] = np.asarray(table, dtype=np.uint8).reshape(512)
    sextets = bits.reshape(MAP_LENGTH, 6) @ (1 << np.arange(5, -1, -1))
    return "".join(BASE64[int(v)] for v in sextets)
