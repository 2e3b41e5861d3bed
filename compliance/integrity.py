"""Record integrity (clauses D1–D4): findings about the record itself, not about the session.

Malformed events (D2) and duplicates (D4) are found by the readers, which keep the rest of the
record; this module turns those problems into findings and adds the checks that need the whole
session: references to undeclared candidates, jurors or tests (D3), and events that contradict
each other (D4). The findings' titles are the catalogue's (``rules/clauses.yaml``), passed in
by the checker.

Why these are not rules of ``rules/``: the rule language matches events by their fields and
times, with ``match`` and ``absent``; it has no view of the record's order or of a sequence.

* D2, D4 duplicates (and D1): the events never reached the checker, so no rule can see them.
* D3: one check over every field, of every event type, that names a candidate, juror or test;
  one finding per undeclared name, citing every event that names it. Rules could say it, but
  one per event type and field, each with its message and examples, and one finding per event.
* D4 "ends before it starts": the test's *first recorded* start is compared with each end, and
  cited when there is one; the rule language has no "first" (being added as a primitive) and
  no match that is cited when present yet allowed to be missing, so it takes two rules with two
  ids (and, without "first", one finding per later start): the findings would change.
* D4 "leaves without arriving": presence is a state that each arrival and departure toggles, in
  time then record order; a second departure without a new arrival is a finding. A rule can
  only say "no arrival before" (missing the second departure) and cannot order events of the
  same instant by their place in the record.
* D4 clock contradictions: a test's clock is a state (not started, running, paused, ended)
  that its start, pauses, resumes and end move, in time then record order, as the working
  time fold (``working_time``) reads them. A pause while the test is not running (before its
  start, already paused, after its end) and a resume while it is not paused are findings, one
  each, citing the event. A rule would need the state left by every earlier clock event of the
  test, not the presence or absence of one. A test ended while paused is no contradiction: a
  candidate who does not come back after the pause.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Mapping, Sequence

from . import _time
from .errors import ComplianceError
from .events import Event, PersonArrived, specific_fields, PersonLeft, TestEnded, TestPaused, TestResumed, TestStarted
from .model import INTEGRITY_SOURCE, Evidence, Finding, Session, Severity, Text

# field -> (declaring event type, declared field, French and English names of what it names)
# (a seal-check witness who is not a registered candidate is clause S4.1 itself)
REFERENCES = {
    "candidate": ("candidate_registered", "candidate", "candidat", "candidate"),
    "juror": ("juror_appointed", "juror", "juré", "juror"),
    "test": ("test_scheduled", "test", "épreuve", "test"),
}


_DECLARES: dict[type[Event], tuple[tuple[str, str], ...]] = {}
_REFERS: dict[type[Event], tuple[tuple[str, str, str], ...]] = {}


def _declares(cls: type[Event]) -> tuple[tuple[str, str], ...]:
    """(declared type, its name field) for each kind of name events of ``cls`` declare."""
    known = _DECLARES.get(cls)
    if known is None:
        known = _DECLARES[cls] = tuple((decl_type, decl_field) for decl_type, decl_field, _fr, _en
                                       in REFERENCES.values() if cls.TYPE == decl_type)
    return known


def _references(cls: type[Event]) -> tuple[tuple[str, str, str], ...]:
    """(field, attribute, declaring type) for each name events of ``cls`` cite but do not declare."""
    known = _REFERS.get(cls)
    if known is None:
        attrs_of = {spec.name: spec.attr for spec in specific_fields(cls)}
        known = _REFERS[cls] = tuple((field, attrs_of[field], decl_type)      # in REFERENCES' order
                                     for field, (decl_type, *_words) in REFERENCES.items()
                                     if field in attrs_of and cls.TYPE != decl_type)
    return known


# French words of a name's kind: (with its article, feminine?), so that "l'épreuve 'T9', jamais
# déclarée" agrees and elides.
_FRENCH_KIND = {"candidat": ("le candidat", False), "juré": ("le juré", False), "épreuve": ("l'épreuve", True)}


def _undeclared_words(event: Event, fr: str, en: str, value: str, decl_type: str, more: int) -> Text:
    """D3's message: the first event naming an undeclared name, and how many others name it."""
    noun, feminine = _FRENCH_KIND[fr]
    declared, pronoun = ("déclarée", "la") if feminine else ("déclaré", "le")
    others_fr = ("." if not more else f" ; un autre événement {pronoun} cite aussi." if more == 1
                 else f" ; {more} autres événements {pronoun} citent aussi.")
    others_en = ("." if not more else "; one other event names it too." if more == 1
                 else f"; {more} other events name it too.")
    return Text(f"L'événement {event.id} ({event.TYPE}) cite {noun} '{value}', jamais {declared} ({decl_type}){others_fr}",
                f"Event {event.id} ({event.TYPE}) names {en} '{value}', never declared ({decl_type}){others_en}")


