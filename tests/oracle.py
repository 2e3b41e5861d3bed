"""A plain-Python reading of the rule language, independent of durable_rules and of the compiler.

Two halves, both written from docs/rules.md rather than from ``compliance/compiler.py``:

* ``facts``: what the rules talk about, built from the parsed events — instants as epoch
  seconds, calendar days as midnight at the start of the day in the session's time zone,
  durations in seconds, one fact per item of a list field, computed fields;
* ``run``: the rules evaluated by brute force (nested loops over those facts).

So the engine adapter fed by the compiler can be checked against it: same matches, whatever the
engine's quirks and however the compiler encodes events.
"""
from __future__ import annotations

import calendar
import datetime as dt
import enum
import operator
import re
import unicodedata
import zoneinfo
from typing import Any, Iterable

import attrs

from compliance.expressions import Arith, Literal, Ref, Span
from compliance.rulebook import END, Rule, Rulebook

OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
       ">": operator.gt, ">=": operator.ge}

# ----------------------------------------------------------------------------- facts

DEFAULT_ZONE = "Europe/Paris"            # docs/events.md: session_planned.time_zone's default
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
COMMON = {"at", "session", "id", "location"}
# Integer fields, by what they count (docs/events.md): a field the oracle does not know is an
# error, so a new field is classified here by hand rather than guessed.
MINUTES = {"duration_minutes", "extra_minutes"}
NUMBERS = {"convocation_lead_days", "extra_percent"}
CLOCK_TYPES = {"test_started", "test_paused", "test_resumed", "test_ended"}


def seconds_since_epoch(moment: dt.datetime) -> int:
    assert moment.utcoffset() is not None, moment
    return (moment - EPOCH) // dt.timedelta(seconds=1)


def midnight(day: dt.date, zone: str) -> int:
    """Epoch seconds of the start of ``day`` in the IANA zone ``zone``."""
    return seconds_since_epoch(dt.datetime(day.year, day.month, day.day, tzinfo=zoneinfo.ZoneInfo(zone)))


def session_zone(events: Iterable[Any]) -> str:
    for event in events:
        if event.type == "session_planned":
            return str(event.time_zone)
    return DEFAULT_ZONE


def _translate(name: str, value: Any, zone: str) -> Any:
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return seconds_since_epoch(value)
    if isinstance(value, dt.date):
        return midnight(value, zone)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, int) and name in MINUTES:
        return value * 60
    if isinstance(value, int) and name in NUMBERS:
        return value
    raise AssertionError(f"the oracle does not know field {name!r} ({value!r}): classify it in tests/oracle.py")


def _easter(year: int) -> dt.date:
    """Gauss's Easter algorithm (the package uses another one: they must agree)."""
    a, b, c = year % 19, year % 4, year % 7
    k = year // 100
    p = (13 + 8 * k) // 25
    q = k // 4
    m = (15 - p + k - q) % 30
    n = (4 + k - q) % 7
    d = (19 * a + m) % 30
    e = (2 * b + 4 * c + 6 * d + n) % 7
    if d == 29 and e == 6:
        return dt.date(year, 4, 19)
    if d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
        return dt.date(year, 4, 18)
    return dt.date(year, 3, 22) + dt.timedelta(days=d + e)


def _off(day: dt.date) -> bool:
    """A Saturday, a Sunday or a French public holiday (docs/rules.md, Deadlines)."""
    fixed = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
    sunday = _easter(day.year)
    moving = {sunday + dt.timedelta(days=n) for n in (1, 39, 50)}
    return day.weekday() >= 5 or (day.month, day.day) in fixed or day in moving


COMPARED_AS_KEYS = {"session_planned": ("title", "centre", "site"), "agrement_recorded": ("title", "centre", "site"),
                    "juror_appointed": ("habilitation_title",), "test_started": ("site",)}


