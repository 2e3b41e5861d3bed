"""Readers: valid files become sessions; every broken file is named with its line and problem."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from compliance import ComplianceError, read_path
from compliance.events import EVENT_TYPES
from compliance.readers import read_file
from conftest import EXAMPLES, ROOT

BAD = ROOT / "tests" / "data" / "bad_records"


def test_yaml_record_and_jsonl_log_give_the_same_events(tmp_path, clean_session):
    """The same events written as a JSON Lines log read back identically (one reader layer)."""
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(e.to_record(), ensure_ascii=False) for e in clean_session.events),
                   encoding="utf-8")
    (from_log,) = read_path(log)
    assert from_log.events == clean_session.events


def test_interleaved_sessions_are_split_by_session_id(tmp_path, clean_session):
    lines = []
    for e in clean_session.events:
        for sid in ("A", "B"):
            lines.append(json.dumps(dict(e.to_record(), session=sid), ensure_ascii=False))
    log = tmp_path / "two.jsonl"
    log.write_text("\n".join(lines), encoding="utf-8")
    sessions = read_path(log)
    assert [s.id for s in sessions] == ["A", "B"]
    assert all(len(s.events) == len(clean_session.events) for s in sessions)


def test_accents_survive_reading():
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    names = {e.name for e in session.events if e.TYPE == "candidate_registered"}
    assert "Élodie Marchand" in names and "Noël Dupré" in names


@pytest.mark.parametrize("name, line, fragment", [
    ("empty.jsonl", None, "empty file"),
    ("no-event.yaml", 3, "record without any event: expected session events"),
    ("not-utf8.yaml", 3, "not UTF-8"),
    ("invalid-json-line.jsonl", 2, "invalid JSON"),
    ("yaml-syntax.yaml", 4, "YAML"),
    ("unknown-event.jsonl", 2, "unknown event type 'sesion_closed' (did you mean 'session_closed'?)"),
    ("missing-field.yaml", 4, "missing field 'candidate'"),
    ("naive-time.jsonl", 1, "expected an ISO 8601 time with its offset"),
    ("impossible-date.jsonl", 1, "field 'at': expected an existing date and time (day is out of range for month), "
     "got '2026-02-30T08:00:00+01:00'"),
    ("mistyped-field.yaml", 3, "field 'sealed': expected true or false, got 'oui'"),
    ("act-in-declarations.yaml", 3, "is an act, not a declaration"),
    ("binary.yaml", 4, "binary data (NUL byte)"),
    ("unknown-time-zone.yaml", 3, "field 'time_zone': expected an IANA time zone such as Europe/Paris, "
     "got '../../etc/passwd'"),
    ("out-of-range-time.jsonl", 2, "field 'at': expected a time from 0001-01-02 to 9999-12-30 (UTC), "
     "got '0001-01-01T00:00:00+14:00'"),
    ("huge-integer.json", 4, "(event 2): event 'accommodation_authorised': field 'extra_minutes': "
     "a number of 5,000 digits: expected at most 1,000 digits"),
    ("lone-surrogate.jsonl", 2, "field 'juror': text with a lone surrogate (\\ud800)"),
    ("yaml11-boolean.yaml", 4, "field 'sealed': expected true or false, got 'on' "
     "('on' is text here, not a boolean: write true or false)"),
    ("yaml11-number.yaml", 3, "field 'extra_minutes': expected a whole number, zero or more, got '1_0' "
     "('1_0' is text here, not a number: write plain decimal digits, unquoted)"),
    ("duplicate-key.json", 4, "(event 2): key 'at' given twice: expected each key once"),
])
def test_broken_record_names_file_line_and_problem(name, line, fragment):
    with pytest.raises(ComplianceError) as caught:
        read_path(BAD / name)
    text = str(caught.value)
    where = f"{BAD / name}:{line}" if line else f"{BAD / name}"
    assert text.startswith(where), text
    assert fragment in text
    assert "\n" not in text and text.isprintable() and len(text) < 300


def test_the_other_events_of_a_file_are_kept_beside_a_bad_value():
    """One event's unusable value is a D2 problem of that event; the session and its other events stay."""
    for name in ("unknown-time-zone.yaml", "out-of-range-time.jsonl", "huge-integer.json", "lone-surrogate.jsonl",
                 "yaml11-boolean.yaml", "yaml11-number.yaml", "duplicate-key.json"):
        result = read_file(BAD / name)
        (session,) = result.sessions
        assert result.problems == [] and session.id == "S1"
        assert [e.type for e in session.events] == ["session_opened"]
        assert [clause for clause, _ in session.problems] == ["D2"]


