"""The only module that imports durable_rules. It owns the engine's discipline:

* a Host without its background polling threads (they race with ``delete_state``);
* one ruleset per ``Engine`` (never freed: the checker keeps one engine per rule base
  fingerprint); matches come back under the rules' own aliases, never the compiled ones;
* a batch run uses one scratch session (sid): OPEN fact first (so an action has run before the
  state is deleted), then the data facts with explicit sequential ids, then END alone, then
  delete;
* live sessions (``LiveSession``, for rule bases without absences: no END, no negation) stay
  open while a checker feeds them. The engine holds at most 1,024 sessions per ruleset (the
  1,025th is a MemoryError and then a crash) and finds a session by the 32-bit FNV-1 hash of its
  sid (two sids with one hash share one working memory): so at most ``LIVE_SESSIONS`` are open
  in the process (``open_session`` returns None beyond), and every sid, live or scratch, is
  chosen with a hash no open session has. A session is deleted by ``close`` or, once its owner
  is garbage collected, at the next call into the engine (never from the collector itself,
  which may run in the middle of an engine call);
* facts only (never events: an event is consumed by the first rule it completes);
* its own dispatch loop over the engine's C API (``assert_fact``, ``start_action_for_state``,
  ``complete_and_start_action``): durable's Python layer wraps every action in ``Closure``,
  ``Content`` and ``Promise`` objects held in reference cycles (a large share of an audit's time
  went to building and collecting them); here an action is a plain call on the matched facts,
  and a derived fact is asserted straight back to the engine, whose next
  ``complete_and_start_action`` runs the actions it completes;
* actions never raise into the engine (it swallows exceptions); errors are collected and raised
  as ``EngineError`` once the run is over;
* effort limits, each ending the run with ``EffortLimitError``: before it, a session whose
  estimated comparisons exceed ``MAX_COMPARISONS`` is refused; during it, the run stops after
  ``MAX_MATCHES`` rule matches (findings before deduplication, derived facts included).
  the loop abandons the pending action (``abandon_action`` frees its context) and the run ends,
  the other pending actions unrun; ``delete_state`` still runs and frees them with the session;
* one caller at a time: the engine's state is process-wide (the ruleset table, and the one live
  session this module keeps), so every call into it holds a lock. Several threads may use
  checkers at once; their engine runs are serialised (the C calls hold the GIL anyway).
"""
from __future__ import annotations

import collections
import copy
import itertools
import json
import threading
import warnings
import weakref
from collections import Counter
from typing import Any, Callable, Iterable, Iterator

import orjson

from . import _capi

_capi.provide_removed_symbols()   # before the engine's C library is loaded

import durable_rules_engine  # noqa: E402
from durable.engine import Host  # noqa: E402

# durable's Python layer calls datetime.utcfromtimestamp on every action (deprecated since 3.12):
# one warning per fact would flood the user's log and cost time; the call itself is harmless.
warnings.filterwarnings("ignore", message=r"datetime\.datetime\.utcfromtimestamp",
                        category=DeprecationWarning, module=r"durable\.engine")

from .compiler import AT_DAY, END_TYPE, JOIN_KEY, OPEN_RULE, OPEN_TYPE, CompiledRulebook
from .errors import EngineError, InputError


def _json(value: Any) -> str:
    """Facts as the engine reads them (orjson: an order of magnitude faster than json here)."""
    return orjson.dumps(value).decode("utf-8")

MAX_PROPERTIES = 200   # the engine fails beyond ~253 properties per fact
# Real sessions make tens of matches (at most 41 over 400 generated sessions of up to 40
# candidates); each match costs Python work, so a runaway rule is stopped well before it hurts.
MAX_MATCHES = 10_000
# A live session counts the matches of the checks' matched entries alone, which a full rule's
# absences would have narrowed (6,638 for a generated session of 40 candidates over two days):
# its limit is wider; beyond it the checker replays, under the batch limits above.
LIVE_MAX_MATCHES = 5 * MAX_MATCHES
# Checked before a run, from the number of facts of each type (docs/rules.md, Limits): the
# comparisons of each pattern's facts with the partial matches before it, summed over the rules.
# It bounds time (20,000 tests of one candidate, 8e8 comparisons, took 44 s) and memory, since a
# partial match is kept for each comparison that succeeds (4e6 of them took 1.5 GB). Generated
# sessions of up to 40 candidates need at most 163,222; the examples about 1,000 to 5,500.
MAX_COMPARISONS = 5_000_000   # about 220 candidates in one session; worst case ~2 GB
Match = tuple[str, dict[str, dict[str, Any]]]   # (rule id, {the rule's own alias: fact})

