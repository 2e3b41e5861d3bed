"""The engine adapter against a plain-Python oracle, and its discipline under load."""
from __future__ import annotations


from hypothesis import given, strategies as st

import oracle
from compliance import _time, check_session, compiler
from compliance.checker import _prepare, default_rulebook, session_time_zone
from compliance.engine import engine_for
from mutations import MUTATIONS
from strategies import scenarios

any_session = st.one_of(scenarios(), *(m.strategy() for m in MUTATIONS.values()))


def _facts(session, rulebook):
    tz = _time.zone(session_time_zone(session.events))
    facts = []
    for index, event in enumerate(session.events):
        facts.extend(compiler.event_facts(event, index, tz, dict(rulebook.settings)))
    return facts


@given(any_session, st.randoms(use_true_random=False))
def test_engine_matches_equal_the_oracle_whatever_the_fact_order(scenario, rnd):
    """durable_rules, as compiled and fed by the adapter, finds exactly what a brute-force
    reading of the rules finds — and fact order does not matter."""
    rulebook = default_rulebook()
    prepared = _prepare(rulebook)
    session = scenario.session()
    facts = _facts(session, rulebook)
    rnd.shuffle(facts)
    end_at = _time.epoch(scenario.as_of)
    engine = engine_for(prepared.compiled)
    got = set()
    for rule_id, matched in engine.run(facts, end_at):
        aliases = prepared.compiled.aliases[rule_id]
        got.add((rule_id, tuple(sorted((aliases[a], tuple(f["src"])) for a, f in matched.items()
                                       if a in aliases))))
    assert got == oracle.run(rulebook, facts, end_at)


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
