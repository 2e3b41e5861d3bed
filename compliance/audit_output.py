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
import io
import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Literal, Sequence, TextIO

import attrs

from .audit import TIME_LIMIT, FileOutcome, Problem, Progress, Reported, Summary, run_audit
from .errors import ComplianceError, printable
from .readers import SUFFIXES, special_file_kind
from .reporters import REPORTERS
from .reporters._labels import utf8_json
from .reporters.audit_text import render_audit_summary
from .reporters.junit import render_junit
from .reporters.sarif import render_sarif
from .reporters.text import render_text
from .reporters.table import FINDING_COLUMNS, SESSION_COLUMNS, csv_header, csv_rows
from .model import Report
from .rulebook import Rulebook
from .checker import default_rulebook, section_titles
from .session_output import (SessionOutput, View, failing_severities, json_line, lean_session, only_failing,
                             session_output)
from .waivers import load_waivers

__all__ = ["AuditOptions", "OutcomeWriter", "View", "write_audit", "atomic_output", "lean_session", "only_failing",
           "failing_severities", "audit_head", "catalogue_json", "OutputError", "GuardedStream"]

AUDIT_SCHEMA = "tp-compliance/audit/2"
EXIT_INTERNAL, EXIT_UNUSABLE, EXIT_FINDINGS, EXIT_OK = 70, 2, 1, 0
AuditFormat = Literal["text", "json", "jsonl", "csv", "csv-sessions", "markdown", "html", "sarif", "junit"]
# every format of check and audit (``md`` is read as ``markdown``)
FORMATS: tuple[str, ...] = ("text", "json", "jsonl", "csv", "csv-sessions", "markdown", "html", "sarif", "junit")
AUDIT_FORMATS = FORMATS
_CSV_COLUMNS = {"csv": FINDING_COLUMNS, "csv-sessions": SESSION_COLUMNS}
FailOn = Literal["violation", "warning", "never"]


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
    quiet: bool = False               # text: the summary only; jsonl: no session lines
    only_failing: bool = False        # only the sessions and clauses that fail (--fail-on)
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
            raw = getattr(self._stream, "buffer", None)
            if isinstance(raw, io.RawIOBase):      # PYTHONUNBUFFERED: see _write_all
                return self._write_all(raw, text)
            try:
                return self._stream.write(text)
            except UnicodeEncodeError:      # a terminal that is not UTF-8
                encoding = getattr(self._stream, "encoding", None) or "utf-8"
                return self._stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        except (OSError, ValueError) as error:
            raise self._failed(error) from None

    def _write_all(self, raw: io.RawIOBase, text: str) -> int:
        """Write ``text`` whole to an unbuffered stream. Its text layer takes a short write (a
        disk that fills up: 8,192 bytes of 300,000 written) for the whole and says nothing; the
        next write then fails with ENOSPC or EFBIG, which becomes the error."""
        assert self._stream is not None
        self._stream.flush()
        encoding = getattr(self._stream, "encoding", None) or "utf-8"
        view = memoryview(text.encode(encoding, "backslashreplace"))
        while view:
            written = raw.write(view)
            if not written:         # nothing taken: a non-blocking stream that is full
                raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))
            view = view[written:]
        return len(text)

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
    if not name:
        raise OutputError("--output: expected a file name, got ''")
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


def _refuse_an_input(path: str, target: str, inputs: Sequence[str]) -> None:
    """The report would replace what the run reads: the input would be lost (and ``audit`` reads
    the files it finds only as it goes)."""
    if not os.path.exists(target):
        return
    real = os.path.realpath(target)
    for name in inputs:
        if name == "-":
            continue
        with contextlib.suppress(OSError, ValueError):
            if os.path.isdir(name):
                inside = os.path.commonpath([real, os.path.realpath(name)]) == os.path.realpath(name)
                if not (inside and Path(target).suffix.lower() in SUFFIXES):
                    continue
            elif not os.path.samefile(name, target):
                continue
            raise OutputError(f"--output {path}: also an input of this run ({name}); refused "
                              "(the report would replace it)")


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
def atomic_output(path: str | None, stdout: TextIO | GuardedStream | None,
                  inputs: Sequence[str] = ()) -> Iterator[GuardedStream]:
    """stdout, or a temporary file renamed over ``path`` only once complete (removed otherwise).
    A ``path`` that is one of ``inputs`` (or a file read under one of them) is refused."""
    if path is None:
        yield GuardedStream(stdout)
        return
    target = output_target(path)
    _refuse_an_input(path, target, inputs)
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


