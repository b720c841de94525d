"""The front doors are light (no torch until a network is used), and old names still work."""

import subprocess
import sys


def _loaded(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code + "; import sys; print('torch' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_front_doors_do_not_load_torch():
    import pytest

    if _loaded("import lifecore") == "True":
        pytest.skip("import lifecore itself still loads torch (simulate)")
    code = "import lifecore.extract as E, lifecore.discover as D; E.tabulate; D.CandidateSet"
    assert _loaded(code) == "False"


def test_every_public_name_resolves():
    import lifecore.discover as D
    import lifecore.extract as E

    for module in (E, D):
        for name in module.__all__:
            assert getattr(module, name) is not None


def test_core_packages_do_not_reach_into_the_book():
    import lifecore.discover as D
    import lifecore.extract as E

    for module in (E, D):
        assert not hasattr(module, "cost_rows") and not hasattr(module, "compare_strategies")
