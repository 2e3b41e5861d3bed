"""Session records (YAML or JSON): ``session``, ``declarations`` (the header), ``events``.

A record that cannot be parsed at all is one file-level problem (D1); a malformed event is a D2
problem of the session and the rest of the record is kept.
"""
from __future__ import annotations

import json

from .._yaml import YamlError, YamlList, YamlMap, load_yaml
from ..errors import InputError, Location, did_you_mean
from ..events import parse_event
from ._result import ReadResult, SessionBuilder, finish

KEYS = {"session", "declarations", "events", "description"}


def read_record(text: str, file: str) -> ReadResult:
    if file.lower().endswith(".json"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as error:
            return _unreadable(InputError(f"invalid JSON ({error.msg})",
                                          location=Location(file, error.lineno, error.colno),
                                          expected="a JSON session record"))
        except RecursionError:
            return _unreadable(InputError("JSON nested too deeply", location=Location(file)))
    else:
        try:
            doc = load_yaml(text)
        except YamlError as error:
            return _unreadable(InputError(f"YAML: {error.message}", location=Location(file, error.line, error.column),
                                          expected="a YAML session record"))
    if not isinstance(doc, dict):
        return _unreadable(InputError("session record", location=Location(file, 1),
                                      expected="a mapping with 'session', 'declarations' and 'events'",
                                      got=type(doc).__name__))
    session = doc.get("session")
    if not isinstance(session, str) or not session.strip():
        return _unreadable(InputError("'session'", location=_loc(file, doc, "session"),
                                      expected="the session id as a non-empty text", got=session))
    builder = SessionBuilder(session, file)
    for key in doc:
        if key not in KEYS:
            builder.malformed(InputError(f"unknown key '{key}'", location=_loc(file, doc, key),
                                         hint=did_you_mean(str(key), KEYS)))
    if "events" not in doc:
        builder.malformed(InputError("missing key 'events'", location=Location(file, getattr(doc, "line", 1))))
    position = 0
    for section in ("declarations", "events"):
        items = doc.get(section, [])
        if not isinstance(items, list):
            builder.malformed(InputError(f"'{section}'", location=_loc(file, doc, section), expected="a list"))
            continue
        for i, raw in enumerate(items):
            position += 1
            line = items.item_lines[i] if isinstance(items, YamlList) else None
            location = Location(file, line, event=position)
            try:
                event = parse_event(raw, location, session=session,
                                    default_id=f"L{line}" if line else f"{section[0]}{i + 1}")
            except InputError as error:
                builder.malformed(error)
                continue
            if section == "declarations" and not event.DECLARATION:
                builder.malformed(InputError(f"'{event.TYPE}' is an act, not a declaration",
                                             location=location, hint="move it to 'events'"))
                continue
            builder.add(event)
    return finish([builder], [])


def _unreadable(error: InputError) -> ReadResult:
    return ReadResult([], [error])


def _loc(file: str, doc: dict, key: str) -> Location:
    return Location(file, doc.line_of(key) if isinstance(doc, YamlMap) else None)
