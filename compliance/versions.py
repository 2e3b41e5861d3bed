"""The law as of the session date: which rules of a clause judged a session, and why a clause
was not applicable.

A session is judged by the law of its first day (its first opening, in its time zone) and by
its kind (``session_planned.kind``). Each check says when it applies (``rule_model.Validity``);
a clause is not applicable when the catalogue's ``applies_if`` finds none of its events in the
record, or when none of its rules applies that day (not yet in force, no longer in force,
suspended by a derogation, or not for this kind of session).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

from .catalogue import Clause
from .model import NotApplicable, RuleVersion
from .rule_model import Check, Inapplicable


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def applied_versions(checks: Iterable[Check], day: dt.date | None, kind: str | None) -> tuple[RuleVersion, ...]:
    """The dated rules among ``checks`` that applied (undated rules have one version: not listed)."""
    out = []
    for rule in checks:
        if not rule.validity.dated or (day is not None and not rule.applies_on(day, kind)):
            continue
        span, which = rule.validity.span_for(kind)
        main = rule.reference.texts[0] if rule.reference.texts else None
        out.append(RuleVersion(rule=rule.id, since=_day(span.start), until=_day(span.until), kind=which,
                               text=rule.reference.text, text_date=main.date if main else "",
                               suspended=tuple((_day(p.span.start), _day(p.span.until))
                                               for p in rule.validity.suspended)))
    return tuple(out)


def not_applicable(clause: Clause, checks: Sequence[Check], day: dt.date | None, kind: str | None,
                   present: set[str]) -> tuple[NotApplicable, ...]:
    """Why ``clause`` is not applicable to the session, or () when it is.

    ``checks`` are the clause's rules; ``present`` the event types the record holds. A clause
    without rules (D1, D2...) is judged elsewhere and always applies by date.
    """
    if clause.applies_if and not present.intersection(clause.applies_if):
        return (NotApplicable(reason="session_kind", events=clause.applies_if),)
    if day is None or not checks:
        return ()
    reasons = [rule.why_not(day, kind) for rule in checks]
    if any(r is None for r in reasons):
        return ()
    return tuple(dict.fromkeys(_reason(r) for r in reasons if r is not None))


def _reason(why: Inapplicable) -> NotApplicable:
    return NotApplicable(reason=why.reason.value, since=_day(why.start), until=_day(why.until), kind=why.kind,
                         text=why.text.title if why.text is not None else "")
