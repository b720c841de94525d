"""`lifecore.experiments.sample_size`: the fewest boards that give a certified network."""

import pytest

from lifecore.book.beyond import north_wind_rule
from lifecore.experiments import BoardsNeeded, ExperimentError, boards_needed, boards_table
from lifecore.rules.symmetry import lower_bound
from lifecore.train import TrainConfig

FAST = TrainConfig(max_epochs=40, patience=10, rollout_steps=0, threads=1)


def test_a_symmetric_model_on_a_rule_without_its_symmetry_is_ruled_out_untrained():
    wind = north_wind_rule()
    got = boards_needed(wind, "p4cnn-small", ladder=(4, 8))
    assert got.boards is None and got.tried == ()
    assert got.bound == lower_bound(wind, "p4", 3).wrong_windows > 0
    assert got.family == "map"


def test_life_is_certified_on_the_first_rung_that_works_and_not_before():
    got = boards_needed("B3/S23", "cnn-small", seed=0, ladder=(2, 64), config=FAST)
    assert got.bound == 0 and got.family == "outer-totalistic"
    assert got.tried and got.tried == (2, 64)[: len(got.tried)]
    # found on the last rung tried, or on none: never a rung after a certified one
    assert got.boards == got.tried[-1] or (got.boards is None and got.tried == (2, 64))
    assert got.boards is not None  # 64 boards of 16x16 show Life's 18 classes many times


@pytest.mark.parametrize("ladder", [(), (1, 4), (8, 4), (4, 4)])
def test_bad_ladder_is_refused(ladder):
    with pytest.raises(ExperimentError, match="ladder"):
        boards_needed("B3/S23", "cnn-small", ladder=ladder)


def _row(seed, boards, bound=0, added=0):
    tried = () if bound else ((4, 8) if boards == 8 else (4,))
    return BoardsNeeded(
        "B3/S23", "outer-totalistic", "m", seed, boards, added, True, bound, tried, 1.0
    )


def test_boards_table_by_hand():
    (row,) = boards_table([_row(0, 4, added=2), _row(1, 8, added=6), _row(2, None)])
    assert row["certified"] == "2 of 3"
    assert row["median boards"] == 6 and row["most boards"] == 8
    assert row["median windows added"] == 4
    (never,) = boards_table([_row(0, None, bound=7)])
    assert never["median boards"] == "never" and never["windows a symmetric network must miss"] == 7


def test_smaller_rungs_get_as_many_optimiser_steps(monkeypatch):
    """Epochs and patience scale with largest / n, so 4 boards train 8x the epochs of 32."""
    from lifecore import train

    seen = []

    def never_certified(rule, model, seed, config, progress, kernel_size):
        seen.append(config)
        return type("R", (), {"certificate": None, "counterexample_windows": 0})()

    monkeypatch.setattr(train, "train_rule", never_certified)
    got = boards_needed("B3/S23", "cnn-small", ladder=(4, 8, 32), config=FAST)
    assert got.boards is None and got.tried == (4, 8, 32)
    assert [c.data_n for c in seen] == [4, 8, 32]
    assert [c.max_epochs for c in seen] == [40 * 8, 40 * 4, 40]
    assert [c.patience for c in seen] == [10 * 8, 10 * 4, 10]
    assert {c.max_proofs for c in seen} == {FAST.max_proofs}
    seen.clear()
    boards_needed("B3/S23", "cnn-small", ladder=(4, 8), config=FAST, feedback=False)
    assert [c.max_proofs for c in seen] == [1, 1]  # one proof at the end, nothing learned
