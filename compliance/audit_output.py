"""Writing an audit: streams the outcomes in the chosen format, atomically when to a file.

``write_audit(options, ...)`` takes what to audit and how as one ``AuditOptions`` value.

``atomic_output`` also writes ``check --output``: a regular file is only ever replaced whole,
by renaming a complete temporary file over it; anything else (a FIFO, a device, a directory, a
dangling link) is refused before any work is done.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import secrets
from contextlib import contextmanager
from typing import Any, Iterator, Literal, TextIO

import attrs

from .audit import TIME_LIMIT, FileOutcome, Problem, Progress, Summary, run_audit
from .errors import ComplianceError, printable
from .readers import special_file_kind
from .reporters._labels import utf8_json
from .reporters.audit_text import render_audit_session, render_audit_summary
from .reporters.table import FINDING_COLUMNS, SESSION_COLUMNS, csv_header, csv_rows, finding_rows, session_row
from .model import Report, Severity
from .rulebook import Rulebook
from .waivers import load_waivers

AUDIT_SCHEMA = "tp-compliance/audit/1"
EXIT_INTERNAL, EXIT_UNUSABLE, EXIT_FINDINGS, EXIT_OK = 70, 2, 1, 0
AuditFormat = Literal["text", "json", "jsonl", "csv", "csv-sessions"]
AUDIT_FORMATS: tuple[str, ...] = ("text", "json", "jsonl", "csv", "csv-sessions")
_CSV_COLUMNS = {"csv": FINDING_COLUMNS, "csv-sessions": SESSION_COLUMNS}
FailOn = Literal["violation", "warning", "never"]
_FAILING: dict[str, frozenset[Severity]] = {
    "violation": frozenset({Severity.VIOLATION}),
    "warning": frozenset({Severity.VIOLATION, Severity.WARNING}), "never": frozenset()}


def _paths(value: Any) -> tuple[str, ...]:
    return tuple(os.fsdecode(v) for v in value)


@attrs.frozen(kw_only=True)
class AuditOptions:
    """What to audit and how (``compliance audit``'s options)."""
    paths: tuple[str, ...] = attrs.field(converter=_paths)
    as_of: dt.datetime
    format: AuditFormat = "text"
    lang: Literal["fr", "en"] = "fr"
    output: str | None = None         # a file replaced atomically; None: stdout
    fail_on: FailOn = "violation"     # which findings make the exit code 1
    rule_dirs: tuple[str, ...] = attrs.field(default=(), converter=_paths)
    waivers: str | None = None        # a waiver file
    jobs: int | None = None           # worker processes; None: one per core
    time_limit: float | None = TIME_LIMIT
    debug: bool = False               # tracebacks of internal errors on stderr
    scheduler: Any = None             # a Dask scheduler address or Client: run there (dask_backend)


class OutputError(ComplianceError):
    """The output cannot be written; ``errno`` EPIPE means its reader left (a closed pipe)."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.errno = code


class GuardedStream:
    """A text stream whose failures become one ``OutputError`` naming where it was going."""

    def __init__(self, stream: TextIO | GuardedStream | None, message: str = "cannot write to standard output ({why})"):
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
def atomic_output(path: str | None, stdout: TextIO | GuardedStream | None) -> Iterator[GuardedStream]:
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


def _problem_line(problem: Problem) -> dict[str, Any]:
    line: dict[str, Any] = {"kind": "problem", "file": problem.file, "error": problem.message}
    for key in ("session", "line"):
        if getattr(problem, key) is not None:
            line[key] = getattr(problem, key)
    if problem.internal:
        line["internal"] = True
    return line


def write_audit(options: AuditOptions, stdout: TextIO | GuardedStream | None, stderr: TextIO,
                rulebook: Rulebook | None = None) -> int:
    """Run the audit and write it.

    Args:
        options: what to audit and how.
        stdout: where the audit goes without ``options.output``; stderr: progress (on a
            terminal) and, under ``options.debug``, tracebacks.
        rulebook: the rule base (default: ``options.rule_dirs`` over the shipped one).
    Returns:
        The exit code: the worst of 70 (a session met a bug of ours), 2 (an input could not be
        used: findings are still all written), 1 (findings of the ``fail_on`` severity), 0.
    Raises:
        OutputError: the output cannot be written. RulebookError / InputError: invalid rules or
        waivers, before any work.
    """
    as_of = options.as_of
    summary = Summary()
    progress = Progress(stderr) if getattr(stderr, "isatty", lambda: False)() else None
    problems: list[Problem] = []
    fail_severities = _FAILING[options.fail_on]
    failing = False
    waivers = load_waivers(options.waivers, rulebook) if options.waivers else ()
    sessions_json: list[dict[str, Any]] = []
    with atomic_output(options.output, stdout) as out, \
            contextlib.closing(run_audit(options.paths, as_of=as_of, rule_dirs=options.rule_dirs, rulebook=rulebook,
                                         jobs=options.jobs or None, waivers=waivers, time_limit=options.time_limit,
                                         progress=progress, scheduler=options.scheduler)) as outcomes:
        if options.format == "jsonl":
            out.write(_line({"kind": "audit", "schema": AUDIT_SCHEMA, "as_of": as_of.isoformat()}))
        elif options.format in _CSV_COLUMNS:
            out.write(csv_header(_CSV_COLUMNS[options.format]))
        for outcome in outcomes:
            summary.add(outcome)
            problems.extend(outcome.problems)
            if progress is not None and options.output is None:
                progress.clear()          # the session lines share the terminal with it
            _write_outcome(out, outcome, options, sessions_json)
            for report in outcome.reports:
                failing |= any(f.severity in fail_severities and f.waived is None for f in report.findings)
        unused = [w for w in waivers if (w.file, w.line) not in summary.waivers_applied | summary.waivers_expired]
        summary_json = dict(summary.to_json(), unused_waivers=[f"{w.file}:{w.line}" for w in unused])
        if options.format == "jsonl":
            out.write(_line({"kind": "summary", **summary_json}))
        elif options.format == "json":
            out.write(utf8_json(json.dumps({"schema": AUDIT_SCHEMA, "as_of": as_of.isoformat(),
                                            "sessions": sessions_json, "problems": [p.message for p in problems],
                                            "summary": summary_json},
                                           ensure_ascii=False, indent=2, sort_keys=True)) + "\n")
        elif options.format == "text":
            out.write(_text_summary(summary_json, options.lang))
        out.flush()
    # a table has no room for the summary, and an audit written to a file leaves the terminal
    # empty: the person who ran it sees the problems and the summary on stderr
    if options.format in _CSV_COLUMNS or options.output is not None:
        with contextlib.suppress(OSError, ValueError):
            if options.output is not None:
                for problem in problems:
                    stderr.write(f"!! {printable(problem.message)}\n")
            stderr.write(_text_summary(summary_json, options.lang))
            stderr.flush()
    if options.debug:
        for problem in problems:
            if problem.detail:
                print(f"compliance: traceback of: {problem.message}\n{problem.detail}", file=stderr)
    if summary.internal_errors:
        return EXIT_INTERNAL
    if problems:
        return EXIT_UNUSABLE
    return EXIT_FINDINGS if failing else EXIT_OK


def _write_outcome(out: GuardedStream, outcome: FileOutcome, options: AuditOptions,
                   sessions_json: list[dict[str, Any]]) -> None:
    reports: tuple[Report, ...] = outcome.reports
    if outcome.unreadable_report is not None:       # an unreadable record's D1 findings
        reports += (outcome.unreadable_report,)
    for report in reports:
        document = report.to_json()
        if options.format == "jsonl":
            out.write(_line({"kind": "session", **document}))
        elif options.format == "json":
            sessions_json.append(document)
        elif options.format == "csv":
            out.write(csv_rows(finding_rows(report, options.lang)))
        elif options.format == "csv-sessions":
            out.write(csv_rows([session_row(report)]))
        else:
            out.write(_text_session(document, options.lang))
    for problem in outcome.problems:
        if options.format == "jsonl":
            out.write(_line(_problem_line(problem)))
        elif options.format == "text":
            out.write(f"!! {printable(problem.message)}\n")
        elif options.format in _CSV_COLUMNS:     # every input accounted for, in the table too
            out.write(csv_rows([_problem_row(problem, options.format)]))


def _problem_row(problem: Problem, format: str) -> tuple[object, ...]:
    """A problem as a row of the table: severity (or status) ``problem``, its line as message."""
    row = {name: "" for name in _CSV_COLUMNS[format]}
    row.update(session=problem.session or "", source=problem.file)
    if format == "csv":
        row.update(severity="problem", message=problem.message)
    else:
        row.update(status="problem")
    return tuple(row.values())


def _text_session(report: dict[str, Any], lang: str) -> str:
    return render_audit_session(report, lang)


def _text_summary(s: dict[str, Any], lang: str) -> str:
    return render_audit_summary(s, lang)
