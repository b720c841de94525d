"""The extract front door and its command line."""

import json

from lifecore import extract as E
from lifecore.cli import main


def test_extract_front_door_and_cli(tmp_path, capsys, exact_cnn_tiny):
    from lifecore import models

    net = exact_cnn_tiny("B3/S23")
    path = models.save(
        net, tmp_path / "life.pt", rule="B36/S23", neighbourhood="moore"
    )  # rule string is a decoy
    assert str(E.extract(models.load(path)).rule) == "B3/S23"
    assert main(["extract", str(path), "--method", "enumerate", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    last = json.loads(out[-1])
    assert last["rule"] == "B3/S23" and last["undetermined"] == [] and last["method"] == "enumerate"
    assert not last["certified"] and out[1].startswith("not certified: an estimate")
    assert main(["extract", str(path), "--method", "statistics", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["rule"] == "B3/S23"


def test_cli_bad_checkpoint(tmp_path, capsys):
    bad = tmp_path / "bad.pt"
    bad.write_text("not a checkpoint")
    assert main(["extract", str(bad)]) == 2
    assert "not a readable" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "missing.pt")]) == 2
