"""Time: aware timestamps, calendar days, durations. Nothing else in the package parses time.

Inside the engine every instant is an integer count of seconds since the Unix epoch (UTC), and
every duration a count of seconds, so rules can add and compare them. A calendar day (a date
without a time, such as the end of a habilitation) is read as midnight at the start of that day
in the session's time zone.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

DEFAULT_TIME_ZONE = "Europe/Paris"

MINUTE = 60
HOUR = 3600
DAY = 86400

_ISO_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})$")
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")
_MACHINE_ZONES = {"localtime", "posixrules"}   # whatever the machine is set to: not reproducible

# Instants are accepted from a day after datetime's first day to a day before its last, so that
# showing one in any time zone (offsets stay within a day) cannot overflow.
FIRST_INSTANT = dt.datetime(1, 1, 2, tzinfo=dt.timezone.utc)
LAST_INSTANT = dt.datetime(9999, 12, 30, 23, 59, 59, tzinfo=dt.timezone.utc)
FIRST_DAY, LAST_DAY = dt.date(1, 1, 2), dt.date(9999, 12, 31)
_TIME_RANGE = "a time from 0001-01-02 to 9999-12-30 (UTC)"


class TimeFormatError(ValueError):
    """The text is not a time (or day) in the accepted format.

    ``str()`` reads "expected …", so callers can write "field 'at': expected …, got '…'".
    """


def parse_time(text: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp that carries its UTC offset.

    >>> parse_time("2026-03-10T09:00:00+01:00").isoformat()
    '2026-03-10T09:00:00+01:00'
    """
    if not isinstance(text, str) or not _ISO_TIME.match(text):
        raise TimeFormatError("expected an ISO 8601 time with its offset, e.g. 2026-03-10T09:00:00+01:00")
    # the pattern ends in Z, ±HH:MM or ±HHMM: the offset's hours and minutes, without a regex
    hours = text[-5:-3] if text[-6:-5] in ("+", "-") else text[-4:-2]
    if text[-1] != "Z" and (hours > "23" or text[-2:] > "59"):
        # datetime takes +01:60 for +02:00 and words +24:00 in timedelta's terms
        raise TimeFormatError("expected a UTC offset from -23:59 to +23:59")
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise TimeFormatError(f"expected an existing date and time ({error})") from None
    # Times of one offset share one tzinfo: datetimes with the same tzinfo compare field by
    # field, about ten times faster than across tzinfos (a session's events are sorted often).
    # The offsets the pattern allows are bounded (under 24 hours, in minutes).
    zone = _OFFSETS.setdefault(value.utcoffset(), value.tzinfo)
    if zone is not value.tzinfo:
        value = value.replace(tzinfo=zone)
    if not 1 < value.year < 9999 and not _in_range(value):   # only the first and last years can be out
        raise TimeFormatError(f"expected {_TIME_RANGE}")
    return value


_OFFSETS: dict[dt.timedelta | None, dt.tzinfo | None] = {}


def _in_range(moment: dt.datetime) -> bool:
    try:
        return FIRST_INSTANT <= moment <= LAST_INSTANT
    except OverflowError:
        return False


