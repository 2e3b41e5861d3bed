"""A clause or a rule in words, for inspectors and rule authors (``compliance explain ID``).

For a clause: its text in French and English, the severities the catalogue gives a breach and a
missing record and the basis that bounds them (the severity policy), the sources its rules
cite, the catalogue's texts they name (with date and status), the versions of its rules in
force by date, and each rule. For a rule: its clause, its reference, what it looks for (each
entry of ``when`` as a sentence), when it applies, and its examples. Nothing here runs a rule.
"""
from __future__ import annotations

from pathlib import Path

import datetime as dt

from .catalogue import CitedText, Clause
from .errors import UsageError, did_you_mean
from .rule_model import Check, Pattern, Rule, Rulebook, Span, Validity

_WORDS = {
    "fr": {"clause": "Clause", "breach": "manquement explicite", "no_evidence": "aucune trace",
           "none": "rien à signaler", "sources": "Sources", "rules": "Règles", "rule": "Règle",
           "severity": "gravité", "reference": "Référence", "article": "article", "quote": "citation",
           "url": "lien", "when": "Constat quand", "match": "il y a un événement « {event} » (noté {alias})",
           "absent": "il n'y a aucun événement « {event} »", "where": " tel que {conditions}",
           "and": " et ", "in_force": "En vigueur", "always": "sans limite de date", "from": "du {start}",
           "until": "jusqu'au {until}", "examples": "Exemples", "fire": "constat", "pass": "pas de constat",
           "message": "Message", "derives": "Déduit un fait « {type} »", "english": "En anglais",
           "no_rule": "Aucune règle : la clause est jugée par les contrôles du dossier (D1–D4).",
           "basis": "Fondement", "texts": "Textes", "versions": "Versions en vigueur par date",
           "in_force_text": "en vigueur", "superseded": "abrogé", "guidance": "non normatif (guide)",
           "undated": "date inconnue", "setting": "réglage {name}", "for_kind": "session {kind} : {span}",
           "suspended": "suspendue {span} ({text})", "span": "du {start} au {until}", "before": "avant le {day}",
           "none_in_force": "aucune règle en vigueur", "every_date": "à toute date", "since": "à partir du {day}",
           "titre": "titre", "ccp": "CCP", "sep": " ; ",
           "current": "texte en vigueur : des violations", "case_law": "jurisprudence : des violations",
           "superseded_basis": "texte abrogé seulement : des avertissements",
           "guidance_basis": "guide officiel seulement : des avertissements",
           "seed": "guide de la session : selon la clause", "record": "le dossier lui-même : des violations"},
    "en": {"clause": "Clause", "breach": "explicit breach", "no_evidence": "no record",
           "none": "nothing to report", "sources": "Sources", "rules": "Rules", "rule": "Rule",
           "severity": "severity", "reference": "Reference", "article": "article", "quote": "quote",
           "url": "link", "when": "Finding when", "match": "there is an event '{event}' (called {alias})",
           "absent": "there is no event '{event}'", "where": " such that {conditions}",
           "and": " and ", "in_force": "In force", "always": "no date limit", "from": "from {start}",
           "until": "until {until}", "examples": "Examples", "fire": "finding", "pass": "no finding",
           "message": "Message", "derives": "Derives a fact '{type}'", "english": "In French",
           "no_rule": "No rule: the clause is judged by the record checks (D1–D4).",
           "basis": "Basis", "texts": "Texts", "versions": "Versions in force by date",
           "in_force_text": "in force", "superseded": "superseded", "guidance": "guidance (not a legal text)",
           "undated": "date unknown", "setting": "setting {name}", "for_kind": "{kind} session: {span}",
           "suspended": "suspended {span} ({text})", "span": "from {start} to {until}", "before": "before {day}",
           "none_in_force": "no rule in force", "every_date": "at every date", "since": "from {day}",
           "titre": "title", "ccp": "CCP", "sep": "; ",
           "current": "a text in force: violations", "case_law": "case law: violations",
           "superseded_basis": "a superseded text only: warnings",
           "guidance_basis": "official guidance only: warnings",
           "seed": "the session guide: as the clause says", "record": "the record itself: violations"},
}


