"""Readers: files in, validated ``Session`` values out. One module per input format.

* ``.jsonl`` — an event log, one JSON event per line, sessions may be interleaved;
* ``.yaml``/``.yml``/``.json`` — a session record: the session id, its declarations, its events.

Every problem names the file and the line (and the event where known); all problems of a file are
collected before raising.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Location
from ..model import Session
from .jsonl import read_jsonl
from .record import read_record

SUFFIXES = {".jsonl": read_jsonl, ".ndjson": read_jsonl, ".yaml": read_record,
            ".yml": read_record, ".json": read_record}


def read_path(path: str | Path) -> list[Session]:
    """Read every session of one file.

    Raises:
        InputError / ProblemList: the file cannot be used; messages name file and line.
    """
    path = Path(path)
    reader = SUFFIXES.get(path.suffix.lower())
    if reader is None:
        raise InputError("unknown file type", location=Location(str(path)),
                         expected="a .jsonl event log or a .yaml/.yml/.json session record")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", location=Location(str(path))) from None
    return reader(data, str(path))


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 text of a file, or an error naming the line of the first bad byte."""
    if not data.strip():
        raise InputError("empty file", location=Location(file), expected="session events")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", location=Location(file, line),
                         expected="a UTF-8 encoded file") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError("binary data (NUL byte)", location=Location(file, line), expected="text")
    return text.removeprefix("\ufeff")
