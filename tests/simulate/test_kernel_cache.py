"""The kernels compiled per rule are cached in memory and on disk: the cache must never
serve one table's kernel for another (negative controls: two tables one entry apart, a
foreign machine-code file, a corrupted one)."""

import numpy as np
import pytest
from reference import TableRule, naive_table_step

from lifecore.simulate import _bitcompile, _bitslice

TABLE_A = (np.random.default_rng(5).random(512) < 0.5).astype(np.uint8)
TABLE_B = TABLE_A.copy()
TABLE_B[0b000010000] ^= 1  # one window apart: a lone live cell
BOARD = (np.random.default_rng(6).random((1, 20, 130)) < 0.4).astype(np.uint8)
# one window still reaches a lone live cell, so the two tables give different boards
BOARD[0, 10:13, 60:63] = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]


def _want(table: np.ndarray, steps: int = 2) -> np.ndarray:
    state = BOARD
    for _ in range(steps):
        state = naive_table_step(state, table, "torus")
    return state


def _simulate(table: np.ndarray) -> np.ndarray:
    return _bitslice.simulate(BOARD, TableRule(table), 2, "torus", keep="last")


def _machine_code(tmp_path, table: np.ndarray):
    name = _bitcompile._table_source(np.ascontiguousarray(table).tobytes()).name
    (code,) = (tmp_path / "__pycache__").glob(f"{name}.run-*.nbc")
    return code


@pytest.fixture
def cache(monkeypatch, tmp_path):
    """A fresh disk cache; serial runs; compiled only when asked (``COMPILE_AT``)."""
    monkeypatch.setenv("LIFECORE_KERNEL_CACHE", str(tmp_path))
    monkeypatch.setattr(_bitslice, "PARALLEL_AT", 2**62)
    monkeypatch.setattr(_bitcompile, "_READY", {})
    return tmp_path


def _compile_both(monkeypatch) -> None:
    monkeypatch.setattr(_bitslice, "COMPILE_AT", 0)
    for table in (TABLE_A, TABLE_B):
        assert np.array_equal(_simulate(table), _want(table))
    monkeypatch.setattr(_bitslice, "COMPILE_AT", 2**62)  # from now on: never compile
    _bitcompile._READY.clear()  # as a new process: only the disk cache is left


def test_two_tables_one_entry_apart_each_get_their_own_kernel(cache, monkeypatch):
    assert not np.array_equal(_want(TABLE_A), _want(TABLE_B))  # the control can fail
    _compile_both(monkeypatch)
    for table in (TABLE_A, TABLE_B, TABLE_A):  # from disk, then from memory
        assert _bitcompile.compiled_run(table, False, False) is not None
        assert np.array_equal(_simulate(table), _want(table))
    run_b = _bitcompile.compiled_run(TABLE_B, False, False)
    assert _bitcompile._verified(run_b, TABLE_B) and not _bitcompile._verified(run_b, TABLE_A)


def test_a_new_table_is_not_served_from_the_cache(cache, monkeypatch):
    _compile_both(monkeypatch)
    other = TABLE_A.copy()
    other[511] ^= 1
    assert _bitcompile.compiled_run(other, False, False) is None
    assert np.array_equal(_simulate(other), _want(other))


def test_a_foreign_machine_code_file_is_refused(cache, monkeypatch):
    """Table B's machine code copied over table A's: loaded, found to compute another
    table on the 512-window probe, deleted; A is then interpreted or compiled afresh."""
    _compile_both(monkeypatch)
    _machine_code(cache, TABLE_A).write_bytes(_machine_code(cache, TABLE_B).read_bytes())
    assert _bitcompile.compiled_run(TABLE_A, False, False) is None
    assert np.array_equal(_simulate(TABLE_A), _want(TABLE_A))
    run = _bitcompile.compiled_run(TABLE_A, False, True)  # compiled again, then checked
    assert run is not None and np.array_equal(_simulate(TABLE_A), _want(TABLE_A))
    assert np.array_equal(_simulate(TABLE_B), _want(TABLE_B))


def test_a_corrupted_machine_code_file_is_refused(cache, monkeypatch):
    _compile_both(monkeypatch)
    code = _machine_code(cache, TABLE_A)
    code.write_bytes(b"\x80\x04not a kernel" + code.read_bytes()[100:])
    assert _bitcompile.compiled_run(TABLE_A, False, False) is None
    assert not code.exists()  # purged, so the next compile writes a good one
    assert np.array_equal(_simulate(TABLE_A), _want(TABLE_A))


def test_the_probe_holds_every_window_once():
    """`_verified` checks each of the 512 windows (one 3x3 block each)."""
    seen = _bitcompile._PROBE_INDEX
    assert sorted(seen.ravel().tolist()) == list(range(512))
