"""Rule discovery: the notes' Nov 3-9 loop, from a little data to one rule.

Start from partial knowledge (some transitions known, or none) and a little data from a
black-box rule (by default one low-density soup: a biased trajectory). Then, round by round:

1. **Candidates.** Tabulate the data (`lifecore.extract.tabulate`) under every neighbourhood.
   Under a neighbourhood where the data are consistent, a class seen in the data is fixed,
   a class never seen is free, so the candidates are represented implicitly: ``2**k`` rules
   for ``k`` free classes. Neighbourhoods under which the data conflict are excluded.
2. **Network.** Fit a p4-equivariant network to the data with `lifecore.train.fit` (a plain
   one under hex, which quarter turns do not preserve) and read its rule back on *fresh*
   covering soups (`lifecore.extract.neighbour_statistics`). ``agreement`` counts the seen
   classes where that reading equals tabulation (the network learned the class, not just
   the boards); its fit to the data themselves and its density curve as a simulator are
   reported beside it; its answers for unseen classes rank the candidates
   (``network_guess``). Honestly: a candidate that agrees with every seen class reproduces
   the data exactly, so the network cannot *exclude* more than tabulation does; what it adds
   is a ranking of the survivors (a prior for the next step) and a cross-check. The result
   is always tabulation's.
3. **Next experiment.** For each experiment on the menu (a soup of a given density, or
   ``crafted`` boards that show every free class once) estimate how many free classes it
   will settle, by simulating candidate rules sampled from the network's ranking on the
   very boards the experiment will use and counting which free classes occur; run the best
   through the black box. ``strategy="random"`` picks a menu soup at random instead (the
   control in chapter 6).

Stop when one candidate is left (one consistent neighbourhood, no free class) or the
budget of rounds ends. ``neighbourhood="auto"`` keeps von Neumann, hex and Moore in play and
reports the smallest consistent one: the three are nested (V in H in Moore), so a rule of a
smaller neighbourhood that the data do not contradict uses fewer cells and has fewer classes
(fewer free parameters, fewer candidates); a larger neighbourhood that also fits would need
its extra cells to have made no difference anywhere in the data, which an outer-totalistic
rule of that neighbourhood almost never manages once the data are rich. Occam's razor, made
safe by the fact that more data only remove neighbourhoods, never add them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from .data import COVERING, soups
from .errors import LifecoreError
from .extract import Extraction, class_names, smallest_first, tabulate
from .rules import NEIGHBOURHOODS, Rule, RuleLike, as_rule
from .simulate import step

__all__ = [
    "Discovery",
    "DiscoveryError",
    "BlackBox",
    "discover",
    "load_trajectories",
    "DENSITIES",
    "crafted_boards",
    "StrategyComparison",
    "compare_strategies",
    "neighbourhood_table",
]

#: The experiment menu: soups of these densities.
DENSITIES = tuple(round(d, 2) for d in np.linspace(0.05, 0.95, 10))
HOODS = ("auto",) + smallest_first


class DiscoveryError(LifecoreError):
    """Bad input to discovery (data that are not trajectories, unknown options...)."""


@dataclass
class Discovery:
    """What the loop found. ``rule`` holds the decided classes only; ``undetermined`` lists
    the classes the data cannot settle (never guessed: the network's guess for them is in
    ``network_guess``, labelled as such)."""

    rule: Optional[Rule]
    neighbourhood: Optional[str]
    table: Optional[np.ndarray]
    undetermined: list[str]
    consistent: bool
    candidates_per_round: list[int]
    experiments: list[dict]
    agreement: Optional[dict]
    network_guess: Optional[str]
    consistent_neighbourhoods: list[str]
    seconds: float
    details: dict = field(default_factory=dict)

    @property
    def candidates(self) -> int:
        return self.candidates_per_round[-1] if self.candidates_per_round else 0

    def rounds_table(self) -> list[dict]:
        """One row per experiment: round, kind, soup density, the classes the design expected
        it to settle (None for round 0 and random picks) and the candidates left after it."""
        return [
            {
                "round": e["round"],
                "experiment": e["kind"],
                "density": e["density"],
                "expected classes settled": e["expected"],
                "candidates after": n,
            }
            for e, n in zip(self.experiments, self.candidates_per_round)
        ]

    def network_report(self) -> list[str]:
        """One line per round of the network route (empty without it): the fit, the agreement
        with tabulation on fresh boards and on its training boards, and its full guess."""
        return [
            f"round {r['round']} ({r['model']}, {r['pairs']} pairs, {r['epochs']} epochs, stopped: {r['stopped']}): "
            f"on fresh boards {r['agree']}/{r['classes']} seen classes agree with tabulation"
            + (f" (not: {' '.join(r['disagree'])})" if r["disagree"] else "")
            + f"; on its training boards {r['data_classes_agree']}/{r['data_classes']}; "
            f"network's full guess {r['network_rule']}"
            for r in self.details.get("network_rounds", [])
        ]

    def summary(self) -> dict:
        return {
            "rule": str(self.rule) if self.rule is not None else None,
            "neighbourhood": self.neighbourhood,
            "undetermined": list(self.undetermined),
            "consistent": bool(self.consistent),
            "candidates": int(self.candidates),
            "candidates_per_round": [int(c) for c in self.candidates_per_round],
            "consistent_neighbourhoods": list(self.consistent_neighbourhoods),
            "agreement": self.agreement,
            "network_guess": self.network_guess,
            "experiments": [
                {k: v for k, v in e.items() if k != "boards"} for e in self.experiments
            ],
            "seconds": round(float(self.seconds), 3),
        }

    def __str__(self) -> str:
        if not self.consistent:
            return "no Life-like rule of the allowed neighbourhoods explains the data"
        text = f"{self.rule}"
        if self.undetermined:
            text += f"  (undetermined: {' '.join(self.undetermined)})"
        return text


# -- black boxes and data ------------------------------------------------------------------
class BlackBox:
    """Wraps a function ``boards (N, H, W) uint8 -> next boards`` and counts its calls.

    ``BlackBox.of(rule)`` hides a rule behind the interface: discovery only ever calls it.
    """

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray], name: str = "black box"):
        self.fn = fn
        self.name = name
        self.calls = 0
        self.cells = 0

    @classmethod
    def of(cls, rule: RuleLike) -> BlackBox:
        rule = as_rule(rule)
        return cls(lambda boards: step(boards, rule), name="hidden rule")

    def __call__(self, boards: np.ndarray) -> np.ndarray:
        self.calls += 1
        self.cells += int(np.asarray(boards).size)
        out = np.asarray(self.fn(np.asarray(boards, dtype=np.uint8)), dtype=np.uint8)
        if out.shape != np.shape(boards):
            raise DiscoveryError(
                f"the black box returned shape {out.shape} for boards {np.shape(boards)}"
            )
        return out

    def run(self, boards: np.ndarray, steps: int) -> np.ndarray:
        """Trajectories ``(N, steps + 1, H, W)``."""
        frames = [np.asarray(boards, np.uint8)]
        for _ in range(steps):
            frames.append(self(frames[-1]))
        return np.stack(frames, 1)


def check_trajectories(arr: Any, name: str = "trajectories") -> np.ndarray:
    """Validate uint8 ``(N, T, H, W)`` 0/1 trajectories with ``T >= 2``."""
    if not isinstance(arr, np.ndarray):
        raise DiscoveryError(f"{name} must be a NumPy array, got {type(arr).__name__}")
    if arr.dtype != np.uint8:
        raise DiscoveryError(f"{name} must be uint8, got dtype {arr.dtype}")
    if arr.ndim != 4:
        raise DiscoveryError(f"{name} must have shape (N, T, H, W), got {arr.shape}")
    if 0 in arr.shape:
        raise DiscoveryError(f"{name} is empty: shape {arr.shape}")
    if arr.shape[1] < 2:
        raise DiscoveryError(
            f"{name} need at least two frames per trajectory (T >= 2), got T={arr.shape[1]}"
        )
    if arr.max() > 1:
        raise DiscoveryError(f"{name} must hold only 0 and 1 (found {int(arr.max())})")
    return arr


def load_trajectories(path: Union[str, Path]) -> np.ndarray:
    """Read ``trajectories`` from an ``.npz`` and validate it."""
    import zipfile

    path = Path(path)
    if not path.is_file():
        raise DiscoveryError(f"{path}: no such file")
    try:
        with np.load(path, allow_pickle=False) as f:
            if "trajectories" not in f.files:
                raise DiscoveryError(f"{path}: no 'trajectories' array (found {sorted(f.files)})")
            arr = f["trajectories"]
    except (OSError, zipfile.BadZipFile, ValueError) as err:
        if isinstance(err, DiscoveryError):
            raise
        raise DiscoveryError(f"{path}: cannot read as .npz ({err})") from None
    return check_trajectories(arr, f"{path}: trajectories")


# -- knowledge -------------------------------------------------------------------------------
def _known_table(known, hood: str) -> np.ndarray:
    """Known transitions as a (2, size+1) table, -1 where unknown."""
    size = len(NEIGHBOURHOODS[hood])
    table = np.full((2, size + 1), -1, dtype=np.int64)
    if known is None:
        return table
    if isinstance(known, dict):
        for name, value in known.items():
            if not (
                isinstance(name, str) and len(name) >= 2 and name[0] in "BS" and name[1:].isdigit()
            ):
                raise DiscoveryError(f"known transitions are named like 'B3' or 'S8', got {name!r}")
            c = int(name[1:])
            if c > size:
                continue  # a count this neighbourhood does not have: says nothing here
            table[int(name[0] == "S"), c] = int(bool(value))
        return table
    arr = np.asarray(known)
    if arr.shape != table.shape:
        raise DiscoveryError(f"a known table for {hood} has shape {table.shape}, got {arr.shape}")
    return arr.astype(np.int64)


def crafted_boards(
    classes: Sequence[tuple[int, int]], neighbourhood: str, seed: int = 0
) -> np.ndarray:
    """One board that shows each (state, count) class at least once, on isolated 3x3 tiles."""
    rng = np.random.default_rng(seed)
    offsets = NEIGHBOURHOODS[neighbourhood]
    classes = list(classes) or [(0, 0)]
    per_row = int(np.ceil(np.sqrt(len(classes))))
    side = 4 * per_row
    board = np.zeros((side, side), np.uint8)
    for i, (s, c) in enumerate(classes):
        r0, c0 = 4 * (i // per_row) + 1, 4 * (i % per_row) + 1
        board[r0 + 1, c0 + 1] = s
        for j in rng.permutation(len(offsets))[:c]:
            dr, dc = offsets[j]
            board[r0 + 1 + dr, c0 + 1 + dc] = 1
    return board[None]


# -- the network route -------------------------------------------------------------------------
#: How the network route trains: `lifecore.train.TrainConfig` with its defaults (Adam, batch
#: 8, BCE on logits) except: a larger epoch budget and patience, because discovery's data are
#: a handful of pairs (one or two optimiser steps per epoch, against the trainer's fifty on
#: its 400 covering soups); twice the default learning rate (measured: about half the epochs
#: to fit the data exactly); no rollout (the data carry no rule to roll out against); and one
#: torch thread (these networks are tiny; on 2 cores two threads were several times slower).
ROUTE_LR = 2e-2
ROUTE_PATIENCE = 100


def _route_config(seed: int, epochs: int):
    from .train import TrainConfig

    return TrainConfig(
        max_epochs=int(epochs),
        patience=ROUTE_PATIENCE,
        lr=ROUTE_LR,
        seed=int(seed),
        rollout_steps=0,
        threads=1,
    )


def _train_network(x: np.ndarray, y: np.ndarray, model_name: str, seed: int, epochs: int):
    """A network of ``model_name`` fitted with `lifecore.train.fit` to the pairs ``(x, y)``.

    There is no held-out set to spare and nothing to generalise *to* within the data: the
    question is whether one network reproduces every observed pair. So the pairs are both the
    training and the validation set, and `fit` stops at the first epoch where every pair is
    reproduced exactly ("exact" on the data; there is no rollout, the data carry no rule), or
    after ``patience`` epochs without improvement, or at ``epochs``. Whether the network then
    learned the *rule* is checked separately, on fresh boards (`_network_route`).
    Returns ``(model, TrainResult)``.
    """
    import torch

    from . import models
    from .data import TransitionData
    from .train import fit

    torch.manual_seed(seed)
    net = models.build(model_name)
    data = TransitionData(
        np.ascontiguousarray(x, np.uint8),
        np.ascontiguousarray(y, np.uint8),
        np.arange(len(x), dtype=np.int64),
        {"boundary": "torus"},
    )
    threads = torch.get_num_threads()
    try:
        res = fit(net, data, data, _route_config(seed, epochs), progress=False)
    finally:
        torch.set_num_threads(threads)  # fit sets the thread count; leave the caller's alone
    return res.model, res


def _route_model(model_name: str, hood: str) -> str:
    """The model the route trains: a p4 network cannot represent a hex rule (Golly's hex
    neighbourhood on the square grid is not invariant under quarter turns), so under hex the
    plain network of the same design is used instead."""
    if hood == "hex" and model_name.startswith("p4"):
        return model_name[2:]
    return model_name


def _network_route(
    x, y, first_frames, data_frames, hood, tab: Extraction, model_name, seed, epochs, max_pairs
):
    """Train on the data, then hold the network against tabulation.

    ``agreement`` compares, class by class over the classes the data show, tabulation with the
    rule read out of the network by neighbour statistics on *fresh* covering soups (boards it
    never saw): agreement there means the network learned the class, not the boards. Also
    reported: how well it fits the data it was trained on (``data_*``) and, as a simulator,
    the largest gap between its density curve and the data's from the same first boards.
    """
    from . import models
    from .data import transition_counts
    from .extract import neighbour_statistics
    from .train import rollout

    if len(x) > max_pairs:
        pick = np.random.default_rng(seed).choice(len(x), max_pairs, replace=False)
        x, y = x[pick], y[pick]
    model_name = _route_model(model_name, hood)
    model, res = _train_network(x, y, model_name, seed, epochs)
    seen = tab.table >= 0
    # 1. the network's table on fresh covering soups (its guess for every class)
    stats = neighbour_statistics(
        model, hood, n=48, size=24, threshold=0.5 + 1e-9, min_support=1, seed=seed + 1
    )
    p_alive = np.nan_to_num(stats.details["p_alive"], nan=0.5)
    net_table = (p_alive > 0.5).astype(np.int64)
    guess = Rule.from_table(net_table.astype(np.uint8), hood)
    agree = seen & (net_table == tab.table)
    disagree = class_names(np.where(seen & ~agree, 7, 0), 7)
    # 2. fit to the training data: per-class majority answer on the data's own boards
    pred = models.predict(model, x)
    counts = transition_counts(x, pred, hood)
    data_major = (counts[..., 1] > counts[..., 0]).astype(np.int64)
    data_seen = (counts.sum(-1) > 0) & seen
    # 3. as a simulator: density curves from the data's first frames
    gap = None
    if data_frames is not None and data_frames.shape[1] > 2:
        sim = rollout(model, first_frames, data_frames.shape[1] - 1)
        gap = float(np.abs(sim.mean((0, 2, 3)) - data_frames.mean((0, 2, 3))).max())
    agreement = {
        "classes": int(seen.sum()),
        "agree": int(agree.sum()),
        "fraction": float(agree.sum() / max(seen.sum(), 1)),
        "disagree": disagree,
        "data_classes_agree": int((data_seen & (data_major == tab.table)).sum()),
        "data_classes": int(data_seen.sum()),
        "pixel_accuracy": float((pred == y).mean()),
        "data_exact": bool(res.exact),
        "network_rule": str(guess),
        "density_gap": gap,
        "trainer": "lifecore.train.fit",
        "model": model_name,
        "epochs": int(res.epochs),
        "stopped": res.stopped,
        "train_seconds": float(res.seconds),
        "pairs": int(len(x)),
    }
    return model, p_alive, guess, agreement


# -- the loop -----------------------------------------------------------------------------------
def _tabulate_all(x, y, hoods, known_by_hood):
    """Tabulate under each neighbourhood and fold in the known transitions."""
    out = {}
    for hood in hoods:
        tab = tabulate(x, y, hood)
        known = known_by_hood[hood]
        if tab.consistent:
            clash = (known >= 0) & (tab.table >= 0) & (known != tab.table)
            if clash.any():
                tab.consistent = False
                tab.rule = None
                tab.details["conflicts"] = class_names(np.where(clash, 7, 0), 7)
            else:
                table = np.where(tab.table >= 0, tab.table, known)
                tab.table = table
                tab.undetermined = class_names(table)
                tab.rule = Rule.from_table((table == 1).astype(np.uint8), hood)
        out[hood] = tab
    return out


def _candidates(tabs) -> tuple[int, dict]:
    per = {h: (2 ** len(t.undetermined) if t.consistent else 0) for h, t in tabs.items()}
    return int(sum(per.values())), per


def _expected_settled(boards, steps, tab: Extraction, p_alive, n_sim: int, rng) -> float:
    """Mean number of free classes that occur when sampled candidate rules run ``boards``."""
    free = tab.table < 0
    if not free.any():
        return 0.0
    hood = tab.neighbourhood
    probe = Rule(frozenset(), frozenset(), hood)
    from .simulate import neighbour_counts

    total = 0
    for _ in range(n_sim):
        table = tab.table.copy()
        table[free] = (rng.random(free.sum()) < p_alive[free]).astype(np.int64)
        cand = Rule.from_table(table.astype(np.uint8), hood)
        x = boards
        hit = np.zeros_like(free)
        for _t in range(steps):
            counts = neighbour_counts(x, probe)
            flat = np.bincount(
                (x.astype(np.int64) * (probe.size + 1) + counts).ravel(),
                minlength=2 * (probe.size + 1),
            )
            hit |= flat.reshape(free.shape) > 0
            if (hit | ~free).all():
                break
            x = step(x, cand)
        total += int((hit & free).sum())
    return total / n_sim


def discover(
    source: Union[BlackBox, Callable, RuleLike, np.ndarray, tuple],
    neighbourhood: str = "auto",
    known=None,
    rounds: int = 8,
    seed: int = 0,
    use_network: bool = True,
    strategy: str = "design",
    size: int = 16,
    boards: int = 1,
    steps: int = 4,
    initial_density: float = 0.15,
    crafted: bool = False,
    model: str = "p4cnn-small",
    epochs: int = 600,
    max_pairs: int = 64,
    n_sim: int = 4,
) -> Discovery:
    """Narrow the candidate rules down to one.

    ``source``: a `BlackBox` (or any function boards -> next boards, or a rule, which is
    then only used as a black box), or data: trajectories ``(N, T, H, W)`` uint8 or a pair
    ``(x, y)`` (no experiments then: one round). ``known``: transitions known beforehand,
    ``{"B3": 1, "S8": 0}``. With a black box, round 0 is one soup of ``initial_density``
    (``size`` x ``size``, ``steps`` generations); each later round runs ``boards`` boards
    of the chosen experiment for ``steps`` generations. ``strategy``: "design" (most free
    classes expected to be settled) or "random". ``use_network``: fit ``model`` (a p4
    network) to at most ``max_pairs`` of the pairs with `lifecore.train.fit` for at most
    ``epochs`` epochs, for the agreement check and the candidate ranking; it never changes
    the result.
    """
    t0 = time.perf_counter()
    if neighbourhood not in HOODS:
        raise DiscoveryError(
            f"unknown neighbourhood {neighbourhood!r}; expected one of {', '.join(HOODS)}"
        )
    if strategy not in ("design", "random"):
        raise DiscoveryError(f"unknown strategy {strategy!r}; expected 'design' or 'random'")
    hoods = smallest_first if neighbourhood == "auto" else (neighbourhood,)
    known_by_hood = {h: _known_table(known, h) for h in hoods}
    rng = np.random.default_rng(seed)

    box: Optional[BlackBox] = None
    data_frames = None
    if isinstance(source, BlackBox):
        box = source
    elif isinstance(source, (Rule, str)):
        box = BlackBox.of(source)
    elif callable(source):
        box = BlackBox(source)
    elif isinstance(source, tuple) and len(source) == 2:
        x = np.asarray(source[0], np.uint8)
        y = np.asarray(source[1], np.uint8)
        if x.shape != y.shape or x.ndim != 3:
            raise DiscoveryError(
                f"(x, y) pairs must both be (N, H, W), got {x.shape} and {y.shape}"
            )
    else:
        data_frames = check_trajectories(
            np.asarray(source) if not isinstance(source, np.ndarray) else source
        )
        h, w = data_frames.shape[-2:]
        x = data_frames[:, :-1].reshape(-1, h, w)
        y = data_frames[:, 1:].reshape(-1, h, w)

    experiments: list[dict] = []
    if box is not None:
        first = soups(1, size, initial_density, seed=seed)
        data_frames = box.run(first, steps)
        h, w = data_frames.shape[-2:]
        x = data_frames[:, :-1].reshape(-1, h, w)
        y = data_frames[:, 1:].reshape(-1, h, w)
        experiments.append(
            {"round": 0, "kind": "soup", "density": initial_density, "expected": None}
        )
    first_frames = data_frames[:, 0] if data_frames is not None else None

    tabs = _tabulate_all(x, y, hoods, known_by_hood)
    total, per = _candidates(tabs)
    candidates_per_round = [total]
    per_round_detail = [per]
    p_alive_by_hood = {h: np.full(t.table.shape, 0.5) for h, t in tabs.items()}
    network_rounds = []

    def preferred():
        for h in hoods:
            if tabs[h].consistent:
                return h
        return None

    def done():
        cons = [h for h in hoods if tabs[h].consistent]
        return not cons or (len(cons) == 1 and not tabs[cons[0]].undetermined)

    # the network's ranking of the candidates from the first data (a prior for the design)
    if use_network and box is not None and preferred() is not None and not done():
        hood = preferred()
        _, p_alive, guess, agr = _network_route(
            x, y, None, None, hood, tabs[hood], model, seed, epochs, max_pairs
        )
        p_alive_by_hood[hood] = p_alive
        network_rounds.append({"round": 0, "neighbourhood": hood, **agr})

    r = 0
    while box is not None and r < rounds and not done():
        r += 1
        hood = preferred()
        tab = tabs[hood]
        # the menu: soups (and crafted boards), evaluated on the boards they will use
        menu = []
        for i, d in enumerate(DENSITIES):
            b = soups(boards, size, d, seed=seed * 1000 + r * 31 + i)
            menu.append({"kind": "soup", "density": d, "boards": b})
        if crafted:
            free = [
                (s, c) for s in range(2) for c in range(tab.table.shape[1]) if tab.table[s, c] < 0
            ]
            # under auto, also show the classes of the other consistent neighbourhoods
            menu.append(
                {"kind": "crafted", "density": None, "boards": crafted_boards(free, hood, seed + r)}
            )
        if strategy == "random":
            choice = menu[int(rng.integers(len(DENSITIES)))]
            choice["expected"] = None
        else:
            for m in menu:
                n_steps = 1 if m["kind"] == "crafted" else steps
                m["expected"] = _expected_settled(
                    m["boards"], n_steps, tab, p_alive_by_hood[hood], n_sim, rng
                )
            choice = max(menu, key=lambda m: m["expected"])
        n_steps = 1 if choice["kind"] == "crafted" else steps
        frames = box.run(choice["boards"], n_steps)
        h2, w2 = frames.shape[-2:]
        if not isinstance(x, list) and (h2, w2) == x.shape[-2:]:
            x = np.concatenate([x, frames[:, :-1].reshape(-1, h2, w2)])
            y = np.concatenate([y, frames[:, 1:].reshape(-1, h2, w2)])
        else:  # different board size: keep the pairs in a list of blocks
            x, y = _merge(x, y, frames)
        tabs = _merge_tabs(tabs, frames, hoods, known_by_hood)
        total, per = _candidates(tabs)
        candidates_per_round.append(total)
        per_round_detail.append(per)
        experiments.append(
            {
                "round": r,
                "kind": choice["kind"],
                "density": choice["density"],
                "expected": choice["expected"],
                "boards": choice["boards"],
            }
        )

    hood = preferred()
    consistent = hood is not None
    agreement = None
    guess = None
    if consistent and use_network:
        xs, ys = _flat_pairs(x, y)
        _, _, g, agreement = _network_route(
            xs, ys, first_frames, data_frames, hood, tabs[hood], model, seed, epochs, max_pairs
        )
        guess = str(g)
        network_rounds.append(
            {"round": len(candidates_per_round) - 1, "neighbourhood": hood, **agreement}
        )
    tab = tabs[hood] if consistent else None
    return Discovery(
        rule=tab.rule if tab is not None else None,
        neighbourhood=hood,
        table=tab.table if tab is not None else None,
        undetermined=list(tab.undetermined) if tab is not None else [],
        consistent=consistent,
        candidates_per_round=candidates_per_round,
        experiments=experiments,
        agreement=agreement,
        network_guess=guess,
        consistent_neighbourhoods=[h for h in hoods if tabs[h].consistent],
        seconds=time.perf_counter() - t0,
        details={
            "candidates_by_neighbourhood": per_round_detail,
            "conflicts": {h: t.details.get("conflicts", []) for h, t in tabs.items()},
            "network_rounds": network_rounds,
            "black_box_calls": box.calls if box else 0,
            "black_box_cells": box.cells if box else 0,
            "strategy": strategy,
        },
    )


# pairs of different board sizes are kept as lists of same-size blocks
def _merge(x, y, frames):
    h, w = frames.shape[-2:]
    new_x, new_y = frames[:, :-1].reshape(-1, h, w), frames[:, 1:].reshape(-1, h, w)
    xs = x if isinstance(x, list) else [x]
    ys = y if isinstance(y, list) else [y]
    return xs + [new_x], ys + [new_y]


def _flat_pairs(x, y):
    """The largest same-size block (the network trains on one board size)."""
    if not isinstance(x, list):
        return x, y
    i = int(np.argmax([a.size for a in x]))
    return x[i], y[i]


def _merge_tabs(tabs, frames, hoods, known_by_hood):
    """Fold a new experiment's pairs into the per-neighbourhood tabulations."""
    h, w = frames.shape[-2:]
    nx, ny = frames[:, :-1].reshape(-1, h, w), frames[:, 1:].reshape(-1, h, w)
    out = {}
    for hood in hoods:
        old = tabs[hood]
        new = tabulate(nx, ny, hood)
        support = old.details["support"] + new.details["support"]
        alive = old.details["alive"] + new.details["alive"]
        conflict = (alive > 0) & (alive < support)
        table = np.where(support == 0, -1, (alive > 0).astype(np.int64))
        table[conflict] = -1
        known = known_by_hood[hood]
        clash = (known >= 0) & (table >= 0) & (known != table)
        conflicts = class_names(np.where(conflict | clash, 7, 0), 7)
        table = np.where(table >= 0, table, np.where(conflict, -1, known))
        consistent = not conflicts and old.consistent
        tab = Extraction(
            rule=Rule.from_table((table == 1).astype(np.uint8), hood) if consistent else None,
            table=table,
            confidence=np.where(support > 0, 1.0, 0.0),
            undetermined=class_names(table),
            consistent=consistent,
            method="tabulate",
            neighbourhood=hood,
            details={
                "support": support,
                "alive": alive,
                "conflicts": conflicts or old.details.get("conflicts", []),
            },
        )
        out[hood] = tab
    return out


