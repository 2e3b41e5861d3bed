"""JSON Schemas (draft 2020-12) of every file the tool reads or writes.

``compliance schema --for KIND`` prints one; the package ships them as files
(``compliance/schemas/KIND.schema.json``, rewritten by ``python -m compliance.file_schemas``; for
editors, a record can name its schema in a
``# yaml-language-server: $schema=…`` line), and a test keeps the files equal to what this module
builds. The event schema selects its branch by ``type`` (``if``/``then``), so an editor can say
which type is unknown instead of "not valid under any of the given schemas".

* ``event``: one event; ``record``: a session record (YAML or JSON); ``log``: one line of a JSON
  Lines log (an event that names its session); ``report``: the JSON report
  (docs/report-schema.md); ``audit``: one line of ``audit --format jsonl``; ``waivers``: a waiver
  file; ``rules``: a rule file (kept by hand in ``schemas/rules.schema.json``).
"""
from __future__ import annotations

import copy
import importlib.resources
import json
from typing import Any, Callable

from . import events
from .model import NOT_APPLICABLE_REASONS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://tp-compliance.invalid/schema"
KINDS = ("event", "record", "log", "report", "audit", "waivers", "rules")


def _event() -> dict[str, Any]:
    variants = events.json_schema()["oneOf"]
    names = [v["title"] for v in variants]
    return {
        "$schema": DRAFT, "$id": f"{BASE}/event/v{events.SCHEMA_VERSION}",
        "title": "Titre Professionnel session event",
        "type": "object",
        "required": ["type", "at"],
        "properties": {"type": {"enum": names, "description": "the event type (docs/events.md)"}},
        "allOf": [{"if": {"properties": {"type": {"const": v["title"]}}, "required": ["type"]},
                   "then": {k: v[k] for k in ("description", "properties", "required", "additionalProperties")}}
                  for v in variants],
    }


def _record() -> dict[str, Any]:
    event = {"$ref": "#/$defs/event"}
    return {
        "$schema": DRAFT, "$id": f"{BASE}/record/v{events.SCHEMA_VERSION}",
        "title": "Session record (YAML or JSON)",
        "type": "object", "required": ["session", "events"], "additionalProperties": False,
        "properties": {
            "session": {"type": "string", "minLength": 1, "description": "the session id"},
            "description": {"type": "string", "description": "free text for readers"},
            "declarations": {"type": "array", "items": event, "description": "the session as planned"},
            "events": {"type": "array", "items": event, "description": "the acts observed"},
        },
        "$defs": {"event": _without_meta(_event())},
    }


def _log() -> dict[str, Any]:
    schema = _event()
    schema.update({"$id": f"{BASE}/log/v{events.SCHEMA_VERSION}", "title": "One line of a JSON Lines event log",
                   "required": ["type", "at", "session"]})
    return schema


