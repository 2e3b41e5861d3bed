"""Evidence written for people: labels for every event type, field and enumerated word; people by
name with their id; times in French (or English) words in evidence and in rule messages.

The reports are parsed (ElementTree for HTML and JUnit, json, lines of text and Markdown table
cells); every expected text is written here by hand from the example records.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from compliance import _time, check_session, events, read_path
from compliance.cli import main, parse_as_of
from compliance.messages import render_template, render_value
from compliance.model import Report
from compliance.reporters import REPORTERS
from conftest import EXAMPLES
from mutations import MUTATIONS
from strategies import scenarios

BREACHES = EXAMPLES / "session-avec-manquements.yaml"
TWO_DAYS = EXAMPLES / "session-deux-jours.yaml"
PARIS = _time.zone("Europe/Paris")


def _report(path: Path, as_of: str = "2026-04-30") -> Report:
    (session,) = read_path(path)
    return check_session(session, as_of=parse_as_of(as_of))


def _finding(report: Report, rule: str):
    (finding,) = [f for f in report.findings if f.rule == rule]
    return finding


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


# -- the label table -------------------------------------------------------------------------------

def test_every_event_type_and_field_has_a_french_and_an_english_label():
    """No event type, no field of the vocabulary is left without both labels; list fields also
    have their plurals."""
    missing = []
    for name, cls in events.EVENT_TYPES.items():
        if not (cls.LABEL.fr.strip() and cls.LABEL.en.strip()) or cls.LABEL.fr == name:
            missing.append(name)
        for spec in events.specific_fields(cls):
            label = spec.label
            if label is None or not (label.fr.strip() and label.en.strip()):
                missing.append(f"{name}.{spec.name}")
            elif spec.kind == "list" and not (label.fr_plural and label.en_plural):
                missing.append(f"{name}.{spec.name} (plural)")
    assert missing == []


def test_every_enumerated_value_has_french_and_english_words():
    """Roles, pathways, test kinds, outcomes, decisions, documents...: each choice has its words."""
    missing = [f"{name}.{spec.name}={choice}"
               for name, cls in events.EVENT_TYPES.items() for spec in events.specific_fields(cls)
               for choice in spec.choices
               if choice not in spec.words or not (spec.words[choice].fr and spec.words[choice].en)]
    assert missing == []


@pytest.mark.parametrize("type_name, fr, en", [
    ("person_arrived", "Arrivée sur le site", "Arrival on site"),
    ("deliberation_presence", "Présence pendant la délibération", "Present during the deliberation"),
    ("test_started", "Début d'épreuve", "Test started"),
    ("pv_countersigned", "Contresignature des procès-verbaux", "PVs countersigned"),
])
def test_event_labels_read_as_written(type_name, fr, en):
    assert (events.EVENT_TYPES[type_name].LABEL.fr, events.EVENT_TYPES[type_name].LABEL.en) == (fr, en)


@pytest.mark.parametrize("type_name, field, fr, en", [
    ("candidate_registered", "candidate", "candidat", "candidate"),
    ("test_scheduled", "kind", "type d'épreuve", "test kind"),
    ("jury_briefed", "organisation", "organisation de la journée", "organisation of the day"),
    ("candidate_registered", "organisation", "organisme", "organisation"),
    ("duty_handover", "from", "cédé par", "handed over by"),
])
def test_field_labels_follow_the_field_and_its_event(type_name, field, fr, en):
    """A field's label is its name's, unless the event gives it another meaning."""
    (spec,) = [s for s in events.specific_fields(events.EVENT_TYPES[type_name]) if s.name == field]
    assert (spec.label.fr, spec.label.en) == (fr, en)


def test_list_labels_have_real_plurals():
    """French: singular for 0 and 1; English: singular for 1 only."""
    label = events.FIELD_LABELS["trainers"]
    assert [label.get("fr", n) for n in (0, 1, 2)] == ["formateur", "formateur", "formateurs"]
    assert [label.get("en", n) for n in (0, 1, 2)] == ["trainers", "trainer", "trainers"]


def test_the_event_documentation_shows_the_labels():
    """docs/events.md (generated) gives each type's and field's labels."""
    from compliance._docgen import render_events_markdown
    doc = render_events_markdown()
    assert 'Reports: « Arrivée sur le site » / "Arrival on site".' in doc
    assert "| `candidate` | candidat / candidate | text | yes | candidate id |" in doc


# -- evidence in the reports -----------------------------------------------------------------------

def _html_evidence(html: str, clause: str) -> list[list[str]]:
    """The evidence table rows (cells) of the finding of ``clause``."""
    root = ET.fromstring(html.encode("utf-8"))
    for div in root.iter("div"):
        if "finding" in (div.get("class") or "") and f" {clause} " in _text(div.find("h3")):
            return [[_text(td) for td in tr.findall("td")] for tr in div.find("table/tbody")]
    raise AssertionError(f"no finding of {clause}")


def test_html_evidence_names_people_and_reads_in_french():
    """S1.1 of the breach example: the session opened at 8:00, the manager arrived at 8:20."""
    rows = _html_evidence(REPORTERS["html"]([_report(BREACHES)], "fr"), "S1.1")
    assert [row[:4] for row in rows] == [
        ["mardi 10 mars 2026 à 8 h 20", "Arrivée sur le site",
         "personne : Agnès Roussel (RS1) ; rôle : responsable de session", ""],
        ["mardi 10 mars 2026 à 8 h 00", "Ouverture de la session", "", ""]]


def test_html_evidence_in_english():
    rows = _html_evidence(REPORTERS["html"]([_report(BREACHES)], "en"), "S1.1")
    assert [row[:3] for row in rows] == [
        ["Tuesday 10 March 2026, 08:20", "Arrival on site", "person: Agnès Roussel (RS1); role: session manager"],
        ["Tuesday 10 March 2026, 08:00", "Session opened", ""]]


def test_html_timeline_keeps_the_event_type_on_hover_and_yes_no_in_words():
    root = ET.fromstring(REPORTERS["html"]([_report(BREACHES)], "fr").encode("utf-8"))
    cells = [td for table in root.iter("table") if table.get("class") == "timeline" for td in table.iter("td")]
    events_cells = {td.get("title"): _text(td) for td in cells if td.get("class") == "event"}
    assert events_cells["jury_briefed"] == "Rappel au jury"
    texts = [_text(td) for td in cells]
    assert ("principes de la certification : oui ; modalités d'évaluation : oui ; "
            "organisation de la journée : oui ; posture attendue : non") in texts
    assert texts[texts.index("candidat : Zoé Bénard (C2)") + 1] == "parcours : VAE (validation des acquis de l'expérience)"
    assert not any(re.search(r"\b(true|false)\b|=", text) for text in texts)


def test_html_timeline_breaks_words_only_between_words():
    style = re.search(r"<style>(.*?)</style>", REPORTERS["html"]([_report(BREACHES)], "fr"), re.S).group(1)
    assert "break-all" not in style and "anywhere" not in style
    assert re.search(r"table\.timeline td\s*{[^}]*hyphens:\s*manual", style)


def test_text_and_junit_cite_evidence_in_words():
    report = _report(BREACHES)
    text = REPORTERS["text"]([report], "fr").splitlines()
    assert any(line.startswith("    - mardi 10 mars 2026 à 8 h 20 — Arrivée sur le site (personne : Agnès Roussel "
                               "(RS1) ; rôle : responsable de session)  [") for line in text)
    root = ET.fromstring(REPORTERS["junit"]([report], "en").encode("utf-8"))
    (case,) = [c for c in root.iter("testcase") if c.get("name").startswith("S6.2 ")]
    assert "Tuesday 10 March 2026, 15:00 — Present during the deliberation (person: Agnès Roussel (RS1))" in \
        case.find("failure").text


def test_markdown_evidence_in_words():
    rows = [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            for line in REPORTERS["markdown"]([_report(BREACHES)], "fr").splitlines() if line.startswith("| mardi")]
    assert ["mardi 10 mars 2026 à 15 h 00", "Présence pendant la délibération", "personne : Agnès Roussel (RS1)", ""] \
        in [row[:4] for row in rows]


def test_values_show_accented_names_and_words_but_json_keeps_their_data_form():
    report = _report(BREACHES)
    s85 = _finding(report, "S8.5-pv-transmis-hors-delai")
    assert s85.values == (("echeance", "2026-03-25 23:59:59 (+01:00)"),)      # the end of day 15
    html = ET.fromstring(REPORTERS["html"]([report], "fr").encode("utf-8"))
    assert "Valeurs : échéance = mercredi 25 mars 2026 à 24 h" in [_text(p) for p in html.iter("p")]
    english = REPORTERS["text"]([report], "en")
    assert "    Values: deadline = Wednesday 25 March 2026, 24:00" in english.splitlines()
    assert "    Valeurs : durée = 195 min, pauses = 0 min, limite = 180 min" in REPORTERS["text"]([report], "fr").splitlines()


def test_json_keeps_raw_details_and_gains_the_names():
    document = json.loads(REPORTERS["json"]([_report(BREACHES)], "fr"))
    (report,) = document["reports"]
    assert ["RS1", "Agnès Roussel"] in report["names"] and ["C3", "Noël Dupré"] in report["names"]
    assert ["J2", "Jérôme Caël"] in report["names"]
    arrival = next(e for e in report["timeline"] if e["type"] == "person_arrived")
    assert arrival["details"] == [["person", "RS1"], ["role", "manager"]]
    again = Report.from_json(report)
    assert dict(again.names)["C1"] == "Élodie Marchand"
    assert _html_evidence(REPORTERS["html"]([again], "fr"), "S1.1")[0][2] == \
        "personne : Agnès Roussel (RS1) ; rôle : responsable de session"


def test_hostile_names_stay_escaped_where_they_now_appear(tmp_path):
    """A name made of markup and a terminal escape, shown for its id in evidence: inert in every format."""
    hostile = "Zoé <b>\x1b[31m</b> & \"Cie\""
    text = BREACHES.read_text(encoding="utf-8").replace('name: "Zoé Bénard"', 'name: "Zoé <b>\\e[31m</b> & \\"Cie\\""')
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    report = _report(path)
    assert dict(report.names)["C2"] == hostile
    html = ET.fromstring(REPORTERS["html"]([report], "fr").encode("utf-8"))
    assert html.find(".//body//b") is None
    assert "candidat : Zoé <b>\ufffd[31m</b> & \"Cie\" (C2)" in [_text(td) for td in html.iter("td")]
    assert "\x1b" not in REPORTERS["text"]([report], "fr")
    assert "\\x1b[31m" in REPORTERS["text"]([report], "fr")
    ET.fromstring(REPORTERS["junit"]([report], "fr").encode("utf-8"))
    markdown = REPORTERS["markdown"]([report], "fr")
    assert r'candidat : Zoé \<b\>\\x1b\[31m\</b\> \& "Cie" (C2)' in markdown


# -- messages --------------------------------------------------------------------------------------

def test_messages_write_times_the_french_and_english_way():
    report = _report(BREACHES)
    s11 = _finding(report, "S1.1-arrivee-apres-ouverture")
    assert s11.message.fr == ("La session a ouvert le mardi 10 mars 2026 à 8 h 00 sans responsable ni suppléant "
                              "sur place, et ce jusqu'à 8 h 20 (20 min de retard).")
    assert s11.message.en == "The session opened at 08:00 on Tuesday 10 March 2026 with no manager or substitute " \
                             "on site, and so until 08:20 (20 min late)."
    s85 = _finding(report, "S8.5-pv-transmis-hors-delai")
    assert "au plus tard le mercredi 25 mars 2026 à 24 h ;" in s85.message.fr
    assert "by Wednesday 25 March 2026, 24:00;" in s85.message.en


def test_in_a_session_of_two_days_a_message_names_the_day_of_its_times(tmp_path):
    """T1's technical interview on the second day lasts 50 min for 45: its day is named once."""
    old = 'at: "2026-05-19T09:43:00+02:00", test: T1-ET'
    text = TWO_DAYS.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "deux-jours.yaml"
    path.write_text(text.replace(old, 'at: "2026-05-19T09:50:00+02:00", test: T1-ET'), encoding="utf-8")
    s52 = _finding(_report(path, "2026-06-30"), "S5.2-duree-depassee")
    assert s52.message.fr == ("L'épreuve T1-ET du candidat T1 a duré 50 min de travail (de 9 h 00 le mardi 19 mai "
                              "2026 à 9 h 50, temps de pause non compté : 0 min) alors que le référentiel prévoit 45 min.")
    assert "(from 09:00 on Tuesday 19 May 2026 to 09:50, time paused not counted: 0 min)" in s52.message.en


