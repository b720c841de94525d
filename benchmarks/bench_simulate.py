"""Benchmark the bit-sliced numba kernels against the usual NumPy simulator.

Run ``.venv/bin/python benchmarks/bench_simulate.py`` (about a minute) or with
``--quick`` (a few seconds: a 1024x1024 board instead of 2048x2048, fewer repeats).
``--json PATH`` also writes the figures. Times are warm (after JIT compilation) and the
median of several repeats; every result is first checked to be identical to the
baseline's.

The baseline is the classic NumPy simulator: the neighbour count is the sum of one
``np.roll`` copy of the board per neighbour offset, and the next state is built with
one boolean mask per birth / survival count.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lifecore import _bitslice  # noqa: E402
from lifecore.rules import Rule  # noqa: E402

RULES = ("B3/S23", "B3678/S34678", "B13/S012V", "B2/S34H")
STEPS = 20


# -- baseline -------------------------------------------------------------------------
def baseline_step(x: np.ndarray, rule: Rule) -> np.ndarray:
    """One torus generation of a ``(N, H, W)`` uint8 batch, the usual NumPy way."""
    count = np.zeros(x.shape, dtype=np.uint8)
    for dr, dc in rule.offsets:
        count += np.roll(x, shift=(-dr, -dc), axis=(-2, -1))
    dead = x == 0
    alive = ~dead
    nxt = np.zeros(x.shape, dtype=bool)
    for c in rule.birth:
        nxt |= dead & (count == c)
    for c in rule.survival:
        nxt |= alive & (count == c)
    return nxt.view(np.uint8)


def baseline_simulate(x: np.ndarray, rule: Rule, steps: int) -> np.ndarray:
    frames = np.empty((x.shape[0], steps + 1) + x.shape[1:], dtype=np.uint8)
    frames[:, 0] = x
    for t in range(1, steps + 1):
        x = baseline_step(x, rule)
        frames[:, t] = x
    return frames


# -- timing ---------------------------------------------------------------------------
def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller big board, fewer repeats")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    side = 1024 if args.quick else 2048
    fast_repeats, slow_repeats = (5, 1) if args.quick else (15, 5)
    rng = np.random.default_rng(0)
    cases = {
        f"1 x {side}x{side}": (rng.random((1, side, side)) < 0.35).astype(np.uint8),
        "64 x 64x64": (rng.random((64, 64, 64)) < 0.35).astype(np.uint8),
    }

    rows = []
    for case, x in cases.items():
        for text in RULES:
            rule = Rule.parse(text)
            # Warm-up (JIT compile or load from cache) and exactness checks.
            ours_frames = _bitslice.simulate(x, rule, STEPS, "torus", None)
            base_frames = baseline_simulate(x, rule, STEPS)
            if not np.array_equal(ours_frames, base_frames):
                raise SystemExit(f"MISMATCH: simulate {text} on {case}")
            if not np.array_equal(_bitslice.step(x, rule, "torus"), baseline_step(x, rule)):
                raise SystemExit(f"MISMATCH: step {text} on {case}")
            del ours_frames, base_frames
            cells = x.size
            for op, ours, base, reps in (
                (
                    "step",
                    lambda: _bitslice.step(x, rule, "torus"),
                    lambda: baseline_step(x, rule),
                    1,
                ),
                (
                    f"simulate({STEPS})",
                    lambda: _bitslice.simulate(x, rule, STEPS, "torus", None),
                    lambda: baseline_simulate(x, rule, STEPS),
                    STEPS,
                ),
            ):
                t_ours = median_time(ours, fast_repeats)
                t_base = median_time(
                    base, slow_repeats if reps > 1 or x.size > 1 << 20 else fast_repeats
                )
                rows.append(
                    {
                        "boards": case,
                        "rule": text,
                        "op": op,
                        "baseline_ms": 1e3 * t_base,
                        "ours_ms": 1e3 * t_ours,
                        "speedup": t_base / t_ours,
                        "ours_gcells_per_s": cells * reps / t_ours / 1e9,
                    }
                )
                print(
                    f"  {case:>14} {text:>13} {op:>12}: baseline {1e3 * t_base:9.3f} ms, "
                    f"ours {1e3 * t_ours:8.3f} ms, x{t_base / t_ours:.1f}",
                    file=sys.stderr,
                )

    print()
    print("| boards | rule | op | baseline ms | ours ms | speedup | ours Gcell/s |")
    print("|---|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['boards']} | {r['rule']} | {r['op']} | {r['baseline_ms']:.2f} | {r['ours_ms']:.3f} "
            f"| {r['speedup']:.1f}x | {r['ours_gcells_per_s']:.2f} |"
        )
    if args.json:
        meta = {
            "quick": args.quick,
            "steps": STEPS,
            "boundary": "torus",
            "timing": f"median of {fast_repeats} (ours) / {slow_repeats}+ (baseline) warm runs",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "machine": platform.machine(),
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
