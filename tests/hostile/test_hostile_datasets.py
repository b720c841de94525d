"""Hostile dataset files: whatever bytes a .npz holds, `TransitionData.load` either returns
exactly the dataset that was saved or raises `DataError` naming the path; never EOFError,
TypeError, zlib.error, a pickle load, or an allocation the file's size cannot justify."""

import io
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecore.data import DataError, TransitionData, make_dataset, read_npz

SAVED = make_dataset("B36/S23", n=6, size=8, steps=3, seed=4)


@pytest.fixture(scope="module")
def saved_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "d.npz"
    SAVED.save(path)
    return path.read_bytes()


def _same(a: TransitionData, b: TransitionData) -> bool:
    return (
        np.array_equal(a.x, b.x)
        and np.array_equal(a.y, b.y)
        and np.array_equal(a.trajectory, b.trajectory)
        and a.meta == b.meta
    )


def _load_or_data_error(path):
    try:
        return TransitionData.load(path)
    except DataError as err:
        assert str(path) in str(err)
        return None


SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@SETTINGS
@given(data=st.data())
def test_byte_flips_are_caught_or_harmless(tmp_path, saved_bytes, data):
    blob = bytearray(saved_bytes)
    flips = data.draw(st.lists(st.integers(0, len(blob) - 1), min_size=1, max_size=4))
    for i in flips:
        blob[i] ^= data.draw(st.integers(1, 255))
    path = tmp_path / "flipped.npz"
    path.write_bytes(bytes(blob))
    back = _load_or_data_error(path)
    assert back is None or _same(back, SAVED)


def test_a_flip_inside_the_compressed_boards_is_caught(tmp_path, saved_bytes):
    with zipfile.ZipFile(io.BytesIO(saved_bytes)) as z:
        info = z.getinfo("x.npy")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    blob = bytearray(saved_bytes)
    blob[middle] ^= 0x10
    path = tmp_path / "flip.npz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match="flip.npz"):
        TransitionData.load(path)


@SETTINGS
@given(cut=st.integers(0, 10**6))
def test_truncated_files_are_data_errors(tmp_path, saved_bytes, cut):
    path = tmp_path / "cut.npz"
    path.write_bytes(saved_bytes[: cut % len(saved_bytes)])
    assert _load_or_data_error(path) is None


@SETTINGS
@given(blob=st.binary(max_size=400))
def test_arbitrary_bytes_are_data_errors(tmp_path, blob):
    path = tmp_path / "junk.npz"
    path.write_bytes(blob)
    assert _load_or_data_error(path) is None


def _archive(tmp_path, name="a.npz", **members):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for key, raw in members.items():
            z.writestr(f"{key}.npy", raw)
    return path


def _npy(array, allow_pickle=False):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def test_named_hostile_files(tmp_path):
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    npy = tmp_path / "plain.npz"
    npy.write_bytes(_npy(np.zeros((2, 3, 3), np.uint8)))
    for path in (empty, npy, tmp_path / "missing.npz", tmp_path):
        with pytest.raises(DataError, match=str(path.name)):
            TransitionData.load(path)


def test_pickled_object_arrays_are_never_loaded(tmp_path):
    good = {
        k: _npy(v) for k, v in {"x": SAVED.x, "y": SAVED.y, "trajectory": SAVED.trajectory}.items()
    }
    meta = _npy(np.array([{"rule": "B3/S23"}], dtype=object), allow_pickle=True)
    path = _archive(tmp_path, **good, meta=meta)
    with pytest.raises(DataError, match="meta"):
        TransitionData.load(path)


def _lying_npy(shape) -> bytes:
    """A .npy header declaring ``shape`` of uint8, followed by a single byte of data."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "|u1", "fortran_order": False, "shape": shape}
    )
    return buf.getvalue() + b"\x00"


def test_a_huge_declared_shape_is_refused_before_allocating(tmp_path):
    raw = _lying_npy((9999, 99999, 9))  # 9 GB declared, 1 byte stored
    path = _archive(
        tmp_path, x=raw, y=raw, trajectory=_npy(np.zeros(1, int)), meta=_npy(np.array("{}"))
    )
    with pytest.raises(DataError, match="claims"):
        TransitionData.load(path)


def test_read_npz_checks_kinds(tmp_path):
    path = _archive(tmp_path, a=_npy(np.zeros(3, np.float32)))
    assert read_npz(path, ["a"])["a"].dtype == np.float32
    with pytest.raises(DataError, match="dtype kind"):
        read_npz(path, ["a"], kinds={"a": "u"})
    with pytest.raises(DataError, match="missing arrays"):
        read_npz(path, ["b"])


@pytest.mark.parametrize("mask", [0xFF, 0x01, 0x20])
def test_every_single_byte_flip_is_caught_or_harmless(tmp_path, saved_bytes, mask):
    """Exhaustive over the file's bytes: a flip in a .npy header once escaped as
    tokenize.TokenError (NumPy parses the header as a Python literal)."""
    path = tmp_path / "flipped.npz"
    for i in range(len(saved_bytes)):
        blob = bytearray(saved_bytes)
        blob[i] ^= mask
        path.write_bytes(bytes(blob))
        back = _load_or_data_error(path)
        assert back is None or _same(back, SAVED), f"byte {i} ^ {mask:#x} loaded changed data"


def test_metadata_giving_another_board_size_is_refused(tmp_path):
    meta = {**SAVED.meta, "size": [16, 16]}  # the arrays hold 8x8 boards
    with pytest.raises(DataError, match="16x16.*8x8"):
        TransitionData(SAVED.x, SAVED.y, SAVED.trajectory, meta)
    # the same lie written to a file with a valid checksum is refused on load
    path = tmp_path / "lie.npz"
    TransitionData(
        SAVED.x, SAVED.y, SAVED.trajectory, {k: v for k, v in meta.items() if k != "size"}
    ).save(path)
    import json

    arrays = dict(np.load(path))
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    from lifecore.data import _content_hash

    arrays["sha256"] = np.array(
        _content_hash(arrays["x"], arrays["y"], arrays["trajectory"], str(arrays["meta"]))
    )
    np.savez_compressed(path, **arrays)
    with pytest.raises(DataError, match=str(path)):
        TransitionData.load(path)


@pytest.mark.parametrize("size", [[8], "8x8", [8, 8.0], [True, 8]])
def test_metadata_size_of_the_wrong_form_is_refused(size):
    with pytest.raises(DataError, match="size"):
        TransitionData(SAVED.x, SAVED.y, SAVED.trajectory, {**SAVED.meta, "size": size})
