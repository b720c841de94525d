"""Reading the rule back: from data, and from a trained network.

Every method returns an `Extraction`: the next-state ``table[state, count]`` with ``1``/``0``
where the method decided and ``-1`` where it could not ("undetermined"), a per-class
``confidence``, and the `Rule` made of the decided classes only.

``tabulate``
    The baseline, from data alone: count what each (state, count) class became. A class
    never seen is undetermined; a class seen going both ways means no outer-totalistic rule
    of that neighbourhood made the data (``consistent=False``).
``neighbour_statistics``
    The notes' black-box method 1: run the network as the evolver on random boards, tabulate
    ``P(next alive | state, count)`` and accept a class only when the probability clears a
    FixMatch-style threshold with enough support.
``enumerate_neighbourhoods``
    Black-box method 2: show the network every configuration of the neighbourhood (the
    centre and its 4, 6 or 8 neighbours), each on its own tile, with the rest of the
    receptive field dead and then random ("contexts"), and read the centre answer. The
    answers either form one outer-totalistic table, or the configurations that break it are
    listed, grouped into orbits of the stencil's symmetry group.
``compare_with_basis``
    White-box method 3: compare the network with same-shaped networks trained on the
    single-class "basis" rules, by representation similarity (linear CKA on hidden
    activations), by weights after aligning hidden units, and, as a control, by function.

`extract` is the front door (``python -m lifecore extract CHECKPOINT``). The neighbourhood
comes from the argument, else the checkpoint's ``neighbourhood`` metadata, else (for
enumeration) from the network itself; never from a stored rule string.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np
import torch
from torch import nn

from . import models
from .data import COVERING, Density, soups, transition_counts
from .errors import LifecoreError
from .rules import NEIGHBOURHOODS, Rule, RuleLike, as_rule
from .simulate import step

__all__ = [
    "Extraction",
    "ExtractionError",
    "METHODS",
    "tabulate",
    "neighbour_statistics",
    "enumerate_neighbourhoods",
    "compare_with_basis",
    "extract",
    "exact_network",
    "symmetry_group",
    "configurations",
    "basis_rules",
    "class_names",
    "smallest_first",
    "tabulation_baseline",
    "black_box_readings",
    "trainer_exact",
    "exact_counts",
    "enumeration_disagreements",
    "describe_disagreement",
    "statistics_by_rule",
    "basis_verdicts",
    "seconds_by_method",
    "cost_rows",
]

METHODS = ("enumerate", "statistics", "basis")
#: Neighbourhoods from the smallest: von Neumann (4) is inside hex (6) is inside Moore (8).
smallest_first = ("vonneumann", "hex", "moore")


class ExtractionError(LifecoreError):
    """Bad input to an extraction method."""


@dataclass
class Extraction:
    """What one method read: ``table`` 1/0/-1 (undetermined), ``confidence`` in [0, 1]."""

    rule: Optional[Rule]
    table: np.ndarray
    confidence: np.ndarray
    undetermined: list[str]
    consistent: bool
    method: str
    neighbourhood: str
    seconds: float = 0.0
    details: dict = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        """Consistent and every class decided."""
        return self.consistent and not self.undetermined and self.rule is not None

    def matches(self, rule: RuleLike) -> bool:
        """True when every decided class agrees with ``rule`` and none is undetermined."""
        rule = as_rule(rule)
        return (
            self.exact
            and rule.neighbourhood == self.neighbourhood
            and bool((self.table == rule.table).all())
        )

    def correct_classes(self, rule: RuleLike) -> int:
        """Classes decided and equal to ``rule``'s."""
        rule = as_rule(rule)
        if rule.neighbourhood != self.neighbourhood:
            return 0
        return int(((self.table >= 0) & (self.table == rule.table)).sum())

    def report(self, rule: RuleLike, label: Optional[str] = None, **extra: Any) -> dict:
        """One table row comparing this reading with the true ``rule``: the rule as given,
        then ``extra`` columns, then the method (``label`` if given), the rule read, whether
        it matches exactly, the classes right, the undetermined classes, the lowest
        confidence and the seconds taken."""
        truth = as_rule(rule)
        return {
            "rule": rule if isinstance(rule, str) else str(truth),
            **extra,
            "method": self.method if label is None else label,
            "read": str(self.rule) if self.rule is not None else "(not outer-totalistic)",
            "exact": self.matches(truth),
            "correct classes": f"{self.correct_classes(truth)}/{truth.table.size}",
            "undetermined": " ".join(self.undetermined) or "-",
            "min confidence": round(float(self.confidence.min()), 3),
            "seconds": round(self.seconds, 2),
        }

    def summary(self) -> dict:
        """JSON-able summary (the CLI's last line)."""
        return {
            "rule": str(self.rule) if self.rule is not None else None,
            "neighbourhood": self.neighbourhood,
            "undetermined": list(self.undetermined),
            "consistent": bool(self.consistent),
            "method": self.method,
            "seconds": round(float(self.seconds), 3),
            "confidence": {
                Rule.class_name(s, c): round(float(self.confidence[s, c]), 4)
                for s in range(2)
                for c in range(self.table.shape[1])
            },
            **{
                k: v
                for k, v in self.details.items()
                if k in ("conflicts", "breaking", "orbits_broken", "majority_rule")
            },
        }

    def __str__(self) -> str:
        if self.rule is None:
            head = f"{self.method}: no {self.neighbourhood} rule explains this"
        else:
            head = f"{self.method}: {self.rule}"
        if self.undetermined:
            head += f"  (undetermined: {' '.join(self.undetermined)})"
        return head


