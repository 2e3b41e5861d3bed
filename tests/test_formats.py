"""The report formats (markdown, html, sarif, junit), each parsed with a real parser and checked.

Two records: the bundled clean example, and a record with breaches built here from it (the
identity check of candidate C1 removed → S3.1 violation; the jury briefing without posture →
S2.3 warning; C1's name made of markup, to check escaping). Expected values are written by hand
from those records; the catalogue (rules/clauses.yaml) is read as data.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

import compliance
from compliance import check_session, read_path
from compliance.cli import build_parser, main, parse_as_of
from compliance.reporters import REPORTERS
from conftest import EXAMPLES, ROOT

CLEAN = EXAMPLES / "session-conforme.yaml"
SESSION = "TP-00417-2026-03-10"
AS_OF = "2026-04-30"
AS_OF_ISO = "2026-04-30T23:59:59+02:00"          # end of that day, Paris summer time
NEW_FORMATS = ("markdown", "html", "sarif", "junit")

# The breach record, by hand: what it breaks, and the lines of the events cited.
EXPECTED = {"S2.3": "warning", "S3.1": "violation"}
RULES = {"S2.3": "S2.3-rappel-jury-incomplet", "S3.1": "S3.1-identite-non-controlee"}
S23_LINE = 26        # session_opened
S23_SCHEDULED = 15   # test_scheduled C1-MSP: the first test the jury evaluates (S2.3 cites it first)
S23_BRIEFING = 31    # jury_briefed at 08:25 without the posture
S31_LINE = 50        # test_started C1-MSP: line 51 of the example, one up once identity_checked C1 is gone
NOT_APPLICABLE = {"S5.5", "R7", "R9"}            # no late candidate, no accommodation, no incident
BREACH_EVENTS = 77                               # the example's 78, less the identity check
HOSTILE = "Élodie <i>Marchand</i> & Cie"

S31_TITLE_FR = "L'identité de chaque candidat est contrôlée avant sa première épreuve"
S31_TITLE_EN = "Each candidate's identity is checked before their first test"
S23_TITLE_FR = "Le jury reçoit le rappel des principes, des modalités, de l'organisation et de la posture"


def catalogue() -> list[dict]:
    """The clauses of rules/clauses.yaml still in force, in catalogue order (read as data)."""
    doc = yaml.safe_load((ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8"))
    return [c for c in doc["clauses"] if not c.get("retired")]


def _edit(text: str, old: str, new: str | None, where: str) -> str:
    """Replace ``old`` by ``new`` on the one line holding ``where`` and ``old``; drop it if ``new`` is None."""
    lines = text.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if where in line and old in line]
    assert len(hits) == 1, f"the example changed: no single line with {where!r} and {old!r}"
    if new is None:
        del lines[hits[0]]
    else:
        lines[hits[0]] = lines[hits[0]].replace(old, new)
    return "".join(lines)


@pytest.fixture
def breaches(tmp_path) -> Path:
    """The clean example with breaches: S3.1 (no identity check of C1) and S2.3 (no posture)."""
    text = CLEAN.read_text(encoding="utf-8")
    text = _edit(text, "candidate: C1}", None, "type: identity_checked")
    text = _edit(text, "posture: true", "posture: false", "jury_briefed")
    text = _edit(text, 'name: "Élodie Marchand"', f'name: "{HOSTILE}"', "candidate_registered")
    lines = text.splitlines()
    assert "test_started" in lines[S31_LINE - 1] and "C1-MSP" in lines[S31_LINE - 1]
    assert "session_opened" in lines[S23_LINE - 1]
    path = tmp_path / "séance-avec-manquements.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def pending(tmp_path) -> Path:
    """The clean example the day after the session: PVs, archiving and destruction not yet done."""
    text = "".join(line for line in CLEAN.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not any(t in line for t in ("pv_transmitted", "grids_archived", "documents_destroyed")))
    path = tmp_path / "pending.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def waivers(tmp_path) -> Path:
    """A waiver accepting the S2.3 finding of the breach record."""
    path = tmp_path / "waivers.yaml"
    path.write_text(f"""waivers:
  - session: {SESSION}
    clause: S2.3
    justification: "Rappel fait la veille par téléphone ; compte rendu joint"
    accepted_by: "M. Lenoir, DDETS du Rhône"
    expires: "2026-12-31"