def test_a_json_record_gives_each_event_its_line_and_the_same_ids_as_yaml(tmp_path, clean_session):
    """Events of a .json record carry their line, and default ids L<line>, exactly as in YAML."""
    records = [{k: v for k, v in e.to_record().items() if k not in ("session", "id")} for e in clean_session.events]
    declared = [r for r in records if EVENT_TYPES[r["type"]].DECLARATION]
    acts = [r for r in records if not EVENT_TYPES[r["type"]].DECLARATION]
    as_json = [json.dumps(r, ensure_ascii=False) for r in declared], [json.dumps(r, ensure_ascii=False) for r in acts]
    json_text = ('{"session": "S-json",\n "declarations": [\n' + ",\n".join(as_json[0]) + '\n ], "events": [\n'
                 + ",\n".join(as_json[1]) + "\n ]}\n")
    yaml_text = ("session: S-json\ndeclarations:\n" + "".join(f"  - {r}\n" for r in as_json[0]) + "events:\n"
                 + "".join(f"  - {r}\n" for r in as_json[1]))
    (tmp_path / "r.json").write_text(json_text, encoding="utf-8")
    (tmp_path / "r.yaml").write_text(yaml_text, encoding="utf-8")
    (from_json,) = read_path(tmp_path / "r.json")
    (from_yaml,) = read_path(tmp_path / "r.yaml")
    first_line = 3
    expected_lines = list(range(first_line, first_line + len(declared))) + \
        list(range(first_line + len(declared) + 1, first_line + len(declared) + 1 + len(acts)))
    assert [e.location.line for e in from_json.events] == expected_lines
    assert [e.id for e in from_json.events] == [f"L{n}" for n in expected_lines]
    assert [(e.id, e.location.line, e.location.event) for e in from_json.events] == \
        [(e.id, e.location.line, e.location.event) for e in from_yaml.events]
    assert from_json.events == from_yaml.events


def test_events_sharing_a_line_are_named_by_their_position(tmp_path):
    """A record written on one line (minified JSON) gets ids d1, e1, e2…: never the same L1 twice (D4)."""
    path = tmp_path / "one-line.json"
    path.write_text('{"session": "S", "declarations": [{"type": "session_declared", "at": "2026-01-20T11:00:00+01:00"}],'
                    ' "events": [{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00"},'
                    ' {"type": "session_closed", "at": "2026-03-10T17:00:00+01:00"}]}', encoding="utf-8")
    (session,) = read_path(path)
    assert [(e.id, e.location.line, e.location.event) for e in session.events] == \
        [("d1", 1, 1), ("e1", 1, 2), ("e2", 1, 3)]


def test_a_session_whose_events_are_all_malformed_keeps_the_id_of_its_header(tmp_path):
    path = tmp_path / "all-bad.yaml"
    path.write_text("session: TP-00417-2026-03-10\nevents:\n  - {type: nope, at: x}\n  - {type: session_opened}\n",
                    encoding="utf-8")
    result = read_file(path)
    (session,) = result.sessions
    assert session.id == "TP-00417-2026-03-10" and session.events == ()
    assert [(clause, error.location.line) for clause, error in session.problems] == [("D2", 3), ("D2", 4)]