def parse_day(text: str) -> dt.date:
    """Parse a calendar day ``YYYY-MM-DD`` (from 0001-01-02 to 9999-12-31)."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str) or not _ISO_DAY.match(text):
        raise TimeFormatError("expected a calendar day YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as error:
        raise TimeFormatError(f"expected an existing calendar day ({error})") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise TimeFormatError("expected a day from 0001-01-02 to 9999-12-31")
    return day


def parse_audit_date(text: str) -> dt.datetime:
    """The audit date: ``YYYY-MM-DD`` (the last second of that day, Paris time) or a time with offset.

    Raises:
        TimeFormatError: neither form, an impossible date, or a date outside the accepted range.
    """
    expected = "YYYY-MM-DD or an ISO 8601 time with its offset"
    if not isinstance(text, str):
        raise TimeFormatError(f"expected {expected}")
    if _ISO_DAY.match(text):
        try:
            day = dt.date.fromisoformat(text)
            next_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0),
                                           tzinfo=zone(DEFAULT_TIME_ZONE))
            end_of_day = next_day - dt.timedelta(seconds=1)
        except OverflowError:
            end_of_day = None
        except ValueError as error:
            raise TimeFormatError(f"expected an existing calendar day ({error})") from None
        if end_of_day is None or not _in_range(end_of_day):
            raise TimeFormatError("expected a day from 0001-01-02 to 9999-12-30")
        return end_of_day
    if not _ISO_TIME.match(text):
        raise TimeFormatError(f"expected {expected}")
    return parse_time(text)


def zone(name: str) -> dt.tzinfo:
    """The IANA time zone called ``name`` (``Europe/Paris``); ValueError when unknown.

    Only names shaped like IANA keys are looked up (no path, no "localtime").
    """
    if not isinstance(name, str) or len(name) > 64 or not _ZONE_NAME.match(name) or name in _MACHINE_ZONES:
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}") from None


def epoch(moment: dt.datetime) -> int:
    """Whole seconds since the epoch of an aware datetime."""
    # a fixed offset (what readers give) always has one; another tzinfo may answer None
    if type(moment.tzinfo) is not dt.timezone and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError("naive datetime: a time zone is required")
    return int(moment.timestamp())


def day_start(day: dt.date, tz: dt.tzinfo) -> int:
    """Epoch seconds of midnight at the start of ``day`` in ``tz``."""
    return epoch(dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz))


@functools.lru_cache(maxsize=8192)
def day_start_cached(day: dt.date, tz: dt.tzinfo) -> int:
    """``day_start``, remembered: a session's facts name the same few days again and again."""
    return day_start(day, tz)


def from_epoch(seconds: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).astimezone(tz)


def _local(seconds: int, tz: dt.tzinfo) -> dt.datetime | None:
    """The local time, or None beyond the calendar (a rule's deadline past year 9999)."""
    try:
        return from_epoch(seconds, tz)
    except (OverflowError, ValueError, OSError):
        return None


def _beyond(seconds: int) -> str:
    return "after 9999-12-31" if seconds > 0 else "before 0001-01-01"


def in_zone(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The instant ``moment`` to the whole second, as a local time of ``tz`` (as reports cite it)."""
    return from_epoch(epoch(moment), tz)


def render_instant(moment: dt.datetime) -> str:
    """An aware instant as ``render_time`` shows it, in the instant's own time zone."""
    assert moment.tzinfo is not None, "naive datetime"
    return render_time(epoch(moment), moment.tzinfo)


def render_clock(moment: dt.datetime) -> str:
    """The local time of day of an aware instant: ``09:00``, or ``09:00:01`` when its seconds
    are not zero (a bound crossed by one second must not read as the bound itself)."""
    return f"{moment:%H:%M:%S}" if moment.second else f"{moment:%H:%M}"


def render_offset(moment: dt.datetime) -> str:
    """The UTC offset of an aware instant: ``+01:00`` (``+00:09:21`` for a local mean time)."""
    offset = moment.utcoffset()
    assert offset is not None, "naive datetime"
    return _offset_text(offset)


def render_date(day: dt.date) -> str:
    """A calendar day as ``YYYY-MM-DD`` (year 1 included)."""
    return _day_text(day)


_RENDERED_TIME = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}(?::[0-9]{2})?) "
                            r"\(([+-][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)\)$")


def parse_report_time(text: str, tz: dt.tzinfo) -> dt.datetime:
    """A time as a JSON report writes it (``render_time``) back as an instant of ``tz``.

    Only for reading a JSON report back (the report keeps whole seconds).
    Raises:
        TimeFormatError: text in another form.
    """
    match = _RENDERED_TIME.match(text) if isinstance(text, str) else None
    if match is None:
        raise TimeFormatError("expected a report time such as 2026-03-10 09:00 (+01:00)")
    day, clock, offset = match.groups()
    sign = -1 if offset[0] == "-" else 1
    parts = [int(p) for p in offset[1:].split(":")] + [0]
    shift = dt.timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])
    try:
        local = dt.datetime.fromisoformat(f"{day}T{clock}")
    except ValueError as error:
        raise TimeFormatError(f"expected an existing date and time ({error})") from None
    return local.replace(tzinfo=dt.timezone(sign * shift)).astimezone(tz)


