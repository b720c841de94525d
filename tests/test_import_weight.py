"""`import lifecore` and the NumPy simulator stay light: no torch, e2cnn or matplotlib.

Checked in a fresh interpreter (this test process has long since imported torch), by
looking at ``sys.modules`` after the imports a NumPy-only user makes.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "e2cnn", "matplotlib")
ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


@pytest.mark.parametrize(
    "code",
    [
        "import lifecore",
        "import lifecore.data, lifecore.rle, lifecore.patterns, lifecore.files",
        "import numpy as np, lifecore\n"
        "b = lifecore.data.soups(2, 8, seed=0)\n"
        "lifecore.simulate(b, lifecore.Rule.parse('B3/S23'), 3)\n"
        "lifecore.data.make_dataset('B3/S23', n=2, size=8, steps=2)",
    ],
    ids=["import", "numpy-modules", "numpy-simulate-and-data"],
)
def test_numpy_path_loads_no_heavy_module(code):
    assert _loaded_after(code) == []


def test_probe_detects_a_heavy_import():
    """Negative control: the probe does see torch when it is imported."""
    assert _loaded_after("import torch") == ["torch"]
