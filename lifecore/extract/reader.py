"""`extract`: read the rule out of a network by a named method."""

from __future__ import annotations

from typing import Any, Optional

from ._model_info import model_neighbourhood
from .result import Extraction, ExtractionError

__all__ = ["METHODS", "extract", "read_certificate"]

METHODS = ("certificate", "enumerate", "statistics", "basis")


def read_certificate(model: Any, recertify: bool = False) -> Extraction:
    """The certified reading of ``model``: its stored certificate when that was computed for
    these weights (unless ``recertify``), else a new ``certify(model)``."""
    from .certified import certify_reading, stored_certificate

    stored = None if recertify else stored_certificate(model)
    return stored if stored is not None else certify_reading(model)


def _certified_or_enumerated(model: Any, neighbourhood: Optional[str], **options: Any):
    """The certificate's rule; when the network is certified to be no rule, enumeration's
    reading (an estimate, ``certified=False``) with the certificate's verdict attached."""
    from .enumeration import enumerate_neighbourhoods

    proved = read_certificate(model, options.pop("recertify", False))
    if proved.certified:
        return proved
    reading = enumerate_neighbourhoods(model, neighbourhood, **options)
    return reading.replace(details={**reading.details, "certificate": proved.details})


def _check_finite(model: Any) -> None:
    """Refuse a network with a NaN or infinite weight: every method would read noise."""
    import torch

    for name, tensor in model.state_dict().items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise ExtractionError(f"cannot read a rule: weight {name!r} holds NaN or infinity")


def extract(
    model: Any, method: str = "certificate", neighbourhood: Optional[str] = None, **options: Any
) -> Extraction:
    """Read the rule out of ``model`` by ``method``.

    Parameters
    ----------
    model : torch.nn.Module
    method : str
        "certificate" (proved over the whole receptive field by `lifecore.certify.certify`,
        any family, falling back to enumeration when the network computes no 3x3 rule),
        "enumerate", "statistics" or "basis" (the book's methods, estimates).
    neighbourhood : str, optional
        Default: the checkpoint's ``neighbourhood`` metadata, else found from the network
        (enumeration). A stored rule string is never read.
    **options
        Passed to the method's function.

    Returns
    -------
    Extraction

    Raises
    ------
    ExtractionError
        An unknown method or neighbourhood, or a network with NaN or infinite weights.
    """
    from .basis import compare_with_basis
    from .enumeration import enumerate_neighbourhoods
    from .statistics import neighbour_statistics

    if method not in METHODS:
        raise ExtractionError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    _check_finite(model)
    if method == "certificate":
        return _certified_or_enumerated(model, neighbourhood, **options)
    if method == "enumerate":
        return enumerate_neighbourhoods(model, neighbourhood, **options)
    hood = model_neighbourhood(model, neighbourhood)
    if hood is None:
        hood = enumerate_neighbourhoods(model, None, contexts=0).neighbourhood
    if method == "statistics":
        return neighbour_statistics(model, hood, **options)
    return compare_with_basis(model, hood, **options)
