"""One mutation per clause: breaks exactly that clause in an otherwise compliant session.

Each mutation is registered under its clause id with the scenario options it needs, and may
declare clauses that break *with it by nature* (``also``): S2.2 — no contact after a jury
shortfall — cannot happen without the S2.1 shortfall itself.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import attrs
from hypothesis import strategies as st

from strategies import Scenario, scenarios


@attrs.frozen
class Mutation:
    clause: str
    apply: Callable[[Scenario, Any], None]      # edits the scenario in place; draw() available
    options: dict[str, Any] = attrs.field(factory=dict)
    also: frozenset[str] = frozenset()

    def strategy(self, **narrower: Any) -> st.SearchStrategy:
        @st.composite
        def mutated(draw):
            scenario = draw(scenarios(**self.options, **narrower)).copy()
            self.apply(scenario, draw)
            # an edit may move an event past the drawn audit date: audit after the last event
            last = max(dt.datetime.fromisoformat(e["at"]) for e in scenario.events)
            scenario.as_of = max(scenario.as_of, last.replace(microsecond=0))
            return scenario
        return mutated()


MUTATIONS: dict[str, Mutation] = {}


def mutation(clause: str, also: tuple[str, ...] = (), **options: Any):
    def register(fn: Callable[[Scenario, Any], None]) -> Callable[[Scenario, Any], None]:
        MUTATIONS[clause] = Mutation(clause, fn, options, frozenset(also))
        return fn
    return register


def shift(event: dict[str, Any], minutes: float) -> None:
    moment = dt.datetime.fromisoformat(event["at"]) + dt.timedelta(minutes=minutes)
    event["at"] = moment.isoformat()


def first(scenario: Scenario, type_name: str, **fields: Any) -> dict[str, Any]:
    return min(scenario.find(type_name, **fields), key=lambda e: dt.datetime.fromisoformat(e["at"]))


def first_test_start(scenario: Scenario) -> dt.datetime:
    return min(dt.datetime.fromisoformat(e["at"]) for e in scenario.find("test_started"))


# ----------------------------------------------------------------------------- S1

@mutation("S1.1")
def manager_arrives_late(s: Scenario, draw) -> None:
    """The manager arrives after the (first) opening."""
    arrival = first(s, "person_arrived", person="RS1")
    opening = first(s, "session_opened")
    arrival["at"] = opening["at"]
    shift(arrival, draw(st.integers(1, 45)))


@mutation("S1.2")
def undesignated_substitute(s: Scenario, draw) -> None:
    """Someone acts as substitute without any designation."""
    opening = first(s, "session_opened")
    s.events.append({"type": "person_arrived", "at": opening["at"], "person": "SUP9", "role": "substitute"})
    shift(s.events[-1], draw(st.integers(5, 120)))


@mutation("S1.3")
def rules_not_displayed(s: Scenario, draw) -> None:
    """The display check finds one of the two documents missing."""
    check = first(s, "display_checked")
    check[draw(st.sampled_from(["timetable", "general_rules"]))] = False


# ----------------------------------------------------------------------------- S2

def _jurors_late(s: Scenario, draw) -> None:
    start = first_test_start(s)
    checkins = s.find("juror_checked_in")
    day_one = [c for c in checkins if dt.datetime.fromisoformat(c["at"]) < start]
    keep = draw(st.sampled_from(s.jurors))
    for c in day_one:
        if c["juror"] != keep:
            c["at"] = (start + dt.timedelta(minutes=draw(st.integers(1, 30)))).isoformat()


@mutation("S2.1")
def jury_incomplete_with_contact(s: Scenario, draw) -> None:
    """All jurors but one check in after the first test started; the manager did call."""
    _jurors_late(s, draw)
    s.events.append({"type": "representative_contacted", "at": first(s, "session_opened")["at"],
                     "reason": "jury_shortfall"})


@mutation("S2.2", also=("S2.1",))
def jury_incomplete_without_contact(s: Scenario, draw) -> None:
    """All jurors but one check in late and nobody calls the territorial representative."""
    _jurors_late(s, draw)


@mutation("S2.3")
def briefing_incomplete(s: Scenario, draw) -> None:
    """The jury briefing leaves out one of the four topics (or does not happen)."""
    briefing = first(s, "jury_briefed")
    topic = draw(st.sampled_from(["principles", "modalities", "organisation", "posture", None]))
    if topic is None:
        s.remove(briefing)
    else:
        briefing[topic] = False


# ----------------------------------------------------------------------------- S3

@mutation("S3.1")
def identity_not_checked(s: Scenario, draw) -> None:
    """One present candidate's identity check is missing, or comes after their first test."""
    candidate = draw(st.sampled_from(s.present))
    check = first(s, "identity_checked", candidate=candidate)
    if draw(st.booleans()):
        s.remove(check)
    else:
        start = first(s, "test_started", candidate=candidate)
        check["at"] = start["at"]
        shift(check, draw(st.integers(1, 30)))


