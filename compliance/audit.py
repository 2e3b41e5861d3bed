"""Audits: many files, many sessions, one command. Every input is accounted for.

1. Discovery (``discover``): the paths in the order given, directories recursively in name
   order, without opening anything (special files are recognised by ``stat``). A path with a
   known suffix that cannot be read (dangling or looping link, FIFO, device, no permission) is a
   problem; other files are counted as "not read"; a file reached twice (named twice, or also
   through its directory or a link) is read once, with a note.
2. Sessions spread over several files (logs rotated by day): with several files, a first pass
   lists each file's session ids (a cheap scan, not a parse; only the ids stay in memory). A
   session found in several files is checked once, with the events of all of them, at the place
   of the first; its ``source`` names every file (``a.jsonl, b.jsonl``) and the ids its readers
   gave by position (``L12``) are prefixed with their file (``b.jsonl:L12``).
3. Checking, in worker processes (``pool``), one task per file (a large log is split by session
   across tasks), then one per group of merged sessions. Results come back in input order,
   whatever the number of workers.

A file that gives no session at all (not UTF-8, invalid YAML or JSON, empty, too large...) is an
unreadable record: besides its problems, its outcome carries a report with a D1 finding for each
(``FileOutcome.unreadable_report``), so every audit format shows it as a finding too.

Results cross from the workers as ``FileOutcome``s of ``Problem``s and of each session's output
already made (``session_output``: the lines the chosen format writes for it, or the JSON form a
gathering format reads back at the end, with what the summary counts): the parent only writes
them, in input order.

Any error while reading or checking one session makes that session a problem, and the audit
goes on: invalid input, an audit date before its events, our own bug (``internal``), a worker
that died twice on it, or a check longer than ``time_limit`` seconds (the worker is killed).

Tests may set ``_fault_hook`` (called in the worker before each session is checked) to make a
worker die or hang on a chosen session; nothing else sets it.
"""
from __future__ import annotations

import datetime as dt
import gc
import json
import os
import re
import stat
import time
import traceback
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Generator, Iterable, Iterator

import attrs

from .checker import check_session, default_rulebook, unreadable_report
from .cli_words import progress as progress_line
from .errors import ComplianceError, InputError, UsageError
from .model import Report, Session, Waiver
from .pool import Done, Failure, Pool, Ready
from .readers import (SUFFIXES, ReadResult, merge_sessions, read_bytes, read_file, special_file_kind,
                      why_unreadable, with_digest)
from .readers.log_index import SessionLines, cheap_session, index_log, open_log, read_indexed
from .rulebook import Rulebook, load_rulebook
from .session_output import WHOLE_REPORTS, SessionOutput, View, session_output
from .waivers import apply_waivers

TIME_LIMIT = 300.0          # seconds: no session check (nor file read) may run longer
BIG_LOG = 4 * 1024 * 1024   # bytes: above this, a log is split by session across the workers
SLICE = 64                  # sessions per task of a split log
MERGE_SLICE = 256           # merged sessions per task (each task reads all their files again)
LOG_SUFFIXES = (".jsonl", ".ndjson")

_fault_hook: Callable[[Session], None] | None = None


@attrs.frozen
class Problem:
    """Something of the input that could not be used; ``message`` is the one line shown."""
    file: str
    message: str
    session: str | None = None     # the session not checked, if the problem is one session's
    line: int | None = None
    internal: bool = False         # our own bug (or the engine's): the audit exits 70
    detail: str | None = None      # the traceback of an internal error, shown under --debug


Reported = Report | SessionOutput    # a report checked in this process, or a session's output


