"""Benchmark the bit-sliced simulator against the usual NumPy simulator, per rule family.

Run ``.venv/bin/python benchmarks/bench_simulate.py`` (a few minutes on 2 busy cores) or
with ``--quick`` (1024x1024 instead of 2048x2048, fewer repeats). ``--json PATH`` also
writes the figures. Times are warm (after JIT compilation); every result is first
checked to be identical to the baseline's (or the trajectory path's).

The baseline is the usual NumPy simulator for a rule on the 3x3 window: each cell's
9-bit Golly window index is built from ``np.roll`` copies of the board, and the next state
is a lookup in the rule's 512-entry table (``table[index]``). It serves every family.

Two tables are printed:

1. ratios: ``step`` and ``simulate(steps)`` (whole trajectory, every frame unpacked) of
   ours against the baseline, in the same process, for outer-totalistic, isotropic and MAP
   rules;
2. ``simulate(..., keep="last")`` on one 2048x2048 torus (boards bit-packed from the
   first step to the last), short (200 steps) and long (2,000) calls, for Life, a random
   outer-totalistic rule, an isotropic rule and a random MAP rule: the time to compile a
   new rule's kernel (`lifecore.simulate._bitjit`), the first call of a rule never seen
   (empty kernel cache; a new process pays the same), a seen rule, and the generic kernels
   (no compilation: what a new rule ran on before), beside the NumPy baseline and the
   hand-written SWAR Life kernel (`swar_life.py`, the faster of its 1- and 2-thread runs),
   timed just after each row so that both see the same load (written beside each row).
   Times there are the fastest of 3 calls (the machine is shared; the least disturbed
   call is the best estimate).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from functools import partial
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # swar_life

import swar_life  # noqa: E402

from lifecore.rules import MapRule, as_rule  # noqa: E402
from lifecore.simulate import _bitjit, _bitslice  # noqa: E402

STEPS = 20
RULES = {
    "outer-totalistic": ("B3/S23", "B3678/S34678", "B13/S012V", "B2/S34H"),
    "isotropic": ("B2-a/S12", "B3/S2-i34q", "B2ek3-ajn4itz5y/S1c2-i3ein4acqz6k"),
    "map": ("random MAP (seed 0)",),
}


def rule_for(text: str):
    if text.startswith("random MAP"):
        bits = np.random.default_rng(0).integers(0, 2, 512).astype(np.uint8)
        return MapRule.from_window_table(bits)
    return as_rule(text)


# -- baseline -------------------------------------------------------------------------
def baseline_step(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One torus generation of a ``(N, H, W)`` uint8 batch: rolled window index, lookup."""
    index = np.zeros(x.shape, dtype=np.int16)
    for v in range(9):
        dr, dc = v // 3 - 1, v % 3 - 1
        index |= np.roll(x, shift=(-dr, -dc), axis=(-2, -1)).astype(np.int16) << (8 - v)
    return table[index]


def baseline_simulate(x: np.ndarray, table: np.ndarray, steps: int) -> np.ndarray:
    frames = np.empty((x.shape[0], steps + 1) + x.shape[1:], dtype=np.uint8)
    frames[:, 0] = x
    for t in range(1, steps + 1):
        x = baseline_step(x, table)
        frames[:, t] = x
    return frames


