"""Enumeration, the notes' black-box method 2: every neighbourhood configuration, tiled.

Show the network every configuration of the neighbourhood (the centre and its 4, 6 or 8
neighbours), each on its own tile, with the rest of the receptive field dead and then random
("contexts"), and read the centre answer. The answers either form one outer-totalistic
table, or the configurations that break it are listed, grouped into orbits of the
stencil's symmetry group (D4 for Moore and von Neumann, D6 for Golly's hex emulation).
"""

from __future__ import annotations

import itertools
import time
from typing import Any, Optional, Sequence

import numpy as np

from ..rules import NEIGHBOURHOODS, Rule
from ._model_info import model_neighbourhood, receptive_radius
from .result import Extraction, check_neighbourhood, class_names, rule_from_table, smallest_first

__all__ = ["symmetry_group", "configurations", "enumerate_neighbourhoods", "tile_boards"]


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

    Parameters
    ----------
    neighbourhood : str

    Returns
    -------
    list of tuple of int
        ``perm[i] = j``: the transformation sends neighbour ``i`` to neighbour ``j``. D4 (8)
        for Moore and von Neumann, D6 (12) for hex in Golly's grid embedding.
    """
    offsets = NEIGHBOURHOODS[check_neighbourhood(neighbourhood)]
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
    """Every configuration: ``(2**(size+1), size+1)`` uint8, column 0 the centre, then the
    neighbours in `lifecore.rules.NEIGHBOURHOODS` order."""
    size = len(NEIGHBOURHOODS[check_neighbourhood(neighbourhood)])
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


def tile_boards(
    configs: np.ndarray, offsets: Sequence[tuple[int, int]], radius: int, contexts: int, seed: int
) -> tuple[np.ndarray, int]:
    """Tiles of side ``2*radius+1``, one per (context, configuration), laid on square boards.

    Context 0 leaves the rest of the receptive field dead; later contexts fill it at random
    (density drawn in [0.1, 0.9]). Each tile's centre sees only its own tile.

    Returns
    -------
    boards : np.ndarray
        ``(contexts + 1, per_row * side, per_row * side)`` uint8.
    per_row : int
        Tiles per board row (configuration ``i`` sits in tile row ``i // per_row``).
    """
    rng = np.random.default_rng(seed)
    side = 2 * radius + 1
    per_row = int(np.ceil(np.sqrt(len(configs))))
    boards = np.zeros((contexts + 1, per_row * side, per_row * side), dtype=np.uint8)
    stencil = np.zeros((side, side), bool)
    stencil[radius, radius] = True
    for dr, dc in offsets:
        stencil[radius + dr, radius + dc] = True
    for ctx in range(contexts + 1):
        for i, cfg in enumerate(configs):
            r0, c0 = (i // per_row) * side, (i % per_row) * side
            tile = np.zeros((side, side), np.uint8)
            if ctx:
                tile = (rng.random((side, side)) < rng.uniform(0.1, 0.9)).astype(np.uint8)
                tile[stencil] = 0
            tile[radius, radius] = cfg[0]
            for bit, (dr, dc) in zip(cfg[1:], offsets):
                tile[radius + dr, radius + dc] = bit
            boards[ctx, r0 : r0 + side, c0 : c0 + side] = tile
    return boards, per_row


def _answers(model: Any, configs: np.ndarray, offsets, contexts: int, seed: int):
    """The network's next state and probability at each tile centre: ``(contexts+1, configs)``."""
    from .. import models

    radius = receptive_radius(model)
    boards, per_row = tile_boards(configs, offsets, radius, contexts, seed)
    logits = models.logits(model, boards, batch_size=8)
    side = 2 * radius + 1
    idx = np.arange(len(configs))
    rows, cols = (idx // per_row) * side + radius, (idx % per_row) * side + radius
    centre = logits[:, rows, cols].astype(np.float64)
    return (centre > 0).astype(np.uint8), 0.5 * (1.0 + np.tanh(centre / 2))  # the sigmoid


def _enumeration_table(answers: np.ndarray, configs: np.ndarray):
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
            if frac != 0.5:
                table[s, c] = int(frac > 0.5)
            confidence[s, c] = max(frac, 1 - frac)
            broken[:, sel] = votes != table[s, c] if table[s, c] >= 0 else True
    return table, confidence, broken


def _find_neighbourhood(answers: np.ndarray, configs: np.ndarray) -> tuple[str, dict]:
    """The smallest neighbourhood under which full-Moore answers are outer-totalistic
    (Moore when none is), and the breaking count under each one tried."""
    moore_index = {o: i for i, o in enumerate(NEIGHBOURHOODS["moore"])}
    tried = {}
    for cand in smallest_first:
        cols = [0] + [1 + moore_index[o] for o in NEIGHBOURHOODS[cand]]
        _, _, broken = _enumeration_table(answers, configs[:, cols])
        tried[cand] = int(broken.sum())
        if not broken.any():
            return cand, tried
    return "moore", tried


def _breaking_details(configs, answers, broken, hood: str) -> tuple[list, list, int, int]:
    """The breaking configurations (dicts) and their orbits under the stencil's symmetries."""
    perms = symmetry_group(hood)
    breaking, orbits = [], {}
    for i in np.flatnonzero(broken.any(0)):
        cfg = configs[i]
        name = _config_name(cfg, hood)
        breaking.append(
            {
                "config": name,
                "class": Rule.class_name(int(cfg[0]), int(cfg[1:].sum())),
                "answer_dead_context": int(answers[0, i]),
                "contexts_breaking": int(broken[:, i].sum()),
            }
        )
        orbits.setdefault(_orbit_key(cfg, perms), []).append(name)
    orbits_broken = [
        {"class": Rule.class_name(k[0], sum(k[1:])), "members": v} for k, v in orbits.items()
    ]
    n_orbits = len({_orbit_key(c, perms) for c in configs})
    return breaking, orbits_broken, n_orbits, len(perms)


def _enumerate(model: Any, hood: Optional[str], contexts: int, seed: int) -> tuple:
    """``(hood, configurations, answers, probabilities, tried)`` on ``hood``'s stencil; with
    ``hood=None`` the full 3x3 stencil is enumerated, the smallest neighbourhood under which
    the answers are outer-totalistic chosen (``tried`` says how each fared), and that
    stencil enumerated again so the report speaks its language."""
    configs = configurations(hood or "moore")
    answers, probs = _answers(model, configs, NEIGHBOURHOODS[hood or "moore"], contexts, seed)
    if hood is not None:
        return hood, configs, answers, probs, {}
    hood, tried = _find_neighbourhood(answers, configs)
    if hood != "moore":
        configs = configurations(hood)
        answers, probs = _answers(model, configs, NEIGHBOURHOODS[hood], contexts, seed)
    return hood, configs, answers, probs, tried


def enumerate_neighbourhoods(
    model: Any, neighbourhood: Optional[str] = None, contexts: int = 8, seed: int = 0
) -> Extraction:
    """The notes' method 2: every configuration of the neighbourhood through the network.

    Parameters
    ----------
    model : torch.nn.Module
        A network with a ``config["kernel_size"]`` receptive field (default 5).
    neighbourhood : str, optional
        None (then the checkpoint's ``neighbourhood`` metadata, else found), ``"auto"``
        (metadata ignored: enumerate the full 3x3 stencil and pick the smallest neighbourhood,
        von Neumann, hex, Moore, under which the answers are outer-totalistic), or a name.
    contexts : int
        Random fillings of the tile outside the stencil, beside the all-dead one; the answer
        must not depend on cells outside the neighbourhood either.
    seed : int

    Returns
    -------
    Extraction
        ``method="enumerate"``. When all answers of each (state, count) class agree, the
        rule; otherwise ``rule=None``, ``consistent=False`` and ``details["breaking"]`` (the
        configurations), ``details["orbits_broken"]`` (grouped by symmetry),
        ``details["majority_rule"]``.
    """
    t0 = time.perf_counter()
    hood = None if neighbourhood == "auto" else model_neighbourhood(model, neighbourhood)
    auto = hood is None
    hood, configs, answers, probs, tried = _enumerate(model, hood, contexts, seed)
    table, confidence, broken = _enumeration_table(answers, configs)
    breaking, orbits_broken, n_orbits, order = _breaking_details(configs, answers, broken, hood)
    details = {
        "configurations": int(len(configs)),
        "contexts": int(contexts),
        "breaking": breaking,
        "orbits_broken": orbits_broken,
        "n_orbits": n_orbits,
        "group_order": order,
        "majority_rule": str(rule_from_table(table, hood)),
        "min_margin": float(np.abs(probs - 0.5).min()),
    }
    if auto:
        details["neighbourhood_search"] = tried
    return Extraction(
        rule=None if breaking else rule_from_table(table, hood),
        table=table,
        confidence=confidence,
        undetermined=class_names(table),
        consistent=not breaking,
        method="enumerate",
        neighbourhood=hood,
        seconds=time.perf_counter() - t0,
        details=details,
    )
