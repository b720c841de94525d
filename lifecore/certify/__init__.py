"""Proofs, not samples: decide whether a network computes a rule on *every* window it sees.

Every model of the library computes a cell's next state from one k x k window: one k x k
convolution, then per-cell layers. So "the network is the rule" is decidable by enumerating
all ``2**(k*k)`` windows (33,554,432 at k=5), and cheap when done with the structure:

- `network`: reads a model (plain or e2cnn) as the first layer's weights over the window,
  then per-cell stages; checks the reading against the model's own output.
- `windows`: the first layer is linear in the 0/1 cells, so its pre-activations are sums
  of two precomputed halves; only the per-cell stages run per window (a fused numba loop on
  the CPU, torch on CUDA). Near-zero logits are decided again in float64.
- `tables`: rules as 512-entry window tables; the smallest family holding a table.
- `certificate`: `certify` and the frozen `Certificate` it returns.

The network's decision is ``logit > 0``; the certificate's ``margin`` (smallest ``|logit|``
over all windows) says how far it is from flipping one.
"""

from .certificate import Certificate, Counterexample, certify
from .cli import register_cli
from .errors import CertifyError
from .network import MAX_WINDOW

__all__ = [
    "Certificate",
    "Counterexample",
    "CertifyError",
    "MAX_WINDOW",
    "certify",
    "register_cli",
]