@mutation("S3.2", min_absent=1)
def absence_not_on_pv(s: Scenario, draw) -> None:
    """An absent candidate's absence is not written on the PV."""
    s.remove(first(s, "absence_recorded_on_pv", candidate=draw(st.sampled_from(s.absent))))


@mutation("S3.3", min_absent=1)
def jury_not_told_of_absence(s: Scenario, draw) -> None:
    """The jury is not told of an absence."""
    s.remove(first(s, "jury_informed_of_absence", candidate=draw(st.sampled_from(s.absent))))


@mutation("S3.4")
def link_not_checked(s: Scenario, draw) -> None:
    """One (juror, candidate) pair evaluated without a link check."""
    candidate = draw(st.sampled_from(s.present))
    juror = draw(st.sampled_from(s.jurors))
    s.remove(first(s, "link_checked", juror=juror, candidate=candidate))


@mutation("S3.5", min_jurors=3)
def linked_juror_evaluates(s: Scenario, draw) -> None:
    """A juror declares a tie with a candidate and evaluates them all the same (with three or
    more jurors, two others still evaluate: R11 holds)."""
    candidate = draw(st.sampled_from(s.present))
    juror = draw(st.sampled_from(s.jurors))
    first(s, "link_checked", juror=juror, candidate=candidate)["linked"] = True


# ----------------------------------------------------------------------------- S4

@mutation("S4.1")
def seals_not_checked(s: Scenario, draw) -> None:
    """The envelopes are opened with no seal check before (none, or one after opening)."""
    check = first(s, "seal_checked")
    if draw(st.booleans()):
        s.remove(check)
    else:
        check["at"] = first(s, "envelopes_opened")["at"]
        shift(check, draw(st.integers(1, 5)))


@mutation("S4.2")
def broken_seal_not_reported(s: Scenario, draw) -> None:
    """An envelope is found open and nobody reports it."""
    first(s, "seal_checked")["sealed"] = False


@mutation("S4.3", min_tests=2)
def content_not_checked(s: Scenario, draw) -> None:
    """The DTE content check is missing or finds a non-conforming content."""
    check = first(s, "dte_content_checked")
    if draw(st.booleans()):
        s.remove(check)
    else:
        check["conform"] = False


def _non_final_tests(s: Scenario) -> list[dict]:
    return [t for c in s.present for t in s.tests[c] if t["kind"] != "entretien_final"]


@mutation("S4.4", min_tests=2)
def candidate_dte_missing(s: Scenario, draw) -> None:
    """One candidate DTE is not handed, or only once the test has started."""
    test = draw(st.sampled_from(_non_final_tests(s)))["test"]
    handed = first(s, "dte_candidate_handed", test=test)
    if draw(st.booleans()):
        s.remove(handed)
    else:
        shift(handed, draw(st.integers(1, 30)))


@mutation("S4.5")
def jury_dte_missing(s: Scenario, draw) -> None:
    """One juror gets no jury DTE."""
    s.remove(first(s, "dte_jury_handed", juror=draw(st.sampled_from(s.jurors))))


# ----------------------------------------------------------------------------- S5

@mutation("S5.1")
def durations_not_recalled(s: Scenario, draw) -> None:
    s.remove(first(s, "durations_reminded"))


@mutation("S5.2", min_tests=2, late=False)
def test_overruns(s: Scenario, draw) -> None:
    """A test (not a late one) ends one to five minutes after its duration."""
    test = draw(st.sampled_from([t for t in _non_final_tests(s) if t["test"] not in s.late]))
    end = first(s, "test_ended", test=test["test"])
    end["at"] = (test["start"] + dt.timedelta(minutes=test["duration_minutes"] + draw(st.integers(1, 5)))).isoformat()


@mutation("S5.3", training=True, min_tests=2)
def trainer_supervises(s: Scenario, draw) -> None:
    """The trainer of a candidate is assigned to supervise a test."""
    trainer = draw(st.sampled_from(s.trainers["C1"]))
    draw(st.sampled_from(s.find("supervision_assigned")))["person"] = trainer


@mutation("S5.4", training=True)
def trainer_on_platform(s: Scenario, draw) -> None:
    """The trainer of a candidate enters the platform while a test runs."""
    start = first(s, "test_started", candidate="C1")
    s.events.append({"type": "platform_entered", "at": start["at"], "person": s.trainers["C1"][0]})
    shift(s.events[-1], draw(st.integers(1, 5)))      # every test lasts at least 10 minutes


