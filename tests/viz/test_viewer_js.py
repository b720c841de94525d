"""The viewer's JavaScript (lifecore/viz/static/viewer.js), run under node, against the
library: the same rules read the same way, the same boards evolve cell for cell as
`lifecore.simulate` evolves them (torus and dead boundary), the same soups as
`viewer_soup`."""

import base64
import json
import shutil
import subprocess
from importlib import resources

import numpy as np
import pytest

from lifecore import NAMED_RULES, NEIGHBOURHOODS, Rule, as_rule, simulate
from lifecore.rules.named import name_key
from lifecore.viz.viewer import viewer_soup

NODE = shutil.which("node")
VIEWER_JS = str(resources.files("lifecore.viz").joinpath("static", "viewer.js"))

HARNESS = r"""
const V = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const bits = (a) => Array.from(a).join("");
const out = cases.map((c) => {
  if (c.kind === "parse") {
    const r = V.parseRule(c.rule, c.names);
    return { error: r.error || null, name: r.name || null, table: r.table ? bits(r.table) : null };
  }
  if (c.kind === "soup") return bits(V.soup(c.size, c.density, c.seed));
  if (c.kind === "class") return V.henselClass(c.count, c.letter);
  const rule = V.parseRule(c.rule);
  if (rule.error) return { error: rule.error };
  const board = Uint8Array.from(c.board.split("").map(Number));
  return V.simulate(board, c.h, c.w, rule.table, c.steps, c.boundary).map(bits);
});
process.stdout.write(JSON.stringify(out));
"""


