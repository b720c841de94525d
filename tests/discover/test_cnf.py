"""The count encoding of an outer-totalistic lookup (`lifecore.discover._cnf.CountEncoder`).

The truth: the plain encoding by cases (`ConeEncoder`), on the same blocks of random noisy
data with unseen cells, and the simulator on a fully seen frame."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pysat.solvers import Solver

from lifecore import simulate
from lifecore.data import soups
from lifecore.discover._cnf import ConeEncoder, CountEncoder
from lifecore.discover.observed import observe
from lifecore.discover.result import DiscoveryError
from lifecore.rules import parse_rule
from lifecore.rules.families import window_classes

OT = window_classes("outer-totalistic")


def _value(lit: int, model: list[int]) -> int:
    if abs(lit) == 1:  # the constants TRUE and -TRUE
        return int(lit > 0)
    return int((model[abs(lit) - 1] > 0) == (lit > 0))


def _models(encoder, obs, stride, table, at):
    """Every value the block's targets take over every completion, as a set of tuples."""
    enc = encoder(obs, stride, np.asarray(OT.of_window), "torus")
    enc.add_block(0, 0, at[0], at[1], 2)
    lits = [lit for lit, _ in enc.targets.values()]
    out = set()
    with Solver(name="glucose4", bootstrap_with=enc.hard) as solver:
        for model in solver.enum_models(assumptions=enc.fixed_table(table)):
            out.add(tuple(_value(x, model) for x in lits))
            if len(out) > 64:
                break
    return out


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), stride=st.integers(1, 2))
def test_the_count_encoding_allows_what_the_cases_allow(seed, stride):
    # a random rule, a 10 x 10 noisy soup with a quarter of its cells unseen: the targets of
    # a 2 x 2 block take the same values under both encodings, over every completion
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 2, OT.count).astype(np.uint8)
    full = np.asarray(simulate(soups(1, 10, 0.4, seed=seed % 997), OT.rule(table), stride))
    obs = observe(full, stride, hidden=0.25, noise=0.02, seed=seed % 991)
    at = tuple(int(v) for v in rng.integers(0, 10, 2))
    assert _models(CountEncoder, obs, stride, table, at) == _models(
        ConeEncoder, obs, stride, table, at
    )


def test_a_seen_frame_is_predicted_as_the_simulator_does():
    # every cell seen: the one completion gives each target of an 8 x 8 torus, two
    # generations on, the simulator's state
    rule = OT.values(parse_rule("B36/S23"))
    full = np.asarray(simulate(soups(1, 8, 0.4, seed=3), OT.rule(rule), 2))
    obs = observe(full, 2)
    enc = CountEncoder(obs, 2, np.asarray(OT.of_window), "torus")
    enc.add_block(0, 0, 0, 0, 8)
    with Solver(name="glucose4", bootstrap_with=enc.hard) as solver:
        assert solver.solve(assumptions=enc.fixed_table(rule))
        model = solver.get_model()
    for (n, t, i, j), (lit, _) in enc.targets.items():
        assert _value(lit, model) == full[n, 2 * (t + 1), i, j]


def test_a_family_not_outer_totalistic_moore_is_refused():
    iso = window_classes("isotropic")
    with pytest.raises(DiscoveryError, match="outer-totalistic Moore"):
        CountEncoder(np.zeros((1, 2, 4, 4), np.uint8), 1, np.asarray(iso.of_window), "torus")