@mutation("S5.5", late=True, min_tests=2)
def late_candidate_keeps_full_time(s: Scenario, draw) -> None:
    """Admitted late, a candidate ends after the scheduled end (but within the full duration)."""
    name = s.late[0]
    test = next(t for c in s.present for t in s.tests[c] if t["test"] == name)
    end = first(s, "test_ended", test=name)
    end["at"] = (test["start"] + dt.timedelta(minutes=test["duration_minutes"] + draw(st.integers(1, 9)))).isoformat()


# ----------------------------------------------------------------------------- S6

@mutation("S6.1", kind="titre")
def deliberation_too_early(s: Scenario, draw) -> None:
    """The jury starts deliberating before the last final interview has ended."""
    last_end = max(dt.datetime.fromisoformat(e["at"]) for e in s.find("test_ended")
                   if e["test"].endswith("-EF"))
    start = first(s, "deliberation_started")
    start["at"] = (last_end - dt.timedelta(minutes=draw(st.integers(1, 10)))).isoformat()


@mutation("S6.2")
def outsider_in_deliberation(s: Scenario, draw) -> None:
    """Someone who is not a juror stays in the room during deliberation."""
    start = first(s, "deliberation_started")
    s.events.append({"type": "deliberation_presence", "at": start["at"],
                     "person": draw(st.sampled_from(["RS1", "SV1", "F1"]))})


@mutation("S6.3")
def dossier_after_decision(s: Scenario, draw) -> None:
    """The jury reviews a dossier only after deciding."""
    candidate = draw(st.sampled_from(s.present))
    review = first(s, "dossier_reviewed", candidate=candidate)
    review["at"] = first(s, "decision_recorded", candidate=candidate)["at"]
    shift(review, 1)


# ----------------------------------------------------------------------------- S7

@mutation("S7.1", training=True)
def ecf_booklet_missing(s: Scenario, draw) -> None:
    """A training candidate's decision is taken without the ECF booklet (or the DP)."""
    review = first(s, "dossier_reviewed", candidate="C1")
    review[draw(st.sampled_from(["ecf", "dp", "results"]))] = False


@mutation("S7.2")
def no_decision(s: Scenario, draw) -> None:
    """A candidate who sat gets no decision."""
    s.remove(first(s, "decision_recorded", candidate=draw(st.sampled_from(s.present))))


@mutation("S7.3")
def juror_tells_results(s: Scenario, draw) -> None:
    """A juror tells a candidate their results."""
    end = first(s, "deliberation_ended")
    s.events.append({"type": "results_communicated", "at": end["at"],
                     "person": draw(st.sampled_from(s.jurors)), "candidate": draw(st.sampled_from(s.present))})
    shift(s.events[-1], draw(st.integers(1, 60)))


# ----------------------------------------------------------------------------- S8

@mutation("S8.1")
def juror_does_not_sign(s: Scenario, draw) -> None:
    s.remove(first(s, "pv_signed", juror=draw(st.sampled_from(s.jurors))))


@mutation("S8.2")
def staff_tells_results(s: Scenario, draw) -> None:
    """The manager (not a juror) tells a candidate their results before notification."""
    end = first(s, "deliberation_ended")
    s.events.append({"type": "results_communicated", "at": end["at"], "person": "RS1",
                     "candidate": draw(st.sampled_from(s.present))})
    shift(s.events[-1], draw(st.integers(1, 60)))


@mutation("S8.3")
def ceres_not_recorded(s: Scenario, draw) -> None:
    """Results are not entered in CERES, or entered before the jury signed."""
    record = first(s, "results_recorded_ceres")
    if draw(st.booleans()):
        s.remove(record)
    else:
        record["at"] = first(s, "pv_signed")["at"]
        shift(record, -1)


@mutation("S8.4")
def pv_not_countersigned(s: Scenario, draw) -> None:
    """The manager does not countersign, or countersigns before a juror signs."""
    countersign = first(s, "pv_countersigned")
    if draw(st.booleans()):
        s.remove(countersign)
    else:
        countersign["at"] = first(s, "pv_signed")["at"]
        shift(countersign, -1)


def _last_closing(s: Scenario) -> dt.datetime:
    return max(dt.datetime.fromisoformat(e["at"]) for e in s.find("session_closed"))


@mutation("S8.5")
def pv_sent_late(s: Scenario, draw) -> None:
    """The PVs reach the representative after 15 days (or never, the deadline past)."""
    closed = _last_closing(s)
    for sent in s.find("pv_transmitted"):
        s.remove(sent)
    if draw(st.booleans()):
        late = closed + dt.timedelta(days=15, minutes=draw(st.integers(1, 20 * 24 * 60)))
        s.events.append({"type": "pv_transmitted", "at": late.isoformat()})
        s.as_of = max(s.as_of, late + dt.timedelta(days=1))
    else:
        s.as_of = max(s.as_of, closed + dt.timedelta(days=draw(st.integers(16, 60))))


@mutation("S8.6")
def grids_not_archived(s: Scenario, draw) -> None:
    s.remove(first(s, "grids_archived"))


