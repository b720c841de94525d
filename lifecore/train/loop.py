"""`fit`: training as a small loop over named steps, ending with a proof.

One epoch of the loop: `_train_epoch` (a pass over the training pairs), `_evaluate_epoch`
(validation loss and accuracy), `_decide` (the stopping decision: certified, early, budget;
a failed proof adds its counterexamples to the training pairs), `_save_state` (the
resumable checkpoint). `_start` builds or resumes the run, `_finish` certifies the final
weights and writes the checkpoint.
"""

from __future__ import annotations

import glob
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

import numpy as np
import torch
from torch import nn

from .. import models
from ..data import TransitionData, make_dataset
from ..files import check_writable
from ..rules import Rule, RuleLike, as_rule
from .config import TrainConfig, TrainError, TrainResult, check_seed, derived_seed
from .counterexamples import counterexample_boards
from .evaluation import evaluate_tensors, rollout_exact, tensors
from .proof import prove
from .state import TrainerState, identity_difference, other_run, run_identity, state_path

__all__ = ["fit", "train_one", "resolve_device"]


def resolve_device(device: Optional[str]) -> torch.device:
    """The torch device for ``device`` (None: CUDA when present, else CPU).

    Raises
    ------
    TrainError
        For a name torch does not know, or CUDA asked for where there is none.
    """
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise TrainError(f"unknown device {device!r}; use cpu or cuda") from None
    if dev.type not in ("cpu", "cuda"):
        raise TrainError(f"unsupported device {device!r}; use cpu or cuda")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise TrainError(f"device {device!r} asked for, but no CUDA GPU is available")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise TrainError(f"device {device!r}: only {torch.cuda.device_count()} GPU(s) here")
    return dev


@dataclass
class _Run:
    """Everything one call of `fit` works with; ``state`` is what is saved every epoch."""

    model: nn.Module
    config: TrainConfig
    rule: Optional[Rule]
    boundary: str
    device: torch.device
    optimizer: torch.optim.Optimizer
    generator: torch.Generator
    train: tuple[torch.Tensor, torch.Tensor]
    val: tuple[torch.Tensor, torch.Tensor]
    state: TrainerState
    identity: dict
    state_file: Optional[Path]
    certificate: Any = None

    @property
    def certifying(self) -> bool:
        return self.rule is not None and self.config.certify


# -- state / resume -------------------------------------------------------------------------
def _start(
    model: nn.Module,
    train: TransitionData,
    val: TransitionData,
    config: TrainConfig,
    rule: Optional[Rule],
    checkpoint: Optional[Path],
    fresh: bool,
) -> _Run:
    """Set up the run: device, tensors, optimiser, seeded RNG streams; resume from the
    trainer state beside ``checkpoint`` when it holds this very run."""
    _check_provable(model, config, rule)
    if config.threads is not None:
        torch.set_num_threads(int(config.threads))
    dev = resolve_device(config.device)
    model.to(dev)
    gen = torch.Generator().manual_seed(config.seed)
    torch.manual_seed(config.seed)
    np.random.seed(config.seed % 2**32)
    identity = run_identity(
        model, config, None if rule is None else str(rule), train.boundary, dev,
        (train.x, train.y, val.x, val.y),
    )  # fmt: skip
    run = _Run(
        model=model,
        config=config,
        rule=rule,
        boundary=train.boundary,
        device=dev,
        optimizer=torch.optim.Adam(  # foreach: the same arithmetic, a fifth less time on CPU
            model.parameters(), lr=config.lr, weight_decay=config.weight_decay, foreach=True
        ),
        generator=gen,
        train=tensors(train, dev),
        val=tensors(val, dev),
        state=TrainerState(),
        identity=identity,
        state_file=None if checkpoint is None else state_path(checkpoint),
    )
    if checkpoint is None:
        return run
    for path in (checkpoint, run.state_file):
        check_writable(path)
        _remove_stale_temporaries(path)
    if fresh:
        return run
    _refuse_other_checkpoint(checkpoint, identity)
    if run.state_file.exists():
        run.state = TrainerState.resume(run.state_file, identity, model, run.optimizer, gen)
        if run.state.stopped == "max_epochs" and run.state.epoch < config.max_epochs:
            run.state.stopped = None  # more epochs were asked for: carry on
        _append_pairs(run, run.state.extra_x, run.state.extra_y)
    return run


