"""Command line: argument parsing, exit codes, streams. No business logic here.

Exit codes (as linters do):
  0   no violation
  1   at least one violation found (or, for ``rules test``, a failing example)
  2   the run could not do all it was asked: bad usage, unusable input, invalid rule base, output
      that cannot be written; an audit gives 2 when an input could not be used even if it also
      found violations (they are all in its output)
  70  an internal error (a bug of ours or of the rules engine), in one line (--debug: traceback)
  130 / 143  stopped by SIGINT / SIGTERM (workers stopped, no temporary file left)
  141 standard output closed by its reader (``| head``): nothing more is printed, as a tool
      killed by SIGPIPE would be reported by the shell (128 + 13)
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import io
import json
import math
import os
import signal
import sys
from typing import Any, Iterator, NoReturn, Sequence, TextIO

import attrs

from . import __version__, _time, cli_words
from .audit import TIME_LIMIT
from .audit_output import FORMATS, GuardedStream, OutputError, atomic_output
from .errors import ComplianceError, EngineError, InputError, Location, UsageError
from .reporters.text import render_text
from .rulebook import Check, Rule, Rulebook, load_rule_files, load_rulebook
from .waivers import load_waivers, unused_waivers

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 70
FAIL_ON = ("violation", "warning", "never")
EXIT_SIGINT, EXIT_PIPE, EXIT_SIGTERM = 130, 141, 143
EVIDENCE_FORMATS = ("html", "json")       # the formats that show a compliant clause's evidence

EPILOG = """exit codes:
  0   no violation
  1   violations found (rules test: an example failed)
  2   unusable input, invalid rule base, bad usage, output that cannot be written
      (audit: also when violations were found but some input could not be used)
  70  internal error
  130 interrupted (SIGINT), 143 terminated (SIGTERM)
  141 standard output closed by its reader (| head): the rest is not printed
"""


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that workers and temporary files are cleaned up."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print and sys.exit
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="compliance", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Check Titre Professionnel exam sessions against the regulation.")
    parser.add_argument("--version", action="version", version=f"compliance {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="check session records or event logs", epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("files", nargs="+", metavar="FILE",
                       help="a .yaml/.json session record, a .jsonl log, a directory of them, or - (stdin)")
    check.add_argument("--session", dest="sessions", action="append", default=[], metavar="ID",
                       help="check only this session (repeatable; e.g. one session of a log)")
    check.add_argument("--as-of", dest="as_of", metavar="DATE",
                       help="audit date (YYYY-MM-DD = end of that day, Paris time; or an ISO time with offset); default: now")
    _shared_options(check)
    check.add_argument("--open", action="store_true",
                       help="list what each session still owes at --as-of, by due time (text or json)")
    check.add_argument("--compliance-evidence", action=argparse.BooleanOptionalAction, default=None,
                       help="cite, for each compliant clause, the events that met it "
                            "(default: on for html and json, which show it)")

    audit = sub.add_parser("audit", help="check archives: many files and sessions, with a summary",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    audit.add_argument("paths", nargs="+", metavar="PATH",
                       help="files or directories (searched recursively), or - (stdin)")
    audit.add_argument("--as-of", dest="as_of", metavar="DATE", help="audit date (as for check); default: now")
    _shared_options(audit)
    audit.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                       help="worker processes, up to 4 per core (default: one per core)")
    audit.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on this Dask cluster (tcp://host:8786) instead of local processes; "
                            "needs the dask extra (see docs/scaling.md)")
    audit.add_argument("--time-limit", dest="time_limit", type=_seconds, default=TIME_LIMIT, metavar="SECONDS",
                       help=f"longest check of one session; past it, its worker is stopped and the "
                            f"session reported (default: {TIME_LIMIT:g})")

    rules = sub.add_parser("rules", help="work with the rule base")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    test = rules_sub.add_parser("test", help="run every rule's embedded examples")
    test.add_argument("--rules", action="append", default=[], metavar="DIR")
    listing = rules_sub.add_parser("list", help="list the rules")
    listing.add_argument("--rules", action="append", default=[], metavar="DIR")
    show = rules_sub.add_parser("show", help="show one rule (or every rule of a clause), with its examples")
    show.add_argument("rule_id", metavar="ID", help="a rule id, or a clause id for all of its rules")
    show.add_argument("--rules", action="append", default=[], metavar="DIR")
    lint = rules_sub.add_parser("lint", help="validate rule files without running them")
    lint.add_argument("rule_files", nargs="+", metavar="FILE")

    watch = sub.add_parser("watch", help="follow a JSON Lines log live: findings and what is due, as they come",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    watch.add_argument("log", metavar="LOG", help="a .jsonl event log (one or more sessions), or - (stdin)")
    watch.add_argument("--follow", action="store_true",
                       help="wait for more lines, as tail -f does; Ctrl-C ends with the final report")
    watch.add_argument("--lang", choices=["fr", "en"], default="fr")
    watch.add_argument("--rules", action="append", default=[], metavar="DIR")

    explain = sub.add_parser("explain", help="a clause or a rule in words: text, sources, rules, examples")
    explain.add_argument("id", metavar="ID", help="a clause id (S3.1, R4, D2) or a rule id")
    explain.add_argument("--lang", choices=["fr", "en"], default="fr")
    explain.add_argument("--rules", action="append", default=[], metavar="DIR")

    docs = sub.add_parser("docs", help="write the rule base as a static HTML site (index, clauses, event types)")
    docs.add_argument("--output", "-o", required=True, metavar="DIR", help="the directory to write (created)")
    docs.add_argument("--lang", choices=["fr", "en"], default="fr")
    docs.add_argument("--rules", action="append", default=[], metavar="DIR")

    schema = sub.add_parser("schema", help="print the JSON Schema of a kind of file (default: one event)")
    schema.add_argument("--for", dest="kind", default="event",
                        choices=["event", "record", "log", "report", "audit", "waivers", "rules"],
                        help="event, record (.yaml/.json), log (a .jsonl line), report (--format json), "
                             "audit (a line of audit --format jsonl), waivers, rules")
    _debug_anywhere(parser)
    return parser


def _debug_anywhere(parser: argparse.ArgumentParser) -> None:
    """``--debug`` also after the command (``compliance check --debug …``), as users type it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):   # aliases name a parser twice
                child.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                                   help="show tracebacks of internal errors")
                _debug_anywhere(child)


