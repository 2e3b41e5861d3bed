"""French and English rendering of rule messages and computed values.

Placeholders are looked up by their whole name (``{t.candidate}``, ``{deadline}``) in a plain
mapping; nothing is ever read as an attribute, so a message template cannot reach into objects.
"""
from __future__ import annotations

import datetime as dt
import string
from typing import Any, Mapping

from . import _time

YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}


class _Formatter(string.Formatter):
    def get_field(self, field_name: str, args: Any, kwargs: Mapping[str, Any]) -> tuple[Any, str]:
        return kwargs[field_name], field_name


_FORMATTER = _Formatter()


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{name}`` placeholders from ``values`` (all names were checked at load time)."""
    return _FORMATTER.vformat(template, (), values)


def render_value(value: Any, kind: str, tz: dt.tzinfo, lang: str) -> str:
    """An engine value (epoch seconds, seconds, text...) as a person reads it."""
    if value is None:
        return "—"
    if kind in ("time", "instant"):
        return _time.render_time(int(value), tz)
    if kind == "day":
        return _time.render_day(int(value), tz)
    if kind == "duration":
        return _time.render_duration(int(value), lang)
    if kind == "bool" or isinstance(value, bool):
        yes, no = YES_NO.get(lang, YES_NO["en"])
        return yes if value else no
    return str(value)
