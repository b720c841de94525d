"""lifecore.certify: exhaustive certificates of hand-made and built networks.

Independent truths: networks built by hand to compute a known rule (or to break it on one
known window), brute force through the model's own forward pass on boards that are exactly
one window (a k x k torus), and the simulator's rule tables.
"""

import json

import numpy as np
import pytest
import torch
from torch import nn

import lifecore
from lifecore import cli, models
from lifecore.certify import MAX_WINDOW, Certificate, CertifyError, certify
from lifecore.certify.tables import describe, golly_windows, window_table

CPU = torch.device("cpu")


def life_like_net(rule="B3/S23", kernel_size=5, hidden=90, bias=-1.0) -> nn.Module:
    """cnn-small's shape computing an outer-totalistic Moore rule exactly.

    Unit i sees ``t = 2 * neighbours + state`` (0..17) and fires ``relu(t - i + 1) -
    relu(t - i)`` shaped bumps: the head adds ``+2`` for each t that the rule sends to 1, so
    the logit is ``bias + 2 * rule(t)``: +1 or -1 with the default bias.
    """
    rule = lifecore.Rule.parse(rule)
    alive = [t for t in range(18) if rule.table[t % 2, t // 2]]
    m = models.build("cnn-small", kernel_size=kernel_size, hidden=hidden)
    conv, head = m.body[0], m.body[2]
    c = kernel_size // 2
    kernel = torch.zeros(kernel_size, kernel_size)
    kernel[c - 1 : c + 2, c - 1 : c + 2] = 2.0
    kernel[c, c] = 1.0
    with torch.no_grad():
        for p in m.parameters():
            p.zero_()
        for i, t in enumerate(
            alive
        ):  # indicator of t == value: relu(t-v+1) - 2relu(t-v) + relu(t-v-1)
            for j, (shift, coef) in enumerate(((1, 1.0), (0, -2.0), (-1, 1.0))):
                conv.weight[3 * i + j, 0] = kernel
                conv.bias[3 * i + j] = -t + shift
                head.weight[0, 3 * i + j] = 2.0 * coef
        head.bias[0] = bias
    return m


def add_spy_unit(model: nn.Module, patch: np.ndarray, push: float) -> nn.Module:
    """Use the last hidden unit as a detector firing (value 1) on ``patch`` only."""
    conv, head = model.body[0], model.body[2]
    with torch.no_grad():
        conv.weight[-1, 0] = torch.as_tensor(patch * 2.0 - 1.0)
        conv.bias[-1] = 1.0 - float(patch.sum())
        head.weight[0, -1] = push
    return model


def table_net(table: np.ndarray) -> nn.Module:
    """A 3x3 cnn-small with one detector unit per window the table sends to 1."""
    ones = np.flatnonzero(table)
    m = models.build("cnn-small", kernel_size=3, hidden=max(1, len(ones)))
    windows = golly_windows()
    with torch.no_grad():
        for p in m.parameters():
            p.zero_()
        for unit, index in enumerate(ones):
            add_spy_unit_at(m, unit, windows[index])
        m.body[2].bias[0] = -0.5
    return m


def add_spy_unit_at(model, unit, patch):
    conv, head = model.body[0], model.body[2]
    conv.weight[unit, 0] = torch.as_tensor(patch * 2.0 - 1.0)
    conv.bias[unit] = 1.0 - float(patch.sum())
    head.weight[0, unit] = 1.0


def brute_force(model, patches: np.ndarray) -> np.ndarray:
    """The model's own next state of the centre of each k x k patch, as a k x k torus."""
    k = patches.shape[-1]
    return models.predict(model, patches)[:, k // 2, k // 2]


def spy_patch(seed=3) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2, (5, 5)).astype(np.uint8)


def life_of(patch: np.ndarray) -> int:
    """Life's next state for the centre of a 5x5 patch, counted by hand."""
    centre = int(patch[2, 2])
    neighbours = int(patch[1:4, 1:4].sum()) - centre
    return int(neighbours == 3 or (centre == 1 and neighbours == 2))


def life_but_one_window(patch: np.ndarray) -> nn.Module:
    """The hand-made Life network with one more unit that flips the answer on ``patch`` only."""
    return add_spy_unit(life_like_net(), patch, push=-3.0 if life_of(patch) else 3.0)


# -- the three tests, on the full 2**25 windows --------------------------------------
@pytest.fixture(scope="module")
def life_certificate():
    return certify(life_like_net(), "B3/S23", device=CPU)


def test_hand_made_life_network_is_certified(life_certificate):
    cert = life_certificate
    assert isinstance(cert, Certificate)
    assert cert.exact and cert.counterexample_count == 0 and cert.counterexamples == ()
    assert cert.window == 5 and cert.inputs == 2**25
    assert cert.rule == "B3/S23" and cert.neighbourhood == "moore"
    assert cert.margin == pytest.approx(1.0)
    assert cert.reason == ""


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_certificate_on_cuda_is_the_cpu_one(life_certificate):
    """The same certificate on a GPU (run only where one is present)."""
    patch = spy_patch()
    for model, want in ((life_like_net(), life_certificate), (life_but_one_window(patch), None)):
        cert = certify(model, "B3/S23", device=torch.device("cuda"))
        want = want or certify(model, "B3/S23", device=CPU)
        assert (cert.exact, cert.counterexample_count) == (want.exact, want.counterexample_count)
        assert cert.margin == pytest.approx(want.margin, abs=1e-5)
        for got, expected in zip(cert.counterexamples, want.counterexamples):
            np.testing.assert_array_equal(got.patch, expected.patch)


def test_one_unit_firing_on_one_window_is_caught():
    patch = spy_patch()
    life = lifecore.Rule.parse("B3/S23")
    expected = int(
        window_table(life)[int((patch[1:4, 1:4].reshape(-1) << np.arange(8, -1, -1)).sum())]
    )
    model = add_spy_unit(life_like_net(), patch, push=-3.0 if expected else 3.0)
    cert = certify(model, life, device=CPU)
    assert not cert.exact and cert.counterexample_count == 1
    (example,) = cert.counterexamples
    np.testing.assert_array_equal(example.patch, patch)
    assert (example.network, example.expected) == (1 - expected, expected)
    assert brute_force(model, patch[None])[0] == example.network  # the model agrees
    assert "1 windows disagree with B3/S23" in cert.reason


def test_a_certificate_does_not_carry_over_to_changed_weights(life_certificate):
    model = life_like_net()
    assert life_certificate.holds_for(model)
    with torch.no_grad():
        model.body[0].weight[50, 0, 0, 0] += 1e-3  # an unused unit: same function, new weights
    assert not life_certificate.holds_for(model)


def test_without_a_rule_the_life_network_is_found_to_be_life():
    cert = certify(life_like_net(), device=CPU)
    assert cert.exact and cert.rule == "B3/S23"
    assert cert.family == "outer-totalistic" and cert.neighbourhood == "moore"


def test_without_a_rule_a_window_wider_than_3x3_is_caught():
    patch = spy_patch(5)
    cert = certify(life_but_one_window(patch), device=CPU)
    assert not cert.exact and cert.rule is None and cert.counterexample_count == 1
    np.testing.assert_array_equal(cert.counterexamples[0].patch, patch)
    assert "outside the centre 3x3" in cert.reason and "B3/S23" in cert.reason


# -- families found without a rule (3x3 networks: 512 windows) -----------------------------
@pytest.mark.parametrize(
    "rule, neighbourhood", [("B36/S23", "moore"), ("B2/S013V", "vonneumann"), ("B2/S34H", "hex")]
)
def test_outer_totalistic_rules_and_their_neighbourhood_are_found(rule, neighbourhood):
    rule = lifecore.Rule.parse(rule)
    cert = certify(table_net(window_table(rule)), device=CPU)
    assert cert.exact and cert.window == 3 and cert.inputs == 512
    assert cert.rule == str(rule) and cert.neighbourhood == neighbourhood
    assert cert.family == "outer-totalistic"
    assert certify(table_net(window_table(rule)), rule, device=CPU).exact


def _isotropic_table() -> np.ndarray:
    """Life, plus birth on exactly two orthogonal neighbours (N, S, E or W): isotropic, and
    outer-totalistic on no neighbourhood."""
    windows = golly_windows()
    table = window_table(lifecore.Rule.parse("B3/S23")).copy()
    orthogonal = windows[:, [0, 1, 1, 2], [1, 0, 2, 1]].sum(axis=1)
    total = windows.sum(axis=(1, 2)) - windows[:, 1, 1]
    table[(windows[:, 1, 1] == 0) & (total == 2) & (orthogonal == 2)] = 1
    return table


def test_an_isotropic_table_that_is_not_outer_totalistic_is_reported_as_such():
    table = _isotropic_table()
    cert = certify(table_net(table), device=CPU)
    assert cert.exact and cert.family == "isotropic" and cert.neighbourhood == "moore"
    assert "/" in cert.rule and "MAP" not in cert.rule  # Hensel notation
    np.testing.assert_array_equal(_table_of(cert), table)
    assert not certify(table_net(table), "B3/S23", device=CPU).exact


def test_a_table_without_symmetry_is_a_map_rule():
    table = window_table(lifecore.Rule.parse("B3/S23")).copy()
    table[0b010_000_000] = 1  # a birth from the cell above only: no rotation agrees
    assert describe(table)[1] == "map"
    cert = certify(table_net(table), device=CPU)
    assert cert.exact and cert.family == "map" and cert.rule.startswith("MAP")


def test_table_network_brute_force_agrees_with_the_table():
    table = _isotropic_table()  # sanity of the helper itself, through the model's forward
    np.testing.assert_array_equal(brute_force(table_net(table), golly_windows()), table)


# -- built models: certificates agree with the model's own forward pass ---------------------
@pytest.mark.parametrize("name", models.MODEL_NAMES)
def test_3x3_built_models_certify_as_their_brute_force_table(name):
    torch.manual_seed(1)
    model = models.build(name, kernel_size=3)
    cert = certify(model, device=CPU)  # any 3x3 network is some 3x3 rule
    assert cert.exact and cert.inputs == 512
    truth = brute_force(model, golly_windows())
    rule_table = _table_of(cert)
    np.testing.assert_array_equal(rule_table, truth)


def _table_of(cert) -> np.ndarray:
    """The window table of the rule a certificate names, read back from its string."""
    return np.asarray(lifecore.rules.as_rule(cert.rule).window_table)


@pytest.mark.parametrize("name", ["cnn-tiny", "p4cnn-tiny"])
def test_5x5_counterexamples_are_what_the_model_computes(name):
    torch.manual_seed(0)
    model = models.build(name)
    cert = certify(model, "B3/S23", max_counterexamples=5, device=CPU)
    assert not cert.exact and len(cert.counterexamples) == 5
    patches = np.stack([c.patch for c in cert.counterexamples])
    np.testing.assert_array_equal(
        brute_force(model, patches), [c.network for c in cert.counterexamples]
    )
    life = window_table(lifecore.Rule.parse("B3/S23"))
    centre = (patches[:, 1:4, 1:4].reshape(-1, 9) << np.arange(8, -1, -1)).sum(axis=1)
    np.testing.assert_array_equal(life[centre], [c.expected for c in cert.counterexamples])


def test_logits_exactly_zero_decide_dead_and_give_margin_zero():
    model = life_like_net(kernel_size=3, bias=0.0)  # logit 2 where alive, exactly 0 elsewhere
    cert = certify(model, "B3/S23", device=CPU)
    assert cert.exact and cert.margin == 0.0


# -- refusals and the command line ---------------------------------------------------------
def test_a_window_too_large_is_refused_with_the_reason():
    with pytest.raises(CertifyError, match=r"2\*\*49"):
        certify(models.build("cnn-tiny", kernel_size=MAX_WINDOW + 2))


def test_a_second_spatial_layer_is_refused():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 1, 3, padding=1))
    with pytest.raises(CertifyError, match="not 1x1"):
        certify(model)


