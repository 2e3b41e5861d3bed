"""JSON Lines event logs: one event per line; several sessions may be interleaved.

A bad line does not stop the others: it becomes a D2 problem of its session (when the line
names one) or of the file, and every other line and session is still read.
"""
from __future__ import annotations

import json
import re
from typing import Any, Sequence

import orjson

from .._yaml import Unreadable
from ..errors import InputError, Location
from ..events import MAX_TEXT, checked_text, parse_event
from . import _json
from ._result import ReadResult, SessionBuilder, finish

MAX_LINE = 1_000_000     # characters; an event is a few hundred
_SESSION = re.compile(r'"session"\s*:\s*"((?:[^"\\]|\\.){1,200})"')
_MINUS_ZERO = re.compile(r'[:,\[][ \t\r\n]*-0')   # the number -0 (or what might be one)
_PLAIN_KINDS = frozenset({str, int, bool, type(None), list})   # a list: of texts only


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
    raw = _plain_event(line)
    if raw is None:
        try:
            raw = _json.decode(line) if len(line) <= MAX_LINE else None
        except (json.JSONDecodeError, RecursionError):
            raw = None
    if isinstance(raw, dict):
        sid = raw.get("session")
        if isinstance(sid, str) and sid.isascii() and sid.strip() and len(sid) <= MAX_TEXT:
            return sid, raw       # the usual line: nothing more to check, no location to build
    return _unusual_line(line, number, file)


def _plain_event(line: str) -> dict[str, Any] | None:
    """The usual line decoded by orjson, when that gives exactly what ``_json.decode`` gives,
    errors included; else None (then ``_json.decode`` reads it, and says what is wrong).

    The two agree on an object whose values are texts, booleans, nulls, lists of texts and
    plain integers (orjson reads an integer beyond 64 bits as a float, and ``-0`` as 0, where
    ``_json`` keeps how a number was written, for the errors to show it), whose ``id`` if any is
    a text, and with no key given twice (orjson keeps the last one): with no space before any
    colon, each key is one ``":`` of the line, so as many of them as keys rules a second one out.
    """
    if len(line) > MAX_LINE:
        return None
    try:
        raw = orjson.loads(line)
    except orjson.JSONDecodeError:      # invalid JSON, a lone surrogate, NaN, too deep
        return None
    if type(raw) is not dict or line.count('":') != len(raw) or type(raw.get("id", "")) is not str or \
            " :" in line or "\t:" in line or "\r:" in line:       # a space before a colon (after a key?)
        return None
    kinds = set(map(type, raw.values()))
    if not kinds <= _PLAIN_KINDS:
        return None
    if list in kinds and not all(type(item) is str for value in raw.values() if type(value) is list for item in value):
        return None
    if int in kinds and any(type(value) is int and value == 0 for value in raw.values()):
        return None if _MINUS_ZERO.search(line) else raw
    return raw


def _unusual_line(line: str, number: int, file: str) -> tuple[str | None, "dict[str, Any] | InputError"]:
    """``decode_line`` for a line that is not a JSON object with a plain ASCII session id."""
    location = Location(file, number)
    if len(line) > MAX_LINE:
        return _problem_of(line, InputError(f"line of {len(line):,} characters", location=location,
                                            expected=f"an event of at most {MAX_LINE:,} characters"))
    try:
        raw = _json.decode(line)
    except json.JSONDecodeError as error:
        return _problem_of(line, InputError(f"invalid JSON ({json_words(error)})", location=Location(file, number, error.colno),
                                            expected="one JSON object per line"))
    except RecursionError:
        return _problem_of(line, InputError("JSON nested too deeply", location=location))
    if isinstance(raw, Unreadable):         # an object with a key given twice
        return _problem_of(line, InputError(raw.reason, location=location, expected=raw.expected))
    if not isinstance(raw, dict) or not isinstance(raw.get("session"), str) or not raw["session"].strip():
        return None, InputError("event", location=location, expected="a JSON object with a 'session' text field",
                                got=raw if not isinstance(raw, dict) else raw.get("session"))
    try:
        sid = checked_text(raw["session"], "session", location)     # NFC: one id however it is written
    except InputError as error:
        return None, error
    return sid, raw


def json_words(error: json.JSONDecodeError) -> str:
    """The decoder's message without its dangling end ('Invalid control character at'): the
    column says where."""
    return error.msg.removesuffix(" at").removesuffix(" starting")


def _problem_of(line: str, error: InputError) -> tuple[str | None, InputError]:
    """A line that cannot be decoded belongs to the session it names, if a usable id can be read."""
    match = _SESSION.search(line[:10_000])
    sid = None
    if match:
        try:
            sid = json.loads(f'"{match.group(1)}"')
        except json.JSONDecodeError:
            sid = None
    return (usable_id(sid) if sid else None), error


def usable_id(session_id: str) -> str | None:
    """The session id as every reader keys it (NFC: 'Café' however its accent is written), or
    None if it cannot be one."""
    try:
        return checked_text(session_id, "session", Location(""))
    except InputError:
        return None


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