def problem_finding(clause: str, error: ComplianceError, session: str, titles: Mapping[str, Text]) -> Finding:
    """A reader's problem (D1, D2, or a D4 duplicate) as a finding of the session.

    ``titles`` maps the D clauses to their catalogue titles.
    """
    where = str(error.location) if error.location else ""
    rule = {"D1": "D1-dossier-illisible", "D2": "D2-evenement-mal-forme",
            "D4": "D4-identifiant-en-double"}[clause]
    fr = {"D1": "Dossier illisible", "D2": "Événement ignoré car mal formé",
          "D4": "Événement ignoré : identifiant déjà utilisé"}[clause]
    en = {"D1": "Unreadable record", "D2": "Event ignored as malformed",
          "D4": "Event ignored: id already used"}[clause]
    detail = str(error)
    return Finding(source=INTEGRITY_SOURCE, rule=rule, clause=clause, severity=Severity.VIOLATION, session=session,
                   title=titles[clause], message=Text(f"{fr} ({detail}).", f"{en} ({detail})."),
                   values=(("location", where),) if where else ())


def check_integrity(session: Session, tz: dt.tzinfo, titles: Mapping[str, Text]) -> list[Finding]:
    """D3 and D4 findings of a parsed session, in event order (``titles``: the catalogue's)."""
    events = session.events
    declared: dict[str, set[str]] = {}
    for event in events:
        for decl_type, decl_field in _declares(type(event)):
            declared.setdefault(decl_type, set()).add(getattr(event, decl_field))
    findings: list[Finding] = []

    def cite(*indices: int) -> tuple[Evidence, ...]:
        return tuple(Evidence.of_event(events[i], i, tz) for i in indices)

    # D3: one finding per undeclared name (a juror never appointed who evaluates ten times is
    # one fact), citing every event that names it, in the order of its first mention.
    undeclared: dict[tuple[str, str], list[int]] = {}
    for index, event in enumerate(events):
        for field, attr, decl_type in _references(type(event)):
            value = getattr(event, attr)
            if not value:     # "" : an optional reference left out
                continue
            if value not in declared.get(decl_type, set()):
                undeclared.setdefault((field, value), []).append(index)
    for (field, value), indices in undeclared.items():
        decl_type, _decl_field, fr, en = REFERENCES[field]
        event = events[indices[0]]
        findings.append(Finding(source=INTEGRITY_SOURCE,
            rule="D3-reference-non-declaree", clause="D3", severity=Severity.VIOLATION,
            session=session.id, title=titles["D3"], evidence=cite(*indices),
            message=_undeclared_words(event, fr, en, value, decl_type, len(indices) - 1)))
    starts: dict[str, int] = {}
    for index, event in enumerate(events):
        if isinstance(event, TestStarted):
            starts.setdefault(event.test, index)
    for index, event in enumerate(events):
        if isinstance(event, TestEnded):
            start = starts.get(event.test)
            if start is None or events[start].at > event.at:
                cited = cite(start, index) if start is not None else cite(index)
                ended = _time.render_instant(cited[-1].at)
                findings.append(Finding(source=INTEGRITY_SOURCE,
                    rule="D4-fin-avant-debut", clause="D4", severity=Severity.VIOLATION, session=session.id,
                    title=titles["D4"], evidence=cited,
                    message=Text(f"L'épreuve {event.test} se termine ({ended}) sans avoir commencé avant.",
                                 f"Test {event.test} ends ({ended}) without having started before.")))
    findings += _clock_contradictions(events, session.id, cite, titles)
    present: dict[str, bool] = {}
    for index, event in sorted(enumerate(events), key=lambda pair: (pair[1].at, pair[0])):
        if isinstance(event, PersonArrived):
            present[event.person] = True
        elif isinstance(event, PersonLeft):
            if not present.get(event.person):
                findings.append(Finding(source=INTEGRITY_SOURCE,
                    rule="D4-depart-sans-arrivee", clause="D4", severity=Severity.VIOLATION, session=session.id,
                    title=titles["D4"], evidence=cite(index),
                    message=Text(f"{event.person} quitte le site sans y être arrivé.",
                                 f"{event.person} leaves the site without having arrived.")))
            present[event.person] = False
    return findings


