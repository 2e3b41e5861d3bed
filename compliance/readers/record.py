"""Session records (YAML or JSON): ``session``, ``declarations`` (the header), ``events``.

A record that cannot be parsed at all is one file-level problem (D1); a malformed event is a D2
problem of the session and the rest of the record is kept. Both forms give each event its line
and, when it has none, the id ``L<line>`` (its position, ``d3``/``e21``, when it shares its line
with another event). A record is at most ``MAX_RECORD`` characters.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from .._yaml import MAX_CHARS, YamlError, YamlList, YamlMap, load_yaml
from ..errors import InputError, Location, did_you_mean, shown
from ..events import checked_text, parse_event
from . import _json
from ._result import ReadResult, SessionBuilder, finish
from .jsonl import json_words

KEYS = {"session", "declarations", "events", "description"}
MAX_RECORD = MAX_CHARS     # characters: a session is a few hundred events, some 100,000 characters


def _what_it_is(doc: object) -> str:
    """A document that is not a mapping, in words (its class would name our YAML loader's)."""
    if doc is None:
        return "no data (only comments, or nothing)"
    if isinstance(doc, list):
        return f"a list of {len(doc):,} item(s)"
    return shown(doc)


def read_record(text: str, file: str) -> ReadResult:
    if len(text) > MAX_RECORD:
        return _unreadable(InputError(f"record of {len(text):,} characters", location=Location(file),
                                      expected=f"a session record of at most {MAX_RECORD:,}"))
    if file.lower().endswith(".json"):
        try:
            doc = _json.decode_record(text)
        except _json.JSONDecodeError as error:
            return _unreadable(InputError(f"invalid JSON ({json_words(error)})",
                                          location=Location(file, error.lineno, error.colno),
                                          expected="a JSON session record"))
        except RecursionError:
            return _unreadable(InputError("JSON nested too deeply", location=Location(file)))
    else:
        try:
            doc = load_yaml(text, lenient=True)
        except YamlError as error:
            return _unreadable(InputError(f"YAML: {error.message}", location=Location(file, error.line, error.column),
                                          expected="a YAML session record"))
    if not isinstance(doc, dict):
        return _unreadable(InputError("session record: expected a mapping with 'session', 'declarations' and "
                                      f"'events', got {_what_it_is(doc)}", location=Location(file, 1)))
    session = doc.get("session")
    if not isinstance(session, str) or not session.strip():
        return _unreadable(InputError("'session'", location=_loc(file, doc, "session"),
                                      expected="the session id as a non-empty text", got=session))
    try:
        session = checked_text(session, "session", _loc(file, doc, "session"))
    except InputError as error:
        return _unreadable(error)
    builder = SessionBuilder(session, file)
    for key in doc:
        if key not in KEYS:
            builder.malformed(InputError(f"unknown key {shown(key)}", location=_loc(file, doc, key),
                                         hint=did_you_mean(str(key), KEYS)))
    if "events" not in doc:
        builder.malformed(InputError("missing key 'events'", location=Location(file, getattr(doc, "line", 1))))
    sections = [(name, doc.get(name, [])) for name in ("declarations", "events")]
    for name, items in sections:
        if not isinstance(items, list):
            builder.malformed(InputError(f"'{name}'", location=_loc(file, doc, name), expected="a list"))
    lines = [line for _, items in sections if isinstance(items, YamlList) for line in items.item_lines]
    shared = {line for line, count in Counter(lines).items() if count > 1}
    position = 0
    for name, items in sections:
        if not isinstance(items, list):
            continue
        for i, raw in enumerate(items):
            position += 1
            line = items.item_lines[i] if isinstance(items, YamlList) else None
            location = Location(file, line, event=position)
            default_id = f"L{line}" if line and line not in shared else f"{name[0]}{i + 1}"
            try:
                event = parse_event(raw, location, session=session, default_id=default_id)
            except InputError as error:
                builder.malformed(error)
                continue
            if name == "declarations" and not event.DECLARATION:
                builder.malformed(InputError(f"'{event.TYPE}' is an act, not a declaration",
                                             location=location, hint="move it to 'events'"))
                continue
            builder.add(event)
    if position == 0 and "events" in doc:     # nothing to judge: unreadable, as an empty file is
        return _unreadable(InputError("record without any event", location=_loc(file, doc, "events"),
                                      expected="session events"))
    return finish([builder], [])


def _unreadable(error: InputError) -> ReadResult:
    return ReadResult([], [error])


def _loc(file: str, doc: dict[str, Any], key: str) -> Location:
    return Location(file, doc.line_of(key) if isinstance(doc, YamlMap) else None)
