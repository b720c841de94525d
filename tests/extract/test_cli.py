"""The extract front door and its command line."""

import json

import torch

from lifecore import extract as E
from lifecore.cli import main


def test_extract_front_door_and_cli(tmp_path, capsys):
    from lifecore import models

    net = models.build("cnn-tiny", kernel_size=3)
    # overwrite a cnn-tiny-shaped net is not possible (needs 54 hidden); save an exact net's
    # weights in a cnn-tiny of the right width instead
    exact = E.exact_network("B3/S23")
    net = models.build("cnn-tiny", kernel_size=3, hidden=exact.conv.out_channels)
    with torch.no_grad():
        net.body[0].weight.copy_(exact.conv.weight)
        net.body[0].bias.copy_(exact.conv.bias)
        net.body[2].weight.copy_(exact.head.weight)
        net.body[2].bias.copy_(exact.head.bias)
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
