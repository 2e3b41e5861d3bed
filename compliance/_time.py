"""Time: aware timestamps, calendar days, durations. Nothing else in the package parses time.

Inside the engine every instant is an integer count of seconds since the Unix epoch (UTC), and
every duration a count of seconds, so rules can add and compare them. A calendar day (a date
without a time, such as the end of a habilitation) is read as midnight at the start of that day
in the session's time zone.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

DEFAULT_TIME_ZONE = "Europe/Paris"

MINUTE = 60
HOUR = 3600
DAY = 86400

_ISO_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TimeFormatError(ValueError):
    """The text is not a time (or day) in the accepted format; the message says what was expected."""


def parse_time(text: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp that carries its UTC offset.

    >>> parse_time("2026-03-10T09:00:00+01:00").isoformat()
    '2026-03-10T09:00:00+01:00'
    """
    if not isinstance(text, str) or not _ISO_TIME.match(text):
        raise TimeFormatError("expected an ISO 8601 time with its offset, e.g. 2026-03-10T09:00:00+01:00")
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise TimeFormatError(f"impossible date or time ({error})") from None
    return value


def parse_day(text: str) -> dt.date:
    """Parse a calendar day ``YYYY-MM-DD``."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str) or not _ISO_DAY.match(text):
        raise TimeFormatError("expected a calendar day YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise TimeFormatError(f"impossible date ({error})") from None


def zone(name: str) -> dt.tzinfo:
    """The IANA time zone called ``name``; ValueError when unknown."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def epoch(moment: dt.datetime) -> int:
    """Whole seconds since the epoch of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: a time zone is required")
    return int(moment.timestamp())


def day_start(day: dt.date, tz: dt.tzinfo) -> int:
    """Epoch seconds of midnight at the start of ``day`` in ``tz``."""
    return epoch(dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz))


def from_epoch(seconds: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).astimezone(tz)


def render_time(seconds: int, tz: dt.tzinfo) -> str:
    """A readable local time with its offset: ``2026-03-10 09:00 (+01:00)``."""
    local = from_epoch(seconds, tz)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} ({offset[:3]}:{offset[3:]})"


def render_day(seconds: int, tz: dt.tzinfo) -> str:
    return f"{from_epoch(seconds, tz):%Y-%m-%d}"


def render_duration(seconds: int, lang: str = "fr") -> str:
    """``95 min`` below a day, ``2 j 3 h`` (``2 d 3 h``) above."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < DAY:
        minutes, rest = divmod(seconds, MINUTE)
        return f"{sign}{minutes} min" + (f" {rest} s" if rest else "")
    days, rest = divmod(seconds, DAY)
    hours = rest // HOUR
    unit = "j" if lang == "fr" else "d"
    return f"{sign}{days} {unit}" + (f" {hours} h" if hours else "")