def explain(rulebook: Rulebook, identifier: str, lang: str = "fr") -> str:
    """The text of ``compliance explain``; UsageError (with a suggestion) for an unknown id."""
    W = _WORDS["fr" if lang == "fr" else "en"]
    clauses = {c.id: c for c in rulebook.clauses}
    if identifier in clauses:
        return _clause(rulebook, clauses[identifier], W, lang)
    try:
        rule = rulebook.rule(identifier)
    except KeyError:
        known = list(clauses) + [r.id for r in rulebook.rules]
        raise UsageError(f"no clause or rule '{identifier}'", hint=did_you_mean(identifier, known)) from None
    lines = []
    if isinstance(rule, Check):
        lines += _clause_head(clauses[rule.clause], W, lang)
    return "\n".join(lines + _rule(rule, W, lang)) + "\n"


def _clause_head(clause: Clause, W: dict[str, str], lang: str) -> list[str]:
    other = clause.title.en if lang == "fr" else clause.title.fr
    no_evidence = clause.no_evidence.value if clause.no_evidence is not None else W["none"]
    return [f"{W['clause']} {clause.id} — {clause.title.get(lang)}", f"  ({W['english']} : {other})"
            if lang == "fr" else f"  ({W['english']}: {other})",
            f"  {W['breach']} → {clause.breach.value} · {W['no_evidence']} → {no_evidence}",
            f"  {W['basis']}{_colon(lang)}{clause.basis} ({W[_BASIS_WORD.get(clause.basis, clause.basis)]})", ""]


_BASIS_WORD = {"superseded": "superseded_basis", "guidance": "guidance_basis"}
_STATUS_WORD = {"in_force": "in_force_text", "superseded": "superseded", "guidance": "guidance"}


def _colon(lang: str) -> str:
    return " : " if lang == "fr" else ": "


def _texts(rules: list[Check], W: dict[str, str], lang: str) -> list[str]:
    """The catalogue's texts the clause's rules name (main ones first), with date and status."""
    texts: dict[str, CitedText] = {}
    for rule in rules:
        for text in rule.reference.texts:
            texts.setdefault(text.id, text)
        for pause in rule.validity.suspended:
            if pause.text is not None:
                texts.setdefault(pause.text.id, pause.text)
    if not texts:
        return []
    lines = [W["texts"]]
    for text in texts.values():
        status = W[_STATUS_WORD[text.status]]
        lines.append(f"  - {text.title} ({text.date or W['undated']}, {status})" + (f" <{text.url}>" if text.url else ""))
    return lines + [""]


def _versions(rules: list[Check], W: dict[str, str], lang: str) -> list[str]:
    """The clause's rules in force on each span of days its rules' dates cut the calendar into,
    for each kind of session where the kinds differ."""
    cuts = sorted({day for rule in rules for day in _cuts(rule.validity)})
    starts: list[dt.date | None] = [None, *cuts]
    lines = [W["versions"]]
    for i, start in enumerate(starts):
        end = cuts[i] - dt.timedelta(days=1) if i < len(cuts) else None
        day = start if start is not None else (end if end is not None else dt.date(2000, 1, 1))
        by_kind = {kind: [r.id for r in rules if r.applies_on(day, kind)] for kind in ("titre", "ccp")}
        when = (W["every_date"] if start is None and end is None else
                W["before"].format(day=cuts[0]) if start is None else
                W["since"].format(day=start) if end is None else _span_words(Span(start=start, until=end), W))
        if by_kind["titre"] == by_kind["ccp"]:
            lines.append(f"  - {when}{_colon(lang)}{', '.join(by_kind['titre']) or W['none_in_force']}")
        else:
            for kind, ids in by_kind.items():
                lines.append(f"  - {when}, {W['for_kind'].format(kind=W[kind], span=', '.join(ids) or W['none_in_force'])}")
    return lines + [""]