def median_time(fn: Callable[[], object], repeats: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return float(np.median(times))


# -- 1. ratios --------------------------------------------------------------------------
def ratio_rows(cases: dict, fast: int, slow: int) -> list[dict]:
    rows = []
    for family, texts in RULES.items():
        for text in texts:
            rule = rule_for(text)
            table = np.asarray(rule.window_table, dtype=np.uint8)
            for case, x in cases.items():
                ours_frames = _bitslice.simulate(x, rule, STEPS, "torus")
                if not np.array_equal(ours_frames, baseline_simulate(x, table, STEPS)):
                    raise SystemExit(f"MISMATCH: simulate {text} on {case}")
                del ours_frames
                for row in _ratios(x, rule, table, fast, slow):
                    rows.append({"family": family, "rule": text, "boards": case, **row})
                    print(f"  {family:>16} {text[:24]:>24} {case:>12} {row['op']:>12}: "
                          f"x{row['speedup']:.1f}", file=sys.stderr)  # fmt: skip
    return rows


def _ratios(x, rule, table, fast: int, slow: int) -> list[dict]:
    """Ours against the baseline for one step and for a whole trajectory."""
    rows = []
    for op, ours, base, reps in (
        ("step", lambda: _bitslice.step(x, rule, "torus"), lambda: baseline_step(x, table), 1),
        (f"simulate({STEPS})", lambda: _bitslice.simulate(x, rule, STEPS, "torus"),
         lambda: baseline_simulate(x, table, STEPS), STEPS),
    ):  # fmt: skip
        t_ours = median_time(ours, fast)
        t_base = median_time(base, slow if reps > 1 or x.size > 1 << 20 else fast)
        rows.append(
            {"op": op, "baseline_ms": 1e3 * t_base, "ours_ms": 1e3 * t_ours,
             "speedup": t_base / t_ours}
        )  # fmt: skip
    return rows


# -- 2. keep="last": short and long calls, new and seen rules, against the SWAR reference ----
LAST_RULES = {
    "outer-totalistic": ("B3/S23", "random OT (seed 0)"),
    "isotropic": ("B2ce3-ir4a/S1c2-a3",),
    "map": ("random MAP (seed 0)",),
}


def last_rule(text: str):
    if text == "random OT (seed 0)":
        rng = np.random.default_rng(0)
        counts = lambda: "".join(str(c) for c in range(9) if rng.random() < 0.4)  # noqa: E731
        return as_rule(f"B{counts()}/S{counts()}")
    return rule_for(text)


def _gcells(x, steps: int, seconds: float) -> float:
    return (x if isinstance(x, int) else x.size) * steps / seconds / 1e9


def reference_rows(x: np.ndarray, steps_list, repeats: int) -> list[dict]:
    """The NumPy baseline (Life, a few steps: it is slow) and the SWAR Life kernel."""
    table = np.asarray(as_rule("B3/S23").window_table, dtype=np.uint8)
    t = min_time(lambda: baseline_step(x, table), 3)
    rows = [{"kernel": "NumPy baseline", "rule": "B3/S23", "steps": 1, "seconds": t,
             "gcell_updates_per_s": _gcells(x[0], 1, t)}]  # fmt: skip
    want = _bitslice.simulate(x, as_rule("B3/S23"), 7, "torus", keep="last")[0]
    for threads in (True, False):
        if not np.array_equal(_swar(x[0], 7, threads), want):
            raise SystemExit("MISMATCH: SWAR reference")
    for steps in steps_list:
        for threads in (True, False):
            t = min_time(partial(_swar, x[0], steps, threads), repeats)
            rows.append({"kernel": f"SWAR reference ({'2 threads' if threads else '1 thread'})",
                         "rule": "B3/S23", "steps": steps, "seconds": t,
                         "gcell_updates_per_s": _gcells(x[0], steps, t)})  # fmt: skip
    return rows


def min_time(fn: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` calls: on a machine shared with other work, the least
    disturbed estimate."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _threads(x: np.ndarray) -> int:
    """Threads a compiled keep='last' run of board ``x`` uses now (`_bitslice._threads`)."""
    return _bitslice._threads(*x.shape[-2:])


def _swar(board: np.ndarray, steps: int, threads: bool = True) -> np.ndarray:
    return swar_life.unpack(swar_life.life_run(swar_life.pack(board), steps, threads))


def _swar_best(board: np.ndarray, steps: int, repeats: int) -> float:
    """Seconds of the SWAR reference now (the faster of 1 and 2 threads)."""
    return min(min_time(partial(_swar, board, steps, t), repeats) for t in (True, False))


def _ours(x: np.ndarray, rule, steps: int) -> np.ndarray:
    return _bitslice.simulate(x, rule, steps, "torus", keep="last")


def _generic(x: np.ndarray, rule, steps: int) -> np.ndarray:
    """The generic kernels (adder network or interpreted program, no compilation per
    rule): what a new rule's keep='last' call ran on before `_bitjit`."""
    state = _bitslice._packed(x)
    kernel = _bitslice._kernel(rule)
    return _bitslice._advance_generic(state, _bitslice._no_frames(x), 0, steps, True, kernel, False)


def _compile_ms(rule) -> float:
    """Milliseconds to make a new rule's kernel: its program, LLVM, the 512-window check."""
    _bitjit._COMPILED.clear()
    start = time.perf_counter()
    _bitjit.jit_run(_bitslice._kernel(rule).table, False)
    return 1e3 * (time.perf_counter() - start)


def _last_row(family, text, rule, cells, steps, times: dict) -> dict:
    row = {"family": family, "rule": str(rule) if "random" not in text else text,
           "steps": steps, "load_average": os.getloadavg()[0], **times,
           "seen_gcell_updates_per_s": _gcells(cells, steps, times["seen_s"]),
           "new_rule_pays_s": times["new_rule_s"] - times["seen_s"],
           "vs_swar": times["swar_s"] / times["seen_s"]}  # fmt: skip
    print(f"  {family:>16} {text[:22]:>22} {steps:>5}: compile {times['compile_ms']:.1f} ms, "
          f"new {times['new_rule_s']:.3f} s, seen {times['seen_s']:.3f} s "
          f"({row['seen_gcell_updates_per_s']:.1f} Gcell/s, {row['vs_swar']:.2f}x SWAR), "
          f"load {row['load_average']:.1f}", file=sys.stderr)  # fmt: skip
    return row


def _times(x: np.ndarray, rule, steps: int, repeats: int) -> dict:
    """One rule and length: the first call of the rule never seen (empty kernel cache)
    and the seen rule (each the fastest of ``repeats``), the generic kernels (200 steps
    or fewer: they are slow), then the SWAR reference, all within the same minute."""
    run = partial(_ours, x, rule, steps)
    times = {"compile_ms": min(_compile_ms(rule) for _ in range(repeats))}
    times["new_rule_s"] = min_time(lambda: (_bitjit._COMPILED.clear(), run()), repeats)
    times["seen_s"] = min_time(run, repeats)
    times["threads"] = _threads(x)
    if steps <= 200:
        times["generic_s"] = min_time(partial(_generic, x, rule, steps), 1)
    times["swar_s"] = _swar_best(x[0], steps, repeats)
    return times


def last_rows(x: np.ndarray, steps_list, repeats: int) -> list[dict]:
    """Per rule and length: `_times`, each kernel's result checked first on a corner
    of the board against the trajectory path (every frame kept: generic kernels)."""
    rows = []
    for family, texts in LAST_RULES.items():
        for text in texts:
            rule = last_rule(text)
            want = _bitslice.simulate(x[:, :64, :130], rule, 3, "torus")[:, -1]
            _bitjit._COMPILED.clear()
            if not np.array_equal(_ours(x[:, :64, :130], rule, 3), want):
                raise SystemExit(f"MISMATCH: keep='last' {text}")
            for steps in steps_list:
                times = _times(x, rule, steps, repeats)
                rows.append(_last_row(family, text, rule, x.size, steps, times))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller big board, fewer repeats")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--only", choices=["ratios", "last"], help="run one of the two parts")
    args = parser.parse_args(argv)
    side = 1024 if args.quick else 2048
    fast, slow = (3, 1) if args.quick else (7, 3)
    rng = np.random.default_rng(0)
    cases = {
        f"1 x {side // 2}^2": (rng.random((1, side // 2, side // 2)) < 0.35).astype(np.uint8),
        "64 x 64^2": (rng.random((64, 64, 64)) < 0.35).astype(np.uint8),
    }
    ratios = ratio_rows(cases, fast, slow) if args.only != "last" else []
    reference, last = [], []
    if args.only != "ratios":
        x = (np.random.default_rng(1).random((1, side, side)) < 0.35).astype(np.uint8)
        steps_list, repeats = (200, 2000), 3
        reference = reference_rows(x, steps_list, repeats)
        last = last_rows(x, steps_list, repeats)
    _print(ratios, reference, last, side)
    if args.json:
        meta = {"quick": args.quick, "steps": STEPS, "boundary": "torus", "side": side,
                "numba_threads": os.environ.get("NUMBA_NUM_THREADS"),
                "python": platform.python_version(), "numpy": np.__version__,
                "machine": platform.machine(), "load_average": os.getloadavg()}  # fmt: skip
        args.json.parent.mkdir(parents=True, exist_ok=True)
        out = {"meta": meta, "ratios": ratios, "reference": reference, "last": last}
        args.json.write_text(json.dumps(out, indent=2))
        print(f"\nwrote {args.json}")
    return 0


def _print(ratios: list, reference: list, last: list, side: int) -> None:
    if ratios:
        print("\n| family | rule | boards | op | baseline ms | ours ms | speedup |")
        print("|---|---|---|---|---:|---:|---:|")
    for r in ratios:
        print(f"| {r['family']} | {r['rule']} | {r['boards']} | {r['op']} | "
              f"{r['baseline_ms']:.1f} | {r['ours_ms']:.2f} | {r['speedup']:.1f}x |")  # fmt: skip
    if not last:
        return
    print(f"\nkeep='last' on a {side}x{side} torus, one process\n")
    print("| reference | rule | steps | seconds | Gcell/s |\n|---|---|---:|---:|---:|")
    for r in reference:
        print(f"| {r['kernel']} | {r['rule']} | {r['steps']} | {r['seconds']:.3f} | "
              f"{r['gcell_updates_per_s']:.2f} |")  # fmt: skip
    numpy = next(r["gcell_updates_per_s"] for r in reference if r["kernel"] == "NumPy baseline")
    print(
        "\n| family | rule | steps | compile ms | new rule s | seen s | generic s | threads "
        "| seen Gcell/s | vs NumPy | SWAR s | seen vs SWAR | load |"
        "\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for r in last:
        generic = f"{r['generic_s']:.3f}" if "generic_s" in r else "-"
        print(f"| {r['family']} | {r['rule']} | {r['steps']} | {r['compile_ms']:.1f} | "
              f"{r['new_rule_s']:.3f} | {r['seen_s']:.3f} | {generic} | {r['threads']} | "
              f"{r['seen_gcell_updates_per_s']:.2f} | "
              f"{r['seen_gcell_updates_per_s'] / numpy:.0f}x | {r['swar_s']:.3f} | "
              f"{r['vs_swar']:.2f}x | {r['load_average']:.1f} |")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
