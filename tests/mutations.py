"""Mutations: each breaks exactly one clause in an otherwise compliant session.

Each mutation is registered under its clause id with the scenario options it needs, and may
declare clauses that break *with it by nature* (``also``): S2.2 — no contact after a jury
shortfall — cannot happen without the S2.1 shortfall itself.

Each mutation also records the breach's proof (``Scenario.proof``): the raw events, as they are
after the edit, that a finding of its clause must cite so that a reader can see the breach
(the test start that now comes before any identity check, the PV transmission sent late…).
``cites`` says how: ``exactly`` those events, or ``at least`` them where a rule legitimately
cites more context.

Where a mutation moves an event across a line the regulation draws, it moves it by as little as
one second some of the time (``beyond``), and hypothesis shrinks failures to that second.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import attrs
from hypothesis import strategies as st

from strategies import (CURRENT_LAW, PARIS, REMOTE_EXPERIMENT, SUPPORTED, Scenario,
                        duties_deadline, instant, last_convocation_day, local_day, place, pv_deadline,
                        scenarios)

MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


@attrs.frozen
class Mutation:
    clause: str
    apply: Callable[[Scenario, Any], None]      # edits the scenario in place, sets its proof
    options: dict[str, Any] = attrs.field(factory=dict)
    also: frozenset[str] = frozenset()
    cites: str = "exactly"                      # or "at least"

    def strategy(self, **narrower: Any) -> st.SearchStrategy:
        @st.composite
        def mutated(draw):
            # the current law's years unless the mutation says otherwise (strategies.SUPPORTED)
            scenario = draw(scenarios(**{"era": CURRENT_LAW, **self.options, **narrower})).copy()
            self.apply(scenario, draw)
            assert scenario.proof, f"the {self.clause} mutation records no proof"
            # an edit may move an event past the drawn audit date: audit after the last event
            last = max(instant(e) for e in scenario.events)
            scenario.as_of = max(scenario.as_of, last.replace(microsecond=0))
            return scenario
        return mutated()


MUTATIONS: dict[str, Mutation] = {}
"""By clause id, or ``clause:variant`` for a further way of breaking the same clause."""


def mutation(clause: str, also: tuple[str, ...] = (), cites: str = "exactly", variant: str = "",
             **options: Any):
    def register(fn: Callable[[Scenario, Any], None]) -> Callable[[Scenario, Any], None]:
        key = f"{clause}:{variant}" if variant else clause
        assert key not in MUTATIONS, f"two mutations registered as {key}"
        MUTATIONS[key] = Mutation(clause, fn, options, frozenset(also), cites)
        return fn
    return register


def beyond(draw, most: dt.timedelta) -> dt.timedelta:
    """How far past a bound: one second about half the time (and when shrinking), else up to
    ``most``."""
    seconds = max(1, int(most.total_seconds()))
    return dt.timedelta(seconds=draw(st.one_of(st.just(1), st.integers(1, seconds))))


def beyond_days(draw, most: int) -> dt.timedelta:
    """Whole days past a calendar-day bound: one day about half the time, else up to ``most``."""
    return dt.timedelta(days=draw(st.one_of(st.just(1), st.integers(1, most))))


def first(scenario: Scenario, type_name: str, **fields: Any) -> dict[str, Any]:
    return min(scenario.find(type_name, **fields), key=instant)


def last(scenario: Scenario, type_name: str, **fields: Any) -> dict[str, Any]:
    return max(scenario.find(type_name, **fields), key=instant)


def first_evaluation(scenario: Scenario, juror: str) -> dict[str, Any]:
    """A juror's first evaluation, as S4.5 and S8.1 cite it: of several in the same second, the
    lowest candidate, then test, id."""
    return min(scenario.find("evaluation_recorded", juror=juror), key=lambda e: (instant(e), e["candidate"], e["test"]))


def first_test_start(scenario: Scenario) -> dt.datetime:
    return instant(first(scenario, "test_started"))


def add(scenario: Scenario, type_name: str, moment: dt.datetime, **fields: Any) -> dict[str, Any]:
    event = {"type": type_name, "at": moment.isoformat(), **fields}
    scenario.events.append(event)
    return event


def jury_waits_for(s: Scenario, end: dict[str, Any]) -> None:
    """A test made to end later: in a CCP session the jury deliberates only once the last test
    has ended (S6.1), so a deliberation that would now start before it waits for it."""
    start = first(s, "deliberation_started")
    if s.kind == "ccp" and instant(start) < instant(end):
        place(start, instant(end))


# ----------------------------------------------------------------------------- S1

@mutation("S1.1", substitute=False, relay=False)
def manager_away(s: Scenario, draw) -> None:
    """The manager arrives after the first opening, or leaves before a closing with nobody
    taking over."""
    if draw(st.booleans()):
        arrival = first(s, "person_arrived", person="RS1")
        opening = first(s, "session_opened")
        place(arrival, instant(opening) + beyond(draw, 45 * MINUTE))
        s.proof = [opening, arrival]
    else:
        closing = draw(st.sampled_from(sorted(s.find("session_closed"), key=instant)))
        departure = min((e for e in s.find("person_left", person="RS1") if instant(e) >= instant(closing)),
                        key=instant)
        place(departure, instant(closing) - beyond(draw, 60 * MINUTE))
        s.proof = [departure, closing]


@mutation("S1.1", variant="late-on-a-later-day", substitute=False, relay=False, days=2)
def manager_late_on_a_later_day(s: Scenario, draw) -> None:
    """On a later day of the session, the manager arrives after that day's opening (they were
    on time the first morning)."""
    opening = draw(st.sampled_from(sorted(s.find("session_opened"), key=instant)[1:]))
    arrival = min((e for e in s.find("person_arrived", person="RS1")
                   if local_day(instant(e)) == local_day(instant(opening))), key=instant)
    place(arrival, instant(opening) + beyond(draw, 45 * MINUTE))
    s.proof = [opening, arrival]


@mutation("S1.1", variant="relay-leaves-early", relay=True, days=2)
def relay_leaves_before_the_manager_returns(s: Scenario, draw) -> None:
    """On a day of the lunch relay, the substitute leaves before the manager is back: nobody on
    duty from their departure to the manager's return (the hand-overs stay as recorded)."""
    back = draw(st.sampled_from(sorted((e for e in s.find("person_arrived", person="RS1")
                                        if instant(e).astimezone(PARIS).hour == 13), key=instant)))
    left = next(e for e in s.find("person_left", person="SUP1") if local_day(instant(e)) == local_day(instant(back)))
    place(left, instant(back) - beyond(draw, 60 * MINUTE))
    s.proof = [left, back]


