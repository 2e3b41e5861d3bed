"""The validated rule base: immutable values built by ``rulebook`` and read by everything else.

A ``Rulebook`` holds the clause catalogue (``catalogue.Clause``), the section titles, and two
kinds of rules:

* a ``Check`` judges a clause: when its ``when`` matches, it gives a finding of its severity;
* a ``Derivation`` asserts a new fact (its ``type`` and ``fields``) that other rules match.

Nothing here reads files or knows the engine.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Iterable, Iterator, Mapping, NamedTuple, Union

import attrs

from .catalogue import CitedText, Clause
from .events import Event
from .expression_kinds import END
from .expressions import Arith, Condition, Operand, Ref
from .model import Severity, Text
from .vocabulary import FieldKinds

__all__ = ["END", "Certainty", "Check", "Derivation", "Example", "Expect", "Inapplicable", "Pattern",
           "Reason", "Reference", "Rule", "Rulebook", "Span", "Suspension", "Validity", "Value",
           "unconstrained"]


class Certainty(str, enum.Enum):
    """When a live finding of a check can no longer be withdrawn (events arrive in time order)."""
    IMMEDIATE = "immediate"     # no absence: certain as soon as it matches
    BOUNDED = "bounded"         # certain once the clock has passed every absence's time bound
    FINISH = "finish"           # judged by ``finish`` only


class Expect(str, enum.Enum):
    """What an embedded example expects of its rule."""
    FIRE = "fire"
    PASS = "pass"


@attrs.frozen
class Reference:
    text: str
    article: str = ""
    url: str = ""
    quote: str = ""
    texts: tuple[CitedText, ...] = ()     # the catalogue's texts it names, the main one first


@attrs.frozen(kw_only=True)
class Pattern:
    """One line of a rule's ``when``: an event that must be there (``match``) or must not (``absent``).

    A ``first`` entry is read as a ``match`` followed by the absence of an earlier event of its
    kind meeting the same conditions.
    """
    alias: str | None
    event: str
    conditions: tuple[Condition, ...]
    absent: bool
    line: int | None = attrs.field(eq=False, default=None)

    def refs(self) -> tuple[Ref, ...]:
        return tuple(ref for cond in self.conditions for ref in cond.refs())


@attrs.frozen(kw_only=True)
class Example:
    name: str
    expect: Expect
    events: tuple[Event, ...]
    as_of: dt.datetime | None
    count: int | None = None
    line: int | None = attrs.field(eq=False, default=None)


ValueExpr = Union[Ref, Arith]


class Value(NamedTuple):
    """A named value of a check's finding: its expression and the family it renders as."""
    name: str
    expr: ValueExpr
    family: str


InForce = tuple[dt.date | None, dt.date | None]


class Reason(str, enum.Enum):
    """Why a rule (or a clause) does not apply to a session."""
    NOT_YET = "not_yet_in_force"        # the session is before its ``from`` day
    NO_LONGER = "no_longer_in_force"    # the session is after its ``until`` day
    SUSPENDED = "suspended"             # a derogation suspends it on the session day
    SESSION_KIND = "session_kind"       # not this kind of session (or nothing it judges happened)


@attrs.frozen(kw_only=True)
class Span:
    """Days a rule (or a suspension) covers, both ends included; ``None``: no limit. A bound
    read from a catalogue setting names it (``start_setting``, ``until_setting``)."""
    start: dt.date | None = None
    until: dt.date | None = None
    start_setting: str = ""
    until_setting: str = ""

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day <= self.until)

    @property
    def dated(self) -> bool:
        return self.start is not None or self.until is not None


@attrs.frozen(kw_only=True)
class Suspension:
    """Days on which a derogation suspends a rule (``text``: the derogation's id, if cited)."""
    span: Span
    text: CitedText | None = None


@attrs.frozen(kw_only=True)
class Inapplicable:
    """Why a rule did not apply on a session's day: the reason, the days that decide it, the
    kind of session it is about ("" when any), and the derogation that suspends it."""
    reason: Reason
    start: dt.date | None = None
    until: dt.date | None = None
    kind: str = ""
    text: CitedText | None = None


