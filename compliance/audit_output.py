"""Writing an audit: streams the outcomes in the chosen format, atomically when to a file.

``atomic_output`` also writes ``check --output``: a regular file is only ever replaced whole,
by renaming a complete temporary file over it; anything else (a FIFO, a device, a directory, a
dangling link) is refused before any work is done.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import json
import os
import secrets
import stat
import sys
from contextlib import contextmanager
from typing import Any, Iterator, TextIO

from .audit import TIME_LIMIT, FileOutcome, Progress, Summary, run_audit
from .errors import ComplianceError, printable
from .readers import special_file_kind
from .reporters._labels import utf8_json
from .reporters.audit_text import render_audit_session, render_audit_summary
from .rulebook import Rulebook
from .waivers import load_waivers

AUDIT_SCHEMA = "tp-compliance/audit/1"
EXIT_INTERNAL, EXIT_UNUSABLE, EXIT_FINDINGS, EXIT_OK = 70, 2, 1, 0


class OutputError(ComplianceError):
    """The output cannot be written; ``errno`` EPIPE means its reader left (a closed pipe)."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.errno = code


class GuardedStream:
    """A text stream whose failures become one ``OutputError`` naming where it was going."""

    def __init__(self, stream: TextIO | None, message: str = "cannot write to standard output ({why})"):
        self._stream, self._message = stream, message

    def _failed(self, error: OSError | ValueError) -> OutputError:
        code = getattr(error, "errno", None) or errno.EBADF
        why = os.strerror(code) if isinstance(error, ValueError) or not error.strerror else error.strerror
        return OutputError(self._message.replace("{why}", why), code)

    def write(self, text: str) -> int:
        if self._stream is None:
            raise OutputError(self._message.replace("{why}", "it is closed"), errno.EBADF)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:   # a lone surrogate (a file name not in UTF-8): written as \udce9
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        try:
            try:
                return self._stream.write(text)
            except UnicodeEncodeError:      # a terminal that is not UTF-8
                encoding = getattr(self._stream, "encoding", None) or "utf-8"
                return self._stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        except (OSError, ValueError) as error:
            raise self._failed(error) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError) as error:
            raise self._failed(error) from None

    def isatty(self) -> bool:
        return bool(self._stream is not None and getattr(self._stream, "isatty", lambda: False)())


