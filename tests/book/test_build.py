"""Executing the chapters once: the needs table against what the notebooks read, the order
and groups pytest-xdist gets, which chapters go stale, and the cache the book build reads."""

import re
from pathlib import Path

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.book import build

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9]*.ipynb"))


def _code(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, 4).cells if c.cell_type == "code")


def _reads_and_writes():
    """Per chapter, in book order: findings sections saved and loaded, artifact names used."""
    out = {}
    for path in CHAPTERS:
        code = _code(path)
        out[path.stem] = {
            "saves": set(re.findall(r"save_findings\([^,]+,\s*\"(\w+)\"", code)),
            "loads": set(re.findall(r"load_findings\([^,]+,\s*\"(\w+)\"", code)),
            "artifacts": set(re.findall(r"(?:_artifacts|\{ARTIFACTS\})/([\w.]+)", code))
            - {"findings.json"},
        }
    return out


def test_the_needs_table_is_what_the_notebooks_read():
    """Derived from the code: a chapter needs the chapter that saves each findings section it
    loads, and the first chapter that uses each artifact (checkpoints, certificates) it uses."""
    chapters = _reads_and_writes()
    saver = {s: name for name, c in chapters.items() for s in c["saves"]}
    first_user = {}
    for name, c in chapters.items():
        for artifact in c["artifacts"]:
            first_user.setdefault(artifact, name)
    derived = {}
    for name, c in chapters.items():
        needs = {saver[s] for s in c["loads"]} | {first_user[a] for a in c["artifacts"]}
        needs.discard(name)
        if needs:
            derived[name] = needs
    assert derived == {k: set(v) for k, v in build.CHAPTER_NEEDS.items()}
    assert all(s in saver for c in chapters.values() for s in c["loads"]), "a section nobody saves"


def test_the_needs_name_real_chapters():
    names = {p.stem for p in CHAPTERS}
    assert set(build.CHAPTER_NEEDS) <= names
    assert {n for needs in build.CHAPTER_NEEDS.values() for n in needs} <= names


dags = st.integers(1, 7).flatmap(
    lambda n: st.tuples(
        st.just([f"{i:02d}_ch" for i in range(n)]),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=12),
    )
)


def _needs(names, edges):
    """Edges (a, b) with a > b: chapter a needs chapter b (no cycles)."""
    needs = {}
    for a, b in edges:
        if a > b:
            needs.setdefault(names[a], set()).add(names[b])
    return {k: tuple(sorted(v)) for k, v in needs.items()}


@given(dags, st.randoms())
def test_order_puts_every_chapter_after_what_it_needs(dag, rng):
    names, edges = dag
    needs = _needs(names, edges)
    shuffled = list(names)
    rng.shuffle(shuffled)
    order = build.chapter_order(shuffled, needs)
    assert sorted(order) == sorted(names)
    for name, before in needs.items():
        assert all(order.index(b) < order.index(name) for b in before)
    if not needs:
        assert order == sorted(names)


def test_order_ignores_needs_that_are_not_run_and_refuses_cycles():
    assert build.chapter_order(["05_rule_extraction"]) == ["05_rule_extraction"]
    assert build.chapter_order([p.stem for p in reversed(CHAPTERS)]) == [p.stem for p in CHAPTERS]
    with pytest.raises(build.BuildError, match="cycle"):
        build.chapter_order(["a", "b"], {"a": ("b",), "b": ("a",)})


def test_groups_put_chapter_4_and_5_alone_on_one_worker_before_any_timing():
    names = [p.stem for p in CHAPTERS]
    groups = build.chapter_groups(names, 2, seconds=build.EXPECTED_SECONDS)
    grid = {n for n in names if groups[n] == groups["04_experiments"]}
    assert grid == {"04_experiments", "05_rule_extraction"}
    assert set(groups.values()) == {0, 1}


