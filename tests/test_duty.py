"""The manager's duty (compliance/duty.py): the stretches of an open day with nobody on duty on
site, by hand on small days, and as the oracle computes them on generated sessions."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

import oracle
from compliance import Location, _time, compiler, parse_event
from mutations import MUTATIONS
from strategies import scenarios

DAY = "2026-03-10"


def _at(text: str) -> str:
    """'12:00' on the day, '11T08:30' on the 11th (Paris, winter time)."""
    return f"2026-03-{text}:00+01:00" if "T" in text else f"{DAY}T{text}:00+01:00"


def _events(*rows: tuple) -> list:
    out = []
    for index, (kind, when, *rest) in enumerate(rows):
        raw: dict = {"type": kind, "at": _at(when)}
        if kind in ("person_arrived", "person_left"):
            raw.update(person=rest[0], role=rest[1])
        elif kind == "duty_handover":
            raw.update({"from": rest[0], "to": rest[1]})
        out.append(parse_event(raw, Location("t.jsonl", index + 1), session="S", default_id=f"e{index}"))
    return out


def _gaps(events) -> list[tuple[str, str, str, str]]:
    """(from, until, left, by), times as local HH:MM, from the compiler's facts."""
    tz = _time.zone("Europe/Paris")

    def hm(seconds: int) -> str:
        return dt.datetime.fromtimestamp(seconds, tz).strftime("%d %H:%M:%S")
    return [(hm(f["from"]), hm(f["until"]), f["left"], f["by"])
            for f in compiler.session_facts(events, tz) if f["type"] == "duty_gap"]


OPEN, CLOSE = ("session_opened", "08:00"), ("session_closed", "17:00")
RS1_IN = ("person_arrived", "07:45", "RS1", "manager")

CASES = {
    "present all day": ([RS1_IN, OPEN, CLOSE], []),
    "arrives after the opening": ([OPEN, ("person_arrived", "08:20", "RS1", "manager"), CLOSE],
                                  [("10 08:00:00", "10 08:20:00", "", "RS1")]),
    "relayed at lunch by hand-over, takes the duty back":
        ([RS1_IN, OPEN, ("person_arrived", "11:50", "SUP1", "substitute"), ("duty_handover", "12:00", "RS1", "SUP1"),
          ("person_left", "12:00", "RS1", "manager"), ("person_arrived", "13:30", "RS1", "manager"),
          ("duty_handover", "13:31", "SUP1", "RS1"), ("person_left", "13:40", "SUP1", "substitute"), CLOSE], []),
    "the relay leaves before the manager is back":
        ([RS1_IN, OPEN, ("person_arrived", "11:50", "SUP1", "substitute"), ("duty_handover", "12:00", "RS1", "SUP1"),
          ("person_left", "12:00", "RS1", "manager"), ("person_left", "13:00", "SUP1", "substitute"),
          ("person_arrived", "13:30", "RS1", "manager"), CLOSE],
         [("10 13:00:00", "10 13:30:00", "SUP1", "RS1")]),
    "a relay who already left covers nothing":
        ([RS1_IN, OPEN, ("person_arrived", "10:00", "SUP1", "substitute"), ("person_left", "11:00", "SUP1", "substitute"),
          ("person_left", "12:00", "RS1", "manager"), CLOSE],
         [("10 12:00:00", "10 17:00:00", "RS1", "")]),
    "a hand-over to someone on site moves the duty, and their departure ends it":
        ([RS1_IN, OPEN, ("person_arrived", "09:00", "ST1", "staff"), ("duty_handover", "11:55", "RS1", "ST1"),
          ("person_left", "12:00", "RS1", "manager"), ("person_left", "12:30", "ST1", "staff"),
          ("person_arrived", "13:00", "RS1", "manager"), CLOSE],
         [("10 12:30:00", "10 13:00:00", "ST1", "RS1")]),
    "a hand-over to someone not yet on site moves nothing":
        ([RS1_IN, OPEN, ("duty_handover", "11:55", "RS1", "ST1"), ("person_left", "12:00", "RS1", "manager"),
          ("person_arrived", "12:30", "ST1", "staff"), CLOSE],
         [("10 12:00:00", "10 17:00:00", "RS1", "")]),
    "handing the duty on ends one's own":
        ([RS1_IN, OPEN, ("person_arrived", "09:00", "ST1", "staff"), ("person_arrived", "09:00", "ST2", "staff"),
          ("duty_handover", "11:00", "RS1", "ST1"), ("person_left", "11:05", "RS1", "manager"),
          ("duty_handover", "11:10", "ST1", "ST2"), ("person_left", "11:20", "ST2", "staff"), CLOSE],
         [("10 11:20:00", "10 17:00:00", "ST2", "")]),
    "the relay arrives the very second the manager leaves":
        ([RS1_IN, OPEN, ("person_left", "12:00", "RS1", "manager"), ("person_arrived", "12:00", "SUP1", "substitute"),
          CLOSE], []),
    "overnight is no gap; late the second morning":
        ([RS1_IN, OPEN, CLOSE, ("person_left", "17:30", "RS1", "manager"), ("session_opened", "11T08:00"),
          ("person_arrived", "11T08:30", "RS1", "manager"), ("session_closed", "11T17:00")],
         [("11 08:00:00", "11 08:30:00", "", "RS1")]),
    "a day not closed on record: a stretch ends only by a relay":
        ([RS1_IN, OPEN, ("person_left", "12:00", "RS1", "manager")], []),
}


@pytest.mark.parametrize("name", CASES)
def test_duty_gaps_by_hand(name):
    rows, expected = CASES[name]
    assert _gaps(_events(*rows)) == expected


@pytest.mark.parametrize("name", CASES)
def test_the_oracle_reads_the_same_gaps_by_intervals(name):
    events = _events(*CASES[name][0])
    tz = _time.zone("Europe/Paris")
    mine = [{k: f[k] for k in ("from", "until", "left", "by", "src")}
            for f in compiler.session_facts(events, tz) if f["type"] == "duty_gap"]
    assert mine == [{k: g[k] for k in ("from", "until", "left", "by", "src")} for g in oracle.duty_gaps(events, "Europe/Paris")]


any_session = st.one_of(scenarios(), *(MUTATIONS[k].strategy() for k in sorted(MUTATIONS) if k.startswith("S1.")))


@given(any_session, st.randoms(use_true_random=False))
def test_the_fold_and_the_oracle_agree_on_generated_sessions(scenario, rnd):
    """Whatever the order of equal-time events, the fold (in time order) and the oracle's
    intervals give the same stretches, citing the same events."""
    events = list(scenario.session().events)
    rnd.shuffle(events)
    tz = _time.zone("Europe/Paris")
    mine = sorted((f["from"], f["until"], f["left"], f["by"], tuple(f["src"]))
                  for f in compiler.session_facts(events, tz) if f["type"] == "duty_gap")
    theirs = sorted((g["from"], g["until"], g["left"], g["by"], tuple(g["src"]))
                    for g in oracle.duty_gaps(events, "Europe/Paris"))
    assert mine == theirs
