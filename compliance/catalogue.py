"""The clause catalogue (``rules/clauses.yaml``): every obligation, its section and severities.

Each clause says what its rules may conclude (docs/rules.md, "Severity"):

* ``breach``: what an explicit breach gives, ``violation`` or ``warning``;
* ``no_evidence``: what the absence of any record of the duty gives, ``violation``,
  ``warning``, ``pending`` (a deadline, pending until due) or ``none`` (nothing to record);
* ``pending_before_due`` (optional, false by default): the duty falls due after the session (the
  post-session duties, due at ``session_closed.duties_due``), so its rules may also say
  ``pending`` before the due instant, whatever ``no_evidence`` gives once it is due.

and ``basis``, what the clause rests on (``BASES``), which bounds those columns: a clause resting
on a superseded text or on guidance alone gives warnings, one resting on a text in force gives
violations (``basis_problem``). A check's severity must be one of the two columns
(``severity_problem``); the loader refuses the clause or the rule otherwise. The catalogue also
holds ``settings`` that rules read as computed fields.
"""
from __future__ import annotations

from typing import Any

import attrs

from ._problems import Problems
from ._yaml import YamlList, YamlMap
from .errors import Location, did_you_mean
from .model import Severity, Text


def _days(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3650


def _day_text(value: Any) -> bool:
    return isinstance(value, str) and _is_day(value)


def _codes(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() == v and v for v in value)


_A_DAY = "a day YYYY-MM-DD in quotes"

# Every setting a rule base may hold, with what it accepts; anything else is refused at load.
SETTINGS: dict[str, tuple[Any, str]] = {
    "convocation_lead_days_titre": (_days, "a whole number of days (0 to 3650)"),
    "convocation_lead_days_ccp": (_days, "a whole number of days (0 to 3650)"),
    "convocation_month_titre": (lambda v: isinstance(v, bool), "true or false"),
    "pv_deadline_days": (_days, "a whole number of days (0 to 3650)"),
    "post_session_grace_days": (_days, "a whole number of days (0 to 3650)"),
    "deadline_counting": (lambda v: v in ("calendar_days", "hours"), "calendar_days or hours"),
    "deadline_shift_to_working_day": (lambda v: isinstance(v, bool), "true or false"),
    # the law as of the session date: bounds of rules' in_force (docs/rules.md, "Versions")
    "covid_derogations_until": (_day_text, _A_DAY),
    "remote_experiment_until": (_day_text, _A_DAY),
    "remote_experiment_ccps": (_codes, "a list of CCP codes (text, no surrounding spaces)"),
}

# Settings that hold a day: the ones a rule's in_force bound may name.
DAY_SETTINGS = frozenset(name for name, (accepts, _) in SETTINGS.items() if accepts is _day_text)

# What a clause may rest on (docs/rules.md, "Severity") -> the breach severities it allows, and
# whether a missing record may be a violation. Hard law gives violations; a superseded text or
# guidance is a strong hint, not proof, of the current rule: warnings until the text is confirmed.
BASES: dict[str, tuple[frozenset[Severity], bool]] = {
    "current": (frozenset({Severity.VIOLATION}), True),        # a text in force, read
    "case_law": (frozenset({Severity.VIOLATION}), True),       # a principle the courts enforce
    "superseded": (frozenset({Severity.WARNING}), False),      # only in a repealed text
    "guidance": (frozenset({Severity.WARNING}), False),        # only in official guidance
    "seed": (frozenset({Severity.VIOLATION, Severity.WARNING}), True),  # the session guide (the clause says which)
    "record": (frozenset({Severity.VIOLATION}), True),         # the record itself (D clauses)
}

BREACH = {"violation": Severity.VIOLATION, "warning": Severity.WARNING}
NO_EVIDENCE = {"violation": Severity.VIOLATION, "warning": Severity.WARNING,
               "pending": Severity.PENDING, "none": None}


@attrs.frozen(kw_only=True)
class Clause:
    """One obligation of the catalogue."""
    id: str
    section: str
    title: Text
    breach: Severity
    no_evidence: Severity | None        # None: nothing to record when there is no evidence
    basis: str = "seed"                 # a key of BASES: what the clause rests on
    applies_if: tuple[str, ...] = ()    # event types: without any of them the clause is not applicable
    retired: bool = False
    pending_before_due: bool = False    # a duty due after the session: pending rules allowed before it


def severity_problem(clause: Clause, severity: Severity) -> str | None:
    """What the catalogue expects when a rule of ``clause`` may not have ``severity``, else None.

    A rule judges either an explicit breach (its severity is the clause's ``breach``) or a duty
    with no record (``no_evidence``); ``pending`` is only a deadline's ``no_evidence``.

    >>> s85 = Clause(id="S8.5", section="S8", title=Text("", ""), breach=Severity.VIOLATION,
    ...              no_evidence=Severity.PENDING)
    >>> severity_problem(s85, Severity.WARNING)
    'violation (breach) or pending (no_evidence)'
    >>> severity_problem(s85, Severity.PENDING) is None
    True
    """
    if severity is clause.breach or severity is clause.no_evidence:
        return None
    if severity is Severity.PENDING and clause.pending_before_due:
        return None
    if clause.no_evidence is None:
        return f"{clause.breach.value} (breach; no_evidence is none)"
    if clause.no_evidence is clause.breach:
        return f"{clause.breach.value} (breach and no_evidence)"
    return f"{clause.breach.value} (breach) or {clause.no_evidence.value} (no_evidence)"


TEXT_STATUSES = ("in_force", "superseded", "guidance")


@attrs.frozen(kw_only=True)
class CitedText:
    """One text of the catalogue's ``texts``: what rules' references name by id."""
    id: str
    title: str
    date: str = ""          # YYYY-MM-DD: the day it was signed or published ("" where unknown)
    status: str             # in_force, superseded, or guidance (not a legal text)
    url: str = ""           # the official publication, where there is one


def read_texts(file: str, doc: Any, problems: Problems) -> dict[str, CitedText]:
    """The catalogue's ``texts`` (id -> text), each checked; problems reported with their line."""
    raw = doc.get("texts") if isinstance(doc, YamlMap) else None
    texts: dict[str, CitedText] = {}
    if raw is None:
        return texts
    if not isinstance(raw, YamlMap):
        problems.add(Location(file, doc.line_of("texts")), "texts", expected="a mapping of text ids to texts", got=raw)
        return texts
    for key, node in raw.items():
        where = Location(file, raw.line_of(key))
        if not isinstance(node, YamlMap):
            problems.add(where, f"text '{key}'", expected="a mapping with 'title' and 'status'", got=node)
            continue
        if not problems.closed(file, node, {"title", "status"}, {"date", "url"}, f"text '{key}'"):
            continue
        fields = {k: node.get(k, "") for k in ("title", "status", "date", "url")}
        if not all(isinstance(v, str) for v in fields.values()):
            problems.add(where, f"text '{key}'", expected="text values for title, status, date and url")
        elif fields["status"] not in TEXT_STATUSES:
            problems.add(Location(file, node.line_of("status")), f"text '{key}': 'status'",
                         expected=" | ".join(TEXT_STATUSES), got=node["status"])
        elif fields["date"] and not _is_day(fields["date"]):
            problems.add(Location(file, node.line_of("date")), f"text '{key}': 'date'",
                         expected="a day YYYY-MM-DD", got=node["date"])
        else:
            texts[str(key)] = CitedText(id=str(key), **fields)
    return texts


def _is_day(value: str) -> bool:
    import datetime as dt
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def basis_problem(basis: str, breach: Severity, no_evidence: Severity | None) -> tuple[str, str] | None:
    """(column, what the basis allows) when a clause's columns break the severity policy, else None.

    >>> basis_problem("superseded", Severity.VIOLATION, None)
    ('breach', 'warning (a superseded basis gives warnings)')
    >>> basis_problem("guidance", Severity.WARNING, Severity.VIOLATION)
    ('no_evidence', 'warning, pending or none (a guidance basis gives warnings)')
    >>> basis_problem("current", Severity.VIOLATION, Severity.WARNING) is None
    True
    """
    breaches, missing_may_violate = BASES[basis]
    gives = "violations" if breaches == {Severity.VIOLATION} else "warnings"
    if breach not in breaches:
        return "breach", f"{' or '.join(sorted(s.value for s in breaches))} (a {basis} basis gives {gives})"
    if no_evidence is Severity.VIOLATION and not missing_may_violate:
        return "no_evidence", f"warning, pending or none (a {basis} basis gives {gives})"
    return None


def read_catalogue(file: str, doc: Any, problems: Problems) -> tuple[dict[str, Clause], dict[str, Any]]:
    """The clauses (by id, in file order) and settings of a parsed catalogue; problems reported."""
    clauses: dict[str, Clause] = {}
    settings: dict[str, Any] = {}
    where = Location(file, getattr(doc, "line", 1))
    if not isinstance(doc, YamlMap) or not isinstance(doc.get("clauses"), YamlList):
        problems.add(where, "clause catalogue", expected="a mapping with a 'clauses' list")
        return clauses, settings
    problems.closed(file, doc, {"clauses", "settings"}, {"texts"}, "catalogue")
    raw_settings = doc.get("settings", {})
    if isinstance(raw_settings, YamlMap):
        for key, value in raw_settings.items():
            where_key = Location(file, raw_settings.line_of(key))
            if key not in SETTINGS:
                problems.add(where_key, f"unknown setting '{key}'", hint=did_you_mean(str(key), SETTINGS))
            elif not SETTINGS[key][0](value):
                problems.add(where_key, f"setting '{key}'", expected=SETTINGS[key][1], got=value)
            else:
                settings[key] = value
    elif raw_settings is not None:
        problems.add(where, "settings", expected="a mapping of setting names to values", got=raw_settings)
    for node in doc["clauses"]:
        clause = _read_clause(file, node, problems)
        if clause is None:
            continue
        if clause.id in clauses:
            problems.add(Location(file, node.line), f"duplicate clause id '{clause.id}'")
        clauses[clause.id] = clause
    return clauses, settings


def _read_clause(file: str, node: Any, problems: Problems) -> Clause | None:
    loc = Location(file, getattr(node, "line", None))
    if not isinstance(node, YamlMap):
        problems.add(loc, "clause", expected="a mapping")
        return None
    what = f"clause {node.get('id')!r}"
    if not problems.closed(file, node, {"id", "section", "title", "basis", "breach", "no_evidence"},
                           {"applies_if", "retired", "pending_before_due"}, what):
        return None
    if not (isinstance(node["id"], str) and isinstance(node["section"], str)
            and isinstance(node.get("applies_if", []), list)
            and isinstance(node.get("pending_before_due", False), bool)):
        problems.add(loc, "clause", expected="text 'id' and 'section', a list 'applies_if', "
                     "true or false 'pending_before_due'")
        return None
    title = problems.text(file, node, "title", f"clause {node['id']}")
    breach = _column(file, node, "breach", BREACH, problems)
    no_evidence = _column(file, node, "no_evidence", NO_EVIDENCE, problems)
    basis = _column(file, node, "basis", {b: b for b in BASES}, problems)
    if title is None or breach is None or no_evidence is _BAD or basis is None:
        return None
    no_evidence = no_evidence if isinstance(no_evidence, Severity) else None
    broken = basis_problem(basis, breach, no_evidence)
    if broken is not None:
        column, allowed = broken
        problems.add(Location(file, node.line_of(column)), f"clause {node['id']}: '{column}' disagrees with "
                     f"'basis: {basis}'", expected=allowed, got=node[column])
        return None
    return Clause(id=node["id"], section=node["section"], title=title, breach=breach,
                  no_evidence=no_evidence, basis=basis,
                  applies_if=tuple(node.get("applies_if") or ()), retired=bool(node.get("retired", False)),
                  pending_before_due=node.get("pending_before_due", False))


_BAD = object()


def _column(file: str, node: YamlMap, key: str, table: dict[str, Any], problems: Problems) -> Any:
    value = node[key]
    if isinstance(value, str) and value in table:
        return table[value]
    problems.add(Location(file, node.line_of(key)), f"clause {node['id']}: '{key}'",
                 expected=" | ".join(table), got=value)
    return _BAD if key == "no_evidence" else None