""", encoding="utf-8")
    return path


def run(paths, fmt: str, lang: str = "fr", *extra: str, as_of: str = AS_OF) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *map(str, paths), "--as-of", as_of, "--format", fmt, "--lang", lang, *extra], out, err)
    assert err.getvalue() == ""
    return code, out.getvalue()


# -- every format ---------------------------------------------------------------------------------

def test_the_cli_offers_every_format():
    """`check --format` accepts the four new formats beside text and json."""
    assert {"text", "json", *NEW_FORMATS} <= set(REPORTERS)
    for fmt in NEW_FORMATS:
        assert build_parser().parse_args(["check", "x.yaml", "--format", fmt]).format == fmt


# Runs `check` in every format and prints {format: [exit code, output, errors]} as JSON.
_EVERY_FORMAT = """
import io, json, sys
from compliance.cli import main
from compliance.reporters import REPORTERS
outputs = {}
for fmt in sorted(REPORTERS):
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *sys.argv[1:], "--format", fmt], out, err)
    outputs[fmt] = [code, out.getvalue(), err.getvalue()]
json.dump(outputs, sys.stdout)
"""


def test_every_format_is_byte_identical_in_processes_with_other_hash_seeds(breaches, waivers):
    """Two separate processes, each with its own string-hash seed, and this one, render every
    format to the same bytes: no output depends on set or dict iteration order, or the clock."""
    args = [str(CLEAN), str(breaches), "--as-of", AS_OF, "--lang", "fr", "--waivers", str(waivers)]
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    runs = [subprocess.Popen([sys.executable, "-c", _EVERY_FORMAT, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, encoding="utf-8",
                             env={**os.environ, "PYTHONPATH": path, "PYTHONHASHSEED": seed})
            for seed in ("1", "2")]
    outputs = []
    for process in runs:
        out, err = process.communicate(timeout=300)
        assert (process.returncode, err) == (0, "")
        outputs.append(json.loads(out))
    here = {fmt: [*run([CLEAN, breaches], fmt, "fr", "--waivers", str(waivers)), ""] for fmt in sorted(REPORTERS)}
    assert set(here) == set(REPORTERS)
    for fmt in sorted(REPORTERS):
        assert outputs[0][fmt] == outputs[1][fmt] == here[fmt], fmt
        code, text, errors = here[fmt]
        assert code == 1 and errors == "" and text.endswith("\n"), fmt


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_the_cli_prints_what_the_renderer_returns(fmt, breaches):
    """The renderer is a pure function of the reports: called directly it gives the CLI's output."""
    (session,) = read_path(breaches)
    # html and json show the evidence of compliance unless --no-compliance-evidence
    reports = [check_session(session, as_of=parse_as_of(AS_OF), compliance_evidence=fmt in ("html", "json"))]
    code, out = run([breaches], fmt, "en")
    assert code == 1
    assert REPORTERS[fmt](reports, "en") == out


def test_the_breach_record_breaks_what_it_should(breaches):
    """Guard for the fixture: the built record gives exactly the hand-written findings."""
    (session,) = read_path(breaches)
    report = check_session(session, as_of=parse_as_of(AS_OF))
    assert {(f.clause, f.severity.value, f.rule) for f in report.findings} == {
        (c, s, RULES[c]) for c, s in EXPECTED.items()}
    assert report.events == BREACH_EVENTS


# -- markdown ------------------------------------------------------------------------------------

def _markdown_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:]
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def _table_rows(lines: list[str]) -> list[list[str]]:
    rows = [line for line in lines if line.startswith("|")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows[2:]]


