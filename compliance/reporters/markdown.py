"""Markdown report (CommonMark + GitHub tables): a header, the checklist of every clause with its
status, then each finding with its message, values and evidence (time, event, who, file:line).

Text coming from records (names, messages, paths) is escaped, so that it cannot open a link,
a heading or a table cell by accident. Everything follows the order of the report (the
catalogue's clause order, findings as the checker sorted them): same reports, same bytes.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..errors import printable
from ..model import Evidence, Finding, Report, Status
from ._labels import (ATTESTATION, LABELS, MARK, colon, identification, norm_lang, outcome_word, section_of, section_title,
                      severity_word, source_citation, status_word, summary, waiver_sentence)
from ._versions import clause_notes
from ._wording import Wording

_SPECIAL = re.compile(r"([\\`*_\[\]<>|&#~])")
_BLOCK_START = re.compile(r"^(\s*)([-+*>=]|\d+[.)])")


def _inline(text: str) -> str:
    """Text in running Markdown (and table cells): punctuation escaped, one line, control
    characters and bidirectional overrides shown escaped (``\\x1b``)."""
    return _SPECIAL.sub(r"\\\1", " ".join(printable(str(text)).split()))


def _para(text: str) -> str:
    """A paragraph of its own: also keep it from reading as a list item or a quote."""
    return _BLOCK_START.sub(r"\1\\\2", _inline(text))


def _code(text: str) -> str:
    """A code span that holds any text, backticks included."""
    text = " ".join(printable(str(text)).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(reports: Sequence[Report], lang: str = "fr") -> str:
    lang = norm_lang(lang)
    return "\n---\n\n".join(_one(r, lang) for r in reports)


def _one(report: Report, lang: str) -> str:
    L, c = LABELS[lang], colon(lang)
    out = [f"# {L['session']} {_inline(report.session)}", "",
           *(f"- **{_inline(label)}**{c}{_inline(value)}" for label, value in identification(report, lang)),
           f"- **{L['source']}**{c}{_code(report.source)}",
           f"- **{L['as_of']}**{c}{_inline(report.as_of)}",
           f"- **{L['time_zone']}**{c}{_inline(report.time_zone)}",
           f"- **{L['events_count']}**{c}{report.events}",
           f"- **{L['tool']}**{c}compliance {_inline(report.tool_version)}",
           f"- **{L['rulebook']}**{c}{_code(report.rulebook)}",
           "", f"**{L['summary_label']}{c}{_inline(summary(report.findings, lang))}**", "",
           f"## {L['checklist']}", "",
           f"| | {L['clause']} | {L['status']} | {L['clause_title']} | {L['count']} |",
           "|:-:|---|---|---|--:|"]
    for clause in report.clauses:
        status = clause.status.value
        notes = "".join(f"<br>*{_inline(note)}*" for note in clause_notes(clause, lang))
        out.append(f"| {MARK[status]} | {_inline(clause.clause)} | {_inline(status_word(clause.status, lang))} | "
                   f"{_inline(clause.title.get(lang))}{notes} | {clause.findings or ''} |")
    legend = " · ".join(f"{MARK[s]} {status_word(Status(s), lang)}" for s in MARK)
    out += ["", f"*{L['legend']}{c}{_inline(legend)}*", "", f"## {L['findings']}", ""]
    if not report.findings:
        out += [_para(L["none"]), ""]
    for number, finding in enumerate(report.findings, start=1):
        out += _finding(number, finding, report, lang)
    if report.waivers:
        out += [f"## {L['waivers']}", ""]
        for use in report.waivers:
            w = use.waiver
            where = f" ({_code(f'{w.file}:{w.line}' if w.line is not None else w.file)})" if w.file else ""
            out.append(f"- {_inline(w.clause)}" + (f" {_code(w.rule)}" if w.rule else "")
                       + f"{c}**{_inline(outcome_word(use.outcome, lang))}** — "
                       + _inline(waiver_sentence(w, lang))
                       + where)
        out.append("")
    return "\n".join(out + _attestation(report, lang))


def _attestation(report: Report, lang: str) -> list[str]:
    """The block a person signs, as the HTML report has it: what was checked, then lines to
    fill in by hand (a table of two columns, the second left blank)."""
    A, c = ATTESTATION[lang], colon(lang)
    made = A["made"].format(source=report.source or "—", as_of=report.as_of, tool=report.tool_version,
                            rules=report.rulebook)
    return [f"## {A['title']}", "", _para(made), "",
            f"- **{A['record']}**{c}{_code(report.info.record_sha256 or '—')}",
            f"- **{A['rules']}**{c}{_code(report.rulebook)}", "",
            "| | |", "|---|---|",
            *(f"| {field} | <br><br> |" for field in (A["observations"], *A["fields"])), ""]


def _finding(number: int, f: Finding, report: Report, lang: str) -> list[str]:
    L, c = LABELS[lang], colon(lang)
    words = Wording(report, lang)
    severity = f.severity.value
    mark = MARK["waived"] if f.waived else MARK[severity]
    head = f"### {number}. {mark} {severity_word(f.severity, lang)} · {_inline(f.clause)} · {_inline(f.title.get(lang))}"
    if f.waived:
        head += f" ({status_word(Status.WAIVED, lang)})"
    out = [head, "", _para(f.message.get(lang)), "",
           f"- **{L['rule_label']}**{c}{_code(f.rule)}",
           f"- **{L['section']}**{c}{_inline(section_of(f.clause))} ({_inline(section_title(report, f.clause, lang))})"]
    if f.source is not None:
        out.append(f"- **{L['source']}**{c}{_inline(source_citation(f.source))}")
    if f.values:
        out.append(f"- **{L['values']}**{c}" + ", ".join(f"{_inline(k)} = {_inline(v)}" for k, v in words.values(f.values)))
    if f.waived:
        out.append(f"- {MARK['waived']} **" + _inline(waiver_sentence(f.waived, lang)) + "**")
    out.append("")
    if f.evidence:
        out += [f"**{L['evidence']}**", "",
                f"| {L['time']} | {L['event']} | {L['who']} | {L['details']} | {L['where']} |",
                "|---|---|---|---|---|"]
        out += [_evidence_row(e, words) for e in f.evidence]
        out.append("")
    return out


def _evidence_row(e: Evidence, words: Wording) -> str:
    who, rest = words.who_and_details(e)
    return (f"| {_inline(words.moment(e.at))} | {_inline(words.event(e.type))} | {_inline(who)} | {_inline(rest)} | "
            f"{_code(e.where()).replace('|', chr(92) + '|')} |")
