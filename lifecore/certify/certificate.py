"""The certificate: whether a network computes a rule on every window it can see.

`certify` reads the model (`network.read_network`), enumerates all ``2**(K*K)`` windows
(`windows.scan`) and reports a frozen `Certificate`. With a rule, it holds when every
window's decision equals the rule's next state for the window's centre 3x3. Without one, it
holds when the decision depends on the centre 3x3 only; the rule found is then the smallest
family member with that table (outer-totalistic with its neighbourhood, else isotropic, else
MAP).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .network import check_reading, read_network
from .tables import describe, window_table
from .windows import first_windows, scan

__all__ = ["Certificate", "Counterexample", "certify"]


@dataclass(frozen=True)
class Counterexample:
    """One window on which the network and the rule disagree.

    Attributes
    ----------
    patch : np.ndarray
        ``(k, k)`` uint8 0/1: the window, centre cell at ``[k // 2, k // 2]``.
    network : int
        The network's next state for the centre cell (``logit > 0``).
    expected : int
        The rule's next state (without a rule: the majority over windows with that centre 3x3).
    """

    patch: np.ndarray
    network: int
    expected: int

    def to_dict(self) -> dict:
        """JSON-safe: ``{"patch": nested 0/1 lists, "network": 0|1, "expected": 0|1}``."""
        return {
            "patch": self.patch.astype(int).tolist(),
            "network": int(self.network),
            "expected": int(self.expected),
        }


@dataclass(frozen=True)
class Certificate:
    """The verdict of an exhaustive check of a network over its whole receptive field.

    Attributes
    ----------
    exact : bool
        With a rule: the network is that rule on every window. Without: its decision depends
        on the centre 3x3 window only (so it is *some* rule, named in ``rule``).
    rule : str or None
        The rule checked, or the rule found (Golly's canonical string); None when no rule was
        given and the network is no 3x3 rule.
    family, neighbourhood : str or None
        Of ``rule`` ("outer-totalistic" | "isotropic" | "map"; "moore" | "vonneumann" | "hex").
    window : int
        k of the k x k windows enumerated (at least 3, so the rule's window fits).
    inputs : int
        Windows enumerated, ``2 ** (window * window)``.
    counterexamples : tuple of Counterexample
        The first few disagreeing windows in enumeration order.
    counterexample_count : int
        All disagreeing windows.
    margin : float
        Smallest ``|logit|`` over all windows.
    seconds : float
        Wall time of the check.
    weights_hash : str
        `lifecore.models.weights_hash` of the weights certified.
    reason : str
        Why not exact; empty when exact.
    """

    exact: bool
    rule: Optional[str]
    family: Optional[str]
    neighbourhood: Optional[str]
    window: int
    inputs: int
    counterexamples: tuple[Counterexample, ...]
    counterexample_count: int
    margin: float
    seconds: float
    weights_hash: str
    reason: str = ""

    def to_dict(self) -> dict:
        """JSON-safe dict of every field (counterexamples as `Counterexample.to_dict`)."""
        return {
            "exact": bool(self.exact),
            "rule": self.rule,
            "family": self.family,
            "neighbourhood": self.neighbourhood,
            "window": int(self.window),
            "inputs": int(self.inputs),
            "counterexample_count": int(self.counterexample_count),
            "counterexamples": [c.to_dict() for c in self.counterexamples],
            "margin": float(self.margin),
            "seconds": float(self.seconds),
            "weights_hash": self.weights_hash,
            "reason": self.reason,
        }

    def holds_for(self, model) -> bool:
        """Whether ``model`` has exactly the weights this certificate was computed for."""
        from ..models import weights_hash

        return weights_hash(model) == self.weights_hash


def certify(model, rule=None, *, max_counterexamples: int = 8, device=None) -> Certificate:
    """Decide, over every window of the model's receptive field, whether it computes a rule.

    Parameters
    ----------
    model : torch.nn.Module
        One k x k convolution (``k <= MAX_WINDOW``, plain or e2cnn) then per-cell layers;
        maps float ``(N, 1, H, W)`` boards to next-state logits of the same shape.
    rule : rule or str, optional
        Any rule with a ``window_table`` (or an outer-totalistic `lifecore.Rule`), or a
        string `lifecore.rules.as_rule` reads. Without it, the rule is searched for.
    max_counterexamples : int
        How many disagreeing windows to keep (all are counted).
    device : torch.device or str, optional
        Where to enumerate; default CUDA when present, else CPU.

    Returns
    -------
    Certificate

    Raises
    ------
    CertifyError
        When the model is not one window then per-cell layers, or its window exceeds
        ``MAX_WINDOW``.
    """
    import torch

    from ..models import device as default_device
    from ..models import weights_hash
    from ..rules import as_rule

    start = time.perf_counter()
    net = read_network(model)
    check_reading(model, net)
    dev = default_device() if device is None else torch.device(device)
    limit = int(max_counterexamples)
    if rule is not None:
        verdict = _check_rule(net, dev, as_rule(rule), limit)
    else:
        verdict = _find_rule(net, dev, limit)
    return Certificate(
        window=net.window,
        inputs=2 ** (net.window**2),
        seconds=time.perf_counter() - start,
        weights_hash=weights_hash(model),
        **verdict,
    )


def _examples(tally, window: int, table: np.ndarray) -> tuple[Counterexample, ...]:
    return tuple(Counterexample(*row) for row in first_windows(tally, window, table))


def _check_rule(net, dev, rule, limit: int) -> dict:
    """Certificate fields for "is the network ``rule`` on every window?"."""
    table = window_table(rule)
    tally = scan(net, dev, table, limit)
    name = str(rule)
    return {
        "exact": tally.count == 0,
        "rule": name,
        "family": getattr(rule, "family", "outer-totalistic"),
        "neighbourhood": rule.neighbourhood,
        "counterexamples": _examples(tally, net.window, table),
        "counterexample_count": tally.count,
        "margin": tally.margin,
        "reason": "" if tally.count == 0 else f"{tally.count} windows disagree with {name}",
    }


def _find_rule(net, dev, limit: int) -> dict:
    """Certificate fields for "does the decision depend on the centre 3x3 only, and how?".

    The table found is the majority decision per centre 3x3; every window that disagrees
    with its centre's majority is a counterexample.
    """
    tally = scan(net, dev)
    ones = tally.ones
    per_centre = 2 ** (net.window**2 - 9)
    majority = (2 * ones > per_centre).astype(np.uint8)
    count = int(np.minimum(ones, per_centre - ones).sum())
    name, family, hood = describe(majority)
    common = {"margin": tally.margin, "counterexample_count": count}
    if count == 0:
        found = {"rule": name, "family": family, "neighbourhood": hood}
        return {**common, **found, "exact": True, "counterexamples": ()}
    found = scan(net, dev, majority, limit, stop_early=True)
    reason = (
        f"the decision depends on cells outside the centre 3x3: {count} windows disagree "
        f"with the majority of windows sharing their centre 3x3 (nearest 3x3 rule: {name})"
    )
    return {
        **common,
        "exact": False,
        "rule": None,
        "family": None,
        "neighbourhood": None,
        "counterexamples": _examples(found, net.window, majority),
        "reason": reason,
    }