def _as_key(text: str) -> str:
    """docs/rules.md: codes and names compared by their letters and digits, without case or accents."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[\W_]+", "", letters.casefold())


def _computed(event: Any, settings: dict[str, Any], zone: str) -> dict[str, Any]:
    """docs/rules.md, Computed fields."""
    keys = {f"{name}_key": _as_key(getattr(event, name) or "") for name in COMPARED_AS_KEYS.get(event.type, ())}
    return {**keys, **_settled(event, settings, zone)}


def _settled(event: Any, settings: dict[str, Any], zone: str) -> dict[str, Any]:
    if event.type == "session_planned":
        days = event.convocation_lead_days or settings[f"convocation_lead_days_{event.kind.value}"]
        # R5's month reading: only a titre whose lead is the setting's, when the setting says so
        by_month = (event.kind.value == "titre" and event.convocation_lead_days == 0
                    and settings["convocation_month_titre"])
        return {"convocation_lead": days * 86_400, "convocation_month_lead": 0 if by_month else days * 86_400}
    if event.type == "session_closed":
        local = event.at.astimezone(zoneinfo.ZoneInfo(zone)).date()

        def end_of(day: dt.date) -> int:      # the last second of the day
            return midnight(day + dt.timedelta(days=1), zone) - 1
        days = settings["pv_deadline_days"]
        if settings["deadline_counting"] == "hours":
            pv_due = seconds_since_epoch(event.at) + days * 86_400
        else:
            last = local + dt.timedelta(days=days)
            while settings["deadline_shift_to_working_day"] and _off(last):
                last += dt.timedelta(days=1)
            pv_due = end_of(last)
        duties_due = end_of(local + dt.timedelta(days=settings["post_session_grace_days"]))
        out = {"pv_due": pv_due, "duties_due": duties_due}
        for name in list(out):
            day = dt.datetime.fromtimestamp(out[name], zoneinfo.ZoneInfo(zone)).date()
            out[f"{name} (day)"] = midnight(day, zone)
        return out
    if event.type == "incident_reported":      # R9: told the same day, by its last second
        day = event.at.astimezone(zoneinfo.ZoneInfo(zone)).date()
        return {"notice_due": midnight(day + dt.timedelta(days=1), zone) - 1, "notice_due (day)": midnight(day, zone)}
    if event.type in ("candidate_convened", "session_opened"):     # R5: lead times in whole days
        day = event.at.astimezone(zoneinfo.ZoneInfo(zone)).date()
        start = midnight(day, zone)
        out = {"day_start": start, "day_start (day)": start}
        if event.type == "session_opened":     # the same day a month before, or that month's last
            year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
            before = midnight(dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])), zone)
            out.update({"month_before_day_start": before, "month_before_day_start (day)": before})
        return out
    if event.type in ("grids_archived", "grids_lost"):     # no candidate named: every candidate
        return {"every_candidate": len(event.candidates) == 0}
    if event.type == "test_scheduled":         # R12: a CCP the remote experiment admits
        return {"remote_experiment_ccp": event.ccp in settings["remote_experiment_ccps"]}
    return {}


def applies(rule: Rule, day: dt.date, kind: str | None) -> bool:
    """docs/rules.md, Versions: the span for the session's kind if the rule gives one, else its
    own, both ends included; never on a suspended day."""
    validity = rule.validity
    span = dict(validity.by_kind).get(kind, validity.span)
    if (span.start and day < span.start) or (span.until and day > span.until):
        return False
    return not any(p.span.start <= day <= p.span.until for p in validity.suspended)


def event_facts(event: Any, index: int, zone: str, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """One event's facts under the rule language's names: itself, then one per list item."""
    fact: dict[str, Any] = {"type": event.type, "at": seconds_since_epoch(event.at), "session": event.session,
                            "id": event.id, "src": [index],
                            # docs/rules.md: day(x.at) is the day of x in the session's zone
                            "at (day)": midnight(event.at.astimezone(zoneinfo.ZoneInfo(zone)).date(), zone)}
    lists = {}
    for field in attrs.fields(type(event)):
        if field.name in COMMON:
            continue
        value = getattr(event, field.name)
        name = field.metadata.get("key") or field.name      # docs/events.md spells 'from'
        if value is None:            # an optional instant not recorded: no such field
            continue
        if isinstance(value, tuple):
            lists[name] = value
        else:
            fact[name] = _translate(name, value, zone)
            if isinstance(value, dt.datetime):
                fact[f"{name} (day)"] = midnight(value.astimezone(zoneinfo.ZoneInfo(zone)).date(), zone)
    fact.update(_computed(event, settings, zone))
    items = [{**fact, "type": f"{event.type}.{name}", "item": item} for name, values in lists.items()
             for item in values]
    return [fact, *items]


def working_time(events: list[Any], zone: str) -> tuple[dict[int, dict[str, int]], list[dict[str, Any]]]:
    """docs/rules.md, Working time: per clock event, the seconds worked and paused so far, and
    the worked spans. Read as intervals: each start or resume opens a span that the next pause or
    end closes; the time between a pause and the next resume or end is paused."""
    fields, spans = {}, []
    by_test: dict[str, list[int]] = {}
    for index, event in enumerate(events):
        if event.type in CLOCK_TYPES:
            by_test.setdefault(event.test, []).append(index)
    for indices in by_test.values():
        indices.sort(key=lambda i: (events[i].at, i))
        opened = None          # (index, seconds) of the open span's start
        pause_from = None
        worked = paused = 0
        for i in indices:
            kind, now = events[i].type, seconds_since_epoch(events[i].at)
            if kind in ("test_started", "test_resumed"):
                if opened is None:
                    if pause_from is not None:
                        paused, pause_from = paused + now - pause_from, None
                    opened = (i, now)
            elif opened is not None:
                worked += now - opened[1]
                span_day = midnight(events[i].at.astimezone(zoneinfo.ZoneInfo(zone)).date(), zone)
                spans.append({"type": "test_span", "at": now, "at (day)": span_day, "session": events[i].session,
                              "id": f"{events[i].id}:span", "src": sorted({opened[0], i}),
                              "test": events[i].test, "candidate": events[i].candidate,
                              "from": opened[1], "until": now})
                opened = None
                pause_from = now if kind == "test_paused" else None
            elif kind == "test_ended" and pause_from is not None:
                paused, pause_from = paused + now - pause_from, None
            if kind != "test_started":
                fields[i] = {"worked": worked, "paused": paused}
    return fields, spans


DUTY_ROLES = {"manager", "substitute"}
NEVER = (float("inf"), 0)


def _stays(events: list[Any], keys: list[tuple], person: str, role_ok: Any) -> list[tuple[tuple, tuple]]:
    """[arrival key, departure key) for each stay of ``person`` on site, from the first arrival
    with a role ``role_ok`` accepts since they last left."""
    stays, since = [], None
    for key in keys:
        event = events[key[1]]
        if event.type == "juror_checked_in":        # docs/rules.md: a juror's arrival on site
            if event.juror == person and since is None and role_ok("juror"):
                since = key
            continue
        if getattr(event, "person", None) != person:
            continue
        if event.type == "person_arrived" and since is None and role_ok(event.role.value):
            since = key
        elif event.type == "person_left" and since is not None:
            stays.append((since, key))
            since = None
    return stays + ([(since, NEVER)] if since is not None else [])


CLOCK_EVENTS = {"test_started": True, "test_resumed": True, "test_paused": False, "test_ended": False}
OFF_DUTY_EVENTS = {"person_arrived", "person_left", "duty_handover"}


def _quiet_night(events: list[Any], keys: list[tuple], begun: tuple, ended: tuple, by: str, zone: str) -> bool:
    """compliance/duty.py's night between two working days: a stretch begun by a departure with
    no test running, holding local midnight to 05:00, ended by someone taking the duty, with
    nothing but arrivals, departures and hand-overs between."""
    tz = zoneinfo.ZoneInfo(zone)
    if not by or events[begun[1]].type != "person_left":
        return False
    left = events[begun[1]].at.astimezone(tz)
    night = left.date() + dt.timedelta(days=0 if (left.hour, left.minute, left.second) == (0, 0, 0) else 1)
    if events[ended[1]].at < dt.datetime(night.year, night.month, night.day, 5, tzinfo=tz):
        return False        # the stretch must hold midnight to 05:00 local
    running: dict[str, bool] = {}
    for key in keys:
        if key >= begun:
            break
        event = events[key[1]]
        if event.type in CLOCK_EVENTS:
            running[event.test] = CLOCK_EVENTS[event.type]
    if any(running.values()):
        return False
    return all(events[k[1]].type in OFF_DUTY_EVENTS for k in keys if begun < k < ended)


def duty_gaps(events: list[Any], zone: str) -> list[dict[str, Any]]:
    """docs/rules.md and compliance/duty.py's reading of S1.1, as intervals: each day (an
    opening to the next closing) minus the union of the intervals someone is on duty — a stay
    begun as manager or substitute, or a stretch from a hand-over received on site to their
    departure or their own hand-over to someone on site. Time is the order (instant, index)."""
    keys = sorted((seconds_since_epoch(e.at), i) for i, e in enumerate(events))
    people = {e.person for e in events if e.type in ("person_arrived", "person_left")} | \
        {e.juror for e in events if e.type == "juror_checked_in"}
    stays = {p: _stays(events, keys, p, lambda role: True) for p in people}
    duty = [(a, d, p) for p in people for a, d in _stays(events, keys, p, lambda role: role in DUTY_ROLES)]

    def on_site(person: str, key: tuple) -> tuple | None:
        return next((d for a, d in stays.get(person, []) if a < key < d), None)

    handovers = [k for k in keys if events[k[1]].type == "duty_handover"
                 and on_site(events[k[1]].to, k) is not None]
    for k in handovers:
        taker = events[k[1]].to
        ends = [on_site(taker, k)] + [h for h in handovers if h > k and events[h[1]].from_ == taker
                                      and events[h[1]].to != taker]
        duty.append((k, min(ends), taker))
    days, opened = [], None
    for key in keys:
        kind = events[key[1]].type
        if kind == "session_opened" and opened is None:
            opened = key
        elif kind == "session_closed" and opened is not None:
            days.append((opened, key))
            opened = None
    if opened is not None:              # a day not closed on record: its stretches end by a relay only
        days.append((opened, NEVER))
    gaps = []
    for opened, closed in days:
        uncovered_from = None if any(a <= opened < d for a, d, _ in duty) else opened
        for key in [k for k in keys if opened < k <= closed]:
            covered = key != closed and any(a <= key < d for a, d, _ in duty)
            if uncovered_from is None and not covered and key != closed:
                uncovered_from = key
            elif uncovered_from is not None and (covered or key == closed):
                by = next((p for a, _, p in duty if a == key), "")
                if key[0] > uncovered_from[0] and not _quiet_night(events, keys, uncovered_from, key, by, zone):
                    start, end = events[uncovered_from[1]], events[key[1]]
                    gaps.append({"type": "duty_gap", "at": key[0],
                                 "at (day)": midnight(end.at.astimezone(zoneinfo.ZoneInfo(zone)).date(), zone),
                                 "session": end.session, "id": f"{end.id}:gap",
                                 "src": sorted({uncovered_from[1], key[1]}),
                                 "from": uncovered_from[0], "until": key[0],
                                 "left": start.person if start.type == "person_left" else "",
                                 "by": by})
                uncovered_from = None
    return gaps


def facts(events: list[Any], settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The facts of a session whose events are in ``events`` (``src``: the index there)."""
    zone = session_zone(events)
    clock, spans = working_time(events, zone)
    out = []
    for index, event in enumerate(events):
        mine = event_facts(event, index, zone, settings)
        mine[0].update(clock.get(index, {}))
        out += mine
    return out + spans + duty_gaps(events, zone)


