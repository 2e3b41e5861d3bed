"""Every finding cites its source (the rule's reference in rules/*.yaml) in every format,
read back with each format's own parser."""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from compliance import default_rulebook
from compliance.cli import main
from conftest import EXAMPLES

BREACHES = EXAMPLES / "session-avec-manquements.yaml"


def _render(fmt: str, lang: str = "fr") -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(BREACHES), "--as-of", "2026-04-30", "--format", fmt, "--lang", lang], out, err) == 1
    return out.getvalue()


@pytest.fixture(scope="module")
def references() -> dict[str, str]:
    """rule id -> its reference text, as the rule files write it (eleven rules fire on the example)."""
    findings = json.loads(_render("json"))["reports"][0]["findings"]
    rules = {r.id: r for r in default_rulebook().rules}
    assert len(findings) == 11
    return {f["rule"]: rules[f["rule"]].reference.text for f in findings}


def test_json_findings_carry_their_rules_reference(references):
    for f in json.loads(_render("json"))["reports"][0]["findings"]:
        assert f["source"]["text"] == references[f["rule"]]
        reference = next(r.reference for r in default_rulebook().rules if r.id == f["rule"])
        main = reference.texts[0]       # the main text the rule names in the catalogue
        assert (f["source"]["article"], f["source"]["quote"], f["source"]["url"]) == (
            reference.article, reference.quote, reference.url or main.url)
        assert (f["source"]["date"], f["source"]["status"]) == (main.date, main.status)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_cite_every_source(fmt, references):
    text = _render(fmt).replace("\\", "")        # markdown escapes punctuation
    for rule, reference in references.items():
        assert reference in text, rule


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "p" and ("class", "source") in attrs:
            self._in = True
            self.sources.append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.sources[-1] += data


def test_html_gives_each_finding_a_source_paragraph(references):
    parser = _Paragraphs()
    parser.feed(_render("html"))
    assert len(parser.sources) == 11
    for reference in references.values():
        assert any(reference in p for p in parser.sources), reference


def test_sarif_results_and_rules_cite_the_sources(references):
    run = json.loads(_render("sarif"))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for result in run["results"]:
        reference = references[result["properties"]["rule"]]
        assert result["properties"]["legalSource"]["text"] == reference
        assert reference in rules[result["ruleId"]]["help"]["text"]


def test_junit_failures_cite_the_sources(references):
    root = ET.fromstring(_render("junit"))
    texts = " ".join(f.text or "" for f in root.iter("failure"))
    for reference in references.values():
        assert reference in texts
