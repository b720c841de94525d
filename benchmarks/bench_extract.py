"""Per extraction method: rules recovered and time, on the notes' eight rules plus unseen V/H rules.

Networks: lifecore.experiments.trained (chapter 4's checkpoints) when available, else the
hand-built exact networks of lifecore.extract (a check of the methods, not of training).
Discovery: black boxes of each rule, designed experiments, tabulation route.

    python benchmarks/bench_extract.py [--quick] [--trained]
"""

import argparse
import time

from lifecore import Rule, data
from lifecore import discover as dsc
from lifecore import extract as ex

NOTES = ["B3/S23", "B36/S23", "B3678/S34678", "B35678/S5678", "B2/S", "B345/S5", "B13/S012V", "B2/S013V"]
UNSEEN = ["B2/S34H", "B1/S012V", "B245/S3", "B356/S23H"]


def networks(rules, use_trained):
    if use_trained:
        from lifecore.experiments import trained

        out = {}
        for r in rules:
            res = trained(r, "cnn-small", 0, "chapters/_artifacts/checkpoints")
            out[r] = getattr(res, "model", res)
        return out
    return {r: ex.exact_network(r) for r in rules}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="three rules, no basis method")
    ap.add_argument("--trained", action="store_true", help="use chapter 4's trained networks")
    args = ap.parse_args()
    rules = NOTES[:3] if args.quick else NOTES
    nets = networks(rules, args.trained)
    methods = {
        "tabulate": lambda r, n: ex.tabulate(*(lambda d: (d.x, d.y))(data.make_dataset(r, 16, 32, 8, seed=7)),
                                             Rule.parse(r).neighbourhood),
        "enumerate": lambda r, n: ex.enumerate_neighbourhoods(n),
        "statistics": lambda r, n: ex.neighbour_statistics(n, Rule.parse(r).neighbourhood),
    }
    if not args.quick:
        methods["basis"] = lambda r, n: ex.compare_with_basis(n, Rule.parse(r).neighbourhood,
                                                              cache_dir="/tmp/lifecore-basis", epochs=4, train_boards=64)
    print(f"{'method':<12}{'recovered':>12}{'total s':>10}{'max s':>8}")
    for name, fn in methods.items():
        ok, times = 0, []
        for r in rules:
            t = time.perf_counter()
            e = fn(r, nets[r])
            times.append(time.perf_counter() - t)
            ok += e.matches(r)
        print(f"{name:<12}{ok:>7}/{len(rules):<4}{sum(times):>10.2f}{max(times):>8.2f}")
    disc_rules = rules + ([] if args.quick else UNSEEN)
    ok, times, rounds = 0, [], []
    for r in disc_rules:
        t = time.perf_counter()
        d = dsc.discover(dsc.BlackBox.of(r), rounds=12, use_network=not args.quick)
        times.append(time.perf_counter() - t)
        rounds.append(len(d.candidates_per_round) - 1)
        ok += str(d.rule) == str(Rule.parse(r)) and not d.undetermined
    print(f"{'discover':<12}{ok:>7}/{len(disc_rules):<4}{sum(times):>10.2f}{max(times):>8.2f}"
          f"   rounds: {rounds}")


if __name__ == "__main__":
    main()
