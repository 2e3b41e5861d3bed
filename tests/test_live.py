"""Live feeding: findings as soon as certain, never withdrawn, ending like the batch check."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from compliance import Checker, InputError, check_session
from mutations import MUTATIONS
from strategies import scenarios

# Feeding replays the session so far at each event (quadratic): smaller sessions keep the
# property affordable at 200 examples; size does not change what live feeding must guarantee.
SMALL = {"max_candidates": 4}
any_session = st.one_of(scenarios(**SMALL), *(m.strategy(**SMALL) for m in MUTATIONS.values()))


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


@given(st.sampled_from(sorted(MUTATIONS)).flatmap(lambda c: MUTATIONS[c].strategy(**SMALL)))
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
    early = {f for f in report.findings if rules[f.rule].certainty == "immediate"}
    assert early <= live


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
