"""Reading the rule back: from data, from a certificate, and from a trained network.

A certified network's rule is read from its certificate (a proof over its whole receptive
field, `certified`); the other methods are estimates, kept for uncertified networks and
compared against the certificate.

One module per method, each returning an `Extraction` (``result``):

``classes``       what a class is in each family (outer-totalistic, isotropic, MAP);
``tabulation``    count what each class became in data (the baseline);
``statistics``    the notes' method 1: ``P(next alive | state, count)`` of a network;
``enumeration``   the notes' method 2: every neighbourhood configuration on its own tile,
                  the breaking ones grouped by the stencil's symmetry group;
``basis``         the notes' method 3: CKA and matched weights against basis networks;
``handmade``      an exact network built by hand (an independent truth for tests);
``certified``     the rule a `lifecore.certify` certificate proves (any family);
``reader``        `extract`, the front door; ``cli``: ``python -m lifecore extract``.

Names load on first use, so ``import lifecore.extract`` does not load torch.
"""

from __future__ import annotations

from .._lazy import front_door

#: public name -> module that defines it
_HOME = {
    **dict.fromkeys(
        ("Extraction", "ExtractionError", "class_names", "format_confidence", "smallest_first"),
        "result",
    ),
    **dict.fromkeys(
        ("tabulate", "table_from_counts", "consistent_neighbourhoods", "pairs"), "tabulation"
    ),
    **dict.fromkeys(("ClassSpace", "class_space", "window_counts", "window_indices"), "classes"),
    **dict.fromkeys(("neighbour_statistics", "class_probabilities"), "statistics"),
    **dict.fromkeys(
        ("enumerate_neighbourhoods", "symmetry_group", "configurations", "tile_boards"),
        "enumeration",
    ),
    **dict.fromkeys(
        ("compare_with_basis", "basis_rules", "basis_networks", "linear_cka", "aligned_cosine"),
        "basis",
    ),
    **dict.fromkeys(("ExactNetwork", "exact_network"), "handmade"),
    **dict.fromkeys(("METHODS", "extract", "read_certificate"), "reader"),
    **dict.fromkeys(
        ("from_certificate", "certify_reading", "stored_certificate", "compare_with_certificate"),
        "certified",
    ),
    "register_cli": "cli",
}

__all__ = sorted(_HOME)


__getattr__, __dir__ = front_door(__name__, _HOME, globals())
