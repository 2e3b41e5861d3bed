"""Reports: byte-identical across runs, JSON round trip, offsets do not change findings."""
from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, strategies as st

from compliance import Report, check_session
from compliance.reporters import REPORTERS
from mutations import MUTATIONS
from strategies import OFFSETS, scenarios

any_session = st.one_of(scenarios(), *(m.strategy() for m in MUTATIONS.values()))


@given(any_session)
def test_report_is_byte_identical_across_runs_and_round_trips_through_json(scenario):
    first = check_session(scenario.session(), as_of=scenario.as_of)
    second = check_session(scenario.session(), as_of=scenario.as_of)
    for name, render in REPORTERS.items():
        assert render([first], "fr") == render([second], "fr"), name
    data = json.loads(json.dumps(first.to_json(), ensure_ascii=False))
    assert Report.from_json(data) == first


@given(any_session, st.sampled_from(OFFSETS))
def test_same_instants_in_another_offset_give_the_same_findings(scenario, offset):
    """Rewriting every timestamp in another UTC offset changes nothing in the findings."""
    moved = scenario.copy()
    for event in moved.events:
        event["at"] = dt.datetime.fromisoformat(event["at"]).astimezone(offset).isoformat()
    a = check_session(scenario.session(), as_of=scenario.as_of)
    b = check_session(moved.session(), as_of=scenario.as_of)
    assert a.findings == b.findings


@given(scenarios_=st.lists(any_session, min_size=2, max_size=3, unique_by=lambda s: s.session_id),
       rnd=st.randoms())
def test_sessions_checked_together_equal_each_checked_alone(scenarios_, rnd, tmp_path_factory):
    """Interleaved in one JSON Lines log, sessions give the findings they give alone."""
    from compliance import read_path
    queues = {sc.session_id: [json.dumps(dict(e, session=sc.session_id, id=f"g{i + 1}"), ensure_ascii=False)
                              for i, e in enumerate(sc.ordered())] for sc in scenarios_}
    mixed = []
    while any(queues.values()):            # interleave, keeping each session's own order
        sid = rnd.choice(sorted(k for k, v in queues.items() if v))
        mixed.append(queues[sid].pop(0))
    path = tmp_path_factory.mktemp("log") / "mixed.jsonl"
    path.write_text("\n".join(mixed) + "\n", encoding="utf-8")
    together = {s.id: s for s in read_path(path)}
    assert set(together) == set(queues)
    as_of = max(sc.as_of for sc in scenarios_)
    key = lambda r: [(f.rule, f.message, tuple(e.event_id for e in f.evidence)) for f in r.findings]
    for sc in scenarios_:
        assert key(check_session(together[sc.session_id], as_of=as_of)) == key(check_session(sc.session(), as_of=as_of))


@given(any_session, st.randoms())
def test_order_of_simultaneous_events_does_not_matter(scenario, rnd):
    """Listing events that share a timestamp in another order gives the same findings."""
    ordered = scenario.ordered()
    groups: dict[str, list] = {}
    for e in ordered:
        groups.setdefault(dt.datetime.fromisoformat(e["at"]).isoformat(), []).append(e)
    shuffled = []
    for key in sorted(groups, key=lambda k: dt.datetime.fromisoformat(k)):
        group = groups[key]
        rnd.shuffle(group)
        shuffled.extend(group)
    a = check_session(scenario.session(), as_of=scenario.as_of)
    moved = scenario.copy()
    moved.events = [dict(e) for e in shuffled]
    b = check_session(moved.session(), as_of=scenario.as_of)
    key = lambda r: sorted((f.rule, f.message.fr) for f in r.findings)
    assert key(a) == key(b)


