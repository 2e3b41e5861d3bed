"""What a reader returns: the sessions it could build and the problems it met."""
from __future__ import annotations

import attrs

from ..errors import InputError
from ..events import Event
from ..model import Session


@attrs.define
class ReadResult:
    sessions: list[Session]
    problems: list[InputError]      # file-level: unreadable file (D1), lines of no known session


class SessionBuilder:
    """Collects one session's events; a reused id is a D4 problem, a malformed event a D2 one."""

    def __init__(self, session_id: str, file: str):
        self.id, self.file = session_id, file
        self.events: list[Event] = []
        self.ids: set[str] = set()
        self.problems: list[tuple[str, InputError]] = []

    def add(self, event: Event) -> None:
        if event.id in self.ids:
            self.problems.append(("D4", InputError(f"duplicate event id '{event.id}'", location=event.location,
                                                   expected="ids unique within the session")))
            return
        self.ids.add(event.id)
        self.events.append(event)

    def malformed(self, error: InputError) -> None:
        self.problems.append(("D2", error))

    def build(self) -> Session:
        return Session(id=self.id, events=self.events, source=self.file, problems=self.problems)
