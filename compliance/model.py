"""Values that flow out of a check: sessions in, findings and reports out. No I/O here."""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Iterable, Sequence

import attrs

from . import _time
from .events import Event


@attrs.frozen
class Text:
    """A text in French and English."""
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Severity(str, enum.Enum):
    VIOLATION = "violation"   # a must / must-not was breached
    WARNING = "warning"       # a recommendation missed, or a duty without evidence
    PENDING = "pending"       # a deadline not yet due at the audit date

    def __str__(self) -> str:     # what an f-string shows: "violation", as reports write it
        return self.value


# Worst first: the order a clause's status and a summary follow.
SEVERITY_ORDER: tuple[Severity, ...] = (Severity.VIOLATION, Severity.WARNING, Severity.PENDING)


def worst_severity(severities: Iterable[Severity]) -> Severity:
    """The most serious of ``severities`` (violation, then warning, then pending)."""
    return min(severities, key=SEVERITY_ORDER.index)


class Status(str, enum.Enum):
    COMPLIANT = "compliant"
    VIOLATION = "violation"
    WARNING = "warning"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"

    def __str__(self) -> str:
        return self.value


def _events(events: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(events)


def _problems(problems: Iterable[tuple[str, Any]]) -> tuple[tuple[str, Any], ...]:
    return tuple(problems)


@attrs.frozen(kw_only=True)
class Session:
    """One exam session's events, in the order they were recorded."""
    id: str
    events: tuple[Event, ...] = attrs.field(converter=_events)
    source: str = ""
    # what the reader had to leave out, as (clause, error): D2 malformed events, D4 duplicates
    problems: tuple[tuple[str, Any], ...] = attrs.field(converter=_problems, default=(), eq=False)
    digest: str = attrs.field(default="", eq=False)   # sha256 of the file(s) read, as hex; ", " between files


def _aware(_inst: object, attribute: attrs.Attribute[Any], value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{attribute.name}: expected an aware datetime, got {value!r}")
    if value.utcoffset() is None:
        raise ValueError(f"{attribute.name}: expected an aware datetime, got {value!r}")


def _day(_inst: object, attribute: attrs.Attribute[Any], value: dt.date) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"{attribute.name}: expected a calendar day (datetime.date), got {value!r}")


@attrs.frozen(kw_only=True)
class Evidence:
    """An event cited by a finding (or shown on a timeline)."""
    index: int            # position in the session
    event_id: str
    type: str
    at: dt.datetime = attrs.field(validator=_aware)   # to the second, in the session's time zone
    details: tuple[tuple[str, str], ...] = ()          # the event's fields as text
    file: str | None = None
    line: int | None = None

    @classmethod
    def of_event(cls, event: Event, index: int, tz: dt.tzinfo) -> Evidence:
        """The evidence citing ``event``, the session's ``index``-th, read in ``tz``."""
        loc = event.location
        return cls(index=index, event_id=event.id, type=event.TYPE, at=_time.in_zone(event.at, tz),
                   details=tuple((name, _detail(value, tz)) for name, value in event.fields().items()),
                   file=loc.file if loc else None, line=loc.line if loc else None)

    def where(self) -> str:
        """``file:line``, the file alone, or ``#n`` (its position) when it has no location."""
        if self.file is None:
            return f"#{self.index + 1}"
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@attrs.frozen(kw_only=True)
class Waiver:
    """An accepted deviation: for this session and clause (and rule, if given), until expiry."""
    session: str
    clause: str
    justification: str
    accepted_by: str
    expires: dt.date = attrs.field(validator=_day)   # the last day the waiver applies
    rule: str | None = None
    file: str | None = None
    line: int | None = None


@attrs.frozen(kw_only=True)
class WaiverUse:
    """What became of a waiver for a session: applied, expired (no longer applies) or unused."""
    waiver: Waiver
    outcome: str                 # applied | expired | unused


@attrs.frozen(kw_only=True)
class Finding:
    rule: str
    clause: str
    severity: Severity = attrs.field(converter=Severity)
    session: str
    title: Text
    message: Text
    evidence: tuple[Evidence, ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    waived: Waiver | None = None   # set when an unexpired waiver accepts this finding
    source: Source | None = None   # the rule's reference (INTEGRITY_SOURCE for D findings)

    def sort_key(self, clause_order: dict[str, int]) -> tuple[int, int, str, str, tuple[int, ...]]:
        first = self.evidence[0].index if self.evidence else -1
        return (clause_order.get(self.clause, 10_000), first, self.rule, self.message.fr,
                tuple(e.index for e in self.evidence))


def judge_clause(findings: Sequence[Finding], otherwise: Status) -> Status:
    """A clause's status from its findings: waived when a waiver accepts every one, else the
    worst severity of those not waived; ``otherwise`` (compliant, not applicable) when none.

    The checker and the waivers both judge clauses here, so a waived report reads as if it had
    been checked with its waivers.
    """
    if not findings:
        return otherwise
    live = [f.severity for f in findings if f.waived is None]
    return Status(worst_severity(live).value) if live else Status.WAIVED


@attrs.frozen(kw_only=True)
class Source:
    """The text a finding rests on: a legal text or guidance, its article, a short quote, a link."""
    text: str
    article: str = ""
    url: str = ""
    quote: str = ""
    date: str = ""      # the main text's date (YYYY-MM-DD), "" where unknown
    status: str = ""    # the main text's status: in_force, superseded, guidance ("" for none)


# Record-integrity findings (D) rest on no regulation: they say the record itself is unusable.
INTEGRITY_SOURCE = Source(text="compliance : contrôle d'intégrité du dossier de session (non réglementaire)")


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class SessionInfo:
    """What identifies a session for tables and statistics: its title, centre, site and day."""
    title: str = ""          # code of the title, e.g. TP-00417
    title_name: str = ""
    kind: str = ""           # titre | ccp
    centre: str = ""
    site: str = ""
    first_day: str = ""      # YYYY-MM-DD, the first opening's day in the session's zone
    last_day: str = ""       # the last opening's day
    managers: tuple[str, ...] = attrs.field(default=(), converter=_texts)      # "Agnès Roussel (RS1)": designated managers
    substitutes: tuple[str, ...] = attrs.field(default=(), converter=_texts)   # designated substitutes
    jurors: tuple[str, ...] = attrs.field(default=(), converter=_texts)        # appointed jurors
    candidates: int = 0                 # registered
    present: int = 0                    # registered candidates who started at least one test
    record_sha256: str = ""             # of the file(s) the session was read from

    @classmethod
    def of(cls, events: Sequence[Event], tz: dt.tzinfo, digest: str = "") -> "SessionInfo":
        planned = next((e for e in events if e.TYPE == "session_planned"), None)
        days = sorted({e.at.astimezone(tz).date() for e in events if e.TYPE == "session_opened"})
        people: dict[str, dict[str, str]] = {"manager": {}, "substitute": {}, "juror": {}}
        registered, started = set(), set()
        for e in events:
            if e.TYPE not in _INFO_TYPES:
                continue
            fields = e.fields()
            if e.TYPE == "manager_designated" and fields["role"].value in people:
                people[fields["role"].value].setdefault(fields["person"], fields["name"])
            elif e.TYPE == "juror_appointed":
                people["juror"].setdefault(fields["juror"], fields["name"])
            elif e.TYPE == "candidate_registered":
                registered.add(fields["candidate"])
            elif e.TYPE == "test_started":
                started.add(fields["candidate"])

        def named(role: str) -> tuple[str, ...]:
            return tuple(f"{name} ({pid})" if name else pid for pid, name in people[role].items())
        planned_fields = planned.fields() if planned is not None else {}
        kind = planned_fields.get("kind")
        return cls(title=planned_fields.get("title", ""), title_name=planned_fields.get("title_name", ""),
                   kind=kind.value if kind is not None else "", centre=planned_fields.get("centre", ""),
                   site=planned_fields.get("site", ""),
                   first_day=_time.render_date(days[0]) if days else "",
                   last_day=_time.render_date(days[-1]) if days else "",
                   managers=named("manager"), substitutes=named("substitute"), jurors=named("juror"),
                   candidates=len(registered), present=len(registered & started), record_sha256=digest)


_INFO_TYPES = frozenset({"manager_designated", "juror_appointed", "candidate_registered", "test_started"})


def _span_pairs(pairs: Iterable[Iterable[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in pairs)


def _strings(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class RuleVersion:
    """A dated rule that judged the session: its id, the span it is in force (``since``,
    ``until``: YYYY-MM-DD or "" for no limit; ``kind``: the kind of session that span is for,
    "" for any), the text it rests on (its reference, and the main text's date) and the spans a
    derogation suspends it (``suspended``: (since, until) pairs)."""
    rule: str
    since: str = ""
    until: str = ""
    kind: str = ""
    text: str = ""
    text_date: str = ""
    suspended: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_span_pairs)   # (since, until)


NOT_APPLICABLE_REASONS = ("not_yet_in_force", "no_longer_in_force", "suspended", "session_kind")


@attrs.frozen(kw_only=True)
class NotApplicable:
    """Why a clause was not applicable (one of ``NOT_APPLICABLE_REASONS``): the days that
    decide it (YYYY-MM-DD or ""), the kind of session concerned, the derogation that suspends
    it (``text``), or the events none of which the record holds (``events``, from the
    catalogue's ``applies_if``)."""
    reason: str
    since: str = ""
    until: str = ""
    kind: str = ""
    text: str = ""
    events: tuple[str, ...] = attrs.field(default=(), converter=_strings)


@attrs.frozen(kw_only=True)
class ClauseStatus:
    clause: str
    status: Status = attrs.field(converter=Status)
    title: Text
    findings: int = 0
    versions: tuple[RuleVersion, ...] = ()              # the dated rules that judged the session
    not_applicable: tuple[NotApplicable, ...] = ()      # why, when not applicable
    # for a compliant clause, when the report was asked for them: what showed it was met
    satisfied_by: tuple["Satisfaction", ...] = ()


@attrs.frozen(kw_only=True)
class Satisfaction:
    """One way a rule's obligation was met: the events that opened it and the one that
    discharged it (the identity check before the test), cited as evidence."""
    rule: str
    evidence: tuple[Evidence, ...]


def _sections(sections: Iterable[tuple[str, Text]]) -> tuple[tuple[str, Text], ...]:
    return tuple(sections)


def _pairs(pairs: Iterable[Iterable[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in pairs)


# Declarations that give a person's name: (event type, field holding the person's id).
_NAMING = {"manager_designated": "person", "juror_appointed": "juror", "candidate_registered": "candidate"}


def names_of(events: Iterable[Event]) -> tuple[tuple[str, str], ...]:
    """(id, name) of every person the record names, in record order; the first name declared
    for an id is kept. Reports show people as "Name (id)"."""
    names: dict[str, str] = {}
    for e in events:
        field = _NAMING.get(e.TYPE)
        if field is not None:
            fields = e.fields()
            if fields["name"]:
                names.setdefault(fields[field], fields["name"])
    return tuple(names.items())


@attrs.frozen(kw_only=True)
class Report:
    """The outcome of checking one session: every clause's status and every finding."""
    session: str
    source: str
    as_of: str
    time_zone: str
    tool_version: str
    rulebook: str
    events: int
    clauses: tuple[ClauseStatus, ...]
    findings: tuple[Finding, ...]
    timeline: tuple[Evidence, ...] = ()      # every event of the session, in time order
    waivers: tuple[WaiverUse, ...] = ()
    info: SessionInfo = SessionInfo()
    names: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)   # (id, name) of people
    # the catalogue's sections (id, title) in catalogue order, for reporters; not part of the
    # JSON report (bytes kept), so a report read back from JSON has none and shows section ids
    sections: tuple[tuple[str, Text], ...] = attrs.field(default=(), converter=_sections, eq=False)

    def section_title(self, section: str) -> Text | None:
        """The title of a section of the catalogue (``S3``, ``D``), if the report knows it."""
        return dict(self.sections).get(section)

    @property
    def violations(self) -> tuple[Finding, ...]:
        """Violations not accepted by a waiver."""
        return tuple(f for f in self.findings if f.severity is Severity.VIOLATION and f.waived is None)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Warnings not accepted by a waiver."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING and f.waived is None)

    def to_json(self, *, lean: bool = False) -> dict[str, Any]:
        """The JSON form: every field in declaration order but ``sections``; times as the
        reports render them, days as YYYY-MM-DD, tuples as lists. Written out field by field
        (an audit serialises every report: ``attrs.asdict`` took about 1 ms for each).

        ``lean``: the form of an audit line: no timeline (empty in audits), and each clause as
        its id, status and count of findings only (an audit gives the titles once).
        """
        out: dict[str, Any] = {
            "session": self.session, "source": self.source, "as_of": self.as_of, "time_zone": self.time_zone,
            "tool_version": self.tool_version, "rulebook": self.rulebook, "events": self.events,
            "clauses": ([{"clause": c.clause, "status": c.status.value, "findings": c.findings} for c in self.clauses]
                        if lean else [_clause_json(c) for c in self.clauses]),
            "findings": [_finding_json(f) for f in self.findings]}
        if not lean:
            out["timeline"] = [_evidence_json(e) for e in self.timeline]
        out["waivers"] = [{"waiver": _waiver_json(u.waiver), "outcome": u.outcome} for u in self.waivers]
        out["info"] = _info_json(self.info)
        out["names"] = [[person, name] for person, name in self.names]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], sections: Iterable[tuple[str, Text]] = ()) -> "Report":
        """The report a JSON report holds (times to the second, as the JSON shows them).
        ``sections``: the catalogue's section titles, which the JSON form leaves out."""
        tz = _time.zone(data["time_zone"])
        return cls(
            **{k: v for k, v in data.items() if k not in ("clauses", "findings", "timeline", "waivers", "sections",
                                                          "info", "names")},
            names=data.get("names", ()), sections=sections,
            info=SessionInfo(**data.get("info", {})),
            timeline=tuple(_evidence(e, tz) for e in data.get("timeline", ())),
            waivers=tuple(WaiverUse(waiver=_waiver(w["waiver"]), outcome=w["outcome"])
                          for w in data.get("waivers", ())),
            clauses=tuple(ClauseStatus(clause=c["clause"], status=c["status"], title=Text(**c["title"]),
                                       findings=c["findings"],
                                       versions=tuple(RuleVersion(**v) for v in c.get("versions", ())),
                                       not_applicable=tuple(NotApplicable(**n) for n in c.get("not_applicable", ())),
                                       satisfied_by=tuple(
                                           Satisfaction(rule=s["rule"], evidence=tuple(_evidence(e, tz) for e in s["evidence"]))
                                           for s in c.get("satisfied_by", ())))
                          for c in data["clauses"]),
            findings=tuple(Finding(
                rule=f["rule"], clause=f["clause"], severity=f["severity"], session=f["session"],
                title=Text(**f["title"]), message=Text(**f["message"]),
                evidence=tuple(_evidence(e, tz) for e in f["evidence"]),
                waived=_waiver(f["waived"]) if f.get("waived") else None,
                source=Source(**f["source"]) if f.get("source") else None,
                values=tuple(tuple(v) for v in f["values"])) for f in data["findings"]),
        )


def _detail(value: Any, tz: dt.tzinfo) -> str:
    """An event field's value as evidence shows it (times in the session's zone)."""
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, dt.datetime):
        return _time.render_time(_time.epoch(value), tz)
    if hasattr(value, "value"):        # an enum member of the event vocabulary
        value = value.value
    return str(value).lower() if isinstance(value, bool) else str(value)


def _evidence(data: dict[str, Any], tz: dt.tzinfo) -> Evidence:
    return Evidence(**dict(data, at=_time.parse_report_time(data["at"], tz),
                           details=tuple(tuple(d) for d in data["details"])))


def _waiver(data: dict[str, Any]) -> Waiver:
    return Waiver(**dict(data, expires=_time.parse_day(data["expires"])))


# -- the JSON form, field by field (in declaration order: the keys' order is part of the bytes)
def _text_json(text: Text) -> dict[str, str]:
    return {"fr": text.fr, "en": text.en}


def _pairs_json(pairs: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [list(pair) for pair in pairs]


def _evidence_json(e: Evidence) -> dict[str, Any]:
    return {"index": e.index, "event_id": e.event_id, "type": e.type, "at": _time.render_instant(e.at),
            "details": _pairs_json(e.details), "file": e.file, "line": e.line}


def _waiver_json(w: Waiver) -> dict[str, Any]:
    return {"session": w.session, "clause": w.clause, "justification": w.justification,
            "accepted_by": w.accepted_by, "expires": _time.render_date(w.expires), "rule": w.rule,
            "file": w.file, "line": w.line}


def _source_json(s: Source) -> dict[str, str]:
    return {"text": s.text, "article": s.article, "url": s.url, "quote": s.quote, "date": s.date,
            "status": s.status}


def _finding_json(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "clause": f.clause, "severity": f.severity.value, "session": f.session,
            "title": _text_json(f.title), "message": _text_json(f.message),
            "evidence": [_evidence_json(e) for e in f.evidence], "values": _pairs_json(f.values),
            "waived": _waiver_json(f.waived) if f.waived is not None else None,
            "source": _source_json(f.source) if f.source is not None else None}


def _version_json(v: RuleVersion) -> dict[str, Any]:
    return {"rule": v.rule, "since": v.since, "until": v.until, "kind": v.kind, "text": v.text,
            "text_date": v.text_date, "suspended": _pairs_json(v.suspended)}


def _not_applicable_json(n: NotApplicable) -> dict[str, Any]:
    return {"reason": n.reason, "since": n.since, "until": n.until, "kind": n.kind, "text": n.text,
            "events": list(n.events)}


def _clause_json(c: ClauseStatus) -> dict[str, Any]:
    out = {"clause": c.clause, "status": c.status.value, "title": _text_json(c.title), "findings": c.findings,
           "versions": [_version_json(v) for v in c.versions],
           "not_applicable": [_not_applicable_json(n) for n in c.not_applicable]}
    if c.satisfied_by:      # only reports asked for the evidence of compliance carry it
        out["satisfied_by"] = [{"rule": s.rule, "evidence": [_evidence_json(e) for e in s.evidence]}
                               for s in c.satisfied_by]
    return out


def _info_json(i: SessionInfo) -> dict[str, Any]:
    return {"title": i.title, "title_name": i.title_name, "kind": i.kind, "centre": i.centre, "site": i.site,
            "first_day": i.first_day, "last_day": i.last_day, "managers": list(i.managers),
            "substitutes": list(i.substitutes), "jurors": list(i.jurors), "candidates": i.candidates,
            "present": i.present, "record_sha256": i.record_sha256}
