"""The rule base as a static site (``compliance docs --output DIR``), for inspectors, centres and
rule authors: an index by section, one page per clause (its text, the versions of its rules over
time, its sources with their links, each rule's conditions in words, its examples drawn as small
timelines) and one page per event type with its fields.

Every page is self-contained HTML (its style inline, no script, no outside resource) and the
same rule base gives the same bytes. Nothing here runs a rule.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import html
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import __version__, _time
from .catalogue import CitedText, Clause
from .events import EVENT_TYPES, FIELD_LABELS, Event, FieldSpec, Label, specific_fields
from .expressions import Arith, Condition, Literal, Operand, Ref, Span
from .model import Evidence
from .rule_model import Check, Derivation, Example, Pattern, Rule, Rulebook
from .rule_model import Span as Days
from .duty import GAP_FIELDS, GAP_TYPE
from .vocabulary import vocabulary
from .working_time import SPAN_FIELDS, SPAN_TYPE

__all__ = ["write_site", "site_pages"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:0 auto;
padding:1rem 1.5rem;color:#1b1b1b;line-height:1.45}
nav{font-size:.9rem;margin-bottom:1rem}nav a{margin-right:1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1.05rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:break-word}
.muted{color:#555}.sev-violation{font-weight:bold}.sev-warning{font-style:italic}
.rule{border:1px solid #ccc;border-radius:4px;padding:.5rem 1rem;margin:1rem 0;break-inside:avoid}
ol.timeline{list-style:none;padding-left:1rem;border-left:3px solid #888;margin:.3rem 0 .8rem}
ol.timeline li{margin:.2rem 0;position:relative}
ol.timeline li::before{content:"";position:absolute;left:-1.45rem;top:.45rem;width:.6rem;height:.6rem;
border-radius:50%;background:#888}
.example-fire{border-left:4px solid #000;padding-left:.6rem}
.example-pass{border-left:4px dashed #888;padding-left:.6rem}
"""