# A test's clock state -> how a pause or a resume in that state reads (French, English).
_NOT_RUNNING = {"not started": ("alors qu'elle n'a pas commencé", "before it started"),
                "paused": ("alors qu'elle est déjà suspendue", "while already paused"),
                "ended": ("alors qu'elle est terminée", "after it ended")}
_NOT_PAUSED = {"not started": ("alors qu'elle n'a pas commencé", "before it started"),
               "running": ("alors qu'elle n'est pas suspendue", "while it is not paused"),
               "ended": ("alors qu'elle est terminée", "after it ended")}


def _clock_contradictions(events: Sequence[Event], session: str, cite: Callable[..., tuple[Evidence, ...]],
                          titles: Mapping[str, Text]) -> list[Finding]:
    """D4: a pause of a test that is not running, a resume of one that is not paused."""
    findings: list[Finding] = []
    state: dict[str, str] = {}
    for index, event in sorted(enumerate(events), key=lambda pair: (pair[1].at, pair[0])):
        if not isinstance(event, (TestStarted, TestPaused, TestResumed, TestEnded)):
            continue
        now = state.get(event.test, "not started")
        if isinstance(event, TestStarted):       # as the fold reads it: the clock runs
            state[event.test] = "running"
        elif isinstance(event, TestEnded):
            state[event.test] = "ended"
        elif isinstance(event, TestPaused) and now != "running":
            findings.append(_clock_finding("D4-pause-hors-deroulement", "est suspendue", "is paused",
                                           _NOT_RUNNING[now], event, index, session, cite, titles))
        elif isinstance(event, TestResumed) and now != "paused":
            findings.append(_clock_finding("D4-reprise-sans-pause", "reprend", "resumes",
                                           _NOT_PAUSED[now], event, index, session, cite, titles))
        else:
            state[event.test] = "paused" if isinstance(event, TestPaused) else "running"
    return findings


def _clock_finding(rule: str, verb_fr: str, verb_en: str, why: tuple[str, str],
                   event: TestPaused | TestResumed, index: int, session: str, cite: Callable[..., tuple[Evidence, ...]], titles: Mapping[str, Text]) -> Finding:
    cited = cite(index)
    when = _time.render_instant(cited[0].at)
    return Finding(source=INTEGRITY_SOURCE, rule=rule, clause="D4", severity=Severity.VIOLATION, session=session, title=titles["D4"],
                   evidence=cited,
                   message=Text(f"L'épreuve {event.test} {verb_fr} ({when}) {why[0]}.",
                                f"Test {event.test} {verb_en} ({when}) {why[1]}."))
