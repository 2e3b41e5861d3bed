"""What an inspector signs: each finding says what is wrong, truly, and cites the events that show
it. Messages and cited events are written here by hand, for the cases a review found wrong or
short: a check made but failed (S3.1), a check made too late (S1.3), a partial act (a briefing
missing a topic, a transmission to the wrong recipient), and absences measured against an act
(the first test, the evaluation, the decision)."""
from __future__ import annotations

import datetime as dt

from compliance import Location, Session, check_session, parse_event

PLAN = {"type": "session_planned", "at": "2026-02-01T10:00:00+01:00", "title": "TP-00417",
        "title_name": "Cuisinier", "centre": "Centre", "site": "Lyon", "kind": "titre"}
MSP = {"type": "test_scheduled", "at": "2026-02-03T10:00:00+01:00", "test": "T1", "candidate": "C1",
       "kind": "msp", "duration_minutes": 180, "starts_at": "2026-03-10T09:00:00+01:00"}
OPENING = {"type": "session_opened", "at": "2026-03-10T08:00:00+01:00"}
START = {"type": "test_started", "at": "2026-03-10T09:00:00+01:00", "test": "T1", "candidate": "C1"}


def _findings(raws: list[dict], clause: str, as_of: str = "2026-04-30T12:00:00+02:00"):
    """(rule, cited event ids, French message, English message) of the clause's findings; the
    events are e1, e2... in the order given."""
    events = [parse_event(raw, Location("<test>", event=i + 1), session="S", default_id=f"e{i + 1}")
              for i, raw in enumerate(raws)]
    report = check_session(Session(id="S", events=events, source="<test>"), as_of=dt.datetime.fromisoformat(as_of))
    return [(f.rule, [e.event_id for e in f.evidence], f.message.fr, f.message.en)
            for f in report.findings if f.clause == clause]


def test_a_failed_identity_check_is_said_and_cited():
    raws = [{"type": "identity_checked", "at": "2026-03-10T08:30:00+01:00", "candidate": "C1", "valid": False}, START]
    assert _findings(raws, "S3.1") == [(
        "S3.1-piece-d-identite-non-conforme", ["e1", "e2"],
        "Le candidat C1 a commencé l'épreuve T1 à 9 h 00 le mardi 10 mars 2026 alors que sa pièce d'identité a été "
        "trouvée non conforme au contrôle de 8 h 30 et qu'aucun contrôle avant l'épreuve ne l'a trouvée conforme.",
        "Candidate C1 started test T1 at 09:00 on Tuesday 10 March 2026 although the identity check at 08:30 found "
        "their identity document did not match and no check before the test found it valid.")]


def test_no_identity_check_at_all_keeps_its_words():
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings([START], "S3.1")] == [(
        "S3.1-identite-non-controlee", ["e1"],
        "Le candidat C1 a commencé l'épreuve T1 à 9 h 00 le mardi 10 mars 2026 sans contrôle d'identité préalable.")]


def test_a_display_check_after_the_first_test_says_it_came_too_late():
    raws = [OPENING, START, {"type": "display_checked", "at": "2026-03-10T10:40:00+01:00",
                             "timetable": True, "general_rules": True}]
    assert _findings(raws, "S1.3") == [(
        "S1.3-affichage-verifie-apres-la-premiere-epreuve", ["e1", "e2", "e3"],
        "Aucun contrôle de l'affichage n'a précédé la première épreuve (mardi 10 mars 2026 à 9 h 00) : le premier, "
        "à 10 h 40, est venu après (déroulé oui, règlement oui).",
        "No display check came before the first test (Tuesday 10 March 2026, 09:00): the first one, at 10:40, "
        "came after it (timetable yes, rules yes).")]


def test_an_incomplete_display_check_reads_de_and_cites_the_first_test():
    raws = [OPENING, {"type": "display_checked", "at": "2026-03-10T08:05:00+01:00", "timetable": True,
                      "general_rules": False}, START]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S1.3")] == [(
        "S1.3-affichage-incomplet", ["e1", "e2", "e3"],
        "Avant la première épreuve (mardi 10 mars 2026 à 9 h 00), aucun contrôle n'a trouvé le déroulé et le "
        "règlement général tous deux affichés (contrôle de 8 h 05 : déroulé oui, règlement non).")]


