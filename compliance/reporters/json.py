"""Machine-readable report: a versioned JSON document (schema in docs/report-schema.md)."""
from __future__ import annotations

import json
from typing import Sequence

from ..model import Report
from ._labels import utf8_json

REPORT_SCHEMA = "tp-compliance/report/1"


def render_json(reports: Sequence[Report], lang: str = "fr") -> str:
    """Deterministic JSON: sorted keys, UTF-8 text (always encodable), one trailing newline."""
    document = {"schema": REPORT_SCHEMA, "reports": [r.to_json() for r in reports]}
    return utf8_json(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)) + "\n"
