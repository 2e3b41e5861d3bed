"""Checking sessions: batch (``check_session``) and live (``Checker.feed``), one report.

A session's events become facts (``compiler.event_facts``) and run through the engine with an
END sentinel whose time is the audit date: that is the batch check, and ``finish``. Live feeding
returns, at each event, the findings that no later event can withdraw:

* a rule without absence is certain as soon as it matches;
* a rule with absences is certain once the clock has passed every absence's time bound (events
  arrive in time order, so nothing earlier can still come);
* the other rules (pending deadlines, absences without bound) are judged by ``finish``.

It is incremental (``compliance.live``: one engine session per checker, fed fact by fact); a
checker that cannot have a live session replays the events received so far at each event, with
END at the clock, and keeps the findings certain then (same results).

Limits: a session holds at most ``MAX_EVENTS`` events (the readers' cap), and an evaluation that
would exceed the engine's effort limits (docs/rules.md, "Limits") ends with ``EffortLimitError``,
naming the session.
A ``Checker`` is meant for one thread; several checkers may run in several threads (the engine
serialises its own use).
"""
from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections import Counter
from typing import Any, Iterable, Iterator, Mapping

import attrs

from . import __version__, _time, compiler, duty, live, versions, witness, working_time
from .certainty import evaluate, is_certain
from .guidance import HORIZON, Guidance, Obligation, discharged_by, obligation
from .engine import ASSUMED, LIVE_MAX_MATCHES, EffortLimitError, Engine, LiveLimitError, LiveSession
from .errors import ComplianceError, EngineError, InputError, Location, UsageError
from .events import AbsenceNoted, Event, SessionPlanned, TestScheduled, TestStarted, parse_event
from .integrity import check_integrity, problem_finding
from .messages import render_template, render_value, value_word
from .model import (ClauseStatus, Evidence, Finding, Report, Satisfaction, Session, SessionInfo, Source, Status, Text,
                    judge_clause, names_of)
from .readers._result import MAX_EVENTS
from .catalogue import Clause
from .rule_model import Reference
from .rulebook import Check, Rulebook, load_rulebook
from .rule_model import Certainty


_Key = tuple[str, tuple[int, ...], str]     # what makes a finding distinct: rule, cited events, message
_LONG_AFTER = 50 * 366 * _time.DAY           # "long after today", for open obligations
_QUICK = 0.000_15      # seconds: a guide call words obligations ahead while it is quicker than this


@attrs.define
class _Prepared:
    rulebook: Rulebook
    compiled: compiler.CompiledRulebook
    engine: Engine
    rules: dict[str, Check]          # matches come from checks only: derivations assert facts
    clause_order: dict[str, int]
    settings: dict[str, Any]
    clauses_with_rules: frozenset[str]
    _live: tuple[Engine, dict[str, live.Plan]] | None = None
    # (first day, kind, clause-gating event types present) -> each clause's status without findings
    _skeletons: dict[tuple[Any, ...], tuple[ClauseStatus, ...]] = attrs.field(factory=dict)
    _gating: frozenset[str] | None = None      # the event types some clause's applicability needs

    def skeleton(self, day: dt.date | None, kind: str | None, present: set[str]) -> tuple[ClauseStatus, ...]:
        """Each live clause's status when the session has no finding of it: it depends only on
        the session's first day, its kind and which clause-gating events it holds, so sessions
        alike share one (every part is immutable)."""
        gating = frozenset(present & self._gating_types())
        key = (day, kind, gating)
        known = self._skeletons.get(key)
        if known is None:
            if len(self._skeletons) >= _SKELETONS:
                self._skeletons.clear()      # bounded: an archive spans at most a few thousand days
            known = self._skeletons[key] = tuple(self._clause_skeleton(c, day, kind, gating)
                                                 for c in self.rulebook.clauses if not c.retired)
        return known

    def _gating_types(self) -> frozenset[str]:
        if self._gating is None:
            self._gating = frozenset(t for c in self.rulebook.clauses for t in c.applies_if)
        return self._gating

    def _clause_skeleton(self, clause: Clause, day: dt.date | None, kind: str | None,
                         present: frozenset[str]) -> ClauseStatus:
        rules = [r for r in self.rulebook.checks if r.clause == clause.id]
        why_not = versions.not_applicable(clause, rules, day, kind, set(present))
        applied = () if why_not else versions.applied_versions(rules, day, kind)
        return ClauseStatus(clause=clause.id, status=Status.NOT_APPLICABLE if why_not else Status.COMPLIANT,
                            title=clause.title, versions=applied, not_applicable=why_not)

    def live(self) -> tuple[Engine, dict[str, live.Plan]]:
        """The live rule base's engine and the plans of the checks it judges, built on first use
        (batch checks never need them)."""
        with _cache_lock:
            if self._live is None:
                compiled = compiler.compile_rulebook(live.live_rulebook(self.rulebook))
                self._live = Engine(compiled, LIVE_MAX_MATCHES, live=True), live.plans(self.rulebook)
            return self._live


# Keyed by the rule base's fingerprint (the digest of every file it was read from): equal
# fingerprints are equal rule bases, so a rule base loaded twice is compiled and registered with
# the engine once (the engine never frees a ruleset).
_prepared: dict[str, _Prepared] = {}
_default_rulebook: Rulebook | None = None
_cache_lock = threading.RLock()    # checkers created in several threads share one preparation


def default_rulebook() -> Rulebook:
    """The shipped rule base, loaded once per process."""
    global _default_rulebook
    with _cache_lock:
        if _default_rulebook is None:
            _default_rulebook = load_rulebook()
        return _default_rulebook


