"""`extract`: read the rule out of a network by a named method."""

from __future__ import annotations

from typing import Any, Optional

from ._model_info import model_neighbourhood
from .result import Extraction, ExtractionError

__all__ = ["METHODS", "extract"]

METHODS = ("enumerate", "statistics", "basis")


def extract(
    model: Any, method: str = "enumerate", neighbourhood: Optional[str] = None, **options: Any
) -> Extraction:
    """Read the rule out of ``model`` by ``method``.

    Parameters
    ----------
    model : torch.nn.Module
    method : str
        "enumerate", "statistics" or "basis".
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
        An unknown method or neighbourhood.
    """
    from .basis import compare_with_basis
    from .enumeration import enumerate_neighbourhoods
    from .statistics import neighbour_statistics

    if method not in METHODS:
        raise ExtractionError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if method == "enumerate":
        return enumerate_neighbourhoods(model, neighbourhood, **options)
    hood = model_neighbourhood(model, neighbourhood)
    if hood is None:
        hood = enumerate_neighbourhoods(model, None, contexts=0).neighbourhood
    if method == "statistics":
        return neighbour_statistics(model, hood, **options)
    return compare_with_basis(model, hood, **options)
