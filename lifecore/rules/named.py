"""Rules by name: LifeWiki's common Life-like rules, a few isotropic ones, the notes' eight.

`lifecore.rules.parse_rule` accepts these names wherever it accepts a rule string
(``Rule.parse("HighLife")``, ``rule = Just Friends`` in an RLE header).
"""

from __future__ import annotations

import re
from typing import Optional

__all__ = ["NAMED_RULES", "NOTES_RULES", "rule_for_name"]

#: LifeWiki's common Life-like (and a few isotropic) rules, by name (lookup ignores case,
#: spaces and punctuation).
NAMED_RULES: dict[str, str] = {
    "Life": "B3/S23",
    "Game of Life": "B3/S23",
    "Conway": "B3/S23",
    "HighLife": "B36/S23",
    "Day & Night": "B3678/S34678",
    "Diamoeba": "B35678/S5678",
    "Seeds": "B2/S",
    "LongLife": "B345/S5",
    "Replicator": "B1357/S1357",
    "Fredkin": "B1357/S02468",
    "Morley": "B368/S245",
    "Move": "B368/S245",
    "34 Life": "B34/S34",
    "Maze": "B3/S12345",
    "Mazectric": "B3/S1234",
    "Life without Death": "B3/S012345678",
    "Flakes": "B3/S012345678",
    "2x2": "B36/S125",
    "Amoeba": "B357/S1358",
    "Assimilation": "B345/S4567",
    "Coagulations": "B378/S235678",
    "Coral": "B3/S45678",
    "Gnarl": "B1/S1",
    "Live Free or Die": "B2/S0",
    "Pseudo Life": "B357/S238",
    "Serviettes": "B234/S",
    "Stains": "B3678/S235678",
    "Walled Cities": "B45678/S2345",
    "Anneal": "B4678/S35678",
    "Vote": "B5678/S45678",
    "DryLife": "B37/S23",
    "Pedestrian Life": "B38/S23",
    "Honey Life": "B38/S238",
    "Plow World": "B378/S012345678",
    "Land Rush": "B36/S234578",
    "Iceballs": "B25678/S5678",
    "H-trees": "B1/S012345678",
    "Dot Life": "B3/S023",
    "Holstein": "B35678/S4678",
    "Bacteria": "B34/S456",
    "Corrosion of Conformity": "B3/S124",
    "Lowlife": "B3/S13",
    "Conway's Life": "B3/S23",
    # Isotropic non-totalistic rules (LifeWiki, Golly's Hensel notation).
    "Just Friends": "B2-a/S12",
    "tlife": "B3/S2-i34q",
    "Snowflakes": "B2ci3ai4c8/S02ae3eijkq4iz5ar6i7e",
}


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


#: The eight rules of the research notes' results table, in the notes' order.
NOTES_RULES: tuple[str, ...] = (
    "B3/S23",
    "B36/S23",
    "B3678/S34678",
    "B35678/S5678",
    "B2/S",
    "B345/S5",
    "B13/S012V",
    "B2/S013V",
)


_NAME_INDEX = {name_key(k): v for k, v in NAMED_RULES.items()}


def rule_for_name(name: str) -> Optional[str]:
    """The rule string of a known name, else None.

    Parameters
    ----------
    name : str
        Case, spaces and punctuation are ignored (``"Conway's Life"``, ``"day & night"``).

    Returns
    -------
    str or None
        A rule string from `NAMED_RULES`.
    """
    return _NAME_INDEX.get(name_key(name))
