"""Session records (YAML or JSON): ``session``, ``declarations`` (the header), ``events``."""
from __future__ import annotations

import json

from .._yaml import YamlError, YamlList, YamlMap, load_yaml
from ..errors import ComplianceError, InputError, Location, ProblemList, did_you_mean
from ..events import parse_event
from ..model import Session

KEYS = {"session", "declarations", "events", "description"}


def read_record(data: bytes, file: str) -> list[Session]:
    from . import decode_text

    text = decode_text(data, file)
    if file.lower().endswith(".json"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"invalid JSON ({error.msg})", location=Location(file, error.lineno, error.colno),
                             expected="a JSON session record") from None
        except RecursionError:
            raise InputError("JSON nested too deeply", location=Location(file)) from None
    else:
        try:
            doc = load_yaml(text)
        except YamlError as error:
            raise InputError(f"YAML: {error.message}", location=Location(file, error.line, error.column),
                             expected="a YAML session record") from None
    if not isinstance(doc, dict):
        raise InputError("session record", location=Location(file, 1),
                         expected="a mapping with 'session', 'declarations' and 'events'", got=type(doc).__name__)
    problems: list[ComplianceError] = []
    for key in doc:
        if key not in KEYS:
            problems.append(InputError(f"unknown key '{key}'", location=_loc(file, doc, key),
                                       hint=did_you_mean(str(key), KEYS)))
    session = doc.get("session")
    if not isinstance(session, str) or not session.strip():
        raise InputError("'session'", location=_loc(file, doc, "session"),
                         expected="the session id as a non-empty text", got=session)
    parsed = []
    for section in ("declarations", "events"):
        items = doc.get(section, [])
        if not isinstance(items, list):
            problems.append(InputError(f"'{section}'", location=_loc(file, doc, section), expected="a list"))
            continue
        for i, raw in enumerate(items):
            line = items.item_lines[i] if isinstance(items, YamlList) else None
            location = Location(file, line, event=len(parsed) + 1)
            try:
                event = parse_event(raw, location, session=session,
                                    default_id=f"L{line}" if line else f"{section[0]}{i + 1}")
            except InputError as error:
                problems.append(error)
                continue
            if section == "declarations" and not event.DECLARATION:
                problems.append(InputError(f"'{event.TYPE}' is an act, not a declaration",
                                           location=location, hint="move it to 'events'"))
                continue
            parsed.append(event)
    if "events" not in doc:
        problems.append(InputError("missing key 'events'", location=Location(file, 1)))
    if problems:
        raise ProblemList(problems)
    return [Session(id=session, events=parsed, source=file)]


def _loc(file: str, doc: dict, key: str) -> Location:
    return Location(file, doc.line_of(key) if isinstance(doc, YamlMap) else None)
