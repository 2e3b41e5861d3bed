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

    def strategy(self) -> st.SearchStrategy:
        @st.composite
        def mutated(draw):
            scenario = draw(scenarios(**self.options)).copy()
            self.apply(scenario, draw)
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