_RAW_WORDS: dict[str, dict[str, Any]] = {
    "fr": {
        "site": "Base de règles du Titre Professionnel", "index": "Clauses", "events": "Événements",
        "intro": "Les obligations d'une session d'examen du Titre Professionnel, clause par clause : "
                 "le texte, les sources, les règles qui la jugent et leurs exemples.",
        "clause": "Clause", "title": "Intitulé", "breach": "Manquement explicite", "no_evidence": "Aucune trace",
        "rules_n": "Règles", "none": "rien à signaler", "english": "En anglais", "basis": "Fondement",
        "versions": "Versions dans le temps", "from": "du {start}", "until": "jusqu'au {until}",
        "always": "sans limite de date", "since_ever": "depuis toujours", "sources": "Sources",
        "rules": "Règles", "no_rule": "Aucune règle : la clause est jugée par les contrôles du dossier (D1 à D4).",
        "severity": "Gravité", "reference": "Référence", "quote": "citation", "when": "Constat quand",
        "derives": "Déduit un fait « {type} » quand", "message": "Message", "examples": "Exemples",
        "fire": "constat attendu", "fire_n": "{n} constats attendus", "pass": "aucun constat attendu",
        "as_of": "date d'audit : {as_of}", "no_event": "aucun événement",
        "match": "il y a un événement « {event} »{alias}", "absent": "il n'y a aucun événement « {event} »",
        "alias": " (noté {alias})", "such_that": ", tel que ", "and": " et ",
        "field_of": "{field} de {alias}", "in": "est parmi", "event_type": "Type d'événement",
        "field": "Champ", "label": "Libellé", "kind": "Nature", "required": "Obligatoire",
        "values": "Valeurs", "yes": "oui", "no": "non", "derived": "fait déduit « {type} »",
        "used_by": "Règles qui le lisent", "status": {"in_force": "en vigueur", "superseded": "abrogé",
                                                     "guidance": "guide, sans force de loi"},
        "generated": "Généré par compliance {version} ; empreinte de la base de règles : {fp}.",
        "days": "{n} jour", "days_n": "{n} jours", "hours": "{n} h", "minutes": "{n} min",
        "cmp": {"==": "est", "!=": "n'est pas", "<": "est inférieur à", "<=": "est au plus",
                ">": "est supérieur à", ">=": "est au moins"},
        "cmp_time": {"==": "est", "!=": "n'est pas", "<": "est avant", "<=": "est au plus tard",
                     ">": "est après", ">=": "est au plus tôt"},
        "day_of": "le jour de {what}",
        "period": "Période", "for_kind": "pour une {kind} : {span}", "kind_titre": "session titre",
        "kind_ccp": "session CCP", "suspended": "suspendue {span}{text}", "derived_facts": "Faits déduits", "folded_facts": "Faits calculés",
        "folds": {"test_span": "Chaque intervalle pendant lequel une épreuve se déroule (du début ou de la reprise à "
                               "la pause ou à la fin), calculé à partir des événements de l'épreuve dans l'ordre du temps.",
                  "duty_gap": "Chaque intervalle de la journée où ni le responsable de session ni un suppléant "
                              "désigné n'est présent et en fonction, calculé sur la journée."},
        "derived_intro": "Des faits que les règles déduisent des événements, puis lisent comme eux.",
        "bases": {"current": "texte en vigueur", "case_law": "jurisprudence", "superseded": "texte abrogé",
                  "guidance": "guide officiel", "seed": "guide du déroulement de la session",
                  "record": "le dossier lui-même"},
    },
    "en": {
        "site": "Titre Professionnel rule base", "index": "Clauses", "events": "Events",
        "intro": "The obligations of a Titre Professionnel exam session, clause by clause: the "
                 "text, the sources, the rules that judge it and their examples.",
        "clause": "Clause", "title": "Title", "breach": "Explicit breach", "no_evidence": "No record",
        "rules_n": "Rules", "none": "nothing to report", "english": "In French", "basis": "Basis",
        "versions": "Versions over time", "from": "from {start}", "until": "until {until}",
        "always": "no date limit", "since_ever": "always", "sources": "Sources",
        "rules": "Rules", "no_rule": "No rule: the clause is judged by the record checks (D1 to D4).",
        "severity": "Severity", "reference": "Reference", "quote": "quote", "when": "Finding when",
        "derives": "Derives a fact '{type}' when", "message": "Message", "examples": "Examples",
        "fire": "a finding expected", "fire_n": "{n} findings expected", "pass": "no finding expected",
        "as_of": "audit date: {as_of}", "no_event": "no event",
        "match": "there is an event '{event}'{alias}", "absent": "there is no event '{event}'",
        "alias": " (called {alias})", "such_that": ", such that ", "and": " and ",
        "field_of": "{field} of {alias}", "in": "is one of", "event_type": "Event type",
        "field": "Field", "label": "Label", "kind": "Kind", "required": "Required",
        "values": "Values", "yes": "yes", "no": "no", "derived": "derived fact '{type}'",
        "used_by": "Rules that read it", "status": {"in_force": "in force", "superseded": "superseded",
                                                    "guidance": "guidance, not law"},
        "generated": "Generated by compliance {version}; rule base fingerprint: {fp}.",
        "days": "{n} day", "days_n": "{n} days", "hours": "{n} h", "minutes": "{n} min",
        "cmp": {"==": "is", "!=": "is not", "<": "is less than", "<=": "is at most",
                ">": "is more than", ">=": "is at least"},
        "cmp_time": {"==": "is", "!=": "is not", "<": "is before", "<=": "is no later than",
                     ">": "is after", ">=": "is no earlier than"},
        "day_of": "the day of {what}",
        "period": "Period", "for_kind": "for a {kind}: {span}", "kind_titre": "title session",
        "kind_ccp": "CCP session", "suspended": "suspended {span}{text}", "derived_facts": "Derived facts", "folded_facts": "Computed facts",
        "folds": {"test_span": "Each interval while a test runs (from its start or a resume to a pause or its end), "
                               "computed from the test's events in time order.",
                  "duty_gap": "Each interval of the day when neither the session manager nor a designated "
                              "substitute is on site and on duty, computed over the day."},
        "derived_intro": "Facts that rules derive from the events, then read as they read events.",
        "bases": {"current": "text in force", "case_law": "case law", "superseded": "superseded text",
                  "guidance": "official guidance", "seed": "the session guide", "record": "the record itself"},
    },
}


