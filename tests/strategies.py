"""Hypothesis strategies: realistic compliant sessions, built valid by construction.

A ``Scenario`` is a list of raw events (the dicts a record holds) plus an audit date; mutations
(tests/mutations.py) edit the raw events, then ``Scenario.session()`` parses them through the
real reader path. Shapes are drawn first (candidates, jurors, days, options), then times.

Wherever the regulation draws a line, the compliant session sometimes stands exactly on it: the
identity check at the very second the candidate's first test starts, a test ending exactly at
its planned duration, the PVs sent exactly 15 days after the closing, a habilitation valid
through the last day the juror evaluates, and so on (see ``_onto_the_bounds``). Each placement
is a hypothesis choice whose simplest value is the bound (the value shrinking goes to), so a
failure that the bound causes shrinks to an example standing on it.
"""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

import attrs
from hypothesis import strategies as st

from compliance import Location, Session, parse_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")      # the session's time zone (the default)
OFFSETS = [dt.timezone(dt.timedelta(hours=h, minutes=m)) for h, m in
           ((1, 0), (0, 0), (2, 0), (-5, 0), (9, 0), (5, 30), (-3, -30))]
FIRST_NAMES = ["Élodie", "Zoé", "Noël", "Agnès", "Jérôme", "Françoise", "Loïc", "Maëlle", "Hervé",
               "Cécile", "Benoît", "Inès", "Aurélien", "Gaëlle", "Anaïs", "Raphaël"]
LAST_NAMES = ["Marchand", "Bénard", "Dupré", "Roussel", "Caël", "Ollivier", "Lefèvre", "Nguyễn",
              "Müller", "Da Silva", "Le Goff", "Brûlé", "Œuvray", "Haddad"]
TITLES = [("TP-00417", "Cuisinier"), ("TP-01281", "Agent de restauration"),
          ("TP-00302", "Secrétaire assistant"), ("TP-01345", "Conseiller en insertion professionnelle")]
CONVOCATION_LEAD_DAYS = {"titre": 30, "ccp": 15}   # rules/clauses.yaml settings, read by hand
CONVOCATION_BY_MONTH = {"titre": True, "ccp": False}  # setting convocation_month_titre: a titre only
PV_DAYS = 15              # S8.5: "au plus tard dans les 15 jours", in calendar days (rules/clauses.yaml)
# The law as of the session date (docs/rules.md, "Versions"), read by hand. Supported: sessions
# whose first day is from 1 June 2016 (art. 8 of the 2015 arrêté, the earliest text the rule
# base dates); the generator draws up to the end of September 2026. Mutations draw from the
# current law's years (CURRENT_LAW) unless they say otherwise: some clauses were not in force
# on every supported day (R2 before 1 September 2016, R5 during the Covid derogations, R14 for
# CCP sessions before 2017).
SUPPORTED = (dt.date(2016, 6, 1), dt.date(2026, 9, 30))
CURRENT_LAW = (dt.date(2024, 1, 8), dt.date(2026, 9, 30))
COVID_DEROGATIONS = (dt.date(2020, 5, 25), dt.date(2021, 12, 31))     # setting covid_derogations_until
REMOTE_EXPERIMENT = (dt.date(2024, 11, 26), dt.date(2027, 12, 31))    # setting remote_experiment_until
REMOTE_CCP = "RNCP34045BC01"                                          # setting remote_experiment_ccps


def pv_deadline(closed: dt.datetime) -> dt.datetime:
    """The last second to send the PVs: 23:59:59 in Paris on the 15th day after the closing's
    day (docs/rules.md, computed fields), written here from the reading, not from the code."""
    last_day = closed.astimezone(PARIS).date() + dt.timedelta(days=PV_DAYS)
    next_midnight = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=PARIS)
    return (next_midnight - dt.timedelta(seconds=1)).astimezone(dt.timezone.utc)


def last_convocation_day(opening_day: dt.date, kind: str) -> dt.date:
    """R5: the last local day a convocation is in time for a session opening on ``opening_day``
    (docs/rules.md, computed fields), written from the reading: day D - N, or for a titre, when
    later, the same day of the month before (that month's last day when it has none)."""
    by_days = opening_day - dt.timedelta(days=CONVOCATION_LEAD_DAYS[kind])
    if not CONVOCATION_BY_MONTH[kind]:
        return by_days
    year, month = divmod(opening_day.year * 12 + opening_day.month - 2, 12)
    day = opening_day.day
    while True:                        # 31 March -> 31, 30, 29 February: the first that exists
        try:
            by_month = dt.date(year, month + 1, day)
            break
        except ValueError:
            day -= 1
    return max(by_days, by_month)


GRACE_DAYS = 0            # S8.3, S8.4, S8.6, S8.7: post_session_grace_days (rules/clauses.yaml)


def duties_deadline(closed: dt.datetime) -> dt.datetime:
    """The last second of the post-session duties: 23:59:59 in Paris on the closing's day, plus
    the grace days (docs/rules.md, computed fields), written from the reading."""
    last_day = closed.astimezone(PARIS).date() + dt.timedelta(days=GRACE_DAYS)
    next_midnight = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=PARIS)
    return (next_midnight - dt.timedelta(seconds=1)).astimezone(dt.timezone.utc)
SECOND = dt.timedelta(seconds=1)


