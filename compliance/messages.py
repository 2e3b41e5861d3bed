"""French and English rendering of rule messages and computed values.

Placeholders are looked up by their whole name (``{t.candidate}``, ``{deadline}``) in a plain
mapping; nothing is ever read as an attribute, so a message template cannot reach into objects.

In messages, times read as people write them: "le mardi 10 mars 2026 à 8 h 20", "n'est arrivé
qu'à 8 h 20", "on Tuesday 10 March 2026, 08:20", "at 08:20". A message names a day once: the first
time of a day shows it, later times of that day only their clock; a time whose UTC offset is not
the first time's (a change to summer time between them) shows its offset. A message depends only
on the facts it cites, so live checking and batch checking word it alike.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any, Mapping

import attrs

from . import _time
from .events import EVENT_TYPES, specific_fields

YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}


class _Formatter(string.Formatter):
    def get_field(self, field_name: str, args: Any, kwargs: Mapping[str, Any]) -> tuple[Any, str]:
        return kwargs[field_name], field_name


_FORMATTER = _Formatter()


class Moment(str):
    """A time in a message: its words on their own (``str``: day and time), and its local time so
    that ``render_template`` can word it after what the message already said."""
    local: dt.datetime

    def __new__(cls, local: dt.datetime, lang: str) -> "Moment":
        self = super().__new__(cls, _time.moment_words(local, lang))
        self.local = local
        return self

    def after(self, text: str, lang: str, said: "_Said") -> str:
        """The words that read right after ``text``, the message so far."""
        reference = said.offset if said.offset is not None else self.local.utcoffset()
        said.offset = reference
        day = self.local.date()
        if day in said.days:
            return _time.clock_words(self.local, lang) + _time.offset_note(self.local, reference)
        said.days.add(day)
        if _CLOCK_WORDS[lang].search(text):       # "à {t}", "at {t}": the time first, then its day
            return _time.clock_on_day(self.local, lang, reference)
        return _time.moment_words(self.local, lang, reference)


@attrs.define
class _Said:
    """What a message has said so far: the days it named, the offset of its first time."""
    days: set[dt.date] = attrs.Factory(set)
    offset: dt.timedelta | None = None


_CLOCK_WORDS = {"fr": re.compile(r"(?:^|\W)(?:à|de)\s$", re.I),
                "en": re.compile(r"(?:^|\W)(?:at|from|to|until)\s$", re.I)}


def render_template(template: str, values: Mapping[str, str], lang: str = "fr") -> str:
    """Fill ``{name}`` placeholders from ``values`` (all names were checked at load time); a
    ``Moment`` takes the form the words before it ask for."""
    if not any(isinstance(v, Moment) for v in values.values()):
        return _FORMATTER.vformat(template, (), values)
    out: list[str] = []
    said = _Said()
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        out.append(literal)
        if field is None:
            continue
        value: Any = values[field]
        if isinstance(value, Moment):
            value = value.after("".join(out), "fr" if lang == "fr" else "en", said)
        value = _FORMATTER.convert_field(value, conversion)
        out.append(_FORMATTER.format_field(value, _FORMATTER.vformat(spec or "", (), values)))
    return "".join(out)


def render_value(value: Any, kind: str, tz: dt.tzinfo, lang: str, sentence: bool = False) -> str:
    """An engine value (epoch seconds, seconds, text...) as a person reads it.

    Times and days keep the data form of a finding's values (``2026-03-10 08:20 (+01:00)``,
    ``2026-03-10``) unless ``sentence``: then they are words for a message (a ``Moment`` for times).
    """
    if value is None:
        return "—"
    if kind in ("time", "instant", "day"):
        if not sentence:
            return _time.render_time(int(value), tz) if kind != "day" else _time.render_day(int(value), tz)
        local = _time.local_or_none(int(value), tz)
        if local is None:
            return _time.beyond_words(int(value), lang)
        return Moment(local, lang) if kind != "day" else _time.long_day(local, lang)
    if kind == "duration":
        return _time.render_duration(int(value), lang)
    if kind == "bool" or isinstance(value, bool):
        yes, no = YES_NO.get(lang, YES_NO["en"])
        return yes if value else no
    return str(value)


def value_word(type_name: str, field: str, value: Any, lang: str) -> str | None:
    """The words of an enumerated value of an event field (``msp``: "mise en situation
    professionnelle"), None for a value without words (ids, numbers, free text)."""
    cls = EVENT_TYPES.get(type_name)
    if cls is None or not isinstance(value, str):
        return None
    spec = next((s for s in specific_fields(cls) if s.name == field), None)
    label = spec.words.get(value) if spec is not None else None
    return label.get(lang) if label is not None else None
