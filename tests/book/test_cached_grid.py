"""A chapter's grid through `grid.cached_grid`: read back as the same records for the same
training configuration, computed anew for any other (the negative control)."""

import json
import math

from lifecore.book import grid
from lifecore.experiments.records import RunRecord
from lifecore.train import TrainConfig


def _settings(config: TrainConfig) -> dict:
    return {"rules": ["B3/S23"], "models": ["cnn-tiny"], "seeds": [0], "config": config.to_dict()}


class FakeGrid:
    """Stands in for training: records that say which configuration made them."""

    def __init__(self, config: TrainConfig):
        self.config, self.calls = config, 0

    def __call__(self):
        self.calls += 1
        return [
            RunRecord(rule="B3/S23", model="cnn-tiny", seed=0, exact=True, certified=True,
                      config=self.config.to_dict(), history=({"epoch": 1, "loss": 0.5},))
        ]  # fmt: skip


def _json(records) -> str:
    return json.dumps([r.to_dict() for r in records], sort_keys=True)


def test_the_same_configuration_reads_the_grid_back_as_records(tmp_path):
    config = TrainConfig()
    first = FakeGrid(config)
    fresh = grid.cached_grid(tmp_path, "grid", _settings(config), first)
    again = FakeGrid(config)
    reused = grid.cached_grid(tmp_path, "grid", _settings(TrainConfig()), again)
    assert (first.calls, again.calls) == (1, 0)
    assert all(isinstance(r, RunRecord) for r in fresh + reused)
    assert _json(fresh) == _json(reused) == _json(first())
    assert math.isnan(reused[0].train_loss), "a loss never computed stays NaN"


def test_another_configuration_is_never_served_the_stored_grid(tmp_path):
    grid.cached_grid(tmp_path, "grid", _settings(TrainConfig()), FakeGrid(TrainConfig()))
    other = TrainConfig(max_epochs=TrainConfig().max_epochs + 1)
    fresh = FakeGrid(other)
    records = grid.cached_grid(tmp_path, "grid", _settings(other), fresh)
    assert fresh.calls == 1
    assert records[0].config["max_epochs"] == other.max_epochs
