"""Live guidance: what a session still owes, and by when.

A rule whose absences all have a time bound (``at <= X``) is an obligation that falls due at X:
"C3's identity must be checked by 09:00, when C3's MSP starts". While the session runs, a match
of such a rule whose bound is still ahead is an **open obligation**: it becomes a finding at its
bound unless an event discharges it. ``Checker.open_obligations`` lists them; ``Checker.guide``
feeds one event and says which obligations it discharged and which fell within the horizon.

This module words an obligation: which events would discharge it (the rule's absences, with the
values the match gives their conditions: "un contrôle d'identité (candidat : C3)").
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import attrs

from .certainty import evaluate
from .compiler import fact_field
from .events import event_label, specific_fields, EVENT_TYPES
from .expressions import Literal, Ref
from .model import Evidence, Finding, Text
from .rule_model import Check

HORIZON = dt.timedelta(minutes=15)    # an obligation due within this is "at risk"
_STRUCTURE = ("session_opened", "session_closed")


@attrs.frozen(kw_only=True)
class Obligation:
    """Something the session still owes: the finding it becomes at ``due`` unless discharged."""
    clause: str
    rule: str
    title: Text                      # the rule's title: what would be found
    due: dt.datetime                 # the last instant to discharge it, in the session's zone
    opened_by: tuple[Evidence, ...]  # the events that opened it
    discharge: Text                  # the events that would discharge it, in words
    by: tuple[str, ...] = ()         # their types

    @property
    def key(self) -> tuple[str, tuple[int, ...]]:
        """What makes an obligation distinct: its rule and the events that opened it."""
        return self.rule, tuple(e.index for e in self.opened_by)


@attrs.frozen(kw_only=True)
class Guidance:
    """What feeding one event changed: findings now certain, obligations it discharged (an event
    of a kind that fills them; an obligation that lapses otherwise, e.g. the candidate noted
    absent, is not "done"), obligations that came within the horizon of their due time."""
    findings: tuple[Finding, ...]
    discharged: tuple[Obligation, ...]
    at_risk: tuple[Obligation, ...]


def obligation(rule: Check, evidence: tuple[Evidence, ...], matched: Mapping[str, Mapping[str, Any]],
               tz: dt.tzinfo) -> Obligation:
    """The obligation a not-yet-certain match of a bounded rule stands for (``evidence``: the
    events its finding would cite)."""
    due = max(int(evaluate(bound, matched)) for bound in rule.bounds)
    # the words depend on the rule and the values its absences' equalities take: worded once
    said = (rule.id, tuple(matched[c.operand.alias].get(fact_field(c.operand.field))
                           for p in rule.patterns if p.absent for c in p.conditions
                           if c.op == "==" and isinstance(c.operand, Ref) and c.operand.alias in matched))
    discharge = _worded.get(said)
    if discharge is None:
        if len(_worded) > 10_000:
            _worded.clear()
        discharge = _worded[said] = Text(_discharge(rule, matched, "fr"), _discharge(rule, matched, "en"))
    return Obligation(clause=rule.clause, rule=rule.id, title=rule.title,
                      due=dt.datetime.fromtimestamp(due, dt.timezone.utc).astimezone(tz),
                      opened_by=evidence, discharge=discharge, by=discharged_by(rule))


def discharged_by(rule: Check) -> tuple[str, ...]:
    """The event types that discharge an obligation of ``rule``: its absences' (see ``_absences``)."""
    return tuple(dict.fromkeys(p.event.split(".")[0] for p in _absences(rule)))


def _absences(rule: Check) -> list[Any]:
    """The rule's absences that a future act could fill. Not ``first``'s own absence (about
    earlier events), nor one of a kind the rule matches: a later test start (another closing)
    moves the obligation, it does not discharge it; nor a derived fact or the session's opening
    and closing, which are not acts anyone does."""
    matched_types = {p.event for p in rule.patterns if not p.absent}
    return [p for p in rule.patterns
            if p.absent and not _about_the_past(p) and p.event not in matched_types
            and p.event.split(".")[0] in EVENT_TYPES and p.event not in _STRUCTURE]


_worded: dict[tuple[str, tuple[Any, ...]], Text] = {}


def _discharge(rule: Check, matched: Mapping[str, Mapping[str, Any]], lang: str) -> str:
    """The rule's absences that a future event could fill, with the values their equality
    conditions take from the match (``first``'s own absence, about earlier events, is left out)."""
    words = []
    for pattern in _absences(rule):
        label = event_label(pattern.event.split(".")[0])
        name = label.get(lang) if label is not None else pattern.event
        known = {spec.name: spec for spec in specific_fields(EVENT_TYPES[pattern.event])} \
            if pattern.event in EVENT_TYPES else {}
        details = []
        for cond in pattern.conditions:
            if cond.op != "==" or cond.field == "at":
                continue
            if isinstance(cond.operand, Ref) and cond.operand.alias in matched:
                value = matched[cond.operand.alias].get(fact_field(cond.operand.field))
            elif isinstance(cond.operand, Literal):
                value = cond.operand.value
            else:
                continue
            spec = known.get(cond.field)
            field = spec.label.get(lang) if spec is not None and spec.label is not None else cond.field
            if spec is not None and isinstance(value, str) and value in spec.words:
                value = spec.words[value].get(lang)
            details.append(f"{field} : {_shown(value, lang)}" if lang == "fr" else f"{field}: {_shown(value, lang)}")
        words.append(name + (f" ({', '.join(details)})" if details else ""))
    joint = " ou " if lang == "fr" else " or "
    return joint.join(words) or rule.title.get(lang)     # nothing nameable: what would be found


def _about_the_past(pattern: Any) -> bool:
    """The absence a ``first`` entry adds: no earlier event of its kind (``at < alias.at``)."""
    return any(c.field == "at" and c.op == "<" and isinstance(c.operand, Ref) and c.operand.field == "at"
               for c in pattern.conditions)


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    return str(value)