@attrs.frozen
class FileOutcome:
    """What one task gave: session reports and problems.

    A file gives one outcome, or several when split (``last`` marks the one that closes it);
    merged sessions come in outcomes of their own (``last`` False, they close no file).
    An audit's workers send ``SessionOutput``s; ``check`` and standard input give ``Report``s.
    """
    file: str
    reports: tuple[Reported, ...]
    problems: tuple[Problem, ...]
    last: bool = True
    sessions_in_file: int = -1      # on the closing outcome of a file: the sessions it holds
    notes: tuple[str, ...] = ()     # from discovery: paths reached twice
    not_read: int = 0               # from discovery: files of other suffixes
    not_read_files: tuple[str, ...] = ()   # from discovery: their paths
    retire_worker: bool = False     # the worker met an internal error: replace it
    unreadable_report: Reported | None = None   # a file of no session: its D1 findings (not a session)

    @property
    def unreadable(self) -> bool:
        total = len(self.reports) if self.sessions_in_file < 0 else self.sessions_in_file
        return self.last and not total and any(p.session is None for p in self.problems)


@attrs.define
class Summary:
    files: int = 0
    unreadable_files: list[str] = attrs.field(factory=list)
    file_problems: int = 0
    sessions: int = 0
    sessions_not_checked: int = 0
    sessions_with_violations: int = 0
    sessions_with_warnings: int = 0
    not_read: int = 0
    not_read_files: list[str] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    internal_errors: int = 0
    findings_by_clause: Counter[str] = attrs.field(factory=Counter)
    violations_by_clause: Counter[str] = attrs.field(factory=Counter)
    waivers_applied: set[tuple[str | None, int | None]] = attrs.field(factory=set)
    waivers_expired: set[tuple[str | None, int | None]] = attrs.field(factory=set)

    def add(self, outcome: FileOutcome, outputs: Iterable[SessionOutput] = (),
            unreadable: SessionOutput | None = None) -> None:
        """Count ``outcome``, whose reports are ``outputs`` (and its unreadable report ``unreadable``)."""
        self.files += outcome.last
        self.not_read += outcome.not_read
        self.not_read_files.extend(outcome.not_read_files)
        self.notes.extend(outcome.notes)
        for problem in outcome.problems:
            if problem.session is None:
                self.file_problems += 1
            else:
                self.sessions_not_checked += 1
            self.internal_errors += problem.internal
        if outcome.unreadable:
            self.unreadable_files.append(outcome.file)
        for output in outputs:
            self.sessions += 1
            for file, line, how in output.waivers:
                if how == "applied":
                    self.waivers_applied.add((file, line))
                elif how == "expired":
                    self.waivers_expired.add((file, line))
            self.sessions_with_violations += "violation" in output.live
            self.sessions_with_warnings += "warning" in output.live
            self._count_findings(output)
        if unreadable is not None:     # counted as findings, not as a session
            self._count_findings(unreadable)

    def _count_findings(self, output: SessionOutput) -> None:
        self.findings_by_clause.update(output.clauses)
        self.violations_by_clause.update(output.violated)

    def to_json(self) -> dict[str, Any]:
        def ranked(counter: Counter[str]) -> list[list[Any]]:
            return [[clause, n] for clause, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"files": self.files, "unreadable_files": sorted(self.unreadable_files),
                "file_problems": self.file_problems, "not_read": self.not_read,
                "not_read_files": list(self.not_read_files), "notes": list(self.notes),
                "sessions": self.sessions, "sessions_not_checked": self.sessions_not_checked,
                "sessions_with_violations": self.sessions_with_violations,
                "sessions_with_warnings": self.sessions_with_warnings,
                "findings_by_clause": ranked(self.findings_by_clause),
                "violations_by_clause": ranked(self.violations_by_clause)}


# -- discovery
@attrs.define
class Discovery:
    files: list[str] = attrs.field(factory=list)
    problems: list[Problem] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    not_read: int = 0
    not_read_files: list[str] = attrs.field(factory=list)
    _seen: dict[tuple[int, int], str] = attrs.field(factory=dict)    # (device, inode) -> the path first met


def discover(paths: Iterable[str | Path]) -> Discovery:
    """The files to audit in a stable order, and every path that cannot be, with the reason."""
    found = Discovery()
    for raw in paths:
        path = str(Path(raw))
        status, why = _stat(path)
        if status is None and not os.path.lexists(path):
            found.problems.append(Problem(path, f"{path}: no such file or directory"))
        elif status is None:
            found.problems.append(Problem(path, f"{path}: cannot read the file ({why})"))
        elif stat.S_ISDIR(status.st_mode):
            _walk(path, status, found)
        else:
            _add(path, status, found)
    return found


