"""Benchmark the bit-sliced simulator against the usual NumPy simulator, per rule family.

Run ``.venv/bin/python benchmarks/bench_simulate.py`` (a few minutes on 2 busy cores) or
with ``--quick`` (1024x1024 instead of 2048x2048, fewer repeats). ``--json PATH`` also
writes the figures. Times are warm (after JIT compilation) and the median of several
repeats; every result is first checked to be identical to the baseline's.

The baseline is the usual NumPy simulator for a rule on the 3x3 window: each cell's
9-bit Golly window index is built from ``np.roll`` copies of the board, and the next state
is a lookup in the rule's 512-entry table (``table[index]``). It serves every family.

Two tables are printed:

1. ratios: ``step`` and ``simulate(steps)`` (whole trajectory, every frame unpacked) of
   ours against the baseline, in the same process, for outer-totalistic, isotropic and MAP
   rules;
2. throughput of ``simulate(..., keep="last")`` on one square torus, where the boards stay
   bit-packed from the first step to the last, in Gcell-updates/s of wall time and per
   CPU-second of this process (the interpreted and adder kernels are serial; the compiled
   ones share each generation's rows among numba's threads on boards of
   ``_bitslice.PARALLEL_AT`` cells or more, so there the wall figure is the one to compare
   with the goal: 30 for outer-totalistic rules, 8 for isotropic and MAP). For isotropic and MAP
   rules both kernels are shown: the interpreted decision diagram (short runs) and the
   kernel compiled for the table (runs of ``COMPILE_AT`` cell updates or more; its
   one-off compile time, paid once per rule and machine thanks to the kernel cache, is
   the "first call"); for outer-totalistic rules the generic adder kernel and the one
   compiled for the rule.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lifecore.rules import MapRule, as_rule  # noqa: E402
from lifecore.simulate import _bitslice  # noqa: E402

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


# -- 2. keep="last" throughput ------------------------------------------------------------
def last_rows(side: int, repeats: int) -> list[dict]:
    rng = np.random.default_rng(1)
    x = (rng.random((1, side, side)) < 0.35).astype(np.uint8)
    rows = []
    for family, texts in RULES.items():
        for text in texts:
            rule = rule_for(text)
            generic = "adder network" if family == "outer-totalistic" else "interpreted"
            kernels = [generic, "compiled"]
            for kernel in kernels:
                rows.append(_last_row(x, rule, family, text, kernel, repeats))
    return rows


def _last_row(x, rule, family, text, kernel, repeats) -> dict:
    steps = 10 if kernel == "interpreted" else 200  # packing and unpacking: once per call
    saved = _bitslice.COMPILE_AT
    _bitslice.COMPILE_AT = 0 if kernel == "compiled" else 1 << 62
    try:
        start = time.perf_counter()
        small = _bitslice.simulate(x[:, :64, :128], rule, 1, "torus", keep="last")  # warm-up
        warm_s = time.perf_counter() - start
        want = _bitslice.simulate(x[:, :64, :128], rule, 1, "torus")[:, -1]
        if not np.array_equal(small, want):
            raise SystemExit(f"MISMATCH: keep='last' {text} ({kernel})")
        run = lambda: _bitslice.simulate(x, rule, steps, "torus", keep="last")  # noqa: E731
        t = median_time(run, repeats)
        cpu = median_time(run, repeats, time.process_time)
    finally:
        _bitslice.COMPILE_AT = saved
    gcells, per_cpu = x.size * steps / t / 1e9, x.size * steps / cpu / 1e9
    print(f"  keep=last {family:>16} {text[:24]:>24} {kernel:>13}: {gcells:.2f} Gcell/s "
          f"({per_cpu:.2f} per CPU-second)", file=sys.stderr)  # fmt: skip
    if kernel == "compiled":
        kernel += f" ({_threads(x)} thread{'s' * (_threads(x) > 1)})"
    return {"family": family, "rule": text, "kernel": kernel, "side": x.shape[-1],
            "steps": steps, "seconds": t, "gcell_updates_per_s": gcells,
            "gcell_updates_per_cpu_s": per_cpu, "first_call_s": warm_s}  # fmt: skip


def _threads(x: np.ndarray) -> int:
    """Threads a compiled keep='last' run of board ``x`` uses."""
    import numba

    return numba.get_num_threads() if _bitslice._shared(*x.shape[-2:]) else 1


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
    last = last_rows(side, 3 if args.quick else 5) if args.only != "ratios" else []
    print("\n| family | rule | boards | op | baseline ms | ours ms | speedup |")
    print("|---|---|---|---|---:|---:|---:|")
    for r in ratios:
        print(f"| {r['family']} | {r['rule']} | {r['boards']} | {r['op']} | "
              f"{r['baseline_ms']:.1f} | {r['ours_ms']:.2f} | {r['speedup']:.1f}x |")  # fmt: skip
    print(f"\nkeep='last' on a {side}x{side} torus (Gcell-updates/s; first call = JIT/compile)\n")
    print("| family | rule | kernel | steps | Gcell/s | per CPU-second | first call s |")
    print("|---|---|---|---:|---:|---:|---:|")
    for r in last:
        print(f"| {r['family']} | {r['rule']} | {r['kernel']} | {r['steps']} | "
              f"{r['gcell_updates_per_s']:.2f} | {r['gcell_updates_per_cpu_s']:.2f} | "
              f"{r['first_call_s']:.2f} |")  # fmt: skip
    if args.json:
        meta = {"quick": args.quick, "steps": STEPS, "boundary": "torus",
                "numba_threads": os.environ.get("NUMBA_NUM_THREADS"),
                "python": platform.python_version(), "numpy": np.__version__,
                "machine": platform.machine(), "load_average": os.getloadavg()}  # fmt: skip
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"meta": meta, "ratios": ratios, "last": last}, indent=2))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
