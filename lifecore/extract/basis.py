"""Basis comparison, the notes' white-box method 3.

Compare the network with same-shaped networks trained on the single-class "basis" rules
(``B0/S``, ..., ``B/S8``): by representation similarity (linear CKA on hidden activations),
by weights after matching hidden units one to one (Hungarian), and, as a control, by function.
Every rule's next-state function is the sum of the basis functions of its classes (their
supports are disjoint), so "which basis rules are present" has an exact answer to compare with.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional, Union

import numpy as np
import torch
from torch import nn

from .. import models
from ..data import COVERING, soups
from ..rules import NEIGHBOURHOODS, Rule, RuleLike, as_rule
from ..seeds import child_seed
from ..simulate import step
from ._model_info import model_neighbourhood
from .result import Extraction, ExtractionError, check_neighbourhood, rule_from_table

__all__ = [
    "basis_rules",
    "basis_networks",
    "compare_with_basis",
    "linear_cka",
    "aligned_cosine",
]


def basis_rules(neighbourhood: str = "moore") -> list[Rule]:
    """Single-class rules: ``B0/S``, ..., ``B8/S``, ``B/S0``, ..., ``B/S8`` (Moore: 18).

    The notes' basis ``B1/S .. B8/S, B/S1 .. B/S8`` plus the two zero-count classes.
    """
    size = len(NEIGHBOURHOODS[check_neighbourhood(neighbourhood)])
    out = [Rule(frozenset({c}), frozenset(), neighbourhood) for c in range(size + 1)]
    out += [Rule(frozenset(), frozenset({c}), neighbourhood) for c in range(size + 1)]
    return out


def _basis_model_config(model: nn.Module) -> dict:
    config = dict(getattr(model, "config", {}) or {})
    if config.get("name") not in (None, "exact"):
        return config
    return {"name": "cnn-small", "kernel_size": 5}


def _quick_fit(rule: Rule, config: dict, seed: int, epochs: int, n: int, size: int) -> nn.Module:
    """A network of ``config`` trained on ``rule`` by `lifecore.train.train_rule` (trainer
    defaults: ``n`` covering one-step soups of side ``size``, stop at the first exact epoch,
    at most ``epochs``); its `TrainResult` metrics are attached as ``.metadata``."""
    from ..train import TrainConfig, train_rule

    options = {k: v for k, v in config.items() if k != "name"}
    train_config = TrainConfig(
        max_epochs=int(epochs), seed=int(seed), data_n=int(n), data_size=int(size)
    )
    res = train_rule(
        rule, config["name"], seed=seed, config=train_config, progress=False, **options
    )
    res.model.metadata = {"rule": str(rule), "neighbourhood": rule.neighbourhood, **res.metrics()}
    return res.model


def basis_networks(
    config: dict,
    neighbourhood: str = "moore",
    cache_dir: Optional[Union[str, Path]] = None,
    seed: int = 0,
    epochs: int = 40,
    n: int = 400,
    size: int = 16,
) -> dict[str, nn.Module]:
    """One network of ``config`` per basis rule, loaded from ``cache_dir`` when saved there.

    Parameters
    ----------
    config : dict
        ``{"name": model name, "kernel_size": k, ...}`` for `lifecore.models.build`.
    neighbourhood : str
    cache_dir : path, optional
        Where trained basis networks are saved and looked up.
    seed, epochs, n, size : int
        Training: ``n`` covering one-step soups of side ``size``, at most ``epochs``.

    Returns
    -------
    dict
        ``{str(basis rule): network}``; whether each became exact is in its
        ``.metadata["exact"]``.
    """
    nets = {}
    for rule in basis_rules(neighbourhood):
        tag = (
            f"{config['name']}-k{config.get('kernel_size', 5)}-{str(rule).replace('/', '_')}"
            f"-s{seed}-e{epochs}-n{n}-fit.pt"
        )
        path = Path(cache_dir) / tag if cache_dir is not None else None
        if path is not None and path.is_file():
            nets[str(rule)] = models.load(path)
            continue
        net = _quick_fit(rule, config, seed, epochs, n, size)
        if path is not None:
            models.save(net, path, **{**net.metadata, "seed": seed, "basis": True})
        nets[str(rule)] = net
    return nets


def _hidden(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Activations after the first ReLU, ``(cells, units)`` float."""
    feats = {}

    def hook(mod, inp, out):
        feats.setdefault("h", out.tensor if hasattr(out, "tensor") else out)

    target = next(
        (m for m in model.modules() if isinstance(m, nn.ReLU) or type(m).__name__ == "ReLU"),
        None,
    )
    if target is None:
        raise ExtractionError("the network has no ReLU layer to read hidden activations from")
    handle = target.register_forward_hook(hook)
    mode = model.training
    try:
        with torch.no_grad():
            model.eval()
            model(x)
    finally:
        handle.remove()
        model.train(mode)
    h = feats["h"]
    return h.permute(0, 2, 3, 1).reshape(-1, h.shape[1])