@mutation("S1.2")
def undesignated_substitute(s: Scenario, draw) -> None:
    """Someone comes as substitute and acts (takes the duty over from the manager, who stays on
    site and takes it back) without a designation, or is designated only after acting — though
    before arriving would have done, after arriving and before acting does."""
    opening = instant(first(s, "session_opened"))
    arrival = add(s, "person_arrived", opening + draw(st.integers(5, 120)) * MINUTE, person="SUP9",
                  role="substitute")
    takeover = add(s, "duty_handover", instant(arrival) + draw(st.integers(0, 30)) * MINUTE,
                   **{"from": "RS1", "to": "SUP9"})
    add(s, "duty_handover", instant(takeover) + 30 * MINUTE, **{"from": "SUP9", "to": "RS1"})
    s.proof = [takeover]
    if draw(st.booleans()):
        designation = add(s, "manager_designated", instant(takeover) + beyond(draw, 2 * 60 * MINUTE),
                          person="SUP9", role="substitute")
        s.proof = [takeover, designation]     # designated late: the finding cites the designation


@mutation("S1.2", variant="acts-before-designation", relay=True, days=2)
def relay_designated_after_taking_over(s: Scenario, draw) -> None:
    """The substitute of the lunch relay is designated only after first taking the duty over."""
    takeover = first(s, "duty_handover", to="SUP1")
    designation = first(s, "manager_designated", person="SUP1")
    place(designation, instant(takeover) + beyond(draw, 60 * MINUTE))
    s.proof = [takeover, designation]


@mutation("S1.3", cites="at least")
def rules_not_displayed(s: Scenario, draw) -> None:
    """The display check finds one of the two documents missing, or comes after the first test
    started. The finding cites that check (the rule adds the opening, as context)."""
    check = first(s, "display_checked")
    if draw(st.booleans()):
        check[draw(st.sampled_from(["timetable", "general_rules"]))] = False
    else:
        place(check, first_test_start(s) + beyond(draw, 30 * MINUTE))
    s.proof = [check]


# ----------------------------------------------------------------------------- S2

def _jurors_late(s: Scenario, draw) -> None:
    """All jurors but one check in after the first test started (by as little as a second)."""
    start = first_test_start(s)
    keep = draw(st.sampled_from(s.jurors))
    late = start + beyond(draw, 30 * MINUTE)
    for checkin in s.find("juror_checked_in"):
        if instant(checkin) <= start and checkin["juror"] != keep:
            place(checkin, late)


def first_jury_test(s: Scenario, since: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The first test the jury evaluates (from an opening on): its start and its schedule, as the
    S2 findings cite it. Of starts in the same second, the lowest test, then candidate, id."""
    jury = {e["test"] for e in s.find("test_scheduled") if e.get("jury_required", True)}
    start = min((e for e in s.find("test_started")
                 if e["test"] in jury and (since is None or instant(e) >= instant(since))),
                key=lambda e: (instant(e), e["test"], e["candidate"]))
    return [start, first(s, "test_scheduled", test=start["test"])]


def opening_of_the_first_test(s: Scenario) -> dict[str, Any]:
    """The opening of the day the first test starts on (S2.1's quorum is each day's)."""
    return max((e for e in s.find("session_opened") if instant(e) <= first_test_start(s)), key=instant)


@mutation("S2.1", supervised=False)
def jury_incomplete_with_contact(s: Scenario, draw) -> None:
    """All jurors but one check in after the first test started; the manager did call."""
    _jurors_late(s, draw)
    opening = opening_of_the_first_test(s)
    add(s, "representative_contacted", instant(opening), reason="jury_shortfall")
    s.proof = [opening, *first_jury_test(s, opening)]


@mutation("S2.2", also=("S2.1",), incident=False, supervised=False)
def jury_incomplete_without_contact(s: Scenario, draw) -> None:
    """All jurors but one check in late and nobody calls the territorial representative."""
    _jurors_late(s, draw)
    opening = opening_of_the_first_test(s)
    s.proof = [opening, *first_jury_test(s, opening)]


@mutation("S2.1", variant="day-2", kind="titre", days=2, supervised=False)
def no_quorum_on_the_second_day(s: Scenario, draw) -> None:
    """On the second day, all jurors but one check in after that day's first test (the jury
    had its quorum the day before, which does not count); the manager did call."""
    second = max(s.find("session_opened"), key=instant)
    start = min(instant(e) for e in s.find("test_started") if instant(e) > instant(second))
    keep = draw(st.sampled_from(s.jurors))
    late = start + beyond(draw, 30 * MINUTE)
    for checkin in s.find("juror_checked_in"):
        if instant(second) < instant(checkin) <= start and checkin["juror"] != keep:
            place(checkin, late)
    add(s, "representative_contacted", instant(second), reason="jury_shortfall")
    s.proof = [second, *first_jury_test(s, second)]


@mutation("S2.3", supervised=False)
def briefing_incomplete(s: Scenario, draw) -> None:
    """The jury briefing leaves out one of the four topics, does not happen, or comes after
    the first test started."""
    briefing = first(s, "jury_briefed")
    change = draw(st.sampled_from(["principles", "modalities", "organisation", "posture", "none", "late"]))
    if change == "none":
        s.remove(briefing)
    elif change == "late":
        place(briefing, first_test_start(s) + beyond(draw, 30 * MINUTE))
    else:
        briefing[change] = False
    # the briefing that left a topic out is cited beside the test it had to precede
    s.proof = [first(s, "session_opened"), *([briefing] if change not in ("none", "late") else []),
               *first_jury_test(s)]


# ----------------------------------------------------------------------------- S3

@mutation("S3.1")
def identity_not_checked(s: Scenario, draw) -> None:
    """One present candidate's identity check is missing, or comes after their first test."""
    candidate = draw(st.sampled_from(s.present))
    check = first(s, "identity_checked", candidate=candidate)
    start = first(s, "test_started", candidate=candidate)
    if draw(st.booleans()):
        s.remove(check)
    else:
        place(check, instant(start) + beyond(draw, 30 * MINUTE))
    s.proof = [start]


@mutation("S3.2", min_absent=1)
def absence_not_on_pv(s: Scenario, draw) -> None:
    """An absent candidate's absence is not written on the PV."""
    candidate = draw(st.sampled_from(s.absent))
    s.remove(first(s, "absence_recorded_on_pv", candidate=candidate))
    s.proof = [first(s, "candidate_registered", candidate=candidate)]


@mutation("S3.2", variant="per-test", missed=True, kind="titre", min_candidates=4, min_tests=2)
def per_test_absence_not_on_pv(s: Scenario, draw) -> None:
    """A candidate's absence from their final interview is noted but not written on the PV."""
    candidate, test = next(iter(s.missed.items()))
    s.remove(first(s, "absence_recorded_on_pv", candidate=candidate, test=test))
    s.proof = [first(s, "absence_noted", candidate=candidate, test=test)]


@mutation("S3.3", variant="per-test", missed=True, kind="titre", min_candidates=4, min_tests=2)
def jury_not_told_of_per_test_absence(s: Scenario, draw) -> None:
    """The jury is not told that a candidate is absent from their final interview."""
    candidate, test = next(iter(s.missed.items()))
    s.remove(first(s, "jury_informed_of_absence", candidate=candidate, test=test))
    s.proof = [first(s, "absence_noted", candidate=candidate, test=test)]