def test_a_briefing_without_the_posture_is_cited_and_names_the_topic():
    raws = [MSP, OPENING, {"type": "jury_briefed", "at": "2026-03-10T08:20:00+01:00", "principles": True,
                           "modalities": True, "organisation": True, "posture": False}, START]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S2.3")] == [(
        "S2.3-rappel-jury-incomplet", ["e1", "e2", "e3", "e4"],
        "Avant la première épreuve évaluée par le jury (mardi 10 mars 2026 à 9 h 00), aucun rappel au jury n'a "
        "porté sur la posture attendue (rappel de 8 h 20 : principes oui, modalités oui, organisation oui, "
        "posture non).")]


def test_a_briefing_without_the_organisation_is_cited():
    raws = [MSP, OPENING, {"type": "jury_briefed", "at": "2026-03-10T08:20:00+01:00", "principles": True,
                           "modalities": False, "organisation": False, "posture": True}, START]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S2.3")] == [(
        "S2.3-rappel-sans-organisation", ["e1", "e2", "e3", "e4"],
        "Avant la première épreuve évaluée par le jury (mardi 10 mars 2026 à 9 h 00), aucun rappel au jury n'a "
        "porté sur l'organisation de la journée (rappel de 8 h 20 : principes oui, modalités non, organisation non, "
        "posture oui).")]


def test_no_briefing_before_the_first_jury_test_cites_that_test():
    raws = [MSP, OPENING, START, {"type": "jury_briefed", "at": "2026-03-10T09:05:00+01:00", "principles": True,
                                  "modalities": True, "organisation": True, "posture": True}]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S2.3")] == [(
        "S2.3-aucun-rappel-au-jury", ["e1", "e2", "e3"],
        "Avant la première épreuve évaluée par le jury (mardi 10 mars 2026 à 9 h 00), aucun rappel au jury n'est "
        "enregistré : ni les principes, ni les modalités d'évaluation, ni l'organisation de la journée, ni la "
        "posture attendue.")]


def test_a_short_quorum_says_fewer_than_two_and_cites_the_first_jury_test():
    raws = [PLAN, {"type": "juror_appointed", "at": "2026-02-02T10:00:00+01:00", "juror": "J1",
                   "habilitation_title": "TP-00417", "habilitation_from": "2025-01-01", "habilitation_until": "2027-12-31"},
            MSP, OPENING, {"type": "juror_checked_in", "at": "2026-03-10T08:10:00+01:00", "juror": "J1"}, START,
            {"type": "representative_contacted", "at": "2026-03-10T08:30:00+01:00", "reason": "jury_shortfall"}]
    assert _findings(raws, "S2.1") == [(
        "S2.1-quorum-absent", ["e3", "e4", "e6"],
        "À la première épreuve évaluée par le jury (mardi 10 mars 2026 à 9 h 00), moins de deux membres du jury "
        "habilités pour ce titre étaient présents (d'après les arrivées enregistrées jusque-là).",
        "At the first test the jury evaluates (Tuesday 10 March 2026, 09:00), fewer than two jurors habilitated "
        "for this title were present (by the arrivals recorded until then).")]


def test_an_incomplete_dossier_cites_the_review_and_shows_what_it_lacked():
    raws = [{"type": "candidate_registered", "at": "2026-02-01T10:00:00+01:00", "candidate": "C1", "name": "",
             "pathway": "training"},
            {"type": "dossier_reviewed", "at": "2026-03-10T15:05:00+01:00", "candidate": "C1", "results": True,
             "ecf": False, "dp": True, "final_interview": True},
            {"type": "decision_recorded", "at": "2026-03-10T15:25:00+01:00", "candidate": "C1", "outcome": "title"}]
    s71 = [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S7.1")]
    assert s71 == [(
        "S7.1-dossier-formation-incomplet", ["e2", "e3"],
        "Le candidat C1, issu de formation, a reçu une décision (mardi 10 mars 2026 à 15 h 25) sans que le jury "
        "dispose à la fois des résultats des épreuves, du livret des ECF et du dossier professionnel : aucune "
        "étude de son dossier ne les a tous couverts (étude de 15 h 05 : résultats oui, livret ECF non, DP oui).")]


def test_a_trainer_supervising_is_cited_with_the_registration_that_makes_them_one():
    raws = [{"type": "candidate_registered", "at": "2026-01-22T10:00:00+01:00", "candidate": "C1", "name": "A",
             "pathway": "training", "trainers": ["F1"]},
            {"type": "candidate_registered", "at": "2026-01-22T10:00:00+01:00", "candidate": "C0", "name": "B",
             "pathway": "training", "trainers": ["F1"]},
            {"type": "supervision_assigned", "at": "2026-03-10T08:59:00+01:00", "test": "T2", "person": "F1"}]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S5.3")] == [(
        "S5.3-formateur-surveille", ["e2", "e3"],
        "F1, formateur du candidat C0 inscrit à la session, a été chargé de surveiller l'épreuve T2.")]