def catalogue_json(rulebook: Rulebook) -> dict[str, Any]:
    """The clause catalogue once (ids, sections, titles in both languages): an audit's session
    lines name clauses by id only, so 13 KB of titles are not repeated on every line."""
    return {"rulebook": rulebook.fingerprint,
            "clauses": [{"clause": c.id, "section": c.section, "title": {"fr": c.title.fr, "en": c.title.en}}
                        for c in rulebook.clauses if not c.retired],
            "sections": [{"section": section, "title": {"fr": title.fr, "en": title.en}}
                         for section, title in section_titles(rulebook)]}


def audit_head(as_of: dt.datetime, rulebook: Rulebook) -> dict[str, Any]:
    """The first line of a JSON Lines audit (and the envelope of a JSON one)."""
    return {"schema": AUDIT_SCHEMA, "as_of": as_of.isoformat(), **catalogue_json(rulebook)}


def _problem_line(problem: Problem) -> dict[str, Any]:
    line: dict[str, Any] = {"kind": "problem", "file": problem.file, "error": problem.message}
    for key in ("session", "line"):
        if getattr(problem, key) is not None:
            line[key] = getattr(problem, key)
    if problem.internal:
        line["internal"] = True
    return line


class OutcomeWriter:
    """Writes outcomes as they come in ``view.format``: streamed (text lines of an audit, JSON
    Lines, CSV) or gathered and rendered at the end (json, markdown, html, sarif, junit, and
    check's text). Keeps the summary, the problems and whether a failing finding was seen."""

    def __init__(self, out: GuardedStream, view: View, as_of: dt.datetime, rulebook: Rulebook):
        self.out, self.view, self.as_of, self.rulebook = out, view, as_of, rulebook
        self.summary = Summary()
        self.problems: list[Problem] = []
        self.failing = False
        self.sessions_seen: set[str] = set()
        self._gathered: list[SessionOutput] = []
        self._fail = frozenset(s.value for s in failing_severities(view.fail_on))

    @property
    def problems_in_output(self) -> bool:
        """Whether the output itself lists the problems (else only stderr shows them)."""
        return self.view.format in ("jsonl", "csv", "csv-sessions", "sarif", "junit") or \
            (self.view.command == "audit" and self.view.format in ("text", "json"))

    def begin(self) -> None:
        fmt = self.view.format
        if fmt == "jsonl":
            self.out.write(json_line({"kind": "audit", **audit_head(self.as_of, self.rulebook)}))
        elif fmt in _CSV_COLUMNS:
            self.out.write(csv_header(_CSV_COLUMNS[fmt]))

    def add(self, outcome: FileOutcome) -> None:
        """Count and write an outcome: its sessions (made by the audit's workers, or reports of
        this process, made here alike), then its problems."""
        outputs = [self._output(r) for r in outcome.reports]
        unreadable = self._output(outcome.unreadable_report) if outcome.unreadable_report is not None else None
        self.summary.add(outcome, outputs, unreadable)
        self.problems.extend(outcome.problems)
        if unreadable is not None:       # an unreadable record's D1 findings
            outputs.append(unreadable)
        texts = []
        for output in outputs:
            self.sessions_seen.add(output.session)
            self.failing |= not self._fail.isdisjoint(output.live)
            if not output.shown:
                continue
            if output.text:
                texts.append(output.text)
            elif output.data or output.kept is not None:
                self._gathered.append(output)
        texts += [self._problem(problem) for problem in outcome.problems]
        if texts:
            self.out.write("".join(texts))

    def _output(self, report: Reported) -> SessionOutput:
        if isinstance(report, SessionOutput):
            return report
        return session_output(report, self.view, keep=True)

    def _problem(self, problem: Problem) -> str:
        fmt = self.view.format
        if fmt == "jsonl":
            return json_line(_problem_line(problem))
        if fmt == "text" and self.view.command == "audit":
            return f"!! {printable(problem.message)}\n"
        if fmt in _CSV_COLUMNS:     # every input accounted for, in the table too
            return csv_rows([_problem_row(problem, fmt)])
        return ""

    def _reports(self) -> list[Report]:
        """The gathered reports; those read back from their JSON form get the section titles."""
        sections = section_titles(self.rulebook)
        return [output.report(sections) for output in self._gathered]

    def end(self, unused_waivers: list[str]) -> dict[str, Any]:
        """Writes what was gathered and the summary; returns the summary's JSON form."""
        fmt, lang = self.view.format, self.view.lang
        summary_json = dict(self.summary.to_json(), unused_waivers=unused_waivers)
        if fmt == "jsonl":
            self.out.write(json_line({"kind": "summary", **summary_json}))
        elif fmt == "json" and self.view.command == "audit":
            sessions = [lean_session(o.kept) if o.kept is not None else o.document() for o in self._gathered]
            self.out.write(utf8_json(json.dumps({**audit_head(self.as_of, self.rulebook),
                                                 "sessions": sessions,
                                                 "problems": [p.message for p in self.problems],
                                                 "summary": summary_json},
                                                ensure_ascii=False, indent=2, sort_keys=True)) + "\n")
        elif fmt == "text" and self.view.command == "audit":
            self.out.write(render_audit_summary(summary_json, lang))
        elif fmt == "text" and not self.view.quiet:
            self.out.write(render_text(self._reports(), lang, colour=self.view.colour))
        elif fmt in ("sarif", "junit"):       # dashboards: the inputs not used are in the file too
            problems = [(p.file, p.line, p.message) for p in self.problems]
            renderer = render_sarif if fmt == "sarif" else render_junit
            self.out.write(renderer(self._reports(), lang, problems))
        elif fmt != "text" and fmt not in _CSV_COLUMNS:
            self.out.write(REPORTERS[fmt](self._reports(), lang))
        return summary_json

    def exit_code(self) -> int:
        """70 (a bug met), 2 (an input not used), 1 (a failing finding), 0."""
        if self.summary.internal_errors:
            return EXIT_INTERNAL
        if self.problems:
            return EXIT_UNUSABLE
        return EXIT_FINDINGS if self.failing else EXIT_OK


