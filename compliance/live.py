"""Incremental live checking: one engine session per checker, fed fact by fact.

The live rule base (``live_rulebook``) holds the derivations and, for every check that live
feeding can judge (``IMMEDIATE`` and ``BOUNDED``), its matched entries only: no absence, no
condition on the audit date, so the engine's matches do not depend on the order facts arrive in
(the order-dependence of negation, and the crash paths around it, stay in the batch runs, which
assert END last). Each match is a **candidate**; this module completes it:

* an absence is judged here, on the facts received: a candidate whose absence some fact fills
  is discharged for good (facts never go away);
* a candidate is certain once the clock has passed every bound of its absences (events arrive in
  time order, so nothing that could fill them can still come) and its conditions on the audit
  date hold at the clock (``field < end.at``: true once, true later);
* the checks judged only at ``finish`` are left to the batch run there.

Guidance reads the same pool: a candidate of a bounded check whose bound is still ahead, not
discharged, is an open obligation. Tests the timetable expects are asserted as assumed
``test_started`` facts (marked ``engine.ASSUMED`` with their own eid, a mark every fact derived
from them inherits), so what they open is in the pool too, shown while the test is still expected.
"""
from __future__ import annotations

import heapq
import itertools
import operator
from typing import Any, Callable, Iterable, Mapping

import attrs

from .compiler import fact_field
from .engine import ASSUMED, Match
from .expressions import DAY_OF, Arith, Condition, Literal, Ref, Span
from .rule_model import END, Certainty, Check, Pattern, Rule, Rulebook

Fact = Mapping[str, Any]
Named = dict[str, dict[str, Any]]


def live_rulebook(rulebook: Rulebook) -> Rulebook:
    """The rule base a live session runs: derivations, then each live-judged check's matched
    entries without their conditions on the audit date."""
    rules: list[Rule] = list(rulebook.derivations)
    for check in rulebook.checks:
        if check.certainty is not Certainty.FINISH:
            rules.append(attrs.evolve(check, patterns=_matched_part(check.patterns), examples=()))
    return attrs.evolve(rulebook, rules=tuple(rules))


def _matched_part(patterns: Iterable[Pattern]) -> tuple[Pattern, ...]:
    return tuple(attrs.evolve(p, conditions=tuple(c for c in p.conditions if not _on_end(c)))
                 for p in patterns if not p.absent)


def _on_end(cond: Condition) -> bool:
    return any(r.alias == END for r in cond.refs())


@attrs.frozen
class Absence:
    """An absence of a check: its type, whether a fact fills it, and an equality with a matched
    field (the fact's ``field`` == ``alias.other``) to look the facts up by, if it has one."""
    event: str
    fills: Test
    key: tuple[str, str, str] | None


def _absence(pattern: Pattern) -> Absence:
    key = next(((fact_field(c.field), c.operand.alias, fact_field(c.operand.field)) for c in pattern.conditions
                if c.op == "==" and isinstance(c.operand, Ref) and not c.calendar), None)
    return Absence(pattern.event, pattern_test(pattern), key)


@attrs.frozen
class Plan:
    """What the pool needs of a live-judged check, computed once per rule base."""
    check: Check
    absences: tuple[Absence, ...]
    on_end: tuple[tuple[str, Test], ...]        # (alias, test) of the matched entries' conditions on the audit date
    bounded: bool


def plans(rulebook: Rulebook) -> dict[str, Plan]:
    return {c.id: Plan(c, tuple(_absence(p) for p in c.patterns if p.absent),
                       tuple((p.alias, condition_test(cond)) for p in c.patterns
                             if not p.absent and p.alias is not None for cond in p.conditions if _on_end(cond)),
                       c.certainty is Certainty.BOUNDED)
            for c in rulebook.checks if c.certainty is not Certainty.FINISH}


# ----------------------------------------------------------------------------- conditions

def _value(operand: Any, named: Mapping[str, Fact]) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, Span):
        return operand.seconds
    if isinstance(operand, Ref):
        return named[operand.alias][fact_field(operand.field)]
    if isinstance(operand, Arith):
        left, right = _value(operand.left, named), _value(operand.right, named)
        return left + right if operand.op == "+" else left - right
    raise AssertionError(operand)


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge}
Test = Callable[[Fact, Mapping[str, Fact]], bool]


