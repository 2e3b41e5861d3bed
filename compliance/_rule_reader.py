"""Reading one rule node of a rule file into a ``Check`` or a ``Derivation``.

The reader checks the node's keys, reads its ``when`` entries (``match``, ``first``, ``absent``),
its conditions (parsed by ``expressions``, kinds checked by ``expression_kinds``), and then the
parts of a check (clause and severity against the catalogue, texts, reference, values,
placeholders, examples) or of a derivation (the fact it asserts). Every problem is reported to
the shared ``Problems`` with the file and line (and column, for a condition) it comes from;
a rule with any problem is not built.
"""
from __future__ import annotations

import re
import string
from typing import Any, Mapping

from . import _time, events
from ._problems import Problems, printable
from ._yaml import YamlList, YamlMap
from .catalogue import DAY_SETTINGS, CitedText, Clause, severity_problem
from .certainty import classify
from .errors import Location, did_you_mean
from .expression_kinds import END, AliasKinds, KindError, check_condition, operand_family, quoted
from .expressions import Arith, Condition, ExpressionError, Operand, Ref, parse_condition, parse_value
from .model import Severity
from .rule_model import (Check, Derivation, Example, Expect, Pattern, Reference, Rule, Span, Suspension,
                         Validity, Value, unconstrained)
from .vocabulary import FieldKinds

# A 'match' entry that no condition relates to an earlier match multiplies the combinations the
# engine must build by the number of events of its type; beyond this many per rule, evaluation
# time explodes (6 such joins over 40 events ran for minutes). The shipped rules need 2.
MAX_UNCONSTRAINED_JOINS = 2
MAX_EXAMPLE_COUNT = 10_000
ALIAS = re.compile(r"[^\W\d]\w*", re.UNICODE)

CHECK_KEYS = {"id", "clause", "severity", "title", "reference", "when", "message"}
CHECK_OPTIONAL = {"in_force", "values", "evidence", "examples"}
DERIVE_KEYS = {"id", "when", "derive"}
DERIVE_OPTIONAL = {"title", "examples"}
_ENTRY_KEYS = {"absent": {"absent", "where"}, "first": {"first", "event", "where", "per"},
               "match": {"match", "event", "where"}}
_RESERVED_FIELDS = ("at", "id", "session", "type")
PER_DAY = "day(at)"
KINDS = tuple(k.value for k in events.SessionKind)    # in_force spans of their own: titre, ccp     # 'per' entry: the event's local day in the session's time zone


def read_rule(problems: Problems, clauses: Mapping[str, Clause], file: str, node: YamlMap,
              vocab: Mapping[str, FieldKinds], derived: dict[str, FieldKinds],
              texts: Mapping[str, CitedText] | None = None, settings: Mapping[str, Any] | None = None
              ) -> Rule | None:
    """The rule of ``node``, or None after reporting its problems.

    ``vocab`` is what the rule may match; a derivation records the type it asserts in ``derived``;
    ``texts`` are the catalogue's texts that a reference's ``texts`` name; ``settings`` the
    catalogue's settings that an ``in_force`` bound may name.
    """
    return _RuleReader(problems, clauses, file, node, vocab, derived, texts or {}, settings or {}).read()


