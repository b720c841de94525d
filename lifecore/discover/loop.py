"""`discover`: the notes' Nov 3-9 loop, from a little data to one rule.

Start from partial knowledge (some transitions known, or none) and a little data from a
black-box rule (by default one low-density soup: a biased trajectory). Then, round by round:
tabulate under every neighbourhood still in play (`CandidateSet`); optionally fit a network
to the data to rank the candidates (`network_route`); pick the experiment expected to settle
most free classes (`lifecore.discover.design`) and run it through the black box. Stop when
one candidate is left or the rounds run out.

``neighbourhood="auto"`` keeps von Neumann, hex and Moore in play and reports the smallest
consistent one: the three are nested (V in H in Moore), so a rule of a smaller neighbourhood
that the data do not contradict has fewer classes (fewer candidates); a larger neighbourhood
that also fits would need its extra cells to have made no difference anywhere in the data.
Occam's razor, made safe by the fact that more data only remove neighbourhoods, never add
them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Optional, Union

import numpy as np

from ..data import soups
from ..extract.result import smallest_first
from ..rules import Rule, RuleLike
from ..seeds import child_seed
from ..simulate import BOUNDARIES
from .black_box import BlackBox
from .boards import design_board
from .candidates import FAMILY_CHOICES, CandidateSet, spaces_for
from .design import expected_settled, menu
from .network import network_route
from .result import Discovery, DiscoveryError
from .trajectories import check_trajectories, frames_to_pairs

__all__ = ["DiscoveryConfig", "discover", "first_experiment", "HOODS", "STRATEGIES", "FIRSTS"]

HOODS = ("auto",) + smallest_first
STRATEGIES = ("design", "random")
FIRSTS = ("designed", "soup")


@dataclass(frozen=True)
class DiscoveryConfig:
    """How `discover` runs.

    Attributes
    ----------
    neighbourhood : str
        "auto" (smallest consistent of von Neumann, hex, Moore) or one of them.
    rounds : int
        Experiments at most after round 0 (a black box only).
    seed : int
    use_network : bool
        Fit ``model`` to at most ``max_pairs`` pairs for at most ``epochs`` epochs, for the
        agreement check and the candidate ranking; it never changes the result.
    strategy : str
        "design" (the experiment expected to settle most free classes, estimated with
        ``n_sim`` sampled candidates) or "random" (a menu soup at random: the control).
    size, boards, steps : int
        Each experiment runs ``boards`` boards of ``size`` x ``size`` for ``steps``
        generations (crafted boards: one).
    initial_density : float
        Round 0: one soup of this density.
    crafted : bool
        Offer a board showing every free class once.
    boundary : str
        "torus" or "dead": how the data were made (and how the black box is run).
    family : str
        "outer-totalistic" (on ``neighbourhood``), "isotropic", "map", or "auto" (the
        smallest family and neighbourhood the data do not contradict).
    first : str
        A black box's round 0: "designed" (`design_board`: one step shows every class, so
        one step identifies the rule) or "soup" (one soup of ``initial_density``).
    """

    neighbourhood: str = "auto"
    rounds: int = 8
    seed: int = 0
    use_network: bool = True
    strategy: str = "design"
    size: int = 16
    boards: int = 1
    steps: int = 4
    initial_density: float = 0.15
    crafted: bool = False
    model: str = "p4cnn-small"
    epochs: int = 600
    max_pairs: int = 64
    n_sim: int = 4
    boundary: str = "torus"
    family: str = "outer-totalistic"
    first: str = "designed"

    def __post_init__(self) -> None:
        for label, value, allowed in (
            ("neighbourhood", self.neighbourhood, HOODS),
            ("strategy", self.strategy, STRATEGIES),
            ("boundary", self.boundary, BOUNDARIES),
            ("family", self.family, FAMILY_CHOICES),
            ("first", self.first, FIRSTS),
        ):
            if value not in allowed:
                raise DiscoveryError(
                    f"unknown {label} {value!r}; expected one of {', '.join(allowed)}"
                )
        for label in ("rounds", "seed", "size", "boards", "steps", "epochs", "max_pairs", "n_sim"):
            value = getattr(self, label)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise DiscoveryError(f"{label} must be a non-negative integer, got {value!r}")

        spaces_for(self.family, self.neighbourhood)  # refuses isotropic or MAP off Moore

    @property
    def spaces(self) -> dict:
        """The class spaces in play, smallest first (`spaces_for`)."""
        return spaces_for(self.family, self.neighbourhood)


@dataclass
class _Log:
    """What the loop has done so far (private to one `discover` call)."""

    blocks: list = field(default_factory=list)  # (x, y) pairs, one block per board size
    experiments: list = field(default_factory=list)
    sizes: list = field(default_factory=list)
    network_rounds: list = field(default_factory=list)

    def record(self, cands: CandidateSet, x: np.ndarray, y: np.ndarray, experiment: dict):
        self.blocks.append((x, y))
        if experiment:
            self.experiments.append(experiment)
        self.sizes.append(cands.sizes())


def _config(config: Optional[DiscoveryConfig], options: dict) -> DiscoveryConfig:
    """``config`` (default: the defaults) with ``options`` replacing its fields."""
    unknown = sorted(set(options) - {f.name for f in fields(DiscoveryConfig)})
    if unknown:
        raise DiscoveryError(f"unknown discovery option(s): {', '.join(unknown)}")
    return replace(config or DiscoveryConfig(), **options)


def _black_box(source: Any, boundary: str) -> Optional[BlackBox]:
    if isinstance(source, BlackBox):
        return source
    if isinstance(source, (Rule, str)):
        return BlackBox.of(source, boundary)
    if callable(source):
        return BlackBox(source)
    return None


def _data_pairs(source: Any) -> tuple[Optional[np.ndarray], np.ndarray, np.ndarray]:
    """``(frames or None, x, y)`` from trajectories or an ``(x, y)`` tuple."""
    if isinstance(source, tuple) and len(source) == 2:
        x, y = np.asarray(source[0], np.uint8), np.asarray(source[1], np.uint8)
        if x.shape != y.shape or x.ndim != 3:
            raise DiscoveryError(
                f"(x, y) pairs must both be (N, H, W), got {x.shape} and {y.shape}"
            )
        return None, x, y
    frames = check_trajectories(source if isinstance(source, np.ndarray) else np.asarray(source))
    return (frames, *frames_to_pairs(frames))


def first_experiment(cfg: DiscoveryConfig) -> dict:
    """Round 0 against a black box: the designed board of the space in play (the MAP torus,
    which shows every window, when several are), tiled 3 x 3 on a bounded plane so that its
    middle copy sees the torus windows; or one soup of ``initial_density``."""
    if cfg.first == "soup":
        board = soups(1, cfg.size, cfg.initial_density, seed=cfg.seed)
        return {
            "round": 0,
            "kind": "soup",
            "density": cfg.initial_density,
            "boards": board,
            "expected": None,
        }
    spaces = list(cfg.spaces.values())
    one = spaces[0] if len(spaces) == 1 else None
    board = design_board(one.family, one.neighbourhood) if one else design_board("map")
    if cfg.boundary == "dead":
        board = np.tile(board, (3, 3))
    return {
        "round": 0,
        "kind": "designed",
        "density": None,
        "boards": board[None],
        "expected": None,
    }


def _largest_block(blocks: list) -> tuple[np.ndarray, np.ndarray]:
    """The largest same-size block of pairs (the network trains on one board size)."""
    sizes = {}
    for x, y in blocks:
        key = x.shape[-2:]
        sizes.setdefault(key, []).append((x, y))
    best = max(sizes.values(), key=lambda bs: sum(b[0].size for b in bs))
    return np.concatenate([b[0] for b in best]), np.concatenate([b[1] for b in best])


def _choose(cands: CandidateSet, cfg: DiscoveryConfig, r: int, prior, rng) -> dict:
    """Round ``r``'s experiment: the menu item expected to settle most free classes (or a
    random soup under ``strategy="random"``)."""
    label = cands.preferred()
    tab = cands.tabs[label]
    options = menu(tab, cfg.seed, r, cfg.boards, cfg.size, cfg.crafted)
    if cfg.strategy == "random":
        choice = options[int(rng.integers(len(options) - int(cfg.crafted)))]
        return {"round": r, **choice, "expected": None}
    for m in options:
        n_steps = 1 if m["kind"] == "crafted" else cfg.steps
        p_alive = prior.get(label, np.full(tab.table.shape, 0.5))
        m["expected"] = expected_settled(
            m["boards"], n_steps, tab, p_alive, cfg.n_sim, rng, cfg.boundary
        )
    return {"round": r, **max(options, key=lambda m: m["expected"])}


def _route(cands: CandidateSet, cfg: DiscoveryConfig, log: _Log, frames, round_: int):
    """Run the network route under the preferred space and log it (outer-totalistic spaces
    only: the route reads the network back by neighbour statistics)."""
    hood = cands.preferred()
    if cands.tabs[hood].family != "outer-totalistic":
        return {}, None
    x, y = _largest_block(log.blocks)
    _, p_alive, guess, agreement = network_route(
        x, y, frames, cands.tabs[hood], cfg.model, cfg.seed, cfg.epochs, cfg.max_pairs
    )
    log.network_rounds.append({"round": round_, "neighbourhood": hood, **agreement})
    return {hood: p_alive}, agreement


def _result(cands: CandidateSet, log: _Log, box, cfg, agreement, seconds: float) -> Discovery:
    label = cands.preferred()
    tab = cands.tabs[label] if label is not None else None
    return Discovery(
        rule=tab.rule if tab is not None else None,
        neighbourhood=tab.neighbourhood if tab is not None else None,
        table=tab.table if tab is not None else None,
        undetermined=list(tab.undetermined) if tab is not None else [],
        consistent=label is not None,
        candidates_per_round=[total for total, _ in log.sizes],
        experiments=log.experiments,
        agreement=agreement,
        network_guess=agreement["network_rule"] if agreement else None,
        consistent_neighbourhoods=cands.consistent(),
        seconds=seconds,
        details={
            "candidates_by_neighbourhood": [per for _, per in log.sizes],
            "conflicts": {h: t.details["conflicts"] for h, t in cands.tabs.items()},
            "network_rounds": log.network_rounds,
            "black_box_calls": box.calls if box else 0,
            "black_box_cells": box.cells if box else 0,
            "strategy": cfg.strategy,
            "boundary": cfg.boundary,
        },
        family=tab.family if tab is not None else None,
    )


def discover(
    source: Union[BlackBox, Callable, RuleLike, np.ndarray, tuple],
    config: Optional[DiscoveryConfig] = None,
    *,
    known: Any = None,
    **options: Any,
) -> Discovery:
    """Narrow the candidate rules down to one.

    Parameters
    ----------
    source : BlackBox, callable, Rule, str, np.ndarray or tuple
        A `BlackBox` (or any function boards -> next boards, or a rule, then only used as a
        black box), or data: trajectories ``(N, T, H, W)`` uint8 or pairs ``(x, y)`` each
        ``(N, H, W)`` (no experiments then: one round).
    config : DiscoveryConfig, optional
    known : dict or array, optional
        Transitions known beforehand, ``{"B3": 1, "S8": 0}``.
    **options
        `DiscoveryConfig` fields, overriding ``config``'s.

    Returns
    -------
    Discovery
        The rule from tabulation; the network's guess only ever as ``network_guess``.

    Raises
    ------
    DiscoveryError
        Bad options or data.
    """
    t0 = time.perf_counter()
    cfg = _config(config, options)
    box = _black_box(source, cfg.boundary)
    frames, x, y = (None, None, None) if box is not None else _data_pairs(source)
    log, first = _Log(), {}
    if box is not None:
        first = first_experiment(cfg)
        frames = box.run(first["boards"], 1 if first["kind"] == "designed" else cfg.steps)
        x, y = frames_to_pairs(frames)
    occam = cfg.family == "auto"
    cands = CandidateSet.start(cfg.spaces, known, cfg.boundary, occam).add(x, y)
    log.record(cands, x, y, first)
    prior, rng = {}, np.random.default_rng(child_seed(cfg.seed, "design"))
    if cfg.use_network and box is not None and cands.preferred() and not cands.done():
        prior, _ = _route(cands, cfg, log, None, 0)
    for r in range(1, cfg.rounds + 1):
        if box is None or cands.done():
            break
        experiment = _choose(cands, cfg, r, prior, rng)
        steps = 1 if experiment["kind"] == "crafted" else cfg.steps
        x, y = frames_to_pairs(box.run(experiment["boards"], steps))
        cands = cands.add(x, y)
        log.record(cands, x, y, experiment)
    agreement = None
    if cfg.use_network and cands.preferred() is not None:
        _, agreement = _route(cands, cfg, log, frames, len(log.sizes) - 1)
    return _result(cands, log, box, cfg, agreement, time.perf_counter() - t0)