def condition_test(cond: Condition) -> Test:
    """A condition of a pattern as a test of (fact, the match's facts by alias), reading the
    compiled term as the engine does: a missing field makes the test false."""
    field = fact_field(cond.field)
    operand = cond.operand
    if isinstance(operand, tuple):                  # 'in': any of the literals
        values = tuple(item.value for item in operand)
        return lambda fact, named: field in fact and any(fact[field] == v for v in values)
    compare = _TESTS[cond.op]
    if cond.calendar and isinstance(operand, Ref):  # day(alias.field): that instant's local day
        alias, day_field = operand.alias, DAY_OF.format(fact_field(operand.field))
        return lambda fact, named: field in fact and bool(compare(fact[field], named[alias][day_field]))
    if isinstance(operand, Ref):
        alias, other = operand.alias, fact_field(operand.field)
        return lambda fact, named: field in fact and bool(compare(fact[field], named[alias][other]))
    if isinstance(operand, (Literal, Span)):
        constant = _value(operand, {})
        return lambda fact, named: field in fact and bool(compare(fact[field], constant))
    return lambda fact, named: field in fact and bool(compare(fact[field], _value(operand, named)))


def pattern_test(pattern: Pattern) -> Test:
    """All the conditions of an entry (an absence: whether a fact fills it)."""
    tests = tuple(condition_test(cond) for cond in pattern.conditions)
    # run for every candidate against every fact that may fill it: no generator for one or two
    if not tests:
        return lambda fact, named: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda fact, named: first(fact, named) and second(fact, named)

    def every(fact: Fact, named: Mapping[str, Fact]) -> bool:
        for test in tests:
            if not test(fact, named):
                return False
        return True
    return every


# ----------------------------------------------------------------------------- the pool

@attrs.define(eq=False)
class Candidate:
    """A match of a check's matched entries, waiting to be judged."""
    plan: Plan
    named: Named
    due: float                         # the latest bound of its absences (-inf without absence)
    assumed: frozenset[str]            # eids of the assumed facts it rests on
    serial: int
    discharged: bool = False           # an absence filled by a recorded fact: never a finding
    filled_if: tuple[frozenset[str], ...] = ()   # marks of assumed facts filling an absence
    judged: bool = False               # certain, handed to the checker
    cache: dict[str, Any] = attrs.field(factory=dict)    # what the checker renders of it, once


_NO_MARKS: frozenset[str] = frozenset()
# marks by the eids they hold: the few sets of assumed starts a session has, made once each
# (a guided session otherwise keeps one set per fact and candidate, more for the collector to walk)
_interned: dict[tuple[str, ...], frozenset[str]] = {}


def _marks(fact: Fact) -> frozenset[str]:
    eids = fact.get(ASSUMED)
    return _NO_MARKS if not eids else _intern(tuple(eids))


def _intern(eids: tuple[str, ...]) -> frozenset[str]:
    marks = _interned.get(eids)
    if marks is None:
        if len(_interned) > 10_000:
            _interned.clear()
        marks = _interned[eids] = frozenset(eids)
    return marks


def _marks_of(named: Named) -> frozenset[str]:
    """The marks of the facts of a match, together."""
    found = _NO_MARKS
    for fact in named.values():
        marks = _marks(fact)
        if marks and marks is not found:
            found = marks if not found else _intern(tuple(sorted(found | marks)))
    return found