def render_time(seconds: int, tz: dt.tzinfo) -> str:
    """A readable local time with its offset: ``2026-03-10 09:00 (+01:00)``, seconds shown only
    when not zero: ``2026-03-10 09:00:01 (+01:00)``."""
    local = _local(seconds, tz)
    if local is None:
        return _beyond(seconds)
    return f"{_day_text(local)} {render_clock(local)} ({render_offset(local)})"


def render_day(seconds: int, tz: dt.tzinfo) -> str:
    local = _local(seconds, tz)
    return _beyond(seconds) if local is None else _day_text(local)


def _day_text(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"   # strftime drops zeros of year 1


def _offset_text(offset: dt.timedelta) -> str:
    """``+01:00``; a local mean time's seconds are kept (``+00:09:21``)."""
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes, seconds = divmod(abs(int(offset.total_seconds())), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return text + (f":{seconds:02d}" if seconds else "")


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


# ----------------------------------------------------------------------------- words for people
# Reports and messages write times as people read them: "mardi 10 mars 2026 à 8 h 20",
# "Tuesday 10 March 2026, 08:20"; the UTC offset only where it is not the session's own.

WEEKDAYS = {"fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
            "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
MONTHS = {"fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December")}


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def long_day(day: dt.date, lang: str) -> str:
    """``mardi 10 mars 2026`` (``Tuesday 10 March 2026``)."""
    lang = _lang(lang)
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)     # le premier du mois
    return f"{WEEKDAYS[lang][day.weekday()]} {number} {MONTHS[lang][day.month - 1]} {day.year}"


def clock_words(moment: dt.datetime, lang: str) -> str:
    """The time of day: ``8 h 20`` (``08:20``); seconds only when not zero (``8 h 20 min 5 s``,
    ``08:20:05``): a bound crossed by one second must not read as the bound itself."""
    if (moment.hour, moment.minute, moment.second) == (23, 59, 59):
        # the last second of a day is how deadlines end ("dans les 15 jours"): the law writes it
        # "à 24 heures"; the next second is 0 h 00 on the next day, so the two never read alike
        return "24 h" if _lang(lang) == "fr" else "24:00"
    if _lang(lang) == "en":
        return render_clock(moment)
    text = f"{moment.hour} h {moment.minute:02d}"
    return text + (f" min {moment.second} s" if moment.second else "")


def offset_note(moment: dt.datetime, reference: dt.timedelta | None) -> str:
    """`` (UTC+02:00)`` when the instant's offset is not ``reference`` (the session's), else ``""``."""
    offset = moment.utcoffset()
    assert offset is not None, "naive datetime"
    return "" if reference is None or offset == reference else f" (UTC{_offset_text(offset)})"


def moment_words(moment: dt.datetime, lang: str, reference: dt.timedelta | None = None) -> str:
    """``mardi 10 mars 2026 à 8 h 20`` (``Tuesday 10 March 2026, 08:20``), with the offset when it
    is not ``reference``."""
    joint = " à " if _lang(lang) == "fr" else ", "
    return f"{long_day(moment, lang)}{joint}{clock_words(moment, lang)}{offset_note(moment, reference)}"


def clock_on_day(moment: dt.datetime, lang: str, reference: dt.timedelta | None = None) -> str:
    """``8 h 20 le mardi 10 mars 2026`` (``08:20 on Tuesday 10 March 2026``): a time after "à" or "at"."""
    joint = " le " if _lang(lang) == "fr" else " on "
    return f"{clock_words(moment, lang)}{offset_note(moment, reference)}{joint}{long_day(moment, lang)}"


def local_or_none(seconds: int, tz: dt.tzinfo) -> dt.datetime | None:
    """The local time of epoch ``seconds`` in ``tz``, or None beyond the calendar."""
    return _local(seconds, tz)


def beyond_words(seconds: int, lang: str) -> str:
    """A time outside the calendar (a deadline computed past year 9999)."""
    if _lang(lang) == "fr":
        return "après le 31 décembre 9999" if seconds > 0 else "avant le 1er janvier 0001"
    return _beyond(seconds)
