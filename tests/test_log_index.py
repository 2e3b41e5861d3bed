"""The index of a large log (readers/log_index): runs of lines, so its size follows the sessions,
not the events; a log that changes after it was indexed is a problem, never a silent loss."""
from __future__ import annotations

import json

from compliance.readers.log_index import index_log, read_indexed


def _line(sid: str, minute: int) -> str:
    return json.dumps({"type": "session_opened", "at": f"2026-03-10T08:{minute:02d}:00+01:00", "session": sid})


def _index(path):
    with path.open("rb") as stream:
        return index_log(str(path), stream)


def test_a_log_written_session_after_session_is_one_run_per_session_whatever_its_length(tmp_path):
    for events in (3, 300):
        path = tmp_path / f"log-{events}.jsonl"
        lines = [_line(sid, m % 60) for sid in ("A", "B") for m in range(events)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        index = _index(path)
        assert [(sid, list(e.numbers), list(e.counts)) for sid, e in index.sessions.items()] == \
            [("A", [1], [events]), ("B", [events + 1], [events])]
        size = len(_line("A", 0)) + 1
        assert list(index.sessions["B"].offsets) == [events * size]
        assert list(index.sessions["B"].sizes) == [events * size]


def test_interleaved_sessions_cost_a_run_per_line_and_a_blank_line_ends_a_run(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join([_line("A", 0), _line("B", 1), _line("A", 2), _line("A", 3), "", _line("A", 4)]),
                    encoding="utf-8")
    index = _index(path)
    assert list(index.sessions["A"].numbers) == [1, 3, 6] and list(index.sessions["A"].counts) == [1, 2, 1]
    assert list(index.sessions["B"].numbers) == [2]
    with path.open("rb") as stream:
        (a, b) = read_indexed(str(path), stream, index.sessions.values()).sessions
    assert [e.location.line for e in a.events] == [1, 3, 4, 6] and [e.location.line for e in b.events] == [2]


def test_a_log_cut_short_after_indexing_names_each_missing_line(tmp_path):
    path = tmp_path / "log.jsonl"
    text = "\n".join(_line("A", m) for m in range(4)) + "\n"
    path.write_text(text, encoding="utf-8")
    index = _index(path)
    path.write_text("\n".join(text.split("\n")[:2]), encoding="utf-8")        # lines 3 and 4 gone
    with path.open("rb") as stream:
        result = read_indexed(str(path), stream, index.sessions.values())
    assert [str(p) for p in result.problems] == [
        f"{path}:3: line missing: expected a log that does not change while it is audited",
        f"{path}:4: line missing: expected a log that does not change while it is audited"]
    assert [e.location.line for e in result.sessions[0].events] == [1, 2]


def test_a_line_rewritten_for_another_session_after_indexing_is_a_problem(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(_line("A", 0) + "\n" + _line("A", 1) + "\n", encoding="utf-8")
    index = _index(path)
    path.write_text(_line("A", 0) + "\n" + _line("B", 1) + "\n", encoding="utf-8")    # same length
    with path.open("rb") as stream:
        result = read_indexed(str(path), stream, index.sessions.values())
    assert [str(p) for p in result.problems] == [
        f"{path}:2: line of session 'B', indexed as 'A': expected a log that does not change while it is audited"]
