"""Large logs without holding them: each session's lines, indexed by their place in the file.

An audit splits a large log by session across worker processes. Decoding the whole log in the
parent would hold all of it at once (a log of a million events is gigabytes of Python objects).
Instead the parent reads the file once, a line at a time, and keeps for each session id only
where its lines are: *runs* of consecutive lines of that session (first line number, byte
offset, number of lines, bytes), a few integers each; each worker reads and decodes just the
lines of its sessions. A log written session after session is one run per session, so the index
does not grow with the number of events; lines of sessions interleaved line by line cost one run
(32 bytes) each.

The outcome is the one ``read_jsonl`` gives for the whole text: a line's session is read the
cheap way (the one ``"session": "..."`` of the line) and, when that is not plain, by decoding
the line in the parent (``jsonl.decode_line``, which also finds the problems of lines of no
session). A file that is not plain UTF-8 text (empty, a bad byte, a NUL) is not indexed: the
caller reads it whole, which says what is wrong with it, as for any file.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from array import array
from typing import BinaryIO, Iterable, Iterator

import attrs

from ..errors import InputError, Location
from ._result import ReadResult, finish
from .jsonl import LogLine, build_session, decode_line, usable_id

_SESSION = re.compile(r'"session"\s*:\s*("(?:[^"\\]|\\.)*")')
_BOM = "\ufeff".encode("utf-8")


def _ints() -> array:   # type: ignore[type-arg]
    return array("q")


@attrs.define(eq=False)
class SessionLines:
    """Where one session's lines are in a log, as runs of consecutive lines: for each run, the
    number and byte offset of its first line, its number of lines and its size in bytes (each
    line with its end of line)."""
    session: str
    numbers: array = attrs.field(factory=_ints)   # type: ignore[type-arg]
    offsets: array = attrs.field(factory=_ints)   # type: ignore[type-arg]
    counts: array = attrs.field(factory=_ints)    # type: ignore[type-arg]
    sizes: array = attrs.field(factory=_ints)     # type: ignore[type-arg]

    def add(self, number: int, offset: int, size: int) -> None:
        """Line ``number``, of ``size`` bytes (its end of line included) at ``offset``."""
        last = len(self.numbers) - 1
        if last >= 0 and self.numbers[last] + self.counts[last] == number \
                and self.offsets[last] + self.sizes[last] == offset:
            self.counts[last] += 1
            self.sizes[last] += size
            return
        self.numbers.append(number)
        self.offsets.append(offset)
        self.counts.append(1)
        self.sizes.append(size)

    def lines(self, stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
        """(number, bytes without the end of line) of each line, read from ``stream`` one run at
        a time; None for a line no longer there (the file changed since it was indexed)."""
        for number, offset, count, size in zip(self.numbers, self.offsets, self.counts, self.sizes):
            stream.seek(offset)
            pieces = stream.read(size).split(b"\n")
            for i in range(count):
                yield number + i, pieces[i] if i < len(pieces) else None


@attrs.define
class LogIndex:
    sessions: dict[str, SessionLines]     # in order of first appearance
    problems: list[InputError]            # lines of no known session
    digest: str = ""                      # sha256 of the file, as hex


def cheap_session(line: str) -> str | None:
    """The session id of a plain line (one ``"session"`` key, a usable id), else None."""
    if line.count('"session"') != 1:
        return None
    match = _SESSION.search(line)
    if match is None:
        return None
    try:
        sid = json.loads(match.group(1))
    except ValueError:
        return None
    return usable_id(sid) if isinstance(sid, str) and sid.strip() else None


def _lines(stream: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(number, offset, bytes) of each line, split at b"\\n" only, as ``split_log`` does."""
    offset = 0
    for number, raw in enumerate(stream, start=1):
        yield number, offset, raw
        offset += len(raw)


def index_log(file: str, stream: BinaryIO) -> LogIndex | None:
    """The index of the log open in ``stream``; None if it is not plain UTF-8 text."""
    sessions: dict[str, SessionLines] = {}
    problems: list[InputError] = []
    content = False
    digest = hashlib.sha256()
    for number, offset, raw in _lines(stream):
        digest.update(raw)
        if number == 1 and raw.startswith(_BOM):      # the reader drops a leading BOM
            raw, offset = raw[len(_BOM):], offset + len(_BOM)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "\x00" in line:
            return None
        text = line.removesuffix("\n")
        if not text.strip():
            continue
        content = True
        sid = cheap_session(text)
        if sid is None:
            decoded = decode_line(text, number, file)
            if decoded is None:
                continue
            if decoded[0] is None:
                assert isinstance(decoded[1], InputError)
                problems.append(decoded[1])
                continue
            sid = decoded[0]
        entry = sessions.get(sid)
        if entry is None:
            entry = sessions[sid] = SessionLines(sid)
        entry.add(number, offset, len(raw))
    return LogIndex(sessions, problems, digest.hexdigest()) if content else None


def read_indexed(file: str, stream: BinaryIO, items: Iterable[SessionLines]) -> ReadResult:
    """The sessions whose lines ``items`` index, read from the log open in ``stream``.

    A line that no longer decodes as its session's (the file changed since it was indexed) is a
    problem of the file, never a silent loss.
    """
    builders = []
    problems: list[InputError] = []
    for entry in items:
        lines: list[LogLine] = []
        for number, raw in entry.lines(stream):
            if raw is None:
                problems.append(InputError("line missing", location=Location(file, number),
                                           expected="a log that does not change while it is audited"))
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(InputError("not UTF-8 text", location=Location(file, number),
                                           expected="a UTF-8 encoded file (it changed while audited?)"))
                continue
            decoded = decode_line(text, number, file)
            if decoded is None:
                continue
            sid, item = decoded
            if sid == entry.session:
                lines.append((number, item))
            else:
                problems.append(item if isinstance(item, InputError) else InputError(
                    f"line of session '{sid}', indexed as '{entry.session}'", location=Location(file, number),
                    expected="a log that does not change while it is audited"))
        builders.append(build_session(entry.session, file, lines))
    return finish(builders, problems)


def open_log(file: str) -> BinaryIO:
    """The log, opened for reading as ``read_bytes`` opens files (never blocking on a FIFO)."""
    from . import special_file_kind, why_unreadable
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise InputError(f"cannot read the file ({why_unreadable(file, error)})", location=Location(file)) from None
    stream = os.fdopen(fd, "rb")
    kind = special_file_kind(os.fstat(fd).st_mode)
    if kind is not None:
        stream.close()
        raise InputError(f"cannot read the file ({kind}, not a regular file)", location=Location(file))
    return stream
