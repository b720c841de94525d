"""python -m lifecore discover: output, bad data and hostile files."""

import json

import numpy as np
import pytest

from lifecore import data, simulate
from lifecore.cli import main


def _traj(rule, n=4, size=24, steps=6, density=data.COVERING, seed=0):
    return simulate(data.soups(n, size, density, seed), rule, steps)


def test_cli_json(tmp_path, capsys):
    path = tmp_path / "d.npz"
    np.savez(path, trajectories=_traj("B13/S012V"))
    assert main(["discover", str(path), "--json", "--no-network"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (
        last["rule"] == "B13/S012V"
        and last["neighbourhood"] == "vonneumann"
        and last["undetermined"] == []
    )
    assert "agreement" in last


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"boards": np.zeros((1, 2, 4, 4), np.uint8)}, "no 'trajectories'"),
        ({"trajectories": np.zeros((1, 2, 4, 4), np.float32)}, "uint8"),
        ({"trajectories": np.zeros((2, 4, 4), np.uint8)}, "(N, T, H, W)"),
        ({"trajectories": np.full((1, 2, 4, 4), 2, np.uint8)}, "only 0 and 1"),
        ({"trajectories": np.zeros((1, 1, 4, 4), np.uint8)}, "T >= 2"),
    ],
)
def test_cli_bad_data(tmp_path, capsys, arrays, message):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    assert main(["discover", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_cli_data_no_rule_explains(tmp_path, capsys):
    x = data.soups(2, 16, 0.5, seed=0)
    traj = np.stack([x, (np.random.default_rng(1).random(x.shape) < 0.5).astype(np.uint8)], 1)
    path = tmp_path / "random.npz"
    np.savez(path, trajectories=traj)
    assert main(["discover", str(path), "--no-network"]) == 2
    assert "no outer-totalistic rule" in capsys.readouterr().err
    assert main(["discover", str(tmp_path / "nope.npz")]) == 2
    (tmp_path / "junk.npz").write_text("junk")
    assert main(["discover", str(tmp_path / "junk.npz")]) == 2


# -- hostile files (issue 8): every corruption ends in DiscoveryError naming the file ---------
def _good_npz(tmp_path):
    path = tmp_path / "good.npz"
    np.savez(path, trajectories=_traj("B36/S23", n=2, size=8, steps=2))
    return path


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"hello", "not an .npz"),
        (None, "a .npy file"),
    ],
)
def test_not_an_npz(tmp_path, capsys, content, message):
    from lifecore.discover import DiscoveryError, load_trajectories

    path = tmp_path / "data.npz"
    if content is None:
        np.save(tmp_path / "data.npy", np.zeros((1, 2, 4, 4), np.uint8))
        (tmp_path / "data.npy").rename(path)
    else:
        path.write_bytes(content)
    with pytest.raises(DiscoveryError, match=message) as err:
        load_trajectories(path)
    assert str(path) in str(err.value)
    assert main(["discover", str(path), "--no-network"]) == 2
    assert str(path) in capsys.readouterr().err


def test_truncated_npz(tmp_path):
    from lifecore.discover import DiscoveryError, load_trajectories

    good = _good_npz(tmp_path).read_bytes()
    for cut in (10, len(good) // 2, len(good) - 5):
        path = tmp_path / f"cut{cut}.npz"
        path.write_bytes(good[:cut])
        with pytest.raises(DiscoveryError, match="cut"):
            load_trajectories(path)


def test_header_declaring_more_than_stored_is_refused_before_allocation(tmp_path):
    import zipfile

    from lifecore.discover import DiscoveryError, load_trajectories

    header = {"descr": "|u1", "fortran_order": False, "shape": (10**6, 2, 10**4, 10**4)}
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as z, z.open("trajectories.npy", "w") as f:
        np.lib.format.write_array_header_1_0(f, header)
        f.write(b"\x00" * 64)
    with pytest.raises(DiscoveryError, match="declares"):
        load_trajectories(path)


def test_byte_flips_never_escape_as_other_errors(tmp_path):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from lifecore.discover import DiscoveryError, load_trajectories

    good = _good_npz(tmp_path).read_bytes()
    path = tmp_path / "flipped.npz"
    path.write_bytes(good)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, len(good) - 1), st.integers(1, 255)), max_size=4))
    def check(flips):
        data = bytearray(good)
        for i, x in flips:
            data[i] ^= x
        path.write_bytes(bytes(data))
        try:
            arr = load_trajectories(path)
        except DiscoveryError as err:
            assert str(path) in str(err)
        else:  # a flip the format cannot see (e.g. in an unused zip field): still valid data
            assert arr.dtype == np.uint8 and arr.ndim == 4 and arr.max() <= 1

    check()


def test_compressed_npz_reads(tmp_path):
    from lifecore.discover import load_trajectories

    traj = _traj("B3/S23", n=2, size=8, steps=2)
    path = tmp_path / "c.npz"
    np.savez_compressed(path, trajectories=traj)
    assert (load_trajectories(path) == traj).all()


def test_dead_boundary_data(tmp_path, capsys):
    """Data from a bounded plane (dead cells outside): a torus reading sees conflicts at the
    edges; --boundary dead reads the rule."""
    traj = simulate(data.soups(6, 16, data.COVERING, 0), "B36/S23", 6, boundary="dead")
    path = tmp_path / "plane.npz"
    np.savez(path, trajectories=traj)
    assert main(["discover", str(path), "--no-network", "--boundary", "dead", "--json"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["rule"] == "B36/S23" and last["undetermined"] == []
    assert main(["discover", str(path), "--no-network", "--neighbourhood", "moore"]) == 2


@pytest.mark.parametrize(
    "rule, family, expected_family",
    [
        ("B2-a/S12", "isotropic", "isotropic"),
        ("B2-a/S12", "auto", "isotropic"),
        ("B3/S23", "auto", "outer-totalistic"),
        ("B3/S23", "map", "map"),
    ],
)
def test_cli_family(tmp_path, capsys, rule, family, expected_family):
    from lifecore import Rule
    from lifecore.discover import design_board

    board = design_board("map")[None]  # every window: every class of every family
    traj = np.stack([board, simulate(board, rule, 1)[:, 1]], 1)
    path = tmp_path / "d.npz"
    np.savez(path, trajectories=traj)
    assert main(["discover", str(path), "--family", family, "--no-network", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    last = json.loads(out[-1])
    assert last["rule"] == str(Rule.parse(rule)) and last["undetermined"] == []
    assert last["family"] == expected_family and out[0].startswith(f"rule: {Rule.parse(rule)}")


def test_cli_family_lists_undetermined_hensel_classes(tmp_path, capsys):
    traj = simulate(data.soups(1, 16, 0.15, seed=0), "B2-a/S12", 3)
    path = tmp_path / "d.npz"
    np.savez(path, trajectories=traj)
    assert main(["discover", str(path), "--family", "isotropic", "--no-network"]) == 0
    out = capsys.readouterr().out
    assert "undetermined (never seen in the data, 44 classes): B4c B4e" in out
