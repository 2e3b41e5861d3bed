"""The SARIF and JUnit files read by the tools auditors use: sarif-tools (Microsoft's SARIF
reader) and junitparser. Each sees exactly the findings of the JSON report, file by file and
line by line, with the severities it maps them to.
"""
from __future__ import annotations

import io
import json

import pytest

from compliance.cli import main
from conftest import EXAMPLES

sarif_loader = pytest.importorskip("sarif.loader", reason="sarif-tools is a test dependency: pip install -e '.[test]'")
junitparser = pytest.importorskip("junitparser", reason="junitparser is a test dependency: pip install -e '.[test]'")

BREACHES = EXAMPLES / "session-avec-manquements.yaml"
LEVEL = {"violation": "error", "warning": "warning", "pending": "note"}


def _run(*args: str, as_of: str = "2026-04-30") -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*args, "--as-of", as_of], out, err)
    return code, out.getvalue()


def _json_findings(*paths: str, as_of: str = "2026-04-30") -> list[dict]:
    _, text = _run("check", *paths, "--format", "json", "--no-compliance-evidence", as_of=as_of)
    return [f for report in json.loads(text)["reports"] for f in report["findings"]]


def test_sarif_tools_reads_every_finding_of_the_breach_record(tmp_path):
    code, text = _run("check", str(BREACHES), "--format", "sarif")
    assert code == 1
    path = tmp_path / "report.sarif"
    path.write_text(text, encoding="utf-8")
    sarif = sarif_loader.load_sarif_file(str(path))
    findings = _json_findings(str(BREACHES))
    assert sarif.get_result_count() == len(findings) > 0
    assert sarif.get_distinct_tool_names() == ["compliance"]
    got = sorted((r["Code"], r["Severity"], r["Line"]) for r in sarif.get_records())
    want = sorted((f["clause"], LEVEL[f["severity"]], f["evidence"][0]["line"] if f["evidence"] else 1)
                  for f in findings)
    assert got == want


def test_sarif_tools_reads_an_audit_of_every_example_as_one_run(tmp_path):
    path = tmp_path / "audit.sarif"
    code, _ = _run("audit", str(EXAMPLES), "--format", "sarif", "--output", str(path), "--jobs", "1",
                   as_of="2026-12-31")
    assert code in (0, 1)
    sarif = sarif_loader.load_sarif_file(str(path))
    assert len(sarif.runs) == 1
    findings = _json_findings(*sorted(str(p) for p in EXAMPLES.glob("*.yaml")), as_of="2026-12-31")
    assert sarif.get_result_count() == len(findings)


def test_junitparser_reads_one_suite_per_session_failing_where_a_clause_fails(tmp_path):
    code, text = _run("check", str(BREACHES), str(EXAMPLES / "session-conforme.yaml"), "--format", "junit")
    assert code == 1
    path = tmp_path / "report.xml"
    path.write_text(text, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    assert len(suites) == 2
    failing = {}
    for suite in suites:
        failing[suite.name] = sum(1 for case in suite for r in case.result
                                  if isinstance(r, (junitparser.Failure, junitparser.Error)))
    assert sorted(failing.values())[0] == 0            # the compliant session fails nothing
    assert sorted(failing.values())[1] > 0             # the breach record fails its clauses
