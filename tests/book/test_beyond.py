import numpy as np

from lifecore.book import beyond
from lifecore.patterns import pattern
from lifecore.rules import as_rule
from lifecore.rules.symmetry import is_invariant
from lifecore.rules.windows import ALL_WINDOWS


def _on_board(cells: np.ndarray, size: int = 16) -> np.ndarray:
    board = np.zeros((size, size), np.uint8)
    h, w = cells.shape
    board[
        size // 2 - h // 2 : size // 2 - h // 2 + h, size // 2 - w // 2 : size // 2 - w // 2 + w
    ] = cells
    return board


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


def test_orbit_answers_of_the_chiral_rule():
    # NW and N alive, centre dead: four quarter turns are born, their four mirrors are not
    pairs = beyond.orbit_answers(beyond.chiral_rule(), 256 + 128, "d4")
    assert [a for _, a in pairs] == [1] * 4 + [0] * 4
    assert (256 + 128, 1) in pairs and (128 + 64, 0) in pairs
    assert [a for _, a in beyond.orbit_answers(beyond.chiral_rule(), 384, "p4")] == [1] * 4
    assert len(beyond.orbit_answers("B3/S23", 16, "d4")) == 1  # the lone centre


def test_orbit_figure_has_one_panel_per_window():
    import matplotlib

    matplotlib.use("Agg")
    fig = beyond.orbit_figure(beyond.chiral_rule(), 384)
    assert len(fig.axes) == 8 and fig.axes[0].get_title() == "→ 1"
    assert fig.axes[-1].get_title() == "→ 0"


def test_boards_cell_by_hand():
    from lifecore.experiments import BoardsNeeded

    def answer(boards, bound, tried):
        return BoardsNeeded("B3/S23", "map", "m", 0, boards, 0, False, bound, tried, 0.0)

    assert beyond.boards_cell(answer(8, 0, (2, 4, 8))) == "8"
    assert beyond.boards_cell(answer(None, 7, ())) == "never (7 windows)"
    assert beyond.boards_cell(answer(None, 1, ())) == "never (1 window)"
    assert beyond.boards_cell(answer(None, 0, (2, 4, 256))) == "> 256"
