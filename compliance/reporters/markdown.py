"""Markdown report: the clause checklist, then each finding with its evidence."""
from __future__ import annotations

from typing import Sequence

from ..model import Report, Severity
from ._labels import LABELS, SEVERITY, STATUS

_MARK = {"compliant": "✓", "violation": "✗", "warning": "!", "pending": "…", "not_applicable": "–",
         "waived": "≈"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(reports: Sequence[Report], lang: str = "fr") -> str:
    return "\n".join(_one(r, lang) for r in reports)


def _one(report: Report, lang: str) -> str:
    L = LABELS[lang]
    out = [f"# {L['session']} {report.session}", "",
           f"- {L['source']} : `{report.source}`" if lang == "fr" else f"- {L['source']}: `{report.source}`",
           f"- {L['as_of']} : {report.as_of}" if lang == "fr" else f"- {L['as_of']}: {report.as_of}",
           f"- {L['tool']} : compliance {report.tool_version} · {L['rulebook']} `{report.rulebook}`"
           if lang == "fr" else f"- {L['tool']}: compliance {report.tool_version} · {L['rulebook']} `{report.rulebook}`",
           "", f"## {L['clauses']}", "", "| | clause | " + ("statut" if lang == "fr" else "status") + " | |",
           "|---|---|---|---|"]
    for c in report.clauses:
        count = f" ({c.findings})" if c.findings else ""
        out.append(f"| {_MARK[c.status.value]} | {c.clause} | {STATUS[lang][c.status.value]}{count} | "
                   f"{_cell(c.title.get(lang))} |")
    out += ["", f"## {L['findings']}", ""]
    if not report.findings:
        out.append(L["none"])
    for f in report.findings:
        out.append(f"### {SEVERITY[lang][f.severity.value]} · {f.clause} · {_cell(f.title.get(lang))}")
        out += ["", f.message.get(lang), "", f"*{L['rule']} `{f.rule}`*", ""]
        if f.waived:
            out += [f"> {f.waived.accepted_by} ({f.waived.expires}) : {f.waived.justification}", ""]
        if f.values:
            out += [f"{L['values']} : " + ", ".join(f"{k} = {v}" for k, v in f.values), ""]
        for e in f.evidence:
            who = ", ".join(f"{k}={v}" for k, v in e.details if v)
            out.append(f"- {e.at} — `{e.type}`" + (f" ({_cell(who)})" if who else "") + f" — `{e.where()}`")
        out.append("")
    counts = {s: sum(1 for f in report.findings if f.severity is s and not f.waived) for s in Severity}
    out += [L["summary"].format(v=counts[Severity.VIOLATION], w=counts[Severity.WARNING],
                                p=counts[Severity.PENDING]), ""]
    return "\n".join(out)