# Live sessions open at once in the process, at most: under the engine's 1,024 per ruleset, with
# room for the scratch session of a batch run.
LIVE_SESSIONS = 1_000
# Every fact derived from a fact carrying this field carries it too, with the union of the values
# (sorted): the checker marks the facts it only assumes (a test expected to start) this way.
ASSUMED = "assumed_"

_ruleset_names = itertools.count(1)
_lock = threading.Lock()     # serialises every call into durable_rules (see the module docstring)


def fnv1_32(text: str) -> int:
    """The engine's hash of a session id: its ``fnv1Hash32``, which xors each byte (a C ``char``)
    in and then multiplies, the FNV-1a order, 32 bits."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ (byte - 256 if byte > 127 else byte)) * 16777619) & 0xFFFFFFFF
    return value


class _Sids:
    """The process's session ids: open live sessions by hash, and those to delete."""

    def __init__(self) -> None:
        self.names: Iterator[str] = (f"s{n}" for n in itertools.count(1))
        self.live: dict[int, str] = {}                    # hash -> sid of each open live session
        self.released: collections.deque[tuple[int, str, int]] = collections.deque()  # (handle, sid, hash)

    def choose(self) -> str:
        """A fresh sid whose hash no open live session has (call with ``_lock`` held)."""
        for sid in self.names:
            if fnv1_32(sid) not in self.live:
                return sid
        raise AssertionError("sid names exhausted")

    def flush(self) -> None:
        """Delete the sessions whose owners were collected (call with ``_lock`` held)."""
        while self.released:
            handle, sid, hashed = self.released.popleft()
            self.live.pop(hashed, None)
            try:
                durable_rules_engine.delete_state(handle, sid)
            except durable_rules_engine.error:
                pass        # nothing more to free


_sids = _Sids()


def open_live_sessions() -> int:
    """How many live sessions are open in the process (those awaiting deletion included)."""
    with _lock:
        _sids.flush()
        return len(_sids.live)


class EffortLimitError(InputError):
    """A session needed more than ``MAX_MATCHES`` rule matches: its check was stopped.

    ``fact`` is the position (in the facts given to ``Engine.run``) of the fact being asserted
    when the limit was reached, or None for the end-of-record fact.
    """

    fact: int | None = None


class _Stop(Exception):
    """Ends the dispatch loop once the match limit is passed (see the docstring)."""


class _Collision(EngineError):
    """The engine took a fact for one it had already stored: it indexes identities by a 32-bit
    hash, so an explicit id and a derived fact's content identity (which holds the sid) can
    collide (note §3). The same facts under another sid do not."""


class LiveLimitError(Exception):
    """A live session made more matches than its engine allows: it is closed, and the caller
    judges the session another way (a replay)."""


# durable_rules_engine.assert_fact's first result: the fact completed nothing, or was seen before
_NOT_HANDLED, _OBSERVED = 1, 2
_COLLISION_RETRIES = 5      # a collision is about one session in 10^5: five in a row is a bug
Action = Callable[[dict[str, dict[str, Any]], str], None]    # (matched facts by alias, sid)


class _QuietHost(Host):  # type: ignore[misc]  # durable ships no types: Host is Any
    """A Host that only creates the ruleset: no polling threads; actions run in ``Engine``."""

    def _run(self) -> None:  # the stock Host starts two timer threads here
        pass


