"""Evidence of compliance: for a clause that passes, the events that show it was met.

A check with an absence (``absent: identity_checked`` before a test) states an obligation that
an event discharges. Its *witness* is the same rule with that absence turned into a match: each
match of the witness is the obligation's anchor (the test) together with the event that
discharged it (the identity check before it). An absence of the same type as one of the rule's
matches only scopes it (the first test, the last closing) and is not turned.

A check without an absence (a test held off site) is met by the absence of such an event: it has
no witness, and its clause shows none. The witnesses run in an engine of their own, only when a
report asks for them, so a plain check or audit pays nothing for them.
"""
from __future__ import annotations

import threading
from typing import Any, Iterable

import attrs

from .compiler import compile_rulebook
from .engine import EffortLimitError, Engine
from .errors import EngineError, RulebookError
from .rule_model import Certainty, Check, Pattern, Rulebook

__all__ = ["MAX_PER_RULE", "witness_checks", "satisfied"]

MAX_PER_RULE = 50           # matches kept per rule: enough to show the pattern, not a dump
# witnesses per engine: every witness of a fact's type adds alpha tests that fact passes, and the
# engine refuses a fact passing more than about 64 (durable-rules error 303), so they are split
CHUNK = 12
_SEPARATOR = "~"            # witness ids: ``S3.1-identite-non-controlee~2`` (the turned pattern's index)

_engines: dict[str, tuple[Engine, ...]] = {}
_lock = threading.Lock()


def witness_checks(rulebook: Rulebook) -> tuple[Check, ...]:
    """One witness per check and obligation-bearing absence, in rule order."""
    out = []
    for rule in rulebook.checks:
        matched_types = {p.event for p in rule.patterns if not p.absent}
        taken = {p.alias for p in rule.patterns if p.alias}
        for index, pattern in enumerate(rule.patterns):
            if not pattern.absent or pattern.event in matched_types:
                continue
            alias = _free_alias(taken, index)
            patterns = tuple(_turned(p, alias) if p is pattern else p for p in rule.patterns)
            evidence = tuple(p.alias for p in patterns if not p.absent and p.alias)
            out.append(attrs.evolve(rule, id=f"{rule.id}{_SEPARATOR}{index}", patterns=patterns,
                                    evidence=evidence, values=(), examples=(),
                                    certainty=Certainty.FINISH, bounds=()))
    return tuple(out)


def _free_alias(taken: set[str], index: int) -> str:
    alias = f"witness{index}"
    while alias in taken:
        alias += "_"
    return alias


def _turned(pattern: Pattern, alias: str) -> Pattern:
    return attrs.evolve(pattern, alias=alias, absent=False)


def source_rule(witness_id: str) -> str:
    """The check a witness was made from."""
    return witness_id.rsplit(_SEPARATOR, 1)[0]


def _engines_for(rulebook: Rulebook) -> tuple[Engine, ...]:
    with _lock:
        engines = _engines.get(rulebook.fingerprint)
        if engines is None:
            checks = witness_checks(rulebook)
            built = []
            for start in range(0, len(checks), CHUNK):
                part = Rulebook(clauses=rulebook.clauses, rules=(*rulebook.derivations, *checks[start:start + CHUNK]),
                                fingerprint=f"{rulebook.fingerprint}{_SEPARATOR}witness{start}",
                                settings=rulebook.settings, sections=rulebook.sections)
                try:
                    built.append(Engine(compile_rulebook(part)))
                except (RulebookError, EngineError):    # a witness past an engine limit: left out
                    continue
            engines = _engines[rulebook.fingerprint] = tuple(built)
        return engines


def satisfied(rulebook: Rulebook, facts: list[dict[str, Any]], end_at: int,
              applies: Iterable[str]) -> dict[str, dict[str, list[tuple[int, ...]]]]:
    """clause -> {check id -> the sets of event indices that met it} for the checks ``applies``
    names (those in force on the session's day), at most ``MAX_PER_RULE`` sets per check, by
    their first event's position. A part of the witnesses the engine cannot run (its effort
    limit, a fact it refuses) is left out: the evidence of compliance is a courtesy, never a
    reason to fail a check."""
    wanted = set(applies)
    if not facts or not wanted:
        return {}
    matches = []
    for engine in _engines_for(rulebook):
        try:
            matches += engine.run(facts, end_at)
        except (EffortLimitError, EngineError):    # that part of the evidence is left out
            continue
    clause_of = {r.id: r.clause for r in rulebook.checks}
    found: dict[str, dict[str, set[tuple[int, ...]]]] = {}
    for witness_id, named in matches:
        rule_id = source_rule(witness_id)
        if rule_id not in wanted:
            continue
        indices = tuple(sorted({i for fact in named.values() for i in fact.get("src", ())}))
        found.setdefault(clause_of[rule_id], {}).setdefault(rule_id, set()).add(indices)
    order = {r.id: n for n, r in enumerate(rulebook.checks)}
    return {clause: {rule_id: sorted(sets)[:MAX_PER_RULE] for rule_id, sets in sorted(by_rule.items(),
                                                                                      key=lambda kv: order[kv[0]])}
            for clause, by_rule in found.items()}