def _shared_options(parser: argparse.ArgumentParser) -> None:
    """The options ``check`` and ``audit`` share. Those a configuration file may set default to
    None here: the value is the flag's, else the file's, else the built-in one."""
    parser.add_argument("--format", choices=[*FORMATS, "md"], default=None,
                        help="md = markdown; check's text and json "
                             "give each session's full report, audit's a line each and a summary; jsonl "
                             "streams one line per session with the clause catalogue once (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write there (atomically) instead of stdout")
    parser.add_argument("--fail-on", dest="fail_on", choices=FAIL_ON, default=None,
                        help="which findings make the exit code 1 (default: violation)")
    parser.add_argument("--lang", choices=["fr", "en"], default=None, help="language of reports and messages "
                                                                            "(default: fr)")
    parser.add_argument("--rules", action="append", default=None, metavar="DIR",
                        help="extra rule directory (overrides rules of the same id); repeatable")
    parser.add_argument("--waivers", metavar="FILE", default=None, help="YAML file of accepted deviations")
    parser.add_argument("--quiet", action="store_true",
                        help="the summary only (text: check a line per session, audit its summary; "
                             "jsonl: no session lines)")
    parser.add_argument("--only-failing", dest="only_failing", action="store_true",
                        help="only the sessions, and of them the clauses, that fail (as --fail-on says; "
                             "with never: violations)")
    parser.add_argument("--config", metavar="FILE", help="read options from this file (a pyproject.toml's "
                                                         "[tool.compliance] or a compliance.toml)")
    parser.add_argument("--no-config", dest="no_config", action="store_true",
                        help="read no configuration file")


MAX_TIME_LIMIT = 1_000_000     # seconds (11 days): the pool's waits take milliseconds in a C int (24 days)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got '{text}'")
    if value > MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_TIME_LIMIT:,} seconds, got '{text}'")
    return value


def _jobs(text: str) -> int:
    """A number of worker processes: each is started at once and compiles the rule base, so
    thousands of them would take the machine for minutes before any work."""
    most = 4 * max(1, os.cpu_count() or 1)
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= most:
        raise argparse.ArgumentTypeError(f"expected a number of worker processes from 1 to {most} "
                                         f"(4 per core), got '{text}'")
    return value


