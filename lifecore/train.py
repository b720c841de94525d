"""Training a network on one rule until it is *exact*, not merely accurate.

`fit` trains with binary cross-entropy on logits and stops as soon as the network gets
every cell of every validation board right *and* reproduces a long rollout of the true
rule from fresh soups (`rollout_exact`); otherwise early stopping on the validation loss
(the notes' addition) or the epoch budget ends it. Everything random is seeded from
``TrainConfig.seed``: the same seed gives the same numbers, and a run interrupted and
resumed from its checkpoint ends exactly where an uninterrupted one does.

`train_rule` is the one-call version: build the model, make covering data, split by
trajectory, fit.

Speed note: these networks are tiny, so on a CPU the time goes into allocating and
freeing small tensors, not arithmetic. glibc's allocator returns freed memory to the
system eagerly (mmap/munmap); `ALLOCATOR_ENV` keeps it in the heap, which made training
several times faster on a 2-core machine. It must be set before the process starts (the
Makefile exports it; `lifecore.experiments` passes it to its worker processes).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Union

import numpy as np
import torch
from torch import nn

from . import models
from .data import COVERING, TransitionData, make_dataset, soups
from .rules import RuleLike, as_rule
from .simulate import simulate

__all__ = [
    "ALLOCATOR_ENV",
    "TrainConfig",
    "TrainResult",
    "fit",
    "evaluate",
    "rollout",
    "rollout_divergence",
    "rollout_exact",
    "train_rule",
    "derived_seed",
    "state_path",
]

#: glibc malloc settings that keep freed memory in the heap (see the module docstring).
ALLOCATOR_ENV = {
    "MALLOC_MMAP_THRESHOLD_": "4294967296",
    "MALLOC_TRIM_THRESHOLD_": "68719476736",
    "MALLOC_TOP_PAD_": "536870912",
}

_STATE_FORMAT, _STATE_VERSION = "lifecore-trainer", 1


@dataclass
class TrainConfig:
    """How to train. Defaults make the non-tiny models exact within seconds on a CPU.

    Default data: 400 independent 16x16 soups (one generation each) with per-board
    densities over the covering range. One-step pairs from fresh soups cover the rare
    dense classes (births on 6+ neighbours) far better than long trajectories, whose
    later frames thin out: that is what made B36/S23 learnable in a few dozen epochs.

    ``patience``: epochs without a better validation loss before stopping early.
    ``lr_decay``: per-epoch multiplicative learning-rate decay (a pure function of the
    epoch, so resuming is exact). ``rollout_*``: the exactness check run once the
    validation set is exact. ``data_*``: the covering data `train_rule` makes when given
    none. ``threads``: torch intra-op threads (None leaves torch's default).
    """

    max_epochs: int = 100
    batch_size: int = 8
    lr: float = 1e-2
    weight_decay: float = 0.0
    patience: int = 15
    min_delta: float = 0.0
    lr_decay: float = 1.0
    seed: int = 0
    device: Optional[str] = None
    rollout_steps: int = 100
    rollout_boards: int = 8
    rollout_size: int = 32
    rollout_density: tuple[float, float] = (0.1, 0.9)
    data_n: int = 400
    data_size: int = 16
    data_steps: int = 1
    data_density: tuple[float, float] = COVERING
    val_fraction: float = 0.25
    threads: Optional[int] = None

    def __post_init__(self) -> None:
        for name in (
            "max_epochs",
            "batch_size",
            "patience",
            "rollout_boards",
            "rollout_size",
            "data_n",
            "data_size",
            "data_steps",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"TrainConfig.{name} must be a positive integer, got {value!r}")
        if not isinstance(self.rollout_steps, (int, np.integer)) or self.rollout_steps < 0:
            raise ValueError(
                f"TrainConfig.rollout_steps must be a non-negative integer, got {self.rollout_steps!r}"
            )
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"TrainConfig.lr must be positive, got {self.lr!r}")
        if not 0 < self.lr_decay <= 1:
            raise ValueError(f"TrainConfig.lr_decay must be in (0, 1], got {self.lr_decay!r}")
        if self.weight_decay < 0:
            raise ValueError(f"TrainConfig.weight_decay must be >= 0, got {self.weight_decay!r}")
        if not 0 < self.val_fraction < 1:
            raise ValueError(
                f"TrainConfig.val_fraction must be in (0, 1), got {self.val_fraction!r}"
            )
        self.rollout_density = tuple(float(d) for d in self.rollout_density)
        self.data_density = tuple(float(d) for d in self.data_density)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rollout_density"] = list(self.rollout_density)
        d["data_density"] = list(self.data_density)
        return d


@dataclass
class TrainResult:
    """What `fit` returns. ``exact``: validation set and rollout both exact."""

    model: nn.Module
    history: list = field(default_factory=list)
    train_loss: float = float("nan")
    val_loss: float = float("nan")
    val_cell_accuracy: float = 0.0
    val_board_accuracy: float = 0.0
    rollout_exact: Optional[bool] = False
    exact: bool = False
    epochs: int = 0
    seconds: float = 0.0
    stopped: str = "max_epochs"

    def metrics(self) -> dict:
        """The JSON-able numbers (no model)."""
        return {
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
            "val_cell_accuracy": self.val_cell_accuracy,
            "val_board_accuracy": self.val_board_accuracy,
            "rollout_exact": self.rollout_exact,
            "exact": self.exact,
            "epochs": self.epochs,
            "seconds": self.seconds,
            "stopped": self.stopped,
        }


def derived_seed(seed: int, purpose: str) -> int:
    """A seed for ``purpose`` (data, split, rollout...) derived from the run's seed."""
    return int(np.random.SeedSequence([int(seed), *purpose.encode()]).generate_state(1)[0])


def _device(config: TrainConfig) -> torch.device:
    if config.device is not None:
        return torch.device(config.device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _tensors(data: TransitionData, dev: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.as_tensor(data.x, dtype=torch.float32, device=dev)[:, None]
    y = torch.as_tensor(data.y, dtype=torch.float32, device=dev)[:, None]
    return x, y


def _model_device(model: nn.Module) -> torch.device:
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device("cpu")


@torch.no_grad()
def _evaluate_tensors(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 256) -> dict:
    mode = model.training
    model.eval()
    loss_sum, wrong_cells, wrong_boards = 0.0, 0, 0
    try:
        for i in range(0, len(x), batch):
            logits = model(x[i : i + batch])
            yb = y[i : i + batch]
            loss_sum += float(
                nn.functional.binary_cross_entropy_with_logits(logits, yb, reduction="sum")
            )
            wrong = (logits > 0).float() != yb
            wrong_cells += int(wrong.sum())
            wrong_boards += int(wrong.flatten(1).any(1).sum())
    finally:
        model.train(mode)
    cells = max(y.numel(), 1)
    return {
        "loss": loss_sum / cells,
        "cell_accuracy": 1.0 - wrong_cells / cells,
        "board_accuracy": 1.0 - wrong_boards / max(len(y), 1),
    }


def evaluate(model: nn.Module, data: TransitionData) -> dict:
    """Mean BCE loss per cell, fraction of cells right, fraction of boards entirely right."""
    x, y = _tensors(data, _model_device(model))
    return _evaluate_tensors(model, x, y)


# -- rollouts ----------------------------------------------------------------------------
@torch.no_grad()
def rollout(model: nn.Module, boards: np.ndarray, steps: int) -> np.ndarray:
    """The network run on its own outputs: ``(N, steps + 1, H, W)`` uint8 (time on axis 1)."""
    boards = np.asarray(boards, dtype=np.uint8)
    single = boards.ndim == 2
    if single:
        boards = boards[None]
    dev = _model_device(model)
    mode = model.training
    model.eval()
    out = np.empty((len(boards), steps + 1, *boards.shape[1:]), dtype=np.uint8)
    out[:, 0] = boards
    x = torch.as_tensor(boards, dtype=torch.float32, device=dev)[:, None]
    try:
        for t in range(1, steps + 1):
            x = (model(x) > 0).float()
            out[:, t] = x[:, 0].to("cpu", torch.uint8).numpy()
    finally:
        model.train(mode)
    return out[0] if single else out


@torch.no_grad()
def rollout_divergence(
    model: nn.Module,
    rule: RuleLike,
    steps: int = 100,
    n: int = 8,
    size: int = 32,
    seed: int = 12345,
    boundary: str = "torus",
    density=(0.1, 0.9),
) -> Optional[int]:
    """First generation at which the network's own rollout differs from the true rule on
    any of ``n`` fresh soups, or None if all ``steps`` generations agree.

    Network and simulator each run on their own outputs, so one wrong cell anywhere is a
    divergence. Soups are drawn with one density per board from ``density``.
    """
    if boundary != "torus":
        raise ValueError(
            f"networks pad circularly, so only the torus boundary can be compared, got {boundary!r}"
        )
    rule = as_rule(rule)
    boards = soups(n, size, density, seed=seed)
    truth = simulate(boards, rule, steps, boundary)
    dev = _model_device(model)
    mode = model.training
    model.eval()
    x = torch.as_tensor(boards, dtype=torch.float32, device=dev)[:, None]
    try:
        for t in range(1, steps + 1):
            x = (model(x) > 0).float()
            if not np.array_equal(x[:, 0].to("cpu", torch.uint8).numpy(), truth[:, t]):
                return t
    finally:
        model.train(mode)
    return None


def rollout_exact(
    model: nn.Module,
    rule: RuleLike,
    steps: int = 100,
    n: int = 8,
    size: int = 32,
    seed: int = 12345,
    boundary: str = "torus",
    density=(0.1, 0.9),
) -> bool:
    """True when the network, run on its own outputs for ``steps`` generations from ``n``
    held-out soups, matches `lifecore.simulate` on every cell of every generation."""
    return rollout_divergence(model, rule, steps, n, size, seed, boundary, density) is None


# -- checkpoints -------------------------------------------------------------------------
def state_path(checkpoint: Union[str, Path]) -> Path:
    """Where `fit` keeps the resumable trainer state beside the final ``checkpoint``."""
    p = Path(checkpoint)
    suffix = p.suffix or ".pt"
    return p.with_name((p.stem if p.suffix else p.name) + ".state" + suffix)


def _atomic_save(payload: Any, path: Path) -> None:
    models.atomic_save(payload, path)


def _numpy_state() -> dict:
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    return {
        "name": name,
        "keys": torch.from_numpy(np.asarray(keys, dtype=np.int64)),
        "pos": int(pos),
        "has_gauss": int(has_gauss),
        "gauss": float(gauss),
    }


def _set_numpy_state(s: dict) -> None:
    np.random.set_state(
        (s["name"], s["keys"].numpy().astype(np.uint32), s["pos"], s["has_gauss"], s["gauss"])
    )


def _load_state(path: Path, model: nn.Module) -> dict:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for foreign or truncated files
        raise ValueError(
            f"{path}: not a readable trainer checkpoint ({type(err).__name__}: {str(err)[:200]})"
        ) from None
    if not isinstance(state, dict) or state.get("format") != _STATE_FORMAT:
        raise ValueError(
            f"{path}: not a lifecore trainer checkpoint (expected format {_STATE_FORMAT!r})"
        )
    if state.get("version") != _STATE_VERSION:
        raise ValueError(f"{path}: unsupported trainer checkpoint version {state.get('version')!r}")
    missing = {
        "model",
        "optimizer",
        "epoch",
        "history",
        "rng",
        "best_loss",
        "bad_epochs",
        "best_state",
    } - set(state)
    if missing:
        raise ValueError(f"{path}: trainer checkpoint lacks {sorted(missing)}")
    config = getattr(model, "config", None)
    if config is not None and state.get("model_config") not in (None, config):
        raise ValueError(
            f"{path}: checkpoint is for model {state.get('model_config')!r}, not {config!r}"
        )
    return state


# -- the trainer -------------------------------------------------------------------------
def _progress_bar(total: int, initial: int, enabled: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(
        total=total, initial=initial, disable=not enabled, desc=desc, unit="epoch", leave=False
    )


def fit(
    model: nn.Module,
    train: TransitionData,
    val: TransitionData,
    config: Optional[TrainConfig] = None,
    checkpoint: Optional[Union[str, Path]] = None,
    progress: bool = True,
    callback: Optional[Callable[[dict], None]] = None,
    rule: Optional[RuleLike] = None,
) -> TrainResult:
    """Train ``model`` on ``train`` until ``val`` and a rollout are exact.

    Stops with ``stopped="exact"`` once every validation board is right and (when the rule
    is known: ``rule`` or ``train.meta["rule"]``) the network reproduces
    ``config.rollout_steps`` generations of the rule from fresh soups; else ``"early"``
    after ``config.patience`` epochs without a lower validation loss (the weights of the
    best epoch are restored); else ``"max_epochs"``.

    ``checkpoint``: path of the final model (written with `lifecore.models.save`, with the
    rule, neighbourhood, seed and metrics as metadata). The trainer state (weights,
    optimiser, epoch, history, RNG states) is written atomically after every epoch to
    `state_path` (checkpoint) and training resumes from it when it exists: a resumed run
    ends with the same numbers as an uninterrupted one. A larger ``max_epochs`` continues a
    run that ran out of epochs. ``callback(epoch_record)`` runs after each epoch (after the
    checkpoint is written).
    """
    config = config or TrainConfig()
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {type(config).__name__}")
    if len(train) == 0 or len(val) == 0:
        raise ValueError("training and validation sets must both be non-empty")
    rule = as_rule(rule) if rule is not None else (train.rule or val.rule)
    boundary = train.boundary
    if config.threads is not None:
        torch.set_num_threads(int(config.threads))
    dev = _device(config)
    model.to(dev)
    xt, yt = _tensors(train, dev)
    xv, yv = _tensors(val, dev)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    gen = torch.Generator().manual_seed(int(config.seed))
    torch.manual_seed(int(config.seed))
    np.random.seed(int(config.seed) % 2**32)

    epoch, history = 0, []
    best_loss, bad_epochs, best_state = math.inf, 0, None
    stopped, rollout_ok = None, None
    state_file = state_path(checkpoint) if checkpoint is not None else None
    if state_file is not None and state_file.exists():
        state = _load_state(state_file, model)
        try:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
        except (RuntimeError, KeyError, ValueError) as err:
            raise ValueError(
                f"{state_file}: checkpoint does not match this model: {str(err)[:300]}"
            ) from None
        epoch, history = int(state["epoch"]), [dict(h) for h in state["history"]]
        best_loss, bad_epochs = float(state["best_loss"]), int(state["bad_epochs"])
        best_state = state["best_state"] or None
        rng = state["rng"]
        torch.set_rng_state(rng["torch"])
        gen.set_state(rng["generator"])
        _set_numpy_state(rng["numpy"])
        stopped, rollout_ok = state.get("stopped") or None, state.get("rollout_exact")
        if stopped == "max_epochs" and epoch < config.max_epochs:
            stopped = None  # more epochs were asked for: carry on

    def lr_at(e: int) -> float:
        return config.lr * config.lr_decay**e

    def save_state() -> None:
        if state_file is None:
            return
        _atomic_save(
            {
                "format": _STATE_FORMAT,
                "version": _STATE_VERSION,
                "model_config": getattr(model, "config", None),
                "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
                "optimizer": optimizer.state_dict(),
                "epoch": epoch,
                "history": history,
                "best_loss": best_loss,
                "bad_epochs": bad_epochs,
                "best_state": best_state or {},
                "stopped": stopped,
                "rollout_exact": rollout_ok,
                "rng": {
                    "torch": torch.get_rng_state(),
                    "generator": gen.get_state(),
                    "numpy": _numpy_state(),
                },
            },
            state_file,
        )

    def check_rollout() -> Optional[bool]:
        if rule is None or config.rollout_steps == 0:
            return None
        return rollout_exact(
            model,
            rule,
            config.rollout_steps,
            config.rollout_boards,
            config.rollout_size,
            seed=derived_seed(config.seed, "rollout"),
            boundary=boundary,
            density=config.rollout_density,
        )

    n = len(xt)
    bar = _progress_bar(
        config.max_epochs,
        min(epoch, config.max_epochs),
        progress and stopped is None,
        f"{getattr(model, 'name', 'model')} {rule or ''}",
    )
    try:
        while stopped is None and epoch < config.max_epochs:
            t0 = time.perf_counter()
            for group in optimizer.param_groups:
                group["lr"] = lr_at(epoch)
            model.train()
            perm = torch.randperm(n, generator=gen)
            total = 0.0
            for i in range(0, n, config.batch_size):
                idx = perm[i : i + config.batch_size]
                logits = model(xt[idx])
                loss = nn.functional.binary_cross_entropy_with_logits(logits, yt[idx])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(idx)
            epoch += 1
            ev = _evaluate_tensors(model, xv, yv)
            rollout_ok = None
            if ev["board_accuracy"] == 1.0:
                rollout_ok = check_rollout()
            record = {
                "epoch": epoch,
                "train_loss": total / n,
                "val_loss": ev["loss"],
                "val_cell_accuracy": ev["cell_accuracy"],
                "val_board_accuracy": ev["board_accuracy"],
                "rollout_exact": rollout_ok,
                "seconds": time.perf_counter() - t0,
            }
            history.append(record)
            if ev["board_accuracy"] == 1.0 and rollout_ok is not False:
                stopped = "exact"
            elif ev["loss"] < best_loss - config.min_delta:
                best_loss, bad_epochs = ev["loss"], 0
                best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            else:
                bad_epochs += 1
                if bad_epochs >= config.patience:
                    stopped = "early"
            if stopped is None and epoch >= config.max_epochs:
                stopped = "max_epochs"
            save_state()
            bar.update(1)
            bar.set_postfix(loss=f"{ev['loss']:.4f}", acc=f"{ev['cell_accuracy']:.4%}")
            if callback is not None:
                callback(record)
    finally:
        bar.close()
    if stopped is None:  # max_epochs reached before any epoch ran (e.g. resumed past it)
        stopped = "max_epochs"

    if stopped == "early" and best_state:
        model.load_state_dict(best_state)
    ev = _evaluate_tensors(model, xv, yv)
    if stopped != "exact":
        rollout_ok = check_rollout() if ev["board_accuracy"] == 1.0 else False
    model.eval()
    result = TrainResult(
        model=model,
        history=history,
        train_loss=history[-1]["train_loss"] if history else float("nan"),
        val_loss=ev["loss"],
        val_cell_accuracy=ev["cell_accuracy"],
        val_board_accuracy=ev["board_accuracy"],
        rollout_exact=rollout_ok,
        exact=bool(ev["board_accuracy"] == 1.0 and rollout_ok is not False),
        epochs=epoch,
        seconds=float(sum(h["seconds"] for h in history)),
        stopped=stopped,
    )
    if checkpoint is not None:
        metadata = {
            "rule": str(rule) if rule is not None else None,
            "neighbourhood": rule.neighbourhood if rule is not None else None,
            "boundary": boundary,
            "seed": int(config.seed),
            "config": config.to_dict(),
            **result.metrics(),
        }
        models.save(model, checkpoint, **_finite(metadata))
    return result


def _finite(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def train_rule(
    rule: RuleLike,
    model: Union[str, nn.Module] = "cnn-small",
    seed: int = 0,
    data: Optional[TransitionData] = None,
    config: Optional[TrainConfig] = None,
    checkpoint: Optional[Union[str, Path]] = None,
    progress: bool = True,
    **model_options,
) -> TrainResult:
    """Train model ``model`` (a `lifecore.models` name) on ``rule`` from seed ``seed``.

    Without ``data``, makes covering data (``config.data_*``; per-board densities over a wide
    range so every (state, count) class appears) with a seed derived from ``seed``, and
    splits it by trajectory. ``config.seed`` is replaced by ``seed``.
    """

    rule = as_rule(rule)
    config = config or TrainConfig()
    config = TrainConfig(**{**config.to_dict(), "seed": int(seed)})
    if isinstance(model, str):
        torch.manual_seed(int(seed))
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
    return fit(net, train, val, config, checkpoint=checkpoint, progress=progress, rule=rule)


# -- command line ------------------------------------------------------------------------
def _cli_train(args) -> int:

    rule = as_rule(args.rule)
    if args.model not in models.MODEL_NAMES:
        raise ValueError(
            f"unknown model {args.model!r}; valid names: {', '.join(models.MODEL_NAMES)}"
        )
    overrides = {
        k: v
        for k, v in {
            "max_epochs": args.max_epochs,
            "batch_size": args.batch_size,
            "lr": args.lr,
            "patience": args.patience,
            "device": args.device,
            "threads": args.threads,
        }.items()
        if v is not None
    }
    config = TrainConfig(**overrides)
    result = train_rule(
        rule,
        args.model,
        seed=args.seed,
        config=config,
        checkpoint=args.out,
        progress=not args.quiet,
        kernel_size=args.kernel_size,
    )
    print(
        f"{rule} {args.model} seed={args.seed}: exact={result.exact} stopped={result.stopped} "
        f"epochs={result.epochs} train_loss={result.train_loss:.4g} "
        f"val_cell_accuracy={result.val_cell_accuracy:.4%} val_board_accuracy={result.val_board_accuracy:.2%} "
        f"seconds={result.seconds:.1f} -> {args.out}"
    )
    return 0


def register_cli(subparsers) -> None:
    p = subparsers.add_parser("train", help="train one network on one rule and save it")
    p.add_argument("--rule", required=True, help="rule, e.g. B3/S23 or a named rule")
    p.add_argument("--model", default="cnn-small", help="model name (lifecore.models.MODEL_NAMES)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="checkpoint path (lifecore.models.load reads it)")
    p.add_argument("--kernel-size", type=int, default=5)
    p.add_argument("--max-epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--patience", type=int)
    p.add_argument("--device")
    p.add_argument("--threads", type=int)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cli_train)
