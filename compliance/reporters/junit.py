"""JUnit XML for CI dashboards: a ``<testsuite>`` per session, a ``<testcase>`` per clause.

How clause statuses map to JUnit (the choice, documented):

* compliant → a passing test case;
* violation → ``<failure type="violation">``;
* warning → ``<failure type="warning">`` too: a dashboard shows it as a failed test, so it is
  seen; whether it breaks the build is the exit code's business (``check`` fails on
  violations only). Tools that want warnings apart can filter on the ``type`` attribute;
* pending (deadline not yet due), not applicable and waived → ``<skipped message="…">``, the
  message naming the status (with the pending deadline or the waiver's justification).

An audit's inputs that could not be used make a last suite, ``problems``: one test case each, in
``<error type="problem">`` (``errors`` counts them).

Each failure's ``message`` is the first finding's message; its text lists every finding of the
clause with its evidence (time, event, file:line). ``tests``, ``failures``, ``errors`` (always 0)
and ``skipped`` are counted per suite and in total. The XML is written by ElementTree (escaping
done there), UTF-8, with characters XML 1.0 forbids replaced; no time of "now": ``time="0"``.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Sequence

from ..model import Finding, Report
from ._labels import (LABELS, colon, norm_lang, section_name, section_of, severity_word,
                      source_citation, status_word, summary, waiver_sentence, xml_text as _x)
from ._wording import Wording

_SKIPPED = ("pending", "not_applicable", "waived")


def render_junit(reports: Sequence[Report], lang: str = "fr",
                 problems: Sequence[tuple[str, int | None, str]] = ()) -> str:
    """``problems``: (file, line, one-line message) of each input that could not be used; they
    make a last suite, ``problems``, of one test case in error each."""
    lang = norm_lang(lang)
    root = ET.Element("testsuites", name="compliance")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for report in reports:
        counts = _suite(root, report, lang)
        for key in totals:
            totals[key] += counts[key]
    if problems:
        _problem_suite(root, problems)
    root.set("tests", str(totals["tests"] + len(problems)))
    root.set("failures", str(totals["failures"]))
    root.set("errors", str(len(problems)))
    root.set("skipped", str(totals["skipped"]))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _problem_suite(root: ET.Element, problems: Sequence[tuple[str, int | None, str]]) -> None:
    suite = ET.SubElement(root, "testsuite", name="problems", tests=str(len(problems)), failures="0",
                          errors=str(len(problems)), skipped="0", time="0")
    for file, line, message in problems:
        name = f"{file}:{line}" if file and line else (file or "-")
        case = ET.SubElement(suite, "testcase", classname="problems", name=_x(name), time="0")
        ET.SubElement(case, "error", type="problem", message=_x(message))


def _suite(root: ET.Element, report: Report, lang: str) -> dict[str, int]:
    suite = ET.SubElement(root, "testsuite", name=_x(report.session))
    props = ET.SubElement(suite, "properties")
    for name, value in (("source", report.source), ("as_of", report.as_of), ("time_zone", report.time_zone),
                        ("tool_version", report.tool_version), ("rulebook", report.rulebook),
                        ("events", report.events), ("summary", summary(report.findings, lang))):
        ET.SubElement(props, "property", name=name, value=_x(value))
    failures = skipped = 0
    for clause in report.clauses:
        status = clause.status.value
        case = ET.SubElement(suite, "testcase", classname=_x(section_of(clause.clause)),
                             name=_x(f"{clause.clause} {clause.title.get(lang)}"), time="0")
        words = Wording(report, lang)
        mine = [f for f in report.findings if f.clause == clause.clause]
        live = [f for f in mine if f.waived is None]
        if status in ("violation", "warning"):
            failures += 1
            failure = ET.SubElement(case, "failure", type=status,
                                    message=_x(live[0].message.get(lang) if live else status_word(clause.status, lang)))
            failure.text = _x("\n".join(_describe(f, words) for f in live) or status_word(clause.status, lang))
        elif status in _SKIPPED:
            skipped += 1
            reason = status_word(clause.status, lang)
            if status == "pending" and live:
                reason += colon(lang) + live[0].message.get(lang)
            elif status == "waived" and mine and mine[0].waived:
                reason += colon(lang) + waiver_sentence(mine[0].waived, lang)
            ET.SubElement(case, "skipped", message=_x(reason))
        waived = [f for f in mine if f.waived is not None]
        notes = [_describe(f, words) for f in (live if status in _SKIPPED else [])] + \
                [_describe(f, words) for f in waived]
        if notes:
            ET.SubElement(case, "system-out").text = _x("\n".join(notes))
    for section in dict.fromkeys(section_of(c.clause) for c in report.clauses):   # catalogue order
        ET.SubElement(props, "property", name=f"section.{section}", value=_x(section_name(report.sections, section, lang)))
    suite.set("tests", str(len(report.clauses)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    return {"tests": len(report.clauses), "failures": failures, "skipped": skipped}


def _describe(f: Finding, words: Wording) -> str:
    lang = words.lang
    L, c = LABELS[lang], colon(lang)
    lines = [f"[{severity_word(f.severity, lang)}] {f.clause} {f.title.get(lang)} ({L['rule']} {f.rule})",
             f"  {f.message.get(lang)}"]
    if f.source is not None:
        lines.append(f"  {L['source']}{c}{source_citation(f.source)}")
    if f.waived:
        lines.append("  " + waiver_sentence(f.waived, lang))
    if f.values:
        lines.append(f"  {L['values']}{c}" + ", ".join(f"{k} = {v}" for k, v in words.values(f.values)))
    for e in f.evidence:
        lines.append(f"  - {words.evidence_line(e)}")
    return "\n".join(lines)
