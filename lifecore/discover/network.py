"""The network route: fit a network to the data, then hold it against tabulation.

A candidate that agrees with every seen class reproduces the data exactly, so the network
cannot *exclude* more than tabulation does; what it adds is a ranking of the survivors (its
answers for unseen classes: a prior for the next experiment) and a cross-check. The result
of discovery is always tabulation's.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..extract.result import Extraction, class_names
from ..rules import Rule
from ..seeds import child_seed

__all__ = [
    "ROUTE_LR",
    "ROUTE_PATIENCE",
    "ROUTE_KERNEL",
    "route_model",
    "train_network",
    "certified_guess",
    "network_route",
]

#: How the route trains: `lifecore.train.TrainConfig` with its defaults (Adam, batch 8, BCE on
#: logits) except: a larger epoch budget and patience, because discovery's data are a handful
#: of pairs (one or two optimiser steps per epoch, against the trainer's fifty on its 400
#: covering soups); twice the default learning rate (measured: about half the epochs to fit
#: the data exactly); no rollout (the data carry no rule to roll out against); and one torch
#: thread (these networks are tiny; on 2 cores two threads were several times slower).
ROUTE_LR = 2e-2
ROUTE_PATIENCE = 100
#: The route's networks see 3x3 windows: every rule here is a 3x3 rule, and a 3x3 network is
#: certified over its 512 windows at once (a 5x5 one needs 2**25).
ROUTE_KERNEL = 3


def route_model(model_name: str, hood: str) -> str:
    """The model the route trains: a p4 network cannot represent a hex rule (Golly's hex
    neighbourhood on the square grid is not invariant under quarter turns), so under hex the
    plain network of the same design is used instead."""
    if hood == "hex" and model_name.startswith("p4"):
        return model_name[2:]
    return model_name


def train_network(x: np.ndarray, y: np.ndarray, model_name: str, seed: int, epochs: int):
    """A network of ``model_name`` fitted with `lifecore.train.fit` to pairs ``(x, y)``.

    There is no held-out set to spare and nothing to generalise *to* within the data: the
    question is whether one network reproduces every observed pair. So the pairs are both the
    training and the validation set, and `fit` stops at the first epoch where every pair is
    reproduced, after `ROUTE_PATIENCE` epochs without improvement, or at ``epochs``.

    Returns
    -------
    (torch.nn.Module, lifecore.train.TrainResult)
    """
    import torch

    from .. import models
    from ..data import TransitionData
    from ..train import TrainConfig, fit

    torch.manual_seed(seed)
    net = models.build(model_name, kernel_size=ROUTE_KERNEL)
    data = TransitionData(
        np.ascontiguousarray(x, np.uint8),
        np.ascontiguousarray(y, np.uint8),
        np.arange(len(x), dtype=np.int64),
        {"boundary": "torus"},
    )
    config = TrainConfig(
        max_epochs=int(epochs),
        patience=ROUTE_PATIENCE,
        lr=ROUTE_LR,
        seed=int(seed),
        rollout_steps=0,
        threads=1,
    )
    threads = torch.get_num_threads()
    try:
        res = fit(net, data, data, config, progress=False)
    finally:
        torch.set_num_threads(threads)  # fit sets the thread count; leave the caller's alone
    return res.model, res


def _fresh_reading(model: Any, hood: str, seed: int) -> np.ndarray:
    """``P(next alive)`` per class of the network on fresh covering soups (0.5 where unseen)."""
    from ..extract.statistics import neighbour_statistics

    stats = neighbour_statistics(
        model, hood, n=48, size=24, threshold=0.5 + 1e-9, min_support=1, seed=seed
    )
    return np.nan_to_num(stats.details["p_alive"], nan=0.5)


def _data_fit(model: Any, x: np.ndarray, y: np.ndarray, tab: Extraction) -> dict:
    """How the network fits its own training pairs, class by class and cell by cell."""
    from .. import models
    from ..data import transition_counts

    pred = models.predict(model, x)
    counts = transition_counts(x, pred, tab.neighbourhood)
    major = (counts[..., 1] > counts[..., 0]).astype(np.int64)
    seen = (counts.sum(-1) > 0) & (tab.table >= 0)
    return {
        "data_classes_agree": int((seen & (major == tab.table)).sum()),
        "data_classes": int(seen.sum()),
        "pixel_accuracy": float((pred == y).mean()),
    }


def _density_gap(model: Any, frames: Optional[np.ndarray]) -> Optional[float]:
    """Largest gap between the network's density curve and the data's, from the same first
    boards (None without trajectories of at least 3 frames)."""
    if frames is None or frames.shape[1] <= 2:
        return None
    from ..train import rollout

    sim = rollout(model, frames[:, 0], frames.shape[1] - 1)
    return float(np.abs(sim.mean((0, 2, 3)) - frames.mean((0, 2, 3))).max())


def certified_guess(model: Any, tab: Extraction) -> dict:
    """Certify the fitted network to be *some* rule (`lifecore.certify.certify` without a
    rule) and set its rule against tabulation ``tab``.

    Returns
    -------
    dict
        ``certified``, ``certified_rule`` (Golly's canonical string, or None),
        ``certificate_reason``, ``margin``, ``windows``; when certified also ``unseen_guess``
        (``{class: 0/1}``: the network's answer for each class the data never showed, a
        guess, not a finding) and ``seen_disagree`` (seen classes where the proved rule
        differs from the data: empty when the network fits every class it saw).
    """
    from ..certify import certify
    from ..extract.classes import class_space
    from ..rules import as_rule

    cert = certify(model)
    out = {
        "certified": bool(cert.exact),
        "certified_rule": cert.rule,
        "certificate_reason": cert.reason,
        "margin": float(cert.margin),
        "windows": int(cert.inputs),
    }
    if cert.exact:
        space = class_space(tab.family, tab.neighbourhood)
        proved = space.table_of(as_rule(cert.rule))
        unseen, seen = tab.table < 0, tab.table >= 0
        guesses = proved[unseen].tolist()
        out["unseen_guess"] = dict(zip(space.names_where(unseen), map(int, guesses)))
        out["seen_disagree"] = space.names_where(seen & (proved != tab.table))
    return out


def network_route(
    x: np.ndarray,
    y: np.ndarray,
    frames: Optional[np.ndarray],
    tab: Extraction,
    model_name: str,
    seed: int,
    epochs: int,
    max_pairs: int,
) -> tuple[Any, np.ndarray, Rule, dict]:
    """Train on at most ``max_pairs`` of the pairs, then compare with tabulation ``tab``.

    Returns
    -------
    model : torch.nn.Module
    p_alive : np.ndarray
        ``(2, size + 1)``: the network's ``P(next alive)`` per class on fresh boards.
    guess : Rule
        The network's full guess (its answer for every class, seen or not).
    agreement : dict
        ``classes``/``agree``/``fraction``/``disagree``: seen classes where the reading on
        fresh boards equals tabulation (the network learned the class, not the boards);
        ``data_*``: its fit to its training pairs; ``density_gap``; the certificate's
        verdict (`certified_guess`); training facts.
    """
    if len(x) > max_pairs:
        pick = np.random.default_rng(child_seed(seed, "route pairs")).choice(
            len(x), max_pairs, replace=False
        )
        x, y = x[pick], y[pick]
    hood = tab.neighbourhood
    model_name = route_model(model_name, hood)
    model, res = train_network(x, y, model_name, seed, epochs)
    p_alive = _fresh_reading(model, hood, child_seed(seed, "route probe"))
    net_table = (p_alive > 0.5).astype(np.int64)
    seen = tab.table >= 0
    agree = seen & (net_table == tab.table)
    guess = Rule.from_table(net_table.astype(np.uint8), hood)
    agreement = {
        "classes": int(seen.sum()),
        "agree": int(agree.sum()),
        "fraction": float(agree.sum() / max(seen.sum(), 1)),
        "disagree": class_names(np.where(seen & ~agree, 7, 0), 7),
        **_data_fit(model, x, y, tab),
        "data_exact": bool(res.exact),
        "network_rule": str(guess),
        "density_gap": _density_gap(model, frames),
        **certified_guess(model, tab),
        "trainer": "lifecore.train.fit",
        "model": model_name,
        "epochs": int(res.epochs),
        "stopped": res.stopped,
        "train_seconds": float(res.seconds),
        "pairs": int(len(x)),
    }
    return model, p_alive, guess, agreement