@mutation("S3.3", min_absent=1)
def jury_not_told_of_absence(s: Scenario, draw) -> None:
    """The jury is not told of an absence."""
    candidate = draw(st.sampled_from(s.absent))
    s.remove(first(s, "jury_informed_of_absence", candidate=candidate))
    s.proof = [first(s, "absence_noted", candidate=candidate)]


@mutation("S3.4")
def link_not_checked(s: Scenario, draw) -> None:
    """One (juror, candidate) pair is evaluated with no link check, or one made only after the
    first evaluation."""
    juror, candidate = draw(st.sampled_from(_evaluated_pairs(s)))
    check = first(s, "link_checked", juror=juror, candidate=candidate)
    evaluation = first(s, "evaluation_recorded", juror=juror, candidate=candidate)
    if draw(st.booleans()):
        s.remove(check)
    else:
        place(check, instant(evaluation) + beyond(draw, 30 * MINUTE))
    s.proof = [evaluation]


def _evaluated_pairs(s: Scenario) -> list[tuple[str, str]]:
    return sorted({(e["juror"], e["candidate"]) for e in s.find("evaluation_recorded")})


@mutation("S3.5", min_jurors=3, stand_aside=False)
def linked_juror_evaluates(s: Scenario, draw) -> None:
    """A juror declares a tie with a candidate and evaluates them all the same (with three or
    more jurors, two others still evaluate: R11 holds; nobody stands aside, whose candidate
    would then keep one other evaluator only)."""
    candidate = draw(st.sampled_from(s.present))
    juror = draw(st.sampled_from(s.jurors))
    link = first(s, "link_checked", juror=juror, candidate=candidate)
    link["linked"] = True
    _leaves_the_deliberation(s, juror, candidate)
    s.proof = [link, first(s, "evaluation_recorded", juror=juror, candidate=candidate)]


def _leaves_the_deliberation(s: Scenario, juror: str, candidate: str) -> None:
    """A tied juror leaves the room for that candidate's deliberation (R15), when the record
    follows the deliberation candidate by candidate."""
    for presence in s.find("deliberation_presence", person=juror, candidate=candidate):
        s.remove(presence)


ASIDE = {"stand_aside": True, "min_jurors": 3, "min_candidates": 4}   # a juror stands aside


def _aside(s: Scenario) -> tuple[dict[str, Any], dict[str, Any]]:
    """The juror's standing aside and their link check for that candidate."""
    aside = first(s, "juror_stood_aside")
    return aside, first(s, "link_checked", juror=aside["juror"], candidate=aside["candidate"])


@mutation("S3.5", variant="stood-aside", **ASIDE)
def stood_aside_juror_evaluates(s: Scenario, draw) -> None:
    """A juror who stood aside for a candidate evaluates one of their tests all the same (no
    earlier than their first evaluation, so the jury DTE they got covers it)."""
    aside, link = _aside(s)
    juror, candidate = aside["juror"], aside["candidate"]
    ended = draw(st.sampled_from(sorted(s.find("test_ended", candidate=candidate), key=instant)))
    moment = max(instant(ended), instant(first(s, "evaluation_recorded", juror=juror)))
    evaluation = add(s, "evaluation_recorded", moment, juror=juror, candidate=candidate, test=ended["test"])
    s.proof = [link if link["linked"] else aside, evaluation]


# ----------------------------------------------------------------------------- S4

@mutation("S4.1")
def seals_not_checked(s: Scenario, draw) -> None:
    """The envelopes are opened with no seal check before (none, or one after opening)."""
    check = first(s, "seal_checked")
    opened = first(s, "envelopes_opened")
    if draw(st.booleans()):
        s.remove(check)
    else:
        place(check, instant(opened) + beyond(draw, 2 * MINUTE))
    s.proof = [opened]


@mutation("S4.2")
def broken_seal_not_reported(s: Scenario, draw) -> None:
    """An envelope is found open and nobody reports it."""
    check = first(s, "seal_checked")
    check["sealed"] = False
    s.proof = [check]


@mutation("S4.3", min_tests=2)
def content_not_checked(s: Scenario, draw) -> None:
    """The DTE content check is missing, comes after the first DTE is handed out, or finds a
    non-conforming content."""
    check = first(s, "dte_content_checked")
    change = draw(st.sampled_from(["missing", "late", "not conform"]))
    if change == "not conform":
        check["conform"] = False
        s.proof = [check]
        return
    if change == "missing":
        s.remove(check)
    else:
        place(check, instant(first(s, "dte_candidate_handed")) + beyond(draw, 30 * MINUTE))
    s.proof = [first(s, "session_opened")]


def _non_final_tests(s: Scenario) -> list[dict]:
    return [t for c in s.present for t in s.tests[c] if t["kind"] != "entretien_final"]


def _dte_tests(s: Scenario) -> list[dict]:
    """The tests of present candidates scheduled with a candidate DTE (the first slot's MSP always)."""
    return [t for t in _non_final_tests(s) if t.get("candidate_dte")]


@mutation("S4.4", min_tests=2)
def candidate_dte_missing(s: Scenario, draw) -> None:
    """One candidate DTE is not handed, handed only once the test has started, or handed more
    than 30 minutes before it starts."""
    checked = instant(first(s, "dte_content_checked"))

    def room(test: dict[str, Any]) -> dt.timedelta:
        # too early, but never before the content check (that would be S4.3's breach too)
        return instant(first(s, "test_started", test=test["test"])) - 30 * MINUTE - checked
    change = draw(st.sampled_from(["missing", "after the start", "too early"]))
    roomy = [t for t in _dte_tests(s) if room(t) >= dt.timedelta(seconds=1)]
    name = draw(st.sampled_from(roomy if change == "too early" and roomy else _dte_tests(s)))["test"]
    handed = first(s, "dte_candidate_handed", test=name)
    start = first(s, "test_started", test=name)
    if change == "too early" and roomy:
        room_left = room(first(s, "test_scheduled", test=name))
        place(handed, instant(start) - 30 * MINUTE - beyond(draw, min(room_left, 30 * MINUTE)))
        s.proof = [start, handed]
        return
    if change == "missing":
        s.remove(handed)
    else:
        place(handed, instant(start) + beyond(draw, 30 * MINUTE))
    s.proof = [start]


@mutation("S4.4", variant="msp-written-true", min_tests=2, supervised=False)
def msp_with_written_dte_missing(s: Scenario, draw) -> None:
    """An MSP whose timetable writes candidate_dte: true starts without its candidate DTE."""
    test = draw(st.sampled_from([t for t in _dte_tests(s) if t["kind"] == "msp"]))
    first(s, "test_scheduled", test=test["test"])["candidate_dte"] = True
    s.remove(first(s, "dte_candidate_handed", test=test["test"]))
    s.proof = [first(s, "test_started", test=test["test"])]


@mutation("S4.5")
def jury_dte_missing(s: Scenario, draw) -> None:
    """One juror gets no jury DTE, or gets it only after evaluating."""
    juror = draw(st.sampled_from(s.jurors))
    handed = first(s, "dte_jury_handed", juror=juror)
    if draw(st.booleans()):
        s.remove(handed)
    else:
        place(handed, instant(first(s, "evaluation_recorded", juror=juror)) + beyond(draw, 30 * MINUTE))
    s.proof = [first_evaluation(s, juror)]


