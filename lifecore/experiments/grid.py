"""Train every (rule, model, seed) of a grid, in parallel, resumably, on one machine or many.

`run_grid` runs `run_one` through ``joblib.Parallel``: worker processes on this machine by
default, or a Dask cluster through joblib's dask backend (``scheduler="local"`` starts a
`distributed.LocalCluster`; ``scheduler="tcp://host:8786"`` uses a running one). With
``out`` the finished records are written as they complete and a rerun skips every run
whose key (rule, model, seed, configuration hash) is already there; with
``checkpoint_dir`` every network is saved, and `trained` loads it back.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from ..files import check_writable
from ..rules import as_rule
from .notes import NOTES_RULES
from .records import ExperimentError, RunRecord, load_records, run_config_hash, save_records

__all__ = ["run_one", "run_grid", "trained", "checkpoint_path", "seed_list", "model_names"]

#: Largest seed accepted (seeds feed `numpy.random.SeedSequence` and ``torch.manual_seed``).
MAX_SEED = 2**32 - 1


def model_names() -> tuple[str, ...]:
    """The notes' six models, the grid's default (imports torch)."""
    from ..models import MODEL_NAMES

    return tuple(MODEL_NAMES)


def _known_models() -> tuple[str, ...]:
    from .. import models

    return tuple(getattr(models, "ALL_MODEL_NAMES", models.MODEL_NAMES))


def _check_models(models: Sequence[str]) -> list[str]:
    names = _known_models()
    models = list(models)
    for m in models:
        if m not in names:
            raise ExperimentError(f"unknown model {m!r}; valid names: {', '.join(names)}")
    return models


def seed_list(seeds: Union[int, Sequence[int]]) -> list[int]:
    """Seeds ``0..n-1`` for a count ``n``, else the given seeds, each checked.

    Raises
    ------
    ExperimentError
        For a count below 1, a negative or non-integer seed, or one above `MAX_SEED`.
    """
    if isinstance(seeds, bool):
        raise ExperimentError(f"seeds must be a count or a list of seeds, got {seeds!r}")
    if isinstance(seeds, int):
        if seeds < 1:
            raise ExperimentError(f"seeds must be a count >= 1, got {seeds}")
        return list(range(seeds))
    out = list(seeds)
    for s in out:
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED:
            raise ExperimentError(f"every seed must be an integer in [0, 2**32 - 1], got {s!r}")
    if not out:
        raise ExperimentError("seeds is empty: nothing to run")
    return out


def _config(config: Any) -> Any:
    from ..train import TrainConfig

    return config if config is not None else TrainConfig()


def checkpoint_path(
    checkpoint_dir: Union[str, Path],
    rule: Any,
    model: str,
    seed: int,
    config: Any = None,
    model_options: Optional[dict] = None,
) -> Path:
    """``<dir>/<model>-<rule>-s<seed>-<config hash>.pt`` (the rule's slashes replaced).

    The configuration hash (`run_config_hash`) is in the name so that a run with other
    options never resumes, or reuses, a network trained with these.
    """
    tag = str(as_rule(rule)).replace("/", "_")
    digest = run_config_hash(_config(config), model_options)
    return Path(checkpoint_dir) / f"{model}-{tag}-s{int(seed)}-{digest}.pt"


def run_one(
    rule: Any,
    model: str,
    seed: int,
    config: Any = None,
    out_dir: Optional[Union[str, Path]] = None,
    progress: bool = False,
    certify_final: bool = False,
    **model_options: Any,
) -> RunRecord:
    """Train one (rule, model, seed) and return its record.

    Parameters
    ----------
    rule
        A rule or rule string (`lifecore.as_rule`).
    model
        A `lifecore.models.MODEL_NAMES` name.
    seed
        Seed of the network's initialisation and of its data.
    config
        A `lifecore.train.TrainConfig` (default: the defaults).
    out_dir
        Save the network there (`checkpoint_path`); an interrupted run resumes from it.
    progress
        Show the trainer's progress bar.
    certify_final
        Certify the final network (`lifecore.certify.certify`) when the trainer did not
        (``config.certify=False``), so that ``certified`` and ``margin`` are always set.
    **model_options
        Passed to `lifecore.models.build` (e.g. ``kernel_size=3``, ``hidden=...``).

    Returns
    -------
    RunRecord

    Raises
    ------
    ExperimentError
        For an unknown model or a bad seed; `lifecore.RuleError` for a bad rule.
    """
    from ..train import train_rule

    rule, (model,), (seed,) = str(as_rule(rule)), _check_models([model]), seed_list([seed])
    config = _config(config)
    ckpt = None
    if out_dir is not None:
        ckpt = check_writable(checkpoint_path(out_dir, rule, model, seed, config, model_options))
    t0 = time.perf_counter()
    res = train_rule(
        rule, model, seed=seed, config=config, checkpoint=ckpt, progress=progress, **model_options
    )
    cert = getattr(res, "certificate", None)
    if cert is None and certify_final:
        from ..certify import certify

        cert = certify(res.model, rule)
    identity = dict(rule=rule, model=model, seed=seed, config=config)
    return _record(identity, res, cert, _run_hash(config, model_options, certify_final),
                   time.perf_counter() - t0, model_options, ckpt)  # fmt: skip


def _record(
    identity: dict,
    res: Any,
    cert: Any,
    config_hash: str,
    wall_seconds: float,
    model_options: dict,
    ckpt: Optional[Path],
) -> RunRecord:
    """One run's `RunRecord` from its training result ``res`` and certificate ``cert``."""
    from .. import models

    config = identity["config"]
    return RunRecord(
        rule=identity["rule"],
        model=identity["model"],
        seed=identity["seed"],
        config_hash=config_hash,
        params=models.count_parameters(res.model),
        train_loss=res.train_loss,
        val_loss=res.val_loss,
        val_cell_accuracy=res.val_cell_accuracy,
        val_board_accuracy=res.val_board_accuracy,
        rollout_exact=res.rollout_exact,
        exact=bool(res.exact),
        certified=None if cert is None else bool(cert.exact),
        margin=None if cert is None else float(cert.margin),
        epochs=res.epochs,
        seconds=res.seconds,
        wall_seconds=wall_seconds,
        stopped=res.stopped,
        history=tuple(dict(h) for h in res.history),
        config=config.to_dict(),
        model_options=dict(model_options),
        checkpoint=None if ckpt is None else str(ckpt),
    )


def _run_hash(config: Any, model_options: Optional[dict], certify_final: bool) -> str:
    return run_config_hash(
        config, model_options, {"certify_final": True} if certify_final else None
    )


def _worker(rule, model, seed, config, out_dir, threads, certify_final, model_options):
    import torch

    if threads is not None:  # one worker a core: torch's and numba's (certify) threads alike
        import numba

        torch.set_num_threads(threads)
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    return run_one(rule, model, seed, config, out_dir, False, certify_final, **model_options)


@contextlib.contextmanager
def _backend(scheduler: Optional[str], jobs: int) -> Iterator[int]:
    """joblib's backend for the grid; yields the ``n_jobs`` to give ``Parallel``.

    ``None``: joblib's worker processes on this machine. ``"local"``: a
    `distributed.LocalCluster` of ``jobs`` one-thread workers, closed afterwards. Any other
    string: the address of a running Dask scheduler (``tcp://host:8786``).
    """
    if scheduler is None:
        yield jobs
        return
    import joblib

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExperimentError(
            "a Dask scheduler needs the 'distributed' package: .venv/bin/pip install distributed"
        ) from None
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = stack.enter_context(Client(stack.enter_context(cluster)))
        else:
            client = stack.enter_context(_connect(scheduler))
        stack.enter_context(joblib.parallel_config(backend="dask"))
        yield max(1, len(client.scheduler_info().get("workers", {})))


def _connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout="5s")
    except (OSError, TimeoutError, ValueError) as err:
        raise ExperimentError(f"cannot reach Dask scheduler {address!r} ({err})") from None