@pytest.mark.parametrize("written, minutes", [("0170", 170), ("010", 10), ("180", 180), ("0x1F", 31), ("+20", 20)])
def test_yaml_numbers_are_read_as_yaml_1_2_writes_them(tmp_path, written, minutes):
    """0170 is 170 minutes (YAML 1.1 read it as octal: 120, and a false S5.2 violation)."""
    path = tmp_path / "r.yaml"
    path.write_text("session: S\nevents:\n  - {type: test_scheduled, at: \"2026-01-26T10:00:00+01:00\", test: T,"
                    f" candidate: C, kind: msp, duration_minutes: {written}, starts_at: \"2026-03-10T09:00:00+01:00\"}}\n",
                    encoding="utf-8")
    (session,) = read_path(path)
    (event,) = session.events
    assert event.duration_minutes == minutes and type(event.duration_minutes) is int


@pytest.mark.parametrize("suffix, field, written, fragment", [
    (".yaml", "sealed", "0x1F", "expected true or false, got 0x1F"),
    (".yaml", "sealed", "yes", "expected true or false, got 'yes' ('yes' is text here, not a boolean"),
    (".yaml", "sealed", "'true'", "expected true or false, got 'true' ('true' is text here"),
    (".yaml", "sealed", "1:20", "expected true or false, got '1:20'"),
    (".yaml", "witness", "007", "field 'witness': expected a text, got 007"),
    (".yaml", "witness", "-.inf", "field 'witness': expected a text, got -.inf"),
    (".json", "sealed", "1E400", "expected true or false, got 1E400"),
    (".json", "sealed", "NaN", "field 'sealed': NaN is not JSON: expected a number"),
    (".jsonl", "sealed", "-0", "expected true or false, got -0"),
    (".jsonl", "witness", '"' + "x" * 1001 + '"', "field 'witness': text of 1,001 characters: expected at most 1,000"),
])
def test_errors_show_values_as_they_were_written(tmp_path, suffix, field, written, fragment):
    values = {"witness": '"C1"', "sealed": "true", field: written}
    event = (f'{{"type": "seal_checked", "at": "2026-03-10T08:50:00+01:00", "witness": {values["witness"]}, '
             f'"sealed": {values["sealed"]}')
    path = tmp_path / f"r{suffix}"
    if suffix == ".jsonl":
        path.write_text(event + ', "session": "S"}\n', encoding="utf-8")
        line = 1
    else:
        path.write_text(f'{{"session": "S",\n"events": [\n{event}}}\n]}}\n', encoding="utf-8")
        line = 3
    with pytest.raises(ComplianceError) as caught:
        read_path(path)
    assert str(caught.value).startswith(f"{path}:{line}") and fragment in str(caught.value), str(caught.value)


def test_a_long_list_of_ids_is_refused(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"type": "decision_recorded", "at": "2026-03-10T15:25:00+01:00", "session": "S",
                                "candidate": "C1", "outcome": "partial", "ccps": ["CCP1"] * 1001}) + "\n",
                    encoding="utf-8")
    with pytest.raises(ComplianceError) as caught:
        read_path(path)
    assert "field 'ccps': list of 1,001 ids: expected at most 1,000" in str(caught.value)


@pytest.mark.parametrize("suffix, body, fragment", [
    (".yaml", 'session: "S\\ud800"\nevents: []\n', "field 'session': text with a lone surrogate (\\ud800)"),
    (".json", '{"session": "S\\ud800", "events": []}', "field 'session': text with a lone surrogate (\\ud800)"),
    (".yaml", "session: " + "s" * 1001 + "\nevents: []\n", "field 'session': text of 1,001 characters"),
    # NFC lengthens U+0958 to two characters: 1,000 as written are 2,000 as the report would show them
    (".yaml", "session: " + "\u0958" * 1000 + "\nevents: []\n",
     "field 'session': text of 2,000 characters once normalised (NFC): expected at most 1,000"),
    (".json", '{"session": "S", "events": [], "session": "T"}', "invalid JSON (key 'session' given twice)"),
])
def test_a_record_header_that_cannot_name_a_session_makes_the_file_unusable(tmp_path, suffix, body, fragment):
    path = tmp_path / f"r{suffix}"
    path.write_text(body, encoding="utf-8")
    result = read_file(path)
    assert result.sessions == []
    (problem,) = result.problems
    assert str(problem).startswith(f"{path}:1") and fragment in str(problem), str(problem)


