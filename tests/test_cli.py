"""lifecore.cli: every bad input ends in one line on stderr and exit status 2, never a
traceback. Run in-process through ``lifecore.cli.main``; each case fails before training.
"""

import importlib.util

import numpy as np
import pytest

from lifecore import cli
from lifecore.errors import LifecoreError


def _files(tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00not a checkpoint or an archive\xff" * 3)
    npy = tmp_path / "array.npz"
    np.save(tmp_path / "array.npy", np.zeros(3))
    (tmp_path / "array.npy").rename(npy)
    results = tmp_path / "results.json"
    results.write_text("[1, 2]")
    return {
        "GARBAGE": str(garbage),
        "NPY": str(npy),
        "RESULTS": str(results),
        "DIR": str(tmp_path),
        "MISSING": str(tmp_path / "missing.pt"),
    }


EXPERIMENTS = ["experiments", "--models", "cnn-tiny", "--rules", "B2/S", "--quiet"]
BAD_INPUT = {
    "no-subcommand": [],
    "unknown-subcommand": ["fly"],
    "experiments-negative-seeds": [*EXPERIMENTS, "--seeds", "-2", "--out", "{DIR}/r.json"],
    "experiments-zero-jobs": [*EXPERIMENTS, "--jobs", "0", "--out", "{DIR}/r.json"],
    "experiments-bad-rule": ["experiments", "--rules", "B3/S99", "--out", "{DIR}/r.json"],
    "experiments-bad-model": ["experiments", "--models", "resnet", "--out", "{DIR}/r.json"],
    "experiments-out-is-a-dir": [*EXPERIMENTS, "--out", "{DIR}"],
    "experiments-out-not-results": [*EXPERIMENTS, "--out", "{RESULTS}"],
    "experiments-bad-max-epochs": [*EXPERIMENTS, "--max-epochs", "0", "--out", "{DIR}/r.json"],
    "train-bad-rule": ["train", "--rule", "B3/S99", "--out", "{DIR}/n.pt"],
    "train-bad-model": ["train", "--rule", "B3/S23", "--model", "resnet", "--out", "{DIR}/n.pt"],
    "train-zero-threads": ["train", "--rule", "B3/S23", "--threads", "0", "--out", "{DIR}/n.pt"],
    "train-bad-device": ["train", "--rule", "B3/S23", "--device", "foo", "--out", "{DIR}/n.pt"],
    "train-negative-seed": ["train", "--rule", "B3/S23", "--seed", "-1", "--out", "{DIR}/n.pt"],
    "train-zero-epochs": ["train", "--rule", "B3/S23", "--max-epochs", "0", "--out", "{DIR}/n.pt"],
    "extract-missing-file": ["extract", "{MISSING}"],
    "extract-garbage-file": ["extract", "{GARBAGE}"],
    "extract-bad-method": ["extract", "{MISSING}", "--method", "psychic"],
    "discover-missing-file": ["discover", "{DIR}/missing.npz"],
    "discover-garbage-file": ["discover", "{GARBAGE}"],
    "discover-npy-file": ["discover", "{NPY}"],
}


def _run(argv, tmp_path, capsys):
    files = _files(tmp_path)
    rc = cli.main([a.format(**files) for a in argv])
    return rc, capsys.readouterr()


def _assert_one_line_exit_2(rc, captured):
    err = captured.err.strip()
    assert rc == cli.EXIT_BAD_INPUT, (rc, err)
    assert err and "\n" not in err and "Traceback" not in err, err
    assert "error" in err


@pytest.mark.parametrize("argv", list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_is_one_line_and_exit_2(argv, tmp_path, capsys):
    _assert_one_line_exit_2(*_run(argv, tmp_path, capsys))


@pytest.mark.skipif(importlib.util.find_spec("lifecore.certify") is None, reason="no certify")
def test_certify_missing_checkpoint(tmp_path, capsys):
    _assert_one_line_exit_2(*_run(["certify", "{MISSING}"], tmp_path, capsys))


def test_a_library_error_and_an_os_error_become_one_line(monkeypatch, capsys):
    """The handler itself, with errors raised from inside a subcommand."""
    from lifecore import experiments

    def fail(exc):
        def run(args):
            raise exc

        return run

    for exc, shown in [
        (LifecoreError("bad thing\nsecond line " + "x" * 1000), "bad thing second line"),
        (FileNotFoundError(2, "No such file or directory", "/no/where"), "/no/where: No such"),
    ]:
        monkeypatch.setattr(experiments.cli, "_cli", fail(exc))
        rc = cli.main(["experiments", "--out", "r.json"])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1 and shown in err and len(err) < 400


def test_help_exits_0(capsys):
    assert cli.main(["experiments", "--help"]) == 0
    assert "--scheduler" in capsys.readouterr().out


def test_experiments_runs(tmp_path, capsys):
    out = tmp_path / "r.json"
    rc = cli.main(
        [*EXPERIMENTS, "--seeds", "1", "--jobs", "1", "--max-epochs", "1", "--out", str(out)]
    )
    assert rc == 0
    from lifecore.experiments import load_records

    assert len(load_records(out)) == 1
    assert "| B2/S |" in capsys.readouterr().out
