"""Record Golly's answers for random isotropic and MAP rules (run by hand; needs bgolly).

For each rule string, bgolly reads it, writes back its canonical form in the output RLE
header, and runs one generation of a random pattern on an unbounded plane. The answers go
to ``golly_rules.json``, which ``tests/rules/test_golly_rules.py`` checks the library against.

Build bgolly from Golly's source (github:jimblandy/golly): ``cd gui-wx && make -f
makefile-gtk bgolly``, then ``python tests/data/make_golly_rules.py /path/to/bgolly``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from lifecore import rle
from lifecore.rules import IsotropicRule, MapRule
from lifecore.rules.hensel import HENSEL_CLASSES, LETTERS_BY_COUNT
from lifecore.rules.maprule import BASE64

OUT = Path(__file__).with_name("golly_rules.json")


def _scrambled_plain(classes: frozenset[str], rng: np.random.Generator) -> str:
    """A non-canonical spelling: every count with its letters in random order."""
    out = []
    for count in range(9):
        if count in (0, 8):
            out.append(str(count) if str(count) in classes else "")
            continue
        letters = [x for x in LETTERS_BY_COUNT[count] if f"{count}{x}" in classes]
        if letters:
            out.append(str(count) + "".join(rng.permutation(letters)))
    return "".join(out)


def _pick(rng: np.random.Generator, p: float) -> frozenset[str]:
    return frozenset(c for c in HENSEL_CLASSES if rng.random() < p)


def _cases(rng: np.random.Generator) -> list[str]:
    texts = []
    for _ in range(40):
        p = rng.choice([0.1, 0.5, 0.9])
        birth, survival = _pick(rng, p) - {"0"}, _pick(rng, p)
        rule = IsotropicRule(birth, survival)
        texts.append(str(rule))
        texts.append(f"B{_scrambled_plain(birth, rng)}/S{_scrambled_plain(survival, rng)}")
    for _ in range(20):
        table = rng.integers(0, 2, 512).astype(np.uint8)
        table[0] = 0  # no B0: Golly emulates B0 rules on the unbounded plane
        texts.append(str(MapRule.from_window_table(table)))
    for bits in (128, 32):  # Golly's hexagonal (22 characters) and von Neumann (6) MAPs
        for _ in range(10):
            short = rng.integers(0, 2, bits).astype(np.uint8)
            short[0] = 0
            texts.append("MAP" + _base64(short))
    return texts


def _base64(bits: np.ndarray) -> str:
    padded = np.zeros(-(-bits.size // 6) * 6, dtype=np.uint8)
    padded[: bits.size] = bits
    return "".join(BASE64[int(v)] for v in padded.reshape(-1, 6) @ (1 << np.arange(5, -1, -1)))


def _golly(bgolly: str, rule: str, cells: np.ndarray, work: Path) -> tuple[str, str]:
    """Golly's canonical form of ``rule`` and its next generation of ``cells`` (as RLE)."""
    src, dst = work / "in.rle", work / "out.rle"
    body = rle.dumps(cells).split("\n", 1)[1]
    src.write_text(f"x = {cells.shape[1]}, y = {cells.shape[0]}, rule = {rule}\n{body}")
    subprocess.run([bgolly, "-m", "1", "-o", str(dst), str(src)], check=True, capture_output=True)
    lines = [line for line in dst.read_text().splitlines() if not line.startswith("#")]
    header, canonical = lines[0].split(", rule =")
    return canonical.strip(), rle.dumps(rle.loads("\n".join([header] + lines[1:])).cells)


def main(bgolly: str) -> None:
    rng = np.random.default_rng(20261126)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for rule in _cases(rng):
            cells = np.zeros((10, 10), np.uint8)
            cells[1:9, 1:9] = rng.integers(0, 2, (8, 8))
            canonical, after = _golly(bgolly, rule, cells, Path(tmp))
            before = rle.dumps(cells)
            cases.append({"rule": rule, "golly": canonical, "before": before, "after": after})
    OUT.write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