_NONE = object()


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class _Store:
    """Facts an absence reads, by type and by the value of each field an absence looks up."""

    def __init__(self, keyed: Mapping[str, set[str]]):
        self._keyed = keyed
        self._all: dict[str, list[Fact]] = {}
        self._by: dict[tuple[str, str], dict[Any, list[Fact]]] = {}
        self._loose: dict[tuple[str, str], list[Fact]] = {}    # an unhashable value: always read

    def add(self, fact: Fact) -> None:
        kind = fact["type"]
        self._all.setdefault(kind, []).append(fact)
        for field in self._keyed.get(kind, ()):
            value = fact.get(field, _NONE)
            if value is _NONE:
                continue
            if _hashable(value):
                self._by.setdefault((kind, field), {}).setdefault(value, []).append(fact)
            else:
                self._loose.setdefault((kind, field), []).append(fact)

    def able(self, absence: Absence, named: Mapping[str, Fact]) -> Iterable[Fact]:
        """The facts that may fill ``absence`` for the match ``named`` (a superset)."""
        if absence.key is None:
            return self._all.get(absence.event, ())
        field, alias, other = absence.key
        value = named.get(alias, {}).get(other, _NONE)
        if value is _NONE:
            return ()                  # equality with a missing field: never true
        loose = self._loose.get((absence.event, field), [])
        if not _hashable(value):
            return self._all.get(absence.event, ())
        return itertools.chain(self._by.get((absence.event, field), {}).get(value, ()), loose)


