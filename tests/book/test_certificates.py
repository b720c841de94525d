"""Certificates are computed once per weights and read back from the cache."""

import json

import torch

from lifecore import models
from lifecore.book.certificates import certificates
from lifecore.extract.handmade import exact_network


def test_certificates_find_the_rule_and_are_cached(tmp_path):
    path = tmp_path / "certs.json"
    net = exact_network("B36/S23")
    first = certificates({"highlife": net}, path)
    assert first["highlife"]["exact"] and first["highlife"]["rule"] == "B36/S23"
    cached = json.loads(path.read_text())
    assert list(cached) == [models.weights_hash(net)]
    # a forged cache entry is what comes back: the cache is read, not recomputed
    cached[models.weights_hash(net)]["rule"] = "forged"
    path.write_text(json.dumps(cached))
    assert certificates({"highlife": net}, path)["highlife"]["rule"] == "forged"


def test_changed_weights_are_certified_again(tmp_path):
    path = tmp_path / "certs.json"
    torch.manual_seed(0)
    net = models.build("cnn-tiny", kernel_size=3)
    certificates({"a": net}, path)
    with torch.no_grad():
        net.body[0].bias += 1.0
    certificates({"a": net}, path)
    assert len(json.loads(path.read_text())) == 2