def _prepare_out(out, checkpoint_dir) -> tuple[Optional[Path], dict]:
    """Check the output paths before any training; return the stored records by key."""
    if checkpoint_dir is not None:
        check_writable(Path(checkpoint_dir) / "probe.pt")
    if out is None:
        return None, {}
    out = check_writable(out)
    return out, ({r.key: r for r in load_records(out)} if out.exists() else {})


def run_grid(
    rules: Sequence = NOTES_RULES,
    models: Optional[Sequence[str]] = None,
    seeds: Union[int, Sequence[int]] = 3,
    jobs: int = 2,
    config: Any = None,
    out: Optional[Union[str, Path]] = None,
    checkpoint_dir: Optional[Union[str, Path]] = None,
    progress: bool = True,
    scheduler: Optional[str] = None,
    certify_final: bool = False,
    **model_options: Any,
) -> list[RunRecord]:
    """Train every (rule, model, seed); return the records in grid order.

    Parameters
    ----------
    rules, models
        Rules (default: the notes' 8) and model names (default: all of `model_names`).
    seeds
        A count ``n`` (seeds ``0..n-1``) or explicit seeds.
    jobs
        Worker processes (each with one torch thread when ``jobs > 1``); with
        ``scheduler="local"`` the number of Dask workers.
    config
        A `lifecore.train.TrainConfig`, the same for every run.
    out
        Results JSON, written after every finished run; runs whose key is already there
        are skipped (records of other configurations in it are kept).
    checkpoint_dir
        Where the networks are saved, and from where interrupted runs resume.
    progress
        Show a progress bar over runs.
    scheduler
        ``None`` (this machine), ``"local"`` (a `distributed.LocalCluster`) or the address
        of a Dask scheduler.
    certify_final
        Certify every final network the trainer did not certify (see `run_one`).
    **model_options
        Passed to `lifecore.models.build` for every run.

    Returns the list of `RunRecord`. Raises `ExperimentError` for a bad model, seeds, jobs or
    scheduler, or an unreadable results file; `lifecore.files.FileError` when ``out`` or
    ``checkpoint_dir`` cannot be written.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ExperimentError(f"jobs must be an integer >= 1, got {jobs!r}")
    config = _config(config)
    out, done = _prepare_out(out, checkpoint_dir)
    tasks = _grid_tasks(rules, models, seeds, _run_hash(config, model_options, certify_final))
    todo = [t for t in tasks if t not in done]
    _inherit_allocator_settings()
    if todo:
        threads = 1 if jobs > 1 or scheduler else None
        job = (config, checkpoint_dir, threads, certify_final, model_options)
        _run_tasks(todo, tasks, done, job, jobs, scheduler, out, progress)
    return [done[t] for t in tasks]


def _grid_tasks(rules: Sequence, models: Optional[Sequence[str]], seeds: Any, digest: str) -> list:
    """Every (rule, model, seed, configuration hash) of the grid, rules checked, in grid order."""
    rules = [str(as_rule(r)) for r in rules]
    models = _check_models(model_names() if models is None else models)
    return [(r, m, s, digest) for r in rules for m in models for s in seed_list(seeds)]


def _inherit_allocator_settings() -> None:
    """The trainer's allocator settings in this process's environment, which the worker
    processes started from here on inherit (see `lifecore.train.ALLOCATOR_ENV`)."""
    from ..train import ALLOCATOR_ENV

    for k, v in ALLOCATOR_ENV.items():
        os.environ.setdefault(k, v)


def _run_tasks(todo, tasks, done, job, jobs, scheduler, out, progress) -> None:
    """Run ``todo`` in parallel, adding each record to ``done`` (and ``out``) as it ends."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), disable=not progress, desc="grid")
    order = {t: i for i, t in enumerate(tasks)}
    with bar, _backend(scheduler, jobs) as n_jobs:
        results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(_worker)(r, m, s, *job) for r, m, s, _ in todo
        )
        for rec in results:
            done[rec.key] = rec
            bar.update(1)
            bar.set_postfix(last=f"{rec.model} {rec.rule} exact={rec.exact}")
            if out is not None:
                ordered = sorted(done.values(), key=lambda r: order.get(r.key, len(order)))
                save_records(out, ordered)


def trained(
    rule: Any,
    model: str,
    seed: int,
    checkpoint_dir: Union[str, Path],
    config: Any = None,
    **model_options: Any,
):
    """The network for (rule, model, seed, config): loaded from ``checkpoint_dir`` when saved
    there (by `run_grid`/`run_one` with the same configuration), else trained now and saved.

    Returns
    -------
    torch.nn.Module
        In eval mode, with ``.metadata`` (`lifecore.models.load`).
    """
    from .. import models

    rule, (model,), (seed,) = str(as_rule(rule)), _check_models([model]), seed_list([seed])
    path = checkpoint_path(checkpoint_dir, rule, model, seed, config, model_options)
    if not path.is_file():
        run_one(rule, model, seed, config, checkpoint_dir, **model_options)
    return models.load(path)
