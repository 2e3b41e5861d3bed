"""French and English rendering of rule messages and computed values.

Placeholders are looked up by their whole name (``{t.candidate}``, ``{deadline}``) in a plain
mapping; nothing is ever read as an attribute, so a message template cannot reach into objects.

In messages, times read as people write them (``Dating``): "n'est arrivé qu'à 8 h 20",
"le mardi 10 mars 2026 à 8 h 20", "at 08:20", "on Tuesday 10 March 2026, 08:20". The day is
left out only in a session held on one day, for a time on that day (the report's header names
it); the UTC offset is shown only when it is not the session's.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any, Mapping

import attrs

from . import _time

YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}


class _Formatter(string.Formatter):
    def get_field(self, field_name: str, args: Any, kwargs: Mapping[str, Any]) -> tuple[Any, str]:
        return kwargs[field_name], field_name


_FORMATTER = _Formatter()


@attrs.frozen
class Dating:
    """How a session's messages write times: its time zone, its one day (None when it spans
    several, or never opened) and its UTC offset (at its first opening)."""
    tz: dt.tzinfo
    single_day: dt.date | None = None
    offset: dt.timedelta | None = None


class Moment(str):
    """A time in a message: its text on its own (``str``), and after a preposition that asks for
    a date ("le", "on") or for a time of day ("à", "at")."""
    dated: str
    clock: str

    def __new__(cls, alone: str, dated: str, clock: str) -> "Moment":
        self = super().__new__(cls, alone)
        self.dated, self.clock = dated, clock
        return self

    def after(self, text: str, lang: str) -> str:
        """The form that reads right after ``text``, the words of the template before it."""
        wants = _DATE_WORDS[lang].search(text), _CLOCK_WORDS[lang].search(text)
        return self.dated if wants[0] else self.clock if wants[1] else str(self)


_DATE_WORDS = {"fr": re.compile(r"(?:^|\W)(?:le|du|au)\s$", re.I), "en": re.compile(r"(?:^|\W)(?:on|by)\s$", re.I)}
_CLOCK_WORDS = {"fr": re.compile(r"(?:^|\W)(?:à|de)\s$", re.I),
                "en": re.compile(r"(?:^|\W)(?:at|from|to|until)\s$", re.I)}


def render_template(template: str, values: Mapping[str, str], lang: str = "fr") -> str:
    """Fill ``{name}`` placeholders from ``values`` (all names were checked at load time); a
    ``Moment`` takes the form the words before it ask for."""
    if not any(isinstance(v, Moment) for v in values.values()):
        return _FORMATTER.vformat(template, (), values)
    out: list[str] = []
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        out.append(literal)
        if field is None:
            continue
        value: Any = values[field]
        if isinstance(value, Moment):
            value = value.after("".join(out), "fr" if lang == "fr" else "en")
        value = _FORMATTER.convert_field(value, conversion)
        out.append(_FORMATTER.format_field(value, _FORMATTER.vformat(spec or "", (), values)))
    return "".join(out)


def render_value(value: Any, kind: str, tz: dt.tzinfo, lang: str, dating: Dating | None = None) -> str:
    """An engine value (epoch seconds, seconds, text...) as a person reads it.

    Without ``dating``, times and days keep the data form of a finding's values
    (``2026-03-10 08:20 (+01:00)``, ``2026-03-10``); with it, the words of a sentence.
    """
    if value is None:
        return "—"
    if kind in ("time", "instant"):
        return _time.render_time(int(value), tz) if dating is None else _moment(int(value), dating, lang)
    if kind == "day":
        if dating is None:
            return _time.render_day(int(value), tz)
        local = _time.local_or_none(int(value), dating.tz)
        return _time.beyond_words(int(value), lang) if local is None else _time.long_day(local, lang)
    if kind == "duration":
        return _time.render_duration(int(value), lang)
    if kind == "bool" or isinstance(value, bool):
        yes, no = YES_NO.get(lang, YES_NO["en"])
        return yes if value else no
    return str(value)


def _moment(seconds: int, dating: Dating, lang: str) -> str:
    local = _time.local_or_none(seconds, dating.tz)
    if local is None:
        return _time.beyond_words(seconds, lang)
    dated = _time.moment_words(local, lang, dating.offset)
    if local.date() == dating.single_day:
        clock = _time.clock_words(local, lang) + _time.offset_note(local, dating.offset)
        return Moment(clock, dated, clock)
    return Moment(dated, dated, _time.clock_on_day(local, lang, dating.offset))
