"""Every output format, parsed with a real parser and checked for content."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from compliance.cli import main
from compliance.reporters import REPORTERS
from conftest import EXAMPLES

BREACHES = EXAMPLES / "session-avec-manquements.yaml"
CLEAN = EXAMPLES / "session-conforme.yaml"
# the clauses the breaches example breaks (see its .expected file), by severity
VIOLATED = {"S1.1", "S3.1", "S3.2", "S5.2", "S5.3", "S6.2", "S7.1", "S8.5"}
WARNED = {"S2.3", "S8.7"}


def render(record, fmt, lang="fr"):
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(record), "--as-of", "2026-04-30", "--format", fmt, "--lang", lang], out, err)
    assert err.getvalue() == ""
    return code, out.getvalue()


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_is_byte_identical_across_runs(fmt):
    assert render(BREACHES, fmt) == render(BREACHES, fmt)


def test_sarif_names_every_clause_as_a_rule_and_every_finding_as_a_result():
    code, out = render(BREACHES, "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == 50 and "S8.5" in rule_ids and "R12" in rule_ids
    assert all(r["shortDescription"]["text"] and r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    errors = {r["ruleId"] for r in run["results"] if r["level"] == "error"}
    warnings = {r["ruleId"] for r in run["results"] if r["level"] == "warning"}
    assert (errors, warnings) == (VIOLATED, WARNED)
    for result in run["results"]:
        assert set(result["ruleId"]) and result["locations"]
        for loc in result["locations"]:
            assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("session-avec-manquements.yaml")
            assert loc["physicalLocation"]["region"]["startLine"] > 0


def test_junit_has_a_testcase_per_clause_and_fails_the_broken_ones():
    _, out = render(BREACHES, "junit")
    root = ET.fromstring(out.encode("utf-8"))
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 50 and suite.get("tests") == "50"
    failed = {c.get("name").split()[0]: c.find("failure").get("type") for c in cases if c.find("failure") is not None}
    assert failed == {**{c: "violation" for c in VIOLATED}, **{c: "warning" for c in WARNED}}
    assert suite.get("failures") == str(len(VIOLATED | WARNED))
    skipped = {c.get("name").split()[0] for c in cases if c.find("skipped") is not None}
    assert skipped == {"S5.5", "R7", "R9"}            # not applicable: no late candidate, accommodation or incident
    assert "Noël Dupré" in out or "responsable" in out  # accents survive


def test_junit_of_a_clean_session_has_no_failure():
    _, out = render(CLEAN, "junit")
    assert ET.fromstring(out.encode("utf-8")).get("failures") == "0"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external, self.ids, self.text, self.tags = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag in ("script", "link", "img", "iframe") or any(
                (attrs.get(a) or "").startswith(("http:", "https:", "//")) for a in ("src", "href")):
            self.external.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_places_findings_on_the_timeline():
    _, out = render(BREACHES, "html")
    page = _Page()
    page.feed(out)
    assert page.external == []
    text = "".join(page.text)
    assert "Élodie Marchand" in text and "Chronologie de la session" in text
    timeline = out[out.index('id="timeline"'):]
    for clause in VIOLATED | WARNED:
        assert f"{clause} VIOLATION" in timeline or f"{clause} AVERTISSEMENT" in timeline
    assert '<html lang="fr">' in out and '<meta charset="utf-8">' in out and "size: A4" in out


def test_html_in_english():
    _, out = render(BREACHES, "html", "en")
    assert '<html lang="en">' in out and "Session timeline" in out and "WARNING" in out


def test_markdown_lists_each_clause_once_and_every_finding():
    _, out = render(BREACHES, "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ") and line.count("|") == 5]
    clause_ids = [row.split("|")[2].strip() for row in rows[1:]]
    assert len(clause_ids) == len(set(clause_ids)) == 50
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    import yaml
    expected = yaml.safe_load(BREACHES.with_name(BREACHES.stem + ".expected").read_text(encoding="utf-8"))
    assert len(headings) == len(expected["findings"])      # one per finding


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="Chromium is not installed (Debian package 'chromium')")
def test_html_report_renders_in_headless_chromium(tmp_path):
    html = tmp_path / "report.html"
    html.write_text(render(BREACHES, "html")[1], encoding="utf-8")
    png = tmp_path / "report.png"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=1240,1754",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    assert png.is_file() and png.stat().st_size > 20_000