# -- CLI ------------------------------------------------------------------------------------------
def _cli(args) -> int:
    frames = load_trajectories(args.data)
    result = discover(
        frames, neighbourhood=args.neighbourhood, use_network=not args.no_network, seed=args.seed
    )
    if not result.consistent:
        conflicts = {h: c for h, c in result.details["conflicts"].items() if c}
        raise DiscoveryError(
            "no Life-like rule of the allowed neighbourhood(s) explains these data: classes seen going "
            "both ways: " + "; ".join(f"{h}: {' '.join(c)}" for h, c in conflicts.items())
        )
    print(f"rule: {result.rule}  ({result.neighbourhood})")
    if result.undetermined:
        print(f"undetermined (never seen in the data): {' '.join(result.undetermined)}")
    others = [h for h in result.consistent_neighbourhoods if h != result.neighbourhood]
    if others:
        print(
            f"also consistent with: {', '.join(others)} (the smallest consistent neighbourhood is reported)"
        )
    if result.agreement:
        a = result.agreement
        print(
            f"network vs tabulation: read back on fresh boards, {a['agree']}/{a['classes']} seen classes agree "
            f"({a['data_classes_agree']}/{a['data_classes']} on its training boards); "
            f"network's full guess {a['network_rule']} (a guess for unseen classes, not a result)"
        )
    if args.json:
        print(json.dumps(result.summary()))
    return 0


