"""The engine adapter against a plain-Python oracle, and its discipline under load."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

import oracle
from compliance import InputError, Location, Session, _time, check_session, compiler, load_rulebook, parse_event
from compliance.checker import _prepare, default_rulebook, session_time_zone
from compliance.engine import EffortLimitError, Engine
from mutations import MUTATIONS
from strategies import scenarios

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
any_session = st.one_of(scenarios(), *(m.strategy() for m in MUTATIONS.values()))


ZONES = ["Europe/Paris", "America/New_York", "Pacific/Kiritimati", "Asia/Kathmandu", "UTC"]


def _facts(session, rulebook):
    tz = _time.zone(session_time_zone(session.events))
    return compiler.session_facts(list(session.events), tz, dict(rulebook.settings))


def _engine_matches(rulebook, facts, end_at) -> set[tuple]:
    """The engine's matches as the oracle gives them: (rule id, ((alias, src), ...))."""
    got = set()
    for rule_id, matched in _prepare(rulebook).engine.run(facts, end_at):
        got.add((rule_id, tuple(sorted((alias, tuple(f["src"])) for alias, f in matched.items()))))
    return got


def _in_zone(scenario, zone):
    """The scenario with its declared time zone set to ``zone`` (days are read there)."""
    scenario = scenario.copy()
    for raw in scenario.events:
        if raw["type"] == "session_planned":
            raw["time_zone"] = zone
    return scenario


@given(any_session, st.sampled_from(ZONES), st.randoms(use_true_random=False))
def test_engine_on_compiled_facts_matches_the_oracle_on_its_own_facts(scenario, zone, rnd):
    """The whole path from parsed events to matches (the compiler's facts, then durable_rules)
    finds exactly what the oracle finds on facts it builds itself from the same events (days in
    the session's zone, durations in seconds, list items, computed fields) — whatever the
    session's time zone and the order of its events and facts."""
    import attrs
    rulebook = default_rulebook()
    session = _in_zone(scenario, zone).session()
    events = list(session.events)
    rnd.shuffle(events)
    compiled = _facts(attrs.evolve(session, events=events), rulebook)
    rnd.shuffle(compiled)
    end_at = _time.epoch(scenario.as_of)
    assert _engine_matches(rulebook, compiled, end_at) == \
        oracle.run(rulebook, oracle.facts(events, dict(rulebook.settings)), end_at)


def _as_rules_name_them(facts):
    """Compiler facts under the rule language's field names (the compiler renames 'id', and
    keeps the local day of each instant under 'FIELD_day': the oracle says 'FIELD (day)')."""
    def name(key: str) -> str:
        return "id" if key == "eid" else f"{key[:-4]} (day)" if key.endswith("_day") else key
    return [{name(key): value for key, value in fact.items()} for fact in facts]


@given(any_session, st.randoms(use_true_random=False))
def test_engine_matches_equal_the_oracle_on_the_same_facts_whatever_their_order(scenario, rnd):
    """durable_rules, as compiled and fed by the adapter, finds exactly what a brute-force
    reading of the rules finds on the very same facts (so a difference here is the engine's or
    the rule compilation's, not the fact encoding's) — and fact order does not matter."""
    rulebook = default_rulebook()
    facts = _facts(scenario.session(), rulebook)
    rnd.shuffle(facts)
    end_at = _time.epoch(scenario.as_of)
    assert _engine_matches(rulebook, facts, end_at) == oracle.run(rulebook, _as_rules_name_them(facts), end_at)


@given(scenarios(), st.randoms(use_true_random=False))
def test_thousands_of_sessions_through_one_process(scenario, rnd):
    """The adapter's discipline holds over thousands of sessions in one process (each
    generated session is checked ten times, its events shuffled: 2,000 sessions under the ci
    profile): no crash, no engine error, the same findings whatever the order."""
    import attrs
    session = scenario.session()
    first = check_session(session, as_of=scenario.as_of)
    assert not first.violations
    for _ in range(9):
        events = list(session.events)
        rnd.shuffle(events)
        again = check_session(attrs.evolve(session, events=events), as_of=scenario.as_of, timeline=False)
        assert sorted((f.rule, f.message.fr) for f in again.findings) == \
            sorted((f.rule, f.message.fr) for f in first.findings)