def test_groups_follow_the_timings():
    """After a library change chapter 4 reuses its networks (33 s) and chapter 7 is longest."""
    seconds = {"01_rules_and_simulator": 25.0, "02_data": 21.0, "03_architectures": 25.0,
               "04_experiments": 33.0, "05_rule_extraction": 92.0, "06_rule_discovery": 45.0,
               "07_beyond_life_like": 138.0, "08_conclusion": 6.0}  # fmt: skip
    groups = build.chapter_groups(list(seconds), 2, seconds=seconds)
    load = [sum(t for n, t in seconds.items() if groups[n] == w) for w in (0, 1)]
    assert groups["07_beyond_life_like"] != groups["04_experiments"]
    assert max(load) <= 200, load  # a worker in book order would take 261 s


@given(dags, st.integers(1, 3), st.data())
def test_groups_keep_each_single_need_on_its_worker(dag, workers, data):
    names, edges = dag
    needs = _needs(names, edges)
    seconds = {n: data.draw(st.floats(0, 100), label=n) for n in names}
    groups = build.chapter_groups(names, workers, needs, seconds)
    assert set(groups) == set(names) and set(groups.values()) <= set(range(workers))
    for name, before in needs.items():
        if len(before) == 1:
            assert groups[name] == groups[before[0]]


@given(dags, st.data())
def test_stale_chapters_are_the_unheld_the_outdated_and_all_that_read_them(dag, data):
    names, edges = dag
    needs = _needs(names, edges)
    stored = {n: data.draw(st.none() | st.integers(0, 5).map(float), label=n) for n in names}
    stale = build.stale_chapters(stored, needs)

    def must_run(name):
        if stored[name] is None:
            return True
        for d in needs.get(name, ()):
            if stored[d] is None or stored[d] > stored[name] or must_run(d):
                return True
        return False

    assert stale == {n for n in names if must_run(n)}


def test_a_chapter_stored_before_the_chapter_it_reads_runs_again():
    """Chapter 4 was remade after chapter 5 last ran (chapter 5 then failed on its new
    networks): chapter 5 and the conclusion must not be served from the cache."""
    stored = {
        "02_data": 1.0,
        "04_experiments": 9.0,
        "05_rule_extraction": 5.0,
        "06_rule_discovery": 1.0,
        "07_beyond_life_like": 1.0,
        "08_conclusion": 6.0,
    }
    assert build.stale_chapters(stored) == {"05_rule_extraction", "08_conclusion"}
    assert build.stale_chapters({**stored, "05_rule_extraction": 9.5, "08_conclusion": 10}) == set()


def _tree(tmp_path):
    (tmp_path / "lifecore" / "__pycache__").mkdir(parents=True)
    (tmp_path / "lifecore" / "a.py").write_text("x = 1\n")
    (tmp_path / "tests" / "fixtures").mkdir(parents=True)
    (tmp_path / "tests" / "fixtures" / "glider.rle").write_text("bo$2bo$3o!\n")
    (tmp_path / "requirements.txt").write_text("numpy>=2.0  # arrays\n")
    return tmp_path


def test_the_fingerprint_changes_with_the_library_fixtures_and_pins_only(tmp_path):
    root = _tree(tmp_path)
    first = build.source_fingerprint(root)
    (root / "lifecore" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"compiled")
    (root / "chapters").mkdir()
    (root / "chapters" / "notes.txt").write_text("not an input")
    assert build.source_fingerprint(root) == first
    for path, text in [
        ("lifecore/a.py", "x = 2\n"),
        ("tests/fixtures/glider.rle", "bo$2bo$3o!\n#C moved\n"),
        ("requirements.txt", "numpy>=2.0\nscipy>=1.11\n"),
    ]:
        (root / path).write_text(text)
        assert build.source_fingerprint(root) != first, path
        first = build.source_fingerprint(root)


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A chapter"),
        nbformat.v4.new_code_cell("x = 6 * 7", metadata={"tags": ["hide-input"]}),
        nbformat.v4.new_code_cell("x"),
    ]
    return nb


