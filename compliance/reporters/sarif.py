"""SARIF 2.1.0 for code-scanning dashboards: each clause a rule, each finding a result.

* One run; ``tool.driver`` is ``compliance`` at the reports' tool version, and its ``rules`` are
  every clause of the catalogue (as the reports list them), with the clause title as short
  description (French, or English with ``lang="en"``), a full description, a help text in both
  languages and the clause's section in ``properties``.
* One result per finding, in report order: ``ruleId`` is the clause id, ``level`` is ``error``
  (violation), ``warning`` (warning) or ``note`` (pending); the message is the finding's; the
  locations are the files and lines of the events it cites (the session's file when an event
  has no location). ``partialFingerprints`` and ``properties`` carry the rule id and session id;
  a waived finding keeps its level and carries an accepted external ``suppression``.
* Inputs that could not be used (an audit's problems), when given, are the notifications of one
  invocation whose ``executionSuccessful`` is false, each at its file and line.
* No time of "now" anywhere; keys sorted: the same reports give the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Sequence
from urllib.parse import quote

from ..model import Evidence, Finding, Report, Text
from .. import _time
from ._labels import (moment, section_name as _section_name, norm_lang, section_of, source_citation, summary, uri_bytes,
                      utf8_json, waiver_sentence, who_and_details)

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"violation": "error", "warning": "warning", "pending": "note"}
FINGERPRINT = "complianceFinding/v1"


def render_sarif(reports: Sequence[Report], lang: str = "fr",
                 problems: Sequence[tuple[str, int | None, str]] = ()) -> str:
    """``problems``: (file, line, one-line message) of each input that could not be used; an
    audit gives them as the run's invocation notifications (``executionSuccessful`` false)."""
    lang = norm_lang(lang)
    titles: dict[str, Text] = {}
    for report in reports:                  # reports of one rule base agree; the first one wins
        for section, title in report.sections:
            titles.setdefault(section, title)
    sections = tuple(titles.items())
    rules: dict[str, dict[str, Any]] = {}
    for report in reports:
        for clause in report.clauses:
            if clause.clause not in rules:
                rules[clause.clause] = _rule(clause.clause, clause.title.fr, clause.title.en, sections, lang)
    results = []
    for report in reports:
        for finding in report.findings:
            if finding.clause not in rules:     # a finding of a clause the report does not list
                rules[finding.clause] = _rule(finding.clause, finding.title.fr, finding.title.en, sections, lang)
            results.append(_result(report, finding, list(rules).index(finding.clause), lang))
            _cite(rules[finding.clause], finding, lang)
    driver: dict[str, Any] = {"name": "compliance", "rules": list(rules.values())}
    if reports:
        driver["version"] = reports[0].tool_version
        driver["semanticVersion"] = reports[0].tool_version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "language": "fr-FR" if lang == "fr" else "en-US",
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"reports": [{
            "session": r.session, "source": r.source, "asOf": r.as_of, "timeZone": r.time_zone,
            "toolVersion": r.tool_version, "rulebook": r.rulebook, "events": r.events,
            "summary": summary(r.findings, lang)} for r in reports]},
    }
    if problems:
        run["invocations"] = [{"executionSuccessful": False, "toolExecutionNotifications": [
            _notification(file, line, message) for file, line, message in problems]}]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return utf8_json(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)) + "\n"


def _notification(file: str, line: int | None, message: str) -> dict[str, Any]:
    notification: dict[str, Any] = {"level": "error", "message": {"text": message}}
    if file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
        if line is not None and line > 0:
            physical["region"] = {"startLine": line}
        notification["locations"] = [{"physicalLocation": physical}]
    return notification


def _rule(clause: str, fr: str, en: str, sections: Sequence[tuple[str, Text]], lang: str) -> dict[str, Any]:
    section = section_of(clause)
    title = fr if lang == "fr" else en
    section_name = _section_name(sections, section, lang)
    if lang == "fr":
        full = f"Clause {clause} du catalogue, section {section} ({section_name}) : {title}"
        help_text = (f"{title}.\nClause {clause}, section {section} ({section_name}) du catalogue des "
                     f"obligations d'une session de Titre Professionnel (rules/clauses.yaml).\nEn anglais : {en}.")
        help_md = (f"**{title}**\n\nClause `{clause}`, section `{section}` ({section_name}) du catalogue "
                   f"(`rules/clauses.yaml`).\n\n*En anglais :* {en}")
    else:
        full = f"Catalogue clause {clause}, section {section} ({section_name}): {title}"
        help_text = (f"{title}.\nClause {clause}, section {section} ({section_name}) of the catalogue of "
                     f"the obligations of a Titre Professionnel session (rules/clauses.yaml).\nIn French: {fr}.")
        help_md = (f"**{title}**\n\nClause `{clause}`, section `{section}` ({section_name}) of the catalogue "
                   f"(`rules/clauses.yaml`).\n\n*In French:* {fr}")
    return {
        "id": clause,
        "name": "clause-" + clause.replace(".", "-"),
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_md},
        "properties": {"section": section, "sectionTitle": section_name, "title": {"fr": fr, "en": en},
                       "tags": ["compliance", section]},
    }


