"""Sub-seeds through SeedSequence: distinct per purpose and key, stable, no collisions."""

from lifecore.seeds import SeedError, child_seed


def test_child_seeds_are_stable_and_distinct():
    assert child_seed(0, "menu", 1, 2) == child_seed(0, "menu", 1, 2)
    seeds = {child_seed(s, "menu", r, i) for s in range(4) for r in range(8) for i in range(10)}
    assert len(seeds) == 4 * 8 * 10
    # the old arithmetic seed * 1000 + r * 31 + i collided: (0, 1, 0) and (0, 0, 31)
    assert child_seed(0, "menu", 1, 0) != child_seed(0, "menu", 0, 31)
    assert child_seed(0, "menu") != child_seed(0, "basis probe")


def test_bad_seeds_are_refused():
    import pytest

    from lifecore import LifecoreError

    assert issubclass(SeedError, LifecoreError)
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(SeedError, match="seed"):
            child_seed(bad, "menu")
