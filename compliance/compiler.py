"""Pure translation: a ``Rulebook`` into durable_rules ruleset definitions, events into facts.

The output is plain data (dicts and strings); ``engine`` is the only module that hands it to
durable_rules. The engine's real behaviour (see docs/rules.md, "Engine constraints") dictates:

* every pattern is aliased, ``any`` is never emitted;
* a rule with an absence, or reading the audit date, starts with the END sentinel pattern,
  because a negation is only sound once every fact is in;
* every join-level ``$and``/``$or`` gets a neutral last term (the engine reads past the end of
  the expression list when that last term is false for ``$and`` or true for ``$or``);
* pattern counts and equality fan-out stay under the engine's hard limits.
"""
from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from typing import Any

import attrs

from . import _time, events
from .working_time import SPAN_TYPE, Reading, WorkingTime
from .duty import GAP_TYPE, DutyCover
from .errors import Location, RulebookError
from .expressions import DAY_OF, Arith, Condition, Literal, Ref, Span
from .rule_model import END, Derivation, Rule, Rulebook, unconstrained
from .vocabulary import COMPUTED_FIELDS

OPEN_TYPE = "__open__"
END_TYPE = "__end__"
JOIN_KEY = "ses"          # every fact carries ses == its sid; the engine cannot join on "sid"
END_ALIAS = "e"
OPEN_RULE = "__opened__"
MAX_PATTERNS = 16         # error 304 beyond
MAX_SHARED_PATTERN = 256  # error 108 beyond
MAX_EQUALITY_VALUES = 500  # create_ruleset hangs beyond 512
# Field names the engine reserves; event fields of the same name are renamed in facts.
RENAMED = {"id": "eid", "sid": "esid"}


@attrs.frozen
class CompiledRulebook:
    ruleset: dict[str, Any]
    # rule id -> (derived type, ((field, internal alias, fact field), ...))
    derivations: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]]
    # rule id -> {internal alias: rule alias}
    aliases: dict[str, dict[str, str]]
    # rule id -> ((type, multiplies), ...) for each pattern in order: the engine compares each
    # pattern's facts with every partial match so far, and the first match and each
    # unconstrained join multiply the partial matches (``engine`` bounds both per session)
    plans: dict[str, tuple[tuple[str, bool], ...]] = attrs.field(factory=dict)


def fact_field(name: str) -> str:
    return RENAMED.get(name, name)


def internal_alias(alias: str) -> str:
    return END_ALIAS if alias == END else f"v_{alias}"


def compile_rulebook(rulebook: Rulebook) -> CompiledRulebook:
    """Translate every rule; raise RulebookError when a rule would break an engine limit."""
    ruleset: dict[str, Any] = {OPEN_RULE: {"all": [{"m": {"type": OPEN_TYPE}}], "run": OPEN_RULE}}
    derivations, aliases, plans = {}, {}, {}
    for rule in rulebook.rules:
        ruleset[rule.id] = dict(compile_rule(rule), run=rule.id)
        aliases[rule.id] = {internal_alias(p.alias): p.alias for p in rule.patterns if p.alias is not None}
        multiplying = [id(p) for p in unconstrained(rule.patterns)]
        plans[rule.id] = tuple((p.event, id(p) in multiplying) for p in rule.patterns)
        if isinstance(rule, Derivation):
            derivations[rule.id] = (rule.type, tuple(
                (name, internal_alias(ref.alias), fact_field(ref.field)) for name, ref in rule.fields))
    _check_limits(rulebook, ruleset)
    return CompiledRulebook(ruleset, derivations, aliases, plans)


def needs_end(rule: Rule) -> bool:
    return any(p.absent for p in rule.patterns) or any(
        r.alias == END for p in rule.patterns for c in p.conditions for r in c.refs())


def compile_rule(rule: Rule) -> dict[str, Any]:
    """One rule as a durable_rules ``{"all": [...]}`` definition (without ``run``)."""
    patterns: list[dict[str, Any]] = []
    if needs_end(rule):
        patterns.append({END_ALIAS: {"type": END_TYPE}})
    for index, pattern in enumerate(rule.patterns):
        # Engine quirk: an alpha-level $or placed before a join term disables the join terms
        # after it; so: type, plain tests, joins, then any $or.
        terms: list[Any] = [{"type": pattern.event}]
        terms += sorted((_condition(c) for c in pattern.conditions), key=_term_rank)
        expr = terms[0] if len(terms) == 1 else {"$and": terms}
        key = f"x{index}$not" if pattern.alias is None else internal_alias(pattern.alias)
        patterns.append({key: expr})
    # dist 0: a fact may fill several patterns of one match. With the engine's default (1), a
    # fact bound to a 'match' is invisible to a later 'absent' of the same type.
    return join_guard({"all": patterns, "dist": 0})


