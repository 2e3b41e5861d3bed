"""The only module that imports durable_rules. It owns the engine's discipline:

* a Host without its background polling threads (they race with ``delete_state``);
* one ruleset per compiled rule base, created once per process and reused;
* one live session (sid) at a time: OPEN fact first (so an action has run before the state is
  deleted), then the data facts with explicit sequential ids, then END alone, then delete;
* facts only (never events: an event is consumed by the first rule it completes);
* actions never raise into the engine (it swallows exceptions); errors are collected and raised
  as ``EngineError`` once the run is over.
"""
from __future__ import annotations

import copy
import itertools
import json
import warnings
from typing import Any

from . import _capi

_capi.provide_removed_symbols()   # before the engine's C library is loaded

import durable_rules_engine  # noqa: E402
from durable.engine import Host, MessageNotHandledException, MessageObservedException  # noqa: E402

# durable's Python layer calls datetime.utcfromtimestamp on every action (deprecated since 3.12):
# one warning per fact would flood the user's log and cost time; the call itself is harmless.
warnings.filterwarnings("ignore", message=r"datetime\.datetime\.utcfromtimestamp",
                        category=DeprecationWarning, module=r"durable\.engine")

from .compiler import END_TYPE, JOIN_KEY, OPEN_RULE, OPEN_TYPE, CompiledRulebook
from .errors import EngineError

MAX_PROPERTIES = 200   # the engine fails beyond ~253 properties per fact
Match = tuple[str, dict[str, dict[str, Any]]]   # (rule id, {internal alias: fact})

_ruleset_names = itertools.count(1)
_sids = itertools.count(1)


class _QuietHost(Host):
    """A synchronous Host: no polling threads, actions looked up by name."""

    def __init__(self, actions: dict[str, Any]):
        self._named_actions = actions
        super().__init__()

    def _run(self) -> None:  # the stock Host starts two timer threads here
        pass

    def get_action(self, action_name: str) -> Any:
        return self._named_actions[action_name]


class Engine:
    """A compiled rule base loaded into durable_rules, ready to run sessions one at a time."""

    def __init__(self, compiled: CompiledRulebook):
        self.compiled = compiled
        self.name = f"tp{next(_ruleset_names)}"
        self._matches: list[Match] = []
        self._errors: list[str] = []
        actions = {OPEN_RULE: lambda c: None}
        for rule_id in compiled.ruleset:
            if rule_id == OPEN_RULE:
                continue
            if rule_id in compiled.derivations:
                actions[rule_id] = self._derive_action(rule_id)
            else:
                actions[rule_id] = self._match_action(rule_id)
        self._host = _QuietHost(actions)
        try:
            # set_rulesets deletes every "run" key of what it is given: hand it a copy
            self._host.set_rulesets({self.name: copy.deepcopy(compiled.ruleset)})
        except durable_rules_engine.error as error:
            raise EngineError(f"durable_rules refused the compiled rule base: {error}") from error

    def _match_action(self, rule_id: str):
        def action(c: Any) -> None:
            try:
                self._matches.append((rule_id, {k: dict(v) for k, v in c._m.items()}))
            except Exception as error:  # noqa: BLE001 - the engine would swallow it
                self._errors.append(f"{rule_id}: {error!r}")
        return action

    def _derive_action(self, rule_id: str):
        type_name, fields = self.compiled.derivations[rule_id]

        def action(c: Any) -> None:
            try:
                matched = c._m
                fact: dict[str, Any] = {"type": type_name, JOIN_KEY: c.s.sid}
                for name, alias, field in fields:
                    fact[name] = matched[alias][field]
                # a derived fact happens when its last source does: live certainty relies on it
                fact["at"] = max(matched[a]["at"] for a in matched)
                fact["src"] = sorted({i for a in matched for i in matched[a]["src"]})
                try:
                    c.assert_fact(fact)
                except (MessageObservedException, MessageNotHandledException):
                    pass   # already derived, or no rule reads this type
            except Exception as error:  # noqa: BLE001 - the engine would swallow it
                self._errors.append(f"{rule_id}: {error!r}")
        return action

    def run(self, facts: list[dict[str, Any]], end_at: int) -> list[Match]:
        """Assert one session's facts (in order) then END at ``end_at``; return every match."""
        sid = f"s{next(_sids)}"
        self._matches, self._errors = [], []
        try:
            self._assert(sid, 0, {"type": OPEN_TYPE, "at": end_at})
            for seq, fact in enumerate(facts, start=1):
                self._assert(sid, seq, fact)
            self._assert(sid, len(facts) + 1, {"type": END_TYPE, "at": end_at})
        finally:
            try:
                self._host.delete_state(self.name, sid)
            except durable_rules_engine.error as error:
                self._errors.append(f"delete_state: {error}")
        if self._errors:
            raise EngineError("rule action failed: " + "; ".join(self._errors[:3]))
        return self._matches

    def _assert(self, sid: str, seq: int, fact: dict[str, Any]) -> None:
        if len(fact) > MAX_PROPERTIES:
            raise EngineError(f"fact with {len(fact)} properties", expected=f"at most {MAX_PROPERTIES}")
        message = dict(fact, sid=sid, id=str(seq))
        message[JOIN_KEY] = sid
        try:
            state = self._host.assert_fact(self.name, message)
        except MessageNotHandledException:
            return    # matches no pattern: it can never contribute
        except MessageObservedException as error:
            raise EngineError(f"fact {seq} seen twice by the engine: {error.message}") from None
        except durable_rules_engine.error as error:
            raise EngineError(f"durable_rules failed on fact {json.dumps(fact, ensure_ascii=False)[:200]}: "
                              f"{error}") from error
        if isinstance(state, dict) and "exception" in state:
            self._errors.append(str(state["exception"]))


_engines: dict[int, Engine] = {}


def engine_for(compiled: CompiledRulebook) -> Engine:
    """The process's engine for this compiled rule base (rulesets are never freed: build once)."""
    key = id(compiled)
    engine = _engines.get(key)
    if engine is None or engine.compiled is not compiled:
        engine = _engines[key] = Engine(compiled)
    return engine
