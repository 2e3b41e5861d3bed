"""Writing an audit: streams the outcomes in the chosen format, atomically when to a file."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, TextIO

from .audit import Progress, Summary, run_audit
from .waivers import load_waivers

AUDIT_SCHEMA = "tp-compliance/audit/1"


@contextmanager
def atomic_output(path: str | None, stdout: TextIO) -> Iterator[TextIO]:
    """stdout, or a temporary file renamed over ``path`` only once complete."""
    if path is None:
        yield stdout
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _line(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n"


def write_audit(args: argparse.Namespace, as_of: dt.datetime, stdout: TextIO, stderr: TextIO) -> int:
    summary = Summary()
    progress = Progress(stderr) if getattr(stderr, "isatty", lambda: False)() else None
    problems: list[str] = []
    fail_severities = {"violation": {"violation"}, "warning": {"violation", "warning"}, "never": set()}[args.fail_on]
    failing = False
    waivers = load_waivers(args.waivers) if args.waivers else ()
    sessions_json: list[dict[str, Any]] = []
    with atomic_output(args.output, stdout) as out:
        if args.format == "jsonl":
            out.write(_line({"kind": "audit", "schema": AUDIT_SCHEMA, "as_of": as_of.isoformat()}))
        for outcome in run_audit(args.paths, as_of=as_of, rule_dirs=tuple(args.rules), jobs=args.jobs or None,
                                 waivers=waivers, progress=progress):
            summary.add(outcome)
            problems.extend(outcome.problems)
            for report in outcome.reports:
                failing |= any(f["severity"] in fail_severities and not f.get("waived") for f in report["findings"])
                if args.format == "jsonl":
                    out.write(_line({"kind": "session", **report}))
                elif args.format == "json":
                    sessions_json.append(report)
                else:
                    out.write(_text_session(report, args.lang))
            for problem in outcome.problems:
                if args.format == "jsonl":
                    out.write(_line({"kind": "problem", "file": outcome.file, "error": problem}))
                elif args.format == "text":
                    out.write(f"!! {problem}\n")
        unused = [w for w in waivers if (w.file, w.line) not in summary.waivers_applied | summary.waivers_expired]
        summary_json = dict(summary.to_json(), unused_waivers=[f"{w.file}:{w.line}" for w in unused])
        if args.format == "jsonl":
            out.write(_line({"kind": "summary", **summary_json}))
        elif args.format == "json":
            out.write(json.dumps({"schema": AUDIT_SCHEMA, "as_of": as_of.isoformat(), "sessions": sessions_json,
                                  "problems": problems, "summary": summary_json},
                                 ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        else:
            out.write(_text_summary(summary_json, args.lang))
    if problems:
        return 2
    return 1 if failing else 0


def _text_session(report: dict[str, Any], lang: str) -> str:
    counts = {s: sum(1 for f in report["findings"] if f["severity"] == s) for s in ("violation", "warning", "pending")}
    mark = "✗" if counts["violation"] else ("!" if counts["warning"] else "✓")
    clauses = sorted({f["clause"] for f in report["findings"] if f["severity"] == "violation"})
    if lang == "fr":
        text = f"{mark} {report['session']} ({report['source']}) : {counts['violation']} violation(s), " \
               f"{counts['warning']} avertissement(s), {counts['pending']} en attente"
    else:
        text = f"{mark} {report['session']} ({report['source']}): {counts['violation']} violation(s), " \
               f"{counts['warning']} warning(s), {counts['pending']} pending"
    return text + (f" — {', '.join(clauses)}" if clauses else "") + "\n"


def _text_summary(s: dict[str, Any], lang: str) -> str:
    fr = lang == "fr"
    lines = ["", "Résumé" if fr else "Summary",
             (f"  fichiers : {s['files']} (illisibles : {len(s['unreadable_files'])}, problèmes : {s['file_problems']})"
              if fr else f"  files: {s['files']} (unreadable: {len(s['unreadable_files'])}, problems: {s['file_problems']})"),
             (f"  sessions : {s['sessions']} · avec violation : {s['sessions_with_violations']} · "
              f"avec avertissement : {s['sessions_with_warnings']}" if fr else
              f"  sessions: {s['sessions']} · with violations: {s['sessions_with_violations']} · "
              f"with warnings: {s['sessions_with_warnings']}")]
    if s["findings_by_clause"]:
        lines.append("  constats par clause :" if fr else "  findings by clause:")
        lines += [f"    {clause:<5} {n}" for clause, n in s["findings_by_clause"]]
    for waiver in s["unused_waivers"]:
        lines.append(f"  {'dérogation inutilisée' if fr else 'unused waiver'} : {waiver}")
    for file in s["unreadable_files"]:
        lines.append(f"  {'illisible' if fr else 'unreadable'} : {file}" if fr else f"  unreadable: {file}")
    return "\n".join(lines) + "\n"
