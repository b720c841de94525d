"""Per extraction method: rules recovered and time, on the notes' eight rules plus unseen V/H rules.

Networks: with --trained, chapter 4's networks through lifecore.experiments.trained (same
model, seed 0 and TrainConfig() as chapter 4, so its checkpoints are loaded, or trained and
saved if missing); else the hand-built exact networks of lifecore.extract (a check of the
methods, not of training). Discovery: black boxes of each rule, first from one low-density
soup with designed experiments (the result from tabulation, the network route as a
cross-check), then from the designed board alone (one step, every family). Timings on a
shared 2-core machine are noisy; compare rows of one run, not runs.

    python benchmarks/bench_extract.py [--quick] [--trained] [--model cnn-small]
"""

import argparse
import time
from pathlib import Path

from lifecore import NOTES_RULES, Rule, data
from lifecore import discover as dsc
from lifecore import extract as ex

NOTES = list(NOTES_RULES)
UNSEEN = ["B2/S34H", "B1/S012V", "B245/S3", "B356/S23H"]
#: isotropic rules (Just Friends, tlife) and a random MAP rule, for the designed board
FAMILY_RULES = ["B2-a/S12", "B3/S2-i34q"]


CHECKPOINTS = Path(__file__).resolve().parents[1] / "chapters" / "_artifacts" / "checkpoints"


def networks(rules, use_trained, model="cnn-small"):
    if use_trained:
        from lifecore.experiments import trained
        from lifecore.train import TrainConfig

        return {r: trained(r, model, 0, CHECKPOINTS, TrainConfig()) for r in rules}
    return {r: ex.exact_network(r) for r in rules}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="three rules, no basis method")
    ap.add_argument("--trained", action="store_true", help="use chapter 4's trained networks")
    ap.add_argument(
        "--no-basis", action="store_true", help="skip the basis method (it trains 18 networks)"
    )
    ap.add_argument(
        "--model", default="cnn-small", help="which of chapter 4's models (with --trained)"
    )
    args = ap.parse_args()
    rules = NOTES[:3] if args.quick else NOTES
    nets = networks(rules, args.trained, args.model)
    if args.trained:
        print(
            f"networks: {args.model}, seed 0; trainer says exact on "
            f"{sum(bool(n.metadata.get('exact')) for n in nets.values())}/{len(rules)} rules"
        )
    methods = {
        "tabulate": lambda r, n: ex.tabulate(
            *(lambda d: (d.x, d.y))(data.make_dataset(r, 16, 32, 8, seed=7)),
            Rule.parse(r).neighbourhood,
        ),
        "certificate": lambda r, n: ex.extract(n, "certificate", recertify=True),
        "enumerate": lambda r, n: ex.enumerate_neighbourhoods(n, "auto"),
        "statistics": lambda r, n: ex.neighbour_statistics(n, Rule.parse(r).neighbourhood),
    }
    if not (args.quick or args.no_basis):
        methods["basis"] = lambda r, n: ex.compare_with_basis(
            n, Rule.parse(r).neighbourhood, cache_dir="/tmp/lifecore-basis"
        )
    print(f"{'method':<12}{'recovered':>12}{'total s':>10}{'max s':>8}")
    ex.extract(nets[rules[0]], "certificate", recertify=True)  # compile the numba kernel first
    for name, fn in methods.items():
        ok, times = 0, []
        for r in rules:
            t = time.perf_counter()
            e = fn(r, nets[r])
            times.append(time.perf_counter() - t)
            ok += e.matches(r)
        print(f"{name:<12}{ok:>7}/{len(rules):<4}{sum(times):>10.2f}{max(times):>8.2f}")
    disc_rules = rules + ([] if args.quick else UNSEEN)
    ok, times, rounds, agree = 0, [], [], []
    for r in disc_rules:
        t = time.perf_counter()
        d = dsc.discover(dsc.BlackBox.of(r), rounds=12, use_network=not args.quick, first="soup")
        times.append(time.perf_counter() - t)
        rounds.append(len(d.candidates_per_round) - 1)
        ok += str(d.rule) == str(Rule.parse(r)) and not d.undetermined
        if d.agreement:
            agree.append(f"{d.agreement['agree']}/{d.agreement['classes']}")
    print(
        f"{'discover':<12}{ok:>7}/{len(disc_rules):<4}{sum(times):>10.2f}{max(times):>8.2f}"
        f"   rounds: {rounds}"
    )
    if agree:
        print(f"network route: seen classes read back on fresh boards = tabulation: {agree}")
    designed(disc_rules)


def designed(rules):
    """Discovery from the designed board alone: one black-box step, family 'auto'."""
    import numpy as np

    from lifecore.rules import MapRule

    table = (np.random.default_rng(0).random(512) < 0.5).astype(np.uint8)
    rules = list(rules) + FAMILY_RULES + [str(MapRule.from_window_table(table))]
    ok, times, calls = 0, [], []
    for r in rules:
        box = dsc.BlackBox.of(r)
        t = time.perf_counter()
        d = dsc.discover(box, family="auto", use_network=False)
        times.append(time.perf_counter() - t)
        calls.append(box.calls)
        ok += d.rule == Rule.parse(r) and not d.undetermined
    print(
        f"{'designed':<12}{ok:>7}/{len(rules):<4}{sum(times):>10.2f}{max(times):>8.2f}"
        f"   black-box steps: {sorted(set(calls))} (family auto: outer-totalistic, "
        "isotropic and MAP rules)"
    )


if __name__ == "__main__":
    main()
