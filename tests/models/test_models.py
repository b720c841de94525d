"""lifecore.models: the six networks, their symmetry, size, checkpoints and inference."""

import dataclasses
import json
import warnings

import numpy as np
import pytest
import torch

import lifecore
from lifecore import models
from lifecore.models import MODEL_NAMES, ModelError, checkpoint

P4 = [n for n in MODEL_NAMES if n.startswith("p4")]
PLAIN = [n for n in MODEL_NAMES if not n.startswith("p4")]


def rot(x, k=1):
    return torch.rot90(x, k, dims=(-2, -1))


def boards(n, h, w, seed=0):
    return torch.from_numpy(lifecore.data.soups(n, (h, w), density=0.4, seed=seed)).float()[:, None]


# -- building -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_output_shape_on_non_square_boards(name):
    model = models.build(name)
    x = boards(3, 7, 12)
    y = model(x)
    assert isinstance(y, torch.Tensor) and type(y) is torch.Tensor
    assert y.shape == (3, 1, 7, 12) and y.dtype == torch.float32


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_config_rebuilds_and_is_json(name):
    model = models.build(name, kernel_size=3)
    assert model.name == name
    config = json.loads(json.dumps(model.config))
    again = models.build(**config)
    assert again.config == model.config
    assert models.count_parameters(again) == models.count_parameters(model)


def test_cnn_tiny_k3_has_the_notes_133_parameters():
    assert models.count_parameters(models.build("cnn-tiny", kernel_size=3)) == 133


def test_parameter_ordering_matches_the_notes():
    p = {n: models.count_parameters(models.build(n)) for n in MODEL_NAMES}
    assert p["cnn-tiny"] < p["mcnn"] < p["cnn-small"]
    assert p["p4cnn-tiny"] < p["p4mcnn"] < p["p4cnn-small"]
    # weight sharing: each p4 model is smaller than its plain twin of about the same width
    for plain, p4 in zip(PLAIN, P4):
        assert p[p4] < p[plain], (p4, plain)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("resnet",), "unknown model"),
        (("cnn-tiny", 4), "odd"),
        (("cnn-tiny", 0), "odd"),
        (("cnn-tiny", 2.5), "odd"),
    ],
)
def test_bad_name_or_kernel_size(args, fragment):
    with pytest.raises(ModelError, match=fragment) as info:
        models.build(*args)
    assert "cnn-small" in str(info.value)  # lists the valid names
    assert isinstance(info.value, ValueError)


def test_bad_options():
    with pytest.raises(ModelError, match="unknown"):
        models.build("cnn-tiny", mlp_layers=2)
    with pytest.raises(ModelError, match="hidden"):
        models.build("cnn-small", hidden=0)
    with pytest.raises(ModelError, match="pool"):
        models.build("p4cnn-tiny", pool="sum")


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_padding_is_circular(name):
    """Shifting a board around the torus shifts the output: the network sees no edge."""
    model = models.build(name).eval()
    x = boards(2, 9, 11, seed=3)
    with torch.no_grad():
        a = torch.roll(model(x), shifts=(4, -3), dims=(-2, -1))
        b = model(torch.roll(x, shifts=(4, -3), dims=(-2, -1)))
    torch.testing.assert_close(a, b, atol=1e-5, rtol=0)


# -- p4 equivariance ----------------------------------------------------------------------
def assert_equivariant(model, x):
    with torch.no_grad():
        for k in (1, 2, 3):
            torch.testing.assert_close(rot(model(x), k), model(rot(x, k)), atol=1e-5, rtol=0)


@pytest.mark.parametrize("pool", ["mean", "max"])
@pytest.mark.parametrize("name", P4)
def test_p4_models_are_rotation_equivariant_at_init_and_after_training(name, pool):
    torch.manual_seed(0)
    model = models.build(name, pool=pool)
    x = boards(2, 10, 14, seed=1)  # non-square: rotation changes the shape too
    for mode in (True, False):
        model.train(mode)
        assert_equivariant(model, x)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    y = boards(2, 10, 14, seed=2)
    for _ in range(4):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert_equivariant(model, x)
    model.eval()
    assert_equivariant(model, x)


