"""Waivers: accepted deviations, read from a YAML file and applied to reports.

    waivers:
      - session: TP-00417-2026-03-10
        clause: S2.3
        rule: S2.3-rappel-jury-incomplet      # optional: only this rule's findings
        justification: "Jury briefed by phone the day before; minutes attached."
        accepted_by: "M. Lenoir, DDETS du Rhône"
        expires: "2026-12-31"                 # last day it applies (judged at the audit date)

A matching finding becomes *waived* (it no longer counts for the exit code) and shows the
justification; a waiver past its expiry no longer applies and the report says so; a waiver that
matches nothing is reported as unused.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from . import _time
from ._yaml import YamlError, YamlList, YamlMap, load_yaml
from .errors import InputError, Location, ProblemList, did_you_mean
from .model import Report, Status, Waiver, WaiverUse

REQUIRED = {"session", "clause", "justification", "accepted_by", "expires"}
OPTIONAL = {"rule"}


def load_waivers(path: str | Path) -> tuple[Waiver, ...]:
    """Read a waiver file; every problem names the file and line.

    Raises:
        ProblemList: of InputError.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the waiver file ({error})", location=Location(file)) from None
    try:
        doc = load_yaml(text)
    except YamlError as error:
        raise InputError(f"YAML: {error.message}", location=Location(file, error.line, error.column)) from None
    if not isinstance(doc, YamlMap) or set(doc) != {"waivers"} or not isinstance(doc["waivers"], YamlList):
        raise InputError("waiver file", location=Location(file, 1), expected="a mapping with one key 'waivers', a list")
    problems: list[InputError] = []
    out = []
    for node in doc["waivers"]:
        where = Location(file, getattr(node, "line", None))
        if not isinstance(node, YamlMap):
            problems.append(InputError("waiver", location=where, expected="a mapping"))
            continue
        bad = [k for k in node if k not in REQUIRED | OPTIONAL]
        missing = sorted(REQUIRED - set(node))
        if bad or missing:
            problems.append(InputError(f"unknown key '{bad[0]}'" if bad else f"missing key '{missing[0]}'",
                                       location=Location(file, node.line_of(bad[0]) if bad else node.line),
                                       hint=did_you_mean(str(bad[0]), REQUIRED | OPTIONAL) if bad else None))
            continue
        if not all(isinstance(node[k], str) and node[k].strip() for k in node):
            problems.append(InputError("waiver fields", location=where, expected="non-empty texts"))
            continue
        try:
            _time.parse_day(node["expires"])
        except _time.TimeFormatError as error:
            problems.append(InputError("'expires'", location=Location(file, node.line_of("expires")),
                                       expected=str(error).removeprefix("expected "), got=node["expires"]))
            continue
        out.append(Waiver(session=node["session"], clause=node["clause"], rule=node.get("rule"),
                          justification=node["justification"], accepted_by=node["accepted_by"],
                          expires=node["expires"], file=file, line=node.line))
    if problems:
        raise ProblemList(problems)
    return tuple(out)


def apply_waivers(report: Report, waivers: tuple[Waiver, ...], as_of: dt.datetime) -> Report:
    """The report with its findings waived where a waiver in force matches them."""
    mine = [w for w in waivers if w.session == report.session]
    if not mine:
        return report
    day = as_of.astimezone(_time.zone(report.time_zone)).date()
    uses: dict[Waiver, str] = {}
    findings = []
    for finding in report.findings:
        for waiver in mine:
            if waiver.clause != finding.clause or (waiver.rule and waiver.rule != finding.rule):
                continue
            if _time.parse_day(waiver.expires) < day:
                uses.setdefault(waiver, "expired")
                continue
            uses[waiver] = "applied"
            finding = attrs.evolve(finding, waived=waiver)
            break
        findings.append(finding)
    statuses = []
    for status in report.clauses:
        of_clause = [f for f in findings if f.clause == status.clause]
        if of_clause and all(f.waived for f in of_clause):
            status = attrs.evolve(status, status=Status.WAIVED)
        elif of_clause and status.status in (Status.VIOLATION, Status.WARNING, Status.PENDING):
            live = [f.severity.value for f in of_clause if not f.waived]
            status = attrs.evolve(status, status=Status(min(live, key=["violation", "warning", "pending"].index)))
        statuses.append(status)
    used = tuple(WaiverUse(waiver=w, outcome=uses.get(w, "unused")) for w in mine)
    return attrs.evolve(report, findings=tuple(findings), clauses=tuple(statuses), waivers=used)


def unused_waivers(waivers: tuple[Waiver, ...], sessions: set[str]) -> list[Waiver]:
    """Waivers naming a session that was not among the inputs."""
    return [w for w in waivers if w.session not in sessions]


__all__ = ["load_waivers", "apply_waivers", "unused_waivers"]
