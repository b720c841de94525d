"""Reading rules from certificates: any family, canonical strings, stored certificates."""

import json

import numpy as np
import pytest
import torch

from lifecore import Rule, models
from lifecore import extract as E
from lifecore.cli import main
from lifecore.rules import MapRule

pytest.importorskip("lifecore.certify")


RANDOM_MAP = MapRule.from_window_table(
    (np.random.default_rng(0).random(512) < 0.5).astype(np.uint8)
)


@pytest.mark.parametrize(
    "rule, family",
    [
        ("B3/S23", "outer-totalistic"),
        ("B2/S013V", "outer-totalistic"),
        ("B2-a/S12", "isotropic"),
        ("B3/S2-i34q", "isotropic"),
        (str(RANDOM_MAP), "map"),
    ],
)
def test_extract_reads_the_certified_rule_in_canonical_notation(rule, family, exact_cnn_tiny):
    ex = E.extract(exact_cnn_tiny(rule))
    assert ex.certified and ex.method == "certificate" and ex.family == family
    assert str(ex.rule) == str(Rule.parse(rule)) and ex.matches(rule)
    assert ex.details["inputs"] == 512 and ex.details["source"] == "certified now"


def test_cli_prints_the_certified_hensel_string(tmp_path, capsys, exact_cnn_tiny):
    path = models.save(exact_cnn_tiny("B2-a/S12"), tmp_path / "jf.pt", rule="B3/S23")  # decoy
    assert main(["extract", str(path), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "certificate: B2-a/S12"
    assert out[1].startswith("certified: B2-a/S12 (isotropic), proved on all 512 windows")
    last = json.loads(out[-1])
    assert last["rule"] == "B2-a/S12" and last["certified"] and last["family"] == "isotropic"


def test_a_stored_certificate_is_used_only_for_the_weights_it_was_computed_for(exact_cnn_tiny):
    from lifecore.certify import certify

    net = exact_cnn_tiny("B36/S23")
    net.metadata = {"certificate": certify(net).to_dict()}
    assert E.extract(net).details["source"] == "stored in the checkpoint"
    with torch.no_grad():
        net.body[2].bias.fill_(-100.0)  # now every cell dies: a different rule
    ex = E.extract(net)
    assert ex.details["source"] == "certified now" and str(ex.rule) == "B/S"


def test_methods_are_compared_against_the_certificate(exact_cnn_tiny):
    net = exact_cnn_tiny("B2-a/S12")
    proved = E.extract(net)
    stats = E.extract(net, "statistics", n=16, size=32)
    assert not stats.certified
    cmp = E.compare_with_certificate(stats, proved)
    assert cmp["certified rule"] == "B2-a/S12" and cmp["agrees"] is False
    assert "B2" in cmp["undetermined"] + cmp["wrong"]  # 2a and 2c are one count class
    enum = E.extract(net, "enumerate", contexts=0)
    assert not enum.consistent and E.compare_with_certificate(enum, proved)["agrees"] is False


def test_a_certificate_that_finds_no_rule_reads_as_uncertified():
    cert = {
        "exact": False,
        "rule": None,
        "neighbourhood": None,
        "inputs": 2**25,
        "window": 5,
        "margin": 0.01,
        "counterexample_count": 7,
        "reason": "depends on outer cells",
        "seconds": 1.0,
    }
    ex = E.from_certificate(cert)
    assert not ex.certified and not ex.consistent and ex.rule is None
    assert ex.details["reason"] == "depends on outer cells"
    assert E.compare_with_certificate(ex, ex)["agrees"] is None