def test_markdown_of_breaches_has_the_checklist_and_each_finding(breaches):
    """Header, a checklist row per clause (once each, with its status), each finding with its evidence."""
    code, out = run([breaches], "markdown")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"# Session {SESSION}"
    assert [line for line in lines if line.startswith("# ")] == [lines[0]]
    assert f"- **Source** : `{breaches}`" in lines
    assert f"- **Date d'audit** : {AS_OF_ISO}" in lines
    assert f"- **Outil** : compliance {compliance.__version__}" in lines
    assert any(line.startswith("- **Base de règles** : `") and len(line) > 30 for line in lines)
    assert "**Bilan : 1 violation, 1 avertissement, 0 en attente**" in lines

    sections = _markdown_sections(out)
    assert list(sections) == ["Liste de contrôle des clauses", "Constats", "Attestation"]
    rows = _table_rows(sections["Liste de contrôle des clauses"])
    ids = [row[1] for row in rows]
    assert Counter(ids) == Counter(c["id"] for c in catalogue())            # every clause, once
    status = {row[1]: (row[0], row[2]) for row in rows}
    assert status["S3.1"] == ("✗", "VIOLATION") and status["S2.3"] == ("!", "avertissement")
    assert all(status[c] == ("–", "sans objet") for c in NOT_APPLICABLE)
    assert {c for c, s in status.items() if s == ("✓", "conforme")} == {c["id"] for c in catalogue()} - set(
        EXPECTED) - NOT_APPLICABLE
    assert next(row for row in rows if row[1] == "S3.1")[3] == S31_TITLE_FR

    findings = [line for line in sections["Constats"] if line.startswith("### ")]
    assert findings == ["### 1. ! AVERTISSEMENT · S2.3 · Rappel au jury sans la posture attendue",
                        "### 2. ✗ VIOLATION · S3.1 · Identité non contrôlée avant la première épreuve"]
    assert f"- **Règle** : `{RULES['S3.1']}`" in lines
    evidence = [row for row in _table_rows(sections["Constats"]) if row and row[0].startswith("mardi ")]
    start = ["mardi 10 mars 2026 à 9 h 00", "Début d'épreuve", r"candidat : Élodie \<i\>Marchand\</i\> \& Cie (C1)",
             "épreuve : C1-MSP ; à distance : non", f"`{breaches}:{S31_LINE}`"]
    assert evidence == [      # labels, the name (escaped) with its id, times and yes/no in words
        ["mardi 10 mars 2026 à 8 h 00", "Ouverture de la session", "", "", f"`{breaches}:{S23_LINE}`"],
        ["mardi 10 mars 2026 à 8 h 25", "Rappel au jury", "",
         "principes de la certification : oui ; modalités d'évaluation : oui ; organisation de la journée : oui ; "
         "posture attendue : non", f"`{breaches}:{S23_BRIEFING}`"],
        start,                # S2.3: the first test the jury evaluates, which the briefing had to precede
        start]                # S3.1: C1's first test


def test_markdown_parses_as_commonmark_with_tables(breaches):
    """A CommonMark parser (markdown-it) sees the headings, the checklist table and accented titles."""
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py not installed")
    _, out = run([breaches], "markdown")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(out)
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[:3] == [("h1", f"Session {SESSION}"), ("h2", "Liste de contrôle des clauses"),
                            ("h2", "Constats")]
    assert [h for h in headings if h[0] == "h3"] == [
        ("h3", "1. ! AVERTISSEMENT · S2.3 · Rappel au jury sans la posture attendue"),
        ("h3", "2. ✗ VIOLATION · S3.1 · Identité non contrôlée avant la première épreuve")]
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(out)
    assert html.count("<table>") == 4      # the checklist, the evidence of each finding, the block to sign
    assert f"<td>S3.1</td>\n<td>VIOLATION</td>\n<td>{S31_TITLE_FR}</td>" in html


def test_markdown_of_the_clean_example_says_no_finding():
    """The clean example: no finding heading, no breached clause, the 'no finding' sentence."""
    code, out = run([CLEAN], "markdown")
    assert code == 0
    assert "Aucun constat." in out and "### " not in out
    rows = _table_rows(_markdown_sections(out)["Liste de contrôle des clauses"])
    assert {row[0] for row in rows} == {"✓", "–"}


