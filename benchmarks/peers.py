"""Peers side by side: PM4Py's Declare conformance on the archive the audit benchmark reads.

PM4Py (the optional ``bench`` extra) checks activity-level constraints only: no data, no clock,
no people. Its figures bound from above what a process-mining checker does with these files;
they are not the same work as the audit's 75 data-aware rules.
"""
from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path
from typing import Any

# Eight constraints over the activities of examples/session-conforme.yaml, all satisfied there.
DECLARE_MODEL: dict[str, dict[Any, dict[str, float]]] = {
    "init": {"manager_designated": {}},
    "existence": {"session_opened": {}, "pv_signed": {}},
    "exactly_one": {"session_closed": {}},
    "response": {("session_opened", "session_closed"): {}},
    "precedence": {("identity_checked", "test_started"): {}},
    "succession": {("deliberation_started", "deliberation_ended"): {}},
    "responded_existence": {("candidate_registered", "candidate_convened"): {}},
}


def load_pm4py() -> Any | None:
    """pm4py, imported quietly (it prints a banner); None when not installed."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import pm4py
    except ImportError:
        return None
    return pm4py


def _model() -> dict[str, dict[Any, dict[str, float]]]:
    return {template: {key: {"support": 1.0, "confidence": 1.0} for key in keys}
            for template, keys in DECLARE_MODEL.items()}


def _frame(files: list[Path]) -> Any:
    """JSON parse every line, then one pandas DataFrame of (case, activity, timestamp)."""
    import pandas as pd
    cases, activities, times = [], [], []
    for file in files:
        with file.open("rb") as stream:
            for line in stream:
                event = json.loads(line)
                cases.append(event["session"])
                activities.append(event["type"])
                times.append(event["at"])
    return pd.DataFrame({"case:concept:name": cases, "concept:name": activities,
                         "time:timestamp": pd.to_datetime(times, utc=True, format="ISO8601")})


def declare_rates(pm4py: Any, files: list[Path], events: int) -> tuple[float, float, int]:
    """(events/s of the check alone, events/s end to end, cases found deviating), one core."""
    start = time.perf_counter()
    frame = _frame(files)
    parsed = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        results = pm4py.conformance_declare(frame, _model())
    done = time.perf_counter()
    deviating = sum(1 for r in results if r.get("no_dev_total", 0))
    return events / (done - parsed), events / (done - start), deviating
