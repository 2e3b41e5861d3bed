"""Checking in this process: the files of ``check`` (directories searched as audits do) and the
standard input (``-``) of both commands, as ``FileOutcome``s the output writer takes.

Standard input is one session record (YAML or JSON) or a JSON Lines log: a log when its first
non-blank line is a JSON object with a ``type`` (an event), a record otherwise. It is named
``<stdin>`` in reports and messages.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import BinaryIO, Iterable, Iterator, Sequence

import attrs

from .audit import LOG_SUFFIXES, FileOutcome, Problem, discover, scan_session_ids, session_problem, sessions_of
from .checker import check_session, unreadable_report
from .cli_words import no_such_session
from .errors import ComplianceError, EngineError, InputError, Location
from .model import Report, Waiver
from .readers import ReadResult, decode_text, merge_sessions, read_file, with_digest
from .readers.jsonl import read_jsonl
from .readers.record import read_record
from .rulebook import Rulebook
from .waivers import apply_waivers

STDIN = "-"
STDIN_NAME = "<stdin>"


def read_stdin(stream: BinaryIO | None) -> ReadResult:
    """The sessions of standard input (a record or a log, told apart by its first line)."""
    try:
        data = stream.read() if stream is not None else b""
        text = decode_text(data, STDIN_NAME)
    except InputError as error:
        return ReadResult([], [error])
    except OSError as error:
        return ReadResult([], [InputError(f"cannot read standard input ({error.strerror})",
                                          location=Location(STDIN_NAME))])
    reader = read_jsonl if _is_log(text) else read_record
    return with_digest(reader(text, STDIN_NAME), hashlib.sha256(data).hexdigest())


def _is_log(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        value = json.loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "type" in value


def _spread_sessions(files: Sequence[str]) -> dict[str, list[str]]:
    """The sessions found in several of the logs among ``files`` (a log per day, say), with
    their files in order: ``check`` judges each once, whole (by a cheap scan of the ids). A
    record is a whole session: two records of one session are two versions, judged apart."""
    logs = [file for file in files if file.lower().endswith(LOG_SUFFIXES)]
    if len(logs) < 2:
        return {}
    where: dict[str, list[str]] = {}
    for file in logs:
        for sid in scan_session_ids(file):
            where.setdefault(sid, []).append(file)
    return {sid: spots for sid, spots in where.items() if len(spots) > 1}


def _whole_sessions(file: str, result: ReadResult, spread: dict[str, list[str]]) -> tuple[ReadResult, list[Problem]]:
    """``result`` with each session found in several files merged from all of them, in the first
    of its files (and left out of the others); a part that cannot be read is a problem."""
    if not spread:
        return result, []
    sessions, problems = [], []
    for session in result.sessions:
        spots = spread.get(session.id)
        if spots is None:
            sessions.append(session)
        elif spots[0] == file:
            try:
                pieces = [session] + [piece for other in spots[1:] for piece in sessions_of(other, {session.id})]
                sessions.append(merge_sessions(session.id, pieces))
            except InputError as error:
                problems.append(session_problem(file, session.id, error))
    return attrs.evolve(result, sessions=sessions), problems


def outcome_of(file: str, result: ReadResult, rulebook: Rulebook | None, as_of: dt.datetime,
               waivers: tuple[Waiver, ...], wanted: frozenset[str] | set[str] = frozenset(),
               timeline: bool = True, compliance_evidence: bool = False) -> FileOutcome:
    """One file's reports and problems: every session (or the ``wanted`` ones), each reported
    even when some of its events are unusable (their D2/D4 findings say which); a file of no
    session gets a report of its D1 findings (unless sessions are picked by id)."""
    problems = [_problem(file, error) for error in result.problems]
    if not result.sessions and result.problems:
        unreadable = None if wanted else apply_waivers(
            unreadable_report(file, result.problems, rulebook, as_of), waivers, as_of)
        return FileOutcome(file, (), tuple(problems), sessions_in_file=0, unreadable_report=unreadable)
    reports: list[Report] = []
    for session in result.sessions:
        if wanted and session.id not in wanted:
            continue
        # a malformed event of a session still checked: a problem of the file, not of the session
        problems += [_problem(session.source, error) for _clause, error in session.problems]
        try:
            report = check_session(session, rulebook, as_of, timeline=timeline,
                                   compliance_evidence=compliance_evidence)
        except ComplianceError as error:
            if error.exit_code == EngineError.exit_code:
                raise                # a bug of ours: exit 70, as the CLI says
            problems.append(session_problem(session.source, session.id, error))   # e.g. as_of before its events
            continue
        reports.append(apply_waivers(report, waivers, as_of))
    return FileOutcome(file, tuple(reports), tuple(problems), sessions_in_file=len(result.sessions))


def _problem(file: str, error: InputError) -> Problem:
    return Problem(file, str(error), line=error.location.line if error.location is not None else None,
                   session=getattr(error, "session", None))     # a session too large: that one not checked


def stdin_outcome(stream: BinaryIO | None, rulebook: Rulebook | None, as_of: dt.datetime,
                  waivers: tuple[Waiver, ...], wanted: frozenset[str] | set[str] = frozenset(),
                  timeline: bool = True, compliance_evidence: bool = False) -> FileOutcome:
    return outcome_of(STDIN_NAME, read_stdin(stream), rulebook, as_of, waivers, wanted, timeline,
                      compliance_evidence)


def check_outcomes(paths: Sequence[str], wanted: set[str], rulebook: Rulebook | None, as_of: dt.datetime,
                   waivers: tuple[Waiver, ...], stdin: BinaryIO | None, lang: str = "en",
                   compliance_evidence: bool = False) -> Iterator[FileOutcome]:
    """``check``'s outcomes in input order (standard input where ``-`` is named); a ``--session``
    found nowhere is a problem at the end. ``compliance_evidence``: see ``check_session``."""
    seen: set[str] = set()
    found = discover([p for p in paths if p != STDIN])
    yield FileOutcome("", (), (), last=False, notes=tuple(found.notes), not_read=found.not_read,
                      not_read_files=tuple(found.not_read_files))
    for problem in found.problems:
        yield FileOutcome(problem.file, (), (problem,))
    files: Iterable[str] = found.files
    if STDIN in paths:
        files = [STDIN, *found.files]
    spread = _spread_sessions(found.files)
    for file in files:
        if file == STDIN:
            outcome = stdin_outcome(stdin, rulebook, as_of, waivers, wanted,
                                    compliance_evidence=compliance_evidence)
        else:
            result, more = _whole_sessions(file, read_file(file), spread)
            outcome = outcome_of(file, result, rulebook, as_of, waivers, wanted,
                                 compliance_evidence=compliance_evidence)
            if more:
                outcome = attrs.evolve(outcome, problems=outcome.problems + tuple(more))
        seen.update(r.session for r in outcome.reports)
        yield outcome
    missing = sorted(wanted - seen)
    if missing:
        yield FileOutcome("", (), tuple(Problem("", no_such_session(lang, sid, ", ".join(paths)))
                                        for sid in missing), last=False)
