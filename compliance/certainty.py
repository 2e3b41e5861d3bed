"""Live certainty: when a finding found while events still arrive can no longer be withdrawn.

Events are fed in time order, and the live checker replays them with the audit date set to the
clock (the last event's time). A finding of a check is certain:

* ``IMMEDIATE``: the check has no absence: more events can only add matches;
* ``BOUNDED``: every absence has an upper time bound built from matched events (``at <= X`` or
  ``at < X``): once the clock has passed every bound, no event can still come to fill it;
* ``FINISH``: otherwise (pending deadlines, absences without bound, conditions on the audit
  date that may stop holding): judged by ``Checker.finish`` only.

``classify`` decides this once, at load; ``is_certain`` applies it to one match.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .compiler import fact_field
from .expressions import Arith, Literal, Operand, Ref, Span
from .model import Severity
from .rule_model import END, Certainty, Check, Pattern

Facts = Mapping[str, Mapping[str, Any]]
"""rule alias -> the fact matched under it."""


def classify(patterns: Iterable[Pattern], severity: Severity) -> tuple[Certainty, tuple[Operand, ...]]:
    """The certainty of a check, and for ``BOUNDED`` the time bound of each absence."""
    patterns = tuple(patterns)
    if severity is Severity.PENDING or not all(_end_stays_true(p) for p in patterns):
        return Certainty.FINISH, ()
    absences = [p for p in patterns if p.absent]
    if not absences:
        return Certainty.IMMEDIATE, ()
    bounds = [_upper_bound(p) for p in absences]
    if any(bound is None for bound in bounds):
        return Certainty.FINISH, ()
    return Certainty.BOUNDED, tuple(b for b in bounds if b is not None)


def _end_stays_true(pattern: Pattern) -> bool:
    """A condition on ``end.at`` only in a match, as ``field < end.at ± n``: true once, true later."""
    for cond in pattern.conditions:
        if any(r.alias == END for r in cond.refs()) and (pattern.absent or cond.op not in ("<", "<=")):
            return False
    return True


def _upper_bound(absence: Pattern) -> Operand | None:
    for cond in absence.conditions:
        if (cond.field == "at" and cond.op in ("<", "<=")
                and not isinstance(cond.operand, (Literal, Span, tuple))
                and all(r.alias != END for r in cond.refs())):
            return cond.operand
    return None


def is_certain(check: Check, matched: Facts, now: int) -> bool:
    """Whether a match of ``check`` found with the clock at ``now`` (epoch seconds) is final."""
    if check.certainty is Certainty.IMMEDIATE:
        return True
    if check.certainty is Certainty.BOUNDED:
        return all(evaluate(bound, matched) < now for bound in check.bounds)
    return False


def evaluate(expr: Operand, matched: Facts) -> Any:
    """The value of an expression over matched facts, in engine units (epoch seconds, seconds)."""
    if isinstance(expr, Ref):
        return matched[expr.alias][fact_field(expr.field)]
    if isinstance(expr, Span):
        return expr.seconds
    if isinstance(expr, Arith):
        left, right = evaluate(expr.left, matched), evaluate(expr.right, matched)
        return left + right if expr.op == "+" else left - right
    raise AssertionError(expr)
