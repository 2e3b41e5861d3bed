"""Hypothesis strategies: realistic compliant sessions, built valid by construction.

A ``Scenario`` is a list of raw events (the dicts a record holds) plus an audit date; mutations
(tests/mutations.py) edit the raw events, then ``Scenario.session()`` parses them through the
real reader path. Shapes are drawn first (candidates, jurors, days, options), then times.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import attrs
from hypothesis import strategies as st

from compliance import Location, Session, parse_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
OFFSETS = [dt.timezone(dt.timedelta(hours=h, minutes=m)) for h, m in
           ((1, 0), (0, 0), (2, 0), (-5, 0), (9, 0), (5, 30), (-3, -30))]
FIRST_NAMES = ["Élodie", "Zoé", "Noël", "Agnès", "Jérôme", "Françoise", "Loïc", "Maëlle", "Hervé",
               "Cécile", "Benoît", "Inès", "Aurélien", "Gaëlle", "Anaïs", "Raphaël"]
LAST_NAMES = ["Marchand", "Bénard", "Dupré", "Roussel", "Caël", "Ollivier", "Lefèvre", "Nguyễn",
              "Müller", "Da Silva", "Le Goff", "Brûlé", "Œuvray", "Haddad"]
TITLES = [("TP-00417", "Cuisinier"), ("TP-01281", "Agent de restauration"),
          ("TP-00302", "Secrétaire assistant"), ("TP-01345", "Conseiller en insertion professionnelle")]


@attrs.define
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

    def copy(self) -> "Scenario":
        return attrs.evolve(self, events=[dict(e) for e in self.events])

    def ordered(self) -> list[dict[str, Any]]:
        return sorted(self.events, key=lambda e: _instant(e["at"]))

    def session(self) -> Session:
        """Parse the raw events (in time order) through the real event parser."""
        parsed = []
        for index, raw in enumerate(self.ordered()):
            loc = Location("<generated>", event=index + 1)
            parsed.append(parse_event(raw, loc, session=self.session_id, default_id=f"g{index + 1}"))
        return Session(id=self.session_id, events=parsed, source="<generated>")

    def find(self, type_name: str, **fields: Any) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == type_name
                and all(e.get(k) == v for k, v in fields.items())]

    def remove(self, event: dict[str, Any]) -> None:
        self.events.remove(event)


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


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


@st.composite
def scenarios(draw, min_absent: int = 0, min_candidates: int = 1, kind: str | None = None,
              late: bool | None = None, days: int | None = None, min_jurors: int = 2,
              max_jurors: int = 4, training: bool = False, min_tests: int = 1,
              max_candidates: int = 15) -> Scenario:
    """A compliant session: 1–15 candidates, 2–4 jurors, mixed pathways, 1–4 tests each.

    The options narrow the shape for mutations that need it: ``training`` makes the first
    candidate a present training candidate, ``min_tests`` guarantees tests other than the
    final interview, and so on.
    """
    n_candidates = draw(st.integers(max(min_candidates, min_absent + 1), max_candidates))
    n_jurors = draw(st.integers(min_jurors, max_jurors))
    kind = kind or draw(st.sampled_from(["titre", "ccp"]))
    days = days or draw(st.sampled_from([1, 1, 2]))
    title, title_name = draw(st.sampled_from(TITLES))
    base_day = draw(st.dates(dt.date(2024, 1, 8), dt.date(2026, 9, 30)))
    offsets = draw(st.lists(st.sampled_from(OFFSETS), min_size=1, max_size=4))
    b = _Builder(offsets)
    sid = f"{title}-{base_day.isoformat()}-{draw(st.integers(1, 99))}"

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        local = dt.datetime.combine(base_day + dt.timedelta(days=day), dt.time(0, 0), tzinfo=PARIS)
        return (local + dt.timedelta(hours=hour, minutes=minute)).astimezone(dt.timezone.utc)

    def when(moment: dt.datetime, minutes: float = 0) -> dt.datetime:
        return moment + dt.timedelta(minutes=minutes)

    names = iter(draw(st.permutations([f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES[:3]])))
    candidates = {f"C{i + 1}": draw(st.sampled_from(["training", "vae", "other"]))
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

    # -- timetable: non-final tests in parallel slots, final interviews one after another
    slots = [(d, h) for d in range(days) for h in (9, 14)]
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
    final_start = at(last_day, 9 if n_slot_tests <= 2 * last_day else 18)
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
                  duration_minutes=t["duration_minutes"], starts_at=t["start"].isoformat())
    for c in ids:
        b.add("candidate_convened", at(-45, 9), candidate=c)

    # -- the session days
    late_tests: list[str] = []
    want_late = late if late is not None else draw(st.booleans())
    late_candidate = present[0] if want_late and present and tests[present[0]] and \
        tests[present[0]][0]["kind"] != "entretien_final" else None
    for day in range(days):
        b.add("person_arrived", at(day, 7, 45), person="RS1", role="manager")
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

    last_end = None
    for c in present:
        for t in tests[c]:
            start = t["start"]
            if c == late_candidate and t is tests[c][0]:
                start = when(start, 10)
                b.add("late_admission", start, candidate=c, test=t["test"], decided_by="RS1")
                late_tests.append(t["test"])
            if t["kind"] != "entretien_final":
                b.add("supervision_assigned", when(t["start"], -1), test=t["test"], person="SV1")
                b.add("dte_candidate_handed", start, candidate=c, test=t["test"])
            b.add("test_started", start, test=t["test"], candidate=c)
            scheduled_end = when(t["start"], t["duration_minutes"])
            used = draw(st.integers(0, 10))
            end = min(when(start, t["duration_minutes"] - used), scheduled_end)
            b.add("test_ended", end, test=t["test"], candidate=c)
            for j in jurors:
                b.add("evaluation_recorded", when(end, 2), juror=j, candidate=c, test=t["test"])
            last_end = max(last_end or end, when(end, 2))
    # -- deliberation and after (last day)
    delib = max(last_end or at(last_day, 9), at(last_day, 9)) + dt.timedelta(minutes=10)
    b.add("deliberation_started", delib)
    for j in jurors:
        b.add("deliberation_presence", delib, person=j)
    for i, c in enumerate(present):
        pathway = candidates[c]
        b.add("dossier_reviewed", when(delib, 2 + 2 * i), candidate=c, results=True,
              ecf=pathway == "training", dp=True, final_interview=kind == "titre")
        outcome = draw(st.sampled_from(["title", "partial", "none"]))
        fields = {"candidate": c, "outcome": outcome}
        if outcome == "partial":
            fields["ccps"] = ["CCP1"]
        b.add("decision_recorded", when(delib, 3 + 2 * i), **fields)
    t_end = when(delib, 5 + 2 * len(present))
    b.add("deliberation_ended", t_end)
    for c in absent:
        b.add("absence_recorded_on_pv", when(t_end, 2), candidate=c)
    for i, j in enumerate(jurors):
        b.add("pv_signed", when(t_end, 5 + i), juror=j)
    b.add("pv_countersigned", when(t_end, 15), person="RS1")
    b.add("results_recorded_ceres", when(t_end, 20), person="RS1")
    closed = when(t_end, 30)
    for day in range(days - 1):
        b.add("session_closed", at(day, 21))
        b.add("person_left", at(day, 21, 15), person="RS1", role="manager")
    b.add("session_closed", closed)
    b.add("person_left", when(closed, 5), person="RS1", role="manager")
    # -- PVs sent within the 15 days, or not yet due at the audit date
    transmitted = draw(st.booleans())
    if transmitted:
        sent = when(closed, draw(st.integers(60, 14 * 24 * 60)))
        b.add("pv_transmitted", sent)
        b.add("grids_archived", when(sent, 30))
        b.add("documents_destroyed", when(sent, 60))
        as_of = when(sent, draw(st.integers(60, 90 * 24 * 60)))
    else:
        b.add("grids_archived", when(closed, 60))
        b.add("documents_destroyed", when(closed, 90))
        as_of = when(closed, draw(st.integers(120, 14 * 24 * 60)))
    return Scenario(session_id=sid, events=b.events, as_of=as_of.replace(microsecond=0), kind=kind,
                    candidates=candidates, present=present, absent=absent, jurors=jurors,
                    trainers=trainers, tests=tests, late=late_tests, days=days)