def run_js(cases: list) -> list:
    """Run the harness on ``cases`` in one node process."""
    if NODE is None:
        pytest.fail(
            "node is not installed: the viewer's JavaScript cannot be tested "
            "(apt-get install nodejs)"
        )
    done = subprocess.run(
        [NODE, "-e", HARNESS, VIEWER_JS],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def window_table(rule: Rule) -> np.ndarray:
    """Golly's 512-entry table of an outer-totalistic rule, built from ``rule.table``."""
    weight = {
        (dr, dc): 1 << (8 - (3 * (dr + 1) + dc + 1)) for dr in (-1, 0, 1) for dc in (-1, 0, 1)
    }
    table = np.zeros(512, np.uint8)
    for i in range(512):
        count = sum(1 for d in rule.offsets if i & weight[d])
        table[i] = rule.table[1 if i & 16 else 0, count]
    return table


def random_rule(rng) -> str:
    """A random rule string: outer-totalistic (any neighbourhood), Hensel, or MAP (Moore,
    hexagonal or von Neumann form)."""
    kind = rng.integers(4)
    if kind == 0:
        hood = rng.choice(list(NEIGHBOURHOODS))
        size = len(NEIGHBOURHOODS[hood])
        pick = lambda: frozenset(np.flatnonzero(rng.random(size + 1) < 0.4).tolist())  # noqa: E731
        return str(Rule(pick(), pick(), hood))
    if kind == 1:
        half = lambda: "".join(  # noqa: E731
            str(n) + "".join(c for c in LETTERS[n] if rng.random() < 0.5)
            for n in range(9)
            if rng.random() < 0.4
        )
        return f"B{half()}/S{half()}"
    bits = 512 if kind == 2 else int(rng.choice([128, 32]))  # Moore, else hexagonal or vN
    table = (rng.random(bits) < 0.5).astype(np.uint8)
    return (
        "MAP"
        + base64.b64encode(np.packbits(table).tobytes())
        .decode()
        .rstrip("=")[: {512: 86, 128: 22, 32: 6}[bits]]
    )


def test_random_boards_and_rules_evolve_exactly_as_lifecore_simulate():
    rng = np.random.default_rng(2026)
    cases, expected = [], []
    for i in range(60):
        rule = (
            random_rule(rng) if i % 4 else rng.choice(["B3/S23", "B36/S23", "B2/S34H", "B13/S012V"])
        )
        h, w = (int(x) for x in rng.integers(1, 24, size=2))
        board = (rng.random((h, w)) < rng.uniform(0.1, 0.9)).astype(np.uint8)
        boundary = "torus" if i % 2 else "dead"
        steps = int(rng.integers(1, 25))
        cases.append(
            {
                "kind": "sim",
                "rule": str(rule),
                "board": "".join(map(str, board.ravel())),
                "h": h,
                "w": w,
                "steps": steps,
                "boundary": boundary,
            }
        )
        expected.append(simulate(board, as_rule(str(rule)), steps, boundary=boundary))
    for case, frames, want in zip(cases, run_js(cases), expected):
        got = np.array([[int(ch) for ch in f] for f in frames], np.uint8).reshape(want.shape)
        bad = np.flatnonzero((got != want).any(axis=(1, 2)))
        assert not bad.size, (
            f"{case['rule']} {case['boundary']} {case['h']}x{case['w']}: JavaScript differs "
            f"from lifecore.simulate first at generation {bad[0] if bad.size else None}"
        )


def test_a_glider_moves_one_cell_diagonally_every_four_generations():
    # an independent truth, not the library: the glider's displacement
    board = np.zeros((10, 10), np.uint8)
    board[[0, 1, 2, 2, 2], [1, 2, 0, 1, 2]] = 1
    (frames,) = run_js(
        [
            {
                "kind": "sim",
                "rule": "B3/S23",
                "board": "".join(map(str, board.ravel())),
                "h": 10,
                "w": 10,
                "steps": 4,
                "boundary": "torus",
            }
        ]
    )
    last = np.array([int(c) for c in frames[4]], np.uint8).reshape(10, 10)
    np.testing.assert_array_equal(last, np.roll(board, (1, 1), axis=(0, 1)))


PARSE = [
    "B3/S23",
    "S23/B3",
    "23/3",
    "b36/s23",
    "B3 / S23",
    "Game of Life",
    "HighLife",
    "Day & Night",
    "B13/S012V",
    "B2/S34H",
    "B/S",
    "B0/S8",
    "B33/S2",
    "B3S23",
    "B9/S",
    "B5/S23V",
    "B7/S01H",
    "B3/S23X",
    "nonsense",
    "",
    "   ",
    "B3/S23/",
    "B2a/S",
    "B2A/S",
    "b2-a/s12",
    "B2ceaikn/S",
    "B3/S2-a3-ae",
    "B2a/S3V",
    "Bx/S",
    "B2x/S",
    "B2a2-e/S",
    "B3_S23",
    "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA",
    "MAPxyz",
    "Life",
]


@pytest.mark.parametrize("text", PARSE)
def test_rules_read_as_lifecore_reads_them(text):
    names = {name_key(k): v for k, v in NAMED_RULES.items()}
    (got,) = run_js([{"kind": "parse", "rule": text, "names": names}])
    try:
        rule = as_rule(text)
    except ValueError as err:
        assert got["error"], (
            f"{text!r}: lifecore refuses it ({err}), the viewer reads {got['name']}"
        )
        return
    assert got["error"] is None, f"{text!r}: lifecore reads {rule}, the viewer says {got['error']}"
    if not text.startswith("MAP"):  # lifecore names a MAP rule by its smallest family
        assert got["name"] == str(rule)
    assert got["table"] == "".join(map(str, rule.window_table))


def test_impossible_counts_name_the_neighbourhood():
    (got,) = run_js([{"kind": "parse", "rule": "B5/S23V", "names": {}}])
    assert "birth count(s) [5] impossible: the vonneumann neighbourhood has 4 cells" in got["error"]


def test_map_strings_are_read_most_significant_bit_first():
    rng = np.random.default_rng(5)
    table = (rng.random(512) < 0.5).astype(np.uint8)
    text = "MAP" + base64.b64encode(np.packbits(table).tobytes()).decode().rstrip("=")
    conway = (
        "MAP" + base64.b64encode(np.packbits(window_table(Rule.parse("B3/S23"))).tobytes()).decode()
    )
    got = run_js([{"kind": "parse", "rule": t, "names": {}} for t in (text, conway, "MAPxyz")])
    assert got[0]["table"] == "".join(map(str, table))
    assert got[1]["table"] == "".join(map(str, window_table(Rule.parse("B3/S23"))))
    assert "86 base64 characters" in got[2]["error"]


@pytest.mark.parametrize(
    "size, density, seed",
    [(8, 0.35, 0), (16, 0.5, 7), (64, 0.1, 2**31 - 1), (9, 1.0, 3), (8, 0.0, 1)],
)
def test_python_twin_makes_the_same_soup(size, density, seed):
    (got,) = run_js([{"kind": "soup", "size": size, "density": density, "seed": seed}])
    want = viewer_soup(size, density, seed)
    assert got == "".join(map(str, want.ravel()))
    if 0 < density < 1:
        assert abs(want.mean() - density) < 0.2  # a soup, not a constant board


LETTERS = ["", "ce", "ceaikn", "ceaiknjqry", "ceaiknjqrytwz", "ceaiknjqry", "ceaikn", "ce", ""]


def window(index: int) -> np.ndarray:
    """The 3x3 window of a Golly MAP index (NW is the most significant bit)."""
    return np.array([(index >> (8 - k)) & 1 for k in range(9)], np.uint8).reshape(3, 3)


def index_of(w: np.ndarray) -> int:
    return int(sum(int(v) << (8 - k) for k, v in enumerate(w.ravel())))


def orbit(index: int) -> set:
    w = window(index)
    return {index_of(np.rot90(v, r)) for v in (w, w.T) for r in range(4)}


def test_hensel_classes_split_each_count_into_symmetric_parts():
    cases = [{"kind": "class", "count": n, "letter": c} for n in range(1, 8) for c in LETTERS[n]]
    got = run_js(cases)
    for n in range(1, 8):
        classes = [set(g) for c, g in zip(cases, got) if c["count"] == n]
        union = set().union(*classes)
        everyone = {i for i in range(512) if not i & 16 and bin(i).count("1") == n}
        assert union == everyone, f"count {n}: the letters do not cover every window"
        assert sum(map(len, classes)) == len(everyone), f"count {n}: classes overlap"
        for c in classes:
            assert c == orbit(next(iter(c))), f"count {n}: a class is not one symmetry orbit"


def test_hensel_letters_name_the_lifewiki_shapes():
    def named(n, letter):
        (got,) = run_js([{"kind": "class", "count": n, "letter": letter}])
        return set(got)

    n, w, s, e = 128, 32, 2, 8
    assert index_of(np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]])) in named(1, "c")
    assert n in named(1, "e") and n | s in named(2, "i") and n | w in named(2, "e")
    assert 256 | 1 in named(2, "n") and 256 | 64 in named(2, "c") and n | e | s | w in named(4, "e")
    assert 256 | 64 | 4 | 1 in named(4, "c")