def _operand(operand: Any) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, Span):
        return operand.seconds
    if isinstance(operand, Ref):
        return {internal_alias(operand.alias): fact_field(operand.field)}
    if isinstance(operand, Arith):
        op = "$add" if operand.op == "+" else "$sub"
        return {op: {"$l": _operand(operand.left), "$r": _operand(operand.right)}}
    raise AssertionError(operand)


_RELATIONS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def _condition(cond: Condition) -> Any:
    field = fact_field(cond.field)
    if isinstance(cond.operand, tuple):     # 'in': a list of literals
        options = [{field: item.value} for item in cond.operand]
        return options[0] if len(options) == 1 else {"$or": options}
    if cond.calendar and isinstance(cond.operand, Ref):    # day(alias.field): that instant's local day
        ref = cond.operand
        value = {internal_alias(ref.alias): DAY_OF.format(fact_field(ref.field))}
    else:
        value = _operand(cond.operand)
    if cond.op == "==":
        return {field: value}
    return {_RELATIONS[cond.op]: {field: value}}


def _term_rank(term: dict[str, Any]) -> int:
    if "$or" in term:
        return 2
    return 1 if _refers(term, None) else 0


def join_guard(rule: dict[str, Any]) -> dict[str, Any]:
    """Append an always-true join term to every join-level ``$and`` and an always-false one to
    every ``$or``: the engine's expression walker overruns when the last term decides."""
    rule = copy.deepcopy(rule)
    seen: list[str] = []
    for pattern in rule["all"]:
        (name, expr), = pattern.items()
        if seen and _refers(expr, seen):
            _pad(expr, seen[0], seen)
        seen.append(name.split("$")[0])
    return rule


def _refers(expr: Any, aliases: list[str] | None) -> bool:
    """Does ``expr`` compare with a field of another pattern (any alias when ``aliases`` is None)?"""
    if isinstance(expr, dict):
        for value in expr.values():
            if isinstance(value, dict) and len(value) == 1:
                (key, inner), = value.items()
                if (aliases is None and not key.startswith("$") or aliases is not None and key in aliases) \
                        and isinstance(inner, str):
                    return True
            if _refers(value, aliases):
                return True
    elif isinstance(expr, list):
        return any(_refers(x, aliases) for x in expr)
    return False


def _pad(expr: Any, first: str, aliases: list[str]) -> None:
    # Only join-level groups: an alpha-level $or (literals only) padded with a join term
    # stops matching at all.
    if not isinstance(expr, dict):
        return
    for op, terms in expr.items():
        if op in ("$and", "$or") and isinstance(terms, list) and _refers(terms, aliases):
            for term in terms:
                _pad(term, first, aliases)
            same = {JOIN_KEY: {first: JOIN_KEY}}
            terms.append(same if op == "$and" else {"$neq": same})


def _check_limits(rulebook: Rulebook, ruleset: dict[str, Any]) -> None:
    shared: Counter[str] = Counter()
    equalities: dict[str, set[object]] = {}
    for rule in rulebook.rules:
        definition = ruleset[rule.id]
        where = Location(rule.file, rule.line)
        if len(definition["all"]) > MAX_PATTERNS:
            raise RulebookError(f"{len(definition['all'])} patterns", location=where,
                                subject=f"rule '{rule.id}'", expected=f"at most {MAX_PATTERNS} (engine limit)")
        for pattern in definition["all"]:
            shared[repr(pattern)] += 1
        for p in rule.patterns:
            for c in p.conditions:
                if c.op in ("==", "in"):
                    items = c.operand if isinstance(c.operand, tuple) else (c.operand,)
                    for item in items:
                        if isinstance(item, Literal):
                            equalities.setdefault(c.field, set()).add(item.value)
    for pattern, count in shared.items():
        if count > MAX_SHARED_PATTERN:
            raise RulebookError(f"{count} rules share the pattern {pattern}",
                                expected=f"at most {MAX_SHARED_PATTERN} (engine limit)")
    for field, values in equalities.items():
        if len(values) > MAX_EQUALITY_VALUES:
            raise RulebookError(f"{len(values)} distinct values compared with field '{field}'",
                                expected=f"at most {MAX_EQUALITY_VALUES} (engine limit)")


