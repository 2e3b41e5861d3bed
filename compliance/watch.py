"""``compliance watch LOG.jsonl [--follow]``: a session manager's live view of a growing log.

Each complete line of the log is read as it arrives (as ``tail -f`` reads), parsed and fed live
(``Checker.guide``) to the checker of its session, in arrival order; what that makes certain is
printed at once: findings, obligations discharged, and obligations that come within the horizon
of their due time. Without ``--follow``, or on Ctrl-C (SIGINT) with it, the watch ends with each
session's report at the time of its last event, and the exit code says whether violations were
found (0, 1), as ``check`` does. A line that cannot be used is one located line on stderr and
the watch goes on (exit code 2 at the end).
"""
from __future__ import annotations

import datetime as dt
import re
import time
from typing import Callable, TextIO

from ._time import moment_words
from .checker import Checker
from .errors import ComplianceError, InputError, Location, printable
from .events import parse_event
from .guidance import HORIZON, Guidance
from .model import Report
from .readers.jsonl import MAX_LINE, decode_line
from .reporters._labels import severity_word
from .rulebook import Rulebook

POLL = 0.2        # seconds between two looks at a log that has not grown
_CHUNK = 1 << 20  # characters read at a time: a line without end never fills the memory
_UNDECODED = re.compile("[\udc80-\udcff]")     # what surrogateescape makes of a byte that is not UTF-8


class Watch:
    """The checkers of the sessions a log names, fed line by line."""

    def __init__(self, file: str, rulebook: Rulebook | None, lang: str, say: Callable[[str], None],
                 warn: Callable[[str], None], horizon: dt.timedelta = HORIZON):
        self.file, self.rulebook, self.lang, self.say, self.warn = file, rulebook, lang, say, warn
        self.horizon = horizon
        self.checkers: dict[str, Checker] = {}
        self.problems = 0
        # the lines of each session left out of its record: its report says so (D2, D4)
        self.left_out: dict[str, list[tuple[str, ComplianceError]]] = {}
        self.line = 0
        self.lines_read = 0

    def take(self, text: str) -> None:
        """One complete line of the log (read with ``surrogateescape``: a byte that is not UTF-8
        is this line's problem, never silently replaced)."""
        self.line += 1
        self.lines_read += 1
        if self.line == 1:
            text = text.removeprefix("\ufeff")      # a byte-order mark, as the other readers take it
        decoded = decode_line(text, self.line, self.file) if text.isascii() else self._decoded(text)
        if decoded is None:
            return
        sid, item = decoded
        try:
            if isinstance(item, ComplianceError):
                raise item
            assert sid is not None
            checker = self.checkers.setdefault(sid, Checker(self.rulebook, session=sid))
            event = parse_event(item, Location(self.file, self.line), default_id=f"L{self.line}")
        except ComplianceError as error:
            self._left_out(sid, "D2", error)
            return
        try:
            guidance = checker.guide(event, self.horizon)
        except ComplianceError as error:      # a reused id, as a record's reader names it; else refused
            self._left_out(sid, "D4" if any(e.id == event.id for e in checker.events) else "D2", error)
            return
        self._show(sid, guidance)             # a closed output is not this line's problem

    def _left_out(self, sid: str | None, clause: str, error: ComplianceError) -> None:
        """A line that cannot be used: said, the watch goes on, and its session's report shows it."""
        self.problems += 1
        self.warn(f"compliance: error: {error}")
        if sid is not None:
            self.left_out.setdefault(sid, []).append((clause, error))

    def too_long(self, length: int) -> None:
        """A line longer than a log line may be, seen only by its length."""
        self.line += 1
        self.lines_read += 1
        self.problems += 1
        self.warn(f"compliance: error: " + str(InputError(
            f"line of {length:,} characters", location=Location(self.file, self.line),
            expected=f"an event of at most {MAX_LINE:,} characters")))

    def _decoded(self, text: str) -> "tuple[str | None, object] | None":
        bad = _UNDECODED.search(text)
        if bad is not None:
            return None, InputError(f"not UTF-8 text (byte 0x{ord(bad.group()) - 0xDC00:02x})",
                                    location=Location(self.file, self.line, bad.start() + 1),
                                    expected="a UTF-8 encoded log")
        return decode_line(text, self.line, self.file)

    def _show(self, sid: str, guidance: Guidance) -> None:
        fr = self.lang == "fr"
        for finding in guidance.findings:
            word = severity_word(finding.severity, self.lang)
            self.say(f"[{printable(sid)}] {word} {finding.clause} {printable(finding.message.get(self.lang))}")
        for owed in guidance.at_risk:
            due = moment_words(owed.due, self.lang)
            self.say(f"[{printable(sid)}] " + ("À FAIRE avant " if fr else "DUE by ") + f"{due} : "
                     f"{owed.clause} {printable(owed.discharge.get(self.lang))}")
        for owed in guidance.discharged:
            self.say(f"[{printable(sid)}] " + ("fait : " if fr else "done: ") +
                     f"{owed.clause} {printable(owed.discharge.get(self.lang))}")

    def reports(self) -> list[Report]:
        """Each session judged at its last event (the session so far)."""
        out = []
        for sid, checker in self.checkers.items():
            events = checker.events
            if events:
                out.append(checker.finish(max(e.at for e in events), source=self.file,
                                          problems=self.left_out.get(sid, ())))
        return out


def follow(stream: TextIO, watch: Watch, *, forever: bool, sleep: Callable[[float], None] = time.sleep) -> None:
    """Feed the watch every complete line of ``stream``; with ``forever``, wait for more (until
    KeyboardInterrupt). A last line without its newline is read once the file stops growing
    only when not following (a writer may still be writing it)."""
    pending, length = "", 0
    while True:
        chunk = stream.readline(_CHUNK)
        if chunk:
            length += len(chunk)
            if length <= MAX_LINE + 1:      # past that, the line is refused: its length is all it needs
                pending += chunk
            if chunk.endswith("\n"):
                watch.take(pending.removesuffix("\n")) if length <= MAX_LINE + 1 else watch.too_long(length - 1)
                pending, length = "", 0
            continue
        if not forever:
            if length:
                watch.take(pending) if length <= MAX_LINE else watch.too_long(length)
            return
        sleep(POLL)