@attrs.define(repr=False)
class Scenario:
    """A session under construction: raw events (any order), the audit date, and its shape."""
    session_id: str
    events: list[dict[str, Any]]
    as_of: dt.datetime
    kind: str
    candidates: dict[str, str]          # id -> pathway
    present: list[str]
    absent: list[str]
    jurors: list[str]
    trainers: dict[str, list[str]]      # candidate -> trainer ids
    tests: dict[str, list[dict[str, Any]]]   # candidate -> scheduled tests (raw)
    late: list[str] = attrs.field(factory=list)   # tests with a late admission
    days: int = 1
    accommodated: dict[str, int] = attrs.field(factory=dict)   # candidate -> extra minutes
    missed: dict[str, str] = attrs.field(factory=dict)   # present candidate -> the one test they missed
    # the breach's proof, set by a mutation: the raw events a finding of its clause must cite
    proof: list[dict[str, Any]] = attrs.field(factory=list)

    def __repr__(self) -> str:
        """The events in time order, one a line: what a failing example needs to show."""
        lines = [f"Scenario {self.session_id} ({self.kind}, {self.days} day(s), audited {self.as_of.isoformat()})"]
        for raw in self.ordered():
            fields = ", ".join(f"{k}={v}" for k, v in raw.items() if k not in ("type", "at"))
            lines.append(f"  {self.event_id(raw):>5} {raw['at']} {raw['type']} {fields}")
        lines.append(f"  proof: {[self.event_id(e) for e in self.proof if e in self.events]}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:     # hypothesis's printer
        printer.text(repr(self))

    def copy(self) -> "Scenario":
        return attrs.evolve(self, events=[dict(e) for e in self.events], proof=[])

    def ordered(self) -> list[dict[str, Any]]:
        return sorted(self.events, key=lambda e: _instant(e["at"]))

    def session(self) -> Session:
        """Parse the raw events (in time order) through the real event parser."""
        parsed = []
        for index, raw in enumerate(self.ordered()):
            loc = Location("<generated>", event=index + 1)
            parsed.append(parse_event(raw, loc, session=self.session_id, default_id=_default_id(index)))
        return Session(id=self.session_id, events=parsed, source="<generated>")

    def event_id(self, raw: dict[str, Any]) -> str:
        """The id ``session()`` gives this raw event (the very dict, not an equal one)."""
        for index, event in enumerate(self.ordered()):
            if event is raw:
                return _default_id(index)
        raise ValueError(f"not an event of this scenario: {raw}")

    def find(self, type_name: str, **fields: Any) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == type_name
                and all(e.get(k) == v for k, v in fields.items())]

    def remove(self, event: dict[str, Any]) -> None:
        self.events.remove(event)


def _default_id(index: int) -> str:
    return f"g{index + 1}"


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def instant(event: dict[str, Any]) -> dt.datetime:
    """When a raw event happened (aware)."""
    return _instant(event["at"])


def place(event: dict[str, Any], moment: dt.datetime) -> None:
    """Move a raw event to ``moment``, written in the UTC offset it already had."""
    event["at"] = moment.astimezone(instant(event).tzinfo).isoformat()


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(PARIS).date()


def _wanted(draw, option: bool | None) -> bool:
    """An optional feature: as the option says, or drawn when it says nothing."""
    return option if option is not None else draw(st.booleans())


def margin(draw, most: int) -> int:
    """How far from a bound, in whole units: 0 (exactly on it) about half the time, else 1 to
    ``most``. Hypothesis shrinks it to 0, so a failure caused by the bound shows the bound."""
    if most < 1:
        return 0
    return max(0, draw(_margins(most)))     # -most..most: every negative draw is the bound


@functools.lru_cache(maxsize=None)
def _margins(most: int) -> st.SearchStrategy[int]:
    return st.integers(-most, most)         # built once: strategies are costly to build


class _Builder:
    def __init__(self, offsets: list[dt.timezone]):
        self.events: list[dict[str, Any]] = []
        self.offsets = offsets
        self.n = 0

    def add(self, type_name: str, at: dt.datetime, **fields: Any) -> dict[str, Any]:
        offset = self.offsets[self.n % len(self.offsets)]
        self.n += 1
        event = {"type": type_name, "at": at.astimezone(offset).isoformat(), **fields}
        self.events.append(event)
        return event

    def of(self, type_name: str, **fields: Any) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == type_name
                and all(e.get(k) == v for k, v in fields.items())]


