"""Words for the law as of the session date, shared by the text, Markdown and HTML reporters:
which dated rule versions judged a clause, and why a clause was not applicable. Plain text;
each reporter escapes it its own way."""
from __future__ import annotations

from ..model import ClauseStatus, NotApplicable, RuleVersion

_WORDS = {
    "fr": {"version": "version appliquée", "why": "non applicable",
           "not_yet_in_force": "pas encore en vigueur", "no_longer_in_force": "plus en vigueur",
           "suspended": "suspendue", "session_kind": "pas pour ce type de session",
           "since": "à compter du {0}", "until": "jusqu'au {0}", "span": "du {0} au {1}",
           "except": "sauf {0}", "for": "pour une {0}", "titre": "session titre", "ccp": "session CCP",
           "events": "aucun événement {0} dans le dossier", "or": " ni ", "colon": " : ", "sep": " ; "},
    "en": {"version": "version applied", "why": "not applicable",
           "not_yet_in_force": "not yet in force", "no_longer_in_force": "no longer in force",
           "suspended": "suspended", "session_kind": "not for this kind of session",
           "since": "from {0}", "until": "until {0}", "span": "from {0} to {1}",
           "except": "except {0}", "for": "for a {0}", "titre": "title session", "ccp": "CCP session",
           "events": "no {0} event in the record", "or": " or ", "colon": ": ", "sep": "; "},
}


def _span(since: str, until: str, w: dict[str, str]) -> str:
    if since and until:
        return w["span"].format(since, until)
    if since:
        return w["since"].format(since)
    return w["until"].format(until) if until else ""


def _when(v: RuleVersion, w: dict[str, str]) -> str:
    """When a version is in force, in words: its span, its kind of session, its suspensions."""
    parts = [_span(v.since, v.until, w), w["for"].format(w[v.kind]) if v.kind else "",
             *(w["except"].format(_span(a, b, w)) for a, b in v.suspended)]
    return ", ".join(p for p in parts if p)


def _versions(versions: tuple[RuleVersion, ...], w: dict[str, str]) -> str:
    """Rules of one span and one text once: ``R16-a, R16-b (from 2016-06-01; Arrêté …)``."""
    groups: dict[tuple[str, str], list[str]] = {}
    for v in versions:
        groups.setdefault((_when(v, w), v.text), []).append(v.rule)
    return w["sep"].join(", ".join(rules) + " (" + w["sep"].join(p for p in key if p) + ")"
                         for key, rules in groups.items())


def _reason(n: NotApplicable, w: dict[str, str]) -> str:
    detail = [w["for"].format(w[n.kind]) if n.kind else ""]
    if n.reason == "suspended":
        detail.append(_span(n.since, n.until, w))
    elif n.reason == "not_yet_in_force" and n.since:
        detail.append(w["since"].format(n.since))
    elif n.reason == "no_longer_in_force" and n.until:
        detail.append(w["until"].format(n.until))
    detail += [n.text, w["events"].format(w["or"].join(n.events)) if n.events else ""]
    detail = [d for d in detail if d]
    return w[n.reason] + (f" ({', '.join(detail)})" if detail else "")


def clause_notes(clause: ClauseStatus, lang: str) -> list[str]:
    """At most one line: the dated versions that judged the clause, or why it was not applicable."""
    w = _WORDS[lang]
    if clause.not_applicable:
        return [w["why"] + w["colon"] + w["sep"].join(_reason(n, w) for n in clause.not_applicable)]
    if clause.versions:
        return [w["version"] + w["colon"] + _versions(clause.versions, w)]
    return []
