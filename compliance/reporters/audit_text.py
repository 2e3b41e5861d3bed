"""Plain-text audit output: one line per session checked, then the audit's summary.

Reports and the summary arrive in their JSON form (as the audit's workers send them); every
text from records, file names or waivers goes through ``printable``.
"""
from __future__ import annotations

from typing import Any

from ..errors import printable
from ._labels import count, counts

NAMED = 20      # files not read named in the text summary (all of them in JSON)


def render_audit_session(report: dict[str, Any], lang: str) -> str:
    """``✗ session (file) : 1 violation, 2 avertissements, 0 en attente — S2.1``: the findings no
    waiver accepts, as the exit code counts them (and how many a waiver accepted), the violated
    clauses in catalogue order."""
    live = [f for f in report["findings"] if not f.get("waived")]
    found = {s: sum(1 for f in live if f["severity"] == s) for s in ("violation", "warning", "pending")}
    mark = "✗" if found["violation"] else ("!" if found["warning"] else "✓")
    violated = {f["clause"] for f in live if f["severity"] == "violation"}
    order = [c["clause"] for c in report["clauses"]]
    clauses = sorted(violated, key=lambda c: (order.index(c) if c in order else len(order), c))
    session, source = printable(report["session"]), printable(report["source"])
    sep = " : " if lang == "fr" else ": "
    text = f"{mark} {session} ({source}){sep}" + counts(found["violation"], found["warning"], found["pending"], lang)
    waived = len(report["findings"]) - len(live)
    if waived:
        text += f", {count(waived, 'waived', lang)}"
    return text + (f" — {', '.join(clauses)}" if clauses else "") + "\n"


def render_audit_summary(s: dict[str, Any], lang: str) -> str:
    """The summary block that ends a text audit."""
    fr = lang == "fr"
    lines = ["", "Résumé" if fr else "Summary",
             (f"  fichiers : {s['files']} (illisibles : {len(s['unreadable_files'])}, problèmes : {s['file_problems']})"
              if fr else f"  files: {s['files']} (unreadable: {len(s['unreadable_files'])}, problems: {s['file_problems']})"),
             (f"  sessions : {s['sessions']} · non vérifiées : {s['sessions_not_checked']} · avec violation : "
              f"{s['sessions_with_violations']} · avec avertissement : {s['sessions_with_warnings']}" if fr else
              f"  sessions: {s['sessions']} · not checked: {s['sessions_not_checked']} · with violations: "
              f"{s['sessions_with_violations']} · with warnings: {s['sessions_with_warnings']}")]
    if s["not_read"]:
        lines.append(f"  non lus : {s['not_read']} (autres suffixes)" if fr else
                     f"  not read: {s['not_read']} (other suffixes)")
        named = s.get("not_read_files", [])
        lines += [f"    {file}" for file in named[:NAMED]]
        if len(named) > NAMED:
            lines.append(f"    … et {len(named) - NAMED} autres" if fr else f"    … and {len(named) - NAMED} more")
    if s["findings_by_clause"]:
        lines.append("  constats par clause :" if fr else "  findings by clause:")
        lines += [f"    {clause:<5} {n}" for clause, n in s["findings_by_clause"]]
    for note in s["notes"]:
        lines.append(f"  note : {note}" if fr else f"  note: {note}")
    for waiver in s["unused_waivers"]:
        lines.append(f"  {'dérogation inutilisée' if fr else 'unused waiver'} : {waiver}")
    for file in s["unreadable_files"]:
        lines.append(f"  {'illisible' if fr else 'unreadable'} : {file}" if fr else f"  unreadable: {file}")
    return "\n".join(printable(line) for line in lines) + "\n"
