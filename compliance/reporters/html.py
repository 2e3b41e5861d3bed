"""One self-contained, printable HTML file: checklist, findings, and the session as a timeline.

No external asset (inline CSS, no script, no font download); statuses carry a word and a
symbol, not only a colour, so the page reads in black and white on A4.
"""
from __future__ import annotations

from html import escape
from typing import Sequence

from ..model import Report, Severity
from ._labels import LABELS, SEVERITY, STATUS

_MARK = {"compliant": "✓", "violation": "✗", "warning": "!", "pending": "…", "not_applicable": "–",
         "waived": "≈"}
_CSS = """
@page { size: A4; margin: 15mm 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 14pt; }
h3 { font-size: 11pt; margin: 8pt 0 2pt; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #bbb; padding: 2pt 4pt; vertical-align: top; text-align: left; }
.meta { color: #333; margin: 0; }
.violation { background: #fde2e1; font-weight: bold; } .warning { background: #fff1cc; }
.pending { background: #e6f0ff; } .waived { background: #eee; font-style: italic; }
.finding { font-weight: normal; border: 1px solid #999; padding: 4pt 6pt; margin: 6pt 0; page-break-inside: avoid; break-inside: avoid; }
.timeline td.time { white-space: nowrap; width: 30mm; } .timeline tr.cited td { font-weight: bold; }
.tag { display: inline-block; border: 1px solid #555; border-radius: 3pt; padding: 0 3pt; margin-left: 3pt; font-size: 8.5pt; }
section.session { page-break-after: always; } section.session:last-child { page-break-after: auto; }
"""


def render_html(reports: Sequence[Report], lang: str = "fr") -> str:
    title = "Rapport de conformité" if lang == "fr" else "Compliance report"
    body = "\n".join(_session(r, lang) for r in reports)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _session(report: Report, lang: str) -> str:
    L = LABELS[lang]
    sep = " : " if lang == "fr" else ": "
    out = ['<section class="session">', f"<h1>{escape(L['session'])} {escape(report.session)}</h1>",
           f'<p class="meta">{escape(L["source"])}{sep}{escape(report.source)}<br>'
           f'{escape(L["as_of"])}{sep}{escape(report.as_of)} · {report.events} {escape(L["events"])}<br>'
           f'{escape(L["tool"])} compliance {escape(report.tool_version)} · {escape(L["rulebook"])} '
           f'<code>{escape(report.rulebook)}</code></p>']
    counts = {s: sum(1 for f in report.findings if f.severity is s and not f.waived) for s in Severity}
    out.append(f"<p><strong>{escape(L['summary'].format(v=counts[Severity.VIOLATION], w=counts[Severity.WARNING], p=counts[Severity.PENDING]))}</strong></p>")
    out += [f"<h2>{escape(L['clauses'])}</h2>", "<table>"]
    for c in report.clauses:
        status = c.status.value
        count = f" ({c.findings})" if c.findings else ""
        out.append(f'<tr class="{status}"><td>{_MARK[status]}</td><td>{escape(c.clause)}</td>'
                   f"<td>{escape(STATUS[lang][status])}{count}</td><td>{escape(c.title.get(lang))}</td></tr>")
    out += ["</table>", f"<h2>{escape(L['findings'])}</h2>"]
    if not report.findings:
        out.append(f"<p>{escape(L['none'])}</p>")
    for i, f in enumerate(report.findings, start=1):
        kind = "waived" if f.waived else f.severity.value
        out.append(f'<div class="finding {kind}" id="f{i}"><h3>[{escape(SEVERITY[lang][f.severity.value])}] '
                   f"{escape(f.clause)} — {escape(f.title.get(lang))}</h3>")
        out.append(f"<p>{escape(f.message.get(lang))}</p><p><small>{escape(L['rule'])} <code>{escape(f.rule)}</code></small></p>")
        if f.waived:
            w = f.waived
            out.append(f"<p><em>{escape(w.accepted_by)} ({escape(w.expires)}){sep}{escape(w.justification)}</em></p>")
        if f.values:
            out.append("<p>" + escape(L["values"]) + sep + ", ".join(f"{escape(k)} = {escape(v)}" for k, v in f.values) + "</p>")
        if f.evidence:
            out.append("<ul>" + "".join(
                f"<li>{escape(e.at)} — <code>{escape(e.type)}</code>"
                + (f" ({escape(', '.join(f'{k}={v}' for k, v in e.details if v))})" if e.details else "")
                + f" — {escape(e.where())}</li>" for e in f.evidence) + "</ul>")
        out.append("</div>")
    out.append(_timeline(report, lang))
    out.append("</section>")
    return "\n".join(out)


def _timeline(report: Report, lang: str) -> str:
    """Every event in time order, grouped by day; events cited by a finding carry its tags."""
    if not report.timeline:
        return ""
    tags: dict[int, list[str]] = {}
    for i, f in enumerate(report.findings, start=1):
        for e in f.evidence:
            tags.setdefault(e.index, []).append(
                f'<a class="tag {"waived" if f.waived else f.severity.value}" href="#f{i}">'
                f"{escape(f.clause)} {escape(SEVERITY[lang][f.severity.value])}</a>")
    heading = "Chronologie de la session" if lang == "fr" else "Session timeline"
    out = [f'<h2 id="timeline">{heading}</h2>']
    day = None
    for e in report.timeline:
        if e.at[:10] != day:
            if day is not None:
                out.append("</table>")
            day = e.at[:10]
            out += [f"<h3>{escape(day)}</h3>", '<table class="timeline">']
        who = ", ".join(f"{k}={v}" for k, v in e.details if v)
        cited = ' class="cited"' if e.index in tags else ""
        out.append(f'<tr{cited}><td class="time">{escape(e.at[11:])}</td><td><code>{escape(e.type)}</code>'
                   + (f" {escape(who)}" if who else "") + "".join(tags.get(e.index, ())) + "</td></tr>")
    out.append("</table>")
    return "\n".join(out)