# ----------------------------------------------------------------------------- S5

@mutation("S5.1")
def durations_not_recalled(s: Scenario, draw) -> None:
    """Nobody recalls the durations, or only once the first test has started."""
    reminder = first(s, "durations_reminded")
    if draw(st.booleans()):
        s.remove(reminder)
    else:
        place(reminder, first_test_start(s) + beyond(draw, 30 * MINUTE))
    s.proof = [first(s, "session_opened")]


@mutation("S5.2", min_tests=2, late=False, accommodation=False, trainer_visit=False, paused=False)
def test_overruns(s: Scenario, draw) -> None:
    """A test (not a late one) ends a second to five minutes after its duration."""
    test = draw(st.sampled_from(_non_final_tests(s)))
    end = first(s, "test_ended", test=test["test"])
    place(end, test["start"] + test["duration_minutes"] * MINUTE + beyond(draw, 5 * MINUTE))
    jury_waits_for(s, end)
    s.proof = [first(s, "test_started", test=test["test"]), first(s, "test_scheduled", test=test["test"]), end]


def _spans(s: Scenario, test: str) -> list[tuple[dt.datetime, dt.datetime]]:
    """A test's worked spans, read from its events: each start or resume to the next pause or end."""
    kinds = ("test_started", "test_paused", "test_resumed", "test_ended")
    clock = sorted((e for e in s.events if e["type"] in kinds and e["test"] == test), key=instant)
    spans, since = [], None
    for event in clock:
        if event["type"] in ("test_started", "test_resumed"):
            since = since or instant(event)
        elif since is not None:
            spans.append((since, instant(event)))
            since = None
    return spans


def _paused_tests(s: Scenario) -> list[dict]:
    paused = {e["test"] for e in s.find("test_paused")}
    return [t for t in _non_final_tests(s) if t["test"] in paused]


@mutation("S5.2", variant="resume-overruns", min_tests=2, late=False, accommodation=False,
          trainer_visit=False, paused=True)
def paused_test_overruns(s: Scenario, draw) -> None:
    """After its last resume, a paused test is worked a second to five minutes beyond its
    duration (its end minus its start is far longer whatever happens: only the time worked
    counts)."""
    test = draw(st.sampled_from(_paused_tests(s)))
    spans = _spans(s, test["test"])
    before_last = sum((until - since for since, until in spans[:-1]), dt.timedelta(0))
    end = first(s, "test_ended", test=test["test"])
    place(end, spans[-1][0] + test["duration_minutes"] * MINUTE - before_last + beyond(draw, 5 * MINUTE))
    jury_waits_for(s, end)
    s.proof = [first(s, "test_started", test=test["test"]), first(s, "test_scheduled", test=test["test"]), end]


@mutation("S5.3", training=True, min_tests=2)
def trainer_supervises(s: Scenario, draw) -> None:
    """The trainer of a candidate is assigned to supervise a test."""
    trainer = draw(st.sampled_from(s.trainers["C1"]))
    assignment = draw(st.sampled_from(s.find("supervision_assigned")))
    assignment["person"] = trainer
    # and the registration that makes them a trainer (C1's, the first to name them)
    s.proof = [assignment, min((e for e in s.find("candidate_registered") if trainer in e.get("trainers", [])),
                               key=instant)]


@mutation("S5.4", training=True, paused=False)
def trainer_on_platform(s: Scenario, draw) -> None:
    """The trainer of a candidate enters the platform while a test runs: from the very second
    it starts to the last second before it ends."""
    start = first(s, "test_started", candidate="C1")
    end = first(s, "test_ended", test=start["test"])
    length = int((instant(end) - instant(start)).total_seconds())
    offset = draw(st.one_of(st.just(0), st.just(length - 1), st.integers(0, length - 1)))
    entry = add(s, "platform_entered", instant(start) + dt.timedelta(seconds=offset),
                person=s.trainers["C1"][0])
    s.proof = [entry]


@mutation("S5.4", variant="after-a-resume", training=True, min_tests=2, paused=True)
def trainer_on_platform_after_resume(s: Scenario, draw) -> None:
    """The trainer of a candidate enters the platform once a paused test has resumed: from the
    very second it resumes to the last second before its next pause or end."""
    test = draw(st.sampled_from([t for t in _paused_tests(s) if t["candidate"] == "C1"]))
    since, until = _spans(s, test["test"])[1]
    length = int((until - since).total_seconds())
    offset = draw(st.one_of(st.just(0), st.just(length - 1), st.integers(0, length - 1)))
    entry = add(s, "platform_entered", since + dt.timedelta(seconds=offset), person=s.trainers["C1"][0])
    s.proof = [entry]


@mutation("S5.5", late=True, min_tests=2, trainer_visit=False, paused=False)
def late_candidate_keeps_full_time(s: Scenario, draw) -> None:
    """Admitted late, a candidate ends after the scheduled end (but within the full duration)."""
    name = s.late[0]
    test = next(t for c in s.present for t in s.tests[c] if t["test"] == name)
    admission = first(s, "late_admission", test=name)
    lateness = instant(admission) - test["start"]
    end = first(s, "test_ended", test=name)
    place(end, test["start"] + test["duration_minutes"] * MINUTE + beyond(draw, lateness))
    jury_waits_for(s, end)
    s.proof = [admission, end]


@mutation("S5.5", variant="pauses-used", late=True, min_tests=2, trainer_visit=False, paused=True)
def late_candidate_works_through_the_pauses(s: Scenario, draw) -> None:
    """Admitted late to a paused test, a candidate ends after the scheduled end moved by the
    pauses (but within the full duration of work)."""
    name = s.late[0]
    test = next(t for c in s.present for t in s.tests[c] if t["test"] == name)
    admission = first(s, "late_admission", test=name)
    lateness = instant(admission) - test["start"]
    paused = sum((b[0] - a[1] for a, b in zip(_spans(s, name), _spans(s, name)[1:])), dt.timedelta(0))
    end = first(s, "test_ended", test=name)
    place(end, test["start"] + test["duration_minutes"] * MINUTE + paused + beyond(draw, lateness))
    jury_waits_for(s, end)
    s.proof = [admission, end]


# ----------------------------------------------------------------------------- S6

@mutation("S6.1", kind="titre")
def deliberation_too_early(s: Scenario, draw) -> None:
    """The jury starts deliberating before the last final interview has ended."""
    last_end = max((e for e in s.find("test_ended") if e["test"].endswith("-EF")), key=instant)
    start = first(s, "deliberation_started")
    place(start, instant(last_end) - beyond(draw, 10 * MINUTE))
    s.proof = [start, last_end]


@mutation("S6.1", variant="ccp", kind="ccp")
def ccp_deliberation_too_early(s: Scenario, draw) -> None:
    """In a CCP session (no final interview), the jury starts deliberating before the last
    test has ended, by as little as a second."""
    last_end = last(s, "test_ended")
    start = first(s, "deliberation_started")
    place(start, instant(last_end) - beyond(draw, 10 * MINUTE))
    s.proof = [start, last_end]