def _cite(rule: dict[str, Any], f: Finding, lang: str) -> None:
    """The clause's help names the sources of its findings' rules; the first link is its helpUri."""
    if f.source is None:
        return
    citation = source_citation(f.source)
    cited = rule.setdefault("properties", {}).setdefault("sources", [])
    if citation in cited:
        return
    cited.append(citation)
    word = "Source"                 # the same word in both languages
    rule["help"]["text"] += f"\n{word}{' : ' if lang == 'fr' else ': '}{citation}"
    rule["help"]["markdown"] += f"\n\n*{word}{' :' if lang == 'fr' else ':'}* {citation}"
    if f.source.url.startswith(("https://", "http://")) and "helpUri" not in rule:
        rule["helpUri"] = f.source.url


def _uri(path: str) -> str:
    """A file name as a URI reference: absolute paths as file: URIs, relative ones percent-encoded."""
    if PurePosixPath(path).is_absolute():
        return PurePosixPath(path).as_uri()
    if PureWindowsPath(path).is_absolute():
        return PureWindowsPath(path).as_uri()
    return quote(uri_bytes(path.replace("\\", "/")), safe="/")


def _location(e: Evidence, source: str) -> dict[str, Any] | None:
    file = e.file or source
    if not file:
        return None
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    if e.file and e.line is not None and e.line > 0:
        physical["region"] = {"startLine": e.line}
    who, rest = who_and_details(e.details)
    text = " ".join(part for part in (moment(e.at), e.type, f"({', '.join(p for p in (who, rest) if p)})"
                                      if who or rest else "") if part)
    return {"physicalLocation": physical, "message": {"text": text}}


def _result(report: Report, f: Finding, rule_index: int, lang: str) -> dict[str, Any]:
    locations = []
    seen = set()
    for e in f.evidence:
        loc = _location(e, report.source)
        if loc is None:
            continue
        key = json.dumps(loc["physicalLocation"], sort_keys=True)
        if key not in seen:
            seen.add(key)
            locations.append(loc)
    if not locations and report.source:
        locations.append({"physicalLocation": {"artifactLocation": {"uri": _uri(report.source)}}})
    events = [e.event_id for e in f.evidence]
    # stable when lines move or wording changes: the session, the rule and what the cited events are
    cited = [f"{e.type}@{moment(e.at)}:" + ",".join(f"{k}={v}" for k, v in e.details) for e in f.evidence]
    cited += [f"{k}={v}" for k, v in f.values] + ([] if f.evidence else [f.message.fr])
    digest = hashlib.sha256("\x1f".join([f.session, f.clause, f.rule, *cited]).encode("utf-8"))
    result: dict[str, Any] = {
        "ruleId": f.clause,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": LEVEL[f.severity.value],
        "message": {"text": f.message.get(lang)},
        "locations": locations,
        "partialFingerprints": {FINGERPRINT: digest.hexdigest()[:32],
                                "rule": f.rule, "session": f.session},
        "properties": {"rule": f.rule, "session": f.session, "clause": f.clause, "severity": f.severity.value,
                       "title": f.title.get(lang), "values": {k: v for k, v in f.values}, "events": events,
                       "source": report.source,
                       "legalSource": {"text": f.source.text, "article": f.source.article, "url": f.source.url,
                                       "quote": f.source.quote} if f.source is not None else None},
    }
    if f.waived:
        w = f.waived
        result["suppressions"] = [{
            "kind": "external", "status": "accepted",
            "justification": waiver_sentence(w, lang),
            "properties": {"acceptedBy": w.accepted_by, "expires": _time.render_date(w.expires), "rule": w.rule,
                           "file": w.file, "line": w.line}}]
    return result


__all__ = ["render_sarif", "LEVEL", "SCHEMA"]