def test_markdown_in_english(breaches):
    """lang=en: English headings, statuses and titles."""
    _, out = run([breaches], "markdown", "en")
    assert list(_markdown_sections(out)) == ["Clause checklist", "Findings", "Attestation"]
    assert "- **Audit date**: " + AS_OF_ISO in out.splitlines()
    assert "| ✗ | S3.1 | VIOLATION | " + S31_TITLE_EN + " | 1 |" in out
    assert "### 1. ! WARNING · S2.3 · " in out


# -- html ----------------------------------------------------------------------------------------

class _Assets(HTMLParser):
    """Collects whatever would make a page fetch something."""
    FETCHING = {"script", "link", "img", "iframe", "object", "embed", "source", "video", "audio", "base"}

    def __init__(self):
        super().__init__()
        self.external: list = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag in self.FETCHING or "src" in attrs or "srcset" in attrs:
            self.external.append((tag, attrs))
        if re.match(r"^\s*(https?:|//|file:|data:)", attrs.get("href") or ""):
            self.external.append((tag, attrs))


def _xhtml(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_html_is_a_self_contained_printable_page(breaches):
    """No external asset, charset and lang set, a title, A4 page rules, findings kept whole."""
    code, out = run([breaches], "html")
    assert code == 1
    assets = _Assets()
    assets.feed(out)
    assert assets.external == []
    assert assets.tags.count("html") == 1 and assets.tags.count("style") == 1
    style = re.search(r"<style>(.*?)</style>", out, re.S).group(1)
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert re.search(r"@page\s*{[^}]*size:\s*A4", style)
    assert re.search(r"\.finding\s*{[^}]*break-inside:\s*avoid", style)
    assert out.startswith("<!DOCTYPE html>\n")
    root = _xhtml(out)                                      # also well-formed XML
    assert root.tag == "html" and root.get("lang") == "fr"
    assert root.find("head/meta[@charset='utf-8']") is not None
    assert SESSION in root.find("head/title").text
    assert len(root.findall(".//div[@class='finding warning']")) == 1
    assert len(root.findall(".//div[@class='finding violation']")) == 1


def test_html_escapes_record_text_and_keeps_accents(breaches):
    """A name made of markup is shown as text, never as markup; accents are intact."""
    _, out = run([breaches], "html")
    root = _xhtml(out)
    assert root.find(".//body//i") is None
    cells = [_text(td) for td in root.iter("td")]
    assert any(f"candidat : {HOSTILE} (C1)" in cell for cell in cells)   # C1's name in the record, with its id
    assert "&lt;i&gt;Marchand&lt;/i&gt; &amp; Cie" in out
    assert any(cell == S23_TITLE_FR for cell in cells)
    assert "séance-avec-manquements.yaml" in _text(root)


def test_html_checklist_reads_in_black_and_white(breaches):
    """Each clause has one checklist row, with a symbol and a status word besides its colour."""
    root = _xhtml(run([breaches], "html")[1])
    table = root.find(".//table[@class='checklist']")
    rows = {_text(tr.findall("td")[1]): [_text(td) for td in tr.findall("td")] + [tr.get("class")]
            for tr in table.find("tbody")}
    assert set(rows) == {c["id"] for c in catalogue()} and len(table.find("tbody")) == len(catalogue())
    assert rows["S3.1"] == ["✗", "S3.1", "VIOLATION", S31_TITLE_FR, "1", "violation"]
    assert rows["S2.3"][:3] == ["!", "S2.3", "avertissement"] and rows["S2.3"][-1] == "warning"
    assert all(rows[c][:3] == ["–", c, "sans objet"] for c in NOT_APPLICABLE)


def _timeline(root: ET.Element) -> list[tuple[str, list[str], list[str]]]:
    """(day heading, cells, tag texts) of each timeline row, in document order."""
    body = root.find("body/section")
    rows, day, inside = [], None, False
    for element in body:
        if element.tag == "h2":
            inside = (element.get("id") or "").endswith("-timeline")
        elif inside and element.tag == "h3":
            day = _text(element)
        elif inside and element.tag == "table" and element.get("class") == "timeline":
            for tr in element.find("tbody"):
                rows.append((day, [_text(td) for td in tr.findall("td")],
                             [_text(a) for a in tr.iter("a") if "tag" in (a.get("class") or "")]))
    return rows


def test_html_timeline_lists_every_event_in_time_order_with_the_findings_on_it(breaches):
    """One row per event, by day and time; the events cited carry the clause id and severity."""
    root = _xhtml(run([breaches], "html")[1])
    rows = _timeline(root)
    assert len(rows) == BREACH_EVENTS
    days = list(dict.fromkeys(day for day, _, _ in rows))
    assert days[0].startswith("samedi 10 janvier 2026") and days[-1].startswith("jeudi 12 mars 2026")
    assert "mardi 10 mars 2026 (Europe/Paris, UTC+01:00)" in days
    keys = [(day_sort, [int(n) for n in re.findall(r"\d+", cells[0])]) for day_sort, (_, cells, _) in
            zip((d for d in (days.index(r[0]) for r in rows)), rows)]
    assert keys == sorted(keys)
    cited = [(cells[0], cells[1], cells[2], cells[5], tags) for _, cells, tags in rows if tags]
    assert cited == [("10 h 00", "Épreuve programmée", f"candidat : {HOSTILE} (C1)", str(S23_SCHEDULED),
                      ["! S2.3 AVERTISSEMENT"]),
                     ("8 h 00", "Ouverture de la session", "", str(S23_LINE), ["! S2.3 AVERTISSEMENT"]),
                     ("8 h 25", "Rappel au jury", "", str(S23_BRIEFING), ["! S2.3 AVERTISSEMENT"]),
                     ("9 h 00", "Début d'épreuve", f"candidat : {HOSTILE} (C1)", str(S31_LINE),
                      ["! S2.3 AVERTISSEMENT", "✗ S3.1 VIOLATION"])]
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for a in root.iter("a"):                            # every tag links to its finding
        assert a.get("href", "#")[1:] in ids


def test_html_of_several_sessions_has_a_section_each(breaches):
    """Two records: one document, a section per session, a table of contents, unique ids."""
    _, out = run([CLEAN, breaches], "html")
    root = _xhtml(out)
    sections = root.findall("body/section")
    assert len(sections) == 2
    assert [_text(s.find("h1")) for s in sections] == [f"Session {SESSION}"] * 2
    assert len(root.findall("body/nav/ol/li")) == 2
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert "Aucun constat." in _text(sections[0]) and "Aucun constat." not in _text(sections[1])


def test_html_in_english(breaches):
    """lang=en: html lang, English headings, severities and dates."""
    root = _xhtml(run([breaches], "html", "en")[1])
    assert root.get("lang") == "en"
    text = _text(root)
    assert "Session timeline" in text and "Clause checklist" in text and "WARNING" in text
    assert "Tuesday 10 March 2026" in text and S31_TITLE_EN in text


def test_html_shows_waivers(breaches, waivers):
    """A waived finding says so, with who accepted it and why, and the clause reads 'dérogation'."""
    code, out = run([breaches], "html", "fr", "--waivers", str(waivers))
    root = _xhtml(out)
    assert len(root.findall(".//div[@class='finding waived']")) == 1
    assert "M. Lenoir, DDETS du Rhône" in _text(root) and "compte rendu joint" in _text(root)
    rows = {_text(tr.findall("td")[1]): _text(tr.findall("td")[2])
            for tr in root.find(".//table[@class='checklist']/tbody")}
    assert rows["S2.3"] == "dérogation"



def test_html_stays_well_formed_with_control_characters(tmp_path):
    """A control character in a record (legal in YAML escapes) is replaced, so XML tools still read the page."""
    path = tmp_path / "ctl.yaml"
    path.write_text(_edit(CLEAN.read_text(encoding="utf-8"), 'name: "Zoé Bénard"', 'name: "Zoé\\u0001Bénard"',
                          "candidate_registered"), encoding="utf-8")
    root = _xhtml(run([path], "html")[1])
    assert any("Zoé\ufffdBénard (C2)" in _text(td) for td in root.iter("td"))


def test_a_finding_without_evidence_is_still_shown_everywhere(breaches):
    """A finding citing no event (an unreadable part of a record) is listed beside the timeline,
    located at the session's file in SARIF, and fails its clause in JUnit."""
    import attrs

    from compliance.model import Finding, Status, Text
    (session,) = read_path(breaches)
    report = check_session(session, as_of=parse_as_of(AS_OF))
    d2 = Finding(rule="D2-evenement-mal-forme", clause="D2", severity="violation", session=SESSION,
                 title=Text("Événement mal formé", "Malformed event"),
                 message=Text("Événement ignoré car mal formé (ligne 99).", "Event ignored as malformed (line 99)."),
                 values=(("location", f"{breaches}:99"),))
    report = attrs.evolve(report, findings=report.findings + (d2,), clauses=tuple(
        attrs.evolve(c, status=Status.VIOLATION, findings=1) if c.clause == "D2" else c for c in report.clauses))
    root = _xhtml(REPORTERS["html"]([report], "fr"))
    headings = [_text(h) for h in root.iter("h3")]
    assert "Constats sans événement cité" in headings
    assert "✗ D2 VIOLATION" in [_text(a) for a in root.iter("a")]
    sarif = json.loads(REPORTERS["sarif"]([report], "fr"))
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "D2"]
    assert result["level"] == "error"
    assert result["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": breaches.as_uri()}}}]
    junit = ET.fromstring(REPORTERS["junit"]([report], "fr").encode("utf-8"))
    assert _cases(junit.find("testsuite"))["D2"].find("failure").get("message") == \
        "Événement ignoré car mal formé (ligne 99)."
    assert junit.get("failures") == "3"
    markdown = REPORTERS["markdown"]([report], "fr")
    assert "### 3. ✗ VIOLATION · D2 · Événement mal formé" in markdown.splitlines()

