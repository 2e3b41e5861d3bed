"""The oracle's own facts, and proof that comparing with it sees fact-encoding bugs."""
from __future__ import annotations

import datetime as dt

import attrs
import pytest

import oracle
from compliance import Location, _time, compiler, duty, parse_event, working_time
from compliance.checker import _prepare, default_rulebook, session_time_zone

ZONES = ["Europe/Paris", "Pacific/Kiritimati", "America/New_York"]


def _event(raw):
    return parse_event(raw, Location("t.jsonl", 1), session="S", default_id="e1")


def test_the_oracle_reads_events_as_docs_rules_md_says():
    """Hand-computed: days at local midnight, durations in seconds, list items, computed fields."""
    settings = dict(default_rulebook().settings)
    planned = _event({"type": "session_planned", "at": "2026-01-05T10:00:00+01:00", "title": "TP-1",
                      "title_name": "T", "centre": "C", "site": "S", "kind": "ccp",
                      "time_zone": "Pacific/Kiritimati"})
    juror = _event({"type": "juror_appointed", "at": "2026-01-06T00:30:00+14:00", "juror": "J1",
                    "habilitation_title": "TP-1", "habilitation_from": "2026-01-06",
                    "habilitation_until": "2026-03-10"})
    test = _event({"type": "test_scheduled", "at": "2026-01-07T09:00:00Z", "test": "T1", "candidate": "C1",
                   "kind": "msp", "duration_minutes": 95, "starts_at": "2026-03-10T09:00:00+01:00"})
    registered = _event({"type": "candidate_registered", "at": "2026-01-08T09:00:00Z", "candidate": "C1",
                         "pathway": "training", "trainers": ["F1", "F2"]})
    opened = _event({"type": "session_opened", "at": "2026-03-31T08:00:00+14:00"})
    facts = oracle.facts([planned, juror, test, registered, opened], settings)
    assert facts[0]["convocation_lead"] == 15 * 86_400           # the ccp setting: 15 days
    assert facts[0]["convocation_month_lead"] == 15 * 86_400     # a CCP: days alone, no month reading
    # 31 March: no 31 February, so 28 February 2026 00:00 at +14:00 (27 February 10:00 UTC)
    assert facts[-1]["month_before_day_start"] == 1_772_186_400
    assert facts[0]["kind"] == "ccp"
    # 2026-01-06 00:00 at +14:00 is 2026-01-05 10:00 UTC
    assert facts[1]["habilitation_from"] == 1_767_607_200
    assert facts[1]["at"] == facts[1]["habilitation_from"] + 1_800
    assert facts[1]["at (day)"] == facts[1]["habilitation_from"]   # its local day, for day(...)
    assert facts[2]["duration_minutes"] == 5_700
    assert facts[2]["starts_at"] == 1_773_129_600                  # 2026-03-10 08:00 UTC
    assert [(f["type"], f.get("item"), f["candidate"], f["pathway"], f["src"]) for f in facts[3:6]] == [
        ("candidate_registered", None, "C1", "training", [3]),
        ("candidate_registered.trainers", "F1", "C1", "training", [3]),
        ("candidate_registered.trainers", "F2", "C1", "training", [3])]
    assert "trainers" not in facts[3]


@pytest.mark.parametrize("month_reading, lead_days, expected_days", [(True, 0, 0), (False, 0, 30), (True, 30, 30)])
def test_r5_month_lead_follows_the_setting_and_the_record(month_reading, lead_days, expected_days):
    """A titre under the setting has no lead beyond the calendar month; the setting turned off,
    or a lead the record sets, leaves the days lead alone (hand-written, both readings)."""
    from compliance import vocabulary
    settings = dict(default_rulebook().settings, convocation_month_titre=month_reading)
    planned = _event({"type": "session_planned", "at": "2026-01-05T10:00:00+01:00", "title": "TP-1",
                      "title_name": "T", "centre": "C", "site": "S", "kind": "titre",
                      "convocation_lead_days": lead_days})
    compute = vocabulary.COMPUTED_FIELDS["session_planned"]["convocation_month_lead"][1]
    assert compute(planned, settings, _time.zone("Europe/Paris")) == expected_days * 86_400
    assert oracle.facts([planned], settings)[0]["convocation_month_lead"] == expected_days * 86_400


def _examples(zone):
    """Every embedded example of the shipped checks, its declared time zone set to ``zone``."""
    out = []
    for rule in default_rulebook().checks:
        for example in rule.examples:
            events = [attrs.evolve(e, time_zone=zone) if e.type == "session_planned" else e
                      for e in example.events]
            if events:
                out.append((f"{rule.id}: {example.name}", events,
                            _time.epoch(example.as_of or max(e.at for e in events))))
    return out