def _as_nbmake_ran_it(nb):
    """What nbclient gives back: outputs, counts, timings in the cell metadata."""
    ran = nbformat.reads(nbformat.writes(nb), 4)
    for count, cell in enumerate((c for c in ran.cells if c.cell_type == "code"), 1):
        cell.execution_count = count
        cell.metadata["execution"] = {"iopub.execute_input": "2026-12-04T04:00:00Z"}
        if cell.source == "x":
            cell.outputs = [
                nbformat.v4.new_output("execute_result", {"text/plain": "42"}, execution_count=2)
            ]
    ran.metadata["language_info"] = {"name": "python"}
    return ran


def test_a_stored_chapter_is_what_the_book_build_finds(tmp_path):
    """myst-nb's lookup (jupyter-cache, keyed by code cells and their metadata) on the
    committed notebook finds the executed one, outputs included."""
    from jupyter_cache import get_cache

    path = tmp_path / "01_chapter.ipynb"
    nbformat.write(_notebook(), path)
    cache = build.ChapterCache(tmp_path / "cache", "library-v1")
    assert not cache.is_fresh(path)
    cache.store(path, _as_nbmake_ran_it(_notebook()), 1.5)
    assert cache.is_fresh(path)
    _, merged = get_cache(tmp_path / "cache").merge_match_into_notebook(nbformat.read(path, 4))
    assert merged.cells[2].outputs[0]["data"]["text/plain"] == "42"
    assert merged.cells[1].metadata == {"tags": ["hide-input"]}


def test_a_prose_edit_keeps_the_chapter_and_a_code_edit_or_library_change_does_not(tmp_path):
    path = tmp_path / "01_chapter.ipynb"
    nbformat.write(_notebook(), path)
    build.ChapterCache(tmp_path / "cache", "library-v1").store(
        path, _as_nbmake_ran_it(_notebook()), 1.0
    )
    nb = _notebook()
    nb.cells[0].source = "# A chapter, reworded"
    nbformat.write(nb, path)
    assert build.ChapterCache(tmp_path / "cache", "library-v1").is_fresh(path)
    assert not build.ChapterCache(tmp_path / "cache", "library-v2").is_fresh(path)
    nb.cells[1].source = "x = 6 * 8"
    nbformat.write(nb, path)
    assert not build.ChapterCache(tmp_path / "cache", "library-v1").is_fresh(path)


def test_an_executed_notebook_with_other_code_is_refused(tmp_path):
    path = tmp_path / "01_chapter.ipynb"
    nbformat.write(_notebook(), path)
    ran = _as_nbmake_ran_it(_notebook())
    ran.cells[1].source = "x = 0"
    with pytest.raises(build.BuildError, match="differ"):
        build.ChapterCache(tmp_path / "cache", "v").store(path, ran, 1.0)


def test_the_longest_ready_chapter_starts_first_and_needs_still_come_first():
    names = ["01_a", "02_b", "03_c", "04_d"]
    needs = {"04_d": ("01_a",)}
    seconds = {"01_a": 5.0, "02_b": 20.0, "03_c": 100.0, "04_d": 500.0}
    assert build.chapter_order(names, needs, seconds) == ["03_c", "02_b", "01_a", "04_d"]
    untimed_first = ["02_b", "03_c", "01_a", "04_d"]  # never timed counts as longest
    assert build.chapter_order(names, needs, {"01_a": 5.0}) == untimed_first


def test_timings_are_kept_per_chapter_and_cell(tmp_path):
    ran = _as_nbmake_ran_it(_notebook())
    ran.cells[1].metadata["execution"] = {
        "iopub.execute_input": "2026-12-04T04:00:00.000000Z",
        "shell.execute_reply": "2026-12-04T04:00:02.500000Z",
    }
    cells = build.cell_seconds(ran)
    assert cells == [2.5, 0.0]
    path = tmp_path / "timings.json"
    build.record_timing(path, "01_chapter", 3.25, cells)
    build.record_timing(path, "02_chapter", 1.0, [1.0])
    assert build.read_timings(path) == {
        "01_chapter": {"seconds": 3.25, "cells": [2.5, 0.0]},
        "02_chapter": {"seconds": 1.0, "cells": [1.0]},
    }
    path.write_text("[1, 2")
    assert build.read_timings(path) == {}