def parse_as_of(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return _time.parse_audit_date(text)
    except _time.TimeFormatError as error:
        raise UsageError("--as-of", expected=str(error).removeprefix("expected "), got=text) from None


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run one command; never raises (every outcome is an exit code and at most one line)."""
    own_stdout = stdout is None
    stdout = sys.stdout if own_stdout else stdout      # None when the process's stdout is closed
    stderr = sys.stderr if stderr is None else stderr
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    with _sigterm_raises():
        try:
            return _main(argv, stdout, stderr, own_stdout, debug)
        except KeyboardInterrupt:
            _say(stderr, "compliance: interrupted")
            return EXIT_SIGINT
        except Terminated:
            _say(stderr, "compliance: terminated")
            return EXIT_SIGTERM


def _main(argv: Sequence[str] | None, stdout: TextIO | None, stderr: TextIO, own_stdout: bool,
          debug: bool) -> int:
    from .audit_output import GuardedStream
    out = GuardedStream(stdout)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:                 # bare `compliance`: what it can do, as git and ruff print
        _say(stderr, build_parser().format_help().rstrip())
        return EXIT_UNUSABLE
    try:
        args = build_parser().parse_args(argv)
        code = _run(args, out, stderr)
        out.flush()
        if own_stdout and stdout is not None:
            stdout.flush()      # what argparse printed (--help) too
        return code
    except OutputError as error:
        if error.errno == errno.EPIPE:
            if own_stdout:
                _discard_stdout()
            return EXIT_PIPE
        _say(stderr, f"compliance: error: {error}")
        return EXIT_UNUSABLE
    except BrokenPipeError:      # stdout written by another way (argparse's --help)
        if own_stdout:
            _discard_stdout()
        return EXIT_PIPE
    except EngineError as error:
        return _internal(error, stderr, debug)
    except ComplianceError as error:
        problems = getattr(error, "problems", (error,))
        for problem in problems:
            _say(stderr, f"compliance: error: {problem}")
        return error.exit_code
    except SystemExit as exit_:  # --help, --version
        return int(exit_.code or 0)
    except Exception as error:   # noqa: BLE001 - a bug of ours: one line, exit 70
        return _internal(error, stderr, debug)


def _internal(error: Exception, stderr: TextIO, debug: bool) -> int:
    text = str(error) if isinstance(error, EngineError) else f"{type(error).__name__}: {error}"
    text = " ".join(text.split())
    _say(stderr, f"compliance: internal error (a bug, please report it): {text[:500]}"
                 + ("" if debug else " (--debug shows the traceback)"))
    if debug:
        import traceback
        with contextlib.suppress(OSError, ValueError, AttributeError):
            traceback.print_exception(error, file=stderr)
    return EXIT_INTERNAL


def _say(stderr: TextIO | None, line: str) -> None:
    """One line on stderr, if stderr is still there to take it."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(line, file=stderr, flush=True)


def _discard_stdout() -> None:
    """After EPIPE: point stdout at /dev/null so the interpreter's last flush stays quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    def terminate(_signum: int, _frame: object) -> None:
        raise Terminated()
    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:           # not the main thread: leave signals alone
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace, stdout: GuardedStream, stderr: TextIO) -> int:
    if args.command == "schema":
        from .file_schemas import render
        stdout.write(render(args.kind))
        return EXIT_OK
    if args.command == "rules" and args.rules_command == "lint":
        files = list(dict.fromkeys(args.rule_files))     # a file named twice is linted once
        linted = load_rule_files(files)
        stdout.write(f"{len(files)} file(s) valid: {len(linted.rules)} rule(s)\n")
        return EXIT_OK
    if args.command == "watch":
        return _watch(args, stdout, stderr)
    if args.command == "docs":
        from .docsite import write_site
        if not args.output:
            raise UsageError("--output", expected="a directory name", got="")
        if os.path.exists(args.output) and not os.path.isdir(args.output):
            raise OutputError(f"{args.output}: not a directory (docs --output names the directory to write)")
        try:
            pages = write_site(load_rulebook(*args.rules), args.output, args.lang)
        except OSError as error:
            raise OutputError(f"{args.output}: cannot write the site: {error.strerror or error}") from None
        stdout.write(f"{len(pages)} pages written to {args.output} (open {os.path.join(args.output, 'index.html')})\n")
        return EXIT_OK
    if args.command == "explain":
        from .explain import explain
        stdout.write(explain(load_rulebook(*args.rules), args.id, args.lang))
        return EXIT_OK
    if args.command == "rules" and args.rules_command == "show":
        shown = load_rulebook(*args.rules)
        of_clause = [r for r in shown.checks if r.clause == args.rule_id]
        if of_clause:
            stdout.write("\n".join(describe_rule(shown, r) for r in of_clause))
            return EXIT_OK
        if any(c.id == args.rule_id for c in shown.clauses):     # D1, D2...: checked by the readers
            stdout.write(f"clause {args.rule_id}: no rule in the rule files checks it "
                         f"(compliance explain {args.rule_id} describes it)\n")
            return EXIT_OK
        try:
            rule = shown.rule(args.rule_id)
        except KeyError:
            from .errors import did_you_mean
            known = [r.id for r in shown.rules] + [c.id for c in shown.clauses]
            raise UsageError(f"no rule or clause '{args.rule_id}'", hint=did_you_mean(args.rule_id, known)) from None
        stdout.write(describe_rule(shown, rule))
        return EXIT_OK
    if args.command == "rules":
        listed = load_rulebook(*args.rules)
        if args.rules_command == "list":
            for rule in listed.checks:
                stdout.write(f"{rule.id}\t{rule.clause}\t{rule.severity.value}\t{rule.title.fr}\n")
            return EXIT_OK
        from .selfcheck import run_examples
        results = run_examples(listed)
        failed = [r for r in results if not r.ok]
        for r in failed:
            stdout.write(f"FAIL {r.describe()}\n")
        stdout.write(f"{len(results) - len(failed)} passed, {len(failed)} failed "
                     f"({len(listed.checks)} rules)\n")
        return EXIT_FINDINGS if failed else EXIT_OK
    if args.command in ("check", "audit"):
        _settle(args)
        if args.command == "check" and args.open:
            return _open_obligations(args, stdout, stderr)
        return _audit(args, stdout, stderr) if args.command == "audit" else _check(args, stdout, stderr)
    raise AssertionError(f"unknown command {args.command}")


def _settle(args: argparse.Namespace) -> None:
    """Options from the configuration file where no flag gave them, then the built-in defaults;
    the combinations that cannot work are refused before any work."""
    from .config import apply_config
    apply_config(args)
    args.format = {"md": "markdown"}.get(args.format, args.format)
    if args.quiet and args.format not in ("text", "jsonl"):
        raise cli_words.usage(args.lang, "--quiet", ("--format text ou jsonl", "--format text or jsonl"), args.format)
    if args.paths.count("-") > 1 if args.command == "audit" else args.files.count("-") > 1:
        raise cli_words.usage(args.lang, "-", ("l'entrée standard nommée une fois", "standard input named once"),
                              "-, -")


def _audit(args: argparse.Namespace, stdout: GuardedStream, stderr: TextIO) -> int:
    from .audit_output import AuditOptions, write_audit
    as_of = parse_as_of(args.as_of) or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    # an invalid rule base stops the audit before it starts
    rulebook = load_rulebook(*args.rules) if args.rules else None
    options = AuditOptions(paths=args.paths, as_of=as_of, format=args.format, lang=args.lang,
                           output=args.output, fail_on=args.fail_on, rule_dirs=args.rules,
                           waivers=args.waivers, jobs=args.jobs or None, time_limit=args.time_limit,
                           debug=args.debug, quiet=args.quiet, only_failing=args.only_failing)
    if args.scheduler:          # reached before any output, or one line and exit 2
        from .dask_backend import connect
        with contextlib.closing(connect(args.scheduler)) as client:
            return write_audit(attrs.evolve(options, scheduler=client), stdout, stderr, rulebook, stdin=_stdin())
    return write_audit(options, stdout, stderr, rulebook, stdin=_stdin())


def _check(args: argparse.Namespace, stdout: GuardedStream, stderr: TextIO) -> int:
    from .audit_output import OutcomeWriter, View
    from .checker import default_rulebook
    from .local_check import check_outcomes
    rulebook = load_rulebook(*args.rules) if args.rules else None
    as_of = parse_as_of(args.as_of) or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    waivers = load_waivers(args.waivers, rulebook) if args.waivers else ()
    colour = args.format == "text" and args.output is None and _is_terminal(stdout)
    view = View(command="check", format=args.format, lang=args.lang, fail_on=args.fail_on, quiet=args.quiet,
                only_failing=args.only_failing, colour=colour)
    with atomic_output(args.output, stdout, args.files) as out:     # a refused --output stops before any work
        writer = OutcomeWriter(out, view, as_of, rulebook or default_rulebook())
        writer.begin()
        evidence = args.compliance_evidence if args.compliance_evidence is not None else \
            args.format in EVIDENCE_FORMATS
        for outcome in check_outcomes(args.files, set(args.sessions), rulebook, as_of, waivers, _stdin(), args.lang,
                                      compliance_evidence=evidence):
            writer.add(outcome)
        unused = unused_waivers(waivers, writer.sessions_seen)
        writer.end([f"{w.file}:{w.line}" for w in unused])
    for problem in writer.problems:
        _say(stderr, f"compliance: error: {problem.message}")
    for waiver in unused:
        _say(stderr, cli_words.unused_waiver(args.lang, f"{waiver.file}:{waiver.line}", waiver.session, waiver.clause))
    return writer.exit_code()


def _stdin() -> Any:
    """The process's standard input as bytes (None when it is closed)."""
    return getattr(sys.stdin, "buffer", None)


def _watch(args: argparse.Namespace, stdout: GuardedStream, stderr: TextIO) -> int:
    """``compliance watch``: live lines while the log grows, then the final report."""
    from .watch import Watch, follow
    rulebook = load_rulebook(*args.rules) if args.rules else None

    def say(line: str) -> None:
        stdout.write(line + "\n")
        stdout.flush()
    name = "<stdin>" if args.log == "-" else args.log
    watch = Watch(name, rulebook, args.lang, say, lambda line: _say(stderr, line))
    try:
        with _log_stream(args.log, args.follow) as stream:
            # standard input ends when its writer does: there is nothing more to wait for
            follow(stream, watch, forever=args.follow and args.log != "-")
    except KeyboardInterrupt:      # the way to end --follow: the report of what was seen
        pass
    except OSError as error:
        raise UsageError(f"{name}: cannot read the log ({error.strerror})") from None
    if not watch.lines_read and not args.follow:
        raise InputError("empty file", location=Location(name), expected="session events")
    reports = watch.reports()
    stdout.write(render_text(reports, args.lang))
    if watch.problems:
        return EXIT_UNUSABLE
    return EXIT_FINDINGS if any(r.violations for r in reports) else EXIT_OK


@contextlib.contextmanager
def _log_stream(log: str, follow: bool) -> Iterator[TextIO]:
    """The log ``watch`` reads, as text whose bytes that are not UTF-8 stay visible (surrogate
    escapes). ``-`` is standard input. A record, or a FIFO or device when not following (it
    would wait for a writer), is refused."""
    from .readers import SUFFIXES, special_file_kind
    from .readers.record import read_record
    if SUFFIXES.get(os.path.splitext(log)[1].lower()) is read_record:
        raise UsageError(f"{log}: a session record", expected="a JSON Lines log (.jsonl)",
                         hint="check reads records")
    if log == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise UsageError("<stdin>: cannot read the log (standard input is closed)")
        yield io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="\n")
        return
    kind = special_file_kind(os.stat(log).st_mode)
    if kind is not None and not (follow and kind == "a FIFO"):
        raise UsageError(f"{log}: cannot read the log ({kind}, not a regular file)")
    with open(log, encoding="utf-8", errors="surrogateescape", newline="\n") as stream:
        yield stream