def _stat(path: str) -> tuple[os.stat_result | None, str | None]:
    try:
        return os.stat(path), None
    except OSError as error:
        return None, why_unreadable(path, error)


def _add(path: str, status: os.stat_result, found: Discovery) -> None:
    kind = special_file_kind(status.st_mode)
    if kind is not None:
        found.problems.append(Problem(path, f"{path}: cannot read the file ({kind}, not a regular file)"))
        return
    first = _first(found, path, status)
    if first is not None:
        found.notes.append(f"{path}: named twice: audited once" if first == path
                           else f"{path}: same file as {first}: audited once")
        return
    found.files.append(path)


def _first(found: Discovery, path: str, status: os.stat_result) -> str | None:
    key = (status.st_dev, status.st_ino)
    first = found._seen.get(key)
    if first is None:
        found._seen[key] = path
    return first


def _walk(directory: str, status: os.stat_result, found: Discovery) -> None:
    first = _first(found, directory, status)
    if first is not None:
        found.notes.append(f"{directory}: named twice: searched once" if first == directory
                           else f"{directory}: same directory as {first}: searched once")
        return
    try:
        names = sorted(os.listdir(directory))
    except OSError as error:
        found.problems.append(Problem(directory, f"{directory}: cannot list the directory "
                                                 f"({why_unreadable(directory, error)})"))
        return
    for name in names:
        path = str(Path(directory) / name)
        entry, why = _stat(path)
        if entry is not None and stat.S_ISDIR(entry.st_mode):
            _walk(path, entry, found)
        elif os.path.splitext(name)[1].lower() not in SUFFIXES:
            found.not_read += 1
            found.not_read_files.append(path)
        elif entry is None:
            found.problems.append(Problem(path, f"{path}: cannot read the file ({why})"))
        else:
            _add(path, entry, found)


# -- tasks (built in the parent, run in the workers)
@attrs.frozen
class ScanIds:
    """List a file's session ids, cheaply."""
    file: str

    def without(self, _step: str) -> "ScanIds":
        return self


@attrs.frozen
class ReadFile:
    """Read one file and check its sessions, except ``skip`` (merged elsewhere, or failed)."""
    file: str
    skip: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return self.file

    def without(self, step: str) -> "ReadFile":
        return attrs.evolve(self, skip=self.skip | {step})


@attrs.frozen
class CheckSlice:
    """Check some sessions of a large log, indexed by session in the parent (``log_index``)."""
    file: str
    items: tuple[SessionLines, ...]
    skip: frozenset[str] = frozenset()
    digest: str = ""          # the file's sha256, computed while indexing

    @property
    def label(self) -> str:
        return self.file

    def without(self, step: str) -> "CheckSlice":
        return attrs.evolve(self, skip=self.skip | {step})


@attrs.frozen
class MergeSessions:
    """Check sessions whose events are spread over ``files``, one session for each id."""
    files: tuple[str, ...]
    ids: tuple[str, ...]
    skip: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return ", ".join(self.files)

    def without(self, step: str) -> "MergeSessions":
        return attrs.evolve(self, skip=self.skip | {step})


# -- worker side: the rule base comes from the parent (forked) or is handed over once
@attrs.define
class _Setup:
    rulebook: Rulebook | None = None
    as_of: dt.datetime | None = None
    waivers: tuple[Waiver, ...] = ()
    view: View = WHOLE_REPORTS          # how the output shows each session: made here


_setup = _Setup()
_GC_YOUNG = 10_000


def _init_worker(rulebook: Rulebook, as_of: dt.datetime, waivers: tuple[Waiver, ...],
                 view: View = WHOLE_REPORTS) -> None:
    global _setup
    _setup = _Setup(rulebook, as_of, waivers, view)
    # compile the rule base now, then leave everything alive so far out of the garbage
    # collector's scans: a worker checks thousands of sessions with it
    from .checker import _prepare
    _prepare(rulebook)
    gc.freeze()
    # a session's objects die by reference counting, cycles are few: collecting every 700
    # allocations costs a worker some 4% of its time for nothing (10,000 keeps memory flat)
    gc.set_threshold(_GC_YOUNG, *gc.get_threshold()[1:])