def flip(x):
    return torch.flip(x, dims=(-1,))


def d4_images(x):
    """The 8 images of ``x`` under rotations and reflections, as (name, transform) pairs."""
    return [
        (f"rot{k}{'-flip' if f else ''}", (lambda t, k=k, f=f: rot(flip(t) if f else t, k)))
        for k in range(4)
        for f in (False, True)
    ]


@pytest.mark.parametrize("pool", ["mean", "max"])
@pytest.mark.parametrize("name", models.D4_NAMES)
def test_d4_models_commute_with_rotations_and_reflections(name, pool):
    torch.manual_seed(0)
    model = models.build(name, pool=pool)
    x = boards(2, 10, 14, seed=1)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(3):  # after a few steps of training too
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), boards(2, 10, 14))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        for label, g in d4_images(x):
            torch.testing.assert_close(model(g(x)), g(model(x)), atol=1e-5, rtol=0, msg=label)


@pytest.mark.parametrize("name", P4)
def test_p4_models_do_not_commute_with_reflections(name):
    """The reflection check has teeth: p4 models are only rotation-equivariant."""
    torch.manual_seed(0)
    model = models.build(name).eval()
    x = boards(2, 10, 10)
    with torch.no_grad():
        assert (model(flip(x)) - flip(model(x))).abs().max() > 1e-4


def test_d4_twins_have_the_p4_widths_in_fields():
    for p4, d4 in zip(P4, models.D4_NAMES):
        a, b = models.build(p4), models.build(d4)
        assert a.config["hidden"] == b.config["hidden"]
        assert b.hidden_type.size == 2 * a.hidden_type.size  # 8 vs 4 channels a field


def sk_life():
    """sk-minimal set by hand to Life: with t = neighbours + centre/2, u1 = relu(t - 2),
    u2 = relu(t - 3), v = relu(u1 - 2 u2 - 1/4) is positive exactly for 2.5 <= t <= 3.5."""
    model = models.build("sk-minimal")
    conv, mid, out = model.body[0], model.body[2], model.body[4]
    kernel = torch.ones(3, 3)
    kernel[1, 1] = 0.5
    with torch.no_grad():
        conv.weight[:, 0] = kernel
        conv.bias.copy_(torch.tensor([-2.0, -3.0]))
        mid.weight[0, :, 0, 0] = torch.tensor([1.0, -2.0])
        mid.bias.fill_(-0.25)
        out.weight.fill_(4.0)
        out.bias.fill_(-0.5)
    return model


def test_sk_minimal_is_the_papers_shape_and_can_be_life():
    model = models.build("sk-minimal")
    assert model.config["kernel_size"] == 3
    # 3x3 conv, 2 filters; 1x1 conv, 1 filter; 1x1 output: 20 + 3 + 2 parameters
    assert models.count_parameters(model) == 25
    soup = lifecore.data.soups(30, (11, 13), density=(0.1, 0.9), seed=4)
    np.testing.assert_array_equal(models.predict(sk_life(), soup), lifecore.step(soup, "B3/S23"))


@pytest.mark.parametrize("name, m", list(zip(models.SK_NAMES, (1, 2, 3, 5))))
def test_overcomplete_sk_networks_multiply_the_filters(name, m):
    model = models.build(name)
    assert (model.body[0].out_channels, model.body[2].out_channels) == (2 * m, m)


def test_plain_models_are_not_equivariant():
    """The check has teeth: a plain CNN at random init does not commute with rotation."""
    torch.manual_seed(0)
    model = models.build("cnn-small").eval()
    x = boards(2, 10, 10)
    with torch.no_grad():
        assert (rot(model(x)) - model(rot(x))).abs().max() > 1e-3


