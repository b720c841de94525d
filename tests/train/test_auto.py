"""`--model auto`: the ladder chosen from the rule's window table, and the ladder's advance."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lifecore import cli, models
from lifecore.rules import MapRule, Rule, as_rule
from lifecore.rules.windows import window_cells, window_index
from lifecore.train import TrainConfig, TrainError, train_rule
from lifecore.train.auto import AUTO_KERNEL, LADDERS, choose_model, rung_path
from lifecore.train.run import train_auto

#: A MAP rule of a random table (no symmetry, with overwhelming probability; asserted).
RANDOM_MAP = str(
    MapRule.from_window_table(np.random.default_rng(7).integers(0, 2, 512).astype(np.uint8))
)


def _turned(table: np.ndarray, k: int) -> np.ndarray:
    """``table`` read through windows turned by ``k`` quarter turns (np.rot90: independent
    of the library's symmetry tables)."""
    cells = window_cells(np.arange(512))
    return table[window_index(np.rot90(cells, k, axes=(-2, -1)))]


def _rotation_only_table(seed: int) -> np.ndarray:
    """A random table invariant under quarter turns and not under the mirror."""
    rng = np.random.default_rng(seed)
    cells = window_cells(np.arange(512))
    turns = np.stack([window_index(np.rot90(cells, k, axes=(-2, -1))) for k in range(4)])
    orbit = turns.min(axis=0)  # one label per rotation orbit
    while True:
        values = rng.integers(0, 2, 512)
        table = values[orbit].astype(np.uint8)
        mirrored = table[window_index(cells[..., ::-1])]
        if not np.array_equal(mirrored, table):
            return table


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_rotation_only_table_gets_p4(seed):
    table = _rotation_only_table(seed)
    assert all(np.array_equal(_turned(table, k), table) for k in range(4))
    choice = choose_model(MapRule.from_window_table(table))
    assert choice.group == "p4"
    assert all(models.model_group(m) == "p4" for m in choice.ladder)


@pytest.mark.parametrize("rule", ["B3/S23", "B2-a/S12", "B3/S2-i34q", "B2/S013V"])
def test_isotropic_and_outer_totalistic_moore_and_von_neumann_get_d4(rule):
    choice = choose_model(rule)
    assert choice.group == "d4"
    assert all(models.model_group(m) == "d4" for m in choice.ladder)


def test_a_map_string_whose_table_is_isotropic_gets_d4():
    life_as_map = MapRule.from_window_table(Rule.parse("B3/S23").window_table)
    assert str(life_as_map).startswith("MAP")
    assert choose_model(life_as_map).group == "d4"
    assert choose_model(str(life_as_map)).group == "d4"


@pytest.mark.parametrize("rule", [RANDOM_MAP, "B2/S34H"])
def test_a_map_rule_and_a_hex_rule_get_plain_cnns(rule):
    table = as_rule(rule).window_table
    assert not np.array_equal(_turned(table, 1), table)  # not even quarter-turn invariant
    choice = choose_model(rule)
    assert choice.group is None
    assert all(models.model_group(m) is None for m in choice.ladder)


@pytest.mark.parametrize("group", list(LADDERS))
def test_every_ladder_grows(group):
    sizes = [
        models.count_parameters(models.build(m, kernel_size=AUTO_KERNEL)) for m in LADDERS[group]
    ]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)


def test_a_model_field_outside_the_names_is_refused_and_unset_stays_out_of_the_hash():
    with pytest.raises(TrainError, match="TrainConfig.model"):
        TrainConfig(model="resnet")
    assert "model" not in TrainConfig().to_dict()
    assert TrainConfig(model="auto").to_dict()["model"] == "auto"


def test_auto_needs_proofs():
    with pytest.raises(TrainError, match="certify"):
        train_auto("B3/S23", config=TrainConfig(certify=False))


def test_the_ladder_advances_on_failed_proofs(tmp_path):
    """Negative control: one epoch on 8 boards cannot teach a random MAP rule, so every rung's
    proof fails and every rung is tried; the checkpoint says so."""
    torch.set_num_threads(1)
    config = TrainConfig(model="auto", max_epochs=1, data_n=8, rollout_steps=0, max_proofs=1)
    out = tmp_path / "map.pt"
    result = train_rule(RANDOM_MAP, config=config, checkpoint=out, progress=False)
    tried = result.auto["tried"]
    assert [t["model"] for t in tried] == list(LADDERS[None])
    assert not any(t["certified"] for t in tried)
    assert not result.certificate.exact and result.certificate.counterexample_count > 0
    assert tried[-1]["counterexamples"] == result.certificate.counterexample_count
    saved = models.load(out)
    assert saved.metadata["auto"]["tried"] == tried
    assert saved.name == LADDERS[None][-1]
    assert all(rung_path(out, m).exists() for m in LADDERS[None])


def test_the_cli_names_the_choice_and_the_ladder(tmp_path, capsys):
    rc = cli.main(
        ["train", "--rule", "B3/S23", "--model", "auto", "--max-epochs", "1", "--quiet",
         "--threads", "1", "--out", str(tmp_path / "life.pt")]
    )  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "auto: group=d4" in text and "d4cnn-tiny(34p" in text
    meta = models.load(tmp_path / "life.pt").metadata
    assert meta["auto"]["group"] == "d4" and meta["auto"]["tried"][0]["model"] == "d4cnn-tiny"