def _open_obligations(args: argparse.Namespace, stdout: GuardedStream, stderr: TextIO) -> int:
    """``check --open``: each session's open obligations at ``as_of``; exit 0 (2 on a problem)."""
    rulebook = load_rulebook(*args.rules) if args.rules else None
    as_of = parse_as_of(args.as_of) or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if args.waivers:
        load_waivers(args.waivers, rulebook)        # refused as check refuses it
    from .audit import discover
    from .checker import Checker
    from .readers import read_file
    if args.format not in ("text", "json"):
        raise cli_words.usage(args.lang, "--open", ("--format text ou json", "--format text or json"), args.format)
    found = discover(args.files)
    problems = [p.message for p in found.problems]
    listed: list[tuple[str, list[Any]]] = []
    for file in found.files:
        result = read_file(file)
        problems += [str(error) for error in result.problems]
        for session in result.sessions:
            if args.sessions and session.id not in args.sessions:
                continue
            checker = Checker(rulebook, session=session.id)
            checker.extend(e for e in session.events if e.at <= as_of)    # the session so far
            listed.append((session.id, checker.open_obligations(as_of)))
    seen = {sid for sid, _ in listed}
    problems += [cli_words.no_such_session(args.lang, sid, ", ".join(args.files))
                 for sid in sorted(set(args.sessions) - seen)]       # as check says it
    with atomic_output(args.output, stdout, args.files) as out:
        out.write(render_obligations(listed, as_of, args.format, args.lang))
    for problem in problems:
        _say(stderr, f"compliance: error: {problem}")
    return EXIT_UNUSABLE if problems else EXIT_OK