# what rules read beyond the recorded fields (computed fields, folds, list items), in words
_MORE_LABELS = {
    "worked": Label("temps de travail", "working time"), "paused": Label("temps de pause", "time paused"),
    "pv_due": Label("échéance de transmission des PV", "deadline for the PVs"),
    "duties_due": Label("échéance des tâches de clôture", "deadline for the closing duties"),
    "notice_due": Label("échéance de l'avis au représentant", "deadline for telling the representative"),
    "every_candidate": Label("tous les candidats", "every candidate"),
    "convocation_lead": Label("délai de convocation", "convocation lead time"),
    "item": Label("élément de la liste", "list item"), "since": Label("depuis", "since"),
    "from": Label("depuis", "from"), "until": Label("jusqu'à", "until"), "left": Label("départ", "departure"),
}


_TABLE_KEYS = ("status", "bases", "cmp", "cmp_time", "folds")
_W: dict[str, dict[str, str]] = {lang: {k: v for k, v in words.items() if k not in _TABLE_KEYS}
                                 for lang, words in _RAW_WORDS.items()}
_T: dict[str, dict[str, dict[str, str]]] = {lang: {k: words[k] for k in _TABLE_KEYS}
                                            for lang, words in _RAW_WORDS.items()}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def clause_page(clause_id: str) -> str:
    """The file name of a clause's page (``clause-S3.1.html``)."""
    return f"clause-{clause_id}.html"


def event_page(type_name: str) -> str:
    return f"event-{type_name}.html"


def site_pages(rulebook: Rulebook, lang: str = "fr") -> dict[str, str]:
    """Every page of the site: file name -> HTML text."""
    lang = "fr" if lang == "fr" else "en"
    site = _Site(rulebook, lang)
    pages = {"index.html": site.index(), "events.html": site.events_index()}
    for clause in rulebook.clauses:
        if not clause.retired:
            pages[clause_page(clause.id)] = site.clause(clause)
    for type_name in sorted(EVENT_TYPES):
        pages[event_page(type_name)] = site.event(type_name)
    return pages


