"""The relaxed (mean-field) fit of `relax` and the route through it in `sat`: one soft
generation against the simulator (0/1 cells) and against enumeration (independent cells);
the fit against the rule the frames were simulated with. The negative control (data that
cannot decide at stride 3 are never answered wrongly, now through this route) is
`test_anneal.test_stride_three_with_noise_is_never_answered_wrongly`."""

import itertools
import time

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import step
from lifecore.discover.observed import UNKNOWN, Samples, make_samples
from lifecore.discover.relax import _loss, fit_relaxed, soft_generation
from lifecore.discover.sat import _fewest_unseen, search_sat
from lifecore.rules.families import window_classes
from lifecore.rules.windows import WINDOW_WEIGHTS

from .test_anneal import ISO, _observed, _random_rule

MAP = window_classes("map")


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    height=st.integers(3, 9),
    width=st.integers(3, 9),
    boundary=st.sampled_from(["torus", "dead"]),
)
def test_one_soft_generation_of_zero_one_cells_is_the_simulators(seed, height, width, boundary):
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 2, 512).astype(np.uint8)
    board = rng.integers(0, 2, (height, width)).astype(np.uint8)
    soft = soft_generation(
        torch.tensor(board[None], dtype=torch.float64),
        torch.tensor(table, dtype=torch.float64),
        torus=boundary == "torus",
    )
    assert np.array_equal(soft[0].numpy(), step(board, MAP.rule(table), boundary))


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    restarts=st.integers(1, 3),
    boards=st.integers(1, 3),
    boundary=st.sampled_from(["torus", "dead"]),
)
def test_restarts_fitted_side_by_side_are_each_the_restart_alone(seed, restarts, boards, boundary):
    # a generation of several restarts at once, and the sum of their losses: each restart's
    # boards through its own table, each restart's gradient the one it has alone
    g = torch.Generator().manual_seed(seed)
    alive = torch.rand(restarts, boards, 5, 6, generator=g, dtype=torch.float64)
    tables = torch.rand(restarts, 512, generator=g, dtype=torch.float64)
    together = soft_generation(alive, tables, torus=boundary == "torus")
    for r in range(restarts):
        alone = soft_generation(alive[r], tables[r], torus=boundary == "torus")
        assert torch.allclose(together[r], alone, rtol=1e-12, atol=0)
    index = torch.tensor(np.array(ISO.of_window, dtype=np.int64))
    logits = torch.randn(restarts, ISO.count, generator=g, dtype=torch.float64)
    targets = (torch.rand(restarts, boards, 5, 6, generator=g) < 0.5).double()
    seen = torch.rand(restarts, boards, 5, 6, generator=g) < 0.8
    args = (index, alive, targets, seen, 2, boundary == "torus")
    logits.requires_grad_()
    _loss(logits, *args).backward()
    for r in range(restarts):
        alone = logits.detach()[r : r + 1].clone().requires_grad_()
        loss = _loss(alone, index, alive[r : r + 1], targets[r : r + 1], seen[r : r + 1],
                     *args[-2:])  # fmt: skip
        loss.backward()
        assert torch.allclose(logits.grad[r], alone.grad[0], rtol=1e-9, atol=1e-15)


def test_a_soft_generation_is_the_expectation_over_independent_cells():
    rng = np.random.default_rng(0)
    table = rng.random(512)
    alive = rng.random((3, 3))  # the middle cell's window is the whole board (dead beyond)
    expected = 0.0
    for cells in itertools.product((0, 1), repeat=9):
        window = np.asarray(cells).reshape(3, 3)
        chance = np.prod(np.where(window == 1, alive, 1 - alive))
        expected += chance * table[int((window * WINDOW_WEIGHTS).sum())]
    soft = soft_generation(torch.tensor(alive[None]), torch.tensor(table), torus=False)
    assert soft[0, 1, 1].item() == pytest.approx(expected, rel=1e-12)


def test_the_relaxed_fit_reaches_a_random_isotropic_rule_at_stride_three():
    rule = _random_rule(11)
    obs = _observed(rule, stride=3, noise=0.0, n=16, size=32, frames=20, seed=11)
    # restarts run in pairs, up to 1,500 steps of 8 frame pairs (a pair at most 36 s alone)
    tables = fit_relaxed(obs, 3, ISO.of_window, seed=0, deadline=time.perf_counter() + 400)
    truth = ISO.values(rule)
    assert any((next(tables) == truth).all() for _ in range(3))  # a restart can stall


def test_the_relaxed_fit_is_reproducible_by_seed_and_stops_at_its_deadline():
    obs = _observed(_random_rule(12), stride=1, noise=0.0, n=2, size=8, frames=3, seed=12)
    first = [next(fit_relaxed(obs, 1, ISO.of_window, 5, time.perf_counter() + 60))
             for _ in range(2)]  # fmt: skip
    assert (first[0] == first[1]).all()
    assert list(fit_relaxed(obs, 1, ISO.of_window, 5, time.perf_counter() - 1)) == []


def test_search_sat_at_stride_three_answers_by_the_relaxed_fit_with_its_certificate():
    rule = _random_rule(13)
    obs = _observed(rule, stride=3, noise=0.01, n=16, size=32, frames=20, seed=13)
    # a budget for a loaded CI machine: alone it answers in about 40 s
    found = search_sat(obs, make_samples(obs, 3), "isotropic", budget_s=240)
    assert found.details["search"] == "relax", found.details
    assert (ISO.values(found.rule) == ISO.values(rule)).all() and found.unique
    assert "single-entry" in found.details["certificate"]


def test_stride_two_with_noise_and_unseen_cells_is_answered_by_the_relaxed_fit():
    # where annealing stalled 20 to 55 entries off (the benchmark: 1% noise, 20% unseen)
    rule = _random_rule(14)
    obs = _observed(rule, stride=2, noise=0.01, hidden=0.2, n=16, size=32, frames=20, seed=14)
    found = search_sat(obs, make_samples(obs, 2), "isotropic", budget_s=240)
    assert found.details["search"] == "relax", found.details
    assert (ISO.values(found.rule) == ISO.values(rule)).all() and found.unique


@settings(max_examples=30, deadline=None)
@given(unseen=st.lists(st.integers(0, 9), min_size=1, max_size=40), count=st.integers(1, 40))
def test_candidates_are_polished_on_the_samples_with_fewest_unseen_cells(unseen, count):
    patches = np.zeros((len(unseen), 3, 3), np.uint8)
    for m, u in enumerate(unseen):
        patches[m].reshape(-1)[:u] = UNKNOWN
    samples = Samples(patches, np.zeros(len(unseen), np.uint8), 1)
    chosen = _fewest_unseen(samples, 0, count)
    assert (np.diff(chosen) > 0).all() and len(chosen) == min(count, len(unseen))
    left = np.setdiff1d(np.arange(len(unseen)), chosen)
    if len(left):
        assert np.asarray(unseen)[chosen].max() <= np.asarray(unseen)[left].min()
