"""Evidence written for people: event types and fields by their labels (compliance/events.py),
people by name with their id in brackets, times in words, booleans as oui/non, lists with real
plurals. Built per report (``Wording(report, lang)``) from what the report holds, so a report
read back from its JSON reads the same.

Every text returned is raw: each reporter escapes it for its format.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from .. import _time
from ..events import EVENT_TYPES, PERSON_FIELDS, FieldSpec, specific_fields
from ..messages import YES_NO
from ..model import Evidence, Report

# Fields that say who an event is about (the "who" column); the others are its details.
WHO_FIELDS = ("person", "juror", "candidate", "witness", "decided_by", "from", "to", "by", "name", "role")

# The values rules compute (``values:`` of rules/*.yaml, ``location`` of record-integrity
# findings), by their names in rule files, as reports show them.
VALUE_NAMES = {
    "au_plus_tard": ("au plus tard", "latest date"),
    "avance": ("avance", "lead time"),
    "duree": ("durée", "duration"),
    "echeance": ("échéance", "deadline"),
    "fin_prevue": ("fin prévue", "scheduled end"),
    "limite": ("limite", "limit"),
    "majoration": ("majoration", "extra time"),
    "retard": ("retard", "delay"),
    "location": ("emplacement", "location"),
}

_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DURATION_DAYS = re.compile(r"^(-?[0-9]+) j( [0-9]+ h)?$")


def _specs(type_name: str) -> dict[str, FieldSpec]:
    cls = EVENT_TYPES.get(type_name)
    return {} if cls is None else {spec.name: spec for spec in specific_fields(cls)}


class Wording:
    """How one report's evidence reads in one language."""

    def __init__(self, report: Report, lang: str):
        self.lang = "fr" if lang == "fr" else "en"
        self.names = dict(report.names)
        try:
            self.tz: dt.tzinfo = _time.zone(report.time_zone)
        except ValueError:           # a report read back from JSON naming a zone unknown here
            self.tz = dt.timezone.utc
        self.offset = self._session_offset(report)

    def _session_offset(self, report: Report) -> dt.timedelta | None:
        """The session's UTC offset: at noon of its first day, else at its first event."""
        if report.info.first_day:
            try:
                noon = dt.datetime.combine(_time.parse_day(report.info.first_day), dt.time(12), tzinfo=self.tz)
                return noon.utcoffset()
            except (_time.TimeFormatError, OverflowError):
                pass
        return report.timeline[0].at.utcoffset() if report.timeline else None

    # -- single words
    def colon(self) -> str:
        return " : " if self.lang == "fr" else ": "

    def separator(self) -> str:
        return " ; " if self.lang == "fr" else "; "

    def person(self, pid: str) -> str:
        """``Agnès Roussel (RS1)``, or the id alone when the record names no one for it."""
        name = self.names.get(pid)
        return f"{name} ({pid})" if name else pid

    def event(self, type_name: str) -> str:
        """An event type's label (the type itself when this vocabulary does not know it)."""
        cls = EVENT_TYPES.get(type_name)
        return cls.LABEL.get(self.lang) if cls is not None else type_name

    def moment(self, at: dt.datetime) -> str:
        """``mardi 10 mars 2026 à 8 h 20`` (``Tuesday 10 March 2026, 08:20``)."""
        return _time.moment_words(at, self.lang, self.offset)

    def clock(self, at: dt.datetime, reference: dt.timedelta | None = None) -> str:
        """``8 h 20`` (``08:20``), with the offset when it is not ``reference`` (default: the session's)."""
        return _time.clock_words(at, self.lang) + _time.offset_note(at, reference or self.offset)

    # -- an event's fields
    def fields(self, e: Evidence) -> list[tuple[str, str, str]]:
        """(field, label, value) of the event's fields that hold something, in words."""
        specs = _specs(e.type)
        named = {self.names.get(v) for k, v in e.details if k in PERSON_FIELDS}
        out = []
        for name, raw in e.details:
            if not raw or (name == "name" and raw in named):    # the name already shown by the id
                continue
            spec = specs.get(name)
            items = raw.split(", ") if spec is not None and spec.kind == "list" else [raw]
            label = spec.label.get(self.lang, len(items)) if spec is not None and spec.label else name
            out.append((name, label, self._value(name, raw, items, spec)))
        return out

    def _value(self, name: str, raw: str, items: list[str], spec: FieldSpec | None) -> str:
        if spec is None:
            return raw
        if name in PERSON_FIELDS:
            return ", ".join(self.person(item) for item in items)
        if spec.words:
            return ", ".join(spec.words[item].get(self.lang) if item in spec.words else item for item in items)
        if spec.kind == "bool" and raw in ("true", "false"):
            yes, no = YES_NO[self.lang]
            return yes if raw == "true" else no
        if spec.kind == "time":
            try:
                return self.moment(_time.parse_report_time(raw, self.tz))
            except _time.TimeFormatError:
                return raw
        if spec.kind == "day" and _DAY.match(raw):
            try:
                return _time.long_day(_time.parse_day(raw), self.lang)
            except _time.TimeFormatError:
                return raw
        if spec.kind == "duration" and raw.isdigit():
            return f"{raw} min"
        return raw

    def phrase(self, parts: Iterable[tuple[str, str, str]]) -> str:
        """``candidat : Élodie Marchand (C1) ; épreuve : C1-MSP``."""
        return self.separator().join(f"{label}{self.colon()}{value}" for _, label, value in parts)

    def who_and_details(self, e: Evidence) -> tuple[str, str]:
        """The event's fields split into who it names and the rest, each as a phrase."""
        parts = self.fields(e)
        return (self.phrase(p for p in parts if p[0] in WHO_FIELDS),
                self.phrase(p for p in parts if p[0] not in WHO_FIELDS))

    def evidence_line(self, e: Evidence) -> str:
        """``mardi 10 mars 2026 à 9 h 00 — Début d'épreuve (candidat : … ; épreuve : C1-MSP) [file:3]``:
        how the text and JUnit reports cite an event."""
        fields = self.phrase(self.fields(e))
        return f"{self.moment(e.at)} — {self.event(e.type)}" + (f" ({fields})" if fields else "") + \
            f"  [{e.where()}]"

    # -- a finding's computed values
    def value_name(self, name: str) -> str:
        """``échéance`` for the rule file's ``echeance``; other names as written."""
        words = VALUE_NAMES.get(name)
        return name if words is None else words[0 if self.lang == "fr" else 1]

    def value(self, text: str) -> str:
        """A computed value (kept in its data form in the report) in words: times, days,
        durations (``2 j 3 h`` is ``2 d 3 h`` in English), yes/no."""
        try:
            return self.moment(_time.parse_report_time(text, self.tz))
        except _time.TimeFormatError:
            pass
        if _DAY.match(text):
            try:
                return _time.long_day(_time.parse_day(text), self.lang)
            except _time.TimeFormatError:
                return text
        days = _DURATION_DAYS.match(text)
        if days and self.lang == "en":
            return f"{days.group(1)} d{days.group(2) or ''}"
        if text in YES_NO["fr"] and self.lang == "en":
            return YES_NO["en"][YES_NO["fr"].index(text)]
        return text

    def values(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(self.value_name(name), self.value(text)) for name, text in pairs]
