import numpy as np
import pytest

from lifecore import Rule, step
from lifecore.data import (
    COVERING,
    DataError,
    TransitionData,
    coverage,
    make_dataset,
    soups,
    trajectories,
    transition_counts,
)


def test_soups_are_seeded_and_dense_as_asked():
    a, b = soups(8, (30, 40), 0.3, seed=7), soups(8, (30, 40), 0.3, seed=7)
    assert a.shape == (8, 30, 40) and a.dtype == np.uint8 and np.array_equal(a, b)
    assert not np.array_equal(a, soups(8, (30, 40), 0.3, seed=8))
    assert abs(a.mean() - 0.3) < 0.02
    ranged = soups(200, 16, (0.1, 0.9), seed=0).mean(axis=(1, 2))
    assert ranged.min() < 0.2 and ranged.max() > 0.8  # one density per board


@pytest.mark.parametrize("density", [-0.1, 1.5, (0.8, 0.2), "dense"])
def test_bad_density(density):
    with pytest.raises(DataError, match="density"):
        soups(2, 8, density)


def test_pairs_are_true_transitions_and_stop_at_repeats():
    data = make_dataset("B3678/S34678", n=12, size=16, steps=60, density=0.5, seed=3)
    assert np.array_equal(step(data.x, "B3678/S34678"), data.y)
    frames, report = trajectories("B3678/S34678", 12, 16, 60, 0.5, seed=3)
    assert len(data) == int((report.length - 1).sum())
    # No pair continues past a board's first repeated state.
    for i in range(12):
        assert (data.trajectory == i).sum() == report.length[i] - 1


def test_split_is_by_trajectory():
    data = make_dataset("B3/S23", n=20, size=12, steps=10, seed=1)
    train, val = data.split(0.25, seed=0)
    assert len(train) + len(val) == len(data)
    assert not set(train.trajectory) & set(val.trajectory)
    again = data.split(0.25, seed=0)[1]
    assert np.array_equal(again.trajectory, val.trajectory)


def test_coverage_counts_by_hand():
    board = np.zeros((5, 5), np.uint8)
    board[2, 1:4] = 1  # blinker: centre has 2 live neighbours, ends have 1
    cov = coverage(board, "B3/S23")
    assert cov.sum() == 25
    assert cov[1, 2] == 1 and cov[1, 1] == 2
    assert cov[0, 3] == 2  # cells above and below the centre
    assert cov.shape == (2, 9)
    assert coverage(board, "B1/SV").shape == (2, 5)


def test_covering_scheme_covers_high_counts_that_uniform_starves():
    life = Rule.parse("B3/S23")
    notes = make_dataset(life, n=32, size=32, steps=100, density=0.5, seed=0).coverage()
    covering = make_dataset(life, n=32, size=32, steps=8, density=COVERING, seed=0).coverage()
    share = lambda c: c[:, 6:].sum() / c.sum()  # noqa: E731  (six or more neighbours)
    assert share(covering) > 5 * share(notes)
    assert (covering > 0).all()


def test_transition_counts_match_the_rule():
    rule = Rule.parse("B36/S23")
    data = make_dataset(rule, n=16, size=16, steps=8, seed=2)
    counts = transition_counts(data.x, data.y, "moore")
    seen = counts.sum(axis=2) > 0
    # Every seen class goes only to the rule's next state.
    for s, c in zip(*np.nonzero(seen)):
        assert counts[s, c, 1 - rule.table[s, c]] == 0


def test_save_load_round_trip(tmp_path):
    data = make_dataset("B2/S013V", n=6, size=10, steps=5, seed=4)
    path = data.save(tmp_path / "d.npz")
    back = TransitionData.load(path)
    assert np.array_equal(back.x, data.x) and np.array_equal(back.y, data.y)
    assert back.meta == data.meta and back.rule == Rule.parse("B2/S013V")


def test_load_rejects_bad_files(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="cannot read"):
        TransitionData.load(tmp_path / "junk.npz")
    np.savez(tmp_path / "missing.npz", x=np.zeros((1, 2, 2), np.uint8))
    with pytest.raises(DataError, match="missing arrays"):
        TransitionData.load(tmp_path / "missing.npz")
    z = np.zeros((2, 3, 3), np.uint8)
    np.savez(
        tmp_path / "dtype.npz",
        x=z.astype(float),
        y=z,
        trajectory=np.zeros(2, int),
        meta=np.array("{}"),
    )
    with pytest.raises(DataError, match="uint8"):
        TransitionData.load(tmp_path / "dtype.npz")
    np.savez(
        tmp_path / "values.npz", x=z + 2, y=z, trajectory=np.zeros(2, int), meta=np.array("{}")
    )
    with pytest.raises(ValueError, match="0 and 1"):
        TransitionData.load(tmp_path / "values.npz")
    np.savez(
        tmp_path / "rule.npz",
        x=z,
        y=z,
        trajectory=np.zeros(2, int),
        meta=np.array('{"rule": "B9/S"}'),
    )
    with pytest.raises(ValueError, match="9"):
        TransitionData.load(tmp_path / "rule.npz")
    np.savez(tmp_path / "ids.npz", x=z, y=z, trajectory=np.zeros(3, int), meta=np.array("{}"))
    with pytest.raises(DataError, match="trajectory ids"):
        TransitionData.load(tmp_path / "ids.npz")


def test_rarest_class_by_hand():
    from lifecore.data import rarest_class

    cov = np.array([[5, 3, 9], [7, 1, 4]])
    name, share = rarest_class(cov)
    assert name == "S1" and share == pytest.approx(1 / 29)
