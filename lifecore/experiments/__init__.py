"""The notes' experiment, redone: rules x models x seeds, judged by exactness and by proof.

- `notes`: the notes' 8 rules, 6 models and published table (`NOTES_RULES`, `NOTES_TABLE`).
- `records`: `RunRecord` (one run, keyed by rule, model, seed and configuration hash) and
  the results file (`load_records`, `save_records`).
- `grid`: `run_one`, `run_grid` (joblib; a Dask cluster with ``scheduler=``), `trained`.
- `summaries`: `success_table`, `time_to_exact`, `compare_with_notes`, `markdown_table`.
- `ablation`: which of the notes' conditions makes exactness possible (`ablation`).
- `sample_size`: how many training boards a model needs to be certified (`boards_needed`).

Worker processes get one torch thread each and `lifecore.train.ALLOCATOR_ENV` (glibc
malloc settings that made these tiny networks several times faster).
"""

from __future__ import annotations

from .ablation import (
    ABLATION_CONDITIONS,
    NOTES_WIDTHS,
    AblationRow,
    Condition,
    ablation,
    ablation_table,
    class_error_rates,
    count_error_summary,
)
from .cli import register_cli
from .grid import checkpoint_path, model_names, run_grid, run_one, seed_list, trained
from .notes import NOTES_MODELS, NOTES_RULES, NOTES_TABLE
from .records import (
    RECORD_KEYS,
    ExperimentError,
    RunRecord,
    load_records,
    run_config_hash,
    save_records,
)
from .sample_size import LADDER, BoardsNeeded, boards_needed, boards_table
from .summaries import compare_with_notes, markdown_table, success_table, time_to_exact

__all__ = [
    "LADDER",
    "BoardsNeeded",
    "boards_needed",
    "boards_table",
    "NOTES_RULES",
    "NOTES_MODELS",
    "NOTES_TABLE",
    "RECORD_KEYS",
    "ExperimentError",
    "RunRecord",
    "run_config_hash",
    "load_records",
    "save_records",
    "run_one",
    "run_grid",
    "trained",
    "checkpoint_path",
    "seed_list",
    "model_names",
    "success_table",
    "time_to_exact",
    "compare_with_notes",
    "markdown_table",
    "register_cli",
    "Condition",
    "ABLATION_CONDITIONS",
    "NOTES_WIDTHS",
    "AblationRow",
    "ablation",
    "ablation_table",
    "class_error_rates",
    "count_error_summary",
]
