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

from .compiler import DAY_OF, fact_field
from .engine import ASSUMED, Match
from .expressions import Arith, Condition, Literal, Ref, Span
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
class Plan:
    """What the pool needs of a live-judged check, computed once per rule base."""
    check: Check
    absences: tuple[tuple[str, Test], ...]      # (type, whether a fact fills it) of each absence
    on_end: tuple[tuple[str, Test], ...]        # (alias, test) of the matched entries' conditions on the audit date
    bounded: bool


def plans(rulebook: Rulebook) -> dict[str, Plan]:
    return {c.id: Plan(c, tuple((p.event, pattern_test(p)) for p in c.patterns if p.absent),
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
    return lambda fact, named: all(test(fact, named) for test in tests)


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
    filled_if: list[frozenset[str]] = attrs.field(factory=list)   # marks of assumed facts filling an absence
    judged: bool = False               # certain, handed to the checker
    cache: dict[str, Any] = attrs.field(factory=dict)    # what the checker renders of it, once


def _marks(fact: Fact) -> frozenset[str]:
    return frozenset(fact.get(ASSUMED, ()))


class Pool:
    """The candidates of one live session and the facts their absences read."""

    def __init__(self, plans_by_rule: Mapping[str, Plan]):
        self._plans = plans_by_rule
        self._read = {kind for plan in plans_by_rule.values() for kind, _ in plan.absences}
        self._facts: dict[str, list[Fact]] = {}            # recorded facts an absence reads, by type
        self._assumed: dict[str, list[Fact]] = {}          # assumed ones, by type
        self._waiting: dict[str, list[Candidate]] = {}     # undischarged candidates, by absence type
        self._due: list[tuple[float, int, Candidate]] = []  # recorded candidates not yet judged
        self.bounded: list[Candidate] = []                  # candidates of bounded checks (obligations)
        self._serial = itertools.count()
        self.version = 0                                     # changes whenever an obligation may have

    def add(self, facts: Iterable[Fact], matches: Iterable[Match]) -> None:
        """New facts (recorded or assumed, derived ones included), then the matches they made."""
        for fact in facts:
            kind = fact["type"]
            if kind not in self._read:
                continue
            assumed = ASSUMED in fact
            (self._assumed if assumed else self._facts).setdefault(kind, []).append(fact)
            for candidate in self._waiting.get(kind, ()):
                if not candidate.discharged and any(
                        event == kind and fills(fact, candidate.named) for event, fills in candidate.plan.absences):
                    if assumed:
                        candidate.filled_if.append(_marks(fact))
                    else:
                        candidate.discharged = True
                    self.version += 1
        for rule_id, named in matches:
            plan = self._plans.get(rule_id)
            if plan is not None:
                self._candidate(plan, named)

    def _candidate(self, plan: Plan, named: Named) -> None:
        due = max((float(_value(b, named)) for b in plan.check.bounds), default=float("-inf"))
        assumed = frozenset().union(*(_marks(f) for f in named.values()))
        candidate = Candidate(plan, named, due, assumed, next(self._serial))
        candidate.discharged = any(fills(f, named) for kind, fills in plan.absences for f in self._facts.get(kind, ()))
        if candidate.discharged:
            return
        candidate.filled_if = [_marks(f) for kind, fills in plan.absences for f in self._assumed.get(kind, ())
                               if fills(f, named)]
        for kind in {kind for kind, _ in plan.absences}:
            self._waiting.setdefault(kind, []).append(candidate)
        if not assumed:
            heapq.heappush(self._due, (due, candidate.serial, candidate))
        if plan.bounded:
            self.bounded.append(candidate)
            self.version += 1

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
                self.version += 1
                out.append(candidate)
            else:
                later.append((candidate.due, serial, candidate))
        for item in later:          # a condition on the audit date not yet true: judged again later
            heapq.heappush(self._due, item)
        out.sort(key=lambda c: c.serial)
        return out

    def open(self, clock: int, valid: frozenset[str]) -> list[Candidate]:
        """Candidates of bounded checks that become findings if nothing more happens: bound not
        passed at ``clock``, not discharged, resting only on assumed facts in ``valid``, and no
        assumed fact in ``valid`` filling an absence."""
        out = []
        for candidate in self.bounded:
            if candidate.discharged or candidate.due < clock or not candidate.assumed <= valid:
                continue
            if any(marks <= valid for marks in candidate.filled_if):
                continue
            out.append(candidate)
        return out

    def compact(self) -> None:
        """Forget the discharged candidates (they can never matter again)."""
        self.bounded = [c for c in self.bounded if not c.discharged]

