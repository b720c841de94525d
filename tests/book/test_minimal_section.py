"""`lifecore.book.minimal`: the reading of a filter and the success rows, on hand-set cases."""

import torch

from lifecore import models
from lifecore.book import minimal


def hand_built() -> torch.nn.Module:
    net = models.build("sk-minimal")
    with torch.no_grad():
        w = torch.ones(3, 3)
        w[1, 1] = 0.5
        net.body[0].weight.copy_(torch.stack([w, -2 * w])[:, None])
        net.body[0].bias.copy_(torch.tensor([-2.0, 7.0]))
    return net


def test_filter_rows_read_counts_thresholds_and_directions():
    first, second = minimal.filter_rows(hand_built())
    assert first["spread"] == 0 and first["centre_ratio"] == 0.5
    assert first["turns_on_at"] == 2.0 and first["direction"] == "more"
    assert second["turns_on_at"] == 3.5 and second["direction"] == "fewer"
    assert "fewer than 3.50 neighbours" in minimal.filter_sentence(second)


def test_success_rows_count_certified_seeds_per_method():
    runs = [
        {"rule": "B3/S23", "model": "sk-minimal", "method": m, "seed": s, "certified": c,
         "seconds": 1.0 + s}
        for m, c in (("boards", False), ("windows", True)) for s in range(4)
    ]  # fmt: skip
    runs[0]["certified"] = True
    rows = {r["method"]: r for r in minimal.success_rows(runs)}
    assert rows["plain (soup boards)"]["certified"] == 1
    assert rows["windows (this book)"]["fraction"] == 1.0
    assert rows["windows (this book)"]["median_seconds"] == 2.5
