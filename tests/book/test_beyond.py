import numpy as np
import pytest

from lifecore.book import beyond
from lifecore.patterns import pattern
from lifecore.rules import as_rule
from lifecore.symmetry import is_invariant, window_orbits
from lifecore.windows import ALL_WINDOWS


def _on_board(cells: np.ndarray, size: int = 16) -> np.ndarray:
    board = np.zeros((size, size), np.uint8)
    h, w = cells.shape
    board[
        size // 2 - h // 2 : size // 2 - h // 2 + h, size // 2 - w // 2 : size // 2 - w // 2 + w
    ] = cells
    return board


def test_family_sizes_from_independent_counts():
    rows = {r["family"]: r for r in beyond.family_rows()}
    state = ALL_WINDOWS[:, 1, 1]
    count = ALL_WINDOWS.sum(axis=(1, 2)) - state
    assert rows["outer-totalistic"]["classes"] == len(set(zip(state, count))) == 18
    assert rows["isotropic"]["classes"] == len(np.unique(window_orbits("d4"))) == 102
    assert rows["map"]["classes"] == 512
    assert [r["rules"] for r in rows.values()] == ["2^18", "2^102", "2^512"]
    assert rows["map"]["rules (digits)"] == 155  # 2^512 = 1.34e154


def test_golly_rows_agree_with_bgolly():
    rows = beyond.golly_rows()
    assert {r["family"] for r in rows} == {"isotropic", "map"}
    assert all(r["cells that differ"] == 0 and r["live cells (Golly)"] > 0 for r in rows)
    assert rows[0]["rule"] == "B2-a/S12" and rows[0]["grid"] == "torus 32x24"


def test_golly_rows_notice_a_wrong_board(tmp_path):
    # the same soup, run by a different rule, must not match Golly's answer
    src = beyond.GOLLY_FIXTURES
    text = (src / "just_friends_torus.in.rle").read_text().replace("B2-a/S12", "B2/S12")
    (tmp_path / "case.in.rle").write_text(text)
    (tmp_path / "case.out.rle").write_text((src / "just_friends_torus.out.rle").read_text())
    (row,) = beyond.golly_rows(["case"], folder=tmp_path)
    assert row["cells that differ"] > 0


def test_spaceship_shift_known_ships():
    # tlife's T-tetromino: c/5 orthogonal (LifeWiki); Life's glider: c/4 diagonal
    t = _on_board(pattern("tlife t").cells)
    assert beyond.spaceship_shift(t, "tlife", 5) in {(1, 0), (-1, 0), (0, 1), (0, -1)}
    assert beyond.spaceship_shift(t, "tlife", 4) is None
    glider = _on_board(pattern("glider").cells)
    assert beyond.spaceship_shift(glider, "B3/S23", 4) == (1, 1)
    blinker = _on_board(np.ones((1, 3), np.uint8))
    assert beyond.spaceship_shift(blinker, "B3/S23", 2) == (0, 0)
    assert beyond.spaceship_shift(blinker, "B3/S23", 1) is None


def test_chiral_rule_is_p4_only_and_close_to_life():
    rule = beyond.chiral_rule()
    life = as_rule("B3/S23").window_table
    assert rule.family == "map"
    assert is_invariant(rule, "p4") and not is_invariant(rule, "d4")
    changed = np.flatnonzero(rule.window_table != life)
    assert len(changed) == 4
    # each changed window: dead centre, two live neighbours, a corner next to an edge
    assert all(ALL_WINDOWS[i, 1, 1] == 0 and ALL_WINDOWS[i].sum() == 2 for i in changed)


def test_north_wind_rule_has_no_symmetry():
    rule = beyond.north_wind_rule()
    changed = np.flatnonzero(rule.window_table != as_rule("B3/S23").window_table)
    assert len(changed) == 7 and (ALL_WINDOWS[changed, 0, 1] == 1).all()
    assert rule.family == "map" and not is_invariant(rule, "p4")


def test_bound_rows():
    rules = {"Life": "B3/S23", "chiral": beyond.chiral_rule(), "wind": beyond.north_wind_rule()}
    rows = {r["rule"]: r for r in beyond.bound_rows(rules)}
    assert rows["Life"]["d4 must miss"] == 0 and rows["Life"]["d4-invariant"]
    assert rows["chiral"]["p4 must miss"] == 0 and rows["chiral"]["d4 must miss"] == 4
    # 7 windows expect 1 where every other image of them under the group expects 0
    assert rows["wind"]["p4 must miss"] == rows["wind"]["d4 must miss"] == 7


@pytest.mark.parametrize(
    "name, group", [("cnn-small", None), ("p4cnn-tiny", "p4"), ("d4mcnn", "d4"), ("mcnn", None)]
)
def test_model_group(name, group):
    assert beyond.model_group(name) == group


def _run(model, group, seed, certified, wrong, bound):
    return beyond.PriorRun(
        "wind", "MAP...", "map", model, group, seed, certified, wrong, bound, 3,
        None, 10, 0, 1.0,
    )  # fmt: skip


def test_prior_grid_cells():
    runs = [
        _run("cnn-small", "none", 0, True, 0, 0),
        _run("cnn-small", "none", 1, False, 3, 0),
        _run("p4cnn-small", "p4", 0, False, 7, 7),
        _run("p4cnn-small", "p4", 1, False, 9, 7),
    ]
    grid = {r["model"]: r["certified"] for r in beyond.prior_grid(runs)}
    assert grid == {"cnn-small": "1 of 2; 3 wrong", "p4cnn-small": "0 of 2; 7-9 wrong (bound 7)"}


def test_prior_run_respects_the_bound():
    # a rotation-invariant network cannot learn a rule that tells north apart: however it
    # is trained, its certificate finds at least the bound's windows wrong
    from lifecore.train import TrainConfig

    cfg = TrainConfig(max_epochs=2, data_n=32, rollout_steps=0, threads=1)
    (run,) = beyond.prior_runs({"wind": beyond.north_wind_rule()}, ["p4cnn-tiny"], config=cfg)
    assert run.group == "p4" and run.window == 3 and run.bound == 7
    assert not run.certified and run.counterexamples >= run.bound and run.read_back is None
    assert run.to_dict()["rule_name"] == "wind"
