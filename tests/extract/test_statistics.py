"""Neighbour statistics: thresholds, support, noisy networks."""

import torch

from lifecore import Rule
from lifecore import extract as E


def test_statistics_threshold_leaves_low_support_undetermined():
    net = E.exact_network("B3/S23")
    full = E.neighbour_statistics(net, "moore", n=32, size=24)
    assert full.matches("B3/S23")
    low = E.neighbour_statistics(net, "moore", n=4, size=16, density=0.3, min_support=20)
    assert "S8" in low.undetermined and "B8" in low.undetermined
    assert set(low.details["low_support"]) <= set(low.undetermined)
    seen = low.table >= 0
    assert (low.table[seen] == Rule.parse("B3/S23").table[seen]).all()


def test_statistics_undetermined_when_network_is_noisy():
    class Noisy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = E.exact_network("B3/S23")

        def forward(self, x):
            out = self.inner(x)
            flip = torch.rand(out.shape, generator=torch.Generator().manual_seed(0)) < 0.05
            return torch.where(flip, -out, out)

    ex = E.neighbour_statistics(Noisy(), "moore", n=16, size=24, threshold=0.99)
    assert len(ex.undetermined) > 0
    assert E.neighbour_statistics(Noisy(), "moore", n=16, size=24, threshold=0.9).matches("B3/S23")