# ----------------------------------------------------------------------------- effort limits

RUNAWAY = """section: S1
rules:
  - id: S1.1-cube
    clause: S1.1
    severity: violation
    title: {fr: "Trois épreuves quelconques", en: "Any three tests"}
    reference: {text: "test"}
    when:
      - match: a
        event: test_started
        where: ["test == ZZ"]
      - match: b
        event: test_started
        where: ["test == ZZ"]
      - match: c
        event: test_started
        where: ["test == ZZ"]
    message: {fr: "m", en: "m"}
"""


@pytest.fixture(scope="module")
def runaway(tmp_path_factory):
    """The shipped rules plus one with two unconstrained joins (n^3 matches for n 'ZZ' tests),
    which generated sessions never start."""
    directory = tmp_path_factory.mktemp("runaway")
    (directory / "S1-runaway.yaml").write_text(RUNAWAY, encoding="utf-8")
    return load_rulebook(directory)


def _zz_session(n: int) -> Session:
    start = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone.utc)
    raws = [{"type": "test_started", "at": (start + dt.timedelta(minutes=i)).isoformat(), "test": "ZZ",
             "candidate": f"C{i}"} for i in range(n)]
    return Session(id="ZZ-1", events=[parse_event(r, Location("zz.jsonl", i + 1), session="ZZ-1",
                                                  default_id=str(i + 1)) for i, r in enumerate(raws)])


AS_OF = dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)


def test_a_runaway_rule_stops_at_the_match_limit_naming_the_session_and_event(runaway):
    """22 tests make 10,648 matches: the run stops while the 22nd fact is asserted."""
    with pytest.raises(EffortLimitError) as caught:
        check_session(_zz_session(22), runaway, as_of=AS_OF)
    assert str(caught.value) == ("zz.jsonl:22: session 'ZZ-1': rule matches beyond the effort limit: "
                                 "expected at most 10,000 per session (the session is not checked; "
                                 "see docs/rules.md, Limits)")
    assert isinstance(caught.value, InputError)
    assert len(check_session(_zz_session(21), runaway, as_of=AS_OF).findings) > 0   # 9,261 matches


def test_too_many_combinations_are_refused_before_the_run(runaway):
    """171 tests: the cube rule alone compares 171 + 171^2 + 171^3 = 5,029,623 times."""
    with pytest.raises(EffortLimitError) as caught:
        check_session(_zz_session(171), runaway, as_of=AS_OF)
    text = str(caught.value)
    assert text.startswith("zz.jsonl: session 'ZZ-1': the rules would need ")
    assert text.endswith(" comparisons of events (5,029,623 for rule 'S1.1-cube', over 171 test_started): "
                         "expected at most 5,000,000 per session (effort limit) "
                         "(the session is not checked; see docs/rules.md, Limits)")


def test_too_many_comparisons_are_refused_before_the_run():
    """5,000 tests of one candidate: each absence of an earlier test compares every pair."""
    engine = _prepare(default_rulebook()).engine
    facts = [{"type": "test_started", "at": 1_773_000_000 + i, "session": "S", "eid": str(i),
              "src": [i], "test": "T1", "candidate": "C1"} for i in range(5_000)]
    with pytest.raises(EffortLimitError, match=r"would need [\d,]+ comparisons of events .*5,000 "
                                                r"test_started\): expected at most 5,000,000 per session"):
        engine.run(facts, 1_780_000_000)


@given(any_session, st.integers(11, 20))
def test_after_stopped_runs_the_engine_still_matches_the_oracle(runaway, scenario, n):
    """Stopping durable's action loop (abandon, then delete_state) leaves nothing behind: the
    same engine then finds exactly what the oracle finds."""
    prepared = _prepare(runaway)
    engine = _small_cap_engine(prepared)
    tz = dt.timezone.utc
    bomb = [f for i, e in enumerate(_zz_session(n).events) for f in compiler.event_facts(e, i, tz)]
    with pytest.raises(EffortLimitError):
        engine.run(bomb, _time.epoch(AS_OF))            # n^3 > 1,000 matches
    session = scenario.session()
    facts = _facts(session, runaway)
    end_at = _time.epoch(scenario.as_of)
    got = set()
    for rule_id, matched in engine.run(facts, end_at):
        got.add((rule_id, tuple(sorted((alias, tuple(f["src"])) for alias, f in matched.items()))))
    assert got == oracle.run(runaway, oracle.facts(list(session.events), dict(runaway.settings)), end_at)


