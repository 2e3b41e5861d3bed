"""Hostile and broken input: the only outcomes are a report or a documented error."""
from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, strategies as st

from compliance import ComplianceError, ProblemList, check_session
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
