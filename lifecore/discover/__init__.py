"""Rule discovery: from a little data, or a black box to experiment on, to one rule.

``result``      `Discovery` and `DiscoveryError`;
``trajectories`` validated arrays and ``.npz`` files read without trusting them;
``black_box``   `BlackBox`, the function discovery experiments on;
``candidates``  `CandidateSet`, the rules the data do not contradict, kept implicitly;
``boards``      `design_board`: one board showing every class of a family;
``design``      the experiment menu and how much each experiment is expected to settle;
``network``     the network route: a network fitted to the data, held against tabulation;
``loop``        `discover` and its `DiscoveryConfig`; ``cli``: ``python -m lifecore discover``;
``observed``    data as observed (every K-th frame, 255 for unseen cells, noise) and samples;
``exhaustive``  every outer-totalistic rule scored by mismatches, any stride (numba ``_kernel``);
``separable``   stride 1, any family: the per-class search; ``verdict``: `Identification`;
``sat``         isotropic and MAP rules at stride > 1: SAT / MaxSAT over hidden generations
                (CNF in ``_cnf``);
``blocks``      the rules a clean answer leaves open, refuted block by block, tables fixed;
``noisy_blocks`` the rules a noisy answer leaves open, judged on blocks by fewest mismatches;
``tree``        every outer-totalistic rule on blocks at once: branch and bound over the table;
``identify``    `identify`: the smallest family explaining observed data, with its verdict;
``informed``    `informed_rivals`: where the data were simulated, the rivals (single-entry,
                and the closest entries together) that even an observer of every hidden
                cell, the rest as observed, could not reject.

Names load on first use, so ``import lifecore.discover`` does not load torch.
"""

from __future__ import annotations

from .._lazy import front_door

#: public name -> module that defines it
_HOME = {
    **dict.fromkeys(("Discovery", "DiscoveryError"), "result"),
    **dict.fromkeys(("check_trajectories", "load_trajectories"), "trajectories"),
    "BlackBox": "black_box",
    **dict.fromkeys(("CandidateSet", "known_table"), "candidates"),
    **dict.fromkeys(("DENSITIES", "crafted_boards", "expected_settled"), "design"),
    **dict.fromkeys(("design_board", "de_bruijn_torus", "search_cover"), "boards"),
    **dict.fromkeys(("network_route", "route_model"), "network"),
    **dict.fromkeys(("DiscoveryConfig", "discover", "HOODS", "STRATEGIES"), "loop"),
    "register_cli": "cli",
    **dict.fromkeys(("HIDDEN", "observe", "make_samples", "check_observed"), "observed"),
    **dict.fromkeys(("identify", "IDENTIFY_FAMILIES"), "identify"),
    **dict.fromkeys(("Identification", "required_margin"), "verdict"),
    **dict.fromkeys(("InformedRival", "InformedRivals", "informed_rivals"), "informed"),
}

__all__ = sorted(_HOME)


__getattr__, __dir__ = front_door(__name__, _HOME, globals())
