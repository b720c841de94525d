"""Atomic writes leave the old file or the new one, never half of one and never a *.tmp."""

import pytest

from lifecore.errors import LifecoreError
from lifecore.files import FileError, atomic_write, atomic_write_bytes, check_writable, sha256


def test_write_replaces_whole_file(tmp_path):
    target = tmp_path / "a.bin"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert list(tmp_path.iterdir()) == [target]


def test_failed_write_keeps_old_file_and_leaves_no_tmp(tmp_path):
    target = tmp_path / "a.bin"
    atomic_write_bytes(target, b"old")

    def boom(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, boom)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_directory_target_is_refused_before_writing(tmp_path):
    with pytest.raises(FileError, match="is a directory"):
        check_writable(tmp_path)
    assert issubclass(FileError, LifecoreError) and issubclass(FileError, ValueError)


def test_sha256_known_value():
    assert sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
