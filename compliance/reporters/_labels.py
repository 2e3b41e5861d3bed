"""Fixed words of the reports, French first, and the helpers every reporter shares: the words
of a status, a severity and a waiver's outcome, the waiver sentence, the counts of a summary,
the line citing an evidence, times (rendered here through ``_time``, never parsed back).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from .. import _time
from ..model import Evidence, Finding, Report, Severity, Source, Status, Text, Waiver

LABELS = {
    "fr": {
        "session": "Session", "source": "Source", "as_of": "Date d'audit", "tool": "Outil",
        "rulebook": "Base de règles", "events": "événements", "clauses": "Clauses",
        "findings": "Constats", "evidence": "Preuves", "values": "Valeurs", "none": "Aucun constat.",
        "rule": "règle",
        # reporters other than text
        "report_title": "Rapport de conformité — session de Titre Professionnel",
        "sessions": "Sessions", "time_zone": "Fuseau horaire", "events_count": "Événements",
        "checklist": "Liste de contrôle des clauses", "clause": "Clause", "status": "Statut",
        "clause_title": "Intitulé", "count": "Constats", "section": "Section",
        "rule_label": "Règle", "time": "Heure", "event": "Événement", "who": "Qui",
        "details": "Détails", "where": "Emplacement",
        "timeline": "Chronologie de la session",
        "timeline_intro": "Tous les événements du dossier, dans l'ordre chronologique ; les "
                          "événements cités comme preuve portent la clause et la gravité du constat.",
        "timeline_missing": "Chronologie non incluse dans ce rapport.",
        "no_evidence": "Constats sans événement cité",
        "waived_by": "Dérogation acceptée par {by} jusqu'au {until} : {why}",
        "waivers": "Dérogations",
        "legend": "Légende",
        "summary_label": "Bilan",
        "line": "Ligne",
    },
    "en": {
        "session": "Session", "source": "Source", "as_of": "Audit date", "tool": "Tool",
        "rulebook": "Rule base", "events": "events", "clauses": "Clauses",
        "findings": "Findings", "evidence": "Evidence", "values": "Values", "none": "No finding.",
        "rule": "rule",
        "report_title": "Compliance report — Titre Professionnel exam session",
        "sessions": "Sessions", "time_zone": "Time zone", "events_count": "Events",
        "checklist": "Clause checklist", "clause": "Clause", "status": "Status",
        "clause_title": "Title", "count": "Findings", "section": "Section",
        "rule_label": "Rule", "time": "Time", "event": "Event", "who": "Who",
        "details": "Details", "where": "Location",
        "timeline": "Session timeline",
        "timeline_intro": "Every event of the record in time order; the events cited as evidence "
                          "carry the clause and severity of the finding.",
        "timeline_missing": "Timeline not included in this report.",
        "no_evidence": "Findings that cite no event",
        "waived_by": "Waived by {by} until {until}: {why}",
        "waivers": "Waivers",
        "legend": "Legend",
        "summary_label": "Summary",
        "line": "Line",
    },
}

# The block a person signs at the end of a session's report (html, markdown): what was
# checked, the inspector's observations, then place, date, name, role and signature.
ATTESTATION: dict[str, dict[str, Any]] = {
    "fr": {"title": "Attestation", "made": "Rapport établi à partir du dossier {source}, à la date d'audit du {as_of}, "
                                          "avec compliance {tool} et la base de règles {rules}.",
           "record": "Empreinte SHA-256 du dossier", "rules": "Base de règles", "observations": "Observations",
           "fields": ("Fait à", "Le", "Nom", "Fonction", "Signature")},
    "en": {"title": "Attestation", "made": "Report made from the record {source}, at the audit date {as_of}, with "
                                          "compliance {tool} and the rule base {rules}.",
           "record": "SHA-256 fingerprint of the record", "rules": "Rule base", "observations": "Observations",
           "fields": ("Made at", "On", "Name", "Role", "Signature")},
}

STATUS = {
    "fr": {"compliant": "conforme", "violation": "VIOLATION", "warning": "avertissement",
           "pending": "en attente", "not_applicable": "sans objet", "waived": "dérogation"},
    "en": {"compliant": "compliant", "violation": "VIOLATION", "warning": "warning",
           "pending": "pending", "not_applicable": "not applicable", "waived": "waived"},
}

SEVERITY = {
    "fr": {"violation": "VIOLATION", "warning": "AVERTISSEMENT", "pending": "EN ATTENTE"},
    "en": {"violation": "VIOLATION", "warning": "WARNING", "pending": "PENDING"},
}

# A symbol per status, so that a status never relies on colour alone (black and white print).
MARK = {"compliant": "✓", "violation": "✗", "warning": "!", "pending": "…", "not_applicable": "–",
        "waived": "≈"}

WAIVER_OUTCOME = {
    "fr": {"applied": "appliquée", "expired": "EXPIRÉE, ne s'applique plus", "unused": "inutilisée"},
    "en": {"applied": "applied", "expired": "EXPIRED, no longer applies", "unused": "unused"},
}

WEEKDAYS, MONTHS = _time.WEEKDAYS, _time.MONTHS

# Event fields that name a person: the "who" of an event; the other fields are its details.
WHO_FIELDS = ("person", "juror", "candidate", "witness", "decided_by", "name", "role")

_SECTION = re.compile(r"^([A-Za-z]+\d*)\.")


def norm_lang(lang: str) -> str:
    """``fr`` or ``en`` (anything but ``fr`` reads as English, as ``Text.get`` does)."""
    return "fr" if lang == "fr" else "en"


def colon(lang: str) -> str:
    """French typography puts a space before a colon."""
    return " : " if lang == "fr" else ": "


def section_of(clause: str) -> str:
    """The catalogue section of a clause id: ``S3.1`` → ``S3``, ``D2`` → ``D``, ``R12`` → ``R``."""
    match = _SECTION.match(clause)
    return match.group(1) if match else clause.rstrip("0123456789") or clause


def section_title(report: Report, clause: str, lang: str) -> str:
    """The title of a clause's section, as the report gives it (else the section id)."""
    return section_name(report.sections, section_of(clause), lang)