_small_cap: dict[str, Engine] = {}


def _small_cap_engine(prepared) -> Engine:
    """One engine per process and rule base with a cap of 1,000 matches (rulesets are never freed)."""
    key = prepared.rulebook.fingerprint
    if key not in _small_cap:
        _small_cap[key] = Engine(prepared.compiled, max_matches=1_000)
    return _small_cap[key]


def test_a_rule_base_loaded_twice_is_prepared_once():
    """The preparation (compiled rules, engine ruleset) is keyed by the rule base's fingerprint:
    loading the same files again reuses it instead of registering another ruleset."""
    first, again = load_rulebook(), load_rulebook()
    assert first is not again
    assert _prepare(first) is _prepare(again)
    assert _prepare(first).engine is _prepare(again).engine


def test_the_engine_names_matched_facts_by_the_rules_own_aliases():
    """Callers never see the compiled patterns' internal aliases (``v_…``) nor the END sentinel's:
    every match is keyed by aliases the rule itself binds."""
    from compliance import read_path
    rulebook = default_rulebook()
    prepared = _prepare(rulebook)
    session, = read_path(EXAMPLES / "session-avec-manquements.yaml")
    facts = _facts(session, rulebook)
    matches = prepared.engine.run(facts, _time.epoch(dt.datetime(2026, 5, 31, tzinfo=dt.timezone.utc)))
    assert len({rule_id for rule_id, _ in matches}) > 5, "the example breaks several rules"
    for rule_id, matched in matches:
        bound = {p.alias for p in rulebook.rule(rule_id).patterns if p.alias}
        assert matched and set(matched) <= bound, (rule_id, sorted(matched))


# ----------------------------------------------------------------------------- live sessions

# Two session ids with one 32-bit FNV-1 hash (docs: the engine then gives them one working memory)
TWINS = ("1df2289667fa5c18c659fe3753f16135", "b41ab851922f48f9341aba7df9108cef")


def test_the_adapter_hashes_session_ids_as_the_engine_does():
    """The engine's fnv1Hash32 xors each byte then multiplies (the FNV-1a order): the published
    32-bit FNV-1a test vectors, and the two ids known to share one working memory."""
    from compliance.engine import fnv1_32
    assert fnv1_32("") == 0x811C9DC5
    assert fnv1_32("a") == 0xE40C292C
    assert fnv1_32("foobar") == 0xBF9CF968
    assert fnv1_32(TWINS[0]) == fnv1_32(TWINS[1])


def test_twin_session_ids_share_one_working_memory_in_the_engine():
    """What the adapter avoids, shown on the real engine: a session opened under the twin of an
    open one finds its facts already there (its OPEN fact, id 0, is 'seen twice')."""
    from compliance import engine
    from compliance.errors import EngineError
    live_engine, _ = _prepare(default_rulebook()).live()
    first = engine.LiveSession(live_engine, TWINS[0])
    with engine._lock:
        first._open()
    twin = engine.LiveSession(live_engine, TWINS[1])
    try:
        with pytest.raises(EngineError, match="fact 0 seen twice"):
            with engine._lock:
                twin._open()
    finally:
        twin._finalizer.detach()        # never opened: nothing of its own to delete
        with engine._lock:
            first._close()


def test_a_new_session_never_gets_the_hash_of_an_open_one(monkeypatch):
    """The adapter skips any sid whose hash an open live session has: with the twin of an open
    session offered next, the session opened gets the id after it; batch runs skip it too."""
    from compliance import engine
    live_engine, _ = _prepare(default_rulebook()).live()
    monkeypatch.setattr(engine._sids, "names", iter([TWINS[0], TWINS[1], "next-live", TWINS[1], "next-batch"]))
    first = live_engine.open_session()
    second = live_engine.open_session()
    try:
        assert (first.sid, second.sid) == (TWINS[0], "next-live")
        session, = __import__("compliance").read_path(EXAMPLES / "session-conforme.yaml")
        check_session(session, as_of=AS_OF)              # its scratch session: not the twin either
        assert next(engine._sids.names, None) is None
    finally:
        first.close()
        second.close()