def linear_cka(a: torch.Tensor, b: torch.Tensor) -> float:
    """Linear centred kernel alignment (Kornblith et al. 2019) of ``(cells, units)`` features:
    invariant to unit permutation, isotropic scaling and orthogonal maps of either."""
    a = a - a.mean(0, keepdim=True)
    b = b - b.mean(0, keepdim=True)
    num = (b.T @ a).pow(2).sum()
    den = torch.sqrt((a.T @ a).pow(2).sum() * (b.T @ b).pow(2).sum())
    return float(num / den) if den > 0 else 0.0


def _first_filters(model: nn.Module) -> np.ndarray:
    """First-layer filters with bias, one row per hidden unit, each scaled to unit norm
    (a ReLU unit can be rescaled by a positive factor without changing the function)."""
    first = next(
        (m for m in model.modules() if isinstance(m, nn.Conv2d) or type(m).__name__ == "R2Conv"),
        None,
    )
    if first is None:
        raise ExtractionError("no convolution found")
    if isinstance(first, nn.Conv2d):
        w, b = first.weight.detach(), first.bias.detach()
    else:
        first.eval()
        w, b = first.filter.detach(), first.expanded_bias.detach()
    rows = torch.cat([w.reshape(w.shape[0], -1), b[:, None]], 1).numpy()
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def aligned_cosine(m1: nn.Module, m2: nn.Module) -> float:
    """Mean cosine of first-layer units after the best one-to-one matching (Hungarian).

    Raises
    ------
    ExtractionError
        When the first layers differ in shape.
    """
    from scipy.optimize import linear_sum_assignment

    a, b = _first_filters(m1), _first_filters(m2)
    if a.shape[1] != b.shape[1]:
        raise ExtractionError(
            f"first layers differ in shape ({a.shape[1] - 1} vs {b.shape[1] - 1} weights per unit)"
        )
    sim = a @ b.T
    r, c = linear_sum_assignment(-sim)
    return float(sim[r, c].mean())


def _subject(model_or_rule, neighbourhood, config, seed, epochs, train_boards):
    """The network to read, its neighbourhood and the basis networks' config."""
    if isinstance(model_or_rule, nn.Module):
        hood = model_neighbourhood(model_or_rule, neighbourhood) or "moore"
        return model_or_rule, hood, config or _basis_model_config(model_or_rule)
    rule = as_rule(model_or_rule)
    cfg = config or {"name": "cnn-small", "kernel_size": 5}
    model = _quick_fit(rule, cfg, child_seed(seed, "subject"), epochs, train_boards, 16)
    return model, neighbourhood or rule.neighbourhood, cfg