# ----------------------------------------------------------------------------- facts

AT_DAY = DAY_OF.format("at")    # every fact's local day (derived facts take their last source's)


def event_facts(event: events.Event, index: int, tz: dt.tzinfo,
                settings: dict[str, Any] | None = None, clock: Reading | None = None,
                gaps: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The facts one event becomes: itself, plus one fact per item of each list field, plus
    what the test's working time (``working_time``) reads at this event: ``clock``, plus the
    stretches without anyone on duty that it ends (``duty``): ``gaps``.

    Instants and days become epoch seconds, durations seconds, enums their value. ``src`` holds
    the event's index in the session, so findings can cite it. Settings that vary by title or
    centre are resolved here into computed fields (``COMPUTED_FIELDS``), so rules read them
    like any other field and no rule hides a constant.
    """
    fact: dict[str, Any] = {"type": event.TYPE, "at": _time.epoch(event.at),
                            AT_DAY: _local_day(event.at, tz),
                            "session": event.session, "eid": event.id, "src": [index]}
    lists = []
    for attr, name, kind, day_name in _fact_plan(type(event)):
        value = getattr(event, attr)
        if value is None:           # an optional instant not recorded: no such field
            continue
        if kind == "list":
            lists.append((name, value))
        elif kind == "time":
            fact[name] = _time.epoch(value)
            fact[day_name] = _local_day(value, tz)
        else:
            fact[name] = fact_value(value, kind, tz)
    for name, (kind, compute) in COMPUTED_FIELDS.get(event.TYPE, {}).items():
        fact[name] = compute(event, settings or {}, tz)
        if kind == "time":
            fact[DAY_OF.format(name)] = _time.day_start(
                dt.datetime.fromtimestamp(fact[name], dt.timezone.utc).astimezone(tz).date(), tz)
    out = [fact]
    if clock is not None:
        fact.update(clock.fields)
        if clock.span is not None:
            span = clock.span
            out.append({"type": SPAN_TYPE, "at": span["until"], AT_DAY: fact[AT_DAY],
                        "session": event.session, "eid": f"{event.id}:span", "src": span["src"],
                        "test": span["test"], "candidate": span["candidate"],
                        "from": span["from"], "until": span["until"]})
    for gap in gaps or ():
        out.append({"type": GAP_TYPE, "at": gap["until"], AT_DAY: fact[AT_DAY],
                    "session": event.session, "eid": f"{event.id}:gap", "src": gap["src"],
                    "from": gap["from"], "until": gap["until"], "left": gap["left"], "by": gap["by"]})
    for name, items in lists:
        for item in items:
            out.append(dict(fact, type=f"{event.TYPE}.{name}", item=item))
    return out


_PLANS: dict[type[events.Event], tuple[tuple[str, str, str, str], ...]] = {}


def _fact_plan(cls: type[events.Event]) -> tuple[tuple[str, str, str, str], ...]:
    """For each specific field of ``cls``: (attribute, fact field, kind, its day's fact field);
    a list field keeps its record name (its items become facts of type ``type.name``)."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = tuple(
            (spec.attr, spec.name if spec.kind == "list" else fact_field(spec.name), spec.kind,
             DAY_OF.format(fact_field(spec.name)))
            for spec in events.specific_fields(cls))
    return plan


def session_facts(session_events: list[events.Event], tz: dt.tzinfo,
                  settings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The facts of a whole session (``src``: the index in ``session_events``), the folds over
    time (working time, duty) run in time order as ``Checker`` runs them."""
    clock, duty = WorkingTime(), DutyCover(tz)
    built: dict[int, list[dict[str, Any]]] = {}
    for index in sorted(range(len(session_events)), key=lambda i: (session_events[i].at, i)):
        event = session_events[index]
        built[index] = event_facts(event, index, tz, settings, clock.observe(event, index),
                                   duty.observe(event, index))
    return [fact for index in range(len(session_events)) for fact in built[index]]


def _local_day(moment: dt.datetime, tz: dt.tzinfo) -> int:
    """Midnight at the start of the instant's day in the session's zone, as rules read days."""
    return _time.day_start_cached(moment.astimezone(tz).date(), tz)


def fact_value(value: Any, kind: str, tz: dt.tzinfo) -> Any:
    if kind == "time":
        return _time.epoch(value)
    if kind == "day":
        return _time.day_start(value, tz)
    if kind == "duration":
        return int(value) * _time.MINUTE
    if kind == "enum":
        return value.value
    return value