# ----------------------------------------------------------------------------- matching

def value(operand: Any, env: dict[str, dict[str, Any]]) -> Any:
    """An operand over matched oracle facts (``env``: alias -> fact)."""
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, Span):
        return operand.seconds
    if isinstance(operand, Ref):
        return env[operand.alias][operand.field]
    if isinstance(operand, Arith):
        left, right = value(operand.left, env), value(operand.right, env)
        return left + right if operand.op == "+" else left - right
    raise AssertionError(operand)


def _holds(pattern, fact: dict[str, Any], env) -> bool:
    if fact["type"] != pattern.event:
        return False
    for cond in pattern.conditions:
        if cond.field not in fact:     # docs/rules.md: an optional instant not recorded meets no condition
            return False
        have = fact[cond.field]
        if cond.op == "in":
            if have not in [item.value for item in cond.operand]:
                return False
        elif cond.calendar:      # day(alias.field): the local day of that instant
            if not OPS[cond.op](have, env[cond.operand.alias][f"{cond.operand.field} (day)"]):
                return False
        elif not OPS[cond.op](have, value(cond.operand, env)):
            return False
    return True


def matches(rule: Rule, facts: list[dict[str, Any]], end_at: int):
    """Every binding of the rule's positive patterns that satisfies all its patterns."""
    by_type: dict[str, list] = {}
    for fact in facts:
        by_type.setdefault(fact["type"], []).append(fact)

    def walk(index: int, env: dict[str, dict[str, Any]]):
        if index == len(rule.patterns):
            yield {k: v for k, v in env.items() if k != END}
            return
        pattern = rule.patterns[index]
        candidates = [f for f in by_type.get(pattern.event, []) if _holds(pattern, f, env)]
        if pattern.absent:
            if not candidates:
                yield from walk(index + 1, env)
            return
        for fact in candidates:
            yield from walk(index + 1, {**env, pattern.alias: fact})

    yield from walk(0, {END: {"at": end_at}})


def derive(rulebook: Rulebook, facts: list[dict[str, Any]], end_at: int) -> list[dict[str, Any]]:
    """The facts plus every derived fact, to a fixpoint."""
    facts = list(facts)
    seen = {repr(sorted(f.items())) for f in facts}
    changed = True
    while changed:
        changed = False
        for rule in rulebook.derivations:
            for env in list(matches(rule, facts, end_at)):
                new = {"type": rule.type, **{n: env[r.alias][r.field] for n, r in rule.fields},
                       "at": max(f["at"] for f in env.values()),
                       "src": sorted({i for f in env.values() for i in f["src"]})}
                key = repr(sorted(new.items()))
                if key not in seen:
                    seen.add(key)
                    facts.append(new)
                    changed = True
    return facts


def run(rulebook: Rulebook, facts: list[dict[str, Any]], end_at: int) -> set[tuple]:
    """Derive to a fixpoint, then return {(rule id, ((alias, src), ...))} for every check match."""
    facts = derive(rulebook, facts, end_at)
    out = set()
    for rule in rulebook.checks:
        for env in matches(rule, facts, end_at):
            out.add((rule.id, tuple(sorted((a, tuple(f["src"])) for a, f in env.items()))))
    return out