def render_obligations(listed: Sequence[tuple[str, Sequence[Any]]], as_of: dt.datetime, fmt: str, lang: str) -> str:
    """Open obligations of each session: text lines by due time, or a JSON document."""
    from .errors import printable
    if fmt == "json":
        document = {"as_of": as_of.isoformat(), "sessions": [
            {"session": sid, "open": [{"clause": o.clause, "rule": o.rule, "due": o.due.isoformat(),
                                       "title": {"fr": o.title.fr, "en": o.title.en},
                                       "discharge": {"fr": o.discharge.fr, "en": o.discharge.en},
                                       "opened_by": [e.event_id for e in o.opened_by]} for o in obligations]}
            for sid, obligations in listed]}
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    lines = []
    for sid, obligations in listed:
        n = len(obligations)
        if lang == "fr":       # French keeps 0 and 1 singular
            head = f"Session {printable(sid)} : {n} obligation{'s ouvertes' if n > 1 else ' ouverte'}"
        else:
            head = f"Session {printable(sid)}: {n} open obligation{'' if n == 1 else 's'}"
        lines.append(head)
        for o in obligations:
            by = ", ".join(e.event_id for e in o.opened_by)
            lines.append(f"  {_time.moment_words(o.due, lang)}  {o.clause}  {printable(o.discharge.get(lang))}"
                         f"  [{printable(o.rule)} · {printable(by)}]")
    return "\n".join(lines) + "\n"


