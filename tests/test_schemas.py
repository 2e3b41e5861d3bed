"""Schemas for every file (compliance/file_schemas.py, shipped in compliance/schemas/): each is a
valid draft 2020-12 schema, the shipped file is what the code builds, and every bundled example,
every report, every audit line, every shipped rule file and a waiver file validate against
them, while typical mistakes do not."""
from __future__ import annotations

import io
import json

import jsonschema
import pytest
import yaml

from compliance import file_schemas
from compliance.cli import main
from conftest import EXAMPLES, ROOT

SHIPPED = ROOT / "compliance" / "schemas"
RECORDS = sorted(EXAMPLES.glob("*.yaml"))


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = file_schemas.schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(kind: str, document) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(kind).iter_errors(document)]


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue()


@pytest.mark.parametrize("kind", file_schemas.KINDS)
def test_the_shipped_schema_is_what_the_code_builds_and_what_the_cli_prints(kind):
    shipped = (SHIPPED / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert shipped == file_schemas.render(kind), "regenerate compliance/schemas/ (see file_schemas)"
    code, out = _run("schema", "--for", kind)
    assert code == 0 and json.loads(out) == json.loads(shipped)


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_every_bundled_record_validates_and_names_its_schema(record):
    text = record.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../compliance/schemas/record.schema.json\n")
    assert _errors("record", yaml.safe_load(text)) == []


def test_a_mistyped_event_type_is_named_by_the_event_schema():
    errors = _errors("event", {"type": "test_strated", "at": "2026-03-10T09:00:00+01:00"})
    assert len(errors) == 1 and "'test_strated' is not one of" in errors[0] and "'test_started'" in errors[0]
    errors = _errors("event", {"type": "test_started", "at": "2026-03-10T09:00:00+01:00", "test": "T1"})
    assert errors == ["[]: 'candidate' is a required property"]


def test_a_log_line_must_name_its_session():
    line = {"type": "session_opened", "at": "2026-03-10T08:00:00+01:00"}
    assert _errors("log", line) == ["[]: 'session' is a required property"]
    assert _errors("log", dict(line, session="S")) == []


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_every_json_report_validates(record):
    code, out = _run("check", str(record), "--as-of", "2026-06-30", "--format", "json")
    assert code in (0, 1)
    assert _errors("report", json.loads(out)) == []


def test_every_audit_line_validates_problems_and_unreadable_records_included(tmp_path):
    (tmp_path / "broken.yaml").write_bytes(b"session: X\nevents: [\xff\n")
    for record in RECORDS:
        (tmp_path / record.name).write_bytes(record.read_bytes())
    code, out = _run("audit", str(tmp_path), "--as-of", "2026-04-30", "--format", "jsonl", "--jobs", "1")
    assert code == 2
    lines = [json.loads(line) for line in out.splitlines()]
    assert {line["kind"] for line in lines} == {"audit", "session", "problem", "summary"}
    for line in lines:
        assert _errors("audit", line) == [], line["kind"]
    assert _errors("audit", {"kind": "summary"})          # a summary without its counts is refused


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("[SRD]*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_rule_file_validates(path):
    assert _errors("rules", yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_a_waiver_file_validates_and_a_misspelt_key_does_not():
    waivers = {"waivers": [{"session": "TP-1", "clause": "S2.3", "justification": "briefed by phone",
                            "accepted_by": "M. Lenoir", "expires": "2026-12-31"}]}
    assert _errors("waivers", waivers) == []
    waivers["waivers"][0]["accepted"] = waivers["waivers"][0].pop("accepted_by")
    assert len(_errors("waivers", waivers)) == 2       # one missing key, one unknown key