def _prepare(rulebook: Rulebook | None) -> _Prepared:
    if rulebook is not None and not isinstance(rulebook, Rulebook):
        raise TypeError(f"rulebook: expected a Rulebook (load_rulebook) or None, got {type(rulebook).__name__}")
    with _cache_lock:
        rulebook = rulebook or default_rulebook()
        prepared = _prepared.get(rulebook.fingerprint)
        if prepared is None:
            compiled = compiler.compile_rulebook(rulebook)
            prepared = _prepared[rulebook.fingerprint] = _Prepared(
                rulebook, compiled, Engine(compiled), {r.id: r for r in rulebook.checks},
                {c.id: i for i, c in enumerate(rulebook.clauses)}, dict(rulebook.settings),
                frozenset(r.clause for r in rulebook.checks))
        return prepared


def session_time_zone(events: Iterable[Event]) -> str:
    for event in events:
        if isinstance(event, SessionPlanned):
            return event.time_zone
    return _time.DEFAULT_TIME_ZONE


def check_session(session: Session, rulebook: Rulebook | None = None,
                  as_of: dt.datetime | None = None, *, timeline: bool = True,
                  compliance_evidence: bool = False) -> Report:
    """Check a whole session record at once.

    Args:
        session: the events of one session.
        rulebook: the rule base (default: the shipped one).
        as_of: the audit date; deadlines not yet due are pending (default: now).
        timeline: include every event in the report (for timelines); audits leave it out.
        compliance_evidence: each compliant clause cites the events that met it.
    Raises:
        UsageError: when ``as_of`` is earlier than the last event.
        InputError: more than ``MAX_EVENTS`` events, a reused event id, or (``EffortLimitError``)
            an effort limit of the engine reached (docs/rules.md, "Limits").
    """
    if not isinstance(session, Session):
        raise TypeError(f"check_session takes a Session (read_path gives them), got {type(session).__name__}")
    checker = Checker(rulebook, session=session.id)
    checker.extend(session.events)
    return checker.finish(as_of, source=session.source, problems=session.problems, timeline=timeline,
                          digest=session.digest, compliance_evidence=compliance_evidence)


def unreadable_report(file: str, errors: Iterable[ComplianceError], rulebook: Rulebook | None = None,
                      as_of: dt.datetime | None = None) -> Report:
    """The report of a file that gave no session: one D1 finding per problem, every other clause
    not applicable (nothing of the record could be read). Its ``session`` is empty."""
    record = Session(id="", events=(), source=file, problems=tuple(("D1", error) for error in errors))
    report = check_session(record, rulebook, as_of, timeline=False)
    return attrs.evolve(report, clauses=tuple(
        c if c.clause == "D1" else attrs.evolve(c, status=Status.NOT_APPLICABLE) for c in report.clauses))