@mutation("S6.2")
def outsider_in_deliberation(s: Scenario, draw) -> None:
    """Someone who is not a juror stays in the room during deliberation."""
    start = first(s, "deliberation_started")
    presence = add(s, "deliberation_presence", instant(start),
                   person=draw(st.sampled_from(["RS1", "SV1", "F1"])))
    s.proof = [presence]


@mutation("S6.3")
def dossier_after_decision(s: Scenario, draw) -> None:
    """The jury reviews a dossier only after deciding."""
    candidate = draw(st.sampled_from(s.present))
    decision = first(s, "decision_recorded", candidate=candidate)
    place(first(s, "dossier_reviewed", candidate=candidate), instant(decision) + beyond(draw, MINUTE))
    s.proof = [decision]


# ----------------------------------------------------------------------------- S7

@mutation("S7.1", training=True)
def ecf_booklet_missing(s: Scenario, draw) -> None:
    """A training candidate's decision is taken without the ECF booklet (or the DP)."""
    review = first(s, "dossier_reviewed", candidate="C1")
    review[draw(st.sampled_from(["ecf", "dp", "results"]))] = False
    s.proof = [review, first(s, "decision_recorded", candidate="C1")]


@mutation("S7.2")
def no_decision(s: Scenario, draw) -> None:
    """A candidate who sat gets no decision."""
    candidate = draw(st.sampled_from(s.present))
    s.remove(first(s, "decision_recorded", candidate=candidate))
    s.proof = [first(s, "test_started", candidate=candidate)]


@mutation("S7.3")
def juror_tells_results(s: Scenario, draw) -> None:
    """A juror tells a candidate their results."""
    end = first(s, "deliberation_ended")
    told = add(s, "results_communicated", instant(end) + draw(st.integers(1, 60)) * MINUTE,
               person=draw(st.sampled_from(s.jurors)), candidate=draw(st.sampled_from(s.present)))
    s.proof = [told]


# ----------------------------------------------------------------------------- S8

@mutation("S8.1")
def juror_does_not_sign(s: Scenario, draw) -> None:
    juror = draw(st.sampled_from(s.jurors))
    s.remove(first(s, "pv_signed", juror=juror))
    s.proof = [first_evaluation(s, juror)]


@mutation("S8.2")
def staff_tells_results(s: Scenario, draw) -> None:
    """The manager (not a juror) tells a candidate their results before the territorial
    representative validated the PV: after the deliberation, or as little as a second before
    the validation (the PVs sent by then)."""
    validated = s.find("results_validated")
    if validated and draw(st.booleans()):
        moment = instant(validated[0]) - beyond(draw, 60 * MINUTE)
    else:
        moment = instant(first(s, "deliberation_ended")) + draw(st.integers(1, 60)) * MINUTE
    told = add(s, "results_communicated", moment, person="RS1", candidate=draw(st.sampled_from(s.present)))
    s.proof = [told]


def _last_closing(s: Scenario) -> dict[str, Any]:
    return last(s, "session_closed")


def _official_results(s: Scenario) -> list[dict[str, Any]]:
    """The validation of the PV and what follows it (none without a transmission)."""
    return s.find("results_validated") + s.find("results_notified") + s.find("results_communicated")


def _audited_once_due(s: Scenario, draw) -> None:
    """A post-session duty not done is pending until the end of the closing day (S8.3, S8.4,
    S8.6, S8.7): audit after it, by as little as a second, and within S8.5's 15 days."""
    due = duties_deadline(instant(_last_closing(s)))
    s.as_of = (due + beyond(draw, DAY)).replace(microsecond=0)   # moved after the last event if need be


def _late(s: Scenario, draw, type_name: str) -> None:
    """Every ``type_name`` event moves past the end of the closing day (by as little as a
    second for the first), keeping their order and gaps; the proof is the first of them."""
    records = sorted(s.find(type_name), key=instant)
    shift = duties_deadline(instant(_last_closing(s))) + beyond(draw, 3 * DAY) - instant(records[0])
    for record in records:
        place(record, instant(record) + shift)
    s.proof = [_last_closing(s), records[0]]


def _before_the_last_signature(s: Scenario, draw, type_name: str) -> None:
    """The event ``type_name`` is removed, or moved before the last juror's signature."""
    record = first(s, type_name)
    if draw(st.booleans()):
        s.remove(record)
        s.proof = [_last_closing(s)]
        _audited_once_due(s, draw)
    else:
        signed = last(s, "pv_signed")
        place(record, instant(signed) - beyond(draw, 30 * MINUTE))
        s.proof = [record, signed]


@mutation("S8.3")
def ceres_not_recorded(s: Scenario, draw) -> None:
    """Results are not entered in CERES, or entered before the last juror signed."""
    _before_the_last_signature(s, draw, "results_recorded_ceres")


@mutation("S8.4")
def pv_not_countersigned(s: Scenario, draw) -> None:
    """The manager does not countersign, or countersigns before the last juror signs."""
    _before_the_last_signature(s, draw, "pv_countersigned")


@mutation("S8.3", variant="late")
def ceres_recorded_late(s: Scenario, draw) -> None:
    """The results are entered in CERES after the end of the closing day."""
    _late(s, draw, "results_recorded_ceres")


@mutation("S8.4", variant="late")
def pv_countersigned_late(s: Scenario, draw) -> None:
    """The PVs are countersigned after the end of the closing day."""
    _late(s, draw, "pv_countersigned")


@mutation("S8.5")
def pv_sent_late(s: Scenario, draw) -> None:
    """The PVs reach the representative after 15 days, by as little as a second (or never,
    the deadline past by as little as a second at the audit date)."""
    closing = _last_closing(s)
    deadline = pv_deadline(instant(closing))
    for sent in s.find("pv_transmitted") + _official_results(s):
        s.remove(sent)
    if draw(st.booleans()):
        late = add(s, "pv_transmitted", deadline + beyond(draw, 20 * DAY))
        s.as_of = max(s.as_of, instant(late))
    else:
        # the grids are archived and the materials destroyed on the closing day already
        s.as_of = (deadline + beyond(draw, 45 * DAY)).replace(microsecond=0)
    s.proof = [closing]


@mutation("S8.6")
def grids_not_archived(s: Scenario, draw) -> None:
    for archived in s.find("grids_archived"):
        s.remove(archived)
    s.proof = [_last_closing(s)]
    _audited_once_due(s, draw)


@mutation("S8.6", variant="late")
def grids_archived_late(s: Scenario, draw) -> None:
    """The grids are archived (at once, named, or in two rounds) after the end of the closing day."""
    _late(s, draw, "grids_archived")


def _unarchive(s: Scenario, candidate: str) -> None:
    """Take a candidate's grids out of the archiving (an archiving naming nobody becomes one
    naming the others; one left naming nobody is dropped, since it would mean everyone)."""
    for archived in s.find("grids_archived"):
        named = archived.get("candidates") or list(s.present)
        rest = [c for c in named if c != candidate]
        if rest:
            archived["candidates"] = rest
        else:
            s.remove(archived)