def _check_provable(model: nn.Module, config: TrainConfig, rule: Optional[Rule]) -> None:
    """Refuse, before training, a run whose proof could not be attempted."""
    if rule is None or not config.certify:
        return
    from ..certify import MAX_WINDOW

    k = (getattr(model, "config", None) or {}).get("kernel_size")
    if isinstance(k, int) and k > MAX_WINDOW:
        raise TrainError(
            f"a {k}x{k} kernel is too large to certify (at most {MAX_WINDOW}x{MAX_WINDOW}); "
            "use certify=False (--no-certify) to train it without a proof"
        )


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files a write of ``path`` killed outright (``kill -9``, power
    loss) left behind: `lifecore.files.atomic_write` names them ``<name>.<random>.tmp``."""
    for tmp in path.parent.glob(glob.escape(path.name) + ".*.tmp"):
        tmp.unlink(missing_ok=True)


def _refuse_other_checkpoint(checkpoint: Path, identity: dict) -> None:
    """Never overwrite a final checkpoint of another run (or a file that is not one)."""
    if not checkpoint.exists():
        return
    try:
        stored = models.load(checkpoint).metadata.get("run")
    except models.ModelError as err:
        raise TrainError(f"{err}; pass fresh=True (--fresh) to overwrite it") from None
    difference = identity_difference(stored, identity)
    if difference is not None:
        raise other_run(checkpoint, difference)


def _append_pairs(run: _Run, x: Optional[np.ndarray], y: Optional[np.ndarray]) -> None:
    """Add boards ``x`` -> ``y`` (uint8 ``(M, H, W)``) to the run's training tensors,
    ``config.counterexample_repeats`` times."""
    if x is None or len(x) == 0:
        return
    reps = run.config.counterexample_repeats
    xs = torch.as_tensor(np.tile(x, (reps, 1, 1)), dtype=torch.float32, device=run.device)
    ys = torch.as_tensor(np.tile(y, (reps, 1, 1)), dtype=torch.float32, device=run.device)
    xt, yt = run.train
    run.train = (torch.cat([xt, xs[:, None]]), torch.cat([yt, ys[:, None]]))


# -- one epoch ------------------------------------------------------------------------------
def _train_epoch(run: _Run) -> float:
    """One pass over the training pairs in a seeded random order; the mean loss.

    Raises
    ------
    TrainError
        When the loss or the weights stop being finite (a diverged run is never saved).
    """
    config, (xt, yt) = run.config, run.train
    for group in run.optimizer.param_groups:
        group["lr"] = config.lr * config.lr_decay**run.state.epoch * 0.1**run.state.drops
    run.model.train()
    n = len(xt)
    perm = torch.randperm(n, generator=run.generator)
    total = 0.0
    for i in range(0, n, config.batch_size):
        idx = perm[i : i + config.batch_size]
        loss = nn.functional.binary_cross_entropy_with_logits(run.model(xt[idx]), yt[idx])
        run.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        run.optimizer.step()
        total += loss.item() * len(idx)
    if not math.isfinite(total) or not _finite_weights(run.model):
        raise TrainError(
            f"training diverged in epoch {run.state.epoch + 1} (non-finite loss or weights) "
            f"at learning rate {config.lr:g}; nothing of that epoch was saved: lower --lr"
        )
    return total / n


def _finite_weights(model: nn.Module) -> bool:
    return all(
        bool(torch.isfinite(p).all()) for p in model.state_dict().values() if p.is_floating_point()
    )


def _rollout_ok(run: _Run) -> Optional[bool]:
    """The cheap sample check (rollouts from fresh soups); None when there is nothing to
    compare against or it is switched off."""
    config = run.config
    if run.rule is None or config.rollout_steps == 0:
        return None
    return rollout_exact(
        run.model,
        run.rule,
        config.rollout_steps,
        config.rollout_boards,
        config.rollout_size,
        seed=derived_seed(config.seed, "rollout"),
        boundary=run.boundary,
        density=config.rollout_density,
    )


# -- stopping decision ----------------------------------------------------------------------
def _certify(run: _Run):
    run.certificate = prove(run.model, run.rule, run.config.counterexample_windows)
    return run.certificate


def _counterexamples_learned(run: _Run) -> bool:
    """Cheap check before a new proof: every board made from earlier counterexamples is
    right (so a new proof cannot fail on the same windows again)."""
    x, y = run.state.extra_x, run.state.extra_y
    if x is None or len(x) == 0:
        return True
    xs = torch.as_tensor(x, dtype=torch.float32, device=run.device)[:, None]
    ys = torch.as_tensor(y, dtype=torch.float32, device=run.device)[:, None]
    return evaluate_tensors(run.model, xs, ys).board_accuracy == 1.0


def _learn_counterexamples(run: _Run, certificate) -> None:
    """Stamp the certificate's counterexample windows into boards labelled by the rule and
    add them to the training pairs (and to the saved state, so a resume sees them)."""
    patches = np.stack([np.asarray(c.patch, np.uint8) for c in certificate.counterexamples])
    size = int(run.train[0].shape[-1])
    x, y = counterexample_boards(
        patches,
        run.rule,
        size,
        copies=run.config.counterexample_boards,
        seed=derived_seed(run.config.seed, f"counterexamples-{run.state.epoch}"),
        boundary=run.boundary,
    )
    st = run.state
    st.extra_x = x if st.extra_x is None else np.concatenate([st.extra_x, x])
    st.extra_y = y if st.extra_y is None else np.concatenate([st.extra_y, y])
    st.windows += len(patches)
    _append_pairs(run, x, y)


def _decide(run: _Run, record: dict) -> None:
    """Stop when proved exact (or, without a proof, when the samples are exact); learn a
    failed proof's counterexamples (stop once ``config.max_proofs`` proofs failed); else
    early stopping on the validation loss, then the epoch budget."""
    st, config = run.state, run.config
    if record["val_board_accuracy"] == 1.0:
        st.rollout_ok = record["rollout_exact"] = _rollout_ok(run)
        if st.rollout_ok is not False and not run.certifying:
            st.stopped = "exact"
            return
        if st.rollout_ok is not False and _counterexamples_learned(run):
            certificate = _certify(run)
            st.proofs += 1
            record["certified"] = certificate.exact
            record["counterexamples"] = certificate.counterexample_count
            if certificate.exact:
                st.stopped = "certified"
                return
            if st.proofs >= config.max_proofs:
                st.stopped = "max_proofs"
                return
            if certificate.counterexamples:
                _learn_counterexamples(run, certificate)
    if record["val_loss"] < st.best_loss - config.min_delta:
        st.best_loss, st.bad_epochs = record["val_loss"], 0
        st.best_state = {k: v.detach().cpu().clone() for k, v in run.model.state_dict().items()}
    else:
        st.bad_epochs += 1
        if st.bad_epochs >= config.patience and st.drops < config.lr_drops:
            st.drops, st.bad_epochs = st.drops + 1, 0  # a smaller step, patience anew
        elif st.bad_epochs >= config.patience:
            st.stopped = "early"
    if st.stopped is None and st.epoch >= config.max_epochs:
        st.stopped = "max_epochs"


def _epoch(run: _Run) -> dict:
    """Train one epoch, evaluate, decide, save: the epoch's history record."""
    t0 = time.perf_counter()
    train_loss = _train_epoch(run)
    run.state.epoch += 1
    ev = evaluate_tensors(run.model, *run.val)
    record = {
        "epoch": run.state.epoch,
        "train_loss": train_loss,
        "val_loss": ev.loss,
        "val_cell_accuracy": ev.cell_accuracy,
        "val_board_accuracy": ev.board_accuracy,
        "rollout_exact": None,
        "lr": run.optimizer.param_groups[0]["lr"],
    }
    run.state.rollout_ok = None
    _decide(run, record)
    record["seconds"] = time.perf_counter() - t0
    run.state.history.append(record)
    _save_state(run)
    return record


