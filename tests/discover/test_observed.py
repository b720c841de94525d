"""Discovery from observed data: strides, unseen cells, noise; the verdict's negative controls.

The truth is always the rule the frames were simulated with; the observation model
(`observe`) is checked on its own, then every search is held against that truth.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import simulate
from lifecore.data import soups
from lifecore.discover import DiscoveryError, exhaustive
from lifecore.discover._kernel import count_tables
from lifecore.discover.exhaustive import score_rules
from lifecore.discover.identify import identify
from lifecore.discover.observed import HIDDEN, UNKNOWN, Samples, make_samples, observe
from lifecore.discover.verdict import required_margin
from lifecore.rules import parse_rule
from lifecore.rules.families import window_classes


def _frames(rule, n=4, size=24, frames=12, stride=1, density=0.35, seed=1):
    boards = soups(n, size, density, seed=seed)
    return np.asarray(simulate(boards, parse_rule(rule), (frames - 1) * stride))


def _same(a, b) -> bool:
    return (parse_rule(str(a)).window_table == parse_rule(str(b)).window_table).all()


def _samples_of(patches: np.ndarray):
    """Samples of hand-made patches (targets all dead) at stride 2."""
    return Samples(patches, np.zeros(len(patches), np.uint8), 2)


def test_observe_keeps_every_kth_frame_and_hides_and_flips_at_the_rates():
    frames = _frames("B3/S23", n=2, size=32, frames=7, stride=2)
    clean = observe(frames, stride=2)
    assert (clean == frames[:, ::2]).all()
    obs = observe(frames, stride=2, hidden=0.3, noise=0.05, seed=3)
    hidden = obs == HIDDEN
    assert 0.25 < hidden.mean() < 0.35
    flipped = (obs != clean) & ~hidden
    assert 0.03 < flipped.sum() / (~hidden).sum() < 0.07


def test_samples_are_the_patch_around_each_observed_target():
    frames = _frames("B3/S23", n=1, size=8, frames=3)
    obs = observe(frames, hidden=0.2, seed=0)
    s = make_samples(obs, 1)
    assert len(s) == (obs[:, 1:] != HIDDEN).sum()
    # the first observed target: its patch is the wrapped 3x3 block of the frame before
    t, i, j = np.argwhere(obs[0, 1:] != HIDDEN)[0]
    block = np.roll(obs[0, t], (1 - i, 1 - j), (0, 1))[:3, :3]
    assert (s.patches[0] == np.where(block == HIDDEN, UNKNOWN, block)).all()


def test_bad_values_and_strides_are_refused():
    with pytest.raises(DiscoveryError, match="0, 1 or 255"):
        identify(np.full((1, 2, 4, 4), 7, np.uint8))
    with pytest.raises(DiscoveryError, match="stride"):
        identify(np.zeros((1, 2, 4, 4), np.uint8), stride=0)


@pytest.mark.parametrize("rule", ["B36/S23", "B3/S23V"])
def test_stride_one_with_1pct_noise_and_20pct_hidden_is_exact_and_unique(rule):
    obs = observe(_frames(rule, n=8, size=32, frames=12), hidden=0.2, noise=0.01, seed=0)
    found = identify(obs, family="auto")
    assert found.verdict == "unique", found.undetermined
    assert _same(found.rule, rule)


def test_stride_one_isotropic_settles_only_what_the_noisy_data_show():
    rule = "B2-a/S12"
    obs = observe(_frames(rule, n=8, size=32, frames=12), hidden=0.2, noise=0.01, seed=0)
    found = identify(obs, family="auto")
    assert found.family == "isotropic"
    classes = window_classes("isotropic")
    settled = [i for i, n in enumerate(classes.names) if n not in found.undetermined]
    assert len(settled) > 90  # of 102; the open ones are the rare windows (B8, S8, ...)
    truth = classes.values(rule)
    assert (classes.values(found.rule)[settled] == truth[settled]).all()


@pytest.mark.parametrize("stride", [2, 3])
def test_strides_two_and_three_recover_the_rule(stride):
    obs = observe(_frames("B3/S23", n=4, size=24, frames=8, stride=stride), stride=stride)
    found = identify(obs, stride, family="outer-totalistic", neighbourhood="moore")
    assert _same(found.rule, "B3/S23")
    assert found.verdict == "unique" and found.margin >= 1


def test_a_rival_that_fits_all_but_a_few_cells_is_rejected():
    # S23 vs S238: they differ only when a live cell has 8 live neighbours, which soups at
    # low density almost never show; the data have a few such cells.
    frames = _frames("B3/S23", n=8, size=32, frames=10, density=0.45)
    samples = make_samples(frames, 1)
    counts = score_rules(
        np.stack([parse_rule(r).window_table for r in ("B3/S23", "B3/S238")]), samples
    )
    truth, rival = counts[:, 0]
    assert truth == 0 and 0 < rival < 0.001 * len(samples)
    found = identify(frames, family="outer-totalistic", neighbourhood="moore")
    assert _same(found.rule, "B3/S23") and found.verdict == "unique"


@pytest.mark.parametrize("noise", [0.0, 0.01])
def test_a_rule_that_leaves_more_predictions_open_does_not_win_behind_unseen_cells(noise):
    # the benchmark's B12/S012345678 at stride 2 with 20% unseen: sample B never exercised
    # S0, and by total mismatches the rival without S0 led (it leaves more predictions open);
    # judged pairwise on all samples where both decide and disagree, the truth wins
    frames = _frames("B12/S012345678", n=16, size=32, frames=20, stride=2, seed=0)
    obs = observe(frames, 2, hidden=0.2, noise=noise, seed=0)
    samples = make_samples(obs, 2)
    rules = np.stack([parse_rule(r).window_table for r in ("B12/S012345678", "B12/S12345678")])
    (truth, truth_decided), (rival, rival_decided) = score_rules(rules, samples)
    assert rival_decided < truth_decided and (noise > 0 or rival > truth == 0)
    found = identify(obs, 2, family="outer-totalistic", neighbourhood="moore")
    assert _same(found.rule, "B12/S012345678") and found.verdict == "unique"


def test_a_rule_whose_soups_die_is_found_from_the_few_frames_that_move():
    # the benchmark's B567/S378 (seed 3): its soups are dead by generation 4, so at stride 2
    # three of 20 frames hold anything and most cones are uniform. Stage A of 256 such
    # samples left 3,356 rules within its cutoff; the first 512 by count dropped the truth,
    # and every class was open at 1% noise. Narrowed on sample B, it is exact and unique
    frames = _frames("B567/S378", n=16, size=32, frames=20, stride=2, seed=3)
    assert frames[:, 4:].mean() < 0.01  # the negative control: the soups do die
    obs = observe(frames, 2, noise=0.01, seed=3)
    found = identify(obs, 2, family="outer-totalistic", neighbourhood="moore", seed=3)
    assert _same(found.rule, "B567/S378") and found.verdict == "unique"


def test_unseen_cells_filled_in_every_way_refute_a_rival_left_open_generation_by_generation():
    # the benchmark's B5/S012357 (seed 2), whose soups freeze, at stride 2 with 10% unseen:
    # its S8 rival errs on no sample the generation-by-generation prediction decides (one
    # unseen cell leaves every later cell that sees it open), so S8 was left open. Over
    # every completion of a sample's unseen cells it errs once, and a clean fit refutes it
    frames = _frames("B5/S012357", n=16, size=32, frames=20, stride=2, seed=2)
    obs = observe(frames, 2, hidden=0.1, seed=2)
    samples = make_samples(obs, 2)
    rules = np.stack([parse_rule(r).window_table for r in ("B5/S012357", "B5/S0123578")])
    plain = count_tables(rules, samples.patches, samples.targets, 2)
    assert plain[0, 0] == 0 and plain[1, 0] == 0  # the control: the old count cannot tell
    assert tuple(score_rules(rules, samples)[:, 0]) == (0, 1)
    found = identify(obs, 2, family="outer-totalistic", neighbourhood="moore", seed=2)
    assert _same(found.rule, "B5/S012357") and found.verdict == "unique"


def test_a_rule_that_leaves_more_open_refutes_the_truth_by_totals_but_not_pairwise():
    # the benchmark's B5/S012357 at stride 3, 1% noise, 20% unseen: without B2 a rule leaves
    # most predictions open and errs on far fewer samples in total, which stages A and B
    # would read as the truth refuted; where both decide, it does not beat the truth
    frames = _frames("B5/S012357", n=16, size=32, frames=20, stride=3, seed=2)
    samples = make_samples(observe(frames, 3, hidden=0.2, noise=0.01, seed=2), 3)
    classes = window_classes("outer-totalistic")
    of_window = np.asarray(classes.of_window, dtype=np.int64)
    truth = int((classes.values(parse_rule("B5/S012357")).astype(np.int64) << np.arange(18)).sum())
    rival = truth ^ (1 << classes.names.index("B2"))
    totals = score_rules(exhaustive._tables(np.array([truth, rival]), of_window), samples)[:, 0]
    assert totals[0] - totals[1] >= required_margin(int(totals[1]))  # by totals: refuted
    kept = exhaustive._pairwise_survivors(rival, np.array([truth]), of_window, samples, False)
    assert kept.tolist() == [truth]


def test_many_rules_tied_on_stage_a_are_narrowed_on_b_not_all_left_open():
    # the same rule at 1% noise and 10% unseen: 20,803 rules sit within stage A's cutoff;
    # narrowed on sample B, only S8 stays open by samples alone (with the first 8,192-rule
    # cap: all 18), and S8 is settled by judging the last rival jointly (`joint`)
    frames = _frames("B567/S378", n=16, size=32, frames=20, stride=2, seed=3)
    obs = observe(frames, 2, hidden=0.1, noise=0.01, seed=3)
    found = identify(obs, 2, family="outer-totalistic", neighbourhood="moore", seed=3)
    assert _same(found.rule, "B567/S378") and found.verdict == "unique"
    assert found.margin >= 1  # what the best rival gives up, each rule counted alike


def test_stages_a_and_b_draw_mostly_varied_cones_fewest_unseen_first():
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 2, (400, 5, 5)).astype(np.uint8)
    patches[:300] = 0  # 300 uniform (all dead) cones, 100 varied ones
    patches[::7, 0, 0] = UNKNOWN  # some with an unseen cell
    samples = _samples_of(patches)
    picked = exhaustive._pick(samples, 64, rng)
    uniform = exhaustive._uniform(picked)
    assert uniform.sum() == 64 // 8  # one in eight from uniform cones, the rest varied
    assert (picked.unknown[~uniform] == 0).all()  # the varied ones with no unseen cell first
    everything = exhaustive._pick(samples, 350, rng)  # too few varied: uniform fill the rest
    assert exhaustive._uniform(everything).sum() == 350 - 100


def test_a_clean_fit_refutes_a_rule_that_errs_only_where_the_fit_is_open():
    # rule 0 has no decided mismatch; rule 1 has 5, all where rule 0 is left open (they
    # never disagree where both decide); rule 2 has fewer mismatches than rule 3 only
    # because it decides less (noisy data): totals alone must not refute rule 3
    errors = np.zeros((4, 4), dtype=np.int64)
    errors[3, 2], errors[2, 3] = 1, 4  # where both decide, rule 3 is the better
    missed = np.array([0, 5, 1674, 2303])
    assert exhaustive._refutes(errors, missed, 0, 1) and not exhaustive._refutes(
        errors, missed, 1, 0
    )
    assert not exhaustive._refutes(errors, missed, 2, 3)
    assert not exhaustive._refutes(errors, missed, 3, 2)  # 4 against 1: within the margin


def test_too_few_frames_are_flagged_undetermined_never_a_confident_wrong_rule():
    frames = _frames("B36/S23", n=1, size=6, frames=2, density=0.3)
    found = identify(frames, family="outer-totalistic", neighbourhood="moore")
    assert found.verdict == "undetermined"
    assert found.undetermined  # names the classes the data cannot settle
    table = parse_rule("B36/S23").window_table
    assert (found.rule.window_table == table).mean() > 0  # a member of the set, not the answer


def test_too_much_hidden_at_stride_three_is_not_called_unique_unless_right():
    obs = observe(_frames("B3/S23", n=2, size=16, frames=4, stride=3), 3, hidden=0.5, seed=1)
    found = identify(obs, 3, family="outer-totalistic", neighbourhood="vonneumann")
    assert found.verdict != "unique"


def test_isotropic_at_stride_two_goes_to_the_sat_search():
    obs = observe(_frames("B2-a/S12", n=2, size=12, frames=4, stride=2), stride=2)
    found = identify(obs, 2, family="isotropic", budget_s=30)
    assert found.details["search"] == "sat"
    assert found.verdict != "unique" or _same(found.rule, "B2-a/S12")


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**10 - 1), st.integers(0, 2**16))
def test_random_von_neumann_rules_at_stride_two_are_never_wrong_when_unique(code, seed):
    bits = [(code >> i) & 1 for i in range(10)]
    born = "".join(str(i) for i in range(5) if bits[i])
    survive = "".join(str(i) for i in range(5) if bits[5 + i])
    rule = f"B{born}/S{survive}V"
    obs = observe(_frames(rule, n=2, size=16, frames=5, stride=2, seed=seed), stride=2)
    found = identify(obs, 2, family="outer-totalistic", neighbourhood="vonneumann")
    if found.verdict == "unique":
        assert _same(found.rule, rule)
    else:  # the truth is among the rules the data leave open: it fits as well
        truth = score_rules(parse_rule(rule).window_table, make_samples(obs, 2))[0, 0]
        assert truth <= found.mismatches


def test_cli_answers_strided_noisy_data_with_a_verdict(tmp_path, capsys):
    import json

    from lifecore.cli import main

    obs = observe(_frames("B3/S23V", n=4, size=24, frames=8, stride=2), stride=2, noise=0.001)
    path = tmp_path / "obs.npz"
    np.savez(path, trajectories=obs)
    code = main(["discover", str(path), "--stride", "2", "--neighbourhood", "vonneumann",
                 "--json"])  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    summary = json.loads(out[-1])
    assert _same(summary["rule"], "B3/S23V") and summary["stride"] == 2
    assert out[1].startswith("verdict: ")


def test_cli_answers_isotropic_at_stride_two_with_a_verdict(tmp_path, capsys):
    from lifecore.cli import main

    path = tmp_path / "obs.npz"
    frames = _frames("B2-a/S12", n=4, size=16, frames=6, stride=2)
    np.savez(path, trajectories=observe(frames, stride=2))
    assert main(["discover", str(path), "--stride", "2", "--family", "isotropic"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("rule: ") and "isotropic, moore, stride 2" in out[0]
    assert out[1].startswith("verdict: ")
    assert out[2].startswith("certificate: proof")  # clean data: the SAT proof, named


def test_discover_routes_strided_data_to_identify():
    from lifecore.discover import discover

    obs = observe(_frames("B3/S23V", n=2, size=16, frames=6, stride=2), stride=2)
    found = discover(obs, stride=2, neighbourhood="vonneumann", use_network=False)
    assert found.verdict == "unique" and _same(found.rule, "B3/S23V")