@st.composite
def scenarios(draw, min_absent: int = 0, min_candidates: int = 1, kind: str | None = None,
              late: bool | None = None, days: int | None = None, min_jurors: int = 2,
              max_jurors: int = 4, training: bool = False, min_tests: int = 1,
              max_candidates: int = 15, accommodation: bool | None = None,
              substitute: bool | None = None, trainer_visit: bool | None = None,
              incident: bool | None = None, paused: bool | None = None, missed: bool | None = None,
              supervised: bool | None = None, relay: bool | None = None,
              stand_aside: bool | None = None, era: tuple[dt.date, dt.date] = SUPPORTED,
              remote: bool | None = None) -> Scenario:
    """A compliant session: 1–15 candidates, 2–4 jurors, mixed pathways, 1–4 tests each.

    Optional features, each drawn unless an option fixes it: absent candidates, a second day,
    a candidate admitted late, a candidate with extra time authorised before the session, a
    designated substitute who comes for an hour, a trainer who enters the platform once the
    tests are over, an irregularity reported in full (notice sent the very moment it happens, or
    within the hour), PVs not yet sent (and not yet due) at the audit date; the first slot's MSP
    paused for lunch or spread over two or three days (``_clock_plan``), a trainer on the
    platform during that pause, oral tests without a candidate DTE and timetables that write
    ``candidate_dte`` (``_candidate_dtes``);
    a candidate who sits their tests but misses the final interview (``missed``), a first phase
    run without the jury (``supervised``, never with an MSP over several days), a relay of the manager at
    lunch by hand-over (``relay``, instead of the substitute's visit).

    The options narrow the shape for mutations that need it: ``training`` makes the first
    candidate a present training candidate, ``min_tests`` guarantees tests other than the
    final interview, ``late=False`` / ``accommodation=False`` / ``substitute=False`` /
    ``trainer_visit=False`` / ``incident=False`` / ``paused=False`` leave those features out
    (``paused=True``: the MSP is paused), and so on.

    The jury and the documents (``_stand_aside``, ``_organisations``, ``_results``,
    ``_archive``, ``_destroy``): a juror standing aside for one candidate (``stand_aside``),
    jurors and candidates with organisations, results validated and notified, documents kept
    and destroyed with an explicit scope, grids archived per candidate.

    The session's first day is drawn in ``era`` (every supported day by default), and the
    session takes what that day's law allows (``_law_of_the_day``): a candidate convened late
    during the Covid derogations, a candidate of a CCP session sitting remotely within the 2024
    experiment (``remote``: where the day and the kind allow it, always or never).
    """
    n_candidates = draw(st.integers(max(min_candidates, min_absent + 1), max_candidates))
    n_jurors = draw(st.integers(min_jurors, max_jurors))
    kind = kind or draw(st.sampled_from(["titre", "ccp"]))
    spread = _msp_days(draw, days, paused)       # the days the first slot's MSP runs over
    days = max(days or draw(st.sampled_from([1, 1, 2])), spread)
    title, title_name = draw(st.sampled_from(TITLES))
    base_day = draw(st.dates(*era))
    offsets = draw(st.lists(st.sampled_from(OFFSETS), min_size=1, max_size=4))
    b = _Builder(offsets)
    sid = f"{title}-{base_day.isoformat()}-{draw(st.integers(1, 99))}"

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        local = dt.datetime.combine(base_day + dt.timedelta(days=day), dt.time(0, 0), tzinfo=PARIS)
        return (local + dt.timedelta(hours=hour, minutes=minute)).astimezone(dt.timezone.utc)

    def when(moment: dt.datetime, minutes: float = 0) -> dt.datetime:
        return moment + dt.timedelta(minutes=minutes)

    names = iter(draw(st.permutations([f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES[:3]])))
    candidates = {f"C{i + 1}": draw(st.sampled_from(["training", "vae", "other", "apprenticeship"]))
                  for i in range(n_candidates)}
    if training:
        candidates["C1"] = "training"
    ids = list(candidates)
    n_absent = draw(st.integers(min_absent, min(n_candidates - 1, max(min_absent, 2))))
    absent = ids[len(ids) - n_absent:] if n_absent else []
    present = [c for c in ids if c not in absent]
    jurors = [f"J{i + 1}" for i in range(n_jurors)]
    trainers = {c: [draw(st.sampled_from(["F1", "F2"]))] for c, p in candidates.items() if p == "training"}
    n_tests = draw(st.integers(min_tests, 4))
    durations = draw(st.lists(st.sampled_from([30, 45, 60, 90, 120, 180, 240]), min_size=n_tests,
                              max_size=n_tests))
    non_final_kinds = ["msp", "questionnaire", "entretien_technique", "questionnement_productions"]

    # -- declarations (weeks before)
    d0 = at(-60, 10)
    b.add("manager_designated", d0, person="RS1", name="Agnès Roussel", role="manager")
    b.add("session_planned", when(d0, 30), title=title, title_name=title_name,
          centre="Centre de formation Les Tilleuls", site="Villeurbanne", kind=kind)
    b.add("agrement_recorded", when(d0, 31), centre="Centre de formation Les Tilleuls", title=title,
          site="Villeurbanne", valid_from=(base_day - dt.timedelta(days=700)).isoformat(),
          valid_until=(base_day + dt.timedelta(days=700)).isoformat())
    b.add("session_declared", when(d0, 60))
    for i, (c, pathway) in enumerate(candidates.items()):
        fields = {"candidate": c, "name": next(names), "pathway": pathway}
        if c in trainers:
            fields["trainers"] = trainers[c]
        b.add("candidate_registered", when(d0, 120 + i), **fields)
    for i, j in enumerate(jurors):
        b.add("juror_appointed", when(d0, 300 + i), juror=j, name=f"Juré {j}", habilitation_title=title,
              habilitation_from=(base_day - dt.timedelta(days=400)).isoformat(),
              habilitation_until=(base_day + dt.timedelta(days=400)).isoformat())
    _organisations(draw, b)

    # -- timetable: non-final tests in parallel slots, final interviews one after another
    slots = _slots(days, spread)
    tests: dict[str, list[dict[str, Any]]] = {c: [] for c in ids}
    n_slot_tests = n_tests - 1 if kind == "titre" else n_tests
    n_slot_tests = min(n_slot_tests, len(slots))
    for k in range(n_slot_tests):
        day, hour = slots[k]
        for c in ids:
            tests[c].append({"test": f"{c}-T{k + 1}", "candidate": c, "kind": non_final_kinds[k % 4],
                             "duration_minutes": min(durations[k], 240 if hour == 9 else 180),
                             "start": at(day, hour)})
    last_day = days - 1
    _candidate_dtes(draw, tests)
    pauses = _clock_plan(draw, tests, spread, paused, at)
    final_start = at(last_day, 9 if all(d < last_day for d, _ in slots[:n_slot_tests])
                     and not (pauses and spread == days) else 18)
    if kind == "titre":
        cursor = final_start
        for c in ids:
            tests[c].append({"test": f"{c}-EF", "candidate": c, "kind": "entretien_final",
                             "duration_minutes": 20, "start": cursor})
            if c in present:
                cursor = when(cursor, 25)
    for c in ids:
        for t in tests[c]:
            b.add("test_scheduled", when(d0, 400), test=t["test"], candidate=c, kind=t["kind"],
                  duration_minutes=t["duration_minutes"], starts_at=t["start"].isoformat(),
                  **({"candidate_dte": t["candidate_dte"]} if t.get("dte_written") else {}))
    for c in ids:
        b.add("candidate_convened", at(-45, 9), candidate=c)

    # -- who is late, who has extra time (never the same candidate)
    want_late = _wanted(draw, late)
    late_candidate = present[0] if want_late and present and tests[present[0]] and \
        tests[present[0]][0]["kind"] != "entretien_final" else None
    extra: dict[str, int] = {}
    want_extra = _wanted(draw, accommodation)
    others = [c for c in present if c != late_candidate
              and any(t["kind"] != "entretien_final" for t in tests[c])]
    if want_extra and others:
        extra[others[-1]] = draw(st.sampled_from([15, 30]))
    for c, minutes in extra.items():
        # granted before the session: at the latest one second before the first opening
        granted = when(d0, 200) if draw(st.booleans()) else at(0, 8) - SECOND
        b.add("accommodation_authorised", granted, candidate=c, extra_minutes=minutes)

    # -- the session days
    for day in range(days):
        b.add("person_arrived", when(at(day, 8), -margin(draw, 15)), person="RS1", role="manager")
        b.add("session_opened", at(day, 8))
        if day == 0:
            b.add("display_checked", at(0, 8, 5), timetable=True, general_rules=True)
            b.add("platform_checked", at(0, 8, 10), conform=True)
        for i, j in enumerate(jurors):
            b.add("juror_checked_in", at(day, 8, 12 + i), juror=j)
        if day == 0:
            b.add("jury_briefed", at(0, 8, 25), principles=True, modalities=True, organisation=True,
                  posture=True)
            for c in present:
                for j in jurors:
                    b.add("link_checked", at(0, 8, 30), juror=j, candidate=c, linked=False)
                b.add("identity_checked", at(0, 8, 35), candidate=c)
            aside = _stand_aside(draw, b, stand_aside, at(0, 8, 31), jurors, present)
            b.add("candidates_briefed", at(0, 8, 40))
            for c in absent:
                b.add("absence_noted", at(0, 8, 45), candidate=c)
                b.add("jury_informed_of_absence", at(0, 8, 46), candidate=c)
            witness = present[0]
            b.add("seal_checked", at(0, 8, 50), witness=witness, sealed=True)
            b.add("envelopes_opened", at(0, 8, 52))
            b.add("dte_content_checked", at(0, 8, 54), conform=True)
            for j in jurors:
                b.add("dte_jury_handed", at(0, 8, 56), juror=j)
            b.add("durations_reminded", at(0, 8, 58))
    want_relay = _wanted(draw, relay)
    if not want_relay and _wanted(draw, substitute):
        # a substitute designated by the centre, at the latest on arriving, here for an hour
        arrival = at(0, 12)
        designated = when(d0, 10) if draw(st.booleans()) else arrival
        b.add("manager_designated", designated, person="SUP1", name="Loïc Haddad", role="substitute")
        b.add("person_arrived", arrival, person="SUP1", role="substitute")
        b.add("person_left", when(arrival, 60), person="SUP1", role="substitute")

    eval_gap = draw(st.sampled_from([0, 2]))      # grids recorded at the end, or two minutes on
    last_end = None
    skipped = _missed_final_interview(draw, missed, kind, present, tests)
    _note_missed(b, skipped, tests)
    for c in present:
        for t in tests[c]:
            if skipped.get(c) == t["test"]:
                continue
            start = t["start"]
            scheduled_end = when(t["start"], t["duration_minutes"])
            if c == late_candidate and t is tests[c][0]:
                start = when(start, draw(st.integers(1, 20)))
                b.add("late_admission", start, candidate=c, test=t["test"], decided_by="RS1")
            if t["kind"] != "entretien_final":
                b.add("supervision_assigned", when(t["start"], -1), test=t["test"], person="SV1")
            if t.get("candidate_dte"):
                b.add("dte_candidate_handed", start, candidate=c, test=t["test"])
            b.add("test_started", start, test=t["test"], candidate=c)
            if start != t["start"]:
                # admitted late: the end does not move (S5.5), at most the scheduled end
                end = when(scheduled_end, -margin(draw, 9))
            elif c in extra and t["kind"] != "entretien_final":
                end = when(start, t["duration_minutes"] + extra[c] - margin(draw, 10))
            else:
                end = when(start, t["duration_minutes"] - margin(draw, 10))
            end = _pause(b, t, end)
            b.add("test_ended", end, test=t["test"], candidate=c)
            for j in [j for j in jurors if (j, c) != aside]:
                b.add("evaluation_recorded", when(end, eval_gap), juror=j, candidate=c, test=t["test"])
            last_end = max(last_end or end, when(end, eval_gap))
    late_tests = [e["test"] for e in b.of("late_admission")]
    _trainer_in_pause(draw, b, pauses, trainers, trainer_visit)
    # a supervised first phase moves the jurors' first day: kept apart from an MSP over several days
    _supervised_first_phase(draw, supervised if spread == 1 else False, b, tests, n_slot_tests, jurors, at,
                            days=days, kind=kind)
    if trainers and last_end is not None and _wanted(draw, trainer_visit):
        # a trainer comes onto the platform once every test has ended (S5.4 forbids it during)
        over = max(instant(e) for e in b.of("test_ended"))
        b.add("platform_entered", when(over, margin(draw, 30)),
              person=draw(st.sampled_from(sorted({f for fs in trainers.values() for f in fs}))))

    if _wanted(draw, incident):
        # during the first test; the territorial representative told at once (R9)
        first_start = min(b.of("test_started"), key=instant)
        _incident(draw, b, instant(first_start) + dt.timedelta(minutes=15), first_start)

    # -- deliberation and after (last day): it may start the minute the last interview ends
    delib = max(last_end or at(last_day, 9), at(last_day, 9)) + dt.timedelta(minutes=margin(draw, 10))
    b.add("deliberation_started", delib)
    review_ahead = margin(draw, 1)            # each dossier reviewed at the decision, or a minute before
    for i, c in enumerate(present):
        pathway = candidates[c]
        decided = when(delib, 3 + 2 * i)
        b.add("dossier_reviewed", when(decided, -review_ahead), candidate=c, results=True,
              ecf=pathway in ("training", "apprenticeship"), dp=True,
              final_interview=kind == "titre" and c not in skipped)
        outcome = draw(st.sampled_from(["title", "partial", "none"]))
        fields = {"candidate": c, "outcome": outcome}
        if outcome == "partial":
            fields["ccps"] = ["CCP1"]
        b.add("decision_recorded", decided, **fields)
    _deliberation_presences(draw, b, delib, jurors, aside)
    t_end = when(delib, 5 + 2 * len(present))
    b.add("deliberation_ended", t_end)
    for c in absent:
        b.add("absence_recorded_on_pv", when(t_end, 2), candidate=c)
    for c, test in skipped.items():
        b.add("absence_recorded_on_pv", when(t_end, 2), candidate=c, test=test)
    for i, j in enumerate(jurors):
        b.add("pv_signed", when(t_end, 5 + i), juror=j)
    signed = when(t_end, 5 + len(jurors) - 1)
    # countersigned and entered in CERES after every juror signed, at the earliest with the last
    b.add("pv_countersigned", when(signed, margin(draw, 7)), person="RS1")
    b.add("results_recorded_ceres", when(signed, margin(draw, 12)), person="RS1")
    closed = when(t_end, 30)
    for day in range(days - 1):
        b.add("session_closed", at(day, 21))
        b.add("person_left", when(at(day, 21), margin(draw, 15)), person="RS1", role="manager")
    b.add("session_closed", closed)
    b.add("person_left", when(closed, margin(draw, 5)), person="RS1", role="manager")
    if want_relay:
        _relay_at_lunch(draw, b, days, at, d0)
    # -- PVs sent within the 15 days (at the latest the last second of day 15), or not yet sent
    # and not yet due at the audit date (at the latest exactly the deadline)
    due = pv_deadline(closed)
    deadline = int((due - closed).total_seconds()) // 60       # in minutes
    # grids archived and exam materials destroyed on the closing day (S8.6, S8.7: by its last
    # second), a second round five minutes after the first included
    duties_due = duties_deadline(closed)
    archived = min(when(closed, 60), duties_due - dt.timedelta(minutes=10))
    destroyed = min(when(closed, 90), duties_due - dt.timedelta(minutes=5))
    transmitted = draw(st.booleans())
    if transmitted:
        sent = when(due, -margin(draw, deadline - 60))
        b.add("pv_transmitted", sent)
        _archive(draw, b, archived, present)
        _destroy(draw, b, destroyed, when(closed, 45))
        as_of = when(sent, draw(st.integers(60, 90 * 24 * 60)))
        _results(draw, b, sent, present, jurors)
    else:
        _archive(draw, b, archived, present)
        _destroy(draw, b, destroyed, when(closed, 45))
        as_of = when(due, -margin(draw, deadline - 120))
    _onto_the_bounds(draw, b, kind=kind, jurors=jurors, present=present)
    _law_of_the_day(draw, b, base_day, kind, tests, present, when(t_end, 3), remote)   # last: earlier draws unchanged
    # placing events on their bounds may move one past the drawn audit date: audit after it
    as_of = max(as_of, *(instant(e) for e in b.events))
    return Scenario(session_id=sid, events=b.events, as_of=as_of.replace(microsecond=0), kind=kind,
                    candidates=candidates, present=present, absent=absent, jurors=jurors,
                    trainers=trainers, tests=tests, late=late_tests, days=days, accommodated=extra,
                    missed=skipped)