def test_the_e2cnn_1x1_regular_to_trivial_trap_is_real_or_fixed():
    """Documents why the head is not an R2Conv; if e2cnn is fixed, the two agree in form."""
    from e2cnn import gspaces
    from e2cnn import nn as enn

    g = gspaces.Rot2dOnR2(N=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            conv = enn.R2Conv(
                enn.FieldType(g, [g.regular_repr]), enn.FieldType(g, [g.trivial_repr]), 1
            )
        except RuntimeError as err:
            assert "mask" in str(err)
            return
    # fixed e2cnn: its 1x1 regular -> trivial map has one coefficient: a multiple of the sum
    assert conv.weights.numel() == 1


def test_group_average_is_the_only_equivariant_linear_head():
    """Linear maps w: R^4 -> R with w P = w for the cyclic shift P (a 90 degree rotation of a
    regular field) form a 1-dimensional space spanned by (1, 1, 1, 1): the average."""
    P = torch.roll(torch.eye(4), 1, dims=0)
    null = torch.linalg.svd(P.T - torch.eye(4)).S
    assert int((null < 1e-6).sum()) == 1
    ones = torch.ones(4)
    torch.testing.assert_close(ones @ P, ones)


def test_group_average_head_is_invariant():
    """Rotating a regular field's feature map = rotating space and cyclically shifting channels;
    the average over the 4 channels then only rotates."""
    torch.manual_seed(0)
    feats = torch.randn(2, 3 * 4, 6, 8)
    shifted = rot(feats.reshape(2, 3, 4, 6, 8).roll(1, dims=2).reshape(2, 12, 6, 8))
    pool = models.GroupAverage(4)
    torch.testing.assert_close(pool(shifted), rot(pool(feats)))


@pytest.mark.parametrize("k", [3, 5])
def test_full_basis_spans_every_p4_kernel(k):
    """basis="full": the first layer's filters span all 9 (k=3) or 25 (k=5) p4 kernels."""
    model = models.build("p4cnn-tiny", kernel_size=k, hidden=1)
    conv = next(m for m in model.modules() if type(m).__name__ == "R2Conv")
    n = conv.weights.numel()
    filters = torch.stack([conv.basisexpansion(torch.eye(n)[i])[0].reshape(-1) for i in range(n)])
    assert torch.linalg.matrix_rank(filters).item() == k * k


# -- size and cost ------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_flops_positive_and_scale_with_area(name):
    model = models.build(name)
    f1 = models.flops(model, (8, 8))
    f2 = models.flops(model, (16, 32))
    assert f1 > 0 and f2 == f1 * 8
    assert model.training  # mode restored


def test_flops_by_hand_for_cnn_tiny():
    # 12 channels x 9 taps + 12 x 1 per cell, x2 for multiply and add
    assert models.flops(models.build("cnn-tiny", 3), (10, 10)) == 2 * 100 * (12 * 9 + 12)


def test_size_table():
    rows = models.size_table(size=(16, 16))
    assert [r.name for r in rows] == list(MODEL_NAMES)
    assert rows[0].notes_params == 133
    for r in rows:
        assert r.params > 0 and r.flops > 0 and 0 < r.notes_lowest_accuracy <= 100
    with pytest.raises(dataclasses.FrozenInstanceError):
        rows[0].params = 1
    json.dumps([dataclasses.asdict(r) for r in rows])


# -- checkpoints --------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_save_load_round_trip(tmp_path, name):
    torch.manual_seed(1)
    model = models.build(name, kernel_size=3)
    model.eval()  # e2cnn caches its filter in eval mode: must not leak into the checkpoint
    path = models.save(model, tmp_path / "m.pt", rule="B3/S23", seed=1, metrics={"accuracy": 1.0})
    assert path.exists() and not list(tmp_path.glob("*.tmp"))
    loaded = models.load(path)
    assert loaded.config == model.config and not loaded.training
    assert loaded.metadata == {"rule": "B3/S23", "seed": 1, "metrics": {"accuracy": 1.0}}
    x = boards(4, 9, 13)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x), atol=0, rtol=0)
    loaded.train()
    model.train()
    torch.testing.assert_close(loaded(x), model(x), atol=1e-6, rtol=0)
    # state dicts round-trip strictly in either mode
    models.build(**model.config).load_state_dict(loaded.state_dict(), strict=True)