# -- helpers ---------------------------------------------------------------------------------
def class_names(table: np.ndarray, value: int = -1) -> list[str]:
    """Names (``B7``, ``S8``) of the classes whose table entry equals ``value``."""
    table = np.asarray(table)
    return [Rule.class_name(s, int(c)) for s in range(2) for c in np.flatnonzero(table[s] == value)]


def _check_neighbourhood(neighbourhood: str) -> str:
    if neighbourhood not in NEIGHBOURHOODS:
        raise ExtractionError(
            f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}"
        )
    return neighbourhood


def _rule_from(table: np.ndarray, neighbourhood: str) -> Rule:
    """The rule of the decided classes (undetermined ones left out of B and S)."""
    return Rule.from_table((np.asarray(table) == 1).astype(np.uint8), neighbourhood)


def _pairs(x, y) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` pairs from pairs, a `TransitionData`, or trajectories ``(N, T, H, W)``."""
    if y is None and hasattr(x, "x") and hasattr(x, "y"):
        return np.asarray(x.x, np.uint8), np.asarray(x.y, np.uint8)
    x = np.asarray(x)
    if y is None:
        if x.ndim == 3:  # one trajectory (T, H, W)
            x = x[None]
        if x.ndim != 4:
            raise ExtractionError(f"trajectories must be (N, T, H, W), got shape {x.shape}")
        if x.shape[1] < 2:
            raise ExtractionError(
                f"trajectories need at least 2 frames (T >= 2), got T={x.shape[1]}"
            )
        a, b = x[:, :-1], x[:, 1:]
        h, w = x.shape[-2:]
        return a.reshape(-1, h, w), b.reshape(-1, h, w)
    y = np.asarray(y)
    if x.shape != y.shape:
        raise ExtractionError(f"x and y shapes differ: {x.shape} vs {y.shape}")
    if x.ndim == 2:
        x, y = x[None], y[None]
    return x, y


def _receptive_radius(model: nn.Module) -> int:
    config = getattr(model, "config", None) or {}
    k = config.get("kernel_size", 5)
    return max(1, int(k) // 2)


def _model_neighbourhood(model: nn.Module, neighbourhood: Optional[str]) -> Optional[str]:
    if neighbourhood is not None:
        return _check_neighbourhood(neighbourhood)
    meta = getattr(model, "metadata", None) or {}
    hood = meta.get("neighbourhood")
    return _check_neighbourhood(hood) if hood is not None else None


# -- 1. tabulation ---------------------------------------------------------------------------
def tabulate(x, y=None, neighbourhood: str = "moore", boundary: str = "torus") -> Extraction:
    """Direct tabulation of the data: the baseline every method is judged against.

    ``x, y``: pairs ``(N, H, W)``; or ``x`` alone: trajectories ``(N, T, H, W)`` (or a
    `TransitionData`). Classes never seen are undetermined; classes seen with both outcomes
    are conflicts (``consistent=False``, ``rule=None``, ``details["conflicts"]``).
    """
    t0 = time.perf_counter()
    _check_neighbourhood(neighbourhood)
    a, b = _pairs(x, y)
    counts = transition_counts(a, b, neighbourhood, boundary)  # [state, count, next]
    n0, n1 = counts[..., 0], counts[..., 1]
    support = n0 + n1
    table = np.where(support == 0, -1, (n1 > 0).astype(np.int64))
    conflict = (n0 > 0) & (n1 > 0)
    table[conflict] = -1
    confidence = np.where(support > 0, np.maximum(n0, n1) / np.maximum(support, 1), 0.0)
    conflicts = class_names(np.where(conflict, 2, 0), 2)
    consistent = not conflicts
    unseen = class_names(np.where(support == 0, -1, 0))
    return Extraction(
        rule=_rule_from(table, neighbourhood) if consistent else None,
        table=table,
        confidence=confidence,
        undetermined=unseen + conflicts,
        consistent=consistent,
        method="tabulate",
        neighbourhood=neighbourhood,
        seconds=time.perf_counter() - t0,
        details={
            "support": support,
            "alive": n1,
            "conflicts": conflicts,
            "cells": int(support.sum()),
        },
    )


def consistent_neighbourhoods(x, y=None, boundary: str = "torus") -> dict[str, Extraction]:
    """Tabulate the data under every neighbourhood, smallest first."""
    a, b = _pairs(x, y)
    return {hood: tabulate(a, b, hood, boundary) for hood in smallest_first}


# -- 2. neighbour statistics ------------------------------------------------------------------
def neighbour_statistics(
    model: nn.Module,
    neighbourhood: str = "moore",
    n: int = 128,
    size: int = 32,
    density: Density = COVERING,
    threshold: float = 0.99,
    min_support: int = 50,
    seed: int = 0,
) -> Extraction:
    """The notes' method 1: ``P(next alive | state, count)`` of the network on random boards.

    A class is accepted as alive (dead) when its probability is at least ``threshold`` (at
    most ``1 - threshold``) with at least ``min_support`` cells behind it; otherwise it is
    undetermined. ``density=0.5`` reproduces the notes' starved high counts; the default
    covering range shows every class.
    """
    t0 = time.perf_counter()
    _check_neighbourhood(neighbourhood)
    if not 0.5 < threshold <= 1.0:
        raise ExtractionError(f"threshold must be in (0.5, 1], got {threshold}")
    boards = soups(n, size, density, seed)
    nxt = models.predict(model, boards)
    counts = transition_counts(boards, nxt, neighbourhood)
    n0, n1 = counts[..., 0], counts[..., 1]
    support = n0 + n1
    p = np.where(support > 0, n1 / np.maximum(support, 1), np.nan)
    enough = support >= min_support
    table = np.full(p.shape, -1, dtype=np.int64)
    table[enough & (p >= threshold)] = 1
    table[enough & (p <= 1 - threshold)] = 0
    confidence = np.where(support > 0, np.maximum(p, 1 - np.nan_to_num(p)), 0.0)
    confidence = np.nan_to_num(confidence)
    undetermined = class_names(table)
    low_support = class_names(np.where(~enough, -1, 0))
    return Extraction(
        rule=_rule_from(table, neighbourhood),
        table=table,
        confidence=confidence,
        undetermined=undetermined,
        consistent=True,
        method="statistics",
        neighbourhood=neighbourhood,
        seconds=time.perf_counter() - t0,
        details={
            "p_alive": p,
            "support": support,
            "low_support": low_support,
            "threshold": threshold,
            "min_support": min_support,
            "density": density,
            "cells": int(support.sum()),
        },
    )


# -- 3. enumeration ----------------------------------------------------------------------------
def _transform_group(neighbourhood: str) -> list[np.ndarray]:
    """Integer 2x2 matrices mapping the stencil onto itself (acting on (d_row, d_col))."""
    if neighbourhood == "hex":
        # Golly's hex emulation: the six neighbours, in order around the hexagon, are
        # (-1,-1) (-1,0) (0,1) (1,1) (1,0) (0,-1). The 60-degree turn maps each to the next;
        # the transpose is a mirror. Together: the hexagon's dihedral group D6 (12 elements).
        gens = [np.array([[0, 1], [-1, 1]]), np.array([[0, 1], [1, 0]])]
    else:  # D4: quarter turn and a mirror
        gens = [np.array([[0, 1], [-1, 0]]), np.array([[1, 0], [0, -1]])]
    group = [np.eye(2, dtype=int)]
    frontier = list(group)
    while frontier:
        nxt = []
        for g in frontier:
            for h in gens:
                m = h @ g
                if not any((m == e).all() for e in group):
                    group.append(m)
                    nxt.append(m)
        frontier = nxt
    return group


def symmetry_group(neighbourhood: str) -> list[tuple[int, ...]]:
    """The stencil's symmetries as permutations of the neighbour list.

    ``perm[i] = j``: the transformation sends neighbour ``i`` to neighbour ``j``. D4 (8) for
    Moore and von Neumann, D6 (12) for hex in Golly's grid embedding.
    """
    offsets = NEIGHBOURHOODS[_check_neighbourhood(neighbourhood)]
    index = {o: i for i, o in enumerate(offsets)}
    perms = []
    for m in _transform_group(neighbourhood):
        images = [tuple(int(v) for v in m @ np.array(o)) for o in offsets]
        if all(im in index for im in images):
            perm = tuple(index[im] for im in images)
            if perm not in perms:
                perms.append(perm)
    return perms


def configurations(neighbourhood: str) -> np.ndarray:
    """Every configuration: ``(2**(size+1), size+1)`` bits, column 0 the centre, then the neighbours."""
    size = len(NEIGHBOURHOODS[_check_neighbourhood(neighbourhood)])
    return np.array(list(itertools.product((0, 1), repeat=size + 1)), dtype=np.uint8)


def _orbit_key(config: np.ndarray, perms: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    centre, nb = int(config[0]), config[1:]
    best = None
    for perm in perms:
        img = np.empty_like(nb)
        img[list(perm)] = nb
        key = (centre,) + tuple(int(v) for v in img)
        best = key if best is None or key < best else best
    return best


def _config_name(config: np.ndarray, neighbourhood: str) -> str:
    """A 3x3 picture of a configuration: ``#`` alive, ``.`` dead, `` `` outside the stencil."""
    grid = [[" "] * 3 for _ in range(3)]
    grid[1][1] = "#" if config[0] else "."
    for bit, (dr, dc) in zip(config[1:], NEIGHBOURHOODS[neighbourhood]):
        grid[1 + dr][1 + dc] = "#" if bit else "."
    return "/".join("".join(r) for r in grid)


def _tile_boards(
    configs: np.ndarray, offsets, radius: int, contexts: int, seed: int
) -> tuple[np.ndarray, int]:
    """Tiles of side ``2*radius+1``, one per (context, configuration), laid on square boards.

    Context 0 leaves the rest of the receptive field dead; later contexts fill it at random
    (density drawn in [0.1, 0.9]). Each tile's centre sees only its own tile.
    """
    rng = np.random.default_rng(seed)
    side = 2 * radius + 1
    m = len(configs)
    per_row = int(np.ceil(np.sqrt(m)))
    boards = np.zeros((contexts + 1, per_row * side, per_row * side), dtype=np.uint8)
    centre_mask = np.zeros((side, side), bool)
    centre_mask[radius, radius] = True
    for dr, dc in offsets:
        centre_mask[radius + dr, radius + dc] = True
    for ctx in range(contexts + 1):
        for i, cfg in enumerate(configs):
            r0, c0 = (i // per_row) * side, (i % per_row) * side
            if ctx:
                p = rng.uniform(0.1, 0.9)
                tile = (rng.random((side, side)) < p).astype(np.uint8)
                tile[centre_mask] = 0
            else:
                tile = np.zeros((side, side), np.uint8)
            tile[radius, radius] = cfg[0]
            for bit, (dr, dc) in zip(cfg[1:], offsets):
                tile[radius + dr, radius + dc] = bit
            boards[ctx, r0 : r0 + side, c0 : c0 + side] = tile
    return boards, per_row


def _answers(model: nn.Module, configs: np.ndarray, offsets, contexts: int, seed: int):
    radius = _receptive_radius(model)
    boards, per_row = _tile_boards(configs, offsets, radius, contexts, seed)
    probs = models.probabilities(model, boards, batch_size=8)
    nxt = models.predict(model, boards, batch_size=8)
    side = 2 * radius + 1
    idx = np.arange(len(configs))
    rows, cols = (idx // per_row) * side + radius, (idx % per_row) * side + radius
    return nxt[:, rows, cols], probs[:, rows, cols]  # (contexts+1, configs)


def _enumeration_table(answers: np.ndarray, configs: np.ndarray, neighbourhood: str):
    """Majority answer per class, agreement per class, and which (context, config) break it."""
    size = configs.shape[1] - 1
    state, count = configs[:, 0].astype(int), configs[:, 1:].sum(1).astype(int)
    table = np.full((2, size + 1), -1, dtype=np.int64)
    confidence = np.zeros((2, size + 1))
    broken = np.zeros(answers.shape, bool)
    for s in range(2):
        for c in range(size + 1):
            sel = (state == s) & (count == c)
            votes = answers[:, sel]
            frac = float(votes.mean())
            if frac > 0.5:
                table[s, c] = 1
            elif frac < 0.5:
                table[s, c] = 0
            confidence[s, c] = max(frac, 1 - frac)
            if table[s, c] >= 0:
                broken[:, sel] = votes != table[s, c]
            else:
                broken[:, sel] = True
    return table, confidence, broken


def enumerate_neighbourhoods(
    model: nn.Module, neighbourhood: Optional[str] = None, contexts: int = 8, seed: int = 0
) -> Extraction:
    """The notes' method 2: every configuration of the neighbourhood through the network.

    Each configuration (centre + neighbours: 512 Moore, 32 von Neumann, 128 hex) sits on its
    own tile of the receptive field's size; context 0 leaves the rest of the tile dead,
    ``contexts`` more fill it at random, so the answer must not depend on cells outside the
    neighbourhood either. The network is outer-totalistic when all answers of each
    (state, count) class agree; otherwise the breaking configurations are listed
    (``details["breaking"]``) and grouped into orbits of the stencil's symmetry group
    (``details["orbits_broken"]``), and ``rule`` is None (the majority table is kept).

    ``neighbourhood=None`` (and no checkpoint metadata), or ``"auto"`` (metadata ignored):
    enumerate the full 3x3 stencil and pick the smallest neighbourhood (von Neumann, hex,
    Moore) under which the answers are outer-totalistic (Moore, with the breaking
    configurations listed, when none is).
    """
    t0 = time.perf_counter()
    hood = None if neighbourhood == "auto" else _model_neighbourhood(model, neighbourhood)
    auto = hood is None
    base = "moore" if auto else hood
    configs = configurations(base)
    answers, probs = _answers(model, configs, NEIGHBOURHOODS[base], contexts, seed)
    tried = {}
    if auto:
        moore_index = {o: i for i, o in enumerate(NEIGHBOURHOODS["moore"])}
        for cand in smallest_first:
            cols = [0] + [1 + moore_index[o] for o in NEIGHBOURHOODS[cand]]
            sub = configs[:, cols]
            t, _, b = _enumeration_table(answers, sub, cand)
            tried[cand] = int(b.sum())
            if not b.any():
                hood = cand
                break
        else:
            hood = "moore"
        if hood != "moore":
            # re-enumerate on the chosen stencil so the report speaks its language
            configs = configurations(hood)
            answers, probs = _answers(model, configs, NEIGHBOURHOODS[hood], contexts, seed)
    table, confidence, broken = _enumeration_table(answers, configs, hood)
    perms = symmetry_group(hood)
    bad_configs = np.flatnonzero(broken.any(0))
    breaking = []
    orbits: dict[tuple, list[str]] = {}
    for i in bad_configs:
        cfg = configs[i]
        s, c = int(cfg[0]), int(cfg[1:].sum())
        name = _config_name(cfg, hood)
        breaking.append(
            {
                "config": name,
                "class": Rule.class_name(s, c),
                "answer_dead_context": int(answers[0, i]),
                "contexts_breaking": int(broken[:, i].sum()),
            }
        )
        orbits.setdefault(_orbit_key(cfg, perms), []).append(name)
    consistent = not breaking
    undetermined = class_names(table)
    details = {
        "configurations": int(len(configs)),
        "contexts": int(contexts),
        "breaking": breaking,
        "orbits_broken": [
            {"class": Rule.class_name(k[0], sum(k[1:])), "members": v} for k, v in orbits.items()
        ],
        "n_orbits": len({_orbit_key(c, perms) for c in configs}),
        "group_order": len(perms),
        "majority_rule": str(_rule_from(table, hood)),
        "min_margin": float(np.abs(probs - 0.5).min()),
    }
    if auto:
        details["neighbourhood_search"] = tried
    return Extraction(
        rule=_rule_from(table, hood) if consistent else None,
        table=table,
        confidence=confidence,
        undetermined=undetermined,
        consistent=consistent,
        method="enumerate",
        neighbourhood=hood,
        seconds=time.perf_counter() - t0,
        details=details,
    )


# -- exact networks (an independent truth) --------------------------------------------------
class ExactNetwork(nn.Module):
    """A two-layer ReLU network that computes an outer-totalistic rule exactly.

    A 3x3 circular convolution computes ``v = (size+1) * state + count`` (neighbour weights
    1, centre ``size+1``); three ReLUs per table entry ``k`` build the hat function
    ``[v == k] = relu(v-k+1) - 2 relu(v-k) + relu(v-k-1)`` and a 1x1 layer sums
    ``±4`` times the hats, so the logit is +4 for "alive next" and -4 otherwise.
    ``weights`` overrides the neighbour weights (making a network that is *not*
    outer-totalistic, for tests).
    """

    def __init__(self, rule: RuleLike, weights: Optional[Sequence[float]] = None):
        super().__init__()
        rule = as_rule(rule)
        k = rule.size + 1
        n = 2 * k
        self.conv = nn.Conv2d(1, 3 * n, 3, padding=1, padding_mode="circular")
        self.act = nn.ReLU()
        self.head = nn.Conv2d(3 * n, 1, 1)
        w = torch.zeros(3 * n, 1, 3, 3)
        kernel = torch.zeros(3, 3)
        kernel[1, 1] = k
        ws = [1.0] * rule.size if weights is None else list(weights)
        for (dr, dc), wt in zip(rule.offsets, ws):
            kernel[1 + dr, 1 + dc] = wt
        b = torch.zeros(3 * n)
        hw = torch.zeros(1, 3 * n, 1, 1)
        sign = torch.tensor(rule.table.reshape(-1).astype(np.float32)) * 2 - 1
        for idx in range(n):
            for j, (shift, coef) in enumerate(((1, 1.0), (0, -2.0), (-1, 1.0))):
                w[3 * idx + j, 0] = kernel
                b[3 * idx + j] = -idx + shift
                hw[0, 3 * idx + j] = 4.0 * coef * sign[idx]
        with torch.no_grad():
            self.conv.weight.copy_(w)
            self.conv.bias.copy_(b)
            self.head.weight.copy_(hw)
            self.head.bias.zero_()
        self.name = "exact"
        self.config = {"name": "exact", "kernel_size": 3}
        self.metadata: dict = {}
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.act(self.conv(x)))


def exact_network(rule: RuleLike, weights: Optional[Sequence[float]] = None) -> nn.Module:
    """A hand-built network computing ``rule`` exactly (see `ExactNetwork`)."""
    return ExactNetwork(rule, weights)


# -- 4. basis comparison (white box) -----------------------------------------------------------
def basis_rules(neighbourhood: str = "moore") -> list[Rule]:
    """Single-class rules: ``B0/S``, ..., ``B8/S``, ``B/S0``, ..., ``B/S8`` (Moore: 18).

    The notes' basis ``B1/S .. B8/S, B/S1 .. B/S8`` plus the two zero-count classes. Every
    rule's next-state function is the sum of the basis functions of its classes (their
    supports are disjoint), so this is the basis in which "which rules are present" has an
    exact answer.
    """
    size = len(NEIGHBOURHOODS[_check_neighbourhood(neighbourhood)])
    out = [Rule(frozenset({c}), frozenset(), neighbourhood) for c in range(size + 1)]
    out += [Rule(frozenset(), frozenset({c}), neighbourhood) for c in range(size + 1)]
    return out


def _basis_model_config(model: nn.Module) -> dict:
    config = dict(getattr(model, "config", {}) or {})
    if config.get("name") not in (None, "exact"):
        return config
    return {"name": "cnn-small", "kernel_size": 5}


def _basis_train_config(seed: int, epochs: int, n: int, size: int):
    """`lifecore.train.TrainConfig` for a basis network: the trainer's defaults (it stops at
    the first exact epoch: validation boards and a rollout of the basis rule), on ``n``
    covering one-step soups of side ``size``, for at most ``epochs`` epochs."""
    from .train import TrainConfig

    return TrainConfig(max_epochs=int(epochs), seed=int(seed), data_n=int(n), data_size=int(size))


def _quick_fit(rule: Rule, config: dict, seed: int, epochs: int, n: int, size: int) -> nn.Module:
    """A network of ``config`` trained on ``rule`` by `lifecore.train.train_rule` (covering
    one-step data, trainer defaults, at most ``epochs`` epochs); its `TrainResult` metrics
    are attached as ``.metadata``."""
    from .train import train_rule

    options = {k: v for k, v in config.items() if k != "name"}
    res = train_rule(
        rule,
        config["name"],
        seed=seed,
        config=_basis_train_config(seed, epochs, n, size),
        progress=False,
        **options,
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

    Each is trained by `lifecore.train.train_rule` (trainer defaults: ``n`` covering one-step
    soups of side ``size``, stop at the first exact epoch, at most ``epochs``); whether it
    became exact is in its ``.metadata["exact"]``.
    """

    nets = {}
    for rule in basis_rules(neighbourhood):
        tag = f"{config['name']}-k{config.get('kernel_size', 5)}-{str(rule).replace('/', '_')}-s{seed}-e{epochs}-n{n}-fit.pt"
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
    """Activations after the first ReLU, ``(cells, units)``."""
    feats = {}

    def hook(mod, inp, out):
        t = out.tensor if hasattr(out, "tensor") else out
        feats.setdefault("h", t)

    target = None
    for m in model.modules():
        if isinstance(m, nn.ReLU) or type(m).__name__ == "ReLU":
            target = m
            break
    if target is None:
        raise ExtractionError("the network has no ReLU layer to read hidden activations from")
    handle = target.register_forward_hook(hook)
    try:
        with torch.no_grad():
            model.eval()
            model(x)
    finally:
        handle.remove()
    h = feats["h"]
    return h.permute(0, 2, 3, 1).reshape(-1, h.shape[1])


def linear_cka(a: torch.Tensor, b: torch.Tensor) -> float:
    """Linear centred kernel alignment (Kornblith et al. 2019): invariant to unit permutation,
    isotropic scaling and orthogonal maps of either representation."""
    a = a - a.mean(0, keepdim=True)
    b = b - b.mean(0, keepdim=True)
    num = (b.T @ a).pow(2).sum()
    den = torch.sqrt((a.T @ a).pow(2).sum() * (b.T @ b).pow(2).sum())
    return float(num / den) if den > 0 else 0.0


def _first_filters(model: nn.Module) -> np.ndarray:
    """First-layer filters with bias, one row per hidden unit, each scaled to unit norm
    (a ReLU unit can be rescaled by a positive factor without changing the function)."""
    first = None
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            first = m
            break
        if type(m).__name__ == "R2Conv":
            m.eval()
            first = m
            break
    if first is None:
        raise ExtractionError("no convolution found")
    if isinstance(first, nn.Conv2d):
        w, b = first.weight.detach(), first.bias.detach()
    else:
        w, b = first.filter.detach(), first.expanded_bias.detach()
    rows = torch.cat([w.reshape(w.shape[0], -1), b[:, None]], 1).numpy()
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def aligned_cosine(m1: nn.Module, m2: nn.Module) -> float:
    """Mean cosine of first-layer units after the best one-to-one matching (Hungarian)."""
    a, b = _first_filters(m1), _first_filters(m2)
    if a.shape[1] != b.shape[1]:
        raise ExtractionError(
            f"first layers differ in shape ({a.shape[1] - 1} vs {b.shape[1] - 1} weights per unit)"
        )
    sim = a @ b.T
    try:
        from scipy.optimize import linear_sum_assignment

        r, c = linear_sum_assignment(-sim)
    except ImportError:  # greedy matching
        r, c, used = [], [], set()
        for i in np.argsort(-sim.max(1)):
            j = max(
                (j for j in range(sim.shape[1]) if j not in used),
                key=lambda j: sim[i, j],
                default=None,
            )
            if j is None:
                break
            used.add(j)
            r.append(i)
            c.append(j)
    return float(sim[r, c].mean())


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

    ``model_or_rule``: a trained network, or a rule (then a network of ``config`` is trained
    for it the same way as the basis). Scores per basis rule (= per class):

    - ``cka``: linear CKA between hidden activations on a probe set of covering soups
      (respects permutation and rescaling of hidden units);
    - ``aligned``: mean cosine of the first-layer filters after optimal unit matching;
    - ``function`` (a control, not white-box): the network's mean output over the cells where
      each basis network fires; the basis supports are disjoint, so near 1 means "this class
      is alive" (this is neighbour statistics in disguise: it only reads outputs).

    The table is read from the CKA scores split at their largest gap (the representation
    route); ``details`` carries all three scores so the chapter can judge them.
    """
    t0 = time.perf_counter()
    if isinstance(model_or_rule, nn.Module):
        model = model_or_rule
        hood = _model_neighbourhood(model, neighbourhood) or "moore"
        cfg = config or _basis_model_config(model)
    else:
        rule = as_rule(model_or_rule)
        hood = neighbourhood or rule.neighbourhood
        cfg = config or {"name": "cnn-small", "kernel_size": 5}
        model = _quick_fit(rule, cfg, seed + 1, epochs, train_boards, 16)
    nets = basis_networks(cfg, hood, cache_dir, seed, epochs, n=train_boards)
    x = torch.as_tensor(soups(probe, size, COVERING, seed=seed + 99), dtype=torch.float32)[:, None]
    h = _hidden(model, x)
    size_n = len(NEIGHBOURHOODS[hood])
    cka = np.zeros((2, size_n + 1))
    aligned = np.zeros((2, size_n + 1))
    outs = []
    basis_accuracy = np.zeros((2, size_n + 1))
    probe_boards = x[:, 0].numpy().astype(np.uint8)
    with torch.no_grad():
        target = torch.sigmoid(model(x)).reshape(-1).numpy()
        for r in basis_rules(hood):
            s = 0 if r.birth else 1
            c = next(iter(r.birth or r.survival))
            net = nets[str(r)]
            cka[s, c] = linear_cka(h, _hidden(net, x))
            try:
                aligned[s, c] = aligned_cosine(model, net)
            except ExtractionError:
                aligned[s, c] = np.nan
            out = torch.sigmoid(net(x)).reshape(-1).numpy()
            outs.append(out)
            basis_accuracy[s, c] = float(
                ((out > 0.5) == (step(probe_boards, r).reshape(-1) == 1)).mean()
            )
    basis_out = np.stack(outs, 1)
    # function control: the supports are disjoint, so project on each basis function:
    # mean output of the network over the cells where that basis network fires.
    fires = basis_out > 0.5
    function = np.array(
        [
            target[fires[:, i]].mean() if fires[:, i].any() else np.nan
            for i in range(basis_out.shape[1])
        ]
    ).reshape(2, size_n + 1)
    # split the CKA scores at their largest gap: above = "present"
    flat = np.sort(cka.ravel())
    gaps = np.diff(flat)
    cut = flat[int(np.argmax(gaps))] if len(gaps) else flat[0]
    table = (cka > cut).astype(np.int64)
    spread = max(float(flat[-1] - flat[0]), 1e-12)
    confidence = np.clip(0.5 + np.abs(cka - cut) / spread, 0, 1)
    return Extraction(
        rule=_rule_from(table, hood),
        table=table,
        confidence=confidence,
        undetermined=[],
        consistent=True,
        method="basis",
        neighbourhood=hood,
        seconds=time.perf_counter() - t0,
        details={
            "cka": cka,
            "aligned": aligned,
            "function": function,
            "function_rule": str(_rule_from((np.nan_to_num(function) > 0.5).astype(int), hood)),
            "basis_config": cfg,
            "basis_accuracy": basis_accuracy,
            "basis_exact": {
                name: bool((getattr(net, "metadata", None) or {}).get("exact"))
                for name, net in nets.items()
            },
        },
    )


# -- front door and CLI ------------------------------------------------------------------------
def extract(
    model: nn.Module, method: str = "enumerate", neighbourhood: Optional[str] = None, **options: Any
) -> Extraction:
    """Read the rule out of ``model`` by ``method`` ("enumerate", "statistics" or "basis").

    The neighbourhood is ``neighbourhood``, else the checkpoint's ``neighbourhood`` metadata,
    else found from the network (enumeration) or Moore. A stored rule string is never read.
    """
    if method not in METHODS:
        raise ExtractionError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if method == "enumerate":
        return enumerate_neighbourhoods(model, neighbourhood, **options)
    hood = _model_neighbourhood(model, neighbourhood)
    if hood is None:
        hood = enumerate_neighbourhoods(model, None, contexts=0).neighbourhood
    if method == "statistics":
        return neighbour_statistics(model, hood, **options)
    return compare_with_basis(model, hood, **options)


def _jsonable(obj):
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    raise TypeError(type(obj).__name__)


def format_confidence(ex: Extraction) -> str:
    """Two lines, ``B`` and ``S``, each class as ``count:value(confidence)``."""
    lines = []
    for s, label in ((0, "B"), (1, "S")):
        cells = []
        for c in range(ex.table.shape[1]):
            v = {1: "1", 0: "0", -1: "?"}[int(ex.table[s, c])]
            cells.append(f"{c}:{v}({ex.confidence[s, c]:.3f})")
        lines.append(f"  {label}  " + "  ".join(cells))
    return "\n".join(lines)


def _cli(args) -> int:

    model = models.load(args.checkpoint)
    options = {}
    if args.method == "basis" and args.cache_dir:
        options["cache_dir"] = args.cache_dir
    ex = extract(model, args.method, args.neighbourhood, **options)
    print(str(ex))
    print("per-class next state (1 alive, 0 dead, ? undetermined) and confidence:")
    print(format_confidence(ex))
    if ex.details.get("breaking"):
        print(
            f"{len(ex.details['breaking'])} configuration(s) break outer-totalism, in "
            f"{len(ex.details['orbits_broken'])} symmetry orbit(s)"
        )
    print(f"took {ex.seconds:.2f} s")
    if args.json:
        print(json.dumps(ex.summary(), default=_jsonable))
    return 0 if ex.consistent else 1


def register_cli(subparsers) -> None:
    p = subparsers.add_parser(
        "extract", help="read the rule back out of a trained network checkpoint"
    )
    p.add_argument("checkpoint", help="a checkpoint written by lifecore.models.save")
    p.add_argument("--method", choices=METHODS, default="enumerate")
    p.add_argument(
        "--neighbourhood",
        choices=sorted(NEIGHBOURHOODS),
        default=None,
        help="default: the checkpoint's metadata, else found from the network",
    )
    p.add_argument(
        "--cache-dir", default=None, help="where basis networks are cached (--method basis)"
    )
    p.add_argument("--json", action="store_true", help="end with one JSON line")
    p.set_defaults(func=_cli)


# -- chapter 5: readings over many networks, as rows -------------------------------------------
def tabulation_baseline(
    rules: Sequence[str], n: int = 16, size: int = 32, steps: int = 8, seed: int = 7
) -> dict[str, Extraction]:
    """Tabulation of covering data (`lifecore.data.make_dataset`) for each rule: the baseline,
    no network involved. ``{rule: Extraction}``, read under each rule's own neighbourhood."""
    from .data import make_dataset

    out = {}
    for rule in rules:
        d = make_dataset(rule, n=n, size=size, steps=steps, seed=seed)
        out[rule] = tabulate(d.x, d.y, as_rule(rule).neighbourhood)
    return out


def black_box_readings(model: nn.Module, neighbourhood: str) -> dict[str, Extraction]:
    """The black-box readings of one network, by name: enumeration with the neighbourhood
    found from the network (``"auto"``), and neighbour statistics under ``neighbourhood`` on
    covering soups and on the notes' density-0.5 soups (16 boards)."""
    return {
        "enumerate": enumerate_neighbourhoods(model, "auto"),
        "statistics (covering)": neighbour_statistics(model, neighbourhood),
        "statistics (density 0.5)": neighbour_statistics(model, neighbourhood, n=16, density=0.5),
    }


def trainer_exact(model: nn.Module) -> bool:
    """Whether the trainer called this network exact (its checkpoint's ``exact`` metadata)."""
    return bool((getattr(model, "metadata", None) or {}).get("exact"))


def exact_counts(
    readings: dict, nets: dict, rules: Sequence[str], model_names: Sequence[str]
) -> list[dict]:
    """Per model, how many of ``rules`` the trainer called exact and how many each reading
    recovers exactly. ``readings[rule, model]`` is ``{name: Extraction}`` (as from
    `black_box_readings`), ``nets[rule, model]`` the network."""
    rows = []
    for m in model_names:
        row = {"model": m, "trainer: exact": sum(trainer_exact(nets[r, m]) for r in rules)}
        for name in readings[rules[0], m]:
            row[name] = sum(readings[r, m][name].matches(r) for r in rules)
        rows.append(row)
    return rows


def enumeration_disagreements(readings: dict, nets: dict) -> list[dict]:
    """The networks where enumeration and the trainer disagree on exactness, in the order of
    ``readings`` (keyed ``(rule, model)``), with the breaking configurations' summary."""
    rows = []
    for (rule, m), res in readings.items():
        e = res["enumerate"]
        called = trainer_exact(nets[rule, m])
        if e.matches(rule) != called:
            breaking = e.details["breaking"]
            rows.append(
                {
                    "model": m,
                    "rule": rule,
                    "trainer exact": called,
                    "enumeration exact": e.matches(rule),
                    "breaking": len(breaking),
                    "orbits": len(e.details["orbits_broken"]),
                    "example": breaking[0] if breaking else None,
                    "contexts": e.details["contexts"] + 1,
                }
            )
    return rows


def describe_disagreement(row: dict) -> str:
    """One line for a row of `enumeration_disagreements`."""
    first = row["example"]
    return (
        f"{row['model']:>12} {row['rule']:>14}: trainer exact={row['trainer exact']}, "
        f"enumeration exact={row['enumeration exact']}; "
        f"{row['breaking']} breaking configuration(s) in {row['orbits']} orbit(s)"
        + (
            f", e.g. {first['config']} ({first['class']}), wrong in {first['contexts_breaking']} "
            f"of {row['contexts']} contexts"
            if first
            else ""
        )
    )


def statistics_by_rule(
    readings: dict, rules: Sequence[str], model_names: Sequence[str], model: str
) -> list[dict]:
    """Per rule, neighbour statistics at density 0.5 against covering soups: the classes
    ``model``'s network leaves undetermined, the smallest support of any class over all
    ``model_names``' networks, and how many of them each reading recovers exactly."""
    rows = []
    for rule in rules:
        row = {"rule": rule}
        for key, name in (
            ("statistics (density 0.5)", "0.5"),
            ("statistics (covering)", "covering"),
        ):
            es = [readings[rule, m][key] for m in model_names]
            row[f"{name}: undetermined ({_model_label(model)})"] = (
                " ".join(readings[rule, model][key].undetermined) or "-"
            )
            row[f"{name}: min support"] = int(min(e.details["support"].min() for e in es))
            row[f"{name}: exact"] = f"{sum(e.matches(rule) for e in es)}/{len(es)}"
        rows.append(row)
    return rows


def _model_label(name: str) -> str:
    """``cnn-small`` -> ``CNN-small`` (the book's spelling in headers)."""
    head, _, tail = name.partition("-")
    return head.upper() + ("-" + tail if tail else "")


def basis_verdicts(basis: dict[str, Extraction]) -> list[str]:
    """Lines for `compare_with_basis` readings keyed by their true rule: the basis networks'
    quality (trainer's test, lowest accuracy on the probe boards), then per rule whether the
    CKA reading recovers it and what the function control reads."""
    e = next(iter(basis.values()))
    lines = [
        f"basis networks exact (trainer's test): {sum(e.details['basis_exact'].values())} of "
        f"{len(e.details['basis_exact'])}; lowest cell accuracy on the probe boards: "
        f"{float(e.details['basis_accuracy'].min()):.4f}"
    ]
    for rule, e in basis.items():
        lines.append(
            f"{rule}: CKA reading {'recovers' if e.matches(rule) else 'does not recover'} the rule "
            f"({e.correct_classes(rule)}/{e.table.size} classes right); "
            f"function control reads {e.details['function_rule']}"
        )
    return lines


def seconds_by_method(readings: dict, basis: Optional[dict] = None) -> dict[str, list[float]]:
    """Seconds per network for each reading in ``readings`` (``{key: {name: Extraction}}``),
    plus ``"basis"`` from ``basis`` (``{rule: Extraction}``) when given."""
    names = list(next(iter(readings.values())))
    cost = {name: [res[name].seconds for res in readings.values()] for name in names}
    if basis:
        cost["basis"] = [e.seconds for e in basis.values()]
    return cost


def cost_rows(cost: dict[str, Sequence[float]]) -> list[dict]:
    """Per method: runs, median and maximum seconds (rounded to milliseconds)."""
    return [
        {
            "method": k,
            "runs": len(v),
            "median s": round(float(np.median(v)), 3),
            "max s": round(float(max(v)), 3),
        }
        for k, v in cost.items()
    ]