@mutation("S8.7")
def documents_kept(s: Scenario, draw) -> None:
    s.remove(first(s, "documents_destroyed"))


# ----------------------------------------------------------------------------- R

@mutation("R1")
def approval_does_not_cover(s: Scenario, draw) -> None:
    """The approval ended before the session, or is for another site or title."""
    approval = first(s, "agrement_recorded")
    change = draw(st.sampled_from(["expired", "site", "title"]))
    if change == "expired":
        opened = dt.datetime.fromisoformat(first(s, "session_opened")["at"]).astimezone(dt.timezone.utc)
        approval["valid_until"] = (opened.date() - dt.timedelta(days=draw(st.integers(2, 300)))).isoformat()
    elif change == "site":
        approval["site"] = "Vénissieux"
    else:
        approval["title"] = "TP-99999"


@mutation("R2")
def declared_late(s: Scenario, draw) -> None:
    declaration = first(s, "session_declared")
    declaration["at"] = first(s, "session_opened")["at"]
    shift(declaration, draw(st.integers(1, 600)))


@mutation("R3")
def manager_not_designated(s: Scenario, draw) -> None:
    s.remove(first(s, "manager_designated", person="RS1"))


@mutation("R4", min_jurors=3)
def juror_without_habilitation(s: Scenario, draw) -> None:
    """One of three or more jurors is habilitated for another title (the others keep the quorum)."""
    juror = draw(st.sampled_from(s.jurors))
    first(s, "juror_appointed", juror=juror)["habilitation_title"] = "TP-99999"


@mutation("R5")
def convened_late(s: Scenario, draw) -> None:
    """A candidate is convened a few days before the session."""
    convocation = first(s, "candidate_convened", candidate=draw(st.sampled_from(list(s.candidates))))
    convocation["at"] = first(s, "session_opened")["at"]
    shift(convocation, -draw(st.integers(1, 14 * 24 * 60)))


@mutation("R6")
def platform_not_checked(s: Scenario, draw) -> None:
    check = first(s, "platform_checked")
    if draw(st.booleans()):
        s.remove(check)
    else:
        check["conform"] = False


@mutation("R7", min_tests=2, late=False)
def extra_time_beyond_authorisation(s: Scenario, draw) -> None:
    """A candidate authorised 30 extra minutes before the session uses more."""
    test = draw(st.sampled_from([t for t in _non_final_tests(s) if t["test"] not in s.late]))
    designation = first(s, "manager_designated")
    s.events.append({"type": "accommodation_authorised", "at": designation["at"],
                     "candidate": test["candidate"], "extra_minutes": 30})
    end = first(s, "test_ended", test=test["test"])
    end["at"] = (test["start"] + dt.timedelta(minutes=test["duration_minutes"] + 30 + draw(st.integers(1, 5)))).isoformat()


@mutation("R8")
def candidates_not_briefed(s: Scenario, draw) -> None:
    s.remove(first(s, "candidates_briefed"))


@mutation("R9")
def fraud_not_followed_up(s: Scenario, draw) -> None:
    """A fraud is recorded without a written report, a PV mention or a notice."""
    start = first(s, "test_started")
    incident = {"type": "incident_reported", "at": start["at"], "incident": "I1",
                "kind": draw(st.sampled_from(["fraud", "irregularity"])),
                "written_report": True, "pv_mention": True}
    shift(incident, 30)
    missing = draw(st.sampled_from(["written_report", "pv_mention", "notice"]))
    if missing != "notice":
        incident[missing] = False
        s.events.append({"type": "representative_contacted", "at": incident["at"], "reason": "incident"})
        shift(s.events[-1], 5)
    s.events.append(incident)


@mutation("R10", kind="titre", min_tests=2)
def final_interview_skipped(s: Scenario, draw) -> None:
    """A present candidate of a title session never has their final interview."""
    candidate = draw(st.sampled_from(s.present))
    test = f"{candidate}-EF"
    for event in [e for e in s.events if e.get("test") == test and e["type"] != "test_scheduled"]:
        s.remove(event)


@mutation("R11", max_jurors=2)
def tied_juror_stands_aside_alone(s: Scenario, draw) -> None:
    """With two jurors, one is tied to a candidate and stands aside: one evaluator is left."""
    candidate = draw(st.sampled_from(s.present))
    juror = draw(st.sampled_from(s.jurors))
    first(s, "link_checked", juror=juror, candidate=candidate)["linked"] = True
    for event in s.find("evaluation_recorded", juror=juror, candidate=candidate):
        s.remove(event)


@mutation("R12")
def test_held_elsewhere(s: Scenario, draw) -> None:
    draw(st.sampled_from(s.find("test_started")))["site"] = draw(st.sampled_from(["Lyon 3e", "Vénissieux"]))
