"""`models.capacity`: the proof that a rule is beyond `sk-minimal` must never exclude a
rule some `sk-minimal` network computes (the networks' own tables are the truth)."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore.models import build
from lifecore.models.capacity import SECTOR_PAIRS, pattern_pairs_needed, two_unit_bound
from lifecore.rules import MapRule, as_rule
from lifecore.rules.windows import window_cells


def network_table(model) -> np.ndarray:
    """The next state ``(512,)`` a 3x3 network gives each window (logit > 0: alive)."""
    boards = torch.tensor(window_cells(np.arange(512)), dtype=torch.float32)[:, None]
    with torch.no_grad():
        return (model(boards)[:, 0, 1, 1] > 0).numpy().astype(np.uint8)


def test_highlife_and_day_and_night_are_beyond_sk_minimal():
    for rule in ("B36/S23", "B3678/S34678"):
        bound = two_unit_bound(rule)
        assert bound.excluded, bound


def test_life_is_not_excluded_and_its_births_need_a_pattern_pair_each():
    bound = two_unit_bound("B3/S23")
    assert not bound.excluded
    # Hand-checked: a birth (3 live neighbours, dead centre) has all its one-cell
    # neighbours dead, so its pattern is the window itself; the opposite pattern is a
    # window with 5 neighbours and a live centre, never a birth: 56 births, 56 pairs.
    assert bound.dead_side_pairs == 56
    # The live windows form a slab 2.5 <= n + c/2 <= 3.5: one direction serves them all.
    assert bound.alive_side_pairs == 1


def test_a_table_with_an_isolated_window_of_each_class_needs_many_pairs():
    # Parity of the 9 cells: every window's one-cell neighbours are of the other class.
    parity = np.array([bin(i).count("1") % 2 for i in range(512)], dtype=np.uint8)
    assert pattern_pairs_needed(parity, 1) > SECTOR_PAIRS
    assert pattern_pairs_needed(parity, 0) > SECTOR_PAIRS


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(0.3, 3.0))
def test_no_sk_minimal_network_computes_an_excluded_table(seed, scale):
    torch.manual_seed(seed)
    model = build("sk-minimal")
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(scale * 3)
    table = network_table(model)
    if table.min() == table.max():
        return  # a constant network: the bound speaks of non-constant ones
    bound = two_unit_bound(MapRule.from_window_table(table))
    assert not bound.excluded, bound


def test_a_hand_built_sk_minimal_computes_life_which_is_not_excluded():
    """relu(t - 2) - 10 relu(t - 3.5) - 0.25 > 0 with t = n + c/2: Life's slab."""
    model = build("sk-minimal")
    with torch.no_grad():
        w = torch.ones(3, 3)
        w[1, 1] = 0.5
        model.body[0].weight.copy_(torch.stack([w, w])[:, None])
        model.body[0].bias.copy_(torch.tensor([-2.0, -3.5]))
        model.body[2].weight.copy_(torch.tensor([1.0, -10.0]).view(1, 2, 1, 1))
        model.body[2].bias.fill_(-0.25)
        model.body[4].weight.fill_(1.0)
        model.body[4].bias.fill_(-0.01)
    table = network_table(model)
    assert np.array_equal(table, as_rule("B3/S23").window_table)
    assert not two_unit_bound("B3/S23").excluded