def write_site(rulebook: Rulebook, directory: str | os.PathLike[str], lang: str = "fr") -> list[Path]:
    """Write the site into ``directory`` (created if need be); each page is written whole or not
    at all (a temporary file renamed). Returns the paths written, in name order."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(site_pages(rulebook, lang).items()):
        target = out / name
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        written.append(target)
    return written


class _Site:
    def __init__(self, rulebook: Rulebook, lang: str):
        self.rb = rulebook
        self.lang = lang
        self.W = _W[lang]
        self.T = _T[lang]
        self.checks_of: dict[str, list[Check]] = {}
        for rule in rulebook.checks:
            self.checks_of.setdefault(rule.clause, []).append(rule)
        self.readers: dict[str, list[Rule]] = {}
        for any_rule in rulebook.rules:
            for event in dict.fromkeys(p.event for p in any_rule.patterns):
                self.readers.setdefault(event, []).append(any_rule)
        self.clause_of = {r.id: r.clause for r in rulebook.checks}

    # -- page frame
    def page(self, title: str, body: Iterable[str]) -> str:
        W = self.W
        nav = (f'<nav><a href="index.html">{_e(W["index"])}</a>'
               f'<a href="events.html">{_e(W["events"])}</a></nav>')
        foot = W["generated"].format(version=__version__, fp=self.rb.fingerprint[:16])
        return ("<!DOCTYPE html>\n"
                f'<html lang="{self.lang}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{_e(title)} — {_e(W['site'])}</title><style>{_CSS}</style></head><body>\n"
                f"{nav}\n" + "\n".join(body) + f'\n<footer class="muted"><p>{_e(foot)}</p></footer>\n'
                "</body></html>\n")

    def sev(self, value: str | None) -> str:
        if value is None:
            return f'<span class="muted">{_e(self.W["none"])}</span>'
        return f'<span class="sev-{_e(value)}">{_e(value)}</span>'

    # -- index
    def index(self) -> str:
        W = self.W
        body = [f"<h1>{_e(W['site'])}</h1>", f"<p>{_e(W['intro'])}</p>"]
        sections = dict.fromkeys(c.section for c in self.rb.clauses if not c.retired)
        for section in sections:
            title = self.rb.sections.get(section)
            heading = f"{section} — {title.get(self.lang)}" if title is not None else section
            body.append(f'<h2 id="{_e(section)}">{_e(heading)}</h2>')
            body.append(f"<table><thead><tr><th>{_e(W['clause'])}</th><th>{_e(W['title'])}</th>"
                        f"<th>{_e(W['breach'])}</th><th>{_e(W['no_evidence'])}</th>"
                        f"<th>{_e(W['rules_n'])}</th></tr></thead><tbody>")
            for clause in self.rb.clauses:
                if clause.section != section or clause.retired:
                    continue
                no_evidence = clause.no_evidence.value if clause.no_evidence is not None else None
                body.append(f'<tr><td><a href="{clause_page(clause.id)}">{_e(clause.id)}</a></td>'
                            f"<td>{_e(clause.title.get(self.lang))}</td><td>{self.sev(clause.breach.value)}</td>"
                            f"<td>{self.sev(no_evidence)}</td><td>{len(self.checks_of.get(clause.id, []))}</td></tr>")
            body.append("</tbody></table>")
        return self.page(W["index"], body)

    # -- a clause
    def clause(self, clause: Clause) -> str:
        W, lang = self.W, self.lang
        other = clause.title.en if lang == "fr" else clause.title.fr
        rules = self.checks_of.get(clause.id, [])
        no_evidence = clause.no_evidence.value if clause.no_evidence is not None else None
        body = [f"<h1>{_e(W['clause'])} {_e(clause.id)} — {_e(clause.title.get(lang))}</h1>",
                f'<p class="muted">{_e(W["english"])}{_colon(lang)}{_e(other)}</p>',
                f"<p>{_e(W['breach'])}{_colon(lang)}{self.sev(clause.breach.value)} · "
                f"{_e(W['no_evidence'])}{_colon(lang)}{self.sev(no_evidence)} · "
                f"{_e(W['basis'])}{_colon(lang)}{_e(self.T['bases'].get(clause.basis, clause.basis))}</p>"]
        if rules:
            body += self.versions(rules)
            body += self.sources(rules)
            body.append(f"<h2>{_e(W['rules'])}</h2>")
            body += [self.rule(rule) for rule in rules]
        else:
            body.append(f"<p>{_e(W['no_rule'])}</p>")
        return self.page(f"{clause.id} — {clause.title.get(lang)}", body)

    def versions(self, rules: Sequence[Check]) -> list[str]:
        W = self.W
        rows = []
        for rule in sorted(rules, key=lambda r: (_day_key(r.validity.span.start), r.id)):
            rows.append(f"<tr><td>{_e(self.span(rule))}</td><td><a href=\"#{_e(rule.id)}\">{_e(rule.id)}</a></td>"
                        f"<td>{self.sev(rule.severity.value)}</td></tr>")
        return [f"<h2>{_e(W['versions'])}</h2>",
                f"<table><thead><tr><th>{_e(W['period'])}</th><th>{_e(W['rules_n'])}</th>"
                f"<th>{_e(W['severity'])}</th></tr></thead><tbody>", *rows, "</tbody></table>"]

    def span(self, rule: Check) -> str:
        """When the rule applies: its general span, its span for one kind of session, and the
        days a derogation suspends it."""
        W, validity = self.W, rule.validity
        parts = [self.span_words(validity.span)]
        parts += [W["for_kind"].format(kind=W[f"kind_{kind}"], span=self.span_words(span))
                  for kind, span in validity.by_kind]
        parts += [W["suspended"].format(span=self.span_words(pause.span),
                                        text=f" ({pause.text.title})" if pause.text else "")
                  for pause in validity.suspended]
        return " ; ".join(parts) if self.lang == "fr" else "; ".join(parts)

    def span_words(self, span: Days) -> str:
        if not span.dated:
            return self.W["always"]
        parts = []
        if span.start is not None:
            parts.append(self.W["from"].format(start=self.day(span.start)))
        if span.until is not None:
            parts.append(self.W["until"].format(until=self.day(span.until)))
        return " ".join(parts)

    def day(self, value: object) -> str:
        if isinstance(value, dt.date):
            return _time.long_day(value, self.lang)
        return str(value)

    def sources(self, rules: Sequence[Check]) -> list[str]:
        W = self.W
        texts: dict[str, CitedText] = {}
        for rule in rules:
            for text in rule.reference.texts:
                texts.setdefault(text.id, text)
        items = []
        for text in texts.values():
            status = self.T["status"].get(text.status, text.status)
            date = f", {self.day(_time.parse_day(text.date))}" if text.date else ""
            title = f'<a href="{_e(text.url)}">{_e(text.title)}</a>' if text.url else _e(text.title)
            items.append(f"<li>{title}{_e(date)} <span class=\"muted\">({_e(status)})</span></li>")
        citations = list(dict.fromkeys(_citation(r) for r in rules))
        items += [f"<li>{c}</li>" for c in citations]
        return [f"<h2>{_e(W['sources'])}</h2>", "<ul>", *items, "</ul>"]

    def rule(self, rule: Check) -> str:
        W, lang = self.W, self.lang
        c = _colon(lang)
        ref = rule.reference
        out = [f'<section class="rule" id="{_e(rule.id)}">',
               f"<h3>{_e(rule.title.get(lang))}</h3>",
               f'<p class="muted"><code>{_e(rule.id)}</code> · {_e(_where(rule))}</p>',
               f"<p>{_e(W['severity'])}{c}{self.sev(rule.severity.value)} · {_e(W['versions'])}{c}"
               f"{_e(self.span(rule))}</p>",
               f"<p>{_e(W['reference'])}{c}{_citation(rule)}</p>",
               f"<p>{_e(W['when'])}{c.rstrip()}</p>", "<ul>"]
        out += [f"<li>{self.pattern(p, rule)}</li>" for p in rule.patterns]
        out.append("</ul>")
        out.append(f"<p>{_e(W['message'])}{c}<q>{_e(rule.message.get(lang))}</q></p>")
        if ref.quote and not ref.texts:
            out.append(f"<p class=\"muted\">{_e(W['quote'])}{c}« {_e(ref.quote)} »</p>")
        if rule.examples:
            out.append(f"<p>{_e(W['examples'])}{c.rstrip()}</p>")
            out += [self.example(e) for e in rule.examples]
        out.append("</section>")
        return "\n".join(out)

    # -- conditions in words
    def event_words(self, type_name: str) -> str:
        cls = EVENT_TYPES.get(type_name)
        if cls is None:
            base = type_name.split(".")[0]
            if "." in type_name and base in EVENT_TYPES:     # an item of a list field
                return f'<a href="{event_page(base)}">{_e(EVENT_TYPES[base].LABEL.get(self.lang))}</a> ' \
                       f"(<code>{_e(type_name.split('.', 1)[1])}</code>)"
            return f'<a href="events.html#{_e(type_name)}">{_e(self.W["derived"].format(type=type_name))}</a>'
        return f'<a href="{event_page(type_name)}">{_e(cls.LABEL.get(self.lang))}</a>'

    def pattern(self, pattern: Pattern, rule: Rule) -> str:
        W = self.W
        alias = W["alias"].format(alias=pattern.alias) if pattern.alias and not pattern.absent else ""
        head = W["absent" if pattern.absent else "match"].format(event=self.event_words(pattern.event),
                                                                 alias=_e(alias))
        if not pattern.conditions:
            return head
        aliases = {p.alias: p.event for p in rule.patterns if p.alias}
        words = [self.condition(c, pattern.event, aliases) for c in pattern.conditions]
        return head + _e(W["such_that"]) + _e(W["and"]).join(words)

    def condition(self, cond: Condition, own: str, aliases: dict[str, str]) -> str:
        W = self.W
        kind = _kind(own, cond.field)
        left = self.field(own, cond.field)
        if cond.calendar:
            left = W["day_of"].format(what=left)
        if cond.op == "in":
            values = cond.operand if isinstance(cond.operand, tuple) else ()
            right = ", ".join(self.literal(v, own, cond.field) for v in values)
            text = f"{left} {W['in']} {right}"
        else:
            table = self.T["cmp_time"] if kind in ("time", "day") else self.T["cmp"]
            assert not isinstance(cond.operand, tuple)
            text = f"{left} {table.get(cond.op, cond.op)} {self.operand(cond.operand, own, cond.field, aliases)}"
        return f'<span title="{_e(cond.text)}">{_e(text)}</span>'

    def field(self, type_name: str, name: str) -> str:
        spec = _spec(type_name, name)
        label = spec.label if spec is not None and spec.label is not None else \
            FIELD_LABELS.get(name) or _MORE_LABELS.get(name)
        if name == "at":
            label = Label("l'heure", "the time")
        words = label.get(self.lang) if label is not None else name
        return f"« {words} »" if self.lang == "fr" else f"'{words}'"

    def operand(self, operand: Operand, own: str, field: str, aliases: dict[str, str]) -> str:
        if isinstance(operand, Ref):
            of = aliases.get(operand.alias, "")
            return self.W["field_of"].format(field=self.field(of, operand.field), alias=operand.alias)
        if isinstance(operand, Literal):
            return self.literal(operand, own, field)
        if isinstance(operand, Span):
            return self.duration(operand.seconds)
        if isinstance(operand, Arith):
            return (f"{self.operand(operand.left, own, field, aliases)} {operand.op} "
                    f"{self.operand(operand.right, own, field, aliases)}")
        return str(operand)

    def literal(self, literal: Literal, own: str, field: str) -> str:
        value = literal.value
        if isinstance(value, bool):
            return self.W["yes"] if value else self.W["no"]
        spec = _spec(own, field)
        if spec is not None and spec.words and str(value) in spec.words:
            return f"« {spec.words[str(value)].get(self.lang)} »" if self.lang == "fr" else \
                f"'{spec.words[str(value)].get(self.lang)}'"
        return str(value)

    def duration(self, seconds: int) -> str:
        W = self.W
        if seconds % _time.DAY == 0:
            n = seconds // _time.DAY
            return (W["days"] if n == 1 else W["days_n"]).format(n=n)
        if seconds % _time.HOUR == 0:
            return W["hours"].format(n=seconds // _time.HOUR)
        return W["minutes"].format(n=seconds // _time.MINUTE)

    # -- examples as timelines
    def example(self, example: Example) -> str:
        W, lang = self.W, self.lang
        if example.expect.value == "fire":
            expect = W["fire_n"].format(n=example.count) if example.count and example.count > 1 else W["fire"]
        else:
            expect = W["pass"]
        head = f"<p><strong>{_e(example.name or '—')}</strong> — {_e(expect)}"
        if example.as_of is not None:
            head += f' <span class="muted">({_e(W["as_of"].format(as_of=_time.moment_words(example.as_of, lang, None)))})</span>'
        head += "</p>"
        order = sorted(range(len(example.events)), key=lambda i: (example.events[i].at, i))
        if not order:
            items = [f'<li class="muted">{_e(W["no_event"])}</li>']
        else:
            items = [f"<li>{self.example_event(example.events[i], i)}</li>" for i in order]
        kind = "example-fire" if example.expect.value == "fire" else "example-pass"
        return f'<div class="{kind}">{head}<ol class="timeline">' + "".join(items) + "</ol></div>"

    def example_event(self, event: Event, index: int) -> str:
        evidence = Evidence.of_event(event, index, event.at.tzinfo or dt.timezone.utc)
        when = _time.moment_words(event.at, self.lang, None)
        parts = []
        specs = {s.name: s for s in specific_fields(type(event))}
        for name, raw in evidence.details:
            if not raw:
                continue
            spec = specs.get(name)
            label = spec.label.get(self.lang) if spec is not None and spec.label is not None else name
            parts.append(f"{label}{_colon(self.lang)}{self.value(raw, spec, event)}")
        joined = (" ; " if self.lang == "fr" else "; ").join(parts)
        details = f' <span class="muted">({_e(joined)})</span>' if parts else ""
        return f"{_e(when)} — {self.event_words(event.TYPE)}{details}"

    def value(self, raw: str, spec: FieldSpec | None, event: Event) -> str:
        """An example event's field in words: labelled values, yes/no, times and days."""
        if spec is None:
            return raw
        if spec.words:
            items = raw.split(", ") if spec.kind == "list" else [raw]
            return ", ".join(spec.words[i].get(self.lang) if i in spec.words else i for i in items)
        if spec.kind == "bool" and raw in ("true", "false"):
            return self.W["yes"] if raw == "true" else self.W["no"]
        if spec.kind == "time":
            value = getattr(event, spec.attr, None)
            if isinstance(value, dt.datetime):
                return _time.moment_words(value, self.lang, None)
        if spec.kind == "day":
            value = getattr(event, spec.attr, None)
            if isinstance(value, dt.date):
                return _time.long_day(value, self.lang)
        if spec.kind == "duration" and raw.isdigit():
            return f"{raw} min"
        return raw

    # -- event types
    def events_index(self) -> str:
        W = self.W
        rows = [f'<tr><td><a href="{event_page(t)}">{_e(EVENT_TYPES[t].LABEL.get(self.lang))}</a></td>'
                f"<td><code>{_e(t)}</code></td><td>{len(self.readers.get(t, []))}</td></tr>"
                for t in sorted(EVENT_TYPES)]
        body = [f"<h1>{_e(W['events'])}</h1>",
                f"<table><thead><tr><th>{_e(W['label'])}</th><th>{_e(W['event_type'])}</th>"
                f"<th>{_e(W['used_by'])}</th></tr></thead><tbody>", *rows, "</tbody></table>"]
        body.append(f"<h2>{_e(W['folded_facts'])}</h2>")
        for type_name, fields in ((SPAN_TYPE, SPAN_FIELDS), (GAP_TYPE, GAP_FIELDS)):
            names = ", ".join(f"{self.field(type_name, f)} (<code>{_e(f)}</code>)" for f in fields
                              if f not in ("session", "id"))
            body.append(f'<section class="rule" id="{_e(type_name)}"><h3><code>{_e(type_name)}</code></h3>'
                        f"<p>{_e(self.T['folds'][type_name])}</p><p>{names}</p></section>")
        derivations = self.rb.derivations
        if derivations:
            body.append(f"<h2>{_e(W['derived_facts'])}</h2>")
            body.append(f"<p>{_e(W['derived_intro'])}</p>")
        seen: set[str] = set()
        for rule in sorted(derivations, key=lambda r: (r.type, r.id)):
            anchor = f' id="{_e(rule.type)}"' if rule.type not in seen else ""
            seen.add(rule.type)
            title = f" — {_e(rule.title.get(self.lang))}" if rule.title is not None else ""
            body.append(f'<section class="rule"{anchor}><h3><code>{_e(rule.type)}</code>{title}</h3>'
                        f'<p class="muted"><code>{_e(rule.id)}</code> · {_e(_where(rule))}</p>'
                        f"<p>{_e(W['derives'].format(type=rule.type))}{_colon(self.lang).rstrip()}</p><ul>"
                        + "".join(f"<li>{self.pattern(p, rule)}</li>" for p in rule.patterns) + "</ul></section>")
        return self.page(W["events"], body)

    def event(self, type_name: str) -> str:
        W, lang = self.W, self.lang
        cls = EVENT_TYPES[type_name]
        body = [f"<h1>{_e(cls.LABEL.get(lang))}</h1>", f"<p><code>{_e(type_name)}</code></p>"]
        doc = (cls.__doc__ or "").strip()
        if doc:
            body.append(f"<p>{_e(doc)}</p>")
        body.append(f"<table><thead><tr><th>{_e(W['field'])}</th><th>{_e(W['label'])}</th>"
                    f"<th>{_e(W['kind'])}</th><th>{_e(W['required'])}</th><th>{_e(W['values'])}</th>"
                    "</tr></thead><tbody>")
        for spec in specific_fields(cls):
            label = spec.label.get(lang) if spec.label is not None else ""
            values = ", ".join(f"{c} ({spec.words[c].get(lang)})" if c in spec.words else str(c)
                               for c in spec.choices)
            doc_line = f'<br><span class="muted">{_e(spec.doc)}</span>' if spec.doc else ""
            body.append(f"<tr><td><code>{_e(spec.name)}</code></td><td>{_e(label)}{doc_line}</td>"
                        f"<td>{_e(spec.kind)}</td><td>{_e(W['yes'] if spec.required else W['no'])}</td>"
                        f"<td>{_e(values)}</td></tr>")
        body.append("</tbody></table>")
        readers = self.readers.get(type_name, [])
        if readers:
            body.append(f"<h2>{_e(W['used_by'])}</h2><ul>")
            for rule in readers:
                if isinstance(rule, Derivation):
                    body.append(f"<li><code>{_e(rule.id)}</code></li>")
                else:
                    body.append(f'<li><a href="{clause_page(rule.clause)}#{_e(rule.id)}">{_e(rule.clause)}</a> — '
                                f"{_e(rule.title.get(lang))}</li>")
            body.append("</ul>")
        return self.page(cls.LABEL.get(lang), body)


def _colon(lang: str) -> str:
    return " : " if lang == "fr" else ": "


def _day_key(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def _spec(type_name: str, name: str) -> FieldSpec | None:
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        return None
    for spec in specific_fields(cls):
        if spec.name == name or spec.attr == name:
            return spec
    return None


_KINDS = vocabulary()


def _kind(type_name: str, name: str) -> str:
    return _KINDS.get(type_name, {}).get(name, "time" if name == "at" else "text")


def _citation(rule: Check) -> str:
    ref = rule.reference
    text = _e(ref.text + (f", {ref.article}" if ref.article else ""))
    if ref.url:
        text = f'<a href="{_e(ref.url)}">{text}</a>'
    return text + (f" — « {_e(ref.quote)} »" if ref.quote else "")


def _where(rule: Rule) -> str:
    path = Path(rule.file)
    return f"{path.parent.name}/{path.name}:{rule.line}"
