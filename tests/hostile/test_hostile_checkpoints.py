"""Hostile checkpoints: damaged or crafted files end in `ModelError`, never in a model with
changed weights, a traceback of another type, or a huge allocation.

The truth each test holds to: the weights hash (`models.weights_hash`) and metadata of the
model as saved. A damaged file either raises `ModelError` naming the path, or (when the damage
hit bytes that carry no content, such as zip padding) loads the very same model.
"""

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecore import models
from lifecore.models import ModelError


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    torch.manual_seed(0)
    model = models.build("p4cnn-tiny", kernel_size=3, metadata={"rule": "B3/S23", "seed": 0})
    path = models.save(model, tmp_path_factory.mktemp("ckpt") / "model.pt")
    return path.read_bytes(), models.weights_hash(model), model.metadata


def outcome(tmp_path, data: bytes, name="damaged.pt"):
    """``("error", message)`` or ``("loaded", hash, metadata)`` for a file holding ``data``."""
    path = tmp_path / name
    path.write_bytes(data)
    try:
        model = models.load(path)
    except ModelError as err:
        assert str(path) in str(err)
        return ("error", str(err))
    return ("loaded", models.weights_hash(model), model.metadata)


def assert_safe(result, original_hash, original_meta):
    if result[0] == "loaded":
        assert result[1] == original_hash and result[2] == original_meta, "changed weights loaded"


def test_300_single_bit_flips_never_load_changed_weights(tmp_path, saved):
    data, weights, meta = saved
    rng = np.random.default_rng(0)
    errors = 0
    for offset, bit in zip(rng.integers(0, len(data), 300), rng.integers(0, 8, 300)):
        damaged = bytearray(data)
        damaged[offset] ^= 1 << int(bit)
        result = outcome(tmp_path, bytes(damaged))
        assert_safe(result, weights, meta)
        errors += result[0] == "error"
    assert errors > 0  # the flips did land on content


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_single_bit_flip(tmp_path, saved, offset, bit):
    data, weights, meta = saved
    damaged = bytearray(data)
    damaged[offset % len(data)] ^= 1 << bit
    assert_safe(outcome(tmp_path, bytes(damaged)), weights, meta)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=st.integers(min_value=0), junk=st.binary(min_size=1, max_size=64))
def test_overwritten_spans(tmp_path, saved, start, junk):
    data, weights, meta = saved
    start %= len(data)
    damaged = data[:start] + junk + data[start + len(junk) :]
    assert_safe(outcome(tmp_path, damaged[: len(data)]), weights, meta)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0))
def test_truncated_files_are_refused(tmp_path, saved, cut):
    data, _, _ = saved
    result = outcome(tmp_path, data[: cut % len(data)])
    assert result[0] == "error"


@pytest.mark.parametrize("content", [b"", b"\x00" * 10, b"PK\x03\x04", b"not a checkpoint\n"])
def test_foreign_bytes_are_refused(tmp_path, content):
    assert outcome(tmp_path, content)[0] == "error"


def test_a_directory_is_refused(tmp_path):
    folder = tmp_path / "dir.pt"
    folder.mkdir()
    with pytest.raises(ModelError, match="no such checkpoint"):
        models.load(folder)


def test_a_pickle_with_code_is_never_run(tmp_path):
    import pickle

    class Evil:
        def __reduce__(self):
            return (print, ("code ran",))

    path = tmp_path / "evil.pt"
    torch.save({"format": "lifecore-model", "x": Evil()}, path, pickle_module=pickle)
    with pytest.raises(ModelError, match="not a readable torch checkpoint"):
        models.load(path)


def test_sparse_and_meta_tensors_are_refused(tmp_path, saved):
    data, _, _ = saved
    path = tmp_path / "m.pt"
    path.write_bytes(data)
    payload = torch.load(path, weights_only=True)
    key = next(iter(payload["state_dict"]))
    for bad in (payload["state_dict"][key].to_sparse(), torch.empty(3, device="meta")):
        payload["state_dict"][key] = bad
        torch.save(payload, path)
        with pytest.raises(ModelError):
            models.load(path)


def test_save_leaves_no_temporary_file_when_refusing(tmp_path):
    model = models.build("cnn-tiny")
    with torch.no_grad():
        model.body[0].bias[0] = float("nan")
    with pytest.raises(ModelError):
        models.save(model, tmp_path / "m.pt")
    assert list(tmp_path.iterdir()) == []