# -- checkpoint -----------------------------------------------------------------------------
def _save_state(run: _Run) -> None:
    if run.state_file is not None:
        run.state.save(run.state_file, run.identity, run.model, run.optimizer, run.generator)


def _finish(run: _Run, checkpoint: Optional[Path]) -> TrainResult:
    """Restore the best weights after early stopping, certify the final weights, and write
    the checkpoint (never with non-finite weights)."""
    st = run.state
    if st.stopped is None:  # max_epochs reached before any epoch ran (e.g. resumed past it)
        st.stopped = "max_epochs"
    if st.stopped == "early" and st.best_state:
        run.model.load_state_dict(st.best_state)
    ev = evaluate_tensors(run.model, *run.val)
    val_exact = ev.board_accuracy == 1.0
    if st.stopped not in ("exact", "certified"):
        st.rollout_ok = _rollout_ok(run) if val_exact else False
    certificate = None
    if run.certifying:
        certificate = run.certificate
        if certificate is None or not certificate.holds_for(run.model):
            certificate = _certify(run)
        exact = bool(certificate.exact)
    else:
        exact = bool(val_exact and st.rollout_ok is not False)
    run.model.eval()
    result = TrainResult(
        model=run.model,
        history=st.history,
        train_loss=st.history[-1]["train_loss"] if st.history else float("nan"),
        val_loss=ev.loss,
        val_cell_accuracy=ev.cell_accuracy,
        val_board_accuracy=ev.board_accuracy,
        rollout_exact=st.rollout_ok,
        exact=exact,
        epochs=st.epoch,
        seconds=float(sum(h["seconds"] for h in st.history)),
        stopped=st.stopped,
        certificate=certificate,
        counterexample_windows=st.windows,
    )
    if checkpoint is not None:
        _write_checkpoint(run, result, checkpoint)
    return result