def _is_terminal(stream: TextIO | GuardedStream) -> bool:
    """Colour only for a person at a terminal (and never when NO_COLOR is set)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def describe_rule(rulebook: Rulebook, rule: Rule) -> str:
    """A rule as a person reads it: what it checks, where it comes from, how it is tested."""
    lines = [f"{rule.id}  ({rule.file}:{rule.line})"]
    if isinstance(rule, Check):
        clause = rulebook.clause(rule.clause)
        lines += [f"  clause    {clause.id}: {clause.title.fr}", f"            {clause.title.en}",
                  f"  severity  {rule.severity.value}", f"  title     {rule.title.fr} / {rule.title.en}",
                  f"  reference {rule.reference.text}"]
        for label, value in (("article", rule.reference.article), ("url", rule.reference.url),
                             ("quote", rule.reference.quote)):
            if value:
                lines.append(f"            {label}: {value}")
        if rule.in_force != (None, None):
            lines.append(f"  in force  {rule.in_force[0] or '…'} → {rule.in_force[1] or '…'}")
    else:
        lines.append(f"  derives   {rule.type}")
    lines.append("  when")
    for p in rule.patterns:
        head = f"absent {p.event}" if p.absent else f"{p.alias} = {p.event}"
        lines.append(f"    {head}" + (f" where {' and '.join(c.text for c in p.conditions)}" if p.conditions else ""))
    if isinstance(rule, Check):
        lines += [f"  live      {rule.certainty.value}", f"  message   {rule.message.fr}", f"            {rule.message.en}"]
    for example in rule.examples if isinstance(rule, Check) else ():
        lines.append(f"  example   {example.expect.value}: {example.name} ({len(example.events)} events, line {example.line})")
    return "\n".join(lines) + "\n"
