"""Chapter 6's benchmark summaries (`lifecore.book.observed`) on hand-made records."""

import json

from lifecore.book.observed import benchmark_rows, exact_runs, goal_summary
from lifecore.discover.blocks import CERTIFICATE as BLOCKS_CERTIFICATE
from lifecore.discover.identify import OPEN_ENTRIES_BY_BLOCKS
from lifecore.discover.noisy_blocks import CERTIFICATE as NOISY_BLOCKS_CERTIFICATE


def _record(family, stride, noise, hidden, exact, verdict, seconds=1.0):
    return {"family": family, "stride": stride, "noise": noise, "hidden": hidden,
            "exact": exact, "verdict": verdict, "flag_correct": exact or verdict != "unique",
            "seconds": seconds}  # fmt: skip


def test_benchmark_rows_group_runs_and_exact_runs_count_them(tmp_path):
    runs = [
        _record("isotropic", 3, 0.0, 0.0, True, "unique", 20.0),
        _record("isotropic", 3, 0.0, 0.0, False, "undetermined", 90.0),
        _record("isotropic", 3, 0.01, 0.1, True, "unique"),
        _record("isotropic", 3, 0.01, 0.1, True, "undetermined"),  # exact, not called unique
        _record("isotropic", 2, 0.0, 0.0, True, "unique"),
        _record("map", 3, 0.0, 0.0, False, "none"),
    ]
    path = tmp_path / "runs.json"
    path.write_text(json.dumps({"runs": runs}))
    rows = benchmark_rows(path)
    first = rows[[r["family"] for r in rows].index("isotropic") + 1]  # stride 3, clean
    assert (first["runs"], first["exact and unique"], first["max seconds"]) == (2, 0.5, 90.0)
    assert exact_runs(rows, "isotropic", 3) == (2, 4)
    assert exact_runs(rows, "isotropic", 2) == (1, 1)
    assert exact_runs(rows, "map", 3) == (0, 1)
    assert exact_runs(rows, "outer-totalistic", 3) == (0, 0)
    assert exact_runs(rows, "isotropic", 3, noise=0.0) == (1, 2)
    assert exact_runs(rows, "isotropic", 3, noise=0.01, unseen=0.1) == (1, 2)
    assert exact_runs(rows, "isotropic", 3, unseen=0.2) == (0, 0)


def test_goal_summary_counts_only_the_goal_region(tmp_path):
    def bounded(record, decided=True, closest=50, truth_open=None):
        record.update(informed_decided=decided, informed_closest_extra=closest, rule="B3/S23",
                      informed_closest="S7+S8")  # fmt: skip
        return record if truth_open is None else {**record, "truth_open": truth_open}

    runs = [
        bounded(_record("isotropic", 3, 0.0, 0.2, False, "none"), closest=4000, truth_open=8),
        bounded(_record("isotropic", 3, 0.01, 0.2, False, "none"), truth_open=30),
        bounded(_record("outer-totalistic", 3, 0.01, 0.0, False, "undetermined"), False, 1),
        bounded(_record("outer-totalistic", 3, 0.01, 0.1, False, "undetermined"), closest=2),
        bounded(
            {
                **_record("outer-totalistic", 2, 0.01, 0.2, True, "unique"),
                "certificate": NOISY_BLOCKS_CERTIFICATE,
            }
        ),
        bounded(_record("outer-totalistic", 2, 0.0, 0.1, True, "unique")),
        bounded(_record("outer-totalistic", 2, 0.01, 0.2, True, "undetermined")),  # named
        bounded(
            {
                **_record("outer-totalistic", 3, 0.0, 0.1, True, "unique"),
                "certificate": BLOCKS_CERTIFICATE,
            }
        ),
        bounded(
            {
                **_record("isotropic", 3, 0.0, 0.2, True, "unique"),
                "certificate": "single-entry rivals each lose" + OPEN_ENTRIES_BY_BLOCKS,
            }
        ),
        bounded(_record("outer-totalistic", 1, 0.0, 0.3, False, "unique")),  # 30% unseen: out
        bounded(_record("map", 1, 0.0, 0.0, True, "unique")),  # MAP: out
        bounded(_record("isotropic", 4, 0.0, 0.0, False, "unique")),  # stride 4: out
    ]
    path = tmp_path / "runs.json"
    path.write_text(json.dumps({"runs": runs}))
    summary = goal_summary(path)
    # the undecidable run's closest rival (1) is not the decidable runs' closest (2)
    assert summary == {"runs": 9, "exact": 4, "by_blocks": 1, "by_noisy_blocks": 1,
                       "by_entry_blocks": 1, "wrong": 0, "decidable": 8,
                       "missed": 5, "undecidable": 1, "named": 1,
                       "undecidable_rivals": ["B3/S23, S7+S8 flipped"],
                       "closest": 2, "truth_open_clean": (8, 8),
                       "truth_open_noisy": (30, 30)}  # fmt: skip
