"""Chapter 5 (reading rules out of networks): readings over many networks, as rows and lines.

These shape `lifecore.extract` results for the chapter's tables; the methods themselves live
in `lifecore.extract`.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from ..extract.enumeration import enumerate_neighbourhoods
from ..extract.result import Extraction
from ..extract.statistics import neighbour_statistics
from ..extract.tabulation import tabulate
from ..rules import as_rule
from .words import count_phrase

__all__ = [
    "tabulation_baseline",
    "black_box_readings",
    "trainer_exact",
    "exact_counts",
    "enumeration_disagreements",
    "agreement_with_certificates",
    "describe_disagreement",
    "statistics_by_rule",
    "basis_verdicts",
    "seconds_by_method",
    "cost_rows",
    "statistics_on_isotropic",
]


def tabulation_baseline(
    rules: Sequence[str], n: int = 16, size: int = 32, steps: int = 8, seed: int = 7
) -> dict[str, Extraction]:
    """Tabulation of covering data (`lifecore.data.make_dataset`) for each rule: the baseline,
    no network involved. ``{rule: Extraction}``, read under each rule's own neighbourhood."""
    from ..data import make_dataset

    out = {}
    for rule in rules:
        d = make_dataset(rule, n=n, size=size, steps=steps, seed=seed)
        out[rule] = tabulate(d.x, d.y, as_rule(rule).neighbourhood)
    return out


def black_box_readings(model: Any, neighbourhood: str) -> dict[str, Extraction]:
    """The black-box readings of one network, by name: enumeration with the neighbourhood
    found from the network (``"auto"``), and neighbour statistics under ``neighbourhood`` on
    covering soups and on the notes' density-0.5 soups (16 boards)."""
    return {
        "enumerate": enumerate_neighbourhoods(model, "auto"),
        "statistics (covering)": neighbour_statistics(model, neighbourhood),
        "statistics (density 0.5)": neighbour_statistics(model, neighbourhood, n=16, density=0.5),
    }


def trainer_exact(model: Any) -> bool:
    """Whether the trainer called this network exact (its checkpoint's ``exact`` metadata)."""
    return bool((getattr(model, "metadata", None) or {}).get("exact"))


def exact_counts(
    readings: dict, nets: dict, rules: Sequence[str], model_names: Sequence[str]
) -> list[dict]:
    """Per model, how many of ``rules`` the trainer called exact and how many each reading
    recovers exactly. ``readings[rule, model]`` is ``{name: Extraction}`` (as from
    `black_box_readings`), ``nets[rule, model]`` the network."""
    rows = []
    for m in model_names:
        row = {"model": m, "trainer: exact": sum(trainer_exact(nets[r, m]) for r in rules)}
        for name in readings[rules[0], m]:
            row[name] = sum(readings[r, m][name].matches(r) for r in rules)
        rows.append(row)
    return rows


def _reference_exact(res: dict, net: Any, rule: str) -> bool:
    """Exactness by the certificate's reading when ``res`` has one (a proof), else by the
    trainer's metadata (older readings)."""
    proof = res.get("certificate")
    return bool(proof.certified and proof.matches(rule)) if proof else trainer_exact(net)


def enumeration_disagreements(readings: dict, nets: dict) -> list[dict]:
    """The networks where enumeration and the reference disagree on exactness, in the order of
    ``readings`` (keyed ``(rule, model)``), with the breaking configurations' summary. The
    reference is the ``"certificate"`` reading when there is one, else the trainer's verdict
    (the row's ``"trainer exact"``)."""
    rows = []
    for (rule, m), res in readings.items():
        e = res["enumerate"]
        called = _reference_exact(res, nets[rule, m], rule)
        if e.matches(rule) == called:
            continue
        breaking = e.details["breaking"]
        rows.append(
            {
                "model": m,
                "rule": rule,
                "trainer exact": called,
                "enumeration exact": e.matches(rule),
                "breaking": len(breaking),
                "orbits": len(e.details["orbits_broken"]),
                "example": breaking[0] if breaking else None,
                "contexts": e.details["contexts"] + 1,
            }
        )
    return rows


def describe_disagreement(row: dict) -> str:
    """One line for a row of `enumeration_disagreements`."""
    first = row["example"]
    line = (
        f"{row['model']:>12} {row['rule']:>14}: trainer exact={row['trainer exact']}, "
        f"enumeration exact={row['enumeration exact']}; "
        f"{count_phrase(row['breaking'], 'breaking configuration')} in "
        f"{count_phrase(row['orbits'], 'orbit')}"
    )
    if first:
        line += (
            f", e.g. {first['config']} ({first['class']}), wrong in "
            f"{first['contexts_breaking']} of {count_phrase(row['contexts'], 'context')}"
        )
    return line


def _model_label(name: str) -> str:
    """``cnn-small`` -> ``CNN-small`` (the book's spelling in headers)."""
    head, _, tail = name.partition("-")
    return head.upper() + ("-" + tail if tail else "")


