"""Hostile and broken input: the only outcomes are a report or a documented error."""
from __future__ import annotations

import attrs

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from compliance import ComplianceError, ProblemList, UsageError, check_session, read_path
from compliance.cli import main
from compliance.events import COMMON_FIELDS, EVENT_TYPES, specific_fields
from compliance.readers import read_file
from compliance.readers._result import MAX_EVENTS
from compliance.rulebook import load_rule_files
from conftest import EXAMPLES, ROOT

FAR = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20)


def _outcome(path):
    """Read leniently and check every session: any exception escaping is a bug."""
    result = read_file(path)
    for problem in result.problems:
        assert isinstance(problem, ComplianceError) and str(problem).startswith(str(path))
        assert "\n" not in str(problem)
    for session in result.sessions:
        check_session(session, as_of=FAR)
    return result


@given(st.binary(max_size=2000), st.sampled_from([".jsonl", ".yaml", ".json"]))
def test_arbitrary_bytes_give_a_report_or_a_named_problem(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    _outcome(path)


@given(st.lists(json_values, min_size=1, max_size=5))
def test_arbitrary_json_lines_give_a_report_or_a_named_problem(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("fuzz") / "log.jsonl"
    path.write_text("\n".join(json.dumps(v) for v in values), encoding="utf-8")
    _outcome(path)


@given(st.data())
def test_mutated_valid_records_give_a_report_or_a_named_problem(tmp_path_factory, data):
    """A valid record with one field of one event replaced by an arbitrary value."""
    from compliance import read_path
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    records = [e.to_record() for e in session.events]
    i = data.draw(st.integers(0, len(records) - 1))
    field = data.draw(st.sampled_from(sorted(records[i]) + ["extra"]))
    records[i][field] = data.draw(json_values)
    path = tmp_path_factory.mktemp("fuzz") / "log.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    result = _outcome(path)
    accounted = sum(len(s.events) + len(s.problems) for s in result.sessions) + len(result.problems)
    assert accounted == len(records)           # nothing lost: every line is an event or a problem


@given(st.text(max_size=600))
def test_arbitrary_rule_text_loads_or_names_its_problem(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("rules") / "S1-fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_rule_files([path])
    except ProblemList as error:
        assert all(str(p).startswith(str(path)) for p in error.problems)


@given(st.data())
def test_mutated_rule_files_load_or_name_their_problem(tmp_path_factory, data):
    lines = (ROOT / "rules" / "S3-candidats.yaml").read_text(encoding="utf-8").splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["drop", "dup", "garble"]))
    if action == "drop":
        del lines[i]
    elif action == "dup":
        lines.insert(i, lines[i])
    else:
        j = data.draw(st.integers(0, max(0, len(lines[i]) - 1)))
        lines[i] = lines[i][:j] + data.draw(st.sampled_from(["x", ":", "{", "'", "-", " ", "é"])) + lines[i][j + 1:]
    path = tmp_path_factory.mktemp("rules") / "S3-mutated.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        load_rule_files([path])
    except ProblemList as error:
        assert all(str(p).startswith(str(path)) for p in error.problems)


def test_a_line_of_several_megabytes_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "big.jsonl"
    big = json.dumps({"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S",
                      "padding": "x" * 5_000_000})
    ok = json.dumps({"type": "session_closed", "at": "2026-03-10T17:00:00+01:00", "session": "S"})
    path.write_text(big + "\n" + ok + "\n", encoding="utf-8")
    (session,) = read_file(path).sessions
    assert len(session.events) == 1
    ((clause, error),) = session.problems
    assert clause == "D2" and f"{path}:1" in str(error) and "characters" in str(error)


def test_an_oversized_session_is_reported_not_checked(tmp_path):
    path = tmp_path / "huge.jsonl"
    line = '{{"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S", "id": "{}"}}\n'
    with path.open("w") as f:
        for i in range(MAX_EVENTS + 1):
            f.write(line.format(i))
    result = read_file(path)
    assert result.sessions == []
    assert "more than 50,000 events" in str(result.problems[0])


def test_deep_nesting_is_refused_with_its_line(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    result = read_file(path)
    assert result.sessions == [] and f"{path}:1" in str(result.problems[0])
    yaml_path = tmp_path / "deep.yaml"
    yaml_path.write_text("a: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    assert "nesting deeper" in str(read_file(yaml_path).problems[0])


def test_a_yaml_alias_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text('a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\nsession: S\nevents: []\n', encoding="utf-8")
    (problem,) = read_file(path).problems
    assert str(problem).startswith(f"{path}:1") and "anchors" in str(problem)


# ----------------------------------------------------------------------------- the real CLI

def _cli(*argv: str, cwd=None) -> subprocess.CompletedProcess:
    """The command line as a user runs it: a fresh interpreter, bytes in and out."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "compliance", *argv], capture_output=True, env=env, cwd=cwd,
                          timeout=300)


def _line(**fields) -> str:
    event = {"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": "S1"}
    event.update(fields)
    return json.dumps(event)


PLANNED = {"type": "session_planned", "at": "2026-01-15T09:00:00+01:00", "session": "S1", "title": "TP-00417",
           "title_name": "Cuisinier", "centre": "C", "site": "S", "kind": "titre"}
DIGITS = "1" * 5000


@pytest.mark.parametrize("name, text, line, fragment", [
    ("mars.jsonl", json.dumps(dict(PLANNED, time_zone="Mars/Olympus")), 1,
     "field 'time_zone': expected an IANA time zone such as Europe/Paris, got 'Mars/Olympus'"),
    ("passwd.jsonl", json.dumps(dict(PLANNED, time_zone="../../etc/passwd")), 1,
     "field 'time_zone': expected an IANA time zone such as Europe/Paris, got '../../etc/passwd'"),
    ("empty-zone.jsonl", json.dumps(dict(PLANNED, time_zone="")), 1,
     "field 'time_zone': expected an IANA time zone such as Europe/Paris, got ''"),
    ("year-1.jsonl", _line(at="0001-01-01T00:00:00+14:00"), 1,
     "field 'at': expected a time from 0001-01-02 to 9999-12-30 (UTC), got '0001-01-01T00:00:00+14:00'"),
    ("year-9999.jsonl", _line(at="9999-12-31T23:59:59-14:00"), 1,
     "field 'at': expected a time from 0001-01-02 to 9999-12-30 (UTC), got '9999-12-31T23:59:59-14:00'"),
    ("digits.jsonl", _line().replace('"session":', f'"id": {DIGITS}, "session":'), 1,
     "field 'id': a number of 5,000 digits: expected at most 1,000 digits"),
    ("digits.json", '{"session": "S1",\n "events": [\n  {"type": "session_opened", "at": "2026-03-10T08:00:00+01:00",'
     f' "id": {DIGITS}}}\n ]}}', 3, "field 'id': a number of 5,000 digits: expected at most 1,000 digits"),
    ("digits.yaml", f'session: S1\nevents:\n  - {{type: session_opened, at: "2026-03-10T08:00:00+01:00", id: {DIGITS}}}\n',
     3, "field 'id': a number of 5,000 digits: expected at most 1,000 digits"),
    ("surrogate.jsonl", _line(id="P\ud800"), 1, "field 'id': text with a lone surrogate (\\ud800)"),
    ("surrogate.json", '{"session": "S1",\n "events": [\n  ' + json.dumps({"type": "session_opened",
     "at": "2026-03-10T08:00:00+01:00", "id": "P\ud800"}) + "\n ]}", 3,
     "field 'id': text with a lone surrogate (\\ud800)"),
    ("surrogate.yaml", 'session: S1\nevents:\n  - {type: session_opened, at: "2026-03-10T08:00:00+01:00", '
     'id: "P\\ud800"}\n', 3, "field 'id': text with a lone surrogate (\\ud800)"),
    ("yes.yaml", 'session: S1\nevents:\n  - {type: platform_checked, at: "2026-03-10T08:10:00+01:00", conform: yes}\n',
     3, "field 'conform': expected true or false, got 'yes' ('yes' is text here, not a boolean: write true or false)"),
])
def test_a_value_that_crashed_is_one_located_line_and_exit_2(tmp_path, name, text, line, fragment):
    """Each of these raised a traceback (or exit 70) before; now: one line, file and line, exit 2."""
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    done = _cli("check", str(path), "--as-of", "2026-04-30")
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert err.startswith(f"compliance: error: {path}:{line}") and fragment in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_50_megabyte_field_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.yaml"
    head, tail = 'session: S1\nevents:\n  - {type: session_opened, at: "2026-03-10T08:00:00+01:00", id: "', '"}\n'
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        out.write("x" * 50_000_000)
        out.write(tail)
    done = _cli("check", str(path), "--as-of", "2026-04-30")
    assert done.returncode == 2
    assert done.stderr.decode() == (f"compliance: error: {path}: record of {len(head) + 50_000_000 + len(tail):,} "
                                    "characters: expected a session record of at most 2,000,000\n")


@pytest.mark.parametrize("as_of, fragment", [
    ("9999-12-31", "--as-of: expected a day from 0001-01-02 to 9999-12-30, got '9999-12-31'"),
    ("0001-01-01", "--as-of: expected a day from 0001-01-02 to 9999-12-30, got '0001-01-01'"),
    ("9999-12-31T23:59:59-14:00", "--as-of: expected a time from 0001-01-02 to 9999-12-30 (UTC), got "),
    ("2026-02-30", "--as-of: expected an existing calendar day (day is out of range for month), got '2026-02-30'"),
])
def test_an_audit_date_out_of_range_is_a_usage_error(as_of, fragment):
    done = _cli("check", str(EXAMPLES / "session-conforme.yaml"), "--as-of", as_of)
    assert done.returncode == 2
    assert done.stderr.decode() == f"compliance: error: {fragment}" + ("" if fragment.endswith("'") else
                                                                        f"'{as_of}'") + "\n"


@pytest.mark.parametrize("insert, fragment", [
    ("    x: " + "9" * 5000 + "\n", "a number of 5,000 digits: expected at most 1,000 digits"),
    ('    x: "P\\ud800"\n', "text with a lone surrogate (\\ud800)"),
])
def test_rules_lint_locates_a_value_that_cannot_be_read(tmp_path, insert, fragment):
    """Rule files go through the same loader: the line and column of the value, exit 2."""
    lines = (ROOT / "rules" / "S4-plis.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if text.startswith("  - id: ")) + 1
    path = tmp_path / "S4-plis.yaml"
    path.write_text("".join(lines[:at] + [insert] + lines[at:]), encoding="utf-8")
    done = _cli("rules", "lint", str(path))
    assert done.returncode == 2
    assert done.stderr.decode().startswith(f"compliance: error: {path}:{at + 1}:8: YAML: {fragment}")


HOSTILE_TEXT = "S\x1b[31mRED\r\nforged line\u202eevil\x85\x07\x7f"
FORMATS = ["text", "markdown", "json", "sarif", "html", "junit"]


def _hostile_log(directory) -> Path:
    """A log whose session id, event ids and names hold control characters, in a file whose name
    holds ESC and a byte that is not UTF-8."""
    name = os.fsdecode(b"log-\x1b[2J-\xff.jsonl")
    path = Path(directory) / name
    events = [dict(PLANNED, session=HOSTILE_TEXT, id=HOSTILE_TEXT),
              {"type": "candidate_registered", "at": "2026-01-22T10:00:00+01:00", "session": HOSTILE_TEXT,
               "candidate": "C1\x1b[2J", "name": HOSTILE_TEXT, "pathway": "vae"},
              {"type": "session_opened", "at": "2026-03-10T08:00:00+01:00", "session": HOSTILE_TEXT, "id": "\u2066x"},
              {"type": "identity_checked", "at": "2026-03-10T08:30:00+01:00", "session": HOSTILE_TEXT,
               "candidate": "C9\r\n"}]
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_in_ids_and_file_names_cannot_reach_the_terminal_raw(tmp_path, fmt):
    try:
        path = _hostile_log(tmp_path)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses such a file name")
    done = _cli("check", os.fsencode(path).decode("utf-8", "surrogateescape"), "--as-of", "2026-04-30",
                "--format", fmt)
    assert done.returncode in (0, 1), done.stderr
    text = done.stdout.decode("utf-8")              # valid UTF-8, whatever the input held
    if fmt in ("text", "markdown"):
        raw = {c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") and c != "\n"}
        assert raw == set(), sorted(map(hex, map(ord, raw)))
        shown = re.sub(r"\\([\\`*_\[\]<>|&#~])", r"\1", text) if fmt == "markdown" else text
        assert "S\\x1b[31mRED\\r\\nforged line\\u202eevil\\x85\\x07\\x7f" in shown
        assert "log-\\x1b[2J-\\xff.jsonl" in shown and "C9\\r\\n" in shown
        assert not any(line.startswith("forged line") for line in text.splitlines())
    elif fmt in ("json", "sarif"):
        json.loads(text)
    else:
        import xml.etree.ElementTree as ET
        ET.fromstring(done.stdout)
        assert not any(unicodedata.category(c) in ("Cs",) or c in "\x1b\x07\x7f\x85\u202e\u2066" for c in text)


def test_a_report_never_holds_a_lone_surrogate():
    """Even a Report built by hand (the Python API) renders as encodable text in every format."""
    from compliance import Session
    from compliance.reporters import REPORTERS
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    checked = check_session(Session(id=session.id, events=session.events[:5], source="f.yaml"), as_of=FAR)
    report = attrs.evolve(checked, session="S\udcff\ud800", source="f\udcff.yaml")
    for fmt, render in REPORTERS.items():
        render([report], "fr").encode("utf-8")


# ----------------------------------------------------------------------------- structured fuzzing

class Big:
    """An integer too long for Python to write out (more than 4,300 digits), drawn as its digits."""

    def __init__(self, digits: int):
        self.digits = digits


TRICKY_WORDS = ["on", "off", "yes", "no", "y", "n", "0170", "010", "1_0", "0x1F", "0o17", "1:20", "~", "null", "",
                ".inf", ".nan", "2026-03-10", "Mars/Olympus", "../../etc/passwd", "localtime", "true", "True"]
TRICKY_CHARS = ["\ud800", "\udcff", "\x1b[2J", "\r\n", "\u202e", "\x00", "\x85", "\u2028", "é", "'", '"', "\\"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 900, max_value=10 ** 1100),
    st.builds(Big, st.integers(4301, 6000)), st.floats(), st.sampled_from(TRICKY_WORDS),
    st.lists(st.text(max_size=6) | st.sampled_from(TRICKY_CHARS), max_size=4).map("".join),
    st.sampled_from(["2026-03-10T08:00:00+01:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                     "2026-02-30T08:00:00+01:00", "2026-03-10", "9999-12-31"]),
    st.text(min_size=1001, max_size=1100))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["a", "type", "at", "id", "x"]), inner, max_size=3),
                      max_leaves=6)


def _mostly(usual):
    """``usual`` three times in four, any value otherwise."""
    return st.integers(0, 3).flatmap(lambda i: values if i == 0 else usual)


VALID = {"text": "C1", "bool": True, "int": 3, "duration": 30, "time": "2026-03-10T09:00:00+01:00",
         "day": "2026-01-01", "list": ["F1"]}
event_types = st.sampled_from(sorted(EVENT_TYPES))


@st.composite
def raw_events(draw):
    """A mapping shaped like an event: a valid one of a real type, then up to three fields (real
    names mostly) given any value; the type itself may be any value."""
    type_name = draw(_mostly(event_types))
    event = {"type": type_name, "at": draw(st.sampled_from(["2026-03-10T08:00:00+01:00", "2026-01-15T09:00:00+01:00"]))}
    names = list(COMMON_FIELDS[1:])
    if isinstance(type_name, str) and type_name in EVENT_TYPES:
        for spec in specific_fields(EVENT_TYPES[type_name]):
            names.append(spec.name)
            if spec.required:
                event[spec.name] = spec.choices[0] if spec.kind == "enum" else VALID[spec.kind]
    for name in draw(st.lists(st.sampled_from(names + ["extra"]), max_size=3, unique=True)):
        event[name] = draw(values)
    if draw(st.integers(0, 9)) == 0:
        event.pop("at")
    return event


session_ids = _mostly(st.sampled_from(["S1", "TP-00417-2026-03-10"]))


def _json(value) -> str:
    """JSON text for a drawn value (json.dumps cannot write 5,000 digits)."""
    if isinstance(value, Big):
        return "7" * value.digits
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 4000:
        return "9" * 4500
    return json.dumps(value)


def _yaml(value) -> str:
    """YAML flow text for a drawn value: tricky words plain, other text double-quoted."""
    if isinstance(value, str) and value in TRICKY_WORDS and value:
        return value
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return ".nan" if value != value else ".inf" if value == float("inf") else "-.inf" if value == float("-inf") \
            else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_yaml(k)}: {_yaml(v)}" for k, v in value.items()) + "}"
    return _json(value)


def _record_text(suffix: str, session, declarations, events) -> tuple[str, list[int]]:
    """A record, one event per line; returns the text and the line of each event."""
    if suffix == ".json":
        head = ['{"session": ' + _json(session) + ",", ' "declarations": [']
        body = [("  " + _json(e) + ",") for e in declarations]
        if body:
            body[-1] = body[-1][:-1]
        middle = [' ], "events": [']
        tail = [("  " + _json(e) + ",") for e in events]
        if tail:
            tail[-1] = tail[-1][:-1]
        lines = head + body + middle + tail + [" ]}"]
    else:
        head = ["session: " + _yaml(session), "declarations:" + ("" if declarations else " []")]
        body = ["  - " + _yaml(e) for e in declarations]
        middle = ["events:" + ("" if events else " []")]
        tail = ["  - " + _yaml(e) for e in events]
        lines = head + body + middle + tail
    first = len(head) + 1
    item_lines = list(range(first, first + len(body))) + \
        list(range(first + len(body) + 1, first + len(body) + 1 + len(tail)))
    return "\n".join(lines) + "\n", item_lines


def test_the_record_fuzzer_reaches_valid_events_beside_malformed_ones(tmp_path):
    """The generator is not only noise: it builds records with valid events beside malformed ones."""
    from hypothesis import Phase, find, settings

    def reached(drawn):
        suffix, declarations, events = drawn
        text, _ = _record_text(suffix, "S1", declarations, events)
        path = tmp_path / f"reach{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        sessions = read_file(path).sessions        # none: a record without any event
        return any(len(s.events) >= 2 and len(s.problems) >= 1 for s in sessions)

    drawn = st.tuples(st.sampled_from([".yaml", ".json"]), st.lists(raw_events(), max_size=3),
                      st.lists(raw_events(), max_size=4))
    quick = settings(max_examples=2000, database=None, phases=[Phase.generate])   # no shrinking
    assert find(drawn, reached, settings=quick)


def _run_cli(argv) -> tuple[int, bytes]:
    """``main`` with streams that encode as the real ones do (UTF-8, strict on stdout)."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", newline="")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace", newline="")
    code = main(list(argv), out, err)
    out.flush()
    err.flush()
    return code, out_bytes.getvalue()


def _accounted(path, item_lines):
    """read_file raises nothing; the file is unusable (one located problem) or every item of its
    lists is either an event or a located problem of that item's line."""
    result = read_file(path)
    if not result.sessions:
        (problem,) = result.problems
        assert str(problem).startswith(str(path)) and "\n" not in str(problem)
        return result
    (session,) = result.sessions
    assert result.problems == []
    seen = sorted([e.location.line for e in session.events] + [p.location.line for _, p in session.problems])
    assert seen == sorted(item_lines)
    for _, problem in session.problems:
        assert str(problem).startswith(f"{path}:{problem.location.line}") and str(problem).isprintable()
    return result


@given(st.sampled_from([".yaml", ".json"]), session_ids, st.lists(raw_events(), max_size=3),
       st.lists(raw_events(), max_size=4), st.sampled_from(FORMATS))
def test_structured_records_read_account_for_every_event_and_exit_0_1_or_2(
        tmp_path_factory, suffix, session, declarations, events, fmt):
    text, item_lines = _record_text(suffix, session, declarations, events)
    path = tmp_path_factory.mktemp("fuzz") / f"record{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = _accounted(path, item_lines)
    for one in result.sessions:
        try:
            check_session(one, as_of=FAR)
        except UsageError:
            pass                         # an event after the audit date: documented
    code, out = _run_cli(["check", str(path), "--as-of", "2026-04-30", "--format", fmt])
    assert code in (0, 1, 2)
    out.decode("utf-8")


@given(st.lists(st.tuples(session_ids, raw_events()), min_size=1, max_size=6), st.sampled_from(["check", "audit"]))
def test_structured_logs_account_for_every_line_and_exit_0_1_or_2(tmp_path_factory, lines, command):
    texts = []
    for session, event in lines:
        event = dict(event, session=session)
        texts.append(_json(event))
    path = tmp_path_factory.mktemp("fuzz") / "log.jsonl"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8", errors="surrogatepass")
    result = read_file(path)
    accounted = sum(len(s.events) + len(s.problems) for s in result.sessions) + len(result.problems)
    assert accounted == len(texts)
    for problem in [*result.problems, *(p for s in result.sessions for _, p in s.problems)]:
        assert str(problem).startswith(f"{path}:") and str(problem).isprintable()
    argv = [command, str(path), "--as-of", "2026-04-30"] + (["--jobs", "1"] if command == "audit" else [])
    code, out = _run_cli(argv)
    assert code in (0, 1, 2)
    out.decode("utf-8")