class Engine:
    """A compiled rule base loaded into durable_rules, ready to run sessions one at a time."""

    def __init__(self, compiled: CompiledRulebook, max_matches: int = MAX_MATCHES, *, live: bool = False):
        self.compiled = compiled
        self.max_matches = max_matches
        self.live = live             # for live sessions: derived facts recorded, ASSUMED marks carried
        self.name = f"tp{next(_ruleset_names)}"
        self._matches: list[Match] = []
        self._derived: list[dict[str, Any]] = []       # derived facts, as asserted (live sessions read them)
        # every derived fact of the session, as asserted: a genuine repeat is skipped here, so an
        # engine that says "already stored" of a new one has hit a hash collision
        self._derived_seen: set[str] = set()
        self._collided = False
        self._errors: list[str] = []
        self._fired = self._last_seq = 0
        # set_rulesets deletes every "run" key of what it is given: hand it a copy
        ruleset = copy.deepcopy(compiled.ruleset)
        self._actions: dict[str, Action] = {}
        self._degrees = _degrees(compiled)
        for rule_id, rule in ruleset.items():
            rule["run"] = lambda c: None        # durable wants one; this module runs the actions
            if rule_id == OPEN_RULE:
                self._actions[rule_id] = lambda matched, sid: None
            elif rule_id in compiled.derivations:
                self._actions[rule_id] = self._derive_action(rule_id)
            else:
                self._actions[rule_id] = self._match_action(rule_id)
        self._counted = frozenset(self._actions) - {OPEN_RULE}
        self._host = _QuietHost()
        try:
            with _lock:
                self._host.set_rulesets({self.name: ruleset})
        except durable_rules_engine.error as error:
            raise EngineError(f"durable_rules refused the compiled rule base: {error}") from error
        self._handle = self._host.get_ruleset(self.name)._handle

    def _match_action(self, rule_id: str) -> Action:
        # the compiled patterns carry internal aliases (and the END sentinel's): callers get the
        # rule's own names, and nothing else
        names = self.compiled.aliases[rule_id]

        def action(matched: dict[str, dict[str, Any]], _sid: str) -> None:
            self._matches.append((rule_id, {names[k]: v for k, v in matched.items() if k in names}))
        return action

    def _derive_action(self, rule_id: str) -> Action:
        type_name, fields = self.compiled.derivations[rule_id]

        def action(matched: dict[str, dict[str, Any]], sid: str) -> None:
            fact: dict[str, Any] = {"type": type_name, JOIN_KEY: sid, "sid": sid}
            for name, alias, field in fields:
                fact[name] = matched[alias][field]
            # a derived fact happens when its last source does: live certainty relies on it
            last = max(matched.values(), key=lambda source: source["at"])
            fact["at"] = last["at"]
            if AT_DAY in last:      # and on that source's local day, for day(...)
                fact[AT_DAY] = last[AT_DAY]
            fact["src"] = sorted({i for a in matched for i in matched[a]["src"]})
            if self.live:
                assumed = {mark for source in matched.values() for mark in source.get(ASSUMED, ())}
                if assumed:
                    fact[ASSUMED] = sorted(assumed)
                self._derived.append(fact)
            text = _json(fact)
            if text in self._derived_seen:      # derived already: nothing new
                return
            self._derived_seen.add(text)
            # read by no rule: nothing to do; the actions it completes are run by the dispatch
            # loop's next step
            result = durable_rules_engine.assert_fact(self._handle, text)
            if isinstance(result, tuple) and result and result[0] == _OBSERVED:
                self._collided = True
        return action

    def run(self, facts: list[dict[str, Any]], end_at: int) -> list[Match]:
        """Assert one session's facts (in order) then END at ``end_at``; return every match,
        each as (rule id, {alias of the rule: matched fact}).

        Raises:
            EffortLimitError: more than ``max_matches`` matches; the run was stopped.
            EngineError: the engine failed or an action did.
        """
        with _lock:
            return self._run(facts, end_at)

    def _check_comparisons(self, facts: list[dict[str, Any]]) -> None:
        self.check_comparisons(Counter(fact["type"] for fact in facts))

    def check_comparisons(self, counts: Counter[str]) -> None:
        """Refuse a session whose estimated comparisons exceed MAX_COMPARISONS (``counts``: its
        facts by type).

        Per rule: each pattern compares its facts with every partial match so far; the first
        match and each unconstrained join multiply the partial matches, other joins are assumed
        to keep them (an overestimate for selective conditions, exact for the ones that are not).
        """
        counts = Counter(counts)
        # derived facts are not known before the run: the match limit bounds them
        counts.update({type_name: 1 for type_name, _ in self.compiled.derivations.values()})
        most = max(counts.values(), default=0)
        if sum(n * most ** degree for degree, n in self._degrees.items()) <= MAX_COMPARISONS:
            return      # even with every type as frequent as the most frequent: within the limit
        total, heaviest = 0, (0, "")
        for rule_id, plan in self.compiled.plans.items():
            partial, comparisons = 1, 0
            for type_name, multiplies in plan:
                comparisons += partial * counts[type_name]
                if multiplies:
                    partial *= counts[type_name]
            total += comparisons
            heaviest = max(heaviest, (comparisons, rule_id))
        if total > MAX_COMPARISONS:
            comparisons, rule_id = heaviest
            types = sorted({t for t, _ in self.compiled.plans[rule_id]})
            raise EffortLimitError(
                f"the rules would need {total:,} comparisons of events ({comparisons:,} for rule "
                f"'{rule_id}', over " + ", ".join(f"{counts[t]:,} {t}" for t in types) + ")",
                expected=f"at most {MAX_COMPARISONS:,} per session (effort limit)")

    def open_session(self) -> "LiveSession | None":
        """A live session of this ruleset (see ``LiveSession``), or None when ``LIVE_SESSIONS``
        are open in the process."""
        with _lock:
            _sids.flush()
            if len(_sids.live) >= LIVE_SESSIONS:
                return None
            sid = _sids.choose()
            _sids.live[fnv1_32(sid)] = sid
            session = LiveSession(self, sid)
            try:
                session._open()
            except BaseException:
                _sids.released.append((self._handle, sid, fnv1_32(sid)))
                session._finalizer.detach()
                raise
            return session

    def _run(self, facts: list[dict[str, Any]], end_at: int) -> list[Match]:
        _sids.flush()
        self._check_comparisons(facts)
        for _attempt in range(_COLLISION_RETRIES):
            try:
                return self._run_once(facts, end_at, _sids.choose())
            except _Collision:
                continue        # the same facts under a fresh sid hash otherwise
        raise EngineError(f"the engine took distinct facts for one {_COLLISION_RETRIES} times over")

    def _run_once(self, facts: list[dict[str, Any]], end_at: int, sid: str) -> list[Match]:
        self._matches, self._derived, self._errors, self._fired = [], [], [], 0
        self._derived_seen, self._collided = set(), False
        try:
            self._assert(sid, 0, {"type": OPEN_TYPE, "at": end_at})
            for seq, fact in enumerate(facts, start=1):
                self._assert(sid, seq, fact)
            self._assert(sid, len(facts) + 1, {"type": END_TYPE, "at": end_at})
        except _Stop:
            raise self._limit_error(len(facts)) from None
        finally:
            try:
                durable_rules_engine.delete_state(self._handle, sid)
            except durable_rules_engine.error as error:
                self._errors.append(f"delete_state: {error}")
        if self._errors:
            raise EngineError("rule action failed: " + "; ".join(self._errors[:3]))
        return self._matches

    def _limit_error(self, fact_count: int) -> EffortLimitError:
        error = EffortLimitError("rule matches beyond the effort limit",
                                 expected=f"at most {self.max_matches:,} per session")
        error.fact = self._last_seq - 1 if 1 <= self._last_seq <= fact_count else None
        return error

    def _assert(self, sid: str, seq: int, fact: dict[str, Any]) -> None:
        self._last_seq = seq
        if len(fact) > MAX_PROPERTIES:
            raise EngineError(f"fact with {len(fact)} properties", expected=f"at most {MAX_PROPERTIES}")
        message = dict(fact, sid=sid, id=str(seq))
        message[JOIN_KEY] = sid
        try:
            code, state = durable_rules_engine.assert_fact(self._handle, _json(message))
            if code == _NOT_HANDLED:
                return    # matches no pattern: it can never contribute
            if code == _OBSERVED:           # ids are distinct: a collision of their hashes
                raise _Collision(f"fact {seq} seen twice by the engine")
            self._dispatch(state, sid)
            if self._collided:
                raise _Collision(f"a fact derived after fact {seq} seen twice by the engine")
        except durable_rules_engine.error as error:
            raise EngineError(f"durable_rules failed on fact {json.dumps(fact, ensure_ascii=False)[:200]}: "
                              f"{error}") from error

    def _dispatch(self, state: int, sid: str) -> None:
        """Run the actions the last fact completed (and those their derived facts complete)."""
        started = durable_rules_engine.start_action_for_state(self._handle, state)
        if not started:
            return
        state_text, message_text = started[0], started[1]
        while message_text:
            (rule_id, matched), = orjson.loads(message_text).items()
            if rule_id in self._counted:
                self._fired += 1
                if self._fired > self.max_matches:
                    durable_rules_engine.abandon_action(self._handle, state)
                    raise _Stop()
            try:
                self._actions[rule_id](matched, sid)
            except durable_rules_engine.error:
                raise
            except Exception as error:  # noqa: BLE001 - recorded, raised once the run is over
                self._errors.append(f"{rule_id}: {error!r}")
            durable_rules_engine.update_state(self._handle, state_text)
            message_text = durable_rules_engine.complete_and_start_action(self._handle, state)