def _run_task(task: Any, beat: Callable[[str], None]) -> Any:
    if isinstance(task, ScanIds):
        return scan_session_ids(task.file)
    if isinstance(task, ReadFile):
        result = read_file(task.file)
        problems = [_file_problem(task.file, error) for error in result.problems]
        reports, more, damaged = _check_sessions(result.sessions, task.skip, beat)
        return FileOutcome(task.file, tuple(reports), tuple(problems + more),
                           sessions_in_file=len(result.sessions), retire_worker=damaged,
                           unreadable_report=_unreadable_report(task.file, result))
    if isinstance(task, CheckSlice):
        with open_log(task.file) as stream:
            result = with_digest(read_indexed(task.file, stream, task.items), task.digest)
        problems = [_file_problem(task.file, error) for error in result.problems]
        reports, more, damaged = _check_sessions(result.sessions, task.skip, beat)
        return FileOutcome(task.file, tuple(reports), tuple(problems + more), last=False, retire_worker=damaged)
    sessions, problems = _merged_sessions(task)
    reports, more, damaged = _check_sessions(sessions, task.skip, beat)
    return FileOutcome(task.label, tuple(reports), tuple(problems + more), last=False, retire_worker=damaged)


def _unreadable_report(file: str, result: ReadResult) -> SessionOutput | None:
    """For a file that gave no session, a report of its D1 findings (one per problem), else None.

    Its ``session`` is empty (no id could be read) and its ``source`` is the file.
    """
    if result.sessions or not result.problems:
        return None
    assert _setup.as_of is not None, "the worker was not set up"
    return session_output(apply_waivers(unreadable_report(file, result.problems, _setup.rulebook, _setup.as_of),
                                        _setup.waivers, _setup.as_of), _setup.view)


def _judge(session: Session) -> Report:
    as_of = _setup.as_of
    assert as_of is not None, "the worker was not set up"
    report = check_session(session, _setup.rulebook, as_of, timeline=False)
    return apply_waivers(report, _setup.waivers, as_of)


def _check_sessions(sessions: Iterable[Session], skip: frozenset[str],
                    beat: Callable[[str], None]) -> tuple[list[SessionOutput], list[Problem], bool]:
    reports: list[SessionOutput] = []
    problems: list[Problem] = []
    damaged = False
    for session in sessions:
        if session.id in skip:
            continue
        # an event left out of the record (D2, D4) is a finding of its report and, as ``check``
        # says, a problem of the input: one line on stderr, exit code 2
        problems.extend(_file_problem(error.location.file if error.location is not None else session.source, error)
                        for _clause, error in session.problems)
        beat(session.id)
        try:
            if _fault_hook is not None:
                _fault_hook(session)
            reports.append(session_output(_judge(session), _setup.view))
        except Exception as error:   # noqa: BLE001 - one session never stops the audit
            problem = session_problem(session.source, session.id, error)
            damaged |= problem.internal
            problems.append(problem)
    return reports, problems, damaged


def session_problem(source: str, session_id: str, error: BaseException) -> Problem:
    """A session that could not be checked, as one line naming the file, line and session."""
    if isinstance(error, ComplianceError) and error.exit_code != 70:
        location = error.location
        where = str(location) if location is not None else source
        error = _unlocated(error)
        return Problem(source, f"{where}: session '{session_id}' not checked: {error}", session=session_id,
                       line=location.line if location is not None else None)
    text = str(error) if isinstance(error, ComplianceError) else f"{type(error).__name__}: {error}"
    return Problem(source, f"{source}: session '{session_id}' not checked: internal error: {_clip(text)}",
                   session=session_id, internal=True,
                   detail="".join(traceback.format_exception(type(error), error, error.__traceback__)))


def _unlocated(error: ComplianceError) -> ComplianceError:
    copy = error.__class__.__new__(error.__class__)
    copy.__dict__.update(error.__dict__, location=None)
    return copy


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _file_problem(file: str, error: InputError) -> Problem:
    return Problem(file, str(error), line=error.location.line if error.location is not None else None,
                   session=getattr(error, "session", None))     # a session too large: that one not checked


