"""Certification time and peak memory per model (k=5: 2**25 windows; SK networks k=3: 512).

Each model runs in a fresh subprocess, so its peak resident memory (``ru_maxrss``, read
before the baseline runs; torch and e2cnn alone take a few hundred MB) is its own; the numba
kernel's one-off compilation is paid by a warm-up certificate on a 3x3 network first.
Weights: ``torch.manual_seed(0)`` initialisation, checked against
B3/S23 (a random network is the slowest case: many windows disagree and many logits lie
near zero). Speed is also given as a ratio against the naive route measured in the same
process: the model's own forward pass over the same number of cells (a batch of 64 boards of
128x128 cells, scaled to 2**25), which would still need the windows laid out as boards.

    python benchmarks/bench_certify.py [--models cnn-tiny p4mcnn ...]

Goal (issue 7): under 30 s and 2 GB per model on 2 CPU cores. Wall seconds depend on what
else runs on the machine; "CPU s" (process time, both cores summed) much less: on 2 idle
cores the wall time is about half of it.
"""

import argparse
import json
import subprocess
import sys
import time

GOAL_SECONDS, GOAL_MB = 30.0, 2048.0


def one(name: str) -> dict:
    """Certify one model in this process; returns its figures."""
    import resource

    import torch

    from lifecore import models
    from lifecore.certify import certify

    certify(models.build("cnn-tiny", kernel_size=3), device="cpu")  # compile the kernel
    torch.manual_seed(0)
    model = models.build(name)
    cpu_start = time.process_time()
    cert = certify(model, "B3/S23", device="cpu")
    cpu_seconds = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the baseline
    boards = (torch.rand(64, 1, 128, 128) < 0.4).float()
    with models.inference(model) as run:
        start = time.perf_counter()
        run(boards)
        naive = (time.perf_counter() - start) * 2**25 / boards.numel()
    return {
        "model": name,
        "params": models.count_parameters(model),
        "seconds": round(cert.seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "peak_mb": round(peak_mb),
        "naive_forward_seconds": round(naive, 2),
        "speedup_vs_forward": round(naive / cert.seconds, 2),
        "counterexamples": cert.counterexample_count,
        "margin": cert.margin,
    }


def main() -> None:
    from lifecore.models import ALL_MODEL_NAMES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=list(ALL_MODEL_NAMES))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(
        f"{'model':<14}{'params':>8}{'seconds':>9}{'CPU s':>8}{'peak MB':>9}{'x forward':>11}  goal"
    )
    for name in args.models:
        out = subprocess.run(
            [sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        ok = row["seconds"] < GOAL_SECONDS and row["peak_mb"] < GOAL_MB
        print(
            f"{name:<14}{row['params']:>8}{row['seconds']:>9.2f}{row['cpu_seconds']:>8.2f}"
            f"{row['peak_mb']:>9}"
            f"{row['speedup_vs_forward']:>11.2f}  {'met' if ok else 'MISSED'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
