"""Tables for spreadsheets and data tools: CSV, one row per finding or one row per session.

RFC 4180 CSV (comma, double quotes, CRLF), UTF-8, a header row. Every row names its session,
title, centre, site and first day, so per-centre statistics need nothing else. A cell that a
spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return: ids come from the records) is written with a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from ..model import Report, Severity

FINDING_COLUMNS = ("session", "title", "centre", "site", "first_day", "clause", "rule", "severity",
                   "message", "evidence", "waived", "source")
SESSION_COLUMNS = ("session", "title", "title_name", "kind", "centre", "site", "first_day", "events",
                   "violations", "warnings", "pending", "waived", "status", "source")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    # a lone surrogate (a file name not in UTF-8) is written as its escape, so the table encodes
    text = str(value).encode("utf-8", "backslashreplace").decode("utf-8")
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def finding_rows(report: Report, lang: str = "fr") -> list[tuple[object, ...]]:
    """The rows of one report's findings (in report order)."""
    info = report.info
    return [(report.session, info.title, info.centre, info.site, info.first_day, f.clause, f.rule,
             f.severity.value, getattr(f.message, lang), " ".join(e.event_id for e in f.evidence),
             "yes" if f.waived is not None else "no", report.source)
            for f in report.findings]


def session_row(report: Report) -> tuple[object, ...]:
    """One report as a row: its counts and its worst status (waived findings counted apart)."""
    live = [f for f in report.findings if f.waived is None]

    def count(severity: Severity) -> int:
        return sum(f.severity is severity for f in live)
    status = next((s.value for s in (Severity.VIOLATION, Severity.WARNING, Severity.PENDING) if count(s)),
                  "compliant")
    info = report.info
    return (report.session, info.title, info.title_name, info.kind, info.centre, info.site, info.first_day,
            report.events, count(Severity.VIOLATION), count(Severity.WARNING), count(Severity.PENDING),
            len(report.findings) - len(live), status, report.source)


def csv_header(columns: Sequence[str]) -> str:
    return _csv([columns])


def csv_rows(rows: Iterable[Sequence[object]]) -> str:
    return _csv(rows)


def render_csv(reports: Sequence[Report], lang: str = "fr") -> str:
    """One row per finding of every report."""
    return _csv([FINDING_COLUMNS, *(row for r in reports for row in finding_rows(r, lang))])


def render_sessions_csv(reports: Sequence[Report], lang: str = "fr") -> str:
    """One row per report."""
    return _csv([SESSION_COLUMNS, *(session_row(r) for r in reports)])