class _RuleReader:
    def __init__(self, problems: Problems, clauses: Mapping[str, Clause], file: str, node: YamlMap,
                 vocab: Mapping[str, FieldKinds], derived: dict[str, FieldKinds],
                 texts: Mapping[str, CitedText], settings: Mapping[str, Any]):
        self.problems, self.clauses, self.file, self.node = problems, clauses, file, node
        self.vocab, self.derived, self.texts, self.settings = vocab, derived, texts, settings
        self.rule_id = str(node["id"])
        self.ok = True

    # -- reporting
    def bad_at(self, location: Location, message: str, **kw: Any) -> None:
        self.problems.add(location, message, subject=f"rule '{self.rule_id}'", **kw)
        self.ok = False

    def bad(self, key: str | None, message: str, node: Any = None, **kw: Any) -> None:
        node = node if node is not None else self.node
        line = node.line_of(key) if (key is not None and isinstance(node, YamlMap)) else getattr(node, "line", None)
        self.bad_at(Location(self.file, line), message, **kw)

    def bad_kind(self, key: str, error: KindError, node: Any, prefix: str = "") -> None:
        self.bad(key, prefix + error.message, node=node, expected=error.expected, hint=error.hint)

    # -- the rule
    def read(self) -> Rule | None:
        is_derivation = "derive" in self.node
        required, optional = (DERIVE_KEYS, DERIVE_OPTIONAL) if is_derivation else (CHECK_KEYS, CHECK_OPTIONAL)
        if not self.problems.closed(self.file, self.node, required, optional, f"rule '{self.rule_id}'"):
            return None
        patterns, kinds = self.read_when()
        if not self.ok:
            return None
        if is_derivation:
            return self.read_derivation(patterns, kinds)
        return self.read_check(patterns, kinds)

    # -- when
    def read_when(self) -> tuple[list[Pattern], dict[str, FieldKinds]]:
        when = self.node["when"]
        patterns: list[Pattern] = []
        kinds: dict[str, FieldKinds] = {}   # alias -> field kinds
        if not isinstance(when, YamlList) or not when:
            self.bad("when", "'when'", expected="a non-empty list of match/first/absent entries", got=when)
            return patterns, kinds
        for entry in when:
            for pattern in self.read_entry(entry, kinds):
                patterns.append(pattern)
                if pattern.alias is not None:
                    kinds[pattern.alias] = self.vocab[pattern.event]
        if self.ok and not any(not p.absent for p in patterns) and len(patterns) > 1:
            self.bad("when", "a rule with several absences needs at least one 'match'")
        if self.ok:
            self.check_joins(patterns)
        return patterns, kinds

    def read_entry(self, entry: Any, kinds: AliasKinds) -> list[Pattern]:
        """The patterns of one ``when`` entry (two for ``first``), or [] after reporting why."""
        shape = self.entry_shape(entry)
        if shape is None:
            return []
        event = self.entry_event(entry, shape)
        alias = self.entry_alias(entry, shape, kinds)
        if event is None or (shape != "absent" and alias is None):
            return []
        conditions = self.read_where(entry, event, kinds)
        if conditions is None:
            return []
        if shape == "absent":
            return [Pattern(alias=None, event=event, conditions=conditions, absent=True, line=entry.line)]
        pattern = Pattern(alias=alias, event=event, conditions=conditions, absent=False, line=entry.line)
        if shape == "match":
            return [pattern]
        earlier = self.first_competitors(entry, pattern)
        return [] if earlier is None else [pattern, earlier]

    def entry_shape(self, entry: Any) -> str | None:
        """'match', 'first' or 'absent', once the entry's keys are right."""
        if not isinstance(entry, YamlMap):
            self.bad("when", "'when' entry", expected="a mapping with 'match', 'first' or 'absent'", got=entry)
            return None
        shape = next((s for s in _ENTRY_KEYS if s in entry), "match")
        keys = _ENTRY_KEYS[shape]
        unknown = [k for k in entry if k not in keys]
        if unknown:
            self.bad(unknown[0], f"'when' entry: unknown key '{printable(unknown[0])}'", node=entry,
                     hint=did_you_mean(str(unknown[0]), keys))
            return None
        if shape != "absent" and (shape not in entry or "event" not in entry):
            self.bad(None, "'when' entry", node=entry,
                     expected="'match: <alias>' or 'first: <alias>' with 'event: <type>', or 'absent: <type>'")
            return None
        return shape

    def entry_event(self, entry: YamlMap, shape: str) -> str | None:
        key = "absent" if shape == "absent" else "event"
        event = entry[key]
        if not isinstance(event, str):
            self.bad(key, "event type", node=entry, expected="an event type name", got=event)
            return None
        if event not in self.vocab:
            self.bad(key, f"unknown event type '{printable(event)}'", node=entry,
                     hint=did_you_mean(str(event), self.vocab))
            return None
        return event

    def entry_alias(self, entry: YamlMap, shape: str, kinds: AliasKinds) -> str | None:
        if shape == "absent":
            return None
        alias = entry[shape]
        if not isinstance(alias, str) or not ALIAS.fullmatch(alias) or alias == END:
            self.bad(shape, "alias", node=entry, expected=f"an identifier other than '{END}'", got=alias)
            return None
        if alias in kinds:
            self.bad(shape, f"alias '{alias}' bound twice", node=entry)
            return None
        return alias

    def read_where(self, entry: YamlMap, event: str, kinds: AliasKinds) -> tuple[Condition, ...] | None:
        """The entry's conditions; a bad one is reported at its own line and column."""
        if "where" not in entry:
            return ()
        where = entry["where"]
        if isinstance(where, str):
            where = YamlList([where])
            where.line = entry.line_of("where")
            where.item_lines, where.item_columns = [where.line], [None]   # a lone condition: the key's line
        if not isinstance(where, YamlList):
            self.bad("where", "'where'", node=entry, expected="a list of conditions", got=where)
            return None
        conditions = []
        for index, text in enumerate(where):
            place = self.item_location(entry, where, index)
            cond = self.read_condition(text, event, kinds, place)
            if cond is not None:
                conditions.append(cond)
        return tuple(conditions)

    def item_location(self, entry: YamlMap, items: YamlList, index: int) -> Location:
        line = items.item_lines[index] if index < len(items.item_lines) else None
        column = items.item_columns[index] if index < len(getattr(items, "item_columns", ())) else None
        if line is None:
            return Location(self.file, entry.line_of("where"))
        return Location(self.file, line, column)

    def read_condition(self, text: Any, event: str, kinds: AliasKinds, place: Location) -> Condition | None:
        try:
            cond = parse_condition(text)
        except ExpressionError as error:
            self.bad_at(place, f"condition {quoted(text)}: {error}")
            return None
        try:
            check_condition(cond, event, self.vocab[event], kinds)
        except KindError as error:
            self.bad_at(place, error.message, expected=error.expected, hint=error.hint)
            return None
        return cond

    def first_competitors(self, entry: YamlMap, pattern: Pattern) -> Pattern | None:
        """``first``: no event of its kind meeting its conditions (and of the same ``per`` fields)
        happened earlier. Ties in ``at`` are all first."""
        per = entry.get("per", [])
        if isinstance(per, str):
            per = [per]
        fields = self.vocab[pattern.event]
        if not isinstance(per, list) or any(f != PER_DAY and (not isinstance(f, str) or f not in fields
                                                              or fields[f] == "list") for f in per):
            self.bad("per", "'per'", node=entry, expected=f"field names of '{pattern.event}' or {PER_DAY}", got=per,
                     hint=did_you_mean(str(per[0]), fields) if isinstance(per, list) and per else None)
            return None
        same = tuple(parse_condition(f"{name} == {pattern.alias}.{name}") for name in per if name != PER_DAY)
        if PER_DAY in per and pattern.alias is not None:
            # earlier, and no earlier than midnight starting this one's local day: the same day
            same += (Condition("at", ">=", Ref(pattern.alias, "at"), f"day(at) == day({pattern.alias}.at)",
                               calendar=True),)
        earlier = parse_condition(f"at < {pattern.alias}.at")
        return Pattern(alias=None, event=pattern.event, conditions=pattern.conditions + same + (earlier,),
                       absent=True, line=pattern.line)

    def check_joins(self, patterns: list[Pattern]) -> None:
        """Refuse more than MAX_UNCONSTRAINED_JOINS unconstrained joins (see docs/rules.md)."""
        joins = unconstrained(patterns)[1:]
        if len(joins) > MAX_UNCONSTRAINED_JOINS:
            p = joins[MAX_UNCONSTRAINED_JOINS]
            self.bad_at(Location(self.file, p.line),
                        f"'match: {p.alias}' is related to no earlier match by a condition "
                        f"(unconstrained join number {MAX_UNCONSTRAINED_JOINS + 1})",
                        expected=f"at most {MAX_UNCONSTRAINED_JOINS} unconstrained joins per rule",
                        hint="add a condition such as 'candidate == start.candidate'")

    # -- derivations
    def read_derivation(self, patterns: list[Pattern], kinds: AliasKinds) -> Derivation | None:
        spec = self.node["derive"]
        type_name = self.derived_type(spec)
        if type_name is None:
            return None
        if any(p.absent for p in patterns) or any(r.alias == END for p in patterns for r in p.refs()):
            self.bad("when", "a derivation may not use 'absent', 'first' or 'end'",
                     hint="derived facts must be certain as soon as they are asserted")
            return None
        raw_fields = spec.get("fields") or {}
        if not isinstance(raw_fields, dict):
            self.bad("derive", "'derive.fields'", expected="a mapping of field: alias.field")
            return None
        fields = [f for f in (self.derived_field(name, text, kinds, spec) for name, text in raw_fields.items())
                  if f is not None]
        self.record_derived_type(type_name, {"at": "time", **{n: kinds[r.alias][r.field] for n, r in fields}})
        title = self.problems.text(self.file, self.node, "title", f"rule '{self.rule_id}'") \
            if "title" in self.node else None
        if not self.ok:
            return None
        return Derivation(id=self.rule_id, file=self.file, line=self.node.line, patterns=tuple(patterns),
                          type=type_name, fields=tuple(fields), title=title)

    def derived_type(self, spec: Any) -> str | None:
        if not (isinstance(spec, YamlMap) and set(spec) <= {"type", "fields"} and isinstance(spec.get("type"), str)):
            self.bad("derive", "'derive'", expected="a mapping with 'type' and 'fields'", got=spec)
            return None
        type_name: str = spec["type"]
        if type_name in events.EVENT_TYPES or not ALIAS.fullmatch(type_name):
            self.bad("derive", f"derived type '{printable(type_name)}'", expected="a new identifier, not an event type")
            return None
        return type_name

    def record_derived_type(self, type_name: str, field_kinds: FieldKinds) -> None:
        """A derived type is a type rules may match; every derivation asserting it gives it the same fields."""
        previous = self.derived.get(type_name)
        if previous is not None and previous != field_kinds:
            self.bad("derive", f"derived type '{type_name}' is asserted with different fields elsewhere")
        self.derived[type_name] = field_kinds

    def derived_field(self, name: Any, text: Any, kinds: AliasKinds, spec: YamlMap) -> tuple[str, Ref] | None:
        try:
            ref = parse_value(text)
        except ExpressionError as error:
            self.bad("derive", f"field '{printable(name)}': {error}")
            return None
        if not isinstance(ref, Ref) or name in _RESERVED_FIELDS:
            self.bad("derive", f"field '{printable(name)}'", expected="a plain alias.field (at is computed)")
            return None
        if ref.alias == END:
            self.bad("derive", f"field '{printable(name)}' may not read '{END}'",
                     hint="derived facts must be certain as soon as they are asserted")
            return None
        try:
            operand_family(ref, kinds)
        except KindError as error:
            self.bad_kind("where", error, spec)
            return None
        return str(name), ref

    # -- checks
    def read_check(self, patterns: list[Pattern], kinds: dict[str, FieldKinds]) -> Check | None:
        node = self.node
        clause = self.read_clause()
        severity = self.read_severity(clause)
        title = self.problems.text(self.file, node, "title", f"rule '{self.rule_id}'")
        message = self.problems.text(self.file, node, "message", f"rule '{self.rule_id}'")
        if title is None or message is None:
            self.ok = False
        reference = self.read_reference()
        validity = self.read_in_force()
        values = self.read_values(kinds)
        evidence = self.read_evidence(patterns)
        if message is not None:
            for lang in ("fr", "en"):
                self.check_placeholders(message.get(lang), kinds, {v.name for v in values}, lang)
        examples = self.read_examples()
        if not self.ok or clause is None or severity is None or title is None or message is None \
                or reference is None:
            return None
        certainty, bounds = classify(patterns, severity)
        return Check(id=self.rule_id, file=self.file, line=node.line, patterns=tuple(patterns),
                     clause=clause.id, severity=severity, title=title, message=message,
                     reference=reference, validity=validity, values=tuple(values),
                     evidence=evidence, examples=tuple(examples), certainty=certainty,
                     bounds=bounds, alias_kinds=dict(kinds))

    def read_clause(self) -> Clause | None:
        clause = self.node["clause"]
        if not isinstance(clause, str):
            self.bad("clause", "'clause'", expected="a clause id of rules/clauses.yaml", got=clause)
            return None
        if clause not in self.clauses:
            self.bad("clause", f"unknown clause '{printable(clause)}'",
                     hint=did_you_mean(str(clause), self.clauses) or "see rules/clauses.yaml")
            return None
        return self.clauses[clause]

    def read_severity(self, clause: Clause | None) -> Severity | None:
        raw = self.node["severity"]
        severity = next((s for s in Severity if s.value == raw), None)
        if severity is None:
            self.bad("severity", "'severity'", expected=" or ".join(s.value for s in Severity), got=raw)
            return None
        allowed = severity_problem(clause, severity) if clause is not None else None
        if clause is not None and allowed is not None:
            self.bad("severity", f"severity '{severity.value}' disagrees with clause {clause.id} "
                     "in rules/clauses.yaml", expected=allowed, got=raw)
            return None
        return severity

    def read_evidence(self, patterns: list[Pattern]) -> tuple[str, ...]:
        positive = [p.alias for p in patterns if p.alias is not None]
        evidence = self.node.get("evidence", positive)
        if not isinstance(evidence, list) or any(a not in positive for a in evidence):
            self.bad("evidence", "'evidence'", expected="a list of aliases bound by 'match' or 'first'", got=evidence)
            return ()
        return tuple(evidence)

    def read_reference(self) -> Reference | None:
        ref = self.node["reference"]
        names = ref.get("texts", []) if isinstance(ref, YamlMap) else None
        if not isinstance(ref, YamlMap) or "text" not in ref \
                or not set(ref) <= {"text", "article", "url", "quote", "texts"} \
                or not all(isinstance(v, str) for k, v in ref.items() if k != "texts") \
                or not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            self.bad("reference", "'reference'",
                     expected="a mapping with 'text' and optional 'article', 'url', 'quote' texts and "
                              "'texts' (ids of the catalogue's texts)", got=ref)
            return None
        unknown = [n for n in names if n not in self.texts]
        if unknown:
            self.bad("reference", f"reference: unknown text '{printable(unknown[0])}'",
                     hint=did_you_mean(unknown[0], self.texts) or "see 'texts' in rules/clauses.yaml")
            return None
        return Reference(**{k: v for k, v in ref.items() if k != "texts"},
                         texts=tuple(self.texts[n] for n in names))

    def read_in_force(self) -> Validity:
        """``in_force``: ``from`` and ``until`` (days, or ``{setting: name}``), a span of its own
        for one kind of session (``titre:``/``ccp:``), and ``suspended`` spans (with the
        derogation's ``text``)."""
        node = self.node.get("in_force")
        if node is None:
            return Validity()
        keys = {"from", "until", "suspended", *KINDS}
        if not isinstance(node, YamlMap) or not set(node) <= keys:
            self.bad("in_force", "'in_force'", expected="a mapping with 'from' and/or 'until' (days or "
                     "{setting: name}), 'titre' or 'ccp' spans, and 'suspended'", got=node)
            return Validity()
        span = self.read_span(node, "in_force", frozenset(keys))
        by_kind = tuple((kind, self.read_span(node[kind], f"in_force.{kind}"))
                        for kind in KINDS if kind in node)
        raw = node.get("suspended", [])
        raw = [raw] if isinstance(raw, YamlMap) else raw
        if not isinstance(raw, list):
            self.bad("in_force", "'in_force.suspended'", expected="a list of {from, until, text}", got=raw)
            raw = []
        suspended = tuple(s for s in (self.read_suspension(item) for item in raw) if s is not None)
        return Validity(span=span, by_kind=by_kind, suspended=suspended)

    def read_span(self, node: Any, what: str, extra: frozenset[str] = frozenset()) -> Span:
        if not isinstance(node, YamlMap) or not set(node) <= {"from", "until"} | extra:
            self.bad("in_force", f"'{what}'", expected="a mapping with 'from' and/or 'until'", got=node)
            return Span()
        start, start_setting = self.read_bound(node, "from", what)
        until, until_setting = self.read_bound(node, "until", what)
        if start is not None and until is not None and until < start:
            self.bad("in_force", f"'{what}': 'until' ({until}) is before 'from' ({start})")
        return Span(start=start, until=until, start_setting=start_setting, until_setting=until_setting)

    def read_bound(self, span: YamlMap, key: str, what: str) -> tuple[Any, str]:
        """A bound's day and the setting it names ("" for a day written out)."""
        value = span.get(key)
        if isinstance(value, YamlMap):
            return self.read_setting_bound(span, key, what, value)
        try:
            return (None if value is None else _time.parse_day(value)), ""
        except _time.TimeFormatError as error:
            self.bad_at(Location(self.file, span.line_of(key)), f"'{what}.{key}': {error}", got=value)
            return None, ""

    def read_setting_bound(self, span: YamlMap, key: str, what: str, value: YamlMap) -> tuple[Any, str]:
        where = Location(self.file, span.line_of(key))
        name = value.get("setting")
        if set(value) != {"setting"} or not isinstance(name, str):
            self.bad_at(where, f"'{what}.{key}'", expected="a day YYYY-MM-DD or {setting: name}", got=value)
            return None, ""
        if name not in DAY_SETTINGS:
            self.bad_at(where, f"'{what}.{key}': unknown setting '{printable(name)}'",
                        expected="a day setting of rules/clauses.yaml: " + ", ".join(sorted(DAY_SETTINGS)),
                        hint=did_you_mean(name, DAY_SETTINGS))
            return None, ""
        if name not in self.settings:
            self.bad_at(where, f"'{what}.{key}': setting '{name}' has no day in rules/clauses.yaml",
                        expected=f"'{name}: \"YYYY-MM-DD\"' under settings")
            return None, ""
        return _time.parse_day(self.settings[name]), name

    def read_suspension(self, item: Any) -> Suspension | None:
        span = self.read_span(item, "in_force.suspended", frozenset({"text"}))
        name = item.get("text") if isinstance(item, YamlMap) else None
        if name is not None and name not in self.texts:
            self.bad("in_force", f"'in_force.suspended': unknown text '{printable(name)}'",
                     hint=did_you_mean(str(name), self.texts) or "see 'texts' in rules/clauses.yaml")
            return None
        if span.start is None or span.until is None:
            self.bad("in_force", "'in_force.suspended'", expected="both 'from' and 'until'", got=item)
            return None
        return Suspension(span=span, text=self.texts[name] if name is not None else None)

    def read_values(self, kinds: AliasKinds) -> list[Value]:
        raw = self.node.get("values", {})
        if not isinstance(raw, dict):
            self.bad("values", "'values'", expected="a mapping of name: expression", got=raw)
            return []
        out = []
        for name, text in raw.items():
            value = self.read_value(str(name), text, kinds, raw)
            if value is not None:
                out.append(value)
        return out

    def read_value(self, name: str, text: Any, kinds: AliasKinds, raw: Any) -> Value | None:
        try:
            expr = parse_value(text)
        except ExpressionError as error:
            self.bad("values", f"value '{printable(name)}': {error}")
            return None
        if any(r.alias == END for r in _refs(expr)):
            self.bad("values", f"value '{printable(name)}' may not read '{END}'",
                     hint="the audit date would make live and batch findings differ")
            return None
        try:
            return Value(name, expr, operand_family(expr, kinds))
        except KindError as error:
            self.bad_kind("where", error, raw)
            return None

    def check_placeholders(self, template: str, kinds: AliasKinds, values: set[str], lang: str) -> None:
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        except ValueError as error:
            self.bad("message", f"message ({lang}): {error}")
            return
        for name in names:
            alias, _, field = name.partition(".")
            if name in values or (alias in kinds and field in kinds[alias]):
                continue
            self.bad("message", f"message ({lang}): placeholder '{{{printable(name)}}}' is not provided",
                     expected="{value name} or {alias.field} of a matched event",
                     hint=did_you_mean(name, list(values) + [f"{a}.{f}" for a in kinds for f in kinds[a]]))

    # -- examples
    def read_examples(self) -> list[Example]:
        raw = self.node.get("examples", YamlList())
        if not isinstance(raw, YamlList):
            self.bad("examples", "'examples'", expected="a list", got=raw)
            return []
        out = [self.read_example(index, ex, raw) for index, ex in enumerate(raw)]
        return [ex for ex in out if ex is not None]

    def read_example(self, index: int, ex: Any, raw: YamlList) -> Example | None:
        if not isinstance(ex, YamlMap) or not {"expect", "events"} <= set(ex) \
                or not set(ex) <= {"name", "expect", "events", "as_of", "count"}:
            self.bad("examples", f"example {index + 1}",
                     expected="a mapping with 'expect' (fire|pass), 'events' and optional 'name', 'as_of', 'count'",
                     node=raw)
            return None
        expect = next((e for e in Expect if e.value == ex["expect"]), None)
        if expect is None:
            self.bad("expect", "'expect'", node=ex, expected="fire or pass", got=ex["expect"])
            return None
        as_of = None
        if ex.get("as_of") is not None:
            try:
                as_of = _time.parse_time(ex["as_of"])
            except _time.TimeFormatError as error:
                self.bad("as_of", f"'as_of': {error}", node=ex)
                return None
        items = ex["events"]
        if not isinstance(items, YamlList):
            self.bad("events", "'events'", node=ex, expected="a list of events")
            return None
        evs = self.read_example_events(index, items)
        count = ex.get("count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)
                                  or not 1 <= count <= MAX_EXAMPLE_COUNT):
            self.bad("count", "'count'", node=ex, expected=f"a whole number from 1 to {MAX_EXAMPLE_COUNT:,}", got=count)
            return None
        return Example(name=str(ex.get("name", f"example {index + 1}")), expect=expect,
                       events=tuple(evs), as_of=as_of, count=count, line=ex.line)

    def read_example_events(self, index: int, items: YamlList) -> list[events.Event]:
        evs = []
        for i, item in enumerate(items):
            loc = Location(self.file, items.item_lines[i] if i < len(items.item_lines) else items.line)
            try:
                evs.append(events.parse_event(item, loc, session="EXEMPLE", default_id=str(i + 1)))
            except Exception as error:  # InputError: reported as a rule file problem
                expected = getattr(error, "expected", None)
                self.bad_at(loc, f"example {index + 1}: {getattr(error, 'message', error)}"
                            + (f": expected {expected}" if expected else ""))
        return evs


def _refs(expr: Operand) -> tuple[Ref, ...]:
    if isinstance(expr, Ref):
        return (expr,)
    if isinstance(expr, Arith):
        return _refs(expr.left) + _refs(expr.right)
    return ()


def matched_types(node: YamlMap) -> set[str]:
    """The types a rule node's ``when`` reads (to order derivations before their readers)."""
    when = node.get("when")
    if not isinstance(when, list):
        return set()
    return {str(e.get("event", e.get("absent"))) for e in when if isinstance(e, dict)}

