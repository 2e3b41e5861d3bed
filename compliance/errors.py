"""The exception hierarchy. Every error knows where it happened and renders as one greppable line.

    rules/S3-candidats.yaml:42:7: rule 'S3.1-x': field 'when': expected a list, got 'abc'

Nothing here prints or exits; the CLI maps each class to its exit code. Values are shown as
written (``repr``, shortened) and characters that would break the line or the terminal (control
characters, line separators, bidirectional overrides, lone surrogates) are escaped: ``\x1b``.
"""
from __future__ import annotations

from typing import Iterable

import unicodedata

import attrs


@attrs.frozen
class Location:
    """Where something came from: a file, and where known a line, a column and an event index."""

    file: str
    line: int | None = None
    column: int | None = None
    event: int | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.event is not None:
            text += f" (event {self.event})"
        return text


class ComplianceError(Exception):
    """Base of every error raised on purpose by this package."""

    exit_code = 2

    def __init__(self, message: str, *, location: Location | None = None, subject: str | None = None,
                 expected: str | None = None, got: object = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.subject = subject
        self.expected = expected
        self.got = got
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.location is not None:
            parts.append(f"{self.location}:")
        if self.subject:
            parts.append(f"{self.subject}:")
        text = self.message
        if self.expected is not None:
            text += f": expected {self.expected}"
            if self.got is not None:
                text += f", got {shown(self.got)}"
        if self.hint:
            text += f" ({self.hint})"
        parts.append(text)
        return printable(" ".join(parts))


class RulebookError(ComplianceError):
    """A rule file or the clause catalogue is invalid. Raised at load time, never at check time."""


class InputError(ComplianceError):
    """A session record or event log cannot be used as given."""


class UsageError(ComplianceError):
    """The caller asked for something impossible (bad option, audit date before the events...)."""


class EngineError(ComplianceError):
    """A bug of ours or of durable_rules: the rules engine did something it must not do."""

    exit_code = 70


class ProblemList(ComplianceError):
    """Several problems found in one pass; ``str()`` shows the first, ``problems`` holds them all."""

    def __init__(self, problems: list[ComplianceError]):
        if not problems:
            raise ValueError("ProblemList needs at least one problem")
        self.problems = tuple(problems)
        first = problems[0]
        Exception.__init__(self, str(first))
        self.location = first.location
        self.exit_code = first.exit_code

    def __str__(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        return first if not more else f"{first} (and {more} more problem{'s' if more > 1 else ''})"


def shown(value: object, limit: int = 60) -> str:
    """A value as written, quoted like Python (``'on'``, ``0x1F``), shortened to ``limit``."""
    try:
        text = repr(value)
    except ValueError:          # an int too long for Python to write out
        text = f"<{type(value).__name__} too long to show>"
    if len(text) <= limit:
        return text
    tail = text[-1] if text[-1] in "'\"" else ""
    return text[: limit - 1 - len(tail)] + "…" + tail


def printable(text: str) -> str:
    """``text`` with the characters that could break a line or a terminal escaped.

    Control characters (C0, C1, DEL), line and paragraph separators, format characters (the
    bidirectional overrides among them) and lone surrogates become ``\\x1b``, ``\\u202e``…; a
    file-name byte that is not UTF-8 (``\\udcff`` after decoding) shows as that byte, ``\\xff``.
    Everything else, accents and non-breaking spaces included, is kept.
    """
    if text.isprintable():
        return text
    return "".join(_escaped(c) if unicodedata.category(c) in _ESCAPED else c for c in text)


_ESCAPED = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:         # os.fsdecode's stand-in for an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known spelling, or None."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