def register_cli(subparsers) -> None:
    p = subparsers.add_parser(
        "discover", help="find the rule behind trajectories (an .npz with 'trajectories')"
    )
    p.add_argument("data", help=".npz file holding 'trajectories', uint8 (N, T, H, W), on a torus")
    p.add_argument("--neighbourhood", choices=HOODS, default="auto")
    p.add_argument(
        "--no-network", action="store_true", help="skip the network cross-check (tabulation only)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="end with one JSON line")
    p.set_defaults(func=_cli)


# -- chapter 6: designed against random experiments, and neighbourhoods ------------------------
@dataclass
class StrategyComparison:
    """`compare_strategies`' result: per strategy, the candidates per round of every seed
    (``curves``, an array ``(seeds, rounds)``, a run that stopped early held at its last
    count) and the rounds each seed needed to reach one candidate (``inf`` if it never did)."""

    rule: str
    curves: dict[str, np.ndarray]
    rounds_to_one: dict[str, np.ndarray]

    def verdict(self, a: str = "design", b: str = "random") -> dict:
        """Seeds on which strategy ``a`` needed fewer, as many, and more rounds than ``b``."""
        x, y = self.rounds_to_one[a], self.rounds_to_one[b]
        return {
            "fewer": int((x < y).sum()),
            "as many": int((x == y).sum()),
            "more": int((x > y).sum()),
            "seeds": len(x),
        }

    def report(self, a: str = "design", b: str = "random") -> list[str]:
        """Lines: rounds to one candidate per seed and their mean for each strategy, then the
        per-seed comparison of ``a`` with ``b``."""
        lines = [
            f"{strategy:>6}: rounds to one candidate per seed {[int(x) if np.isfinite(x) else None for x in v]}, "
            f"mean {np.mean(v):.2f}"
            for strategy, v in self.rounds_to_one.items()
        ]
        v = self.verdict(a, b)
        lines.append(
            f"{a} needed fewer rounds than {b} on {v['fewer']} seeds, as many on {v['as many']}, "
            f"more on {v['more']} (of {v['seeds']})"
        )
        return lines


def compare_strategies(
    rule: RuleLike,
    seeds: Sequence[int] = range(12),
    rounds: int = 8,
    strategies: Sequence[str] = ("design", "random"),
    **options: Any,
) -> StrategyComparison:
    """Run `discover` on a fresh black box of ``rule`` for every seed and strategy, under the
    rule's own neighbourhood and without the network (it does not change which candidates
    survive); ``options`` go to `discover`."""
    rule = rule if isinstance(rule, str) else str(as_rule(rule))
    hood = as_rule(rule).neighbourhood
    options.setdefault("use_network", False)
    curves, rounds_to_one = {}, {}
    for strategy in strategies:
        runs = [
            discover(
                BlackBox.of(rule),
                neighbourhood=hood,
                rounds=rounds,
                seed=s,
                strategy=strategy,
                **options,
            ).candidates_per_round
            for s in seeds
        ]
        if not runs:
            raise DiscoveryError("no seeds to compare")
        longest = max(map(len, runs))
        curves[strategy] = np.array([r + [r[-1]] * (longest - len(r)) for r in runs])
        rounds_to_one[strategy] = np.array([len(r) - 1 if r[-1] == 1 else np.inf for r in runs])
    return StrategyComparison(rule, curves, rounds_to_one)


def neighbourhood_table(
    rules: Sequence[str], n: int = 6, size: int = 24, steps: int = 6, seed: int = 3, **options: Any
) -> list[dict]:
    """Discovery with ``neighbourhood="auto"`` on covering soups run under each hidden rule
    (one trajectory set per rule): one row per rule with what was found, the neighbourhoods
    the data are consistent with, the network's agreement and guess, and the seconds taken.
    ``options`` go to `discover`."""
    from .simulate import simulate

    rows = []
    for rule in rules:
        frames = simulate(soups(n, size, COVERING, seed=seed), rule, steps)
        d = discover(frames, **options)
        a = d.agreement
        rows.append(
            {
                "hidden rule": rule,
                "discovered": str(d),
                "neighbourhood": d.neighbourhood,
                "consistent with": ", ".join(d.consistent_neighbourhoods),
                "network agrees (fresh boards)": f"{a['agree']}/{a['classes']}" if a else "-",
                "network's guess": a["network_rule"] if a else "-",
                "seconds (with network)" if a else "seconds": round(d.seconds, 2),
            }
        )
    return rows