# -- sarif ---------------------------------------------------------------------------------------

def test_sarif_of_breaches_has_every_clause_as_a_rule_and_every_finding_as_a_result(breaches):
    """SARIF 2.1.0: one run, the catalogue as rules, a result per finding at its evidence lines."""
    code, out = run([breaches], "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run_,) = sarif["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "compliance" and driver["version"] == compliance.__version__
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) >= {c["id"] for c in catalogue()}
    assert rules["S3.1"]["shortDescription"]["text"] == S31_TITLE_FR
    assert rules["S3.1"]["properties"]["section"] == "S3" and rules["R7"]["properties"]["section"] == "R"
    for clause in catalogue():
        rule = rules[clause["id"]]
        assert rule["properties"]["section"] == clause["section"]
        assert clause["title"]["fr"] in rule["fullDescription"]["text"]
        assert clause["title"]["en"] in rule["help"]["text"]
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("S2.3", "warning"), ("S3.1", "error")]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["properties"]["rule"] == RULES[result["ruleId"]]
        assert result["properties"]["session"] == SESSION
        assert result["partialFingerprints"]["session"] == SESSION
    (location,) = results[1]["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == breaches.as_uri()
    assert location["physicalLocation"]["region"] == {"startLine": S31_LINE}
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": S23_SCHEDULED}
    assert "C1-MSP" in results[1]["message"]["text"] and "identité" in results[1]["message"]["text"]


def test_sarif_uses_relative_uris_for_relative_paths(monkeypatch):
    """A file named relative to the working directory stays a relative URI reference."""
    monkeypatch.chdir(ROOT)
    sarif = json.loads(run(["examples/session-conforme.yaml"], "sarif")[1])
    assert sarif["runs"][0]["results"] == []
    assert sarif["runs"][0]["properties"]["reports"][0]["source"] == "examples/session-conforme.yaml"


def test_sarif_in_english(breaches):
    """lang=en: English rule descriptions and messages."""
    sarif = json.loads(run([breaches], "sarif", "en")[1])
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["S3.1"]["shortDescription"]["text"] == S31_TITLE_EN
    assert "identity" in sarif["runs"][0]["results"][1]["message"]["text"]


def test_sarif_levels_of_pending_findings_and_waivers(pending, breaches, waivers):
    """Pending → note; a waived finding keeps its level and carries an accepted suppression."""
    sarif = json.loads(run([pending], "sarif", as_of="2026-03-11")[1])
    assert [(r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"]] == [
        ("S8.5", "note"), ("S8.6", "error"), ("S8.7", "warning")]
    sarif = json.loads(run([breaches], "sarif", "fr", "--waivers", str(waivers))[1])
    s23 = sarif["runs"][0]["results"][0]
    assert s23["ruleId"] == "S2.3" and s23["level"] == "warning"
    (suppression,) = s23["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "compte rendu joint" in suppression["justification"]
    assert "suppressions" not in sarif["runs"][0]["results"][1]


# The parts of the SARIF 2.1.0 schema (docs.oasis-open.org) this output relies on.
SARIF_SUBSET = {
    "type": "object", "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}, "version": {"type": "string"},
                                   "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}}}}}},
                "results": {"type": "array", "items": {"$ref": "#/$defs/result"}}}}}},
    "$defs": {
        "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}},
        "rule": {"type": "object", "required": ["id", "shortDescription", "fullDescription", "help"],
                 "properties": {"id": {"type": "string"}, "shortDescription": {"$ref": "#/$defs/message"},
                                "fullDescription": {"$ref": "#/$defs/message"}, "help": {"$ref": "#/$defs/message"},
                                "properties": {"type": "object"}}},
        "result": {"type": "object", "required": ["ruleId", "level", "message", "locations"],
                   "properties": {
                       "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": 0},
                       "level": {"enum": ["none", "note", "warning", "error"]},
                       "kind": {"enum": ["notApplicable", "pass", "fail", "review", "open", "informational"]},
                       "message": {"$ref": "#/$defs/message"},
                       "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
                       "locations": {"type": "array", "minItems": 1, "items": {
                           "type": "object", "required": ["physicalLocation"], "properties": {
                               "physicalLocation": {"type": "object", "required": ["artifactLocation"], "properties": {
                                   "artifactLocation": {"type": "object", "required": ["uri"],
                                                        "properties": {"uri": {"type": "string", "format": "uri-reference"}}},
                                   "region": {"type": "object", "required": ["startLine"],
                                              "properties": {"startLine": {"type": "integer", "minimum": 1}}}}}}}},
                       "suppressions": {"type": "array", "items": {
                           "type": "object", "required": ["kind"],
                           "properties": {"kind": {"enum": ["inSource", "external"]},
                                          "status": {"enum": ["accepted", "underReview", "rejected"]}}}}}}},
}


