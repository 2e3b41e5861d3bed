"""Plain-text report for a terminal: the clause checklist, then each finding with its evidence.

Every text that comes from records, rules or waivers goes through ``printable``: an id or a file
name holding ESC, CR, a newline or a bidirectional override shows it escaped (``\\x1b``) and
cannot move the cursor, recolour the terminal or forge a line of the report.
"""
from __future__ import annotations

from typing import Sequence

from ..errors import printable as _t
from ..model import Report
from ._labels import (LABELS, colon, identification, outcome_word, severity_word, source_citation, status_word, summary,
                      waiver_sentence)
from ._versions import clause_notes
from ._wording import Wording


# ANSI colours, used only when the caller says the output is a terminal
_COLOUR = {"violation": "\033[1;31m", "warning": "\033[33m", "pending": "\033[36m",
           "compliant": "\033[32m", "not_applicable": "\033[2m", "waived": "\033[2m"}
_RESET = "\033[0m"


def _paint(text: str, key: str, colour: bool) -> str:
    return f"{_COLOUR[key]}{text}{_RESET}" if colour else text


def render_text(reports: Sequence[Report], lang: str = "fr", colour: bool = False) -> str:
    return "\n".join(_one(r, lang, colour) for r in reports)


def _one(report: Report, lang: str, colour: bool = False) -> str:
    L = LABELS[lang]
    words = Wording(report, lang)
    out = [
        f"{L['session']} {_t(report.session)} — {_t(report.source)}",
        f"{L['as_of']} : {_t(report.as_of)} · {report.events} {L['events']} · "
        f"{L['tool']} compliance {report.tool_version} · {L['rulebook']} {_t(report.rulebook)}"
        if lang == "fr" else
        f"{L['as_of']}: {_t(report.as_of)} · {report.events} {L['events']} · "
        f"{L['tool']} compliance {report.tool_version} · {L['rulebook']} {_t(report.rulebook)}",
        "",
        *(f"  {label}{colon(lang)}{_t(value)}" for label, value in identification(report, lang)),
        "",
        f"{L['clauses']}",
    ]
    width = max((len(_t(c.clause)) for c in report.clauses), default=4)
    for c in report.clauses:
        status = status_word(c.status, lang)
        status = _paint(f"{status:<14}", c.status.value, colour) if colour else status
        count = f" ({c.findings})" if c.findings else ""
        out.append(f"  {_t(c.clause):<{width}}  {status:<14} {_t(c.title.get(lang))}{count}")
        out += [f"  {'':<{width}}  {'':<14} {_t(note)}" for note in clause_notes(c, lang)]
    out += ["", f"{L['findings']}"]
    if not report.findings:
        out.append(f"  {L['none']}")
    for f in report.findings:
        tag = _paint(f"[{severity_word(f.severity, lang)}]", f.severity.value, colour)
        out.append(f"  {tag} {_t(f.clause)} {_t(f.title.get(lang))}  ({L['rule']} {_t(f.rule)})")
        out.append(f"    {_t(f.message.get(lang))}")
        if f.source is not None:
            out.append(f"    {L['source']}{colon(lang)}{_t(source_citation(f.source))}")
        if f.waived:
            out.append(f"    {_t(waiver_sentence(f.waived, lang))}")
        if f.values:
            out.append(f"    {L['values']}{colon(lang)}" + ", ".join(f"{_t(k)} = {_t(v)}" for k, v in words.values(f.values)))
        for e in f.evidence:
            out.append(_t(f"    - {words.evidence_line(e)}"))
    for use in report.waivers:
        w = use.waiver
        out.append(("  Dérogation {c} ({f}:{l}) : {o}" if lang == "fr" else "  Waiver {c} ({f}:{l}): {o}")
                   .format(c=_t(w.clause), f=_t(str(w.file)), l=w.line, o=outcome_word(use.outcome, lang)))
    out += ["", summary(report.findings, lang), ""]
    return "\n".join(out)
