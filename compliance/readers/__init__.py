"""Readers: files in, validated ``Session`` values out. One module per input format.

* ``.jsonl`` — an event log, one JSON event per line, sessions may be interleaved;
* ``.yaml``/``.yml``/``.json`` — a session record: the session id, its declarations, its events.

``read_file`` is lenient: it returns what it could read and every problem it met (an audit
reports both). ``read_path`` is strict: any problem raises, naming the file and line.

For audits, which spread a large log over worker processes and join sessions split over several
files: ``log_index`` indexes a log's lines by session without holding it (the parent) and reads
the sessions of some of them (a worker); ``merge_sessions`` joins the pieces of one session read
from several files.

Bounds, so that no input is slow or huge: a record holds at most 2,000,000 characters
(``record.MAX_RECORD``), a log line 1,000,000 (``jsonl.MAX_LINE``), a session 50,000 events; an
event's text field 1,000 characters, a list 1,000 ids, an integer 1,000 digits (``events``,
``_yaml``). Values are taken as written: YAML is read as YAML 1.2, JSON numbers keep their text
for error messages, and text that holds a lone surrogate is refused where it is read.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import re
from pathlib import Path
from typing import Callable, Sequence

import attrs

from ..errors import ComplianceError, InputError, Location, ProblemList
from ..events import Event
from ..model import Session
from ._result import ReadResult, SessionBuilder, finish
from .jsonl import LogLine, read_jsonl, split_log
from .record import read_record

SUFFIXES: dict[str, Callable[[str, str], ReadResult]] = {".jsonl": read_jsonl, ".ndjson": read_jsonl, ".yaml": read_record,
            ".yml": read_record, ".json": read_record}


def read_file(path: str | Path) -> ReadResult:
    """Read every session of one file, keeping what is valid and listing every problem."""
    path = Path(path)
    file = str(path)
    reader = SUFFIXES.get(path.suffix.lower())
    if reader is None:
        return ReadResult([], [InputError("unknown file type", location=Location(file),
                                          expected="a .jsonl event log or a .yaml/.yml/.json session record")])
    try:
        data = read_bytes(path)
        text = decode_text(data, file)
    except InputError as error:
        return ReadResult([], [error])
    return with_digest(reader(text, file), hashlib.sha256(data).hexdigest())


def with_digest(result: ReadResult, digest: str) -> ReadResult:
    """The result, its sessions marked with the sha256 of the file they were read from."""
    result.sessions = [attrs.evolve(s, digest=digest) for s in result.sessions]
    return result


def read_bytes(path: str | Path, what: str = "the file") -> bytes:
    """The bytes of a regular file. A FIFO, a socket or a device is refused, never opened for long:
    ``stat`` first, then a non-blocking open checked again with ``fstat`` (the path may change).

    Raises:
        InputError: the file cannot be read, saying why.
    """
    file = os.fspath(path)      # a TypeError for an int: os.stat would take it for a file descriptor
    try:
        kind = special_file_kind(os.stat(path).st_mode)
        if kind is None:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "rb") as stream:
                kind = special_file_kind(os.fstat(fd).st_mode)
                if kind is None:
                    return stream.read()
    except OSError as error:
        raise InputError(f"cannot read {what} ({why_unreadable(path, error)})", location=Location(file)) from None
    raise InputError(f"cannot read {what} ({kind}, not a regular file)", location=Location(file))


def special_file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is ("a FIFO", "a directory"...)."""
    for test, kind in ((stat.S_ISREG, None), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "a special file"


def why_unreadable(path: str | Path, error: OSError) -> str:
    """The reason an ``OSError`` gives for a path, in words a user can act on."""
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if error.errno == errno.ENOENT and os.path.islink(path):
        try:
            return f"dangling symbolic link to '{os.readlink(path)}'"
        except OSError:
            return "dangling symbolic link"
    return error.strerror or str(error)


def read_path(path: str | Path) -> list[Session]:
    """Read every session of one file, strictly.

    Raises:
        InputError / ProblemList: the file, or an event in it, cannot be used as given.
    """
    result = read_file(path)
    problems = list(result.problems)
    for session in result.sessions:
        problems.extend(error for _clause, error in session.problems)
    if problems:
        raise ProblemList(sorted(problems, key=_line_order))
    return result.sessions


def merge_sessions(session_id: str, pieces: Sequence[Session]) -> Session:
    """One session from its parts read in several files, in file order. Its ``source`` names every
    file; the ids a reader gave by position (``L12``) are prefixed with their file (``b.jsonl:L12``).

    Raises:
        InputError: the merged session has more events than a session may have.
    """
    if len(pieces) == 1:
        return pieces[0]
    builder = SessionBuilder(session_id, ", ".join(p.source for p in pieces))
    for piece in pieces:
        for event in piece.events:
            if _positional(event):
                event = attrs.evolve(event, id=f"{piece.source}:{event.id}")
            builder.add(event)        # an id given twice across files is a D4 duplicate
    if builder.overflow is not None:
        raise builder.overflow
    problems = [p for piece in pieces for p in piece.problems] + builder.problems
    return Session(id=session_id, events=builder.events,
                   source=builder.file, problems=problems, digest=", ".join(p.digest for p in pieces))


def _positional(event: Event) -> bool:
    """An id the reader made from the event's line or position (the same in every file)."""
    line = event.location.line if event.location is not None else None
    if line is not None:
        return bool(event.id == f"L{line}")
    return re.fullmatch(r"[de][0-9]+", event.id) is not None


def _line_order(error: ComplianceError) -> tuple[int, int]:
    loc = error.location
    return (loc.line or 0, loc.column or 0) if loc else (0, 0)


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 text of a file, or an error naming the line of the first bad byte."""
    if not data.strip():
        raise InputError("empty file", location=Location(file), expected="session events")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        written = " ".join(f"0x{byte:02x}" for byte in data[error.start:error.end])
        raise InputError(f"not UTF-8 text (byte {written})", location=Location(file, line, column),
                         expected="a UTF-8 encoded file") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError("binary data (NUL byte)", location=Location(file, line), expected="text")
    return text.removeprefix("\ufeff")


__all__ = ["read_file", "read_path", "read_bytes", "ReadResult", "decode_text", "split_log",
           "merge_sessions", "LogLine", "SUFFIXES", "special_file_kind", "why_unreadable"]