def _law_of_the_day(draw, b: "_Builder", day: dt.date, kind: str, tests: dict[str, list[dict[str, Any]]],
                    present: list[str], on_pv: dt.datetime, remote: bool | None = None) -> None:
    """What only the session day's law allows, drawn after everything else so that the rest of
    the session is drawn as it always was.

    * during the Covid derogations (R5 suspended), a candidate convened a few days before the
      opening, well short of the ordinary lead time;
    * within the remote experiment, in a CCP session, a present candidate whose tests all
      belong to the eligible CCP and are held remotely: the session declared remote and the
      candidate's remote modality on the PV.
    """
    if COVID_DEROGATIONS[0] <= day <= COVID_DEROGATIONS[1] and draw(st.booleans()):
        opening = min(instant(e) for e in b.of("session_opened"))
        convocation = draw(st.sampled_from(b.of("candidate_convened")))
        place(convocation, opening - dt.timedelta(days=draw(st.integers(1, 5))))
    sitting = [c for c in present if tests[c]]
    if kind == "ccp" and REMOTE_EXPERIMENT[0] <= day <= REMOTE_EXPERIMENT[1] and sitting and _wanted(draw, remote):
        candidate = draw(st.sampled_from(sitting))
        mine = {t["test"] for t in tests[candidate]}
        for event in b.of("test_scheduled", candidate=candidate):
            event.update(ccp=REMOTE_CCP, remote=True)
        for event in b.of("test_started", candidate=candidate):
            if event["test"] in mine:
                event["remote"] = True
        b.of("session_declared")[0]["remote"] = True
        b.add("modality_recorded_on_pv", on_pv, candidate=candidate, modality="remote")


