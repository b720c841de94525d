"""The kernels compiled by LLVM per window table (`keep="last"`): the same boards as the
interpreted program and as a NumPy window-table lookup, for random rules of every family;
and the negative controls of their cache: a function is kept and served only for the
table it was checked against on all 512 windows."""

import itertools
import os
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lifecore.cores
from lifecore.errors import LifecoreError
from lifecore.rules import HENSEL_CLASSES, NEIGHBOURHOODS, IsotropicRule, Rule
from lifecore.simulate import _bitjit, _bitslice
from lifecore.simulate._windowlogic import compile_table, window_table


def lookup_step(x: np.ndarray, table: np.ndarray, boundary: str) -> np.ndarray:
    """The truth: each cell's 9-bit Golly window index from a padded copy, then
    ``table[index]`` (NumPy only; shares nothing with the bit-sliced code)."""
    pad = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="wrap" if boundary == "torus" else "constant")
    h, w = x.shape[1:]
    index = np.zeros(x.shape, dtype=np.int64)
    for v in range(9):
        dr, dc = divmod(v, 3)
        index |= pad[:, dr : dr + h, dc : dc + w].astype(np.int64) << (8 - v)
    return np.asarray(table, dtype=np.uint8)[index]


@st.composite
def tables(draw):
    """The window table of a random rule: outer-totalistic (any neighbourhood),
    isotropic (Hensel classes) or MAP (any table)."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    family = draw(st.sampled_from(["outer-totalistic", "isotropic", "map"]))
    if family == "outer-totalistic":
        neighbourhood = draw(st.sampled_from(sorted(NEIGHBOURHOODS)))
        size = len(NEIGHBOURHOODS[neighbourhood])
        counts = [{c for c in range(size + 1) if rng.random() < 0.4} for _ in range(2)]
        rule = Rule(birth=counts[0], survival=counts[1], neighbourhood=neighbourhood)
    elif family == "isotropic":
        rule = IsotropicRule.from_table(rng.integers(0, 2, (2, len(HENSEL_CLASSES))))
    else:
        return rng.integers(0, 2, 512).astype(np.uint8)
    return window_table(rule)


@st.composite
def boards(draw):
    n, h = draw(st.integers(1, 2)), draw(st.integers(1, 24))
    w = draw(st.one_of(st.integers(1, 200), st.sampled_from([63, 64, 65, 127, 128, 129])))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return (rng.random((n, h, w)) < draw(st.sampled_from([0.1, 0.4, 0.9]))).astype(np.uint8)


@pytest.fixture
def empty_cache(monkeypatch):
    monkeypatch.setattr(_bitjit, "_COMPILED", OrderedDict())


def _jit(x: np.ndarray, table: np.ndarray, steps: int, boundary: str, parallel: bool):
    state = _bitslice._packed(x)
    run = _bitjit.jit_run(table, 2 if parallel else 1)
    return _bitslice._unpacked(run(state, None, steps, boundary == "torus", x.shape[2]), x.shape[2])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=tables(),
    x=boards(),
    boundary=st.sampled_from(["torus", "dead"]),
    steps=st.integers(1, 3),
    parallel=st.booleans(),
)
def test_jit_kernel_matches_lookup_and_interpreter(
    table, x, boundary, steps, parallel, monkeypatch
):
    monkeypatch.setattr(_bitslice, "JIT_AT", {"program": (0, 2**62), "adders": (0, 2**62)})
    want = [x]
    for _ in range(steps):
        want.append(lookup_step(want[-1], table, boundary))
    assert np.array_equal(_jit(x, table, steps, boundary, parallel), want[-1])
    rule = type("Table", (), {"window_table": table, "family": "map"})()
    kernel, torus = _bitslice._kernel(rule), boundary == "torus"
    generic = _bitslice._advance_generic(  # adder network or interpreted program
        _bitslice._packed(x), _bitslice._no_frames(x), 0, steps, torus, kernel, False
    )
    assert np.array_equal(_bitslice._unpacked(generic, x.shape[2]), want[-1])
    assert _bitjit.is_compiled(table)  # so every call of the rule now runs on its kernel
    frames = _bitslice.simulate(x, rule, steps, boundary)
    assert np.array_equal(frames, np.stack(want, axis=1))
    assert np.array_equal(_bitslice.step(x, rule, boundary), want[1])


@pytest.mark.parametrize("boundary", ["torus", "dead"])
def test_keep_last_uses_the_jit_kernel_with_threads(boundary, monkeypatch):
    """`simulate(keep="last")` on boards past `PARALLEL_AT` (threads when the load allows)."""
    monkeypatch.setattr(_bitslice, "PARALLEL_AT", 0)
    monkeypatch.setattr(lifecore.cores, "others_running", lambda: 0)  # threads whatever the load
    monkeypatch.setitem(_bitslice.JIT_AT, "program", (0, 0))  # compile whatever the size
    table = (np.random.default_rng(3).random(512) < 0.5).astype(np.uint8)
    x = (np.random.default_rng(4).random((2, 37, 150)) < 0.4).astype(np.uint8)
    rule = type("Table", (), {"window_table": table, "family": "map"})()
    want = lookup_step(lookup_step(x, table, boundary), table, boundary)
    assert np.array_equal(_bitslice.simulate(x, rule, 2, boundary, keep="last"), want)


def test_a_rule_is_compiled_only_for_calls_that_repay_it(monkeypatch, empty_cache):
    """Small calls of a rule never compiled take the generic kernels (a search over many
    rules compiles nothing); a call of `JIT_AT` cell updates compiles it."""
    table = (np.random.default_rng(8).random(512) < 0.5).astype(np.uint8)
    rule = type("Table", (), {"window_table": table, "family": "map"})()
    x = (np.random.default_rng(9).random((1, 16, 16)) < 0.5).astype(np.uint8)
    want = lookup_step(lookup_step(x, table, "torus"), table, "torus")
    assert np.array_equal(_bitslice.simulate(x, rule, 2, "torus", keep="last"), want)
    assert np.array_equal(_bitslice.simulate(x, rule, 2, "torus")[:, -1], want)
    assert not _bitjit.is_compiled(table)
    monkeypatch.setitem(_bitslice.JIT_AT, "program", (0, 2 * 16 * 16))
    assert np.array_equal(_bitslice.simulate(x, rule, 2, "torus", keep="last"), want)
    assert _bitjit.is_compiled(table)


@pytest.mark.parametrize("width", [1, 2, 4, 8])
@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 3, 64), (1, 5, 65), (1, 9, 700)])
def test_every_vector_width_computes_the_table(width, shape):
    """The IR's vector loop, whatever its width, with the words past the last whole
    vector run through the tail scratch (`_bitjit._words`): one table."""
    table = (np.random.default_rng(width).random(512) < 0.5).astype(np.uint8)
    compiled = _bitjit.Compiled(
        *_bitjit.compile_ir(_bitjit.module_ir(compile_table(table), width)), width
    )
    assert _bitjit.verified(_bitjit._Runner(compiled, 1), table)
    x = (np.random.default_rng(sum(shape)).random(shape) < 0.5).astype(np.uint8)
    for boundary, parallel in itertools.product(("torus", "dead"), (False, True)):
        run = _bitjit._Runner(compiled, 2 if parallel else 1)
        got = run(_bitslice._packed(x), None, 2, boundary == "torus", shape[2])
        want = lookup_step(lookup_step(x, table, boundary), table, boundary)
        assert np.array_equal(_bitslice._unpacked(got, shape[2]), want)


TABLE_A = (np.random.default_rng(5).random(512) < 0.5).astype(np.uint8)
TABLE_B = TABLE_A.copy()
TABLE_B[0b000010000] ^= 1  # one window apart: a lone live cell


def test_two_tables_one_entry_apart_each_get_their_own_function(empty_cache):
    run_a, run_b = _bitjit.jit_run(TABLE_A, False), _bitjit.jit_run(TABLE_B, False)
    assert run_a.compiled.address != run_b.compiled.address and len(_bitjit._COMPILED) == 2
    assert _bitjit.verified(run_a, TABLE_A) and not _bitjit.verified(run_a, TABLE_B)
    assert _bitjit.verified(run_b, TABLE_B) and not _bitjit.verified(run_b, TABLE_A)
    assert _bitjit.jit_run(TABLE_A, True).compiled is run_a.compiled  # served from memory
    x = np.zeros((1, 5, 70), dtype=np.uint8)
    x[0, 2, 40] = 1  # the lone live cell: the window where the tables differ
    for table in (TABLE_A, TABLE_B):
        assert np.array_equal(_jit(x, table, 1, "torus", False), lookup_step(x, table, "torus"))


def test_a_wrong_program_is_refused_and_not_kept(empty_cache):
    """Negative control: table B's program compiled for table A fails the 512-window
    check; nothing is cached, and table A then gets its own function."""
    with pytest.raises(LifecoreError, match="does not compute"):
        _bitjit.jit_run(TABLE_A, False, program=compile_table(TABLE_B))
    assert _bitjit._COMPILED == {}
    code = compile_table(TABLE_A).code.copy()
    code[-1, 0] = (code[-1, 0] + 1) % 6  # one instruction changed
    with pytest.raises(LifecoreError, match="does not compute"):
        _bitjit.jit_run(TABLE_A, False, program=compile_table(TABLE_A)._replace(code=code))
    assert _bitjit.verified(_bitjit.jit_run(TABLE_A, False), TABLE_A)


def test_the_cache_keeps_the_most_recently_used_functions(monkeypatch, empty_cache):
    """At most `KEEP` functions (about 1 MB each); the least recently used is dropped,
    and a run still holding it goes on working."""
    monkeypatch.setattr(_bitjit, "KEEP", 2)
    tables = [(np.random.default_rng(20 + i).random(512) < 0.5).astype(np.uint8) for i in range(3)]
    first = _bitjit.jit_run(tables[0], False)
    _bitjit.jit_run(tables[1], False)
    _bitjit.jit_run(tables[0], False)  # used again: table 1 is now the oldest
    _bitjit.jit_run(tables[2], False)
    assert [_bitjit.is_compiled(t) for t in tables] == [True, False, True]
    monkeypatch.setattr(_bitjit, "_COMPILED", OrderedDict())  # every function dropped
    assert _bitjit.verified(first, tables[0])  # alive while a run holds it
    assert _bitjit.verified(_bitjit.jit_run(tables[1], False), tables[1])  # compiled again


def test_threads_asking_for_one_new_table_share_one_function(empty_cache):
    table = (np.random.default_rng(30).random(512) < 0.5).astype(np.uint8)
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: _bitjit.jit_run(table, False), range(8)))
    assert len({id(run.compiled) for run in runs}) == 1 and len(_bitjit._COMPILED) == 1


def test_the_probe_holds_every_window_once():
    """`verified` checks each of the 512 windows (one 3x3 block each)."""
    assert sorted(_bitjit._PROBE_INDEX.ravel().tolist()) == list(range(512))
    cells = np.unpackbits(_bitjit._PROBE.view(np.uint8), bitorder="little").reshape(24, 192)
    blocks = cells.reshape(8, 3, 64, 3).transpose(0, 2, 1, 3).reshape(8, 64, 9)
    index = blocks.astype(np.int64) @ (1 << np.arange(8, -1, -1))
    assert np.array_equal(index, _bitjit._PROBE_INDEX)


def test_threads_only_on_cores_no_other_task_runs_on(monkeypatch):
    """As many threads as numba has and cores are free now; one on small boards."""
    cores = os.cpu_count() or 1
    threads = _bitslice.numba.get_num_threads()
    monkeypatch.setattr(_bitslice, "PARALLEL_AT", 100)
    monkeypatch.setattr(lifecore.cores, "others_running", lambda: 0)
    assert _bitslice._threads(10, 10) == min(threads, cores)
    assert _bitslice._threads(9, 10) == 1  # under PARALLEL_AT cells
    monkeypatch.setattr(lifecore.cores, "others_running", lambda: cores - 1)
    assert _bitslice._threads(10, 10) == 1  # one core left
    monkeypatch.setattr(lifecore.cores, "others_running", lambda: cores + 3)
    assert _bitslice._threads(10, 10) == 1
    assert _bitjit._Runner(None, 10**6).threads <= _bitslice.numba.config.NUMBA_NUM_THREADS