def test_layers_registered_out_of_order_are_refused():
    class Reordered(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = nn.Conv2d(4, 1, 1)
            self.conv = nn.Conv2d(1, 4, 3, padding=1, padding_mode="circular")

        def forward(self, x):
            return self.head(torch.relu(self.conv(x)))

    with pytest.raises(CertifyError):
        certify(Reordered())


def test_to_dict_is_json(life_certificate):
    d = json.loads(json.dumps(life_certificate.to_dict()))
    assert d["exact"] is True and d["inputs"] == 2**25 and d["counterexamples"] == []
    assert d["weights_hash"] == life_certificate.weights_hash


def test_cli_json_verdict(tmp_path, capsys):
    path = models.save(life_like_net(kernel_size=3, hidden=12), tmp_path / "life.pt")
    assert cli.main(["certify", str(path), "--rule", "B36/S23", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["exact"] is False and out["rule"] == "B36/S23" and out["inputs"] == 512
    assert out["counterexample_count"] == 28  # dead centre, 6 of 8 neighbours: C(8, 6)
    example = out["counterexamples"][0]
    assert np.array(example["patch"]).shape == (3, 3)
    assert (example["network"], example["expected"]) == (0, 1)
    assert {"margin", "seconds"} <= set(out)


def test_cli_bad_input_exits_2(tmp_path, capsys):
    assert cli.main(["certify", str(tmp_path / "missing.pt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing.pt" in err[0]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_and_cpu_give_the_same_certificate():
    patch = spy_patch()
    model = life_but_one_window(patch)
    a = certify(model, "B3/S23", device="cpu")
    b = certify(model.cuda(), "B3/S23", device="cuda")
    assert a.counterexample_count == b.counterexample_count
    np.testing.assert_array_equal(a.counterexamples[0].patch, b.counterexamples[0].patch)


# -- the newer models -----------------------------------------------------------------------
@pytest.mark.parametrize("name", models.D4_NAMES + models.SK_NAMES)
def test_d4_and_sk_models_certify_as_their_brute_force_table(name):
    torch.manual_seed(2)
    model = models.build(name, kernel_size=3)
    cert = certify(model, device=CPU)
    assert cert.exact and cert.inputs == 512
    np.testing.assert_array_equal(_table_of(cert), brute_force(model, golly_windows()))
    if name.startswith("d4"):  # a D4-equivariant network can only be an isotropic rule
        assert cert.family in ("outer-totalistic", "isotropic")


def test_hand_set_sk_minimal_is_certified_life():
    from test_models import sk_life

    cert = certify(sk_life(), device=CPU)
    assert cert.exact and cert.rule == "B3/S23" and cert.margin == pytest.approx(0.5)


def test_d4cnn_5x5_certificate_agrees_with_its_counterexamples():
    torch.manual_seed(0)
    model = models.build("d4cnn-tiny")
    cert = certify(model, "B3/S23", max_counterexamples=3, device=CPU)
    assert not cert.exact
    patches = np.stack([c.patch for c in cert.counterexamples])
    np.testing.assert_array_equal(
        brute_force(model, patches), [c.network for c in cert.counterexamples]
    )


# -- the CPU kernel against batched torch ---------------------------------------------------
@pytest.mark.parametrize(
    "name, kernel",
    [
        ("cnn-tiny", 5),
        ("mcnn", 5),
        ("cnn-small", 3),
        ("p4mcnn", 3),
        ("sk-minimal", 3),
        ("p4cnn-tiny", 5),
        ("d4cnn-tiny", 5),
        ("p4mcnn", 5),  # half-turn invariant, two hidden stages: half the windows enumerated
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_cpu_kernel_tally_is_the_batched_torch_one(name, kernel, seed, monkeypatch):
    """The numba kernel (blocks of windows, sorted by centre, counts without branches) and
    the plain batched torch route give the same counts, decisions per centre, counterexamples
    in enumeration order and margin, on random networks against a random table."""
    from lifecore.certify import windows
    from lifecore.certify.network import error_bound, read_network

    torch.manual_seed(seed)
    net = read_network(models.build(name, kernel_size=kernel))
    table = np.random.default_rng(seed).integers(0, 2, 512)
    table[::7] = -1  # entries not checked
    if (name, kernel) == ("p4mcnn", 5):  # this case runs the half-turn kernel
        from lifecore.certify.symmetry import half_turn_invariant

        assert half_turn_invariant(net) and len(net.stages) > 1
    fast = windows.scan(net, torch.device("cpu"), table, limit=6)
    monkeypatch.setattr(windows, "_cpu_chunks", windows._torch_chunks)
    plain = windows.scan(net, torch.device("cpu"), table, limit=6)
    assert fast.count == plain.count and fast.count > 0
    assert fast.first == plain.first
    np.testing.assert_array_equal(fast.ones, plain.ones)
    # float32 sums in another order: equal within the rounding bound the proof allows for
    assert fast.margin == pytest.approx(plain.margin, abs=1e-5 * error_bound(net))


# -- the half turn ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["p4cnn-tiny", "p4cnn-small", "p4mcnn", "d4cnn-tiny", "d4mcnn"])
def test_rotation_equivariant_networks_are_proved_half_turn_invariant(name):
    from lifecore.certify.network import read_network
    from lifecore.certify.symmetry import half_turn_invariant

    torch.manual_seed(0)
    net = read_network(models.build(name))
    assert half_turn_invariant(net)
    # negative control: one weight of one later stage nudged breaks it
    stage = net.stages[0]
    stage.weight[0, 0] += 1e-3 * (1 + abs(stage.weight[0, 0]))
    assert not half_turn_invariant(net)


@pytest.mark.parametrize("name", ["cnn-tiny", "mcnn"])
def test_plain_networks_are_not_taken_for_half_turn_invariant(name):
    from lifecore.certify.network import read_network
    from lifecore.certify.symmetry import half_turn_invariant

    torch.manual_seed(0)
    assert not half_turn_invariant(read_network(models.build(name)))


def test_a_half_turn_invariant_filter_of_a_plain_conv_is_recognised():
    """Independent of e2cnn: a plain 5x5 filter made symmetric by hand, one unit."""
    from lifecore.certify.network import read_network
    from lifecore.certify.symmetry import half_turn_invariant

    model = nn.Sequential(nn.Conv2d(1, 1, 5, padding=2), nn.ReLU(), nn.Conv2d(1, 1, 1))
    with torch.no_grad():
        w = torch.randn(5, 5)
        model[0].weight[0, 0] = w + torch.rot90(w, 2)
    assert half_turn_invariant(read_network(model))
    with torch.no_grad():
        model[0].weight[0, 0, 0, 1] += 0.5
    assert not half_turn_invariant(read_network(model))