def _missed_final_interview(draw, option: bool | None, kind: str, present: list[str],
                            tests: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """A present candidate of a title session who sits their other tests and misses the final
    interview (ill, gone home): {candidate: the final interview's test id}. Never the only
    present candidate, nor one with no other test."""
    if kind != "titre" or len(present) < 2 or not _wanted(draw, option):
        return {}
    candidate = present[-1]
    if len(tests[candidate]) < 2:
        return {}
    return {candidate: tests[candidate][-1]["test"]}


def _note_missed(b: "_Builder", skipped: dict[str, str], tests: dict[str, list[dict[str, Any]]]) -> None:
    """The absence from the one test, noted and told to the jury for that test (S3.2, S3.3)."""
    for candidate, test in skipped.items():
        start = next(t["start"] for t in tests[candidate] if t["test"] == test)
        b.add("absence_noted", start + dt.timedelta(minutes=5), candidate=candidate, test=test)
        b.add("jury_informed_of_absence", start + dt.timedelta(minutes=6), candidate=candidate, test=test)


def _supervised_first_phase(draw, option: bool | None, b: "_Builder", tests: dict[str, list[dict[str, Any]]],
                            n_slot_tests: int, jurors: list[str], at: Any, *, days: int, kind: str) -> None:
    """Phases the référentiel runs without the jury (jury_required: false), under supervision:
    the first morning's test becomes a questionnaire and the jurors arrive at noon, before the
    afternoon's test (so only when there is one); or, in a two-day session whose second day has
    a jury test, the whole first day is supervised and the jurors come the second day only.
    The jurors are briefed, check their ties, get the jury DTE and record the supervised
    results once there."""
    whole_day = days >= 2 and (kind == "titre" or n_slot_tests >= 3)
    if not (n_slot_tests >= 2 or whole_day) or not _wanted(draw, option):
        return
    whole_day = whole_day and (n_slot_tests < 2 or draw(st.sampled_from([True, True, False])))
    first_day = at(0, 21)
    if whole_day:
        supervised = {t["test"] for ts in tests.values() for t in ts if t["start"] < first_day}
        for checkin in b.of("juror_checked_in"):
            if instant(checkin) < first_day:
                b.events.remove(checkin)
        there = at(1, 8, 12 + len(jurors))
    else:
        supervised = {ts[0]["test"] for ts in tests.values() if ts}
        for checkin in b.of("juror_checked_in"):
            if instant(checkin) < first_day:
                place(checkin, at(0, 12, 12 + jurors.index(checkin["juror"])))
        there = at(0, 12, 12 + len(jurors))
    handed = {}
    for t in (t for ts in tests.values() for t in ts if t["test"] in supervised):
        t["kind"] = "questionnaire"
        handed[t["test"]] = bool(t.get("candidate_dte"))
    for scheduled in b.of("test_scheduled"):
        if scheduled["test"] in supervised:
            # the timetable says whether the DTE was handed out (an oral slot turned questionnaire)
            scheduled.update(kind="questionnaire", jury_required=False, candidate_dte=handed[scheduled["test"]])
    for type_name, minutes in (("jury_briefed", 1), ("link_checked", 2), ("dte_jury_handed", 3)):
        for event in b.of(type_name):
            if instant(event) < at(0, 12):
                place(event, there + dt.timedelta(minutes=minutes))
    for evaluation in b.of("evaluation_recorded"):
        if evaluation["test"] in supervised:
            place(evaluation, max(instant(evaluation), there + dt.timedelta(minutes=4)))


def _relay_at_lunch(draw, b: "_Builder", days: int, at: Any, d0: dt.datetime) -> None:
    """On each day whose closing comes after lunch, the manager hands the duty over to the
    substitute (designated beforehand, or at the latest at that first hand-over, S1.2), goes to
    lunch, comes back and takes the duty back; the substitute then leaves (S1.1 covered)."""
    closings = sorted(instant(e) for e in b.of("session_closed"))
    acts = [instant(e) for t in ("late_admission", "pv_countersigned", "results_recorded_ceres") for e in b.of(t)]
    relay_days = [d for d in range(days) if any(at(d, 13, 45) < c < at(d + 1, 0) for c in closings)
                  and not any(at(d, 11, 50) <= a <= at(d, 13, 45) for a in acts)]   # the manager acts on site
    if not relay_days:
        return
    for d in relay_days:
        b.add("person_arrived", at(d, 11, 50), person="SUP1", role="substitute")
        handover = b.add("duty_handover", at(d, 12), **{"from": "RS1", "to": "SUP1"})
        b.add("person_left", at(d, 12, margin(draw, 5)), person="RS1", role="manager")
        b.add("person_arrived", at(d, 13, 30), person="RS1", role="manager")
        b.add("duty_handover", at(d, 13, 30 + margin(draw, 5)), **{"from": "SUP1", "to": "RS1"})
        b.add("person_left", at(d, 13, 40), person="SUP1", role="substitute")
        if d == relay_days[0]:
            designated = d0 + dt.timedelta(minutes=10) if draw(st.booleans()) else instant(handover)
            b.add("manager_designated", designated, person="SUP1", name="Loïc Haddad", role="substitute")


WORKDAY = 8 * 60        # minutes an MSP spread over days is worked each full day (09:00–17:00)
ORAL_KINDS = ("entretien_technique", "questionnement_productions", "entretien_final")


def _msp_days(draw, days: int | None, paused: bool | None) -> int:
    """Over how many days the first slot's MSP runs: 1 mostly; 2 or 3 (paused each evening)
    sometimes, within the days an option fixes (a longer session otherwise)."""
    if paused is False:
        return 1
    most = days if days is not None else 3
    return draw(st.sampled_from([1, 1, 1, 1, *range(2, most + 1), 2]))


def _slots(days: int, spread: int) -> list[tuple[int, int]]:
    """(day, hour) of the parallel test slots, less those an MSP spread over days occupies:
    every afternoon but the last one's, every morning but the first."""
    taken = {(d, 14) for d in range(spread - 1)} | {(d, 9) for d in range(1, spread)}
    return [(d, h) for d in range(days) for h in (9, 14) if (d, h) not in taken]


def _candidate_dtes(draw, tests: dict[str, list[dict[str, Any]]]) -> None:
    """Who gets a candidate DTE (S4.4): by kind (the MSP and the questionnaire, not the oral
    tests), and sometimes as the timetable writes it: an oral test given one, a written test
    given none, or the MSP's default written out. The first slot's MSP always keeps its DTE.
    The second slot is sometimes an oral test rather than the questionnaire."""
    oral = draw(st.sampled_from(["questionnaire", *ORAL_KINDS[:2]]))
    for ts in tests.values():
        if len(ts) > 1 and ts[1]["kind"] == "questionnaire":
            ts[1]["kind"] = oral
    for slot in range(max(len(ts) for ts in tests.values())):
        kinds = {ts[slot]["kind"] for ts in tests.values() if len(ts) > slot}
        default = not kinds & set(ORAL_KINDS)
        written = "entretien_final" not in kinds and draw(st.booleans())
        value = default if slot == 0 or not written else not default
        for ts in tests.values():
            if len(ts) > slot:
                ts[slot].update(candidate_dte=value, dte_written=written)


def _clock_plan(draw, tests: dict[str, list[dict[str, Any]]], spread: int, paused: bool | None,
                at) -> list[tuple[dt.datetime, dt.datetime]]:
    """The pauses of the first slot's MSP, shared by every candidate of that slot (they sit it
    together): each evening (17:00 to 09:00) when it is spread over days, its duration then being
    worked on those days plus one to three hours of the last morning; else sometimes a lunch
    pause, taken at least 21 minutes in (after a late start) and 11 before the earliest end.
    Everyone's end moves by the time paused (``_pause``), so the time worked keeps its bounds,
    exactly on the duration included."""
    first = [ts[0] for ts in tests.values() if ts and ts[0]["kind"] == "msp" and ts[0]["start"] == at(0, 9)]
    if not first:
        return []
    if spread > 1:
        duration = (spread - 1) * WORKDAY + draw(st.sampled_from([60, 120, 180]))
        pauses = [(at(d, 17), at(d + 1, 9)) for d in range(spread - 1)]
    else:
        duration = max(first[0]["duration_minutes"], 60 if paused else 0)
        room = 270 - duration          # the MSP, extra time and lunch over by 14:00
        if not _wanted(draw, paused) or duration < 32 or room < 15:
            return []
        pause = at(0, 9) + dt.timedelta(minutes=draw(st.integers(21, duration - 11)))
        lunch = min(draw(st.sampled_from([30, 45, 60, 90])), room)
        pauses = [(pause, pause + dt.timedelta(minutes=lunch))]
    for t in first:
        t.update(duration_minutes=duration, pauses=pauses)
    return pauses


def _pause(b: _Builder, test: dict[str, Any], end: dt.datetime) -> dt.datetime:
    """Record the test's pauses and return its end moved by the time paused."""
    for pause, resume in test.get("pauses", ()):
        b.add("test_paused", pause, test=test["test"], candidate=test["candidate"])
        b.add("test_resumed", resume, test=test["test"], candidate=test["candidate"])
        end += resume - pause
    return end


def _trainer_in_pause(draw, b: _Builder, pauses: list[tuple[dt.datetime, dt.datetime]],
                      trainers: dict[str, list[str]], option: bool | None) -> None:
    """Sometimes a trainer comes onto the platform during the MSP's first pause, when no test
    runs (S5.4 reads worked spans): at the very moment of the pause, or up to 30 minutes on."""
    if not pauses or not trainers or option is False or not draw(st.booleans()):
        return
    pause, resume = pauses[0]
    room = min(30, int((resume - pause).total_seconds() // 60) - 1)
    b.add("platform_entered", pause + dt.timedelta(minutes=margin(draw, room)),
          person=draw(st.sampled_from(sorted({f for fs in trainers.values() for f in fs}))))


JUROR_ORGANISATIONS = ["Restaurant Le Grand Bleu", "Hôtel des Célestins", "GRETA Lyon Métropole"]
CANDIDATE_ORGANISATIONS = ["Centre de formation Les Tilleuls", "CFA des Métiers de Bouche"]


def _organisations(draw, b: _Builder) -> None:
    """Sometimes the jurors' and the training candidates' organisations: a juror may be a
    trainer, never of a candidate's training organisation (R14)."""
    if not draw(st.booleans()):
        return
    for appointment in b.of("juror_appointed"):
        appointment["organisation"] = draw(st.sampled_from(JUROR_ORGANISATIONS))
        appointment["trainer"] = draw(st.booleans())
    for registration in b.of("candidate_registered", pathway="training"):
        registration["organisation"] = draw(st.sampled_from(CANDIDATE_ORGANISATIONS))


def _stand_aside(draw, b: _Builder, option: bool | None, moment: dt.datetime, jurors: list[str],
                 present: list[str]) -> tuple[str, str] | None:
    """Sometimes a juror stands aside for one candidate (R11, R15, S3.5): with three jurors or
    more, two others still evaluate that candidate; with two candidates or more, the juror still
    evaluates someone. Their tie is declared, or not (standing aside is enough)."""
    if len(jurors) < 3 or len(present) < 2 or not _wanted(draw, option):
        return None
    juror, candidate = draw(st.sampled_from(jurors)), draw(st.sampled_from(present))
    b.add("juror_stood_aside", moment, juror=juror, candidate=candidate)
    for check in b.of("link_checked", juror=juror, candidate=candidate):
        check["linked"] = draw(st.booleans())
    return juror, candidate


def _deliberation_presences(draw, b: _Builder, start: dt.datetime, jurors: list[str],
                            aside: tuple[str, str] | None) -> None:
    """The jurors in the room: for the whole deliberation, or candidate by candidate (always
    when a juror stood aside, who then leaves for that candidate's deliberation)."""
    if aside is None and draw(st.booleans()):
        for j in jurors:
            b.add("deliberation_presence", start, person=j)
        return
    for decision in b.of("decision_recorded"):
        c = decision["candidate"]
        for j in jurors:
            if (j, c) != aside:
                b.add("deliberation_presence", instant(decision) - dt.timedelta(minutes=1), person=j, candidate=c)


def _incident(draw, b: _Builder, happened: dt.datetime, during: dict[str, Any]) -> None:
    """An irregularity in the first test, reported in full; the territorial representative told
    at once or within the hour (R9), by a contact of its own or as the incident record says."""
    told = happened + dt.timedelta(minutes=margin(draw, 60))
    fields: dict[str, Any] = {"incident": "I0", "kind": draw(st.sampled_from(["fraud", "irregularity"])),
                              "written_report": True, "pv_mention": True}
    if draw(st.booleans()):
        fields.update(test=during["test"], candidate=during["candidate"],
                      decision=draw(st.sampled_from(["continue", "exclusion", "undecided"])))
    if draw(st.booleans()):
        fields["representative_told_at"] = told.isoformat()
    else:
        b.add("representative_contacted", told, reason="incident")
    b.add("incident_reported", happened, **fields)


def _archive(draw, b: _Builder, moment: dt.datetime, present: list[str]) -> None:
    """The grids archived: every candidate's at once (no candidate named), or candidate by
    candidate in one or two rounds, covering everyone who sat (S8.6)."""
    how = draw(st.sampled_from(["all", "named", "two rounds"]))
    if how == "all" or not present:
        b.add("grids_archived", moment)
    elif how == "named" or len(present) == 1:
        b.add("grids_archived", moment, candidates=list(present))
    else:
        cut = draw(st.integers(1, len(present) - 1))
        b.add("grids_archived", moment, candidates=present[:cut])
        b.add("grids_archived", moment + dt.timedelta(minutes=5), candidates=present[cut:])


def _destroy(draw, b: _Builder, moment: dt.datetime, kept_at: dt.datetime) -> None:
    """The exam materials destroyed (S8.7): by default, named, or one material at a time; and
    sometimes the PV copy and the DP recorded as kept (no breach)."""
    how = draw(st.sampled_from(["default", "named", "one at a time"]))
    if how == "default":
        b.add("documents_destroyed", moment)
    elif how == "named":
        b.add("documents_destroyed", moment, documents=["dte_copies", "drafts"])
    else:
        b.add("documents_destroyed", moment, documents=["drafts"])
        b.add("documents_destroyed", moment + dt.timedelta(minutes=5), documents=["dte_copies"])
    if draw(st.booleans()):
        b.add("documents_kept", kept_at, documents=draw(st.sampled_from([["pv_copy", "dp"], ["pv_copy"],
                                                                          ["dp", "accommodation_decision"]])))


def _results(draw, b: _Builder, sent: dt.datetime, present: list[str], jurors: list[str]) -> None:
    """Sometimes the representative validates the PV after it was sent; then the results are
    sometimes notified (to all, or candidate by candidate) and sometimes told to a candidate by
    the manager or a juror, no earlier than the validation (S7.3, S8.2: official by then)."""
    how = draw(st.sampled_from(["validated", "notified to all", "notified one by one", "not yet"]))
    if not present or how == "not yet":
        return
    validated = sent + dt.timedelta(hours=draw(st.integers(1, 20 * 24)))
    b.add("results_validated", validated, by="DDETS")
    notified = validated + dt.timedelta(hours=draw(st.integers(1, 72)))
    if how == "notified to all":
        b.add("results_notified", notified)
    elif how == "notified one by one":
        for c in present:
            b.add("results_notified", notified, candidate=c)
    if draw(st.booleans()):
        told = validated + dt.timedelta(minutes=margin(draw, 3 * 24 * 60))
        b.add("results_communicated", told, person=draw(st.sampled_from(["RS1", *jurors])),
              candidate=draw(st.sampled_from(present)))


def _toward(draw, event: dict[str, Any], bound: dt.datetime) -> None:
    """Move an event that lies before ``bound`` to the bound itself, or a whole number of
    minutes before it (never earlier than where it was): a compliant placement either way."""
    _all_toward(draw, [(event, bound)])


def _all_toward(draw, pairs: list[tuple[dict[str, Any], dt.datetime]]) -> None:
    """``_toward`` for a family of (event, bound) pairs, with one margin drawn for them all
    (each event kept no earlier than where it was): all on their bounds, or all a little before."""
    rooms = [int((bound - instant(event)).total_seconds() // 60) for event, bound in pairs]
    chosen = margin(draw, max(rooms, default=0))
    for (event, bound), room in zip(pairs, rooms):
        if room >= 0:
            place(event, bound - dt.timedelta(minutes=min(chosen, room)))


def _onto_the_bounds(draw, b: _Builder, *, kind: str, jurors: list[str], present: list[str]) -> None:
    """Move the checks that must come "no later than" something towards that something.

    Only events that no other time of the layout depends on are moved here; the times that
    others follow (test ends, deliberation, signatures, closings, transmission) draw their
    margins where they are built.
    """
    starts = b.of("test_started")
    if not starts:
        return
    first_start = min(instant(e) for e in starts)
    opening = min(instant(e) for e in b.of("session_opened"))
    arrival = min(instant(e) for e in b.of("person_arrived", person="RS1"))

    # before the session: declared (R2), manager designated (R3), candidates convened (R5)
    _toward(draw, b.of("session_declared")[0], opening)
    _toward(draw, b.of("manager_designated", person="RS1")[0], arrival)
    # lead times count whole days: the last day in time (D - N, or for a titre one calendar
    # month before when later) counts to its last second, for an opening on day D
    day_after = last_convocation_day(local_day(opening), kind) + dt.timedelta(days=1)
    in_time = dt.datetime.combine(day_after, dt.time(0, 0), tzinfo=PARIS).astimezone(dt.timezone.utc) - \
        dt.timedelta(seconds=1)
    _all_toward(draw, [(convocation, in_time) for convocation in b.of("candidate_convened")])
    # approval covering every day the session opens (R1), valid from/through those days
    days_open = sorted(local_day(instant(e)) for e in b.of("session_opened"))
    approval = b.of("agrement_recorded")[0]
    approval["valid_from"] = (days_open[0] - dt.timedelta(days=margin(draw, 700))).isoformat()
    approval["valid_until"] = (days_open[-1] + dt.timedelta(days=margin(draw, 700))).isoformat()
    # before the first test: display (S1.3), platform (R6), jury briefing (S2.3), candidate
    # briefing (R8), durations recalled (S5.1), and the quorum (S2.1): every juror but the
    # first checks in at one shared moment, so the quorum forms exactly then
    for type_name in ("display_checked", "platform_checked", "jury_briefed", "candidates_briefed",
                      "durations_reminded"):
        _toward(draw, b.of(type_name)[0], first_start)
    checkins = [e for e in b.of("juror_checked_in") if instant(e) <= first_start]
    latecomers = [e for e in checkins if e["juror"] != jurors[0]]
    if latecomers:
        room = int((first_start - max(instant(e) for e in latecomers)).total_seconds() // 60)
        moment = first_start - dt.timedelta(minutes=margin(draw, room))
        for checkin in latecomers:
            place(checkin, moment)
    # per candidate: identity checked no later than their first test (S3.1)
    first_test = _earliest(starts, "candidate")
    _all_toward(draw, [(e, first_test[e["candidate"]]) for e in b.of("identity_checked")])
    # per juror and candidate: ties checked (S3.4), jury DTE handed (S4.5) no later than the
    # first evaluation
    evaluations = b.of("evaluation_recorded")
    first_of_pair = _earliest(evaluations, "juror", "candidate")
    _all_toward(draw, [(e, first_of_pair[e["juror"], e["candidate"]]) for e in b.of("link_checked")
                       if (e["juror"], e["candidate"]) in first_of_pair])
    first_of_juror = _earliest(evaluations, "juror")
    _all_toward(draw, [(e, first_of_juror[e["juror"]]) for e in b.of("dte_jury_handed")
                       if e["juror"] in first_of_juror])

    # habilitations valid from the first day through the last day each juror acts (R4, S2.1)
    for juror in jurors:
        acts = [instant(e) for e in b.events if e.get("juror") == juror
                and e["type"] in ("juror_checked_in", "evaluation_recorded")]
        appointment = b.of("juror_appointed", juror=juror)[0]
        first_day, last_day = local_day(min(acts)), local_day(max(acts))
        # valid through the last day, whatever its length (23 or 25 hours when the clocks change)
        after = margin(draw, 400)
        appointment["habilitation_from"] = (first_day - dt.timedelta(days=margin(draw, 400))).isoformat()
        appointment["habilitation_until"] = (last_day + dt.timedelta(days=after)).isoformat()

    # envelopes: seals checked no later than opening (S4.1); each candidate DTE handed within
    # the 30 minutes before its test starts (S4.4), never before the content check; the content
    # checked no later than the first DTE handed (S4.3)
    opened = b.of("envelopes_opened")[0]
    _toward(draw, b.of("seal_checked")[0], instant(opened))
    content = b.of("dte_content_checked")[0]
    test_start = _earliest(starts, "test")
    early = dt.timedelta(minutes=draw(st.sampled_from([30, 0, 10])))   # 30: the earliest allowed
    for handed in b.of("dte_candidate_handed"):
        if test_start[handed["test"]] - early >= instant(content):
            place(handed, test_start[handed["test"]] - early)
    hand_outs = [instant(e) for e in b.of("dte_candidate_handed")]
    if hand_outs:
        _toward(draw, content, min(hand_outs))


def _earliest(events: list[dict[str, Any]], *keys: str) -> dict[Any, dt.datetime]:
    """The earliest instant of the events per value of ``keys`` (one key: the bare value)."""
    out: dict[Any, dt.datetime] = {}
    for event in events:
        key = event[keys[0]] if len(keys) == 1 else tuple(event[k] for k in keys)
        moment = instant(event)
        if key not in out or moment < out[key]:
            out[key] = moment
    return out
