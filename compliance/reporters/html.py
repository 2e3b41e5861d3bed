"""One self-contained, printable HTML file: per session, the clause checklist, the findings and the
session as a timeline with the findings placed on it.

* No external asset: inline CSS, no script, no image, no web font; ``<meta charset="utf-8">``
  and ``lang`` set. Every text is escaped with ``html.escape``.
* The markup is also well-formed XML (every element closed, only numeric character references),
  so XML tools can read it as well as browsers.
* Printed on A4 (``@page``): a finding is never split across pages, headings stay with what
  follows, table headers repeat. A status carries a symbol and a word, never colour alone, so
  the page reads in black and white.
* Several reports give one document with a section per session (each on a new page).
"""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any, Sequence

from .. import _time
from ..model import Evidence, Finding, Report, Status
from ._labels import (ATTESTATION, LABELS, MARK, colon, long_day, norm_lang, outcome_word, section_of,
                      identification, section_title, severity_word, source_citation, status_word, summary, waiver_sentence,
                      xml_text)
from ._versions import clause_notes
from ._wording import Wording

_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
@page { @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #444; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 9.5pt;
       line-height: 1.35; color: #111; background: #fff; margin: 0 auto; max-width: 182mm; padding: 0 2mm; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 12.5pt; border-bottom: 1.5pt solid #333; padding-bottom: 1pt; margin: 14pt 0 6pt; }
h3 { font-size: 10.5pt; margin: 8pt 0 3pt; }
h1, h2, h3 { page-break-after: avoid; break-after: avoid; }
p { margin: 3pt 0; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; margin: 3pt 0 6pt; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 0.75pt solid #999; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: bold; }
td.mark { width: 7mm; text-align: center; font-weight: bold; }
td.id { white-space: nowrap; width: 13mm; }
td.status { white-space: nowrap; width: 28mm; }
td.num { text-align: right; width: 10mm; }
table.meta { width: auto; }
table.meta th { background: none; border: none; padding: 0 8pt 0 0; font-weight: bold; }
table.meta td { border: none; padding: 0; }
.doc-title { font-size: 10pt; color: #333; margin: 0 0 6pt; text-transform: uppercase; letter-spacing: 0.5pt; }
.summary { border: 1.5pt solid #333; padding: 4pt 6pt; margin: 8pt 0; font-weight: bold; }
.legend { font-size: 8.5pt; color: #333; }
.legend span { margin-right: 8pt; white-space: nowrap; }
/* statuses: a background tint for screens and colour printers, a border style and a symbol for b/w */
tr.violation td, .finding.violation { background: #fde0de; }
tr.warning td, .finding.warning { background: #fff0c2; }
tr.pending td, .finding.pending { background: #e2edff; }
tr.waived td, .finding.waived { background: #ececec; }
tr.not_applicable td { color: #555; }
div.version { font-size: 0.85em; color: #555; }
tr.violation td { font-weight: bold; }
.finding { border: 1pt solid #666; border-left-width: 5pt; padding: 4pt 7pt; margin: 7pt 0;
           page-break-inside: avoid; break-inside: avoid; }
.finding.violation { border-left-style: double; border-left-width: 6pt; }
.finding.warning { border-left-style: dashed; }
.finding.pending { border-left-style: dotted; }
.met { break-inside: avoid; page-break-inside: avoid; }
.met h3 { font-size: 10.5pt; margin: 8pt 0 2pt; }
.met ul { margin: 0; padding-left: 14pt; }
.met li { margin: 2pt 0; overflow-wrap: break-word; hyphens: manual; }
.met .more { margin: 0 0 0 14pt; font-style: italic; }
.finding.waived { font-style: italic; }
.finding h3 { margin-top: 0; }
.finding table { background: #fff; }
.rule { font-size: 8.5pt; color: #333; }
.source { font-size: 8.5pt; color: #222; font-style: italic; }
.attestation { break-inside: avoid; page-break-inside: avoid; margin-top: 14pt; border-top: 1pt solid #000; }
table.sign { width: 100%; border-collapse: collapse; }
table.sign th { width: 25%; text-align: left; font-weight: normal; padding: 8pt 4pt; }
table.sign td.blank { border-bottom: 0.6pt solid #000; height: 18pt; }
table.sign tr:last-child td.blank { height: 48pt; }
table.sign tr.observations td.blank { height: 72pt; }
.waiver { border-left: 2pt solid #666; padding-left: 5pt; }
table.timeline { table-layout: fixed; font-size: 8.5pt; }
/* words break between words only (a word longer than its whole column, as a last resort) */
table.timeline td { overflow-wrap: break-word; hyphens: manual; }
col.c-time { width: 18mm; } col.c-event { width: 36mm; } col.c-who { width: 27mm; }
col.c-findings { width: 31mm; } col.c-where { width: 13mm; }
.timeline td.time { overflow-wrap: normal; }
.timeline td.where { font-size: 8pt; }
.timeline tr.cited td { font-weight: bold; border-top: 1.5pt solid #333; border-bottom: 1.5pt solid #333; }
.tag { display: inline-block; border: 1pt solid #333; border-radius: 2pt; padding: 0 3pt; margin: 1pt 2pt 1pt 0;
       font-size: 8pt; text-decoration: none; color: #111; background: #fff; }
.tag.violation { border-width: 2pt; border-style: double; }
.tag.warning { border-style: dashed; }
.tag.pending { border-style: dotted; }
.tag.waived { font-style: italic; }
a { color: #111; }
nav ol { margin: 2pt 0 8pt; }
section.session { page-break-before: always; break-before: page; }
section.session.first { page-break-before: auto; break-before: auto; }
@media print { body { max-width: none; padding: 0; } a { text-decoration: none; } }
"""

def _e(text: object) -> str:
    """Escaped text; control characters (which neither HTML nor XML allow) and bidirectional
    overrides become U+FFFD."""
    return escape(xml_text(text), quote=True)


def render_html(reports: Sequence[Report], lang: str = "fr") -> str:
    lang = norm_lang(lang)
    L = LABELS[lang]
    title = L["report_title"]
    if len(reports) == 1:
        title = f"{title} — {reports[0].session}"
    head = [f'<p class="doc-title">{_e(L["report_title"])}</p>']
    if len(reports) > 1:
        head += [f"<nav><h2>{_e(L['sessions'])}</h2>", "<ol>"]
        head += [f'<li><a href="#s{i}">{_e(r.session)}</a> — {_e(summary(r.findings, lang))}</li>'
                 for i, r in enumerate(reports, start=1)]
        head += ["</ol>", "</nav>"]
    body = "\n".join([*head, *(_session(i, r, lang) for i, r in enumerate(reports, start=1))])
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}">\n<head>\n<meta charset="utf-8" />\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
            f'<meta name="generator" content="compliance {_e(reports[0].tool_version if reports else "")}" />\n'
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _session(n: int, report: Report, lang: str) -> str:
    L, c = LABELS[lang], colon(lang)
    first = " first" if n == 1 else ""
    out = [f'<section class="session{first}" id="s{n}">',
           f"<h1>{_e(L['session'])} {_e(report.session)}</h1>",
           '<table class="meta"><tbody>']
    for label, value in (*((label, _e(value)) for label, value in identification(report, lang)
                           if label not in _FINGERPRINTS),
                         (L["source"], f"<code>{_e(report.source)}</code>"),
                         (L["as_of"], _e(report.as_of)),
                         (L["time_zone"], _e(report.time_zone)),
                         (L["events_count"], _e(report.events)),
                         (L["tool"], f"compliance {_e(report.tool_version)}"),
                         (L["rulebook"], f"<code>{_e(report.rulebook)}</code>")):
        out.append(f"<tr><th>{_e(label)}</th><td>{value}</td></tr>")
    out += ["</tbody></table>",
            f'<p class="summary">{_e(L["summary_label"])}{_e(c)}{_e(summary(report.findings, lang))}</p>']

    out += [f'<h2 id="s{n}-clauses">{_e(L["checklist"])}</h2>', _legend(lang),
            "<table class=\"checklist\"><thead><tr>"
            f'<th>&#160;</th><th>{_e(L["clause"])}</th><th>{_e(L["status"])}</th>'
            f'<th>{_e(L["clause_title"])}</th><th>{_e(L["count"])}</th></tr></thead><tbody>']
    first_finding: dict[str, int] = {}
    for i, f in enumerate(report.findings, start=1):
        first_finding.setdefault(f.clause, i)
    for clause in report.clauses:
        status = clause.status.value
        notes = "".join(f'<div class="version">{_e(note)}</div>' for note in clause_notes(clause, lang))
        count = _e(clause.findings) if clause.findings else ""
        if clause.clause in first_finding:
            count = f'<a href="#s{n}-f{first_finding[clause.clause]}">{count}</a>'
        elif clause.satisfied_by:
            count = f'<a href="#s{n}-met-{_e(clause.clause)}">{_e(_MET[lang]["link"])}</a>'
        out.append(f'<tr class="{status}"><td class="mark">{MARK[status]}</td>'
                   f'<td class="id">{_e(clause.clause)}</td><td class="status">{_e(status_word(clause.status, lang))}</td>'
                   f'<td>{_e(clause.title.get(lang))}{notes}</td><td class="num">{count}</td></tr>')
    out.append("</tbody></table>")

    out.append(f'<h2 id="s{n}-findings">{_e(L["findings"])}</h2>')
    if not report.findings:
        out.append(f"<p>{_e(L['none'])}</p>")
    for i, f in enumerate(report.findings, start=1):
        out.append(_finding(n, i, f, report, lang))
    out.append(_compliance_evidence(n, report, lang))
    out.append(_timeline(n, report, lang))
    if report.waivers:
        out += [f'<h2 id="s{n}-waivers">{_e(L["waivers"])}</h2>', "<ul>"]
        for use in report.waivers:
            w = use.waiver
            where = f" — <code>{_e(w.file)}:{_e(w.line)}</code>" if w.file else ""
            out.append(f"<li>{_e(w.clause)}" + (f" <code>{_e(w.rule)}</code>" if w.rule else "")
                       + f"{_e(c)}<strong>{_e(outcome_word(use.outcome, lang))}</strong> — "
                       + _e(waiver_sentence(w, lang))
                       + where + "</li>")
        out.append("</ul>")
    out.append(_attestation(report, lang))
    out.append("</section>")
    return "\n".join(out)


_MET = {
    "fr": {"title": "Ce qui établit la conformité", "link": "preuves",
           "intro": "Pour chaque clause conforme, les événements qui ont satisfait ses règles : ce qui "
                    "ouvrait l'obligation, puis ce qui l'a remplie.",
           "more": ("… et {n} autre, dans le rapport JSON.", "… et {n} autres, dans le rapport JSON."),
           "rule": "règle satisfaite :"},
    "en": {"title": "What shows compliance", "link": "evidence",
           "intro": "For each compliant clause, the events that met its rules: what opened the "
                    "obligation, then what fulfilled it.",
           "more": ("… and {n} more, in the JSON report.",) * 2, "rule": "rule satisfied:"},
}
MET_SHOWN = 5          # ways a clause was met shown on the page; the JSON report has them all


def _compliance_evidence(n: int, report: Report, lang: str) -> str:
    """Each compliant clause with the events that met it (when the report was asked for them)."""
    met = [c for c in report.clauses if c.satisfied_by]
    if not met:
        return ""
    M, words = _MET[lang], Wording(report, lang)
    out = [f'<h2 id="s{n}-met">{_e(M["title"])}</h2>', f"<p>{_e(M['intro'])}</p>"]
    for clause in met:
        out.append(f'<div class="met" id="s{n}-met-{_e(clause.clause)}"><h3>{_e(clause.clause)} — '
                   f"{_e(clause.title.get(lang))}</h3><ul>")
        for way in clause.satisfied_by[:MET_SHOWN]:
            lines = "<br />".join(_e(words.evidence_line(e)) for e in way.evidence)
            out.append(f'<li><span class="rule">{_e(M["rule"])} <code>{_e(way.rule)}</code></span><br />{lines}</li>')
        out.append("</ul>")
        more = len(clause.satisfied_by) - MET_SHOWN
        if more > 0:
            out.append(f'<p class="more">{_e(M["more"][more > 1].format(n=more))}</p>')
        out.append("</div>")
    return "\n".join(out)


_FINGERPRINTS = {"Empreinte du dossier (SHA-256)", "Record fingerprint (SHA-256)"}   # in the attestation


def _attestation(report: Report, lang: str) -> str:
    """The block a person signs: what was checked (with the fingerprints that pin the record and
    the rules), then place, date, name, role and signature lines to fill in by hand."""
    A = ATTESTATION[lang]
    made = A["made"].format(source=report.source or "—", as_of=report.as_of, tool=report.tool_version,
                            rules=report.rulebook)
    out = ['<div class="attestation">', f"<h2>{_e(A['title'])}</h2>", f"<p>{_e(made)}</p>",
           '<table class="meta"><tbody>',
           f"<tr><th>{_e(A['record'])}</th><td><code>{_e(report.info.record_sha256 or '—')}</code></td></tr>",
           f"<tr><th>{_e(A['rules'])}</th><td><code>{_e(report.rulebook)}</code></td></tr>",
           "</tbody></table>", '<table class="sign"><tbody>']
    out.append(f'<tr class="observations"><th>{_e(A["observations"])}</th><td class="blank"></td></tr>')
    out += [f'<tr><th>{_e(field)}</th><td class="blank"></td></tr>' for field in A["fields"]]
    out += ["</tbody></table>", "</div>"]
    return "\n".join(out)


def _legend(lang: str) -> str:
    items = "".join(f"<span>{MARK[s]} {_e(status_word(Status(s), lang))}</span>" for s in MARK)
    return f'<p class="legend">{_e(LABELS[lang]["legend"])}{_e(colon(lang))}{items}</p>'


def _kind(f: Finding) -> str:
    return "waived" if f.waived else f.severity.value


def _finding(n: int, i: int, f: Finding, report: Report, lang: str) -> str:
    L, c = LABELS[lang], colon(lang)
    kind = _kind(f)
    waived = f" ({_e(status_word(Status.WAIVED, lang))})" if f.waived else ""
    out = [f'<div class="finding {kind}" id="s{n}-f{i}">',
           f"<h3>{i}. {MARK[kind]} [{_e(severity_word(f.severity, lang))}]{waived} "
           f"{_e(f.clause)} — {_e(f.title.get(lang))}</h3>",
           f"<p>{_e(f.message.get(lang))}</p>",
           f'<p class="rule">{_e(L["rule_label"])}{_e(c)}<code>{_e(f.rule)}</code> · '
           f"{_e(L['section'])} {_e(section_of(f.clause))} ({_e(section_title(report, f.clause, lang))})</p>"]
    if f.source is not None:
        cited = _e(source_citation(f.source, with_url=False))
        if f.source.url.startswith(("https://", "http://")):
            cited += f' · <a href="{_e(f.source.url)}">{_e(f.source.url)}</a>'
        out.append(f'<p class="source">{_e(L["source"])}{_e(c)}{cited}</p>')
    if f.waived:
        out.append(f'<p class="waiver">{_e(waiver_sentence(f.waived, lang))}</p>')
    words = Wording(report, lang)
    if f.values:
        out.append(f"<p>{_e(L['values'])}{_e(c)}"
                   + ", ".join(f"{_e(k)} = <strong>{_e(v)}</strong>" for k, v in words.values(f.values)) + "</p>")
    if f.evidence:
        out += [f"<table><thead><tr><th>{_e(L['time'])}</th><th>{_e(L['event'])}</th><th>{_e(L['who'])}</th>"
                f"<th>{_e(L['details'])}</th><th>{_e(L['where'])}</th></tr></thead><tbody>"]
        for e in f.evidence:
            who, rest = words.who_and_details(e)
            out.append(f'<tr><td class="time">{_e(words.moment(e.at))}</td>{_event_cell(e, words)}'
                       f"<td>{_e(who)}</td><td>{_e(rest)}</td><td><code>{_e(e.where())}</code></td></tr>")
        out.append("</tbody></table>")
    out.append("</div>")
    return "\n".join(out)


def _timeline(n: int, report: Report, lang: str) -> str:
    """Every event in time order, grouped by day; the events a finding cites carry its tag."""
    L = LABELS[lang]
    out = [f'<h2 id="s{n}-timeline" class="timeline-heading">{_e(L["timeline"])}</h2>']
    if not report.timeline:
        return "\n".join([*out, f"<p>{_e(L['timeline_missing'])}</p>"])
    out.append(f'<p class="legend">{_e(L["timeline_intro"])}</p>')
    tags: dict[int, list[str]] = {}
    on_timeline = {e.index for e in report.timeline}
    orphans: list[tuple[int, Finding]] = []
    for i, f in enumerate(report.findings, start=1):
        cited = [e.index for e in f.evidence if e.index in on_timeline]
        if not cited:
            orphans.append((i, f))
        for index in dict.fromkeys(cited):
            tags.setdefault(index, []).append(_tag(n, i, f, lang))
    words = Wording(report, lang)
    day: dt.date | None = None
    offset = ""
    for e in report.timeline:
        e_day, e_offset = e.at.date(), _time.render_offset(e.at)
        if e_day != day:
            if day is not None:
                out.append("</tbody></table>")
            day, offset, day_offset = e_day, e_offset, e.at.utcoffset()
            zone = f" <small>({_e(report.time_zone)}, UTC{_e(offset)})</small>"
            out += [f'<h3 class="day">{_e(long_day(day, lang))}{zone}</h3>',
                    '<table class="timeline"><colgroup><col class="c-time" /><col class="c-event" />'
                    '<col class="c-who" /><col class="c-details" /><col class="c-findings" /><col class="c-where" />'
                    f'</colgroup><thead><tr><th>{_e(L["time"])}</th><th>{_e(L["event"])}</th>'
                    f'<th>{_e(L["who"])}</th><th>{_e(L["details"])}</th><th>{_e(L["findings"])}</th>'
                    f'<th>{_e(L["line"])}</th></tr></thead><tbody>']
        time = words.clock(e.at, day_offset)
        out.append(_timeline_row(e, time, tags.get(e.index, ()), report.source, words))
    out.append("</tbody></table>")
    if orphans:
        out += [f"<h3>{_e(L['no_evidence'])}</h3>", "<p>" + " ".join(_tag(n, i, f, lang) for i, f in orphans) + "</p>"]
    return "\n".join(out)


def _tag(n: int, i: int, f: Finding, lang: str) -> str:
    kind = _kind(f)
    waived = f" ({_e(status_word(Status.WAIVED, lang))})" if f.waived else ""
    return (f'<a class="tag {kind}" href="#s{n}-f{i}">{MARK[kind]} {_e(f.clause)} '
            f"{_e(severity_word(f.severity, lang))}{waived}</a>")


def _event_cell(e: Evidence, words: Wording) -> str:
    """The event's label; its type (as records and rules name it) on hover."""
    return f'<td class="event" title="{_e(e.type)}">{_e(words.event(e.type))}</td>'


def _timeline_row(e: Evidence, time: str, tags: Sequence[str], source: str, words: Wording) -> str:
    who, rest = words.who_and_details(e)
    cited = ' class="cited"' if tags else ""
    # a line of the session's own file is a number (the column says "line"); anything else in full
    where = str(e.line) if e.file is not None and e.file == source and e.line is not None else e.where()
    return (f'<tr{cited}><td class="time">{_e(time)}</td>{_event_cell(e, words)}'
            f"<td>{_e(who)}</td><td>{_e(rest)}</td><td>{''.join(tags)}</td>"
            f'<td class="where">{_e(where)}</td></tr>')
