"""`train_rule`: one call from a rule to a trained, certified network, for a named model
or for ``"auto"`` (a ladder of models, smallest first, chosen by `lifecore.train.auto`).

It sits above `loop` (one model) and `auto` (the choice), so neither imports the other.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Optional, Union

from torch import nn

from ..data import TransitionData
from ..rules import RuleLike, as_rule
from .auto import AUTO_KERNEL, _rung_record, choose_model, rung_path
from .config import TrainConfig, TrainError, TrainResult, check_seed
from .loop import train_one

__all__ = ["train_rule", "train_auto"]


def train_rule(
    rule: RuleLike,
    model: Union[str, nn.Module, None] = None,
    seed: int = 0,
    data: Optional[TransitionData] = None,
    config: Optional[TrainConfig] = None,
    checkpoint: Optional[Union[str, Path]] = None,
    progress: bool = True,
    fresh: bool = False,
    **model_options: Any,
) -> TrainResult:
    """Train a network on ``rule`` from seed ``seed`` (`lifecore.train.loop.train_one`), or,
    for ``model="auto"`` (or ``config.model="auto"``), up the ladder `train_auto` climbs.

    ``model``: a `lifecore.models` name, a network, ``"auto"``, or None (``config.model``,
    else ``"cnn-small"``). The other arguments are `train_one`'s.
    """
    chosen = model if model is not None else (config.model if config else None)
    if isinstance(chosen, str) and chosen == "auto":
        return train_auto(
            rule, seed, config, checkpoint, progress, fresh, data=data, **model_options
        )
    return train_one(rule, model, seed, data, config, checkpoint, progress, fresh, **model_options)


def train_auto(
    rule: RuleLike,
    seed: int = 0,
    config: Optional[TrainConfig] = None,
    checkpoint: Optional[Union[str, Path]] = None,
    progress: bool = True,
    fresh: bool = False,
    kernel_size: int = AUTO_KERNEL,
    data: Any = None,
) -> TrainResult:
    """Train up the ladder `choose_model` picks until a rung is certified.

    Parameters
    ----------
    rule, seed, progress, fresh
        As for `lifecore.train.train_rule` (every rung uses the same seed and data).
    config
        The budget of each rung (its ``model`` field is ignored: the ladder decides).
    checkpoint
        The final network (certified rung, else the last), with ``auto`` metadata; each
        rung also writes `rung_path` so an interrupted ladder resumes.
    kernel_size
        Kernel side of every rung (3: the rule's own window).
    data
        Transition pairs shared by every rung (default: `train_rule`'s covering data).

    Returns
    -------
    TrainResult
        The certified rung's (or the last rung's) result, ``auto`` set to the
        `AutoChoice` as a dict with ``tried``: one record per rung.

    Raises
    ------
    TrainError
        Without a proof (``config.certify=False``): the ladder advances on failed proofs.
    """
    from .. import models

    rule, seed = as_rule(rule), check_seed(seed)
    config = replace(config or TrainConfig(), model=None)
    if not config.certify:
        raise TrainError("model 'auto' advances on failed proofs: it needs certify=True")
    choice, tried, result = choose_model(rule), [], None
    for name in choice.ladder:
        ckpt = None if checkpoint is None else rung_path(checkpoint, name)
        result = train_one(
            rule, name, seed, config=config, checkpoint=ckpt, progress=progress,
            fresh=fresh, data=data, kernel_size=kernel_size,
        )  # fmt: skip
        tried.append(_rung_record(name, models.count_parameters(result.model), result))
        if tried[-1]["certified"]:
            break
    choice = replace(choice, tried=tuple(tried))
    result = replace(result, auto=choice.to_dict())
    if checkpoint is not None:
        _save_final(result, Path(checkpoint), rung_path(checkpoint, tried[-1]["model"]))
    return result


def _save_final(result: TrainResult, checkpoint: Path, rung: Path) -> None:
    """The chosen rung's checkpoint, with the ladder added to its metadata, at ``checkpoint``."""
    from .. import models

    metadata: dict[str, Any] = dict(models.load(rung).metadata)
    metadata["auto"] = result.auto
    models.save(result.model, checkpoint, **metadata)
