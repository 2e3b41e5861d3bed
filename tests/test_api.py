"""The library as an integrator uses it: events from mappings, live feeding, located errors."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from compliance import Checker, InputError, UsageError, check_session, parse_event, read_path
from compliance.cli import main
from conftest import EXAMPLES

OPENED = {"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S-1"}


def test_parse_event_needs_no_location_in_a_program():
    event = parse_event(dict(OPENED, id="e1"))
    assert (event.type, event.id, event.session) == ("session_opened", "e1", "S-1")
    with pytest.raises(InputError) as error:
        parse_event({"type": "session_opened", "at": "2026-03-10T08:00:00", "session": "S-1", "id": "e2"})
    assert str(error.value).startswith("<event>: ")
    assert "offset" in str(error.value)


def test_feed_takes_a_mapping_with_the_checkers_session_and_numbered_ids():
    checker = Checker(session="S-1")
    checker.feed({"type": "session_opened", "at": "2026-03-10T08:00:00+01:00"})
    checker.feed({"type": "session_closed", "at": "2026-03-10T18:00:00+01:00"})
    assert [(e.session, e.id) for e in checker.events] == [("S-1", "F1"), ("S-1", "F2")]


def test_a_malformed_mapping_fed_live_is_one_located_error_and_is_not_taken():
    checker = Checker(session="S-1")
    checker.feed(OPENED)
    with pytest.raises(InputError) as error:
        checker.feed({"type": "test_started", "at": "2026-03-10T09:00:00+01:00", "test": "T1"})
    assert str(error.value).startswith("<feed> (event 2): ")
    assert "missing field 'candidate'" in str(error.value)
    assert len(checker.events) == 1


def test_a_back_dated_entry_is_refused_and_says_how_to_correct():
    checker = Checker(session="S-1")
    checker.feed(dict(OPENED, at="2026-03-10T09:00:00+01:00"))
    with pytest.raises(InputError) as error:
        checker.feed(dict(OPENED, at="2026-03-10T08:59:00+01:00", id="late"))
    assert "out of time order" in str(error.value) and "check_session" in str(error.value)
    assert len(checker.events) == 1


@pytest.mark.parametrize("thing", [None, "session_opened", 3, ["a"]])
def test_feed_refuses_what_is_neither_an_event_nor_a_mapping(thing):
    with pytest.raises(TypeError, match="Event or a mapping"):
        Checker().feed(thing)


def test_bare_compliance_prints_its_usage_and_exits_2():
    out, err = io.StringIO(), io.StringIO()
    assert main([], out, err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("usage: compliance")
    for command in ("check", "audit", "rules", "schema"):
        assert command in err.getvalue()


def test_what_guide_returns_is_importable_from_the_package_and_words_print_as_reports_write_them():
    import compliance
    from compliance import Checker, Guidance, Obligation, Severity, Status
    assert {"Guidance", "Obligation"} <= set(compliance.__all__)
    guidance = Checker().guide({"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S1"})
    assert isinstance(guidance, Guidance) and all(isinstance(o, Obligation) for o in guidance.at_risk)
    assert f"{Severity.VIOLATION} / {Status.NOT_APPLICABLE}" == "violation / not_applicable"


@pytest.mark.parametrize("call", [
    lambda c, s: check_session(None),
    lambda c, s: check_session(s, rulebook="rules/"),
    lambda c, s: check_session(s, as_of="2026-04-30"),
    lambda c, s: check_session(s, as_of=dt.date(2026, 4, 30)),
    lambda c, s: c.finish(1_780_000_000),
    lambda c, s: c.open_obligations("09:00"),
    lambda c, s: c.guide({"type": "session_closed", "at": "2026-03-10T18:00:00+01:00"}, horizon=-1),
])
def test_a_wrong_type_given_to_the_api_is_a_type_error_that_names_it(call):
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    checker = Checker()
    checker.extend(session.events)
    with pytest.raises(TypeError) as caught:
        call(checker, session)
    assert "expected" in str(caught.value) or "takes" in str(caught.value)


@pytest.mark.parametrize("as_of", [dt.datetime.max.replace(tzinfo=dt.timezone.utc), dt.datetime(2026, 4, 30, 12)])
def test_an_audit_date_out_of_range_or_without_zone_is_a_usage_error(as_of):
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    with pytest.raises(UsageError):
        check_session(session, as_of=as_of)