def output_target(name: str) -> str:
    """The regular file ``--output`` may replace (a link is followed), or an OutputError why not."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(name).decode("utf-8", "backslashreplace")
        raise OutputError(f"--output {shown}: the file name is not valid UTF-8; refused") from None
    try:
        status = os.stat(name)
    except FileNotFoundError:
        if os.path.islink(name):
            raise OutputError(f"--output {name}: dangling symbolic link (to '{os.readlink(name)}'); "
                              "refused") from None
        directory = os.path.dirname(name) or "."
        if not os.path.isdir(directory):
            raise OutputError(f"--output {name}: no such directory '{directory}'") from None
        return name
    except OSError as error:
        raise OutputError(f"--output {name}: {error.strerror}") from None
    kind = special_file_kind(status.st_mode)
    if kind is not None:
        raise OutputError(f"--output {name}: {kind}, not a regular file; refused "
                          "(only a regular file is replaced)")
    return os.path.realpath(name) if os.path.islink(name) else name


def _temporary(target: str) -> tuple[str, int]:
    directory, base = os.path.split(target)
    while True:
        tmp = os.path.join(directory, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:     # 0o666 then the umask: the file gets the mode any new file would get
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as error:
            raise OutputError(f"--output {target}: cannot create a file in '{directory or '.'}' "
                              f"({error.strerror})") from None


@contextmanager
def atomic_output(path: str | None, stdout: TextIO | None) -> Iterator[GuardedStream]:
    """stdout, or a temporary file renamed over ``path`` only once complete (removed otherwise)."""
    if path is None:
        yield GuardedStream(stdout)
        return
    target = output_target(path)
    before = "the previous file is left as it was" if os.path.exists(target) else "no file written"
    tmp, fd = _temporary(target)
    stream = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
    guarded = GuardedStream(stream, f"--output {path}: cannot write ({{why}}); {before}")
    try:
        yield guarded
        try:
            stream.flush()
            os.fsync(fd)
            stream.close()
        except OSError as error:
            raise guarded._failed(error) from None
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError, ValueError):
            stream.close()
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _line(document: dict[str, Any]) -> str:
    return utf8_json(json.dumps(document, ensure_ascii=False, sort_keys=True)) + "\n"


def _problem_line(problem: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"kind": "problem", "file": problem.file, "error": problem.message}
    for key in ("session", "line"):
        if getattr(problem, key) is not None:
            line[key] = getattr(problem, key)
    if problem.internal:
        line["internal"] = True
    return line


def write_audit(args: argparse.Namespace, as_of: dt.datetime, stdout: TextIO, stderr: TextIO,
                rulebook: Rulebook | None = None) -> int:
    """Run the audit and write it; the exit code is the worst of 70 (a session met a bug of
    ours), 2 (an input could not be used: findings are still all written), 1 (findings of the
    ``--fail-on`` severity), 0."""
    summary = Summary()
    progress = Progress(stderr) if getattr(stderr, "isatty", lambda: False)() else None
    problems: list[Any] = []
    fail_severities = {"violation": {"violation"}, "warning": {"violation", "warning"}, "never": set()}[args.fail_on]
    failing = False
    waivers = load_waivers(args.waivers, rulebook) if args.waivers else ()
    sessions_json: list[dict[str, Any]] = []
    time_limit = getattr(args, "time_limit", TIME_LIMIT)
    with atomic_output(args.output, stdout) as out, \
            contextlib.closing(run_audit(args.paths, as_of=as_of, rule_dirs=tuple(args.rules), rulebook=rulebook,
                                         jobs=args.jobs or None, waivers=waivers, time_limit=time_limit,
                                         progress=progress)) as outcomes:
        if args.format == "jsonl":
            out.write(_line({"kind": "audit", "schema": AUDIT_SCHEMA, "as_of": as_of.isoformat()}))
        for outcome in outcomes:
            summary.add(outcome)
            problems.extend(outcome.problems)
            _write_outcome(out, outcome, args, sessions_json)
            for report in outcome.reports:
                failing |= any(f["severity"] in fail_severities and not f.get("waived") for f in report["findings"])
        unused = [w for w in waivers if (w.file, w.line) not in summary.waivers_applied | summary.waivers_expired]
        summary_json = dict(summary.to_json(), unused_waivers=[f"{w.file}:{w.line}" for w in unused])
        if args.format == "jsonl":
            out.write(_line({"kind": "summary", **summary_json}))
        elif args.format == "json":
            out.write(utf8_json(json.dumps({"schema": AUDIT_SCHEMA, "as_of": as_of.isoformat(),
                                            "sessions": sessions_json, "problems": [p.message for p in problems],
                                            "summary": summary_json},
                                           ensure_ascii=False, indent=2, sort_keys=True)) + "\n")
        else:
            out.write(_text_summary(summary_json, args.lang))
        out.flush()
    if getattr(args, "debug", False):
        for problem in problems:
            if problem.detail:
                print(f"compliance: traceback of: {problem.message}\n{problem.detail}", file=stderr)
    if summary.internal_errors:
        return EXIT_INTERNAL
    if problems:
        return EXIT_UNUSABLE
    return EXIT_FINDINGS if failing else EXIT_OK


def _write_outcome(out: GuardedStream, outcome: FileOutcome, args: argparse.Namespace,
                   sessions_json: list[dict[str, Any]]) -> None:
    for report in outcome.reports:
        if args.format == "jsonl":
            out.write(_line({"kind": "session", **report}))
        elif args.format == "json":
            sessions_json.append(report)
        else:
            out.write(_text_session(report, args.lang))
    for problem in outcome.problems:
        if args.format == "jsonl":
            out.write(_line(_problem_line(problem)))
        elif args.format == "text":
            out.write(f"!! {printable(problem.message)}\n")


def _text_session(report: dict[str, Any], lang: str) -> str:
    return render_audit_session(report, lang)


def _text_summary(s: dict[str, Any], lang: str) -> str:
    return render_audit_summary(s, lang)