class Pool:
    """The candidates of one live session and the facts their absences read."""

    def __init__(self, plans_by_rule: Mapping[str, Plan]):
        self._plans = plans_by_rule
        self._read = {a.event for plan in plans_by_rule.values() for a in plan.absences}
        keyed: dict[str, set[str]] = {}
        for plan in plans_by_rule.values():
            for a in plan.absences:
                if a.key is not None:
                    keyed.setdefault(a.event, set()).add(a.key[0])
        self._facts, self._assumed = _Store(keyed), _Store(keyed)    # recorded facts, assumed ones
        # undischarged candidates by what a new fact must have to fill one of their absences:
        # (type, field, value) for an absence looked up by a field, (type, None, None) otherwise
        self._waiting: dict[tuple[str, str | None, Any], list[tuple[Candidate, Absence]]] = {}
        self._keyed = keyed
        self._due: list[tuple[float, int, Candidate]] = []  # recorded candidates not yet judged
        self.bounded: list[Candidate] = []                  # candidates of bounded checks (obligations)
        self._serial = itertools.count()
        self._cited: dict[str, dict[str, Any]] = {}    # the facts the candidates kept rest on, by engine id
        # bumped whenever an open obligation may have come (``added``) or gone (``removed``) other
        # than by the clock passing a due time (a candidate past due is out of every list then on)
        self.added = self.removed = 0

    def add(self, facts: Iterable[Fact], matches: Iterable[Match], now: int,
            dead: frozenset[str] | set[str] = _NO_MARKS) -> None:
        """New facts (recorded or assumed, derived ones included), then the matches they made;
        ``now`` is the clock (epoch seconds). ``dead``: assumed starts that can never be expected
        again (the test started, the candidate noted absent): what rests on them is never open,
        so it is not kept, and an absence they fill stays unfilled for guidance."""
        for fact in facts:
            kind = fact["type"]
            if kind not in self._read:
                continue
            marks = _marks(fact)
            if marks and not marks.isdisjoint(dead):
                continue
            (self._assumed if marks else self._facts).add(fact)
            discharged = False
            for candidate, absence in self._waiting_for(fact):
                if candidate.discharged or not absence.fills(fact, candidate.named):
                    continue
                if marks:
                    candidate.filled_if = (*candidate.filled_if, marks)
                else:
                    candidate.discharged = discharged = True
                if candidate.plan.bounded and candidate.due >= now:
                    self.removed += 1
            if discharged:
                self._prune(fact)
        for rule_id, named in matches:
            plan = self._plans.get(rule_id)
            if plan is not None:
                self._candidate(plan, named, now, dead)

    def _waiting_for(self, fact: Fact) -> list[tuple[Candidate, Absence]]:
        kind = fact["type"]
        out = list(self._waiting.get((kind, None, None), ()))
        for field in self._keyed.get(kind, ()):
            value = fact.get(field, _NONE)
            if value is _NONE:
                continue
            if _hashable(value):
                out += self._waiting.get((kind, field, value), ())
            else:                       # compare with every candidate looked up by this field
                out += [pair for (k, f, _), pairs in self._waiting.items() if k == kind and f == field
                        for pair in pairs]
        return out

    def _prune(self, fact: Fact) -> None:
        """Drop the discharged candidates from the lists ``fact`` was looked up in: no fact is
        tested against them again, and what the pool holds no longer is for the collector to walk."""
        kind = fact["type"]
        keys: list[tuple[str, str | None, Any]] = [(kind, None, None)]
        for field in self._keyed.get(kind, ()):
            value = fact.get(field, _NONE)
            if value is not _NONE and _hashable(value):
                keys.append((kind, field, value))
        for key in keys:
            pairs = self._waiting.get(key)
            if pairs:
                self._waiting[key] = [pair for pair in pairs if not pair[0].discharged]

    def _candidate(self, plan: Plan, named: Named, now: int, dead: frozenset[str] | set[str]) -> None:
        due = max((float(_value(b, named)) for b in plan.check.bounds), default=float("-inf"))
        assumed = _marks_of(named)
        serial = next(self._serial)         # (drawn for every match: candidates keep match order)
        if assumed and not assumed.isdisjoint(dead):
            return                          # never open: not kept
        if any(a.fills(f, named) for a in plan.absences for f in self._facts.able(a, named)):
            return                          # discharged already: never a finding
        for alias, fact in named.items():   # one dict per fact the candidates cite, not one per match
            if "id" in fact:                # (derived facts have no id of their own)
                named[alias] = self._cited.setdefault(fact["id"], fact)
        candidate = Candidate(plan, named, due, assumed, serial)
        filled = [_marks(f) for a in plan.absences for f in self._assumed.able(a, named) if a.fills(f, named)]
        if filled:
            candidate.filled_if = tuple(filled)
        for absence in plan.absences:
            if absence.key is None:
                where: tuple[str, str | None, Any] = (absence.event, None, None)
            else:
                field, alias, other = absence.key
                value = named.get(alias, {}).get(other, _NONE)
                if value is _NONE:
                    continue            # nothing can fill it
                where = (absence.event, field, value) if _hashable(value) else (absence.event, None, None)
            self._waiting.setdefault(where, []).append((candidate, absence))
        if not assumed:
            heapq.heappush(self._due, (due, candidate.serial, candidate))
        if plan.bounded:
            self.bounded.append(candidate)
            if due >= now:
                self.added += 1

    def certain(self, now: int) -> list[Candidate]:
        """The recorded candidates certain at ``now`` (epoch seconds), each once, in match order."""
        out, later = [], []
        while self._due and self._due[0][0] < now:
            _, serial, candidate = heapq.heappop(self._due)
            if candidate.discharged:
                continue
            named = {**candidate.named, END: {"at": now}}
            if all(test(named[alias], named) for alias, test in candidate.plan.on_end):
                candidate.judged = True
                out.append(candidate)
            else:
                later.append((candidate.due, serial, candidate))
        for item in later:          # a condition on the audit date not yet true: judged again later
            heapq.heappush(self._due, item)
        out.sort(key=lambda c: c.serial)
        return out

    def open(self, clock: int, valid: frozenset[str]) -> list[Candidate]:
        """Candidates of bounded checks that become findings if nothing more happens (see
        ``open_among``)."""
        return open_among(self.bounded, clock, valid)

    def compact(self, clock: int) -> None:
        """Forget the candidates that can never be open again at ``clock`` or later: discharged,
        or recorded and past due."""
        self.bounded = [c for c in self.bounded if not c.discharged and (c.assumed or c.due >= clock)]


def open_among(candidates: Iterable[Candidate], clock: int, valid: frozenset[str]) -> list[Candidate]:
    """Those of ``candidates`` (of bounded checks) that become findings if nothing more happens:
    bound not passed at ``clock``, not discharged, resting only on assumed facts in ``valid``,
    and no assumed fact in ``valid`` filling an absence."""
    out = []
    for candidate in candidates:
        if candidate.discharged or candidate.due < clock or not candidate.assumed <= valid:
            continue
        if any(marks <= valid for marks in candidate.filled_if):
            continue
        out.append(candidate)
    return out
