"""Live guidance: what a session still owes, by when (compliance/guidance.py, Checker.guide,
Checker.open_obligations, check --open). Expected obligations are read by hand from the records."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from hypothesis import given, settings, strategies as st

import oracle
from compliance import Checker, _time, read_path
from compliance.cli import main
from conftest import EXAMPLES
from mutations import MUTATIONS
from strategies import scenarios

BREACHES = EXAMPLES / "session-avec-manquements.yaml"
PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))
# Full-size sessions (up to 15 candidates) fed live with guidance: a fifth of the profile's examples.
FEW = settings(max_examples=max(5, settings().max_examples // 5))
full_size = scenarios() | st.sampled_from(sorted(MUTATIONS)).flatmap(lambda c: MUTATIONS[c].strategy())


def _fed_until(path, until: dt.datetime) -> Checker:
    (session,) = read_path(path)
    checker = Checker()
    for event in sorted(session.events, key=lambda e: e.at):
        if event.at <= until:
            checker.feed(event)
    return checker


def test_at_0850_the_breaches_session_owes_what_its_0900_tests_need():
    """examples/session-avec-manquements.yaml at 08:50: the MSPs are timetabled at 09:00; C2's
    identity is not checked (L20 is C2's MSP), no candidate DTE handed yet (C1, C2: L18, L20),
    durations not yet recalled (from the opening, L29) and the jury briefing incomplete (from the
    opening and the 08:25 briefing without the posture, L34, before C1's MSP timetabled at L18).
    C3 is noted absent at 08:45: nothing is expected of C3."""
    at = dt.datetime(2026, 3, 10, 8, 50, tzinfo=PARIS_WINTER)
    open_ = _fed_until(BREACHES, at).open_obligations(at)
    assert [(o.clause, o.rule, [e.event_id for e in o.opened_by]) for o in open_] == [
        ("S2.3", "S2.3-rappel-jury-incomplet", ["L18", "L29", "L34"]),
        ("S3.1", "S3.1-identite-non-controlee", ["L20"]),
        ("S4.4", "S4.4-dte-candidat-non-remis", ["L18"]),
        ("S4.4", "S4.4-dte-candidat-non-remis", ["L20"]),
        ("S5.1", "S5.1-durees-non-rappelees", ["L29"])]
    assert {o.due for o in open_} == {dt.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS_WINTER)}
    (identity,) = [o for o in open_ if o.clause == "S3.1"]
    assert identity.discharge.fr == "Contrôle d'identité (candidat : C2, pièce d'identité conforme : oui)"
    assert identity.discharge.en == "Identity checked (candidate: C2, identity document matched: yes)"


def test_after_the_closing_the_pvs_are_owed_until_the_end_of_day_15():
    at = dt.datetime(2026, 3, 10, 16, 20, tzinfo=PARIS_WINTER)
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    checker = Checker()
    checker.extend(e for e in session.events if e.at <= at)
    (pvs,) = checker.open_obligations(at)
    assert (pvs.clause, pvs.due.isoformat()) == ("S8.5", "2026-03-25T23:59:59+01:00")
    assert "représentant territorial" in pvs.discharge.fr


def test_guide_says_what_an_event_discharged_and_warns_once_within_the_horizon():
    (session,) = read_path(BREACHES)
    checker = Checker()
    discharged, warned = {}, {}
    for event in sorted(session.events, key=lambda e: e.at):
        guidance = checker.guide(event)
        for o in guidance.discharged:
            discharged.setdefault(o.key, event.id)
        for o in guidance.at_risk:
            assert o.key not in warned, "warned twice"
            warned[o.key] = event.at
    # the durations recalled at 08:58 (L48) discharge S5.1 opened by the opening (L29)
    assert discharged[("S5.1-durees-non-rappelees", (18,))] == "L48"
    # S3.1 for C2 (due 09:00) is at risk from the first event at or after 08:45
    key = next(k for k in warned if k[0] == "S3.1-identite-non-controlee")
    assert warned[key] == dt.datetime(2026, 3, 10, 8, 45, tzinfo=PARIS_WINTER)


@FEW
@given(scenarios())
def test_a_compliant_session_ends_owing_at_most_its_pvs(scenario):
    """Fed live, a compliant session's checklist at the end is empty, but for the PVs while they
    are not sent (the generator leaves them unsent, and not yet due, now and then)."""
    session = scenario.session()
    checker = Checker()
    for event in session.events:
        assert not checker.guide(event).findings
    open_ = checker.open_obligations(scenario.as_of)
    assert {o.clause for o in open_} <= {"S8.5"}
    assert bool(open_) == (not scenario.find("pv_transmitted"))
    assert not checker.finish(scenario.as_of).violations


def _key(finding):
    return finding.rule, tuple(e.index for e in finding.evidence)


def _guided(scenario, horizon=dt.timedelta(minutes=15)):
    """Feed the session with guidance: (events, report, open obligations after each event,
    guidance of each event)."""
    session = scenario.session()
    checker = Checker()
    opened, guided = [], []
    for event in session.events:
        guided.append(checker.guide(event, horizon))
        opened.append({o.key: o for o in checker.open_obligations()})
    return list(session.events), checker.finish(scenario.as_of), opened, guided


def test_an_act_left_undone_is_never_reported_done_when_its_bound_passes():
    """A test starts at 09:00 with no identity check, no candidate DTE and no instructions: the
    start ends those obligations as breaches, not as duties done (a start is what they were
    owed before, not what fills them). The juror's check-in does discharge S2.1's wait, not."""
    def event(kind, at, **fields):
        return dict(fields, type=kind, at=f"2026-05-12T{at}:00+02:00", session="W1")
    planned = [
        dict(type="session_planned", at="2026-03-01T09:00:00+01:00", session="W1", title="TP-01281",
             title_name="Agent", centre="CFA", site="Marseille", kind="titre"),
        dict(type="candidate_registered", at="2026-03-03T09:00:00+01:00", session="W1", candidate="K1",
             pathway="vae"),
        dict(type="test_scheduled", at="2026-03-04T09:00:00+01:00", session="W1", test="T1", candidate="K1",
             kind="msp", duration_minutes=60, starts_at="2026-05-12T09:00:00+02:00"),
    ]
    day = [event("session_opened", "08:00"), event("person_arrived", "08:01", person="M1", role="manager"),
           event("test_started", "09:00", test="T1", candidate="K1"),
           event("test_ended", "10:00", test="T1", candidate="K1"),
           event("session_closed", "13:00")]
    checker = Checker()
    done, found = set(), set()
    for raw in planned + day:
        guidance = checker.guide(raw)
        done |= {o.clause for o in guidance.discharged}
        found |= {f.clause for f in guidance.findings}
    assert {"S3.1", "S4.4", "R8"} <= found
    assert not done & {"S3.1", "S4.4", "R8"}


@FEW
@given(full_size)
def test_an_obligation_reported_discharged_never_becomes_a_finding(scenario):
    _, report, _, guided = _guided(scenario)
    discharged = {o.key for g in guided for o in g.discharged}
    assert not discharged & {_key(f) for f in report.findings}


@FEW
@given(full_size)
def test_every_bounded_finding_was_owed_before_its_bound_or_certain_at_once(scenario):
    """Each finding of a rule with bounded absences was an open obligation at some event no
    later than its bound, unless the match it stands for was only complete once its bound had
    passed (the oracle's matches say when): then it was certain at once."""
    from compliance.checker import default_rulebook
    from compliance.rule_model import Certainty
    events, report, opened, _ = _guided(scenario)
    rulebook = default_rulebook()
    end_at = _time.epoch(scenario.as_of)
    facts = oracle.derive(rulebook, oracle.facts(events, dict(rulebook.settings)), end_at)
    for finding in report.findings:
        rule = next((r for r in rulebook.checks if r.id == finding.rule), None)
        if rule is None or rule.certainty is not Certainty.BOUNDED:
            continue
        owed = [step for step, open_ in enumerate(opened) if _key(finding) in open_
                and events[step].at <= open_[_key(finding)].due]
        if owed:
            continue
        late = []
        for env in oracle.matches(rule, facts, end_at):
            cited = tuple(sorted({i for alias in rule.evidence for i in env[alias]["src"]}))
            if cited == _key(finding)[1]:
                bound = max(oracle.value(b, env) for b in rule.bounds)
                last = max(i for fact in env.values() for i in fact["src"])
                late.append(_time.epoch(events[last].at) > bound)
        assert late and any(late), f"{finding.rule} {_key(finding)} never owed, yet complete before its bound"


@FEW
@given(full_size, st.sampled_from([5, 15, 60]))
def test_obligations_are_at_risk_exactly_from_their_bound_minus_the_horizon(scenario, minutes):
    """An open obligation is reported at risk once, at the first event at or after its due time
    less the horizon (or when it opens, if later)."""
    horizon = dt.timedelta(minutes=minutes)
    events, _, opened, guided = _guided(scenario, horizon)
    warned = {}
    for step, guidance in enumerate(guided):
        for o in guidance.at_risk:
            assert o.key not in warned, "warned twice"
            warned[o.key] = step
            assert o.key in opened[step] and events[step].at >= o.due - horizon
            assert step == 0 or o.key not in opened[step - 1] or events[step - 1].at < o.due - horizon
    for step, open_ in enumerate(opened):
        for key, o in open_.items():
            if events[step].at >= o.due - horizon:
                assert key in warned and warned[key] <= step, (key, step)


def test_check_open_lists_the_obligations_in_json():
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(BREACHES), "--as-of", "2026-03-10T08:50:00+01:00", "--open", "--format", "json"],
                out, err) == 0, err.getvalue()
    (session,) = json.loads(out.getvalue())["sessions"]
    assert [o["clause"] for o in session["open"]] == ["S2.3", "S3.1", "S4.4", "S4.4", "S5.1"]
    assert session["open"][0]["due"] == "2026-03-10T09:00:00+01:00"


@pytest.mark.parametrize("limit, refused", [(1_000, "L66"), (2_000, None)])
def test_guidance_meets_the_effort_limit_at_the_event_feeding_does(limit, refused, monkeypatch):
    """The effort limit is the batch run's, on the recorded events: the tests guidance assumes
    started do not make a session refused sooner (or at all) when it is guided. With a limit of
    1,000 comparisons the breaches session is refused at L66 (the estimate is made as the facts
    grow by a quarter); 2,000 is enough for all of it."""
    from compliance import engine
    from compliance.engine import EffortLimitError
    monkeypatch.setattr(engine, "MAX_COMPARISONS", limit)
    (session,) = read_path(BREACHES)
    events = sorted(session.events, key=lambda e: e.at)

    def refused_at(method: str) -> str | None:
        checker = Checker()
        for event in events:
            try:
                getattr(checker, method)(event)
            except EffortLimitError:
                return event.id
        return None
    assert refused_at("feed") == refused_at("guide") == refused


@FEW
@given(full_size, st.integers(2, 9))
def test_the_open_list_does_not_depend_on_when_it_was_asked_for_before(scenario, every):
    """The checklist is kept up to date as obligations come and go: asked for at every event, or
    only every few events (many changes at once), it is the same list at the same event."""
    events = sorted(scenario.session().events, key=lambda e: e.at)
    often, seldom = Checker(), Checker()
    for step, event in enumerate(events):
        often.guide(event)
        seldom.feed(event)
        if step % every == 0:
            assert seldom.open_obligations() == often.open_obligations(), step


@FEW
@given(full_size)
def test_nothing_is_kept_on_a_timetabled_test_after_it_started(scenario):
    """A test's assumed start stands for it only until the test starts or its candidate is noted
    absent (it is never expected again): what the engine matches on it afterwards could never be
    an open obligation, and a guided session does not keep it (white box: the live pool)."""
    from compliance.events import AbsenceNoted, TestScheduled, TestStarted
    checker = Checker()
    scheduled: dict[str, tuple[str, str]] = {}      # assumed start's eid -> (test, candidate)
    started: set[str] = set()
    absent: set[tuple[str, str]] = set()
    kept: dict[int, object] = {}                     # candidates seen (held: their ids stay theirs)
    exercised = False
    for event in sorted(scenario.session().events, key=lambda e: e.at):
        checker.guide(event)
        if isinstance(event, TestScheduled):
            scheduled[f"{event.id}:expected"] = (event.test, event.candidate)
        elif isinstance(event, TestStarted):
            started.add(event.test)
        elif isinstance(event, AbsenceNoted):
            absent.add((event.candidate, event.test))
        gone = {eid for eid, (test, candidate) in scheduled.items()
                if test in started or (candidate, "") in absent or (candidate, test) in absent}
        state = checker._live
        assert state is not None
        for candidate in state.pool.bounded:
            if id(candidate) not in kept:
                kept[id(candidate)] = candidate
                assert candidate.assumed.isdisjoint(gone), (event, sorted(candidate.assumed & gone))
        exercised = exercised or bool(gone and kept)
    assert exercised or not started     # a test started while guidance held candidates


@pytest.mark.parametrize("lang, at, head", [
    ("fr", "08:50", "Session TP-00417-2026-03-10-B : 5 obligations ouvertes\n"),
    ("en", "08:50", "Session TP-00417-2026-03-10-B: 5 open obligations\n"),
    ("fr", "18:00", "Session TP-00417-2026-03-10-B : 1 obligation ouverte\n"),
    ("en", "18:00", "Session TP-00417-2026-03-10-B: 1 open obligation\n"),
])
def test_check_open_counts_its_obligations_in_words(lang, at, head):
    out, err = io.StringIO(), io.StringIO()
    main(["check", str(BREACHES), "--as-of", f"2026-03-10T{at}:00+01:00", "--open", "--lang", lang], out, err)
    assert out.getvalue().startswith(head), out.getvalue()