def _scores(model: nn.Module, nets: dict, hood: str, x: torch.Tensor) -> dict:
    """Per basis class ``(2, size + 1)``: CKA, aligned cosine, the function control, and
    each basis network's cell accuracy on the probe boards ``x`` ``(N, 1, H, W)``."""
    shape = (2, len(NEIGHBOURHOODS[hood]) + 1)
    scores = {k: np.zeros(shape) for k in ("cka", "aligned", "function", "basis_accuracy")}
    h = _hidden(model, x)
    boards = x[:, 0].numpy().astype(np.uint8)
    target = models.probabilities(model, boards).reshape(-1)
    for r in basis_rules(hood):
        s, c = (0, next(iter(r.birth))) if r.birth else (1, next(iter(r.survival)))
        net = nets[str(r)]
        scores["cka"][s, c] = linear_cka(h, _hidden(net, x))
        try:
            scores["aligned"][s, c] = aligned_cosine(model, net)
        except ExtractionError:
            scores["aligned"][s, c] = np.nan
        fires = models.probabilities(net, boards).reshape(-1) > 0.5
        scores["basis_accuracy"][s, c] = float((fires == (step(boards, r).reshape(-1) == 1)).mean())
        # the supports are disjoint: the network's mean output where this basis network fires
        scores["function"][s, c] = target[fires].mean() if fires.any() else np.nan
    return scores


def _split_at_largest_gap(cka: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(table, confidence)``: classes above the largest gap in the sorted scores present."""
    flat = np.sort(cka.ravel())
    gaps = np.diff(flat)
    cut = flat[int(np.argmax(gaps))] if len(gaps) else flat[0]
    spread = max(float(flat[-1] - flat[0]), 1e-12)
    return (cka > cut).astype(np.int64), np.clip(0.5 + np.abs(cka - cut) / spread, 0, 1)


def compare_with_basis(
    model_or_rule: Union[nn.Module, RuleLike],
    neighbourhood: Optional[str] = None,
    cache_dir: Optional[Union[str, Path]] = None,
    config: Optional[dict] = None,
    probe: int = 16,
    size: int = 24,
    seed: int = 0,
    epochs: int = 40,
    train_boards: int = 400,
) -> Extraction:
    """White-box method 3: which basis networks does this network resemble?

    Parameters
    ----------
    model_or_rule : torch.nn.Module or Rule or str
        A trained network, or a rule (then a network of ``config`` is trained for it the
        same way as the basis).
    neighbourhood : str, optional
        Default: the checkpoint's metadata, else the rule's, else Moore.
    cache_dir : path, optional
        Where basis networks are cached.
    config : dict, optional
        The basis networks' model config (default: the network's own).
    probe, size : int
        ``probe`` covering soups of ``size`` x ``size`` to compare activations on.
    seed, epochs, train_boards : int
        Basis training.

    Returns an `Extraction`, ``method="basis"``; the table is read from the CKA scores split
    at their largest gap (the representation route); ``details`` carry ``cka``, ``aligned``
    (mean cosine of the first-layer filters after optimal unit matching), ``function`` (a
    control, not white-box: the network's mean output where each basis network fires),
    ``function_rule``, ``basis_accuracy`` and ``basis_exact``.
    """
    t0 = time.perf_counter()
    model, hood, cfg = _subject(model_or_rule, neighbourhood, config, seed, epochs, train_boards)
    nets = basis_networks(cfg, hood, cache_dir, seed, epochs, n=train_boards)
    boards = soups(probe, size, COVERING, seed=child_seed(seed, "basis probe"))
    scores = _scores(model, nets, hood, torch.as_tensor(boards, dtype=torch.float32)[:, None])
    table, confidence = _split_at_largest_gap(scores["cka"])
    function_table = (np.nan_to_num(scores["function"]) > 0.5).astype(int)
    return Extraction(
        rule=rule_from_table(table, hood),
        table=table,
        confidence=confidence,
        undetermined=[],
        consistent=True,
        method="basis",
        neighbourhood=hood,
        seconds=time.perf_counter() - t0,
        details={
            **scores,
            "function_rule": str(rule_from_table(function_table, hood)),
            "basis_config": cfg,
            "basis_exact": _basis_exact(nets),
        },
    )


def _basis_exact(nets: dict[str, nn.Module]) -> dict[str, bool]:
    """Per basis network, whether its training ended exact (from its checkpoint metadata)."""
    return {
        name: bool((getattr(net, "metadata", None) or {}).get("exact"))
        for name, net in nets.items()
    }
