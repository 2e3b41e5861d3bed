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
matches nothing is reported as unused. A waiver naming a clause that is not in the catalogue, a
rule that is not in the rule base or not of that clause, or repeating another (same session,
clause and rule) is an error of the file, with its line.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from . import _time
from ._yaml import YamlError, YamlList, YamlMap, load_yaml
from .errors import ComplianceError, InputError, Location, ProblemList, did_you_mean
from .model import Report, Waiver, WaiverUse, judge_clause
from .rulebook import Rulebook, printable

REQUIRED = {"session", "clause", "justification", "accepted_by", "expires"}
OPTIONAL = {"rule"}


def load_waivers(path: str | Path, rulebook: Rulebook | None = None) -> tuple[Waiver, ...]:
    """Read a waiver file; every problem names the file and line.

    Args:
        path: the waiver file.
        rulebook: the rule base whose clauses and rules waivers may name (default: the shipped
            one); pass the one the audit checks with.
    Raises:
        InputError: the file cannot be read or is not a mapping with a 'waivers' list.
        ProblemList: of InputError, one per bad waiver.
    """
    file = str(path)
    from .readers import read_bytes     # never blocks on a FIFO; says why a file cannot be read
    data = read_bytes(path, "the waiver file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte 0x{data[error.start]:02x})", location=Location(file, line),
                         expected="a UTF-8 encoded waiver file") from None
    try:
        doc = load_yaml(text)
    except YamlError as error:
        raise InputError(f"YAML: {error.message}", location=Location(file, error.line, error.column)) from None
    if not isinstance(doc, YamlMap) or set(doc) != {"waivers"} or not isinstance(doc["waivers"], YamlList):
        raise InputError("waiver file", location=Location(file, getattr(doc, "line", 1)),
                         expected="a mapping with one key 'waivers', a list")
    if rulebook is None:
        from .checker import default_rulebook   # deferred: the checker loads the engine
        rulebook = default_rulebook()
    problems: list[ComplianceError] = []
    out = []
    first_line: dict[tuple[str, str, str | None], int] = {}
    for line, node in zip(doc["waivers"].item_lines, doc["waivers"]):
        where = Location(file, line)
        if not isinstance(node, YamlMap):
            problems.append(InputError("waiver", location=where, expected="a mapping", got=node))
            continue
        bad = [k for k in node if k not in REQUIRED | OPTIONAL]
        missing = sorted(REQUIRED - set(node))
        if bad or missing:
            problems.append(InputError(f"unknown key '{printable(bad[0])}'" if bad else f"missing key '{missing[0]}'",
                                       location=Location(file, node.line_of(bad[0]) if bad else node.line),
                                       hint=did_you_mean(str(bad[0]), REQUIRED | OPTIONAL) if bad else None))
            continue
        blank = [k for k in node if not (isinstance(node[k], str) and node[k].strip())]
        if blank:
            problems.append(InputError(f"'{blank[0]}'", location=Location(file, node.line_of(blank[0])),
                                       expected="a non-empty text", got=node[blank[0]]))
            continue
        try:
            expires = _time.parse_day(node["expires"])
        except _time.TimeFormatError as error:
            problems.append(InputError("'expires'", location=Location(file, node.line_of("expires")),
                                       expected=str(error).removeprefix("expected "), got=node["expires"]))
            continue
        problem = _unknown_target(file, node, rulebook)
        if problem is not None:
            problems.append(problem)
            continue
        key = (node["session"], node["clause"], node.get("rule"))
        if key in first_line:
            problems.append(InputError("duplicate waiver (same session, clause and rule)",
                                       location=Location(file, node.line),
                                       hint=f"first at line {first_line[key]}"))
            continue
        first_line[key] = node.line
        out.append(Waiver(session=node["session"], clause=node["clause"], rule=node.get("rule"),
                          justification=node["justification"], accepted_by=node["accepted_by"],
                          expires=expires, file=file, line=node.line))
    if problems:
        raise ProblemList(problems)
    return tuple(out)


def _unknown_target(file: str, node: YamlMap, rulebook: Rulebook) -> InputError | None:
    """A problem when the waiver's clause or rule is not one the rule base knows."""
    clause = node["clause"]
    clauses = [c.id for c in rulebook.clauses]
    if clause not in clauses:
        return InputError(f"unknown clause '{printable(clause)}'", location=Location(file, node.line_of("clause")),
                          expected="a clause id of the catalogue",
                          hint=did_you_mean(clause, clauses))
    rule_id = node.get("rule")
    if rule_id is None:
        return None
    checks = {r.id: r for r in rulebook.checks}
    if rule_id not in checks and any(r.id == rule_id for r in rulebook.rules):
        return InputError(f"rule '{printable(rule_id)}' derives facts and checks no clause",
                          location=Location(file, node.line_of("rule")),
                          expected=f"a rule of clause {clause}")
    if rule_id not in checks:
        return InputError(f"unknown rule '{printable(rule_id)}'", location=Location(file, node.line_of("rule")),
                          expected=f"a rule of clause {clause}",
                          hint=did_you_mean(rule_id, checks))
    if checks[rule_id].clause != clause:
        return InputError(f"rule '{rule_id}' checks clause {checks[rule_id].clause}, not {clause}",
                          location=Location(file, node.line_of("rule")),
                          expected=f"a rule of clause {clause}")
    return None


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
            if waiver.expires < day:
                uses.setdefault(waiver, "expired")
                continue
            uses[waiver] = "applied"
            finding = attrs.evolve(finding, waived=waiver)
            break
        findings.append(finding)
    statuses = []
    for status in report.clauses:
        of_clause = [f for f in findings if f.clause == status.clause]
        statuses.append(attrs.evolve(status, status=judge_clause(of_clause, status.status)))
    used = tuple(WaiverUse(waiver=w, outcome=uses.get(w, "unused")) for w in mine)
    return attrs.evolve(report, findings=tuple(findings), clauses=tuple(statuses), waivers=used)


def unused_waivers(waivers: tuple[Waiver, ...], sessions: set[str]) -> list[Waiver]:
    """Waivers naming a session that was not among the inputs."""
    return [w for w in waivers if w.session not in sessions]


__all__ = ["load_waivers", "apply_waivers", "unused_waivers"]
