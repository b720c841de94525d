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


def test_class_counts_by_hand():
    from lifecore.data import class_counts

    states = np.array([[0, 1, 1], [0, 0, 1]])
    counts = np.array([[3, 2, 2], [0, 8, 3]])
    out = class_counts(states, counts, 8)
    expected = np.zeros((2, 9), np.int64)
    expected[0, 3] = expected[1, 2] = 1
    expected[1, 2] += 1
    expected[0, 0] = expected[0, 8] = expected[1, 3] = 1
    assert out.shape == (2, 9) and np.array_equal(out, expected)
    nxt = np.array([[1, 1, 0], [0, 0, 1]])
    trans = class_counts(states, counts, 8, nxt)
    assert trans.shape == (2, 9, 2) and np.array_equal(trans.sum(axis=2), expected)
    assert trans[1, 2, 1] == 1 and trans[1, 2, 0] == 1 and trans[0, 3, 1] == 1


@pytest.mark.parametrize(
    "states, counts, size",
    [([0, 2], [1, 1], 8), ([0, 1], [1, 9], 8), ([0, 1], [1], 8), ([0, 1], [-1, 0], 8)],
)
def test_class_counts_rejects_bad_input(states, counts, size):
    from lifecore.data import class_counts

    with pytest.raises(DataError):
        class_counts(np.array(states), np.array(counts), size)


def test_saved_dataset_carries_a_checksum_that_catches_a_changed_array(tmp_path):
    import zipfile

    data = make_dataset("B3/S23", n=6, size=8, steps=3, seed=2)
    path = data.save(tmp_path / "d.npz")
    assert not list(tmp_path.glob("*.tmp"))
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    # rewrite one array with a valid archive (so only the checksum can notice)
    changed = data.trajectory.copy()
    changed[0] += 1
    import io

    buf = io.BytesIO()
    np.save(buf, changed)
    members["trajectory.npy"] = buf.getvalue()
    with zipfile.ZipFile(tmp_path / "e.npz", "w") as z:
        for n, b in members.items():
            z.writestr(n, b)
    with pytest.raises(DataError, match="checksum"):
        TransitionData.load(tmp_path / "e.npz")


def test_pairs_must_follow_the_stored_rule(tmp_path):
    highlife = make_dataset("B36/S23", n=20, size=12, steps=6, seed=0)
    mislabelled = TransitionData(
        highlife.x, highlife.y, highlife.trajectory, {**highlife.meta, "rule": "B3/S23"}
    )
    mislabelled.save(tmp_path / "m.npz")  # saving is allowed; loading checks
    with pytest.raises(DataError, match="do not follow the stored rule B3/S23"):
        TransitionData.load(tmp_path / "m.npz")
    highlife.save(tmp_path / "h.npz")
    assert TransitionData.load(tmp_path / "h.npz").rule == Rule.parse("B36/S23")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"steps": 0}, "steps"),
        ({"steps": -3}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"seed": 10**300}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"n": 0}, "soups"),
        ({"size": 0}, "size"),
        ({"n": 10**6, "size": 1000}, "MAX_CELLS"),
    ],
)
def test_make_dataset_bad_arguments_give_clear_messages(kwargs, match):
    with pytest.raises(DataError, match=match) as info:
        make_dataset("B3/S23", **kwargs)
    assert len(str(info.value)) < 200


def test_largest_seed_is_accepted():
    assert make_dataset("B3/S23", n=2, size=6, steps=2, seed=2**64 - 1).meta["seed"] == 2**64 - 1
