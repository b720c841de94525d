"""Hostile command lines for ``python -m lifecore train``: every bad option is one line on
stderr and exit status 2 before any training; a checkpoint of another run is never resumed
or overwritten without ``--fresh``; a diverged run writes nothing."""

import pytest
import torch

from lifecore import cli, models
from lifecore.train import state_path


def _train(out, *extra):
    """The CLI on B3/S23 with a 3x3 mcnn (its proof enumerates 512 windows: fast); an option
    in ``extra`` overrides the default (argparse keeps the last occurrence)."""
    argv = ["train", "--rule", "B3/S23", "--model", "mcnn", "--kernel-size", "3"]
    return cli.main([*argv, "--out", str(out), *extra])


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize(
    "option, says",
    [
        (["--threads", "0"], "--threads"),
        (["--threads", "-3"], "--threads"),
        (["--device", "foo"], "device 'foo'"),
        (["--device", "meta"], "device 'meta'"),
        (["--kernel-size", "99"], "--kernel-size"),
        (["--kernel-size", "4"], "--kernel-size"),
        (["--kernel-size", "-1"], "--kernel-size"),
        (["--seed", "-1"], "--seed"),
        (["--seed", str(2**64)], "--seed"),
        (["--seed", "9" * 500], "digits"),
        (["--max-epochs", "0"], "max_epochs"),
        (["--batch-size", "0"], "batch_size"),
        (["--patience", "-1"], "patience"),
        (["--lr", "nan"], "lr"),
        (["--lr", "-0.1"], "lr"),
        (["--lr", "inf"], "lr"),
        (["--model", "nope"], "unknown model"),
    ],
)
def test_bad_option_is_one_line_and_exit_2(tmp_path, capsys, option, says):
    out = tmp_path / "net.pt"
    assert _train(out, *option) == 2
    line = _one_error_line(capsys)
    assert says in line
    assert len(line) < 300  # a 500-digit seed is not repeated whole
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_cuda_without_a_gpu(tmp_path, capsys):
    assert _train(tmp_path / "net.pt", "--device", "cuda") == 2
    assert "no CUDA GPU" in _one_error_line(capsys)


def test_out_naming_a_directory_or_an_unwritable_path(tmp_path, capsys):
    assert _train(tmp_path) == 2
    assert "is a directory" in _one_error_line(capsys)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert _train(blocker / "net.pt") == 2
    assert "cannot create folder" in _one_error_line(capsys)
    state_path(tmp_path / "x.pt").mkdir()  # the trainer state's path is checked too
    assert _train(tmp_path / "x.pt") == 2
    assert "x.state.pt: is a directory" in _one_error_line(capsys)


def test_diverged_run_stops_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "net.pt"
    assert _train(out, "--lr", "1e30", "--quiet") == 2
    assert "diverged" in _one_error_line(capsys)
    assert not out.exists() and not state_path(out).exists()
    assert not list(tmp_path.glob("*.tmp"))


@pytest.fixture(scope="module")
def life_run(tmp_path_factory):
    """One finished short run of B3/S23, mcnn, seed 0 (its checkpoint and state)."""
    out = tmp_path_factory.mktemp("run") / "life.pt"
    assert _train(out, "--max-epochs", "1", "--quiet") == 0
    return out


@pytest.mark.parametrize(
    "change, says",
    [
        (["--rule", "B36/S23"], "rule B3/S23, not B36/S23"),
        (["--seed", "1"], "seed 0, not 1"),
        (["--model", "cnn-small"], "checkpoint is for model mcnn"),
        (["--kernel-size", "5"], "kernel_size=3"),
        (["--lr", "0.02"], "setting lr=0.01, not 0.02"),
        (["--batch-size", "16"], "setting batch_size=8, not 16"),
    ],
)
def test_another_run_at_out_is_refused(life_run, capsys, change, says):
    before = life_run.read_bytes(), state_path(life_run).read_bytes()
    assert _train(life_run, "--max-epochs", "2", "--quiet", *change) == 2
    line = _one_error_line(capsys)
    assert says in line and "--fresh" in line
    assert (life_run.read_bytes(), state_path(life_run).read_bytes()) == before


def test_checkpoint_alone_of_another_run_is_refused(tmp_path, life_run, capsys):
    out = tmp_path / "life.pt"
    out.write_bytes(life_run.read_bytes())  # no trainer state beside it
    assert _train(out, "--rule", "B36/S23", "--max-epochs", "1", "--quiet") == 2
    assert "rule B3/S23, not B36/S23" in _one_error_line(capsys)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"my thesis")
    assert _train(junk, "--max-epochs", "1", "--quiet") == 2
    assert "junk.pt" in _one_error_line(capsys)
    assert junk.read_bytes() == b"my thesis"


def test_fresh_starts_over_and_same_run_resumes(tmp_path, life_run, capsys):
    out = tmp_path / "life.pt"
    out.write_bytes(life_run.read_bytes())
    state_path(out).write_bytes(state_path(life_run).read_bytes())
    rc = _train(out, "--rule", "B36/S23", "--max-epochs", "1", "--fresh", "--quiet")
    assert rc == 0
    assert models.load(out).metadata["rule"] == "B36/S23"
    capsys.readouterr()
    # the same run again, with a larger budget: resumed (one more epoch, not two)
    rc = _train(out, "--rule", "B36/S23", "--max-epochs", "2", "--quiet")
    assert rc == 0
    meta = models.load(out).metadata
    assert meta["rule"] == "B36/S23" and meta["epochs"] == 2
    assert "epochs=2" in capsys.readouterr().out


def test_stale_temporary_of_a_killed_write_is_removed(tmp_path, life_run):
    out = tmp_path / "life.pt"
    out.write_bytes(life_run.read_bytes())
    state_path(out).write_bytes(state_path(life_run).read_bytes())
    stale = [tmp_path / "life.pt.k1ll3d.tmp", tmp_path / "life.state.pt.k1ll3d.tmp"]
    for p in stale:
        p.write_bytes(b"half a checkpoint")
    other = tmp_path / "notes.txt.abc.tmp"  # not ours: left alone
    other.write_text("x")
    assert _train(out, "--max-epochs", "1", "--quiet") == 0
    assert not any(p.exists() for p in stale) and other.exists()
