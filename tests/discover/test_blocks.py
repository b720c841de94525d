"""The last rules of a clean answer refuted block by block (`lifecore.discover.blocks`).

The truth: the rule the frames were simulated with, which no block may refute; the
benchmark's case where a rival differs from the data at one observed cell, whose block was
checked by enumerating every completion of its unseen cells (benchmarks/results,
"Rules left open refuted block by block"); and hand-computed mean-field expectations.
"""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import simulate
from lifecore.data import soups
from lifecore.discover import blocks
from lifecore.discover.blocks import expected_differing, refute_by_blocks, settle_open
from lifecore.discover.identify import _settle_clean_sat
from lifecore.discover.observed import UNKNOWN, make_samples, observe
from lifecore.discover.verdict import Identification
from lifecore.rules import parse_rule
from lifecore.rules.families import window_classes

OT = window_classes("outer-totalistic")


def _observed(rule, stride, hidden, seed, n=16, size=32, frames=20):
    clean = np.asarray(simulate(soups(n, size, 0.35, seed=seed), rule, (frames - 1) * stride))
    return observe(clean, stride, hidden=hidden, seed=seed)


def test_expected_differing_counts_windows_by_their_probability():
    differ = np.zeros(512, bool)
    differ[511] = True  # the all-alive window
    table = np.zeros(512, np.uint8)
    unseen = np.full((1, 3, 3), UNKNOWN, np.uint8)
    alive = np.ones((1, 3, 3), np.uint8)
    score = expected_differing(table, differ, np.concatenate([unseen, alive]), 1, 0.5)
    assert score == pytest.approx([0.5**9, 1.0])
    # two generations: all 9 windows of a live 5 x 5 patch are all alive, then (the table
    # kills every cell) the one window left is dead
    live = np.ones((1, 5, 5), np.uint8)
    assert expected_differing(table, differ, live, 2, 0.5) == pytest.approx([9.0])


@pytest.fixture(scope="module")
def freezing():
    """B567/S378 (the benchmark's seed 3; its soups die out) at stride 3, clean, 10% unseen:
    the rule with S8 flipped differs from the data at one observed cell."""
    rule = parse_rule("B567/S378")
    obs = _observed(rule, 3, 0.1, 3)
    return rule, obs, make_samples(obs, 3)


@pytest.mark.parametrize("ranked", [True, False])
def test_a_rival_that_fits_every_sample_alone_is_refuted_by_one_block(
    freezing, ranked, monkeypatch
):
    # negative control: the same 64 blocks taken in sample order, not likeliest first,
    # miss the one place where the rival fails
    if not ranked:
        monkeypatch.setattr(blocks, "expected_differing", lambda t, d, p, k, a: np.zeros(len(p)))
    rule, obs, samples = freezing
    truth = OT.values(rule)
    rival = truth.copy()
    rival[OT.names.index("S8")] ^= 1
    refuted = refute_by_blocks(obs, samples, np.stack([rival, truth]), OT.of_window, 1e12)
    assert refuted.tolist() == [ranked, False]


def test_settle_open_makes_the_answer_unique_only_when_one_rule_is_left(freezing):
    rule, obs, samples = freezing
    wrong = parse_rule("B567/S37")
    found = Identification(wrong, "outer-totalistic", "moore", False, 0, 0, 10, ["S8"], 3)
    settled = settle_open(obs, samples, found, 1e12, "torus")
    assert (settled.rule.window_table == rule.window_table).all()
    assert settled.unique and settled.undetermined == [] and settled.mismatches == 0
    assert settle_open(obs, samples, found, 0.0, "torus") is found  # no time: no claim


def test_a_rule_that_errs_where_it_decides_is_refuted_without_a_block(freezing):
    # with no time for a block, the rival with S3 flipped still errs on samples whose cone
    # fixes its prediction: on clean data that refutes it; the truth errs nowhere
    rule, obs, samples = freezing
    found = Identification(rule, "outer-totalistic", "moore", False, 0, 0, 10, ["S3"], 3)
    settled = settle_open(obs, samples, found, 0.0, "torus")
    assert settled.unique and (settled.rule.window_table == rule.window_table).all()
    assert settled.details["refuted_where_decided"] == 1 and settled.mismatches == 0


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    stride=st.integers(1, 3),
    hidden=st.sampled_from([0.1, 0.3]),
)
def test_the_rule_that_made_the_data_is_never_refuted(seed, stride, hidden):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, OT.count).astype(np.uint8)
    truth[OT.of_window[0]] = 0
    rivals = np.repeat(truth[None], 4, axis=0)
    rivals[np.arange(4), rng.choice(OT.count, 4, replace=False)] ^= 1
    obs = _observed(OT.rule(truth), stride, hidden, seed % 1000, n=2, size=12, frames=4)
    rules = np.concatenate([truth[None], rivals])
    refuted = refute_by_blocks(obs, make_samples(obs, stride), rules, OT.of_window, 1e12, count=8)
    assert not refuted[0]


ISO = window_classes("isotropic")
_SINGLE = "single-entry rivals each lose by the noise margin (simulated)"


@pytest.fixture(scope="module")
def isotropic_unseen():
    """The benchmark's isotropic rule of seed 0 at stride 3, clean, 20% unseen: handed the
    truth, the single-entry certificate leaves B2n, S2n and S4e open (measured)."""
    rule = parse_rule("B134-eknrz5ei6ikn7e8/S1e2-a3-in4knqrtw5aeinr6ae7c8")
    obs = _observed(rule, 3, 0.2, 0)
    return rule, obs, make_samples(obs, 3)


def _iso_answer(rule, flip, undetermined, mismatches=0):
    values = ISO.values(rule)
    values[[ISO.names.index(name) for name in flip]] ^= 1
    details = {"search": "relax", "certificate": _SINGLE}
    return Identification(ISO.rule(values), "isotropic", "moore", False, 1, mismatches, 100,
                          undetermined, 3, details=details)  # fmt: skip


def test_an_isotropic_answers_open_entries_are_settled_by_blocks(isotropic_unseen):
    # negative control: the answer named is wrong in S4e, one of its open entries; only the
    # truth survives, and the certificate keeps saying how rivals beyond them were refuted
    rule, obs, samples = isotropic_unseen
    found = _iso_answer(rule, ["S4e"], ["B2n", "S2n", "S4e"])
    settled = _settle_clean_sat(obs, samples, found, time.perf_counter(), {"budget_s": 60,
                                "boundary": "torus"})  # fmt: skip
    assert (ISO.values(settled.rule) == ISO.values(rule)).all()
    assert settled.unique and settled.undetermined == []
    assert settled.details["certificate"].startswith(_SINGLE)
    assert "block" in settled.details["certificate"]


@pytest.mark.parametrize("mismatches, undetermined", [(3, ["S4e"]), (0, ISO.names[:7])])
def test_noisy_or_wide_open_isotropic_answers_are_left_as_they_are(
    isotropic_unseen, mismatches, undetermined
):
    rule, obs, samples = isotropic_unseen
    found = _iso_answer(rule, [], undetermined, mismatches)
    how = {"budget_s": 60, "boundary": "torus"}
    assert _settle_clean_sat(obs, samples, found, time.perf_counter(), how) is found