def test_save_rejects_non_json_metadata(tmp_path):
    with pytest.raises(ModelError, match="JSON"):
        models.save(models.build("cnn-tiny"), tmp_path / "m.pt", rule=object())


def test_load_rejects_what_is_not_ours(tmp_path):
    with pytest.raises(ModelError, match="no such"):
        models.load(tmp_path / "missing.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(np.random.default_rng(0).bytes(1000))
    with pytest.raises(ModelError, match="not a readable torch"):
        models.load(junk)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, other)
    with pytest.raises(ModelError, match="not a lifecore model"):
        models.load(other)
    torch.save(models.build("cnn-tiny").state_dict(), other)  # a bare state dict
    with pytest.raises(ModelError, match="not a lifecore model"):
        models.load(other)


def resign(path, payload):
    """Write a crafted payload with a *valid* checksum: what a hostile author could do."""
    payload["checksum"] = checkpoint._checksum(
        payload["config"], payload["state_dict"], payload["metadata"]
    )
    torch.save(payload, path)


def test_load_rejects_mismatched_weights(tmp_path):
    path = models.save(models.build("cnn-tiny"), tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    payload["config"]["hidden"] = 13
    resign(path, payload)
    with pytest.raises(ModelError, match="do not match"):
        models.load(path)
    payload["config"] = {"name": "p4cnn-tiny", "kernel_size": 5}
    resign(path, payload)
    with pytest.raises(ModelError, match="do not match"):
        models.load(path)
    payload["config"] = {"name": "nonesuch"}
    resign(path, payload)
    with pytest.raises(ModelError, match="bad model config"):
        models.load(path)


def test_an_edit_without_the_checksum_is_refused(tmp_path):
    path = models.save(models.build("cnn-tiny"), tmp_path / "m.pt", rule="B3/S23")
    payload = torch.load(path, weights_only=True)
    payload["metadata"]["rule"] = "B36/S23"  # relabelled work
    torch.save(payload, path)
    with pytest.raises(ModelError, match="checksum") as info:
        models.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "config, fragment",
    [
        ({"name": "cnn-small", "kernel_size": 5, "hidden": 10**9}, "hidden"),
        ({"name": "cnn-small", "kernel_size": 99, "hidden": 90}, "kernel_size"),
        ({"name": "cnn-small", "kernel_size": 5, "hidden": 90, "evil": 1}, "unknown"),
        ({"name": "mcnn", "kernel_size": 5, "mlp_layers": 10**6}, "mlp_layers"),
    ],
)
def test_crafted_configs_are_refused_before_allocation(tmp_path, config, fragment):
    path = models.save(models.build("cnn-tiny"), tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    payload["config"] = config
    resign(path, payload)
    with pytest.raises(ModelError, match=fragment):
        models.load(path)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_weights_are_refused_at_save_and_load(tmp_path, bad):
    model = models.build("cnn-tiny")
    with torch.no_grad():
        model.body[0].weight[0, 0, 0, 0] = bad
    with pytest.raises(ModelError, match="NaN or infinite"):
        models.save(model, tmp_path / "m.pt")
    assert not list(tmp_path.iterdir())
    path = models.save(models.build("cnn-tiny"), tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    payload["state_dict"]["body.0.weight"][0, 0, 0, 0] = bad
    resign(path, payload)
    with pytest.raises(ModelError, match="NaN or infinite"):
        models.load(path)


def test_metadata_is_set_by_the_constructor_and_saved(tmp_path):
    model = models.build("cnn-tiny", metadata={"rule": "B3/S23"})
    assert model.metadata == {"rule": "B3/S23"} and models.build("cnn-tiny").metadata == {}
    loaded = models.load(models.save(model, tmp_path / "m.pt", seed=2))
    assert loaded.metadata == {"rule": "B3/S23", "seed": 2}
    with pytest.raises(ModelError, match="JSON"):
        models.build("cnn-tiny", metadata={"x": object()})


def test_inference_sets_eval_and_restores_training():
    model = models.build("p4cnn-tiny").train()
    x = boards(2, 6, 6)
    with models.inference(model) as run:
        assert not model.training and not torch.is_grad_enabled()
        y = run(x.numpy())
    assert model.training and y.shape == (2, 1, 6, 6)
    with pytest.raises(RuntimeError):
        with models.inference(model):
            raise RuntimeError("boom")
    assert model.training


# -- inference ----------------------------------------------------------------------------
def life_by_hand():
    """CNN-tiny (k=3) set by hand to compute B3/S23: T = neighbours + centre/2 is alive
    exactly when 2.5 <= T <= 3.5; a bump of four ReLUs on T's half-integer grid."""
    model = models.build("cnn-tiny", kernel_size=3)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        first, last = model.body[0], model.body[2]
        kernel = torch.ones(3, 3)
        kernel[1, 1] = 0.5
        for i, threshold in enumerate((2.0, 2.5, 3.5, 4.0)):
            first.weight[i, 0] = kernel
            first.bias[i] = -threshold
        last.weight[0, :4, 0, 0] = torch.tensor([2.0, -2.0, -2.0, 2.0])
        last.bias[0] = -0.5
    return model


def test_hand_set_cnn_tiny_is_exactly_life():
    model = life_by_hand()
    soup = lifecore.data.soups(40, (13, 17), density=(0.05, 0.95), seed=5)
    np.testing.assert_array_equal(models.predict(model, soup), lifecore.step(soup, "B3/S23"))


def test_predict_shapes_and_batches():
    model = life_by_hand()
    soup = lifecore.data.soups(7, (9, 10), seed=1)
    truth = lifecore.step(soup, "B3/S23")
    out = models.predict(model, soup, batch_size=3)
    assert out.dtype == np.uint8 and out.shape == (7, 9, 10)
    np.testing.assert_array_equal(out, truth)
    one = models.predict(model, soup[2])
    assert one.shape == (9, 10)
    np.testing.assert_array_equal(one, truth[2])
    np.testing.assert_array_equal(models.predict(model, torch.from_numpy(soup)), truth)
    assert model.training  # mode restored


@pytest.mark.parametrize(
    "bad", [np.zeros(5), np.zeros((1, 1, 4, 4)), np.full((4, 4), 2), np.zeros((0, 4, 4))]
)
def test_predict_rejects_bad_boards(bad):
    with pytest.raises(ValueError):
        models.predict(models.build("cnn-tiny"), bad)


@pytest.mark.parametrize("name", ["cnn-tiny", "p4cnn-tiny"])
def test_predict_runs_every_model_kind(name):
    out = models.predict(models.build(name), np.zeros((2, 6, 6), dtype=np.uint8))
    assert out.shape == (2, 6, 6) and set(np.unique(out)) <= {0, 1}


def test_device():
    assert models.device().type in ("cpu", "cuda")


@pytest.mark.parametrize(
    "name, group",
    [
        ("cnn-small", None),
        ("p4cnn-tiny", "p4"),
        ("d4mcnn", "d4"),
        ("mcnn", None),
        ("sk-minimal", None),
    ],
)
def test_model_group(name, group):
    assert models.model_group(name) == group


def test_default_kernel_is_what_build_uses():
    for name in models.ALL_MODEL_NAMES:
        assert models.build(name).config["kernel_size"] == models.default_kernel(name)
    assert models.default_kernel("sk-minimal") == 3 and models.default_kernel("p4mcnn") == 5