_RECORD_SESSION = re.compile(r"^session[ \t]*:(.*)$", re.MULTILINE)


def scan_session_ids(file: str) -> tuple[str, ...]:
    """The session ids of a file, in order, without building its events. Unreadable: none."""
    ids: dict[str, None] = {}
    if file.lower().endswith(LOG_SUFFIXES):        # a line at a time: flat memory on a huge log
        try:
            with open_log(file) as stream:
                for raw in stream:
                    sid = _log_line_session(raw.decode("utf-8", "replace"))
                    if isinstance(sid, str) and sid.strip():
                        ids[_nfc(sid)] = None
        except (InputError, OSError):
            return ()
        return tuple(ids)
    try:
        text = read_bytes(file).decode("utf-8", "replace")
    except InputError:
        return ()
    if file.lower().endswith(".json"):
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return ()
        sid = doc.get("session") if isinstance(doc, dict) else None
        return (_nfc(sid),) if isinstance(sid, str) and sid.strip() else ()
    match = _RECORD_SESSION.search(text)
    if match is not None:
        from ._yaml import YamlError, load_yaml
        try:
            sid = load_yaml("session:" + match.group(1)).get("session")
        except (YamlError, AttributeError):
            sid = None
        if isinstance(sid, str) and sid.strip():
            return (_nfc(sid),)
    return tuple(s.id for s in read_file(file).sessions)


def _nfc(session_id: str) -> str:
    """An id as the readers key it: 'Café' is one session however its accent is written."""
    return session_id if session_id.isascii() else unicodedata.normalize("NFC", session_id)


def _log_line_session(line: str) -> Any:
    sid = cheap_session(line)                # the usual line: no need to decode all of it
    if sid is not None or line.count('"session"') == 1:
        return sid
    if '"session"' not in line:
        return None
    try:
        raw = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return raw.get("session") if isinstance(raw, dict) else None


def _merged_sessions(task: MergeSessions) -> tuple[list[Session], list[Problem]]:
    wanted = set(task.ids) - task.skip
    pieces: dict[str, list[Session]] = {sid: [] for sid in task.ids}
    problems: list[Problem] = []
    for file in task.files:
        try:
            for session in sessions_of(file, wanted):
                pieces[session.id].append(session)
        except InputError as error:      # the file's own task reports it; its sessions are not whole
            for sid in (s for s in task.ids if s in wanted):
                problems.append(Problem(task.label, f"{task.label}: session '{sid}' not checked: part of it "
                                                    f"is in a file that cannot be read ({error})", session=sid))
            return [], problems
    sessions = []
    for sid in task.ids:
        if sid not in wanted or not pieces[sid]:
            continue
        try:
            sessions.append(merge_sessions(sid, pieces[sid]))
        except InputError as error:
            problems.append(session_problem(task.label, sid, error))
    return sessions, problems


def sessions_of(file: str, wanted: set[str]) -> list[Session]:
    """The sessions of ``file`` among ``wanted``. Raises InputError if the file cannot be read."""
    if not file.lower().endswith(LOG_SUFFIXES):
        result = read_file(file)
        if not result.sessions and result.problems:
            raise result.problems[0]
        return [s for s in result.sessions if s.id in wanted]
    with open_log(file) as stream:
        index = index_log(file, stream)
        if index is None:           # not plain text: its own task says why
            result = read_file(file)
            raise result.problems[0]
        result = with_digest(read_indexed(file, stream, [lines for sid, lines in index.sessions.items()
                                                         if sid in wanted]), index.digest)
    if result.problems:          # a session too large to check, or the file changed
        raise result.problems[0]
    return result.sessions


