"""The audit's and the check's outputs read by their consumers, through the real CLI in a child
process: JSON Lines with the clause catalogue once, every format for many sessions, the shared
options (--output, --fail-on, stdin, --quiet, --only-failing), parsed as their readers would."""
from __future__ import annotations

import json

from cli_process import ROOT, cli, jsonl

from compliance._yaml import load_yaml

AS_OF = ("--as-of", "2026-06-30")      # every example's events are before it
CONFORME = "examples/session-conforme.yaml"
MANQUEMENTS = "examples/session-avec-manquements.yaml"


def _catalogue() -> list[str]:
    """The clause ids of rules/clauses.yaml (retired ones excepted), read apart from the tool."""
    document = load_yaml((ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8"))
    return [c["id"] for c in document["clauses"] if not c.get("retired")]


def test_jsonl_audit_gives_the_clause_catalogue_once_and_lean_session_lines():
    result = cli("audit", "examples", *AS_OF, "--format", "jsonl")
    assert result.returncode == 1, result.stderr
    lines = jsonl(result.stdout)
    head, sessions = lines[0], [line for line in lines if line["kind"] == "session"]
    assert head["kind"] == "audit" and head["schema"] == "tp-compliance/audit/2"
    assert [c["clause"] for c in head["clauses"]] == _catalogue()
    s31 = next(c for c in head["clauses"] if c["clause"] == "S3.1")
    assert s31["section"] == "S3" and s31["title"]["fr"] and s31["title"]["en"]
    assert {s["section"] for s in head["sections"]} == {c["section"] for c in head["clauses"]}
    assert len(sessions) == 6
    for session in sessions:
        assert "timeline" not in session
        assert [c["clause"] for c in session["clauses"]] == _catalogue()
        assert all(set(c) == {"clause", "status", "findings"} for c in session["clauses"])
        if not session["findings"]:       # 12 KB of titles before: now about 4 KB
            assert len(result.stdout.splitlines()[lines.index(session)]) < 6_000
    info = next(s["info"] for s in sessions if s["session"] == "TP-00186-2026-03-03")
    assert (info["title"], info["centre"], info["site"], info["first_day"]) == \
        ("TP-00186", "GRETA du Doubs", "Besançon", "2026-03-03")
    # the titles appear once in the whole output, in the head
    assert result.stdout.count(s31["title"]["en"]) == 1


def test_json_audit_has_the_catalogue_in_its_envelope():
    result = cli("audit", CONFORME, *AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "tp-compliance/audit/2"
    assert [c["clause"] for c in document["clauses"]] == _catalogue()
    (session,) = document["sessions"]
    assert session["session"] == "TP-00417-2026-03-10"
    assert {c["status"] for c in session["clauses"]} <= {"compliant", "not_applicable"}
    assert all("title" not in c for c in session["clauses"])