def test_a_log_line_whose_session_id_is_unusable_is_a_file_problem(tmp_path):
    """Its id cannot name a session in a report: the line is a problem of the file, the others are kept."""
    lines = ['{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S\\udc00"}',
             '{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "T"}',
             '{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "U\\ud800", "x": }']
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_file(path)
    assert [s.id for s in result.sessions] == ["T"]
    assert [str(p).split(": ")[0] for p in result.problems] == [f"{path}:1", f"{path}:3:{lines[2].index('}') + 1}"]
    assert "text with a lone surrogate (\\udc00)" in str(result.problems[0])


def test_a_record_over_the_size_bound_is_refused_at_once(tmp_path):
    from compliance.readers.record import MAX_RECORD
    path = tmp_path / "big.yaml"
    text = ("session: S\nevents:\n  - {type: session_opened, at: \"2026-03-10T08:00:00+01:00\", id: \""
            + "x" * MAX_RECORD + '"}\n')
    path.write_text(text, encoding="utf-8")
    (problem,) = read_file(path).problems
    assert str(problem) == f"{path}: record of {len(text):,} characters: expected a session record of at most " \
        f"{MAX_RECORD:,}"


def test_the_report_of_a_session_whose_events_are_all_malformed_keeps_its_header_id(tmp_path):
    from compliance import check_session
    path = tmp_path / "all-bad.yaml"
    path.write_text("session: TP-00417-2026-03-10\nevents:\n  - {type: nope, at: x}\n", encoding="utf-8")
    (session,) = read_file(path).sessions
    assert check_session(session, as_of=dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)).session == \
        "TP-00417-2026-03-10"


# -- large logs, indexed by session (readers/log_index): the same sessions as reading it whole --

from hypothesis import given, settings, strategies as st  # noqa: E402

from compliance.readers.log_index import index_log, read_indexed  # noqa: E402

_GOOD = '{{"type": "session_opened", "at": "2026-03-10T08:0{m}:00+01:00", "session": "{sid}"}}'
_ODD_LINES = [
    '{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "B", "x": {"session": "A"}}',
    '{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00"}',       # no session: the file's
    '{"session": "A", "type": "oops"',                                      # invalid JSON of A
    '{"type": "test_started", "session": "A", "session": "B", "at": "x"}',  # a key given twice
    '{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "Noël \\u00e9"}',
    '[1, 2]', '   ', '', '{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": ""}',
    '{"type": "session_closed", "at": "2026-03-10T18:00:00+01:00", "session": "A", "id": "L1"}',
]
_LINE = st.one_of(st.builds(lambda m, sid: _GOOD.format(m=m, sid=sid), st.integers(0, 9),
                            st.sampled_from(["A", "B", "Zoé"])), st.sampled_from(_ODD_LINES))


def _shape(result):
    return ([(s.id, s.source, [(e.to_record(), e.location) for e in s.events],
              [(clause, str(p)) for clause, p in s.problems]) for s in result.sessions],
            sorted(str(p) for p in result.problems))


@settings(max_examples=60)
@given(st.lists(_LINE, min_size=1, max_size=25), st.booleans(), st.booleans())
def test_an_indexed_log_reads_as_the_whole_log_does(tmp_path_factory, lines, crlf, bom):
    path = tmp_path_factory.mktemp("log") / "log.jsonl"
    text = ("\r\n" if crlf else "\n").join(lines)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    whole = read_file(path)
    with path.open("rb") as stream:
        index = index_log(str(path), stream)
        if index is None:                 # only a file of blank lines is not indexed
            assert not text.strip()
            return
        indexed = read_indexed(str(path), stream, index.sessions.values())
    indexed.problems = list(index.problems) + indexed.problems
    assert _shape(indexed) == _shape(whole)
