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


MAX_EVENTS = 50_000   # a real session has a few hundred; the engine holds every one in memory


class SessionTooLarge(InputError):
    """A session of more than ``MAX_EVENTS`` events: a problem of that session (not checked)."""

    def __init__(self, session: str, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)       # type: ignore[arg-type]
        self.session = session


class SessionBuilder:
    """Collects one session's events; a reused id is a D4 problem, a malformed event a D2 one."""

    def __init__(self, session_id: str, file: str):
        self.id, self.file = session_id, file
        self.events: list[Event] = []
        self.ids: set[str] = set()
        self.problems: list[tuple[str, InputError]] = []
        self.overflow: InputError | None = None

    def add(self, event: Event) -> None:
        if self.overflow is not None:
            return
        if len(self.events) >= MAX_EVENTS:
            self.overflow = SessionTooLarge(self.id, f"session '{self.id}' has more than {MAX_EVENTS:,} events",
                                       location=event.location, expected="a session of plausible size; "
                                       "it is not checked")
            self.events.clear()
            return
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


def finish(builders: list[SessionBuilder], file_problems: list[InputError]) -> ReadResult:
    """The result of a file: its sessions, and as file problems the sessions too large to check."""
    sessions = []
    for builder in builders:
        if builder.overflow is not None:
            file_problems.append(builder.overflow)
        else:
            sessions.append(builder.build())
    return ReadResult(sessions, file_problems)