# -- the parent: plan, run, and turn failures into problems
def run_audit(paths: Iterable[str | Path], *, as_of: dt.datetime, rule_dirs: tuple[str, ...] = (),
              rulebook: Rulebook | None = None, jobs: int | None = None, waivers: tuple[Waiver, ...] = (),
              time_limit: float | None = TIME_LIMIT,
              progress: Callable[[int, int, int, int, int], None] | None = None,
              scheduler: Any = None, view: View | None = None) -> Generator[FileOutcome, None, None]:
    """Yield the outcomes in input order: discovery's first, then one or more per file.

    Each session comes as a ``SessionOutput`` made by the worker that checked it, for ``view``
    (the output's format, language and options); without a view, its whole JSON report
    (``SessionOutput.report()`` reads it back).

    ``progress(files_done, files_total, sessions_done, bytes_done, bytes_total)`` is called
    after each outcome (bytes: of the files read so far, and of all of them).
    ``scheduler``: a Dask scheduler address or ``distributed.Client``; the tasks then run on
    that cluster (``dask_backend``) instead of ``jobs`` local processes, with the same outcomes.

    Raises:
        TypeError: ``paths`` is one path, not a list of them (its characters would be searched:
            '/' is the whole file system). UsageError: ``as_of`` is not a datetime with a zone.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError(f"run_audit takes a list of paths, got one: pass [{paths!r}]")
    if not isinstance(as_of, dt.datetime) or as_of.tzinfo is None:
        raise UsageError("audit date", expected="a datetime with a time zone", got=as_of)
    if jobs is not None and (type(jobs) is not int or jobs < 0):
        raise UsageError("jobs", expected="a number of worker processes (0 or None: one per core)", got=jobs)
    if time_limit is not None and not (type(time_limit) in (int, float) and 0 < time_limit <= 1_000_000):
        raise UsageError("time_limit", expected="seconds, more than 0 and at most 1,000,000 (None: no limit)",
                         got=time_limit)
    found = discover(paths)
    yield FileOutcome("", (), (), last=False, notes=tuple(found.notes), not_read=found.not_read,
                      not_read_files=tuple(found.not_read_files))
    for problem in found.problems:
        yield FileOutcome(problem.file, (), (problem,))
    if rulebook is None:
        rulebook = load_rulebook(*rule_dirs) if rule_dirs else default_rulebook()
    jobs = max(1, jobs or os.cpu_count() or 1)
    done = sessions = read = 0
    sizes = {file: _size(file) for file in found.files}      # the time left is estimated by bytes
    total = sum(sizes.values())
    with _pool(scheduler, jobs, (rulebook, as_of, waivers, view or WHOLE_REPORTS), time_limit) as pool:
        pool.start()        # forked before a large log is indexed: the workers do not copy the index
        merged = _plan_merges(pool, found.files) if len(found.files) > 1 else {}
        for result in pool.run(_tasks(found.files, merged)):
            outcome = _outcome(result)
            sessions += len(outcome.reports)
            done += outcome.last
            if outcome.last and outcome.file in sizes:
                read += sizes[outcome.file]
            if progress:
                progress(done, len(found.files), sessions, read, total)
            yield outcome


def _pool(scheduler: Any, jobs: int, init_args: tuple[Any, ...], time_limit: float | None) -> Any:
    if scheduler is None:
        return Pool(jobs, _init_worker, init_args, _run_task, time_limit=time_limit)
    from .dask_backend import DaskPool
    return DaskPool(scheduler, _init_worker, init_args, _run_task, time_limit=time_limit)


def _plan_merges(pool: Any, files: list[str]) -> dict[str, list[int]]:
    """Session id -> the indexes of the files holding it, for ids held by several files."""
    first: dict[str, int] = {}
    merged: dict[str, list[int]] = {}
    for index, result in enumerate(pool.run(ScanIds(file) for file in files)):
        for sid in result.value or ():
            if sid not in first:
                first[sid] = index
            else:
                merged.setdefault(sid, [first[sid]]).append(index)
    return merged


def _tasks(files: list[str], merged: dict[str, list[int]]) -> Iterator[Any]:
    skip: dict[int, set[str]] = {}
    groups: dict[int, dict[tuple[int, ...], list[str]]] = {}
    for sid, holders in merged.items():
        for index in holders:
            skip.setdefault(index, set()).add(sid)
        groups.setdefault(holders[0], {}).setdefault(tuple(holders), []).append(sid)
    for index, file in enumerate(files):
        yield from _file_tasks(file, frozenset(skip.get(index, ())))
        for indexes, ids in groups.get(index, {}).items():
            for i in range(0, len(ids), MERGE_SLICE):
                yield MergeSessions(tuple(files[j] for j in indexes), tuple(ids[i:i + MERGE_SLICE]))


def _file_tasks(file: str, skip: frozenset[str]) -> Iterator[Any]:
    index = None
    try:
        if file.lower().endswith(LOG_SUFFIXES) and os.stat(file).st_size > BIG_LOG:
            with open_log(file) as stream:
                index = index_log(file, stream)
    except (OSError, InputError):
        index = None
    if index is None:                   # small, or not plain text: read whole by a worker (which says why)
        yield ReadFile(file, skip)
        return
    items = [lines for sid, lines in index.sessions.items() if sid not in skip]
    for i in range(0, len(items), SLICE):
        yield CheckSlice(file, tuple(items[i:i + SLICE]), digest=index.digest)
    yield Ready(FileOutcome(file, (), tuple(_file_problem(file, p) for p in index.problems),
                            sessions_in_file=len(index.sessions)))


def _outcome(result: Done) -> FileOutcome:
    if result.task is None:             # a Ready outcome
        ready: FileOutcome = result.value
        return ready
    task = result.task
    failures = tuple(_failure_problem(task.label, f) for f in result.failures)
    if result.value is None and not isinstance(task, ReadFile):     # the sessions of a failed slice
        ids = task.ids if isinstance(task, MergeSessions) else tuple(lines.session for lines in task.items)
        failures += tuple(Problem(task.label, f"{task.label}: session '{sid}' not checked: its task failed",
                                  session=sid) for sid in ids if sid not in task.skip)
        return FileOutcome(task.label, (), failures, last=False)
    if result.value is None:
        return FileOutcome(task.label, (), failures, sessions_in_file=0)
    outcome: FileOutcome = result.value
    return attrs.evolve(outcome, problems=outcome.problems + failures)


_CRASH_SIGNALS = {"SIGSEGV", "SIGBUS", "SIGABRT", "SIGFPE", "SIGILL"}


def _failure_problem(label: str, failure: Failure) -> Problem:
    if failure.step is None:
        subject, doing = f"{label}: not read", "reading it"
    else:
        subject, doing = f"{label}: session '{failure.step}' not checked", "checking it"
    if failure.kind == "died":
        text = f"the worker process died twice while {doing} ({failure.detail})"
        internal = any(name in failure.detail for name in _CRASH_SIGNALS)
        return Problem(label, f"{subject}: {text}", session=failure.step, internal=internal)
    if failure.kind == "exceeded":
        what = "check" if failure.step is not None else "reading"
        return Problem(label, f"{subject}: {what} exceeded {failure.detail} s (--time-limit)", session=failure.step)
    last = failure.detail.strip().splitlines()[-1] if failure.detail.strip() else "unknown"
    return Problem(label, f"{subject}: internal error: {_clip(last)}", session=failure.step, internal=True,
                   detail=failure.detail)


def _size(file: str) -> int:
    try:
        return os.stat(file).st_size
    except OSError:
        return 0


class Progress:
    """A one-line progress display on a terminal: files, sessions, rate, time left (estimated
    from the bytes read, so a few large logs do not read as a few quick files). ``clear`` wipes
    the line before anything else is printed to the same terminal."""

    def __init__(self, stream: Any, lang: str = "en"):
        self.stream, self.lang = stream, lang
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int, sessions: int, read: int = 0, size: int = 0) -> None:
        if self.stream is None:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = sessions / elapsed
        left = (size - read) * elapsed / read if read else 0
        try:
            self.stream.write("\r\033[K" + progress_line(self.lang, done, total, sessions, rate, left))
            self.shown = done != total
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
        except (OSError, ValueError):   # a closed terminal: the audit goes on without progress
            self.stream = None

    def clear(self) -> None:
        if self.stream is None or not self.shown:
            return
        try:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
        except (OSError, ValueError):
            self.stream = None
