"""The configuration-keyed cache of heavy chapter work: computed once per settings, never
served for other settings, recomputed when damaged, and computed once when chapters ask for
it at the same time. The findings file keeps every chapter's section under parallel writes."""

import json
import multiprocessing
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.book import findings
from lifecore.book.cache import CacheError, cache_path, cached, settings_digest
from lifecore.errors import LifecoreError

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
json_settings = st.dictionaries(st.text(max_size=6), json_values, max_size=5)


class Counter:
    """A compute function that counts its calls and returns what it was built with."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_second_call_with_the_same_settings_reuses_the_result(tmp_path):
    settings = {"rules": ["B3/S23", "B36/S23"], "seeds": 2, "config": {"lr": 0.01}}
    first = Counter({"runs": [1, 2, 3]})
    assert cached(tmp_path, "grid", settings, first) == {"runs": [1, 2, 3]}
    again = Counter({"runs": ["never", "used"]})
    assert cached(tmp_path, "grid", dict(reversed(settings.items())), again) == {"runs": [1, 2, 3]}
    assert (first.calls, again.calls) == (1, 0)


@given(json_settings, st.text(min_size=1, max_size=6), json_values)
def test_changed_settings_are_never_served_the_stored_result(tmp_path_factory, settings, key, new):
    """Negative control: the same name, one value changed (or one key added) computes anew."""
    directory = tmp_path_factory.mktemp("cache")
    cached(directory, "work", settings, Counter("for the old settings"))
    changed = {**settings, key: new}
    if changed == settings:
        return
    fresh = Counter("for the new settings")
    assert cached(directory, "work", changed, fresh) == "for the new settings"
    assert fresh.calls == 1


def test_a_file_renamed_to_other_settings_is_not_trusted(tmp_path):
    """The settings stored inside the file decide, not its name."""
    old, new = {"epochs": 30}, {"epochs": 31}
    cached(tmp_path, "grid", old, Counter("trained for 30 epochs"))
    cache_path(tmp_path, "grid", old).rename(cache_path(tmp_path, "grid", new))
    fresh = Counter("trained for 31 epochs")
    assert cached(tmp_path, "grid", new, fresh) == "trained for 31 epochs"
    assert fresh.calls == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: text.replace('"value":"right"', '"value":"wrong"'),
        lambda text: text.replace('"format":1', '"format":0'),
    ],
    ids=["truncated", "value edited", "other format"],
)
def test_a_damaged_file_is_computed_again(tmp_path, damage):
    settings = {"seed": 0}
    cached(tmp_path, "work", settings, Counter("right"))
    path = cache_path(tmp_path, "work", settings)
    stored = json.loads(path.read_text())
    path.write_text(damage(json.dumps(stored, sort_keys=True, separators=(",", ":"))))
    fresh = Counter("recomputed")
    assert cached(tmp_path, "work", settings, fresh) == "recomputed"
    assert fresh.calls == 1


@given(json_settings)
def test_the_digest_ignores_key_order_and_tuples(settings):
    reordered = dict(reversed(list(settings.items())))
    assert settings_digest(settings) == settings_digest(reordered)
    as_tuples = {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}
    assert settings_digest(as_tuples) == settings_digest(settings)


@pytest.mark.parametrize(
    "settings",
    [{"config": object()}, {"seeds": {1, 2}}, {"lr": float("nan")}, {"by": {1: "a"}}],
    ids=["object", "set", "nan", "int key"],
)
def test_settings_that_are_not_plain_json_are_refused(tmp_path, settings):
    with pytest.raises(CacheError, match="settings") as err:
        cached(tmp_path, "work", settings, Counter(1))
    assert isinstance(err.value, LifecoreError)
    assert not list(tmp_path.iterdir())


def test_a_result_that_is_not_plain_json_is_refused_and_not_stored(tmp_path):
    with pytest.raises(CacheError, match="work result"):
        cached(tmp_path, "work", {"seed": 0}, Counter({"model": object()}))
    assert not list(tmp_path.iterdir())


def test_dump_and_load_give_the_same_kind_of_object_fresh_or_reused(tmp_path):
    dump, load = (lambda pairs: [list(p) for p in pairs]), (lambda v: [tuple(p) for p in v])
    fresh = cached(tmp_path, "pairs", {"n": 2}, Counter([(1, "a"), (2, "b")]), dump, load)
    reused = cached(tmp_path, "pairs", {"n": 2}, Counter(None), dump, load)
    assert fresh == reused == [(1, "a"), (2, "b")]


def test_bad_names_are_refused(tmp_path):
    for name in ("", "../grid", "a b"):
        with pytest.raises(CacheError, match="cache name"):
            cached(tmp_path, name, {}, Counter(1))


def _slow_compute(log_path, directory):
    def compute():
        with open(log_path, "a") as log:
            log.write("computed\n")
        time.sleep(0.5)
        return "grid"

    return cached(directory, "grid", {"seeds": 1}, compute)


def test_concurrent_callers_compute_once(tmp_path):
    """Two chapters (processes) asking at once: one computes, the other waits and reads."""
    log = tmp_path / "log"
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(3) as pool:
        got = pool.starmap(_slow_compute, [(log, tmp_path / "cache")] * 3)
    assert got == ["grid"] * 3
    assert log.read_text() == "computed\n"


def _save_section(path, chapter):
    findings.save_findings(path, chapter, {"chapter": chapter})


def test_parallel_chapters_keep_every_findings_section(tmp_path, monkeypatch):
    """Each save reads, waits, then writes: unlocked, later writers drop earlier sections."""
    read = findings._read

    def slow_read(path):
        data = read(path)
        time.sleep(0.2)
        return data

    monkeypatch.setattr(findings, "_read", slow_read)
    path = tmp_path / "findings.json"
    chapters = [f"ch{i}" for i in range(4)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        pool.starmap(_save_section, [(path, c) for c in chapters])
    assert sorted(json.loads(path.read_text())) == chapters