def _degrees(compiled: CompiledRulebook) -> Counter[int]:
    """How many patterns compare their facts with partial matches built from k facts, by k + 1:
    with every type counting at most m facts, a rule base needs at most sum(n * m ** d)
    comparisons (``check_comparisons`` counts them exactly only when that bound is too high)."""
    degrees: Counter[int] = Counter()
    for plan in compiled.plans.values():
        depth = 1
        for _type_name, multiplies in plan:
            degrees[depth] += 1
            if multiplies:
                depth += 1
    return degrees


class LiveSession:
    """One engine session kept open and fed fact by fact, for a ruleset without absences and
    without the END sentinel (its matches do not depend on the order facts arrive in).

    ``add`` returns the matches the facts completed and the facts derived meanwhile. The
    session counts its matches against its engine's ``max_matches``: beyond, ``add`` closes it
    and raises ``LiveLimitError``. ``close`` deletes it (also done once it is garbage collected).
    """

    def __init__(self, engine: Engine, sid: str):
        self._engine, self.sid = engine, sid
        self._seq = 0
        self._fired = 0
        self._derived_seen: set[str] = set()
        self.closed = False
        self._finalizer = weakref.finalize(self, _sids.released.append, (engine._handle, sid, fnv1_32(sid)))

    def _open(self) -> None:            # with _lock held: an action runs before any delete (bug 1)
        self._engine._matches, self._engine._errors = [], []
        self._engine._derived_seen, self._engine._collided = self._derived_seen, False
        self._engine._assert(self.sid, 0, {"type": OPEN_TYPE, "at": 0})

    def add(self, facts: Iterable[dict[str, Any]]) -> tuple[list[Match], list[dict[str, Any]]]:
        """Assert ``facts`` in order; return (matches completed, facts derived).

        Raises:
            LiveLimitError: the session's matches passed the limit (it is closed).
            EngineError: the engine failed or an action did.
        """
        if self.closed:
            raise EngineError(f"live session {self.sid} used after close")
        engine = self._engine
        with _lock:
            _sids.flush()
            engine._matches, engine._derived, engine._errors = [], [], []
            engine._fired = self._fired
            engine._derived_seen, engine._collided = self._derived_seen, False
            try:
                for fact in facts:
                    self._seq += 1
                    engine._assert(self.sid, self._seq, fact)
            except (_Stop, _Collision):     # the checker replays the session instead
                self._close()
                raise LiveLimitError(self.sid) from None
            self._fired = engine._fired
            if engine._errors:
                raise EngineError("rule action failed: " + "; ".join(engine._errors[:3]))
            return engine._matches, engine._derived

    def close(self) -> None:
        """Delete the session from the engine (idempotent)."""
        with _lock:
            self._close()

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._finalizer()           # queues the deletion, done at once by the flush
        _sids.flush()