@mutation("S8.6", variant="one-candidate")
def candidate_grids_not_archived(s: Scenario, draw) -> None:
    """The grids of one candidate who sat are left out of the archiving."""
    candidate = draw(st.sampled_from(s.present))
    _unarchive(s, candidate)
    if s.find("grids_archived"):
        s.proof = [_last_closing(s), first(s, "test_started", candidate=candidate)]
    else:
        s.proof = [_last_closing(s)]
    _audited_once_due(s, draw)


@mutation("S8.6", variant="lost")
def grids_lost(s: Scenario, draw) -> None:
    """A candidate's grids are lost after the deliberation, before the archiving."""
    candidate = draw(st.sampled_from(s.present))
    _unarchive(s, candidate)
    lost = add(s, "grids_lost", instant(first(s, "deliberation_ended")) + draw(st.integers(1, 30)) * MINUTE,
               candidates=[candidate], reason=draw(st.sampled_from(["", "égarées lors du rangement"])))
    s.proof = [lost]


@mutation("S8.6", variant="destroyed")
def grids_destroyed(s: Scenario, draw) -> None:
    """The grids are destroyed with the exam materials."""
    destroyed = draw(st.sampled_from(s.find("documents_destroyed")))
    destroyed["documents"] = [*destroyed.get("documents", ["dte_copies", "drafts"]), "grids"]
    s.proof = [destroyed]


@mutation("S8.7")
def documents_kept(s: Scenario, draw) -> None:
    for destroyed in s.find("documents_destroyed"):
        s.remove(destroyed)
    s.proof = [_last_closing(s)]
    _audited_once_due(s, draw)


@mutation("S8.7", variant="late")
def materials_destroyed_late(s: Scenario, draw) -> None:
    """The exam materials are destroyed (at once or one at a time) after the end of the closing day."""
    _late(s, draw, "documents_destroyed")


@mutation("S8.7", variant="kept")
def exam_papers_kept(s: Scenario, draw) -> None:
    """The DTE copies or the candidates' drafts are kept (with the PV copy, sometimes) and
    never destroyed."""
    material = draw(st.sampled_from(["dte_copies", "drafts"]))
    for destroyed in s.find("documents_destroyed"):
        rest = [d for d in destroyed.get("documents", ["dte_copies", "drafts"]) if d != material]
        if rest:
            destroyed["documents"] = rest
        else:
            s.remove(destroyed)
    kept = add(s, "documents_kept", instant(_last_closing(s)) + draw(st.integers(1, 60)) * MINUTE,
               documents=draw(st.sampled_from([[material], ["pv_copy", material]])))
    s.proof = [kept]


# ----------------------------------------------------------------------------- R

@mutation("R1")
def approval_does_not_cover(s: Scenario, draw) -> None:
    """The approval ends before the last day the session opens (by as little as a day), starts
    after its first day, or is for another site or title."""
    approval = first(s, "agrement_recorded")
    planned = first(s, "session_planned")
    openings = sorted(s.find("session_opened"), key=instant)
    change = draw(st.sampled_from(["expired", "not yet valid", "site", "title"]))
    if change == "expired":
        approval["valid_until"] = (local_day(instant(openings[-1])) - beyond_days(draw, 300)).isoformat()
        s.proof = [planned, approval, openings[-1]]
        return
    if change == "not yet valid":
        approval["valid_from"] = (local_day(instant(openings[0])) + beyond_days(draw, 300)).isoformat()
    elif change == "site":
        approval["site"] = "Vénissieux"
    else:
        approval["title"] = "TP-99999"
    s.proof = [planned, approval, openings[0]]


@mutation("R2")
def declared_late(s: Scenario, draw) -> None:
    """The session is declared after it opened, by as little as a second."""
    declaration = first(s, "session_declared")
    opening = first(s, "session_opened")
    place(declaration, instant(opening) + beyond(draw, 10 * 60 * MINUTE))
    s.proof = [opening, declaration]


@mutation("R3")
def manager_not_designated(s: Scenario, draw) -> None:
    """The manager is never designated, or only after arriving."""
    designation = first(s, "manager_designated", person="RS1")
    arrival = first(s, "person_arrived", person="RS1")
    if draw(st.booleans()):
        s.remove(designation)
        s.proof = [arrival]
    else:
        place(designation, instant(arrival) + beyond(draw, 60 * MINUTE))
        s.proof = [arrival, designation]


@mutation("R4", min_jurors=3, stand_aside=False)
def juror_without_habilitation(s: Scenario, draw) -> None:
    """One of three or more jurors is habilitated for another title, or not on a day they
    evaluate: expired the day before their last evaluation, or starting the day after their
    first (the others keep the quorum)."""
    juror = draw(st.sampled_from(s.jurors))
    appointment = first(s, "juror_appointed", juror=juror)
    evaluations = s.find("evaluation_recorded", juror=juror)
    change = draw(st.sampled_from(["title", "expired", "not yet valid"]))
    if change == "expired":
        last_day = local_day(instant(max(evaluations, key=instant)))
        # R4 speaks once per juror and day: at the juror's first evaluation of that day
        evaluation = min((e for e in evaluations if local_day(instant(e)) == last_day), key=instant)
        appointment["habilitation_until"] = (last_day - beyond_days(draw, 300)).isoformat()
    else:
        evaluation = min(evaluations, key=instant)
        if change == "title":
            appointment["habilitation_title"] = "TP-99999"
        else:
            appointment["habilitation_from"] = (local_day(instant(evaluation)) + beyond_days(draw, 300)).isoformat()
    s.proof = [evaluation, appointment]


@mutation("R5")
def convened_late(s: Scenario, draw) -> None:
    """A candidate is convened less than the lead time before the session, counted in whole
    days: from the first second of the day after the last day in time (D - N, or for a titre
    one calendar month before when later, for an opening on day D) onwards."""
    candidate = draw(st.sampled_from(list(s.candidates)))
    convocation = first(s, "candidate_convened", candidate=candidate)
    opening_day = local_day(instant(first(s, "session_opened")))
    short = last_convocation_day(opening_day, s.kind) + dt.timedelta(days=1)
    day_short = dt.datetime.combine(short, dt.time(0, 0), tzinfo=PARIS).astimezone(dt.timezone.utc)
    room = (opening_day - short).days - 1
    place(convocation, day_short + beyond(draw, dt.timedelta(days=room)) - dt.timedelta(seconds=1))
    s.proof = [first(s, "candidate_registered", candidate=candidate)]


@mutation("R6")
def platform_not_checked(s: Scenario, draw) -> None:
    """The platform is not checked, found not conforming, or checked once the first test
    started."""
    check = first(s, "platform_checked")
    change = draw(st.sampled_from(["missing", "not conform", "late"]))
    if change == "missing":
        s.remove(check)
    elif change == "not conform":
        check["conform"] = False
    else:
        place(check, first_test_start(s) + beyond(draw, 30 * MINUTE))
    s.proof = [first(s, "session_opened")]