def statistics_by_rule(
    readings: dict, rules: Sequence[str], model_names: Sequence[str], model: str
) -> list[dict]:
    """Per rule, neighbour statistics at density 0.5 against covering soups: the classes
    ``model``'s network leaves undetermined, the smallest support of any class over all
    ``model_names``' networks, and how many of them each reading recovers exactly."""
    rows = []
    for rule in rules:
        row = {"rule": rule}
        for key, name in (
            ("statistics (density 0.5)", "0.5"),
            ("statistics (covering)", "covering"),
        ):
            es = [readings[rule, m][key] for m in model_names]
            row[f"{name}: undetermined ({_model_label(model)})"] = (
                " ".join(readings[rule, model][key].undetermined) or "-"
            )
            row[f"{name}: min support"] = int(min(e.details["support"].min() for e in es))
            row[f"{name}: exact"] = f"{sum(e.matches(rule) for e in es)}/{len(es)}"
        rows.append(row)
    return rows


def basis_verdicts(basis: dict[str, Extraction]) -> list[str]:
    """Lines for `lifecore.extract.compare_with_basis` readings keyed by their true rule: the
    basis networks' quality (trainer's test, lowest accuracy on the probe boards), then per
    rule whether the CKA reading recovers it and what the function control reads."""
    e = next(iter(basis.values()))
    lines = [
        f"basis networks exact (trainer's test): {sum(e.details['basis_exact'].values())} of "
        f"{len(e.details['basis_exact'])}; lowest cell accuracy on the probe boards: "
        f"{float(e.details['basis_accuracy'].min()):.4f}"
    ]
    for rule, e in basis.items():
        verdict = "recovers" if e.matches(rule) else "does not recover"
        lines.append(
            f"{rule}: CKA reading {verdict} the rule "
            f"({e.correct_classes(rule)}/{e.table.size} classes right); "
            f"function control reads {e.details['function_rule']}"
        )
    return lines


def seconds_by_method(readings: dict, basis: Optional[dict] = None) -> dict[str, list[float]]:
    """Seconds per network for each reading in ``readings`` (``{key: {name: Extraction}}``),
    plus ``"basis"`` from ``basis`` (``{rule: Extraction}``) when given."""
    names = list(next(iter(readings.values())))
    cost = {name: [res[name].seconds for res in readings.values()] for name in names}
    if basis:
        cost["basis"] = [e.seconds for e in basis.values()]
    return cost


def cost_rows(cost: dict[str, Sequence[float]]) -> list[dict]:
    """Per method: runs, median and maximum seconds (rounded to milliseconds)."""
    return [
        {
            "method": k,
            "runs": len(v),
            "median s": round(float(np.median(v)), 3),
            "max s": round(float(max(v)), 3),
        }
        for k, v in cost.items()
    ]


def statistics_on_isotropic(
    rules: Sequence[str] = ("B2-a/S12", "B3/S2-i34q"),
    n: int = 64,
    size: int = 32,
    seed: int = 0,
) -> list[dict]:
    """Neighbour statistics on exact networks of isotropic rules: where it must fail.

    Statistics reads ``P(next alive | state, count)``; an isotropic rule splits a count into
    Hensel classes (``2a`` dead, ``2c`` alive...), so that probability lies strictly between 0
    and 1 and no threshold recovers the rule. One row per (rule, count class) the rule splits:
    the probability and support on covering soups, what statistics reads (at its default
    threshold 0.99, and by majority), the share of the class's cells the majority reading
    gets wrong, and the Hensel classes that truly come alive and stay dead.
    """
    from ..extract.classes import class_space
    from ..extract.handmade import exact_network
    from ..rules.hensel import HENSEL_CLASSES

    ot, iso = class_space("outer-totalistic"), class_space("isotropic")
    rows = []
    for rule in rules:
        truth = as_rule(rule)
        stats = neighbour_statistics(exact_network(truth), "moore", n=n, size=size, seed=seed)
        p, support = stats.details["p_alive"], stats.details["support"]
        split = ot.table_of(truth) < 0
        hensel = iso.table_of(truth)
        for s, c in zip(*np.nonzero(split)):
            names = [h for h in HENSEL_CLASSES if h[0] == str(c)]
            row = hensel[s, [HENSEL_CLASSES.index(h) for h in names]]
            rows.append(
                {
                    "rule": str(truth),
                    "class": ot.name(int(s), int(c)),
                    "P(alive)": round(float(p[s, c]), 3),
                    "cells": int(support[s, c]),
                    "statistics reads": {1: "alive", 0: "dead", -1: "undetermined"}[
                        int(stats.table[s, c])
                    ],
                    "majority reads": "alive" if p[s, c] > 0.5 else "dead",
                    "cells misread by majority": round(float(min(p[s, c], 1 - p[s, c])), 3),
                    "alive": " ".join(h for h, v in zip(names, row) if v == 1) or "-",
                    "dead": " ".join(h for h, v in zip(names, row) if v == 0) or "-",
                }
            )
    return rows


def agreement_with_certificates(readings: dict, names: Sequence[str]) -> list[dict]:
    """Per reading in ``names``: over the networks whose ``"certificate"`` reading proves a
    rule, how many that reading recovers exactly (`lifecore.extract.compare_with_certificate`).

    ``readings[key]`` is ``{name: Extraction}`` with a ``"certificate"`` entry. Returns rows
    ``{"reading", "agrees", "networks"}`` in the order of ``names``.
    """
    from ..extract.certified import compare_with_certificate

    proved = [res for res in readings.values() if res["certificate"].certified]
    return [
        {
            "reading": name,
            "agrees": sum(
                bool(compare_with_certificate(res[name], res["certificate"])["agrees"])
                for res in proved
            ),
            "networks": len(proved),
        }
        for name in names
    ]
