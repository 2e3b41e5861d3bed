"""Rule files and the clause catalogue → a validated, immutable ``Rulebook``.

Rule files are YAML data, loaded safely (``_yaml``), never evaluated. Their schema is closed:
every key is known, every name is checked against the event vocabulary and the clause catalogue,
and every problem is reported with its file and line. The language is documented in
``docs/rules.md``. This module knows nothing of durable_rules.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from pathlib import Path
from typing import Any, Iterable

import attrs

from . import _time, events
from ._yaml import YamlError, YamlList, YamlMap, load_yaml
from .errors import Location, ProblemList, RulebookError, did_you_mean
from .model import Text
from .expressions import (Arith, Condition, ExpressionError, Literal, Ref, Span, parse_condition,
                          parse_value)

SEVERITIES = ("violation", "warning", "pending")
END = "end"     # reserved alias: the end of the record, whose ``at`` is the audit date
# A 'match' entry that no condition relates to an earlier match multiplies the combinations the
# engine must build by the number of events of its type; beyond this many per rule, evaluation
# time explodes (6 such joins over 40 events ran for minutes). The shipped rules need 2.
MAX_UNCONSTRAINED_JOINS = 2
MAX_EXAMPLE_COUNT = 10_000
_UNREADABLE = object()   # what _Loader._read returns once it has reported why
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")          # whole text (fullmatch)
_ALIAS = re.compile(r"[^\W\d]\w*", re.UNICODE)


@attrs.frozen
class Reference:
    text: str
    article: str = ""
    url: str = ""
    quote: str = ""


@attrs.frozen(kw_only=True)
class Clause:
    """One obligation of the catalogue."""
    id: str
    section: str
    title: Text
    breach: str                 # violation | warning
    no_evidence: str            # violation | warning | pending | none
    applies_if: tuple[str, ...] = ()   # event types: without any of them the clause is not applicable
    retired: bool = False


@attrs.frozen(kw_only=True)
class Pattern:
    """One line of a rule's ``when``: an event that must be there (``match``) or must not (``absent``)."""
    alias: str | None
    event: str
    conditions: tuple[Condition, ...]
    absent: bool
    line: int | None = attrs.field(eq=False, default=None)


@attrs.frozen(kw_only=True)
class Example:
    name: str
    expect: str                 # fire | pass
    events: tuple[events.Event, ...]
    as_of: dt.datetime | None
    count: int | None = None
    line: int | None = attrs.field(eq=False, default=None)


@attrs.frozen(kw_only=True)
class Rule:
    """A check (``clause`` set) or a derivation (``derive`` set: asserts a new fact)."""
    id: str
    file: str
    line: int | None
    patterns: tuple[Pattern, ...]
    clause: str | None = None
    severity: str | None = None
    title: Text | None = None
    message: Text | None = None
    reference: Reference | None = None
    in_force: tuple[dt.date | None, dt.date | None] = (None, None)
    values: tuple[tuple[str, Any], ...] = ()
    evidence: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    derive: tuple[str, tuple[tuple[str, Ref], ...]] | None = None
    # live feeding: "immediate" (no absence), "bounded" (certain once the clock passes
    # every bound), "finish" (only at the end of the record)
    certainty: str = "finish"
    bounds: tuple[Any, ...] = ()
    alias_kinds: dict[str, dict[str, str]] = attrs.field(factory=dict, eq=False, hash=False)

    @property
    def is_check(self) -> bool:
        return self.derive is None

    def applies_on(self, day: dt.date) -> bool:
        start, until = self.in_force
        return (start is None or start <= day) and (until is None or day <= until)


@attrs.frozen
class Rulebook:
    clauses: tuple[Clause, ...]
    rules: tuple[Rule, ...]
    fingerprint: str
    settings: tuple[tuple[str, Any], ...] = ()

    def clause(self, clause_id: str) -> Clause:
        return self._clauses_by_id()[clause_id]

    def _clauses_by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def checks(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.is_check)

    def setting(self, name: str) -> Any:
        return dict(self.settings)[name]


# ----------------------------------------------------------------------------- vocabulary

