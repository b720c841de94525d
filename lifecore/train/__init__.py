"""Training a network on one rule until it is *proved* exact, not merely accurate.

`fit` trains with binary cross-entropy on logits; once the network gets every validation
board right it is certified over its whole receptive field (`lifecore.certify`), and a
failed proof's counterexample windows become training data until the proof holds or the
budget ends. Everything random is seeded from ``TrainConfig.seed``; a run interrupted and
resumed from its checkpoint ends exactly where an uninterrupted one does, and a checkpoint
of another run is never resumed. `train_rule` is the one-call version: build the model,
make covering data, split by trajectory, fit.

Modules: `config` (settings, result, error, seeds), `loop` (`fit`, `train_one`), `auto`
(the model a rule's table allows), `run` (`train_rule`, `train_auto`: a ladder of models),
`minimal` (training a 3x3 network on its 512 windows), `state` (the resumable state and run
identity), `evaluation` (sample checks: accuracy, rollouts), `counterexamples` (failed
proofs turned into training pairs), `cli` (``python -m lifecore train``).
"""

from .cli import register_cli
from .config import ALLOCATOR_ENV, TrainConfig, TrainError, TrainResult, derived_seed
from .evaluation import Evaluation, evaluate, rollout, rollout_divergence, rollout_exact
from .loop import fit, train_one
from .run import train_rule
from .state import state_path

__all__ = [
    "ALLOCATOR_ENV",
    "TrainConfig",
    "TrainError",
    "TrainResult",
    "fit",
    "evaluate",
    "Evaluation",
    "rollout",
    "rollout_divergence",
    "rollout_exact",
    "train_rule",
    "train_one",
    "derived_seed",
    "state_path",
    "register_cli",
]
