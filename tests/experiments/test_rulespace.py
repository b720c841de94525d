"""The rule-space draw, its resumable runner, its results file and its per-family summary."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import cli
from lifecore.experiments import rulespace
from lifecore.experiments.records import ExperimentError
from lifecore.experiments.rulespace import (
    FAMILIES,
    RuleSpaceRecord,
    draw,
    draw_rule,
    family_summary,
    load_rulespace,
    save_rulespace,
)
from lifecore.rules import as_rule
from lifecore.rules.families import window_classes
from lifecore.train import TrainConfig
from lifecore.train.auto import LADDERS


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(list(FAMILIES)), st.integers(0, 1000), st.integers(0, 2**32))
def test_a_drawn_rule_belongs_to_its_family_and_the_draw_is_repeatable(family, index, seed):
    rule = draw_rule(family, index, seed)
    assert window_classes(*FAMILIES[family]).contains(as_rule(rule))
    assert rule == draw_rule(family, index, seed)
    suffix = {"von Neumann outer-totalistic": "V", "hex outer-totalistic": "H"}.get(family)
    if suffix:
        assert rule.endswith(suffix)
    if family == "MAP":
        assert rule.startswith("MAP")


def test_a_larger_draw_continues_a_smaller_one_and_is_stratified():
    small, large = draw(2, 5), draw(4, 5)
    assert large[: len(small)] == small
    assert [f for f, _, _ in large[:5]] == list(FAMILIES)
    assert len({r for _, _, r in draw(6, 0) if True}) == 30  # no rule drawn twice here
    assert draw(1, 0) != draw(1, 1)


def test_bad_requests_are_refused():
    with pytest.raises(ExperimentError, match="unknown family"):
        draw_rule("triangular", 0, 0)
    with pytest.raises(ExperimentError, match="per_family"):
        draw(0, 0)


def _record(family, index, certified, cpu, model="cnn-tiny", params=133):
    return RuleSpaceRecord(
        family=family, index=index, seed=0, rule=draw_rule(family, index, 0), config_hash="h",
        certified=certified, model=model, params=params, cpu_seconds=cpu,
    )  # fmt: skip


def test_the_summary_counts_times_and_lists_the_failures():
    recs = [
        _record("MAP", 0, True, 4.0, "cnn-small", 991),
        _record("MAP", 1, True, 2.0, "mcnn", 721),
        _record("MAP", 2, False, 9.0),
        _record("isotropic", 0, True, 1.0, "d4cnn-tiny", 34),
    ]
    rows = {r["family"]: r for r in family_summary(recs)}
    assert set(rows) == {"MAP", "isotropic"}
    row = rows["MAP"]
    assert (row["rules"], row["certified"]) == (3, 2)
    assert row["fraction"] == pytest.approx(2 / 3)
    assert (row["median_cpu_s"], row["max_cpu_s"]) == (4.0, 9.0)
    assert row["smallest"] == "mcnn (721)"
    assert row["not_certified"] == [recs[2].rule]


def test_results_round_trip_and_a_changed_file_is_refused(tmp_path):
    recs = [_record("MAP", 0, True, 4.0), _record("isotropic", 3, False, 2.5)]
    path = save_rulespace(tmp_path / "rs.json", recs)
    assert load_rulespace(path) == recs
    body = json.loads(path.read_text())
    body["records"][0]["certified"] = False
    path.write_text(json.dumps(body))
    with pytest.raises(ExperimentError, match="checksum"):
        load_rulespace(path)


def test_a_rerun_trains_only_what_is_not_stored(tmp_path, monkeypatch):
    calls = []

    def fake_worker(family, index, seed, config):
        calls.append((family, index))
        return RuleSpaceRecord(
            family, index, seed, draw_rule(family, index, seed),
            rulespace.run_config_hash(config, extra={"model": "auto"}),
        )  # fmt: skip

    monkeypatch.setattr(rulespace, "_worker", fake_worker)
    out = tmp_path / "rs.json"
    first = rulespace.run_rulespace(1, 3, out=out, progress=False)
    assert len(first) == 5 and len(calls) == 5
    second = rulespace.run_rulespace(2, 3, out=out, progress=False)
    assert second[:5] == first and len(calls) == 10
    assert [c[1] for c in calls[5:]] == [1] * 5
    rulespace.run_rulespace(2, 3, TrainConfig(max_epochs=7), out=out, progress=False)
    assert len(calls) == 20  # another configuration never reuses a result


def test_one_real_rule_ends_certified_by_a_plain_network():
    """A hex rule has no quarter-turn symmetry: the plain ladder, and a proof."""
    rec = rulespace.run_rule("hex outer-totalistic", 0, 0, TrainConfig(rollout_steps=0))
    assert rec.group is None and rec.model in LADDERS[None]
    assert rec.certified and rec.counterexamples is None
    assert rec.tried[-1]["model"] == rec.model and rec.cpu_seconds > 0


def test_the_cli_reports_each_family(tmp_path, monkeypatch, capsys):
    def fake_worker(family, index, seed, config):
        return RuleSpaceRecord(
            family, index, seed, draw_rule(family, index, seed),
            rulespace.run_config_hash(config, extra={"model": "auto"}), certified=index == 0,
            model="cnn-tiny", params=133, cpu_seconds=1.0,
        )  # fmt: skip

    monkeypatch.setattr(rulespace, "_worker", fake_worker)
    out = tmp_path / "rs.json"
    rc = cli.main(["experiments", "rulespace", "--per-family", "2", "--out", str(out), "--quiet"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "MAP: certified 1/2" in text and draw_rule("MAP", 1, 0) in text
    assert len(load_rulespace(out)) == 10
