"""SARIF 2.1.0: each clause a rule with its help text, each finding a result at its evidence."""
from __future__ import annotations

import json
from typing import Any, Sequence

from ..model import Report

LEVEL = {"violation": "error", "warning": "warning", "pending": "note"}


def render_sarif(reports: Sequence[Report], lang: str = "fr") -> str:
    clauses: dict[str, Any] = {}
    results = []
    version = reports[0].tool_version if reports else ""
    for report in reports:
        for c in report.clauses:
            clauses.setdefault(c.clause, {
                "id": c.clause,
                "name": c.clause.replace(".", "_"),
                "shortDescription": {"text": c.title.get(lang)},
                "fullDescription": {"text": c.title.get(lang)},
                "help": {"text": f"{c.title.fr} / {c.title.en}"},
                "properties": {"section": c.clause.split(".")[0] if "." in c.clause else c.clause.rstrip("0123456789")},
            })
        for f in report.findings:
            locations = [{"physicalLocation": {"artifactLocation": {"uri": e.file},
                                               **({"region": {"startLine": e.line}} if e.line else {})}}
                         for e in f.evidence if e.file]
            result: dict[str, Any] = {
                "ruleId": f.clause,
                "level": LEVEL[f.severity.value],
                "message": {"text": f.message.get(lang)},
                "locations": locations,
                "partialFingerprints": {"rule": f.rule, "session": f.session,
                                        "events": ",".join(e.event_id for e in f.evidence)},
                "properties": {"rule": f.rule, "session": f.session, "severity": f.severity.value,
                               "values": dict(f.values)},
            }
            if f.waived:
                result["suppressions"] = [{"kind": "external", "justification": f.waived.justification}]
            results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "compliance", "version": version,
                                "informationUri": "https://tp-compliance.invalid/",
                                "rules": [clauses[k] for k in clauses]}},
            "results": results,
        }],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
