"""The JSON Lines reader's quick path (orjson, and each field's quick reader in ``parse_event``)
gives exactly what the careful path gives: the same events, and the same errors at the same
lines, whatever a line holds."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from compliance import events
from compliance.events import parse_event
from compliance.readers import jsonl
from compliance.readers.jsonl import read_jsonl
from conftest import EXAMPLES

FILE = "log.jsonl"


def _records() -> list[dict]:
    from compliance import read_path
    out = []
    for name in ("session-conforme.yaml", "session-avec-manquements.yaml", "session-ccp-oraux.yaml"):
        (session,) = read_path(EXAMPLES / name)
        out += [e.to_record() for e in session.events]
    return out


RECORDS = _records()


def _one_of_each_type() -> list[dict]:
    """A valid record of every event type: an example's where one has it, else one made of a
    usual value for each field."""
    by_type = {r["type"]: r for r in RECORDS}
    usual = {"text": "x", "bool": True, "int": 2, "duration": 30, "time": "2026-03-10T09:00:00+01:00",
             "day": "2026-03-10"}
    for name, cls in events.EVENT_TYPES.items():
        if name not in by_type:
            record = {"type": name, "at": "2026-03-10T08:00:00+01:00", "session": "S", "id": "e1"}
            for spec in events.specific_fields(cls):
                record[spec.name] = (spec.choices[0] if spec.kind == "enum" else
                                     [spec.choices[0] if spec.choices else "a"] if spec.kind == "list" else
                                     usual[spec.kind])
            by_type[name] = record
    return list(by_type.values())

# values as written in JSON: the usual ones and those where decoders differ
VALUES = [
    '0', '-0', '-0.0', '1', '170', '1.50', '1e3', '1E400', 'NaN', 'Infinity', '18446744073709551616',
    '9223372036854775808', '-1', 'true', 'false', 'null', '""', '" "', '"x"', '"Zo\\u00e9"', '"Zoe\u0301"',
    '"\\ud800"', '"\\u0000"', '[]', '["a", "b"]', '["a", 1]', '["a", 1.50]', '[-0]', '[1E400]', '{}', '{"a": 1}',
    '"2026-03-10T09:00:00+01:00"', '"2026-03-10T09:00:00Z"', '"2026-02-30T09:00:00+01:00"', '"msp"',
    '"oral"', '"Europe/Paris"', '"Mars/Olympus"', '"' + 'x' * 1001 + '"', '[' + ', '.join(['"a"'] * 1001) + ']']
WRITTEN = st.sampled_from(VALUES)


@st.composite
def lines(draw) -> str:
    """A log line: an event of the examples, written as JSON with some of: a field's value
    replaced, a key given twice (maybe spelt with escapes), spaces before colons, every
    non-ASCII character escaped."""
    record = dict(draw(st.sampled_from(RECORDS)))
    record["session"] = draw(st.sampled_from(["S1", "S2"]))
    pairs = [(json.dumps(k), json.dumps(v, ensure_ascii=draw(st.booleans()))) for k, v in record.items()]
    for _ in range(draw(st.sampled_from([0, 1, 1, 2]))):
        i = draw(st.integers(0, len(pairs) - 1))
        pairs[i] = (pairs[i][0], draw(WRITTEN))
    if draw(st.booleans()):
        key, _value = draw(st.sampled_from(pairs))
        if draw(st.booleans()) and len(key) > 2:        # the same key, its first letter escaped
            key = '"\\u%04x%s' % (ord(key[1]), key[2:])
        pairs.append((key, draw(WRITTEN)))
    if draw(st.booleans()):
        pairs.insert(draw(st.integers(0, len(pairs))), ('"extra"', draw(WRITTEN)))
    colon = draw(st.sampled_from([": ", ":", " : ", "\t:"]))
    return "{" + ", ".join(k + (colon if draw(st.booleans()) else ": ") + v for k, v in pairs) + "}"


def test_every_field_of_every_type_reads_any_value_as_the_careful_path_does():
    """Each field of a record of each type, given in turn each value of ``VALUES``."""
    texts = []
    for record in _one_of_each_type():
        for key in [None, *record]:
            for value in VALUES if key is not None else ['"-"']:
                pairs = {k: json.dumps(v, ensure_ascii=False) for k, v in record.items()}
                pairs["session"] = f'"S{len(texts)}"'      # a session each: its event is compared whole
                if key is not None:
                    pairs[key] = value
                texts.append("{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in pairs.items()) + "}")
    text = "\n".join(texts) + "\n"
    quick, careful = _read(text), _careful(text)
    assert quick == careful
    read = sum(len(events) for _sid, events, _problems in quick[0])
    assert len(texts) > 10_000 and read > 2_000, read


def _read(text: str) -> tuple:
    result = read_jsonl(text, FILE)
    sessions = [(s.id, s.events, [(clause, str(error), error.location) for clause, error in s.problems])
                for s in result.sessions]
    return sessions, [(str(p), p.location) for p in result.problems]


def _careful(text: str) -> tuple:
    """What the reader gives with its quick paths turned off: every line by ``_json.decode``,
    every field by ``events._convert``, every id by ``events._text``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl, "_plain_event", lambda line: None)
        patch.setattr(events, "_PLANS", {})
        patch.setattr(events, "_quick_reader", lambda cls, spec: lambda value: events._UNUSUAL)
        patch.setattr(events, "_plain_id", lambda value: False)
        return _read(text)


@settings(max_examples=600)
@given(st.lists(lines(), min_size=1, max_size=3))
def test_the_quick_path_reads_every_line_as_the_careful_one(written):
    text = "\n".join(written) + "\n"
    assert _read(text) == _careful(text)


@pytest.mark.parametrize("line, why", [
    ('{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S", "id": "a", "id": "b"}',
     "key 'id' given twice"),
    ('{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S", "id": "a", "i\\u0064": "b"}',
     "key 'id' given twice"),
    ('{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S", "id" : "a", "id": "b"}',
     "key 'id' given twice"),
    ('{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S", "id": -0}', None),
])
def test_what_orjson_reads_otherwise_goes_the_careful_way(line, why):
    """A key given twice (orjson keeps the last one), even spelt otherwise or spaced; -0 (kept as
    written, as the event's id)."""
    (session,) = read_jsonl(line + "\n", FILE).sessions
    if why is None:
        assert [e.id for e in session.events] == ["-0"]
    else:
        ((clause, error),) = session.problems
        assert clause == "D2" and str(error).startswith(f"{FILE}:1: {why}")


def test_the_quick_readers_of_fields_take_what_the_careful_ones_take():
    """parse_event on every example event, as a log gives it: the same event as its record."""
    for record in RECORDS:
        event = parse_event(json.loads(json.dumps(record)))
        assert event.to_record() == record