def vocabulary(derived: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
    """Field kinds of every type a rule may match: events, list items, derived facts."""
    from .compiler import COMPUTED_FIELDS  # computed fields are part of what rules may read

    out = {name: events.field_kinds(name) for name in events.EVENT_TYPES}
    for name, computed in COMPUTED_FIELDS.items():
        out[name].update({field: kind for field, (kind, _) in computed.items()})
    for name, cls in events.EVENT_TYPES.items():
        for spec in events.specific_fields(cls):
            if spec.kind == "list":
                kinds = {k: v for k, v in out[name].items() if v != "list"}
                kinds["item"] = "text"
                out[f"{name}.{spec.name}"] = kinds
    out.update(derived or {})
    return out


_TEMPORAL = {"time": "instant", "day": "instant", "duration": "duration"}


def _family(kind: str) -> str:
    return _TEMPORAL.get(kind, kind)


# ----------------------------------------------------------------------------- loading

def default_rules_dir() -> Path:
    """The rule base shipped with the package: ``compliance/_rules`` in an installed wheel,
    ``rules/`` beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "clauses.yaml").is_file():
            return candidate
    return here.parent / "rules"


def load_rulebook(*directories: str | Path) -> Rulebook:
    """Load the default rule base, then each extra directory (whose rules override by id).

    Raises:
        ProblemList: of RulebookError, each with file and line; all problems are collected.
    """
    dirs = [default_rules_dir(), *map(Path, directories)]
    loader = _Loader()
    clauses_file = dirs[0] / "clauses.yaml"
    loader.load_catalogue(clauses_file)
    for directory in dirs:
        if not directory.is_dir():
            loader.problem(Location(str(directory)), "rule directory not found")
            continue
        files = sorted(p for p in directory.glob("*.yaml") if p.name != "clauses.yaml")
        loader.load_files(files, override=directory != dirs[0])
    return loader.finish()


def load_rule_files(paths: Iterable[str | Path]) -> Rulebook:
    """Load exactly these rule files over the default catalogue (``rules lint``)."""
    loader = _Loader()
    loader.load_catalogue(default_rules_dir() / "clauses.yaml")
    loader.load_files([Path(p) for p in paths], override=False)
    return loader.finish()


class _Loader:
    def __init__(self) -> None:
        self.problems: list[RulebookError] = []
        self.clauses: dict[str, Clause] = {}
        self.settings: dict[str, Any] = {}
        self.raw_rules: list[tuple[str, YamlMap, bool]] = []   # (file, rule node, overrides)
        self.digest = hashlib.sha256()

    def problem(self, location: Location, message: str, **kw: Any) -> None:
        self.problems.append(RulebookError(message, location=location, **kw))

    def _read(self, path: Path) -> Any:
        try:
            data = path.read_bytes()
        except OSError as error:
            self.problem(Location(str(path)), f"cannot read the file ({error.strerror})")
            return _UNREADABLE
        self.digest.update(path.name.encode() + b"\0" + data + b"\0")
        try:
            return load_yaml(data.decode("utf-8"))
        except UnicodeDecodeError:
            self.problem(Location(str(path)), "not UTF-8 text")
        except YamlError as error:
            self.problem(Location(str(path), error.line, error.column), f"YAML: {error.message}")
        return _UNREADABLE

    # -- catalogue
    def load_catalogue(self, path: Path) -> None:
        doc = self._read(path)
        if doc is _UNREADABLE:
            return
        where = Location(str(path), getattr(doc, "line", 1))
        if not isinstance(doc, YamlMap) or not isinstance(doc.get("clauses"), YamlList):
            self.problem(where, "clause catalogue", expected="a mapping with a 'clauses' list")
            return
        self._closed(str(path), doc, {"clauses", "settings"}, set(), "catalogue")
        settings = doc.get("settings", {})
        if isinstance(settings, dict):
            self.settings.update(settings)
        for node in doc["clauses"]:
            loc = Location(str(path), getattr(node, "line", None))
            if not isinstance(node, YamlMap):
                self.problem(loc, "clause", expected="a mapping")
                continue
            if not self._closed(str(path), node, {"id", "section", "title", "breach", "no_evidence"},
                                {"applies_if", "retired"}, f"clause {node.get('id')!r}"):
                continue
            if not (isinstance(node["id"], str) and isinstance(node["section"], str)
                    and isinstance(node.get("applies_if", []), list)):
                self.problem(loc, "clause", expected="text 'id' and 'section', a list 'applies_if'")
                continue
            title = self._text(str(path), node, "title", f"clause {node['id']}")
            if title is None:
                continue
            if node["id"] in self.clauses:
                self.problem(loc, f"duplicate clause id '{node['id']}'")
            self.clauses[node["id"]] = Clause(
                id=str(node["id"]), section=str(node["section"]), title=title,
                breach=str(node["breach"]), no_evidence=str(node["no_evidence"]),
                applies_if=tuple(node.get("applies_if") or ()), retired=bool(node.get("retired", False)))

    # -- rule files
    def load_files(self, files: list[Path], *, override: bool) -> None:
        for path in files:
            doc = self._read(path)
            if doc is _UNREADABLE:
                continue
            if doc is None:
                self.problem(Location(str(path), 1), "empty rule file",
                             expected="a mapping with 'section' and 'rules'")
                continue
            if not isinstance(doc, YamlMap):
                self.problem(Location(str(path), getattr(doc, "line", 1)), "rule file",
                             expected="a mapping with 'section', 'title' and 'rules'", got=doc)
                continue
            if not self._closed(str(path), doc, {"section", "rules"}, {"title", "sources"}, "rule file"):
                continue
            self._check_section(str(path), doc)
            rules = doc["rules"]
            if not isinstance(rules, YamlList):
                self.problem(Location(str(path), doc.line_of("rules")), "'rules'", expected="a list", got=rules)
                continue
            for line, node in zip(rules.item_lines, rules):
                if not isinstance(node, YamlMap):
                    self.problem(Location(str(path), line), "rule", expected="a mapping", got=node)
                    continue
                self.raw_rules.append((str(path), node, override))

    def _check_section(self, file: str, doc: YamlMap) -> None:
        sections = sorted({c.section for c in self.clauses.values()})
        section = doc["section"]
        if sections and (not isinstance(section, str) or section not in sections):
            self.problem(Location(file, doc.line_of("section")), "unknown 'section'",
                         expected="a section of the clause catalogue: " + ", ".join(sections),
                         got=section, hint=did_you_mean(str(section), sections))

    # -- validation helpers
    def _closed(self, file: str, node: YamlMap, required: set[str], optional: set[str], what: str) -> bool:
        ok = True
        for key in node:
            if key not in required and key not in optional:
                self.problem(Location(file, node.line_of(key)), f"{what}: unknown key '{printable(key)}'",
                             hint=did_you_mean(str(key), required | optional))
                ok = False
        for key in sorted(required - set(node)):
            self.problem(Location(file, node.line), f"{what}: missing key '{key}'")
            ok = False
        return ok

    def _text(self, file: str, node: YamlMap, key: str, what: str) -> Text | None:
        value = node.get(key)
        if not (isinstance(value, YamlMap) and set(value) == {"fr", "en"}
                and all(isinstance(v, str) and v.strip() for v in value.values())):
            self.problem(Location(file, node.line_of(key)), f"{what}: '{key}'",
                         expected="a mapping with non-empty 'fr' and 'en' texts", got=value)
            return None
        return Text(value["fr"], value["en"])

    # -- final pass
    def finish(self) -> Rulebook:
        by_id: dict[str, tuple[str, YamlMap, bool]] = {}
        for file, node, override in self.raw_rules:
            rule_id = node.get("id")
            if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
                self.problem(Location(file, node.line), "rule 'id'",
                             expected="a slug of letters, digits, '.', '_' or '-'", got=rule_id)
                continue
            if rule_id in by_id and not (override and not by_id[rule_id][2]):
                self.problem(Location(file, node.line_of("id")), f"duplicate rule id '{rule_id}'",
                             hint=f"first defined in {by_id[rule_id][0]}:{by_id[rule_id][1].line}")
                continue
            by_id[rule_id] = (file, node, override)
        # Derivations first, each once the types it matches are known (a derivation may match
        # another's facts): the facts they assert are types that checks may match.
        derived: dict[str, dict[str, str]] = {}
        rules: list[Rule] = []
        pending = [item for item in by_id.values() if "derive" in item[1]]
        while pending:
            known = set(vocabulary(derived))
            ready = [item for item in pending if _matched_types(item[1]) <= known]
            batch = ready or pending          # no progress: read them all, reporting unknowns
            for item in batch:
                pending.remove(item)
                rule = _RuleReader(self, item[0], item[1], derived).read()
                if rule is not None:
                    rules.append(rule)
        for file, node, _override in by_id.values():
            if "derive" in node:
                continue
            rule = _RuleReader(self, file, node, derived).read()
            if rule is not None:
                rules.append(rule)
        if self.problems:
            raise ProblemList(self.problems)
        rules.sort(key=lambda r: (r.is_check, r.id))
        return Rulebook(tuple(self.clauses.values()), tuple(rules), self.digest.hexdigest()[:16],
                        tuple(sorted(self.settings.items())))


class _RuleReader:
    """Reads one rule node; reports problems to the loader and returns None when invalid."""

    CHECK_KEYS = {"id", "clause", "severity", "title", "reference", "when", "message"}
    CHECK_OPTIONAL = {"in_force", "values", "evidence", "examples"}
    DERIVE_KEYS = {"id", "when", "derive"}
    DERIVE_OPTIONAL = {"title", "examples"}

    def __init__(self, loader: _Loader, file: str, node: YamlMap, derived: dict[str, dict[str, str]]):
        self.loader, self.file, self.node, self.derived = loader, file, node, derived
        self.rule_id = node["id"]
        self.ok = True

    def bad(self, key: str | None, message: str, node: YamlMap | None = None, **kw: Any) -> None:
        node = node if node is not None else self.node
        line = node.line_of(key) if (key is not None and isinstance(node, YamlMap)) else getattr(node, "line", None)
        self.loader.problem(Location(self.file, line), message, subject=f"rule '{self.rule_id}'", **kw)
        self.ok = False

    def read(self) -> Rule | None:
        node = self.node
        is_derivation = "derive" in node
        required, optional = ((self.DERIVE_KEYS, self.DERIVE_OPTIONAL) if is_derivation
                              else (self.CHECK_KEYS, self.CHECK_OPTIONAL))
        if not self.loader._closed(self.file, node, required, optional, f"rule '{self.rule_id}'"):
            return None
        vocab = vocabulary(self.derived)
        patterns, kinds = self.read_when(vocab)
        if not self.ok:
            return None
        if is_derivation:
            return self.read_derivation(patterns, kinds)
        return self.read_check(patterns, kinds, vocab)

    # -- when
    def read_when(self, vocab: dict[str, dict[str, str]]):
        when = self.node["when"]
        patterns: list[Pattern] = []
        kinds: dict[str, dict[str, str]] = {}   # alias -> field kinds
        if not isinstance(when, YamlList) or not when:
            self.bad("when", "'when'", expected="a non-empty list of match/absent entries", got=when)
            return patterns, kinds
        for entry in when:
            if not isinstance(entry, YamlMap):
                self.bad("when", "'when' entry", expected="a mapping with 'match' or 'absent'", got=entry)
                continue
            absent = "absent" in entry
            keys = {"absent", "where"} if absent else {"match", "event", "where"}
            unknown = [k for k in entry if k not in keys]
            if unknown or (not absent and ("match" not in entry or "event" not in entry)):
                self.bad(unknown[0] if unknown else None,
                         f"'when' entry: unknown key '{printable(unknown[0])}'" if unknown else "'when' entry",
                         node=entry, expected=None if unknown else "'match: <alias>' with 'event: <type>', or 'absent: <type>'",
                         hint=did_you_mean(str(unknown[0]), keys) if unknown else None)
                continue
            event = entry["absent"] if absent else entry["event"]
            if not isinstance(event, str):
                self.bad("absent" if absent else "event", "event type", node=entry,
                         expected="an event type name", got=event)
                continue
            if event not in vocab:
                self.bad("absent" if absent else "event", f"unknown event type '{printable(event)}'", node=entry,
                         hint=did_you_mean(str(event), vocab))
                continue
            alias = None
            if not absent:
                alias = entry["match"]
                if not isinstance(alias, str) or not _ALIAS.fullmatch(alias) or alias == END:
                    self.bad("match", "alias", node=entry,
                             expected=f"an identifier other than '{END}'", got=alias)
                    continue
                if alias in kinds:
                    self.bad("match", f"alias '{alias}' bound twice", node=entry)
                    continue
            conditions = []
            where = entry.get("where", [])
            if isinstance(where, str):
                where = [where]
            if not isinstance(where, list):
                self.bad("where", "'where'", node=entry, expected="a list of conditions", got=where)
                continue
            for text in where:
                try:
                    cond = parse_condition(text)
                except ExpressionError as error:
                    self.bad("where", f"condition {_quoted(text)}: {error}", node=entry)
                    continue
                if self.check_condition(cond, event, vocab[event], kinds, entry):
                    conditions.append(cond)
            patterns.append(Pattern(alias=alias, event=event, conditions=tuple(conditions),
                                    absent=absent, line=entry.line))
            if alias:
                kinds[alias] = vocab[event]
        if self.ok and not any(not p.absent for p in patterns) and len(patterns) > 1:
            self.bad("when", "a rule with several absences needs at least one 'match'")
        if self.ok:
            self.check_joins(patterns)
        return patterns, kinds

    def check_joins(self, patterns: list[Pattern]) -> None:
        """Refuse more than MAX_UNCONSTRAINED_JOINS unconstrained joins (see docs/rules.md)."""
        joins = unconstrained(patterns)[1:]
        if len(joins) > MAX_UNCONSTRAINED_JOINS:
            p = joins[MAX_UNCONSTRAINED_JOINS]
            self.loader.problem(
                Location(self.file, p.line),
                f"'match: {p.alias}' is related to no earlier match by a condition "
                f"(unconstrained join number {MAX_UNCONSTRAINED_JOINS + 1})",
                subject=f"rule '{self.rule_id}'",
                expected=f"at most {MAX_UNCONSTRAINED_JOINS} unconstrained joins per rule",
                hint="add a condition such as 'candidate == t.candidate'")
            self.ok = False

    def operand_kind(self, operand, kinds: dict[str, dict[str, str]], entry: YamlMap) -> str | None:
        """The kind family of an operand, or None after reporting a problem."""
        if isinstance(operand, Literal):
            v = operand.value
            return "bool" if isinstance(v, bool) else "number" if isinstance(v, (int, float)) else "literal"
        if isinstance(operand, Span):
            return "duration"
        if isinstance(operand, Ref):
            if operand.alias == END:
                if operand.field != "at":
                    self.bad("where", f"'{END}' only has the field 'at' (the audit date)", node=entry)
                    return None
                return "instant"
            if operand.alias not in kinds:
                self.bad("where", f"unknown alias '{operand.alias}'", node=entry,
                         hint="aliases are bound by an earlier 'match' entry")
                return None
            field_kind = kinds[operand.alias].get(operand.field)
            if field_kind is None:
                self.bad("where", f"'{operand.alias}' has no field '{operand.field}'", node=entry,
                         hint=did_you_mean(operand.field, kinds[operand.alias]))
                return None
            if field_kind == "list":
                self.bad("where", f"list field '{operand}' cannot be compared",
                         node=entry, hint="match its items as '<event>.<field>'")
                return None
            return "literal" if field_kind in ("text", "enum") else "number" if field_kind == "int" else _family(field_kind)
        if isinstance(operand, Arith):
            left = self.operand_kind(operand.left, kinds, entry)
            right = self.operand_kind(operand.right, kinds, entry)
            if left is None or right is None:
                return None
            table = {("instant", "+", "duration"): "instant", ("instant", "-", "duration"): "instant",
                     ("instant", "-", "instant"): "duration", ("duration", "+", "duration"): "duration",
                     ("duration", "-", "duration"): "duration"}
            result = table.get((left, operand.op, right))
            if result is None:
                self.bad("where", f"cannot compute {left} {operand.op} {right}", node=entry)
            return result
        return None

    def check_condition(self, cond: Condition, event: str, fields: dict[str, str], kinds,
                        entry: YamlMap) -> bool:
        kind = fields.get(cond.field)
        if kind is None:
            self.bad("where", f"condition {_quoted(cond.text)}: no field '{cond.field}' on this event",
                     node=entry, hint=did_you_mean(cond.field, fields))
            return False
        if kind == "list":
            self.bad("where", f"condition {_quoted(cond.text)}: list field '{cond.field}' cannot be compared",
                     node=entry, hint="match its items as '<event>.<field>'")
            return False
        if cond.op == "in":
            operands = cond.operand
        else:
            operands = (cond.operand,)
        want = "literal" if kind in ("text", "enum") else "number" if kind == "int" else _family(kind)
        for operand in operands:
            got = self.operand_kind(operand, kinds, entry)
            if got is None:
                return False
            if got != want:
                self.bad("where", f"condition {_quoted(cond.text)}: field '{cond.field}' holds {_ARTICLE[want]}, "
                         f"compared with {_ARTICLE[got]}", node=entry)
                return False
            if kind == "enum" and isinstance(operand, Literal):
                choices = _choices(event, cond.field)
                if choices and operand.value not in choices:
                    self.bad("where", f"condition {_quoted(cond.text)}: '{operand.value}' is not a value of "
                             f"'{cond.field}'", node=entry, expected="one of " + ", ".join(choices))
                    return False
        if cond.op in ("<", "<=", ">", ">=") and want == "bool":
            self.bad("where", f"condition {_quoted(cond.text)}: '{cond.op}' cannot order true and false",
                     node=entry)
            return False
        return True

    # -- derivations
    def read_derivation(self, patterns: list[Pattern], kinds) -> Rule | None:
        spec = self.node["derive"]
        if not (isinstance(spec, YamlMap) and set(spec) <= {"type", "fields"} and isinstance(spec.get("type"), str)):
            self.bad("derive", "'derive'", expected="a mapping with 'type' and 'fields'", got=spec)
            return None
        type_name = spec["type"]
        if type_name in events.EVENT_TYPES or not _ALIAS.fullmatch(type_name):
            self.bad("derive", f"derived type '{printable(type_name)}'",
                     expected="a new identifier, not an event type")
            return None
        if any(p.absent for p in patterns) or any(r.alias == END for p in patterns for c in p.conditions for r in c.refs()):
            self.bad("when", "a derivation may not use 'absent' or 'end'",
                     hint="derived facts must be certain as soon as they are asserted")
            return None
        fields: list[tuple[str, Ref]] = []
        field_kinds = {"at": "time"}
        raw_fields = spec.get("fields") or {}
        if not isinstance(raw_fields, dict):
            self.bad("derive", "'derive.fields'", expected="a mapping of field: alias.field")
            return None
        for name, text in raw_fields.items():
            try:
                ref = parse_value(text)
            except ExpressionError as error:
                self.bad("derive", f"field '{printable(name)}': {error}")
                continue
            if not isinstance(ref, Ref) or name in ("at", "id", "session", "type"):
                self.bad("derive", f"field '{printable(name)}'", expected="a plain alias.field (at is computed)")
                continue
            if ref.alias == END:
                self.bad("derive", f"field '{printable(name)}' may not read '{END}'",
                         hint="derived facts must be certain as soon as they are asserted")
                continue
            kind = self.operand_kind(ref, kinds, spec)
            if kind is None:
                continue
            fields.append((str(name), ref))
            field_kinds[str(name)] = kinds[ref.alias][ref.field]
        previous = self.derived.get(type_name)
        if previous is not None and previous != field_kinds:
            self.bad("derive", f"derived type '{type_name}' is asserted with different fields elsewhere")
        self.derived[type_name] = field_kinds
        if not self.ok:
            return None
        return Rule(id=self.rule_id, file=self.file, line=self.node.line, patterns=tuple(patterns),
                    derive=(type_name, tuple(fields)), certainty="immediate")

    # -- checks
    def read_check(self, patterns: list[Pattern], kinds, vocab) -> Rule | None:
        node = self.node
        clause = node["clause"]
        if not isinstance(clause, str):
            self.bad("clause", "'clause'", expected="a clause id of rules/clauses.yaml", got=clause)
        elif clause not in self.loader.clauses:
            self.bad("clause", f"unknown clause '{printable(clause)}'",
                     hint=did_you_mean(str(clause), self.loader.clauses) or "see rules/clauses.yaml")
        severity = node["severity"]
        if severity not in SEVERITIES:
            self.bad("severity", "'severity'", expected=" or ".join(SEVERITIES), got=severity)
        title = self.loader._text(self.file, node, "title", f"rule '{self.rule_id}'")
        message = self.loader._text(self.file, node, "message", f"rule '{self.rule_id}'")
        reference = self.read_reference()
        in_force = self.read_in_force()
        values = self.read_values(kinds)
        positive = [p.alias for p in patterns if not p.absent]
        evidence = node.get("evidence", positive)
        if not isinstance(evidence, list) or any(a not in positive for a in evidence):
            self.bad("evidence", "'evidence'", expected="a list of aliases bound by 'match'", got=evidence)
        if message is not None:
            for lang in ("fr", "en"):
                self.check_placeholders(message.get(lang), kinds, {v[0] for v in values}, lang)
        certainty, bounds = self.classify(patterns, severity)
        examples = self.read_examples(vocab)
        if not self.ok:
            return None
        return Rule(id=self.rule_id, file=self.file, line=node.line, patterns=tuple(patterns),
                    clause=clause, severity=severity, title=title, message=message,
                    reference=reference, in_force=in_force, values=tuple(values),
                    evidence=tuple(evidence), examples=tuple(examples), certainty=certainty,
                    bounds=tuple(bounds), alias_kinds=dict(kinds))

    def read_reference(self) -> Reference | None:
        ref = self.node["reference"]
        if not isinstance(ref, YamlMap) or "text" not in ref or not set(ref) <= {"text", "article", "url", "quote"} \
                or not all(isinstance(v, str) for v in ref.values()):
            self.bad("reference", "'reference'",
                     expected="a mapping with 'text' and optional 'article', 'url', 'quote' texts", got=ref)
            return None
        return Reference(**ref)

    def read_in_force(self):
        span = self.node.get("in_force")
        if span is None:
            return (None, None)
        if not isinstance(span, YamlMap) or not set(span) <= {"from", "until"}:
            self.bad("in_force", "'in_force'", expected="a mapping with 'from' and/or 'until' days", got=span)
            return (None, None)
        out = []
        for key in ("from", "until"):
            value = span.get(key)
            try:
                out.append(None if value is None else _time.parse_day(value))
            except _time.TimeFormatError as error:
                self.bad("in_force", f"'in_force.{key}': {error}", got=value)
                out.append(None)
        return tuple(out)

    def read_values(self, kinds):
        raw = self.node.get("values", {})
        if not isinstance(raw, dict):
            self.bad("values", "'values'", expected="a mapping of name: expression", got=raw)
            return []
        out = []
        for name, text in raw.items():
            try:
                expr = parse_value(text)
            except ExpressionError as error:
                self.bad("values", f"value '{printable(name)}': {error}")
                continue
            if any(r.alias == END for r in _refs(expr)):
                self.bad("values", f"value '{printable(name)}' may not read '{END}'",
                         hint="the audit date would make live and batch findings differ")
                continue
            family = self.operand_kind(expr, kinds, raw)
            if family is not None:
                out.append((str(name), expr, family))
        return out

    def check_placeholders(self, template: str, kinds, values: dict, lang: str) -> None:
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        except ValueError as error:
            self.bad("message", f"message ({lang}): {error}")
            return
        for name in names:
            if name in values:
                continue
            alias, _, field = name.partition(".")
            if alias in kinds and field in kinds[alias]:
                continue
            self.bad("message", f"message ({lang}): placeholder '{{{printable(name)}}}' is not provided",
                     expected="{value name} or {alias.field} of a matched event",
                     hint=did_you_mean(name, list(values) + [f"{a}.{f}" for a in kinds for f in kinds[a]]))

    def classify(self, patterns: list[Pattern], severity: str):
        """When a finding of this rule is certain while events are still arriving (in time order)."""
        if severity == "pending":
            return "finish", []
        for p in patterns:
            for cond in p.conditions:
                if any(r.alias == END for r in cond.refs()):
                    # 'field < end.at ± n' stays true as the clock advances; anything else may not
                    if p.absent or cond.op not in ("<", "<="):
                        return "finish", []
        absences = [p for p in patterns if p.absent]
        if not absences:
            return "immediate", []
        bounds = []
        for p in absences:
            bound = next((c.operand for c in p.conditions
                          if c.field == "at" and c.op in ("<", "<=")
                          and not isinstance(c.operand, (Literal, Span))
                          and all(r.alias != END for r in c.refs())), None)
            if bound is None:
                return "finish", []
            bounds.append(bound)
        return "bounded", bounds

    def read_examples(self, vocab) -> list[Example]:
        raw = self.node.get("examples", YamlList())
        out: list[Example] = []
        if not isinstance(raw, YamlList):
            self.bad("examples", "'examples'", expected="a list", got=raw)
            return out
        for index, ex in enumerate(raw):
            if not isinstance(ex, YamlMap) or not {"expect", "events"} <= set(ex) \
                    or not set(ex) <= {"name", "expect", "events", "as_of", "count"}:
                self.bad("examples", f"example {index + 1}",
                         expected="a mapping with 'expect' (fire|pass), 'events' and optional 'name', 'as_of', 'count'",
                         node=raw)
                continue
            if ex["expect"] not in ("fire", "pass"):
                self.bad("expect", "'expect'", node=ex, expected="fire or pass", got=ex["expect"])
                continue
            as_of = None
            if ex.get("as_of") is not None:
                try:
                    as_of = _time.parse_time(ex["as_of"])
                except _time.TimeFormatError as error:
                    self.bad("as_of", f"'as_of': {error}", node=ex)
                    continue
            evs = []
            items = ex["events"]
            if not isinstance(items, YamlList):
                self.bad("events", "'events'", node=ex, expected="a list of events")
                continue
            for i, item in enumerate(items):
                loc = Location(self.file, items.item_lines[i] if i < len(items.item_lines) else items.line)
                try:
                    evs.append(events.parse_event(item, loc, session="EXEMPLE", default_id=str(i + 1)))
                except Exception as error:  # InputError: reported as a rule file problem
                    self.loader.problem(loc, f"example {index + 1}: {getattr(error, 'message', error)}"
                                        + (f": expected {error.expected}" if getattr(error, "expected", None) else ""),
                                        subject=f"rule '{self.rule_id}'")
                    self.ok = False
            count = ex.get("count")
            if count is not None and (not isinstance(count, int) or isinstance(count, bool)
                                      or not 1 <= count <= MAX_EXAMPLE_COUNT):
                self.bad("count", "'count'", node=ex,
                         expected=f"a whole number from 1 to {MAX_EXAMPLE_COUNT:,}", got=count)
                continue
            out.append(Example(name=str(ex.get("name", f"example {index + 1}")), expect=ex["expect"],
                               events=tuple(evs), as_of=as_of, count=count, line=ex.line))
        return out


def unconstrained(patterns: Iterable[Pattern]) -> list[Pattern]:
    """A rule's first ``match`` entry, then each later one that no condition relates to an
    earlier match (an unconstrained join): the engine builds every combination of these."""
    earlier: set[str] = set()
    out = []
    for p in patterns:
        if p.absent:
            continue
        related = {r.alias for c in p.conditions for r in c.refs()} & earlier
        if not earlier or not related:
            out.append(p)
        earlier.add(p.alias)
    return out


def _matched_types(node: YamlMap) -> set[str]:
    when = node.get("when")
    if not isinstance(when, list):
        return set()
    return {str(e.get("event", e.get("absent"))) for e in when if isinstance(e, dict)}


_ARTICLE = {"instant": "an instant", "duration": "a duration", "literal": "a text or choice",
            "number": "a number", "bool": "true/false"}


def printable(value: object) -> str:
    """A name as written, its control characters escaped: a problem stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))


def _quoted(text: object, limit: int = 80) -> str:
    """A condition as written, cut short: rule files are input, a text may be huge."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 2] + "…" + shown[-1]


def _refs(expr) -> tuple[Ref, ...]:
    if isinstance(expr, Ref):
        return (expr,)
    if isinstance(expr, Arith):
        return _refs(expr.left) + _refs(expr.right)
    return ()


def _choices(event: str, field: str) -> tuple[str, ...]:
    cls = events.EVENT_TYPES.get(event.split(".")[0])
    for spec in events.specific_fields(cls) if cls else ():
        if spec.name == field:
            return spec.choices
    return ()
