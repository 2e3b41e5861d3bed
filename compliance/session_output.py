"""One session's part of the output, made where the session is checked.

An audit's parent writes, in input order, what its workers send. So that it does almost nothing
per session, a worker turns each report into a ``SessionOutput``: the text a streamed format
writes for it (a JSON line, CSV rows, a line of text), or, for a format that gathers the reports
and renders them at the end (json, markdown, html, sarif, junit), their JSON form as bytes; and
the few facts that the summary and the exit code need. ``check`` (and standard input) pass
their reports through the same ``session_output`` in the parent, so both give the same bytes.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Literal

import attrs
import orjson

from .model import Report, Severity, Text
from .reporters._labels import utf8_json
from .reporters.audit_text import render_audit_session
from .reporters.table import csv_rows, finding_rows, session_row

_FAILING: dict[str, frozenset[Severity]] = {
    "violation": frozenset({Severity.VIOLATION}),
    "warning": frozenset({Severity.VIOLATION, Severity.WARNING}), "never": frozenset()}


@attrs.frozen(kw_only=True)
class View:
    """How the outcomes are shown: the same for ``check`` and ``audit`` but for ``text`` and
    ``json`` (check: the full report of each session; audit: a line each and the summary)."""
    command: Literal["check", "audit"]
    format: str = "text"
    lang: str = "fr"
    fail_on: str = "violation"
    quiet: bool = False           # text: the summary only; jsonl: no session lines
    only_failing: bool = False
    colour: bool = False          # check's text on a terminal


# What ``run_audit`` sends when no view is given: each report whole, as ``check --format json``
# gathers it (``SessionOutput.report`` reads it back).
WHOLE_REPORTS = View(command="check", format="json")


@attrs.frozen(kw_only=True)
class SessionOutput:
    """A checked session as the output writer takes it.

    ``text`` is what a streamed format writes for it ("" for nothing: ``--quiet``, or a session
    ``--only-failing`` leaves out); a gathering format has instead ``data``, the JSON form of
    what it shows (the lean audit line for an audit's json, the whole report otherwise), or, in
    the process that checked it, the ``kept`` report itself. The other fields are of the whole
    report, whatever is shown: the summary counts them.
    """
    session: str
    clauses: tuple[str, ...] = ()       # the clause of each finding
    violated: tuple[str, ...] = ()      # the clause of each violation no waiver accepts
    live: frozenset[str] = frozenset()  # the severities of the findings no waiver accepts
    waivers: tuple[tuple[str | None, int | None, str], ...] = ()    # (file, line, outcome) of each use
    text: str = ""
    shown: bool = True                  # False: --only-failing leaves it out of the output
    data: bytes = b""
    kept: Report | None = None

    def document(self) -> dict[str, Any]:
        """The JSON form it holds (a gathering format's; see ``data``)."""
        if self.kept is not None:
            raise ValueError("a kept report has no JSON form: use report()")
        document: dict[str, Any] = _loads(self.data)
        return document

    def report(self, sections: Iterable[tuple[str, Text]] = ()) -> Report:
        """The report, read back from its JSON form (``sections``: the catalogue's section titles,
        which the JSON form leaves out) unless it was kept."""
        if self.kept is not None:
            return self.kept
        return Report.from_json(self.document(), sections)


def failing_severities(fail_on: str) -> frozenset[Severity]:
    """The severities that make the exit code 1 under ``--fail-on``."""
    return _FAILING[fail_on]


def only_failing(report: Report, severities: frozenset[Severity]) -> Report | None:
    """The report cut to its clauses of a failing status and their unwaived failing findings;
    None when nothing of it fails (``--only-failing``; with ``--fail-on never``: violations)."""
    severities = severities or _FAILING["violation"]
    statuses = {s.value for s in severities}
    clauses = tuple(c for c in report.clauses if c.status.value in statuses)
    if not clauses:
        return None
    kept = {c.clause for c in clauses}
    findings = tuple(f for f in report.findings
                     if f.clause in kept and f.severity in severities and f.waived is None)
    return attrs.evolve(report, clauses=clauses, findings=findings)


def lean_session(report: Report) -> dict[str, Any]:
    """A report as an audit line: every key of the JSON report but the timeline (empty in audits),
    each clause as its id, status and count of findings (the titles are in the head)."""
    return report.to_json(lean=True)


def json_line(document: dict[str, Any]) -> str:
    """One line of a JSON Lines audit."""
    return utf8_json(json.dumps(document, ensure_ascii=False, sort_keys=True)) + "\n"


def session_output(report: Report, view: View, *, keep: bool = False) -> SessionOutput:
    """What ``view`` writes for ``report``; ``keep``: a gathering format holds the report itself
    (in the process that renders it) rather than its JSON form."""
    live = frozenset(f.severity.value for f in report.findings if f.waived is None)
    tally = SessionOutput(
        session=report.session, clauses=tuple(f.clause for f in report.findings),
        violated=tuple(f.clause for f in report.findings if f.severity is Severity.VIOLATION and f.waived is None),
        live=live, waivers=tuple((u.waiver.file, u.waiver.line, u.outcome) for u in report.waivers))
    shown = only_failing(report, _FAILING[view.fail_on]) if view.only_failing else report
    if shown is None:
        return attrs.evolve(tally, shown=False)
    # a session's one line counts all its findings, whatever the lines of other formats keep
    text = _streamed(report if view.format == "text" else shown, view)
    if text is not None:
        return attrs.evolve(tally, text=text)
    if keep:
        return attrs.evolve(tally, kept=shown)
    lean = view.command == "audit" and view.format == "json"
    return attrs.evolve(tally, data=_dumps(lean_session(shown) if lean else shown.to_json()))


def _streamed(report: Report, view: View) -> str | None:
    """The text a streamed format writes for a report; None for a format that gathers."""
    fmt, lang, audit = view.format, view.lang, view.command == "audit"
    if fmt == "jsonl":
        return "" if view.quiet else json_line({"kind": "session", **lean_session(report)})
    if fmt == "csv":
        return csv_rows(finding_rows(report, lang))
    if fmt == "csv-sessions":
        return csv_rows([session_row(report)])
    if fmt == "text" and audit:
        return "" if view.quiet else render_audit_session(report.to_json(lean=True), lang)
    if fmt == "text" and view.quiet:        # check --quiet: the session's line
        return render_audit_session(report.to_json(lean=True), lang)
    return None


# JSON bytes: orjson, or json's own encoder for what orjson refuses (a lone surrogate, from a
# file name not in UTF-8; an integer beyond 64 bits). The first byte says which.
def _dumps(document: dict[str, Any]) -> bytes:
    try:
        return b"o" + orjson.dumps(document)
    except TypeError:
        return b"j" + json.dumps(document).encode("ascii")


def _loads(data: bytes) -> Any:
    return orjson.loads(data[1:]) if data[:1] == b"o" else json.loads(data[1:])