class Checker:
    """Live checking of one session: ``feed`` events in time order, then ``finish``.

    >>> checker = Checker()                           # doctest: +SKIP
    >>> new_findings = checker.feed(event)            # doctest: +SKIP
    >>> report = checker.finish(as_of)                # doctest: +SKIP

    ``feed`` and ``extend`` take ``Event`` objects, or mappings as a record or a log line holds
    them (parsed with ``parse_event``: ``session`` defaults to the checker's, ``id`` to
    ``F<n>``, the n-th event received; errors name ``<feed>`` and n); anything else raises
    ``TypeError``. Once ``finish`` has been called the checker
    takes no more events (``UsageError``); ``finish`` itself may be called again, and judges the
    same events afresh at its own ``as_of``. One checker per thread; checkers in different
    threads do not disturb each other.

    ``session`` names the session up front (a record's header); otherwise the first event does,
    and events of any other session are refused.

    Live feeding is incremental (``compliance.live``): the checker keeps one engine session open
    until ``finish`` or until it is garbage collected (``close`` ends it early). When the
    process already has ``engine.LIVE_SESSIONS`` open, or the live session reaches its match
    limit, the checker replays the events received at every event instead: slower, same results.
    """

    def __init__(self, rulebook: Rulebook | None = None, *, session: str | None = None):
        self._p = _prepare(rulebook)
        self._events: list[Event] = []
        self._emitted: dict[_Key, Finding] = {}
        self._session: str | None = session
        self._ids: set[str] = set()
        self._latest: dt.datetime | None = None
        self._facts: dict[int, list[dict[str, Any]]] = {}   # per event, built once (live replays)
        self._facts_tz: str | None = None
        self._clock = working_time.WorkingTime()
        self._open: tuple[_Owed, ...] = ()           # the open obligations as ``guide`` last saw them
        self._ahead: tuple[tuple[_Owed, ...], int] = ((), 0)     # how far ``_open`` is worded ahead
        self._warned: set[tuple[str, tuple[int, ...]]] = set()
        self._by: dict[str, tuple[str, ...]] = {}      # each rule's discharging event types
        self._duty = duty.DutyCover(dt.timezone.utc)     # made anew in the session's zone by the first build
        self._facts_latest: dt.datetime | None = None         # latest event whose facts are built
        self._built: list[int] = []          # events in the order their facts were built
        self._generation = 0                 # bumped whenever every fact is rebuilt
        self._live: _Live | None = None
        self._replay = False                 # no live session: replay at every event
        self._guided = False                 # assumed starts are fed to the live session
        self._finished = False
        # (events seen, first opening, first event): the session's day
        self._day: tuple[int, dt.datetime | None, dt.datetime | None] = (0, None, None)
        self._cited: dict[int, tuple[dt.tzinfo, Evidence]] = {}     # evidence of each event, by zone

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    def _admit(self, event: object, method: str) -> Event:
        """The event (a mapping parsed); refuse anything else, and any event once finished."""
        if self._finished:
            raise UsageError(f"Checker.{method} after finish",
                             expected="a new Checker for further events")
        if isinstance(event, Event):        # first: the Mapping test is an ABC's, slow
            return event
        if isinstance(event, Mapping):
            n = len(self._events) + 1
            return parse_event(dict(event), Location("<feed>", event=n), session=self._session,
                               default_id=f"F{n}")
        raise TypeError(f"Checker.{method} takes a compliance Event or a mapping of one "
                        f"(see parse_event), got {type(event).__name__}")

    def _accept(self, event: Event) -> None:
        if len(self._events) >= MAX_EVENTS:
            raise InputError(f"session '{self._session}' has more than {MAX_EVENTS:,} events",
                             location=event.location, expected="a session of plausible size; "
                             "it is not checked")
        if self._session is None:
            self._session = event.session
        elif event.session != self._session:
            raise InputError(f"event of session '{event.session}'", location=event.location,
                             expected=f"session '{self._session}' (one Checker per session)")
        if event.id in self._ids:
            raise InputError(f"duplicate event id '{event.id}'", location=event.location,
                             expected="ids unique within the session")
        self._ids.add(event.id)
        self._events.append(event)
        self._latest = event.at if self._latest is None else max(self._latest, event.at)

    def extend(self, events: Iterable[Event | Mapping[str, Any]]) -> None:
        """Add events without evaluating (batch use); any order.

        Raises:
            TypeError: an item that is not an ``Event``.
            UsageError: called after ``finish``.
            InputError: another session, a reused id, more than ``MAX_EVENTS`` events.
        """
        for item in events:
            self._accept(self._admit(item, "extend"))

    def feed(self, event: Event | Mapping[str, Any]) -> list[Finding]:
        """Add one event (in time order) and return the findings it made certain.

        A finding returned here is never withdrawn: ``finish`` reports it again.
        Raises:
            TypeError: ``event`` is neither an ``Event`` nor a mapping (None, a text...).
            UsageError: called after ``finish``.
            InputError: a malformed mapping; an event earlier than the previous one, another
                session, a reused id, more than ``MAX_EVENTS`` events, or the effort limit
                (``EffortLimitError``).
        """
        event = self._admit(event, "feed")
        if self._latest is not None and event.at < self._latest:
            # refused, never taken silently: a finding already returned could depend on it
            raise InputError("event out of time order", location=event.location,
                             expected=f"a time no earlier than {self._latest.isoformat()}",
                             got=event.at.isoformat(),
                             hint="feed events in time order; to add a back-dated entry, check the "
                                  "corrected record as a whole with check_session")
        self._accept(event)
        now = _time.epoch(event.at)
        state = self._live_state()
        if state is not None:
            return self._sorted(self._certain_live(state, now))
        new = []
        for key, finding, rule, matched in self._evaluate(now):
            if key in self._emitted or not is_certain(rule, matched, now):
                continue
            self._emitted[key] = finding
            new.append(finding)
        return self._sorted(new)

    def open_obligations(self, now: dt.datetime | None = None) -> list[Obligation]:
        """Every obligation that becomes a finding if nothing more happens, by due time.

        An obligation is a match of a rule whose absences are all bounded in time (``at <= X``)
        with a bound not yet passed at ``now`` (default: the last event's time): its clause and
        rule, the due instant in the session's zone, the events that opened it and, in words,
        the events that would discharge it. Deadlines after the session (the PVs within 15 days)
        are obligations until their day ends. Rules judged only at ``finish`` (a missing record
        without a deadline) are not listed.
        """
        if not self._events:
            return []
        at = _moment(now, "now") if now is not None else self._latest
        assert at is not None
        clock = _time.epoch(at)
        tz = self._tz()
        self._guided = True
        state = self._live_state()
        if state is not None and clock >= _time.epoch(at if self._latest is None else self._latest):
            # (an earlier clock than the last event's is replayed below)
            return self._open_live(state, clock, tz)
        # the engine judges the session as if it were over long after today: a bounded match
        # then stands for what the session owes, whether its bound has passed (a finding) or not
        later = clock + _LONG_AFTER
        found = []
        for _key, finding, rule, matched in self._evaluate(later, self._expected_starts(clock, tz)):
            if rule.certainty is Certainty.BOUNDED and not is_certain(rule, matched, clock):
                found.append(obligation(rule, finding.evidence, matched, tz))
        order = self._p.clause_order
        return sorted(found, key=lambda o: (o.due, order.get(o.clause, 10_000), o.rule, o.key))

    def _expected_starts(self, clock: int, tz: dt.tzinfo) -> list[dict[str, Any]]:
        """The tests the timetable still expects, as if each started at its scheduled time: so
        what is owed before a test (an identity check, the quorum...) is an obligation before
        the test starts. They cite their ``test_scheduled``."""
        started = {e.test for e in self._events if isinstance(e, TestStarted)}
        absent = {(e.candidate, e.test) for e in self._events if isinstance(e, AbsenceNoted)}
        out = []
        for index, event in enumerate(self._events):
            if not isinstance(event, TestScheduled) or event.test in started or \
                    (event.candidate, "") in absent or (event.candidate, event.test) in absent:
                continue        # under way, or not expected: the candidate is noted absent
            if _time.epoch(event.starts_at) > clock:
                start = TestStarted(at=event.starts_at, session=event.session, id=f"{event.id}:expected",
                                    test=event.test, candidate=event.candidate)
                out += compiler.event_facts(start, index, tz, self._p.settings)
        return out

    def guide(self, event: Event | Mapping[str, Any], horizon: dt.timedelta = HORIZON) -> Guidance:
        """``feed`` one event and say what it changed for the session manager: the findings it
        made certain, the open obligations it discharged, and those that came within ``horizon``
        of their due time (each reported once)."""
        if not isinstance(horizon, dt.timedelta) or horizon < dt.timedelta(0):
            raise TypeError(f"horizon: expected a datetime.timedelta of zero or more, got {horizon!r}")
        started = time.perf_counter()
        findings = self.feed(event)
        fed = self._events[-1].TYPE
        assert self._latest is not None
        now = _time.epoch(self._latest)
        owed = self._owed(self._latest)
        gone: list[_Owed] = []
        if owed is not self._open:          # the very list again: nothing came or went
            before = {o.key: o for o in self._open}
            after = {o.key for o in owed}
            gone = [o for key, o in before.items() if key not in after]
        self._open = owed
        became = {(f.rule, tuple(e.index for e in f.evidence)) for f in self._emitted.values()} if gone else set()
        discharged = tuple(o.obligation() for o in gone if o.key not in became and o.due >= now and fed in o.by)
        reach = horizon.total_seconds()
        risky = []
        for o in owed:                      # by due time: the first beyond the horizon ends it
            if o.due - now > reach:
                break
            if o.key not in self._warned:
                risky.append(o.obligation())
        at_risk = tuple(risky)
        self._warned.update(o.key for o in at_risk)
        self._prepare_ahead(started)
        return Guidance(findings=tuple(findings), discharged=discharged, at_risk=at_risk)

    def _prepare_ahead(self, started: float, most: int = 3) -> None:
        """Word a few open obligations before they are reported, the nearest due first, while
        the call that ``started`` is still quick: many fall due together (every test of 09:00),
        and words built ahead spread that work without making any one call slow."""
        listed, step = self._ahead if self._ahead[0] is self._open else (self._open, 0)
        while step < len(listed) and most > 0:      # those before ``step`` are worded already
            if not listed[step].ready():
                if time.perf_counter() - started >= _QUICK:
                    break
                listed[step].obligation()
                most -= 1
            step += 1
        self._ahead = (listed, step)

    def _owed(self, at: dt.datetime) -> tuple["_Owed", ...]:
        """``open_obligations(at)``, each made into an Obligation only when asked for (the same
        tuple as last time when nothing changed)."""
        self._guided = True
        state = self._live
        if state is None or not state.guided or state.caught_up != (len(self._events), self._generation):
            state = self._live_state()      # (just caught up by ``feed`` otherwise)
        if state is None:
            return tuple(_Owed(o.key, _time.epoch(o.due), o.by, made=o) for o in self.open_obligations(at))
        tz = self._tz()
        candidates = self._open_candidates(state, _time.epoch(at), tz)
        if state.owed is None or state.owed[0] is not candidates:
            state.owed = (candidates, tuple(c.cache.get("owed") or self._owed_of(c, tz) for c in candidates))
        owed: tuple[_Owed, ...] = state.owed[1]
        return owed

    def _owed_of(self, candidate: live.Candidate, tz: dt.tzinfo) -> "_Owed":
        owed = candidate.cache.get("owed")
        if owed is None:
            rule = candidate.plan.check
            by = self._by.get(rule.id)
            if by is None:
                by = self._by[rule.id] = discharged_by(rule)
            owed = candidate.cache["owed"] = _Owed(candidate.cache["key"], int(candidate.due), by,
                                                   candidate=candidate, checker=self, tz=tz)
        return owed

    def _obligation_of(self, candidate: live.Candidate, tz: dt.tzinfo) -> Obligation:
        made = candidate.cache.get("obligation")
        if made is None:
            evidence = tuple(self._evidence(i, tz) for i in candidate.cache["cited"])
            made = candidate.cache["obligation"] = obligation(candidate.plan.check, evidence, candidate.named, tz)
        return made

    def finish(self, as_of: dt.datetime | None = None, *, source: str = "",
               problems: Iterable[tuple[str, Any]] = (), timeline: bool = True, digest: str = "",
               compliance_evidence: bool = False) -> Report:
        """Judge the whole record at the audit date ``as_of`` (default: now).

        ``source`` and ``digest`` (its sha256) name the file(s) the events were read from.
        ``compliance_evidence``: each compliant clause also cites the events that met it
        (``ClauseStatus.satisfied_by``; see ``witness``), at the cost of a second engine run.

        ``problems`` are what a reader left out of the record (see ``Session.problems``); they
        become record-integrity findings (D2, D4) beside those of the whole record (D3, D4).
        """
        if as_of is None:
            as_of = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        as_of = _moment(as_of, "audit date")
        if self._latest is not None and as_of < self._latest:
            raise UsageError("audit date", expected=f"no earlier than the last event "
                             f"({self._latest.isoformat()})", got=as_of.isoformat())
        self._finished = True
        self.close()
        findings = {key: f for key, f, _, _ in self._evaluate(_time.epoch(as_of))}
        missing = set(self._emitted) - set(findings)
        if missing:  # the live contract: never withdraw
            raise EngineError(f"live finding withdrawn at finish: {sorted(missing)[0]}")
        session_id = self._session or ""
        tz = self._tz()
        titles = {c.id: c.title for c in self._p.rulebook.clauses if c.section == "D"}
        record = [problem_finding(clause, error, session_id, titles) for clause, error in problems]
        record += check_integrity(Session(id=session_id, events=self._events), tz, titles)
        report = self._report(self._sorted([*findings.values(), *record]), as_of, source, timeline, digest)
        return self._with_compliance_evidence(report, _time.epoch(as_of)) if compliance_evidence else report

    def _with_compliance_evidence(self, report: Report, end_at: int) -> Report:
        """``report`` with, on each compliant clause, the events that met its rules."""
        day, kind = self._session_day(self._tz()), self._session_kind()
        applies = [r.id for r in self._p.rulebook.checks if day is None or r.applies_on(day, kind)]
        facts = [fact for index in range(len(self._events)) for fact in self._facts.get(index, ())]
        met = witness.satisfied(self._p.rulebook, facts, end_at, applies)
        tz = self._tz()

        def evidence(indices: tuple[int, ...]) -> tuple[Evidence, ...]:
            ordered = sorted(indices, key=lambda i: (self._events[i].at, i))
            return tuple(self._evidence(i, tz) for i in ordered)

        clauses = []
        for status in report.clauses:
            if status.status is Status.COMPLIANT and status.clause in met:
                status = attrs.evolve(status, satisfied_by=tuple(
                    Satisfaction(rule=rule_id, evidence=evidence(indices))
                    for rule_id, sets in met[status.clause].items() for indices in sets))
            clauses.append(status)
        return attrs.evolve(report, clauses=tuple(clauses))

    def close(self) -> None:
        """End the live engine session now (``finish`` does; a collected checker's ends later)."""
        if self._live is not None:
            self._live.session.close()
            self._live = None

    # -- incremental live checking (compliance.live)
    def _live_state(self) -> "_Live | None":
        """The live session, caught up with every event received (and, once guidance is asked
        for, with the tests the timetable expects); None when replaying instead."""
        if self._replay:
            return None
        state = self._live
        if state is None or state.generation != self._generation:
            self.close()
            engine, plans = self._p.live()
            session = engine.open_session()
            if session is None:             # the process has as many live sessions as it may
                self._replay = True
                return None
            state = self._live = _Live(session, live.Pool(plans), self._generation)
        tz = self._tz()
        self._build_facts(tz)
        if state.generation != self._generation:      # the facts were rebuilt: start afresh
            return self._live_state()
        try:
            self._send(state, tz)
        except LiveLimitError:
            self.close()
            self._replay = True
            return None
        state.caught_up = (len(self._events), self._generation)
        return state

    def _send(self, state: "_Live", tz: dt.tzinfo) -> None:
        facts: list[dict[str, Any]] = []
        if self._guided and not state.guided:     # assumed starts of the tests already timetabled
            state.guided = True
            for index in self._built[:state.sent]:
                facts += self._assumed(state, index, tz)
        for index in self._built[state.sent:]:
            facts += self._facts[index]
            event = self._events[index]
            if isinstance(event, TestStarted):
                state.started.add(event.test)
            elif isinstance(event, AbsenceNoted):
                state.absent.add((event.candidate, event.test))
            if state.guided:
                facts += self._assumed(state, index, tz)
        state.sent = len(self._built)
        if not facts:
            return
        # the batch runs' limit, on the facts they see: the recorded ones (the assumed starts,
        # one per timetabled test, are bounded by the live match limit), so guidance checks it
        # on the same events as feeding does
        self._check_effort(state, [fact for fact in facts if ASSUMED not in fact] if state.guided else facts)
        matches, derived = state.session.add(facts)
        assert self._latest is not None
        if state.guided:
            state.pool.add(itertools.chain(facts, derived), matches, _time.epoch(self._latest), self._dead(state))
        else:
            state.pool.add(itertools.chain(facts, derived), matches, _time.epoch(self._latest))

    def _dead(self, state: "_Live") -> set[str]:
        """The assumed starts never expected again, whatever the clock: their test started,
        their candidate noted absent (see ``_valid``)."""
        changed = (len(state.started), len(state.absent))
        fresh = itertools.islice(state.expected, state.dead_at[2], None) if changed == state.dead_at[:2] \
            else state.expected
        for eid, test, candidate, _ in fresh:
            if test in state.started or (candidate, "") in state.absent or (candidate, test) in state.absent:
                state.dead.add(eid)
        state.dead_at = (*changed, len(state.expected))
        return state.dead

    def _assumed(self, state: "_Live", index: int, tz: dt.tzinfo) -> list[dict[str, Any]]:
        """A timetabled test as if it started on time, each fact marked assumed (see live)."""
        event = self._events[index]
        if not isinstance(event, TestScheduled):
            return []
        eid = f"{event.id}:expected"
        start = TestStarted(at=event.starts_at, session=event.session, id=eid, test=event.test,
                            candidate=event.candidate)
        state.expected.append((eid, event.test, event.candidate, _time.epoch(event.starts_at)))
        marks = [eid]       # (one list for all its facts: the engine reads them as JSON)
        return [dict(fact, **{ASSUMED: marks}) for fact in compiler.event_facts(start, index, tz, self._p.settings)]

    def _check_effort(self, state: "_Live", facts: list[dict[str, Any]]) -> None:
        """The batch runs' comparison limit, estimated again each time the facts grow by a quarter."""
        state.counts.update(fact["type"] for fact in facts)
        total = sum(state.counts.values())
        if total < state.next_check:
            return
        state.next_check = max(64, total * 5 // 4)
        try:
            self._p.engine.check_comparisons(state.counts)
        except EffortLimitError as error:
            last = self._events[self._built[-1]].location if self._built else None
            raise EffortLimitError(error.message, location=last, subject=f"session '{self._session}'",
                                   expected=error.expected,
                                   hint="the session is not checked; see docs/rules.md, Limits") from None

    def _certain_live(self, state: "_Live", now: int) -> list[Finding]:
        """The findings the clock at ``now`` made certain, each returned once."""
        certain = state.pool.certain(now)
        if not certain:
            return []
        tz = self._tz()
        day = self._session_day(tz)
        new = []
        for candidate in certain:
            rule = candidate.plan.check
            if day is not None and not rule.applies_on(day):
                continue
            finding = self._finding(rule, candidate.named, tz)
            key = (rule.id, tuple(e.index for e in finding.evidence), finding.message.fr)
            if key not in self._emitted:
                self._emitted[key] = finding
                new.append(finding)
        return new

    def _open_live(self, state: "_Live", clock: int, tz: dt.tzinfo) -> list[Obligation]:
        return [self._obligation_of(c, tz) for c in self._open_candidates(state, clock, tz)]

    def _open_candidates(self, state: "_Live", clock: int, tz: dt.tzinfo) -> tuple[live.Candidate, ...]:
        """The candidates standing for the open obligations at ``clock``, in due order."""
        day = self._session_day(tz)
        pool = state.pool
        # what the list depends on besides the clock; with it unchanged, the list stays the same
        # while the clock passes no due time and no expected start
        depends = (pool.added, pool.removed, len(state.started), len(state.absent), day)
        cached = state.open_cache
        if cached is not None and cached.since <= clock <= cached.until:
            if cached.depends == depends and cached.expected == len(state.expected):
                return cached.listed
            if cached.depends[2:] == depends[2:] and cached.bounded is pool.bounded \
                    and self._open_updated(state, cached, clock, tz):
                cached.depends = depends
                return cached.listed
        valid = self._valid(state, clock)
        if len(pool.bounded) > 2 * state.compacted + 64:
            assert self._latest is not None
            pool.compact(min(clock, _time.epoch(self._latest)))     # never a later query's clock
            state.compacted = len(pool.bounded)
        listed = state.open_cache = _OpenList(depends, since=clock, until=clock + _LONG_AFTER, bounded=pool.bounded)
        self._open_added(state, listed, clock, tz, valid)
        return listed.listed

    def _open_updated(self, state: "_Live", listed: "_OpenList", clock: int, tz: dt.tzinfo) -> bool:
        """Bring the list up to date when no test started and no candidate was noted absent
        since (so no assumed start stopped being expected, and nothing closed can open again):
        less the obligations that went, plus those that came. False, the list untouched, when
        it must be computed again (one that went stood for others with the same finding)."""
        valid = self._valid(state, clock)
        if listed.depends[1] != state.pool.removed:
            gone = {c for c in listed.listed if not _still_open(c, valid)}
            if not gone.isdisjoint(listed.hiding):
                return False
            if gone:
                listed.listed = tuple(c for c in listed.listed if c not in gone)
                for key in {c.cache["key"] for c in gone}:
                    reps = [c for c in listed.groups[key] if c not in gone]
                    if reps:
                        listed.groups[key] = reps
                    else:
                        del listed.groups[key]
        listed.since = clock                # (closed at ``clock``: it may not hold earlier)
        self._open_added(state, listed, clock, tz, valid)
        return True

    def _open_added(self, state: "_Live", listed: "_OpenList", clock: int, tz: dt.tzinfo,
                    valid: frozenset[str]) -> None:
        """Add to ``listed`` the open candidates the pool made since (all of them, for a list
        just begun), in due order: one per distinct finding, as the batch dedups them."""
        bounded = listed.bounded
        open_ = live.open_among(itertools.islice(bounded, listed.seen, None), clock, valid)
        listed.seen = len(bounded)
        day = listed.depends[4]
        groups = listed.groups
        found: list[live.Candidate] = []
        for candidate in open_:
            rule = candidate.plan.check
            if day is not None and not rule.applies_on(day):
                continue
            key = candidate.cache.get("key")
            if key is None:
                key = candidate.cache["key"] = (rule.id, tuple(sorted(
                    {i for alias in rule.evidence for i in candidate.named[alias]["src"]})))
                candidate.cache["cited"] = key[1]
            reps = groups.get(key)
            if reps is None:
                groups[key] = [candidate]
                found.append(candidate)
                continue
            # the same finding as one listed already: listed too only if its message differs
            message = self._message_fr(candidate, tz)
            twin = next((c for c in reps if self._message_fr(c, tz) == message), None)
            if twin is None:
                reps.append(candidate)
                found.append(candidate)
            else:
                listed.hiding.add(twin)
        if found:
            order = self._p.clause_order
            for candidate in found:
                if "order" not in candidate.cache:
                    rule = candidate.plan.check
                    candidate.cache["order"] = (int(candidate.due), order.get(rule.clause, 10_000), rule.id,
                                                candidate.cache["cited"])
            # stable: the candidates listed already come before new ones of the same order
            listed.listed = tuple(sorted([*listed.listed, *found], key=_order))
        for candidate in open_:                # one leaves the list once the clock passes its due
            listed.until = min(listed.until, int(candidate.due))
        for eid, _, _, start in itertools.islice(state.expected, listed.expected, None):
            if eid in valid:                   # a test stops being expected at its start
                listed.until = min(listed.until, start - 1)
        listed.expected = len(state.expected)

    def _message_fr(self, candidate: live.Candidate, tz: dt.tzinfo) -> str:
        message = candidate.cache.get("message")
        if message is None:
            message = candidate.cache["message"] = self._message(candidate.plan.check, candidate.named, tz, "fr")
        return message

    def _valid(self, state: "_Live", clock: int) -> frozenset[str]:
        """The assumed starts still expected at ``clock``: in the future, the test not started,
        the candidate not noted absent."""
        return frozenset(eid for eid, test, candidate, starts in state.expected
                         if starts > clock and test not in state.started
                         and (candidate, "") not in state.absent and (candidate, test) not in state.absent)

    # -- internals
    def _tz(self) -> dt.tzinfo:
        return _time.zone(session_time_zone(self._events))

    def _session_day(self, tz: dt.tzinfo) -> dt.date | None:
        """The session's day in ``tz``: its first opening's (before any opening, its first
        event's), brought up to date with the events received since the last call."""
        seen, opened, first = self._day
        if seen < len(self._events):
            for event in itertools.islice(self._events, seen, None):
                if event.TYPE == "session_opened" and (opened is None or event.at < opened):
                    opened = event.at
                if first is None or event.at < first:
                    first = event.at
            self._day = (len(self._events), opened, first)
        moment = opened if opened is not None else first
        return None if moment is None else moment.astimezone(tz).date()

    def _session_kind(self) -> str | None:
        """The session's kind (titre, ccp) as planned: which rules' spans apply (None: unknown)."""
        planned = [e for e in self._events if isinstance(e, SessionPlanned)]
        return planned[0].kind.value if planned else None

    def _evaluate(self, end_at: int, expected: Iterable[dict[str, Any]] = ()
                  ) -> Iterator[tuple[_Key, Finding, Check, dict[str, dict[str, Any]]]]:
        """Run the engine over the events so far (and ``expected`` facts); yield (key, finding,
        rule, matched facts)."""
        if not self._events:
            return
        tz = self._tz()
        self._build_facts(tz)
        facts = [fact for index in range(len(self._events)) for fact in self._facts[index]]
        facts += expected
        engine = self._p.engine
        day, kind = self._session_day(tz), self._session_kind()
        seen = set()
        try:
            matches = engine.run(facts, end_at)
        except EffortLimitError as error:
            raise EffortLimitError(error.message, location=self._limit_location(error, facts),
                                   subject=f"session '{self._session}'", expected=error.expected,
                                   hint="the session is not checked; see docs/rules.md, Limits") from None
        for rule_id, named in matches:
            rule = self._p.rules[rule_id]
            if day is not None and not rule.applies_on(day, kind):
                continue        # the law of the session's first day: not in force then
            finding = self._finding(rule, named, tz)
            key = (rule.id, tuple(e.index for e in finding.evidence), finding.message.fr)
            if key in seen:
                continue
            seen.add(key)
            yield key, finding, rule, named

    def _build_facts(self, tz: dt.tzinfo) -> None:
        """Facts of the events not yet built, in time order (working time and duty fold over them).

        Live feeding adds events in time order, so facts are built once; an earlier event added
        by ``extend``, or a time zone declared late, rebuilds them all."""
        new = range(len(self._facts), len(self._events))
        earlier = self._facts_latest is not None and any(self._events[i].at < self._facts_latest for i in new)
        if earlier or self._facts_tz != session_time_zone(self._events):   # days are read in the session's zone
            self._facts, self._facts_tz = {}, session_time_zone(self._events)
            self._clock, self._facts_latest = working_time.WorkingTime(), None
            self._duty = duty.DutyCover(tz)
            self._built, self._generation = [], self._generation + 1
            new = range(len(self._events))
        for index in sorted(new, key=lambda i: (self._events[i].at, i)):
            event = self._events[index]
            self._facts[index] = compiler.event_facts(event, index, tz, self._p.settings,
                                                      self._clock.observe(event, index),
                                                      self._duty.observe(event, index))
            self._built.append(index)
            self._facts_latest = event.at if self._facts_latest is None else max(self._facts_latest, event.at)

    def _limit_location(self, error: EffortLimitError, facts: list[dict[str, Any]]) -> Location | None:
        """The event being asserted when the limit was reached, else the session's file."""
        if error.fact is not None:
            index: int = facts[error.fact]["src"][0]
            return self._events[index].location
        first = self._events[0].location
        return Location(first.file) if first is not None else None

    def _finding(self, rule: Check, matched: dict[str, dict[str, Any]], tz: dt.tzinfo) -> Finding:
        indices = sorted({i for alias in rule.evidence for i in matched[alias]["src"]})
        evidence = tuple(self._evidence(i, tz) for i in indices)
        computed = [(name, evaluate(expr, matched), family) for name, expr, family in rule.values]
        # a finding's values keep their data form (times with their offset): the JSON report's
        values = tuple((name, render_value(raw, family, tz, "fr")) for name, raw, family in computed)
        message = Text(self._message(rule, matched, tz, "fr", computed),
                       self._message(rule, matched, tz, "en", computed))
        ref = rule.reference
        return Finding(rule=rule.id, clause=rule.clause, severity=rule.severity,
                       session=self._session or "", title=rule.title, message=message,
                       evidence=evidence, values=values,
                       source=_source(ref))

    def _message(self, rule: Check, matched: dict[str, dict[str, Any]], tz: dt.tzinfo, lang: str,
                 computed: list[tuple[str, Any, str]] | None = None) -> str:
        """A finding's message in ``lang``, its placeholders filled from the match."""
        if computed is None:
            computed = [(name, evaluate(expr, matched), family) for name, expr, family in rule.values]
        types = {p.alias: p.event for p in rule.patterns if p.alias}
        lookup: dict[str, str] = {}
        for alias, fields in rule.alias_kinds.items():
            fact = matched.get(alias, {})
            for field, kind in fields.items():
                raw = fact.get(compiler.fact_field(field))
                lookup[f"{alias}.{field}"] = (value_word(types.get(alias, ""), field, raw, lang)
                                              or render_value(raw, kind, tz, lang, sentence=True))
        for name, raw, family in computed:
            lookup[name] = render_value(raw, family, tz, lang, sentence=True)
        return render_template(rule.message.get(lang), lookup, lang)

    def _evidence(self, index: int, tz: dt.tzinfo) -> Evidence:
        known = self._cited.get(index)
        if known is None or known[0] is not tz:
            known = self._cited[index] = (tz, Evidence.of_event(self._events[index], index, tz))
        return known[1]

    def _sorted(self, findings: Iterable[Finding]) -> list[Finding]:
        return sorted(findings, key=lambda f: f.sort_key(self._p.clause_order))

    def _report(self, findings: list[Finding], as_of: dt.datetime, source: str, timeline: bool,
                digest: str) -> Report:
        tz_name = session_time_zone(self._events)
        present = {e.TYPE for e in self._events}
        day, kind = self._session_day(self._tz()), self._session_kind()
        by_clause: dict[str, list[Finding]] = {}
        for finding in findings:
            by_clause.setdefault(finding.clause, []).append(finding)
        statuses = []
        for skeleton in self._p.skeleton(day, kind, present):
            mine = by_clause.get(skeleton.clause)
            if not mine:
                statuses.append(skeleton)
                continue
            # a clause with findings is never "not applicable": no reason why not is shown
            statuses.append(attrs.evolve(skeleton, status=judge_clause(mine, skeleton.status),
                                         findings=len(mine), not_applicable=()))
        return Report(session=self._session or "", source=source,
                      as_of=as_of.astimezone(_time.zone(tz_name)).isoformat(), time_zone=tz_name,
                      tool_version=__version__, rulebook=self._p.rulebook.fingerprint,
                      events=len(self._events), clauses=tuple(statuses), findings=tuple(findings),
                      timeline=self._timeline() if timeline else (),
                      sections=section_titles(self._p.rulebook),
                      info=SessionInfo.of(self._events, self._tz(), digest), names=names_of(self._events))

    def _timeline(self) -> tuple[Evidence, ...]:
        tz = self._tz()
        order = sorted(range(len(self._events)), key=lambda i: (self._events[i].at, i))
        return tuple(self._evidence(i, tz) for i in order)


_SKELETONS = 4096


def _moment(value: Any, name: str) -> dt.datetime:
    """``value`` as an instant the engine can count: an aware datetime within the range of times."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name}: expected an aware datetime.datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError(name, expected="a date with a time zone", got=str(value))
    try:
        inside = _time.FIRST_INSTANT <= value <= _time.LAST_INSTANT
    except OverflowError:
        inside = False
    if not inside:
        raise UsageError(name, expected="a time from 0001-01-02 to 9999-12-30 (UTC)", got=value.isoformat())
    return value


@attrs.frozen(eq=False)
class _Owed:
    """An open obligation as ``guide`` compares them: made into an ``Obligation`` when reported
    (``made`` already, or from its live ``candidate`` by ``checker``). Plain fields, no closures:
    a guided session keeps one per open obligation, for the collector to walk."""
    key: tuple[str, tuple[int, ...]]
    due: int                                 # epoch seconds
    by: tuple[str, ...]
    made: Obligation | None = None
    candidate: live.Candidate | None = None
    checker: Checker | None = None
    tz: dt.tzinfo | None = None

    def obligation(self) -> Obligation:
        if self.made is not None:
            return self.made
        assert self.checker is not None and self.candidate is not None and self.tz is not None
        return self.checker._obligation_of(self.candidate, self.tz)

    def ready(self) -> bool:
        """Whether ``obligation`` is built already."""
        return self.made is not None or (self.candidate is not None and "obligation" in self.candidate.cache)


def _still_open(candidate: live.Candidate, valid: frozenset[str]) -> bool:
    return (not candidate.discharged and candidate.assumed <= valid
            and not any(marks <= valid for marks in candidate.filled_if))


@attrs.define(eq=False)
class _OpenList:
    """The open obligations' candidates as last computed, and what they were computed from."""
    depends: tuple[Any, ...]                 # see Checker._open_candidates
    since: int                               # the list holds for clocks from ``since`` ...
    until: int                               # ... to ``until`` (epoch seconds)
    bounded: list[live.Candidate]            # the pool's candidates of bounded checks ...
    seen: int = 0                            # ... of which the first ``seen`` were looked at
    expected: int = 0                        # the expected starts accounted for (in ``until``)
    listed: tuple[live.Candidate, ...] = ()  # in due order
    # ``listed`` by finding (rule, cited events), and those standing for others with the same finding
    groups: dict[tuple[str, tuple[int, ...]], list[live.Candidate]] = attrs.field(factory=dict)
    hiding: set[live.Candidate] = attrs.field(factory=set)


def _order(candidate: live.Candidate) -> tuple[Any, ...]:
    order: tuple[Any, ...] = candidate.cache["order"]
    return order


@attrs.define(eq=False)
class _Live:
    """A checker's live engine session and what it has been sent."""
    session: LiveSession
    pool: live.Pool
    generation: int                          # the checker's facts generation it was built from
    sent: int = 0                            # events of ``Checker._built`` sent
    guided: bool = False                     # assumed starts sent
    expected: list[tuple[str, str, str, int]] = attrs.field(factory=list)   # (eid, test, candidate, start)
    started: set[str] = attrs.field(factory=set)
    absent: set[tuple[str, str]] = attrs.field(factory=set)
    dead: set[str] = attrs.field(factory=set)      # see Checker._dead
    dead_at: tuple[int, int, int] = (0, 0, 0)      # (started, absent, expected) it was judged on
    counts: Counter[str] = attrs.field(factory=Counter)
    next_check: int = 0
    compacted: int = 0
    open_cache: _OpenList | None = None
    owed: tuple[Any, ...] | None = None            # (the candidates of open_cache, as _Owed)
    caught_up: tuple[int, int] = (-1, -1)          # (events, facts generation) last sent


def section_titles(rulebook: Rulebook) -> tuple[tuple[str, Text], ...]:
    """The catalogue's sections with their titles (from the rule files), in catalogue order."""
    titles = rulebook.sections
    return tuple((section, titles[section]) for section in dict.fromkeys(c.section for c in rulebook.clauses)
                 if section in titles)


def _source(ref: Reference) -> Source:
    """A finding's source: the rule's reference, with the date and status of the main text it
    names in the catalogue (and that text's link when the rule gives none)."""
    main = ref.texts[0] if ref.texts else None
    return Source(text=ref.text, article=ref.article, url=ref.url or (main.url if main else ""),
                  quote=ref.quote, date=main.date if main else "", status=main.status if main else "")