def test_jury_dte_and_pv_signature_cite_the_first_evaluation():
    raws = [{"type": "juror_appointed", "at": "2026-01-25T10:00:00+01:00", "juror": "J1", "name": "",
             "habilitation_title": "TP-00417", "habilitation_from": "2023-05-01", "habilitation_until": "2028-04-30"},
            {"type": "evaluation_recorded", "at": "2026-03-10T12:10:00+01:00", "juror": "J1", "candidate": "C2", "test": "T2"},
            {"type": "evaluation_recorded", "at": "2026-03-10T12:10:00+01:00", "juror": "J1", "candidate": "C1", "test": "T1"},
            {"type": "evaluation_recorded", "at": "2026-03-10T14:10:00+01:00", "juror": "J1", "candidate": "C1", "test": "T3"}]
    assert [(rule, ids) for rule, ids, _fr, _en in _findings(raws, "S4.5")] == [("S4.5-dte-jury-non-remis", ["e3"])]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S8.1")] == [(
        "S8.1-jure-n-a-pas-signe", ["e3"],
        "Le juré J1 a évalué à partir de 12 h 10 le mardi 10 mars 2026 mais aucune signature de sa part sur les "
        "procès-verbaux n'est enregistrée.")]


def test_pvs_sent_to_another_recipient_cite_that_sending():
    raws = [{"type": "session_closed", "at": "2026-03-10T16:10:00+01:00"},
            {"type": "pv_transmitted", "at": "2026-03-12T10:00:00+01:00", "recipient": "other"}]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S8.5")] == [(
        "S8.5-pv-transmis-a-un-autre-destinataire", ["e1", "e2"],
        "Session close le mardi 10 mars 2026 à 16 h 10 : les PV devaient parvenir au représentant territorial au "
        "plus tard le mercredi 25 mars 2026 à 24 h ; ils ont été transmis le jeudi 12 mars 2026 à 10 h 00 à un "
        "autre destinataire, et aucune transmission au représentant territorial n'est enregistrée dans ce délai.")]


def test_pvs_never_sent_say_nothing_reached_the_representative():
    raws = [{"type": "session_closed", "at": "2026-03-10T16:10:00+01:00"},
            {"type": "pv_transmitted", "at": "2026-03-30T10:00:00+02:00"}]
    assert [(rule, ids, fr) for rule, ids, fr, _ in _findings(raws, "S8.5")] == [(
        "S8.5-pv-transmis-hors-delai", ["e1"],
        "Session close le mardi 10 mars 2026 à 16 h 10 : les PV devaient parvenir au représentant territorial au "
        "plus tard le mercredi 25 mars 2026 à 24 h ; aucune transmission ne lui est enregistrée dans ce délai, ni "
        "validation ou notification des résultats de sa part.")]


def test_an_empty_name_leaves_no_empty_brackets():
    raws = [{"type": "candidate_registered", "at": "2026-02-01T10:00:00+01:00", "candidate": "K2", "name": "",
             "pathway": "vae"}]
    assert [(rule, fr) for rule, _ids, fr, _ in _findings(raws, "S3.2")] == [(
        "S3.2-absence-non-portee-au-pv",
        "Le candidat K2, inscrit, n'a passé aucune épreuve et son absence n'est pas portée au procès-verbal.")]