def test_sarif_matches_the_schema_it_relies_on(breaches, pending, waivers):
    """Validated with jsonschema against the part of the SARIF schema used (the official one is online)."""
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed")
    validator = jsonschema.Draft202012Validator(SARIF_SUBSET)
    for paths, extra in (([CLEAN, breaches], ("--waivers", str(waivers))), ([pending], ())):
        sarif = json.loads(run(paths, "sarif", "fr", *extra)[1])
        assert list(validator.iter_errors(sarif)) == []
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})) != []


# -- junit ---------------------------------------------------------------------------------------

def _cases(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name").split()[0]: case for case in suite.findall("testcase")}


def test_junit_of_breaches_fails_the_broken_clauses(breaches):
    """A suite per session, a case per clause (classname = section), failures and skips counted."""
    code, out = run([breaches], "junit")
    assert code == 1
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == SESSION
    clauses = catalogue()
    cases = _cases(suite)
    assert len(suite.findall("testcase")) == len(cases) == len(clauses)
    for clause in clauses:
        case = cases[clause["id"]]
        assert case.get("classname") == clause["section"]
        assert case.get("name") == f"{clause['id']} {clause['title']['fr']}"
    assert cases["S2.3"].get("name") == f"S2.3 {S23_TITLE_FR}"         # accents intact
    failed = {c: case.find("failure").get("type") for c, case in cases.items() if case.find("failure") is not None}
    assert failed == EXPECTED
    skipped = {c: case.find("skipped").get("message") for c, case in cases.items() if case.find("skipped") is not None}
    assert skipped == {c: "sans objet" for c in NOT_APPLICABLE}
    for element in (suite, root):
        assert (element.get("tests"), element.get("failures"), element.get("errors"), element.get("skipped")) == (
            str(len(clauses)), "2", "0", "3")
    failure = cases["S3.1"].find("failure")
    assert "C1-MSP" in failure.get("message")
    assert f"{breaches}:{S31_LINE}" in failure.text and RULES["S3.1"] in failure.text
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["source"] == str(breaches) and props["as_of"] == AS_OF_ISO


def test_junit_of_the_clean_example_passes():
    """The clean example: no failure, only the not applicable clauses skipped."""
    code, out = run([CLEAN], "junit")
    assert code == 0
    root = ET.fromstring(out.encode("utf-8"))
    assert (root.get("failures"), root.get("skipped")) == ("0", "3")
    assert root.find(".//failure") is None


def test_junit_counts_add_up_over_several_sessions(breaches):
    """Two sessions: two suites; the totals are their sums."""
    root = ET.fromstring(run([CLEAN, breaches], "junit")[1].encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 2
    n = len(catalogue())
    assert [(s.get("tests"), s.get("failures"), s.get("skipped")) for s in suites] == [
        (str(n), "0", "3"), (str(n), "2", "3")]
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == (str(2 * n), "2", "6")
    assert len(root.findall(".//testcase")) == 2 * n


def test_junit_skips_pending_and_waived_clauses(pending, breaches, waivers):
    """Pending and waived clauses are skipped, the message saying why; warnings still fail."""
    root = ET.fromstring(run([pending], "junit", as_of="2026-03-11")[1].encode("utf-8"))
    cases = _cases(root.find("testsuite"))
    assert cases["S8.5"].find("skipped").get("message").startswith("en attente : ")
    assert "le mercredi 25 mars 2026 à 24 h" in cases["S8.5"].find("skipped").get("message")   # end of day 15
    assert cases["S8.6"].find("failure").get("type") == "violation"
    assert cases["S8.7"].find("failure").get("type") == "warning"
    assert (root.get("failures"), root.get("skipped")) == ("2", "4")

    root = ET.fromstring(run([breaches], "junit", "fr", "--waivers", str(waivers))[1].encode("utf-8"))
    cases = _cases(root.find("testsuite"))
    message = cases["S2.3"].find("skipped").get("message")
    assert message.startswith("dérogation : ") and "M. Lenoir, DDETS du Rhône" in message
    assert cases["S2.3"].find("failure") is None
    assert (root.get("failures"), root.get("skipped")) == ("1", "4")


def test_junit_in_english(breaches):
    """lang=en: English test case names."""
    root = ET.fromstring(run([breaches], "junit", "en")[1].encode("utf-8"))
    assert _cases(root.find("testsuite"))["S3.1"].get("name") == f"S3.1 {S31_TITLE_EN}"


# -- the JSON report's documentation ----------------------------------------------------------------

def _keys(value, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            _keys(item, out)
    elif isinstance(value, list):
        for item in value:
            _keys(item, out)
    return out


def test_report_schema_doc_describes_every_key_of_the_json_report(breaches, waivers):
    """docs/report-schema.md names the schema version and every key the JSON report holds."""
    from compliance.reporters.json import REPORT_SCHEMA
    doc = (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8")
    assert f"`{REPORT_SCHEMA}`" in doc
    document = json.loads(run([breaches], "json", "fr", "--waivers", str(waivers))[1])
    keys = _keys(document, set())
    assert {"schema", "reports", "clauses", "findings", "timeline", "waivers", "waived", "evidence"} <= keys
    assert sorted(k for k in keys if f"`{k}`" not in doc) == []


# -- a look at the page --------------------------------------------------------------------------

def _chromium() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not found (/usr/bin/chromium or "
                                                "'chromium' on PATH); install the Debian package 'chromium'")
def test_html_report_renders_in_headless_chromium(tmp_path, breaches):
    """Chromium renders the breach report's page to a PNG screenshot of a real size."""
    html = tmp_path / "rapport.html"
    html.write_text(run([breaches], "html")[1], encoding="utf-8")
    png = tmp_path / "rapport.png"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=1240,1754",
                    html.as_uri()], check=True, capture_output=True, timeout=180)
    assert png.is_file()
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 30_000                 # a blank page of that size compresses to a few kB
