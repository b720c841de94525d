"""A kernel for any window table in milliseconds: its program compiled by LLVM directly.

Why
    numba needed 1 to 3 s to compile a kernel for each new rule (typing, then optimising a
    whole generated module), and the interpreter (`lifecore.simulate._bittable`) runs 10
    to 15 times slower than such a kernel. Here LLVM (through llvmlite, the library numba
    is built on) receives only the rule's *word function*: IR written out already
    vectorised (one SSA value per instruction of the table's
    `lifecore.simulate._windowlogic.Program`), so no optimisation pass runs and machine
    code comes in 10 to 50 ms. The loops around it (rows, generations, threads) are numba
    kernels compiled once and cached on disk (``cache=True``); they call the rule's
    function through its address (`_call`, an intrinsic), so nothing is compiled by
    numba per rule. Outer-totalistic rules take the same path (their decision diagram is
    small: 11 to 40 instructions; measured faster than their adder networks).

The word function, in C terms::

    void rule(const uint64_t *up, const uint64_t *middle, const uint64_t *down,
              uint64_t *out, int64_t n)
    // for k < n: the 9 window planes of word k from words k-1, k, k+1 of the three
    // rows (west = x << 1 | carry from word k-1, east = x >> 1 | carry from word k+1),
    // out[k] = program(planes)

Padded rows
    The state is kept as ``(N, H, nw + 2)`` words: word 0 of a row holds the west carry
    (the last column, at bit 63), and the east carry (the first column) sits at bit
    ``top + 1`` of the last word (just past the width, so it only reaches the east
    plane of the last column), or in word ``nw + 1`` when the last word is full; all
    zero outside a dead boundary (`_fix_pads`). The word function then needs no edge
    case, and the rows between the first and the last of a band run as one call over
    their words laid end to end (the results at pad words are garbage, rewritten).

Trust
    Every compiled function is run on a board holding all 512 windows (`verified`) and
    must reproduce its table before it is kept or used; the `KEEP` most recently used
    functions are kept, per table, in memory (a new process, or a table dropped, compiles
    again: tens of milliseconds).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, NamedTuple, Optional

import llvmlite.binding as llvm
import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from ..errors import LifecoreError
from ._windowlogic import AND, ANDN, MUX, NOT, ONE, OR, ORN, ZERO, Program, compile_table

__all__ = ["jit_run", "is_compiled", "padded", "unpadded", "Compiled"]

_I64 = ir.IntType(64)
_PTR = _I64.as_pointer()
_RULE_TYPE = ir.FunctionType(ir.VoidType(), [_PTR, _PTR, _PTR, _PTR, _I64])
_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def _instruction(builder: ir.IRBuilder, op: int, v, a, b):
    """One `Program` instruction (``_windowlogic``'s codes) as LLVM values."""
    if op == MUX:  # if v then a else b
        return builder.xor(b, builder.and_(builder.xor(a, b), v))
    if op == AND:
        return builder.and_(v, a)
    if op == ANDN:
        return builder.and_(b, builder.not_(v))
    if op == OR:
        return builder.or_(v, b)
    if op == ORN:
        return builder.or_(a, builder.not_(v))
    if op == NOT:
        return builder.not_(v)
    raise LifecoreError(f"unknown instruction code {op} in a window program")


def _constant(kind, value: int):
    """``value`` as one word (``kind`` ``i64``) or in every lane of a vector of words."""
    if isinstance(kind, ir.VectorType):
        return ir.Constant(kind, [_I64(value)] * kind.count)
    return ir.Constant(kind, value)


def _at(builder: ir.IRBuilder, row, k, kind):
    """Pointer to the ``kind`` (word or vector of words) at word ``k`` of ``row``."""
    at = builder.gep(row, [k])
    return builder.bitcast(at, kind.as_pointer()) if isinstance(kind, ir.VectorType) else at


def _neighbours(builder: ir.IRBuilder, row, k, kind) -> list:
    """West, centre and east words from word ``k`` of a padded row: words ``k - 1`` and
    ``k + 1`` bring the carries (module docstring)."""
    one, s63 = _constant(kind, 1), _constant(kind, 63)
    load = [
        builder.load(_at(builder, row, builder.add(k, _I64(i)), kind), align=8) for i in (-1, 0, 1)
    ]
    west = builder.or_(builder.shl(load[1], one), builder.lshr(load[0], s63))
    east = builder.or_(builder.lshr(load[1], one), builder.shl(load[2], s63))
    return [west, load[1], east]


def _loop(function: ir.Function, builder: ir.IRBuilder, program: Program, width: int, start, stop):
    """A loop computing ``program`` for words ``start .. stop - 1``, ``width`` words a
    step (a vector of them if ``width`` > 1); the builder is left in a block after it."""
    kind = ir.VectorType(_I64, width) if width > 1 else _I64
    up, middle, down, out, _ = function.args
    head, loop, after = builder.block, function.append_basic_block(), function.append_basic_block()
    builder.cbranch(builder.icmp_signed("<", start, stop), loop, after)
    builder.position_at_end(loop)
    k = builder.phi(_I64)
    k.add_incoming(start, head)
    planes = sum((_neighbours(builder, row, k, kind) for row in (up, middle, down)), [])
    registers = {ZERO: _constant(kind, 0), ONE: _constant(kind, -1), **dict(enumerate(planes))}
    for op, v, a, b, dst in program.code.tolist():
        registers[dst] = _instruction(builder, op, registers[v], registers[a], registers[b])
    builder.store(registers[program.out], _at(builder, out, k, kind), align=8)
    following = builder.add(k, _I64(width))
    k.add_incoming(following, loop)
    builder.cbranch(builder.icmp_signed("<", following, stop), loop, after)
    builder.position_at_end(after)


def _vector_width() -> int:
    """Words per vector register of this CPU (what the vector loop works on)."""
    features = llvm.get_host_cpu_features()
    if features.get("avx512f"):
        return 8
    return 4 if features.get("avx2") else 2


def module_ir(program: Program, width: int) -> str:
    """LLVM IR of the word function ``rule`` (module docstring) computing ``program``:
    one loop over vectors of ``width`` words (``n`` must be a multiple of ``width``),
    written out vectorised, so that no optimisation pass is needed."""
    module = ir.Module(name="lifecore_rule")
    module.triple = llvm.get_process_triple()
    function = ir.Function(module, _RULE_TYPE, name="rule")
    n = function.args[4]
    function.args[3].add_attribute("noalias")  # the rows read are never written in a call
    builder = ir.IRBuilder(function.append_basic_block("entry"))
    _loop(function, builder, program, width, _I64(0), n)
    builder.ret_void()
    return str(module)


def _machine() -> llvm.TargetMachine:
    """This CPU as LLVM's target (its own vector width: AVX2, AVX-512, NEON ...); a new
    one for each engine, which owns it (llvmlite frees it with the engine)."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    features = llvm.get_host_cpu_features().flatten()
    return target.create_target_machine(cpu=llvm.get_host_cpu_name(), features=features, opt=2)


def compile_ir(text: str) -> tuple[object, int]:
    """``(engine, address of rule)``: ``text`` compiled to machine code (no optimisation
    pass: the IR is already vectorised); the engine owns the code and must be kept alive
    while it is called."""
    module = llvm.parse_assembly(text)
    module.verify()
    engine = llvm.create_mcjit_compiler(module, _machine())
    engine.finalize_object()
    return engine, engine.get_function_address("rule")


@intrinsic
def _call(typingctx, address, up, up_at, middle, middle_at, down, down_at, out, out_at, n):
    """Call the word function at ``address`` on ``n`` words (a multiple of its vector
    width): each row argument is a 1-D array and the index of the first word it passes."""
    at = types.int64
    signature = types.void(at, up, at, middle, at, down, at, out, at, types.int64)

    def codegen(context, builder, sig, args):
        pointers = []
        for i in (1, 3, 5, 7):
            data = context.make_array(sig.args[i])(context, builder, args[i]).data
            pointers.append(builder.gep(builder.bitcast(data, _PTR), [args[i + 1]]))
        function = builder.inttoptr(args[0], _RULE_TYPE.as_pointer())
        builder.call(function, pointers + [args[9]])
        return context.get_dummy_value()

    return signature, codegen


@numba.njit(inline="always")
def _words(address, width, up, iu, middle, im, down, idn, out, io, n, tail):
    """``out[io:io + n]`` from the rows at ``up[iu - 1:iu + n + 1]`` and so on: the whole
    vectors in one call, the last ``n % width`` words copied into ``tail`` (``(4, width +
    2)`` scratch) and run there, so that the function only sees whole vectors (and its
    machine code is one loop: half the compilation of a vector loop and a word loop)."""
    whole = n - n % width
    if whole > 0:
        _call(address, up, iu, middle, im, down, idn, out, io, whole)
    if whole < n:
        tail[:, :] = 0
        for k in range(n - whole + 2):  # words whole - 1 .. n of each row
            tail[0, k] = up[iu + whole - 1 + k]
            tail[1, k] = middle[im + whole - 1 + k]
            tail[2, k] = down[idn + whole - 1 + k]
        _call(address, tail[0], 1, tail[1], 1, tail[2], 1, tail[3], 1, width)
        for k in range(n - whole):
            out[io + whole + k] = tail[3, 1 + k]


@numba.njit(inline="always")
def _row(a, c, r, h, torus, address, width, zeros, tail):
    """Next state of padded row ``r`` of board ``a`` (its rows end to end, ``H * (nw +
    2)`` words) into ``c``: the rows above and below wrapped, or zeros if dead."""
    stride = zeros.shape[0]
    up, iu = (a, (r - 1) * stride + 1) if r > 0 else (a, (h - 1) * stride + 1)
    if r == 0 and not torus:
        up, iu = zeros, 1
    down, idn = (a, (r + 1) * stride + 1) if r < h - 1 else (a, 1)
    if r == h - 1 and not torus:
        down, idn = zeros, 1
    _words(
        address, width, up, iu, a, r * stride + 1, down, idn, c, r * stride + 1, stride - 2, tail
    )


@numba.njit(inline="always")
def _band(a, c, r0, r1, h, torus, address, width, zeros, tail):
    """Rows ``r0 .. r1 - 1`` of board ``a`` into ``c`` (`_row`'s layout): the first and
    last rows of the board alone (their neighbours wrap), the rows between in one call
    over their words end to end (results at pad words are garbage, see `_fix_pads`)."""
    stride = zeros.shape[0]
    if r0 == 0:
        _row(a, c, 0, h, torus, address, width, zeros, tail)
        r0 = 1
    if r1 == h and r1 > r0:
        _row(a, c, h - 1, h, torus, address, width, zeros, tail)
        r1 = h - 1
    if r1 > r0:
        at = r0 * stride + 1
        n = (r1 - r0) * stride - 2
        _words(address, width, a, at - stride, a, at, a, at + stride, c, at, n, tail)


@numba.njit(inline="always")
def _fix_pads(c, b, r0, r1, top, torus):
    """Rows ``c[b, r0:r1]`` made a valid padded state: bits past the width cleared, then
    word 0 holds the west carry (the last column, at bit 63) and the east carry (the
    first column) goes to bit ``top + 1`` of the last word, or to word ``nw + 1`` when the
    last word is full; zeros outside a dead boundary."""
    nw = c.shape[2] - 2
    one = np.uint64(1)
    for r in range(r0, r1):
        row = c[b, r]
        row[nw] &= _ONES >> (np.uint64(63) - top)
        east = row[1] & one if torus else np.uint64(0)
        row[0] = ((row[nw] >> top) & one) << np.uint64(63) if torus else np.uint64(0)
        row[nw + 1] = east if top == np.uint64(63) else np.uint64(0)
        if top < np.uint64(63):
            row[nw] |= east << (top + one)


@numba.njit(inline="always")
def _generation(a, c, b, r0, r1, torus, top, address, width, zeros, tail):
    """Rows ``r0 .. r1 - 1`` of board ``b`` of padded ``a (N, H, nw + 2)`` into ``c``."""
    h = a.shape[1]
    size = h * a.shape[2]
    _band(a[b].reshape(size), c[b].reshape(size), r0, r1, h, torus, address, width, zeros, tail)
    _fix_pads(c, b, r0, r1, top, torus)


@numba.njit(cache=True)
def _buffers(stride, w, width, parts):
    """What every driver's generations share: the top bit of a row's last word, a row of
    zeros (the dead edge) and ``parts`` scratch tails of ``width + 2`` vectors."""
    top = np.uint64((w - 1) % 64)
    return top, np.zeros(stride, dtype=np.uint64), np.zeros((parts, 4, width + 2), np.uint64)


@numba.njit(cache=True)
def _run(src, dst, steps, torus, w, address, width):
    """``steps`` generations of padded boards ``src (N, H, nw + 2)`` (``dst``: scratch of
    the same shape) under the word function at ``address`` (vectors of ``width`` words);
    returns the array holding the final state."""
    n, h, stride = src.shape
    top, zeros, tails = _buffers(stride, w, width, 1)
    a, c = src, dst
    for _s in range(steps):
        for b in range(n):
            _generation(a, c, b, 0, h, torus, top, address, width, zeros, tails[0])
        a, c = c, a
    return a


@numba.njit(parallel=True, cache=True)
def _run_parallel(src, dst, steps, torus, w, address, width, parts):
    """`_run` with each generation's rows split into ``parts`` bands shared among numba's
    threads (a few bands a thread: threads that fall behind share the rest)."""
    n, h, stride = src.shape
    top, zeros, tails = _buffers(stride, w, width, parts)
    size = (h + parts - 1) // parts
    a, c = src, dst
    for _s in range(steps):
        for b in range(n):
            for p in numba.prange(parts):
                r0, r1 = p * size, min(h, (p + 1) * size)
                if r0 < r1:
                    _generation(a, c, b, r0, r1, torus, top, address, width, zeros, tails[p])
        a, c = c, a
    return a


def padded(src: np.ndarray, w: int, torus: bool) -> np.ndarray:
    """Packed boards ``(N, H, nw)`` as the padded rows ``(N, H, nw + 2)`` `_run` reads."""
    n, h, nw = src.shape
    rows = np.zeros((n, h, nw + 2), dtype=np.uint64)
    rows[:, :, 1:-1] = src
    top = (w - 1) % 64
    if torus:
        rows[:, :, 0] = ((src[:, :, -1] >> np.uint64(top)) & np.uint64(1)) << np.uint64(63)
        east = src[:, :, 0] & np.uint64(1)
        if top == 63:
            rows[:, :, -1] = east
        else:
            rows[:, :, -2] |= east << np.uint64(top + 1)
    return rows


class Compiled(NamedTuple):
    """A compiled word function: the engine that owns its machine code (kept alive with
    it), its address, and its vector width (it only takes multiples of it)."""

    engine: object
    address: int
    width: int


class _Runner:
    """``run(src, dst, steps, torus, w) -> packed state`` of a `Compiled` function on
    ``threads`` of numba's threads (at most its ``NUMBA_NUM_THREADS``; 1: serial);
    ``dst`` is not used (the padded rows need arrays of their own)."""

    def __init__(self, compiled: Compiled, threads: int) -> None:
        self.compiled = compiled
        self.threads = max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS))

    def __call__(self, src, dst, steps, torus, w):
        a = padded(src, w, torus)
        _, address, width = self.compiled
        if self.threads == 1:
            return unpadded(_run(a, np.empty_like(a), steps, torus, w, address, width), w)
        before = numba.get_num_threads()
        numba.set_num_threads(self.threads)
        try:  # a few bands a thread: threads that fall behind share the rest
            parts = 4 * self.threads
            a = _run_parallel(a, np.empty_like(a), steps, torus, w, address, width, parts)
        finally:
            numba.set_num_threads(before)
        return unpadded(a, w)


def unpadded(padded: np.ndarray, w: int) -> np.ndarray:
    """Padded rows ``(N, H, nw + 2)`` back to packed boards ``(N, H, nw)`` (the east carry
    past the width cleared)."""
    out = np.ascontiguousarray(padded[:, :, 1:-1])
    out[:, :, -1] &= _ONES >> np.uint64(63 - (w - 1) % 64)
    return out


def _probe_board() -> tuple[np.ndarray, np.ndarray]:
    """A packed ``(1, 24, 3)`` board holding all 512 windows, one per 3x3 block (so each
    block's centre sees only its own block), and each block's Golly window index."""
    index = np.arange(512).reshape(8, 64)
    bits = (index[..., None] >> (8 - np.arange(9))) & 1  # (8, 64, 9)
    cells = bits.reshape(8, 64, 3, 3).transpose(0, 2, 1, 3).reshape(1, 24, 192)
    packed = np.packbits(cells.astype(np.uint8), axis=-1, bitorder="little")
    return packed.view("<u8").astype(np.uint64), index


_PROBE, _PROBE_INDEX = _probe_board()


def verified(run: Callable, table: np.ndarray) -> bool:
    """Whether ``run`` computes ``table`` on every window, torus and dead boundary: one
    generation of `_PROBE` (microseconds)."""
    for torus in (True, False):
        src = _PROBE.copy()
        out = run(src, np.empty_like(src), 1, torus, 192)
        cells = np.unpackbits(np.ascontiguousarray(out).view(np.uint8), bitorder="little")
        centres = cells.reshape(8, 3, 64, 3)[:, 1, :, 1]
        if not np.array_equal(centres, table[_PROBE_INDEX]):
            return False
    return True


#: Compiled functions kept (least recently used dropped first): each holds about 1 MB
#: (LLVM's module and engine), and recompiling a dropped one costs only milliseconds.
KEEP = 64
#: window table (bytes) -> its word function, verified; most recently used last
_COMPILED: OrderedDict[bytes, Compiled] = OrderedDict()
_LOCK = threading.Lock()


def is_compiled(table: np.ndarray) -> bool:
    """Whether ``table``'s word function was compiled (and checked) this session."""
    return np.ascontiguousarray(table, dtype=np.uint8).reshape(512).tobytes() in _COMPILED


def jit_run(table: np.ndarray, threads: int = 1, program: Optional[Program] = None) -> Callable:
    """The run ``(src, dst, steps, torus, w) -> packed state`` of window table ``table``
    (``(512,)`` 0/1), compiled in milliseconds the first time this session (module
    docstring); ``threads``: numba's threads sharing each generation's rows.

    ``program`` is the table's program (default: `compile_table`'s; used only if the
    table is not compiled yet); whatever it is, the compiled function must reproduce
    ``table`` on all 512 windows (`verified`) before it is kept or used, else
    `LifecoreError`: no table can be served another's function.
    """
    table = np.ascontiguousarray(table, dtype=np.uint8).reshape(512)
    key = table.tobytes()
    with _LOCK:  # one compilation at a time; the cache stays consistent across threads
        if key not in _COMPILED:
            width = _vector_width()
            program = compile_table(table) if program is None else program
            compiled = Compiled(*compile_ir(module_ir(program, width)), width)
            if not verified(_Runner(compiled, 1), table):
                raise LifecoreError("the function compiled for a window table does not compute it")
            _COMPILED[key] = compiled
            while len(_COMPILED) > KEEP:
                _COMPILED.popitem(last=False)  # a run still using it keeps it alive
        _COMPILED.move_to_end(key)
        return _Runner(_COMPILED[key], threads)