def _cuts(validity: Validity) -> list[dt.date]:
    """The first days on which what a rule's validity says may change."""
    spans = [validity.span, *(span for _, span in validity.by_kind), *(p.span for p in validity.suspended)]
    out = []
    for span in spans:
        if span.start is not None:
            out.append(span.start)
        if span.until is not None:
            out.append(span.until + dt.timedelta(days=1))
    return out


def _span_words(span: Span, W: dict[str, str]) -> str:
    start = f"{span.start}" + (f" ({W['setting'].format(name=span.start_setting)})" if span.start_setting else "")
    until = f"{span.until}" + (f" ({W['setting'].format(name=span.until_setting)})" if span.until_setting else "")
    if span.start is not None and span.until is not None:
        return W["span"].format(start=start, until=until)
    if span.start is not None:
        return W["from"].format(start=start)
    return W["until"].format(until=until) if span.until is not None else W["always"]


def _validity_words(validity: Validity, W: dict[str, str]) -> str:
    parts = [_span_words(validity.span, W)]
    parts += [W["for_kind"].format(kind=W[kind], span=_span_words(span, W)) for kind, span in validity.by_kind]
    parts += [W["suspended"].format(span=_span_words(p.span, W), text=p.text.title if p.text else "")
              for p in validity.suspended]
    return W["sep"].join(parts)


def _clause(rulebook: Rulebook, clause: Clause, W: dict[str, str], lang: str) -> str:
    lines = _clause_head(clause, W, lang)
    rules = [r for r in rulebook.checks if r.clause == clause.id]
    sources = list(dict.fromkeys(_citation(r) for r in rules))
    if sources:
        lines += [f"{W['sources']}"] + [f"  - {s}" for s in sources] + [""]
    if rules:
        lines += _texts(rules, W, lang) + _versions(rules, W, lang)
    if not rules:
        lines.append(W["no_rule"])
    for rule in rules:
        lines += _rule(rule, W, lang) + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _citation(rule: Check) -> str:
    ref = rule.reference
    text = ref.text + (f", {ref.article}" if ref.article else "")
    return text + (f" — « {ref.quote} »" if ref.quote else "") + (f" <{ref.url}>" if ref.url else "")


def _rule(rule: Rule, W: dict[str, str], lang: str) -> list[str]:
    if not isinstance(rule, Check):
        return [f"{W['rule']} {rule.id} ({_where(rule)})", "  " + W["derives"].format(type=rule.type),
                f"  {W['when']} :" if lang == "fr" else f"  {W['when']}:",
                *(f"    - {_pattern(p, W)}" for p in rule.patterns)]
    span = _validity_words(rule.validity, W)
    colon = " : " if lang == "fr" else ": "
    lines = [f"{W['rule']} {rule.id} — {rule.title.get(lang)} ({_where(rule)})",
             f"  {W['severity']}{colon}{rule.severity.value}",
             f"  {W['reference']}{colon}{_citation(rule)}",
             f"  {W['in_force']}{colon}{span}",
             f"  {W['when']}{colon.rstrip()}"]
    lines += [f"    - {_pattern(p, W)}" for p in rule.patterns]
    lines.append(f"  {W['message']}{colon}{rule.message.get(lang)}")
    if rule.examples:
        lines.append(f"  {W['examples']}{colon.rstrip()}")
        lines += [f"    - {W[e.expect.value]} : {e.name or '—'}" if lang == "fr" else f"    - {W[e.expect.value]}: "
                  f"{e.name or '—'}" for e in rule.examples]
    return lines


def _where(rule: Rule) -> str:
    """``rules/S3-candidats.yaml:7``: the rule's directory and file, the same on every machine."""
    path = Path(rule.file)
    return f"{path.parent.name}/{path.name}:{rule.line}"


def _pattern(pattern: Pattern, W: dict[str, str]) -> str:
    head = W["absent" if pattern.absent else "match"].format(event=pattern.event, alias=pattern.alias)
    if not pattern.conditions:
        return head
    return head + W["where"].format(conditions=W["and"].join(c.text for c in pattern.conditions))