def _at(text: str) -> int:
    return _time.epoch(_time.parse_time(text))


MARCH_10 = "2026-03-10T08:00:00+01:00"


@pytest.mark.parametrize("template, lang, times, expected", [
    # a message names a day once, at its first time
    ("ouverte le {a} ; arrivé qu'à {b}", "fr", (MARCH_10, "2026-03-10T08:20:00+01:00"),
     "ouverte le mardi 10 mars 2026 à 8 h 00 ; arrivé qu'à 8 h 20"),
    ("remis à {a} ({b})", "fr", ("2026-03-11T08:20:05+01:00", MARCH_10),
     "remis à 8 h 20 min 5 s le mercredi 11 mars 2026 (mardi 10 mars 2026 à 8 h 00)"),
    ("contrôle ({a}), ouverture à {b}", "fr", (MARCH_10, "2026-03-10T09:00:00+01:00"),
     "contrôle (mardi 10 mars 2026 à 8 h 00), ouverture à 9 h 00"),
    # after the change to summer time the offset is not the first time's: it is shown
    ("close le {a}, au plus tard le {b}", "fr", (MARCH_10, "2026-03-30T10:00:00+02:00"),
     "close le mardi 10 mars 2026 à 8 h 00, au plus tard le lundi 30 mars 2026 à 10 h 00 (UTC+02:00)"),
    ("closed at {a}: due by {b}", "en", (MARCH_10, "2026-03-30T10:00:00+02:00"),
     "closed at 08:00 on Tuesday 10 March 2026: due by Monday 30 March 2026, 10:00 (UTC+02:00)"),
    ("from {a} to {b}", "en", (MARCH_10, "2026-03-10T09:00:00+01:00"), "from 08:00 on Tuesday 10 March 2026 to 09:00"),
    ("le {a}", "fr", ("2026-03-01T08:20:00+01:00", MARCH_10), "le dimanche 1er mars 2026 à 8 h 20"),
])
def test_a_time_takes_the_form_its_words_ask_for(template, lang, times, expected):
    values = {name: render_value(_at(at), "instant", PARIS, lang, sentence=True) for name, at in zip("ab", times)}
    assert render_template(template, values, lang) == expected


