"""Readers: valid files become sessions; every broken file is named with its line and problem."""
from __future__ import annotations

import json

import pytest

from compliance import ComplianceError, read_path
from conftest import EXAMPLES, ROOT

BAD = ROOT / "tests" / "data" / "bad_records"


def test_yaml_record_and_jsonl_log_give_the_same_events(tmp_path, clean_session):
    """The same events written as a JSON Lines log read back identically (one reader layer)."""
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(e.to_record(), ensure_ascii=False) for e in clean_session.events),
                   encoding="utf-8")
    (from_log,) = read_path(log)
    assert from_log.events == clean_session.events


def test_interleaved_sessions_are_split_by_session_id(tmp_path, clean_session):
    lines = []
    for e in clean_session.events:
        for sid in ("A", "B"):
            lines.append(json.dumps(dict(e.to_record(), session=sid), ensure_ascii=False))
    log = tmp_path / "two.jsonl"
    log.write_text("\n".join(lines), encoding="utf-8")
    sessions = read_path(log)
    assert [s.id for s in sessions] == ["A", "B"]
    assert all(len(s.events) == len(clean_session.events) for s in sessions)


def test_accents_survive_reading():
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    names = {e.name for e in session.events if e.TYPE == "candidate_registered"}
    assert "Élodie Marchand" in names and "Noël Dupré" in names


@pytest.mark.parametrize("name, line, fragment", [
    ("empty.jsonl", None, "empty file"),
    ("not-utf8.yaml", 3, "not UTF-8"),
    ("invalid-json-line.jsonl", 2, "invalid JSON"),
    ("yaml-syntax.yaml", 4, "YAML"),
    ("unknown-event.jsonl", 2, "unknown event type 'sesion_closed' (did you mean 'session_closed'?)"),
    ("missing-field.yaml", 4, "missing field 'candidate'"),
    ("naive-time.jsonl", 1, "expected an ISO 8601 time with its offset"),
    ("impossible-date.jsonl", 1, "field 'at': expected an existing date and time (day is out of range for month), "
     "got '2026-02-30T08:00:00+01:00'"),
    ("mistyped-field.yaml", 3, "field 'sealed': expected true or false, got 'oui'"),
    ("act-in-declarations.yaml", 3, "is an act, not a declaration"),
    ("binary.yaml", 4, "binary data (NUL byte)"),
])
def test_broken_record_names_file_line_and_problem(name, line, fragment):
    with pytest.raises(ComplianceError) as caught:
        read_path(BAD / name)
    text = str(caught.value)
    where = f"{BAD / name}:{line}" if line else f"{BAD / name}"
    assert text.startswith(where), text
    assert fragment in text
    assert "\n" not in text