@pytest.mark.parametrize(
    "hensel, same",
    [("B2ceaikn/S", "B2/S"), ("B2-a/S", "B2ceikn/S"), ("B3/S2ceaikn3ceaiknjqry", "B3/S23"),
     ("B3/S2-/", None)],
)  # fmt: skip
def test_hensel_rules_agree_with_their_totalistic_equal(hensel, same):
    got = run_js([{"kind": "parse", "rule": r, "names": {}} for r in (hensel, same or "B3/S23")])
    if same is None:
        assert got[0]["error"]
    else:
        assert got[0]["error"] is None and got[0]["table"] == got[1]["table"]


def test_bad_hensel_letters_are_named():
    (got,) = run_js([{"kind": "parse", "rule": "B2x/S", "names": {}}])
    assert "letter 'x' is not a Hensel class of 2 neighbours" in got["error"]


def test_the_widget_module_is_an_es_module_exporting_render(tmp_path):
    # anywidget imports `_esm` as an ES module and calls its default export's render
    from lifecore.viz.viewer import _widget_class

    module = tmp_path / "viewer.mjs"
    module.write_text(_widget_class()._esm)
    code = f"import({json.dumps(module.as_uri())}).then(m => console.log(typeof m.default.render))"
    done = subprocess.run([NODE or "node", "-e", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "function"


def test_bounded_grid_suffixes_point_to_the_boundary_menu():
    # lifecore reads B3/S23:T10,10; the viewer's board size and boundary come from its menus
    (got,) = run_js([{"kind": "parse", "rule": "B3/S23:T10,10", "names": {}}])
    assert "boundary menu" in got["error"]