def test_values_without_sentence_keep_their_data_form():
    assert render_value(_at("2026-03-10T08:20:00+01:00"), "instant", PARIS, "fr") == "2026-03-10 08:20 (+01:00)"
    assert render_value(_time.day_start(dt.date(2026, 3, 1), PARIS), "day", PARIS, "fr", sentence=True) == \
        "dimanche 1er mars 2026"


def test_the_cli_report_in_english_reads_in_english(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(BREACHES), "--as-of", "2026-04-30", "--format", "text", "--lang", "en"], out, err) == 1
    lines = out.getvalue().splitlines()
    assert "    RS1, who is not a juror, was present during deliberation (Tuesday 10 March 2026, 15:00)." in lines
    assert not any(word in line for line in lines for word in ("personne :", " oui", " à ", "mardi"))


def test_labels_fit_their_timeline_columns_without_breaking_a_word():
    """The event column (36 mm) holds words of up to 20 characters at 8.5 pt, the who column
    (27 mm) words of up to 14: no label has a longer word, so none is ever cut."""
    from compliance.reporters._wording import WHO_FIELDS
    event_words = {w for cls in events.EVENT_TYPES.values() for label in (cls.LABEL.fr, cls.LABEL.en)
                   for w in label.split()}
    who_words = {w for cls in events.EVENT_TYPES.values() for spec in events.specific_fields(cls)
                 if spec.name in WHO_FIELDS
                 for label in (spec.label, *spec.words.values()) for text in (label.fr, label.en) for w in text.split()}
    assert max(len(w) for w in event_words) <= 20
    assert max(len(w) + 1 for w in who_words) <= 14       # with the colon or comma that follows it