def _write_checkpoint(run: _Run, result: TrainResult, checkpoint: Path) -> None:
    if not _finite_weights(run.model):
        raise TrainError(f"{checkpoint}: not written, the weights are not finite")
    rule = run.rule
    metadata = {
        "rule": None if rule is None else str(rule),
        "neighbourhood": None if rule is None else rule.neighbourhood,
        "boundary": run.boundary,
        "seed": run.config.seed,
        "config": run.config.to_dict(),
        "initialisations": 1,  # one random initialisation, no restarts
        "run": run.identity,
        **result.metrics(),
    }
    models.save(run.model, checkpoint, **_finite(metadata))


def _finite(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


# -- method="windows" -----------------------------------------------------------------------
def _windows_phase(run: _Run) -> None:
    """`lifecore.train.minimal.fit_windows`, recorded as one history entry; the run stops
    (certified) when its proof holds, else the board epochs go on from these weights."""
    from .minimal import fit_windows, windows_trainable

    if not windows_trainable(run.model) or run.rule is None:
        raise TrainError(
            'method="windows" needs a known rule and a plain conv/ReLU network with a 3x3 '
            "receptive field (sk-minimal...); use the default method"
        )
    t0 = time.perf_counter()
    steps = fit_windows(run.model, run.rule, steps=run.config.window_steps)
    ev = evaluate_tensors(run.model, *run.val)
    record = {"epoch": 0, "train_loss": steps[-1]["loss"], "val_loss": ev.loss,
              "val_cell_accuracy": ev.cell_accuracy, "rollout_exact": None,
              "val_board_accuracy": ev.board_accuracy, "window_steps": steps[-1]["step"],
              "windows_wrong": steps[-1]["wrong"], "lr": run.config.lr}  # fmt: skip
    if steps[-1]["wrong"] == 0 and run.certifying:
        certificate = _certify(run)
        run.state.proofs += 1
        record["certified"] = certificate.exact
        if certificate.exact:
            run.state.stopped = "certified"
    record["seconds"] = time.perf_counter() - t0
    run.state.history.append(record)
    _save_state(run)


# -- the loop -------------------------------------------------------------------------------
def _progress_bar(total: int, initial: int, enabled: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(
        total=total, initial=initial, disable=not enabled, desc=desc, unit="epoch", leave=False
    )


def _check_fit_inputs(
    config: Optional[TrainConfig], train: TransitionData, val: TransitionData
) -> TrainConfig:
    """The settings (defaults when None), refusing another type or an empty data set."""
    config = config or TrainConfig()
    if not isinstance(config, TrainConfig):
        raise TrainError(f"config must be a TrainConfig, got {type(config).__name__}")
    if len(train) == 0 or len(val) == 0:
        raise TrainError("training and validation sets must both be non-empty")
    return config


def _run_epochs(run: _Run, progress: bool, callback: Optional[Callable[[dict], None]]) -> None:
    """Epochs until the run stops or reaches ``max_epochs``, behind a progress bar."""
    config = run.config
    desc = f"{getattr(run.model, 'name', 'model')} {run.rule or ''}"
    bar = _progress_bar(config.max_epochs, min(run.state.epoch, config.max_epochs),
                        progress and run.state.stopped is None, desc)  # fmt: skip
    try:
        while run.state.stopped is None and run.state.epoch < config.max_epochs:
            record = _epoch(run)
            bar.update(1)
            bar.set_postfix(
                loss=f"{record['val_loss']:.4f}", acc=f"{record['val_cell_accuracy']:.4%}"
            )
            if callback is not None:
                callback(record)
    finally:
        bar.close()


def fit(
    model: nn.Module,
    train: TransitionData,
    val: TransitionData,
    config: Optional[TrainConfig] = None,
    checkpoint: Optional[Union[str, Path]] = None,
    progress: bool = True,
    callback: Optional[Callable[[dict], None]] = None,
    rule: Optional[RuleLike] = None,
    fresh: bool = False,
) -> TrainResult:
    """Train ``model`` on ``train`` until it is proved to compute the rule.

    Once every validation board is right (and a cheap rollout from fresh soups agrees), the
    network is certified with `lifecore.certify.certify` over its whole receptive field.
    A proof ends the run (``stopped="certified"``); a failed one adds its counterexample
    windows, stamped into boards labelled by the rule, to the training pairs, and training
    goes on, for at most ``config.max_proofs`` proofs (then ``"max_proofs"``). Otherwise
    ``"early"`` after ``config.patience`` epochs without a lower validation loss (the best
    epoch's weights are restored), else ``"max_epochs"``. The final weights are always
    certified, so an uncertified run says why in its certificate.
    Without a rule (or with ``config.certify=False``) the samples decide: ``"exact"`` when
    the validation set (and the rollout, if a rule is known) are right.

    Parameters
    ----------
    model
        A network from `lifecore.models.build`: float ``(N, 1, H, W)`` -> logits.
    train, val
        Transition pairs (uint8 ``(N, H, W)``); ``val`` decides when to stop.
    config
        Training settings (`TrainConfig()` when None).
    checkpoint
        Path of the final model, written with `lifecore.models.save` (rule, seed, config,
        run identity, metrics and ``certificate`` as metadata). The trainer state is written
        atomically beside it (`state_path`) after every epoch, and a later call resumes from
        it (same numbers as an uninterrupted run; a larger ``max_epochs`` continues a run
        that ran out of epochs) when it holds the same run.
    progress, callback
        Show a tqdm bar; call ``callback(epoch_record)`` after each epoch, once saved.
    rule
        The rule the pairs follow (default: the data's ``meta["rule"]``).
    fresh
        Start over even when ``checkpoint`` or its state holds another run (overwritten).

    Returns ``TrainResult``, ``exact`` only for certified weights when the rule is known.
    Raises `TrainError`: bad settings or data; a checkpoint of another run (unless ``fresh``);
    an unwritable checkpoint path (checked before training); a diverged run (non-finite loss).
    """
    config = _check_fit_inputs(config, train, val)
    rule = as_rule(rule) if rule is not None else (train.rule or val.rule)
    checkpoint = None if checkpoint is None else Path(checkpoint)
    run = _start(model, train, val, config, rule, checkpoint, fresh)
    if config.method == "windows" and run.state.stopped is None:
        _windows_phase(run)
    _run_epochs(run, progress, callback)
    return _finish(run, checkpoint)


def train_one(
    rule: RuleLike,
    model: Union[str, nn.Module, None] = None,
    seed: int = 0,
    data: Optional[TransitionData] = None,
    config: Optional[TrainConfig] = None,
    checkpoint: Optional[Union[str, Path]] = None,
    progress: bool = True,
    fresh: bool = False,
    **model_options,
) -> TrainResult:
    """Train a network on ``rule`` from seed ``seed``: build, make data, split, `fit`.

    Parameters
    ----------
    rule
        The rule to learn (a `Rule` or its Golly string).
    model
        A `lifecore.models` name (built with ``model_options`` after seeding torch), a
        network; None: ``config.model``, else ``"cnn-small"`` (``"auto"`` is
        `lifecore.train.run.train_rule`'s).
    seed
        Seeds the weights, the data, the split and training (``config.seed`` is replaced).
    data
        Transition pairs; by default covering one-step data from ``config.data_*`` with a
        seed derived from ``seed``, split by trajectory.
    config, checkpoint, progress, fresh
        As for `fit`.

    Returns
    -------
    TrainResult
    """
    rule = as_rule(rule)
    seed = check_seed(seed)
    config = TrainConfig(**{**(config or TrainConfig()).to_dict(), "seed": seed})
    model = model if model is not None else (config.model or "cnn-small")
    if isinstance(model, str):
        torch.manual_seed(seed)
        net = models.build(model, **model_options)
    else:
        net = model
    if data is None:
        data = make_dataset(
            rule,
            n=config.data_n,
            size=config.data_size,
            steps=config.data_steps,
            density=config.data_density,
            seed=derived_seed(seed, "data"),
        )
    train, val = data.split(config.val_fraction, seed=derived_seed(seed, "split"))
    return fit(net, train, val, config, checkpoint, progress, rule=rule, fresh=fresh)
