"""JSON Lines event logs: one event per line; several sessions may be interleaved.

A bad line does not stop the others: it becomes a D2 problem of its session (when the line
names one) or of the file, and every other line and session is still read.
"""
from __future__ import annotations

import json
import re
from typing import Any, Sequence

from .._yaml import Unreadable
from ..errors import InputError, Location
from ..events import MAX_TEXT, checked_text, parse_event
from . import _json
from ._result import ReadResult, SessionBuilder, finish

MAX_LINE = 1_000_000     # characters; an event is a few hundred
_SESSION = re.compile(r'"session"\s*:\s*"((?:[^"\\]|\\.){1,200})"')


LogLine = tuple[int, "dict[str, Any] | InputError"]    # (line number, decoded event or its problem)


def split_log(text: str, file: str) -> tuple[dict[str, list[LogLine]], list[InputError]]:
    """Decode each line and group the lines by session (first-appearance order).

    Cheap: only JSON decoding. ``build_session`` does the validation, so an audit can run it
    in worker processes, one session at a time.
    """
    sessions: dict[str, list[LogLine]] = {}
    file_problems: list[InputError] = []
    # Lines end with \n only: splitlines() would also cut at U+0085, U+2028… inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        decoded = decode_line(line, number, file)
        if decoded is None:
            continue
        sid, item = decoded
        if sid is None:
            assert isinstance(item, InputError)
            file_problems.append(item)
        else:
            sessions.setdefault(sid, []).append((number, item))
    return sessions, file_problems


def decode_line(line: str, number: int, file: str) -> tuple[str | None, "dict[str, Any] | InputError"] | None:
    """One line of a log: ``(session id, decoded event or its problem)``; ``(None, problem)`` for a
    line of no known session (a problem of the file); None for a blank line."""
    line = line.removesuffix("\r")
    if not line.strip():
        return None
    try:
        raw = _json.decode(line) if len(line) <= MAX_LINE else None
    except (json.JSONDecodeError, RecursionError):
        raw = None
    if isinstance(raw, dict):
        sid = raw.get("session")
        if isinstance(sid, str) and sid.isascii() and sid.strip() and len(sid) <= MAX_TEXT:
            return sid, raw       # the usual line: nothing more to check, no location to build
    return _unusual_line(line, number, file)


def _unusual_line(line: str, number: int, file: str) -> tuple[str | None, "dict[str, Any] | InputError"]:
    """``decode_line`` for a line that is not a JSON object with a plain ASCII session id."""
    location = Location(file, number)
    if len(line) > MAX_LINE:
        return _problem_of(line, InputError(f"line of {len(line):,} characters", location=location,
                                            expected=f"an event of at most {MAX_LINE:,} characters"))
    try:
        raw = _json.decode(line)
    except json.JSONDecodeError as error:
        return _problem_of(line, InputError(f"invalid JSON ({error.msg})", location=Location(file, number, error.colno),
                                            expected="one JSON object per line"))
    except RecursionError:
        return _problem_of(line, InputError("JSON nested too deeply", location=location))
    if isinstance(raw, Unreadable):         # an object with a key given twice
        return _problem_of(line, InputError(raw.reason, location=location, expected=raw.expected))
    if not isinstance(raw, dict) or not isinstance(raw.get("session"), str) or not raw["session"].strip():
        return None, InputError("event", location=location, expected="a JSON object with a 'session' text field",
                                got=raw if not isinstance(raw, dict) else raw.get("session"))
    try:
        checked_text(raw["session"], "session", location)
    except InputError as error:
        return None, error
    return raw["session"], raw


def _problem_of(line: str, error: InputError) -> tuple[str | None, InputError]:
    """A line that cannot be decoded belongs to the session it names, if a usable id can be read."""
    match = _SESSION.search(line[:10_000])
    sid = None
    if match:
        try:
            sid = json.loads(f'"{match.group(1)}"')
        except json.JSONDecodeError:
            sid = None
    return (sid if sid and _usable_id(sid) else None), error


def _usable_id(session_id: str) -> bool:
    try:
        checked_text(session_id, "session", Location(""))
    except InputError:
        return False
    return True


def build_session(session_id: str, file: str, items: Sequence[LogLine]) -> SessionBuilder:
    """Validate one session's decoded lines into events."""
    builder = SessionBuilder(session_id, file)
    for number, item in items:
        if isinstance(item, InputError):
            builder.malformed(item)
            continue
        try:
            builder.add(parse_event(item, Location(file, number), default_id=f"L{number}"))
        except InputError as error:
            builder.malformed(error)
    return builder


def read_jsonl(text: str, file: str) -> ReadResult:
    sessions, file_problems = split_log(text, file)
    return finish([build_session(sid, file, items) for sid, items in sessions.items()], file_problems)


__all__ = ["read_jsonl", "split_log", "build_session"]