def test_messages_give_enumerated_values_in_words(tmp_path):
    """C2 starts the MSP without the candidate DTE: the test's kind is named, not coded."""
    old = '  - {type: dte_candidate_handed, at: "2026-03-10T09:00:00+01:00", candidate: C2, test: C2-MSP}\n'
    text = BREACHES.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "sans-dte.yaml"
    path.write_text(text.replace(old, ""), encoding="utf-8")
    (s44,) = [f for f in _report(path).findings if f.clause == "S4.4"]
    assert s44.message.fr == ("Le candidat C2 a commencé l'épreuve C2-MSP (mise en situation professionnelle) "
                              "à 9 h 00 le mardi 10 mars 2026 sans avoir reçu le DTE candidat.")
    assert "test C2-MSP (MSP practical test) at 09:00 on Tuesday 10 March 2026" in s44.message.en


# -- any session -----------------------------------------------------------------------------------

_ANY = st.one_of(scenarios(max_candidates=3), *(m.strategy(max_candidates=max(3, m.options.get("min_candidates", 1)))
                                                 for m in MUTATIONS.values()))
_CODED = re.compile(r"\b(true|false)\b|=|[a-z]+_[a-z_]+")          # key=value, booleans, field names


@given(_ANY, st.sampled_from(["fr", "en"]))
def test_every_event_of_any_session_reads_in_words(scenario, lang):
    """For generated sessions (compliant or breaking one clause), every timeline row shows the
    type's label, fields in words and people by name; rule messages hold no coded date."""
    report = check_session(scenario.session(), as_of=scenario.as_of)
    root = ET.fromstring(REPORTERS["html"]([report], lang).encode("utf-8"))
    labels = {name: cls.LABEL.get(lang) for name, cls in events.EVENT_TYPES.items()}
    rows = [tr.findall("td") for table in root.iter("table") if table.get("class") == "timeline"
            for tr in table.find("tbody")]
    assert len(rows) == report.events
    names = dict(report.names)
    for cells in rows:
        event, who, details = cells[1], _text(cells[2]), _text(cells[3])
        assert _text(event) == labels[event.get("title")]
        assert not _CODED.search(who) and not _CODED.search(details), (who, details)
        for pid, name in names.items():
            assert f": {pid}" not in who and f" ; {pid}" not in who or f"{name} ({pid})" in who
    for finding in report.findings:
        if not finding.clause.startswith("D"):          # record-integrity messages are not rule messages
            assert not re.search(r"\d{4}-\d{2}-\d{2}|\(\+\d\d:\d\d\)", finding.message.get(lang)), finding.message