def section_name(sections: Iterable[tuple[str, Text]], section: str, lang: str) -> str:
    """A section's title among ``sections`` (a report's), else the section id itself."""
    title = dict(sections).get(section)
    return section if title is None else title.get(norm_lang(lang))


def who_and_details(details: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """An event's fields split into who it names and the rest, each as ``key=value, …``."""
    who = ", ".join(f"{k}={v}" for k, v in details if v and k in WHO_FIELDS)
    rest = ", ".join(f"{k}={v}" for k, v in details if v and k not in WHO_FIELDS)
    return who, rest


def long_day(day: dt.date, lang: str) -> str:
    """``mardi 10 mars 2026`` (``Tuesday 10 March 2026``)."""
    return _time.long_day(day, norm_lang(lang))


def moment(at: dt.datetime) -> str:
    """An evidence's time: ``2026-03-10 09:00 (+01:00)``."""
    return _time.render_instant(at)


def status_word(status: Status, lang: str) -> str:
    return STATUS[norm_lang(lang)][status.value]


def severity_word(severity: Severity, lang: str) -> str:
    return SEVERITY[norm_lang(lang)][severity.value]


def outcome_word(outcome: str, lang: str) -> str:
    """What became of a waiver: applied, expired, unused."""
    return WAIVER_OUTCOME[norm_lang(lang)][outcome]


IDENTITY: dict[str, dict[str, Any]] = {
    "fr": {"title": "Titre", "kind": "Type de session", "centre": "Centre", "site": "Site", "days": "Dates",
           "managers": "Responsable de session", "substitutes": "Suppléants", "jurors": "Jury",
           "candidates": "Candidats", "record": "Empreinte du dossier (SHA-256)",
           "kinds": {"titre": "titre complet", "ccp": "CCP"},
           "people": (("inscrit", "inscrits"), ("présent", "présents"), ("absent", "absents")),
           "span": "du {first} au {last}"},
    "en": {"title": "Title", "kind": "Session kind", "centre": "Centre", "site": "Site", "days": "Dates",
           "managers": "Session manager", "substitutes": "Substitutes", "jurors": "Jury",
           "candidates": "Candidates", "record": "Record fingerprint (SHA-256)",
           "kinds": {"titre": "whole title", "ccp": "CCP"},
           "people": (("registered", "registered"), ("present", "present"), ("absent", "absent")),
           "span": "{first} to {last}"},
}


def identification(report: Report, lang: str) -> list[tuple[str, str]]:
    """What identifies the session, from its declarations: (label, text) pairs, raw text (each
    reporter escapes it); pairs the record does not say are left out."""
    lang = norm_lang(lang)
    W, info = IDENTITY[lang], report.info
    pairs = [(W["title"], " — ".join(p for p in (info.title, info.title_name) if p)),
             (W["kind"], W["kinds"].get(info.kind, info.kind)), (W["centre"], info.centre), (W["site"], info.site)]
    if info.first_day:
        first, last = (_time.parse_day(d) for d in (info.first_day, info.last_day or info.first_day))
        days = long_day(first, lang) if first == last else W["span"].format(first=long_day(first, lang),
                                                                           last=long_day(last, lang))
        pairs.append((W["days"], days))
    pairs += [(W["managers"], ", ".join(info.managers)), (W["substitutes"], ", ".join(info.substitutes)),
              (W["jurors"], ", ".join(info.jurors))]
    if info.candidates:
        numbers = (info.candidates, info.present, info.candidates - info.present)
        pairs.append((W["candidates"], ", ".join(
            f"{n} {words[0] if (n <= 1 if lang == 'fr' else n == 1) else words[1]}"
            for n, words in zip(numbers, W["people"]))))
    pairs.append((W["record"], info.record_sha256))
    return [(label, value) for label, value in pairs if value]


def source_citation(source: Source | None, *, with_url: bool = True) -> str:
    """``Arrêté du 22 décembre 2015 …, art. 8 — « respecter la durée des différentes épreuves »``
    (raw text: each reporter escapes it); the link last, unless the reporter makes it a link."""
    if source is None:
        return ""
    text = source.text + (f", {source.article}" if source.article else "")
    if source.quote:
        text += f" — « {source.quote} »"
    if with_url and source.url:
        text += f" <{source.url}>"
    return text


def waiver_sentence(waiver: Waiver, lang: str) -> str:
    """``Dérogation acceptée par … jusqu'au 2026-12-31 : …`` (raw text: each reporter escapes it)."""
    return LABELS[norm_lang(lang)]["waived_by"].format(by=waiver.accepted_by, why=waiver.justification,
                                                       until=_time.render_date(waiver.expires))


# (singular, plural) of what a summary counts; "en attente" and "pending" do not vary
COUNTED = {
    "fr": {"violation": ("violation", "violations"), "warning": ("avertissement", "avertissements"),
           "pending": ("en attente", "en attente"), "waived": ("sous dérogation", "sous dérogation")},
    "en": {"violation": ("violation", "violations"), "warning": ("warning", "warnings"),
           "pending": ("pending", "pending"), "waived": ("waived", "waived")},
}


def count(n: int, what: str, lang: str) -> str:
    """``1 violation``, ``2 violations``; French keeps 0 and 1 singular (``0 avertissement``),
    English only 1 (``0 warnings``)."""
    lang = norm_lang(lang)
    singular, plural = COUNTED[lang][what]
    one = n <= 1 if lang == "fr" else n == 1
    return f"{n} {singular if one else plural}"


def counts(violations: int, warnings: int, pending: int, lang: str) -> str:
    """``1 violation, 2 avertissements, 0 en attente``."""
    return ", ".join((count(violations, "violation", lang), count(warnings, "warning", lang),
                      count(pending, "pending", lang)))


def summary(findings: Iterable[Finding], lang: str) -> str:
    """The counts of the findings not waived."""
    live = [f.severity for f in findings if f.waived is None]
    return counts(live.count(Severity.VIOLATION), live.count(Severity.WARNING),
                  live.count(Severity.PENDING), lang)


def evidence_line(e: Evidence, fields: str) -> str:
    """``2026-03-10 09:00 (+01:00)  test_started (candidate=C1)  [file:3]``: how the text and
    JUnit reports cite an event; ``fields`` is the caller's choice of the event's fields."""
    return f"{moment(e.at)}  {e.type}" + (f" ({fields})" if fields else "") + f"  [{e.where()}]"


# What XML 1.0 forbids, plus what it only tolerates (DEL, C1 controls) and the bidirectional
# controls that would reorder the text around them on screen.
NOT_XML = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                     "|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def xml_text(text: object) -> str:
    """Text XML 1.0 (and HTML) can hold: control characters and bidirectional overrides become
    U+FFFD."""
    return NOT_XML.sub("\ufffd", str(text))


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_json(text: str) -> str:
    """JSON text that encodes as UTF-8: a lone surrogate (only a file name that is not UTF-8
    can still hold one) is written out escaped, ``\\xff``, as the text reports show it."""
    from ..errors import printable
    return _SURROGATE.sub(lambda m: printable(m.group()).replace("\\", "\\\\"), text)


def uri_bytes(path: str) -> bytes:
    """A file name's bytes for a URI: the bytes it had on disk when it was not UTF-8."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return path.encode("utf-8", "backslashreplace")
