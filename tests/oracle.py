"""A plain-Python reading of the rule language, independent of durable_rules.

It evaluates compiled rule semantics by brute force (nested loops over facts), so the engine
adapter can be checked against it: same matches, whatever the engine's quirks.
"""
from __future__ import annotations

import operator
from typing import Any

from compliance.compiler import fact_field
from compliance.expressions import Arith, Literal, Ref, Span
from compliance.rulebook import END, Rule, Rulebook

OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
       ">": operator.gt, ">=": operator.ge}


def _value(operand: Any, env: dict[str, dict[str, Any]]) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, Span):
        return operand.seconds
    if isinstance(operand, Ref):
        return env[operand.alias][fact_field(operand.field)]
    if isinstance(operand, Arith):
        left, right = _value(operand.left, env), _value(operand.right, env)
        return left + right if operand.op == "+" else left - right
    raise AssertionError(operand)


def _holds(pattern, fact: dict[str, Any], env) -> bool:
    if fact["type"] != pattern.event:
        return False
    for cond in pattern.conditions:
        have = fact.get(fact_field(cond.field))
        if cond.op == "in":
            if have not in [item.value for item in cond.operand]:
                return False
        elif not OPS[cond.op](have, _value(cond.operand, env)):
            return False
    return True


def matches(rule: Rule, facts: list[dict[str, Any]], end_at: int):
    """Every binding of the rule's positive patterns that satisfies all its patterns."""
    by_type: dict[str, list] = {}
    for fact in facts:
        by_type.setdefault(fact["type"], []).append(fact)

    def walk(index: int, env: dict[str, dict[str, Any]]):
        if index == len(rule.patterns):
            yield {k: v for k, v in env.items() if k != END}
            return
        pattern = rule.patterns[index]
        candidates = [f for f in by_type.get(pattern.event, []) if _holds(pattern, f, env)]
        if pattern.absent:
            if not candidates:
                yield from walk(index + 1, env)
            return
        for fact in candidates:
            yield from walk(index + 1, {**env, pattern.alias: fact})

    yield from walk(0, {END: {"at": end_at}})


def run(rulebook: Rulebook, facts: list[dict[str, Any]], end_at: int) -> set[tuple]:
    """Derive to a fixpoint, then return {(rule id, ((alias, src), ...))} for every check match."""
    facts = list(facts)
    seen = {repr(sorted(f.items())) for f in facts}
    changed = True
    while changed:
        changed = False
        for rule in rulebook.derivations:
            type_name, fields = rule.type, rule.fields
            for env in list(matches(rule, facts, end_at)):
                new = {"type": type_name, **{n: env[r.alias][fact_field(r.field)] for n, r in fields},
                       "at": max(f["at"] for f in env.values()),
                       "src": sorted({i for f in env.values() for i in f["src"]})}
                key = repr(sorted(new.items()))
                if key not in seen:
                    seen.add(key)
                    facts.append(new)
                    changed = True
    out = set()
    for rule in rulebook.checks:
        for env in matches(rule, facts, end_at):
            out.add((rule.id, tuple(sorted((a, tuple(f["src"])) for a, f in env.items()))))
    return out
