"""lifecore.experiments.records: typed records, configuration keys, the results file."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecore.experiments import (
    RECORD_KEYS,
    ExperimentError,
    RunRecord,
    load_records,
    run_config_hash,
    save_records,
)
from lifecore.train import TrainConfig


def _record(**kw):
    base = dict(
        rule="B3/S23",
        model="mcnn",
        seed=1,
        config_hash="abc",
        exact=True,
        certified=False,
        margin=0.25,
        train_loss=math.nan,
        history=({"epoch": 1, "val_loss": 0.5},),
        config={"lr": 0.01, "rollout_density": (0.1, 0.9)},
    )
    return RunRecord(**{**base, **kw})


def test_record_is_frozen_and_reads_like_a_dict():
    rec = _record()
    with pytest.raises(AttributeError):
        rec.exact = False
    assert rec["exact"] is True and rec.get("certified") is False and rec.get("nope", 7) == 7
    with pytest.raises(KeyError):
        rec["nope"]
    assert rec.key == ("B3/S23", "mcnn", 1, "abc")
    assert {"certified", "margin", "config_hash"} <= set(RECORD_KEYS)


def test_to_dict_is_json_and_round_trips():
    rec = _record()
    d = json.loads(json.dumps(rec.to_dict()))
    assert d["config"]["rollout_density"] == [0.1, 0.9] and d["history"][0]["epoch"] == 1
    back = RunRecord.from_dict(d)
    assert back.key == rec.key and back.margin == 0.25 and back.history == rec.history


def test_config_hash_changes_with_every_option_but_not_the_seed():
    base = TrainConfig()
    h = run_config_hash(base)
    assert run_config_hash(TrainConfig(seed=5)) == h  # the run's seed is keyed on its own
    for change in ({"lr": 0.02}, {"data_steps": 2}, {"patience": 3}, {"data_density": (0.5, 0.5)}):
        assert run_config_hash(TrainConfig(**change)) != h, change
    assert run_config_hash(base, {"kernel_size": 3}) != h
    assert run_config_hash(base, {}) == h


def test_results_file_round_trip_and_checksum(tmp_path):
    out = tmp_path / "r.json"
    recs = [_record(seed=s) for s in range(3)]
    save_records(out, recs)
    assert [r.key for r in load_records(out)] == [r.key for r in recs]
    assert not list(tmp_path.glob("*.tmp"))
    data = json.loads(out.read_text())
    data["records"][1]["exact"] = False  # a hand edit: the checksum no longer matches
    out.write_text(json.dumps(data))
    with pytest.raises(ExperimentError, match="checksum"):
        load_records(out)


def test_older_results_files_load_with_defaults(tmp_path):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"records": [{"rule": "B3/S23", "model": "mcnn", "seed": 0}]}))
    (rec,) = load_records(old)
    assert rec.certified is None and rec.config_hash == ""


@pytest.mark.parametrize(
    "text",
    ["", "[1, 2]", '{"records": [1]}', '{"records": [{"rule": "B3/S23"}]}', "\x00\xff"],
)
def test_bad_results_files_name_the_path(tmp_path, text):
    bad = tmp_path / "bad.json"
    bad.write_bytes(text.encode("latin-1"))
    with pytest.raises(ExperimentError, match="bad.json"):
        load_records(bad)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_escape_as_another_error(tmp_path_factory, blob):
    bad = tmp_path_factory.mktemp("r") / "r.json"
    bad.write_bytes(blob)
    try:
        load_records(bad)
    except ExperimentError:
        pass
