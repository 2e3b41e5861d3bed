"""A clause or a rule in words, for inspectors and rule authors (``compliance explain ID``).

For a clause: its text in French and English, the severities the catalogue gives a breach and a
missing record, the sources its rules cite, and each rule. For a rule: its clause, its
reference, what it looks for (each entry of ``when`` as a sentence), when it applies, and its
examples. Nothing here runs a rule.
"""
from __future__ import annotations

from pathlib import Path

from .catalogue import Clause
from .errors import UsageError, did_you_mean
from .rule_model import Check, Pattern, Rule, Rulebook

_WORDS = {
    "fr": {"clause": "Clause", "breach": "manquement explicite", "no_evidence": "aucune trace",
           "none": "rien à signaler", "sources": "Sources", "rules": "Règles", "rule": "Règle",
           "severity": "gravité", "reference": "Référence", "article": "article", "quote": "citation",
           "url": "lien", "when": "Constat quand", "match": "il y a un événement « {event} » (noté {alias})",
           "absent": "il n'y a aucun événement « {event} »", "where": " tel que {conditions}",
           "and": " et ", "in_force": "En vigueur", "always": "sans limite de date", "from": "du {start}",
           "until": "jusqu'au {until}", "examples": "Exemples", "fire": "constat", "pass": "pas de constat",
           "message": "Message", "derives": "Déduit un fait « {type} »", "english": "En anglais",
           "no_rule": "Aucune règle : la clause est jugée par les contrôles du dossier (D1–D4)."},
    "en": {"clause": "Clause", "breach": "explicit breach", "no_evidence": "no record",
           "none": "nothing to report", "sources": "Sources", "rules": "Rules", "rule": "Rule",
           "severity": "severity", "reference": "Reference", "article": "article", "quote": "quote",
           "url": "link", "when": "Finding when", "match": "there is an event '{event}' (called {alias})",
           "absent": "there is no event '{event}'", "where": " such that {conditions}",
           "and": " and ", "in_force": "In force", "always": "no date limit", "from": "from {start}",
           "until": "until {until}", "examples": "Examples", "fire": "finding", "pass": "no finding",
           "message": "Message", "derives": "Derives a fact '{type}'", "english": "In French",
           "no_rule": "No rule: the clause is judged by the record checks (D1–D4)."},
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
            f"  {W['breach']} → {clause.breach.value} · {W['no_evidence']} → {no_evidence}", ""]


def _clause(rulebook: Rulebook, clause: Clause, W: dict[str, str], lang: str) -> str:
    lines = _clause_head(clause, W, lang)
    rules = [r for r in rulebook.checks if r.clause == clause.id]
    sources = list(dict.fromkeys(_citation(r) for r in rules))
    if sources:
        lines += [f"{W['sources']}"] + [f"  - {s}" for s in sources] + [""]
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
    start, until = rule.in_force
    span = W["always"] if start is None and until is None else " ".join(
        part for part in (W["from"].format(start=start) if start else "",
                          W["until"].format(until=until) if until else "") if part)
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
