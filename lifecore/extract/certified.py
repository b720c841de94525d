"""Reading a rule from a certificate: proved over the network's whole receptive field.

`lifecore.certify.certify` enumerates every window the network can see; when it finds the
network computes a rule (of any family), that rule *is* the network's, not an estimate.
`from_certificate` turns a certificate into an `Extraction` (``certified=True``, the
canonical Hensel or MAP string of the rule), and `compare_with_certificate` tells, for a
reading by another method, whether it agrees with the proof and on which classes it does not.
"""

from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np

from ..rules import as_rule
from .classes import class_space
from .result import Extraction

__all__ = [
    "from_certificate",
    "certify_reading",
    "stored_certificate",
    "compare_with_certificate",
]


def _as_dict(cert: Any) -> dict:
    """A `Certificate` or its `Certificate.to_dict` form, as a dict."""
    return dict(cert) if isinstance(cert, dict) else cert.to_dict()


def _certificate_details(fields: dict, source: str) -> dict:
    return {
        "certificate": fields,
        "source": source,
        "inputs": int(fields.get("inputs", 0)),
        "window": int(fields.get("window", 0)),
        "margin": float(fields.get("margin", 0.0)),
        "counterexample_count": int(fields.get("counterexample_count", 0)),
        "reason": fields.get("reason", ""),
    }


def from_certificate(
    cert: Any, seconds: Optional[float] = None, source: str = "certified now"
) -> Extraction:
    """The `Extraction` a certificate proves.

    Parameters
    ----------
    cert : lifecore.certify.Certificate or dict
        From ``certify(model)`` (which rule?) or ``certify(model, rule)`` (that rule?), or
        its ``to_dict()`` form (as stored in a checkpoint's metadata).
    seconds : float, optional
        Default: the certificate's own ``seconds``.
    source : str
        Where the certificate came from (``details["source"]``).

    Returns
    -------
    Extraction
        ``method="certificate"``. When ``cert.exact``: the certified rule in its smallest
        family (``str(rule)`` is Golly's canonical B/S, Hensel or MAP string), every class
        decided with confidence 1, ``certified=True``. Otherwise ``rule=None``,
        ``consistent=False``, ``certified=False`` and ``details["reason"]`` says why.
    """
    fields = _as_dict(cert)
    seconds = float(fields.get("seconds", 0.0) if seconds is None else seconds)
    details = _certificate_details(fields, source)
    if not fields.get("exact") or fields.get("rule") is None:
        hood = fields.get("neighbourhood") or "moore"
        space = class_space("outer-totalistic", hood)
        return Extraction(
            rule=None,
            table=np.full(space.shape, -1, np.int64),
            confidence=np.zeros(space.shape),
            undetermined=list(space.names),
            consistent=False,
            method="certificate",
            neighbourhood=hood,
            seconds=seconds,
            details=details,
        )
    rule = as_rule(fields["rule"])
    space = class_space(rule.family, rule.neighbourhood)
    return Extraction(
        rule=rule,
        table=space.table_of(rule),
        confidence=np.ones(space.shape),
        undetermined=[],
        consistent=True,
        method="certificate",
        neighbourhood=rule.neighbourhood,
        seconds=seconds,
        details=details,
        certified=True,
        family=rule.family,
    )


def certify_reading(model: Any, rule: Any = None) -> Extraction:
    """Certify ``model`` (against ``rule`` if given) and read the answer (`from_certificate`).

    Raises
    ------
    lifecore.certify.CertifyError
        When the network's window is too large to enumerate.
    """
    from ..certify import certify

    t0 = time.perf_counter()
    cert = certify(model, rule)
    return from_certificate(cert, time.perf_counter() - t0)


def stored_certificate(model: Any) -> Optional[Extraction]:
    """The reading of the certificate stored in ``model.metadata["certificate"]`` (written by
    `lifecore.train.fit`), when it was computed for exactly these weights; else None.

    A certificate whose weights hash differs (weights changed after certification) says
    nothing about this network and is ignored.
    """
    t0 = time.perf_counter()
    stored = (getattr(model, "metadata", None) or {}).get("certificate")
    if not isinstance(stored, dict) or not stored.get("weights_hash"):
        return None
    from ..models import weights_hash

    if weights_hash(model) != stored["weights_hash"]:
        return None
    seconds = time.perf_counter() - t0  # reading it, not the certification it records
    return from_certificate(stored, seconds, source="stored in the checkpoint")


def compare_with_certificate(reading: Extraction, proved: Extraction) -> dict:
    """How a method's reading stands against the certified one.

    Returns
    -------
    dict
        ``agrees`` (the reading recovers the certified rule exactly), ``wrong`` (classes
        the reading decided differently), ``undetermined`` (classes it left open), and the
        certified rule; ``agrees`` is None when there is no certified rule to compare with.
    """
    if not proved.certified or proved.rule is None:
        return {"certified rule": None, "agrees": None, "wrong": [], "undetermined": []}
    same_space = (reading.family, reading.neighbourhood) == (proved.family, proved.neighbourhood)
    if same_space:
        truth = proved.table
    else:
        truth = class_space(reading.family, reading.neighbourhood).table_of(proved.rule)
    space = class_space(reading.family, reading.neighbourhood)
    wrong = (reading.table >= 0) & (reading.table != truth)
    return {
        "certified rule": str(proved.rule),
        "agrees": bool(reading.matches(proved.rule)),
        "wrong": space.names_where(wrong),
        "undetermined": list(reading.undetermined),
    }