def test_a_live_session_and_a_batch_run_find_the_same_matches():
    """Fed fact by fact into a live session, the live rule base's checks without absence match
    exactly as in a batch run of the whole rule base."""
    from compliance import read_path
    from compliance.rule_model import Certainty
    rulebook = default_rulebook()
    prepared = _prepare(rulebook)
    session, = read_path(EXAMPLES / "session-avec-manquements.yaml")
    # and F1, a trainer, on the platform during C1's MSP (S5.4, a check without absence: the
    # example's own breaches all rest on one now that S5.3 cites the first registration naming F1)
    entry = parse_event({"type": "platform_entered", "at": "2026-03-10T10:00:00+01:00", "person": "F1"},
                        Location("<test>", event=1), session=session.id, default_id="X1")
    session = Session(id=session.id, events=(*session.events, entry), source=session.source)
    facts = _facts(session, rulebook)
    immediate = {r.id for r in rulebook.checks if r.certainty is Certainty.IMMEDIATE}
    batch = {(rule_id, tuple(sorted((a, tuple(f["src"])) for a, f in m.items())))
             for rule_id, m in prepared.engine.run(facts, _time.epoch(AS_OF)) if rule_id in immediate}
    live = prepared.live()[0].open_session()
    try:
        got = set()
        for fact in facts:
            matches, _ = live.add([fact])
            got |= {(rule_id, tuple(sorted((a, tuple(f["src"])) for a, f in m.items())))
                    for rule_id, m in matches if rule_id in immediate}
    finally:
        live.close()
    assert "S5.4-formateur-sur-le-plateau" in {rule_id for rule_id, _ in batch} and got == batch


def test_a_live_session_past_its_match_limit_gives_way_to_replaying(runaway):
    """The live session counts its matches too: past its limit it is closed and the checker
    replays (under the batch limits), finding what the batch check finds."""
    from compliance import Checker, engine
    live_engine, _ = _prepare(runaway).live()
    before, live_engine.max_matches = live_engine.max_matches, 1_000
    try:
        session = _zz_session(12)                       # 12^3 = 1,728 matches of the cube rule
        open_before = engine.open_live_sessions()
        checker = Checker(runaway)
        live = [f for event in session.events for f in checker.feed(event)]
        assert checker._replay and engine.open_live_sessions() == open_before
        report = checker.finish(AS_OF)
        batch = check_session(session, runaway, as_of=AS_OF)
        assert report.to_json() == batch.to_json()
        assert set(live) <= set(batch.findings) and len(live) == len(set(live))
        assert len([f for f in batch.findings if f.rule == "S1.1-cube"]) > 100     # distinct findings
    finally:
        live_engine.max_matches = before


def test_a_batch_run_that_the_engine_confuses_with_stored_facts_is_run_again_under_a_fresh_sid(monkeypatch):
    """The engine indexes fact identities by a 32-bit hash, so now and then it takes a new fact
    for a stored one (an explicit id against a derived fact's content, which holds the sid).
    Forced here on the real engine: the first sid a batch run gets is the twin of an open
    session's, so its first fact is 'seen twice'; the run is made again under the next sid and
    gives the same findings as an undisturbed run."""
    from compliance import engine, read_path
    (session,) = read_path(EXAMPLES / "session-avec-manquements.yaml")
    prepared = _prepare(default_rulebook())
    plain = check_session(session, as_of=AS_OF)
    assert plain.findings
    holder = engine.LiveSession(prepared.engine, TWINS[0])      # a session of the batch ruleset
    with engine._lock:
        holder._open()
    given_out = iter([TWINS[1]])
    original = engine._sids.choose
    monkeypatch.setattr(engine._sids, "choose", lambda: next(given_out, None) or original())
    try:
        again = check_session(session, as_of=AS_OF)
    finally:
        holder.close()
    assert next(given_out, "used") == "used"          # the twin was handed out, and refused
    assert [(f.rule, f.message.fr) for f in again.findings] == [(f.rule, f.message.fr) for f in plain.findings]
    assert again.clauses == plain.clauses
