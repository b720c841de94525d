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
    assert "no Life-like rule" in capsys.readouterr().err
    assert main(["discover", str(tmp_path / "nope.npz")]) == 2
    (tmp_path / "junk.npz").write_text("junk")
    assert main(["discover", str(tmp_path / "junk.npz")]) == 2
