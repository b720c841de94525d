"""``python -m lifecore train``: one network, one rule, one checkpoint.

Every option is checked before any training (a bad value is one line on stderr and exit
status 2 through `lifecore.cli.main`); a checkpoint of another run at ``--out`` is refused
unless ``--fresh`` is given.
"""

from __future__ import annotations

import argparse

__all__ = ["register_cli"]


def default_method(model: str, kernel_size) -> str:
    """The CLI's method when ``--method`` is not given: ``"windows"`` for Springer &
    Kenyon's networks at their 3x3 size (certified from one initialisation far more often:
    `benchmarks/results/minimal.md`), ``"boards"`` for everything else."""
    from ..models import SK_NAMES

    sk = model in SK_NAMES and kernel_size in (None, 3)
    return "windows" if sk else "boards"


def _options(args: argparse.Namespace):
    """The rule, the built model and the `TrainConfig` the arguments ask for, all checked."""
    import torch

    from .. import models
    from ..files import check_writable
    from ..rules import as_rule
    from .auto import AUTO_KERNEL
    from .config import TrainConfig, TrainError, check_seed
    from .loop import resolve_device
    from .state import state_path

    rule = as_rule(args.rule)
    seed = check_seed(args.seed, "--seed")
    if args.threads is not None and args.threads < 1:
        raise TrainError(f"--threads must be a positive integer, got {args.threads}")
    resolve_device(args.device)
    overrides = {
        "max_epochs": args.max_epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "patience": args.patience,
        "device": args.device,
        "threads": args.threads,
        "certify": False if args.no_certify else None,
        "method": args.method or default_method(args.model, args.kernel_size),
    }
    config = TrainConfig(seed=seed, **{k: v for k, v in overrides.items() if v is not None})
    k, largest = args.kernel_size, config.data_size - 1
    if k is None:  # the model's own side: 5, or 3 for the SK networks and for auto's rungs
        k = AUTO_KERNEL if args.model == "auto" else models.default_kernel(args.model)
    if config.certify:
        from ..certify import MAX_WINDOW

        largest = min(largest, MAX_WINDOW)
    if not (isinstance(k, int) and 1 <= k <= largest and k % 2 == 1):
        why = "the largest window a proof enumerates" if config.certify else "the boards"
        raise TrainError(f"--kernel-size must be odd, 1 to {largest} ({why}), got {k}")
    if args.model == "auto":
        if not config.certify:
            raise TrainError("--model auto advances on failed proofs: it cannot take --no-certify")
        net = {"kernel_size": k}  # the ladder builds its rungs (lifecore.train.auto)
    else:
        torch.manual_seed(seed)
        net = models.build(args.model, kernel_size=k)
    check_writable(args.out)
    check_writable(state_path(args.out))
    return rule, net, config


def _cli_train(args: argparse.Namespace) -> int:
    from .run import train_rule

    rule, net, config = _options(args)
    auto = isinstance(net, dict)  # --model auto: the rungs' options, not a network
    result = train_rule(
        rule,
        "auto" if auto else net,
        seed=config.seed,
        config=config,
        checkpoint=args.out,
        progress=not args.quiet,
        fresh=args.fresh,
        **(net if auto else {}),
    )
    cert = result.certificate
    proof = (
        "certified=None"
        if cert is None
        else f"certified={cert.exact} inputs={cert.inputs} margin={cert.margin:.3g}"
        + (f" counterexamples={cert.counterexample_count}" if not cert.exact else "")
    )
    model = result.auto["tried"][-1]["model"] if auto else args.model
    print(
        f"{rule} {model} seed={config.seed}: exact={result.exact} {proof} "
        f"stopped={result.stopped} epochs={result.epochs} train_loss={result.train_loss:.4g} "
        f"val_cell_accuracy={result.val_cell_accuracy:.4%} "
        f"val_board_accuracy={result.val_board_accuracy:.2%} "
        f"seconds={result.seconds:.1f} -> {args.out}"
    )
    if auto:
        from .auto import describe

        print(describe(result.auto))
    if cert is not None and not cert.exact and cert.reason:
        print(f"not certified: {cert.reason}")
    return 0


def register_cli(subparsers) -> None:
    """Add the ``train`` subcommand to ``subparsers`` (see `lifecore.cli`)."""
    p = subparsers.add_parser("train", help="train one network on one rule and save it")
    p.add_argument("--rule", required=True, help="rule, e.g. B3/S23 or a named rule")
    p.add_argument(
        "--model",
        default="cnn-small",
        help="model name (lifecore.models.MODEL_NAMES), or auto: the smallest network the "
        "rule's table allows, grown until certified",
    )
    p.add_argument("--seed", type=int, default=0, help="0 to 2**63 - 1")
    p.add_argument("--out", required=True, help="checkpoint path (lifecore.models.load reads it)")
    p.add_argument(
        "--kernel-size", type=int, help="kernel side (default: the model's own, 5 or 3 for sk-*)"
    )
    p.add_argument("--max-epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--patience", type=int)
    p.add_argument(
        "--method",
        choices=("boards", "windows"),
        help="boards or windows: a 3x3 network trained on its 512 windows from one "
        "initialisation (lifecore.train.minimal); default: windows for the sk-minimal "
        "networks at 3x3, boards otherwise",
    )
    p.add_argument("--device", help="cpu or cuda (default: cuda when present)")
    p.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    p.add_argument(
        "--no-certify",
        action="store_true",
        help="skip the proof: exact then means the validation set and a rollout (samples)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="start over even if --out holds another run (it is overwritten)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cli_train)
