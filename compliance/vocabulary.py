"""What a rule may read: the fields of every event type, list items and computed fields.

The event classes (``events``) say what a record holds; this module adds what rules read beyond
it, so that the rule loader (names and kinds) and the compiler (facts) share one description:

* computed fields (``COMPUTED_FIELDS``): settings that vary by title or centre, resolved per
  event, such as ``session_planned.convocation_lead``, and what a list's emptiness means
  (``grids_archived.every_candidate``);
* list items: ``candidate_registered.trainers`` is a type of its own, one fact per item, with
  field ``item`` and the parent's other fields;
* derived types, asserted by derivation rules, passed in by the loader.

Kinds are the words of ``events`` (``time``, ``day``, ``duration``, ``int``, ``bool``, ``text``,
``enum``, ``list``); ``family`` groups those that compare with each other.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Callable, Mapping

from . import _time, deadlines, events
from .working_time import CLOCK_FIELDS, SPAN_FIELDS, SPAN_TYPE
from .duty import GAP_FIELDS, GAP_TYPE

FieldKinds = dict[str, str]
"""field name -> kind, for one type a rule may match."""

Settings = Mapping[str, Any]
Compute = Callable[[Any, Settings, dt.tzinfo], Any]    # engine units: int, bool or text


def _convocation_lead(event: events.SessionPlanned, settings: Settings, _tz: dt.tzinfo) -> int:
    days = event.convocation_lead_days or settings.get(f"convocation_lead_days_{event.kind.value}", 0)
    return int(days) * _time.DAY


def _convocation_month_lead(event: events.SessionPlanned, settings: Settings, tz: dt.tzinfo) -> int:
    """How long before one calendar month back a convocation must come (R5's second reading).

    Nothing (0) for a titre session whose lead is the setting's, when ``convocation_month_titre``
    reads the former text's « un mois » as a calendar month too; otherwise the days lead itself,
    so that the month bound (a month and that lead back) is never the later one: a lead counted
    in days is judged in days alone.
    """
    by_month = (event.kind is events.SessionKind.TITRE and not event.convocation_lead_days
                and settings.get("convocation_month_titre", False))
    return 0 if by_month else _convocation_lead(event, settings, tz)


def _pv_due(event: events.SessionClosed, settings: Settings, tz: dt.tzinfo) -> int:
    return deadlines.due(event.at, int(settings.get("pv_deadline_days", 15)), tz, settings)


def _duties_due(event: events.SessionClosed, settings: Settings, tz: dt.tzinfo) -> int:
    grace = int(settings.get("post_session_grace_days", 0))
    return deadlines.last_second_of(event.at.astimezone(tz).date() + dt.timedelta(days=grace), tz)


def _end_of_day(event: events.IncidentReported, _settings: Settings, tz: dt.tzinfo) -> int:
    return deadlines.last_second_of(event.at.astimezone(tz).date(), tz)


def _day_start(event: events.Event, _settings: Settings, tz: dt.tzinfo) -> int:
    return _time.day_start(event.at.astimezone(tz).date(), tz)


def month_before(day: dt.date) -> dt.date:
    """The same day of the month before, or that month's last day when it has none.

    >>> month_before(dt.date(2019, 3, 12)), month_before(dt.date(2026, 3, 31)), month_before(dt.date(2024, 3, 30))
    (datetime.date(2019, 2, 12), datetime.date(2026, 2, 28), datetime.date(2024, 2, 29))
    """
    last_of_previous = day.replace(day=1) - dt.timedelta(days=1)
    return last_of_previous.replace(day=min(day.day, last_of_previous.day))


def _month_before_day_start(event: events.SessionOpened, _settings: Settings, tz: dt.tzinfo) -> int:
    return _time.day_start(month_before(event.at.astimezone(tz).date()), tz)


def _every_candidate(event: events.GridsArchived | events.GridsLost, settings: Settings,
                     _tz: dt.tzinfo) -> int:
    return not event.candidates


def _remote_experiment_ccp(event: events.TestScheduled, settings: Settings, _tz: dt.tzinfo) -> int:
    return event.ccp in settings.get("remote_experiment_ccps", ())


def identifier_key(text: str) -> str:
    """A code or a name as rules compare it: its letters and digits alone, without case or
    accents, so that one system's « Saint-Étienne » or « TP-00417 » is another's « SAINT ETIENNE »
    or « tp00417 » (R1, R4, R12 and S2.1 compare what different systems recorded).

    >>> identifier_key("  Saint-Étienne (Loire) "), identifier_key("TP_00417"), identifier_key("TP00417")
    ('saintetienneloire', 'tp00417', 'tp00417')
    """
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(c for c in bare.casefold() if c.isalnum())


def _key_of(field: str) -> Compute:
    def compute(event: events.Event, _settings: Settings, _tz: dt.tzinfo) -> str:
        return identifier_key(getattr(event, field) or "")
    return compute


# Fields the engine sees beyond the recorded ones: type -> {field: (kind, compute)}; a compute
# function returns the fact's value in engine units (seconds for a duration).
COMPUTED_FIELDS: dict[str, dict[str, tuple[str, Compute]]] = {
    # R5: the record's own lead time, else the rule base's setting for the session kind; and
    # what the month reading asks beyond one calendar month (none for a titre under the setting)
    "session_planned": {"convocation_lead": ("duration", _convocation_lead),
                        "convocation_month_lead": ("duration", _convocation_month_lead),
                        **{f"{name}_key": ("text", _key_of(name)) for name in ("title", "centre", "site")}},
    # R1, R12: an approval's codes and names as they compare (``identifier_key``); R4, S2.1: a
    # juror's habilitation title; R12: a test's site
    "agrement_recorded": {f"{name}_key": ("text", _key_of(name)) for name in ("title", "centre", "site")},
    "juror_appointed": {"habilitation_title_key": ("text", _key_of("habilitation_title"))},
    "test_started": {"site_key": ("text", _key_of("site"))},
    # S8.5: the last second to send the PVs, counted from this closing (``deadlines``); S8.3,
    # S8.4, S8.6, S8.7: the last second of the closing day, plus the grace days
    "session_closed": {"pv_due": ("time", _pv_due), "duties_due": ("time", _duties_due)},
    # R9: the representative is told of an incident the same day, by the last second of the
    # incident's local day
    "incident_reported": {"notice_due": ("time", _end_of_day)},
    # S8.6: an empty list of candidates means every candidate (a list's items are facts of
    # their own, so a rule could not tell an empty list from a missing item)
    # R5: convocation lead times count whole days (the day of the convocation against the day
    # of the opening), so both carry the midnight that starts their local day; the opening also
    # the midnight that starts the same day of the month before (clamped), for « un mois »
    "candidate_convened": {"day_start": ("time", _day_start)},
    "session_opened": {"day_start": ("time", _day_start),
                       "month_before_day_start": ("time", _month_before_day_start)},
    "grids_archived": {"every_candidate": ("bool", _every_candidate)},
    "grids_lost": {"every_candidate": ("bool", _every_candidate)},
    # R12: the test's CCP is one the remote experiment of 2024 admits (remote_experiment_ccps)
    "test_scheduled": {"remote_experiment_ccp": ("bool", _remote_experiment_ccp)},
}

_FAMILIES = {"time": "instant", "day": "instant", "duration": "duration", "int": "number",
             "text": "literal", "enum": "literal"}


def family(kind: str) -> str:
    """The family a kind compares within: instant, duration, number, literal, bool (or list).

    >>> family("day"), family("enum"), family("bool")
    ('instant', 'literal', 'bool')
    """
    return _FAMILIES.get(kind, kind)


def vocabulary(derived: Mapping[str, FieldKinds] | None = None) -> dict[str, FieldKinds]:
    """Field kinds of every type a rule may match: events, list items, derived facts."""
    out = {name: events.field_kinds(name) for name in events.EVENT_TYPES}
    for name, computed in COMPUTED_FIELDS.items():
        out[name].update({field: kind for field, (kind, _) in computed.items()})
    for name, clock in CLOCK_FIELDS.items():     # working time, folded over the test's events
        out[name].update(clock)
    out[SPAN_TYPE] = dict(SPAN_FIELDS)
    out[GAP_TYPE] = dict(GAP_FIELDS)             # the manager's duty, folded over the day
    for name, cls in events.EVENT_TYPES.items():
        for spec in events.specific_fields(cls):
            if spec.kind == "list":
                kinds = {k: v for k, v in out[name].items() if v != "list"}
                kinds["item"] = "text"
                out[f"{name}.{spec.name}"] = kinds
    out.update(derived or {})
    return out


def choices(type_name: str, field: str) -> tuple[str, ...]:
    """The values an enum field may hold (``()`` for other fields and derived types)."""
    cls = events.EVENT_TYPES.get(type_name.split(".")[0])
    for spec in events.specific_fields(cls) if cls else ():
        if spec.name == field:
            return tuple(spec.choices)
    return ()
