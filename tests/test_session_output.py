"""Each session's output, made where it is checked (``session_output``): the same bytes as the
report it stands for, in every format, and a JSON form that reads back to the same report."""
from __future__ import annotations

import datetime as dt
import enum
import io
import json

import attrs
import pytest
from hypothesis import given, settings

from compliance import _time, check_session, read_path
from compliance.audit import FileOutcome, Problem
from compliance.audit_output import FORMATS, GuardedStream, OutcomeWriter
from compliance.checker import default_rulebook
from compliance.model import ClauseStatus, Report, Waiver
from compliance.session_output import View, session_output
from compliance.waivers import apply_waivers
from conftest import EXAMPLES
from strategies import scenarios

AS_OF = dt.datetime(2026, 12, 31, tzinfo=dt.timezone.utc)     # after every example


def _generic_json(report: Report) -> dict:
    """The JSON form as attrs' generic serialiser makes it (how ``to_json`` was written before):
    the independent account the hand-written one must match key for key, in the same order."""
    def keep(attribute, value):
        if attribute is attrs.fields(Report).sections:
            return False
        return not (attribute is attrs.fields(ClauseStatus).satisfied_by and not value)

    def serialise(_inst, _field, value):
        if isinstance(value, dt.datetime):
            return _time.render_instant(value)
        if isinstance(value, dt.date):
            return _time.render_date(value)
        if isinstance(value, enum.Enum):
            return value.value
        return list(value) if isinstance(value, tuple) else value
    return attrs.asdict(report, value_serializer=serialise, filter=keep)


def _waived(report: Report) -> Report:
    """The report with its first finding waived, its second one's waiver expired."""
    waivers = tuple(Waiver(session=report.session, clause=f.clause, justification="Vu.", accepted_by="M. Lenoir",
                           expires=expires, file="waivers.yaml", line=3 + 6 * i)
                    for i, (f, expires) in enumerate(zip(report.findings, (dt.date(2027, 6, 30), dt.date(2026, 6, 1)))))
    return apply_waivers(report, waivers, AS_OF)


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    """Every example, checked as an audit does (no timeline), as check does (timeline and the
    evidence of compliance), and with waivers."""
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        (session,) = read_path(path)
        audit = check_session(session, as_of=AS_OF, timeline=False)
        out += [audit, _waived(audit), check_session(session, as_of=AS_OF, timeline=True, compliance_evidence=True)]
    return out


def _dumped(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)      # keeps the order of the keys


def test_the_json_form_is_the_generic_one_key_for_key_in_the_same_order(reports):
    assert any(r.waivers for r in reports) and any(c.satisfied_by for r in reports for c in r.clauses)
    for report in reports:
        assert _dumped(report.to_json()) == _dumped(_generic_json(report))


@settings(max_examples=10)
@given(scenarios(min_candidates=1, max_candidates=4))
def test_the_json_form_of_generated_sessions_is_the_generic_one(scenario):
    report = check_session(scenario.session(), as_of=scenario.as_of, timeline=True, compliance_evidence=True)
    assert _dumped(report.to_json()) == _dumped(_generic_json(report))


def test_the_lean_form_is_the_whole_one_without_timeline_nor_clause_details(reports):
    for report in reports:
        whole = report.to_json()
        del whole["timeline"]
        whole["clauses"] = [{"clause": c["clause"], "status": c["status"], "findings": c["findings"]}
                            for c in whole["clauses"]]
        assert report.to_json(lean=True) == whole


def test_a_json_form_reads_back_to_the_same_report_even_with_a_lone_surrogate(reports):
    view = View(command="audit", format="html")
    odd = attrs.evolve(reports[1], source="caf\udce9.jsonl")     # a file name not in UTF-8
    for report in (reports[1], odd, reports[2]):
        output = session_output(report, view)
        assert output.kept is None and output.data and not output.text
        back = output.report(report.sections)
        assert back == report and back.sections == report.sections
    assert session_output(odd, view).data[:1] == b"j"        # orjson refuses surrogates: json's encoder


def test_what_the_summary_counts_is_the_whole_report_even_when_only_failing_shows_nothing(reports):
    clean = next(r for r in reports if not r.findings)
    output = session_output(_waived(reports[0]), View(command="audit", format="jsonl", only_failing=True))
    waived = _waived(reports[0])
    assert output.clauses == tuple(f.clause for f in waived.findings)
    assert output.live == {f.severity.value for f in waived.findings if f.waived is None}
    assert [w[2] for w in output.waivers] == [u.outcome for u in waived.waivers]
    hidden = session_output(clean, View(command="audit", format="jsonl", only_failing=True))
    assert (hidden.shown, hidden.text, hidden.data) == (False, "", b"")


def _written(view: View, outcomes: list[FileOutcome]) -> tuple[str, dict]:
    out = io.StringIO()
    writer = OutcomeWriter(GuardedStream(out), view, AS_OF, default_rulebook())
    writer.begin()
    for outcome in outcomes:
        writer.add(outcome)
    summary = writer.end(["waivers.yaml:9"])
    return out.getvalue(), summary | {"exit": writer.exit_code()}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("options", [{}, {"lang": "en", "only_failing": True, "fail_on": "warning"}, {"quiet": True}])
def test_outputs_made_in_a_worker_write_what_the_reports_write_in_every_format(reports, fmt, options):
    """The parent writes the same bytes from outputs made elsewhere (lines, or JSON forms read
    back at the end) as from the reports themselves."""
    audited = [r for r in reports if not r.timeline]
    problem = Problem("a.jsonl", "a.jsonl:3: invalid JSON", line=3)
    view = View(command="audit", format=fmt, **options)
    as_reports = [FileOutcome("a.yaml", tuple(audited[:4]), (problem,)), FileOutcome("b.yaml", tuple(audited[4:]), ())]
    as_outputs = [attrs.evolve(o, reports=tuple(session_output(r, view) for r in o.reports)) for o in as_reports]
    text, summary = _written(view, as_reports)
    assert _written(view, as_outputs) == (text, summary)
    assert summary["sessions"] == len(audited) and summary["exit"] == 2
    if not options.get("quiet") and fmt not in ("csv", "csv-sessions", "text"):
        assert "TP-00417-2026-03-10-B" in text
