"""JSON Lines event logs: one event per line; several sessions may be interleaved."""
from __future__ import annotations

import json

from ..errors import ComplianceError, InputError, Location, ProblemList
from ..events import parse_event
from ..model import Session


def read_jsonl(data: bytes, file: str) -> list[Session]:
    from . import decode_text

    text = decode_text(data, file)
    by_session: dict[str, list] = {}
    problems: list[ComplianceError] = []
    index = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        location = Location(file, number)
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(InputError(f"invalid JSON ({error.msg})",
                                       location=Location(file, number, error.colno),
                                       expected="one JSON object per line"))
            continue
        except RecursionError:
            problems.append(InputError("JSON nested too deeply", location=location))
            continue
        if not isinstance(raw, dict) or "session" not in raw:
            problems.append(InputError("event", location=location,
                                       expected="a JSON object with a 'session' field", got=raw))
            continue
        try:
            event = parse_event(raw, location, default_id=f"L{number}")
        except InputError as error:
            problems.append(error)
            continue
        by_session.setdefault(event.session, []).append(event)
        index += 1
    if problems:
        raise ProblemList(problems)
    return [Session(id=sid, events=evs, source=file) for sid, evs in by_session.items()]