@mutation("R7", min_tests=2, late=False, accommodation=False, trainer_visit=False, paused=False)
def extra_time_beyond_authorisation(s: Scenario, draw) -> None:
    """A candidate authorised 30 extra minutes before the session uses more (by as little as a
    second); or the authorisation is dated the moment the session opens, not before it."""
    test = draw(st.sampled_from(_non_final_tests(s)))
    opening = first(s, "session_opened")
    end = first(s, "test_ended", test=test["test"])
    planned_end = test["start"] + test["duration_minutes"] * MINUTE
    if draw(st.booleans()):
        granted = instant(opening) - beyond(draw, 60 * DAY)
        place(end, planned_end + 30 * MINUTE + beyond(draw, 5 * MINUTE))
    else:
        granted = instant(opening)
        place(end, planned_end + beyond(draw, 30 * MINUTE))
    jury_waits_for(s, end)
    authorisation = add(s, "accommodation_authorised", granted, candidate=test["candidate"], extra_minutes=30)
    s.proof = [authorisation, first(s, "test_started", test=test["test"]), end]


@mutation("R8")
def candidates_not_briefed(s: Scenario, draw) -> None:
    """The candidates are not briefed, or only once the first test has started."""
    briefing = first(s, "candidates_briefed")
    if draw(st.booleans()):
        s.remove(briefing)
    else:
        place(briefing, first_test_start(s) + beyond(draw, 30 * MINUTE))
    s.proof = [first(s, "test_started")]


@mutation("R9", incident=False)
def fraud_not_followed_up(s: Scenario, draw) -> None:
    """A fraud is recorded without a written report, a PV mention or a notice (none, or one
    sent before the incident happened)."""
    start = first_test_start(s)
    moment = start + 30 * MINUTE
    incident = add(s, "incident_reported", moment, incident="I1",
                   kind=draw(st.sampled_from(["fraud", "irregularity"])), written_report=True,
                   pv_mention=True)
    missing = draw(st.sampled_from(["written_report", "pv_mention", "notice", "notice before"]))
    if missing in ("written_report", "pv_mention"):
        incident[missing] = False
        add(s, "representative_contacted", moment + 5 * MINUTE, reason="incident")
    elif missing == "notice before":
        add(s, "representative_contacted", moment - beyond(draw, 30 * MINUTE), reason="incident")
    s.proof = [incident]


@mutation("R9", variant="told-before", incident=False)
def fraud_told_before_it_happened(s: Scenario, draw) -> None:
    """The incident record says the representative was told before the incident happened,
    and no contact is recorded after it."""
    moment = first_test_start(s) + 30 * MINUTE
    told = moment - beyond(draw, 30 * MINUTE)
    incident = add(s, "incident_reported", moment, incident="I1", kind=draw(st.sampled_from(["fraud", "irregularity"])),
                   written_report=True, pv_mention=True, candidate=first(s, "test_started")["candidate"],
                   representative_told_at=told.isoformat(), decision="continue")
    s.proof = [incident]


def end_of_local_day(moment: dt.datetime) -> dt.datetime:
    """23:59:59 in Paris on the moment's local day (R9: told the same day), written from the
    reading, not from the code."""
    next_midnight = dt.datetime.combine(local_day(moment) + DAY, dt.time(0, 0), tzinfo=PARIS)
    return (next_midnight - dt.timedelta(seconds=1)).astimezone(dt.timezone.utc)


@mutation("R9", variant="next-day", incident=False)
def irregularity_told_the_next_day(s: Scenario, draw) -> None:
    """An irregularity is reported in full, but the representative is told only after the end
    of its day in the session's zone (from its very first second after midnight), by a call or
    as the incident record says."""
    moment = first_test_start(s) + 30 * MINUTE
    told = end_of_local_day(moment) + beyond(draw, 36 * 60 * MINUTE)
    fields = {"incident": "I1", "kind": draw(st.sampled_from(["fraud", "irregularity"])),
              "written_report": True, "pv_mention": True}
    if draw(st.booleans()):
        add(s, "representative_contacted", told, reason="incident")
    else:
        fields["representative_told_at"] = told.isoformat()
    s.proof = [add(s, "incident_reported", moment, **fields)]


@mutation("R10", kind="titre", min_tests=2)
def final_interview_skipped(s: Scenario, draw) -> None:
    """A present candidate of a title session never has their final interview (and was not noted
    absent at it)."""
    candidate = draw(st.sampled_from([c for c in s.present if c not in s.missed]))
    test = f"{candidate}-EF"
    for event in [e for e in s.events if e.get("test") == test and e["type"] != "test_scheduled"]:
        s.remove(event)
    for incident in s.find("incident_reported", candidate=candidate):
        if incident.get("decision") == "exclusion":     # an excluded candidate misses it of their own doing
            incident["decision"] = "continue"
    s.proof = [first(s, "test_started", candidate=candidate)]


@mutation("R10", variant="beside-a-recorded-absence", kind="titre", min_tests=2, min_candidates=4, missed=True)
def final_interview_skipped_beside_an_absence(s: Scenario, draw) -> None:
    """Another candidate is recorded absent at their final interview; this one, never noted
    absent, never has theirs."""
    final_interview_skipped(s, draw)


@mutation("R11", max_jurors=2)
def tied_juror_stands_aside_alone(s: Scenario, draw) -> None:
    """With two jurors, one is tied to a candidate and stands aside: one evaluator is left."""
    candidate = draw(st.sampled_from(s.present))
    juror = draw(st.sampled_from(s.jurors))
    link = first(s, "link_checked", juror=juror, candidate=candidate)
    link["linked"] = True
    for event in s.find("evaluation_recorded", juror=juror, candidate=candidate):
        s.remove(event)
    _leaves_the_deliberation(s, juror, candidate)
    s.proof = [link]


@mutation("R12")
def test_held_elsewhere(s: Scenario, draw) -> None:
    start = draw(st.sampled_from(s.find("test_started")))
    start["site"] = draw(st.sampled_from(["Lyon 3e", "Vénissieux"]))
    s.proof = [start]


@mutation("R12", variant="remote-outside-the-experiment", kind="ccp", remote=True,
          era=(REMOTE_EXPERIMENT[0], SUPPORTED[1]))
def remote_test_outside_the_experiment(s: Scenario, draw) -> None:
    """Within the 2024 experiment, a remote test misses one of its conditions: the modality left
    off the PV or written as on site, the session not declared remote, or a test of another
    CCP."""
    start = draw(st.sampled_from([e for e in s.find("test_started") if e.get("remote")]))
    broken = draw(st.sampled_from(["no modality", "on site", "not declared", "another ccp"]))
    if broken == "no modality":
        s.remove(s.find("modality_recorded_on_pv", candidate=start["candidate"])[0])
    elif broken == "on site":
        s.find("modality_recorded_on_pv", candidate=start["candidate"])[0]["modality"] = "on_site"
    elif broken == "not declared":
        s.find("session_declared")[0]["remote"] = False
    else:
        s.find("test_scheduled", test=start["test"])[0]["ccp"] = "CCP2"
    s.proof = [start]