def _without_meta(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


_TEXT = {"type": "object", "required": ["fr", "en"], "additionalProperties": False,
         "properties": {"fr": {"type": "string"}, "en": {"type": "string"}}}
_STR = {"type": "string"}
_INT = {"type": "integer", "minimum": 0}
_STRS = {"type": "array", "items": {"type": "string"}}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": [k for k in properties if k not in optional]}


def _report_defs() -> dict[str, Any]:
    evidence = _object({"at": _STR, "details": {"type": "array", "items": {
        "type": "array", "prefixItems": [_STR, _STR], "minItems": 2, "maxItems": 2}},
        "event_id": _STR, "file": {"type": ["string", "null"]}, "index": _INT,
        "line": {"type": ["integer", "null"]}, "type": _STR})
    waiver = _object({"session": _STR, "clause": _STR, "justification": _STR, "accepted_by": _STR,
                      "expires": {"type": "string", "format": "date"}, "rule": {"type": ["string", "null"]},
                      "file": {"type": ["string", "null"]}, "line": {"type": ["integer", "null"]}})
    source = _object({"text": _STR, "article": _STR, "url": _STR, "quote": _STR, "date": _STR,
                      "status": {"enum": ["in_force", "superseded", "guidance", ""]}})
    finding = _object({
        "rule": _STR, "clause": _STR, "severity": {"enum": ["violation", "warning", "pending"]},
        "session": _STR, "title": {"$ref": "#/$defs/text"}, "message": {"$ref": "#/$defs/text"},
        "evidence": {"type": "array", "items": {"$ref": "#/$defs/evidence"}},
        "values": {"type": "array", "items": {"type": "array", "prefixItems": [_STR, _STR], "minItems": 2,
                                              "maxItems": 2}},
        "waived": {"oneOf": [{"$ref": "#/$defs/waiver"}, {"type": "null"}]},
        "source": {"oneOf": [source, {"type": "null"}]}})
    clause = _object({"clause": _STR, "status": {"enum": ["compliant", "violation", "warning", "pending",
                                                          "not_applicable", "waived"]},
                      "title": {"$ref": "#/$defs/text"}, "findings": _INT,
                      "versions": {"type": "array", "description": "the dated rules that judged the session",
                                   "items": _object({"rule": _STR, "since": _STR, "until": _STR, "kind": _STR,
                                                     "text": _STR, "text_date": _STR,
                                                     "suspended": {"type": "array", "items": {
                                                         "type": "array", "prefixItems": [_STR, _STR],
                                                         "minItems": 2, "maxItems": 2}}})},
                      "not_applicable": {"type": "array", "description": "why the clause was not applicable",
                                         "items": _object({"reason": {"enum": list(NOT_APPLICABLE_REASONS)},
                                                           "since": _STR, "until": _STR, "kind": _STR,
                                                           "text": _STR, "events": _STRS})},
                      "satisfied_by": {"type": "array", "description": "compliant clause: the events that met "
                                       "each of its rules (check --compliance-evidence)", "items": _object(
                                           {"rule": _STR, "evidence": {"type": "array",
                                                                       "items": {"$ref": "#/$defs/evidence"}}})}},
                     optional=("versions", "not_applicable", "satisfied_by"))
    info = _object({"title": _STR, "title_name": _STR, "kind": _STR, "centre": _STR, "site": _STR,
                    "first_day": _STR, "last_day": _STR, "managers": _STRS, "substitutes": _STRS,
                    "jurors": _STRS, "candidates": _INT, "present": _INT, "record_sha256": _STR})
    report = _object({
        "session": _STR, "source": _STR, "as_of": _STR, "time_zone": _STR, "tool_version": _STR,
        "rulebook": _STR, "events": _INT, "clauses": {"type": "array", "items": {"$ref": "#/$defs/clause"}},
        "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
        "timeline": {"type": "array", "items": {"$ref": "#/$defs/evidence"}},
        "waivers": {"type": "array", "items": _object({"waiver": {"$ref": "#/$defs/waiver"},
                                                        "outcome": {"enum": ["applied", "expired", "unused"]}})},
        "info": {"$ref": "#/$defs/info"},
        "names": {"type": "array", "description": "[id, name] of the people the record names",
                  "items": {"type": "array", "prefixItems": [_STR, _STR], "minItems": 2, "maxItems": 2}}})
    return {"text": _TEXT, "evidence": evidence, "waiver": waiver, "finding": finding, "clause": clause,
            "info": info, "report": report}


def _report() -> dict[str, Any]:
    from .reporters.json import REPORT_SCHEMA
    return {"$schema": DRAFT, "$id": f"{BASE}/report/1", "title": "compliance JSON report (docs/report-schema.md)",
            **_object({"schema": {"const": REPORT_SCHEMA},
                       "reports": {"type": "array", "items": {"$ref": "#/$defs/report"}}}),
            "$defs": _report_defs()}


def _audit() -> dict[str, Any]:
    from .audit_output import AUDIT_SCHEMA
    defs = _report_defs()
    session = copy.deepcopy(defs["report"])
    session["properties"]["kind"] = {"const": "session"}
    session["required"].append("kind")
    del session["properties"]["timeline"]          # empty in audits: left out
    session["required"].remove("timeline")
    session["properties"]["clauses"] = {
        "type": "array", "description": "every clause by id; titles and sections are in the audit line",
        "items": _object({"clause": _STR, "status": defs["clause"]["properties"]["status"], "findings": _INT})}
    pairs = {"type": "array", "items": {"type": "array", "prefixItems": [_STR, _INT], "minItems": 2, "maxItems": 2}}
    summary = _object({"kind": {"const": "summary"}, "files": _INT, "unreadable_files": _STRS, "file_problems": _INT,
                       "sessions": _INT, "sessions_not_checked": _INT, "sessions_with_violations": _INT,
                       "sessions_with_warnings": _INT, "not_read": _INT, "not_read_files": _STRS, "notes": _STRS,
                       "findings_by_clause": pairs, "violations_by_clause": pairs, "unused_waivers": _STRS})
    problem = _object({"kind": {"const": "problem"}, "file": _STR, "error": _STR, "session": _STR,
                       "line": {"type": "integer"}, "internal": {"const": True}},
                      optional=("session", "line", "internal"))
    head = _object({"kind": {"const": "audit"}, "schema": {"const": AUDIT_SCHEMA}, "as_of": _STR,
                    "rulebook": _STR,
                    "clauses": {"type": "array", "description": "the clause catalogue, once for every session line",
                                "items": _object({"clause": _STR, "section": _STR, "title": {"$ref": "#/$defs/text"}})},
                    "sections": {"type": "array",
                                 "items": _object({"section": _STR, "title": {"$ref": "#/$defs/text"}})}})
    branches = {"audit": head, "session": session, "problem": problem, "summary": summary}
    return {"$schema": DRAFT, "$id": f"{BASE}/audit/2", "title": "One line of compliance audit --format jsonl",
            "type": "object", "required": ["kind"],
            "properties": {"kind": {"enum": list(branches)}},
            "allOf": [{"if": {"properties": {"kind": {"const": k}}, "required": ["kind"]}, "then": v}
                      for k, v in branches.items()],
            "$defs": defs}


def _waivers() -> dict[str, Any]:
    waiver = _object({"session": {"type": "string", "minLength": 1}, "clause": {"type": "string", "minLength": 1},
                      "rule": {"type": "string", "minLength": 1}, "justification": {"type": "string", "minLength": 1},
                      "accepted_by": {"type": "string", "minLength": 1},
                      "expires": {"type": "string", "format": "date", "description": "last day it applies"}},
                     optional=("rule",))
    return {"$schema": DRAFT, "$id": f"{BASE}/waivers/1", "title": "compliance waiver file",
            **_object({"waivers": {"type": "array", "items": waiver}})}


def _rules() -> dict[str, Any]:
    text = (importlib.resources.files("compliance") / "schemas" / "rules.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "event": _event, "record": _record, "log": _log, "report": _report, "audit": _audit,
    "waivers": _waivers, "rules": _rules}


def schema(kind: str) -> dict[str, Any]:
    """The schema of one kind of file (one of ``KINDS``)."""
    return BUILDERS[kind]()


def render(kind: str) -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(schema(kind), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":     # python -m compliance.file_schemas: rewrite the shipped files
    from pathlib import Path
    for kind in KINDS:
        if kind != "rules":    # kept by hand
            (Path(__file__).parent / "schemas" / f"{kind}.schema.json").write_text(render(kind), encoding="utf-8")
