"""Command line: argument parsing, exit codes, streams. No business logic here.

Exit codes (as linters do):
  0   no violation
  1   at least one violation found (or, for ``rules test``, a failing example)
  2   the run could not do all it was asked: bad usage, unusable input, invalid rule base
  70  an internal error (a bug of ours or of the rules engine)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Sequence, TextIO

from . import __version__, _time
from .checker import check_session
from .errors import ComplianceError, EngineError, UsageError
from .readers import read_path
from .reporters import REPORTERS
from .rulebook import Rule, Rulebook, load_rule_files, load_rulebook
from .waivers import apply_waivers, load_waivers, unused_waivers

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 70

EPILOG = """exit codes:
  0   no violation
  1   violations found (rules test: an example failed)
  2   unusable input, invalid rule base or bad usage
  70  internal error
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print and sys.exit
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="compliance", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Check Titre Professionnel exam sessions against the regulation.")
    parser.add_argument("--version", action="version", version=f"compliance {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="check session records or event logs", epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("files", nargs="+", metavar="FILE", help="a .yaml/.json session record or a .jsonl log")
    check.add_argument("--as-of", dest="as_of", metavar="DATE",
                       help="audit date (YYYY-MM-DD = end of that day, Paris time; or an ISO time with offset); default: now")
    check.add_argument("--format", choices=sorted(REPORTERS), default="text")
    check.add_argument("--lang", choices=["fr", "en"], default="fr")
    check.add_argument("--rules", action="append", default=[], metavar="DIR",
                       help="extra rule directory (overrides rules of the same id); repeatable")
    check.add_argument("--waivers", metavar="FILE", help="YAML file of accepted deviations")

    audit = sub.add_parser("audit", help="check archives: many files and sessions, with a summary",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    audit.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (searched recursively)")
    audit.add_argument("--as-of", dest="as_of", metavar="DATE", help="audit date (as for check); default: now")
    audit.add_argument("--format", choices=["text", "json", "jsonl"], default="text",
                       help="jsonl streams one line per session (flat memory on huge archives)")
    audit.add_argument("--output", metavar="FILE", help="write there (atomically) instead of stdout")
    audit.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes (default: all cores)")
    audit.add_argument("--fail-on", dest="fail_on", choices=["violation", "warning", "never"], default="violation",
                       help="which findings make the exit code 1 (default: violation)")
    audit.add_argument("--lang", choices=["fr", "en"], default="fr")
    audit.add_argument("--rules", action="append", default=[], metavar="DIR")
    audit.add_argument("--waivers", metavar="FILE", help="YAML file of accepted deviations")

    rules = sub.add_parser("rules", help="work with the rule base")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    test = rules_sub.add_parser("test", help="run every rule's embedded examples")
    test.add_argument("--rules", action="append", default=[], metavar="DIR")
    listing = rules_sub.add_parser("list", help="list the rules")
    listing.add_argument("--rules", action="append", default=[], metavar="DIR")
    show = rules_sub.add_parser("show", help="show one rule, its clause and its examples")
    show.add_argument("rule_id", metavar="ID")
    show.add_argument("--rules", action="append", default=[], metavar="DIR")
    lint = rules_sub.add_parser("lint", help="validate rule files without running them")
    lint.add_argument("rule_files", nargs="+", metavar="FILE")

    sub.add_parser("schema", help="print the JSON Schema of events")
    return parser


def parse_as_of(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return _time.parse_audit_date(text)
    except _time.TimeFormatError as error:
        raise UsageError("--as-of", expected=str(error).removeprefix("expected "), got=text) from None


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = build_parser().parse_args(argv)
        return _run(args, stdout, stderr)
    except EngineError as error:
        print(f"compliance: internal error: {error}", file=stderr)
        if debug:
            import traceback
            traceback.print_exc(file=stderr)
        return EXIT_INTERNAL
    except ComplianceError as error:
        problems = getattr(error, "problems", (error,))
        for problem in problems:
            print(f"compliance: error: {problem}", file=stderr)
        return error.exit_code
    except SystemExit as exit_:  # --help, --version
        return int(exit_.code or 0)
    except KeyboardInterrupt:
        print("compliance: interrupted", file=stderr)
        return 130


def _run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.command == "schema":
        from .events import json_schema
        stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if args.command == "rules" and args.rules_command == "lint":
        rulebook = load_rule_files(args.rule_files)
        stdout.write(f"{len(args.rule_files)} file(s) valid: {len(rulebook.rules)} rule(s)\n")
        return EXIT_OK
    if args.command == "rules" and args.rules_command == "show":
        rulebook = load_rulebook(*args.rules)
        try:
            rule = rulebook.rule(args.rule_id)
        except KeyError:
            from .errors import did_you_mean
            raise UsageError(f"no rule '{args.rule_id}'",
                             hint=did_you_mean(args.rule_id, [r.id for r in rulebook.rules])) from None
        stdout.write(describe_rule(rulebook, rule))
        return EXIT_OK
    if args.command == "rules":
        rulebook = load_rulebook(*args.rules)
        if args.rules_command == "list":
            for rule in rulebook.checks:
                stdout.write(f"{rule.id}\t{rule.clause}\t{rule.severity}\t{rule.title.fr}\n")
            return EXIT_OK
        from .selfcheck import run_examples
        results = run_examples(rulebook)
        failed = [r for r in results if not r.ok]
        for r in failed:
            stdout.write(f"FAIL {r.describe()}\n")
        stdout.write(f"{len(results) - len(failed)} passed, {len(failed)} failed "
                     f"({len(rulebook.checks)} rules)\n")
        return EXIT_FINDINGS if failed else EXIT_OK
    if args.command == "audit":
        from .audit_output import write_audit
        as_of = parse_as_of(args.as_of) or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        if args.rules:
            load_rulebook(*args.rules)      # an invalid rule base stops the audit before it starts
        return write_audit(args, as_of, stdout, stderr)
    # check
    rulebook = load_rulebook(*args.rules) if args.rules else None
    as_of = parse_as_of(args.as_of)
    if as_of is None:
        as_of = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    waivers = load_waivers(args.waivers) if args.waivers else ()
    reports = []
    for file in args.files:
        for session in read_path(file):
            reports.append(apply_waivers(check_session(session, rulebook, as_of), waivers, as_of))
    if args.format == "text" and _is_terminal(stdout):
        stdout.write(REPORTERS["text"](reports, args.lang, colour=True))
    else:
        stdout.write(REPORTERS[args.format](reports, args.lang))
    for waiver in unused_waivers(waivers, {r.session for r in reports}):
        print(f"compliance: note: {waiver.file}:{waiver.line}: waiver for session '{waiver.session}' "
              f"({waiver.clause}) matches no session checked: unused", file=stderr)
    return EXIT_FINDINGS if any(r.violations for r in reports) else EXIT_OK


def _is_terminal(stream: TextIO) -> bool:
    """Colour only for a person at a terminal (and never when NO_COLOR is set)."""
    import os
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def describe_rule(rulebook: Rulebook, rule: Rule) -> str:
    """A rule as a person reads it: what it checks, where it comes from, how it is tested."""
    lines = [f"{rule.id}  ({rule.file}:{rule.line})"]
    if rule.is_check:
        clause = rulebook.clause(rule.clause)
        lines += [f"  clause    {clause.id}: {clause.title.fr}", f"            {clause.title.en}",
                  f"  severity  {rule.severity}", f"  title     {rule.title.fr} / {rule.title.en}",
                  f"  reference {rule.reference.text}"]
        for label, value in (("article", rule.reference.article), ("url", rule.reference.url),
                             ("quote", rule.reference.quote)):
            if value:
                lines.append(f"            {label}: {value}")
        if rule.in_force != (None, None):
            lines.append(f"  in force  {rule.in_force[0] or '…'} → {rule.in_force[1] or '…'}")
    else:
        lines.append(f"  derives   {rule.derive[0]}")
    lines.append("  when")
    for p in rule.patterns:
        head = f"absent {p.event}" if p.absent else f"{p.alias} = {p.event}"
        lines.append(f"    {head}" + (f" where {' and '.join(c.text for c in p.conditions)}" if p.conditions else ""))
    if rule.is_check:
        lines += [f"  live      {rule.certainty}", f"  message   {rule.message.fr}", f"            {rule.message.en}"]
    for example in rule.examples:
        lines.append(f"  example   {example.expect}: {example.name} ({len(example.events)} events, line {example.line})")
    return "\n".join(lines) + "\n"
