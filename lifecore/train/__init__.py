"""Training a network on one rule until it is *proved* exact, not merely accurate.

`fit` trains with binary cross-entropy on logits; once the network gets every validation
board right it is certified over its whole receptive field (`lifecore.certify`), and a
failed proof's counterexample windows become training data until the proof holds or the
budget ends. Everything random is seeded from ``TrainConfig.seed``; a run interrupted and
resumed from its checkpoint ends exactly where an uninterrupted one does, and a checkpoint
of another run is never resumed. `train_rule` is the one-call version: build the model,
make covering data, split by trajectory, fit.

Modules: `config` (settings, result, error, seeds), `loop` (`fit`, `train_rule`),
`state` (the resumable state and run identity), `evaluation` (sample checks: accuracy,
rollouts), `counterexamples` (failed proofs turned into training pairs), `cli`
(``python -m lifecore train``).
"""

from .cli import register_cli
from .config import ALLOCATOR_ENV, TrainConfig, TrainError, TrainResult, derived_seed
from .evaluation import Evaluation, evaluate, rollout, rollout_divergence, rollout_exact
from .loop import fit, train_rule
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
    "derived_seed",
    "state_path",
    "register_cli",
]
