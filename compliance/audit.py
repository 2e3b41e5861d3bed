"""Audits: many files, many sessions, one command. Every input is accounted for.

Files are discovered (directories recursively, known suffixes, sorted), read leniently and
checked in worker processes, one file per task; results come back in input order, so the
output does not depend on the number of workers. A file that cannot be read is reported as
such and the audit goes on.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import attrs

from .checker import check_session
from .errors import InputError, Location
from .readers import SUFFIXES, decode_text, read_file
from .readers._result import finish
from .readers.jsonl import build_session, split_log
from .model import Waiver
from .rulebook import Rulebook, load_rulebook
from .waivers import apply_waivers


@attrs.frozen
class FileOutcome:
    """What one input file gave: its session reports (as JSON) and its file-level problems.

    A large log comes back in several parts; ``last`` marks the part that closes the file.
    """
    file: str
    reports: tuple[dict[str, Any], ...]
    problems: tuple[str, ...]          # one line each: file:line: what is wrong
    last: bool = True
    sessions_in_file: int = -1         # on the last part of a split file: sessions in all parts

    @property
    def unreadable(self) -> bool:
        total = len(self.reports) if self.sessions_in_file < 0 else self.sessions_in_file
        return self.last and not total and bool(self.problems)


@attrs.define
class Summary:
    files: int = 0
    unreadable_files: list[str] = attrs.field(factory=list)
    file_problems: int = 0
    sessions: int = 0
    sessions_with_violations: int = 0
    sessions_with_warnings: int = 0
    findings_by_clause: Counter = attrs.field(factory=Counter)
    violations_by_clause: Counter = attrs.field(factory=Counter)
    waivers_applied: set = attrs.field(factory=set)
    waivers_expired: set = attrs.field(factory=set)

    def add(self, outcome: FileOutcome) -> None:
        self.files += outcome.last
        self.file_problems += len(outcome.problems)
        if outcome.unreadable:
            self.unreadable_files.append(outcome.file)
        for report in outcome.reports:
            self.sessions += 1
            for use in report.get("waivers", ()):
                key = (use["waiver"]["file"], use["waiver"]["line"])
                {"applied": self.waivers_applied, "expired": self.waivers_expired}.get(use["outcome"], set()).add(key)
            severities = {f["severity"] for f in report["findings"] if not f.get("waived")}
            self.sessions_with_violations += "violation" in severities
            self.sessions_with_warnings += "warning" in severities
            for finding in report["findings"]:
                self.findings_by_clause[finding["clause"]] += 1
                if finding["severity"] == "violation" and not finding.get("waived"):
                    self.violations_by_clause[finding["clause"]] += 1

    def to_json(self) -> dict[str, Any]:
        def ranked(counter: Counter) -> list[list[Any]]:
            return [[clause, n] for clause, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"files": self.files, "unreadable_files": sorted(self.unreadable_files),
                "file_problems": self.file_problems, "sessions": self.sessions,
                "sessions_with_violations": self.sessions_with_violations,
                "sessions_with_warnings": self.sessions_with_warnings,
                "findings_by_clause": ranked(self.findings_by_clause),
                "violations_by_clause": ranked(self.violations_by_clause)}


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[InputError]]:
    """The files to audit, in a stable order, and the paths that do not exist."""
    files: list[Path] = []
    missing: list[InputError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(InputError("no such file or directory", location=Location(str(path))))
    return files, missing


# -- worker side: the rule base is loaded once per process
_worker_rulebook: Rulebook | None = None
_worker_as_of: dt.datetime | None = None
_worker_waivers: tuple[Waiver, ...] = ()


def _init_worker(rule_dirs: tuple[str, ...], as_of: dt.datetime, waivers: tuple[Waiver, ...]) -> None:
    global _worker_rulebook, _worker_as_of, _worker_waivers
    _worker_rulebook = load_rulebook(*rule_dirs) if rule_dirs else None
    _worker_as_of = as_of
    _worker_waivers = waivers


def _check_all(file: str, sessions, problems: list[str]) -> list[dict[str, Any]]:
    reports = []
    for session in sessions:
        try:
            report = check_session(session, _worker_rulebook, _worker_as_of, timeline=False)
            reports.append(apply_waivers(report, _worker_waivers, _worker_as_of).to_json())
        except InputError as error:      # e.g. an audit date before the session's events
            problems.append(f"{file}: session '{session.id}': {error}")
    return reports


def _audit_task(task: tuple) -> FileOutcome:
    kind, file, payload = task
    if kind == "file":
        result = read_file(file)
        problems = [str(p) for p in result.problems]
        reports = _check_all(file, result.sessions, problems)
        return FileOutcome(file, tuple(reports), tuple(problems))
    if kind == "sessions":            # a slice of a large log, already split by session
        builders = [build_session(sid, file, items) for sid, items in payload]
        result = finish(builders, [])
        problems = [str(p) for p in result.problems]
        reports = _check_all(file, result.sessions, problems)
        return FileOutcome(file, tuple(reports), tuple(problems), last=False)
    problems, count = payload          # "end": the file-level problems of a large log
    return FileOutcome(file, (), tuple(problems), last=True, sessions_in_file=count)


BIG_LOG = 4 * 1024 * 1024   # bytes: above this, a log is split by session across the workers
SLICE = 64                  # sessions per task


def _tasks(files: list[Path]) -> Iterator[tuple]:
    for path in files:
        file = str(path)
        if path.suffix.lower() not in (".jsonl", ".ndjson") or path.stat().st_size <= BIG_LOG:
            yield ("file", file, None)
            continue
        try:
            text = decode_text(path.read_bytes(), file)
        except (InputError, OSError):
            yield ("file", file, None)     # the reader reports it
            continue
        sessions, problems = split_log(text, file)
        items = list(sessions.items())
        for i in range(0, len(items), SLICE):
            yield ("sessions", file, items[i:i + SLICE])
        yield ("end", file, ([str(p) for p in problems], len(items)))


def run_audit(paths: Iterable[str | Path], *, as_of: dt.datetime, rule_dirs: tuple[str, ...] = (),
              jobs: int | None = None, waivers: tuple[Waiver, ...] = (),
              progress: Callable[[int, int, int], None] | None = None) -> Iterator[FileOutcome]:
    """Yield one outcome per input (in input order), then nothing else; missing paths first.

    ``progress(files_done, files_total, sessions_done)`` is called after each file.
    """
    files, missing = discover(paths)
    for error in missing:
        yield FileOutcome(str(error.location.file), (), (str(error),))
    jobs = max(1, jobs or os.cpu_count() or 1)
    sessions = 0
    if jobs == 1 or len(files) <= 1:
        _init_worker(rule_dirs, as_of, waivers)
        outcomes: Iterable[FileOutcome] = map(_audit_task, _tasks(files))
        done = 0
        for outcome in outcomes:
            sessions += len(outcome.reports)
            done += outcome.last
            if progress:
                progress(done, len(files), sessions)
            yield outcome
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rule_dirs, as_of, waivers)) as pool:
        done = 0
        for outcome in pool.map(_audit_task, _tasks(files), chunksize=2):
            sessions += len(outcome.reports)
            done += outcome.last
            if progress:
                progress(done, len(files), sessions)
            yield outcome


class Progress:
    """A one-line progress display on a terminal: files, sessions, rate, time left."""

    def __init__(self, stream: Any):
        self.stream = stream
        self.start = time.monotonic()

    def __call__(self, done: int, total: int, sessions: int) -> None:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = sessions / elapsed
        left = (total - done) * elapsed / done if done else 0
        self.stream.write(f"\r{done}/{total} files · {sessions} sessions · {rate:,.0f} sessions/s · "
                          f"{left:,.0f} s left ")
        self.stream.flush()
        if done == total:
            self.stream.write("\n")
