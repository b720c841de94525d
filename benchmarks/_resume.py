"""What a resumable benchmark keeps between calls: a JSON file beside its Markdown table."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


def load_state(table: Path, items: str, fresh: bool) -> tuple[Path, dict]:
    """``(json path, state)`` for the benchmark writing ``table``: the earlier call's state
    (its start time, the load average then, and its list ``state[items]``), or a new one
    when there is none or ``fresh``."""
    saved = table.with_suffix(".json")
    if saved.exists() and not fresh:
        return saved, json.loads(saved.read_text())
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return saved, {"started": started, "load": os.getloadavg()[0], items: []}