def test_counts_use_real_plurals_in_both_languages():
    """French keeps 0 and 1 singular, English only 1; "en attente" and "pending" never vary."""
    from compliance.reporters._labels import counts
    assert counts(1, 1, 1, "fr") == "1 violation, 1 avertissement, 1 en attente"
    assert counts(2, 3, 2, "fr") == "2 violations, 3 avertissements, 2 en attente"
    assert counts(0, 0, 0, "fr") == "0 violation, 0 avertissement, 0 en attente"
    assert counts(1, 1, 1, "en") == "1 violation, 1 warning, 1 pending"
    assert counts(2, 3, 2, "en") == "2 violations, 3 warnings, 2 pending"
    assert counts(0, 0, 0, "en") == "0 violations, 0 warnings, 0 pending"


def test_checker_gives_the_report_the_rule_files_section_titles():
    """Sections in catalogue order, titled as the rule files title them."""
    from compliance import read_path
    from conftest import EXAMPLES
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    report = check_session(session, as_of=dt.datetime.fromisoformat("2026-05-31T00:00:00+02:00"))
    sections = dict(report.sections)
    assert [s for s, _ in report.sections][:3] == ["S1", "S2", "S3"]
    assert (sections["S5"].fr, sections["S5"].en) == ("Le déroulement des épreuves", "Conduct of the tests")
    assert "sections" not in report.to_json()          # not part of the JSON report


def test_reporters_read_section_titles_from_the_report():
    """Every reporter shows the section title the report carries; without one, the section id."""
    import attrs

    from compliance import Text, read_path
    from conftest import EXAMPLES
    (session,) = read_path(EXAMPLES / "session-avec-manquements.yaml")
    report = check_session(session, as_of=dt.datetime.fromisoformat("2026-05-31T00:00:00+02:00"))
    s3 = report.findings[[f.clause.startswith("S3.") for f in report.findings].index(True)]
    renamed = attrs.evolve(report, sections=(("S3", Text("Titre fr de S3", "English S3 title")),))
    assert "- **Section** : S3 (Titre fr de S3)" in REPORTERS["markdown"]([renamed], "fr").splitlines()
    assert "Section S3 (English S3 title)" in REPORTERS["html"]([renamed], "en")
    assert '<property name="section.S3" value="Titre fr de S3" />' in REPORTERS["junit"]([renamed], "fr")
    sarif = json.loads(REPORTERS["sarif"]([renamed], "en"))
    (rule,) = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == s3.clause]
    assert rule["properties"]["sectionTitle"] == "English S3 title"
    bare = attrs.evolve(report, sections=())
    assert "- **Section** : S3 (S3)" in REPORTERS["markdown"]([bare], "fr").splitlines()


def test_evidence_times_are_instants_in_the_session_zone_until_rendered():
    """The model carries aware instants; the JSON report renders them as before."""
    from compliance import read_path
    from conftest import EXAMPLES
    (session,) = read_path(EXAMPLES / "session-conforme.yaml")
    report = check_session(session, as_of=dt.datetime.fromisoformat("2026-05-31T00:00:00+02:00"))
    first = report.timeline[0]
    event = session.events[first.index]
    assert first.at == event.at and str(first.at.tzinfo) == "Europe/Paris"
    rendered = report.to_json()["timeline"][0]["at"]
    local = event.at.astimezone(dt.timezone(dt.timedelta(hours=1)))     # March: Paris is UTC+1
    assert rendered == f"{local:%Y-%m-%d %H:%M} (+01:00)"


def test_a_report_time_reads_back_as_the_instant_it_shows():
    from compliance import _time
    paris = _time.zone("Europe/Paris")
    moment = _time.parse_report_time("2026-03-10 09:00 (+01:00)", paris)
    assert moment == dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.timezone.utc)
    assert (_time.render_clock(moment), _time.render_offset(moment)) == ("09:00", "+01:00")
    old = _time.parse_report_time("1890-01-01 00:00 (+00:09:21)", paris)
    assert old == dt.datetime(1889, 12, 31, 23, 50, 39, tzinfo=dt.timezone.utc)
    assert _time.render_instant(old) == "1890-01-01 00:00 (+00:09:21)"
