"""Live feeding: findings as soon as certain, never withdrawn, ending like the batch check."""
from __future__ import annotations

import datetime as dt

import gc

import pytest
from hypothesis import given, settings, strategies as st

import oracle
from compliance import Checker, Finding, InputError, Location, UsageError, _time, check_session, engine, parse_event
from compliance.expressions import Arith, Ref, Span
from compliance.model import Severity
from compliance.rule_model import Certainty, Expect
from mutations import MUTATIONS
from strategies import scenarios

AS_OF = dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)

# Full-size sessions (up to 15 candidates, a few hundred events): live feeding is incremental.
any_session = st.one_of(scenarios(), *(m.strategy() for m in MUTATIONS.values()))
# Replaying at every event is quadratic: the comparison with it runs on small sessions, a few.
SMALL = {"max_candidates": 4}
small_session = st.one_of(scenarios(**SMALL), *(m.strategy(**SMALL) for m in MUTATIONS.values()))
FEW = settings(max_examples=max(3, settings().max_examples // 5))
FEWER = settings(max_examples=max(3, settings().max_examples // 10))
FIFTEEN = {"min_candidates": 15, "max_candidates": 15}


@given(any_session)
def test_live_feeding_ends_like_the_batch_check(scenario):
    """Fed one event at a time, a session gets the same report as checked at once, and every
    finding returned live is in that report (never withdrawn)."""
    session = scenario.session()
    checker = Checker()
    live = []
    for event in session.events:
        live.extend(checker.feed(event))
    report = checker.finish(scenario.as_of, source=session.source)
    batch = check_session(session, as_of=scenario.as_of)
    assert report.to_json() == batch.to_json()
    assert set(live) <= set(batch.findings)
    assert len(live) == len(set(live))


@given(st.sampled_from(sorted(MUTATIONS)).flatmap(lambda c: MUTATIONS[c].strategy()))
def test_time_bound_findings_come_before_the_end(scenario):
    """A finding whose rule is certain before the end is returned by feed, not only by finish."""
    session = scenario.session()
    checker = Checker()
    live = set()
    for event in session.events:
        live.update(checker.feed(event))
    report = checker.finish(scenario.as_of)
    from compliance.checker import default_rulebook
    rules = {r.id: r for r in default_rulebook().rules}
    # the record checks (D1–D4) are not rules: they judge the whole record, at finish
    early = {f for f in report.findings if f.rule in rules and rules[f.rule].certainty == "immediate"}
    assert early <= live


@FEW
@given(st.one_of(scenarios(**FIFTEEN), *(m.strategy(**FIFTEEN) for m in MUTATIONS.values())))
def test_fifteen_candidates_fed_with_guidance_end_like_the_batch_check(scenario):
    """The same at full size, fed through ``guide``: every finding it returns is the batch
    report's, returned once."""
    session = scenario.session()
    assert len(scenario.candidates) == 15
    checker = Checker()
    live = [f for event in session.events for f in checker.guide(event).findings]
    report = checker.finish(scenario.as_of, source=session.source)
    batch = check_session(session, as_of=scenario.as_of)
    assert report.to_json() == batch.to_json()
    assert set(live) <= set(batch.findings) and len(live) == len(set(live))


@FEWER
@given(small_session)
def test_incremental_feeding_says_what_replaying_every_event_says(scenario):
    """A checker without a live engine session (the process has as many as it may) replays the
    session at every event: the incremental checker returns the very same findings and
    guidance, event by event, and the same report."""
    events = sorted(scenario.session().events, key=lambda e: e.at)
    incremental = Checker()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "LIVE_SESSIONS", 0)
        replaying = Checker()
        replaying.feed(events[0])
    incremental.feed(events[0])
    for step, event in enumerate(events[1:], start=1):
        assert incremental.guide(event) == replaying.guide(event), (step, event)
    assert incremental.open_obligations() == replaying.open_obligations()
    assert incremental.finish(scenario.as_of).to_json() == replaying.finish(scenario.as_of).to_json()


def test_beyond_the_live_session_cap_a_checker_replays_and_finds_the_same(clean_session, monkeypatch):
    """The engine holds 1,024 sessions per ruleset and fails beyond (MemoryError, then a crash):
    the adapter opens at most LIVE_SESSIONS in the process; a checker fed beyond that replays."""
    assert engine.LIVE_SESSIONS < 1_024
    events = sorted(clean_session.events, key=lambda e: e.at)
    monkeypatch.setattr(engine, "LIVE_SESSIONS", engine.open_live_sessions() + 2)
    checkers = [Checker() for _ in range(3)]
    found: list[list[Finding]] = [[], [], []]
    for event in events:
        for checker, live in zip(checkers, found):
            live.extend(checker.feed(event))
    assert engine.open_live_sessions() == engine.LIVE_SESSIONS       # the third has none
    assert [c._live is not None for c in checkers] == [True, True, False]
    reports = [c.finish(AS_OF, source=clean_session.source, digest=clean_session.digest).to_json() for c in checkers]
    import attrs
    in_order = attrs.evolve(clean_session, events=events)
    assert reports == [check_session(in_order, as_of=AS_OF).to_json()] * 3
    assert found[0] == found[1] == found[2]
    assert engine.open_live_sessions() == engine.LIVE_SESSIONS - 2   # finish released them


def test_live_sessions_end_with_finish_close_or_the_checker(clean_session):
    events = sorted(clean_session.events, key=lambda e: e.at)
    before = engine.open_live_sessions()
    finished, closed, dropped = Checker(), Checker(), Checker()
    for each in (finished, closed, dropped):
        each.feed(events[0])
    del each
    assert engine.open_live_sessions() == before + 3
    finished.finish(AS_OF)
    closed.close()
    assert engine.open_live_sessions() == before + 1
    del dropped
    gc.collect()
    assert engine.open_live_sessions() == before        # deleted at the next call into the engine
    closed.feed(events[1])                              # a closed checker opens a new one if fed
    assert engine.open_live_sessions() == before + 1
    closed.close()


def test_feed_rejects_an_event_out_of_time_order(clean_session):
    checker = Checker()
    events = list(clean_session.events)
    later = max(events, key=lambda e: e.at)
    earlier = min(events, key=lambda e: e.at)
    checker.feed(later)
    with pytest.raises(InputError, match="out of time order") as caught:
        checker.feed(earlier)
    assert str(caught.value).startswith(f"{earlier.location.file}:{earlier.location.line}")


def test_feed_rejects_an_event_of_another_session(clean_session):
    import attrs
    checker = Checker()
    checker.feed(clean_session.events[0])
    other = attrs.evolve(clean_session.events[1], session="OTHER")
    with pytest.raises(InputError, match="one Checker per session"):
        checker.feed(other)


def test_an_identity_breach_is_reported_when_the_test_starts(clean_session):
    """S3.1 is certain as soon as the clock passes the test start: the next event reveals it."""
    events = [e for e in clean_session.events
              if not (e.TYPE == "identity_checked" and e.candidate == "C1")]
    checker = Checker()
    seen_at = None
    for event in events:
        if any(f.clause == "S3.1" for f in checker.feed(event)):
            seen_at = event.at
            break
    start = next(e.at for e in events if e.TYPE == "test_started" and e.candidate == "C1")
    assert seen_at is not None and start < seen_at <= start + dt.timedelta(hours=4)


# ----------------------------------------------------------------------------- embedding

@pytest.mark.parametrize("thing", [None, "session_opened", 42, ("session_opened",)])
def test_feeding_something_that_is_neither_an_event_nor_a_mapping_is_a_type_error(thing):
    checker = Checker()
    with pytest.raises(TypeError, match=rf"Checker.feed takes a compliance Event or a mapping of one "
                                        rf"\(see parse_event\), got {type(thing).__name__}$"):
        checker.feed(thing)
    with pytest.raises(TypeError, match="Checker.extend takes a compliance Event"):
        checker.extend([thing])
    assert checker.events == ()


def test_a_mapping_fed_is_parsed_like_a_log_line():
    checker = Checker()
    with pytest.raises(InputError, match="field 'session'"):      # no session named anywhere
        checker.feed({"type": "session_opened", "at": "2026-03-10T08:00:00+01:00"})
    checker.feed({"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S"})
    assert [(e.session, e.id) for e in checker.events] == [("S", "F1")]


def test_a_finished_checker_takes_no_more_events(clean_session):
    checker = Checker()
    first, *rest = clean_session.events
    checker.feed(first)
    checker.finish(AS_OF)
    with pytest.raises(UsageError, match="Checker.feed after finish: expected a new Checker"):
        checker.feed(rest[0])
    with pytest.raises(UsageError, match="Checker.extend after finish"):
        checker.extend(rest)
    assert checker.events == (first,)


def test_finish_twice_judges_the_same_events_again(clean_session):
    checker = Checker()
    checker.extend(clean_session.events)
    once = checker.finish(AS_OF)
    assert checker.finish(AS_OF).to_json() == once.to_json()
    later = checker.finish(AS_OF + dt.timedelta(days=400))
    assert later.as_of != once.as_of and later.events == once.events


def test_a_live_session_has_the_readers_event_cap(clean_session):
    """The 50,001st event is refused, naming the session and the event's place."""
    import attrs

    from compliance.readers._result import MAX_EVENTS
    template = clean_session.events[0]
    events = [attrs.evolve(template, id=f"x{i}", location=Location("big.jsonl", i + 1))
              for i in range(MAX_EVENTS + 1)]
    checker = Checker()
    with pytest.raises(InputError) as caught:
        checker.extend(events)
    assert str(caught.value) == (f"big.jsonl:{MAX_EVENTS + 1}: session '{template.session}' has more than "
                                 "50,000 events: expected a session of plausible size; it is not checked")
    assert len(checker.events) == MAX_EVENTS


def test_checkers_in_two_threads_get_the_batch_results():
    """The engine is process-wide; its adapter serialises runs, so two threads feeding two
    sessions live get exactly what a single-threaded batch check gives."""
    import threading

    import attrs

    from compliance import read_path
    from conftest import EXAMPLES
    sessions = [attrs.evolve(s, events=sorted(s.events, key=lambda e: e.at))   # feeding order
                for name in ("session-avec-manquements.yaml", "session-vae.yaml")
                for s in read_path(EXAMPLES / name)]
    expected = [check_session(s, as_of=AS_OF).to_json() for s in sessions]
    for _ in range(3):
        got: dict[int, object] = {}

        def feed(i: int) -> None:
            checker = Checker()
            try:
                for event in sessions[i].events:
                    checker.feed(event)
                got[i] = checker.finish(AS_OF, source=sessions[i].source, digest=sessions[i].digest).to_json()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                got[i] = repr(error)

        threads = [threading.Thread(target=feed, args=(i,)) for i in range(len(sessions))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [got[i] for i in range(len(sessions))] == expected


def test_feed_is_capped_like_extend(clean_session, monkeypatch):
    """Same code path as extend; the cap is lowered so that live replays stay cheap."""
    import compliance.checker
    monkeypatch.setattr(compliance.checker, "MAX_EVENTS", 2)
    checker = Checker()
    events = sorted(clean_session.events, key=lambda e: e.at)
    checker.feed(events[0])
    checker.feed(events[1])
    with pytest.raises(InputError, match="has more than 2 events"):
        checker.feed(events[2])


# ----------------------------------------------------------------------------- bounded rules

def _rulebook():
    from compliance.checker import default_rulebook
    return default_rulebook()


BOUNDED = [r.id for r in _rulebook().checks if r.certainty is Certainty.BOUNDED]
# Field-less events, one of which ends each example as a clock tick past every bound.
TICKS = ["grids_archived", "documents_destroyed", "pv_transmitted", "session_declared", "candidates_briefed"]


def _tick(rule, events, after: int):
    """An event of a type the rule (and no derivation) reads, a minute after ``after``."""
    rulebook = _rulebook()
    read = {p.event for r in (rule, *rulebook.derivations) for p in r.patterns}
    kind = next(t for t in TICKS if t not in read)
    at = dt.datetime.fromtimestamp(after + 60, dt.timezone.utc).isoformat()
    return parse_event({"type": kind, "at": at}, Location("<tick>", 1), session=events[0].session,
                       default_id="tick")


def _bounded_matches(rule, events, end_at):
    """evidence indices -> the time bounds (epoch seconds) of the oracle's matches citing them,
    and the index of the latest event each match binds."""
    rulebook = _rulebook()
    facts = oracle.derive(rulebook, oracle.facts(events, dict(rulebook.settings)), end_at)
    out: dict[tuple[int, ...], list[tuple[int, int]]] = {}
    for env in oracle.matches(rule, facts, end_at):
        cited = tuple(sorted({i for alias in rule.evidence for i in env[alias]["src"]}))
        bound = max(oracle.value(b, env) for b in rule.bounds)
        out.setdefault(cited, []).append((bound, max(i for f in env.values() for i in f["src"])))
    return out


@pytest.mark.parametrize("rule_id", BOUNDED)
def test_a_bounded_finding_is_returned_by_feed_once_the_clock_passes_its_bound(rule_id):
    """Each 'fire' example of the rule, fed event by event (then a clock tick past every bound):
    each finding of the rule comes out of feed at the first event past its bound (or at the
    last event it cites, if later), never at an event before or at its bound, and equals the
    finding finish reports."""
    rule = _rulebook().rule(rule_id)
    fired = [e for e in rule.examples if e.expect is Expect.FIRE]
    assert fired, f"{rule_id} has no 'fire' example"
    for example in fired:
        events = sorted(example.events, key=lambda e: e.at)          # stable: record order at ties
        as_of = example.as_of or events[-1].at
        first_bounds = _bounded_matches(rule, events, _time.epoch(as_of))
        assert first_bounds, f"{rule_id}: {example.name}: the oracle finds no match"
        latest = max([b for group in first_bounds.values() for b, _ in group] + [_time.epoch(as_of)])
        events.append(_tick(rule, events, latest))
        as_of = events[-1].at
        groups = _bounded_matches(rule, events, _time.epoch(as_of))
        checker = Checker()
        returned: dict[Finding, int] = {}
        for step, event in enumerate(events):
            for finding in checker.feed(event):
                if finding.rule == rule_id:
                    assert finding not in returned, (example.name, finding)
                    returned[finding] = step
        mine = [f for f in checker.finish(as_of).findings if f.rule == rule_id]
        assert mine, f"{rule_id}: {example.name}: no finding at finish"
        assert set(returned) == set(mine), example.name      # all returned live, none withdrawn
        for finding, step in returned.items():
            group = groups[tuple(e.index for e in finding.evidence)]
            # a match is certain at the first event past its bound once every event it binds is in
            due = min(max(_first_past(events, bound), last) for bound, last in group)
            where = f"{rule_id}: {example.name}: returned at event {step} ({events[step].at})"
            assert _time.epoch(events[step].at) > min(bound for bound, _ in group), f"{where}, before its bound"
            assert step == due, f"{where}, expected at event {due}"


def _first_past(events, bound: int) -> int:
    return next(i for i, e in enumerate(events) if _time.epoch(e.at) > bound)


# ----------------------------------------------------------------------------- certainty at load

def _upper_bounds(absence):
    """docs/rules.md: 'at <= X' or 'at < X', X built from matched events (not the audit date)."""
    return [c.operand for c in absence.conditions
            if c.field == "at" and c.op in ("<", "<=") and not isinstance(c.operand, tuple)
            and c.refs() and all(r.alias != "end" for r in c.refs())]


def _as_documented(rule) -> Certainty:
    """docs/rules.md, 'Live feeding and certainty', read condition by condition."""
    if rule.severity is Severity.PENDING:
        return Certainty.FINISH
    for pattern in rule.patterns:
        for cond in pattern.conditions:
            if any(r.alias == "end" for r in cond.refs()) and (pattern.absent or cond.op not in ("<", "<=")):
                return Certainty.FINISH          # may stop holding as the clock advances
    absences = [p for p in rule.patterns if p.absent]
    if not absences:
        return Certainty.IMMEDIATE
    return Certainty.BOUNDED if all(_upper_bounds(p) for p in absences) else Certainty.FINISH


@pytest.mark.parametrize("rule_id", [r.id for r in _rulebook().checks])
def test_every_check_is_classified_as_the_rule_language_says(rule_id):
    rule = _rulebook().rule(rule_id)
    assert rule.certainty is _as_documented(rule)
    if rule.certainty is Certainty.BOUNDED:
        absences = [p for p in rule.patterns if p.absent]
        assert len(rule.bounds) == len(absences)
        for bound, absence in zip(rule.bounds, absences):
            assert bound in _upper_bounds(absence)
    else:
        assert rule.bounds == ()


START, CLOSING = Ref("start", "at"), Ref("closing", "at")


@pytest.mark.parametrize("rule_id, certainty, bounds", [
    ("R12-epreuve-a-distance", Certainty.IMMEDIATE, ()),                   # no absence
    # a list-item match, the first registration naming the trainer (no earlier one, none in
    # the same second of a lower candidate id)
    ("S5.3-formateur-surveille", Certainty.BOUNDED, (Ref("trainer", "at"),) * 2),
    # each candidate's first test (an earlier start, at < start.at) without an identity check
    # at <= start.at, valid or not (a failed one is S3.1-piece-d-identite-non-conforme's)
    ("S3.1-identite-non-controlee", Certainty.BOUNDED, (START, START, START)),
    # at <= closing.pv_due (the last second of day 15): a later closing, the transmission, the
    # representative's validation or notification, a sending to another recipient (that
    # finding is S8.5-pv-transmis-a-un-autre-destinataire's)
    ("S8.5-pv-transmis-hors-delai", Certainty.BOUNDED, (Ref("closing", "pv_due"),) * 5),
    # whole days: certain by 13:00 on day D - N + 1 (37 h after midnight starting day D - N),
    # and on the day after one calendar month before (the month reading of a titre)
    ("R5-convocation-tardive", Certainty.BOUNDED,
     (Ref("opening", "at"), Arith(Arith(Ref("opening", "day_start"), "-", Ref("plan", "convocation_lead")),
                                  "+", Span(37 * 3600)),
      Arith(Arith(Ref("opening", "month_before_day_start"), "-", Ref("plan", "convocation_month_lead")),
            "+", Span(37 * 3600)))),
    ("S8.5-pv-en-attente", Certainty.FINISH, ()),                          # pending: a deadline
    ("S1.3-affichage-non-verifie", Certainty.FINISH, ()),                  # an absence with no bound
    ("R1-agrement-absent", Certainty.FINISH, ()),
])
def test_representative_rules_have_the_certainty_written_here(rule_id, certainty, bounds):
    rule = _rulebook().rule(rule_id)
    assert (rule.certainty, rule.bounds) == (certainty, bounds)