def _disagreements(zone, event_facts):
    """The examples on which the engine, fed by ``event_facts``, and the oracle disagree."""
    rulebook = default_rulebook()
    settings = dict(rulebook.settings)
    out = []
    for name, events, end_at in _examples(zone):
        tz = _time.zone(session_time_zone(events))
        facts = _folded(events, tz, settings, event_facts)
        got = {(rule_id, tuple(sorted((a, tuple(f["src"])) for a, f in matched.items())))
               for rule_id, matched in _prepare(rulebook).engine.run(facts, end_at)}
        if got != oracle.run(rulebook, oracle.facts(events, settings), end_at):
            out.append(name)
    return out


def _folded(events, tz, settings, event_facts):
    """``event_facts`` of each event, the folds over time (working time, duty) run in time
    order as the checker runs them."""
    clock, cover = working_time.WorkingTime(), duty.DutyCover(tz)
    built = {}
    for i in sorted(range(len(events)), key=lambda i: (events[i].at, i)):
        built[i] = event_facts(events[i], i, tz, settings, clock.observe(events[i], i), cover.observe(events[i], i))
    return [f for i in range(len(events)) for f in built[i]]


@pytest.mark.parametrize("zone", ZONES)
def test_the_compiler_and_the_oracle_agree_on_every_embedded_example(zone):
    assert _disagreements(zone, compiler.event_facts) == []


def _days_in_utc(event, index, tz, settings, *folds):
    return compiler.event_facts(event, index, dt.timezone.utc, settings, *folds)


def _lists_not_expanded(event, index, tz, settings, *folds):
    return [f for f in compiler.event_facts(event, index, tz, settings, *folds) if "." not in f["type"]]


def _durations_in_minutes(event, index, tz, settings, *folds):
    return [{k: v // 60 if k in ("duration_minutes", "extra_minutes") else v for k, v in f.items()}
            for f in compiler.event_facts(event, index, tz, settings, *folds)]


def _lead_in_days(event, index, tz, settings, *folds):
    return [dict(f, convocation_lead=f["convocation_lead"] // 86_400) if "convocation_lead" in f else f
            for f in compiler.event_facts(event, index, tz, settings, *folds)]


def _month_before_as_the_day(event, index, tz, settings, *folds):
    """R5's calendar month read as no month at all (the opening's own day): a titre convened a
    day before its session would be in time."""
    return [dict(f, month_before_day_start=f["day_start"]) if "month_before_day_start" in f else f
            for f in compiler.event_facts(event, index, tz, settings, *folds)]


def _month_reading_for_every_lead(event, index, tz, settings, *folds):
    """R5's month reading applied to every plan (a CCP's 15 days, a record's own lead)."""
    return [dict(f, convocation_month_lead=0) if "convocation_month_lead" in f else f
            for f in compiler.event_facts(event, index, tz, settings, *folds)]


def _wrong_field(event, index, tz, settings, *folds):
    return [dict(f, habilitation_until=f["habilitation_from"]) if "habilitation_until" in f else f
            for f in compiler.event_facts(event, index, tz, settings, *folds)]


def _no_duty_gaps(event, index, tz, settings, *folds):
    return [f for f in compiler.event_facts(event, index, tz, settings, *folds) if f["type"] != "duty_gap"]


def _relay_who_left_still_covers(event, index, tz, settings, clock=None, gaps=None):
    """The v1 reading of S1.1: a relay who already left still counts (so no gap begins at a
    departure once anyone else has arrived)."""
    return compiler.event_facts(event, index, tz, settings, clock, [g for g in gaps or [] if not g["left"]])


def _pauses_worked(event, index, tz, settings, *folds):
    """Working time read as end minus first start: pauses counted as worked."""
    return [dict(f, worked=f["worked"] + f["paused"], paused=0) if "worked" in f else f
            for f in compiler.event_facts(event, index, tz, settings, *folds)]


def _spans_to_the_end(event, index, tz, settings, *folds):
    """A test's span read as running from its start to its end, through the pauses."""
    facts = compiler.event_facts(event, index, tz, settings, *folds)
    return [dict(f, until=f["until"] + 3_600) if f["type"] == "test_span" else f for f in facts]


@pytest.mark.parametrize("bug", [_days_in_utc, _lists_not_expanded, _durations_in_minutes, _lead_in_days,
                                 _month_before_as_the_day, _month_reading_for_every_lead,
                                 _wrong_field, _no_duty_gaps, _relay_who_left_still_covers,
                                 _pauses_worked, _spans_to_the_end],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_fact_encoding_bug_makes_the_engine_disagree_with_the_oracle(bug):
    """The comparison is not blind to the compiler: each bug, injected into its facts, changes
    the engine's matches on some embedded example (days in UTC show in a zone far from it)."""
    assert _disagreements("Pacific/Kiritimati", bug) != []