@mutation("R11", variant="stood-aside", **{**ASIDE, "max_jurors": 3})
def juror_stands_aside_one_evaluator_left(s: Scenario, draw) -> None:
    """Of three jurors, one stands aside for a candidate and a second does not evaluate that
    candidate: one habilitated evaluator is left."""
    aside, link = _aside(s)
    other = draw(st.sampled_from([j for j in s.jurors if j != aside["juror"]]))
    for event in s.find("evaluation_recorded", juror=other, candidate=aside["candidate"]):
        s.remove(event)
    s.proof = [link if link["linked"] else aside]


def _jury_tests(s: Scenario, candidates: list[str]) -> list[dict[str, Any]]:
    """The started tests of these candidates that the jury evaluates (jury_required, default true)."""
    started = {e["test"] for e in s.find("test_started")}
    return sorted((e for e in s.find("test_scheduled") if e["candidate"] in candidates
                   and e["test"] in started and e.get("jury_required", True)), key=lambda e: e["test"])


def _one_evaluator_left(s: Scenario, draw, scheduled: dict[str, Any], jurors: list[str]) -> None:
    """Of these jurors, one at most still evaluates the test (the others' grids are removed)."""
    keep = draw(st.sampled_from([None, *jurors]))
    for event in s.find("evaluation_recorded", test=scheduled["test"]):
        if event["juror"] != keep:
            s.remove(event)
    s.proof = [scheduled, first(s, "test_started", test=scheduled["test"])]


@mutation("R13", stand_aside=False)
def test_evaluated_by_one_juror(s: Scenario, draw) -> None:
    """Every juror is in the building, but one test of a candidate is evaluated by one juror
    alone (or by none)."""
    scheduled = draw(st.sampled_from(_jury_tests(s, s.present)))
    _one_evaluator_left(s, draw, scheduled, s.jurors)


@mutation("R13", variant="stood-aside", **ASIDE, min_tests=2, supervised=False, missed=False)
def test_evaluated_by_one_juror_beside_a_juror_aside(s: Scenario, draw) -> None:
    """A juror stood aside for a candidate and two others evaluate that candidate (R11 holds),
    but one of the candidate's tests is evaluated by one of them alone (or by none)."""
    aside, _ = _aside(s)
    tests = _jury_tests(s, [aside["candidate"]])
    scheduled = draw(st.sampled_from(tests[1:]))      # the first keeps its two others
    others = [j for j in s.jurors if j != aside["juror"]]
    _one_evaluator_left(s, draw, scheduled, others)


@mutation("R14", training=True, stand_aside=False)
def juror_trained_at_the_candidates_organisation(s: Scenario, draw) -> None:
    """A juror is a trainer of the training organisation of a training candidate they
    evaluate."""
    juror = draw(st.sampled_from(s.jurors))
    appointment = first(s, "juror_appointed", juror=juror)
    registration = first(s, "candidate_registered", candidate="C1")
    appointment["organisation"] = registration["organisation"] = "Institut Paul Bocuse"
    appointment["trainer"] = True
    s.proof = [appointment, registration, first(s, "evaluation_recorded", juror=juror, candidate="C1")]


@mutation("R14", variant="declared", training=True, stand_aside=False)
def juror_among_the_candidates_trainers(s: Scenario, draw) -> None:
    """A juror is one of the trainers declared for a candidate they evaluate."""
    juror = draw(st.sampled_from(s.jurors))
    registration = first(s, "candidate_registered", candidate="C1")
    registration["trainers"] = [*registration.get("trainers", []), juror]
    s.proof = [registration, first(s, "evaluation_recorded", juror=juror, candidate="C1")]


@mutation("R15", **ASIDE)
def stood_aside_juror_deliberates(s: Scenario, draw) -> None:
    """A juror who stood aside for a candidate stays in the room for that candidate's
    deliberation."""
    aside, _ = _aside(s)
    decision = first(s, "decision_recorded", candidate=aside["candidate"])
    presence = add(s, "deliberation_presence", instant(decision) - MINUTE, person=aside["juror"],
                   candidate=aside["candidate"])
    s.proof = [aside, presence]


@mutation("R15", variant="tied", **ASIDE)
def tied_juror_deliberates(s: Scenario, draw) -> None:
    """A juror who declared a tie with a candidate (and did not evaluate them) stays in the
    room for that candidate's deliberation."""
    aside, link = _aside(s)
    s.remove(aside)
    link["linked"] = True
    decision = first(s, "decision_recorded", candidate=aside["candidate"])
    presence = add(s, "deliberation_presence", instant(decision) - MINUTE, person=aside["juror"],
                   candidate=aside["candidate"])
    s.proof = [link, presence]


@mutation("R16")
def dp_not_studied(s: Scenario, draw) -> None:
    """A VAE (or other pathway) candidate's dossier is reviewed before the decision without
    their dossier professionnel."""
    candidate = draw(st.sampled_from(s.present))
    first(s, "candidate_registered", candidate=candidate)["pathway"] = draw(st.sampled_from(["vae", "other"]))
    review = first(s, "dossier_reviewed", candidate=candidate)
    review["dp"] = False
    s.proof = [first(s, "decision_recorded", candidate=candidate), review]


@mutation("R16", variant="after-decision", training=True)
def dp_studied_after_the_decision(s: Scenario, draw) -> None:
    """A training candidate's dossier is reviewed without the DP before the decision, and in
    full only after it (by as little as a second): S7.1 holds, R16 does not."""
    review = first(s, "dossier_reviewed", candidate="C1")
    decision = first(s, "decision_recorded", candidate="C1")
    review["dp"] = False
    add(s, "dossier_reviewed", instant(decision) + beyond(draw, 30 * MINUTE),
        **{**{k: v for k, v in review.items() if k not in ("type", "at")}, "dp": True})
    s.proof = [decision, review]


@mutation("R17", kind="titre", min_tests=2, supervised=False, missed=False)
def final_interview_before_the_last_test_ends(s: Scenario, draw) -> None:
    """A candidate's final interview (its end moved with it) starts before their last other
    test has ended, by as little as a second."""
    candidate = draw(st.sampled_from(s.present))
    last_end = max((e for e in s.find("test_ended", candidate=candidate) if not e["test"].endswith("-EF")),
                   key=instant)
    start = first(s, "test_started", test=f"{candidate}-EF")
    end = first(s, "test_ended", test=f"{candidate}-EF")
    shift = instant(start) - instant(last_end) + beyond(draw, 10 * MINUTE)
    place(start, instant(start) - shift)
    place(end, instant(end) - shift)
    s.proof = [start, last_end]


# ----------------------------------------------------------------------------- D

@mutation("D4", variant="resume-without-pause")
def resume_while_running(s: Scenario, draw) -> None:
    """A test is recorded as resumed while it runs (from the second it starts to the last
    second before it pauses or ends): the record contradicts itself."""
    start = draw(st.sampled_from(sorted(s.find("test_started"), key=instant)))
    since, until = _spans(s, start["test"])[0]
    offset = dt.timedelta(seconds=draw(st.integers(0, int((until - since).total_seconds()) - 1)))
    resume = add(s, "test_resumed", since + offset, test=start["test"], candidate=start["candidate"])
    s.proof = [resume]