@attrs.frozen(kw_only=True)
class Validity:
    """When a check applies: its span, a span of its own for one kind of session (``titre``,
    ``ccp``), and suspensions. Sessions are judged by the law of their first day."""
    span: Span = Span()
    by_kind: tuple[tuple[str, Span], ...] = ()
    suspended: tuple[Suspension, ...] = ()

    def span_for(self, kind: str | None) -> tuple[Span, str]:
        for name, span in self.by_kind:
            if name == kind:
                return span, name
        return self.span, ""

    def why_not(self, day: dt.date, kind: str | None = None) -> Inapplicable | None:
        """None when it applies on ``day`` to a session of ``kind``; else why not."""
        span, which = self.span_for(kind)
        if span.start is not None and day < span.start:
            return Inapplicable(reason=Reason.NOT_YET, start=span.start, until=span.until, kind=which)
        if span.until is not None and day > span.until:
            return Inapplicable(reason=Reason.NO_LONGER, start=span.start, until=span.until, kind=which)
        for pause in self.suspended:
            if pause.span.covers(day):
                return Inapplicable(reason=Reason.SUSPENDED, start=pause.span.start, until=pause.span.until,
                                    text=pause.text)
        return None

    @property
    def dated(self) -> bool:
        return self.span.dated or bool(self.by_kind) or bool(self.suspended)


class ReadOnlyTitles(Mapping[str, Text]):
    """Section titles that nobody can change; unlike a mappingproxy it pickles, so a rule base
    can be sent to audit workers that are spawned rather than forked."""

    def __init__(self, titles: Mapping[str, Text]):
        self._titles = dict(titles)

    def __getitem__(self, section: str) -> Text:
        return self._titles[section]

    def __iter__(self) -> Iterator[str]:
        return iter(self._titles)

    def __len__(self) -> int:
        return len(self._titles)

    def __repr__(self) -> str:
        return f"ReadOnlyTitles({self._titles!r})"


def _read_only(titles: Mapping[str, Text]) -> Mapping[str, Text]:
    return ReadOnlyTitles(titles)


@attrs.frozen(kw_only=True)
class Check:
    """A rule that judges a clause: each match of ``patterns`` is a finding of ``severity``."""
    id: str
    file: str
    line: int | None
    patterns: tuple[Pattern, ...]
    clause: str
    severity: Severity
    title: Text
    message: Text
    reference: Reference
    validity: Validity = Validity()
    values: tuple[Value, ...] = ()
    evidence: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    certainty: Certainty = Certainty.FINISH
    bounds: tuple[Operand, ...] = ()      # BOUNDED: the absences' upper time bounds
    alias_kinds: Mapping[str, FieldKinds] = attrs.field(factory=dict, eq=False, hash=False)

    @property
    def in_force(self) -> InForce:
        """The days of its general span (``validity`` has the whole story)."""
        return self.validity.span.start, self.validity.span.until

    def applies_on(self, day: dt.date, kind: str | None = None) -> bool:
        return self.validity.why_not(day, kind) is None

    def why_not(self, day: dt.date, kind: str | None = None) -> Inapplicable | None:
        return self.validity.why_not(day, kind)


@attrs.frozen(kw_only=True)
class Derivation:
    """A rule that asserts a fact of type ``type`` for each match; certain once asserted."""
    id: str
    file: str
    line: int | None
    patterns: tuple[Pattern, ...]
    type: str
    fields: tuple[tuple[str, Ref], ...]     # (field of the new fact, the matched field it copies)
    title: Text | None = None


Rule = Union[Check, Derivation]


@attrs.frozen(kw_only=True)
class Rulebook:
    clauses: tuple[Clause, ...]
    rules: tuple[Rule, ...]                 # derivations first, then checks, each by id
    fingerprint: str
    settings: tuple[tuple[str, object], ...] = ()
    sections: Mapping[str, Text] = attrs.field(factory=dict, converter=_read_only, eq=False, hash=False)
    # split once: every check of every session reads them
    _checks: tuple[Check, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _derivations: tuple[Derivation, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_checks", tuple(r for r in self.rules if isinstance(r, Check)))
        object.__setattr__(self, "_derivations", tuple(r for r in self.rules if isinstance(r, Derivation)))

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def checks(self) -> tuple[Check, ...]:
        return self._checks

    @property
    def derivations(self) -> tuple[Derivation, ...]:
        return self._derivations

    def setting(self, name: str) -> object:
        return dict(self.settings)[name]


def unconstrained(patterns: Iterable[Pattern]) -> list[Pattern]:
    """A rule's first ``match`` entry, then each later one that no condition relates to an
    earlier match (an unconstrained join): the engine builds every combination of these."""
    earlier: set[str] = set()
    out = []
    for p in patterns:
        if p.absent or p.alias is None:
            continue
        related = {r.alias for r in p.refs()} & earlier
        if not earlier or not related:
            out.append(p)
        earlier.add(p.alias)
    return out