def write_audit(options: AuditOptions, stdout: TextIO | GuardedStream | None, stderr: TextIO,
                rulebook: Rulebook | None = None, stdin: BinaryIO | None = None) -> int:
    """Run the audit and write it.

    Args:
        options: what to audit and how.
        stdout: where the audit goes without ``options.output``; stderr: progress (on a
            terminal) and, under ``options.debug``, tracebacks.
        rulebook: the rule base (default: ``options.rule_dirs`` over the shipped one).
        stdin: read for the path ``-`` (checked first, in this process).
    Returns:
        The exit code: the worst of 70 (a session met a bug of ours), 2 (an input could not be
        used: findings are still all written), 1 (findings of the ``fail_on`` severity), 0.
    Raises:
        OutputError: the output cannot be written. RulebookError / InputError: invalid rules or
        waivers, before any work.
    """
    from .local_check import STDIN, stdin_outcome
    as_of = options.as_of
    rulebook = rulebook or default_rulebook()
    progress = Progress(stderr, options.lang) if getattr(stderr, "isatty", lambda: False)() else None
    waivers = load_waivers(options.waivers, rulebook) if options.waivers else ()
    view = View(command="audit", format=options.format, lang=options.lang, fail_on=options.fail_on,
                quiet=options.quiet, only_failing=options.only_failing)
    paths = [p for p in options.paths if p != STDIN]
    with atomic_output(options.output, stdout, options.paths) as out, \
            contextlib.closing(run_audit(paths, as_of=as_of, rule_dirs=options.rule_dirs, rulebook=rulebook,
                                         jobs=options.jobs or None, waivers=waivers, time_limit=options.time_limit,
                                         progress=progress, scheduler=options.scheduler, view=view)) as outcomes:
        writer = OutcomeWriter(out, view, as_of, rulebook)
        writer.begin()
        if len(paths) < len(options.paths):
            writer.add(stdin_outcome(stdin, rulebook, as_of, waivers, timeline=False))
        for outcome in outcomes if paths else ():
            if progress is not None and options.output is None:
                progress.clear()          # the session lines share the terminal with it
            writer.add(outcome)
        summary = writer.summary
        unused = [w for w in waivers if (w.file, w.line) not in summary.waivers_applied | summary.waivers_expired]
        summary_json = writer.end([f"{w.file}:{w.line}" for w in unused])
        out.flush()
    # a table or a page has no room for the summary, and an audit written to a file leaves the
    # terminal empty: the person who ran it sees the problems and the summary on stderr
    if not (options.format in ("text", "json", "jsonl") and options.output is None):
        with contextlib.suppress(OSError, ValueError):
            if options.output is not None or not writer.problems_in_output:
                for problem in writer.problems:
                    stderr.write(f"!! {printable(problem.message)}\n")
            stderr.write(render_audit_summary(summary_json, options.lang))
            stderr.flush()
    if options.debug:
        for problem in writer.problems:
            if problem.detail:
                print(f"compliance: traceback of: {problem.message}\n{problem.detail}", file=stderr)
    return writer.exit_code()


def _problem_row(problem: Problem, format: str) -> tuple[object, ...]:
    """A problem as a row of the table: severity (or status) ``problem``, its line as message."""
    row = {name: "" for name in _CSV_COLUMNS[format]}
    row.update(session=problem.session or "", source=problem.file)
    if format == "csv":
        row.update(severity="problem", message=problem.message)
    else:
        row.update(status="problem")
    return tuple(row.values())
